/*
 * What members and managers can and cannot do: entry requirements, the
 * per-member limit, taken spots, claims after the close, forged and stale
 * custom_ids, bad input on every modal field (create, edit, shipping), paging
 * of the spot picker, releasing spots, the manager role and view, edit, extend,
 * cancel.
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

static void put_role(e2e *t, const char *user, const char *role)
{
    char path[128];
    int status = 0;
    snprintf(path, sizeof path, "/_emu/members/%s/roles/%s", user, role);
    json_decref(et_ctl(&t->emu, "PUT", path, NULL, &status));
    CHECK(status == 200 || status == 204);
}

/* Opens the create modal with `options` and submits the texts; returns the answer. */
static char *create_with(e2e *t, const char *options, const char *title, const char *prize,
                         const char *end)
{
    char text[512], id[32];
    snprintf(text, sizeof text, "/raffle create %s", options);
    rt_cmd_id(t, NULL, text, id);
    json_decref(rt_wait(t, id));
    return rt_modal(t, id, json_pack("{s:s,s:s,s:s}", "title", title, "prize", prize, "end", end));
}

/* The highest spot up to `top` of a raffle that nobody holds (its picker offers it). */
static int64_t free_spot(e2e *t, int64_t raffle, int top)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT max(s) FROM generate_series(1, %d) s WHERE NOT EXISTS (SELECT 1 FROM "
             "raffle.claims k WHERE k.raffle_id = %lld AND k.spot = s)",
             top, (long long)raffle);
    return rt_sql(t, sql);
}

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_rules", NULL);
    rt_config(&t, "manager_role:@Moderator payment_text:\"Venmo @host\"");
    char *s, text[512], cid[96], msg[32];

    /* ---- Bad input on every field of the create modal: nothing is created. ---- */
    s = create_with(&t, "spots:10", "   ", "A prize", "1d");
    RT_HAS(s, "Title: must not be empty.");
    free(s);
    s = create_with(&t, "spots:10", "Title", "  \n ", "1d");
    RT_HAS(s, "Prize: must not be empty.");
    free(s);
    s = create_with(&t, "spots:10", "Title", "A prize", "next friday-ish");
    RT_HAS(s, "End: \\\"next friday-ish\\\" is neither a duration");
    free(s);
    s = create_with(&t, "spots:10", "Title", "A prize", "2020-01-01 10:00");
    RT_HAS(s, "End: must be at least 1 second(s) from now (it is in the past)");
    free(s);
    s = create_with(&t, "spots:10", "Title", "A prize", "400d");
    RT_HAS(s, "End: must be within 365 days");
    free(s);
    s = create_with(&t, "spots:10", "  ", " ", "soon");
    RT_HAS(s, "Title: must not be empty.");
    RT_HAS(s, "Prize: must not be empty.");
    RT_HAS(s, "End: ");
    free(s);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.raffles"), 0);
    /* Options are checked before the modal opens. */
    s = rt_cmd(&t, NULL, "/raffle create spots:3 winners:5");
    RT_HAS(s, "winners: 5 winners need at least as many spots");
    free(s);
    /* Members without the manager role cannot create; the Moderator role can. */
    s = rt_cmd(&t, "bob", "/raffle create spots:3");
    RT_HAS(s, "Only raffle managers");
    free(s);
    char mid[32];
    rt_cmd_id(&t, "mod", "/raffle create spots:3", mid);
    json_t *v = rt_wait(&t, mid);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 9);
    json_decref(v);

    /* ---- Requirements: role, excluded role, account age, time in the server. ---- */
    rt_member(&t, "artsy", "[\"Gamer\", \"Artist\"]");
    rt_member(&t, "fresh", "[\"Gamer\"]"); /* joined just now */
    put_role(&t, "newbie", "Gamer");        /* account 2 days old */
    int64_t req = rt_create(&t,
                            "spots:20 price:1 required_role:@Gamer excluded_role:@Artist "
                            "min_account_days:7 min_member_days:0",
                            "Gamers only", "For gamers", "1d", msg);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)req);
    s = rt_click(&t, "bob", msg, cid);
    RT_HAS(s, "only for members with the <@&");
    free(s);
    s = rt_click(&t, "artsy", msg, cid);
    RT_HAS(s, "role cannot enter this raffle");
    free(s);
    s = rt_click(&t, "newbie", msg, cid);
    RT_HAS(s, "account must be at least 7 day(s) old");
    free(s);
    s = rt_click(&t, "alice", msg, cid);
    RT_HAS(s, "You claimed spot");
    RT_HAS(s, "Venmo @host");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld", req), 1);
    char msg_m[32];
    int64_t member_days = rt_create(&t, "spots:5 min_member_days:1", "Regulars", "For regulars", "1d", msg_m);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)member_days);
    s = rt_click(&t, "fresh", msg_m, cid);
    RT_HAS(s, "in this server for at least 1 day(s)");
    free(s);
    s = rt_click(&t, "newbie", msg_m, cid); /* joined a day ago */
    RT_HAS(s, "You claimed spot");
    free(s);

    /* ---- The per-member limit and taken spots (two pickers open at once). ---- */
    int64_t lim = rt_create(&t, "spots:130 price:1 max_per_member:2", "Limited", "Two each", "1d", msg);
    char ia[32], ib[32], pa[32], pb[32];
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)lim);
    rt_click_id(&t, "alice", msg, cid, ia);
    rt_click_id(&t, "bob", msg, cid, ib);
    rt_answer_message(&t, ia, pa);
    rt_answer_message(&t, ib, pb);
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)lim);
    s = rt_select(&t, "bob", pb, cid, json_pack("[s]", "5"));
    RT_HAS(s, "You claimed spot #5");
    free(s);
    s = rt_select(&t, "alice", pa, cid, json_pack("[s,s]", "5", "6"));
    RT_HAS(s, "You claimed spot #6");
    RT_HAS(s, "Already taken: #5");
    free(s);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)lim);
    s = rt_click(&t, "alice", msg, cid);
    RT_HAS(s, "You claimed spot");
    free(s);
    s = rt_click(&t, "alice", msg, cid);
    RT_HAS(s, "the most one member may have");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld", lim), 3);

    /* ---- Paging past 100 spots: Next shows 101..130. ---- */
    char ic[32], pc[32];
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)lim);
    rt_click_id(&t, "mod", msg, cid, ic);
    rt_answer_message(&t, ic, pc);
    v = rt_wait(&t, ic);
    s = rt_dump(v);
    json_decref(v);
    RT_HAS(s, "page 1 of 2");
    RT_HAS(s, "raffle:take:");
    free(s);
    snprintf(cid, sizeof cid, "raffle:pick:%lld:1", (long long)lim);
    s = rt_click(&t, "mod", pc, cid);
    RT_HAS(s, "page 2 of 2");
    /* alice's random claim may have taken any spot: take the last one still free. */
    char hi[16], opt[40];
    snprintf(hi, sizeof hi, "%lld", (long long)free_spot(&t, lim, 130));
    snprintf(opt, sizeof opt, "\"value\":\"%s\"", hi);
    RT_HAS(s, opt);
    RT_LACKS(s, "\"value\":\"100\"");
    free(s);
    snprintf(cid, sizeof cid, "raffle:take:%lld:1:1", (long long)lim);
    s = rt_select(&t, "mod", pc, cid, json_pack("[s]", hi));
    snprintf(opt, sizeof opt, "You claimed spot #%s", hi);
    RT_HAS(s, opt);
    free(s);

    /* ---- My spots and Release (unpaid only). ---- */
    char im[32], pm[32];
    snprintf(cid, sizeof cid, "raffle:mine:%lld", (long long)lim);
    rt_click_id(&t, "bob", msg, cid, im);
    rt_answer_message(&t, im, pm);
    snprintf(cid, sizeof cid, "raffle:release:%lld", (long long)lim);
    s = rt_select(&t, "bob", pm, cid, json_pack("[s]", "5"));
    RT_HAS(s, "Released #5");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld AND spot = 5", lim), 0);

    /* ---- The manager view: mark alice paid from the user select. ---- */
    snprintf(text, sizeof text, "/raffle manage raffle:%lld", (long long)lim);
    char iv[32], pv[32];
    rt_cmd_id(&t, "mod", text, iv);
    rt_answer_message(&t, iv, pv);
    snprintf(cid, sizeof cid, "raffle:mgr:%lld:paid", (long long)lim);
    s = rt_select(&t, "mod", pv, cid, json_pack("[s]", "alice"));
    RT_HAS(s, "marked paid");
    free(s);
    snprintf(text, sizeof text, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %%lld AND paid AND user_id = %s",
             rt_user_id(&t, "alice"));
    CHECK_EQ_INT(q(&t, text, lim), 2);
    /* unpaid with a spot list, from the command. */
    snprintf(text, sizeof text, "/raffle unpaid member:@alice raffle:%lld spots:6", (long long)lim);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "Marked #6 of <@");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld AND paid", lim), 1);
    snprintf(text, sizeof text, "/raffle paid member:@alice raffle:%lld spots:abc", (long long)lim);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "spots: \\\"abc\\\" is not a list of spots");
    free(s);

    /* ---- Edit (modal, re-validated) and extend. ---- */
    snprintf(text, sizeof text, "/raffle edit raffle:%lld", (long long)lim);
    char ie[32];
    rt_cmd_id(&t, "mod", text, ie);
    v = rt_wait(&t, ie);
    s = rt_dump(v);
    json_decref(v);
    RT_HAS(s, "Two each"); /* pre-filled */
    free(s);
    s = rt_modal(&t, ie, json_pack("{s:s,s:s,s:s}", "title", "Limited", "prize", "Two each", "end", "yesterday"));
    RT_HAS(s, "was not changed");
    RT_HAS(s, "End: ");
    free(s);
    rt_cmd_id(&t, "mod", text, ie);
    json_decref(rt_wait(&t, ie));
    s = rt_modal(&t, ie, json_pack("{s:s,s:s,s:s}", "title", "Limited edition", "prize", "Two each", "end", "3d"));
    RT_HAS(s, "updated; it ends");
    free(s);
    CHECK(rt_message_wait(&t, msg, "Limited edition", 5000));
    snprintf(text, sizeof text, "/raffle extend raffle:%lld by:banana", (long long)lim);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "by: \\\"banana\\\" is not a duration");
    free(s);
    snprintf(text, sizeof text, "/raffle extend raffle:%lld by:1d", (long long)lim);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "updated; it ends");
    free(s);
    CHECK(q(&t, "SELECT extract(epoch FROM ends_at - now())::bigint FROM raffle.raffles WHERE id = %lld", lim) > 3 * 86400);

    /* ---- Stale and forged custom_ids. ---- */
    /* Closed: a picker opened before the close gets the reason, nothing changes. */
    char gm[32], ig[32], pg[32];
    snprintf(text, sizeof text, "SELECT message_id FROM raffle.raffles WHERE id = %lld", (long long)req);
    snprintf(gm, sizeof gm, "%lld", (long long)rt_sql(&t, text));
    snprintf(cid, sizeof cid, "raffle:pick:%lld:0", (long long)req);
    rt_click_id(&t, "alice", gm, cid, ig);
    rt_answer_message(&t, ig, pg);
    snprintf(text, sizeof text, "/raffle close raffle:%lld", (long long)req);
    free(rt_cmd(&t, NULL, text));
    snprintf(cid, sizeof cid, "raffle:take:%lld:0:0", (long long)req);
    char spot[16];
    snprintf(spot, sizeof spot, "%lld", (long long)free_spot(&t, req, 20));
    s = rt_select(&t, "alice", pg, cid, json_pack("[s]", spot));
    RT_HAS(s, "is closed: no more claims");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld", req), 1);
    snprintf(cid, sizeof cid, "raffle:mine:%lld", (long long)req);
    s = rt_click(&t, "alice", gm, cid); /* still works after the close */
    RT_HAS(s, "Your spots");
    RT_LACKS(s, "Release");
    free(s);
    /* Another guild's raffle: the same button now names a raffle of guild 1. */
    snprintf(text, sizeof text, "UPDATE raffle.raffles SET guild_id = 1 WHERE id = %lld", (long long)member_days);
    tsup_pg_exec(t.db, text);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)member_days);
    s = rt_click(&t, "alice", msg_m, cid);
    RT_HAS(s, "does not exist in this server");
    free(s);
    /* An unknown raffle: its row is gone. */
    snprintf(text, sizeof text,
             "DELETE FROM raffle.claims WHERE raffle_id = %lld; DELETE FROM raffle.events WHERE raffle_id = %lld; "
             "DELETE FROM raffle.render_due WHERE raffle_id = %lld; DELETE FROM raffle.raffles WHERE id = %lld",
             (long long)member_days, (long long)member_days, (long long)member_days,
             (long long)member_days);
    tsup_pg_exec(t.db, text);
    s = rt_click(&t, "alice", msg_m, cid);
    RT_HAS(s, "does not exist in this server");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld", member_days), 0);

    /* ---- Cancel: no draw, claims kept, buttons gone. ---- */
    snprintf(text, sizeof text, "/raffle cancel raffle:%lld reason:\"prize damaged\"", (long long)lim);
    s = rt_cmd(&t, "bob", text);
    RT_HAS(s, "Only raffle managers");
    free(s);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "is cancelled");
    free(s);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.claims WHERE raffle_id = %lld", lim), 3);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "was cancelled: prize damaged", 1, 5000), 1);
    snprintf(text, sizeof text, "/raffle draw raffle:%lld", (long long)lim);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "is cancelled: only a closed raffle can be drawn");
    free(s);
    CHECK(rt_message_wait(&t, msg, "Cancelled <t:", 5000));
    snprintf(cid, sizeof cid, "\"raffle:claim:%lld\"", (long long)lim);
    char *m = rt_message(&t, msg);
    RT_LACKS(m, cid);
    free(m);

    /* ---- Shipping modal: bad input on every field, nothing stored. ---- */
    char msg_s[32];
    int64_t sh = rt_create(&t, "spots:2", "Ship it", "Free", "1d", msg_s);
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)sh);
    free(rt_click(&t, "alice", msg_s, cid));
    snprintf(text, sizeof text, "/raffle draw raffle:%lld", (long long)sh);
    free(rt_cmd(&t, NULL, text));
    CHECK(rt_message_wait(&t, msg_s, "Submit shipping details", 5000));
    snprintf(cid, sizeof cid, "raffle:ship:%lld", (long long)sh);
    static const struct {
        const char *name, *address, *city, *country, *contact, *want;
    } bad[] = {
        {"  ", "1 Main Street", "Springfield 12345", "USA", "", "Full name: must not be empty."},
        {"Al", "1 a", "Springfield 12345", "USA", "", "Street address: too short"},
        {"Al", "1 Main Street", "   ", "USA", "", "City and postal code: must not be empty."},
        {"Al", "1 Main Street", "Springfield 12345", "X", "", "Country: must be named."},
        {"Al", "1 Main Street", "Springfield 12345", "USA", "call me", "Email or phone: \\\"call me\\\""},
        {"Al", "1 Main Street", "Springfield 12345", "USA", "al@nowhere", "Email or phone: \\\"al@nowhere\\\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char si[32];
        rt_click_id(&t, "alice", msg_s, cid, si);
        json_decref(rt_wait(&t, si));
        json_t *vals = json_pack("{s:s,s:s,s:s,s:s}", "name", bad[i].name, "address", bad[i].address,
                                 "city", bad[i].city, "country", bad[i].country);
        if (*bad[i].contact)
            json_object_set_new(vals, "contact", json_string(bad[i].contact));
        s = rt_modal(&t, si, vals);
        RT_HAS(s, "were not saved");
        RT_HAS(s, bad[i].want);
        free(s);
    }
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.shipping"), 0);
    char si[32];
    rt_click_id(&t, "alice", msg_s, cid, si);
    json_decref(rt_wait(&t, si));
    s = rt_modal(&t, si, json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "Al", "address", "1 Main Street",
                                   "city", "Springfield 12345", "country", "USA", "contact", "+1 555 0100"));
    RT_HAS(s, "saved");
    free(s);
    CHECK_EQ_INT(rt_sql(&t, "SELECT count(*) FROM raffle.shipping WHERE contact = '+1 555 0100'"), 1);
    /* The manager role sees it; the winner cannot list it. */
    snprintf(text, sizeof text, "/raffle shipping raffle:%lld", (long long)sh);
    s = rt_cmd(&t, "mod", text);
    RT_HAS(s, "1 Main Street");
    free(s);

    /* /raffle list shows every raffle with its state. */
    s = rt_cmd(&t, "bob", "/raffle list");
    RT_HAS(s, "Limited edition: cancelled");
    RT_HAS(s, "Gamers only: closed");
    RT_HAS(s, "Ship it: drawn");
    free(s);

    e2e_teardown(&t);
    printf("test_raffle_rules: ok\n");
    return 0;
}
