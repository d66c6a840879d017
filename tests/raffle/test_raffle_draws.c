/*
 * Draws: several winners are distinct members; fewer eligible members than
 * winners draws them all and says so; rerolls exclude every past winner, need
 * a reason and are audited; /raffle verify re-checks every stored draw; a free
 * giveaway needs no payment; free_only refuses paid raffles.
 */
#include <string.h>
#include <unistd.h>

#include "raffle_test.h"

static int64_t q(e2e *t, const char *fmt, int64_t id)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, (long long)id);
    return rt_sql(t, sql);
}

/* `user` takes spots `values` (a JSON array of strings) through Pick spots. */
static char *pick(e2e *t, const char *user, const char *msg, int64_t id, json_t *values)
{
    char cid[64], ix[32], picker[32];
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)id);
    CHECK(rt_click_id(t, user, msg, cid, ix));
    rt_answer_message(t, ix, picker);
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)id);
    return rt_select(t, user, picker, cid, values);
}

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_draws", NULL);
    rt_config(&t, "free_only:true");
    const char *names[5] = {"p1", "p2", "p3", "p4", "p5"};
    for (int i = 0; i < 5; i++)
        rt_member(&t, names[i], NULL);

    /* free_only: a paid raffle is refused, naming the option. */
    char *s = rt_cmd(&t, NULL, "/raffle create spots:10 price:5");
    RT_HAS(s, "price: this server allows free giveaways only");
    free(s);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.raffles"), 0);

    /* A free giveaway, 3 winners, 5 members with 4 spots each. */
    char msg[32], text[256];
    int64_t id = rt_create(&t, "spots:20 winners:3", "Giveaway", "Three prizes", "1d", msg);
    for (int i = 0; i < 5; i++) {
        json_t *vals = json_array();
        for (int k = 1; k <= 4; k++) {
            char v[8];
            snprintf(v, sizeof v, "%d", i * 4 + k);
            json_array_append_new(vals, json_string(v));
        }
        s = pick(&t, names[i], msg, id, vals);
        RT_HAS(s, "You claimed spots");
        RT_LACKS(s, "Payment");
        free(s);
    }
    CHECK(rt_message_wait(&t, msg, "20/20 claimed", 5000));
    CHECK(rt_message_wait(&t, msg, "Free giveaway", 5000));

    /* A member cannot draw; the owner can (closing it first). */
    snprintf(text, sizeof text, "/raffle draw raffle:%lld", (long long)id);
    s = rt_cmd(&t, "p1", text);
    RT_HAS(s, "Only raffle managers");
    free(s);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "Winners of **Giveaway**");
    RT_LACKS(s, "all of them win");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(DISTINCT user_id) FROM raffle.winners WHERE raffle_id = %lld", id), 3);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.events WHERE raffle_id = %lld AND kind = 'closed'", id), 1);
    /* Random bytes and snapshot stored: 20 entries, 3 results, at least 24 bytes. */
    CHECK_EQ_INT(q(&t, "SELECT jsonb_array_length(entries) FROM raffle.draws WHERE raffle_id = %lld", id), 20);
    CHECK_EQ_INT(q(&t, "SELECT jsonb_array_length(result) FROM raffle.draws WHERE raffle_id = %lld", id), 3);
    CHECK(q(&t, "SELECT length(random_hex) FROM raffle.draws WHERE raffle_id = %lld", id) >= 48);

    /* Rerolls: the reason is required; the new winner was never a winner before. */
    char winner[32];
    snprintf(text, sizeof text, "SELECT user_id FROM raffle.winners WHERE raffle_id = %lld AND place = 1",
             (long long)id);
    snprintf(winner, sizeof winner, "%lld", (long long)rt_sql(&t, text));
    snprintf(text, sizeof text, "/raffle reroll raffle:%lld winner:<@%s> reason:\"   \"", (long long)id, winner);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "reason: a reroll needs a reason");
    free(s);
    snprintf(text, sizeof text, "/raffle reroll raffle:%lld winner:<@%s> reason:\"did not answer in 48h\"",
             (long long)id, winner);
    s = rt_cmd(&t, "p2", text);
    RT_HAS(s, "Only raffle managers");
    free(s);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "the new winner is <@");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.winners WHERE raffle_id = %lld", id), 4);
    CHECK_EQ_INT(q(&t, "SELECT count(DISTINCT user_id) FROM raffle.winners WHERE raffle_id = %lld AND active", id), 3);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.rerolls WHERE raffle_id = %lld AND reason = "
                       "'did not answer in 48h' AND by_user_id IS NOT NULL AND new_user_id IS NOT NULL", id), 1);
    /* Rerolling the same member again: they are no longer a winner. */
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "is not a current winner");
    free(s);
    /* The second reroll takes the last member who never won; the third finds nobody. */
    snprintf(text, sizeof text, "SELECT user_id FROM raffle.winners WHERE raffle_id = %lld AND active "
                                "ORDER BY place LIMIT 1", (long long)id);
    snprintf(winner, sizeof winner, "%lld", (long long)rt_sql(&t, text));
    snprintf(text, sizeof text, "/raffle reroll raffle:%lld winner:<@%s> reason:\"ineligible\"",
             (long long)id, winner);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "the new winner is <@");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.winners WHERE raffle_id = %lld", id), 5);
    snprintf(text, sizeof text, "SELECT user_id FROM raffle.winners WHERE raffle_id = %lld AND active "
                                "ORDER BY place LIMIT 1", (long long)id);
    snprintf(winner, sizeof winner, "%lld", (long long)rt_sql(&t, text));
    snprintf(text, sizeof text, "/raffle reroll raffle:%lld winner:<@%s> reason:\"also ineligible\"",
             (long long)id, winner);
    /* Nobody left to take the place: the winner keeps it, and the manager is told. */
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "No eligible entry is left to replace");
    RT_HAS(s, "they are still a winner");
    free(s);
    snprintf(text, sizeof text, "SELECT count(*) FROM raffle.winners WHERE raffle_id = %lld AND active "
                                "AND user_id = %s", (long long)id, winner);
    CHECK_EQ_INT(rt_sql(&t, text), 1);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.rerolls WHERE raffle_id = %lld", id), 2);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.draws WHERE raffle_id = %lld", id), 3);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "Reroll for **Giveaway**", 2, 5000), 2);
    CHECK(rt_channel_wait(&t, "logs", "did not answer in 48h", 1, 5000) == 1);

    /* verify: every draw and reroll re-checks. */
    snprintf(text, sizeof text, "/raffle verify raffle:%lld", (long long)id);
    s = rt_cmd(&t, "p3", text);
    RT_HAS(s, "Draw ");
    RT_HAS(s, "Reroll ");
    RT_LACKS(s, "DOES NOT MATCH");
    RT_LACKS(s, "CHANGED");
    int matches = 0;
    for (const char *p = s; (p = strstr(p, "matches")); p++)
        matches++;
    CHECK_EQ_INT(matches, 3);
    free(s);
    /* A tampered snapshot is caught. */
    snprintf(text, sizeof text,
             "UPDATE raffle.draws SET entries = entries - 0 WHERE id = (SELECT min(id) FROM "
             "raffle.draws WHERE raffle_id = %lld)", (long long)id);
    tsup_pg_exec(t.db, text);
    snprintf(text, sizeof text, "/raffle verify raffle:%lld", (long long)id);
    s = rt_cmd(&t, "p3", text);
    RT_HAS(s, "CHANGED since the draw");
    free(s);

    /* Fewer eligible members than winners: all of them win, and it says so. */
    char msg2[32];
    int64_t id2 = rt_create(&t, "spots:10 winners:5", "Small", "Few entrants", "1d", msg2);
    char cid[64];
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)id2);
    for (int i = 0; i < 2; i++) {
        s = rt_click(&t, names[i], msg2, cid);
        RT_HAS(s, "You claimed spot");
        free(s);
    }
    s = rt_click(&t, names[0], msg2, cid); /* a second spot: still one member */
    RT_HAS(s, "You claimed spot");
    free(s);
    snprintf(text, sizeof text, "/raffle draw raffle:%lld", (long long)id2);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "Only 2 member(s) had eligible entries for 5 winner(s): all of them win.");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.winners WHERE raffle_id = %lld", id2), 2);
    CHECK(rt_message_wait(&t, msg2, "Winners", 5000));

    /* A raffle with no entries at all: no winner, said plainly. */
    char msg3[32];
    int64_t id3 = rt_create(&t, "spots:10 auto_draw:true", "Empty", "Nobody comes", "1s", msg3);
    CHECK(rt_channel_wait(&t, "raffles", "**Empty** (raffle #", 2, 10000) == 2);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.raffles WHERE id = %lld AND state = 'drawn'", id3), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "no eligible entries, so there is no winner", 1, 5000), 1);

    /* auto_draw with a manager's /raffle draw while open: closed, drawn once, said so. */
    char msg4[32];
    int64_t id4 = rt_create(&t, "spots:5 auto_draw:true", "Quick", "Drawn at close", "1d", msg4);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)id4);
    free(rt_click(&t, "p1", msg4, cid));
    snprintf(text, sizeof text, "/raffle draw raffle:%lld", (long long)id4);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "is closed and its winners are drawn");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.draws WHERE raffle_id = %lld", id4), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "Winner of **Quick**", 1, 5000), 1);

    e2e_teardown(&t);
    printf("test_raffle_draws: ok\n");
    return 0;
}
