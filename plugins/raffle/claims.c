/*
 * Members taking spots: Claim (a random free spot), Pick spots (select menus of
 * free spots, 100 a page), My spots (with Release for unpaid ones).
 *
 * Double booking is impossible because (raffle_id, spot) is the primary key of
 * raffle.claims and every insert is ON CONFLICT DO NOTHING. A claim holds the
 * raffle row FOR SHARE, so a close waits for claims in flight and no claim
 * lands after it; a per-member advisory lock serialises one member's claims so
 * the per-member limit holds under concurrent clicks.
 */
#include "raffle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define PICK_PAGE 100
#define MAX_PICK 100

typedef struct claim_out {
    int claimed[MAX_PICK], nclaimed;
    int taken[MAX_PICK], ntaken;
    int over[MAX_PICK], nover; /* beyond the member's limit */
    int have;                  /* the member's spots after the claim */
    char refusal[300];         /* set when nothing could be tried */
} claim_out;

/* Whether the member may enter; writes the reason into why when not. */
static int requirements_met(bh_ctx *c, const raffle *r, char *why, size_t n)
{
    uint64_t roles[250];
    int nroles = bh_actor_roles(c, roles, 250);
    if (nroles > 250)
        nroles = 250;
    if (r->required_role) {
        int ok = 0;
        for (int i = 0; i < nroles; i++)
            ok |= roles[i] == r->required_role;
        if (!ok) {
            snprintf(why, n, "This raffle is only for members with the <@&%" PRIu64 "> role.",
                     r->required_role);
            return 0;
        }
    }
    for (int i = 0; r->excluded_role && i < nroles; i++)
        if (roles[i] == r->excluded_role) {
            snprintf(why, n, "Members with the <@&%" PRIu64 "> role cannot enter this raffle.",
                     r->excluded_role);
            return 0;
        }
    int64_t now = raffle_now_ms();
    uint64_t user = bh_id(c, BH_ID_USER);
    if (r->min_account_days &&
        now - raffle_snowflake_ms(user) < (int64_t)r->min_account_days * 86400000) {
        snprintf(why, n, "Your Discord account must be at least %d day(s) old to enter.",
                 r->min_account_days);
        return 0;
    }
    if (r->min_member_days) {
        const char *joined = json_string_value(
            json_object_get(json_object_get(bh_ctx_data(c), "member"), "joined_at"));
        int64_t at = raffle_parse_iso(joined);
        if (at < 0 || now - at < (int64_t)r->min_member_days * 86400000) {
            snprintf(why, n, "You must have been in this server for at least %d day(s) to enter.",
                     r->min_member_days);
            return 0;
        }
    }
    return 1;
}

/* Answers why a member cannot claim in r now, or returns 1 when they may try. */
static int may_claim(bh_ctx *c, const raffle *r)
{
    char why[300];
    if (strcmp(r->state, "open") != 0 || r->ends_ms <= raffle_now_ms())
        snprintf(why, sizeof why, "Raffle #%lld is %s: no more claims.", (long long)r->id,
                 strcmp(r->state, "open") == 0 ? "over" : r->state);
    else if (!requirements_met(c, r, why, sizeof why))
        ;
    else
        return 1;
    int rc = bh_reply_text(c, "%s", why);
    return rc < 0 ? rc : 0;
}

/* How many more spots the member may take (INT32_MAX without a limit) and how many they hold. */
static int allowance(bh_ctx *c, const raffle *r, uint64_t user, int *have)
{
    bh_result *res;
    int rc = bh_db_query(c, &res,
                         "SELECT count(*) FROM raffle.claims WHERE raffle_id = $1 AND user_id = $2",
                         BH_ARGS(bh_i64(r->id), bh_i64((int64_t)user)));
    if (rc < 0)
        return rc;
    *have = (int)bh_result_i64(res, 0, 0);
    bh_result_free(res);
    if (!r->max_per_member)
        return INT32_MAX;
    return r->max_per_member > *have ? r->max_per_member - *have : 0;
}

/*
 * Claims `want` (NULL: one random free spot) for the acting member in one
 * transaction. Fills out; returns 0 or an error.
 */
