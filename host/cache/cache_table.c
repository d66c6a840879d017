/*
 * The table of guilds: open addressing, linear probing, backward-shift
 * deletion, keyed by guild id.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"

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

struct cache_guild *ct_get(const cache *c, uint64_t id)
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

/* Under the write lock. */
static int tab_grow(cache *c)
{
    uint32_t cap = (c->mask + 1) * 2;
    struct cache_slot *s = calloc(cap, sizeof *s);
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

int ct_put(cache *c, struct cache_guild *g, struct cache_guild **old)
{
    *old = NULL;
    pthread_rwlock_wrlock(&c->lock);
    uint32_t i = hash_id(g->id) & c->mask;
    while (c->slots[i].id && c->slots[i].id != g->id)
        i = (i + 1) & c->mask;
    if (c->slots[i].id == g->id) {
        *old = c->slots[i].g;
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
        c->slots[i] = (struct cache_slot){g->id, g};
        c->count++;
    }
    pthread_rwlock_unlock(&c->lock);
    return 0;
}

void ct_del(cache *c, uint64_t id)
{
    struct cache_guild *old = NULL;
    pthread_rwlock_wrlock(&c->lock);
    uint32_t i = hash_id(id) & c->mask;
    while (c->slots[i].id && c->slots[i].id != id)
        i = (i + 1) & c->mask;
    if (c->slots[i].id == id) {
        old = c->slots[i].g;
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
        c->slots[hole] = (struct cache_slot){0, NULL};
    }
    pthread_rwlock_unlock(&c->lock);
    free(old);
}

const struct cache_guild *ct_rlock_guild(const cache *c, uint64_t id)
{
    pthread_rwlock_rdlock((pthread_rwlock_t *)&c->lock);
    return ct_get(c, id);
}

void ct_runlock(const cache *c)
{
    pthread_rwlock_unlock((pthread_rwlock_t *)&c->lock);
}
