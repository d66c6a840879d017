/*
 * Buckets: one queue per rate limit, and the global limit.
 *
 * A bucket is keyed "<hash>:<major>" once Discord has named the route's bucket
 * (X-RateLimit-Bucket), and by the route with its major parameters filled in
 * ("POST /channels/123/messages") before. Learning a hash moves the bucket
 * under its new key, or merges it into the bucket already there when two routes
 * share a limit (Discord's PUT and DELETE of a member's role do).
 *
 * A bucket sends one request at a time: answers may come back out of order, so
 * only a bucket with nothing on the wire knows its true remaining count. This is
 * what discord.js does too; distinct channels, guilds and interactions are
 * distinct buckets and run in parallel.
 */
#include "rest/rest_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/clock.h"

/* Requests that arrive within a few ms of each other may land in the same second. */
#define REST_GLOBAL_WINDOW_MS 1050
#define REST_BUCKET_IDLE_MS 60000

static uint64_t key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int rest_buckets_init(rest *r)
{
    r->table_size = 64;
    r->table = calloc(r->table_size, sizeof *r->table);
    r->route_hash = calloc(rest_routes_count, sizeof *r->route_hash);
    r->global_ring = calloc((size_t)r->global_per_sec, sizeof *r->global_ring);
    if (!r->table || !r->route_hash || !r->global_ring)
        return BH_ENOMEM;
    return 0;
}

static rest_bucket **slot_of(rest *r, const char *key)
{
    rest_bucket **pp = &r->table[key_hash(key) & (r->table_size - 1)];
    while (*pp && strcmp((*pp)->key, key) != 0)
        pp = &(*pp)->hnext;
    return pp;
}

static void table_unlink(rest *r, rest_bucket *b)
{
    rest_bucket **pp = slot_of(r, b->key);
    if (*pp == b)
        *pp = b->hnext;
    b->hnext = NULL;
}

static void table_insert(rest *r, rest_bucket *b)
{
    rest_bucket **head = &r->table[key_hash(b->key) & (r->table_size - 1)];
    b->hnext = *head;
    *head = b;
}

static void table_grow(rest *r)
{
    size_t nsize = r->table_size * 2;
    rest_bucket **nt = calloc(nsize, sizeof *nt);
    if (!nt)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < r->table_size; i++) {
        rest_bucket *b = r->table[i], *next;
        for (; b; b = next) {
            next = b->hnext;
            rest_bucket **head = &nt[key_hash(b->key) & (nsize - 1)];
            b->hnext = *head;
            *head = b;
        }
    }
    free(r->table);
    r->table = nt;
    r->table_size = nsize;
}

static void bucket_free(rest *r, rest_bucket *b)
{
    rest_ready_unlist(r, b);
    table_unlink(r, b);
    r->nbuckets--;
    free(b->key);
    free(b);
}

void rest_buckets_free(rest *r)
{
    for (size_t i = 0; r->table && i < r->table_size; i++) {
        rest_bucket *b = r->table[i], *next;
        for (; b; b = next) {
            next = b->hnext;
            free(b->key);
            free(b);
        }
    }
    free(r->table);
    r->table = NULL;
    rest_ready_free(r);
    r->nbuckets = 0;
    free(r->route_hash);
    r->route_hash = NULL;
    free(r->global_ring);
    r->global_ring = NULL;
}

/* "POST /channels/123/messages": the route with its major parameters filled in. */
static char *route_key(const rest_route *route, const char *major)
{
    size_t cap = strlen(route->name) + strlen(major) + 2;
    char *key = malloc(cap), *o = key;
    const char *m = major;
    if (!key)
        return NULL;
    for (const char *t = route->name; *t;) {
        if (*t == '{' && *m) {
            const char *close = strchr(t, '}');
            size_t pl = close ? (size_t)(close - t + 1) : strlen(t);
            int is_major = rest_route_param_is_major(t, pl);
            if (is_major) {
                size_t vl = strcspn(m, "/");
                memcpy(o, m, vl);
                o += vl;
                m += vl;
                if (*m == '/')
                    m++;
                t += pl;
                continue;
            }
        }
        *o++ = *t++;
    }
    *o = '\0';
    return key;
}

static char *bucket_key(rest *r, const rest_route *route, const char *major)
{
    const char *hash = r->route_hash[route - rest_routes];
    if (!hash[0])
        return route_key(route, major);
    size_t cap = strlen(hash) + strlen(major) + 2;
    char *key = malloc(cap);
    if (key)
        snprintf(key, cap, "%s:%s", hash, major);
    return key;
}

