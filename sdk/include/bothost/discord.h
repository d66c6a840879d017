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

/*
 * ---- The outbox: Discord calls after the commit ----
 *
 * A handler must not wait on Discord while its transaction holds row locks:
 * every other member's click on those rows would wait too (and a job always runs
 * inside its transaction). Queue the call instead. The request is written with
 * the handler's database connection, so it exists only if the handler's
 * transaction commits (outside a transaction: at once), and the host sends it
 * after the commit, on a worker, with the same rate-limit handling. Requests of
 * one path go out in the order they were queued; a queued request survives a
 * crash and is sent at least once. A transient failure (no answer, a server
 * error) is retried like a job; a refusal (missing permission, unknown channel)
 * is logged and dropped. Interaction answers and webhooks cannot be queued.
 * Nothing comes back: use the direct calls when you need the answer (an id).
 */
static inline int bh_outbox_rest(bh_ctx *c, const char *method, const char *path,
                                 const json_t *body, const char *reason)
{
    if (!BH_API_HAS(bh__api, outbox_rest))
        return BH_ENOSYS;
    return bh__api->outbox_rest(c, method, path, body, reason);
}
/*
 * bh_outbox_rest(), and when Discord refuses the request for good (a missing
 * permission, an unknown message or channel), the host runs your job of kind
 * `refused_kind` (registered with bh_job_handle()) with the payload
 * {"context": context, "code": Discord's code (10008...), "result": the BH_E*
 * code, "error": Discord's message}, in the transaction that drops the request.
 */
static inline int bh_outbox_rest_report(bh_ctx *c, const char *method, const char *path,
                                        const json_t *body, const char *reason,
                                        const char *refused_kind, const json_t *context)
{
    if (!BH_API_HAS(bh__api, outbox_rest_report))
        return BH_ENOSYS;
    return bh__api->outbox_rest_report(c, method, path, body, reason, refused_kind, context);
}
/* bh_message_send() after the commit: the message is checked (BH_ELIMIT) and copied now. */
static inline int bh_outbox_message_send(bh_ctx *c, uint64_t channel, bh_msg *m)
{
    if (!BH_API_HAS(bh__api, outbox_message_send))
        return BH_ENOSYS;
    return bh__api->outbox_message_send(c, channel, m);
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

/* Times a member out until until_ms (Unix ms; Discord refuses more than 28 days ahead; 0 lifts it).
 */
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

/*
 * ---- The guild cache ----
 *
 * Answers from the host's cache of every guild's roles and channels, kept by the
 * gateway. The first question about a guild the cache has not seen (after a
 * restart that resumed the gateway session, Discord sends no guild data) makes
 * the host fetch it from Discord (the guild's roles, channels and the bot's
 * member: REST calls that block this worker); later questions are answered from
 * memory. Errors: BH_ENOTFOUND when the cache does not know (the reason in
 * bh_ctx_error()), BH_ENOSYS without a cache (bothost --check) or on a host
 * older than the function.
 */

/* A role of a guild into *out (a copy): BH_ENOTFOUND when the cache has no such role. */
static inline int bh_guild_role(bh_ctx *c, uint64_t guild, uint64_t role, bh_role_info *out)
{
    return bh__api->guild_role(c, guild, role, out);
}
/*
 * The position of the bot's highest role in a guild (roles at or above it are out
 * of its reach): 0 or more, or a negative bh_error.
 */
static inline int bh_bot_top_position(bh_ctx *c, uint64_t guild)
{
    return bh__api->bot_top_position(c, guild);
}
/* The bot's own user id into *out: BH_ENOTFOUND before the host has learnt it. */
static inline int bh_bot_user_id(bh_ctx *c, uint64_t *out)
{
    *out = bh__api->bot_user_id(c);
    return *out ? 0 : BH_ENOTFOUND;
}
/*
 * The bot's permissions in a channel (channel 0: guild-wide), overwrites applied,
 * into *out (BH_PERM_* bits; 0 on error).
 */
static inline int bh_bot_permissions(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t *out)
{
    *out = 0;
    if (!BH_API_HAS(bh__api, bot_permissions_get))
        return BH_ENOSYS;
    return bh__api->bot_permissions_get(c, guild, channel, out);
}
/*
 * The highest position among the given roles (e.g. bh_actor_roles()): 0 or more,
 * or a negative bh_error.
 */
static inline int bh_member_top_position(bh_ctx *c, uint64_t guild, const uint64_t *roles,
                                         int n)
{
    return bh__api->member_top_position(c, guild, roles, n);
}

/*
 * Any member's permissions in a channel (channel 0: guild-wide) into *out, by
 * Discord's rules (owner, Administrator, overwrites), from the member's role ids
 * (e.g. the "roles" of a GUILD_MEMBER_ADD). In an interaction,
 * bh_actor_permissions() has what Discord itself computed for the acting member.
 */
static inline int bh_member_permissions(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                        const uint64_t *roles, int n, uint64_t *out)
{
    *out = 0;
    if (!BH_API_HAS(bh__api, member_permissions_get))
        return BH_ENOSYS;
    return bh__api->member_permissions_get(c, guild, channel, user, roles, n, out);
}

/*
 * The guild's owner into *out. BH_ENOTFOUND also for a guild the host fetched
 * itself (Discord's REST answers carry no owner until the next GUILD_CREATE).
 */
static inline int bh_guild_owner(bh_ctx *c, uint64_t guild, uint64_t *out)
{
    *out = 0;
    if (!BH_API_HAS(bh__api, guild_owner_get))
        return BH_ENOSYS;
    return bh__api->guild_owner_get(c, guild, out);
}

/*
 * Whether a member may give or take `role`, by Discord's rules: the guild's
 * owner may manage every role but @everyone and managed ones, whatever roles
 * they hold; anyone else needs Manage Roles (Administrator includes it) and the
 * role strictly below their highest role (Administrator does not lift that).
 * `roles` are the member's role ids (bh_actor_roles() for the acting member).
 * 0 when allowed; BH_EPERM with *why (may be NULL) saying why; BH_ENOTFOUND for a
 * role or guild the cache does not know. Decide with this rather than your own
 * copy of the rules.
 */
static inline int bh_member_can_manage_role(bh_ctx *c, uint64_t guild, uint64_t user,
                                            const uint64_t *roles, int n, uint64_t role,
                                            enum bh_role_deny *why)
{
    int w = BH_ROLE_OK;
    if (why)
        *why = BH_ROLE_OK;
    if (!BH_API_HAS(bh__api, member_can_manage_role))
        return BH_ENOSYS;
    int rc = bh__api->member_can_manage_role(c, guild, user, roles, n, role, &w);
    if (why)
        *why = (enum bh_role_deny)w;
    return rc;
}

/* The same question for the bot itself: can it give `role` to members now? */
static inline int bh_bot_can_manage_role(bh_ctx *c, uint64_t guild, uint64_t role,
                                         enum bh_role_deny *why)
{
    int w = BH_ROLE_OK;
    if (why)
        *why = BH_ROLE_OK;
    if (!BH_API_HAS(bh__api, bot_can_manage_role))
        return BH_ENOSYS;
    int rc = bh__api->bot_can_manage_role(c, guild, role, &w);
    if (why)
        *why = (enum bh_role_deny)w;
    return rc;
}

#ifdef __cplusplus
}
#endif

#endif
