/*
 * Safety at click time and when things are deleted on Discord's side: the
 * bot's role moved below the panel's roles; a panel role deleted; the panel's
 * message deleted; its channel deleted; the audit channel deleted. Panels are
 * updated or marked broken, admins are told, nothing fails or loops.
 */
#include <string.h>
#include <unistd.h>

#include "rpt.h"

static int64_t q(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

static void ctl(e2e *t, const char *method, const char *path, json_t *body)
{
    int status = 0;
    json_decref(et_ctl(&t->emu, method, path, body, &status));
    CHECK_EQ_INT(status, 200);
}

/* Waits until the SQL count reaches `want`. */
static void wait_count(e2e *t, const char *sql, int64_t want)
{
    for (int i = 0; i < 100 && q(t, sql) != want; i++)
        usleep(100000);
    CHECK_EQ_INT(q(t, sql), want);
}

static void wait_logs(e2e *t, const char *logs, const char *needle)
{
    for (int i = 0; i < 100 && rpt_count_messages(t, logs, needle) == 0; i++)
        usleep(100000);
    CHECK(rpt_count_messages(t, logs, needle) >= 1);
}

int main(void)
{
    e2e t;
    rpt_start(&t, "rp_safety", "[plugin.rolepanel]\ncooldown_ms = 0\naudit_batch_ms = 300\n");
    CHECK(strstr(rpt_answer(&t, rpt_command(&t, "owner", "/rolepanel config audit_channel:logs"), RPT_ANSWER_MS),
                 "Audit channel"));
    char logs[32];
    snprintf(logs, sizeof logs, "%s", rpt_channel_id(&t, "logs"));

    rpt_panel p;
    rpt_panel_create(&t, &p, "Safety", "");
    rpt_panel_add_role(&t, &p, "Gamer", "Gamer", NULL);
    rpt_panel_add_role(&t, &p, "Artist", "Artist", NULL);
    CHECK(strstr(rpt_panel_post(&t, &p, "raffles"), "Posted"));
    CHECK(strstr(rpt_take(&t, &p, "bob", "Gamer"), "Added"));

    /* The bot's role moved below the panel's roles: refused at click, counted. */
    ctl(&t, "PATCH", "/_emu/roles/bothost", json_pack("{s:i}", "position", 1));
    const char *a = rpt_take(&t, &p, "bob", "Artist");
    CHECK(strstr(a, "Nothing changed") && strstr(a, "bot lacks permission"));
    a = rpt_take(&t, &p, "bob", "Gamer");
    CHECK(strstr(a, "bot lacks permission"));
    CHECK(!rpt_has_role(&t, "bob", "Artist") && rpt_has_role(&t, "bob", "Gamer"));
    CHECK_EQ_INT(q(&t, "SELECT total FROM rolepanel.refusals WHERE reason = 'bot_hierarchy'"), 2);
    /* No role request reached Discord for those clicks. */
    ctl(&t, "PATCH", "/_emu/roles/bothost", json_pack("{s:i}", "position", 5));
    CHECK(strstr(rpt_take(&t, &p, "bob", "Artist"), "Added"));

    /* A panel role deleted: taken off the panel and its message; the admins are told. */
    ctl(&t, "DELETE", "/_emu/roles/Artist", NULL);
    wait_count(&t, "SELECT count(*) FROM rolepanel.panel_roles", 1);
    CHECK(rpt_wait_message(&t, p.channel, p.message, "\"label\":\"Artist\"", 0, 5000));
    CHECK(rpt_wait_message(&t, p.channel, p.message, "\"label\":\"Gamer\"", 1, 100));
    wait_logs(&t, logs, "role deleted");
    CHECK(strstr(rpt_take(&t, &p, "bob", "Gamer"), "Removed"));

    /* The panel's message deleted: marked broken, admins told; posting again repairs it. */
    char path[128];
    snprintf(path, sizeof path, "/_emu/messages/%s", p.message);
    ctl(&t, "DELETE", path, NULL);
    wait_count(&t, "SELECT count(*) FROM rolepanel.panels WHERE state = 'broken' AND "
                   "broken_reason LIKE '%message was deleted%' AND message_id IS NULL", 1);
    wait_logs(&t, logs, "message deleted");
    json_t *v = rpt_view(&t, rpt_command(&t, "owner", "/panel list"), RPT_ANSWER_MS);
    char *dump = json_dumps(v, JSON_COMPACT);
    CHECK(strstr(dump, "BROKEN: its message was deleted"));
    free(dump);
    json_decref(v);
    char edit[64];
    snprintf(edit, sizeof edit, "/panel edit panel:%lld", (long long)p.id);
    v = rpt_view(&t, rpt_command(&t, "owner", edit), RPT_ANSWER_MS);
    snprintf(p.editor, sizeof p.editor, "%s", json_string_value(json_object_get(v, "original_message_id")));
    json_decref(v);
    CHECK(strstr(rpt_panel_post(&t, &p, "raffles"), "Posted"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.panels WHERE state = 'posted'"), 1);
    CHECK(strstr(rpt_take(&t, &p, "bob", "Gamer"), "Added"));

    /* Its channel deleted: broken, told. */
    ctl(&t, "DELETE", "/_emu/channels/raffles", NULL);
    wait_count(&t, "SELECT count(*) FROM rolepanel.panels WHERE state = 'broken' AND "
                   "broken_reason LIKE '%channel was deleted%'", 1);
    wait_logs(&t, logs, "channel deleted");

    /* The audit channel deleted: logging stops, nothing retries against it. */
    ctl(&t, "DELETE", "/_emu/channels/logs", NULL);
    wait_count(&t, "SELECT count(*) FROM rolepanel.guild_config WHERE audit_channel_id IS NULL", 1);
    CHECK(strstr(rpt_answer(&t, rpt_command(&t, "owner", "/rolepanel config"), RPT_ANSWER_MS),
                 "No audit channel"));

    /* Nothing failed on the way, and no job is left retrying. */
    tsup_proc_pump(t.host, 1500);
    CHECK_EQ_INT(tsup_proc_count(t.host, "level=error"), 0);
    CHECK_EQ_INT(tsup_proc_count(t.host, "plugin rolepanel failed"), 0);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND attempts > 0"), 0);

    e2e_teardown(&t);
    printf("test_rolepanel_safety: ok\n");
    return 0;
}
