/* The process: start-up, the loop, reload on SIGHUP, drain and stop on SIGTERM. */
#include "app/app.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "app/app_net.h"
#include "base/backoff.h"
#include "base/cfg.h"
#include "base/log.h"
#include "base/notify.h"
#include "base/work_pool.h"
#include "db/db.h"
#include "http/http.h"
#include "metrics/metrics.h"
#include "plug/plug.h"
#include "sched/sched.h"

enum start_state { START_WAITING_DB = 0, START_LOADING, START_DONE };
enum start_result { START_OK = 0, START_RETRY, START_FAIL };

typedef struct app {
    uv_loop_t loop;
    uv_signal_t sig_hup, sig_term, sig_int;
    uv_timer_t drain;
    char *config_path;
    cfg *cfg;                    /* the last configuration loaded */
    cfg *started;                /* the one the process started with: restart-only settings */
    db_pool *db;
    work_pool *workers;
    plug_mgr *plugins;
    sched *sched;
    app_net *net;                /* HTTP always; Discord when there is a token */
    http_site *http;             /* what /health/ready and /metrics answer from */
    metrics *metrics;            /* the registry /metrics renders */

    uv_work_t reload_req;
    int reloading, reload_pending;
    cfg *reload_cfg;
    int reload_rc;
    char reload_err[8192];
    plug_apply_report reload_report;
    uint64_t reload_started_ns;

    /* Start-up: wait for the database, migrate, load plugins (off the loop), then connect. */
    uv_work_t start_req;
    uv_timer_t start_timer;
    int start_state;             /* enum start_state */
    int start_busy;              /* start_req is queued */
    int start_rc;                /* enum start_result, from start_work() */
    int start_attempts;          /* database attempts that failed in a row */
    char start_err[256];         /* why the last attempt failed (loop thread) */
    char work_err[256];          /* start_work()'s, copied into start_err by start_done() */
    char start_logged[256];      /* the failure last logged: each kind once */
    plug_apply_report start_report;
    int core_migrations;         /* applied by this start-up, for the ready line */
    uint64_t started_ns;         /* when the process began starting, for the ready line */

    int ready_sent;              /* READY=1 told to systemd: the gateway is up */
    int stopping;
    int exit_status;             /* enum app_exit */
    uint64_t stop_started, stop_deadline, drain_ms;
    char stop_why[160];
    int drain_timed_out;
} app;

/* The password inside a database URL or conninfo, so the log never shows it. */
static void add_db_secret(const char *conninfo)
{
    if (!conninfo)
        return;
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val)
            log_add_secret(o->val);
    PQconninfoFree(opts);
}

