/*
 * The audit log. Each change is a row in rolepanel.audit; the "audit" job posts
 * the unposted rows of a guild as embeds (ten per message) a moment later, so a
 * burst of clicks becomes a few messages, not one each. Refused clicks are only
 * counted (rolepanel.refusals) and reported as one summary per report period.
 */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t rp_audit_channel(bh_ctx *c, uint64_t guild)
{
    bh_result *r;
    if (bh_db_query(c, &r, "SELECT audit_channel_id FROM rolepanel.guild_config "
                           "WHERE guild_id = $1 AND audit_channel_id IS NOT NULL",
                    BH_ARGS(bh_i64((int64_t)guild))) < 0 || bh_result_rows(r) == 0)
        return 0;
    return (uint64_t)bh_result_i64(r, 0, 0);
}

/* "{1,2,3}": a bigint[] literal for a parameter. */
static void array_text(const uint64_t *ids, int n, char *out, size_t size)
{
    snprintf(out, size, "{");
    for (int i = 0; i < n; i++)
        rp_append(out, size, "%s%" PRIu64, i ? "," : "", ids[i]);
    rp_append(out, size, "}");
}

/* Schedules the guild's flush at the end of the current period (one job per period). */
static int schedule_flush(bh_ctx *c, uint64_t guild, int64_t period_ms, const char *tag)
{
    int64_t now = rp_now_ms();
    int64_t slot = now / period_ms;
    char key[96];
    snprintf(key, sizeof key, "%" PRIu64 ":%s:%" PRId64, guild, tag, slot);
    json_t *payload = json_pack("{s:I}", "guild", (json_int_t)guild);
    int rc = bh_job_schedule(c, "audit", (slot + 1) * period_ms, payload, key);
    json_decref(payload);
    return rc;
}

int rp_audit_change(bh_ctx *c, uint64_t guild, int64_t panel, uint64_t user,
                    const uint64_t *added, int nadded, const uint64_t *removed, int nremoved,
                    const char *cause)
{
    char a[600], r[600];
    array_text(added, nadded, a, sizeof a);
    array_text(removed, nremoved, r, sizeof r);
    int has_channel = rp_audit_channel(c, guild) != 0;
    /* Without an audit channel the row is kept for the record but never posted. */
    int64_t n = bh_db_exec(c,
                           "INSERT INTO rolepanel.audit (guild_id, panel_id, user_id, added, "
                           "removed, cause, posted_at) VALUES ($1, $2, $3, $4::bigint[], "
                           "$5::bigint[], $6, CASE WHEN $7 THEN NULL ELSE now() END)",
                           BH_ARGS(bh_i64((int64_t)guild), panel ? bh_i64(panel) : bh_null(),
                                   bh_i64((int64_t)user), bh_text(a), bh_text(r), bh_text(cause),
                                   bh_bool(has_channel)));
    if (n < 0)
        return (int)n;
    return has_channel ? schedule_flush(c, guild, RP.audit_batch_ms, "c") : 0;
}

int rp_audit_refusal(bh_ctx *c, uint64_t guild, int64_t panel, int reason)
{
    int64_t n = bh_db_exec(c,
                           "INSERT INTO rolepanel.refusals (guild_id, panel_id, reason, total, "
                           "pending) VALUES ($1, $2, $3, 1, 1) ON CONFLICT (guild_id, panel_id, "
                           "reason) DO UPDATE SET total = refusals.total + 1, pending = "
                           "refusals.pending + 1, last_at = now()",
                           BH_ARGS(bh_i64((int64_t)guild), bh_i64(panel),
                                   bh_text(rp_reason_name(reason))));
    if (n < 0)
        return (int)n;
    if (!rp_audit_channel(c, guild))
        return 0;
    return schedule_flush(c, guild, RP.refusal_report_ms, "r");
}

void rp_notify(bh_ctx *c, uint64_t guild, const char *title, const char *text)
{
    uint64_t channel = rp_audit_channel(c, guild);
    bh_log(RP_HOST, BH_LOG_WARN, "guild %" PRIu64 ": %s: %s", guild, title, text);
    if (!channel)
        return;
    bh_msg *m = bh_msg_new(c);
    bh_embed *e = bh_msg_embed(m);
    bh_embed_set(e, BH_EMBED_TITLE, title);
    bh_embed_set(e, BH_EMBED_DESCRIPTION, text);
    bh_embed_color(e, 0xED4245);
    /* Queued: callers may hold the member's lock; it goes out after their commit. */
    if (bh_outbox_message_send(c, channel, m) < 0)
        bh_log(RP_HOST, BH_LOG_WARN, "guild %" PRIu64 ": could not tell the admins: %s", guild,
               bh_ctx_error(c));
    bh_msg_free(m);
}

/* How many ids a bigint[] literal "{1,2,3}" holds. */
static int role_count(const char *s)
{
    if (!s || !s[1] || s[1] == '}')
        return 0;
    int n = 1;
    for (; *s; s++)
        n += *s == ',';
    return n;
}

