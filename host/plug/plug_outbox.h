/*
 * The outbox: Discord calls a handler queues to go out after its transaction
 * commits, so no row lock is held while Discord answers (plug_outbox.c).
 */
#ifndef BH_PLUG_OUTBOX_H
#define BH_PLUG_OUTBOX_H

#include <jansson.h>

#include <bothost/abi.h>

/* The job kind of a queued request (plugins cannot use kinds starting with "bothost."). */
#define PLUG_OUTBOX_KIND "bothost.rest"
#define PLUG_RESERVED_KIND_PREFIX "bothost."

/* The bh_api entries. */
int plug_outbox_rest(bh_ctx *c, const char *method, const char *path, const json_t *body,
                     const char *reason);
int plug_outbox_message_send(bh_ctx *c, uint64_t channel, bh_msg *m);
int plug_outbox_rest_report(bh_ctx *c, const char *method, const char *path,
                            const json_t *body, const char *reason, const char *refused_kind,
                            const json_t *context);

/*
 * Sends one queued request of `plugin` (a claimed job's payload) on the
 * scheduler's call `c`. 0 when it went out or Discord refused it for good (a
 * refusal is logged and the request dropped: it would be refused again), or the
 * error of a transient failure (no answer, a server error), which the job retries.
 */
int plug_outbox_run(bh_ctx *c, const char *plugin, const json_t *payload);

#endif
