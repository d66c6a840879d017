/*
 * cache_apply() is a parser of outside input: missing fields, wrong types,
 * out-of-range numbers, huge arrays and randomly mutated payloads must never
 * crash it (this runs under ASan/UBSan too), and what it keeps must still answer.
 */
#include <string.h>

#include "bothost/abi.h"
#include "cache_test.h"

static const char *events[] = {
    "READY",          "GUILD_CREATE",      "GUILD_UPDATE",      "GUILD_DELETE",
    "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE", "CHANNEL_CREATE",
    "CHANNEL_UPDATE", "CHANNEL_DELETE",    "GUILD_MEMBER_UPDATE", "THREAD_CREATE",
};
#define N_EVENTS (int)(sizeof events / sizeof events[0])

static const char *guild =
    "{\"id\":\"1000\",\"owner_id\":\"1\",\"roles\":["
    "{\"id\":\"1000\",\"name\":\"@everyone\",\"position\":0,\"permissions\":\"1024\"},"
    "{\"id\":\"2000\",\"name\":\"bot\",\"position\":3,\"permissions\":\"268435456\","
    "\"managed\":true},"
    "{\"id\":\"2001\",\"name\":\"member\",\"position\":1,\"permissions\":\"2048\"}],"
    "\"channels\":[{\"id\":\"3000\",\"type\":0,\"name\":\"general\",\"position\":0,"
    "\"parent_id\":\"3001\",\"permission_overwrites\":["
    "{\"id\":\"1000\",\"type\":0,\"allow\":\"0\",\"deny\":\"1024\"},"
    "{\"id\":\"2001\",\"type\":0,\"allow\":\"1024\",\"deny\":\"0\"},"
    "{\"id\":\"9\",\"type\":1,\"allow\":\"8192\",\"deny\":\"2048\"}]},"
    "{\"id\":\"3001\",\"type\":4,\"name\":\"cat\",\"position\":0}],"
    "\"members\":[{\"user\":{\"id\":\"7\"},\"roles\":[\"2000\",\"2001\"]}]}";