/* One audit row as an embed. */
static void change_embed(bh_msg *m, const bh_result *r, int i)
{
    char text[600], roles[600];
    bh_embed *e = bh_msg_embed(m);
    int expired = !strcmp(bh_result_text(r, i, 5), "expired");
    bh_embed_set(e, BH_EMBED_TITLE, expired ? "Temporary role expired" : "Roles changed");
    snprintf(text, sizeof text, "<@%s>", bh_result_text(r, i, 2));
    if (!bh_result_is_null(r, i, 1))
        rp_append(text, sizeof text, " \xE2\x80\x94 panel #%s", bh_result_text(r, i, 1));
    bh_embed_set(e, BH_EMBED_DESCRIPTION, text);
    for (int col = 3; col <= 4; col++) {
        /* "{1,2}" from PostgreSQL becomes "<@&1>, <@&2>". */
        const char *s = bh_result_text(r, i, col);
        uint64_t ids[RP_MAX_ROLES];
        int n = 0;
        for (const char *p = s + 1; *p && *p != '}' && n < RP_MAX_ROLES;) {
            char *end;
            ids[n++] = strtoull(p, &end, 10);
            p = *end == ',' ? end + 1 : end;
        }
        if (n) {
            rp_roles_text(ids, n, roles, sizeof roles);
            bh_embed_field(e, col == 3 ? "Added" : "Removed", roles, 1);
        }
    }
    bh_embed_set(e, BH_EMBED_TIMESTAMP, bh_result_text(r, i, 6));
    bh_embed_color(e, expired ? 0xFEE75C : 0x57F287);
}

/* The refusals not yet reported, as one embed; returns how many rows it covers. */
static int refusal_embed(bh_ctx *c, bh_msg *m, uint64_t guild, bh_result **out)
{
    int rc = bh_db_query(c, out,
                         "SELECT panel_id, reason, pending FROM rolepanel.refusals "
                         "WHERE guild_id = $1 AND pending > 0 ORDER BY panel_id, reason LIMIT 25",
                         BH_ARGS(bh_i64((int64_t)guild)));
    if (rc < 0 || bh_result_rows(*out) == 0)
        return rc;
    bh_embed *e = bh_msg_embed(m);
    bh_embed_set(e, BH_EMBED_TITLE, "Refused clicks");
    bh_embed_set(e, BH_EMBED_DESCRIPTION, "Clicks that changed nothing, since the last report.");
    bh_embed_color(e, 0x99AAB5);
    for (int i = 0; i < bh_result_rows(*out); i++) {
        char name[64];
        snprintf(name, sizeof name, "Panel #%s: %s", bh_result_text(*out, i, 0),
                 bh_result_text(*out, i, 1));
        bh_embed_field(e, name, bh_result_text(*out, i, 2), 1);
    }
    return bh_result_rows(*out);
}

/* The "audit" job: posts what is waiting for one guild. */
int rp_job_audit(bh_ctx *c)
{
    uint64_t guild = (uint64_t)json_integer_value(json_object_get(bh_ctx_data(c), "guild"));
    uint64_t channel = rp_audit_channel(c, guild);
    for (int round = 0; round < 5; round++) {
        bh_result *r, *ref = NULL;
        /* SKIP LOCKED: two flushes of one guild never post the same row. */
        int rc = bh_db_query(c, &r,
                             "SELECT id, panel_id, user_id, added::text, removed::text, cause, "
                             "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
                             "FROM rolepanel.audit WHERE guild_id = $1 AND posted_at IS NULL "
                             "ORDER BY id LIMIT 9 FOR UPDATE SKIP LOCKED",
                             BH_ARGS(bh_i64((int64_t)guild)));
        if (rc < 0)
            return rc;
        bh_msg *m = bh_msg_new(c);
        /* Embeds share 6000 characters: a mention is about 22, so cap the roles per message. */
        int used = 0, mentions = 0;
        for (; used < bh_result_rows(r); used++) {
            int k = role_count(bh_result_text(r, used, 3)) + role_count(bh_result_text(r, used, 4));
            if (used > 0 && mentions + k > 150)
                break;
            mentions += k;
            change_embed(m, r, used);
        }
        int nref = round == 0 ? refusal_embed(c, m, guild, &ref) : 0;
        if (nref < 0)
            return nref;
        if (used == 0 && nref == 0) {
            bh_msg_free(m);
            return 0;
        }
        /*
         * Queued, sent after this job commits: the job holds the rows it posts
         * and every click of the guild schedules this job's key, so it must not
         * wait on Discord. A channel gone or closed to the bot drops the post
         * (the outbox logs it) rather than retrying forever.
         */
        if (channel && (rc = bh_outbox_message_send(c, channel, m)) < 0) {
            bh_msg_free(m);
            return rc;
        }
        bh_msg_free(m);
        char ids[400] = "{";
        for (int i = 0; i < used; i++)
            rp_append(ids, sizeof ids, "%s%s", i ? "," : "", bh_result_text(r, i, 0));
        rp_append(ids, sizeof ids, "}");
        int64_t n = bh_db_exec(c, "UPDATE rolepanel.audit SET posted_at = now() "
                                  "WHERE id = ANY($1::bigint[])", BH_ARGS(bh_text(ids)));
        for (int i = 0; n >= 0 && i < nref; i++)
            n = bh_db_exec(c, "UPDATE rolepanel.refusals SET pending = greatest(pending - $4, 0) "
                              "WHERE guild_id = $1 AND panel_id = $2 AND reason = $3",
                           BH_ARGS(bh_i64((int64_t)guild), bh_i64(bh_result_i64(ref, i, 0)),
                                   bh_text(bh_result_text(ref, i, 1)),
                                   bh_i64(bh_result_i64(ref, i, 2))));
        if (n < 0)
            return (int)n;
        if (bh_result_rows(r) < 9 && used == bh_result_rows(r))
            return 0;
    }
    /* Still more: the next period's job takes the rest. */
    return schedule_flush(c, guild, RP.audit_batch_ms, "c");
}
