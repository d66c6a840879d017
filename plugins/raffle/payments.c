/*
 * Managers settling payments: /raffle paid|unpaid @member, and the manager view
 * (/raffle manage) with member selects to mark spots paid or unpaid and buttons
 * to close, draw or cancel. Payments settle only before the draw.
 */
#include "raffle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*
 * Marks a member's spots (all, or those in `spots_arr`, a "{1,2}" literal)
 * paid or unpaid. Returns how many changed, or an error; *why gets the reason
 * when the raffle does not take payments any more.
 */
static int set_paid(bh_ctx *c, const raffle *r, uint64_t member, int paid, const char *spots_arr,
                    char *changed, size_t n, char *why, size_t wn)
{
    why[0] = changed[0] = '\0';
    if (r->price_cents == 0) {
        snprintf(why, wn, "Raffle #%lld is a free giveaway: there is nothing to pay.",
                 (long long)r->id);
        return 0;
    }
    int rc = bh_db_begin(c);
    if (rc < 0)
        return rc;
    bh_result *res;
    /* FOR SHARE: a draw (which takes the row) waits, so its snapshot sees this payment. */
    rc = bh_db_query(c, &res, "SELECT state FROM raffle.raffles WHERE id = $1 FOR SHARE",
                     BH_ARGS(bh_i64(r->id)));
    if (rc < 0)
        return rc;
    const char *state = bh_result_rows(res) ? bh_result_text(res, 0, 0) : "gone";
    if (strcmp(state, "open") != 0 && strcmp(state, "closed") != 0) {
        snprintf(why, wn, "Raffle #%lld is %s: payments can no longer change.", (long long)r->id,
                 state);
        bh_result_free(res);
        bh_db_rollback(c);
        return 0;
    }
    bh_result_free(res);
    rc = bh_db_query(c, &res,
                     "UPDATE raffle.claims SET paid = $3, paid_by = $4, "
                     "paid_at = CASE WHEN $3 THEN now() END WHERE raffle_id = $1 AND user_id = $2 "
                     "AND paid <> $3 AND ($5::int[] IS NULL OR spot = ANY($5::int[])) "
                     "RETURNING spot",
                     BH_ARGS(bh_i64(r->id), bh_i64((int64_t)member), bh_bool(paid),
                             bh_i64((int64_t)bh_id(c, BH_ID_USER)), bh_text(spots_arr)));
    if (rc < 0)
        return rc;
    int count = bh_result_rows(res);
    size_t len = 0;
    for (int i = 0; i < count && len + 16 < n; i++)
        len += (size_t)snprintf(changed + len, n - len, "%s#%s", i ? ", " : "",
                                bh_result_text(res, i, 0));
    bh_result_free(res);
    char detail[700];
    snprintf(detail, sizeof detail, "<@%" PRIu64 ">: %s", member, changed);
    if (count && (rc = raffle_event(c, r->id, paid ? "paid" : "unpaid",
                                    bh_id(c, BH_ID_USER), detail)) < 0)
        return rc;
    if ((rc = bh_db_commit(c)) < 0)
        return rc;
    if (count && (rc = raffle_render_later(c, r->id, raffle_render_delay_ms)) < 0)
        return rc;
    return count;
}

/* The raffle a /raffle paid|unpaid means: the option, or the member's latest unsettled one. */
static int pick_raffle(bh_ctx *c, uint64_t member, int paid, raffle *r)
{
    if (bh_option(c, "raffle"))
        return raffle_from_option(c, r);
    bh_result *res;
    int rc = bh_db_query(c, &res,
                         "SELECT r.id FROM raffle.raffles r WHERE r.guild_id = $1 AND r.state IN "
                         "('open', 'closed') AND EXISTS (SELECT 1 FROM raffle.claims k WHERE "
                         "k.raffle_id = r.id AND k.user_id = $2 AND k.paid <> $3) "
                         "ORDER BY r.id DESC LIMIT 1",
                         BH_ARGS(bh_i64((int64_t)bh_id(c, BH_ID_GUILD)), bh_i64((int64_t)member),
                                 bh_bool(paid)));
    if (rc < 0)
        return rc;
    int64_t id = bh_result_rows(res) ? bh_result_i64(res, 0, 0) : 0;
    bh_result_free(res);
    if (!id) {
        rc = bh_reply_text(c, "<@%" PRIu64 "> has no %s spots in an open or closed raffle.",
                           member, paid ? "unpaid" : "paid");
        return rc < 0 ? rc : 0;
    }
    rc = raffle_load(c, id, bh_id(c, BH_ID_GUILD), r);
    return rc < 0 ? rc : 1;
}

