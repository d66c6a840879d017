/*
 * A member's click on a posted panel (button "b:<panel>:<role>", select
 * "s:<panel>"). Deferred at once; then, in one transaction holding the
 * member's advisory lock (so clicks of one member are serialised across
 * workers and hosts): cooldown, panel, the member's roles, the mode's
 * decision, the safety checks, the change on Discord, the bookkeeping. The
 * member is told exactly what changed, or why nothing did.
 */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISCORD_EPOCH_MS INT64_C(1420070400000)

typedef struct click {
    bh_ctx *c;
    rp_panel *p;
    rp_guild *g;
    uint64_t guild, user;
    uint64_t member[256];
    int nmember;
    int fresh;                /* member[] came from Discord just now */
    int applied;              /* `done` is on Discord; undone if the transaction fails */
    rp_decision done;
    char answer[1800];
} click;

/* The member's roles from Discord now (GET member), replacing the interaction's view. */
static int fetch_roles(click *k)
{
    json_t *m = NULL;
    int rc = bh_member_get(k->c, k->guild, k->user, &m);
    if (rc < 0)
        return rc;
    k->nmember = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(m, "roles"), i, v) {
        if (k->nmember < 256 && json_string_value(v))
            k->member[k->nmember++] = strtoull(json_string_value(v), NULL, 10);
    }
    json_decref(m);
    k->fresh = 1;
    return 0;
}

/*
 * The interaction's roles are what Discord knew when the member clicked. If
 * this plugin changed the member's roles shortly before (a fast second click),
 * they may predate that change: ask Discord again.
 */
static int member_roles(click *k)
{
    k->nmember = bh_actor_roles(k->c, k->member, 256);
    if (k->nmember > 256)
        k->nmember = 256;
    int64_t created = (int64_t)(bh_id(k->c, BH_ID_INTERACTION) >> 22) + DISCORD_EPOCH_MS;
    bh_result *r;
    int rc = bh_db_query(k->c, &r,
                         "SELECT 1 FROM rolepanel.members WHERE guild_id = $1 AND user_id = $2 "
                         "AND last_change_at > to_timestamp($3 / 1000.0) - $4 * interval '1 ms'",
                         BH_ARGS(bh_i64((int64_t)k->guild), bh_i64((int64_t)k->user),
                                 bh_i64(created), bh_i64(RP.fresh_window_ms)));
    if (rc < 0)
        return rc;
    return bh_result_rows(r) ? fetch_roles(k) : 0;
}

/* Cooldown: 1 when the member clicked less than cooldown_ms ago. Records this click. */
static int cooling(click *k, int *hot)
{
    bh_result *r;
    int rc = bh_db_query(
        k->c, &r,
        "WITH prev AS (SELECT last_click_at FROM rolepanel.members "
        " WHERE guild_id = $1 AND user_id = $2) "
        "INSERT INTO rolepanel.members (guild_id, user_id, last_click_at) "
        "VALUES ($1, $2, clock_timestamp()) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "last_click_at = CASE WHEN members.last_click_at > clock_timestamp() - $3 * interval '1 ms'"
        " THEN members.last_click_at ELSE EXCLUDED.last_click_at END "
        "RETURNING (SELECT last_click_at > clock_timestamp() - $3 * interval '1 ms' FROM prev)",
        BH_ARGS(bh_i64((int64_t)k->guild), bh_i64((int64_t)k->user), bh_i64(RP.cooldown_ms)));
    if (rc < 0)
        return rc;
    *hot = RP.cooldown_ms > 0 && bh_result_bool(r, 0, 0);
    return 0;
}

static uint64_t bound_role(click *k, int *rc)
{
    bh_result *r;
    *rc = bh_db_query(k->c, &r, "SELECT role_id FROM rolepanel.bindings WHERE panel_id = $1 "
                                "AND user_id = $2",
                      BH_ARGS(bh_i64(k->p->id), bh_i64((int64_t)k->user)));
    return *rc < 0 || bh_result_rows(r) == 0 ? 0 : (uint64_t)bh_result_i64(r, 0, 0);
}

