/*
 * REST: guild members, roles, bans and channel lists, with Discord's rules:
 * the permission for the action, the bot's highest role strictly above the
 * role it hands out or the member it acts on, and the owner untouchable.
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

#define EMU_P_MANAGE_NICKNAMES (1ull << 27)
#define EMU_MAX_TIMEOUT_MS (28ull * 86400000ull)

static json_t *emu_rest_guild(emu_call *c)
{
    json_t *g = emu_guild(c->e, c->p[0]);
    if (!g)
        emu_resp_error(c->resp, 404, 10004, "Unknown Guild");
    return g;
}

static json_t *emu_rest_target(emu_call *c, json_t *guild)
{
    json_t *m = emu_member(guild, c->p[1]);
    if (!m)
        emu_resp_error(c->resp, 404, 10007, "Unknown Member");
    return m;
}

/* Hierarchy: the bot may act on a member only below its highest role. */
static int emu_rest_above(emu_call *c, json_t *guild, const char *user_id)
{
    emu *e = c->e;
    if (emu_is_owner(guild, e->bot_id))
        return 0;
    if (emu_is_owner(guild, user_id) || emu_top_position(guild, e->bot_id) <= emu_top_position(guild, user_id)) {
        emu_resp_error(c->resp, 403, 50013, "Missing Permissions");
        return -1;
    }
    return 0;
}

static int emu_rest_role_ok(emu_call *c, json_t *guild, json_t *role)
{
    emu *e = c->e;
    if (json_is_true(json_object_get(role, "managed")) ||
        (!emu_is_owner(guild, e->bot_id) &&
         json_integer_value(json_object_get(role, "position")) >= emu_top_position(guild, e->bot_id))) {
        emu_resp_error(c->resp, 403, 50013, "Missing Permissions");
        return -1;
    }
    return 0;
}

void emu_rest_member_get(emu_call *c)
{
    json_t *g = emu_rest_guild(c);
    if (!g || !emu_rest_target(c, g))
        return;
    emu_resp_json(c->resp, 200, emu_member_json(c->e, g, c->p[1], 1));
}

static int emu_has(json_t *arr, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), id))
            return 1;
    return 0;
}

void emu_rest_member_patch(emu_call *c)
{
    emu *e = c->e;
    json_t *g, *m, *body = c->req->json, *v, *errors;
    size_t i;
    if (!(g = emu_rest_guild(c)) || !(m = emu_rest_target(c, g)))
        return;
    if (!json_is_object(body)) {
        errors = json_object();
        emu_form_error(errors, "", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
        emu_rest_form_errors(c, errors);
        return;
    }
    errors = json_object();
    if (json_object_get(body, "nick") && !json_is_null(json_object_get(body, "nick")) &&
        (!json_is_string(json_object_get(body, "nick")) || json_string_length(json_object_get(body, "nick")) > 32))
        emu_form_error(errors, "nick", "BASE_TYPE_MAX_LENGTH", "Must be 32 or fewer in length.");
    v = json_object_get(body, "roles");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v))
            emu_form_error(errors, "roles", "BASE_TYPE_ARRAY", "Must be an array.");
        json_array_foreach(v, i, m) {
            char path[32];
            snprintf(path, sizeof path, "roles.%zu", i);
            if (!json_is_string(m) || !emu_role(g, json_string_value(m)))
                emu_form_error(errors, path, "BASE_TYPE_INVALID", "Unknown role");
        }
    }
    v = json_object_get(body, "communication_disabled_until");
    if (v && !json_is_null(v)) {
        uint64_t until = emu_parse_iso(json_string_value(v));
        if (!until)
            emu_form_error(errors, "communication_disabled_until", "DATE_TYPE_PARSE", "Could not parse date.");
        else if (until > emu_now_ms() + EMU_MAX_TIMEOUT_MS)
            emu_form_error(errors, "communication_disabled_until", "COMMUNICATION_DISABLED_UNTIL_TOO_FAR",
                           "Timeouts cannot be longer than 28 days");
    }
    if (json_object_size(errors)) {
        emu_rest_form_errors(c, errors);
        return;
    }
    json_decref(errors);
    m = emu_member(g, c->p[1]);

    /* Permission and hierarchy checks for each field, before any change. */
    if (json_object_get(body, "nick")) {
        if (emu_rest_need(c, g, NULL, EMU_P_MANAGE_NICKNAMES))
            return;
        if (strcmp(c->p[1], e->bot_id) && emu_rest_above(c, g, c->p[1]))
            return;
    }
    v = json_object_get(body, "roles");
    if (json_is_array(v)) {
        json_t *cur = json_object_get(m, "roles"), *r;
        if (emu_rest_need(c, g, NULL, EMU_P_MANAGE_ROLES))
            return;
        json_array_foreach(v, i, r)
            if (!emu_has(cur, json_string_value(r)) && emu_rest_role_ok(c, g, emu_role(g, json_string_value(r))))
                return;
        json_array_foreach(cur, i, r)
            if (!emu_has(v, json_string_value(r)) && emu_rest_role_ok(c, g, emu_role(g, json_string_value(r))))
                return;
    }
    v = json_object_get(body, "communication_disabled_until");
    if (v) {
        if (emu_rest_need(c, g, NULL, EMU_P_MODERATE_MEMBERS) || emu_rest_above(c, g, c->p[1]))
            return;
        /* Members with ADMINISTRATOR cannot be timed out. */
        if (!json_is_null(v) && (emu_perms_guild(e, g, c->p[1]) & EMU_P_ADMINISTRATOR)) {
            emu_resp_error(c->resp, 403, 50013, "Missing Permissions");
            return;
        }
    }
    if (json_object_get(body, "nick"))
        json_object_set(m, "nick", json_object_get(body, "nick"));
    if (json_is_array(json_object_get(body, "roles")))
        json_object_set_new(m, "roles", json_deep_copy(json_object_get(body, "roles")));
    if (v) {
        if (json_is_null(v)) {
            json_object_set_new(m, "communication_disabled_until", json_null());
        } else {
            char ts[40];
            emu_iso_time(emu_parse_iso(json_string_value(v)), ts, sizeof ts);
            json_object_set_new(m, "communication_disabled_until", json_string(ts));
        }
    }
    emu_member_changed(e, g, c->p[1]);
    emu_resp_json(c->resp, 200, emu_member_json(e, g, c->p[1], 1));
}

