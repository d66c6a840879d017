/* The plain queries: each runs under the read lock and copies out. */
#include <pthread.h>
#include <string.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"

static void copy_name(char *dst, const char *src, uint32_t len)
{
    if (len > CACHE_NAME_MAX)
        len = CACHE_NAME_MAX;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void fill_role(const struct cache_guild *g, uint32_t i, cache_role_info *out)
{
    struct cg_role r;
    cg_role_at(g, i, &r);
    out->id = g->role_ids[i];
    out->permissions = r.perms;
    out->position = r.position;
    out->color = r.color;
    out->flags = r.flags;
    out->managed = (r.bits & CX_MANAGED) != 0;
    out->hoist = (r.bits & CX_HOIST) != 0;
    out->mentionable = (r.bits & CX_MENTIONABLE) != 0;
    copy_name(out->name, r.name, r.name_len);
}

uint64_t cache_bot_user_id(const cache *c)
{
    pthread_rwlock_rdlock((pthread_rwlock_t *)&c->lock);
    uint64_t id = c->bot_id;
    pthread_rwlock_unlock((pthread_rwlock_t *)&c->lock);
    return id;
}

int cache_guild(const cache *c, uint64_t guild_id, cache_guild_info *out)
{
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    if (g)
        *out = (cache_guild_info){.id = g->id, .owner_id = g->owner_id,
                                  .role_count = g->n_roles, .channel_count = g->n_chans,
                                  .bot_role_count = g->n_bot_roles,
                                  .unavailable = g->unavailable != 0,
                                  .bot_member_known = g->bot_known != 0};
    ct_runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

int cache_role(const cache *c, uint64_t guild_id, uint64_t role_id, cache_role_info *out)
{
    int rc = BH_ENOTFOUND;
    const struct cache_guild *g = ct_rlock_guild(c, guild_id);
    long i = g ? cg_find(g->role_ids, g->n_roles, role_id) : -1;
    if (i >= 0) {
        fill_role(g, (uint32_t)i, out);
        rc = 0;
    }
    ct_runlock(c);
    return rc;
}
