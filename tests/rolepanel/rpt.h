/*
 * Scenario support for the rolepanel suite: bothost with the real rolepanel.so
 * against bothost-emu and a fresh database, and short forms for what admins and
 * members do (commands, clicks, selects, modals) and for reading what Discord
 * (the emulator) ended up with.
 */
#ifndef RPT_H
#define RPT_H

#include "../discord/e2e.h"

/* Fresh database and emulator, rolepanel installed, host started with extra INI text. */
void rpt_start(e2e *t, const char *name, const char *extra_ini);
/* Starts the host again (after e2e_stop_host) with the same INI. */
void rpt_restart(e2e *t);

/* Acting as a user ("owner", "alice", ...): each returns the new interaction id (static). */
const char *rpt_command(e2e *t, const char *user, const char *text);
const char *rpt_click(e2e *t, const char *user, const char *message_id, const char *custom_id);
/* values: a NULL-terminated list (names work for role and channel selects). */
const char *rpt_select(e2e *t, const char *user, const char *message_id, const char *custom_id,
                       const char *const *values);
/* Submits the modal opened in answer to `interaction_id`; fields: "id", "text", ..., NULL. */
const char *rpt_modal(e2e *t, const char *interaction_id, const char *const *fields);

/*
 * How long a test waits for an answer: a handler that edits the posted panel and
 * redraws the editor makes two REST calls and a transaction, and on a busy machine
 * (a parallel build, the other suite) that took over 5 s once. A wait ends as soon
 * as the answer is there, so a long limit costs nothing when all is well.
 */
#define RPT_ANSWER_MS 30000

/*
 * Waits for the bot's final answer to an interaction (past a defer) and returns
 * its text: the last follow-up's content, else the original response's, else
 * the callback's data content (static). "" if none within wait_ms.
 */
const char *rpt_answer(e2e *t, const char *interaction_id, int wait_ms);
/* The callback type the bot answered with (4, 5, 6, 7, 9), waiting up to wait_ms; 0 if none. */
int rpt_answer_type(e2e *t, const char *interaction_id, int wait_ms);
/* The interaction's view (caller frees) once it is answered. */
json_t *rpt_view(e2e *t, const char *interaction_id, int wait_ms);

/* Ids by name from GET /_emu/state (static buffers, one per call site use). */
const char *rpt_role_id(e2e *t, const char *name);
const char *rpt_channel_id(e2e *t, const char *name);
const char *rpt_user_id(e2e *t, const char *name);
/* Whether the member holds the role, per the emulator. */
int rpt_has_role(e2e *t, const char *user, const char *role);
/* Gives or takes a role by hand (as an admin would in Discord). */
void rpt_set_role(e2e *t, const char *user, const char *role, int on);
/* A member joins. */
void rpt_join(e2e *t, const char *username);

/* A message in a channel by id, as Discord has it (caller frees), or NULL. */
json_t *rpt_message(e2e *t, const char *channel_id, const char *message_id);
/* Waits until the message's JSON contains `needle` (1) or not (0); returns whether it did. */
int rpt_wait_message(e2e *t, const char *channel_id, const char *message_id, const char *needle,
                     int present, int wait_ms);
/* How many messages in the channel contain `needle` in their JSON. */
int rpt_count_messages(e2e *t, const char *channel, const char *needle);

/* ---- the admin's editor, driven as an admin would ---- */
typedef struct rpt_panel {
    int64_t id;
    char editor[32];       /* the editor message's id */
    char message[32];      /* the posted message's id, once posted */
    char channel[32];
} rpt_panel;

/* /panel create → modal → editor. */
void rpt_panel_create(e2e *t, rpt_panel *p, const char *title, const char *description);
/* Adds a role through the role select and its modal; returns the editor's notice. */
const char *rpt_panel_add_role(e2e *t, rpt_panel *p, const char *role, const char *label,
                               const char *style);
/* Picks a mode in the editor. */
void rpt_panel_mode(e2e *t, rpt_panel *p, const char *mode);
/* Sets limits and duration through their modal ("" keeps a field empty). */
const char *rpt_panel_limits(e2e *t, rpt_panel *p, const char *min, const char *max,
                             const char *duration);
/* Sets the required and excluded roles (NULL clears). */
void rpt_panel_requirements(e2e *t, rpt_panel *p, const char *required, const char *excluded);
/* Switches between buttons and a select menu. */
void rpt_panel_toggle_kind(e2e *t, rpt_panel *p);
/* Posts to a channel (by name); returns the editor's notice and fills p->message. */
const char *rpt_panel_post(e2e *t, rpt_panel *p, const char *channel);
/* A member clicks the role's button on the posted panel; returns the bot's answer. */
const char *rpt_take(e2e *t, rpt_panel *p, const char *user, const char *role);
/* A member chooses roles in the posted panel's select; returns the bot's answer. */
const char *rpt_choose(e2e *t, rpt_panel *p, const char *user, const char *const *roles);

#endif
