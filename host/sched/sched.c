#include "sched/sched.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "metrics/metrics.h"
#include "plug/plug_ctx.h"
#include "plug/plug_outbox.h"

struct sched {
    uv_loop_t *loop;
    uv_timer_t timer;
    uv_async_t wake;
    work_pool *pool;
    plug_mgr *plugins;
    db_pool *db;
    metrics *metrics;
    sched_opts opts;
    int closing_handles;
    void (*closed)(sched *s);

    pthread_mutex_t lock;        /* guards what follows */
    int active;
    int want_more;               /* a sweep found work: start another */
    int stopping;
    int64_t next_due_ms;         /* -1: unknown */
    sched_stats stats;
};

/* Seconds a job waited past its run_at before a worker claimed it. */
static const double lag_buckets[] = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900};

static void describe_metrics(metrics *m)
{
    metrics_describe(m, "bothost_jobs_claimed_total", METRICS_COUNTER,
                     "Durable jobs claimed to run, by plugin and kind.");
    metrics_describe(m, "bothost_jobs_succeeded_total", METRICS_COUNTER,
                     "Durable jobs whose handler succeeded (their work committed).");
    metrics_describe(m, "bothost_jobs_retried_total", METRICS_COUNTER,
                     "Durable job runs that failed and were rescheduled with backoff.");
    metrics_describe(m, "bothost_jobs_dead_total", METRICS_COUNTER,
                     "Durable jobs kept as dead after [host] job_max_attempts failures.");
    metrics_describe_histogram(m, "bothost_job_lag_seconds",
                               "How long a job was due before a worker claimed it.", lag_buckets,
                               sizeof lag_buckets / sizeof lag_buckets[0]);
}

/* `finished`: the outcome was committed (else the job is claimed again later). */
static void count_job(metrics *m, const db_job *job, int ok, int dead, int finished)
{
    char labels[160];
    if (metrics_labels(labels, sizeof labels, "plugin", job->plugin, "kind", job->kind, NULL) < 0)
        return;
    metrics_counter_add(m, "bothost_jobs_claimed_total", labels, 1);
    if (finished)
        metrics_counter_add(m, ok     ? "bothost_jobs_succeeded_total"
                        : dead ? "bothost_jobs_dead_total"
                               : "bothost_jobs_retried_total",
                        labels, 1);
    if (metrics_labels(labels, sizeof labels, "plugin", job->plugin, NULL) >= 0)
        metrics_histogram_observe(m, "bothost_job_lag_seconds", labels, job->lag_s);
}

/* Runs one claimed job; returns 1 when it ran (either way), 0 when none was due, <0 on error. */
static int run_one(sched *s, char **plugins, int nplugins)
{
    bh_ctx *c = plug_ctx_new(s->plugins, BH_CTX_JOB, "", NULL, s->db);
    if (!c)
        return BH_ENOMEM;
    db_job job;
    int rc = db_jobs_claim(plug_ctx_db(c), (const char *const *)plugins, nplugins, &job);
    if (rc <= 0) {
        if (rc < 0)
            log_msg(LOG_WARN, "sched", "cannot claim jobs: %s", plug_ctx_db(c)->err);
        plug_ctx_free(c);
        return rc;
    }
    pthread_mutex_lock(&s->lock);
    s->want_more = 1;
    pthread_mutex_unlock(&s->lock);
    uv_async_send(&s->wake);

    char key[128];
    snprintf(key, sizeof key, "%s:%s", job.plugin, job.kind);
    plug_call call;
    int ok;
    const char *why = NULL;
    if (strcmp(job.kind, PLUG_OUTBOX_KIND) == 0) {
        /* A request queued with bh_outbox_rest(): the host's own, after the commit. */
        int sent = plug_outbox_run(c, job.plugin, job.payload);
        ok = sent >= 0;
        why = ok ? NULL : plug_ctx_error(c);
    } else if (plug_route(s->plugins, PLUG_JOB, key, &call) < 0) {
        ok = 0;
        why = "no handler for this job kind is loaded";
    } else {
        plug_ctx_set_job(c, job.kind, job.payload, job.attempts);
        ok = plug_ctx_run(c, &call) >= 0;
        why = ok ? NULL : plug_ctx_error(c);
        plug_call_release(s->plugins, &call);
    }
    char errbuf[512];
    if (why)
        snprintf(errbuf, sizeof errbuf, "%s", why);
    if (!ok)
        log_fields(LOG_WARN, "sched", NULL, "job %lld %s failed (attempt %d of %d): %s",
                   (long long)job.id, key, job.attempts + 1, s->opts.max_attempts, errbuf);
    int dead = !ok && job.attempts + 1 >= s->opts.max_attempts;
    rc = db_jobs_finish(plug_ctx_db(c), &job, ok, why ? errbuf : NULL, s->opts.max_attempts,
                        s->opts.backoff_ms);
    if (rc < 0)
        log_msg(LOG_WARN, "sched", "cannot finish job %lld: %s", (long long)job.id,
                plug_ctx_db(c)->err);
    plug_ctx_free(c);
    count_job(s->metrics, &job, ok, dead, rc >= 0);

    pthread_mutex_lock(&s->lock);
    s->stats.ran++;
    s->stats.failed += !ok;
    s->stats.dead += dead;
    pthread_mutex_unlock(&s->lock);
    return 1;
}

