/*
 * Durable jobs shared by two hosts on one database: 1,000 jobs, each run exactly
 * once (the plugin's primary key would fail a second run, and a failed run would
 * stay in bothost.jobs with attempts > 0), and both hosts take part. Prints the
 * throughput. Then a job scheduled for later survives a restart of its host.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsup.h"
#include "tsup_host.h"
#include "tsup_pg.h"
#include "tsup_proc.h"

#define JOBS 1000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static tsup_proc *start_host(const char *name, const char *conninfo)
{
    tsup_host_dirs d;
    tsup_host_dirs_make(&d, name);
    tsup_host_install_plugin(&d, "loadtest_a", "loadtest");
    char extra[128];
    snprintf(extra, sizeof extra, "[plugin.loadtest]\nlabel = %s\n", name);
    const char *ini = tsup_host_write_ini(&d, conninfo, "loadtest", extra);
    char *argv[] = {(char *)tsup_bothost_path(), "-c", (char *)ini, NULL};
    tsup_proc *p = tsup_proc_start(argv, NULL);
    CHECK(tsup_proc_wait_line(p, "msg=\"ready:", 30000));
    return p;
}

static void stop_host(tsup_proc *p)
{
    tsup_proc_signal(p, SIGTERM);
    CHECK_EQ_INT(tsup_proc_wait(p, 30000), 0);
}

int main(void)
{
    char *conninfo = tsup_pg_fresh_db("jobs_two_hosts");
    tsup_proc *a = start_host("one", conninfo);
    tsup_proc *b = start_host("two", conninfo);
    PGconn *db = tsup_pg_connect(conninfo);

    double t0 = now_s();
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO bothost.jobs (plugin, kind, payload) SELECT 'loadtest', 'once', "
             "jsonb_build_object('n', n) FROM generate_series(1, %d) n",
             JOBS);
    tsup_pg_exec(db, sql);
    while (tsup_pg_i64(db, "SELECT count(*) FROM bothost.jobs") > 0 && now_s() - t0 < 120) {
        tsup_proc_pump(a, 0);
        tsup_proc_pump(b, 0);
        usleep(2000);
    }
    double t1 = now_s();
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM bothost.jobs"), 0);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once"), JOBS);
    int64_t by_one = tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE label = 'one'");
    int64_t by_two = tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE label = 'two'");
    CHECK(by_one > 0 && by_two > 0);
    printf("jobs: %d jobs on 2 hosts in %.2f s = %.0f jobs/s (host one %lld, host two %lld), "
           "each exactly once\n",
           JOBS, t1 - t0, JOBS / (t1 - t0), (long long)by_one, (long long)by_two);

    /* A job due in 3 s, its only host restarted meanwhile: it still runs, once. */
    stop_host(b);
    tsup_pg_exec(db, "INSERT INTO bothost.jobs (plugin, kind, run_at, payload) VALUES "
                     "('loadtest', 'once', now() + interval '3 seconds', '{\"n\": 5000}')");
    stop_host(a);
    a = start_host("one", conninfo);
    for (int i = 0; i < 100 && tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE n = 5000") == 0; i++)
        usleep(100000);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE n = 5000"), 1);
    CHECK(tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE n = 5000 AND "
                          "at >= (SELECT max(at) FROM loadtest.once WHERE n < 5000) + interval '2 seconds'") == 1);
    stop_host(a);
    PQfinish(db);
    free(conninfo);
    return 0;
}