static int claim(bh_ctx *c, const raffle *r, const int *want, int nwant, claim_out *out)
{
    memset(out, 0, sizeof *out);
    uint64_t user = bh_id(c, BH_ID_USER);
    int rc = bh_db_begin(c);
    if (rc < 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT state = 'open' AND ends_at > now() FROM raffle.raffles "
                     "WHERE id = $1 FOR SHARE",
                     BH_ARGS(bh_i64(r->id)));
    if (rc < 0)
        return rc;
    int open = bh_result_rows(res) == 1 && bh_result_bool(res, 0, 0);
    bh_result_free(res);
    if (!open) {
        snprintf(out->refusal, sizeof out->refusal, "Raffle #%lld has closed: no more claims.",
                 (long long)r->id);
        return bh_db_rollback(c);
    }
    rc = bh_db_query(c, NULL,
                     "SELECT pg_advisory_xact_lock(hashtextextended('raffle.claim:' || $1 || ':' "
                     "|| $2, 0))",
                     BH_ARGS(bh_i64(r->id), bh_i64((int64_t)user)));
    if (rc < 0)
        return rc;
    int left = allowance(c, r, user, &out->have);
    if (left < 0)
        return left;
    if (left == 0) {
        snprintf(out->refusal, sizeof out->refusal,
                 "You already hold %d spot(s), the most one member may have in this raffle.",
                 out->have);
        return bh_db_rollback(c);
    }
    if (!want) {
        /* A random free spot; a concurrent claim may win it first, then try another. */
        for (int attempt = 0; attempt < 50 && out->nclaimed == 0; attempt++) {
            rc = bh_db_query(
                c, &res,
                "INSERT INTO raffle.claims (raffle_id, spot, user_id) "
                "SELECT $1, s, $2 FROM generate_series(1, $3) s WHERE NOT EXISTS "
                "(SELECT 1 FROM raffle.claims k WHERE k.raffle_id = $1 AND k.spot = s) "
                "ORDER BY random() LIMIT 1 ON CONFLICT DO NOTHING RETURNING spot",
                BH_ARGS(bh_i64(r->id), bh_i64((int64_t)user), bh_i64(r->spots)));
            if (rc < 0)
                return rc;
            if (bh_result_rows(res) == 1) {
                out->claimed[out->nclaimed++] = (int)bh_result_i64(res, 0, 0);
            } else {
                bh_result *cnt;
                rc = bh_db_query(c, &cnt,
                                 "SELECT count(*) FROM raffle.claims WHERE raffle_id = $1",
                                 BH_ARGS(bh_i64(r->id)));
                if (rc < 0)
                    return rc;
                int full = bh_result_i64(cnt, 0, 0) >= r->spots;
                bh_result_free(cnt);
                if (full) {
                    bh_result_free(res);
                    snprintf(out->refusal, sizeof out->refusal,
                             "Every spot of raffle #%lld is taken.", (long long)r->id);
                    return bh_db_rollback(c);
                }
            }
            bh_result_free(res);
        }
    } else {
        for (int i = 0; i < nwant; i++) {
            if (out->nclaimed >= left) {
                out->over[out->nover++] = want[i];
                continue;
            }
            rc = bh_db_query(c, &res,
                             "INSERT INTO raffle.claims (raffle_id, spot, user_id) "
                             "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING spot",
                             BH_ARGS(bh_i64(r->id), bh_i64(want[i]), bh_i64((int64_t)user)));
            if (rc < 0)
                return rc;
            if (bh_result_rows(res) == 1)
                out->claimed[out->nclaimed++] = want[i];
            else
                out->taken[out->ntaken++] = want[i];
            bh_result_free(res);
        }
    }
    out->have += out->nclaimed;
    if ((rc = bh_db_commit(c)) < 0)
        return rc;
    if (out->nclaimed == 0)
        return 0;
    /* After the commit: the render job must see these claims, and never waits on them. */
    rc = raffle_render_later(c, r->id, raffle_render_delay_ms);
    if (rc == 0 && r->close_when_full) {
        rc = bh_db_query(c, &res, "SELECT count(*) FROM raffle.claims WHERE raffle_id = $1",
                         BH_ARGS(bh_i64(r->id)));
        if (rc < 0)
            return rc;
        int full = bh_result_i64(res, 0, 0) >= r->spots;
        bh_result_free(res);
        if (full) {
            /* Its own key: the close at the end stays scheduled (a release may follow). */
            char key[48];
            snprintf(key, sizeof key, "full-%lld", (long long)r->id);
            json_t *p = json_pack("{s:I,s:s}", "raffle", (json_int_t)r->id, "why", "full");
            rc = bh_job_schedule(c, "close", 0, p, key);
            json_decref(p);
        }
    }
    return rc;
}

