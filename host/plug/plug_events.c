#include "plug/plug_events.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "plug/plug_ctx.h"

#define MAX_EVENT_HANDLERS 16

struct plug_events {
    plug_mgr *mgr;
    work_pool *workers;
    struct db_pool *db;
    atomic_int inflight;
};

typedef struct event_call {
    plug_events *e;
    plug_call call;
    char name[64];
    json_t *data;
} event_call;

int plug_events_create(plug_events **out, plug_mgr *m, work_pool *workers, struct db_pool *db)
{
    plug_events *e = calloc(1, sizeof *e);
    if (!e)
        return BH_ENOMEM;
    e->mgr = m;
    e->workers = workers;
    e->db = db;
    atomic_init(&e->inflight, 0);
    *out = e;
    return 0;
}

static void run_event(void *arg)
{
    event_call *ev = arg;
    bh_ctx *c = plug_ctx_new(ev->e->mgr, BH_CTX_EVENT, ev->name, ev->data, ev->e->db);
    if (c) {
        if (plug_ctx_run(c, &ev->call) < 0)
            log_fields(LOG_WARN, "events", NULL, "plugin %s failed on %s: %s",
                       plug_gen_name(ev->call.gen), ev->name, plug_ctx_error(c));
        plug_ctx_free(c);
    }
    plug_call_release(ev->e->mgr, &ev->call);
    atomic_fetch_sub(&ev->e->inflight, 1);
    free(ev);
}

void plug_events_dispatch(plug_events *e, const char *name, json_t *data)
{
    plug_call calls[MAX_EVENT_HANDLERS];
    int n = plug_route_event(e->mgr, name, calls, MAX_EVENT_HANDLERS);
    for (int i = 0; i < n; i++) {
        event_call *ev = calloc(1, sizeof *ev);
        if (!ev) {
            plug_call_release(e->mgr, &calls[i]);
            continue;
        }
        ev->e = e;
        ev->call = calls[i];
        snprintf(ev->name, sizeof ev->name, "%s", name);
        ev->data = json_incref(data);
        atomic_fetch_add(&e->inflight, 1);
        if (work_pool_submit(e->workers, run_event, ev) < 0) {
            json_decref(ev->data);
            plug_call_release(e->mgr, &ev->call);
            atomic_fetch_sub(&e->inflight, 1);
            free(ev);
        }
    }
}

int plug_events_inflight(plug_events *e)
{
    return e ? atomic_load(&e->inflight) : 0;
}

void plug_events_free(plug_events *e)
{
    free(e);
}
