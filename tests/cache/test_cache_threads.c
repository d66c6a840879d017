/*
 * Four reader threads query while the writer applies 10,000 updates: every answer
 * must be one a consistent state could give (never a half-applied event), and
 * ASan/TSan must stay quiet.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "bothost/abi.h"
#include "cache_test.h"

#define GUILDS 50
#define UPDATES 10000
#define READERS 4
#define BOT 7ull

/* Ids derived from the guild id. */
#define ROLE_A(g) ((g) * 1000 + 1)
#define ROLE_B(g) ((g) * 1000 + 2)
#define ROLE_D(g) ((g) * 1000 + 4)
#define CHAN(g) ((g) * 1000 + 500)

static atomic_int done;
static atomic_long queries;

static json_t *role_json(uint64_t id, const char *name, int position, uint64_t perms)
{
    char idb[24], pb[24];
    snprintf(idb, sizeof idb, "%llu", (unsigned long long)id);
    snprintf(pb, sizeof pb, "%llu", (unsigned long long)perms);
    return json_pack("{s:s, s:s, s:i, s:s, s:b}", "id", idb, "name", name, "position", position,
                     "permissions", pb, "managed", 0);
}

static json_t *chan_json(uint64_t g, uint64_t allow)
{
    char idb[24], gb[24], eb[24], ab[24], alb[24];
    snprintf(idb, sizeof idb, "%llu", (unsigned long long)CHAN(g));
    snprintf(gb, sizeof gb, "%llu", (unsigned long long)g);
    snprintf(eb, sizeof eb, "%llu", (unsigned long long)g);
    snprintf(ab, sizeof ab, "%llu", (unsigned long long)ROLE_A(g));
    snprintf(alb, sizeof alb, "%llu", (unsigned long long)allow);
    return json_pack("{s:s, s:s, s:i, s:s, s:i, s:[{s:s, s:i, s:s, s:s}, {s:s, s:i, s:s, s:s}]}",
                     "id", idb, "guild_id", gb, "type", 0, "name", "general", "position", 1,
                     "permission_overwrites", "id", eb, "type", 0, "allow", "0", "deny", "0",
                     "id", ab, "type", 0, "allow", alb, "deny", "0");
}

static void guild_create(cache *c, uint64_t g)
{
    char gb[24];
    snprintf(gb, sizeof gb, "%llu", (unsigned long long)g);
    json_t *roles = json_array();
    json_array_append_new(roles, role_json(g, "@everyone", 0, PERM_VIEW_CHANNEL));
    json_array_append_new(roles, role_json(ROLE_A(g), "role-a", 2, PERM_SEND_MESSAGES));
    json_array_append_new(roles, role_json(ROLE_B(g), "role-b", 4, 0));
    json_t *ch = chan_json(g, PERM_EMBED_LINKS);
    json_object_del(ch, "guild_id");
    char ab[24];
    snprintf(ab, sizeof ab, "%llu", (unsigned long long)ROLE_A(g));
    json_t *d = json_pack("{s:s, s:s, s:o, s:[o], s:[{s:{s:s}, s:[s]}]}", "id", gb, "owner_id",
                          "1", "roles", roles, "channels", ch, "members", "user", "id", "7",
                          "roles", ab);
    CHECK(d);
    CHECK_EQ_INT(cache_apply(c, "GUILD_CREATE", d), 0);
    json_decref(d);
}

