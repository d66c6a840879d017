/* Running one handler call: its context, its database session, its thread. */
#ifndef BH_PLUG_CTX_H
#define BH_PLUG_CTX_H

#include <jansson.h>

#include "db/db.h"
#include "plug/plug.h"

/* A context for one call; `data` is stolen (NULL: an empty object). db may be NULL. */
bh_ctx *plug_ctx_new(int kind, const char *name, json_t *data, struct db_pool *db);
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

#endif
