/* Parsing an interaction (command path, options, custom_id parts); the entries that read them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ia/ia_internal.h"
#include "msg/msg.h"
#include "plug/plug_ctx.h"

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
        if (!cid || !*cid || msg_text_len(cid) > 100 || strlen(cid) >= sizeof call->key)
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

const json_t *ia_read_option(bh_ctx *c, const char *name)
{
    const ia_call *call = plug_ctx_interaction(c);
    if (!call || !name)
        return NULL;
    size_t i;
    const json_t *o;
    json_array_foreach(call->options, i, o)
    {
        const char *n = json_string_value(json_object_get(o, "name"));
        if (n && strcmp(n, name) == 0)
            return o;
    }
    return NULL;
}

int ia_read_cid_count(bh_ctx *c)
{
    const ia_call *call = plug_ctx_interaction(c);
    return call ? call->ncid : 0;
}

const char *ia_read_cid_part(bh_ctx *c, int i)
{
    const ia_call *call = plug_ctx_interaction(c);
    return call && i >= 0 && i < call->ncid ? call->cid_parts[i] : NULL;
}
