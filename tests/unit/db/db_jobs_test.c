/*
 * Durable jobs: scheduling with and without keys, cancelling, which job a claim
 * gets, success committing with the job's deletion, failure rolling back and
 * retrying until dead, chains that run in order, and four workers sharing 1,000 jobs.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bothost/bothost.h>

#include "db/db.h"
#include "tsup.h"
#include "tsup_pg.h"

static char *conninfo;
static db_pool *pool;
static PGconn *direct;

static const char *const ALL[] = {"alpha", "beta"};
static const char *const ALPHA[] = {"alpha"};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t q(const char *sql)
{
    return tsup_pg_i64(direct, sql);
}

static void reset(void)
{
    tsup_pg_exec(direct, "DELETE FROM bothost.jobs; TRUNCATE work");
}

static void test_schedule_cancel(void)
{
    reset();
    db_session s;
    db_session_init(&s, pool);
    json_t *p1 = json_pack("{s:i}", "v", 1);
    json_t *p2 = json_pack("{s:i}", "v", 2);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "close", 0, p1, "raffle-1"), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "close", 0, NULL, NULL), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "close", 0, NULL, NULL), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs"), 3);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE payload = '{}'"), 2);

    /* Same key: the pending job is replaced (time and payload), not added. */
    int64_t later = wall_ms() + 3600 * 1000;
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "close", later, p2, "raffle-1"), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'raffle-1'"), 1);
    CHECK_EQ_INT(q("SELECT (payload->>'v')::int FROM bothost.jobs WHERE key = 'raffle-1'"), 2);
    CHECK_EQ_INT(q("SELECT (extract(epoch FROM run_at) * 1000)::bigint FROM bothost.jobs "
                   "WHERE key = 'raffle-1'"),
                 later);
    /* The key is per plugin and kind. */
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "remind", 0, NULL, "raffle-1"), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "beta", "close", 0, NULL, "raffle-1"), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'raffle-1'"), 3);

    CHECK_EQ_INT(db_jobs_cancel(&s, "alpha", "close", "raffle-1"), 0);
    CHECK_EQ_INT(db_jobs_cancel(&s, "alpha", "close", "raffle-1"), BH_ENOTFOUND);
    CHECK_EQ_INT(db_jobs_cancel(&s, "alpha", "close", NULL), BH_EINVAL);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'raffle-1'"), 2);

    /* Scheduling inside a rolled back transaction leaves nothing. */
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "close", 0, NULL, "tx"), 0);
    CHECK_EQ_INT(db_session_rollback(&s), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'tx'"), 0);

    CHECK_EQ_INT(db_jobs_schedule(&s, "", "close", 0, NULL, NULL), BH_EINVAL);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", NULL, 0, NULL, NULL), BH_EINVAL);
    char longkind[80];
    memset(longkind, 'k', sizeof(longkind) - 1);
    longkind[sizeof(longkind) - 1] = '\0';
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", longkind, 0, NULL, NULL), BH_EINVAL);
    json_decref(p1);
    json_decref(p2);
    db_session_end(&s);
}

static void test_claim_order(void)
{
    reset();
    db_session s;
    db_session_init(&s, pool);
    int64_t now = wall_ms();
    json_t *pl = json_pack("{s:s}", "who", "second");
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "k", now - 5000, pl, NULL), 0);
    json_decref(pl);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "k", now - 10000, NULL, "first"), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "k", now + 60000, NULL, "future"), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "gamma", "k", now - 60000, NULL, "other-plugin"), 0);
    CHECK_EQ_INT(db_jobs_schedule(&s, "beta", "k", now - 1000, NULL, "third"), 0);
    tsup_pg_exec(direct, "INSERT INTO bothost.jobs (plugin, kind, key, run_at, state) "
                         "VALUES ('alpha', 'k', 'dead', now() - interval '1 day', 'dead')");

    int64_t due = db_jobs_next_due(&s, ALL, 2);
    CHECK(due >= now - 10000 - 1 && due <= now - 10000 + 1);
    CHECK_EQ_INT(db_jobs_next_due(&s, (const char *const[]){"nobody"}, 1), -1);
    CHECK_EQ_INT(db_jobs_next_due(&s, ALL, 0), -1);

    db_job job;
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 0, &job), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_STR(job.plugin, "alpha");
    CHECK_EQ_STR(job.kind, "k");
    CHECK_EQ_INT(job.attempts, 0);
    CHECK(json_is_object(job.payload) && json_object_size(job.payload) == 0);
    CHECK_EQ_INT(job.id, q("SELECT id FROM bothost.jobs WHERE key = 'first'"));
    CHECK_EQ_INT(s.outer_tx, 1);
    /* A second claim on a busy session is refused. */
    db_job other;
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &other), BH_ESTATE);
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 1000), 0);
    CHECK(job.payload == NULL);
    CHECK_EQ_INT(s.outer_tx, 0);

    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_STR(json_string_value(json_object_get(job.payload, "who")), "second");
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 1000), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALPHA, 1, &job), 0); /* beta's is not alpha's */
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_STR(job.plugin, "beta");
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 1000), 0);
    /* Left: one in the future, another plugin's, a dead one. */
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 0);
    CHECK_EQ_INT(s.outer_tx, 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND state LIKE 'idle in transaction%'"),
                 0);
    due = db_jobs_next_due(&s, ALL, 2);
    CHECK(due >= now + 60000 - 1 && due <= now + 60000 + 1);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs"), 3);
    db_session_end(&s);
}

