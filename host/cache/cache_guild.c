/*
 * The compact guild: encoding an expanded guild into one allocation, decoding it
 * back, and reading single records in place for queries.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"

/* Scratch memory. */

struct cache_chunk {
    struct cache_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN (64 * 1024)

void *cache__alloc(struct cache_scratch *s, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct cache_chunk *c = s->head;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = s->head;
        s->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

void cache__scratch_free(struct cache_scratch *s)
{
    while (s->head) {
        struct cache_chunk *n = s->head->next;
        free(s->head);
        s->head = n;
    }
}

/* Varints (LEB128) and zigzag for signed positions. */

static uint8_t *put_uv(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static uint64_t get_uv(const uint8_t **pp)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    int shift = 0;
    while (*p & 0x80) {
        v |= (uint64_t)(*p++ & 0x7f) << shift;
        shift += 7;
    }
    v |= (uint64_t)*p++ << shift;
    *pp = p;
    return v;
}

static uint32_t zz(int32_t v)
{
    return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

static int32_t unzz(uint64_t v)
{
    uint32_t u = (uint32_t)v;
    return (int32_t)((u >> 1) ^ (0u - (u & 1)));
}

/* Reading records. */

long cg_find(const uint64_t *ids, uint32_t n, uint64_t id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (long)lo : -1;
}

void cg_role_at(const struct cache_guild *g, uint32_t i, struct cg_role *out)
{
    const uint8_t *p = g->blob + g->role_off[i];
    out->perms = g->perms[get_uv(&p)];
    out->position = unzz(get_uv(&p));
    out->color = (uint32_t)get_uv(&p);
    out->flags = (uint32_t)get_uv(&p);
    out->bits = *p++;
    out->name_len = (uint32_t)get_uv(&p);
    out->name = (const char *)p;
}

void cg_chan_at(const struct cache_guild *g, uint32_t i, struct cg_chan *out)
{
    const uint8_t *p = g->blob + g->chan_off[i];
    out->n_ow = (uint32_t)get_uv(&p);
    out->ow = p;
}

void cg_next_ow(const struct cache_guild *g, const uint8_t **p, struct cx_ow *out)
{
    uint64_t t = get_uv(p);
    out->id = g->ids[t >> 1];
    out->type = (uint8_t)(t & 1);
    out->allow = g->perms[get_uv(p)];
    out->deny = g->perms[get_uv(p)];
}

int cg_decode(const struct cache_guild *g, struct cache_scratch *s, struct cx_guild *x)
{
    memset(x, 0, sizeof *x);
    x->id = g->id;
    x->owner = g->owner_id;
    x->bot_known = g->bot_known;
    x->unavailable = g->unavailable;
    /* One spare slot each, for the CREATE events that append. */
    x->roles = cache__alloc(s, (g->n_roles + 1) * sizeof *x->roles);
    x->chans = cache__alloc(s, (g->n_chans + 1) * sizeof *x->chans);
    x->bot_roles = cache__alloc(s, (g->n_bot_roles + 1) * sizeof *x->bot_roles);
    struct cx_ow *ow = cache__alloc(s, (g->n_ow + 1) * sizeof *ow);
    if (!x->roles || !x->chans || !x->bot_roles || !ow)
        return BH_ENOMEM;
    for (uint32_t i = 0; i < g->n_roles; i++) {
        struct cg_role r;
        cg_role_at(g, i, &r);
        x->roles[i] = (struct cx_role){.id = g->role_ids[i], .perms = r.perms,
                                       .position = r.position, .color = r.color,
                                       .flags = r.flags, .bits = r.bits, .seq = i,
                                       .name = r.name, .name_len = r.name_len};
    }
    x->n_roles = g->n_roles;
    for (uint32_t i = 0; i < g->n_chans; i++) {
        struct cg_chan ch;
        cg_chan_at(g, i, &ch);
        struct cx_chan *xc = &x->chans[i];
        *xc = (struct cx_chan){.id = g->chan_ids[i], .seq = i, .ow = ow, .n_ow = ch.n_ow};
        const uint8_t *p = ch.ow;
        for (uint32_t k = 0; k < ch.n_ow; k++)
            cg_next_ow(g, &p, ow++);
    }
    x->n_chans = g->n_chans;
    memcpy(x->bot_roles, g->bot_roles, g->n_bot_roles * sizeof *x->bot_roles);
    x->n_bot_roles = g->n_bot_roles;
    return 0;
}

/* Encoding. */

/* A dictionary of 64-bit values, indexed by an open-addressing table while encoding. */
struct dict {
    uint64_t *v;
    uint32_t n;
    uint32_t *slot; /* index + 1, 0 when empty */
    uint32_t mask;
};

static int dict_init(struct dict *d, struct cache_scratch *s, uint32_t max)
{
    uint32_t cap = 16;
    while (cap < 2 * max + 2)
        cap <<= 1;
    d->v = cache__alloc(s, (size_t)(max + 1) * sizeof *d->v);
    d->slot = cache__alloc(s, (size_t)cap * sizeof *d->slot);
    if (!d->v || !d->slot)
        return BH_ENOMEM;
    memset(d->slot, 0, (size_t)cap * sizeof *d->slot);
    d->n = 0;
    d->mask = cap - 1;
    return 0;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static uint32_t dict_idx(struct dict *d, uint64_t v)
{
    uint32_t i = (uint32_t)mix64(v) & d->mask;
    while (d->slot[i]) {
        if (d->v[d->slot[i] - 1] == v)
            return d->slot[i] - 1;
        i = (i + 1) & d->mask;
    }
    d->v[d->n] = v;
    d->slot[i] = ++d->n;
    return d->n - 1;
}

static int cmp_role(const void *a, const void *b)
{
    const struct cx_role *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_chan(const void *a, const void *b)
{
    const struct cx_chan *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* sort_unique() reads the id at the start of each record. */
_Static_assert(offsetof(struct cx_role, id) == 0, "a role starts with its id");
_Static_assert(offsetof(struct cx_chan, id) == 0, "a channel starts with its id");

static uint64_t id_at(const char *p)
{
    uint64_t id;
    memcpy(&id, p, sizeof id);
    return id;
}

/*
 * Sorts records that start with their id (or bare ids) with `cmp` and keeps the
 * last of each run of equal ids: the latest given, as cmp orders a run by input.
 */
static uint32_t sort_unique(void *base, uint32_t n, size_t size,
                            int (*cmp)(const void *, const void *))
{
    if (n < 2)
        return n;
    qsort(base, n, size, cmp);
    char *p = base;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        char *dst = k > 0 && id_at(p + (k - 1) * size) == id_at(p + i * size) ? p + (k - 1) * size
                                                                              : p + k++ * size;
        if (dst != p + i * size)
            memcpy(dst, p + i * size, size);
    }
    return k;
}

int cg_encode(struct cx_guild *x, struct cache_scratch *s, struct cache_guild **out)
{
    *out = NULL;
    x->n_roles = sort_unique(x->roles, x->n_roles, sizeof *x->roles, cmp_role);
    x->n_chans = sort_unique(x->chans, x->n_chans, sizeof *x->chans, cmp_chan);
    x->n_bot_roles = sort_unique(x->bot_roles, x->n_bot_roles, sizeof *x->bot_roles, cmp_u64);
    if (x->n_roles > CACHE_MAX_ROLES || x->n_chans > CACHE_MAX_CHANNELS ||
        x->n_bot_roles > CACHE_MAX_ROLES)
        return BH_ELIMIT;

    size_t n_ow = 0, bound = 0;
    for (uint32_t i = 0; i < x->n_roles; i++)
        bound += 5 * 5 + 1 + x->roles[i].name_len;
    for (uint32_t i = 0; i < x->n_chans; i++) {
        if (x->chans[i].n_ow > CACHE_MAX_OVERWRITES)
            return BH_ELIMIT;
        n_ow += x->chans[i].n_ow;
        bound += 5 + (size_t)x->chans[i].n_ow * 15;
    }
    if (n_ow > CACHE_MAX_GUILD_OVERWRITES)
        return BH_ELIMIT;

    /* Zeroed so that no path reads a dictionary dict_init() did not reach (GCC 12 -O3 cannot tell). */
    struct dict ids = {0}, perms = {0};
    int rc = dict_init(&ids, s, (uint32_t)n_ow);
    if (rc == 0)
        rc = dict_init(&perms, s, x->n_roles + 2 * (uint32_t)n_ow);
    uint8_t *tmp = cache__alloc(s, bound + 1);
    uint32_t *role_off = cache__alloc(s, (x->n_roles + 1) * sizeof *role_off);
    uint32_t *chan_off = cache__alloc(s, (x->n_chans + 1) * sizeof *chan_off);
    if (rc < 0 || !tmp || !role_off || !chan_off)
        return BH_ENOMEM;

    uint8_t *p = tmp;
    for (uint32_t i = 0; i < x->n_roles; i++) {
        const struct cx_role *r = &x->roles[i];
        role_off[i] = (uint32_t)(p - tmp);
        p = put_uv(p, dict_idx(&perms, r->perms));
        p = put_uv(p, zz(r->position));
        p = put_uv(p, r->color);
        p = put_uv(p, r->flags);
        *p++ = r->bits;
        p = put_uv(p, r->name_len);
        if (r->name_len)
            memcpy(p, r->name, r->name_len);
        p += r->name_len;
    }
    for (uint32_t i = 0; i < x->n_chans; i++) {
        const struct cx_chan *ch = &x->chans[i];
        chan_off[i] = (uint32_t)(p - tmp);
        p = put_uv(p, ch->n_ow);
        for (uint32_t k = 0; k < ch->n_ow; k++) {
            const struct cx_ow *o = &ch->ow[k];
            p = put_uv(p, (uint64_t)dict_idx(&ids, o->id) << 1 | (o->type & 1));
            p = put_uv(p, dict_idx(&perms, o->allow));
            p = put_uv(p, dict_idx(&perms, o->deny));
        }
    }
    size_t blob_len = (size_t)(p - tmp);

    size_t n64 = (size_t)x->n_roles + x->n_chans + ids.n + perms.n + x->n_bot_roles;
    size_t size = sizeof(struct cache_guild) + n64 * 8 +
                  ((size_t)x->n_roles + x->n_chans) * 4 + blob_len;
    struct cache_guild *g = malloc(size);
    if (!g)
        return BH_ENOMEM;
    g->id = x->id;
    g->owner_id = x->owner;
    g->n_roles = x->n_roles;
    g->n_chans = x->n_chans;
    g->n_ids = ids.n;
    g->n_perms = perms.n;
    g->n_bot_roles = x->n_bot_roles;
    g->n_ow = (uint32_t)n_ow;
    g->size = (uint32_t)size;
    g->bot_known = x->bot_known;
    g->unavailable = x->unavailable;
    g->role_ids = (uint64_t *)(g + 1);
    g->chan_ids = g->role_ids + g->n_roles;
    g->ids = g->chan_ids + g->n_chans;
    g->perms = g->ids + g->n_ids;
    g->bot_roles = g->perms + g->n_perms;
    g->role_off = (uint32_t *)(g->bot_roles + g->n_bot_roles);
    g->chan_off = g->role_off + g->n_roles;
    g->blob = (uint8_t *)(g->chan_off + g->n_chans);
    for (uint32_t i = 0; i < x->n_roles; i++)
        g->role_ids[i] = x->roles[i].id;
    for (uint32_t i = 0; i < x->n_chans; i++)
        g->chan_ids[i] = x->chans[i].id;
    memcpy(g->ids, ids.v, ids.n * sizeof *g->ids);
    memcpy(g->perms, perms.v, perms.n * sizeof *g->perms);
    if (x->n_bot_roles)
        memcpy(g->bot_roles, x->bot_roles, x->n_bot_roles * sizeof *g->bot_roles);
    memcpy(g->role_off, role_off, x->n_roles * sizeof *role_off);
    memcpy(g->chan_off, chan_off, x->n_chans * sizeof *chan_off);
    memcpy(g->blob, tmp, blob_len);
    *out = g;
    return 0;
}