rest_bucket *rest_bucket_for(rest *r, const rest_route *route, const char *major)
{
    char *key = bucket_key(r, route, major);
    if (!key)
        return NULL;
    rest_bucket **pp = slot_of(r, key);
    if (*pp) {
        free(key);
        return *pp;
    }
    /*
     * The hash is known but this major's requests still wait under the route's
     * own key (sent before the hash was learned): join them, or two requests of
     * one limit would be on the wire at once. Their answer moves the bucket.
     */
    if (r->route_hash[route - rest_routes][0]) {
        char *rkey = route_key(route, major);
        rest_bucket **rp = rkey ? slot_of(r, rkey) : NULL;
        free(rkey);
        if (rp && *rp) {
            free(key);
            return *rp;
        }
    }
    rest_bucket *b = calloc(1, sizeof *b);
    if (!b) {
        free(key);
        return NULL;
    }
    b->key = key;
    STAILQ_INIT(&b->queue);
    b->last_used = clock_now_ms();
    if (r->nbuckets >= r->table_size)
        table_grow(r);
    table_insert(r, b);
    r->nbuckets++;
    return b;
}

void rest_bucket_push(rest *r, rest_bucket *b, rest_op *op, int at_head)
{
    op->bucket = b;
    if (at_head)
        STAILQ_INSERT_HEAD(&b->queue, op, qlink);
    else
        STAILQ_INSERT_TAIL(&b->queue, op, qlink);
    r->st.queued++;
    /* A bucket with a request on the wire is looked at again when the answer comes. */
    if (!b->busy)
        rest_ready_activate(r, b);
}

rest_op *rest_bucket_pop(rest *r, rest_bucket *b)
{
    rest_op *op = STAILQ_FIRST(&b->queue);
    if (!op)
        return NULL;
    STAILQ_REMOVE_HEAD(&b->queue, qlink);
    if (STAILQ_EMPTY(&b->queue))
        rest_ready_unlist(r, b);
    r->st.queued--;
    return op;
}

/* Moves everything queued on `from` behind what `into` holds, then frees `from`. */
static void bucket_merge(rest *r, rest_bucket *from, rest_bucket *into)
{
    rest_op *op;
    while ((op = rest_bucket_pop(r, from)))
        rest_bucket_push(r, into, op, 0);
    into->busy += from->busy;
    if (from->known && (!into->known || from->reset_at > into->reset_at)) {
        into->known = 1;
        into->limit = from->limit;
        into->remaining = from->remaining;
        into->reset_at = from->reset_at;
    }
    bucket_free(r, from);
}

void rest_bucket_learn(rest *r, rest_op *op, uint64_t now)
{
    rest_bucket *b = op->bucket;
    if (op->hdr_bucket[0]) {
        char *hash = r->route_hash[op->route - rest_routes];
        if (strcmp(hash, op->hdr_bucket) != 0)
            snprintf(hash, sizeof r->route_hash[0], "%s", op->hdr_bucket);
        char *key = bucket_key(r, op->route, op->major);
        if (key && strcmp(key, b->key) != 0) {
            rest_bucket **pp = slot_of(r, key);
            if (*pp) {
                rest_bucket *into = *pp;
                bucket_merge(r, b, into);
                b = op->bucket = into;
                free(key);
            } else {
                table_unlink(r, b);
                free(b->key);
                b->key = key;
                table_insert(r, b);
            }
        } else {
            free(key);
        }
    }
    if (op->hdr_limit >= 0 && op->hdr_remaining >= 0 && op->hdr_reset_after >= 0) {
        b->known = 1;
        b->limit = op->hdr_limit;
        b->remaining = op->hdr_remaining;
        /* Our clock starts after Discord's did: erring late is the safe side. */
        b->reset_at = now + (uint64_t)ceil(op->hdr_reset_after * 1000.0);
    }
    b->last_used = now;
}

void rest_buckets_sweep(rest *r, uint64_t now)
{
    for (size_t i = 0; i < r->table_size; i++) {
        rest_bucket *b = r->table[i], *next;
        for (; b; b = next) {
            next = b->hnext;
            if (STAILQ_EMPTY(&b->queue) && !b->busy && now >= b->reset_at &&
                now - b->last_used > REST_BUCKET_IDLE_MS)
                bucket_free(r, b);
        }
    }
}

uint64_t rest_global_next(rest *r, uint64_t now)
{
    uint64_t oldest = r->global_ring[r->global_pos];
    if (oldest == 0 || oldest + REST_GLOBAL_WINDOW_MS <= now)
        return 0;
    return oldest + REST_GLOBAL_WINDOW_MS;
}

void rest_global_take(rest *r, uint64_t now)
{
    r->global_ring[r->global_pos] = now ? now : 1;
    r->global_pos = (r->global_pos + 1) % r->global_per_sec;
}
