/*
 * The guild cache: the table of guilds, applying dispatches, and the queries.
 *
 * Locking: `wlock` serialises writers; `lock` (a rwlock preferring writers, so a
 * stream of readers cannot starve the loop thread) guards what readers see. A
 * writer holds `wlock` throughout, so it may read the table without `lock`; it
 * builds the new guild outside `lock` and takes `lock` only to swap the pointer.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"
#include "base/log.h"

struct slot {
    uint64_t id; /* 0 when empty */
    struct cache_guild *g;
};

struct cache {
    pthread_rwlock_t lock;
    pthread_mutex_t wlock;
    uint64_t bot_id;
    struct slot *slots;
    uint32_t mask;
    uint32_t count;
    uint64_t n_roles, n_chans, n_ow, guild_bytes;
};

#define TABLE_MIN 64

static uint32_t hash_id(uint64_t id)
{
    id ^= id >> 33;
    id *= UINT64_C(0xff51afd7ed558ccd);
    id ^= id >> 33;
    return (uint32_t)id;
}

cache *cache_create(void)
{
    cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc(TABLE_MIN, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->mask = TABLE_MIN - 1;
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&c->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    pthread_mutex_init(&c->wlock, NULL);
    return c;
}

void cache_destroy(cache *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i <= c->mask; i++)
        free(c->slots[i].g);
    free(c->slots);
    pthread_rwlock_destroy(&c->lock);
    pthread_mutex_destroy(&c->wlock);
    free(c);
}

/* The table: open addressing, linear probing, backward-shift deletion. */

static struct cache_guild *tab_get(const cache *c, uint64_t id)
{
    if (id == 0)
        return NULL;
    for (uint32_t i = hash_id(id) & c->mask;; i = (i + 1) & c->mask) {
        if (c->slots[i].id == id)
            return c->slots[i].g;
        if (c->slots[i].id == 0)
            return NULL;
    }
}

static void account(cache *c, const struct cache_guild *g, int sign)
{
    c->n_roles += (uint64_t)(sign * (int64_t)g->n_roles);
    c->n_chans += (uint64_t)(sign * (int64_t)g->n_chans);
    c->n_ow += (uint64_t)(sign * (int64_t)g->n_ow);
    c->guild_bytes += (uint64_t)(sign * (int64_t)g->size);
}

/* Under the write lock. */
static int tab_grow(cache *c)
{
    uint32_t cap = (c->mask + 1) * 2;
    struct slot *s = calloc(cap, sizeof *s);
    if (!s)
        return BH_ENOMEM;
    for (uint32_t i = 0; i <= c->mask; i++) {
        if (!c->slots[i].id)
            continue;
        uint32_t k = hash_id(c->slots[i].id) & (cap - 1);
        while (s[k].id)
            k = (k + 1) & (cap - 1);
        s[k] = c->slots[i];
    }
    free(c->slots);
    c->slots = s;
    c->mask = cap - 1;
    return 0;
}

/* Inserts or replaces; returns the guild replaced (to free after unlocking). */
static int tab_put(cache *c, struct cache_guild *g, struct cache_guild **old)
{
    *old = NULL;
    pthread_rwlock_wrlock(&c->lock);
    uint32_t i = hash_id(g->id) & c->mask;
    while (c->slots[i].id && c->slots[i].id != g->id)
        i = (i + 1) & c->mask;
    if (c->slots[i].id == g->id) {
        *old = c->slots[i].g;
        account(c, *old, -1);
        c->slots[i].g = g;
    } else {
        if ((uint64_t)(c->count + 1) * 10 > (uint64_t)(c->mask + 1) * 7) {
            if (tab_grow(c) < 0) {
                pthread_rwlock_unlock(&c->lock);
                return BH_ENOMEM;
            }
            i = hash_id(g->id) & c->mask;
            while (c->slots[i].id)
                i = (i + 1) & c->mask;
        }
        c->slots[i] = (struct slot){g->id, g};
        c->count++;
    }
    account(c, g, +1);
    pthread_rwlock_unlock(&c->lock);
    return 0;
}

