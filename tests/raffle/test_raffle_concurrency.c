/*
 * 200 concurrent claims on 50 spots by 100 members (two clicks each, limit 2
 * per member), from several threads through POST /_emu/click: exactly 50
 * claims, no spot twice, no member over the limit, the raffle closes once when
 * full, the message ends showing the true state, and the debounced edits never
 * break Discord's rate limits.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "raffle_test.h"

#define MEMBERS 100
#define CLICKS 200
#define THREADS 5

static e2e t;
static char msg[32], cid[64];
static char ids[CLICKS][32];
static atomic_int refused;

static void *clicker(void *arg)
{
    int k = (int)(intptr_t)arg;
    for (int i = k; i < CLICKS; i += THREADS) {
        char user[16];
        snprintf(user, sizeof user, "m%03d", i % MEMBERS);
        int status = 0;
        json_t *r = et_ctl(&t.emu, "POST", "/_emu/click",
                           json_pack("{s:s,s:s,s:s}", "message_id", msg, "custom_id", cid, "user",
                                     user),
                           &status);
        const char *id = json_string_value(json_object_get(r, "interaction_id"));
        if (status == 200 && id)
            snprintf(ids[i], sizeof ids[i], "%s", id);
        else
            atomic_fetch_add(&refused, 1); /* the button was disabled by then (full) */
        json_decref(r);
    }
    return NULL;
}

int main(void)
{
    rt_start(&t, "raffle_concurrency", NULL);
    rt_config(&t, NULL);
    for (int i = 0; i < MEMBERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%03d", i);
        rt_member(&t, name, NULL);
    }
    int64_t id = rt_create(&t, "spots:50 price:1 max_per_member:2 close_when_full:true",
                           "Rush", "Fifty spots", "1d", msg);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)id);

    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, clicker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);

    int claimed = 0, answered = 0;
    for (int i = 0; i < CLICKS; i++) {
        if (!ids[i][0])
            continue;
        json_t *v = rt_wait(&t, ids[i]);
        char *s = rt_dump(v);
        json_decref(v);
        answered++;
        claimed += strstr(s, "You claimed spot") != NULL;
        if (!strstr(s, "You claimed spot") && !strstr(s, "taken") && !strstr(s, "the most one member") &&
            !strstr(s, "has closed") && !strstr(s, "is closed") && !strstr(s, "is over"))
            fprintf(stderr, "unexpected answer: %s\n", s);
        free(s);
    }
    fprintf(stderr, "clicks answered %d, refused by the emulator %d, claimed %d\n", answered,
            atomic_load(&refused), claimed);
    CHECK_EQ_INT(answered + atomic_load(&refused), CLICKS);
    CHECK_EQ_INT(claimed, 50);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.claims"), 50);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(DISTINCT spot) FROM raffle.claims"), 50);
    CHECK_EQ_INT(rt_sql(&t, "SELECT min(spot) FROM raffle.claims"), 1);
    CHECK_EQ_INT(rt_sql(&t, "SELECT max(spot) FROM raffle.claims"), 50);
    CHECK(rt_sql(&t, "SELECT max(n) FROM (SELECT count(*) AS n FROM raffle.claims GROUP BY user_id) x") <= 2);

    /* Full: closed exactly once, announced once. */
    CHECK_EQ_INT(rt_sql_wait(&t, "SELECT count(*) FROM raffle.raffles WHERE state = 'closed'", 1, 10000), 1);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.events WHERE kind = 'closed'"), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "is closed: every spot is taken", 1, 5000), 1);

    /* The message ends on the true state: 50/50, closed, no free cell in the map. */
    CHECK(rt_message_wait(&t, msg, "50/50 claimed", 10000));
    CHECK(rt_message_wait(&t, msg, "Closed <t:", 10000));
    char *m = rt_message(&t, msg);
    RT_LACKS(m, "o.");
    RT_LACKS(m, ".o");
    free(m);

    /* Debounced: a handful of edits for 200 clicks, and no rate-limit violation. */
    int status = 0;
    json_t *r = et_ctl(&t.emu, "GET",
                       "/_emu/requests?method=PATCH&route=%2Fchannels%2F%7Bchannel_id%7D%2Fmessages%2F%7Bmessage_id%7D&limit=1000",
                       NULL, &status);
    int edits = (int)json_array_size(json_object_get(r, "requests"));
    json_decref(r);
    fprintf(stderr, "message edits: %d\n", edits);
    CHECK(edits >= 1 && edits <= 15);
    r = et_ctl(&t.emu, "GET", "/_emu/violations", NULL, &status);
    CHECK_EQ_INT(json_array_size(json_object_get(r, "violations")), 0);
    json_decref(r);

    /*
     * A steady stream (a claim every 100 ms for 3 s, edits debounced by 300 ms):
     * the message still follows during the stream, not only after it.
     */
    char msg2[32], cid2[64];
    int64_t id2 = rt_create(&t, "spots:60 price:1", "Stream", "One claim at a time", "1d", msg2);
    snprintf(cid2, sizeof cid2, "raffle:claim:%lld", (long long)id2);
    json_t *before = et_ctl(&t.emu, "GET", "/_emu/requests?limit=1", NULL, &status);
    json_int_t after = json_integer_value(json_object_get(before, "next"));
    json_decref(before);
    for (int i = 0; i < 30; i++) {
        char user[16], ixid[32];
        snprintf(user, sizeof user, "m%03d", 50 + i);
        CHECK(rt_click_id(&t, user, msg2, cid2, ixid));
        usleep(100000);
    }
    char path[256];
    snprintf(path, sizeof path,
             "/_emu/requests?after=%lld&method=PATCH&route=%%2Fchannels%%2F%%7Bchannel_id%%7D%%2Fmessages%%2F%%7Bmessage_id%%7D&limit=1000",
             (long long)after);
    r = et_ctl(&t.emu, "GET", path, NULL, &status);
    int during = (int)json_array_size(json_object_get(r, "requests"));
    json_decref(r);
    fprintf(stderr, "edits during a 3 s stream of claims: %d\n", during);
    CHECK(during >= 4 && during <= 12);
    CHECK(rt_message_wait(&t, msg2, "30/60 claimed", 10000));
    r = et_ctl(&t.emu, "GET", "/_emu/violations", NULL, &status);
    CHECK_EQ_INT(json_array_size(json_object_get(r, "violations")), 0);
    json_decref(r);

    e2e_teardown(&t);
    printf("test_raffle_concurrency: ok\n");
    return 0;
}