/* Every role about to change passes the safety checks again, now. */
static int safe(click *k, const rp_decision *d, uint64_t *which)
{
    for (int i = 0; i < d->nadd + d->nremove; i++) {
        uint64_t role = i < d->nadd ? d->add[i] : d->remove[i - d->nadd];
        const rp_role *r = rp_panel_role(k->p, role);
        bh_role_info info;
        int why = rp_role_check(k->g, role, r ? r->admin_top_role_id : 0, &info);
        if (why == RP_OK && (info.permissions & RP_DANGEROUS_PERMS) && !(r && r->dangerous_ok))
            why = RP_R_DANGEROUS;
        if (why != RP_OK) {
            *which = role;
            return why;
        }
    }
    return RP_OK;
}

static int refusal_of(bh_ctx *c, int rc)
{
    if (rc == BH_EPERM)
        return RP_R_BOT_PERMISSION;
    if (rc == BH_ENOTFOUND)
        return bh_discord_code(c) == 10007 ? RP_R_MEMBER_GONE : RP_R_ROLE_GONE;
    return RP_R_FAILED;
}

/* Applies the decision on Discord: one PUT or DELETE, or one PATCH of the whole list. */
static int apply(click *k, const rp_decision *d, int *why)
{
    char reason[200];
    snprintf(reason, sizeof reason, "Role panel #%" PRId64 ": %.150s", k->p->id, k->p->title);
    int rc;
    if (d->nadd + d->nremove == 1) {
        rc = d->nadd ? bh_role_add(k->c, k->guild, k->user, d->add[0], reason)
                     : bh_role_remove(k->c, k->guild, k->user, d->remove[0], reason);
    } else {
        /* Several roles: one atomic PATCH from Discord's current list (a unique swap). */
        if (!k->fresh && (rc = fetch_roles(k)) < 0) {
            *why = refusal_of(k->c, rc);
            return rc;
        }
        json_t *roles = json_array();
        char id[24];
        for (int i = 0; i < k->nmember; i++) {
            if (rp_has(d->remove, d->nremove, k->member[i]) || k->member[i] == k->guild)
                continue;
            snprintf(id, sizeof id, "%" PRIu64, k->member[i]);
            json_array_append_new(roles, json_string(id));
        }
        for (int i = 0; i < d->nadd; i++) {
            if (rp_has(k->member, k->nmember, d->add[i]))
                continue;
            snprintf(id, sizeof id, "%" PRIu64, d->add[i]);
            json_array_append_new(roles, json_string(id));
        }
        json_t *body = json_pack("{s:o}", "roles", roles);
        char path[96];
        snprintf(path, sizeof path, "/guilds/%" PRIu64 "/members/%" PRIu64, k->guild, k->user);
        rc = bh_rest(k->c, "PATCH", path, body, reason, NULL);
        json_decref(body);
    }
    if (rc < 0)
        *why = refusal_of(k->c, rc);
    return rc;
}

/*
 * The change reached Discord but its bookkeeping did not commit (the database
 * went away): put the member's roles back, so that the error answer ("nothing
 * was changed that you were not told about") holds and no role is left without
 * its audit row or its pending removal.
 */
static void undo(click *k)
{
    const rp_decision *d = &k->done;
    char reason[200];
    int rc;
    snprintf(reason, sizeof reason, "Role panel #%" PRId64 ": undone, the change could not be recorded",
             k->p->id);
    if (d->nadd + d->nremove == 1) {
        rc = d->nadd ? bh_role_remove(k->c, k->guild, k->user, d->add[0], reason)
                     : bh_role_add(k->c, k->guild, k->user, d->remove[0], reason);
    } else {
        json_t *roles = json_array();
        char id[24], path[96];
        for (int i = 0; i < k->nmember; i++) {
            if (k->member[i] == k->guild)
                continue;
            snprintf(id, sizeof id, "%" PRIu64, k->member[i]);
            json_array_append_new(roles, json_string(id));
        }
        json_t *body = json_pack("{s:o}", "roles", roles);
        snprintf(path, sizeof path, "/guilds/%" PRIu64 "/members/%" PRIu64, k->guild, k->user);
        rc = bh_rest(k->c, "PATCH", path, body, reason, NULL);
        json_decref(body);
    }
    if (rc < 0)
        bh_log(RP_HOST, BH_LOG_ERROR, "panel %" PRId64 ": cannot undo the unrecorded role change for %" PRIu64
               ": %s", k->p->id, k->user, bh_ctx_error(k->c));
    else
        bh_log(RP_HOST, BH_LOG_WARN, "panel %" PRId64 ": role change for %" PRIu64 " undone: it could not "
               "be recorded", k->p->id, k->user);
}

