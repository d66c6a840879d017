/*
 * The pool against a real server: lazy connect, the size limit and waiting,
 * statement_timeout, notices into the log, and surviving a server restart on a
 * private cluster.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "db/db.h"
#include "tsup.h"
#include "tsup_pg.h"

static char *conninfo;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_lazy_and_stats(void)
{
    db_pool *p;
    CHECK_EQ_INT(db_pool_create(&p, "host=/nonexistent port=1", 2, 0), 0);
    int open = -1, used = -1, size = -1;
    db_pool_stats(p, &open, &used, &size);
    CHECK_EQ_INT(open, 0);
    CHECK_EQ_INT(used, 0);
    CHECK_EQ_INT(size, 2);
    /* Nothing listens there: acquire fails with a message, not a crash. */
    char err[256] = "";
    db_conn *c = NULL;
    CHECK_EQ_INT(db_pool_acquire(p, &c, 100, err, sizeof(err)), BH_EDB);
    CHECK(c == NULL);
    CHECK(strstr(err, "cannot connect") != NULL);
    db_pool_stats(p, &open, &used, &size);
    CHECK_EQ_INT(open, 0);
    CHECK_EQ_INT(used, 0);
    db_pool_destroy(p);

    CHECK_EQ_INT(db_pool_create(&p, "this is = not a conninfo '", 2, 0), BH_EINVAL);
    CHECK(p == NULL);
    CHECK_EQ_INT(db_pool_create(&p, conninfo, 0, 0), BH_EINVAL);

    CHECK_EQ_INT(db_pool_create(&p, conninfo, 2, 0), 0);
    db_pool_stats(p, &open, &used, &size);
    CHECK_EQ_INT(open, 0);
    CHECK_EQ_INT(db_pool_ping(p, err, sizeof(err)), 0);
    db_pool_stats(p, &open, &used, &size);
    CHECK_EQ_INT(open, 1);
    CHECK_EQ_INT(used, 0);
    db_pool_destroy(p);
}

/*
 * Threads that acquire a connection. The test waits on what they are doing, never
 * on time: each announces its thread id before it calls db_pool_acquire(), and a
 * thread that announced and is asleep in the kernel is blocked in the pool's wait.
 * A holder keeps its connection until the test opens the gate.
 */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int open;
    int holding;
};

struct holder {
    db_pool *p;
    struct gate *gate;      /* NULL: release at once */
    _Atomic int rc;         /* 1 until db_pool_acquire() returns */
    db_conn *got;
    _Atomic pid_t tid;      /* set just before db_pool_acquire() */
};

static void *hold_then_release(void *arg)
{
    struct holder *h = arg;
    db_conn *c;
    char err[256];
    h->tid = (pid_t)syscall(SYS_gettid);
    h->rc = db_pool_acquire(h->p, &c, 30000, err, sizeof(err));
    if (h->rc == 0) {
        h->got = c;
        if (h->gate) {
            pthread_mutex_lock(&h->gate->mu);
            h->gate->holding++;
            pthread_cond_broadcast(&h->gate->cond);
            while (!h->gate->open)
                pthread_cond_wait(&h->gate->cond, &h->gate->mu);
            pthread_mutex_unlock(&h->gate->mu);
        }
        db_pool_release(h->p, c);
    }
    return NULL;
}

/* 1 when thread `tid` of this process is asleep (state S in /proc). */
static int thread_sleeping(pid_t tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'S';
}

/* Waits (up to 30 s) until the holder announced itself and sleeps in the pool; 0 on timeout. */
static int wait_blocked(struct holder *h)
{
    for (int i = 0; i < 30000; i++) {
        if (h->tid && h->rc == 1 && thread_sleeping(h->tid))
            return 1;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "timed out after 30 s waiting for a thread to block in db_pool_acquire()\n");
    return 0;
}