static void *reader(void *arg)
{
    cache *c = arg;
    uint64_t seed = (uint64_t)(uintptr_t)&seed;
    cache_role_info role;
    long n = 0;
    while (!atomic_load(&done)) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t g = 1 + (seed >> 33) % GUILDS;
        uint64_t member[] = {ROLE_A(g)}, p;
        int rc = cache_channel_permissions(c, g, CHAN(g), 99, member, 1, &p);
        if (rc == 0) {
            uint64_t rest = p & ~(PERM_VIEW_CHANNEL);
            CHECK(p & PERM_VIEW_CHANNEL);
            CHECK(rest == (PERM_SEND_MESSAGES | PERM_EMBED_LINKS) ||
                  rest == (PERM_SEND_MESSAGES | PERM_ATTACH_FILES) ||
                  rest == (PERM_MANAGE_MESSAGES | PERM_EMBED_LINKS) ||
                  rest == (PERM_MANAGE_MESSAGES | PERM_ATTACH_FILES));
        } else {
            CHECK_EQ_INT(rc, BH_ENOTFOUND);
        }
        int32_t top;
        rc = cache_bot_top_position(c, g, &top);
        CHECK(rc == BH_ENOTFOUND || top == 2 || top == 4);
        cache_guild_info gi;
        rc = cache_guild(c, g, &gi);
        CHECK(rc == BH_ENOTFOUND || gi.role_count == 3 || gi.role_count == 4);
        rc = cache_role(c, g, ROLE_B(g), &role);
        CHECK(rc == BH_ENOTFOUND || strcmp(role.name, "role-b") == 0);
        rc = cache_bot_can_manage_role(c, g, ROLE_A(g), NULL);
        CHECK(rc == 0 || rc == BH_EPERM || rc == BH_ENOTFOUND);
        n += 4;
    }
    atomic_fetch_add(&queries, n);
    return NULL;
}

int main(void)
{
    cache *c = cache_create();
    CHECK(c);
    CHECK_EQ_INT(feed(c, "READY", "{\"user\":{\"id\":\"7\"}}"), 0);
    for (uint64_t g = 1; g <= GUILDS; g++)
        guild_create(c, g);

    pthread_t th[READERS];
    for (int i = 0; i < READERS; i++)
        CHECK(pthread_create(&th[i], NULL, reader, c) == 0);

    uint64_t x = 12345;
    for (int i = 0; i < UPDATES; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t g = 1 + (x >> 33) % GUILDS;
        char gb[24], ib[24];
        snprintf(gb, sizeof gb, "%llu", (unsigned long long)g);
        json_t *d = NULL;
        const char *ev = NULL;
        switch (i % 7) {
        case 0:
        case 1:
            ev = "GUILD_ROLE_UPDATE";
            d = json_pack("{s:s, s:o}", "guild_id", gb, "role",
                          role_json(ROLE_A(g), "role-a", 2,
                                    i & 8 ? PERM_MANAGE_MESSAGES : PERM_SEND_MESSAGES));
            break;
        case 2:
        case 3:
            ev = "CHANNEL_UPDATE";
            d = chan_json(g, i & 16 ? PERM_ATTACH_FILES : PERM_EMBED_LINKS);
            break;
        case 4:
            ev = "GUILD_ROLE_CREATE";
            d = json_pack("{s:s, s:o}", "guild_id", gb, "role",
                          role_json(ROLE_D(g), "role-d", 3, 0));
            break;
        case 5:
            ev = "GUILD_ROLE_DELETE";
            snprintf(ib, sizeof ib, "%llu", (unsigned long long)ROLE_D(g));
            d = json_pack("{s:s, s:s}", "guild_id", gb, "role_id", ib);
            break;
        case 6:
            if (i % 500 == 6) {
                ev = "GUILD_DELETE";
                d = json_pack("{s:s}", "id", gb);
                CHECK_EQ_INT(cache_apply(c, ev, d), 0);
                json_decref(d);
                guild_create(c, g);
                continue;
            }
            ev = "GUILD_MEMBER_UPDATE";
            snprintf(ib, sizeof ib, "%llu",
                     (unsigned long long)(i & 32 ? ROLE_B(g) : ROLE_A(g)));
            d = json_pack("{s:s, s:{s:s}, s:[s]}", "guild_id", gb, "user", "id", "7", "roles",
                          ib);
            break;
        }
        CHECK(d);
        CHECK_EQ_INT(cache_apply(c, ev, d), 0);
        json_decref(d);
    }
    atomic_store(&done, 1);
    for (int i = 0; i < READERS; i++)
        CHECK(pthread_join(th[i], NULL) == 0);

    for (uint64_t g = 1; g <= GUILDS; g++) {
        cache_guild_info gi;
        CHECK_EQ_INT(cache_guild(c, g, &gi), 0);
    }
    cache_destroy(c);
    printf("test_cache_threads: %d updates, %ld queries on %d readers: ok\n", UPDATES,
           atomic_load(&queries), READERS);
    return 0;
}
