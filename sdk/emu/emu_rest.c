/*
 * REST under /api/v10: the route table, then for every call in this order
 * Discord's checks: route known, bot authorization, armed faults, rate limits,
 * JSON body, the handler; then rate-limit headers, and one log entry that the
 * control API serves back (GET /_emu/requests).
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

#define EMU_LOG_MAX 50000

/* Webhook and interaction routes authenticate by the token in the URL. */
#define NOAUTH 1

static const struct emu_route_def {
    const char *method;
    const char *pattern;
    const char *bucket;
    int limit;
    int window_ms;
    int flags;
    int global_exempt;
    emu_rest_fn fn;
} emu_routes[] = {
    /* GET /gateway needs no authorization, as on Discord. */
    {"GET", "/gateway", "gateway", 5, 5000, NOAUTH, 0, emu_rest_gateway},
    {"GET", "/gateway/bot", "gateway_bot", 5, 5000, 0, 0, emu_rest_gateway_bot},
    {"GET", "/users/@me", "users_me", 5, 1000, 0, 0, emu_rest_users_me},
    {"GET", "/oauth2/applications/@me", "oauth2_app", 5, 1000, 0, 0, emu_rest_oauth_app},
    {"POST", "/users/@me/channels", "dm_create", 5, 1000, 0, 0, emu_rest_dm_create},
    {"GET", "/applications/{application_id}/commands", "commands_get", 5, 1000, 0, 0, emu_rest_commands_get},
    {"PUT", "/applications/{application_id}/commands", "commands_put", 5, 20000, 0, 0, emu_rest_commands_put},
    {"GET", "/applications/{application_id}/guilds/{guild_id}/commands", "guild_commands_get", 5, 1000, 0, 0,
     emu_rest_guild_commands_get},
    {"PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "guild_commands_put", 5, 20000, 0, 0,
     emu_rest_guild_commands_put},
    {"GET", "/channels/{channel_id}", "channel_get", 5, 1000, 0, 0, emu_rest_channel_get},
    {"GET", "/channels/{channel_id}/messages", "messages_list", 5, 1000, 0, 0, emu_rest_msg_list},
    {"POST", "/channels/{channel_id}/messages", "message_create", 5, 5000, 0, 0, emu_rest_msg_create},
    {"GET", "/channels/{channel_id}/messages/{message_id}", "message_get", 5, 1000, 0, 0, emu_rest_msg_get},
    {"PATCH", "/channels/{channel_id}/messages/{message_id}", "message_edit", 5, 5000, 0, 0, emu_rest_msg_edit},
    {"DELETE", "/channels/{channel_id}/messages/{message_id}", "message_delete", 5, 5000, 0, 0,
     emu_rest_msg_delete},
    {"GET", "/guilds/{guild_id}/roles", "roles_get", 5, 1000, 0, 0, emu_rest_roles_get},
    {"GET", "/guilds/{guild_id}/channels", "guild_channels_get", 5, 1000, 0, 0, emu_rest_channels_get},
    {"GET", "/guilds/{guild_id}/members/{user_id}", "member_get", 5, 1000, 0, 0, emu_rest_member_get},
    {"PATCH", "/guilds/{guild_id}/members/{user_id}", "member_modify", 10, 10000, 0, 0, emu_rest_member_patch},
    {"DELETE", "/guilds/{guild_id}/members/{user_id}", "member_kick", 5, 1000, 0, 0, emu_rest_member_kick},
    {"PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", "member_role", 10, 10000, 0, 0,
     emu_rest_member_role_put},
    {"DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", "member_role", 10, 10000, 0, 0,
     emu_rest_member_role_delete},
    {"GET", "/guilds/{guild_id}/bans/{user_id}", "ban_get", 5, 1000, 0, 0, emu_rest_ban_get},
    {"PUT", "/guilds/{guild_id}/bans/{user_id}", "ban_put", 5, 1000, 0, 0, emu_rest_ban_put},
    {"DELETE", "/guilds/{guild_id}/bans/{user_id}", "ban_delete", 5, 1000, 0, 0, emu_rest_ban_delete},
    {"POST", "/interactions/{interaction_id}/{interaction_token}/callback", "interaction_callback", 5, 1000,
     NOAUTH, 1, emu_rest_ix_callback},
    /* Interaction webhooks are not bound to the bot's global limit (Discord's rate-limit docs). */
    {"POST", "/webhooks/{webhook_id}/{webhook_token}", "webhook_execute", 5, 2000, NOAUTH, 1,
     emu_rest_wh_execute},
    {"GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "webhook_message_get", 5, 1000,
     NOAUTH, 1, emu_rest_wh_msg_get},
    {"PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "webhook_message_edit", 5, 2000,
     NOAUTH, 1, emu_rest_wh_msg_edit},
    {"DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "webhook_message_delete", 5,
     2000, NOAUTH, 1, emu_rest_wh_msg_delete},
};