static void tab_del(cache *c, uint64_t id)
{
    struct cache_guild *old = NULL;
    pthread_rwlock_wrlock(&c->lock);
    uint32_t i = hash_id(id) & c->mask;
    while (c->slots[i].id && c->slots[i].id != id)
        i = (i + 1) & c->mask;
    if (c->slots[i].id == id) {
        old = c->slots[i].g;
        account(c, old, -1);
        c->count--;
        /* Shift back the entries whose probe passed through the hole. */
        uint32_t hole = i;
        for (uint32_t j = (i + 1) & c->mask; c->slots[j].id; j = (j + 1) & c->mask) {
            uint32_t home = hash_id(c->slots[j].id) & c->mask;
            if (((j - home) & c->mask) >= ((j - hole) & c->mask)) {
                c->slots[hole] = c->slots[j];
                hole = j;
            }
        }
        c->slots[hole] = (struct slot){0, NULL};
    }
    pthread_rwlock_unlock(&c->lock);
    free(old);
}

/* Applying events. All of these run with wlock held. */

/* Encodes x and puts it in the table; on failure the guild is dropped, not left stale. */
static int commit(cache *c, struct cx_guild *x, struct cache_scratch *s)
{
    struct cache_guild *g, *old;
    int rc = cg_encode(x, s, &g);
    if (rc == 0) {
        rc = tab_put(c, g, &old);
        if (rc == 0)
            free(old);
        else
            free(g);
    }
    if (rc < 0) {
        log_fields(LOG_WARN, "cache", NULL, "guild %llu dropped from the cache: %s",
                   (unsigned long long)x->id, rc == BH_ELIMIT ? "over the limits" : "no memory");
        tab_del(c, x->id);
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
        tab_del(c, x.id);
        return rc;
    }
    return commit(c, &x, s);
}

