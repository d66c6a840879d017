/*
 * Gateway dispatches per second on one core, through the host's real path:
 * zlib-stream inflate + framing + JSON parse (gw_frame_feed()), the guild
 * cache's look at every dispatch (cache_apply()), then the routing the loop
 * thread does: for INTERACTION_CREATE the interaction parse (ia_call_parse())
 * and the handler lookup (plug_route()) against real test plugins; for other
 * events plug_route_event(). Handlers are not run (they run on workers).
 *
 * The stream is built like Discord's compress=zlib-stream: one deflate stream
 * for the whole connection, Z_SYNC_FLUSH after each gateway message, each
 * message one websocket message. Payloads are varied (ids, tokens, option
 * text) so the compression ratio is realistic, and deterministic.
 *
 *   bench_gateway [events]     (200,000 by default)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bench_util.h"
#include "cache/cache.h"
#include "gw/gw_frame.h"
#include "ia/ia_internal.h"
#include "plug/plug.h"
#include "tsup.h"
#include "tsup_host.h"

#define APP_ID UINT64_C(159985870458322944)
#define USERS 5000
#define GUILDS 200

static const char *words[] = {"hello", "raffle", "switch", "nintendo", "prize", "tonight",
                              "friday", "event", "team", "blue", "red", "ranked", "match",
                              "queue", "practice", "win", "ok", "please", "thanks", "now"};

static uint64_t snowflake(uint64_t *rng, uint64_t base_ms)
{
    uint64_t ms = base_ms + bench_rand(rng) % 100000000ull;
    return (ms << 22) | (bench_rand(rng) & 0x3fffff);
}

static uint64_t user_id(int u)
{
    return ((1420070400000ull + 40000000000ull + 7919ull * (uint64_t)u) << 22) | 0x2a001;
}
static uint64_t guild_id(int g)
{
    return ((1420070400000ull + 90000000000ull + 104729ull * (uint64_t)g) << 22) | 0x11000;
}
static uint64_t channel_id(int g, int c)
{
    return guild_id(g) + 1000 + (uint64_t)c;
}

static void token(bench_buf *b, uint64_t *rng)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char t[200];
    memcpy(t, "aW50ZXJhY3Rpb246", 16);
    for (int i = 16; i < (int)sizeof t - 1; i++)
        t[i] = a[bench_rand(rng) & 63];
    t[sizeof t - 1] = '\0';
    bench_put(b, "\"token\":\"%s\"", t);
}

/* A guild member's fields, without braces. */
static void member_fields(bench_buf *b, uint64_t *rng, int u, int g)
{
    bench_put(b,
              "\"user\":{\"id\":\"%" PRIu64 "\",\"username\":\"player%d\","
              "\"avatar\":\"%016" PRIx64 "%016" PRIx64 "\",\"discriminator\":\"0\","
              "\"public_flags\":%d,\"flags\":%d,\"banner\":null,\"accent_color\":null,"
              "\"global_name\":\"Player %d\",\"avatar_decoration_data\":null,\"clan\":null,"
              "\"primary_guild\":null},\"roles\":[\"%" PRIu64 "\",\"%" PRIu64 "\"],"
              "\"premium_since\":null,\"permissions\":\"%" PRIu64 "\",\"pending\":false,"
              "\"nick\":%s,\"mute\":false,\"joined_at\":\"2023-0%d-1%dT12:3%d:00.%06d+00:00\","
              "\"flags\":0,\"deaf\":false,\"communication_disabled_until\":null,"
              "\"banner\":null,\"avatar\":null",
              user_id(u), u, bench_rand(rng), bench_rand(rng), u % 3 ? 0 : 64, u % 3 ? 0 : 64, u,
              guild_id(g) + 10 + (uint64_t)(u % 7), guild_id(g) + 20 + (uint64_t)(u % 5),
              u % 11 ? UINT64_C(2248473465835073) : UINT64_C(2251799813685247), u % 4 ? "null" : "\"Nick\"",
              1 + u % 9, u % 10, u % 6, (int)(bench_rand(rng) % 1000000));
}

static void member(bench_buf *b, uint64_t *rng, int u, int g)
{
    bench_put(b, "\"member\":{");
    member_fields(b, rng, u, g);
    bench_put(b, "}");
}

