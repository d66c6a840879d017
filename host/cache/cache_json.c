/*
 * Reading Discord's JSON into the expanded form. Everything here is outside
 * input: a value of the wrong type counts as missing, and nothing is trusted to
 * be bounded except by the limits in cache.h.
 */
#include <limits.h>
#include <string.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "cache/cache_internal.h"

int cj_u64(const json_t *v, uint64_t *out)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (n == 0 || n > 20)
            return -1;
        uint64_t x = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            unsigned d = (unsigned)(s[i] - '0');
            if (x > (UINT64_MAX - d) / 10)
                return -1;
            x = x * 10 + d;
        }
        *out = x;
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    return -1;
}

int cj_snowflake(const json_t *v, uint64_t *out)
{
    uint64_t x;
    if (cj_u64(v, &x) < 0 || x == 0)
        return -1;
    *out = x;
    return 0;
}

uint64_t cj_get_id(const json_t *obj, const char *key)
{
    uint64_t id;
    return cj_snowflake(json_object_get(obj, key), &id) == 0 ? id : 0;
}

static int32_t get_i32(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return 0;
    json_int_t x = json_integer_value(v);
    return x < INT32_MIN ? INT32_MIN : x > INT32_MAX ? INT32_MAX : (int32_t)x;
}

static uint32_t get_u32(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return 0;
    json_int_t x = json_integer_value(v);
    return x > (json_int_t)UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

static uint64_t get_perms(const json_t *obj, const char *key)
{
    uint64_t x;
    return cj_u64(json_object_get(obj, key), &x) == 0 ? x : 0;
}

/* A name, cut at CACHE_NAME_MAX bytes on a UTF-8 character boundary. */
static void get_name(const json_t *obj, const char **name, uint32_t *len)
{
    const json_t *v = json_object_get(obj, "name");
    if (!json_is_string(v)) {
        *name = "";
        *len = 0;
        return;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > CACHE_NAME_MAX) {
        n = CACHE_NAME_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    *name = s;
    *len = (uint32_t)n;
}

int cj_role(const json_t *j, struct cx_role *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(j) || cj_snowflake(json_object_get(j, "id"), &out->id) < 0)
        return -1;
    out->perms = get_perms(j, "permissions");
    out->position = get_i32(j, "position");
    out->color = get_u32(j, "color");
    out->flags = get_u32(j, "flags");
    out->bits = (json_is_true(json_object_get(j, "managed")) ? CX_MANAGED : 0) |
                (json_is_true(json_object_get(j, "hoist")) ? CX_HOIST : 0) |
                (json_is_true(json_object_get(j, "mentionable")) ? CX_MENTIONABLE : 0);
    get_name(j, &out->name, &out->name_len);
    return 0;
}

int cj_chan(const json_t *j, struct cache_scratch *s, struct cx_chan *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(j) || cj_snowflake(json_object_get(j, "id"), &out->id) < 0)
        return -1;
    uint32_t type = get_u32(j, "type");
    out->type = type > 255 ? 255 : (uint8_t)type;

    const json_t *arr = json_object_get(j, "permission_overwrites");
    size_t n = json_array_size(arr);
    if (n == 0)
        return 0;
    if (n > CACHE_MAX_OVERWRITES)
        return BH_ELIMIT;
    out->ow = cache__alloc(s, n * sizeof *out->ow);
    if (!out->ow)
        return BH_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        struct cx_ow *w = &out->ow[out->n_ow];
        if (!json_is_object(o) || cj_snowflake(json_object_get(o, "id"), &w->id) < 0)
            continue;
        const json_t *t = json_object_get(o, "type");
        /* v10 sends 0 (role) or 1 (member); older versions sent the words. */
        w->type = (json_is_integer(t) && json_integer_value(t) == 1) ||
                          (json_is_string(t) && strcmp(json_string_value(t), "member") == 0)
                      ? 1
                      : 0;
        w->allow = get_perms(o, "allow");
        w->deny = get_perms(o, "deny");
        out->n_ow++;
    }
    return 0;
}

int cj_id_list(const json_t *arr, struct cache_scratch *s, uint64_t **out, uint32_t *n)
{
    size_t len = json_array_size(arr);
    *n = 0;
    if (len > CACHE_MAX_ROLES)
        return BH_ELIMIT;
    /* One spare slot, as cg_decode() leaves, and never a NULL array. */
    *out = cache__alloc(s, (len + 1) * sizeof **out);
    if (!*out)
        return BH_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        uint64_t id;
        if (cj_snowflake(json_array_get(arr, i), &id) == 0)
            (*out)[(*n)++] = id;
    }
    return 0;
}
