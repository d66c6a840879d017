/*
 * The guild cache: what the bot knows about its guilds from the gateway (roles,
 * channels with their permission overwrites, the owner, the bot's own roles), so
 * that permissions and role positions can be answered without a REST call.
 *
 * Writing: the loop thread feeds every dispatch to cache_apply(). Events the cache
 * does not use cost a few byte comparisons. Writers are serialised by an internal
 * mutex, so several threads may call cache_apply(), but one is the design.
 *
 * Reading: any thread. Every query takes a read lock, copies what it answers into
 * the caller's memory and drops the lock; nothing returned points into the cache.
 *
 * Memory: a guild is one allocation holding sorted id arrays for its roles and
 * channels and a byte blob of varint-encoded records (a role's name, position and
 * permissions; a channel's overwrites only, whose targets and permission sets
 * refer to small per-guild dictionaries). A
 * change to a guild re-encodes it into a new allocation which replaces the old one
 * under the write lock, so readers never see a half-applied event.
 *
 * Events used (Discord gateway v10):
 *   READY                       the bot's user id (d.user.id)
 *   GUILD_CREATE                the whole guild: owner_id, roles, channels, and from
 *                               members only the bot's own member's roles (READY must
 *                               come first for the bot to be recognised). A payload
 *                               with "unavailable": true is ignored.
 *   GUILD_UPDATE                owner_id, and the roles when the array is present
 *   GUILD_DELETE                "unavailable": true keeps the data and marks the guild
 *                               unavailable (an outage); without it the bot left the
 *                               guild and it is forgotten
 *   GUILD_ROLE_CREATE/UPDATE    d.guild_id, d.role
 *   GUILD_ROLE_DELETE           d.guild_id, d.role_id (also dropped from the bot's roles)
 *   CHANNEL_CREATE/UPDATE/DELETE guild channels only: DMs (no guild_id) and thread
 *                               types (10, 11, 12) are ignored
 *   GUILD_MEMBER_UPDATE         only when d.user.id is the bot: its roles
 * THREAD_* events are ignored: a thread has its parent channel's permissions (plus
 * SEND_MESSAGES_IN_THREADS), so ask cache_channel_permissions() for the parent.
 *
 * Outside input: cache_apply() accepts any JSON. Fields of the wrong type count as
 * missing (ids: a string of decimal digits or a non-negative integer; permissions:
 * the same; positions clamped to int32). Objects without a valid id are skipped.
 * A guild over the limits below is not cached (an existing copy is dropped rather
 * than left stale), and cache_apply() returns BH_ELIMIT.
 */
#ifndef BH_CACHE_H
#define BH_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/perms.h"

/* Longest name kept, in bytes (Discord allows 100 characters; UTF-8 may take 4 each). */
#define CACHE_NAME_MAX 400
/* Limits per guild (Discord's own are 250 roles and 500 channels). */
#define CACHE_MAX_ROLES 1000
#define CACHE_MAX_CHANNELS 2000
#define CACHE_MAX_OVERWRITES 1000        /* per channel */
#define CACHE_MAX_GUILD_OVERWRITES 100000 /* per guild, all channels */

typedef struct cache cache;

typedef struct cache_role_info {
    uint64_t id;
    uint64_t permissions;
    int32_t position;
    uint32_t color;
    uint32_t flags; /* Discord's role flags (1 = IN_PROMPT) */
    bool managed;   /* owned by an integration or a bot: nobody can assign it */
    bool hoist;
    bool mentionable;
    char name[CACHE_NAME_MAX + 1];
} cache_role_info;

typedef struct cache_guild_info {
    uint64_t id;
    uint64_t owner_id;
    uint32_t role_count;
    uint32_t channel_count;
    uint32_t bot_role_count; /* roles of the bot's own member */
    bool unavailable;        /* a GUILD_DELETE with unavailable: the data may be stale */
    bool bot_member_known;   /* the bot's member was seen (GUILD_CREATE or MEMBER_UPDATE) */
} cache_guild_info;

/* Why the bot may not assign a role (cache_bot_can_manage_role()). */
enum cache_deny {
    CACHE_DENY_NONE = 0,
    CACHE_DENY_EVERYONE,   /* the @everyone role cannot be assigned */
    CACHE_DENY_MANAGED,    /* an integration's role (bot, booster, subscription) */
    CACHE_DENY_HIERARCHY,  /* at or above the actor's highest role */
    CACHE_DENY_PERMISSION, /* neither MANAGE_ROLES nor ADMINISTRATOR */
};

