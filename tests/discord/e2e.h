/*
 * End-to-end support: bothost-emu, a private database and bothost running the
 * test plugins against them, and short forms for acting as a user.
 */
#ifndef BH_E2E_H
#define BH_E2E_H

#include <jansson.h>
#include <libpq-fe.h>

#include "../emu/emu_test.h"
#include "tsup.h"
#include "tsup_host.h"
#include "tsup_pg.h"
#include "tsup_proc.h"

typedef struct e2e {
    et_emu emu;
    tsup_host_dirs dirs;
    char *conninfo;
    PGconn *db;
    tsup_proc *host;
    char ini[1024];
    int http_port;     /* bothost's [http] listen port */
} e2e;

/* Fresh database `name`, emulator with `emu_args` (NULL-terminated, may be NULL), host dirs. */
void e2e_setup(e2e *t, const char *name, const char *const *emu_args);
/*
 * Writes the INI (enabled plugins, extra INI text) and starts bothost; waits for `ready_line`.
 * The host logs at t->dirs.log_level (info by default): a `ready_line` logged at debug
 * needs t->dirs.log_level = "debug" first.
 */
void e2e_start_host(e2e *t, const char *enabled, const char *extra, const char *ready_line);
/* The same with a limit for each step (e2e_start_host: 30 s), for starts whose work scales. */
void e2e_start_host_within(e2e *t, const char *enabled, const char *extra, const char *ready_line,
                           int timeout_ms);
/* The same, with lines of the default INI replaced: pairs "old line", "new line", NULL-terminated. */
void e2e_start_host_edited(e2e *t, const char *enabled, const char *extra, const char *ready_line,
                           const char *const *edits);
/*
 * Waits until the emulator has answered the bot's registration of its commands
 * (a PUT of .../commands, global or for a guild) since it started, so a user
 * can run them: the state a test needs before e2e_command(), at any log level.
 */
void e2e_wait_commands(e2e *t, int timeout_ms);
/* SIGTERM, expect exit 0. */
void e2e_stop_host(e2e *t);
void e2e_teardown(e2e *t);

/* Runs a slash command as the guild owner: returns the interaction id (static). */
const char *e2e_command(e2e *t, const char *text);
/*
 * Waits for the bot's answer to an interaction past `since` (0: any); returns the
 * emulator's view (caller frees).
 */
json_t *e2e_answer(e2e *t, const char *interaction_id, int since, int wait_ms);
/* The content of the interaction's current response message, or "" (static). */
const char *e2e_content(json_t *view);
/* GET on bothost's HTTP endpoint: the status (0 without an answer), the body in *body (valid until the next call). */
int e2e_http_get(e2e *t, const char *path, const char **body);

/* Clicks a button; returns the new interaction id (static). */
const char *e2e_click(e2e *t, const char *message_id, const char *custom_id);

#endif