static int apply_guild_update(cache *c, const json_t *d, struct cache_scratch *s)
{
    uint64_t id = cj_get_id(d, "id");
    if (!id)
        return BH_EINVAL;
    struct cache_guild *g = tab_get(c, id);
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
        tab_del(c, id);
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
        tab_del(c, id);
        return 0;
    }
    struct cache_guild *g = tab_get(c, id);
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
    struct cache_guild *g = tab_get(c, gid);
    if (!g)
        return 0;
    struct cx_guild x;
    int rc = cg_decode(g, s, &x);
    if (rc < 0) {
        tab_del(c, gid);
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
    struct cache_guild *g = tab_get(c, gid);
    if (!g)
        return rc == BH_ELIMIT ? BH_ELIMIT : 0;
    struct cx_guild x;
    if (rc == 0)
        rc = cg_decode(g, s, &x);
    if (rc < 0) {
        tab_del(c, gid);
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
    struct cache_guild *g = tab_get(c, gid);
    if (!g || uid != c->bot_id)
        return 0;
    struct cx_guild x;
    int rc = cg_decode(g, s, &x);
    if (rc == 0)
        rc = cj_id_list(json_object_get(d, "roles"), s, &x.bot_roles, &x.n_bot_roles);
    if (rc < 0) {
        tab_del(c, gid);
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

/* Queries: each runs under the read lock and copies out. */

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

/* Takes the read lock and finds the guild; the caller unlocks with runlock(). */
static const struct cache_guild *rlock_guild(const cache *c, uint64_t id)
{
    pthread_rwlock_rdlock((pthread_rwlock_t *)&c->lock);
    return tab_get(c, id);
}

static void runlock(const cache *c)
{
    pthread_rwlock_unlock((pthread_rwlock_t *)&c->lock);
}

int cache_guild(const cache *c, uint64_t guild_id, cache_guild_info *out)
{
    const struct cache_guild *g = rlock_guild(c, guild_id);
    if (g)
        *out = (cache_guild_info){.id = g->id, .owner_id = g->owner_id,
                                  .role_count = g->n_roles, .channel_count = g->n_chans,
                                  .bot_role_count = g->n_bot_roles,
                                  .unavailable = g->unavailable != 0,
                                  .bot_member_known = g->bot_known != 0};
    runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

int cache_role(const cache *c, uint64_t guild_id, uint64_t role_id, cache_role_info *out)
{
    int rc = BH_ENOTFOUND;
    const struct cache_guild *g = rlock_guild(c, guild_id);
    long i = g ? cg_find(g->role_ids, g->n_roles, role_id) : -1;
    if (i >= 0) {
        fill_role(g, (uint32_t)i, out);
        rc = 0;
    }
    runlock(c);
    return rc;
}

struct role_order {
    int32_t position;
    uint32_t idx;
};

static int cmp_order(const void *a, const void *b)
{
    const struct role_order *x = a, *y = b;
    if (x->position != y->position)
        return x->position > y->position ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int cache_guild_roles(const cache *c, uint64_t guild_id, cache_role_info *out, int cap)
{
    struct role_order order[CACHE_MAX_ROLES];
    const struct cache_guild *g = rlock_guild(c, guild_id);
    if (!g) {
        runlock(c);
        return BH_ENOTFOUND;
    }
    uint32_t n = g->n_roles;
    if (cap > 0 && out) {
        for (uint32_t i = 0; i < n; i++) {
            struct cg_role r;
            cg_role_at(g, i, &r);
            order[i] = (struct role_order){r.position, i};
        }
        qsort(order, n, sizeof *order, cmp_order);
        for (uint32_t i = 0; i < n && i < (uint32_t)cap; i++)
            fill_role(g, order[i].idx, &out[i]);
    }
    runlock(c);
    return (int)n;
}

int cache_channel(const cache *c, uint64_t guild_id, uint64_t channel_id,
                  cache_channel_info *out)
{
    int rc = BH_ENOTFOUND;
    const struct cache_guild *g = rlock_guild(c, guild_id);
    long i = g ? cg_find(g->chan_ids, g->n_chans, channel_id) : -1;
    if (i >= 0) {
        struct cg_chan ch;
        cg_chan_at(g, (uint32_t)i, &ch);
        out->id = channel_id;
        out->parent_id = ch.parent;
        out->position = ch.position;
        out->type = ch.type;
        out->overwrite_count = ch.n_ow;
        copy_name(out->name, ch.name, ch.name_len);
        rc = 0;
    }
    runlock(c);
    return rc;
}

/* The position of @everyone, 0 when the guild did not send it. */
static int32_t everyone_position(const struct cache_guild *g)
{
    long i = cg_find(g->role_ids, g->n_roles, g->id);
    if (i < 0)
        return 0;
    struct cg_role r;
    cg_role_at(g, (uint32_t)i, &r);
    return r.position;
}

static int32_t highest_position(const struct cache_guild *g, const uint64_t *roles, int n)
{
    int32_t top = everyone_position(g);
    for (int k = 0; k < n; k++) {
        long i = cg_find(g->role_ids, g->n_roles, roles[k]);
        if (i < 0)
            continue;
        struct cg_role r;
        cg_role_at(g, (uint32_t)i, &r);
        if (r.position > top)
            top = r.position;
    }
    return top;
}

int cache_member_highest_position(const cache *c, uint64_t guild_id, const uint64_t *role_ids,
                                  int n, int32_t *out)
{
    const struct cache_guild *g = rlock_guild(c, guild_id);
    if (g)
        *out = highest_position(g, role_ids, role_ids ? n : 0);
    runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

int cache_bot_top_position(const cache *c, uint64_t guild_id, int32_t *out)
{
    const struct cache_guild *g = rlock_guild(c, guild_id);
    if (g)
        *out = highest_position(g, g->bot_roles, (int)g->n_bot_roles);
    runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

/* Discord's compute_base_permissions. */
static uint64_t base_perms(const struct cache_guild *g, uint64_t user, const uint64_t *roles,
                           int n)
{
    if (user && user == g->owner_id)
        return PERM_ALL;
    uint64_t perms = 0;
    long i = cg_find(g->role_ids, g->n_roles, g->id);
    struct cg_role r;
    if (i >= 0) {
        cg_role_at(g, (uint32_t)i, &r);
        perms = r.perms;
    }
    for (int k = 0; k < n; k++) {
        i = cg_find(g->role_ids, g->n_roles, roles[k]);
        if (i < 0)
            continue;
        cg_role_at(g, (uint32_t)i, &r);
        perms |= r.perms;
    }
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
    const struct cache_guild *g = rlock_guild(c, guild_id);
    if (g)
        *out = base_perms(g, user_id, role_ids, role_ids ? n : 0);
    runlock(c);
    return g ? 0 : BH_ENOTFOUND;
}

int cache_channel_permissions(const cache *c, uint64_t guild_id, uint64_t channel_id,
                              uint64_t user_id, const uint64_t *role_ids, int n, uint64_t *out)
{
    const struct cache_guild *g = rlock_guild(c, guild_id);
    int rc = g ? channel_perms(g, channel_id, user_id, role_ids, role_ids ? n : 0, out)
               : BH_ENOTFOUND;
    runlock(c);
    return rc;
}

int cache_bot_permissions(const cache *c, uint64_t guild_id, uint64_t channel_id, uint64_t *out)
{
    const struct cache_guild *g = rlock_guild(c, guild_id);
    int rc = BH_ENOTFOUND;
    if (!c->bot_id)
        rc = BH_ESTATE;
    else if (g)
        rc = channel_perms(g, channel_id, c->bot_id, g->bot_roles, (int)g->n_bot_roles, out);
    runlock(c);
    return rc;
}

/* The hierarchy checks shared by both manage-role questions. */
static int role_check(const struct cache_guild *g, uint64_t role_id, int check_position,
                      int32_t actor_top, enum cache_deny *why)
{
    long i = cg_find(g->role_ids, g->n_roles, role_id);
    if (i < 0)
        return BH_ENOTFOUND;
    struct cg_role r;
    cg_role_at(g, (uint32_t)i, &r);
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

int cache_can_manage_role(const cache *c, uint64_t guild_id, int32_t actor_top_position,
                          uint64_t role_id, enum cache_deny *why)
{
    enum cache_deny w = CACHE_DENY_NONE;
    const struct cache_guild *g = rlock_guild(c, guild_id);
    int rc = g ? role_check(g, role_id, 1, actor_top_position, &w) : BH_ENOTFOUND;
    runlock(c);
    if (why)
        *why = w;
    return rc;
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
    const struct cache_guild *g = rlock_guild(c, guild_id);
    int rc = g ? member_manage(g, user_id, role_ids, n < 0 ? 0 : n, role_id, &w) : BH_ENOTFOUND;
    runlock(c);
    if (why)
        *why = w;
    return rc;
}

int cache_bot_can_manage_role(const cache *c, uint64_t guild_id, uint64_t role_id,
                              enum cache_deny *why)
{
    enum cache_deny w = CACHE_DENY_NONE;
    int rc;
    const struct cache_guild *g = rlock_guild(c, guild_id);
    uint64_t bot = c->bot_id;
    if (!g)
        rc = BH_ENOTFOUND;
    else if (!bot)
        rc = BH_ESTATE;
    else
        rc = member_manage(g, bot, g->bot_roles, (int)g->n_bot_roles, role_id, &w);
    runlock(c);
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

void cache_stats(const cache *c, cache_stats_info *out)
{
    pthread_rwlock_rdlock((pthread_rwlock_t *)&c->lock);
    out->guilds = c->count;
    out->roles = c->n_roles;
    out->channels = c->n_chans;
    out->overwrites = c->n_ow;
    out->bytes = sizeof *c + (uint64_t)(c->mask + 1) * sizeof *c->slots + c->guild_bytes;
    runlock(c);
}
