/*
 * What ops read at log_level = info: a start, an interaction, a reload (SIGHUP)
 * and a stop print exactly three info lines, one per event of the process's
 * life ("ready: ...", "reload: ...", "stopped (...)"). Routine start-up steps,
 * the gateway's handshakes, command registration and each interaction are
 * debug lines; what is unusual (warnings, errors) would still be shown.
 */
#include <signal.h>
#include <string.h>

#include "e2e.h"

/* Waits until the emulator received the bot's command registration (no info line says it). */
static void wait_commands_registered(e2e *t)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "GET",
                       "/_emu/requests?method=PUT&route=%2Fapplications%2F%7Bapplication_id%7D"
                       "%2Fcommands&wait_ms=30000",
                       NULL, &status);
    CHECK_EQ_INT(status, 200);
    json_t *reqs = json_object_get(r, "requests");
    CHECK(json_array_size(reqs) == 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(reqs, 0), "status")), 200);
    json_decref(r);
}

int main(void)
{
    e2e t;
    e2e_setup(&t, "e2e_log_info", NULL);
    /* At info even when BH_TEST_LOG_DIR keeps the logs (the other tests then run at debug). */
    t.dirs.log_level = "info";
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    e2e_start_host(&t, "interact", NULL, "msg=\"ready:");
    wait_commands_registered(&t);

    const char *id = e2e_command(&t, "/echo text:hello");
    json_t *v = e2e_answer(&t, id, 0, 10000);
    CHECK_EQ_STR(e2e_content(v), "echo: hello x1");
    json_decref(v);

    tsup_proc_signal(t.host, SIGHUP);
    const char *line = tsup_proc_wait_line(t.host, "msg=\"reload: ", 30000);
    CHECK(line && strstr(line, "kept=1 failed=0"));

    tsup_proc_signal(t.host, SIGTERM);
    CHECK(tsup_proc_wait_line(t.host, "msg=\"stopped (", 30000));
    CHECK(tsup_proc_wait_eof(t.host, 30000));

    /* Every line the host wrote to stdout or stderr is in; the info ones are these three. */
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=info component=host msg=\"ready: bothost "), 1);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=info component=loader msg=\"reload: "), 1);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=info component=host msg=\"stopped ("), 1);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=info"), 3);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=debug"), 0);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=warn"), 0);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=error"), 0);
    /* The ready line says where health and metrics are, with the port that was picked. */
    char want[64];
    snprintf(want, sizeof want, "health and metrics on http://127.0.0.1:%d;", t.http_port);
    CHECK_EQ_INT(tsup_proc_count(t.host, want), 1);
    /* And what the start changed: a fresh database got every core and plugin migration. */
    CHECK_EQ_INT(tsup_proc_count(t.host, "; plugins interact 1.0.a; 4 worker(s); "), 1);
    char migrated[64];
    snprintf(migrated, sizeof migrated, "; %d migration(s) applied; ",
             (int)tsup_pg_i64(t.db, "SELECT count(*) FROM bothost.schema_migrations"));
    CHECK_EQ_INT(tsup_proc_count(t.host, migrated), 1);
    CHECK_EQ_INT(tsup_proc_wait(t.host, 30000), 0);
    t.host = NULL;

    printf("test_log_info: a start, an interaction, a reload and a stop: 3 info lines\n");
    e2e_teardown(&t);
    return 0;
}