static void channel(bench_buf *b, int g, int c)
{
    bench_put(b,
              "\"channel_id\":\"%" PRIu64 "\",\"channel\":{\"type\":0,\"topic\":null,"
              "\"rate_limit_per_user\":0,\"position\":%d,\"permissions\":\"2248473465835073\","
              "\"parent_id\":\"%" PRIu64 "\",\"nsfw\":false,\"name\":\"%s\","
              "\"last_message_id\":\"%" PRIu64 "\",\"id\":\"%" PRIu64 "\",\"icon_emoji\":null,"
              "\"guild_id\":\"%" PRIu64 "\",\"flags\":0,\"theme_color\":null}",
              channel_id(g, c), c, channel_id(g, 0), words[c % 20], channel_id(g, c) + 777777,
              channel_id(g, c), guild_id(g));
}

static void common_tail(bench_buf *b, int g)
{
    bench_put(b,
              ",\"version\":1,\"locale\":\"en-US\",\"guild_locale\":\"en-US\","
              "\"guild_id\":\"%" PRIu64 "\",\"guild\":{\"locale\":\"en-US\",\"id\":\"%" PRIu64 "\","
              "\"features\":[\"COMMUNITY\",\"NEWS\"]},\"entitlements\":[],"
              "\"entitlement_sku_ids\":[],\"context\":0,\"authorizing_integration_owners\":"
              "{\"0\":\"%" PRIu64 "\"},\"attachment_size_limit\":10485760,"
              "\"app_permissions\":\"2248473465835073\",\"application_id\":\"%" PRIu64 "\"",
              guild_id(g), guild_id(g), guild_id(g), APP_ID);
}

/* One INTERACTION_CREATE "d": kind 0-3 commands, 4-5 components. */
static void interaction(bench_buf *b, uint64_t *rng, int kind, uint64_t base_ms)
{
    int u = (int)(bench_rand(rng) % USERS), g = (int)(bench_rand(rng) % GUILDS);
    int c = 1 + (int)(bench_rand(rng) % 12);
    uint64_t id = snowflake(rng, base_ms);
    int type = kind < 4 ? 2 : 3;
    bench_put(b, "{\"type\":%d,\"id\":\"%" PRIu64 "\",", type, id);
    token(b, rng);
    bench_put(b, ",");
    member(b, rng, u, g);
    bench_put(b, ",");
    channel(b, g, c);
    bench_put(b, ",\"data\":{");
    if (kind <= 1) {
        char text[200] = "";
        int nw = 2 + (int)(bench_rand(rng) % 8);
        for (int i = 0; i < nw; i++) {
            strcat(text, i ? " " : "");
            strcat(text, words[bench_rand(rng) % 20]);
        }
        bench_put(b,
                  "\"type\":1,\"options\":[{\"value\":\"%s\",\"type\":3,\"name\":\"text\"},"
                  "{\"value\":%d,\"type\":4,\"name\":\"times\"}],\"name\":\"echo\","
                  "\"id\":\"1253849203048693840\"",
                  text, 1 + (int)(bench_rand(rng) % 5));
    } else if (kind == 2) {
        bench_put(b,
                  "\"type\":1,\"options\":[{\"type\":1,\"options\":[{\"value\":%d,\"type\":4,"
                  "\"name\":\"ms\"}],\"name\":\"slow\"}],\"name\":\"tools\","
                  "\"id\":\"1253849203048693841\"",
                  (int)(bench_rand(rng) % 3000));
    } else if (kind == 3) {
        bench_put(b,
                  "\"type\":1,\"options\":[{\"type\":1,\"name\":\"sub\"}],\"name\":\"route\","
                  "\"id\":\"1253849203048693842\"");
    } else {
        const char *cid = kind == 4 ? "interact:again:" : "routing:btn:deep:";
        uint64_t mid = snowflake(rng, base_ms);
        bench_put(b, "\"custom_id\":\"%s%d\",\"component_type\":2,\"id\":%d},", cid,
                  (int)(bench_rand(rng) % 1000), 1 + (int)(bench_rand(rng) % 3));
        bench_put(b,
                  "\"message\":{\"type\":20,\"tts\":false,\"timestamp\":\"2024-06-0%dT1%d:00:00."
                  "000000+00:00\",\"pinned\":false,\"mentions\":[],\"mention_roles\":[],"
                  "\"mention_everyone\":false,\"id\":\"%" PRIu64 "\",\"flags\":0,"
                  "\"embeds\":[],\"edited_timestamp\":null,\"content\":\"echo: %s x2\","
                  "\"components\":[{\"type\":1,\"id\":1,\"components\":[{\"type\":2,\"style\":3,"
                  "\"label\":\"Again\",\"id\":2,\"custom_id\":\"%s7\"}]},{\"type\":1,\"id\":3,"
                  "\"components\":[{\"type\":3,\"id\":4,\"custom_id\":\"interact:pick\","
                  "\"placeholder\":\"Choose\",\"min_values\":1,\"max_values\":2,\"options\":["
                  "{\"label\":\"Red\",\"value\":\"red\"},{\"label\":\"Blue\",\"value\":\"blue\","
                  "\"description\":\"the colour of the sky\"}]}]}],\"channel_id\":\"%" PRIu64 "\","
                  "\"author\":{\"username\":\"bothost\",\"public_flags\":524288,\"id\":\"%" PRIu64
                  "\",\"global_name\":null,\"discriminator\":\"6114\",\"bot\":true,"
                  "\"avatar\":null},\"attachments\":[],\"application_id\":\"%" PRIu64 "\","
                  "\"interaction_metadata\":{\"user\":{\"id\":\"%" PRIu64 "\",\"username\":"
                  "\"player%d\"},\"type\":2,\"name\":\"echo\",\"id\":\"%" PRIu64 "\"}}",
                  1 + u % 9, u % 10, mid, words[u % 20], cid, channel_id(g, c), APP_ID, APP_ID,
                  user_id(u), u, mid - 4096);
        common_tail(b, g);
        bench_put(b, "}");
        return;
    }
    bench_put(b, "}");
    common_tail(b, g);
    bench_put(b, "}");
}

