/*
 * libFuzzer target for reading an interaction: arbitrary bytes as the "d" of
 * an INTERACTION_CREATE. ia_call_parse() (what the loop thread does before
 * routing), then, on a call it accepts, every accessor a plugin may call
 * through the SDK's inline functions (bh_opt_text(), bh_cid_i64(), bh_field()...)
 * on the call's bh_ctx, as host/ia/ia_dispatch.c builds it.
 *
 * Names and ids for the lookups come from the input itself, so the fuzzer
 * reaches the hits as well as the misses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/bothost.h>

#include "ia/ia_api.h"
#include "ia/ia_internal.h"
#include "plug/plug_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The host's function table, as a loaded plugin sees it. */
const bh_api *bh__api = &plug_api_table;

static volatile uint64_t sink;

static void read_options(bh_ctx *c, const json_t *options)
{
    size_t i;
    const json_t *o;
    json_array_foreach(options, i, o)
    {
        const char *name = json_string_value(json_object_get(o, "name"));
        const char *s = bh_opt_text(c, name, "");
        sink += strlen(s) + (uint64_t)bh_opt_i64(c, name, 0) + (uint64_t)bh_opt_bool(c, name, 0) +
                (uint64_t)(bh_opt_f64(c, name, 0) != 0) + bh_opt_id(c, name);
        sink += bh_option(c, name) != NULL;
        uint64_t id = bh_opt_id(c, name);
        static const char *const kinds[] = {"users", "members", "roles", "channels",
                                            "attachments", "messages", ""};
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            sink += bh_resolved(c, kinds[k], id) != NULL;
    }
    sink += bh_option(c, NULL) != NULL;
    sink += bh_option(c, "") != NULL;
}

static void read_fields(bh_ctx *c, const json_t *data)
{
    size_t i, j;
    const json_t *row, *input;
    json_array_foreach(json_object_get(data, "components"), i, row)
    {
        json_array_foreach(json_object_get(row, "components"), j, input)
        {
            const char *s = bh_field(c, json_string_value(json_object_get(input, "custom_id")));
            sink += s ? strlen(s) : 0;
        }
    }
    sink += bh_field(c, NULL) != NULL;
}

static void read_all(bh_ctx *c, ia_call *call)
{
    for (int which = 0; which <= BH_ID_APPLICATION + 1; which++)
        sink += bh_id(c, (enum bh_id_kind)which);
    read_options(c, call->options);
    int n = bh_cid_count(c);
    for (int i = -1; i <= n; i++) {
        const char *p = bh_cid_part(c, i);
        int64_t v;
        sink += (p ? strlen(p) : 0) + (uint64_t)bh_cid_i64(c, i, &v) + (uint64_t)v;
    }
    n = bh_value_count(c);
    for (int i = -1; i <= n && i < 64; i++) {
        const char *v = bh_value(c, i);
        sink += v ? strlen(v) : 0;
    }
    read_fields(c, json_object_get(call->ia, "data"));
    uint64_t roles[4];
    int nroles = bh_actor_roles(c, roles, 4);
    for (int i = 0; i < nroles && i < 4; i++)
        sink += roles[i];
    sink += bh_actor_permissions(c) + (uint64_t)bh_ctx_kind(c) + strlen(bh_ctx_name(c));
    sink += json_object_size(bh_ctx_data(c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *ia = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!ia)
        return 0;
    ia_call *call = calloc(1, sizeof *call);
    if (!call) {
        json_decref(ia);
        return 0;
    }
    call->ia = ia;
    if (ia_call_parse(call) == 0) {
        bh_ctx *c = plug_ctx_new(NULL, call->route_kind, call->key, json_incref(ia), NULL);
        if (c) {
            plug_ctx_set_interaction(c, call, &ia_entries);
            read_all(c, call);
            plug_ctx_free(c);
        }
    }
    ia_call_parsed_free(call);
    json_decref(ia);
    free(call);
    return 0;
}
