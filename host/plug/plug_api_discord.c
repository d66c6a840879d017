/* The table's builder, REST and cache entries: thin glue over msg/, rest/ and cache/. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "msg/msg.h"
#include "plug/plug_api_discord.h"
#include "plug/plug_internal.h"
#include "plug/plug_rest.h"

/* ---- builders: owned by the call, custom_ids under the plugin's name ---- */

/* Whose custom_ids the builders namespace: the generation's plugin, or the call's outside one. */
static const char *builder_plugin(const bh_ctx *c)
{
    const bh_host *g = plug_ctx_gen(c);
    return g ? g->name : plug_ctx_plugin(c);
}

bh_msg *plug_msg_new(bh_ctx *c)
{
    return msg_new(builder_plugin(c), &c->owned.msgs);
}

bh_modal *plug_modal_new(bh_ctx *c, const char *custom_id, const char *title)
{
    return msg_modal_new(builder_plugin(c), &c->owned.modals, custom_id, title);
}

void plug_builders_free(bh_ctx *c)
{
    msg_free_all(&c->owned.msgs);
    msg_modal_free_all(&c->owned.modals);
}

/* ---- REST helpers ---- */

static const json_t *sendable_body(bh_ctx *c, bh_msg *m)
{
    const char *err;
    const json_t *body = msg_body(m, &err);
    if (!body)
        plug_set_error(c, "message not sent: %s", err);
    return body;
}

static uint64_t id_of(const json_t *obj)
{
    const char *s = json_string_value(json_object_get(obj, "id"));
    return s ? strtoull(s, NULL, 10) : 0;
}

int plug_api_rest(bh_ctx *c, const char *method, const char *path, const json_t *body,
                  const char *reason, json_t **out)
{
    if (!method || !path || path[0] != '/') {
        plug_set_error(c, "bh_rest: a method and a path starting with '/' are required");
        return BH_EINVAL;
    }
    return plug_rest_call(c, method, path, body, reason, 0, out);
}

int plug_api_discord_code(bh_ctx *c)
{
    return plug_ctx_discord_code(c);
}

int plug_api_message_send(bh_ctx *c, uint64_t channel, bh_msg *m, uint64_t *message_id)
{
    const json_t *body = sendable_body(c, m);
    if (!body)
        return BH_ELIMIT;
    char path[64];
    snprintf(path, sizeof path, "/channels/%" PRIu64 "/messages", channel);
    json_t *out = NULL;
    int rc = plug_rest_call(c, "POST", path, body, NULL, 0, &out);
    if (message_id)
        *message_id = rc >= 0 ? id_of(out) : 0;
    json_decref(out);
    return rc;
}

/* A request on /channels/{channel}/messages/{message}. */
static int message_call(bh_ctx *c, const char *method, uint64_t channel, uint64_t message,
                        const json_t *body)
{
    char path[96];
    snprintf(path, sizeof path, "/channels/%" PRIu64 "/messages/%" PRIu64, channel, message);
    return plug_rest_call(c, method, path, body, NULL, 0, NULL);
}

int plug_api_message_edit(bh_ctx *c, uint64_t channel, uint64_t message, bh_msg *m)
{
    const json_t *body = sendable_body(c, m);
    if (!body)
        return BH_ELIMIT;
    return message_call(c, "PATCH", channel, message, body);
}

int plug_api_message_delete(bh_ctx *c, uint64_t channel, uint64_t message)
{
    return message_call(c, "DELETE", channel, message, NULL);
}

/* A request on /guilds/{guild}/{what}/{user}: "members" or "bans". */
static int guild_user_call(bh_ctx *c, const char *method, const char *what, uint64_t guild,
                           uint64_t user, const json_t *body, const char *reason, json_t **out)
{
    char path[96];
    snprintf(path, sizeof path, "/guilds/%" PRIu64 "/%s/%" PRIu64, guild, what, user);
    return plug_rest_call(c, method, path, body, reason, 0, out);
}