/* Other dispatches of a busy bot: messages, joins, typing. */
static const char *other_event(bench_buf *b, uint64_t *rng, uint64_t base_ms)
{
    int u = (int)(bench_rand(rng) % USERS), g = (int)(bench_rand(rng) % GUILDS);
    uint64_t r = bench_rand(rng) % 10;
    if (r < 6) {
        bench_put(b,
                  "{\"type\":0,\"tts\":false,\"timestamp\":\"2024-06-01T12:00:00.000000+00:00\","
                  "\"referenced_message\":null,\"pinned\":false,\"nonce\":\"%" PRIu64 "\","
                  "\"mentions\":[],\"mention_roles\":[],\"mention_everyone\":false,",
                  snowflake(rng, base_ms));
        member(b, rng, u, g);
        bench_put(b,
                  ",\"id\":\"%" PRIu64 "\",\"flags\":0,\"embeds\":[],\"edited_timestamp\":null,"
                  "\"content\":\"%s %s %s %s\",\"components\":[],\"channel_id\":\"%" PRIu64 "\","
                  "\"author\":{\"username\":\"player%d\",\"public_flags\":0,\"id\":\"%" PRIu64
                  "\",\"global_name\":\"Player %d\",\"discriminator\":\"0\",\"avatar\":null},"
                  "\"attachments\":[],\"guild_id\":\"%" PRIu64 "\"}",
                  snowflake(rng, base_ms), words[bench_rand(rng) % 20], words[bench_rand(rng) % 20],
                  words[bench_rand(rng) % 20], words[bench_rand(rng) % 20], channel_id(g, 3), u,
                  user_id(u), u, guild_id(g));
        return "MESSAGE_CREATE";
    }
    if (r < 8) {
        /* GUILD_MEMBER_ADD's d is the member itself, with guild_id. */
        bench_put(b, "{\"guild_id\":\"%" PRIu64 "\",", guild_id(g));
        member_fields(b, rng, u, g);
        bench_put(b, "}");
        return "GUILD_MEMBER_ADD";
    }
    bench_put(b, "{\"user_id\":\"%" PRIu64 "\",\"timestamp\":%d,",
              user_id(u), 1717243200 + (int)(bench_rand(rng) % 100000));
    member(b, rng, u, g);
    bench_put(b, ",\"channel_id\":\"%" PRIu64 "\",\"guild_id\":\"%" PRIu64 "\"}",
              channel_id(g, 2), guild_id(g));
    return "TYPING_START";
}

