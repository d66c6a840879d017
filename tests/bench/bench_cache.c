/*
 * The guild cache at scale: 10,000 guilds of 50 roles and 50 channels (3
 * overwrites each), fed as GUILD_CREATE JSON text like the gateway's, parsed by
 * jansson and freed after each guild. Prints RSS before and after, bytes per
 * guild, the GUILD_CREATE rate and the permission query rate. Asserts only
 * correctness, never timings.
 *
 *   bench_cache [guilds]
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bothost/abi.h"
#include "cache/cache.h"
#include "tsup.h"

#define ROLES 50
#define CHANNELS 50
#define CATEGORIES 5
#define BOT 159985870458322944ull

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        CHECK(n >= 0);
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n;
        b->p = realloc(b->p, b->cap);
        CHECK(b->p);
    }
}

/* Snowflakes as Discord makes them: a timestamp, then worker and increment bits. */
static uint64_t guild_id(int g)
{
    return ((uint64_t)(1420070400000ull + 100000000ull * (uint64_t)g) << 22) | 0x1000;
}
static uint64_t role_id(int g, int r)
{
    return guild_id(g) + (r == 0 ? 0 : 1000 + (uint64_t)r);
}
static uint64_t chan_id(int g, int c)
{
    return guild_id(g) + 100000 + (uint64_t)c;
}

/* Role permission sets as real guilds have them: a few shapes, many repeats. */
static const uint64_t role_perms[] = {
    0,
    0,
    0,
    104324673,     /* Discord's default member set */
    1071698660929, /* a moderator's */
    8,             /* administrator */
    2048 | 1024,
    268435456 | 2048,
};
static const uint64_t ow_perms[] = {0, 1024, 2048, 3072, 16384 | 32768, 1024 | 65536};
static const char *words[] = {"general", "chat", "memes", "music", "voice", "staff",
                              "announcements", "off-topic", "help", "rules"};

static void guild_json(struct buf *b, int g)
{
    uint64_t gid = guild_id(g);
    b->len = 0;
    put(b, "{\"id\":\"%llu\",\"name\":\"Guild %d\",\"icon\":null,\"owner_id\":\"%llu\","
           "\"unavailable\":false,\"large\":false,\"member_count\":%d,"
           "\"joined_at\":\"2024-05-01T12:00:00.000000+00:00\",\"roles\":[",
        (unsigned long long)gid, g, (unsigned long long)(gid + 7), 100 + g % 5000);
    for (int r = 0; r < ROLES; r++)
        put(b, "%s{\"id\":\"%llu\",\"name\":\"%s%s %d\",\"color\":%d,\"hoist\":%s,"
               "\"icon\":null,\"unicode_emoji\":null,\"position\":%d,\"permissions\":\"%llu\","
               "\"managed\":%s,\"mentionable\":false,\"flags\":0}",
            r ? "," : "", (unsigned long long)role_id(g, r), r ? "" : "@everyone",
            r ? words[r % 10] : "", r, r % 3 ? (r * 2654435) % 0xffffff : 0,
            r % 4 ? "false" : "true", r, (unsigned long long)role_perms[(r + g) % 8],
            r == ROLES - 5 ? "true" : "false");
    put(b, "],\"channels\":[");
    for (int c = 0; c < CHANNELS; c++) {
        int cat = c < CATEGORIES;
        put(b, "%s{\"id\":\"%llu\",\"type\":%d,\"name\":\"%s-%d\",\"position\":%d,"
               "\"flags\":0,\"nsfw\":false,\"rate_limit_per_user\":0,\"topic\":null,"
               "\"last_message_id\":\"%llu\"",
            c ? "," : "", (unsigned long long)chan_id(g, c), cat ? 4 : (c % 6 == 0 ? 2 : 0),
            words[c % 10], c, c, (unsigned long long)(chan_id(g, c) + 5000000));
        if (!cat)
            put(b, ",\"parent_id\":\"%llu\"", (unsigned long long)chan_id(g, c % CATEGORIES));
        put(b, ",\"permission_overwrites\":["
               "{\"id\":\"%llu\",\"type\":0,\"allow\":\"%llu\",\"deny\":\"%llu\"},"
               "{\"id\":\"%llu\",\"type\":0,\"allow\":\"%llu\",\"deny\":\"0\"},"
               "{\"id\":\"%llu\",\"type\":%d,\"allow\":\"0\",\"deny\":\"%llu\"}]}",
            (unsigned long long)gid, (unsigned long long)ow_perms[c % 3],
            (unsigned long long)ow_perms[(c + 1) % 6], (unsigned long long)role_id(g, 1 + c % 7),
            (unsigned long long)ow_perms[(c + 2) % 6],
            (unsigned long long)(c % 5 ? role_id(g, 10 + c % 9) : gid + 300 + (uint64_t)c),
            c % 5 ? 0 : 1, (unsigned long long)ow_perms[(c + 3) % 6]);
    }
    put(b, "],\"threads\":[],\"members\":[{\"user\":{\"id\":\"%llu\",\"username\":\"bothost\","
           "\"bot\":true},\"roles\":[\"%llu\",\"%llu\"],\"joined_at\":\"2024-05-01\","
           "\"deaf\":false,\"mute\":false}],\"emojis\":[],\"stickers\":[],\"presences\":[],"
           "\"voice_states\":[]}",
        (unsigned long long)BOT, (unsigned long long)role_id(g, ROLES - 5),
        (unsigned long long)role_id(g, 3));
}