/* Success commits the handler's work and the deletion together; nothing before. */
static void test_success_atomic(void)
{
    reset();
    db_session s;
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "work", 0, NULL, NULL), 0);
    db_job job;
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO work VALUES ($1, 'direct')",
                                  BH_ARGS(bh_i64(job.id))),
                 0);
    /* Handler transactions nest as savepoints inside the job's. */
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO work VALUES ($1, 'kept')",
                                  BH_ARGS(bh_i64(job.id))),
                 0);
    CHECK_EQ_INT(db_session_commit(&s), 0);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO work VALUES ($1, 'undone')",
                                  BH_ARGS(bh_i64(job.id))),
                 0);
    CHECK_EQ_INT(db_session_rollback(&s), 0);
    /* Another worker sees the job pending but cannot take it, and no work yet. */
    CHECK_EQ_INT(q("SELECT count(*) FROM work"), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE state = 'pending'"), 1);
    db_session s2;
    db_session_init(&s2, pool);
    db_job j2;
    CHECK_EQ_INT(db_jobs_claim(&s2, ALL, 2, &j2), 0);
    db_session_end(&s2);

    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 1000), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs"), 0);
    char *v = tsup_pg_value(direct, "SELECT string_agg(what, ',' ORDER BY what) FROM work");
    CHECK_EQ_STR(v, "direct,kept");
    free(v);

    /* A transaction the handler leaves open is rolled back; the job still succeeds. */
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "work", 0, NULL, NULL), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO work VALUES ($1, 'open')",
                                  BH_ARGS(bh_i64(job.id))),
                 0);
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 1000), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM work WHERE what = 'open'"), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs"), 0);

    /* A job that reschedules its own key keeps the new one. */
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "daily", 0, NULL, "post"), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    int64_t tomorrow = wall_ms() + 86400 * 1000;
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "daily", tomorrow, NULL, "post"), 0);
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 1000), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'post' AND state = 'pending'"),
                 1);
    CHECK_EQ_INT(q("SELECT (extract(epoch FROM run_at) * 1000)::bigint FROM bothost.jobs "
                   "WHERE key = 'post'"),
                 tomorrow);
    db_session_end(&s);
}

