/*
 * REST: the application and the bot user: /gateway/bot, /users/@me,
 * /oauth2/applications/@me, DM channels and application commands.
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

static void emu_gateway_url(emu *e, char *url, size_t n)
{
    snprintf(url, n, "ws://%s:%d", e->o.host, e->port);
}

void emu_rest_gateway(emu_call *c)
{
    char url[96];
    emu_gateway_url(c->e, url, sizeof url);
    emu_resp_json(c->resp, 200, json_pack("{s:s}", "url", url));
}

void emu_rest_gateway_bot(emu_call *c)
{
    emu *e = c->e;
    char url[96];
    uint64_t now = emu_now_ms();
    if (now >= e->identify_reset_at) {
        e->identify_remaining = 1000;
        e->identify_reset_at = now + 86400000ull;
    }
    emu_gateway_url(e, url, sizeof url);
    emu_resp_json(c->resp, 200, json_pack("{s:s, s:i, s:{s:i, s:i, s:I, s:i}}", "url", url,
                                          "shards", e->o.shards, "session_start_limit",
                                          "total", 1000, "remaining", e->identify_remaining,
                                          "reset_after", (json_int_t)(e->identify_reset_at - now),
                                          "max_concurrency", e->o.max_concurrency));
}

void emu_rest_users_me(emu_call *c)
{
    json_t *u = json_deep_copy(emu_user(c->e, c->e->bot_id));
    json_object_set_new(u, "verified", json_true());
    json_object_set_new(u, "mfa_enabled", json_false());
    json_object_set_new(u, "flags", json_integer(0));
    json_object_set_new(u, "locale", json_string("en-US"));
    emu_resp_json(c->resp, 200, u);
}

void emu_rest_oauth_app(emu_call *c)
{
    emu *e = c->e;
    json_t *app = json_deep_copy(e->application);
    const char *gid = emu_default_guild_id(e);
    const char *owner = json_string_value(json_object_get(emu_guild(e, gid), "owner_id"));
    json_object_set_new(app, "icon", json_null());
    json_object_set_new(app, "description", json_string(""));
    json_object_set_new(app, "bot_public", json_true());
    json_object_set_new(app, "bot_require_code_grant", json_false());
    json_object_set_new(app, "verify_key", json_string("0000000000000000000000000000000000000000000000000000000000000000"));
    json_object_set_new(app, "team", json_null());
    /* The rest of what Discord's PrivateApplicationResponse always carries. */
    json_object_set_new(app, "type", json_null());
    json_object_set_new(app, "flags_new", json_sprintf("%lld", (long long)json_integer_value(json_object_get(app, "flags"))));
    json_object_set_new(app, "redirect_uris", json_array());
    json_object_set_new(app, "interactions_endpoint_url", json_null());
    json_object_set_new(app, "role_connections_verification_url", json_null());
    json_object_set_new(app, "approximate_guild_count", json_integer((json_int_t)json_object_size(e->guilds)));
    json_object_set_new(app, "approximate_user_install_count", json_integer(0));
    json_object_set_new(app, "approximate_user_authorization_count", json_integer(0));
    json_object_set_new(app, "explicit_content_filter", json_integer(0));
    json_object_set_new(app, "eligible_oauth2_scopes", json_pack("[ss]", "applications.commands", "bot"));
    json_object_set(app, "bot", emu_user(e, e->bot_id));
    if (owner)
        json_object_set(app, "owner", emu_user(e, owner));
    emu_resp_json(c->resp, 200, app);
}

void emu_rest_dm_create(emu_call *c)
{
    emu *e = c->e;
    const char *rid = json_string_value(json_object_get(c->req->json, "recipient_id"));
    json_t *user = emu_user(e, rid), *ch;
    const char *k;
    char id[24];
    if (!rid) {
        json_t *errors = json_object();
        emu_form_error(errors, "recipient_id", "BASE_TYPE_REQUIRED", "This field is required");
        emu_rest_form_errors(c, errors);
        return;
    }
    if (!user) {
        emu_resp_error(c->resp, 400, 10013, "Unknown User");
        return;
    }
    json_object_foreach(e->dms, k, ch) {
        const char *other = json_string_value(json_object_get(json_array_get(json_object_get(ch, "recipients"), 0), "id"));
        if (other && !strcmp(other, rid)) {
            emu_resp_json(c->resp, 200, json_incref(ch));
            return;
        }
    }
    emu_snowflake(e, id);
    ch = json_pack("{s:s, s:i, s:n, s:i, s:[O]}", "id", id, "type", EMU_CH_DM, "last_message_id",
                   "flags", 0, "recipients", user);
    json_object_set(e->dms, id, ch);
    emu_resp_json(c->resp, 200, ch);
}

