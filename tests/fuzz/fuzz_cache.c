/*
 * libFuzzer target for the guild cache: a sequence of gateway dispatches,
 * one per line, "EVENT_NAME <json d>" (a line without a space is an event
 * with d = null), applied to a fresh cache after a READY naming the bot.
 * After each event, every query runs against the ids found in that event, so
 * the fuzzer reaches the cached data as well as the misses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IDS 8

static volatile uint64_t sink;

static void add_id(uint64_t *ids, int *n, uint64_t v)
{
    for (int i = 0; i < *n; i++)
        if (ids[i] == v)
            return;
    if (*n < MAX_IDS)
        ids[(*n)++] = v;
}

/* Snowflake-looking values (digit strings, non-negative integers) a few levels down. */
static void collect(const json_t *j, int depth, uint64_t *ids, int *n)
{
    if (*n >= MAX_IDS || depth > 3)
        return;
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (*s && strspn(s, "0123456789") == strlen(s))
            add_id(ids, n, strtoull(s, NULL, 10));
    } else if (json_is_integer(j) && json_integer_value(j) >= 0) {
        add_id(ids, n, (uint64_t)json_integer_value(j));
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v)
            collect(v, depth + 1, ids, n);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
        {
            if (i >= 4)
                break;
            collect(v, depth + 1, ids, n);
        }
    }
}

static void query(cache *c, const uint64_t *ids, int n)
{
    for (int g = 0; g < n; g++) {
        uint64_t gid = ids[g], p = 0;
        int32_t pos = 0;
        cache_guild_info gi;
        sink += cache_guild(c, gid, &gi) == 0 ? gi.role_count + gi.channel_count : 0;
        sink += (uint64_t)cache_bot_top_position(c, gid, &pos) + (uint64_t)pos;
        sink += (uint64_t)cache_bot_permissions(c, gid, 0, &p) + p;
        sink += (uint64_t)cache_member_highest_position(c, gid, ids, n, &pos) + (uint64_t)pos;
        for (int i = 0; i < n; i++) {
            cache_role_info ri;
            enum cache_deny why = CACHE_DENY_NONE;
            sink += cache_role(c, gid, ids[i], &ri) == 0 ? ri.permissions + strlen(ri.name) : 0;
            sink += (uint64_t)cache_bot_permissions(c, gid, ids[i], &p) + p;
            sink += (uint64_t)cache_base_permissions(c, gid, ids[i], ids, n, &p) + p;
            sink += (uint64_t)cache_channel_permissions(c, gid, ids[i], ids[(i + 1) % n], ids, n,
                                                        &p) + p;
            sink += (uint64_t)cache_member_can_manage_role(c, gid, ids[(i + 1) % n], ids, n, ids[i],
                                                           &why);
            sink += strlen(cache_deny_text(why));
            sink += (uint64_t)cache_bot_can_manage_role(c, gid, ids[i], &why);
            sink += strlen(cache_deny_text(why));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cache *c = cache_create();
    if (!c)
        return 0;
    json_t *ready = json_pack("{s:{s:s}}", "user", "id", "159985870458322944");
    cache_apply(c, "READY", ready);
    json_decref(ready);

    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *sp = memchr(p, ' ', (size_t)(line_end - p));
        const char *name_end = sp ? sp : line_end;
        char name[64];
        size_t nlen = (size_t)(name_end - p) < sizeof name - 1 ? (size_t)(name_end - p)
                                                                : sizeof name - 1;
        memcpy(name, p, nlen);
        name[nlen] = '\0';
        json_t *d = NULL;
        if (sp)
            d = json_loadb(sp + 1, (size_t)(line_end - sp - 1), JSON_DECODE_ANY, NULL);
        cache_apply(c, name, d ? d : json_null());
        uint64_t ids[MAX_IDS];
        int n = 0;
        collect(d, 0, ids, &n);
        query(c, ids, n);
        json_decref(d);
        p = nl ? nl + 1 : end;
    }
    sink += cache_bot_user_id(c);
    cache_destroy(c);
    return 0;
}
