/*
 * Discord REST calls and the host's guild cache. Included by <bothost/bothost.h>.
 *
 * REST calls block the calling worker until Discord answers; the host handles
 * rate limits (waiting when a bucket is empty, honouring 429s) and retries
 * server errors. A refusal returns BH_EDISCORD (BH_EPERM for a missing
 * permission, BH_ENOTFOUND for an unknown message, member, role or channel), with
 * Discord's code in bh_discord_code() and its message in bh_ctx_error().
 * `reason`, where taken, goes to the guild's audit log (may be NULL).
 */
#ifndef BOTHOST_DISCORD_H
#define BOTHOST_DISCORD_H

#include <bothost/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Any REST call, for what the helpers below do not cover: `path` is relative to
 * the API base ("/guilds/123/roles"); `body` may be NULL; *out (may be NULL) gets
 * the parsed answer, which you json_decref().
 */
static inline int bh_rest(bh_ctx *c, const char *method, const char *path, const json_t *body,
                          const char *reason, json_t **out)
{
    return bh__api->rest(c, method, path, body, reason, out);
}

/* Discord's JSON error code of the last failed call (50013, 10008, ...), or 0. */
static inline int bh_discord_code(bh_ctx *c)
{
    return bh__api->discord_code(c);
}

/* Posts a message in a channel; *message_id (may be NULL) gets its id. */
static inline int bh_message_send(bh_ctx *c, uint64_t channel, bh_msg *m, uint64_t *message_id)
{
    return bh__api->message_send(c, channel, m, message_id);
}
static inline int bh_message_edit(bh_ctx *c, uint64_t channel, uint64_t message, bh_msg *m)
{
    return bh__api->message_edit(c, channel, message, m);
}
static inline int bh_message_delete(bh_ctx *c, uint64_t channel, uint64_t message)
{
    return bh__api->message_delete(c, channel, message);
}

/* Gives or takes a member's role. */
static inline int bh_role_add(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                              const char *reason)
{
    return bh__api->role_add(c, guild, user, role, reason);
}
static inline int bh_role_remove(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                                 const char *reason)
{
    return bh__api->role_remove(c, guild, user, role, reason);
}

/* Sends a direct message (opening the DM channel); fails if the user closed DMs. */
static inline int bh_dm_send(bh_ctx *c, uint64_t user, bh_msg *m, uint64_t *message_id)
{
    return bh__api->dm_send(c, user, m, message_id);
}

/* Times a member out until until_ms (Unix ms; at most 28 days ahead; 0 lifts it). */
static inline int bh_member_timeout(bh_ctx *c, uint64_t guild, uint64_t user, int64_t until_ms,
                                    const char *reason)
{
    return bh__api->member_timeout(c, guild, user, until_ms, reason);
}
static inline int bh_member_kick(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason)
{
    return bh__api->member_kick(c, guild, user, reason);
}
/* Bans, deleting the user's messages of the last delete_message_seconds (0..604800). */
static inline int bh_member_ban(bh_ctx *c, uint64_t guild, uint64_t user,
                                int delete_message_seconds, const char *reason)
{
    return bh__api->member_ban(c, guild, user, delete_message_seconds, reason);
}
static inline int bh_member_unban(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason)
{
    return bh__api->member_unban(c, guild, user, reason);
}
/* A guild member object (new reference in *out). */
static inline int bh_member_get(bh_ctx *c, uint64_t guild, uint64_t user, json_t **out)
{
    return bh__api->member_get(c, guild, user, out);
}

/* ---- The guild cache (no REST call) ---- */

/* A role of a guild: BH_ENOTFOUND when the cache has no such role. */
static inline int bh_guild_role(bh_ctx *c, uint64_t guild, uint64_t role, bh_role_info *out)
{
    return bh__api->guild_role(c, guild, role, out);
}
/* The position of the bot's highest role in a guild (roles at or above it are out of reach). */
static inline int bh_bot_top_position(bh_ctx *c, uint64_t guild)
{
    return bh__api->bot_top_position(c, guild);
}
static inline uint64_t bh_bot_user_id(bh_ctx *c)
{
    return bh__api->bot_user_id(c);
}
/* The bot's permissions in a channel (channel 0: guild-wide), overwrites applied. */
static inline uint64_t bh_bot_permissions(bh_ctx *c, uint64_t guild, uint64_t channel)
{
    return bh__api->bot_permissions(c, guild, channel);
}
/* The highest position among the given roles (e.g. bh_member_roles() of the actor). */
static inline int bh_member_top_position(bh_ctx *c, uint64_t guild, const uint64_t *roles,
                                         int n)
{
    return bh__api->member_top_position(c, guild, roles, n);
}

#ifdef __cplusplus
}
#endif

#endif
