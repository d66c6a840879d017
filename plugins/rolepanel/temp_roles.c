/*
 * Temporary roles: a role given by a panel with a duration is recorded in
 * rolepanel.temp_roles and removed by a durable "expire" job keyed by
 * guild+member+role, so taking the role again replaces the pending removal.
 */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>

static void job_key(char *out, size_t n, uint64_t guild, uint64_t user, uint64_t role)
{
    snprintf(out, n, "%" PRIu64 ":%" PRIu64 ":%" PRIu64, guild, user, role);
}

int rp_temp_given(bh_ctx *c, const rp_panel *p, uint64_t user, uint64_t role)
{
    int64_t at = rp_now_ms() + p->temp_seconds * 1000;
    int64_t n = bh_db_exec(
        c,
        "INSERT INTO rolepanel.temp_roles (guild_id, user_id, role_id, panel_id, expires_at) "
        "VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0)) ON CONFLICT (guild_id, user_id, role_id) "
        "DO UPDATE SET panel_id = EXCLUDED.panel_id, expires_at = EXCLUDED.expires_at",
        BH_ARGS(bh_i64((int64_t)p->guild_id), bh_i64((int64_t)user), bh_i64((int64_t)role),
                bh_i64(p->id), bh_i64(at)));
    if (n < 0)
        return (int)n;
    char key[80];
    job_key(key, sizeof key, p->guild_id, user, role);
    json_t *payload = json_pack("{s:I,s:I,s:I,s:I}", "guild", (json_int_t)p->guild_id, "user",
                                (json_int_t)user, "role", (json_int_t)role, "panel",
                                (json_int_t)p->id);
    int rc = bh_job_schedule(c, "expire", at, payload, key);
    json_decref(payload);
    return rc;
}

int rp_temp_taken(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role)
{
    int64_t n = bh_db_exec(c, "DELETE FROM rolepanel.temp_roles WHERE guild_id = $1 AND "
                              "user_id = $2 AND role_id = $3",
                           BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)user),
                                   bh_i64((int64_t)role)));
    if (n <= 0)
        return (int)n;
    char key[80];
    job_key(key, sizeof key, guild, user, role);
    int rc = bh_job_cancel(c, "expire", key);
    return rc == BH_ENOTFOUND ? 0 : rc;
}

/* The "expire" job: runs in its own transaction, under the member's lock like a click. */
int rp_job_expire(bh_ctx *c)
{
    const json_t *d = bh_ctx_data(c);
    uint64_t guild = (uint64_t)json_integer_value(json_object_get(d, "guild"));
    uint64_t user = (uint64_t)json_integer_value(json_object_get(d, "user"));
    uint64_t role = (uint64_t)json_integer_value(json_object_get(d, "role"));
    int64_t panel = json_integer_value(json_object_get(d, "panel"));
    bh_result *r;
    int rc = bh_db_query(c, &r, "SELECT pg_advisory_xact_lock(hashtextextended("
                                "'rolepanel:member:' || $1::text || ':' || $2::text, 0))",
                         BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)user)));
    if (rc == 0)
        rc = bh_db_query(c, &r,
                         "SELECT (extract(epoch FROM expires_at) * 1000)::bigint, "
                         "expires_at <= clock_timestamp() + interval '1 second' "
                         "FROM rolepanel.temp_roles WHERE guild_id = $1 AND user_id = $2 "
                         "AND role_id = $3 FOR UPDATE",
                         BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)user),
                                 bh_i64((int64_t)role)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(r) == 0)
        return 0; /* given back or taken away by hand since: nothing to do */
    if (!bh_result_bool(r, 0, 1)) {
        /* Taken again later: the removal moves to the new time. */
        char key[80];
        job_key(key, sizeof key, guild, user, role);
        return bh_job_schedule(c, "expire", bh_result_i64(r, 0, 0), d, key);
    }
    /*
     * The removal is queued, sent once this job commits: the job holds the
     * member's lock, which their clicks need. The outbox retries a Discord that
     * did not answer and drops a removal Discord refuses (member or role gone).
     */
    char reason[80], path[128];
    snprintf(reason, sizeof reason, "Role panel #%" PRId64 ": temporary role expired", panel);
    snprintf(path, sizeof path, "/guilds/%" PRIu64 "/members/%" PRIu64 "/roles/%" PRIu64, guild,
             user, role);
    if ((rc = bh_outbox_rest(c, "DELETE", path, NULL, reason)) < 0)
        return rc;
    int64_t n = bh_db_exec(c, "DELETE FROM rolepanel.temp_roles WHERE guild_id = $1 AND "
                              "user_id = $2 AND role_id = $3",
                           BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)user),
                                   bh_i64((int64_t)role)));
    if (n < 0)
        return (int)n;
    n = bh_db_exec(c, "UPDATE rolepanel.members SET last_change_at = clock_timestamp() "
                      "WHERE guild_id = $1 AND user_id = $2",
                   BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)user)));
    if (n < 0)
        return (int)n;
    return rp_audit_change(c, guild, panel, user, NULL, 0, &role, 1, "expired");
}
