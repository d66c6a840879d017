/*
 * The table's entries that read a call's data: ids, select values, modal
 * fields, the member, resolved objects. They read any call (an event's data
 * too); what only an interaction has (options, custom_id parts) is read by
 * host/ia/ through the call's plug_ia_entries.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plug/plug_internal.h"

static uint64_t id_of(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? strtoull(s, NULL, 10) : 0;
}

static const json_t *data_of(const bh_ctx *c)
{
    return json_object_get(plug_ctx_data(c), "data");
}

uint64_t plug_read_id(bh_ctx *c, int which)
{
    const json_t *d = plug_ctx_data(c);
    switch (which) {
    case BH_ID_GUILD:
        return id_of(json_object_get(d, "guild_id"));
    case BH_ID_CHANNEL:
        return id_of(json_object_get(d, "channel_id"));
    case BH_ID_USER: {
        const json_t *user = json_object_get(json_object_get(d, "member"), "user");
        return id_of(json_object_get(user ? user : json_object_get(d, "user"), "id"));
    }
    case BH_ID_INTERACTION:
        return plug_ctx_interaction(c) ? id_of(json_object_get(d, "id")) : 0;
    case BH_ID_MESSAGE:
        return id_of(json_object_get(json_object_get(d, "message"), "id"));
    case BH_ID_APPLICATION:
        return id_of(json_object_get(d, "application_id"));
    }
    return 0;
}

int plug_read_value_count(bh_ctx *c)
{
    return (int)json_array_size(json_object_get(data_of(c), "values"));
}

const char *plug_read_value(bh_ctx *c, int i)
{
    return json_string_value(json_array_get(json_object_get(data_of(c), "values"), (size_t)i));
}

const char *plug_read_field(bh_ctx *c, const char *custom_id)
{
    size_t i, j;
    const json_t *row, *input;
    json_array_foreach(json_object_get(data_of(c), "components"), i, row)
    {
        json_array_foreach(json_object_get(row, "components"), j, input)
        {
            const char *id = json_string_value(json_object_get(input, "custom_id"));
            if (id && custom_id && strcmp(id, custom_id) == 0)
                return json_string_value(json_object_get(input, "value"));
        }
    }
    return NULL;
}

uint64_t plug_read_member_perms(bh_ctx *c)
{
    return id_of(json_object_get(json_object_get(plug_ctx_data(c), "member"), "permissions"));
}

int plug_read_member_roles(bh_ctx *c, uint64_t *out, int max)
{
    const json_t *roles = json_object_get(json_object_get(plug_ctx_data(c), "member"), "roles");
    int n = (int)json_array_size(roles);
    for (int i = 0; i < n && i < max; i++)
        out[i] = id_of(json_array_get(roles, (size_t)i));
    return n;
}

const json_t *plug_read_resolved(bh_ctx *c, const char *kind, uint64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRIu64, id);
    return json_object_get(json_object_get(json_object_get(data_of(c), "resolved"), kind), key);
}