static int record(click *k, const rp_decision *d)
{
    int64_t n = bh_db_exec(k->c, "UPDATE rolepanel.members SET last_change_at = clock_timestamp() "
                                 "WHERE guild_id = $1 AND user_id = $2",
                           BH_ARGS(bh_i64((int64_t)k->guild), bh_i64((int64_t)k->user)));
    if (n < 0)
        return (int)n;
    if (k->p->mode == RP_BINDING && d->nadd == 1) {
        n = bh_db_exec(k->c, "INSERT INTO rolepanel.bindings (panel_id, user_id, role_id) "
                             "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                       BH_ARGS(bh_i64(k->p->id), bh_i64((int64_t)k->user),
                               bh_i64((int64_t)d->add[0])));
        if (n < 0)
            return (int)n;
    }
    for (int i = 0; i < d->nadd; i++) {
        int rc = k->p->temp_seconds > 0 ? rp_temp_given(k->c, k->p, k->user, d->add[i]) : 0;
        if (rc < 0)
            return rc;
    }
    for (int i = 0; i < d->nremove; i++) {
        int rc = rp_temp_taken(k->c, k->guild, k->user, d->remove[i]);
        if (rc < 0)
            return rc;
    }
    return rp_audit_change(k->c, k->guild, k->p->id, k->user, d->add, d->nadd, d->remove,
                           d->nremove, "click");
}

static void describe(click *k, const rp_decision *d)
{
    char roles[800];
    k->answer[0] = '\0';
    if (d->nadd) {
        rp_roles_text(d->add, d->nadd, roles, sizeof roles);
        rp_append(k->answer, sizeof k->answer, "Added %s.", roles);
    }
    if (d->nremove) {
        rp_roles_text(d->remove, d->nremove, roles, sizeof roles);
        rp_append(k->answer, sizeof k->answer, "%sRemoved %s.", d->nadd ? " " : "", roles);
    }
    if (d->nadd && k->p->temp_seconds > 0)
        rp_append(k->answer, sizeof k->answer, " %s removed <t:%" PRId64 ":R>.",
                  d->nadd == 1 ? "It will be" : "They will be",
                  rp_now_ms() / 1000 + k->p->temp_seconds);
}

