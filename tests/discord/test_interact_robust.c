/*
 * Interactions when things go wrong, end to end (bothost + bothost-emu + PostgreSQL):
 *   - every worker busy holding its connection with pool_size == workers: each
 *     command's bothost.command_log row is still written, with no wait for a
 *     second connection;
 *   - log_level = debug: one line per interaction, never its token;
 *   - the initial response answered 5xx: retried within Discord's 3 s, so the
 *     user gets the answer; when it keeps failing, the log says what the user saw;
 *   - a long non-ASCII text reply is cut at 2000 characters, and a message the
 *     builder refuses reaches the user as an error, never as silence.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

#define WORKERS 4
#define COMMANDS (WORKERS * 3)
#define CALLBACK_ROUTE "POST /interactions/{interaction_id}/{interaction_token}/callback"

static int64_t count(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs a command; returns its id (static) and copies its token. */
static const char *command_token(e2e *t, const char *text, char *token, size_t len)
{
    static char id[32];
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/command", json_pack("{s:s}", "text", text), &status);
    CHECK_EQ_INT(status, 200);
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r, "interaction_id")));
    snprintf(token, len, "%s", json_string_value(json_object_get(r, "token")));
    json_decref(r);
    return id;
}

static void fault(e2e *t, int n)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/faults/rest",
                       json_pack("{s:s,s:s,s:i,s:i}", "route", CALLBACK_ROUTE, "kind", "5xx",
                                 "count", n, "status", 503),
                       &status);
    CHECK_EQ_INT(status, 200);
    json_decref(r);
}

int main(void)
{
    e2e t;
    e2e_setup(&t, "e2e_interact_robust", NULL);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    t.dirs.log_level = "debug"; /* it waits on "registered 2 command(s)" and REST lines */
    /* WORKERS (4) is the default of the test INI. */
    static const char *const edits[] = {"pool_size = 8", "pool_size = 4", NULL};
    e2e_start_host_edited(&t, "interact", "[database]\nacquire_timeout_ms = 30000\n",
                          "registered 2 command(s)", edits);

    /*
     * Every worker busy in a query that holds its connection: the command log
     * must not need a second one (it used to wait acquire_timeout_ms, then lose
     * the row). 3 rounds of 300 ms take ~1 s; a wait for a connection 30 s.
     */
    int64_t start = now_ms();
    char token[256], first_token[256] = "";
    for (int i = 0; i < COMMANDS; i++) {
        command_token(&t, "/tools dbwork ms:300", token, sizeof token);
        if (!first_token[0])
            snprintf(first_token, sizeof first_token, "%s", token);
    }
    for (int i = 0; i < 400 && count(&t, "SELECT count(*) FROM bothost.command_log WHERE "
                                         "command = 'tools dbwork' AND outcome = 'ok'") <
                                   COMMANDS;
         i++)
        usleep(50000);
    int64_t took = now_ms() - start;
    fprintf(stderr, "%d commands on %d workers and %d connections: logged in %lld ms\n", COMMANDS,
            WORKERS, WORKERS, (long long)took);
    CHECK_EQ_INT(count(&t, "SELECT count(*) FROM bothost.command_log WHERE command = "
                           "'tools dbwork' AND outcome = 'ok'"),
                 COMMANDS);
    CHECK(took < 15000);
    CHECK_EQ_INT(tsup_proc_count(t.host, "command_log:"), 0);
    CHECK_EQ_INT(tsup_proc_count(t.host, "no database connection came free"), 0);

    /* At debug, each interaction has its line: plugin, route, latency, outcome; no token. */
    CHECK(tsup_proc_wait_line(t.host,
                              "component=interact plugin=interact kind=command "
                              "command=\"tools dbwork\" msg=\"interaction latency_ms=",
                              10000));
    json_t *v = e2e_answer(&t, e2e_command(&t, "/echo text:hi"), 0, 5000);
    char msg[32];
    snprintf(msg, sizeof msg, "%s", json_string_value(json_object_get(v, "original_message_id")));
    json_decref(v);
    v = e2e_answer(&t, e2e_click(&t, msg, "interact:again:7"), 0, 5000);
    CHECK_EQ_STR(e2e_content(v), "again 7 (2 parts)");
    json_decref(v);
    CHECK(tsup_proc_wait_line(t.host,
                              "plugin=interact kind=component custom_id=\"interact:again\"", 5000));
    CHECK_EQ_INT(tsup_proc_count(t.host, first_token), 0);

    /* One 5xx on the initial response: retried, the user gets the answer. */
    fault(&t, 1);
    const char *id = command_token(&t, "/echo text:after a 503", token, sizeof token);
    v = e2e_answer(&t, id, 0, 5000);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 4);
    CHECK_EQ_STR(e2e_content(v), "echo: after a 503 x1");
    json_decref(v);
    CHECK(tsup_proc_wait_line(t.host, "failed (HTTP 503): retrying", 5000));

    /* It keeps failing: the log says what the user saw, and the host carries on. */
    fault(&t, 1000);
    id = command_token(&t, "/echo text:never", token, sizeof token);
    CHECK(tsup_proc_wait_line(t.host, "the user saw \\\"This interaction failed\\\"", 10000));
    int status = 0;
    json_decref(et_ctl(&t.emu, "DELETE", "/_emu/faults", NULL, &status));
    CHECK_EQ_INT(status, 200);
    v = e2e_answer(&t, id, 0, 100);
    CHECK(!json_is_true(json_object_get(v, "acked")));
    json_decref(v);
    v = e2e_answer(&t, e2e_command(&t, "/echo text:fine again"), 0, 5000);
    CHECK_EQ_STR(e2e_content(v), "echo: fine again x1");
    json_decref(v);
    CHECK_EQ_INT(tsup_proc_count(t.host, token), 0);

    /* A long non-ASCII bh_reply_text(): cut at 2000 characters, whole characters, never empty. */
    static char cmd[64], want[2000 * 3 + 1];
    snprintf(cmd, sizeof cmd, "/tools long text:\xE6\xBC\xA2 n:2500");
    for (int i = 0; i < 2000; i++)
        memcpy(want + i * 3, "\xE6\xBC\xA2", 3);
    v = e2e_answer(&t, e2e_command(&t, cmd), 0, 5000);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 4);
    const char *got = json_string_value(
        json_object_get(json_object_get(json_object_get(v, "response"), "data"), "content"));
    CHECK(got && strcmp(got, want) == 0);
    json_decref(v);

    /*
     * A message the builder refuses (the plugin's own snprintf cut a character in
     * two): the user is told it failed, the log and the plugin's error say why.
     */
    v = e2e_answer(&t, e2e_command(&t, "/tools long text:\xE6\xBC\xA2 n:10 cut:4"), 0, 5000);
    CHECK(strstr(e2e_content(v), "Something went wrong"));
    json_decref(v);
    CHECK(tsup_proc_wait_line(t.host, "long: reply returned -11: message not sent: message content "
                                      "is not valid UTF-8 (at byte 3)",
                              5000));
    CHECK_EQ_INT(tsup_proc_count(t.host, "component=interact msg=\"plugin interact: message not "
                                         "sent: message content is not valid UTF-8"),
                 1);

    e2e_teardown(&t);
    printf("test_interact_robust: ok\n");
    return 0;
}