static json_t *emu_commands_of(emu *e, const char *key)
{
    json_t *arr = json_object_get(e->commands, key);
    if (!arr) {
        arr = json_array();
        json_object_set_new(e->commands, key, arr);
    }
    return arr;
}

static void emu_commands_put(emu_call *c, const char *guild_id)
{
    emu *e = c->e;
    const char *key = guild_id ? guild_id : "global";
    json_t *old = emu_commands_of(e, key);
    json_t *errors, *out, *cmd;
    size_t i;
    if (strcmp(c->p[0], e->app_id)) {
        emu_resp_error(c->resp, 403, 50001, "Missing Access");
        return;
    }
    if (guild_id && !emu_guild(e, guild_id)) {
        emu_resp_error(c->resp, 404, 10004, "Unknown Guild");
        return;
    }
    errors = json_object();
    if (emu_validate_commands(c->req->json, errors)) {
        emu_rest_form_errors(c, errors);
        return;
    }
    json_decref(errors);
    out = json_array();
    json_array_foreach(c->req->json, i, cmd) {
        json_t *n = json_deep_copy(cmd), *prev;
        json_int_t type = json_is_integer(json_object_get(cmd, "type")) ? json_integer_value(json_object_get(cmd, "type")) : 1;
        const char *name = json_string_value(json_object_get(cmd, "name"));
        char id[24], ver[24];
        size_t j;
        id[0] = '\0';
        /* Overwriting keeps the id of a command with the same name and type. */
        json_array_foreach(old, j, prev) {
            json_int_t pt = json_integer_value(json_object_get(prev, "type"));
            if (pt == type && !strcmp(json_string_value(json_object_get(prev, "name")), name))
                snprintf(id, sizeof id, "%s", json_string_value(json_object_get(prev, "id")));
        }
        if (!id[0])
            emu_snowflake(e, id);
        emu_snowflake(e, ver);
        json_object_set_new(n, "id", json_string(id));
        json_object_set_new(n, "type", json_integer(type));
        json_object_set_new(n, "application_id", json_string(e->app_id));
        json_object_set_new(n, "version", json_string(ver));
        if (guild_id)
            json_object_set_new(n, "guild_id", json_string(guild_id));
        if (!json_object_get(n, "description"))
            json_object_set_new(n, "description", json_string(""));
        if (!json_object_get(n, "default_member_permissions"))
            json_object_set_new(n, "default_member_permissions", json_null());
        if (!json_object_get(n, "nsfw"))
            json_object_set_new(n, "nsfw", json_false());
        if (!json_object_get(n, "integration_types"))
            json_object_set_new(n, "integration_types", json_pack("[i]", 0));
        json_array_append_new(out, n);
    }
    json_object_set(e->commands, key, out);
    emu_resp_json(c->resp, 200, out);
}

void emu_rest_commands_put(emu_call *c)
{
    emu_commands_put(c, NULL);
}

void emu_rest_guild_commands_put(emu_call *c)
{
    emu_commands_put(c, c->p[1]);
}

void emu_rest_commands_get(emu_call *c)
{
    if (strcmp(c->p[0], c->e->app_id)) {
        emu_resp_error(c->resp, 403, 50001, "Missing Access");
        return;
    }
    emu_resp_json(c->resp, 200, json_deep_copy(emu_commands_of(c->e, "global")));
}

void emu_rest_guild_commands_get(emu_call *c)
{
    if (strcmp(c->p[0], c->e->app_id)) {
        emu_resp_error(c->resp, 403, 50001, "Missing Access");
        return;
    }
    if (!emu_guild(c->e, c->p[1])) {
        emu_resp_error(c->resp, 404, 10004, "Unknown Guild");
        return;
    }
    emu_resp_json(c->resp, 200, json_deep_copy(emu_commands_of(c->e, c->p[1])));
}