static void list_spots(char *buf, size_t n, const int *spots, int count)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && len + 16 < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s#%d", i ? ", " : "", spots[i]);
}

/* The answer to a claim: what was taken, what was not, and how to pay. */
static bh_msg *claim_answer(bh_ctx *c, const raffle *r, const claim_out *o)
{
    char text[2000], spots[600];
    size_t len = 0;
    if (o->refusal[0])
        len += (size_t)snprintf(text, sizeof text, "%s", o->refusal);
    if (o->nclaimed) {
        list_spots(spots, sizeof spots, o->claimed, o->nclaimed);
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "You claimed spot%s %s in **%s**. You hold %d spot(s)",
                                o->nclaimed > 1 ? "s" : "", spots, r->title, o->have);
        if (r->max_per_member)
            len += (size_t)snprintf(text + len, sizeof text - len, " of at most %d",
                                    r->max_per_member);
        len += (size_t)snprintf(text + len, sizeof text - len, ".");
    }
    if (o->ntaken && len < sizeof text) {
        list_spots(spots, sizeof spots, o->taken, o->ntaken);
        len += (size_t)snprintf(text + len, sizeof text - len, "%sAlready taken: %s.",
                                len ? "\n" : "", spots);
    }
    if (o->nover && len < sizeof text) {
        list_spots(spots, sizeof spots, o->over, o->nover);
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%sNot claimed, over the limit of %d per member: %s.",
                                len ? "\n" : "", r->max_per_member, spots);
    }
    if (o->nclaimed && r->price_cents > 0 && len < sizeof text) {
        raffle_cfg cfg;
        char price[40], total[40];
        raffle_cfg_get(c, r->guild, &cfg);
        raffle_fmt_price(price, sizeof price, r->price_cents);
        raffle_fmt_price(total, sizeof total, r->price_cents * o->nclaimed);
        snprintf(text + len, sizeof text - len,
                 "\n\n**Payment**: %s per spot, %s for these. %s\nA manager marks your spots "
                 "paid once they have your payment; unpaid spots are not in the draw.",
                 price, total,
                 cfg.payment_text[0] ? cfg.payment_text : "A manager will tell you how to pay.");
    }
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    return m;
}

/* "claim:<id>": one random free spot. */
int raffle_on_claim(bh_ctx *c)
{
    raffle r;
    int rc = raffle_from_cid(c, 1, &r);
    if (rc <= 0 || (rc = may_claim(c, &r)) <= 0)
        return rc;
    claim_out o;
    if ((rc = claim(c, &r, NULL, 0, &o)) < 0)
        return rc;
    bh_msg *m = claim_answer(c, &r, &o);
    rc = bh_reply(c, m);
    bh_msg_free(m);
    return rc;
}