/* Some bad payloads per event; none may crash, and the guild must survive. */
static void test_bad_payloads(cache *c)
{
    static const struct {
        const char *event, *d;
        int rc;
    } cases[] = {
        {"GUILD_CREATE", "{}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":1.5}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":\"abc\"}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":\"-5\"}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":\"0\"}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":\"\"}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":\"18446744073709551616\"}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":\"123456789012345678901\"}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":null}", BH_EINVAL},
        {"GUILD_CREATE", "{\"id\":[\"1\"]}", BH_EINVAL},
        {"GUILD_UPDATE", "{\"name\":\"x\"}", BH_EINVAL},
        {"GUILD_DELETE", "{\"unavailable\":true}", BH_EINVAL},
        {"GUILD_ROLE_CREATE", "{\"guild_id\":\"1000\"}", BH_EINVAL},
        {"GUILD_ROLE_CREATE", "{\"guild_id\":\"1000\",\"role\":\"x\"}", BH_EINVAL},
        {"GUILD_ROLE_CREATE", "{\"guild_id\":\"1000\",\"role\":{\"name\":\"no id\"}}", BH_EINVAL},
        {"GUILD_ROLE_UPDATE", "{\"role\":{\"id\":\"2001\"}}", BH_EINVAL},
        {"GUILD_ROLE_DELETE", "{\"guild_id\":\"1000\",\"role_id\":2.5}", BH_EINVAL},
        {"GUILD_ROLE_DELETE", "{\"guild_id\":\"1000\",\"role_id\":\"4242\"}", 0},
        {"CHANNEL_CREATE", "{\"guild_id\":\"1000\"}", BH_EINVAL},
        {"CHANNEL_CREATE", "{\"guild_id\":\"1000\",\"id\":{}}", BH_EINVAL},
        {"CHANNEL_DELETE", "{\"guild_id\":\"1000\",\"id\":\"4242\"}", 0},
        {"CHANNEL_UPDATE", "{\"id\":\"3000\"}", 0}, /* no guild_id: a DM */
        {"GUILD_MEMBER_UPDATE", "{\"guild_id\":\"1000\"}", BH_EINVAL},
        {"GUILD_MEMBER_UPDATE", "{\"guild_id\":\"1000\",\"user\":\"7\"}", BH_EINVAL},
        {"READY", "{\"user\":{}}", BH_EINVAL},
        {"READY", "[]", BH_EINVAL},
        {"GUILD_CREATE", "[1,2,3]", BH_EINVAL},
        {"GUILD_CREATE", "\"text\"", BH_EINVAL},
        /* Fields of the wrong type count as missing. */
        {"GUILD_ROLE_CREATE",
         "{\"guild_id\":\"1000\",\"role\":{\"id\":\"2002\",\"name\":5,\"position\":\"high\","
         "\"permissions\":{\"a\":1},\"color\":-4,\"managed\":\"yes\",\"flags\":1e300}}",
         0},
        {"GUILD_ROLE_CREATE",
         "{\"guild_id\":\"1000\",\"role\":{\"id\":\"2003\",\"position\":99999999999,"
         "\"permissions\":\"99999999999999999999999\",\"color\":99999999999}}",
         0},
        {"CHANNEL_CREATE",
         "{\"guild_id\":\"1000\",\"id\":\"3002\",\"type\":\"text\",\"name\":[],"
         "\"parent_id\":{},\"position\":-2147483649,\"permission_overwrites\":["
         "1,\"x\",null,{},{\"id\":\"x\"},{\"id\":\"1000\",\"type\":\"member\",\"allow\":5},"
         "{\"id\":\"2001\",\"type\":7,\"allow\":\"-1\",\"deny\":\"1e3\"}]}",
         0},
        {"CHANNEL_CREATE",
         "{\"guild_id\":\"1000\",\"id\":\"3003\",\"type\":100000,\"permission_overwrites\":{}}",
         0},
        {"GUILD_UPDATE", "{\"id\":\"1000\",\"owner_id\":\"zz\",\"roles\":{}}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = feed(c, cases[i].event, cases[i].d);
        if (rc != cases[i].rc) {
            fprintf(stderr, "case %zu (%s %s): %d, expected %d\n", i, cases[i].event,
                    cases[i].d, rc, cases[i].rc);
            exit(1);
        }
    }
    /* d NULL and a NULL event are refused, an unknown event ignored. */
    CHECK_EQ_INT(cache_apply(c, "GUILD_CREATE", NULL), BH_EINVAL);
    CHECK_EQ_INT(cache_apply(c, NULL, NULL), BH_EINVAL);
    CHECK_EQ_INT(cache_apply(c, "", NULL), 0);
    CHECK_EQ_INT(cache_apply(c, "TYPING_START", NULL), 0);

    /* The guild is still there and still right. */
    uint64_t p, member[] = {2001};
    CHECK_EQ_INT(cache_channel_permissions(c, 1000, 3000, 5, member, 1, &p), 0);
    CHECK(p == (1024 | 2048));
    cache_role_info r;
    CHECK_EQ_INT(cache_role(c, 1000, 2002, &r), 0);
    CHECK_EQ_STR(r.name, "");
    CHECK_EQ_INT(r.position, 0);
    CHECK(r.permissions == 0 && !r.managed && r.color == 0);
    CHECK_EQ_INT(cache_role(c, 1000, 2003, &r), 0);
    CHECK_EQ_INT(r.position, INT32_MAX);
    CHECK(r.permissions == 0);
    CHECK(r.color == UINT32_MAX);
    /* 3002 kept the overwrites with a valid id: "member" (the old word) for 1000 with
     * an integer allow, and 2001's with both sets invalid, so empty. */
    CHECK_EQ_INT(cache_channel_permissions(c, 1000, 3002, 1000, NULL, 0, &p), 0);
    CHECK(p == (1024 | 5));
    CHECK_EQ_INT(cache_channel_permissions(c, 1000, 3002, 5, member, 1, &p), 0);
    CHECK(p == (1024 | 2048));
    /* A type out of range is still a guild channel. */
    CHECK_EQ_INT(cache_channel_permissions(c, 1000, 3003, 5, NULL, 0, &p), 0);
    CHECK(p == 1024);
    cache_guild_info gi;
    CHECK_EQ_INT(cache_guild(c, 1000, &gi), 0);
    CHECK(gi.owner_id == 1);
    CHECK_EQ_INT(gi.role_count, 5);
}