static int refuse(click *k, int why, uint64_t role)
{
    char text[600];
    rp_reason_text(k->p, why, role, text, sizeof text);
    snprintf(k->answer, sizeof k->answer, "Nothing changed. %s", text);
    if (why >= RP_R_BOUND && k->p->id) {
        int rc = rp_audit_refusal(k->c, k->guild, k->p->id, why);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Runs the click inside the transaction; k->answer gets what to tell the member. */
static int run(click *k, int64_t panel, const uint64_t *chosen, int nchosen, int is_select)
{
    bh_result *r;
    int rc = bh_db_query(k->c, &r, "SELECT pg_advisory_xact_lock(hashtextextended("
                                   "'rolepanel:member:' || $1::text || ':' || $2::text, 0))",
                         BH_ARGS(bh_i64((int64_t)k->guild), bh_i64((int64_t)k->user)));
    int hot = 0;
    if (rc == 0)
        rc = cooling(k, &hot);
    if (rc < 0)
        return rc;
    rc = rp_panel_load(k->c, panel, k->guild, k->p);
    if (rc == BH_ENOTFOUND || (rc == 0 && k->p->state != RP_POSTED)) {
        k->p->id = 0;
        return refuse(k, RP_R_PANEL_GONE, 0);
    }
    if (rc < 0)
        return rc;
    if (hot)
        return refuse(k, RP_R_COOLDOWN, 0);
    if ((rc = member_roles(k)) < 0)
        return refuse(k, refusal_of(k->c, rc), 0);

    uint64_t panel_roles[RP_MAX_ROLES];
    for (int i = 0; i < k->p->nroles; i++)
        panel_roles[i] = k->p->roles[i].role_id;
    rp_click_in in = {
        .mode = k->p->mode, .min_roles = k->p->min_roles, .max_roles = k->p->max_roles,
        .panel_roles = panel_roles, .npanel = k->p->nroles,
        .member_roles = k->member, .nmember = k->nmember,
        .required_role = k->p->required_role, .excluded_role = k->p->excluded_role,
        .is_select = is_select, .chosen = chosen, .nchosen = nchosen,
    };
    if (k->p->mode == RP_BINDING && ((in.bound_role = bound_role(k, &rc)), rc < 0))
        return rc;
    rp_decision d;
    rp_decide(&in, &d);
    if (d.reason == RP_R_ROLE_GONE && !is_select && nchosen == 1)
        return refuse(k, RP_R_ROLE_GONE, chosen[0]);
    if (d.reason != RP_OK)
        return refuse(k, d.reason, d.role);
    uint64_t which = 0;
    if (!(k->g = rp_guild_open(k->c, k->guild)))
        return BH_ENOMEM;
    int why = safe(k, &d, &which);
    if (why != RP_OK)
        return refuse(k, why, which);
    if (apply(k, &d, &why) < 0) {
        bh_log(RP_HOST, BH_LOG_WARN, "panel %" PRId64 ": role change for %" PRIu64 " refused: %s",
               k->p->id, k->user, bh_ctx_error(k->c));
        return refuse(k, why, d.nadd ? d.add[0] : d.remove[0]);
    }
    k->done = d;
    k->applied = 1;
    if ((rc = record(k, &d)) < 0)
        return rc;
    describe(k, &d);
    return 0;
}

static int click_common(bh_ctx *c, int64_t panel, const uint64_t *chosen, int nchosen,
                        int is_select)
{
    int rc = bh_defer(c, 1);
    if (rc < 0)
        return rc;
    click *k = calloc(1, sizeof *k);
    rp_panel *p = calloc(1, sizeof *p);
    if (!k || !p) {
        free(k);
        free(p);
        return BH_ENOMEM;
    }
    k->c = c;
    k->p = p;
    k->guild = bh_id(c, BH_ID_GUILD);
    k->user = bh_id(c, BH_ID_USER);
    rc = bh_db_begin(c);
    if (rc == 0)
        rc = run(k, panel, chosen, nchosen, is_select);
    /* On failure the host rolls the transaction back; bh_ctx_error() keeps the first reason. */
    if (rc == 0)
        rc = bh_db_commit(c);
    if (rc < 0 && k->applied)
        undo(k);
    if (rc == 0)
        rc = bh_reply_text(c, "%s", k->answer);
    rp_guild_close(k->g);
    free(p);
    free(k);
    return rc;
}

/* The panel id in the custom_id, -1 for a forged one (no panel has it). */
static int64_t panel_id(bh_ctx *c)
{
    int64_t id;
    return bh_cid_i64(c, 1, &id) == 0 ? id : -1;
}

int rp_click_button(bh_ctx *c)
{
    uint64_t role = bh_cid_part(c, 2) ? strtoull(bh_cid_part(c, 2), NULL, 10) : 0;
    return click_common(c, panel_id(c), &role, 1, 0);
}

int rp_click_select(bh_ctx *c)
{
    uint64_t chosen[RP_MAX_ROLES];
    int n = 0;
    for (int i = 0; i < bh_value_count(c) && n < RP_MAX_ROLES; i++)
        chosen[n++] = strtoull(bh_value(c, i), NULL, 10);
    return click_common(c, panel_id(c), chosen, n, 1);
}