/* Matches `path` against `pattern`, capturing up to 4 {params}. */
static int emu_match(const char *pattern, const char *path, char caps[4][128], int *ncap)
{
    *ncap = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return 0;
        pattern++;
        path++;
        {
            size_t pl = strcspn(pattern, "/"), sl = strcspn(path, "/");
            if (pattern[0] == '{') {
                if (sl == 0 || sl >= 128 || *ncap >= 4)
                    return 0;
                memcpy(caps[*ncap], path, sl);
                caps[*ncap][sl] = '\0';
                (*ncap)++;
            } else if (pl != sl || strncmp(pattern, path, pl)) {
                return 0;
            }
            pattern += pl;
            path += sl;
        }
    }
    return !*pattern && (!*path || !strcmp(path, "/"));
}

static void emu_major(const char *pattern, char caps[4][128], int ncap, char *out, size_t n)
{
    const char *p = pattern;
    int i = 0;
    out[0] = '\0';
    while ((p = strchr(p, '{')) && i < ncap) {
        if (!strncmp(p, "{channel_id}", 12) || !strncmp(p, "{guild_id}", 10) ||
            !strncmp(p, "{webhook_id}", 12) || !strncmp(p, "{webhook_token}", 15) ||
            !strncmp(p, "{interaction_id}", 16) || !strncmp(p, "{interaction_token}", 19)) {
            size_t l = strlen(out);
            snprintf(out + l, n - l, "%s%s", l ? "/" : "", caps[i]);
        }
        i++;
        p++;
    }
}

static int emu_auth_ok(emu *e, const char *auth)
{
    if (!auth || strncmp(auth, "Bot ", 4) || !auth[4])
        return 0;
    return !e->o.token || !strcmp(auth + 4, e->o.token);
}

static void emu_rest_log(emu *e, const emu_req *req, const char *pattern, const char *bucket,
                         const emu_resp *resp, uint64_t t0)
{
    char ts[40];
    json_t *entry;
    emu_schema_answer(e, req, pattern, resp);
    emu_iso_time(t0, ts, sizeof ts);
    entry = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:O, s:O}",
                      "seq", (json_int_t)++e->rest_seq, "at", ts, "t_ms", (json_int_t)t0,
                      "method", req->method, "path", req->path, "route", pattern ? pattern : "",
                      "bucket", bucket ? bucket : "", "status", resp->status ? resp->status : 200,
                      "body", req->json ? req->json : json_null(),
                      "response", resp->body ? resp->body : json_null());
    if (entry && req->reason)
        json_object_set_new(entry, "audit_log_reason", json_string(req->reason));
    if (entry && resp->delay_ms)
        json_object_set_new(entry, "delayed_ms", json_integer(resp->delay_ms));
    json_array_append_new(e->rest_log, entry);
    emu_array_keep_last(&e->rest_log, EMU_LOG_MAX);
    emu_stat_add(e, "rest_routes", pattern ? pattern : "unknown", 1);
    {
        char st[8];
        snprintf(st, sizeof st, "%d", resp->status ? resp->status : 200);
        emu_stat_add(e, "rest_status", st, 1);
    }
}

