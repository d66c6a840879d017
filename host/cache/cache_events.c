/*
 * Applying gateway dispatches: each event expands the guild it touches, changes
 * it and encodes it again (cache_guild.c); the new guild replaces the old one in
 * the table. All of this runs with wlock held.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"
#include "base/log.h"

/* Encodes x and puts it in the table; on failure the guild is dropped, not left stale. */
static int commit(cache *c, struct cx_guild *x, struct cache_scratch *s)
{
    struct cache_guild *g, *old;
    int rc = cg_encode(x, s, &g);
    if (rc == 0) {
        rc = ct_put(c, g, &old);
        if (rc == 0)
            free(old);
        else
            free(g);
    }
    if (rc < 0) {
        log_fields(LOG_WARN, "cache", NULL, "guild %llu dropped from the cache: %s",
                   (unsigned long long)x->id, rc == BH_ELIMIT ? "over the limits" : "no memory");
        ct_del(c, x->id);
    }
    return rc;
}

static int parse_roles(const json_t *arr, struct cache_scratch *s, struct cx_guild *x)
{
    size_t n = json_array_size(arr);
    if (n > CACHE_MAX_ROLES)
        return BH_ELIMIT;
    x->roles = cache__alloc(s, (n + 1) * sizeof *x->roles);
    if (!x->roles)
        return BH_ENOMEM;
    x->n_roles = 0;
    for (size_t i = 0; i < n; i++) {
        struct cx_role *r = &x->roles[x->n_roles];
        if (cj_role(json_array_get(arr, i), r) == 0) {
            r->seq = (uint32_t)i;
            x->n_roles++;
        }
    }
    return 0;
}

static int is_guild_channel_type(uint8_t type)
{
    /* DM, group DM and the three thread types are not cached. */
    return type != 1 && type != 3 && (type < 10 || type > 12);
}

static int apply_guild_create(cache *c, const json_t *d, struct cache_scratch *s)
{
    if (json_is_true(json_object_get(d, "unavailable")))
        return 0;
    struct cx_guild x = {0};
    x.id = cj_get_id(d, "id");
    if (!x.id)
        return BH_EINVAL;
    x.owner = cj_get_id(d, "owner_id");

    int rc = parse_roles(json_object_get(d, "roles"), s, &x);
    const json_t *arr = json_object_get(d, "channels");
    size_t n = json_array_size(arr);
    if (rc == 0 && n > CACHE_MAX_CHANNELS)
        rc = BH_ELIMIT;
    if (rc == 0 && !(x.chans = cache__alloc(s, (n + 1) * sizeof *x.chans)))
        rc = BH_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct cx_chan *ch = &x.chans[x.n_chans];
        int r = cj_chan(json_array_get(arr, i), s, ch);
        if (r < -1)
            rc = r;
        else if (r == 0 && is_guild_channel_type(ch->type)) {
            ch->seq = (uint32_t)i;
            x.n_chans++;
        }
    }

    uint64_t bot = c->bot_id;
    arr = json_object_get(d, "members");
    n = json_array_size(arr);
    for (size_t i = 0; rc == 0 && bot && i < n; i++) {
        const json_t *m = json_array_get(arr, i);
        if (cj_get_id(json_object_get(m, "user"), "id") != bot)
            continue;
        rc = cj_id_list(json_object_get(m, "roles"), s, &x.bot_roles, &x.n_bot_roles);
        x.bot_known = 1;
        break;
    }
    if (rc < 0) {
        ct_del(c, x.id);
        return rc;
    }
    return commit(c, &x, s);
}

static int apply_guild_update(cache *c, const json_t *d, struct cache_scratch *s)
{
    uint64_t id = cj_get_id(d, "id");
    if (!id)
        return BH_EINVAL;
    struct cache_guild *g = ct_get(c, id);
    if (!g)
        return 0;
    struct cx_guild x;
    int rc = cg_decode(g, s, &x);
    uint64_t owner = cj_get_id(d, "owner_id");
    if (owner)
        x.owner = owner;
    const json_t *roles = json_object_get(d, "roles");
    if (rc == 0 && json_is_array(roles))
        rc = parse_roles(roles, s, &x);
    if (rc < 0) {
        ct_del(c, id);
        return rc;
    }
    return commit(c, &x, s);
}

