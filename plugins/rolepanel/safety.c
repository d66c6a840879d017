/*
 * Which roles a panel may give: checked when an admin adds a role and again at
 * every click, from the host's guild cache (no REST call).
 */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rp_actor_is_admin(bh_ctx *c)
{
    return (bh_actor_permissions(c) & (BH_PERM_MANAGE_ROLES | BH_PERM_ADMINISTRATOR)) != 0;
}

struct rp_guild {
    bh_ctx *c;
    uint64_t id;
    int cold; /* the host's cache does not know the guild, even after asking Discord */
};

rp_guild *rp_guild_open(bh_ctx *c, uint64_t guild)
{
    rp_guild *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->c = c;
    g->id = guild;
    bh_role_info everyone;
    /* @everyone exists in every guild the cache knows; the host fills an unknown one. */
    if (bh_guild_role(c, guild, guild, &everyone) < 0) {
        g->cold = 1;
        bh_log(RP_HOST, BH_LOG_WARN, "guild %" PRIu64 " is not in the host's cache: %s", guild,
               bh_ctx_error(c));
    }
    return g;
}

void rp_guild_close(rp_guild *g)
{
    free(g);
}

int rp_guild_role(rp_guild *g, uint64_t role, bh_role_info *out)
{
    return bh_guild_role(g->c, g->id, role, out);
}

int rp_guild_cold(const rp_guild *g)
{
    return g->cold;
}

/* The acting member's highest role (0 if none) and its position. */
static uint64_t rp_actor_top_role(rp_guild *g, int *position)
{
    uint64_t roles[256], top = 0;
    int n = bh_actor_roles(g->c, roles, 256), best = 0;
    if (n > 256)
        n = 256;
    for (int i = 0; i < n; i++) {
        bh_role_info info;
        if (rp_guild_role(g, roles[i], &info) == 0 && (!top || info.position > best)) {
            top = roles[i];
            best = info.position;
        }
    }
    if (position)
        *position = best;
    return top;
}

/*
 * A can-manage-role answer as a reason: RP_OK when allowed; the refusals that
 * differ between the member and the bot are given.
 */
static int role_verdict(int rc, enum bh_role_deny why, int permission, int hierarchy)
{
    if (rc == BH_ENOTFOUND)
        return RP_R_ROLE_GONE;
    if (rc >= 0)
        return RP_OK;
    return why == BH_ROLE_PERMISSION ? permission
           : why == BH_ROLE_HIERARCHY ? hierarchy
           : why == BH_ROLE_MANAGED   ? RP_R_MANAGED
           : why == BH_ROLE_EVERYONE  ? RP_R_EVERYONE
                                      : RP_R_FAILED;
}

int rp_actor_may_give(rp_guild *g, uint64_t role, uint64_t *voucher)
{
    uint64_t roles[256], user = bh_id(g->c, BH_ID_USER);
    int n = bh_actor_roles(g->c, roles, 256);
    enum bh_role_deny why = BH_ROLE_OK;
    if (n > 256)
        n = 256;
    *voucher = 0;
    int rc = bh_member_can_manage_role(g->c, g->id, user, roles, n, role, &why);
    if ((rc = role_verdict(rc, why, RP_R_ACTOR_PERMISSION, RP_R_ESCALATION)) != RP_OK)
        return rc;
    /* The owner vouches for any role; anyone else as far as their highest role reaches. */
    uint64_t owner;
    if (bh_guild_owner(g->c, g->id, &owner) < 0 || user != owner)
        *voucher = rp_actor_top_role(g, NULL);
    return RP_OK;
}

int rp_role_check(rp_guild *g, uint64_t role, uint64_t admin_top, bh_role_info *info)
{
    bh_role_info tmp;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    if (role == g->id)
        return RP_R_EVERYONE;
    if (rp_guild_role(g, role, info) < 0)
        return RP_R_ROLE_GONE;
    enum bh_role_deny why = BH_ROLE_OK;
    int rc = bh_bot_can_manage_role(g->c, g->id, role, &why);
    if ((rc = role_verdict(rc, why, RP_R_BOT_PERMISSION, RP_R_BOT_HIERARCHY)) != RP_OK)
        return rc;
    if (admin_top) {
        bh_role_info top;
        /* The admin's highest role is gone: nobody vouches for this role any more. */
        if (rp_guild_role(g, admin_top, &top) < 0 || info->position >= top.position)
            return RP_R_ESCALATION;
    }
    return RP_OK;
}

