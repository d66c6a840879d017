/*
 * What members and managers read, as the emulator received it:
 * - picking spots replaces the picker, so its old select no longer offers them,
 *   and a picker page names the spots it shows ("showing spots 3 to 5");
 * - the Rules field ends without a blank line;
 * - /raffle config prints durations as people write them ("7d", "2d 6h");
 * - raffle options take 12 and #12;
 * - a manager's /raffle draw of an open raffle does not say a manager will draw;
 * - /raffle verify numbers draws per raffle and says when no random byte was read;
 * - a reroll with nobody left to take the place keeps the winner and says so.
 */
#include <string.h>

#include "raffle_test.h"

static int64_t q(e2e *t, const char *fmt, int64_t id)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, (long long)id);
    return rt_sql(t, sql);
}

/* The value of the embed field `name` of a message (JSON text), malloc'd, or NULL. */
static char *field_value(const char *message_json, const char *name)
{
    json_t *m = json_loads(message_json, 0, NULL);
    char *out = NULL;
    size_t i, j;
    json_t *e, *f;
    json_array_foreach(json_object_get(m, "embeds"), i, e)
        json_array_foreach(json_object_get(e, "fields"), j, f)
            if (!out && !strcmp(json_string_value(json_object_get(f, "name")) ?: "", name))
                out = strdup(json_string_value(json_object_get(f, "value")) ?: "");
    json_decref(m);
    return out;
}

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_answers", NULL);
    rt_config(&t, NULL);
    char text[256], cid[64];

    /* ---- Durations in /raffle config. ---- */
    char *s = rt_cmd(&t, NULL, "/raffle config");
    RT_HAS(s, "Claim window: 7d");
    RT_LACKS(s, "168h");
    free(s);
    s = rt_cmd(&t, NULL, "/raffle config claim_window:\"2d 6h\"");
    RT_HAS(s, "Claim window: 2d 6h");
    free(s);

    /* ---- Rules: one line each, no blank line after the last. ---- */
    char msg[32];
    int64_t id = rt_create(&t, "spots:6 max_per_member:3 close_when_full:true", "Tidy", "Neat rules",
                           "1d", msg);
    char *m = rt_message(&t, msg);
    char *rules = field_value(m, "Rules");
    CHECK(rules);
    RT_HAS(rules, "At most 3 spot(s) per member\nCloses when full");
    CHECK(rules[strlen(rules) - 1] != '\n');
    free(rules);
    free(m);

    /* ---- The picker: its page names spots; taking spots replaces the select. ---- */
    char ia[32], pa[32];
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)id);
    char pick[64];
    snprintf(pick, sizeof pick, "raffle:pick:%lld:0", (long long)id);
    rt_click_id(&t, "alice", msg, pick, ia);
    rt_answer_message(&t, ia, pa);
    s = rt_select(&t, "alice", pa, cid, json_pack("[s,s]", "1", "2"));
    RT_HAS(s, "You claimed spots #1, #2");
    RT_LACKS(s, "raffle:take:");
    free(s);
    /* The emulator's copy of alice's picker offers nothing any more. */
    m = rt_message(&t, pa);
    RT_LACKS(m, "raffle:take:");
    free(m);
    /* bob's new picker starts at spot 3 and says so, like its select. */
    char ib[32];
    rt_click_id(&t, "bob", msg, pick, ib);
    json_t *v = rt_wait(&t, ib);
    s = rt_dump(v);
    json_decref(v);
    RT_HAS(s, "4 free, showing spots 3 to 6 (page 1 of 1)");
    RT_HAS(s, "\"placeholder\":\"Spots 3 to 6\"");
    free(s);

    /* ---- #12 and 12; a manager's draw of an open raffle is drawn at once. ---- */
    snprintf(text, sizeof text, "/raffle draw raffle:#%lld", (long long)id);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "Winner of **Tidy**");
    free(s);
    snprintf(text, sizeof text, "**Tidy** (raffle #%lld) is closed", (long long)id);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", text, 1, 5000), 1);
    CHECK_EQ_INT(rt_channel_count(&t, "raffles", "will be drawn by a manager"), 0);
    snprintf(text, sizeof text, "/raffle verify raffle:%lld", (long long)id);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "Draw 1");
    free(s);
    s = rt_cmd(&t, NULL, "/raffle verify raffle:#x");
    RT_HAS(s, "give the raffle's number, 12 or #12");
    free(s);

    /* ---- A second raffle: its draw is its own "Draw 1"; no entry, no random bytes. ---- */
    char msg2[32];
    int64_t id2 = rt_create(&t, "spots:3", "Lonely", "Nobody enters", "1d", msg2);
    snprintf(text, sizeof text, "/raffle draw raffle:#%lld", (long long)id2);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "no eligible entries");
    free(s);
    CHECK(q(&t, "SELECT min(id) FROM raffle.draws WHERE raffle_id = %lld", id2) > 1);
    snprintf(text, sizeof text, "/raffle verify raffle:#%lld", (long long)id2);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "Draw 1");
    RT_LACKS(s, "Draw 2");
    RT_HAS(s, "Random bytes (getrandom): none (no eligible entry to draw from)");
    RT_LACKS(s, "``");
    free(s);

    /* ---- A reroll with nobody to take the place keeps the winner. ---- */
    snprintf(text, sizeof text, "SELECT user_id FROM raffle.winners WHERE raffle_id = %lld AND active",
             (long long)id);
    char winner[32];
    snprintf(winner, sizeof winner, "%lld", (long long)rt_sql(&t, text));
    snprintf(text, sizeof text, "/raffle reroll raffle:%lld winner:<@%s> reason:\"no answer\"",
             (long long)id, winner);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "No eligible entry is left to replace");
    RT_HAS(s, "they are still a winner");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.winners WHERE raffle_id = %lld AND active", id), 1);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.rerolls WHERE raffle_id = %lld", id), 0);
    CHECK_EQ_INT(rt_channel_count(&t, "raffles", "Reroll for **Tidy**"), 0);

    e2e_teardown(&t);
    printf("test_raffle_answers: ok\n");
    return 0;
}