static int on_paid(bh_ctx *c, int paid)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0)
        return rc;
    uint64_t member = bh_opt_id(c, "member");
    if ((rc = pick_raffle(c, member, paid, &r)) <= 0)
        return rc;
    char arr[8192] = "";
    const char *spots = bh_opt_text(c, "spots", NULL);
    if (spots) {
        int list[2500];
        int n = raffle_parse_spots(spots, r.spots, list, 2500);
        if (n <= 0)
            return bh_reply_text(c, "spots: \"%s\" is not a list of spots 1 to %d (like 1,4,7-9).",
                                 spots, r.spots);
        size_t len = (size_t)snprintf(arr, sizeof arr, "{");
        for (int i = 0; i < n && len + 8 < sizeof arr; i++)
            len += (size_t)snprintf(arr + len, sizeof arr - len, "%s%d", i ? "," : "", list[i]);
        snprintf(arr + len, sizeof arr - len, "}");
    }
    char changed[1200], why[200];
    rc = set_paid(c, &r, member, paid, spots ? arr : NULL, changed, sizeof changed, why,
                  sizeof why);
    if (rc < 0)
        return rc;
    if (why[0])
        return bh_reply_text(c, "%s", why);
    if (rc == 0)
        return bh_reply_text(c, "<@%" PRIu64 "> has no %s spots%s in raffle #%lld.", member,
                             paid ? "unpaid" : "paid", spots ? " among those" : "",
                             (long long)r.id);
    return bh_reply_text(c, "Marked %s of <@%" PRIu64 "> %s in raffle #%lld (**%s**).", changed,
                         member, paid ? "paid" : "unpaid", (long long)r.id, r.title);
}

int raffle_on_paid(bh_ctx *c)
{
    return on_paid(c, 1);
}

int raffle_on_unpaid(bh_ctx *c)
{
    return on_paid(c, 0);
}

/* The manager view: members and their spots, selects and buttons. */
static bh_msg *manage_view(bh_ctx *c, const raffle *r, const char *note)
{
    char text[2000];
    size_t len = 0;
    if (note && *note)
        len += (size_t)snprintf(text, sizeof text, "%s\n\n", note);
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "**%s** (raffle #%lld): %s, %d/%d claimed", r->title,
                            (long long)r->id, r->state, r->claimed, r->spots);
    if (r->price_cents > 0)
        len += (size_t)snprintf(text + len, sizeof text - len, ", %d paid", r->paid);
    len += (size_t)snprintf(text + len, sizeof text - len, ".\n");
    bh_result *res;
    if (bh_db_query(c, &res,
                    "SELECT user_id, string_agg('#' || spot || CASE WHEN paid THEN '' ELSE '*' "
                    "END, ' ' ORDER BY spot), count(*) FILTER (WHERE NOT paid) "
                    "FROM raffle.claims WHERE raffle_id = $1 GROUP BY user_id "
                    "ORDER BY min(claimed_at) LIMIT 60",
                    BH_ARGS(bh_i64(r->id))) == 0) {
        for (int i = 0; i < bh_result_rows(res) && len + 120 < sizeof text; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "<@%s>: %.80s\n",
                                    bh_result_text(res, i, 0), bh_result_text(res, i, 1));
        if (r->price_cents > 0 && bh_result_rows(res) && len + 40 < sizeof text)
            snprintf(text + len, sizeof text - len, "(* unpaid)");
        bh_result_free(res);
    }
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    char cid[64];
    int open = strcmp(r->state, "open") == 0, closed = strcmp(r->state, "closed") == 0;
    if (r->price_cents > 0 && (open || closed)) {
        snprintf(cid, sizeof cid, "mgr:%lld:paid", (long long)r->id);
        bh_row_select(bh_msg_row(m), BH_SELECT_USER, cid, "Mark members' spots paid", 1, 10);
        snprintf(cid, sizeof cid, "mgr:%lld:unpaid", (long long)r->id);
        bh_row_select(bh_msg_row(m), BH_SELECT_USER, cid, "Mark members' spots unpaid", 1, 10);
    }
    bh_row *row = bh_msg_row(m);
    snprintf(cid, sizeof cid, "mgr:%lld:close", (long long)r->id);
    bh_row_button(row, BH_BUTTON_PRIMARY, "Close now", cid, NULL, !open);
    snprintf(cid, sizeof cid, "mgr:%lld:draw", (long long)r->id);
    bh_row_button(row, BH_BUTTON_SUCCESS, "Draw", cid, NULL, !open && !closed);
    snprintf(cid, sizeof cid, "mgr:%lld:cancel", (long long)r->id);
    bh_row_button(row, BH_BUTTON_DANGER, "Cancel raffle", cid, NULL, !open && !closed);
    snprintf(cid, sizeof cid, "mgr:%lld:view", (long long)r->id);
    bh_row_button(row, BH_BUTTON_SECONDARY, "Refresh", cid, NULL, 0);
    return m;
}