#define SAMPLE 20000

typedef struct stream {
    unsigned char *z;    /* the compressed bytes */
    size_t zlen, zcap;
    size_t *off;         /* message i is z[off[i] .. off[i + 1]) */
    size_t raw;          /* inflated bytes in all */
    int n, interactions;
    bench_buf sample;    /* the first SAMPLE messages' text, NUL-separated */
    size_t sample_raw;
    int nsample;
} stream;

static void deflate_msg(z_stream *zs, stream *s, const char *text, size_t len)
{
    zs->next_in = (Bytef *)text;
    zs->avail_in = (uInt)len;
    do {
        if (s->zcap - s->zlen < 65536) {
            s->zcap = s->zcap * 2 + 65536;
            s->z = realloc(s->z, s->zcap);
            CHECK(s->z);
        }
        zs->next_out = s->z + s->zlen;
        zs->avail_out = (uInt)(s->zcap - s->zlen);
        CHECK(deflate(zs, Z_SYNC_FLUSH) == Z_OK);
        s->zlen = s->zcap - zs->avail_out;
    } while (zs->avail_in || zs->avail_out == 0);
}

/* `mix`: 0 = interactions only; 1 = a busy bot's mix (1 in 5 is an interaction). */
static void build(stream *s, int n, int mix, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->off = calloc((size_t)n + 1, sizeof *s->off);
    CHECK(s->off);
    z_stream zs = {0};
    CHECK(deflateInit(&zs, Z_DEFAULT_COMPRESSION) == Z_OK);
    bench_buf d = {0}, msg = {0};
    uint64_t rng = seed;
    uint64_t base_ms = 1717243200000ull - 1420070400000ull;
    for (int i = 0; i < n; i++) {
        d.len = 0;
        const char *t = "INTERACTION_CREATE";
        if (!mix || bench_rand(&rng) % 5 == 0) {
            uint64_t k = bench_rand(&rng) % 20; /* 50% echo, 10% tools slow, 10% route sub, 30% buttons */
            interaction(&d, &rng, k < 10 ? 0 : k < 12 ? 2 : k < 14 ? 3 : k < 18 ? 4 : 5, base_ms);
            s->interactions++;
        } else {
            t = other_event(&d, &rng, base_ms);
        }
        msg.len = 0;
        bench_put(&msg, "{\"t\":\"%s\",\"s\":%d,\"op\":0,\"d\":%s}", t, i + 1, d.p);
        s->off[i] = s->zlen;
        deflate_msg(&zs, s, msg.p, msg.len);
        s->raw += msg.len;
        if (i < SAMPLE) {
            bench_put(&s->sample, "%s%c", msg.p, 0);
            s->sample_raw += msg.len;
            s->nsample++;
        }
    }
    s->off[n] = s->zlen;
    s->n = n;
    deflateEnd(&zs);
    bench_buf_free(&d);
    bench_buf_free(&msg);
}

typedef struct counts {
    int routed, unrouted, events, handlers;
    uint64_t checksum;
} counts;

/* What the loop thread does with one dispatch before a worker takes over. */
static void route(plug_mgr *m, cache *c, gw_payload *p, counts *k)
{
    cache_apply(c, p->t, p->d);
    if (strcmp(p->t, "INTERACTION_CREATE") == 0) {
        ia_call *call = calloc(1, sizeof *call);
        CHECK(call);
        call->ia = json_incref(p->d);
        CHECK_EQ_INT(ia_call_parse(call), 0);
        if (plug_route(m, call->route_kind, call->key, &call->call) == 0) {
            k->routed++;
            k->checksum += call->id ^ (uint64_t)call->ncid;
            plug_call_release(m, &call->call);
        } else {
            k->unrouted++;
        }
        ia_call_parsed_free(call);
        json_decref(call->ia);
        free(call);
        return;
    }
    plug_call calls[16];
    int n = plug_route_event(m, p->t, calls, 16);
    k->events++;
    k->handlers += n;
    for (int i = 0; i < n; i++)
        plug_call_release(m, &calls[i]);
}