static int apply_guild_delete(cache *c, const json_t *d)
{
    uint64_t id = cj_get_id(d, "id");
    if (!id)
        return BH_EINVAL;
    if (!json_is_true(json_object_get(d, "unavailable"))) {
        ct_del(c, id);
        return 0;
    }
    struct cache_guild *g = ct_get(c, id);
    if (g) {
        pthread_rwlock_wrlock(&c->lock);
        g->unavailable = 1;
        pthread_rwlock_unlock(&c->lock);
    }
    return 0;
}

/* GUILD_ROLE_CREATE/UPDATE (del 0) and GUILD_ROLE_DELETE (del 1). */
static int apply_role(cache *c, const json_t *d, int del, struct cache_scratch *s)
{
    uint64_t gid = cj_get_id(d, "guild_id");
    struct cx_role r;
    if (!gid)
        return BH_EINVAL;
    if (del ? !(r.id = cj_get_id(d, "role_id")) : cj_role(json_object_get(d, "role"), &r) < 0)
        return BH_EINVAL;
    struct cache_guild *g = ct_get(c, gid);
    if (!g)
        return 0;
    struct cx_guild x;
    int rc = cg_decode(g, s, &x);
    if (rc < 0) {
        ct_del(c, gid);
        return rc;
    }
    uint32_t i = 0;
    while (i < x.n_roles && x.roles[i].id != r.id)
        i++;
    if (del) {
        if (i == x.n_roles)
            return 0;
        x.roles[i] = x.roles[--x.n_roles];
        uint32_t kept = 0;
        for (uint32_t k = 0; k < x.n_bot_roles; k++)
            if (x.bot_roles[k] != r.id)
                x.bot_roles[kept++] = x.bot_roles[k];
        x.n_bot_roles = kept;
    } else {
        r.seq = i;
        x.roles[i] = r; /* cg_decode() left a spare slot for i == n_roles */
        if (i == x.n_roles)
            x.n_roles++;
    }
    return commit(c, &x, s);
}

/* CHANNEL_CREATE/UPDATE (del 0) and CHANNEL_DELETE (del 1). */
static int apply_channel(cache *c, const json_t *d, int del, struct cache_scratch *s)
{
    uint64_t gid = cj_get_id(d, "guild_id");
    if (!gid)
        return 0; /* a DM */
    struct cx_chan ch;
    int rc = cj_chan(d, s, &ch);
    if (rc == -1)
        return BH_EINVAL;
    if (rc == 0 && !is_guild_channel_type(ch.type))
        return 0;
    struct cache_guild *g = ct_get(c, gid);
    if (!g)
        return rc == BH_ELIMIT ? BH_ELIMIT : 0;
    struct cx_guild x;
    if (rc == 0)
        rc = cg_decode(g, s, &x);
    if (rc < 0) {
        ct_del(c, gid);
        return rc;
    }
    uint32_t i = 0;
    while (i < x.n_chans && x.chans[i].id != ch.id)
        i++;
    if (del) {
        if (i == x.n_chans)
            return 0;
        x.chans[i] = x.chans[--x.n_chans];
    } else {
        ch.seq = i;
        x.chans[i] = ch;
        if (i == x.n_chans)
            x.n_chans++;
    }
    return commit(c, &x, s);
}

