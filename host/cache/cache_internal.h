/*
 * Inside the guild cache: the table of guilds (cache_table.c), the compact
 * guild (cache_guild.c encodes and decodes it), the expanded form an event is
 * applied to (cache_events.c), and the JSON readers (cache_json.c). The
 * queries are cache_query.c and cache_perms.c.
 */
#ifndef BH_CACHE_INTERNAL_H
#define BH_CACHE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Locking: `wlock` serialises writers; `lock` (a rwlock preferring writers, so a
 * stream of readers cannot starve the loop thread) guards what readers see. A
 * writer holds `wlock` throughout, so it may read the table without `lock`; it
 * builds the new guild outside `lock` and takes `lock` only to swap the pointer.
 */
struct cache_slot {
    uint64_t id; /* 0 when empty */
    struct cache_guild *g;
};

struct cache {
    pthread_rwlock_t lock;
    pthread_mutex_t wlock;
    uint64_t bot_id;
    struct cache_slot *slots;
    uint32_t mask;
    uint32_t count;
};

/* The guild with this id, or NULL. The caller holds `lock` or `wlock`. */
struct cache_guild *ct_get(const struct cache *c, uint64_t id);
/*
 * Inserts or replaces under `lock`; *old is the guild replaced, for the caller to
 * free after. 0 or BH_ENOMEM.
 */
int ct_put(struct cache *c, struct cache_guild *g, struct cache_guild **old);
/* Removes and frees a guild (nothing when absent). */
void ct_del(struct cache *c, uint64_t id);
/* Takes the read lock and finds the guild; the caller unlocks with ct_runlock(). */
const struct cache_guild *ct_rlock_guild(const struct cache *c, uint64_t id);
void ct_runlock(const struct cache *c);

/*
 * A bump allocator for the expanded form of one event: everything is freed at
 * once when the event is applied.
 */
struct cache_chunk;
struct cache_scratch {
    struct cache_chunk *head;
};
void *cache__alloc(struct cache_scratch *s, size_t size);
void cache__scratch_free(struct cache_scratch *s);

/* Expanded forms. Names point into the JSON or into the old guild's blob. */
struct cx_role {
    uint64_t id;
    uint64_t perms;
    int32_t position;
    uint32_t color;
    uint32_t flags;
    uint8_t bits; /* CX_MANAGED | CX_HOIST | CX_MENTIONABLE */
    uint32_t seq; /* input order, so the last of duplicate ids wins */
    const char *name;
    uint32_t name_len;
};
#define CX_MANAGED 1u
#define CX_HOIST 2u
#define CX_MENTIONABLE 4u

struct cx_ow {
    uint64_t id;
    uint64_t allow;
    uint64_t deny;
    uint8_t type; /* 0 role, 1 member */
};

/* A channel is kept for its overwrites only: nothing asks for its name or place. */
struct cx_chan {
    uint64_t id;
    uint8_t type; /* as read from JSON, to leave DMs and threads out; not stored */
    uint32_t seq;
    struct cx_ow *ow;
    uint32_t n_ow;
};

struct cx_guild {
    uint64_t id;
    uint64_t owner;
    struct cx_role *roles;
    uint32_t n_roles;
    struct cx_chan *chans;
    uint32_t n_chans;
    uint64_t *bot_roles;
    uint32_t n_bot_roles;
    uint8_t bot_known;
    uint8_t unavailable;
};

/*
 * The compact guild: one allocation. role_ids and chan_ids are sorted; the
 * matching *_off give each record's offset in blob. Records are varints:
 *   role:    perm_idx, zigzag(position), color, flags, bits(byte), name_len, name
 *   channel: n_ow, n_ow x [idx << 1 | type, allow_idx, deny_idx]
 * where *_idx index `perms` and overwrite targets index `ids`.
 */
struct cache_guild {
    uint64_t id;
    uint64_t owner_id;
    uint64_t *role_ids;
    uint64_t *chan_ids;
    uint64_t *ids;
    uint64_t *perms;
    uint64_t *bot_roles;
    uint32_t *role_off;
    uint32_t *chan_off;
    uint8_t *blob;
    uint32_t n_roles, n_chans, n_ids, n_perms, n_bot_roles;
    uint32_t n_ow;
    uint32_t size; /* bytes of this allocation */
    uint8_t bot_known;
    uint8_t unavailable;
};

/* Decoded views of one record (name points into the blob, not NUL-terminated). */
struct cg_role {
    uint64_t perms;
    int32_t position;
    uint32_t color;
    uint32_t flags;
    uint8_t bits;
    const char *name;
    uint32_t name_len;
};
struct cg_chan {
    uint32_t n_ow;
    const uint8_t *ow; /* the encoded overwrites, read with cg_next_ow() */
};

/* Index of an id in a sorted array, or -1. */
long cg_find(const uint64_t *ids, uint32_t n, uint64_t id);
void cg_role_at(const struct cache_guild *g, uint32_t i, struct cg_role *out);
void cg_chan_at(const struct cache_guild *g, uint32_t i, struct cg_chan *out);
/* Reads the next overwrite at *p and advances it. */
void cg_next_ow(const struct cache_guild *g, const uint8_t **p, struct cx_ow *out);

/* Expands a compact guild into `s` (names point into g, which must outlive x). */
int cg_decode(const struct cache_guild *g, struct cache_scratch *s, struct cx_guild *x);
/*
 * Encodes an expanded guild (sorting and de-duplicating its arrays in place).
 * 0 with *out a new malloc'd guild, BH_ELIMIT, BH_ENOMEM.
 */
int cg_encode(struct cx_guild *x, struct cache_scratch *s, struct cache_guild **out);

/* JSON readers: 0 when the value is valid, -1 otherwise. */
int cj_snowflake(const json_t *v, uint64_t *out);
int cj_u64(const json_t *v, uint64_t *out);
uint64_t cj_get_id(const json_t *obj, const char *key); /* 0 when absent or invalid */
int cj_role(const json_t *j, struct cx_role *out);
/* 0, -1 for no valid id, BH_ELIMIT, BH_ENOMEM. */
int cj_chan(const json_t *j, struct cache_scratch *s, struct cx_chan *out);
/* The role ids of a JSON array (invalid entries skipped). 0, BH_ELIMIT, BH_ENOMEM. */
int cj_id_list(const json_t *arr, struct cache_scratch *s, uint64_t **out, uint32_t *n);

#endif