/* Logs each "file:line: what" of a refused configuration as its own line. */
static void log_config_errors(int level, const char *prefix, const char *errors)
{
    for (const char *p = errors; *p;) {
        size_t n = strcspn(p, "\n");
        log_msg(level, "config", "%s%.*s", prefix, (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

/*
 * At info a reload is one line; a start-up's plugins are said on the ready line.
 * Migrations are counted only when some were applied.
 */
static void log_report(const char *what, int level, const plug_apply_report *r)
{
    char migrated[48] = "";
    if (r->migrations)
        snprintf(migrated, sizeof migrated, " migrations=%d", r->migrations);
    log_fields(r->failed ? LOG_WARN : level, "loader", NULL,
               "%s: loaded=%d reloaded=%d unloaded=%d kept=%d failed=%d%s in %.1f ms%s%s", what,
               r->loaded, r->reloaded, r->unloaded, r->kept, r->failed, migrated, r->ms,
               r->summary[0] ? ": " : "", r->summary);
}

/* ---- reload: staged off the loop, finished on it ---- */

static int str_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

/*
 * Names the settings read only at start-up whose value in `n` differs from the
 * running one (`run`), "[database] pool_size 8 -> 4, [http] listen"; "" when none.
 * Secrets (the token, the database URL) are named, never shown.
 */
static void restart_only_changes(const cfg *run, const cfg *n, char *out, size_t len)
{
    size_t pos = 0;
    out[0] = '\0';
#define ADD(...)                                                                          \
    do {                                                                                  \
        if (pos < len) {                                                                  \
            int w = snprintf(out + pos, len - pos, "%s", pos ? ", " : "");               \
            pos += w > 0 ? (size_t)w : 0;                                                 \
        }                                                                                 \
        if (pos < len) {                                                                  \
            int w = snprintf(out + pos, len - pos, __VA_ARGS__);                          \
            pos += w > 0 ? (size_t)w : 0;                                                 \
        }                                                                                 \
    } while (0)
#define INT_KEY(section, field, name)                                                     \
    if (run->field != n->field)                                                           \
        ADD("[%s] %s %d -> %d", section, name, run->field, n->field);
#define STR_KEY(section, field, name)                                                     \
    if (str_differs(run->field, n->field))                                                \
        ADD("[%s] %s '%s' -> '%s'", section, name, run->field ? run->field : "",        \
            n->field ? n->field : "");
    if (str_differs(run->token, n->token))
        ADD("[discord] token");
    STR_KEY("discord", api_base, "api_base")
    if (run->dev_guild_id != n->dev_guild_id)
        ADD("[discord] dev_guild_id");
    INT_KEY("gateway", shards, "shards")
    if (run->shard_first != n->shard_first || run->shard_last != n->shard_last)
        ADD("[gateway] shard_ids");
    INT_KEY("gateway", compress, "compress")
    if (str_differs(run->db_url, n->db_url))
        ADD("[database] url");
    INT_KEY("database", pool_size, "pool_size")
    INT_KEY("database", statement_timeout_ms, "statement_timeout_ms")
    INT_KEY("database", acquire_timeout_ms, "acquire_timeout_ms")
    INT_KEY("host", workers, "workers")
    INT_KEY("host", auto_defer_ms, "auto_defer_ms")
    INT_KEY("host", job_poll_ms, "job_poll_ms")
    INT_KEY("host", job_max_attempts, "job_max_attempts")
    INT_KEY("host", job_backoff_ms, "job_backoff_ms")
    STR_KEY("host", state_dir, "state_dir")
    STR_KEY("http", http_listen, "listen")
#undef STR_KEY
#undef INT_KEY
#undef ADD
}

static void reload_work(uv_work_t *req)
{
    app *a = req->data;
    a->reload_err[0] = '\0';
    a->reload_cfg = NULL;
    a->reload_rc = cfg_load(a->config_path, &a->reload_cfg, a->reload_err, sizeof a->reload_err);
    if (a->reload_rc < 0)
        return;
    add_db_secret(a->reload_cfg->db_url);
    plug_mgr_apply(a->plugins, a->reload_cfg, 0, &a->reload_report);
}

static void start_reload(app *a);

static const double reload_buckets[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

static void describe_metrics(metrics *m)
{
    metrics_describe(m, "bothost_reloads_total", METRICS_COUNTER,
                     "Reloads (SIGHUP) finished, whatever their outcome.");
    metrics_describe(m, "bothost_reload_failures_total", METRICS_COUNTER,
                     "Reloads that kept something old: the file was refused or a plugin failed.");
    metrics_describe_histogram(m, "bothost_reload_duration_seconds",
                               "How long a reload took, from SIGHUP to the swap.", reload_buckets,
                               sizeof reload_buckets / sizeof reload_buckets[0]);
    /* Families exported as 0 before the first reload, so that rates work from the start. */
    metrics_counter_add(m, "bothost_reloads_total", NULL, 0);
    metrics_counter_add(m, "bothost_reload_failures_total", NULL, 0);
}

static void reload_done(uv_work_t *req, int status)
{
    app *a = req->data;
    a->reloading = 0;
    metrics_counter_add(a->metrics, "bothost_reloads_total", NULL, 1);
    if (a->reload_rc < 0 || a->reload_report.failed > 0)
        metrics_counter_add(a->metrics, "bothost_reload_failures_total", NULL, 1);
    metrics_histogram_observe(a->metrics, "bothost_reload_duration_seconds", NULL,
                              (double)(uv_hrtime() - a->reload_started_ns) / 1e9);
    if (a->reload_rc < 0) {
        log_config_errors(LOG_ERROR, "reload refused, keeping the running configuration: ",
                          a->reload_err);
    } else {
        char changed[1024];
        restart_only_changes(a->started, a->reload_cfg, changed, sizeof changed);
        if (changed[0])
            log_msg(LOG_WARN, "config", "restart bothost to apply: %s (still running on the "
                    "values it started with)", changed);
        log_set_level(a->reload_cfg->log_level);
        log_report("reload", LOG_INFO, &a->reload_report);
        if (a->cfg != a->started)
            cfg_free(a->cfg);
        a->cfg = a->reload_cfg;
        a->reload_cfg = NULL;
        if (a->sched)
            sched_nudge(a->sched);
        if (a->net)
            app_net_reloaded(a->net);
    }
    /* Before the gateway is up, systemd still waits for the first READY=1. */
    if (a->ready_sent)
        notify_send("READY=1");
    if (a->reload_pending && !a->stopping) {
        a->reload_pending = 0;
        start_reload(a);
    }
}

static void start_reload(app *a)
{
    if (a->reloading) {
        a->reload_pending = 1;
        return;
    }
    notify_send("RELOADING=1");
    a->reloading = 1;
    a->reload_started_ns = uv_hrtime();
    a->reload_req.data = a;
    if (uv_queue_work(&a->loop, &a->reload_req, reload_work, reload_done) != 0) {
        a->reloading = 0;
        log_msg(LOG_ERROR, "loader", "cannot start reload");
    }
}

/* ---- shutdown ---- */

static void on_drain(uv_timer_t *t)
{
    app *a = t->data;
    int busy = work_pool_pending(a->workers) + (a->sched ? sched_active(a->sched) : 0) +
               a->reloading + a->start_busy + (a->net ? app_net_busy(a->net) : 0);
    if (busy > 0 && uv_now(&a->loop) < a->stop_deadline)
        return;
    if (busy > 0) {
        a->drain_timed_out = 1;
        a->exit_status = APP_EXIT_SOFTWARE;
        log_msg(LOG_WARN, "host", "%d call(s) still running after shutdown_timeout_ms=%d",
                busy, a->cfg->shutdown_timeout_ms);
    }
    a->drain_ms = uv_now(&a->loop) - a->stop_started;
    uv_close((uv_handle_t *)t, NULL);
    uv_close((uv_handle_t *)&a->sig_hup, NULL);
    uv_close((uv_handle_t *)&a->sig_term, NULL);
    uv_close((uv_handle_t *)&a->sig_int, NULL);
    uv_close((uv_handle_t *)&a->start_timer, NULL);
    if (a->sched)
        sched_close(a->sched, NULL);
    /* The network closes over a few loop turns; the loop ends when it is done. */
    if (a->net)
        app_net_close(a->net, NULL, NULL);
}

/* Stops taking work and drains: for a signal, or for a definitive answer from Discord. */
static void begin_stop(app *a, const char *why)
{
    a->stopping = 1;
    snprintf(a->stop_why, sizeof a->stop_why, "%s", why);
    notify_send("STOPPING=1");
    log_msg(LOG_DEBUG, "host", "%s: stopping; finishing calls in flight (up to %d ms)", why,
            a->cfg->shutdown_timeout_ms);
    a->stop_started = uv_now(&a->loop);
    uv_timer_stop(&a->start_timer);
    if (a->sched)
        sched_stop(a->sched);
    if (a->net)
        app_net_stop(a->net);
    a->stop_deadline = uv_now(&a->loop) + (uint64_t)a->cfg->shutdown_timeout_ms;
    uv_timer_init(&a->loop, &a->drain);
    a->drain.data = a;
    uv_timer_start(&a->drain, on_drain, 0, 20);
}

static void on_stop_signal(uv_signal_t *s, int signum)
{
    app *a = s->data;
    if (a->stopping) {
        log_msg(LOG_WARN, "host", "second %s: still draining", signum == SIGINT ? "SIGINT" : "SIGTERM");
        return;
    }
    begin_stop(a, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_net_ready(void *arg)
{
    app *a = arg;
    if (a->ready_sent)
        return;
    a->ready_sent = 1;
    notify_send("READY=1");
}

static void on_net_fatal(void *arg, int status, const char *why)
{
    app *a = arg;
    if (a->stopping)
        return;
    log_msg(LOG_ERROR, "host", "%s: no retry can help; stopping with exit status %d", why,
            status);
    a->exit_status = status;
    begin_stop(a, why);
}

static void on_hup(uv_signal_t *s, int signum)
{
    (void)signum;
    app *a = s->data;
    if (a->stopping)
        return;
    if (a->start_state != START_DONE) {
        log_msg(LOG_DEBUG, "host", "SIGHUP: still starting; reloading once started");
        a->reload_pending = 1;
        return;
    }
    log_msg(LOG_DEBUG, "host", "SIGHUP: reloading configuration and plugins");
    start_reload(a);
}

static void nudge_sched(void *arg)
{
    sched_nudge(arg);
}

/* ---- start-up ---- */

static int load_config(const char *path, cfg **out)
{
    char err[8192];
    if (cfg_load(path, out, err, sizeof err) < 0) {
        log_config_errors(LOG_ERROR, "", err);
        return -1;
    }
    log_set_level((*out)->log_level);
    add_db_secret((*out)->db_url);
    return 0;
}


static int core_migrations_dir(const cfg *c, char *dir, size_t len)
{
    snprintf(dir, len, "%s/core", c->migrations_dir);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        /* db_migrate() takes a missing folder for "no migrations": the tables would be missing. */
        log_msg(LOG_ERROR, "db", "%s: [plugins] migrations: %s is not a folder", c->path, dir);
        return -1;
    }
    return 0;
}

/*
 * The one info line of a start-up: what runs, where (tests read the port from
 * it too), what it changed, and how long it took to get there.
 */
static void log_ready(app *a)
{
    plug_info info[64];
    int n = plug_live_info(a->plugins, info, 64);
    char plugins[1024] = "";
    size_t pos = 0;
    for (int i = 0; i < n && i < 64 && pos < sizeof plugins; i++)
        pos += (size_t)snprintf(plugins + pos, sizeof plugins - pos, "%s%s %s", i ? ", " : "",
                                info[i].name, info[i].version);
    char url[300], health[340] = "no health listener";
    app_net_http_url(a->net, url, sizeof url);
    if (url[0])
        snprintf(health, sizeof health, "health and metrics on %s", url);
    char migrated[64] = "";
    int migrations = a->core_migrations + a->start_report.migrations;
    if (migrations)
        snprintf(migrated, sizeof migrated, "%d migration(s) applied; ", migrations);
    double secs = (double)(uv_hrtime() - a->started_ns) / 1e9;
    log_msg(LOG_INFO, "host",
            "ready: bothost %s (plugin ABI %d.%d); plugins %s; %d worker(s); %s; %spid %ld; "
            "in %.2f s",
            BH_VERSION, BH_ABI_MAJOR, BH_ABI_MINOR, n ? plugins : "none", a->cfg->workers, health,
            migrated, (long)getpid(), secs);
}

/*
 * Thread pool: the blocking part of start-up. A database that does not answer
 * is worth waiting for (START_RETRY); one that answers but refuses the core
 * migrations is not (START_FAIL).
 */
static void start_work(uv_work_t *req)
{
    app *a = req->data;
    char dir[4096], err[1024];
    a->work_err[0] = '\0';
    if (db_pool_ping(a->db, a->work_err, sizeof a->work_err) < 0) {
        a->start_rc = START_RETRY;
        return;
    }
    core_migrations_dir(a->cfg, dir, sizeof dir);
    int applied = 0;
    if (db_migrate(a->db, "core", dir, &applied, err, sizeof err) < 0) {
        if (db_pool_ping(a->db, a->work_err, sizeof a->work_err) < 0) {
            a->start_rc = START_RETRY; /* it went away meanwhile */
            return;
        }
        log_msg(LOG_ERROR, "db", "core migrations: %s", err);
        a->start_rc = START_FAIL;
        return;
    }
    a->core_migrations = applied;
    if (applied)
        log_msg(LOG_DEBUG, "db", "applied %d core migration(s)", applied);
    __atomic_store_n(&a->start_state, START_LOADING, __ATOMIC_RELAXED); /* read by ready_started() */
    plug_mgr_apply(a->plugins, a->cfg, 0, &a->start_report);
    a->start_rc = START_OK;
}

static void start_done(uv_work_t *req, int status);

static void start_attempt(app *a)
{
    a->start_busy = 1;
    a->start_req.data = a;
    if (uv_queue_work(&a->loop, &a->start_req, start_work, start_done) != 0) {
        a->start_busy = 0;
        a->exit_status = APP_EXIT_FAILURE;
        begin_stop(a, "cannot queue the start-up");
    }
}

static void on_start_timer(uv_timer_t *t)
{
    app *a = t->data;
    if (!a->stopping)
        start_attempt(a);
}

static void nudge_sched(void *arg);

static void start_done(uv_work_t *req, int status)
{
    (void)status;
    app *a = req->data;
    a->start_busy = 0;
    snprintf(a->start_err, sizeof a->start_err, "%s", a->work_err);
    if (a->stopping)
        return;
    if (a->start_rc == START_FAIL) {
        a->exit_status = APP_EXIT_FAILURE;
        begin_stop(a, "the core migrations failed");
        return;
    }
    if (a->start_rc == START_RETRY) {
        /* 250 ms doubling to 5 s, with jitter; each kind of failure is logged once. */
        uint64_t delay = backoff_delay_ms(a->start_attempts++, 250, 5000);
        if (strcmp(a->start_logged, a->start_err) != 0) {
            snprintf(a->start_logged, sizeof a->start_logged, "%s", a->start_err);
            log_msg(LOG_WARN, "db", "waiting for the database (attempt %d, retrying every few "
                    "seconds): %s", a->start_attempts, a->start_err);
        } else {
            log_msg(LOG_DEBUG, "db", "database attempt %d: %s", a->start_attempts, a->start_err);
        }
        uv_timer_start(&a->start_timer, on_start_timer, delay, 0);
        return;
    }
    if (a->start_attempts)
        log_msg(LOG_INFO, "db", "the database answers, after %d failed attempt(s)",
                a->start_attempts);
    log_report("start", LOG_DEBUG, &a->start_report);
    /*
     * Jobs get at most half the workers: an outbox job waiting on a rate-limited
     * route blocks its worker, and interactions must still find one free.
     */
    sched_opts so = {.poll_ms = a->cfg->job_poll_ms,
                     .max_sweepers = (a->cfg->workers + 1) / 2,
                     .max_attempts = a->cfg->job_max_attempts,
                     .backoff_ms = a->cfg->job_backoff_ms};
    if (sched_create(&a->sched, &a->loop, a->workers, a->plugins, a->db, a->metrics, &so) < 0) {
        a->sched = NULL;
        a->exit_status = APP_EXIT_FAILURE;
        begin_stop(a, "cannot start the scheduler");
        return;
    }
    plug_mgr_set_job_nudge(a->plugins, nudge_sched, a->sched);
    __atomic_store_n(&a->start_state, START_DONE, __ATOMIC_RELAXED);
    log_ready(a);
    app_net_connect(a->net);
    if (a->reload_pending) {
        a->reload_pending = 0;
        start_reload(a);
    }
}

/* /health/ready until the plugins are loaded. */
static int ready_started(void *arg, char *reason, size_t size)
{
    app *a = arg;
    int state = __atomic_load_n(&a->start_state, __ATOMIC_RELAXED);
    if (state == START_DONE)
        return 1;
    if (state == START_LOADING)
        snprintf(reason, size, "loading plugins");
    else
        snprintf(reason, size, "waiting for the database%s%s", a->start_err[0] ? ": " : "",
                 a->start_err);
    return 0;
}

static int open_db(const cfg *c, db_pool **out)
{
    if (!c->db_url || !*c->db_url) {
        log_msg(LOG_ERROR, "config", "%s: no database: set [database] url or DATABASE_URL",
                c->path);
        return -1;
    }
    if (db_pool_create(out, c->db_url, c->pool_size, c->statement_timeout_ms) < 0) {
        log_msg(LOG_ERROR, "db", "cannot create the connection pool");
        return -1;
    }
    db_pool_set_acquire_timeout(*out, c->acquire_timeout_ms);
    return 0;
}

int app_run(const char *config_path)
{
    app a;
    memset(&a, 0, sizeof a);
    int rc = APP_EXIT_FAILURE, stopped = 0;
    a.config_path = strdup(config_path);
    if (load_config(config_path, &a.cfg) < 0) {
        rc = APP_EXIT_CONFIG;
        goto out;
    }
    a.started = a.cfg;
    if (metrics_create(&a.metrics) < 0)
        goto out;
    describe_metrics(a.metrics);
    a.started_ns = uv_hrtime();
    log_msg(LOG_DEBUG, "host", "bothost %s starting (plugin ABI %d.%d), config %s", BH_VERSION,
            BH_ABI_MAJOR, BH_ABI_MINOR, config_path);
    char dir[4096];
    if (open_db(a.cfg, &a.db) < 0 || core_migrations_dir(a.cfg, dir, sizeof dir) < 0)
        goto out;
    if (work_pool_create(&a.workers, a.cfg->workers) < 0)
        goto out;

    char copy_dir[4096];
    snprintf(copy_dir, sizeof copy_dir, "%s/plugins", a.cfg->state_dir);
    plug_mgr_opts po = {.db = a.db, .copy_dir = copy_dir};
    if (plug_mgr_create(&a.plugins, &po) < 0 || http_site_create(&a.http, a.metrics) < 0)
        goto out;

    uv_loop_init(&a.loop);
    uv_signal_init(&a.loop, &a.sig_hup);
    uv_signal_init(&a.loop, &a.sig_term);
    uv_signal_init(&a.loop, &a.sig_int);
    a.sig_hup.data = a.sig_term.data = a.sig_int.data = &a;
    uv_signal_start(&a.sig_hup, on_hup, SIGHUP);
    uv_signal_start(&a.sig_term, on_stop_signal, SIGTERM);
    uv_signal_start(&a.sig_int, on_stop_signal, SIGINT);
    uv_timer_init(&a.loop, &a.start_timer);
    a.start_timer.data = &a;

    /* Health and metrics first: they answer (503 meanwhile) while the database is away. */
    app_net_opts no = {.loop = &a.loop, .cfg = a.cfg, .workers = a.workers,
                       .plugins = a.plugins, .db = a.db, .http = a.http, .metrics = a.metrics,
                       .on_ready = on_net_ready,
                       .on_fatal = on_net_fatal, .arg = &a};
    if (app_net_start(&a.net, &no) < 0) {
        log_msg(LOG_ERROR, "host", "cannot start the network side");
        a.exit_status = APP_EXIT_FAILURE;
        begin_stop(&a, "cannot start the network side");
    } else {
        http_add_ready_check(a.http, "start-up", ready_started, &a);
        start_attempt(&a);
    }
    uv_run(&a.loop, UV_RUN_DEFAULT);

    if (a.drain_timed_out) {
        /* Plugin code is still running: unloading it now would crash; leave it to exit. */
        log_msg(LOG_WARN, "host", "stopped (%s) with calls still running: exit status %d",
                a.stop_why, APP_EXIT_SOFTWARE);
        fflush(NULL);
        _exit(APP_EXIT_SOFTWARE);
    }
    plug_mgr_set_job_nudge(a.plugins, NULL, NULL);
    work_pool_destroy(a.workers);
    a.workers = NULL;
    sched_free(a.sched);
    app_net_free(a.net);
    rc = a.exit_status;
    stopped = 1;
    if (uv_loop_close(&a.loop) != 0)
        log_msg(LOG_WARN, "host", "loop closed with handles still open");
out:
    work_pool_destroy(a.workers);
    plug_mgr_destroy(a.plugins);
    http_site_free(a.http);
    metrics_free(a.metrics);
    db_pool_destroy(a.db);
    if (a.cfg != a.started)
        cfg_free(a.started);
    cfg_free(a.cfg);
    free(a.config_path);
    if (stopped)
        log_msg(rc ? LOG_WARN : LOG_INFO, "host", "stopped (%s, drained in %.1f s): exit status %d",
                a.stop_why, (double)a.drain_ms / 1000.0, rc);
    log_clear_secrets();
    return rc;
}