static int apply_member_update(cache *c, const json_t *d, struct cache_scratch *s)
{
    uint64_t gid = cj_get_id(d, "guild_id");
    uint64_t uid = cj_get_id(json_object_get(d, "user"), "id");
    if (!gid || !uid)
        return BH_EINVAL;
    struct cache_guild *g = ct_get(c, gid);
    if (!g || uid != c->bot_id)
        return 0;
    struct cx_guild x;
    int rc = cg_decode(g, s, &x);
    if (rc == 0)
        rc = cj_id_list(json_object_get(d, "roles"), s, &x.bot_roles, &x.n_bot_roles);
    if (rc < 0) {
        ct_del(c, gid);
        return rc;
    }
    x.bot_known = 1;
    return commit(c, &x, s);
}

static int apply_ready(cache *c, const json_t *d)
{
    uint64_t id = cj_get_id(json_object_get(d, "user"), "id");
    if (!id)
        return BH_EINVAL;
    pthread_rwlock_wrlock(&c->lock);
    c->bot_id = id;
    pthread_rwlock_unlock(&c->lock);
    return 0;
}

enum ev {
    EV_NONE,
    EV_READY,
    EV_GUILD_CREATE,
    EV_GUILD_UPDATE,
    EV_GUILD_DELETE,
    EV_ROLE_CREATE,
    EV_ROLE_UPDATE,
    EV_ROLE_DELETE,
    EV_CHANNEL_CREATE,
    EV_CHANNEL_UPDATE,
    EV_CHANNEL_DELETE,
    EV_MEMBER_UPDATE,
};

static enum ev event_kind(const char *name)
{
    static const struct {
        const char *name;
        enum ev ev;
    } events[] = {
        {"GUILD_CREATE", EV_GUILD_CREATE},           {"GUILD_UPDATE", EV_GUILD_UPDATE},
        {"GUILD_DELETE", EV_GUILD_DELETE},           {"GUILD_ROLE_CREATE", EV_ROLE_CREATE},
        {"GUILD_ROLE_UPDATE", EV_ROLE_UPDATE},       {"GUILD_ROLE_DELETE", EV_ROLE_DELETE},
        {"GUILD_MEMBER_UPDATE", EV_MEMBER_UPDATE},   {"CHANNEL_CREATE", EV_CHANNEL_CREATE},
        {"CHANNEL_UPDATE", EV_CHANNEL_UPDATE},       {"CHANNEL_DELETE", EV_CHANNEL_DELETE},
        {"READY", EV_READY},
    };
    /* Most traffic (MESSAGE_*, PRESENCE_*, TYPING_*, ...) stops at the first byte. */
    if (name[0] != 'G' && name[0] != 'C' && name[0] != 'R')
        return EV_NONE;
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        if (strcmp(name, events[i].name) == 0)
            return events[i].ev;
    return EV_NONE;
}

int cache_apply(cache *c, const char *event_name, const json_t *d)
{
    if (!c || !event_name)
        return BH_EINVAL;
    enum ev ev = event_kind(event_name);
    if (ev == EV_NONE)
        return 0;
    if (!json_is_object(d))
        return BH_EINVAL;

    struct cache_scratch s = {0};
    int rc = 0;
    pthread_mutex_lock(&c->wlock);
    switch (ev) {
    case EV_READY: rc = apply_ready(c, d); break;
    case EV_GUILD_CREATE: rc = apply_guild_create(c, d, &s); break;
    case EV_GUILD_UPDATE: rc = apply_guild_update(c, d, &s); break;
    case EV_GUILD_DELETE: rc = apply_guild_delete(c, d); break;
    case EV_ROLE_CREATE:
    case EV_ROLE_UPDATE: rc = apply_role(c, d, 0, &s); break;
    case EV_ROLE_DELETE: rc = apply_role(c, d, 1, &s); break;
    case EV_CHANNEL_CREATE:
    case EV_CHANNEL_UPDATE: rc = apply_channel(c, d, 0, &s); break;
    case EV_CHANNEL_DELETE: rc = apply_channel(c, d, 1, &s); break;
    case EV_MEMBER_UPDATE: rc = apply_member_update(c, d, &s); break;
    case EV_NONE: break;
    }
    pthread_mutex_unlock(&c->wlock);
    cache__scratch_free(&s);
    return rc;
}