/* Long names are cut at CACHE_NAME_MAX bytes, on a character boundary. */
static void test_long_names(cache *c)
{
    size_t n = 1000;
    char *name = malloc(n * 3 + 1);
    CHECK(name);
    for (size_t i = 0; i < n; i++)
        memcpy(name + 3 * i, "\xe2\x98\x85", 3);
    name[3 * n] = '\0';
    json_t *d = json_pack("{s:s, s:{s:s, s:s, s:s}}", "guild_id", "1000", "role", "id", "2100",
                          "name", name, "permissions", "0");
    CHECK(d);
    CHECK_EQ_INT(cache_apply(c, "GUILD_ROLE_CREATE", d), 0);
    json_decref(d);
    cache_role_info r;
    CHECK_EQ_INT(cache_role(c, 1000, 2100, &r), 0);
    CHECK_EQ_INT(strlen(r.name), 399); /* 133 whole stars */
    CHECK(memcmp(r.name, name, 399) == 0);
    free(name);
}

/* Arrays past the limits: refused with BH_ELIMIT, and a stale copy is dropped. */
static void test_huge_arrays(void)
{
    cache *c = cache_create();
    CHECK(c);
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", guild), 0);

    json_t *d = json_loads(guild, 0, NULL);
    json_t *roles = json_array();
    for (int i = 0; i < CACHE_MAX_ROLES + 1; i++)
        json_array_append_new(roles, json_pack("{s:s, s:i}", "id", "5", "position", i));
    json_object_set_new(d, "roles", roles);
    CHECK_EQ_INT(cache_apply(c, "GUILD_CREATE", d), BH_ELIMIT);
    cache_guild_info gi;
    CHECK_EQ_INT(cache_guild(c, 1000, &gi), BH_ENOTFOUND);
    json_decref(d);

    /* Overwrites of one channel past the limit, through CHANNEL_UPDATE. */
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", guild), 0);
    d = json_pack("{s:s, s:s, s:i}", "guild_id", "1000", "id", "3000", "type", 0);
    json_t *ows = json_array();
    for (int i = 0; i < CACHE_MAX_OVERWRITES + 1; i++)
        json_array_append_new(ows, json_pack("{s:s, s:i, s:s, s:s}", "id", "42", "type", 1,
                                             "allow", "0", "deny", "1024"));
    json_object_set_new(d, "permission_overwrites", ows);
    CHECK_EQ_INT(cache_apply(c, "CHANNEL_UPDATE", d), BH_ELIMIT);
    CHECK_EQ_INT(cache_guild(c, 1000, &gi), BH_ENOTFOUND);
    json_decref(d);

    /* Many channels. */
    d = json_loads(guild, 0, NULL);
    json_t *chans = json_array();
    for (int i = 0; i < CACHE_MAX_CHANNELS + 1; i++)
        json_array_append_new(chans, json_pack("{s:I, s:i}", "id", (json_int_t)(10000 + i),
                                               "type", 0));
    json_object_set_new(d, "channels", chans);
    CHECK_EQ_INT(cache_apply(c, "GUILD_CREATE", d), BH_ELIMIT);
    json_decref(d);

    /* Duplicate ids within limits: the last one given wins. */
    CHECK_EQ_INT(feed(c, "GUILD_CREATE",
                      "{\"id\":\"1000\",\"roles\":[{\"id\":\"5\",\"position\":1},"
                      "{\"id\":\"5\",\"position\":2},{\"id\":\"6\"},{\"id\":\"5\",\"position\":3}],"
                      "\"channels\":[{\"id\":\"8\",\"permission_overwrites\":[{\"id\":\"1000\",\"type\":0,"
                      "\"allow\":\"1\"}]},{\"id\":\"8\",\"permission_overwrites\":["
                      "{\"id\":\"1000\",\"type\":0,\"allow\":\"2\"}]}]}"),
                 0);
    cache_role_info r;
    CHECK_EQ_INT(cache_role(c, 1000, 5, &r), 0);
    CHECK_EQ_INT(r.position, 3);
    uint64_t p;
    CHECK_EQ_INT(cache_channel_permissions(c, 1000, 8, 9, NULL, 0, &p), 0);
    CHECK(p == 2);
    CHECK_EQ_INT(cache_guild(c, 1000, &gi), 0);
    CHECK_EQ_INT(gi.role_count, 2);

    /* A members array of 100,000 others is scanned and dropped. */
    CHECK_EQ_INT(feed(c, "READY", "{\"user\":{\"id\":\"7\"}}"), 0);
    d = json_loads(guild, 0, NULL);
    json_t *members = json_array();
    for (int i = 0; i < 100000; i++)
        json_array_append_new(members, json_pack("{s:{s:I}, s:[]}", "user", "id",
                                                 (json_int_t)(100 + i), "roles"));
    json_object_set_new(d, "members", members);
    CHECK_EQ_INT(cache_apply(c, "GUILD_CREATE", d), 0);
    json_decref(d);
    CHECK_EQ_INT(cache_guild(c, 1000, &gi), 0);
    CHECK(!gi.bot_member_known);
    cache_destroy(c);
}