/* A chain runs in order: a job waits while an earlier one of its chain is pending or running. */
static void test_chain_order(void)
{
    reset();
    db_session s, s2;
    db_session_init(&s, pool);
    db_session_init(&s2, pool);
    json_t *p1 = json_pack("{s:i}", "v", 1), *p2 = json_pack("{s:i}", "v", 2);
    CHECK_EQ_INT(db_jobs_append(&s, "alpha", "bothost.rest", "/channels/1/messages", p1), 0);
    CHECK_EQ_INT(db_jobs_append(&s, "alpha", "bothost.rest", "/channels/1/messages", p2), 0);
    CHECK_EQ_INT(db_jobs_append(&s, "alpha", "bothost.rest", "/channels/2/messages", p1), 0);
    CHECK_EQ_INT(db_jobs_append(&s, "alpha", "bothost.rest", "", p1), BH_EINVAL);
    db_job a, b, c;
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &a), 1);
    CHECK_EQ_INT((int)json_integer_value(json_object_get(a.payload, "v")), 1);
    /* While the first of channel 1 runs, a second worker gets channel 2's, not the next of 1. */
    CHECK_EQ_INT(db_jobs_claim(&s2, ALL, 2, &b), 1);
    char *chain = tsup_pg_value(direct, "SELECT chain FROM bothost.jobs WHERE id = (SELECT max(id) FROM bothost.jobs)");
    CHECK_EQ_STR(chain, "/channels/2/messages");
    free(chain);
    CHECK_EQ_INT(b.id, q("SELECT max(id) FROM bothost.jobs"));
    CHECK_EQ_INT(db_jobs_finish(&s2, &b, 1, NULL, 5, 1000), 0);
    CHECK_EQ_INT(db_jobs_claim(&s2, ALL, 2, &c), 0);
    /* A failure keeps the chain waiting (order over speed); a dead job releases it. */
    CHECK_EQ_INT(db_jobs_finish(&s, &a, 0, "no answer", 1, 0), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE state = 'dead'"), 1);
    CHECK_EQ_INT(db_jobs_claim(&s2, ALL, 2, &c), 1);
    CHECK_EQ_INT((int)json_integer_value(json_object_get(c.payload, "v")), 2);
    CHECK_EQ_INT(db_jobs_finish(&s2, &c, 1, NULL, 5, 1000), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE state = 'pending'"), 0);
    json_decref(p1);
    json_decref(p2);
    db_session_end(&s);
    db_session_end(&s2);
}

static void test_failure_retry_dead(void)
{
    reset();
    db_session s;
    db_session_init(&s, pool);
    json_t *pl = json_pack("{s:i}", "n", 7);
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "flaky", 0, pl, "f"), 0);
    json_decref(pl);
    db_job job;
    for (int attempt = 0; attempt < 3; attempt++) {
        CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
        CHECK_EQ_INT(job.attempts, attempt);
        CHECK_EQ_INT(json_integer_value(json_object_get(job.payload, "n")), 7);
        CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO work VALUES ($1, 'failed')",
                                      BH_ARGS(bh_i64(job.id))),
                     0);
        char msg[64];
        snprintf(msg, sizeof(msg), "boom %d", attempt);
        CHECK_EQ_INT(db_jobs_finish(&s, &job, 0, msg, 3, 0), 0);
        CHECK_EQ_INT(q("SELECT count(*) FROM work"), 0); /* rolled back */
        CHECK_EQ_INT(q("SELECT attempts FROM bothost.jobs WHERE key = 'f'"), attempt + 1);
    }
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'f' AND state = 'dead' "
                   "AND last_error = 'boom 2'"),
                 1);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 0);
    CHECK_EQ_INT(db_jobs_next_due(&s, ALL, 2), -1);
    /* A dead job's key is free for a new one. */
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "flaky", 0, NULL, "f"), 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE key = 'f'"), 2);

    /* Backoff: base * 2^attempts after the failure. */
    reset();
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "slow", 0, NULL, NULL), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    int64_t t0 = wall_ms();
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 0, "once", 5, 2000), 0);
    int64_t due = db_jobs_next_due(&s, ALL, 2);
    CHECK(due >= t0 + 2000 - 5 && due <= wall_ms() + 2000 + 5);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 0); /* not due yet */
    tsup_pg_exec(direct, "UPDATE bothost.jobs SET run_at = now() - interval '1 s'");
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_INT(job.attempts, 1);
    t0 = wall_ms();
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 0, "twice", 5, 2000), 0);
    due = db_jobs_next_due(&s, ALL, 2);
    CHECK(due >= t0 + 4000 - 5 && due <= wall_ms() + 4000 + 5);
    /* Capped at one hour however many attempts. */
    tsup_pg_exec(direct, "UPDATE bothost.jobs SET run_at = now() - interval '1 s', attempts = 40");
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    t0 = wall_ms();
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 0, "again", 100, 2000), 0);
    due = db_jobs_next_due(&s, ALL, 2);
    CHECK(due >= t0 + 3600000 - 5 && due <= wall_ms() + 3600000 + 5);

    /* A handler whose statement failed and said "ok" anyway: counted as a failure. */
    reset();
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "sloppy", 0, NULL, NULL), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO work VALUES ($1, 'lost')",
                                  BH_ARGS(bh_i64(job.id))),
                 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1/0", NULL, 0), BH_EDB);
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 0), BH_EDB);
    CHECK(strstr(s.err, "could not be committed") != NULL);
    CHECK_EQ_INT(q("SELECT count(*) FROM work"), 0);
    CHECK_EQ_INT(q("SELECT attempts FROM bothost.jobs"), 1);
    char *last = tsup_pg_value(direct, "SELECT last_error FROM bothost.jobs");
    CHECK(last && strstr(last, "division") != NULL);
    free(last);

    /* A deferred constraint that fails at COMMIT: also a counted failure. */
    reset();
    tsup_pg_exec(direct, "CREATE TABLE IF NOT EXISTS deferred (id int UNIQUE DEFERRABLE "
                         "INITIALLY DEFERRED); TRUNCATE deferred");
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "late", 0, NULL, NULL), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO deferred VALUES (1), (1)", NULL, 0),
                 0);
    CHECK(db_jobs_finish(&s, &job, 1, NULL, 5, 0) < 0);
    CHECK_EQ_INT(q("SELECT count(*) FROM deferred"), 0);
    CHECK_EQ_INT(q("SELECT attempts FROM bothost.jobs"), 1);

    /* A worker that dies mid-job: the job is pending again, attempts unchanged. */
    reset();
    CHECK_EQ_INT(db_jobs_schedule(&s, "alpha", "crash", 0, NULL, NULL), 0);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    json_decref(job.payload);
    db_session_end(&s);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs WHERE state = 'pending' AND attempts = 0"),
                 1);
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_jobs_claim(&s, ALL, 2, &job), 1);
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 0), 0);
    CHECK_EQ_INT(db_jobs_finish(&s, &job, 1, NULL, 5, 0), BH_ESTATE);
    db_session_end(&s);
}