/* Feeds the whole stream; with `m` NULL only gw_frame_feed(). Returns seconds. */
static double run(const stream *s, plug_mgr *m, cache *c, counts *k)
{
    gw_frame f;
    CHECK_EQ_INT(gw_frame_init(&f, 1), 0);
    memset(k, 0, sizeof *k);
    double t0 = bench_now();
    for (int i = 0; i < s->n; i++) {
        gw_payload p;
        int rc = gw_frame_feed(&f, s->z + s->off[i], s->off[i + 1] - s->off[i], 1, &p);
        if (rc != 1) {
            fprintf(stderr, "message %d: gw_frame_feed %d\n", i, rc);
            exit(1);
        }
        if (p.op != 0 || p.s != i + 1 || !p.t || !p.d) {
            fprintf(stderr, "message %d: op %d s %lld\n", i, p.op, (long long)p.s);
            exit(1);
        }
        if (m)
            route(m, c, &p, k);
        else
            k->checksum += (uint64_t)json_object_size(p.d);
        gw_payload_free(&p);
    }
    double t = bench_now() - t0;
    gw_frame_free(&f);
    return t;
}

/* jansson alone on the sample's text: json_loadb() and json_decref(). Returns seconds per byte. */
static double run_parse(const stream *s)
{
    double t0 = bench_now();
    const char *p = s->sample.p;
    for (int i = 0; i < s->nsample; i++) {
        size_t len = strlen(p);
        json_t *j = json_loadb(p, len, 0, NULL);
        CHECK(j);
        json_decref(j);
        p += len + 1;
    }
    return (bench_now() - t0) / (double)s->sample_raw;
}

/* zlib alone, into one reused buffer: the floor under gw_frame_feed(). Returns seconds. */
static double run_inflate(const stream *s)
{
    z_stream zs = {0};
    CHECK(inflateInit(&zs) == Z_OK);
    size_t cap = 1 << 20;
    unsigned char *out = malloc(cap);
    CHECK(out);
    size_t total = 0;
    double t0 = bench_now();
    for (int i = 0; i < s->n; i++) {
        zs.next_in = s->z + s->off[i];
        zs.avail_in = (uInt)(s->off[i + 1] - s->off[i]);
        zs.next_out = out;
        zs.avail_out = (uInt)cap;
        CHECK(inflate(&zs, Z_SYNC_FLUSH) == Z_OK && zs.avail_in == 0);
        total += cap - zs.avail_out;
    }
    double t = bench_now() - t0;
    CHECK(total == s->raw);
    inflateEnd(&zs);
    free(out);
    return t;
}