/* "pick:<id>:<page>": select menus of the free spots, 100 a page. */
int raffle_on_pick(bh_ctx *c)
{
    raffle r;
    int rc = raffle_from_cid(c, 1, &r);
    if (rc <= 0 || (rc = may_claim(c, &r)) <= 0)
        return rc;
    int64_t page;
    if (bh_cid_i64(c, 2, &page) < 0 || page < 0)
        page = 0;
    int have, left = allowance(c, &r, bh_id(c, BH_ID_USER), &have);
    if (left < 0)
        return left;
    if (left == 0)
        return bh_reply_text(c, "You already hold %d spot(s), the most one member may have in "
                                "this raffle.", have);
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT s, count(*) OVER () FROM generate_series(1, $2) s WHERE NOT EXISTS "
                     "(SELECT 1 FROM raffle.claims k WHERE k.raffle_id = $1 AND k.spot = s) "
                     "ORDER BY s",
                     BH_ARGS(bh_i64(r.id), bh_i64(r.spots)));
    if (rc < 0)
        return rc;
    int nfree = bh_result_rows(res);
    if (nfree == 0) {
        bh_result_free(res);
        return bh_reply_text(c, "Every spot of raffle #%lld is taken.", (long long)r.id);
    }
    int pages = (nfree + PICK_PAGE - 1) / PICK_PAGE;
    if (page >= pages)
        page = pages - 1;
    int first = (int)page * PICK_PAGE, last = first + PICK_PAGE < nfree ? first + PICK_PAGE : nfree;
    char text[1000], cid[64], label[16];
    snprintf(text, sizeof text,
             "Pick spots in **%s**: %d free, showing spots %s to %s (page %lld of %d).%s",
             r.title, nfree, bh_result_text(res, first, 0), bh_result_text(res, last - 1, 0),
             (long long)page + 1, pages,
             left < INT32_MAX ? " You may take more spots up to your limit." : "");
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    for (int k = 0; first + k * 25 < last; k++) {
        int from = first + k * 25, to = from + 25 < last ? from + 25 : last;
        snprintf(cid, sizeof cid, "take:%lld:%lld:%d", (long long)r.id, (long long)page, k);
        snprintf(text, sizeof text, "Spots %s to %s", bh_result_text(res, from, 0),
                 bh_result_text(res, to - 1, 0));
        int max = to - from < left ? to - from : left;
        bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, cid, text, 1, max);
        for (int i = from; i < to; i++) {
            snprintf(label, sizeof label, "#%s", bh_result_text(res, i, 0));
            bh_select_option(s, label, bh_result_text(res, i, 0), NULL, NULL, 0);
        }
    }
    bh_result_free(res);
    if (pages > 1) {
        bh_row *nav = bh_msg_row(m);
        snprintf(cid, sizeof cid, "pick:%lld:%lld", (long long)r.id, (long long)(page - 1));
        bh_row_button(nav, BH_BUTTON_SECONDARY, "Previous", cid, NULL, page == 0);
        snprintf(cid, sizeof cid, "pick:%lld:%lld", (long long)r.id, (long long)(page + 1));
        bh_row_button(nav, BH_BUTTON_SECONDARY, "Next", cid, NULL, page + 1 >= pages);
    }
    /* From the raffle message: a new ephemeral picker; from the picker: turn its page. */
    rc = bh_id(c, BH_ID_MESSAGE) == r.message ? bh_reply(c, m) : bh_update(c, m);
    bh_msg_free(m);
    return rc;
}

/* "take:<id>:<page>:<k>": the spots chosen in a picker's select. */
int raffle_on_take(bh_ctx *c)
{
    raffle r;
    int rc = raffle_from_cid(c, 1, &r);
    if (rc <= 0 || (rc = may_claim(c, &r)) <= 0)
        return rc;
    int want[MAX_PICK], n = 0;
    for (int i = 0; i < bh_value_count(c) && n < MAX_PICK; i++) {
        char *end;
        const char *v = bh_value(c, i);
        long s = strtol(v, &end, 10);
        if (*end || s < 1 || s > r.spots)
            return bh_reply_text(c, "\"%s\" is not a spot of raffle #%lld.", v, (long long)r.id);
        want[n++] = (int)s;
    }
    claim_out o;
    if ((rc = claim(c, &r, want, n, &o)) < 0)
        return rc;
    bh_msg *m = claim_answer(c, &r, &o);
    /* The picker's selects offer spots that may be taken now: they go with it. */
    json_t *none = json_pack("{s:[]}", "components");
    bh_msg_raw(m, none);
    json_decref(none);
    rc = bh_update(c, m);
    bh_msg_free(m);
    return rc;
}

