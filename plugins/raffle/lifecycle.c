/*
 * A raffle ends exactly once: every path (the "close" job at its end, the last
 * spot taken, a manager) goes through one guarded UPDATE ... WHERE state =
 * 'open' RETURNING, and only the call that got the row announces it.
 */
#include "raffle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum end_cond { END_ANY = 0, END_DUE, END_FULL };

static int end_if(bh_ctx *c, int64_t id, uint64_t actor, const char *reason, int cond,
                  int draw_next)
{
    bh_result *res;
    int rc = bh_db_query(
        c, &res,
        "UPDATE raffle.raffles r SET state = 'closed', closed_at = now(), closed_by = $2, "
        "close_reason = $3 WHERE id = $1 AND state = 'open' "
        "AND ($4 <> 1 OR ends_at <= now() + interval '1 second') "
        "AND ($4 <> 2 OR (SELECT count(*) FROM raffle.claims k WHERE k.raffle_id = r.id) >= spots) "
        "RETURNING id",
        BH_ARGS(bh_i64(id), actor ? bh_i64((int64_t)actor) : bh_null(), bh_text(reason),
                bh_i64(cond)));
    if (rc < 0)
        return rc;
    int closed = bh_result_rows(res) == 1;
    bh_result_free(res);
    if (!closed)
        return 0;
    raffle r;
    if ((rc = raffle_load(c, id, 0, &r)) < 0 || (rc = raffle_event(c, id, "closed", actor, reason)) < 0)
        return rc;
    char text[900];
    size_t len = (size_t)snprintf(text, sizeof text, "**%s** (raffle #%lld) is closed: %s. %d of %d spots claimed",
                                  r.title, (long long)id, reason, r.claimed, r.spots);
    if (r.price_cents > 0)
        len += (size_t)snprintf(text + len, sizeof text - len, ", %d paid", r.paid);
    snprintf(text + len, sizeof text - len, ".%s",
             r.auto_draw || draw_next ? "" : " The winners will be drawn by a manager.");
    rc = raffle_announce(c, r.channel, text);
    if (rc < 0)
        bh_log(raffle_host, BH_LOG_WARN, "raffle %lld: closing announcement failed: %s",
               (long long)id, bh_ctx_error(c));
    if ((rc = raffle_render_later(c, id, 0)) < 0)
        return rc;
    if (r.auto_draw) {
        char summary[1200];
        rc = raffle_draw(c, id, 0, summary, sizeof summary);
        if (rc < 0)
            return rc;
    }
    return 1;
}

int raffle_end(bh_ctx *c, int64_t id, uint64_t actor, const char *reason, int draw_next)
{
    return end_if(c, id, actor, reason, END_ANY, draw_next);
}

/* The durable "close" job: {"raffle": id, "why": "end"|"full"}. */
int raffle_job_close(bh_ctx *c)
{
    const json_t *p = bh_ctx_data(c);
    int64_t id = (int64_t)json_integer_value(json_object_get(p, "raffle"));
    const char *why = json_string_value(json_object_get(p, "why"));
    int full = why && strcmp(why, "full") == 0;
    int rc = end_if(c, id, 0, full ? "every spot is taken" : "its time is up",
                    full ? END_FULL : END_DUE, 0);
    if (rc == 0)
        bh_log(raffle_host, BH_LOG_DEBUG, "raffle %lld: close job found nothing to close",
               (long long)id);
    return rc < 0 ? rc : 0;
}

int raffle_cancel(bh_ctx *c, raffle *r, uint64_t actor, const char *reason)
{
    bh_result *res;
    int rc = bh_db_query(c, &res,
                         "UPDATE raffle.raffles SET state = 'cancelled', "
                         "closed_at = coalesce(closed_at, now()), "
                         "closed_by = coalesce(closed_by, $2), close_reason = $3 "
                         "WHERE id = $1 AND state IN ('open', 'closed') RETURNING id",
                         BH_ARGS(bh_i64(r->id), bh_i64((int64_t)actor), bh_text(reason)));
    if (rc < 0)
        return rc;
    int done = bh_result_rows(res) == 1;
    bh_result_free(res);
    if (!done)
        return 0;
    if ((rc = raffle_event(c, r->id, "cancelled", actor, reason)) < 0)
        return rc;
    char text[700];
    snprintf(text, sizeof text,
             "**%s** (raffle #%lld) was cancelled: %s. There will be no draw; claims are kept "
             "for the record.",
             r->title, (long long)r->id, reason);
    if (raffle_announce(c, r->channel, text) < 0)
        bh_log(raffle_host, BH_LOG_WARN, "raffle %lld: cancel announcement failed: %s",
               (long long)r->id, bh_ctx_error(c));
    rc = raffle_render_later(c, r->id, 0);
    return rc < 0 ? rc : 1;
}