static int member_role(bh_ctx *c, const char *method, uint64_t guild, uint64_t user,
                       uint64_t role, const char *reason)
{
    char path[128];
    snprintf(path, sizeof path, "/guilds/%" PRIu64 "/members/%" PRIu64 "/roles/%" PRIu64, guild,
             user, role);
    return plug_rest_call(c, method, path, NULL, reason, 0, NULL);
}

int plug_api_role_add(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                      const char *reason)
{
    return member_role(c, "PUT", guild, user, role, reason);
}

int plug_api_role_remove(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                         const char *reason)
{
    return member_role(c, "DELETE", guild, user, role, reason);
}

int plug_api_dm_send(bh_ctx *c, uint64_t user, bh_msg *m, uint64_t *message_id)
{
    if (!sendable_body(c, m))
        return BH_ELIMIT;
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, user);
    json_t *req = json_pack("{s:s}", "recipient_id", id);
    json_t *channel = NULL;
    int rc = plug_rest_call(c, "POST", "/users/@me/channels", req, NULL, 0, &channel);
    json_decref(req);
    if (rc >= 0)
        rc = plug_api_message_send(c, id_of(channel), m, message_id);
    json_decref(channel);
    return rc;
}

int plug_api_member_timeout(bh_ctx *c, uint64_t guild, uint64_t user, int64_t until_ms,
                            const char *reason)
{
    json_t *body;
    if (until_ms <= 0) {
        body = json_pack("{s:n}", "communication_disabled_until");
    } else {
        time_t secs = (time_t)(until_ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        char iso[96];
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(until_ms % 1000));
        body = json_pack("{s:s}", "communication_disabled_until", iso);
    }
    int rc = guild_user_call(c, "PATCH", "members", guild, user, body, reason, NULL);
    json_decref(body);
    return rc;
}

int plug_api_member_kick(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason)
{
    return guild_user_call(c, "DELETE", "members", guild, user, NULL, reason, NULL);
}

int plug_api_member_ban(bh_ctx *c, uint64_t guild, uint64_t user, int delete_message_seconds,
                        const char *reason)
{
    if (delete_message_seconds < 0 || delete_message_seconds > 604800) {
        plug_set_error(c, "bh_member_ban: delete_message_seconds is 0 to 604800");
        return BH_EINVAL;
    }
    json_t *body = json_pack("{s:i}", "delete_message_seconds", delete_message_seconds);
    int rc = guild_user_call(c, "PUT", "bans", guild, user, body, reason, NULL);
    json_decref(body);
    return rc;
}

int plug_api_member_unban(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason)
{
    return guild_user_call(c, "DELETE", "bans", guild, user, NULL, reason, NULL);
}

int plug_api_member_get(bh_ctx *c, uint64_t guild, uint64_t user, json_t **out)
{
    return guild_user_call(c, "GET", "members", guild, user, NULL, NULL, out);
}

/* ---- the guild cache ---- */

/*
 * A guild the cache has not seen: after a restart that resumed the gateway
 * session, Discord sends no GUILD_CREATE. Fill it from REST (roles, channels,
 * the bot's member) as if one had arrived; the resumed gateway keeps it current.
 * The guild's owner stays unknown this way (no owner shortcut in the math).
 */
