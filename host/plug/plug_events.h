/*
 * Gateway events fanned out to the plugins that registered them: one worker call
 * per handler, each with its own context. The interaction routing beside it is
 * host/ia/ia_dispatch.c; the route lookup is plug_route_event().
 */
#ifndef BH_PLUG_EVENTS_H
#define BH_PLUG_EVENTS_H

#include <jansson.h>

#include "base/work_pool.h"
#include "plug/plug.h"

struct db_pool;

typedef struct plug_events plug_events;

/* db may be NULL (handlers then have no database). */
int plug_events_create(plug_events **out, plug_mgr *m, work_pool *workers, struct db_pool *db);
/* Any thread: queues a worker call for every handler of `name`; `data` is borrowed. */
void plug_events_dispatch(plug_events *e, const char *name, json_t *data);
/* Event calls queued or running. */
int plug_events_inflight(plug_events *e);
/* Once none is in flight. */
void plug_events_free(plug_events *e);

#endif
