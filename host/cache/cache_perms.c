/*
 * Discord's permission math and role hierarchy over a cached guild: base and
 * channel permissions, highest positions, who may manage which role.
 */
#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"

/* Decodes the guild's role `id` into *out: 1, or 0 when the guild has none. */
static int role_of(const struct cache_guild *g, uint64_t id, struct cg_role *out)
{
    long i = cg_find(g->role_ids, g->n_roles, id);
    if (i < 0)
        return 0;
    cg_role_at(g, (uint32_t)i, out);
    return 1;
}

/* The highest position among `roles`, at least @everyone's (0 when the guild did not send it). */
static int32_t highest_position(const struct cache_guild *g, const uint64_t *roles, int n)
{
    struct cg_role r;
    int32_t top = role_of(g, g->id, &r) ? r.position : 0;
    for (int k = 0; k < n; k++)
        if (role_of(g, roles[k], &r) && r.position > top)
            top = r.position;
    return top;
}

int cache_member_highest_position(const cache *c, uint64_t guild_id, const uint64_t *role_ids,
                                  int n, int32_t *out)
{
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    if (g)
        *out = highest_position(g, role_ids, role_ids ? n : 0);
    ct_runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

int cache_bot_top_position(const cache *c, uint64_t guild_id, int32_t *out)
{
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    if (g)
        *out = highest_position(g, g->bot_roles, (int)g->n_bot_roles);
    ct_runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

/* Discord's compute_base_permissions. */
static uint64_t base_perms(const struct cache_guild *g, uint64_t user, const uint64_t *roles,
                           int n)
{
    if (user && user == g->owner_id)
        return PERM_ALL;
    struct cg_role r;
    uint64_t perms = role_of(g, g->id, &r) ? r.perms : 0;
    for (int k = 0; k < n; k++)
        if (role_of(g, roles[k], &r))
            perms |= r.perms;
    return perms & PERM_ADMINISTRATOR ? PERM_ALL : perms;
}

static int has_role(const uint64_t *roles, int n, uint64_t id)
{
    for (int k = 0; k < n; k++)
        if (roles[k] == id)
            return 1;
    return 0;
}

/* Discord's compute_overwrites; BH_ENOTFOUND for an unknown channel. */
static int channel_perms(const struct cache_guild *g, uint64_t channel, uint64_t user,
                         const uint64_t *roles, int n, uint64_t *out)
{
    uint64_t base = base_perms(g, user, roles, n);
    if (channel == 0 || base & PERM_ADMINISTRATOR) {
        /* An administrator's channel permissions are everything, like the base. */
        if (channel != 0 && cg_find(g->chan_ids, g->n_chans, channel) < 0)
            return BH_ENOTFOUND;
        *out = base;
        return 0;
    }
    long i = cg_find(g->chan_ids, g->n_chans, channel);
    if (i < 0)
        return BH_ENOTFOUND;
    struct cg_chan ch;
    cg_chan_at(g, (uint32_t)i, &ch);
    uint64_t ev_allow = 0, ev_deny = 0, r_allow = 0, r_deny = 0, m_allow = 0, m_deny = 0;
    const uint8_t *p = ch.ow;
    for (uint32_t k = 0; k < ch.n_ow; k++) {
        struct cx_ow o;
        cg_next_ow(g, &p, &o);
        if (o.type == 0 && o.id == g->id) {
            ev_allow |= o.allow;
            ev_deny |= o.deny;
        } else if (o.type == 0 && has_role(roles, n, o.id)) {
            r_allow |= o.allow;
            r_deny |= o.deny;
        } else if (o.type == 1 && user && o.id == user) {
            m_allow |= o.allow;
            m_deny |= o.deny;
        }
    }
    uint64_t perms = base;
    perms = (perms & ~ev_deny) | ev_allow;
    perms = (perms & ~r_deny) | r_allow;
    perms = (perms & ~m_deny) | m_allow;
    *out = perms;
    return 0;
}

int cache_base_permissions(const cache *c, uint64_t guild_id, uint64_t user_id,
                           const uint64_t *role_ids, int n, uint64_t *out)
{
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    if (g)
        *out = base_perms(g, user_id, role_ids, role_ids ? n : 0);
    ct_runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

int cache_channel_permissions(const cache *c, uint64_t guild_id, uint64_t channel_id,
                              uint64_t user_id, const uint64_t *role_ids, int n, uint64_t *out)
{
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    int rc = g ? channel_perms(g, channel_id, user_id, role_ids, role_ids ? n : 0, out)
               : BH_ENOTFOUND;
    ct_runlock(c);
    return rc;
}

int cache_bot_permissions(const cache *c, uint64_t guild_id, uint64_t channel_id, uint64_t *out)
{
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    int rc = BH_ENOTFOUND;
    if (!c->bot_id)
        rc = BH_ESTATE;
    else if (g)
        rc = channel_perms(g, channel_id, c->bot_id, g->bot_roles, (int)g->n_bot_roles, out);
    ct_runlock(c);
    return rc;
}

/* The hierarchy checks of a manage-role question. */
static int role_check(const struct cache_guild *g, uint64_t role_id, int check_position,
                      int32_t actor_top, enum cache_deny *why)
{
    struct cg_role r;
    if (!role_of(g, role_id, &r))
        return BH_ENOTFOUND;
    if (role_id == g->id)
        *why = CACHE_DENY_EVERYONE;
    else if (r.bits & CX_MANAGED)
        *why = CACHE_DENY_MANAGED;
    else if (check_position && r.position >= actor_top)
        *why = CACHE_DENY_HIERARCHY;
    else
        return 0;
    return BH_EPERM;
}

/*
 * Discord's rule for giving or taking a role: the owner may manage any
 * assignable role; anyone else needs MANAGE_ROLES (ADMINISTRATOR includes it)
 * and the role strictly below their highest role. Administrator does not lift
 * the hierarchy. Called with the read lock held.
 */
static int member_manage(const struct cache_guild *g, uint64_t user, const uint64_t *roles,
                         int n, uint64_t role_id, enum cache_deny *w)
{
    int owner = user == g->owner_id;
    int32_t top = highest_position(g, roles, n);
    int rc = role_check(g, role_id, !owner, top, w);
    if (!owner && (rc == 0 || (rc == BH_EPERM && *w == CACHE_DENY_HIERARCHY))) {
        uint64_t perms = base_perms(g, user, roles, n);
        if (!(perms & PERM_MANAGE_ROLES)) {
            *w = CACHE_DENY_PERMISSION;
            rc = BH_EPERM;
        }
    }
    return rc;
}

int cache_member_can_manage_role(const cache *c, uint64_t guild_id, uint64_t user_id,
                                 const uint64_t *role_ids, int n, uint64_t role_id,
                                 enum cache_deny *why)
{
    enum cache_deny w = CACHE_DENY_NONE;
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    int rc = g ? member_manage(g, user_id, role_ids, n < 0 ? 0 : n, role_id, &w) : BH_ENOTFOUND;
    ct_runlock(c);
    if (why)
        *why = w;
    return rc;
}

int cache_bot_can_manage_role(const cache *c, uint64_t guild_id, uint64_t role_id,
                              enum cache_deny *why)
{
    enum cache_deny w = CACHE_DENY_NONE;
    int rc;
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    uint64_t bot = c->bot_id;
    if (!g)
        rc = BH_ENOTFOUND;
    else if (!bot)
        rc = BH_ESTATE;
    else
        rc = member_manage(g, bot, g->bot_roles, (int)g->n_bot_roles, role_id, &w);
    ct_runlock(c);
    if (why)
        *why = w;
    return rc;
}

const char *cache_deny_text(enum cache_deny why)
{
    switch (why) {
    case CACHE_DENY_NONE: return "allowed";
    case CACHE_DENY_EVERYONE: return "the @everyone role cannot be assigned";
    case CACHE_DENY_MANAGED: return "the role is managed by an integration";
    case CACHE_DENY_HIERARCHY: return "the role is not below the actor's highest role";
    case CACHE_DENY_PERMISSION: return "the actor lacks the Manage Roles permission";
    }
    return "unknown reason";
}