static void test_size_and_wait(void)
{
    db_pool *p;
    CHECK_EQ_INT(db_pool_create(&p, conninfo, 2, 0), 0);
    char err[256];
    db_conn *a, *b, *c;
    CHECK_EQ_INT(db_pool_acquire(p, &a, 0, err, sizeof(err)), 0);
    CHECK_EQ_INT(db_pool_acquire(p, &b, 0, err, sizeof(err)), 0);
    CHECK(a != b);
    int open, used;
    db_pool_stats(p, &open, &used, NULL);
    CHECK_EQ_INT(open, 2);
    CHECK_EQ_INT(used, 2);

    /* Full: no wait fails at once, a short wait times out after about that long. */
    CHECK_EQ_INT(db_pool_acquire(p, &c, 0, err, sizeof(err)), BH_ETIMEDOUT);
    int64_t t0 = now_ms();
    CHECK_EQ_INT(db_pool_acquire(p, &c, 150, err, sizeof(err)), BH_ETIMEDOUT);
    int64_t waited = now_ms() - t0;
    CHECK(waited >= 140 && waited < 2000);
    CHECK(strstr(err, "150 ms") != NULL);

    /* A waiter (seen blocked in the pool) gets the connection released while it waits. */
    struct holder h = {.p = p, .rc = 1};
    pthread_t th;
    CHECK_EQ_INT(pthread_create(&th, NULL, hold_then_release, &h), 0);
    CHECK(wait_blocked(&h));
    db_pool_release(p, a);
    pthread_join(th, NULL);
    CHECK_EQ_INT(h.rc, 0);
    CHECK(h.got == a);

    db_pool_release(p, b);
    db_pool_stats(p, &open, &used, NULL);
    CHECK_EQ_INT(used, 0);
    CHECK_EQ_INT(open, 2);

    /*
     * Many threads through a pool of 2: two hold their connections until the other
     * six are seen waiting, then all get through; nobody fails, never more than 2 open.
     */
    enum { N = 8 };
    struct gate gate = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    struct holder hs[N];
    pthread_t ths[N];
    for (int i = 0; i < N; i++) {
        hs[i] = (struct holder){.p = p, .gate = &gate, .rc = 1};
        CHECK_EQ_INT(pthread_create(&ths[i], NULL, hold_then_release, &hs[i]), 0);
    }
    pthread_mutex_lock(&gate.mu);
    while (gate.holding < 2)
        pthread_cond_wait(&gate.cond, &gate.mu);
    pthread_mutex_unlock(&gate.mu);
    for (int i = 0; i < N; i++)
        if (!hs[i].got)
            CHECK(wait_blocked(&hs[i]));
    db_pool_stats(p, &open, &used, NULL);
    CHECK_EQ_INT(open, 2);
    CHECK_EQ_INT(used, 2);
    pthread_mutex_lock(&gate.mu);
    gate.open = 1;
    pthread_cond_broadcast(&gate.cond);
    pthread_mutex_unlock(&gate.mu);
    for (int i = 0; i < N; i++) {
        pthread_join(ths[i], NULL);
        CHECK_EQ_INT(hs[i].rc, 0);
    }
    db_pool_stats(p, &open, &used, NULL);
    CHECK_EQ_INT(open, 2);
    CHECK_EQ_INT(used, 0);
    db_pool_destroy(p);
}

static void test_statement_timeout(void)
{
    db_pool *p;
    CHECK_EQ_INT(db_pool_create(&p, conninfo, 1, 200), 0);
    db_session s;
    db_session_init(&s, p);
    bh_result *r;
    CHECK_EQ_INT(db_session_query(&s, &r, "SHOW statement_timeout", NULL, 0), 0);
    CHECK_EQ_STR(db_result_text(r, 0, 0), "200ms");
    int64_t t0 = now_ms();
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT pg_sleep(5)", NULL, 0), BH_EDB);
    CHECK(now_ms() - t0 < 3000);
    CHECK_EQ_STR(s.sqlstate, "57014");
    CHECK(strstr(s.err, "statement timeout") != NULL);
    /* The connection is still good afterwards. */
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT 1", NULL, 0), 0);
    db_session_end(&s);
    db_pool_destroy(p);

    /* Options given in the conninfo are kept next to ours. */
    char ci[1200];
    snprintf(ci, sizeof(ci), "%s options='-c work_mem=7MB'", conninfo);
    CHECK_EQ_INT(db_pool_create(&p, ci, 1, 300), 0);
    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT current_setting('work_mem'), "
                                           "current_setting('statement_timeout')",
                                  NULL, 0),
                 0);
    CHECK_EQ_STR(db_result_text(r, 0, 0), "7MB");
    CHECK_EQ_STR(db_result_text(r, 0, 1), "300ms");
    /* A SET in one session does not leak into the next. */
    CHECK_EQ_INT(db_session_query(&s, NULL, "SET statement_timeout = 12345", NULL, 0), 0);
    db_session_end(&s);
    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_query(&s, &r, "SHOW statement_timeout", NULL, 0), 0);
    CHECK_EQ_STR(db_result_text(r, 0, 0), "300ms");
    db_session_end(&s);
    db_pool_destroy(p);
}

