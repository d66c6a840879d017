/*
 * A host started while PostgreSQL is down waits for it: health and metrics
 * answer meanwhile (/health/ready 503, saying why), the failure is logged once
 * (one line, not the pool's and the host's) rather than per attempt, and once the server is back
 * the host migrates, loads its plugins and becomes ready, without a restart.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpc.h"
#include "tsup.h"
#include "tsup_host.h"
#include "tsup_pg.h"
#include "tsup_proc.h"

/* GET `path` on the host's health port: the status, the body copied into `body`. */
static int get(int port, const char *path, char *body, size_t len)
{
    httpc_request q = {.path = path};
    httpc_response *r;
    CHECK_EQ_INT(httpc_fetch("127.0.0.1", port, &q, &r), 0);
    snprintf(body, len, "%s", r->body);
    int status = r->status;
    httpc_response_free(r);
    return status;
}

int main(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/db-wait-pg", tsup_tmpdir());
    char *conninfo = tsup_pg_private_start(dir);
    CHECK_EQ_INT(tsup_pg_private_ctl("halt", dir), 0);

    tsup_host_dirs d;
    tsup_host_dirs_make(&d, "db_wait");
    tsup_host_install_plugin(&d, "loadtest_a", "loadtest");
    char text[4096];
    snprintf(text, sizeof text,
             "[database]\nurl = %s\n[host]\nlog_level = debug\nstate_dir = %s\n"
             "[http]\nlisten = 127.0.0.1:0\n"
             "[plugins]\ndir = %s\nmigrations = %s\nenabled = loadtest\n",
             conninfo, d.state, d.plugins, d.migrations);
    const char *ini = tsup_write_file("db_wait.ini", text);
    char *argv[] = {(char *)tsup_bothost_path(), "-c", (char *)ini, NULL};
    tsup_proc *host = tsup_proc_start(argv, NULL);
    /* The listener's debug line: the ready line that says it at info is yet to come. */
    int port = tsup_host_http_port(tsup_proc_wait_line(host, "health and metrics on", 30000));
    CHECK(port > 0);

    /* Waiting, and saying so once however many attempts it takes. */
    CHECK(tsup_proc_wait_line(host, "waiting for the database (attempt 1", 30000));
    char body[4096];
    CHECK_EQ_INT(get(port, "/health/ready", body, sizeof body), 503);
    CHECK(strstr(body, "waiting for the database"));
    char live[256];
    CHECK_EQ_INT(get(port, "/health/live", live, sizeof live), 200);
    /* More attempts (at debug level) add no warning: the same failure is said once. */
    CHECK(tsup_proc_wait_line(host, "database attempt 4:", 30000));
    CHECK_EQ_INT(tsup_proc_count(host, "waiting for the database (attempt"), 1);
    /* One line for the wait: the pool does not say the same cause again. */
    CHECK_EQ_INT(tsup_proc_count(host, "level=warn component=db msg=\"cannot connect"), 0);
    CHECK_EQ_INT(tsup_proc_count(host, "msg=\"ready:"), 0);

    /* The server comes back: the host carries on by itself. */
    CHECK_EQ_INT(tsup_pg_private_ctl("start", dir), 0);
    CHECK(tsup_proc_wait_line(host, "the database answers, after", 30000));
    const char *ready = tsup_proc_wait_line(host, "msg=\"ready:", 30000);
    char health[64];
    snprintf(health, sizeof health, "; health and metrics on http://127.0.0.1:%d; ", port);
    CHECK(ready && strstr(ready, health));
    CHECK_EQ_INT(tsup_proc_count(host, "connected to the database again"), 0);
    int status = 0;
    for (int i = 0; i < 300 && (status = get(port, "/health/ready", body, sizeof body)) != 200; i++)
        usleep(50000); /* the database check refreshes every 5 s */
    CHECK_EQ_INT(status, 200);
    PGconn *db = tsup_pg_connect(conninfo);
    CHECK_EQ_INT(tsup_pg_i64(db, "SELECT count(*) FROM bothost.schema_migrations WHERE owner = "
                                 "'loadtest'"),
                 1);
    PQfinish(db);

    tsup_proc_signal(host, SIGTERM);
    CHECK_EQ_INT(tsup_proc_wait(host, 30000), 0);
    free(conninfo);
    printf("test_db_wait: ok\n");
    return 0;
}
