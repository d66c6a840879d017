/* Raffle rows: loading one (checked against the caller's guild), events, reports. */
#include "raffle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int raffle_load(bh_ctx *c, int64_t id, uint64_t guild, raffle *out)
{
    memset(out, 0, sizeof *out);
    bh_result *r;
    int rc = bh_db_query(
        c, &r,
        "SELECT id, guild_id, channel_id, coalesce(message_id, 0), created_by, title, prize, "
        "spots, price_cents, winners, close_when_full, auto_draw, max_per_member, "
        "coalesce(required_role_id, 0), coalesce(excluded_role_id, 0), min_account_days, "
        "min_member_days, (extract(epoch FROM ends_at) * 1000)::bigint, "
        "coalesce((extract(epoch FROM closed_at) * 1000)::bigint, 0), state, "
        "(SELECT count(*) FROM raffle.claims k WHERE k.raffle_id = r.id), "
        "(SELECT count(*) FROM raffle.claims k WHERE k.raffle_id = r.id AND k.paid), "
        "coalesce(closed_by, 0) FROM raffle.raffles r WHERE id = $1 AND ($2 = 0 OR guild_id = $2)",
        BH_ARGS(bh_i64(id), bh_i64((int64_t)guild)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(r) != 1) {
        bh_result_free(r);
        return BH_ENOTFOUND;
    }
    out->id = bh_result_i64(r, 0, 0);
    out->guild = (uint64_t)bh_result_i64(r, 0, 1);
    out->channel = (uint64_t)bh_result_i64(r, 0, 2);
    out->message = (uint64_t)bh_result_i64(r, 0, 3);
    out->created_by = (uint64_t)bh_result_i64(r, 0, 4);
    snprintf(out->title, sizeof out->title, "%s", bh_result_text(r, 0, 5));
    snprintf(out->prize, sizeof out->prize, "%s", bh_result_text(r, 0, 6));
    out->spots = (int)bh_result_i64(r, 0, 7);
    out->price_cents = bh_result_i64(r, 0, 8);
    out->winners = (int)bh_result_i64(r, 0, 9);
    out->close_when_full = bh_result_bool(r, 0, 10);
    out->auto_draw = bh_result_bool(r, 0, 11);
    out->max_per_member = (int)bh_result_i64(r, 0, 12);
    out->required_role = (uint64_t)bh_result_i64(r, 0, 13);
    out->excluded_role = (uint64_t)bh_result_i64(r, 0, 14);
    out->min_account_days = (int)bh_result_i64(r, 0, 15);
    out->min_member_days = (int)bh_result_i64(r, 0, 16);
    out->ends_ms = bh_result_i64(r, 0, 17);
    out->closed_ms = bh_result_i64(r, 0, 18);
    snprintf(out->state, sizeof out->state, "%s", bh_result_text(r, 0, 19));
    out->claimed = (int)bh_result_i64(r, 0, 20);
    out->paid = (int)bh_result_i64(r, 0, 21);
    out->closed_by = (uint64_t)bh_result_i64(r, 0, 22);
    bh_result_free(r);
    return 0;
}

static int unknown(bh_ctx *c)
{
    int rc = bh_reply_text(c, "That raffle does not exist in this server.");
    return rc < 0 ? rc : 0;
}

int raffle_from_cid(bh_ctx *c, int part, raffle *out)
{
    int64_t id;
    uint64_t guild = bh_id(c, BH_ID_GUILD);
    if (bh_cid_i64(c, part, &id) < 0 || id <= 0 || !guild)
        return unknown(c);
    int rc = raffle_load(c, id, guild, out);
    if (rc == BH_ENOTFOUND)
        return unknown(c);
    return rc < 0 ? rc : 1;
}

int64_t raffle_option_id(bh_ctx *c)
{
    const json_t *v = json_object_get(bh_option(c, "raffle"), "value");
    if (json_is_integer(v))
        return json_integer_value(v);
    return json_is_string(v) ? raffle_parse_id(json_string_value(v)) : 0;
}

int raffle_from_option(bh_ctx *c, raffle *out)
{
    int64_t id = raffle_option_id(c);
    uint64_t guild = bh_id(c, BH_ID_GUILD);
    if (id <= 0 || !guild) {
        int rc = bh_reply_text(c, "raffle: give the raffle's number, 12 or #12 (see /raffle list).");
        return rc < 0 ? rc : 0;
    }
    int rc = raffle_load(c, id, guild, out);
    if (rc == BH_ENOTFOUND) {
        rc = bh_reply_text(c, "raffle: there is no raffle #%lld in this server.", (long long)id);
        return rc < 0 ? rc : 0;
    }
    return rc < 0 ? rc : 1;
}

int raffle_event(bh_ctx *c, int64_t id, const char *kind, uint64_t actor, const char *detail)
{
    int64_t rc = bh_db_exec(c,
                            "INSERT INTO raffle.events (raffle_id, kind, actor_id, detail) "
                            "VALUES ($1, $2, $3, $4)",
                            BH_ARGS(bh_i64(id), bh_text(kind),
                                    actor ? bh_i64((int64_t)actor) : bh_null(),
                                    bh_text(detail ? detail : "")));
    return rc < 0 ? (int)rc : 0;
}

void raffle_report(bh_ctx *c, uint64_t guild, const char *fmt, ...)
{
    char text[1800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    bh_log(raffle_host, BH_LOG_INFO, "report guild=%" PRIu64 ": %s", guild, text);
    raffle_cfg cfg;
    if (raffle_cfg_get(c, guild, &cfg) < 0 || !cfg.log_channel)
        return;
    int rc = raffle_announce(c, cfg.log_channel, text);
    if (rc < 0)
        bh_log(raffle_host, BH_LOG_WARN, "cannot post to the log channel %" PRIu64 ": %s",
               cfg.log_channel, bh_ctx_error(c));
}

int raffle_announce(bh_ctx *c, uint64_t channel, const char *text)
{
    /*
     * Queued, not sent: callers are inside the transaction that made the news
     * (a close job holds the raffle's row), and members' clicks must not wait
     * on Discord. It goes out once that transaction commits.
     */
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    int rc = bh_outbox_message_send(c, channel, m);
    bh_msg_free(m);
    return rc;
}
