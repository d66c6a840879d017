/*
 * The job scheduler: runs due rows of bothost.jobs on the worker pool.
 *
 * The loop thread only keeps time: a timer (every [host] job_poll_ms, or sooner
 * when the next job is known to be due) starts a sweep on a worker. A sweep
 * claims due jobs one at a time (FOR UPDATE SKIP LOCKED, so several hosts share
 * the table safely), runs each handler inside the claiming transaction and ends
 * it. Each job it finds asks the loop for one more sweeper, up to the number of
 * workers, so a backlog spreads over every worker and an idle host runs one cheap
 * query per poll.
 */
#ifndef BH_SCHED_H
#define BH_SCHED_H

#include <stdint.h>

#include <uv.h>

#include "base/work_pool.h"
#include "db/db.h"
#include "plug/plug.h"

struct metrics;

typedef struct sched sched;

typedef struct sched_opts {
    int poll_ms;
    int max_sweepers;
    int max_attempts;
    int backoff_ms;
} sched_opts;

/* reg (may be NULL) counts jobs. */
int sched_create(sched **out, uv_loop_t *loop, work_pool *pool, plug_mgr *plugins, db_pool *db,
                 struct metrics *reg, const sched_opts *opts);
/* Any thread: look for due jobs now (a job was just scheduled, plugins reloaded). */
void sched_nudge(sched *s);
/* Loop thread: stop starting sweeps; sweeps running finish their current job. */
void sched_stop(sched *s);
/* Sweeps still running. */
int sched_active(sched *s);
/* Loop thread, after sched_stop() and once sched_active() is 0: closes its handles. */
void sched_close(sched *s, void (*done)(sched *s));
void sched_free(sched *s);

typedef struct sched_stats {
    uint64_t ran, failed, dead;
} sched_stats;
void sched_get_stats(sched *s, sched_stats *out);

#endif