int raffle_on_manage(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_option(c, &r)) <= 0)
        return rc;
    bh_msg *m = manage_view(c, &r, NULL);
    rc = bh_reply(c, m);
    bh_msg_free(m);
    return rc;
}

/* "mgr:<id>:<action>": the manager view's selects and buttons. */
int raffle_on_mgr(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_cid(c, 1, &r)) <= 0)
        return rc;
    const char *action = bh_cid_part(c, 2);
    uint64_t actor = bh_id(c, BH_ID_USER);
    char note[1500] = "";
    size_t len = 0;
    if (!action) {
        snprintf(note, sizeof note, "Unknown action.");
    } else if (!strcmp(action, "paid") || !strcmp(action, "unpaid")) {
        int paid = !strcmp(action, "paid");
        for (int i = 0; i < bh_value_count(c) && len + 200 < sizeof note; i++) {
            uint64_t member = strtoull(bh_value(c, i), NULL, 10);
            char changed[600], why[200];
            rc = set_paid(c, &r, member, paid, NULL, changed, sizeof changed, why, sizeof why);
            if (rc < 0)
                return rc;
            if (why[0])
                len += (size_t)snprintf(note + len, sizeof note - len, "%s\n", why);
            else if (rc)
                len += (size_t)snprintf(note + len, sizeof note - len,
                                        "<@%" PRIu64 ">: %s marked %s.\n", member, changed,
                                        action);
            else
                len += (size_t)snprintf(note + len, sizeof note - len,
                                        "<@%" PRIu64 ">: nothing to mark %s.\n", member, action);
        }
    } else if (!strcmp(action, "close")) {
        char reason[120];
        snprintf(reason, sizeof reason, "closed by <@%" PRIu64 ">", actor);
        rc = raffle_end(c, r.id, actor, reason, 0);
        if (rc < 0)
            return rc;
        snprintf(note, sizeof note, rc ? "Closed." : "It was not open any more.");
    } else if (!strcmp(action, "draw")) {
        if (!strcmp(r.state, "open")) {
            char reason[120];
            snprintf(reason, sizeof reason, "closed for the draw by <@%" PRIu64 ">", actor);
            if ((rc = raffle_end(c, r.id, actor, reason, 1)) < 0)
                return rc;
        }
        if ((rc = raffle_draw(c, r.id, actor, note, sizeof note)) < 0)
            return rc;
    } else if (!strcmp(action, "cancel")) {
        rc = raffle_cancel(c, &r, actor, "cancelled by a manager");
        if (rc < 0)
            return rc;
        snprintf(note, sizeof note, rc ? "Cancelled." : "It can no longer be cancelled.");
    }
    if ((rc = raffle_load(c, r.id, 0, &r)) < 0)
        return rc;
    bh_msg *m = manage_view(c, &r, note);
    rc = bh_update(c, m);
    bh_msg_free(m);
    return rc;
}