enum { NJOBS = 1000, NWORKERS = 4 };

struct worker {
    int ran;
    int rc;
};

static void *work_loop(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        db_session s;
        db_session_init(&s, pool);
        db_job job;
        int rc = db_jobs_claim(&s, ALL, 2, &job);
        if (rc <= 0) {
            db_session_end(&s);
            w->rc = rc;
            return NULL;
        }
        int64_t n = json_integer_value(json_object_get(job.payload, "n"));
        rc = db_session_query(&s, NULL, "INSERT INTO runs (job_id, n) VALUES ($1, $2)",
                              BH_ARGS(bh_i64(job.id), bh_i64(n)));
        rc = db_jobs_finish(&s, &job, rc == 0, s.err, 3, 0);
        db_session_end(&s);
        if (rc < 0) {
            w->rc = rc;
            return NULL;
        }
        w->ran++;
    }
}

static void test_concurrent_workers(void)
{
    reset();
    tsup_pg_exec(direct, "CREATE TABLE runs (job_id bigint, n int)");
    db_session s;
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    for (int i = 0; i < NJOBS; i++) {
        json_t *pl = json_pack("{s:i}", "n", i);
        CHECK_EQ_INT(db_jobs_schedule(&s, i % 2 ? "alpha" : "beta", "bulk", 0, pl, NULL), 0);
        json_decref(pl);
    }
    CHECK_EQ_INT(db_session_commit(&s), 0);
    db_session_end(&s);

    struct worker ws[NWORKERS];
    pthread_t th[NWORKERS];
    memset(ws, 0, sizeof(ws));
    for (int i = 0; i < NWORKERS; i++)
        CHECK_EQ_INT(pthread_create(&th[i], NULL, work_loop, &ws[i]), 0);
    int total = 0, busy = 0;
    for (int i = 0; i < NWORKERS; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(ws[i].rc, 0);
        total += ws[i].ran;
        busy += ws[i].ran > 0;
    }
    CHECK_EQ_INT(total, NJOBS);
    CHECK(busy >= 2); /* the work was really shared */
    CHECK_EQ_INT(q("SELECT count(*) FROM runs"), NJOBS);
    CHECK_EQ_INT(q("SELECT count(DISTINCT job_id) FROM runs"), NJOBS);
    CHECK_EQ_INT(q("SELECT count(DISTINCT n) FROM runs"), NJOBS);
    CHECK_EQ_INT(q("SELECT count(*) FROM bothost.jobs"), 0);
    printf("concurrent: %d jobs over %d workers (%d, %d, %d, %d)\n", total, NWORKERS, ws[0].ran,
           ws[1].ran, ws[2].ran, ws[3].ran);
}

int main(void)
{
    conninfo = tsup_pg_fresh_db("bh_db_jobs_test");
    CHECK_EQ_INT(db_pool_create(&pool, conninfo, NWORKERS + 1, 30000), 0);
    direct = tsup_pg_connect(conninfo);
    char err[512];
    int applied;
    if (db_migrate(pool, "core", BH_SOURCE_DIR "/migrations/core", &applied, err,
                   sizeof(err)) != 0) {
        fprintf(stderr, "migrate: %s\n", err);
        return 1;
    }
    tsup_pg_exec(direct, "CREATE TABLE work (job_id bigint, what text)");
    test_schedule_cancel();
    test_claim_order();
    test_success_atomic();
    test_failure_retry_dead();
    test_chain_order();
    test_concurrent_workers();
    PQfinish(direct);
    db_pool_destroy(pool);
    free(conninfo);
    printf("db_jobs_test: ok\n");
    return 0;
}