static plug_mgr *load_plugins(void)
{
    tsup_host_dirs d;
    tsup_host_dirs_make(&d, "bench_gateway");
    tsup_host_install_plugin(&d, "interact_a", "interact");
    tsup_host_install_plugin(&d, "loadtest_a", "loadtest");
    tsup_host_install_plugin(&d, "routing", "routing");
    tsup_host_install_plugin(&d, "clash_one", "clash_one");
    char text[2048], copies[700], err[256];
    snprintf(text, sizeof text,
             "[plugins]\ndir = %s\nmigrations = %s\nenabled = interact, loadtest, routing, "
             "clash_one\n",
             d.plugins, d.migrations);
    snprintf(copies, sizeof copies, "%s/copies", d.root);
    cfg *c;
    if (cfg_load(tsup_write_file("bench_gateway.ini", text), &c, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    plug_mgr *m;
    plug_mgr_opts po = {.db = NULL, .copy_dir = copies};
    CHECK_EQ_INT(plug_mgr_create(&m, &po), 0);
    plug_apply_report r;
    int failed = plug_mgr_apply(m, c, 0, &r);
    if (failed)
        fprintf(stderr, "plugins: %s\n", r.summary);
    CHECK_EQ_INT(failed, 0);
    CHECK_EQ_INT(r.loaded, 4);
    cfg_free(c);
    return m;
}

static void report(const char *what, const stream *s, double t_z, double t_frame, double t_all,
                   const counts *k)
{
    double t_json = run_parse(s) * (double)s->raw;
    double mb_raw = (double)s->raw / 1048576.0, mb_z = (double)s->zlen / 1048576.0;
    printf("  %s: %d dispatches, %.0f bytes each on average (%.1f MB), compressed %.1f MB "
           "(%.1f%%)\n",
           what, s->n, (double)s->raw / s->n, mb_raw, mb_z, 100.0 * mb_z / mb_raw);
    printf("    zlib inflate alone (the floor):                  %9.0f events/s  %6.1f MB/s "
           "inflated  %5.1f MB/s on the wire  (%.2f us each)\n",
           s->n / t_z, mb_raw / t_z, mb_z / t_z, t_z * 1e6 / s->n);
    printf("    jansson json_loadb + json_decref alone:          %9.0f events/s  %6.1f MB/s "
           "inflated  (%.2f us each; on the first %d messages)\n",
           s->n / t_json, (double)s->raw / 1048576.0 / t_json, t_json * 1e6 / s->n, s->nsample);
    printf("    inflate + frame + JSON parse (gw_frame_feed):   %9.0f events/s  %6.1f MB/s "
           "inflated  %5.1f MB/s on the wire  (%.2f us each)\n",
           s->n / t_frame, mb_raw / t_frame, mb_z / t_frame, t_frame * 1e6 / s->n);
    printf("    + cache_apply + ia_call_parse + plug_route:      %9.0f events/s  %6.1f MB/s "
           "inflated  %5.1f MB/s on the wire  (%.2f us each)\n",
           s->n / t_all, mb_raw / t_all, mb_z / t_all, t_all * 1e6 / s->n);
    printf("    routed: %d interactions to a handler, %d unrouted; %d other events, %d event "
           "handlers found (checksum %" PRIu64 ")\n",
           k->routed, k->unrouted, k->events, k->handlers, k->checksum);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : (BENCH_SANITIZED ? 50000 : 200000);
    CHECK(n > 0);
    bench_banner("bench_gateway", "gateway dispatches through zlib-stream + parse + route, 1 thread");

    plug_mgr *m = load_plugins();
    cache *c = cache_create();
    CHECK(c);
    json_t *ready = json_pack("{s:{s:s}}", "user", "id", "159985870458322944");
    CHECK_EQ_INT(cache_apply(c, "READY", ready), 0);
    json_decref(ready);

    double tb = bench_now();
    stream ia, mixed;
    build(&ia, n, 0, 0x9e3779b97f4a7c15ull);
    build(&mixed, n, 1, 0xbf58476d1ce4e5b9ull);
    printf("  (building and deflating the streams took %.1f s, not counted)\n", bench_now() - tb);

    /* A warm-up pass over part of the stream, then the measured passes. */
    counts k;
    stream warm = ia;
    warm.n = n / 10 ? n / 10 : 1;
    run(&warm, m, c, &k);

    double z1 = run_inflate(&ia);
    double f1 = run(&ia, NULL, NULL, &k);
    double a1 = run(&ia, m, c, &k);
    CHECK_EQ_INT(k.routed, n);
    CHECK_EQ_INT(k.unrouted, 0);
    report("INTERACTION_CREATE only (50% /echo, 10% /tools slow, 10% /route sub, 30% buttons)",
           &ia, z1, f1, a1, &k);

    double z2 = run_inflate(&mixed);
    double f2 = run(&mixed, NULL, NULL, &k);
    double a2 = run(&mixed, m, c, &k);
    CHECK_EQ_INT(k.routed, mixed.interactions);
    CHECK_EQ_INT(k.unrouted, 0);
    CHECK(k.handlers > 0);
    report("a busy bot's mix (20% INTERACTION_CREATE, 48% MESSAGE_CREATE, 16% GUILD_MEMBER_ADD, "
           "16% TYPING_START)",
           &mixed, z2, f2, a2, &k);

    printf("bench_gateway: interaction dispatches: %.0f events/s, %.1f MB/s inflated "
           "(target >= 100000/s on one core: %s)\n",
           ia.n / a1, (double)ia.raw / 1048576.0 / a1,
           BENCH_SANITIZED ? "not meaningful under a sanitizer"
           : ia.n / a1 >= 100000 ? "met" : "NOT met");
    printf("bench_gateway: mixed dispatches: %.0f events/s, %.1f MB/s inflated\n", mixed.n / a2,
           (double)mixed.raw / 1048576.0 / a2);

    bench_buf_free(&ia.sample);
    bench_buf_free(&mixed.sample);
    free(ia.z);
    free(ia.off);
    free(mixed.z);
    free(mixed.off);
    cache_destroy(c);
    plug_mgr_destroy(m);
    return 0;
}