void emu_rest_handle(emu *e, const emu_req *req, emu_resp *resp)
{
    const char *path = req->path;
    const struct emu_route_def *def = NULL;
    char caps[4][128];
    int ncap = 0, path_known = 0;
    uint64_t t0 = emu_now_ms();
    emu_route_info ri;
    emu_call c;

    if (strncmp(path, "/api/v10/", 9)) {
        emu_resp_error(resp, 400, 50041, "Invalid API version provided.");
        emu_rest_log(e, req, NULL, NULL, resp, t0);
        return;
    }
    path += 8;
    for (size_t i = 0; i < sizeof emu_routes / sizeof emu_routes[0]; i++) {
        if (!emu_match(emu_routes[i].pattern, path, caps, &ncap))
            continue;
        path_known = 1;
        if (!strcmp(emu_routes[i].method, req->method)) {
            def = &emu_routes[i];
            break;
        }
    }
    if (!def) {
        if (path_known)
            emu_resp_error(resp, 405, 0, "405: Method Not Allowed");
        else
            emu_resp_error(resp, 404, 0, "404: Not Found");
        emu_rest_log(e, req, NULL, NULL, resp, t0);
        return;
    }
    memset(&ri, 0, sizeof ri);
    ri.method = def->method;
    ri.pattern = def->pattern;
    ri.bucket = def->bucket;
    ri.limit = def->limit;
    ri.window_ms = def->window_ms;
    ri.global_exempt = def->global_exempt;
    emu_major(def->pattern, caps, ncap, ri.major, sizeof ri.major);

    if (!(def->flags & NOAUTH) && !emu_auth_ok(e, req->auth)) {
        emu_resp_error(resp, 401, 0, "401: Unauthorized");
    } else if (emu_fault_rest(e, def->method, def->pattern, resp)) {
        /* A client retrying before retry_after hits a real 429. */
        if (resp->status == 429 && !json_is_true(json_object_get(resp->body, "global")))
            emu_rl_block(e, &ri, (uint64_t)(json_number_value(json_object_get(resp->body, "retry_after")) * 1000.0));
        emu_resp_header(resp, "x-emu-fault", "injected");
    } else if (emu_rl_check(e, &ri, req->path, resp)) {
        /* resp holds the 429 */
    } else if (req->json_error) {
        emu_resp_error(resp, 400, 50109, "The request body contains invalid JSON.");
    } else {
        memset(&c, 0, sizeof c);
        c.e = e;
        c.req = req;
        c.resp = resp;
        for (int i = 0; i < ncap; i++)
            c.p[i] = caps[i];
        def->fn(&c);
    }
    if (!(resp->status == 429 && json_is_true(json_object_get(resp->body, "global"))))
        emu_rl_headers(e, &ri, resp);
    emu_rest_log(e, req, def->pattern, def->bucket, resp, t0);
}

/* ---- helpers shared by the route groups ----------------------------------------------- */

void emu_rest_form_errors(emu_call *c, json_t *errors)
{
    emu_resp_json(c->resp, 400, json_pack("{s:s, s:i, s:o}", "message", "Invalid Form Body",
                                          "code", 50035, "errors", errors));
}

int emu_rest_need(emu_call *c, json_t *guild, json_t *channel, uint64_t perms)
{
    uint64_t have;
    if (channel && guild) {
        have = emu_perms_channel(c->e, guild, channel, c->e->bot_id);
        if (!(have & EMU_P_VIEW_CHANNEL)) {
            emu_resp_error(c->resp, 403, 50001, "Missing Access");
            return -1;
        }
    } else {
        have = emu_perms_guild(c->e, guild, c->e->bot_id);
    }
    if ((have & perms) != perms) {
        emu_resp_error(c->resp, 403, 50013, "Missing Permissions");
        return -1;
    }
    return 0;
}