void emu_rest_member_kick(emu_call *c)
{
    json_t *g;
    if (!(g = emu_rest_guild(c)) || !emu_rest_target(c, g))
        return;
    if (emu_rest_need(c, g, NULL, EMU_P_KICK_MEMBERS) || emu_rest_above(c, g, c->p[1]))
        return;
    emu_member_remove(c->e, g, c->p[1], 0);
    emu_resp_json(c->resp, 204, NULL);
}

static void emu_member_role(emu_call *c, int add)
{
    json_t *g, *m, *role, *roles;
    size_t i;
    if (!(g = emu_rest_guild(c)) || !(m = emu_rest_target(c, g)))
        return;
    role = emu_role(g, c->p[2]);
    if (!role || !strcmp(c->p[2], c->p[0])) {
        emu_resp_error(c->resp, 404, 10011, "Unknown Role");
        return;
    }
    if (emu_rest_need(c, g, NULL, EMU_P_MANAGE_ROLES) || emu_rest_role_ok(c, g, role))
        return;
    roles = json_object_get(m, "roles");
    for (i = 0; i < json_array_size(roles); i++)
        if (!strcmp(json_string_value(json_array_get(roles, i)), c->p[2]))
            break;
    if (add && i == json_array_size(roles)) {
        json_array_append_new(roles, json_string(c->p[2]));
        emu_member_changed(c->e, g, c->p[1]);
    } else if (!add && i < json_array_size(roles)) {
        json_array_remove(roles, i);
        emu_member_changed(c->e, g, c->p[1]);
    }
    emu_resp_json(c->resp, 204, NULL);
}

void emu_rest_member_role_put(emu_call *c)
{
    emu_member_role(c, 1);
}

void emu_rest_member_role_delete(emu_call *c)
{
    emu_member_role(c, 0);
}

void emu_rest_ban_put(emu_call *c)
{
    emu *e = c->e;
    json_t *g, *body = c->req->json, *v;
    if (!(g = emu_rest_guild(c)))
        return;
    if (!emu_user(e, c->p[1])) {
        emu_resp_error(c->resp, 404, 10013, "Unknown User");
        return;
    }
    v = json_object_get(body, "delete_message_seconds");
    if (v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0 ||
                                  json_integer_value(v) > 604800)) {
        json_t *errors = json_object();
        emu_form_error(errors, "delete_message_seconds", "NUMBER_TYPE_MAX",
                       "int value should be between 0 and 604800.");
        emu_rest_form_errors(c, errors);
        return;
    }
    if (emu_rest_need(c, g, NULL, EMU_P_BAN_MEMBERS))
        return;
    if (emu_member(g, c->p[1]) && emu_rest_above(c, g, c->p[1]))
        return;
    if (emu_is_owner(g, c->p[1])) {
        emu_resp_error(c->resp, 403, 50013, "Missing Permissions");
        return;
    }
    if (!json_object_get(json_object_get(g, "bans"), c->p[1])) {
        json_object_set_new(json_object_get(g, "bans"), c->p[1],
                            json_pack("{s:O, s:s?}", "user", emu_user(e, c->p[1]), "reason", c->req->reason));
        emu_member_remove(e, g, c->p[1], 1);
    }
    emu_resp_json(c->resp, 204, NULL);
}

void emu_rest_ban_delete(emu_call *c)
{
    json_t *g;
    const char *gid = c->p[0];
    if (!(g = emu_rest_guild(c)))
        return;
    if (emu_rest_need(c, g, NULL, EMU_P_BAN_MEMBERS))
        return;
    if (!json_object_get(json_object_get(g, "bans"), c->p[1])) {
        emu_resp_error(c->resp, 404, 10026, "Unknown Ban");
        return;
    }
    json_object_del(json_object_get(g, "bans"), c->p[1]);
    emu_gw_dispatch(c->e, gid, "GUILD_BAN_REMOVE",
                    json_pack("{s:s, s:O}", "guild_id", gid, "user", emu_user(c->e, c->p[1])),
                    EMU_I_GUILD_MODERATION);
    emu_resp_json(c->resp, 204, NULL);
}

void emu_rest_ban_get(emu_call *c)
{
    json_t *g, *ban;
    if (!(g = emu_rest_guild(c)))
        return;
    if (emu_rest_need(c, g, NULL, EMU_P_BAN_MEMBERS))
        return;
    ban = json_object_get(json_object_get(g, "bans"), c->p[1]);
    if (!ban) {
        emu_resp_error(c->resp, 404, 10026, "Unknown Ban");
        return;
    }
    emu_resp_json(c->resp, 200, json_deep_copy(ban));
}

void emu_rest_roles_get(emu_call *c)
{
    json_t *g = emu_rest_guild(c);
    if (g)
        emu_resp_json(c->resp, 200, emu_role_list(g));
}

void emu_rest_channels_get(emu_call *c)
{
    json_t *g = emu_rest_guild(c);
    if (g)
        emu_resp_json(c->resp, 200, emu_channel_list(g));
}
