/*
 * A slow Discord never stalls members' clicks: the jobs that hold a raffle's
 * rows or keys send their Discord calls through the outbox, after their
 * transaction committed.
 * 1. The close job of a raffle that filled up: while its announcement hangs in
 *    the emulator (a "slow" fault), a select that needs the raffle's row (FOR
 *    SHARE) is answered at once.
 * 2. The render job: while its edit of the raffle message hangs, a claim (which
 *    schedules the render key that job ran under) is answered at once.
 * The latency is measured on the emulator's clock: from the click's creation to
 * the bot's callback request.
 */
#include <string.h>

#include "raffle_test.h"

#define SLOW_MS 5000
#define MESSAGES "%2Fchannels%2F%7Bchannel_id%7D%2Fmessages"
#define MESSAGE MESSAGES "%2F%7Bmessage_id%7D"
#define CALLBACK "%2Finteractions%2F%7Binteraction_id%7D%2F%7Binteraction_token%7D%2Fcallback"

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

static int64_t last_seq(e2e *t)
{
    json_t *r = requests(t, "*", "GET", 0, 0);
    int64_t seq = json_integer_value(json_object_get(r, "next"));
    json_decref(r);
    return seq;
}

/* Arms a slow fault for the next call of `route` ("PATCH /channels/...") . */
static void slow(e2e *t, const char *route)
{
    int status = 0;
    json_decref(et_ctl(&t->emu, "POST", "/_emu/faults/rest",
                       json_pack("{s:s, s:s, s:i, s:i}", "route", route, "kind", "slow", "count",
                                 1, "delay_ms", SLOW_MS),
                       &status));
    CHECK_EQ_INT(status, 200);
}

/* Waits until a delayed request of the route whose body has `needle` arrived; its t_ms. */
static int64_t wait_hanging(e2e *t, const char *route, const char *method, int64_t seq,
                            const char *needle)
{
    for (int waited = 0; waited < 20000; waited += 1000) {
        json_t *r = requests(t, route, method, seq, 1000);
        size_t i;
        json_t *e;
        int64_t at = 0;
        json_array_foreach(json_object_get(r, "requests"), i, e) {
            char *body = json_dumps(json_object_get(e, "body"), JSON_COMPACT);
            if (body && strstr(body, needle) && json_integer_value(json_object_get(e, "delayed_ms")))
                at = json_integer_value(json_object_get(e, "t_ms"));
            free(body);
        }
        seq = json_integer_value(json_object_get(r, "next"));
        json_decref(r);
        if (at)
            return at;
    }
    CHECK(!"the slow request never arrived");
    return 0;
}

/*
 * Selects `value` in a picker as `user` and measures, on the emulator's clock,
 * how long the bot took to call back. Returns the answer's text (malloc'd).
 */
static char *timed_select(e2e *t, const char *user, const char *picker, const char *custom_id,
                          const char *value, int64_t *created, int64_t *latency)
{
    int status = 0;
    json_t *body = json_pack("{s:s, s:s, s:s, s:[s]}", "message_id", picker, "custom_id",
                             custom_id, "user", user, "values", value);
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/select", body, &status);
    CHECK_EQ_INT(status, 200);
    char click[32];
    snprintf(click, sizeof click, "%s", json_string_value(json_object_get(r, "interaction_id")));
    json_decref(r);
    json_t *v = rt_wait(t, click);
    *created = json_integer_value(json_object_get(v, "created_ms"));
    char *text = rt_dump(v);
    json_decref(v);
    r = requests(t, CALLBACK, "POST", 0, 0);
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
    *latency = answered - *created;
    return text;
}

static void open_picker(e2e *t, const char *user, const char *msg, int64_t id, char *out)
{
    char cid[64], ix[32];
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)id);
    rt_click_id(t, user, msg, cid, ix);
    rt_answer_message(t, ix, out);
}

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_outbox", NULL);
    rt_config(&t, NULL);
    char msg[32], cid[64], pa[32], pb[32], pc[32], sql[300];
    int64_t created, latency;

    /* ---- 1. The close job's announcement hangs. ---- */
    int64_t id = rt_create(&t, "spots:2 close_when_full:true", "Hasty", "Closes when full", "1d",
                           msg);
    open_picker(&t, "alice", msg, id, pa);
    open_picker(&t, "bob", msg, id, pb);
    open_picker(&t, "mod", msg, id, pc);
    int64_t seq = last_seq(&t);
    slow(&t, "POST /channels/{channel_id}/messages");
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)id);
    char *s = rt_select(&t, "alice", pa, cid, json_pack("[s]", "1"));
    RT_HAS(s, "You claimed spot #1");
    free(s);
    s = rt_select(&t, "bob", pb, cid, json_pack("[s]", "2"));
    RT_HAS(s, "You claimed spot #2");
    free(s);
    int64_t slow_at = wait_hanging(&t, MESSAGES, "POST", seq, "is closed");
    s = timed_select(&t, "mod", pc, cid, "1", &created, &latency);
    fprintf(stderr, "select answered in %lld ms while the close announcement hung\n",
            (long long)latency);
    CHECK(created < slow_at + SLOW_MS);
    CHECK(latency < 100);
    RT_HAS(s, "is closed: no more claims");
    free(s);
    /* Delivered once, closed once, nothing left queued. */
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "**Hasty** (raffle #", 1, 2 * SLOW_MS), 1);
    CHECK_EQ_INT(rt_sql_wait(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'raffle' AND "
                                 "kind = 'bothost.rest'", 0, 2 * SLOW_MS), 0);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM raffle.events WHERE raffle_id = %lld AND kind = 'closed'",
             (long long)id);
    CHECK_EQ_INT(rt_sql(&t, sql), 1);

    /* ---- 2. The render job's edit hangs. ---- */
    char msg2[32];
    int64_t id2 = rt_create(&t, "spots:5", "Patient", "Rendered slowly", "1d", msg2);
    CHECK(rt_message_wait(&t, msg2, "0/5 claimed", 5000));
    open_picker(&t, "alice", msg2, id2, pa);
    open_picker(&t, "bob", msg2, id2, pb);
    seq = last_seq(&t);
    slow(&t, "PATCH /channels/{channel_id}/messages/{message_id}");
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)id2);
    s = rt_select(&t, "alice", pa, cid, json_pack("[s]", "1"));
    RT_HAS(s, "You claimed spot #1");
    free(s);
    slow_at = wait_hanging(&t, MESSAGE, "PATCH", seq, "1/5 claimed");
    s = timed_select(&t, "bob", pb, cid, "2", &created, &latency);
    fprintf(stderr, "claim answered in %lld ms while the render edit hung\n", (long long)latency);
    CHECK(created < slow_at + SLOW_MS);
    CHECK(latency < 100);
    RT_HAS(s, "You claimed spot #2");
    free(s);
    /* The edits go out in order: the message ends showing both claims. */
    CHECK(rt_message_wait(&t, msg2, "2/5 claimed", 3 * SLOW_MS));
    CHECK_EQ_INT(rt_sql_wait(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'raffle' AND "
                                 "kind = 'bothost.rest'", 0, 2 * SLOW_MS), 0);

    e2e_teardown(&t);
    printf("test_raffle_outbox: ok\n");
    return 0;
}