int main(int argc, char **argv)
{
    int guilds = argc > 1 ? atoi(argv[1]) : 10000;
    CHECK(guilds > 0);
    struct buf b = {malloc(65536), 0, 65536};
    CHECK(b.p);

    cache *c = cache_create();
    CHECK(c);
    json_t *ready = json_pack("{s:{s:s}}", "user", "id", "159985870458322944");
    CHECK_EQ_INT(cache_apply(c, "READY", ready), 0);
    json_decref(ready);

    /* Warm the allocator and the code with one guild, then measure from here. */
    guild_json(&b, 0);
    size_t payload = b.len;
    long rss0 = rss_kb();
    size_t heap0 = mallinfo2().uordblks;

    double t_gen = 0, t_parse = 0, t_apply = 0, t0;
    for (int g = 1; g <= guilds; g++) {
        t0 = now();
        guild_json(&b, g);
        double t1 = now();
        json_error_t err;
        json_t *d = json_loadb(b.p, b.len, 0, &err);
        if (!d) {
            fprintf(stderr, "payload %d: %s\n", g, err.text);
            return 1;
        }
        double t2 = now();
        CHECK_EQ_INT(cache_apply(c, "GUILD_CREATE", d), 0);
        double t3 = now();
        json_decref(d);
        t_gen += t1 - t0;
        t_parse += t2 - t1;
        t_apply += t3 - t2;
    }
    free(b.p);
    long rss1 = rss_kb();
    /* Each payload was freed, so what the heap grew by is the cache. */
    double heap = (double)(mallinfo2().uordblks - heap0);

    for (int g = 1; g <= guilds; g++) {
        cache_guild_info gi;
        CHECK_EQ_INT(cache_guild(c, guild_id(g), &gi), 0);
        CHECK_EQ_INT(gi.role_count, ROLES);
        CHECK_EQ_INT(gi.channel_count, CHANNELS);
    }

    /* Correctness spot checks against the generator's values. */
    uint64_t p;
    cache_role_info ri;
    CHECK_EQ_INT(cache_role(c, guild_id(guilds), role_id(guilds, 4), &ri), 0);
    CHECK(ri.permissions == role_perms[(4 + guilds) % 8]);
    CHECK_EQ_INT(cache_base_permissions(c, guild_id(1), guild_id(1) + 7, NULL, 0, &p), 0);
    CHECK(p == PERM_ALL); /* the owner */
    CHECK_EQ_INT(cache_bot_permissions(c, guild_id(1), chan_id(1, 7), &p), 0);
    int32_t top;
    CHECK_EQ_INT(cache_bot_top_position(c, guild_id(1), &top), 0);
    CHECK_EQ_INT(top, ROLES - 5);

    /* Permission queries: a random member (2 roles) in a random channel. */
    long nq = 2000000;
    uint64_t x = 88172645463325252ull, sink = 0;
    t0 = now();
    for (long i = 0; i < nq; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int g = 1 + (int)(x % (uint64_t)guilds);
        uint64_t roles[2] = {role_id(g, 1 + (int)((x >> 20) % (ROLES - 1))),
                             role_id(g, 1 + (int)((x >> 40) % (ROLES - 1)))};
        if (cache_channel_permissions(c, guild_id(g), chan_id(g, (int)((x >> 8) % CHANNELS)),
                                      1000 + (x & 0xff), roles, 2, &p) == 0)
            sink += p & 1;
        else
            CHECK(0);
    }
    double t_query = now() - t0;

    printf("bench_cache: %d guilds x %d roles x %d channels (3 overwrites each), "
           "GUILD_CREATE payload %zu bytes\n",
           guilds, ROLES, CHANNELS, payload);
    printf("  RSS before %.1f MB, after %.1f MB (+%.1f MB, %.0f bytes/guild)\n", rss0 / 1024.0,
           rss1 / 1024.0, (rss1 - rss0) / 1024.0, (rss1 - rss0) * 1024.0 / guilds);
    printf("  target: whole process <= 50 MB RSS with the cache loaded: %s\n",
           rss1 <= 50 * 1024 ? "met" : "NOT met (a sanitizer build?)");
    printf("  cache's own heap %.1f MB (%.0f bytes/guild)\n", heap / 1048576.0, heap / guilds);
    printf("  GUILD_CREATE: cache_apply %.0f guilds/s (%.1f us each); with jansson parsing "
           "%.0f guilds/s\n",
           guilds / t_apply, t_apply * 1e6 / guilds, guilds / (t_apply + t_parse));
    printf("  permission queries (cache_channel_permissions, 2 roles): %.2f M/s "
           "(%.0f ns each, 1 thread)\n",
           nq / t_query / 1e6, t_query * 1e9 / nq);
    printf("  (payload generation %.2f s, not counted; checksum %llu)\n", t_gen,
           (unsigned long long)sink);
    cache_destroy(c);
    return 0;
}