static void sweep(void *arg)
{
    sched *s = arg;
    char **plugins = NULL;
    int n = plug_job_plugins(s->plugins, &plugins);
    int64_t next = -1;
    int ran = 0;
    if (n > 0) {
        for (;;) {
            pthread_mutex_lock(&s->lock);
            int stop = s->stopping;
            pthread_mutex_unlock(&s->lock);
            if (stop || run_one(s, plugins, n) <= 0)
                break;
            ran++;
        }
        db_session sess;
        db_session_init(&sess, s->db);
        next = db_jobs_next_due(&sess, (const char *const *)plugins, n);
        db_session_end(&sess);
        /* Due but not claimable: another worker or host holds it; look again at the next poll. */
        if (!ran && next >= 0 && next <= clock_wall_ms())
            next = -1;
    }
    if (n >= 0)
        plug_names_free(plugins, n);

    pthread_mutex_lock(&s->lock);
    s->active--;
    s->next_due_ms = next;
    pthread_mutex_unlock(&s->lock);
    uv_async_send(&s->wake);
}

static void start_sweep(sched *s)
{
    s->active++;
    if (work_pool_submit(s->pool, sweep, s) < 0)
        s->active--;
}

static void on_timer(uv_timer_t *t)
{
    sched *s = t->data;
    pthread_mutex_lock(&s->lock);
    if (!s->stopping && s->active == 0)
        start_sweep(s);
    pthread_mutex_unlock(&s->lock);
}

/* Loop thread: start sweeps as asked, and set the timer for the next due job. */
static void on_wake(uv_async_t *h)
{
    sched *s = h->data;
    pthread_mutex_lock(&s->lock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    if (s->want_more && s->active < s->opts.max_sweepers)
        start_sweep(s);
    s->want_more = 0;
    if (s->active == 0) {
        int64_t wait = s->opts.poll_ms;
        if (s->next_due_ms >= 0) {
            int64_t until = s->next_due_ms - clock_wall_ms();
            if (until < wait)
                wait = until < 0 ? 0 : until;
        }
        uv_timer_start(&s->timer, on_timer, (uint64_t)wait, 0);
    }
    pthread_mutex_unlock(&s->lock);
}

int sched_create(sched **out, uv_loop_t *loop, work_pool *pool, plug_mgr *plugins, db_pool *db,
                 metrics *reg, const sched_opts *opts)
{
    sched *s = calloc(1, sizeof *s);
    if (!s)
        return BH_ENOMEM;
    s->loop = loop;
    s->pool = pool;
    s->plugins = plugins;
    s->db = db;
    s->metrics = reg;
    s->opts = *opts;
    if (s->opts.max_sweepers < 1)
        s->opts.max_sweepers = 1;
    s->next_due_ms = -1;
    describe_metrics(reg);
    pthread_mutex_init(&s->lock, NULL);
    uv_timer_init(loop, &s->timer);
    s->timer.data = s;
    uv_async_init(loop, &s->wake, on_wake);
    s->wake.data = s;
    uv_timer_start(&s->timer, on_timer, 0, 0);
    *out = s;
    return 0;
}

void sched_nudge(sched *s)
{
    pthread_mutex_lock(&s->lock);
    s->next_due_ms = 0;
    s->want_more = 1;
    pthread_mutex_unlock(&s->lock);
    uv_async_send(&s->wake);
}

void sched_stop(sched *s)
{
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_mutex_unlock(&s->lock);
    uv_timer_stop(&s->timer);
}

int sched_active(sched *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->active;
    pthread_mutex_unlock(&s->lock);
    return n;
}

static void on_handle_closed(uv_handle_t *h)
{
    sched *s = h->data;
    if (--s->closing_handles == 0 && s->closed)
        s->closed(s);
}

void sched_close(sched *s, void (*done)(sched *s))
{
    s->closed = done;
    s->closing_handles = 2;
    uv_close((uv_handle_t *)&s->timer, on_handle_closed);
    uv_close((uv_handle_t *)&s->wake, on_handle_closed);
}

void sched_free(sched *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void sched_get_stats(sched *s, sched_stats *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    pthread_mutex_unlock(&s->lock);
}
