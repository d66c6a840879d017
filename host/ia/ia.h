/*
 * Interactions: INTERACTION_CREATE dispatches routed to the plugin that
 * registered them, run on a worker, answered within Discord's 3 seconds.
 *
 * The loop thread takes an interaction from the gateway, finds its handler
 * (command path, "<plugin>:..." custom_id), answers stale controls itself, and
 * starts a timer of [host] auto_defer_ms. A worker runs the handler; its
 * answers (bh_reply() and friends) go out through the REST client, and one
 * lock per interaction decides between the handler's first answer and the
 * host's auto-defer, whichever comes first. When the handler returns, the host
 * answers what it left unanswered (an error, or a plain acknowledgement), logs
 * the command in bothost.command_log, and the loop frees the call. Past
 * max_pending interactions in flight, a new one is answered "busy" at once.
 */
#ifndef BH_IA_H
#define BH_IA_H

#include <stdint.h>

#include <uv.h>

#include <jansson.h>

#include "base/work_pool.h"
#include "db/db.h"
#include "plug/plug.h"
#include "rest/rest.h"

struct cache;
struct ia_call;
typedef struct ia_mgr ia_mgr;

typedef struct ia_opts {
    uv_loop_t *loop;
    work_pool *workers;
    plug_mgr *plugins;
    db_pool *db;           /* command_log; may be NULL */
    rest *rest;
    struct cache *cache;   /* may be NULL */
    struct metrics *metrics; /* counts interactions; NULL: not counted */
    int auto_defer_ms;
    /*
     * Interactions accepted at once (queued or running); past it, each new one
     * is answered at once with an ephemeral "busy, try again". 0: 2000.
     */
    int max_pending;
    /*
     * Tests only (NULL otherwise): called on the worker when the handler has
     * returned, just before (IA_HOOK_BEFORE_CLAIM) and just after
     * (IA_HOOK_AFTER_CLAIM) the host claims the answer the handler left, so a
     * test can fire the auto-defer at exactly that moment.
     */
    void (*test_hook)(struct ia_call *call, int where);
} ia_opts;

int ia_mgr_create(ia_mgr **out, const ia_opts *o);

/* Loop thread: one INTERACTION_CREATE (borrowed). */
void ia_dispatch(ia_mgr *m, json_t *interaction);

/* Interactions being handled now. */
int ia_mgr_inflight(ia_mgr *m);

/* Loop thread: closes the manager's handle (when none is in flight, or once the last ends). */
void ia_mgr_close(ia_mgr *m);
void ia_mgr_free(ia_mgr *m);

#endif
