/* Running one handler call: its context, its database session, its thread. */
#ifndef BH_PLUG_CTX_H
#define BH_PLUG_CTX_H

#include <jansson.h>

#include "db/db.h"
#include "plug/plug.h"

/*
 * A context for one call of manager `m` (whose REST client and cache its calls
 * use; NULL: none); `data` is stolen (NULL: an empty object). db may be NULL.
 */
bh_ctx *plug_ctx_new(plug_mgr *m, int kind, const char *name, json_t *data, struct db_pool *db);
/* The session the call's queries use, e.g. to claim a job before the call. */
db_session *plug_ctx_db(bh_ctx *c);
void plug_ctx_set_job(bh_ctx *c, const char *kind, json_t *payload, int attempt);
/* Runs the handler on this thread; returns its result. bh_ctx_error() text in plug_ctx_error(). */
int plug_ctx_run(bh_ctx *c, const plug_call *call);
const char *plug_ctx_error(const bh_ctx *c);
/*
 * After the handler: rolls back what it left open and resets its connection,
 * which the call keeps; returns the session for the host's own writes about the
 * call (the command log), so they need no second connection.
 */
db_session *plug_ctx_end_handler(bh_ctx *c);
/* Ends the call: rolls back what it left open, gives back its connection, frees it. */
void plug_ctx_free(bh_ctx *c);

/* The call's data (the interaction, the event, the job's payload), borrowed. */
const json_t *plug_ctx_data(const bh_ctx *c);
/* The plugin the call runs in ("" before plug_ctx_run()). */
const char *plug_ctx_plugin(const bh_ctx *c);
/* Sets the error text bh_ctx_error() and plug_ctx_error() return (kept with the last REST outcome). */
void plug_set_error(bh_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * What an interaction gives its handler: the bh_api entries that read what
 * host/ia/ parsed and answer it. ia/ implements them (ia_entries) and sets them
 * on the call with the interaction; the table reaches them through the call, so
 * plug/, below ia/, includes nothing of it. A call without them is not an
 * interaction: reads give NULL or 0, answers BH_ESTATE.
 */
typedef struct plug_ia_entries {
    const json_t *(*option)(bh_ctx *c, const char *name);
    int (*cid_count)(bh_ctx *c);
    const char *(*cid_part)(bh_ctx *c, int i);
    int (*reply)(bh_ctx *c, bh_msg *m);
    int (*update)(bh_ctx *c, bh_msg *m);
    int (*defer)(bh_ctx *c, int ephemeral);
    int (*modal_open)(bh_ctx *c, bh_modal *md);
    int (*autocomplete)(bh_ctx *c, const json_t *choices);
    int (*followup)(bh_ctx *c, bh_msg *m, uint64_t *message_id);
    int (*edit_original)(bh_ctx *c, bh_msg *m);
    int (*delete_original)(bh_ctx *c);
} plug_ia_entries;

/* The interaction a call answers (host/ia/ owns it), and its entries; NULL for other calls. */
struct ia_call;
void plug_ctx_set_interaction(bh_ctx *c, struct ia_call *call, const plug_ia_entries *entries);
struct ia_call *plug_ctx_interaction(const bh_ctx *c);

/* Of the call's last REST request: Discord's error code (0: none), HTTP status (0: none). */
int plug_ctx_discord_code(const bh_ctx *c);
int plug_ctx_http_status(const bh_ctx *c);

#endif