int raffle_on_close(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_option(c, &r)) <= 0)
        return rc;
    char reason[120];
    snprintf(reason, sizeof reason, "closed by <@%" PRIu64 ">", bh_id(c, BH_ID_USER));
    rc = raffle_end(c, r.id, bh_id(c, BH_ID_USER), reason, 0);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        raffle now;
        if ((rc = raffle_load(c, r.id, 0, &now)) < 0)
            return rc;
        return bh_reply_text(c, "Raffle #%lld is already %s.", (long long)r.id, now.state);
    }
    return bh_reply_text(c, "Raffle #%lld is closed. Draw the winners with /raffle draw raffle:%lld.",
                         (long long)r.id, (long long)r.id);
}

int raffle_on_cancel(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_option(c, &r)) <= 0)
        return rc;
    char reason[400];
    raffle_trim(reason, sizeof reason, bh_opt_text(c, "reason", ""));
    if (!reason[0])
        snprintf(reason, sizeof reason, "cancelled by a manager");
    rc = raffle_cancel(c, &r, bh_id(c, BH_ID_USER), reason);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return bh_reply_text(c, "Raffle #%lld is %s: it can no longer be cancelled.",
                             (long long)r.id, r.state);
    return bh_reply_text(c, "Raffle #%lld is cancelled.", (long long)r.id);
}

int raffle_on_list(bh_ctx *c)
{
    bh_result *res;
    int rc = bh_db_query(
        c, &res,
        "SELECT id, title, state, spots, price_cents, "
        "(SELECT count(*) FROM raffle.claims k WHERE k.raffle_id = r.id), "
        "(SELECT count(*) FROM raffle.claims k WHERE k.raffle_id = r.id AND k.paid), "
        "extract(epoch FROM coalesce(closed_at, ends_at))::bigint "
        "FROM raffle.raffles r WHERE guild_id = $1 ORDER BY id DESC LIMIT 20",
        BH_ARGS(bh_i64((int64_t)bh_id(c, BH_ID_GUILD))));
    if (rc < 0)
        return rc;
    char text[2000];
    size_t len = 0;
    if (bh_result_rows(res) == 0)
        len = (size_t)snprintf(text, sizeof text, "No raffles yet. Managers start one with /raffle create.");
    for (int i = 0; i < bh_result_rows(res) && len + 200 < sizeof text; i++) {
        char title[256];
        raffle_clip(title, sizeof title, bh_result_text(res, i, 1), 60);
        const char *state = bh_result_text(res, i, 2);
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "**#%s** %s: %s, %s/%s claimed", bh_result_text(res, i, 0), title,
                                state, bh_result_text(res, i, 5), bh_result_text(res, i, 3));
        if (bh_result_i64(res, i, 4) > 0)
            len += (size_t)snprintf(text + len, sizeof text - len, ", %s paid",
                                    bh_result_text(res, i, 6));
        len += (size_t)snprintf(text + len, sizeof text - len, "%s <t:%s:R>\n",
                                strcmp(state, "open") == 0 ? ", ends" : ", ended",
                                bh_result_text(res, i, 7));
    }
    bh_result_free(res);
    return bh_reply_text(c, "%s", text);
}

/* Autocomplete for every "raffle" option: this guild's latest raffles matching the text. */
int raffle_autocomplete(bh_ctx *c)
{
    const json_t *o = bh_option(c, "raffle");
    const json_t *v = json_object_get(o, "value");
    char typed[64] = "";
    if (json_is_string(v))
        raffle_trim(typed, sizeof typed, json_string_value(v)[0] == '#' ? json_string_value(v) + 1
                                                                       : json_string_value(v));
    else if (json_is_integer(v))
        snprintf(typed, sizeof typed, "%lld", (long long)json_integer_value(v));
    bh_result *res;
    int rc = bh_db_query(c, &res,
                         "SELECT id, title, state FROM raffle.raffles WHERE guild_id = $1 AND "
                         "($2 = '' OR id::text LIKE $2 || '%' OR title ILIKE '%' || $2 || '%') "
                         "ORDER BY id DESC LIMIT 25",
                         BH_ARGS(bh_i64((int64_t)bh_id(c, BH_ID_GUILD)), bh_text(typed)));
    if (rc < 0)
        return rc;
    json_t *choices = json_array();
    for (int i = 0; i < bh_result_rows(res); i++) {
        char name[400], title[300];
        raffle_clip(title, sizeof title, bh_result_text(res, i, 1), 70);
        snprintf(name, sizeof name, "#%s %s (%s)", bh_result_text(res, i, 0), title,
                 bh_result_text(res, i, 2));
        json_array_append_new(choices, json_pack("{s:s,s:s}", "name", name, "value",
                                                 bh_result_text(res, i, 0)));
    }
    bh_result_free(res);
    rc = bh_autocomplete(c, choices);
    json_decref(choices);
    return rc;
}
