/*
 * A slow Discord never stalls members' clicks: the close job of a raffle that
 * filled up posts its announcement through the outbox, after its transaction
 * committed. While that post hangs in the emulator (a "slow" fault), a click
 * that needs the raffle's row is answered at once. The latency is measured on
 * the emulator's clock: from the click's creation to the bot's callback request.
 */
#include <string.h>

#include "raffle_test.h"

#define SLOW_MS 5000

/* The emulator's REST log entries matching a route and method after seq. */
static json_t *requests(e2e *t, const char *route, const char *method, int64_t after, int wait_ms)
{
    char path[300];
    snprintf(path, sizeof path, "/_emu/requests?after=%lld&wait_ms=%d&method=%s&route=%s",
             (long long)after, wait_ms, method, route);
    int status = 0;
    json_t *r = et_ctl(&t->emu, "GET", path, NULL, &status);
    CHECK_EQ_INT(status, 200);
    return r;
}

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_outbox", NULL);
    rt_config(&t, NULL);
    char msg[32], cid[64], ia[32], ib[32], ic[32], pa[32], pb[32], pc[32];
    int64_t id = rt_create(&t, "spots:2 close_when_full:true", "Hasty", "Closes when full", "1d",
                           msg);

    /* Three pickers, opened while every spot is free. */
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)id);
    rt_click_id(&t, "alice", msg, cid, ia);
    rt_click_id(&t, "bob", msg, cid, ib);
    rt_click_id(&t, "mod", msg, cid, ic);
    rt_answer_message(&t, ia, pa);
    rt_answer_message(&t, ib, pb);
    rt_answer_message(&t, ic, pc);

    /* The next channel post (the closing announcement) hangs for SLOW_MS. */
    json_t *before = requests(&t, "%2Fchannels%2F%7Bchannel_id%7D%2Fmessages", "POST", 0, 0);
    int64_t seq = json_integer_value(json_object_get(before, "next"));
    json_decref(before);
    int status = 0;
    json_decref(et_ctl(&t.emu, "POST", "/_emu/faults/rest",
                       json_pack("{s:s, s:s, s:i, s:i}", "route",
                                 "POST /channels/{channel_id}/messages", "kind", "slow", "count",
                                 1, "delay_ms", SLOW_MS),
                       &status));
    CHECK_EQ_INT(status, 200);

    /* alice and bob fill it: the "close" job runs and posts. */
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)id);
    char *s = rt_select(&t, "alice", pa, cid, json_pack("[s]", "1"));
    RT_HAS(s, "You claimed spot #1");
    free(s);
    s = rt_select(&t, "bob", pb, cid, json_pack("[s]", "2"));
    RT_HAS(s, "You claimed spot #2");
    free(s);

    /* Wait until the announcement is hanging in the emulator. */
    json_t *slow = NULL;
    for (int waited = 0; !slow && waited < 20000; waited += 1000) {
        json_t *r = requests(&t, "%2Fchannels%2F%7Bchannel_id%7D%2Fmessages", "POST", seq, 1000);
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(r, "requests"), i, e) {
            char *body = json_dumps(json_object_get(e, "body"), JSON_COMPACT);
            if (body && strstr(body, "is closed") && json_integer_value(json_object_get(e, "delayed_ms")))
                slow = json_incref(e);
            free(body);
        }
        seq = json_integer_value(json_object_get(r, "next"));
        json_decref(r);
    }
    CHECK(slow);
    int64_t slow_at = json_integer_value(json_object_get(slow, "t_ms"));
    json_decref(slow);

    /* mod's select needs the raffle's row (FOR SHARE): it must not wait for the post. */
    json_t *body = json_pack("{s:s, s:s, s:s, s:[s]}", "message_id", pc, "custom_id", cid, "user",
                             "mod", "values", "1");
    json_t *r = et_ctl(&t.emu, "POST", "/_emu/select", body, &status);
    CHECK_EQ_INT(status, 200);
    char click[32];
    snprintf(click, sizeof click, "%s", json_string_value(json_object_get(r, "interaction_id")));
    json_decref(r);
    json_t *v = rt_wait(&t, click);
    int64_t created = json_integer_value(json_object_get(v, "created_ms"));
    s = rt_dump(v);
    json_decref(v);

    /* The callback request of mod's click, on the emulator's clock. */
    r = requests(&t, "%2Finteractions%2F%7Binteraction_id%7D%2F%7Binteraction_token%7D%2Fcallback",
                 "POST", 0, 0);
    int64_t answered = 0;
    size_t i;
    json_t *e;
    char prefix[48];
    snprintf(prefix, sizeof prefix, "/interactions/%s/", click);
    json_array_foreach(json_object_get(r, "requests"), i, e) {
        const char *path = json_string_value(json_object_get(e, "path"));
        if (path && strstr(path, prefix))
            answered = json_integer_value(json_object_get(e, "t_ms"));
    }
    json_decref(r);
    CHECK(answered > 0);
    fprintf(stderr, "click answered in %lld ms, %lld ms after the slow post began\n",
            (long long)(answered - created), (long long)(created - slow_at));
    /* The click came while the post was still hanging, and was answered at once. */
    CHECK(created < slow_at + SLOW_MS);
    CHECK(answered - created < 100);
    RT_HAS(s, "is closed: no more claims");
    free(s);

    /* The announcement is delivered once, and the raffle is closed once. */
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "**Hasty** (raffle #", 1, 2 * SLOW_MS), 1);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM bothost.jobs WHERE plugin = 'raffle' AND kind = 'bothost.rest'");
    CHECK_EQ_INT(rt_sql_wait(&t, sql, 0, 2 * SLOW_MS), 0);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM raffle.events WHERE raffle_id = %lld AND kind = 'closed'",
             (long long)id);
    CHECK_EQ_INT(rt_sql(&t, sql), 1);
    e2e_teardown(&t);
    printf("test_raffle_outbox: ok\n");
    return 0;
}
