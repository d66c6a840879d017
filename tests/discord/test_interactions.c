/*
 * A slash command, a button, a select and a modal round trip through bothost
 * and a test plugin, against bothost-emu and PostgreSQL; auto-defer; a failing
 * handler; a control whose plugin is gone; bothost.command_log.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

static int64_t count(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

/* The first answer is of ack_type (a defer); the content comes with the next version. */
static void check_acked_then(e2e *t, const char *interaction_id, int ack_type, const char *content)
{
    char id[32];
    snprintf(id, sizeof id, "%s", interaction_id);
    json_t *v = e2e_answer(t, id, 0, 5000);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), ack_type);
    int version = (int)json_integer_value(json_object_get(v, "version"));
    json_decref(v);
    v = e2e_answer(t, id, version, 5000);
    CHECK_EQ_STR(e2e_content(v), content);
    json_decref(v);
}

int main(void)
{
    e2e t;
    e2e_setup(&t, "e2e_interactions", NULL);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    e2e_start_host(&t, "interact", "[host]\nauto_defer_ms = 500\n", "msg=\"ready: ");
    e2e_wait_commands(&t, 30000);

    /* A command with options: the answer has the text, a button and a select. */
    json_t *v = e2e_answer(&t, e2e_command(&t, "/echo text:hello there times:3"), 0, 5000);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 4);
    CHECK_EQ_STR(e2e_content(v), "echo: hello there x3");
    char msg[32];
    snprintf(msg, sizeof msg, "%s", json_string_value(json_object_get(v, "original_message_id")));
    char *dump = json_dumps(v, JSON_COMPACT);
    CHECK(strstr(dump, "\"custom_id\":\"interact:again:7\""));
    CHECK(strstr(dump, "\"custom_id\":\"interact:pick\""));
    free(dump);
    json_decref(v);
    CHECK_EQ_INT(count(&t, "SELECT count(*) FROM interact.calls"), 1);

    /* The button: routed by prefix, parts after the plugin name. */
    v = e2e_answer(&t, e2e_click(&t, msg, "interact:again:7"), 0, 5000);
    CHECK_EQ_STR(e2e_content(v), "again 7 (2 parts)");
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_object_get(json_object_get(v, "response"), "data"), "flags")),
                 64);
    json_decref(v);

    /* The select: two values, answered by updating the message. */
    int status = 0;
    json_t *r = et_ctl(&t.emu, "POST", "/_emu/select",
                       json_pack("{s:s,s:s,s:[s,s]}", "message_id", msg, "custom_id",
                                 "interact:pick", "values", "red", "blue"),
                       &status);
    CHECK_EQ_INT(status, 200);
    v = e2e_answer(&t, json_string_value(json_object_get(r, "interaction_id")), 0, 5000);
    json_decref(r);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 7);
    char *resp = json_dumps(json_object_get(v, "response"), 0);
    CHECK(strstr(resp, "picked red blue"));
    free(resp);
    json_decref(v);

    /* A modal: opened by a subcommand, submitted, answered with its fields. */
    const char *form = e2e_command(&t, "/tools form");
    char form_id[32];
    snprintf(form_id, sizeof form_id, "%s", form);
    v = e2e_answer(&t, form_id, 0, 5000);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 9);
    json_decref(v);
    r = et_ctl(&t.emu, "POST", "/_emu/modal",
               json_pack("{s:s,s:{s:s,s:s}}", "interaction_id", form_id, "values", "name", "Ada",
                         "about", "likes engines"),
               &status);
    CHECK_EQ_INT(status, 200);
    v = e2e_answer(&t, json_string_value(json_object_get(r, "interaction_id")), 0, 5000);
    json_decref(r);
    CHECK_EQ_STR(e2e_content(v), "form from Ada: likes engines");
    json_decref(v);

    /* A modal opened by a button, answered slowly: the host's defer keeps the update possible. */
    const char *fb = e2e_click(&t, msg, "interact:formbtn");
    char fb_id[32];
    snprintf(fb_id, sizeof fb_id, "%s", fb);
    v = e2e_answer(&t, fb_id, 0, 5000);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 9);
    json_decref(v);
    r = et_ctl(&t.emu, "POST", "/_emu/modal",
               json_pack("{s:s,s:{s:s}}", "interaction_id", fb_id, "values", "text", "shiny"),
               &status);
    CHECK_EQ_INT(status, 200);
    check_acked_then(&t, json_string_value(json_object_get(r, "interaction_id")), 6, "renamed: shiny");
    json_decref(r);

    /* A slow handler: the host defers after 500 ms, the answer becomes the edit. */
    check_acked_then(&t, e2e_command(&t, "/tools slow ms:2000"), 5, "slow done after 2000 ms");

    /* A failing handler: the user gets an ephemeral error, the log the reason. */
    v = e2e_answer(&t, e2e_command(&t, "/tools fail"), 0, 5000);
    CHECK(strstr(e2e_content(v), "Something went wrong"));
    json_decref(v);
    CHECK(tsup_proc_wait_line(t.host, "failed tools fail: handler returned -1 (invalid argument)",
                              5000));

    /* Every REST and cache helper of the SDK, and a refusal with Discord's code. */
    v = e2e_answer(&t, e2e_command(&t, "/tools admin user:@bob role:Gamer closed:#announcements"), 0,
                   10000);
    if (strcmp(e2e_content(v), "admin ok") != 0)
        fprintf(stderr, "admin: %s\n", e2e_content(v));
    CHECK_EQ_STR(e2e_content(v), "admin ok");
    json_decref(v);
    static const char *const calls[][2] = {
        {"PUT", "/guilds/%7Bguild_id%7D/members/%7Buser_id%7D/roles/%7Brole_id%7D"},
        {"DELETE", "/guilds/%7Bguild_id%7D/members/%7Buser_id%7D/roles/%7Brole_id%7D"},
        {"PATCH", "/guilds/%7Bguild_id%7D/members/%7Buser_id%7D"},
        {"GET", "/guilds/%7Bguild_id%7D/members/%7Buser_id%7D"},
        {"PUT", "/guilds/%7Bguild_id%7D/bans/%7Buser_id%7D"},
        {"DELETE", "/guilds/%7Bguild_id%7D/bans/%7Buser_id%7D"},
        {"POST", "/users/@me/channels"},
        {"PATCH", "/channels/%7Bchannel_id%7D/messages/%7Bmessage_id%7D"},
        {"DELETE", "/channels/%7Bchannel_id%7D/messages/%7Bmessage_id%7D"},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/_emu/requests?method=%s&route=%s", calls[i][0], calls[i][1]);
        r = et_ctl(&t.emu, "GET", path, NULL, &status);
        json_t *first = json_array_get(json_object_get(r, "requests"), 0);
        int code = (int)json_integer_value(json_object_get(first, "status"));
        if (!first || code < 200 || code > 299) {
            fprintf(stderr, "%s %s: %s\n", calls[i][0], calls[i][1], first ? "refused" : "not called");
            CHECK(0);
        }
        if (strstr(calls[i][1], "bans"))
            CHECK_EQ_STR(json_string_value(json_object_get(first, "audit_log_reason")), "admin tool");
        json_decref(r);
    }

    /* Every command is in bothost.command_log with its outcome (written after the answer). */
    for (int i = 0; i < 50 && count(&t, "SELECT count(*) FROM bothost.command_log") < 5; i++)
        usleep(100000);
    CHECK_EQ_INT(count(&t, "SELECT count(*) FROM bothost.command_log"), 5);
    CHECK_EQ_INT(count(&t, "SELECT count(*) FROM bothost.command_log WHERE command = 'echo' "
                           "AND outcome = 'ok' AND options->0->>'value' = 'hello there' "
                           "AND plugin = 'interact' AND user_id IS NOT NULL"),
                 1);
    CHECK_EQ_INT(count(&t, "SELECT count(*) FROM bothost.command_log WHERE command = "
                           "'tools fail' AND outcome = 'error' AND error LIKE '%invalid%'"),
                 1);
    CHECK(count(&t, "SELECT latency_ms FROM bothost.command_log WHERE command = 'tools slow'") >=
          2000);

    /* Health and metrics. */
    const char *body;
    CHECK_EQ_INT(e2e_http_get(&t, "/health/live", &body), 200);
    for (int i = 0; i < 50 && e2e_http_get(&t, "/health/ready", &body) != 200; i++)
        usleep(100000);
    CHECK_EQ_INT(e2e_http_get(&t, "/health/ready", &body), 200);
    CHECK_EQ_INT(e2e_http_get(&t, "/metrics", &body), 200);
    CHECK(strstr(body, "bothost_interactions_total{plugin=\"interact\",kind=\"command\",outcome=\"ok\"} 4"));
    CHECK(strstr(body, "bothost_interactions_total{plugin=\"interact\",kind=\"command\",outcome=\"error\"} 1"));
    CHECK(strstr(body, "bothost_gateway_shard_up{shard=\"0\",state=\"ready\"} 1"));
    CHECK(strstr(body, "bothost_rest_requests_total{route=\"POST /interactions/{interaction_id}/{interaction_token}/callback\""));

    /*
     * One the gateway delivered 2.5 s late: auto_defer_ms (500) counts from its
     * creation, so the host defers it at once; counted from its arrival the
     * defer would come at 3 s, past Discord's window, and the user sees nothing.
     */
    int st = 0;
    json_t *late = et_ctl(&t.emu, "POST", "/_emu/command",
                          json_pack("{s:s, s:i}", "text", "/tools slow ms:1500", "late_ms", 2500), &st);
    CHECK_EQ_INT(st, 200);
    check_acked_then(&t, json_string_value(json_object_get(late, "interaction_id")), 5,
                     "slow done after 1500 ms");
    json_decref(late);

    /* The plugin goes away: its old button answers that it is no longer active. */
    char api[128];
    snprintf(api, sizeof api, "%s/api/v10", t.emu.url);
    tsup_host_write_ini_discord(&t.dirs, t.conninfo, "", api, "", NULL);
    tsup_proc_signal(t.host, SIGHUP);
    CHECK(tsup_proc_wait_line(t.host, "unloaded=1", 10000));
    v = e2e_answer(&t, e2e_click(&t, msg, "interact:again:7"), 0, 5000);
    CHECK_EQ_STR(e2e_content(v), "This control is no longer active.");
    json_decref(v);
    /* The same, delivered past Discord's 3 s: nothing is sent, and it is counted, not lost. */
    json_decref(et_ctl(&t.emu, "POST", "/_emu/click",
                       json_pack("{s:s, s:s, s:i}", "message_id", msg, "custom_id", "interact:again:7",
                                 "late_ms", 3500), &st));
    CHECK_EQ_INT(st, 200);
    int counted = 0;
    for (int i = 0; i < 200 && !counted; i++) {
        CHECK_EQ_INT(e2e_http_get(&t, "/metrics", &body), 200);
        counted = strstr(body, "\nbothost_interaction_acks_expired_total 1\n") != NULL;
        if (!counted)
            tsup_proc_pump(t.host, 50);
    }
    CHECK(counted);
    CHECK_EQ_INT(tsup_proc_count(t.host, "cannot answer"), 0);

    e2e_teardown(&t);
    printf("test_interactions: ok\n");
    return 0;
}