/* Creates an empty cache; NULL when out of memory. */
cache *cache_create(void);
/* Frees the cache and everything in it. No reader may be inside a query. NULL is a no-op. */
void cache_destroy(cache *c);

/*
 * Applies one gateway dispatch: `event_name` is the dispatch's t, `d` its d.
 * Returns 0 when applied or ignored (an unknown event, a DM channel, a role of a
 * guild not cached), BH_EINVAL for a payload without the ids it needs, BH_ELIMIT
 * for a guild over the limits, BH_ENOMEM.
 */
int cache_apply(cache *c, const char *event_name, const json_t *d);

/* The bot's user id from READY, 0 before it. */
uint64_t cache_bot_user_id(const cache *c);

/* Copies a guild's summary. 0, or BH_ENOTFOUND when the guild is not cached. */
int cache_guild(const cache *c, uint64_t guild_id, cache_guild_info *out);

/* Copies one role. 0, or BH_ENOTFOUND (guild or role unknown). */
int cache_role(const cache *c, uint64_t guild_id, uint64_t role_id, cache_role_info *out);

/*
 * The highest position among the given roles of a guild into *out (roles the
 * guild does not have are skipped; with none left it is the position of
 * @everyone, 0). 0, or BH_ENOTFOUND for an unknown guild.
 */
int cache_member_highest_position(const cache *c, uint64_t guild_id, const uint64_t *role_ids,
                                  int n, int32_t *out);

/* The highest position among the bot's own roles into *out. 0, or BH_ENOTFOUND. */
int cache_bot_top_position(const cache *c, uint64_t guild_id, int32_t *out);

/*
 * A member's guild-wide permissions, by Discord's algorithm: the owner has
 * PERM_ALL; otherwise @everyone's permissions (the role whose id is the guild's)
 * OR those of each of `role_ids`; ADMINISTRATOR among them gives PERM_ALL.
 * `role_ids` is the member's roles as Discord sends them (an interaction's
 * member.roles). 0, or BH_ENOTFOUND for an unknown guild.
 */
int cache_base_permissions(const cache *c, uint64_t guild_id, uint64_t user_id,
                           const uint64_t *role_ids, int n, uint64_t *out);

/*
 * A member's permissions in a channel: the base permissions (above), then, unless
 * they hold ADMINISTRATOR, the channel's overwrites in Discord's order: @everyone's
 * deny then allow, the member's role overwrites OR'd together (deny then allow),
 * then the member's own overwrite (deny then allow). Implicit rules (no
 * VIEW_CHANNEL hides everything, no SEND_MESSAGES removes embeds and files) are
 * the caller's to apply. channel_id 0 gives the base permissions.
 * 0, or BH_ENOTFOUND (guild or channel unknown).
 */
int cache_channel_permissions(const cache *c, uint64_t guild_id, uint64_t channel_id,
                              uint64_t user_id, const uint64_t *role_ids, int n, uint64_t *out);

/*
 * The bot's own permissions in a guild (channel_id 0) or a channel, from the roles
 * of its member. 0, BH_ENOTFOUND, or BH_ESTATE before READY.
 */
int cache_bot_permissions(const cache *c, uint64_t guild_id, uint64_t channel_id, uint64_t *out);

/*
 * "Can the bot add this role to a member?": the role exists, is not @everyone, is
 * not managed, is strictly below the bot's top position, and the bot has
 * MANAGE_ROLES or ADMINISTRATOR. A bot that owns the guild passes the hierarchy. 0 when allowed, BH_EPERM with *why, BH_ENOTFOUND,
 * BH_ESTATE before READY.
 */
int cache_bot_can_manage_role(const cache *c, uint64_t guild_id, uint64_t role_id,
                              enum cache_deny *why);

/*
 * "Can this member give or take this role?" by Discord's rules: the guild's owner
 * may manage every role but @everyone and managed ones; anyone else needs
 * MANAGE_ROLES (ADMINISTRATOR includes it) in their base permissions and the
 * role strictly below their highest role (ADMINISTRATOR does not lift that).
 * `role_ids` are the member's roles as Discord sends them. 0 when allowed,
 * BH_EPERM with *why (if not NULL), BH_ENOTFOUND (guild or role unknown).
 */
int cache_member_can_manage_role(const cache *c, uint64_t guild_id, uint64_t user_id,
                                 const uint64_t *role_ids, int n, uint64_t role_id,
                                 enum cache_deny *why);

/* A sentence for a deny reason, for logs and user-facing errors. */
const char *cache_deny_text(enum cache_deny why);

#endif
