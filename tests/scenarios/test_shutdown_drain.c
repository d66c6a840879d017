/*
 * SIGTERM while a handler runs: the host stops taking work, lets the call finish
 * (its work commits), then exits 0. A call longer than shutdown_timeout_ms does
 * not hold the host: it exits anyway, with status 70, and the job, rolled back,
 * is still pending.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "tsup.h"
#include "tsup_host.h"
#include "tsup_pg.h"
#include "tsup_proc.h"

static tsup_proc *start(const tsup_host_dirs *d, const char *conninfo)
{
    const char *ini = tsup_host_write_ini(d, conninfo, "loadtest", NULL);
    char *argv[] = {(char *)tsup_bothost_path(), "-c", (char *)ini, NULL};
    tsup_proc *p = tsup_proc_start(argv, NULL);
    CHECK(tsup_proc_wait_line(p, "msg=\"ready:", 30000));
    return p;
}

int main(void)
{
    char *conninfo = tsup_pg_fresh_db("shutdown_drain");
    tsup_host_dirs d;
    tsup_host_dirs_make(&d, "drain");
    tsup_host_install_plugin(&d, "loadtest_a", "loadtest");
    PGconn *db = tsup_pg_connect(conninfo);

    tsup_proc *host = start(&d, conninfo);
    tsup_pg_exec(db, "INSERT INTO bothost.jobs (plugin, kind, payload) VALUES "
                     "('loadtest', 'slow', '{\"ms\": 1500}')");
    CHECK(tsup_proc_wait_line(host, "slow job sleeping 1500 ms", 10000));
    tsup_proc_signal(host, SIGTERM);
    CHECK(tsup_proc_wait_line(host, "msg=\"stopped (", 10000));
    CHECK_EQ_INT(tsup_proc_wait(host, 10000), 0);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE n = -1500"), 1);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM bothost.jobs"), 0);

    /* Longer than shutdown_timeout_ms (5 s in the test config). */
    host = start(&d, conninfo);
    tsup_pg_exec(db, "INSERT INTO bothost.jobs (plugin, kind, payload) VALUES "
                     "('loadtest', 'slow', '{\"ms\": 20000}')");
    CHECK(tsup_proc_wait_line(host, "slow job sleeping 20000 ms", 10000));
    tsup_proc_signal(host, SIGTERM);
    CHECK(tsup_proc_wait_line(host, "still running after shutdown_timeout_ms", 10000));
    /* Work was cut off: the exit status says so (70, EX_SOFTWARE), not 0. */
    CHECK(tsup_proc_wait_line(host, "with calls still running: exit status 70", 10000));
    CHECK_EQ_INT(tsup_proc_wait(host, 10000), 70);
    /* The server ends the orphaned sleep when the connection closes; the job is still there. */
    for (int i = 0; i < 100 && tsup_pg_i64(db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") > 0; i++)
        usleep(100000);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM bothost.jobs WHERE kind = 'slow' AND state = 'pending'"), 1);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM loadtest.once WHERE n = -20000"), 0);
    PQfinish(db);
    free(conninfo);
    printf("test_shutdown_drain: ok\n");
    return 0;
}