/* A small deterministic PRNG for the mutations. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static json_t *random_value(void)
{
    switch (rnd(12)) {
    case 0: return json_null();
    case 1: return json_true();
    case 2: return json_integer(-1);
    case 3: return json_integer(INT64_MAX);
    case 4: return json_real(1e300);
    case 5: return json_string("");
    case 6: return json_string("18446744073709551615");
    case 7: return json_string("1000");
    case 8: return json_string("2001");
    case 9: return json_array();
    case 10: return json_object();
    default: return json_string("\xc3\xa9not a number");
    }
}

/* Replaces, removes or nests values at random, recursively. */
static void mutate(json_t *v, int depth)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        void *tmp;
        json_object_foreach_safe(v, tmp, key, child)
        {
            uint32_t r = rnd(10);
            if (r == 0)
                json_object_set_new(v, key, random_value());
            else if (r == 1)
                json_object_del(v, key);
            else if (depth < 8)
                mutate(child, depth + 1);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            uint32_t r = rnd(10);
            if (r == 0)
                json_array_set_new(v, i, random_value());
            else if (r == 1)
                json_array_append(v, json_array_get(v, i));
            else if (depth < 8)
                mutate(json_array_get(v, i), depth + 1);
        }
    }
}

static void test_fuzz(void)
{
    cache *c = cache_create();
    CHECK(c);
    json_t *seeds[] = {
        json_loads(guild, 0, NULL),
        json_loads("{\"guild_id\":\"1000\",\"role\":{\"id\":\"2001\",\"name\":\"m\","
                   "\"position\":2,\"permissions\":\"3072\",\"managed\":false}}",
                   0, NULL),
        json_loads("{\"guild_id\":\"1000\",\"id\":\"3000\",\"type\":0,\"name\":\"g\","
                   "\"parent_id\":\"3001\",\"permission_overwrites\":[{\"id\":\"1000\","
                   "\"type\":0,\"allow\":\"0\",\"deny\":\"1024\"}]}",
                   0, NULL),
        json_loads("{\"guild_id\":\"1000\",\"user\":{\"id\":\"7\"},\"roles\":[\"2000\"]}", 0,
                   NULL),
        json_loads("{\"user\":{\"id\":\"7\"},\"guilds\":[]}", 0, NULL),
        json_loads("{\"guild_id\":\"1000\",\"role_id\":\"2001\"}", 0, NULL),
        json_loads("{\"id\":\"1000\",\"unavailable\":true}", 0, NULL),
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        CHECK(seeds[i]);
    for (int iter = 0; iter < 20000; iter++) {
        json_t *d = json_deep_copy(seeds[rnd(sizeof seeds / sizeof seeds[0])]);
        if (rnd(4))
            mutate(d, 0);
        int rc = cache_apply(c, events[rnd(N_EVENTS)], d);
        CHECK(rc == 0 || rc == BH_EINVAL || rc == BH_ELIMIT);
        json_decref(d);
        /* Every query still answers sensibly. */
        uint64_t p, roles[] = {2000, 2001};
        int32_t top;
        cache_role_info r;
        rc = cache_channel_permissions(c, 1000, 3000, 9, roles, 2, &p);
        CHECK(rc == 0 || rc == BH_ENOTFOUND);
        rc = cache_bot_permissions(c, 1000, 3000, &p);
        CHECK(rc == 0 || rc == BH_ENOTFOUND || rc == BH_ESTATE);
        rc = cache_bot_top_position(c, 1000, &top);
        CHECK(rc == 0 || rc == BH_ENOTFOUND);
        rc = cache_role(c, 1000, 2001, &r);
        CHECK(rc == 0 || rc == BH_ENOTFOUND);
        if (rc == 0)
            CHECK(strlen(r.name) <= CACHE_NAME_MAX);
        rc = cache_bot_can_manage_role(c, 1000, 2001, NULL);
        CHECK(rc == 0 || rc == BH_EPERM || rc == BH_ENOTFOUND || rc == BH_ESTATE);
    }
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        json_decref(seeds[i]);
    cache_destroy(c);
}

int main(void)
{
    cache *c = cache_create();
    CHECK(c);
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", guild), 0);
    test_bad_payloads(c);
    test_long_names(c);
    cache_destroy(c);
    test_huge_arrays();
    test_fuzz();
    printf("test_cache_malformed: ok\n");
    return 0;
}
