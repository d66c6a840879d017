/*
 * The main flow of a paid raffle: config, create (options + modal), the post in
 * the raffle channel, claims by button and by select, payment instructions,
 * My spots, marking paid, closing, the draw among paid spots, verify, and the
 * winner's shipping details that only managers see.
 */
#include <string.h>
#include <unistd.h>

#include "raffle_test.h"

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_flow", NULL);
    rt_config(&t, "payment_text:\"PayPal to pay@example.com with your spot numbers\"");

    char msg[32];
    int64_t id = rt_create(&t, "spots:30 price:2.5 winners:1", "Booster box",
                           "A sealed booster box", "2d 6h", msg);
    CHECK(id > 0);
    /* Posted in #raffles with the embed and the buttons. */
    char *m = rt_message(&t, msg);
    RT_HAS(m, "Booster box");
    RT_HAS(m, "A sealed booster box");
    RT_HAS(m, "$2.50 per spot");
    RT_HAS(m, "0/30 claimed");
    RT_HAS(m, "<t:");
    char cid[64];
    snprintf(cid, sizeof cid, "\"raffle:claim:%lld\"", (long long)id);
    RT_HAS(m, cid);
    free(m);
    CHECK_EQ_INT(rt_channel_count(&t, "raffles", "Booster box"), 1);

    /* alice claims a random spot and is told how to pay. */
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)id);
    char *a = rt_click(&t, "alice", msg, cid);
    RT_HAS(a, "You claimed spot #");
    RT_HAS(a, "PayPal to pay@example.com");
    RT_HAS(a, "\"flags\":64");
    free(a);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.claims WHERE NOT paid"), 1);

    /* bob picks spots 1 and 2 (or what is free of them) from the select menus. */
    char ix[32], picker[32];
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)id);
    rt_click_id(&t, "bob", msg, cid, ix);
    rt_answer_message(&t, ix, picker);
    json_t *v = rt_wait(&t, ix);
    char *p = rt_dump(v);
    json_decref(v);
    RT_HAS(p, "Pick spots in **Booster box**");
    free(p);
    int64_t alice_spot = rt_sql(&t, "SELECT spot FROM raffle.claims");
    int want1 = alice_spot == 1 ? 3 : 1, want2 = alice_spot == 2 ? 3 : 2;
    char v1[8], v2[8];
    snprintf(v1, sizeof v1, "%d", want1);
    snprintf(v2, sizeof v2, "%d", want2);
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)id);
    char *b = rt_select(&t, "bob", picker, cid, json_pack("[s,s]", v1, v2));
    RT_HAS(b, "You claimed spots #");
    RT_HAS(b, "You hold 2 spot(s)");
    free(b);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.claims"), 3);

    /* The message follows (debounced): 3 claimed. */
    CHECK(rt_message_wait(&t, msg, "3/30 claimed", 5000));

    /* My spots for bob: two unpaid, releasable. */
    snprintf(cid, sizeof cid, "raffle:mine:%lld", (long long)id);
    char *mine = rt_click(&t, "bob", msg, cid);
    RT_HAS(mine, "(unpaid)");
    RT_HAS(mine, "Release");
    free(mine);

    /* A member cannot mark anything paid; the owner (Manage Server) can. */
    char *no = rt_cmd(&t, "bob", "/raffle paid member:@bob");
    RT_HAS(no, "Only raffle managers");
    free(no);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.claims WHERE paid"), 0);
    char *paid = rt_cmd(&t, NULL, "/raffle paid member:@alice");
    RT_HAS(paid, "paid in raffle #");
    free(paid);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.claims WHERE paid"), 1);
    CHECK(rt_message_wait(&t, msg, "1 paid", 5000));

    /* Close and draw: only alice paid, so alice wins. */
    char text[128];
    snprintf(text, sizeof text, "/raffle close raffle:%lld", (long long)id);
    char *cl = rt_cmd(&t, NULL, text);
    RT_HAS(cl, "is closed");
    free(cl);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "is closed", 1, 5000), 1);
    /* The message shows it closed, with the claim buttons disabled. */
    CHECK(rt_message_wait(&t, msg, "Closed <t:", 5000));
    m = rt_message(&t, msg);
    RT_HAS(m, "\"disabled\":true");
    free(m);
    char *late = rt_cmd(&t, NULL, "/raffle list");
    RT_HAS(late, "closed");
    free(late);

    snprintf(text, sizeof text, "/raffle draw raffle:%lld", (long long)id);
    char *d = rt_cmd(&t, NULL, text);
    RT_HAS(d, "Winner of **Booster box**");
    RT_HAS(d, rt_user_id(&t, "alice"));
    free(d);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.winners"), 1);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM raffle.winners WHERE user_id = %s",
             rt_user_id(&t, "alice"));
    CHECK_EQ_INT(rt_sql(&t, sql), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "Winner of **Booster box**", 1, 5000), 1);
    /* A second draw changes nothing. */
    d = rt_cmd(&t, NULL, text);
    RT_HAS(d, "is drawn");
    free(d);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.draws"), 1);

    /* verify: the stored snapshot and bytes give the same result. */
    snprintf(text, sizeof text, "/raffle verify raffle:%lld", (long long)id);
    char *ver = rt_cmd(&t, "bob", text);
    RT_HAS(ver, "raffle-draw-v1");
    RT_HAS(ver, "Re-check:");
    RT_HAS(ver, "matches");
    free(ver);

    /* Shipping: bob (not a winner) is refused; alice gets the modal. */
    CHECK(rt_message_wait(&t, msg, "Submit shipping details", 5000));
    snprintf(cid, sizeof cid, "raffle:ship:%lld", (long long)id);
    char *sb = rt_click(&t, "bob", msg, cid);
    RT_HAS(sb, "Only the winners");
    free(sb);
    char sid[32];
    rt_click_id(&t, "alice", msg, cid, sid);
    v = rt_wait(&t, sid);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 9);
    json_decref(v);
    char *sa = rt_modal(&t, sid,
                        json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "Alice Liddell", "address",
                                  "1 Rabbit Hole Lane", "city", "Oxford OX1 1AA", "country",
                                  "United Kingdom", "contact", "alice@example.com"));
    RT_HAS(sa, "saved");
    free(sa);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.shipping WHERE full_name = 'Alice Liddell'"), 1);
    /* Managers see it; members do not; the log channel only hears that it arrived. */
    snprintf(text, sizeof text, "/raffle shipping raffle:%lld", (long long)id);
    char *sh = rt_cmd(&t, NULL, text);
    RT_HAS(sh, "1 Rabbit Hole Lane");
    RT_HAS(sh, "\"flags\":64");
    free(sh);
    sh = rt_cmd(&t, "alice", text);
    RT_LACKS(sh, "Rabbit Hole");
    RT_HAS(sh, "Only raffle managers");
    free(sh);
    CHECK(rt_channel_wait(&t, "logs", "submitted shipping details", 1, 5000) == 1);
    CHECK_EQ_INT(rt_channel_count(&t, "logs", "Rabbit Hole"), 0);
    CHECK_EQ_INT(rt_channel_count(&t, "raffles", "Rabbit Hole"), 0);

    /* A channel the bot cannot post in is refused, naming what is missing. */
    char *an = rt_cmd(&t, NULL, "/raffle config channel:#announcements");
    RT_HAS(an, "I need View Channel, Send Messages, Embed Links and Read Message History");
    free(an);

    e2e_teardown(&t);
    printf("test_raffle_flow: ok\n");
    return 0;
}