static void test_notice_logged(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/notice.log", tsup_tmpdir());
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0);
    log_set_fd(fd);

    db_pool *p;
    CHECK_EQ_INT(db_pool_create(&p, conninfo, 1, 0), 0);
    db_session s;
    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_query(&s, NULL,
                                  "DO $$BEGIN RAISE NOTICE 'hello from plpgsql'; "
                                  "RAISE WARNING 'careful now'; END$$",
                                  NULL, 0),
                 0);
    db_session_end(&s);
    db_pool_destroy(p);
    /* A host name means a blocking DNS lookup per connect: warned about once. */
    const char *hosts[] = {"host=db.example.invalid", "host=/run/postgresql",
                           "host=127.0.0.1", "host=::1", "host=db2.example.invalid hostaddr=10.0.0.1"};
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        CHECK_EQ_INT(db_pool_create(&p, hosts[i], 1, 0), 0);
        db_pool_destroy(p);
    }
    log_set_fd(2);
    close(fd);

    FILE *f = fopen(path, "r");
    CHECK(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK(strstr(buf, "hello from plpgsql") != NULL);
    CHECK(strstr(buf, "component=db") != NULL);
    CHECK(strstr(buf, "level=warn") != NULL);
    CHECK(strstr(buf, "careful now") != NULL);
    CHECK(strstr(buf, "host=db.example.invalid is resolved with a blocking DNS") != NULL);
    CHECK(strstr(buf, "host=/run") == NULL);
    CHECK(strstr(buf, "host=127") == NULL);
    CHECK(strstr(buf, "host=::1") == NULL);
    CHECK(strstr(buf, "db2.example") == NULL);
}

/* The server goes away and comes back: the pool follows, never crashing. */
static void test_restart(void)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/restart-pg", tsup_tmpdir());
    char *ci = tsup_pg_private_start(dir);

    db_pool *p;
    CHECK_EQ_INT(db_pool_create(&p, ci, 2, 0), 0);
    db_session s;
    bh_result *r;
    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT pg_backend_pid()", NULL, 0), 0);
    int64_t pid1 = db_result_i64(r, 0, 0);
    CHECK(pid1 > 0);
    db_session_end(&s);

    CHECK_EQ_INT(tsup_pg_private_ctl("restart", dir), 0);
    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT pg_backend_pid()", NULL, 0), 0);
    int64_t pid2 = db_result_i64(r, 0, 0);
    CHECK(pid2 > 0 && pid2 != pid1);
    db_session_end(&s);

    /* Down: queries fail with BH_EDB and say why. */
    CHECK_EQ_INT(tsup_pg_private_ctl("halt", dir), 0);
    for (int i = 0; i < 3; i++) {
        db_session_init(&s, p);
        CHECK_EQ_INT(db_session_query(&s, &r, "SELECT 1", NULL, 0), BH_EDB);
        CHECK(r == NULL);
        CHECK(s.err[0] != '\0');
        db_session_end(&s);
    }
    char err[256] = "";
    CHECK_EQ_INT(db_pool_ping(p, err, sizeof(err)), BH_EDB);
    CHECK(err[0] != '\0');

    /* A session holding a connection when the server dies mid-way. */
    CHECK_EQ_INT(tsup_pg_private_ctl("start", dir), 0);
    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1", NULL, 0), 0);
    CHECK_EQ_INT(tsup_pg_private_ctl("restart", dir), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1", NULL, 0), BH_EDB);
    CHECK(s.err[0] != '\0');
    CHECK(db_session_commit(&s) < 0);
    db_session_end(&s);

    db_session_init(&s, p);
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT 42", NULL, 0), 0);
    CHECK_EQ_INT(db_result_i64(r, 0, 0), 42);
    db_session_end(&s);
    CHECK_EQ_INT(db_pool_ping(p, err, sizeof(err)), 0);

    db_pool_destroy(p);
    CHECK_EQ_INT(tsup_pg_private_ctl("stop", dir), 0);
    free(ci);
}

int main(void)
{
    conninfo = tsup_pg_fresh_db("bh_db_pool_test");
    test_lazy_and_stats();
    test_size_and_wait();
    test_statement_timeout();
    test_notice_logged();
    test_restart();
    free(conninfo);
    printf("db_pool_test: ok\n");
    return 0;
}
