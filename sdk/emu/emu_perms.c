/*
 * Permissions as Discord computes them: the base permissions from @everyone and
 * the member's roles, ADMINISTRATOR and ownership granting everything, then the
 * channel overwrites in Discord's order (@everyone, roles together, member).
 * A member in timeout keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

uint64_t emu_perm_parse(const json_t *v)
{
    if (json_is_string(v))
        return strtoull(json_string_value(v), NULL, 10);
    if (json_is_integer(v))
        return (uint64_t)json_integer_value(v);
    return 0;
}

int emu_is_owner(json_t *guild, const char *user_id)
{
    const char *owner = json_string_value(json_object_get(guild, "owner_id"));
    return owner && user_id && !strcmp(owner, user_id);
}

static int emu_in_timeout(json_t *member)
{
    const char *until = json_string_value(json_object_get(member, "communication_disabled_until"));
    return until && emu_parse_iso(until) > emu_now_ms();
}

uint64_t emu_perms_guild(emu *e, json_t *guild, const char *user_id)
{
    json_t *member = emu_member(guild, user_id);
    json_t *everyone = emu_role(guild, json_string_value(json_object_get(guild, "id")));
    uint64_t p;
    size_t i;
    json_t *r;
    (void)e;
    if (!member)
        return 0;
    if (emu_is_owner(guild, user_id))
        return EMU_P_ALL;
    p = emu_perm_parse(json_object_get(everyone, "permissions"));
    json_array_foreach(json_object_get(member, "roles"), i, r)
        p |= emu_perm_parse(json_object_get(emu_role(guild, json_string_value(r)), "permissions"));
    if (p & EMU_P_ADMINISTRATOR)
        return EMU_P_ALL;
    if (emu_in_timeout(member))
        p &= EMU_P_VIEW_CHANNEL | EMU_P_READ_HISTORY;
    return p;
}

static int emu_has_role(json_t *member, const char *role_id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(member, "roles"), i, r)
        if (!strcmp(json_string_value(r), role_id))
            return 1;
    return 0;
}

uint64_t emu_perms_channel(emu *e, json_t *guild, json_t *channel, const char *user_id)
{
    uint64_t p = emu_perms_guild(e, guild, user_id);
    const char *gid = json_string_value(json_object_get(guild, "id"));
    json_t *member = emu_member(guild, user_id);
    json_t *ows = json_object_get(channel, "permission_overwrites");
    uint64_t allow = 0, deny = 0;
    json_t *ow;
    size_t i;
    if (p == EMU_P_ALL || !member)
        return p;
    json_array_foreach(ows, i, ow) {
        const char *id = json_string_value(json_object_get(ow, "id"));
        if (id && !strcmp(id, gid)) {
            p &= ~emu_perm_parse(json_object_get(ow, "deny"));
            p |= emu_perm_parse(json_object_get(ow, "allow"));
        }
    }
    json_array_foreach(ows, i, ow) {
        const char *id = json_string_value(json_object_get(ow, "id"));
        if (json_integer_value(json_object_get(ow, "type")) == 0 && id && strcmp(id, gid) &&
            emu_has_role(member, id)) {
            allow |= emu_perm_parse(json_object_get(ow, "allow"));
            deny |= emu_perm_parse(json_object_get(ow, "deny"));
        }
    }
    p = (p & ~deny) | allow;
    json_array_foreach(ows, i, ow) {
        const char *id = json_string_value(json_object_get(ow, "id"));
        if (json_integer_value(json_object_get(ow, "type")) == 1 && id && !strcmp(id, user_id)) {
            p &= ~emu_perm_parse(json_object_get(ow, "deny"));
            p |= emu_perm_parse(json_object_get(ow, "allow"));
        }
    }
    /* Without VIEW_CHANNEL a member has no permission in the channel at all. */
    if (!(p & EMU_P_VIEW_CHANNEL))
        return 0;
    if (emu_in_timeout(member))
        p &= EMU_P_VIEW_CHANNEL | EMU_P_READ_HISTORY;
    return p;
}

int emu_top_position(json_t *guild, const char *user_id)
{
    json_t *member = emu_member(guild, user_id);
    int top = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(member, "roles"), i, r) {
        int pos = (int)json_integer_value(json_object_get(emu_role(guild, json_string_value(r)), "position"));
        if (pos > top)
            top = pos;
    }
    return top;
}