/* "mine:<id>": the member's spots, with a select to release unpaid ones while open. */
int raffle_on_mine(bh_ctx *c)
{
    raffle r;
    int rc = raffle_from_cid(c, 1, &r);
    if (rc <= 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT spot, paid FROM raffle.claims WHERE raffle_id = $1 AND user_id = $2 "
                     "ORDER BY spot",
                     BH_ARGS(bh_i64(r.id), bh_i64((int64_t)bh_id(c, BH_ID_USER))));
    if (rc < 0)
        return rc;
    int n = bh_result_rows(res), unpaid = 0;
    if (n == 0) {
        bh_result_free(res);
        return bh_reply_text(c, "You have no spots in **%s**.", r.title);
    }
    char text[2000], cid[48];
    size_t len = (size_t)snprintf(text, sizeof text, "Your spots in **%s**: ", r.title);
    for (int i = 0; i < n && len + 40 < sizeof text; i++) {
        int paid = bh_result_bool(res, i, 1);
        unpaid += !paid;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s#%s%s", i ? ", " : "",
                                bh_result_text(res, i, 0),
                                r.price_cents > 0 ? (paid ? " (paid)" : " (unpaid)") : "");
    }
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    int open = strcmp(r.state, "open") == 0;
    if (open && unpaid > 0) {
        snprintf(cid, sizeof cid, "release:%lld", (long long)r.id);
        int shown = unpaid < 25 ? unpaid : 25;
        bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, cid,
                                     "Release unpaid spots", 1, shown);
        for (int i = 0, k = 0; i < n && k < shown; i++) {
            if (bh_result_bool(res, i, 1))
                continue;
            char label[32];
            snprintf(label, sizeof label, "Release #%s", bh_result_text(res, i, 0));
            bh_select_option(s, label, bh_result_text(res, i, 0), NULL, NULL, 0);
            k++;
        }
    }
    bh_result_free(res);
    rc = bh_reply(c, m);
    bh_msg_free(m);
    return rc;
}

/* "release:<id>": gives back unpaid spots while the raffle is open. */
int raffle_on_release(bh_ctx *c)
{
    raffle r;
    int rc = raffle_from_cid(c, 1, &r);
    if (rc <= 0)
        return rc;
    char arr[1024];
    size_t len = (size_t)snprintf(arr, sizeof arr, "{");
    for (int i = 0; i < bh_value_count(c) && len + 16 < sizeof arr; i++) {
        char *end;
        long s = strtol(bh_value(c, i), &end, 10);
        if (*end || s < 1)
            continue;
        len += (size_t)snprintf(arr + len, sizeof arr - len, "%s%ld", len > 1 ? "," : "", s);
    }
    snprintf(arr + len, sizeof arr - len, "}");
    if ((rc = bh_db_begin(c)) < 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT 1 FROM raffle.raffles WHERE id = $1 AND state = 'open' FOR SHARE",
                     BH_ARGS(bh_i64(r.id)));
    if (rc < 0)
        return rc;
    int open = bh_result_rows(res) == 1;
    bh_result_free(res);
    if (!open) {
        bh_db_rollback(c);
        return bh_reply_text(c, "Raffle #%lld is closed: spots can no longer be released.",
                             (long long)r.id);
    }
    rc = bh_db_query(c, &res,
                     "DELETE FROM raffle.claims WHERE raffle_id = $1 AND user_id = $2 "
                     "AND NOT paid AND spot = ANY($3::int[]) RETURNING spot",
                     BH_ARGS(bh_i64(r.id), bh_i64((int64_t)bh_id(c, BH_ID_USER)),
                             bh_text(arr)));
    if (rc < 0)
        return rc;
    char text[800];
    int n = bh_result_rows(res);
    len = (size_t)snprintf(text, sizeof text, n ? "Released " : "Nothing was released.");
    for (int i = 0; i < n && len + 16 < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s#%s", i ? ", " : "",
                                bh_result_text(res, i, 0));
    bh_result_free(res);
    if ((rc = bh_db_commit(c)) < 0)
        return rc;
    if (n && (rc = raffle_render_later(c, r.id, raffle_render_delay_ms)) < 0)
        return rc;
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    rc = bh_update(c, m);
    bh_msg_free(m);
    return rc;
}