static void fill_guild(bh_ctx *c, struct cache *k, uint64_t guild)
{
    cache_guild_info info;
    if (!guild || cache_guild(k, guild, &info) == 0)
        return;
    struct ctx_last saved;
    plug_ctx_last_save(c, &saved);
    if (!cache_bot_user_id(k)) {
        json_t *me = NULL;
        if (plug_rest_call(c, "GET", "/users/@me", NULL, NULL, 0, &me) >= 0) {
            json_t *ready = json_pack("{s:O}", "user", me);
            cache_apply(k, "READY", ready);
            json_decref(ready);
        }
        json_decref(me);
    }
    char path[128];
    json_t *roles = NULL, *channels = NULL, *member = NULL;
    snprintf(path, sizeof path, "/guilds/%" PRIu64 "/roles", guild);
    int rc = plug_rest_call(c, "GET", path, NULL, NULL, 0, &roles);
    snprintf(path, sizeof path, "/guilds/%" PRIu64 "/channels", guild);
    if (rc >= 0)
        rc = plug_rest_call(c, "GET", path, NULL, NULL, 0, &channels);
    snprintf(path, sizeof path, "/guilds/%" PRIu64 "/members/%" PRIu64, guild,
             cache_bot_user_id(k));
    if (rc >= 0)
        rc = plug_rest_call(c, "GET", path, NULL, NULL, 0, &member);
    if (rc >= 0) {
        char id[24];
        snprintf(id, sizeof id, "%" PRIu64, guild);
        json_t *d = json_pack("{s:s,s:O,s:O,s:[O]}", "id", id, "roles", roles, "channels",
                              channels, "members", member);
        cache_apply(k, "GUILD_CREATE", d);
        json_decref(d);
    }
    json_decref(roles);
    json_decref(channels);
    json_decref(member);
    plug_ctx_last_restore(c, &saved);
}

static struct cache *cache_or_fail(bh_ctx *c)
{
    plug_mgr *m = plug_ctx_mgr(c);
    struct cache *k = m ? m->cache : NULL;
    if (!k)
        plug_set_error(c, "no guild cache in this mode");
    return k;
}

static struct cache *cache_for(bh_ctx *c, uint64_t guild)
{
    struct cache *k = cache_or_fail(c);
    if (k)
        fill_guild(c, k, guild);
    return k;
}

/* The cache for a query with an out-parameter, *out zeroed; NULL with the result in *rc. */
static struct cache *cache_for_out(bh_ctx *c, uint64_t guild, uint64_t *out, int *rc)
{
    struct cache *k = cache_for(c, guild);
    *rc = !out ? BH_EINVAL : !k ? BH_ENOSYS : 0;
    if (out)
        *out = 0;
    return *rc ? NULL : k;
}

int plug_api_guild_role(bh_ctx *c, uint64_t guild, uint64_t role, bh_role_info *out)
{
    struct cache *k = cache_for(c, guild);
    if (!k)
        return BH_ENOSYS;
    cache_role_info r;
    int rc = cache_role(k, guild, role, &r);
    if (rc < 0) {
        plug_set_error(c, "role %" PRIu64 " of guild %" PRIu64 " is not known", role, guild);
        return rc;
    }
    memset(out, 0, sizeof *out);
    out->id = r.id;
    snprintf(out->name, sizeof out->name, "%s", r.name);
    out->position = r.position;
    out->permissions = r.permissions;
    out->color = r.color;
    out->managed = r.managed;
    return 0;
}

int plug_api_bot_top_position(bh_ctx *c, uint64_t guild)
{
    struct cache *k = cache_for(c, guild);
    int32_t pos = 0;
    if (!k)
        return BH_ENOSYS;
    int rc = cache_bot_top_position(k, guild, &pos);
    return rc < 0 ? rc : pos;
}

uint64_t plug_api_bot_user_id(bh_ctx *c)
{
    struct cache *k = cache_for(c, plug_read_id(c, BH_ID_GUILD));
    return k ? cache_bot_user_id(k) : 0;
}

int plug_api_bot_permissions_get(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t *out)
{
    int rc;
    struct cache *k = cache_for_out(c, guild, out, &rc);
    uint64_t perms = 0;
    if (!k)
        return rc;
    rc = cache_bot_permissions(k, guild, channel, &perms);
    if (rc < 0) {
        plug_set_error(
            c, "the bot's permissions in guild %" PRIu64 " channel %" PRIu64 " are not known",
            guild, channel);
        return rc;
    }
    *out = perms;
    return 0;
}

uint64_t plug_api_bot_permissions(bh_ctx *c, uint64_t guild, uint64_t channel)
{
    uint64_t perms;
    return plug_api_bot_permissions_get(c, guild, channel, &perms) < 0 ? 0 : perms;
}