void rp_dangerous_text(uint64_t perms, char *out, size_t n)
{
    static const struct {
        uint64_t bit;
        const char *name;
    } names[] = {{BH_PERM_ADMINISTRATOR, "Administrator"},
                 {BH_PERM_MANAGE_GUILD, "Manage Server"},
                 {BH_PERM_MANAGE_ROLES, "Manage Roles"},
                 {BH_PERM_BAN_MEMBERS, "Ban Members"},
                 {BH_PERM_KICK_MEMBERS, "Kick Members"}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (perms & names[i].bit)
            rp_append(out, n, "%s%s", out[0] ? ", " : "", names[i].name);
}

const char *rp_reason_name(int reason)
{
    switch (reason) {
    case RP_R_BOUND: return "binding";
    case RP_R_MAX: return "max_roles";
    case RP_R_MIN: return "min_roles";
    case RP_R_REQUIRED: return "required_role";
    case RP_R_EXCLUDED: return "excluded_role";
    case RP_R_COOLDOWN: return "cooldown";
    case RP_R_ROLE_GONE: return "role_gone";
    case RP_R_EVERYONE: return "everyone";
    case RP_R_MANAGED: return "managed_role";
    case RP_R_BOT_HIERARCHY: return "bot_hierarchy";
    case RP_R_BOT_PERMISSION: return "bot_permission";
    case RP_R_ESCALATION: return "escalation";
    case RP_R_ACTOR_PERMISSION: return "actor_permission";
    case RP_R_DANGEROUS: return "dangerous_role";
    case RP_R_PANEL_GONE: return "panel_gone";
    case RP_R_MEMBER_GONE: return "member_gone";
    case RP_R_FAILED: return "failed";
    default: return "none";
    }
}

void rp_reason_text(const rp_panel *p, int reason, uint64_t role, char *out, size_t n)
{
    char r[64];
    snprintf(r, sizeof r, "<@&%" PRIu64 ">", role);
    switch (reason) {
    case RP_NOOP_HAVE: snprintf(out, n, "You already have %s.", r); break;
    case RP_NOOP_LACK: snprintf(out, n, "You do not have %s, so there is nothing to remove.", r); break;
    case RP_NOOP_SAME: snprintf(out, n, "You already have exactly those roles."); break;
    case RP_R_BOUND: snprintf(out, n, "Your choice on this panel is final: you chose %s.", r); break;
    case RP_R_MAX:
        snprintf(out, n, "Limit reached: you can hold at most %d role%s of this panel.",
                 p ? p->max_roles : 0, p && p->max_roles == 1 ? "" : "s");
        break;
    case RP_R_MIN:
        snprintf(out, n, "Limit reached: you must keep at least %d role%s of this panel.",
                 p ? p->min_roles : 0, p && p->min_roles == 1 ? "" : "s");
        break;
    case RP_R_REQUIRED: snprintf(out, n, "Requirement missing: you need %s for this panel.", r); break;
    case RP_R_EXCLUDED: snprintf(out, n, "Requirement missing: members with %s cannot use this panel.", r); break;
    case RP_R_COOLDOWN: snprintf(out, n, "You are clicking too fast; wait a moment and try again."); break;
    case RP_R_ROLE_GONE: snprintf(out, n, "The role %s no longer exists.", r); break;
    case RP_R_EVERYONE: snprintf(out, n, "@everyone cannot be given or taken."); break;
    case RP_R_MANAGED:
        snprintf(out, n, "%s is managed by an integration (a bot, boosts or a subscription) and "
                         "cannot be given by anyone.", r);
        break;
    case RP_R_BOT_HIERARCHY:
        snprintf(out, n, "The bot lacks permission: %s is at or above the bot's highest role.", r);
        break;
    case RP_R_BOT_PERMISSION: snprintf(out, n, "The bot lacks permission: it needs Manage Roles."); break;
    case RP_R_ESCALATION:
        snprintf(out, n, "%s is at or above the highest role of the admin who configured it.", r);
        break;
    case RP_R_ACTOR_PERMISSION:
        snprintf(out, n, "Giving %s needs the Manage Roles permission.", r);
        break;
    case RP_R_DANGEROUS:
        snprintf(out, n, "%s now carries dangerous permissions; an admin must confirm it again.", r);
        break;
    case RP_R_PANEL_GONE: snprintf(out, n, "This panel no longer exists."); break;
    case RP_R_MEMBER_GONE: snprintf(out, n, "You are no longer a member of this server."); break;
    case RP_R_FAILED: snprintf(out, n, "Discord refused the change; nothing was changed."); break;
    default: snprintf(out, n, "Nothing changed."); break;
    }
}
