/* Reading an interaction: ids, options, custom_id parts, select values, modal fields. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "interact/ia_build.h"
#include "interact/ia_internal.h"
#include "plugin/plug_internal.h"

static uint64_t id_of(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? strtoull(s, NULL, 10) : 0;
}

/* Descends into SUB_COMMAND and SUB_COMMAND_GROUP options, extending the path. */
static const json_t *innermost(const json_t *options, char *path, size_t pathlen)
{
    for (int depth = 0; depth < 2; depth++) {
        const json_t *first = json_array_get(options, 0);
        json_int_t t = json_integer_value(json_object_get(first, "type"));
        const char *name = json_string_value(json_object_get(first, "name"));
        if ((t != IA_OPT_SUB_COMMAND && t != IA_OPT_SUB_COMMAND_GROUP) || !name)
            break;
        size_t n = strlen(path);
        snprintf(path + n, pathlen - n, " %s", name);
        options = json_object_get(first, "options");
    }
    return options;
}

int ia_call_parse(ia_call *call)
{
    const json_t *ia = call->ia;
    const json_t *data = json_object_get(ia, "data");
    const char *token = json_string_value(json_object_get(ia, "token"));
    call->type = (int)json_integer_value(json_object_get(ia, "type"));
    call->id = id_of(json_object_get(ia, "id"));
    call->app_id = id_of(json_object_get(ia, "application_id"));
    if (!token || strlen(token) >= sizeof call->token || !call->id || !call->app_id ||
        !json_is_object(data))
        return BH_EINVAL;
    snprintf(call->token, sizeof call->token, "%s", token);

    if (call->type == IA_COMMAND || call->type == IA_AUTOCOMPLETE) {
        const char *name = json_string_value(json_object_get(data, "name"));
        if (!name || !*name || strlen(name) > 32)
            return BH_EINVAL;
        snprintf(call->key, sizeof call->key, "%s", name);
        call->options = innermost(json_object_get(data, "options"), call->key, sizeof call->key);
        call->route_kind = call->type == IA_COMMAND ? PLUG_COMMAND : PLUG_AUTOCOMPLETE;
        return 0;
    }
    if (call->type == IA_COMPONENT || call->type == IA_MODAL) {
        const char *cid = json_string_value(json_object_get(data, "custom_id"));
        /* Discord's 100 characters, of up to 4 bytes each. */
        if (!cid || !*cid || ia_text_len(cid) > 100 || strlen(cid) >= sizeof call->key)
            return BH_EINVAL;
        snprintf(call->key, sizeof call->key, "%s", cid);
        call->route_kind = call->type == IA_COMPONENT ? PLUG_COMPONENT : PLUG_MODAL;
        /* Parts after "<plugin>:". */
        const char *colon = strchr(cid, ':');
        call->cid_copy = strdup(colon ? colon + 1 : "");
        if (!call->cid_copy)
            return BH_ENOMEM;
        char *save = NULL;
        for (char *p = call->cid_copy; call->ncid < IA_MAX_CID_PARTS; p = NULL) {
            char *part = strtok_r(p, ":", &save);
            if (!part)
                break;
            call->cid_parts[call->ncid++] = part;
        }
        return 0;
    }
    return BH_EINVAL;
}

void ia_call_parsed_free(ia_call *call)
{
    free(call->cid_copy);
    call->cid_copy = NULL;
}

/* ---- the bh_api entries ---- */

static const json_t *data_of(bh_ctx *c)
{
    return json_object_get(c->data, "data");
}

uint64_t ia_api_id(bh_ctx *c, int which)
{
    const json_t *d = c->data;
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
        return c->ia ? id_of(json_object_get(d, "id")) : 0;
    case BH_ID_MESSAGE:
        return id_of(json_object_get(json_object_get(d, "message"), "id"));
    case BH_ID_APPLICATION:
        return id_of(json_object_get(d, "application_id"));
    }
    return 0;
}

const json_t *ia_api_option(bh_ctx *c, const char *name)
{
    if (!c->ia || !name)
        return NULL;
    size_t i;
    const json_t *o;
    json_array_foreach(c->ia->options, i, o)
    {
        const char *n = json_string_value(json_object_get(o, "name"));
        if (n && strcmp(n, name) == 0)
            return o;
    }
    return NULL;
}

int ia_api_cid_count(bh_ctx *c)
{
    return c->ia ? c->ia->ncid : 0;
}

const char *ia_api_cid_part(bh_ctx *c, int i)
{
    return c->ia && i >= 0 && i < c->ia->ncid ? c->ia->cid_parts[i] : NULL;
}

int ia_api_value_count(bh_ctx *c)
{
    return (int)json_array_size(json_object_get(data_of(c), "values"));
}

const char *ia_api_value(bh_ctx *c, int i)
{
    return json_string_value(json_array_get(json_object_get(data_of(c), "values"), (size_t)i));
}

const char *ia_api_field(bh_ctx *c, const char *custom_id)
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

uint64_t ia_api_member_perms(bh_ctx *c)
{
    return id_of(json_object_get(json_object_get(c->data, "member"), "permissions"));
}

int ia_api_member_roles(bh_ctx *c, uint64_t *out, int max)
{
    const json_t *roles = json_object_get(json_object_get(c->data, "member"), "roles");
    int n = (int)json_array_size(roles);
    for (int i = 0; i < n && i < max; i++)
        out[i] = id_of(json_array_get(roles, (size_t)i));
    return n;
}

const json_t *ia_api_resolved(bh_ctx *c, const char *kind, uint64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%" PRIu64, id);
    return json_object_get(json_object_get(json_object_get(data_of(c), "resolved"), kind), key);
}