int plug_api_member_top_position(bh_ctx *c, uint64_t guild, const uint64_t *roles, int n)
{
    struct cache *k = cache_for(c, guild);
    int32_t pos = 0;
    if (!k)
        return BH_ENOSYS;
    int rc = cache_member_highest_position(k, guild, roles, n, &pos);
    return rc < 0 ? rc : pos;
}

int plug_api_member_permissions_get(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                    const uint64_t *roles, int n, uint64_t *out)
{
    int rc;
    struct cache *k = cache_for_out(c, guild, out, &rc);
    uint64_t perms = 0;
    if (!k)
        return rc;
    rc = channel ? cache_channel_permissions(k, guild, channel, user, roles, n, &perms)
                 : cache_base_permissions(k, guild, user, roles, n, &perms);
    if (rc < 0) {
        plug_set_error(c,
                       "the permissions of %" PRIu64 " in guild %" PRIu64 " channel %" PRIu64
                       " are not known",
                       user, guild, channel);
        return rc;
    }
    *out = perms;
    return 0;
}

uint64_t plug_api_member_permissions(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                     const uint64_t *roles, int n)
{
    uint64_t perms;
    return plug_api_member_permissions_get(c, guild, channel, user, roles, n, &perms) < 0 ? 0
                                                                                          : perms;
}

int plug_api_guild_owner_get(bh_ctx *c, uint64_t guild, uint64_t *out)
{
    int rc;
    struct cache *k = cache_for_out(c, guild, out, &rc);
    cache_guild_info info;
    if (!k)
        return rc;
    if (cache_guild(k, guild, &info) != 0 || !info.owner_id) {
        /* A guild filled from REST after a resume has no owner until its next GUILD_CREATE. */
        plug_set_error(c, "the owner of guild %" PRIu64 " is not known", guild);
        return BH_ENOTFOUND;
    }
    *out = info.owner_id;
    return 0;
}

uint64_t plug_api_guild_owner(bh_ctx *c, uint64_t guild)
{
    uint64_t owner;
    return plug_api_guild_owner_get(c, guild, &owner) < 0 ? 0 : owner;
}

_Static_assert((int)BH_ROLE_EVERYONE == (int)CACHE_DENY_EVERYONE &&
                   (int)BH_ROLE_MANAGED == (int)CACHE_DENY_MANAGED &&
                   (int)BH_ROLE_HIERARCHY == (int)CACHE_DENY_HIERARCHY &&
                   (int)BH_ROLE_PERMISSION == (int)CACHE_DENY_PERMISSION,
               "bh_role_deny mirrors cache_deny");

/* A refusal for the caller: why in *why, in words in bh_ctx_error(). */
static int manage_answer(bh_ctx *c, int rc, enum cache_deny w, uint64_t role, int *why)
{
    if (why)
        *why = (int)w;
    if (rc == BH_EPERM)
        plug_set_error(c, "role %" PRIu64 ": %s", role, cache_deny_text(w));
    else if (rc == BH_ENOTFOUND)
        plug_set_error(c, "role %" PRIu64 " is not known", role);
    else if (rc < 0)
        plug_set_error(c, "role %" PRIu64 ": %s", role, bh_strerror(rc));
    return rc;
}

int plug_api_member_can_manage_role(bh_ctx *c, uint64_t guild, uint64_t user,
                                    const uint64_t *roles, int n, uint64_t role, int *why)
{
    struct cache *k = cache_for(c, guild);
    enum cache_deny w = CACHE_DENY_NONE;
    if (!k)
        return manage_answer(c, BH_ENOSYS, w, role, why);
    int rc = cache_member_can_manage_role(k, guild, user, roles, n, role, &w);
    return manage_answer(c, rc, w, role, why);
}

int plug_api_bot_can_manage_role(bh_ctx *c, uint64_t guild, uint64_t role, int *why)
{
    struct cache *k = cache_for(c, guild);
    enum cache_deny w = CACHE_DENY_NONE;
    if (!k)
        return manage_answer(c, BH_ENOSYS, w, role, why);
    int rc = cache_bot_can_manage_role(k, guild, role, &w);
    return manage_answer(c, rc, w, role, why);
}
