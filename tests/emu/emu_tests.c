/*
 * bothost-emu end to end: each test starts the real binary and drives it over
 * HTTP and the gateway websocket, asserting on what a Discord client sees.
 * Usage: emu_tests NAME (one ctest test per name).
 */
#define _GNU_SOURCE
#include "emu_test.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INTENTS_DEFAULT (1 | 2 | 512)  /* GUILDS | GUILD_MEMBERS | GUILD_MESSAGES */

static const char *S(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Id of a role, channel or member (by username) of the first guild. */
static const char *emu_id(json_t *state, const char *kind, const char *name)
{
    json_t *g = json_array_get(json_object_get(state, "guilds"), 0), *v;
    size_t i;
    if (!strcmp(kind, "guild"))
        return S(g, "id");
    json_array_foreach(json_object_get(g, kind), i, v) {
        json_t *named = !strcmp(kind, "members") ? json_object_get(v, "user") : v;
        if (!strcmp(S(named, !strcmp(kind, "members") ? "username" : "name"), name))
            return S(named, "id");
    }
    return "";
}

static int has_code(json_t *body, int code)
{
    return json_integer_value(json_object_get(body, "code")) == code;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/*
 * Waits until the emulator has seen the connection of session `sid` go (the test
 * saw its end first): events dispatched from then on are buffered for RESUME.
 */
static int wait_disconnected(et_emu *e, const char *sid, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 5) {
        int st, connected = -1;
        json_t *v = et_ctl(e, "GET", "/_emu/stats", NULL, &st), *sess;
        size_t i;
        json_array_foreach(json_object_get(json_object_get(v, "gateway"), "sessions"), i, sess)
            if (!strcmp(S(sess, "session_id"), sid))
                connected = json_is_true(json_object_get(sess, "connected"));
        json_decref(v);
        if (connected == 0)
            return 1;
        sleep_ms(5);
    }
    return 0;
}

/* Waits until the emulator reports interaction `id` older than `age_ms` (its answer window is over). */
static int wait_interaction_age(et_emu *e, const char *id, long age_ms)
{
    char p[128];
    snprintf(p, sizeof p, "/_emu/interactions/%s", id);
    for (int i = 0; i < 100; i++) {
        int st;
        json_t *v = et_ctl(e, "GET", p, NULL, &st);
        long age = (long)json_integer_value(json_object_get(v, "age_ms"));
        json_decref(v);
        if (st != 200)
            return 0;
        if (age > age_ms)
            return 1;
        sleep_ms(age_ms - age + 1);
    }
    return 0;
}

/* ---- gateway ---------------------------------------------------------------------- */

static void t_gateway_basic(void)
{
    et_emu e;
    et_ws w, w2;
    const char *args[] = {"--heartbeat-ms", "30000", NULL};
    json_t *hello, *ready, *gc, *ack, *state;
    int st;
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws opens");
    hello = et_ws_recv(&w, 5000);
    ET_CHECK(json_integer_value(json_object_get(hello, "op")) == 10, "HELLO first");
    ET_CHECK(json_integer_value(json_object_get(json_object_get(hello, "d"), "heartbeat_interval")) == 30000,
             "heartbeat_interval");
    json_decref(hello);
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:i, s:{s:s, s:s, s:s}}}", "op", 2, "d", "token", "test-token", "intents",
                             INTENTS_DEFAULT, "properties", "os", "linux", "browser", "t", "device", "t"));
    ready = et_ws_wait(&w, "READY", 0, 5000);
    ET_REQUIRE(ready, "READY");
    {
        json_t *d = json_object_get(ready, "d");
        ET_CHECK(json_integer_value(json_object_get(d, "v")) == 10, "v");
        ET_CHECK(!strcmp(S(json_object_get(d, "user"), "id"), S(json_object_get(state, "bot"), "id")), "user");
        ET_CHECK(json_array_size(json_object_get(d, "guilds")) == 1, "one guild");
        ET_CHECK(json_is_true(json_object_get(json_array_get(json_object_get(d, "guilds"), 0), "unavailable")),
                 "unavailable guilds in READY");
        ET_CHECK(strlen(S(d, "session_id")) > 8, "session_id");
        ET_CHECK(!strncmp(S(d, "resume_gateway_url"), "ws://127.0.0.1:", 15), "resume_gateway_url");
        ET_CHECK(json_integer_value(json_array_get(json_object_get(d, "shard"), 1)) == 1, "shard");
        ET_CHECK(json_is_string(json_object_get(json_object_get(d, "application"), "id")), "application.id");
        ET_CHECK(json_integer_value(json_object_get(ready, "s")) == 1, "READY is s=1");
    }
    gc = et_ws_wait(&w, "GUILD_CREATE", 0, 5000);
    ET_REQUIRE(gc, "GUILD_CREATE");
    {
        json_t *d = json_object_get(gc, "d"), *m;
        ET_CHECK(json_integer_value(json_object_get(gc, "s")) == 2, "GUILD_CREATE s=2");
        ET_CHECK(json_array_size(json_object_get(d, "roles")) >= 8, "roles");
        ET_CHECK(json_array_size(json_object_get(d, "channels")) >= 4, "channels");
        m = json_array_get(json_object_get(d, "members"), 0);
        ET_CHECK(!strcmp(S(json_object_get(m, "user"), "id"), S(json_object_get(state, "bot"), "id")),
                 "the bot's own member");
    }
    json_decref(gc);
    et_ws_send_raw(&w, "{\"op\":1,\"d\":2}");
    ack = et_ws_wait(&w, NULL, 11, 5000);
    ET_CHECK(ack != NULL, "heartbeat ACK");
    json_decref(ack);
    /* The server may ask for a heartbeat. */
    json_decref(et_ctl(&e, "POST", "/_emu/faults/gateway", json_pack("{s:s}", "action", "heartbeat_request"), &st));
    ack = et_ws_wait(&w, NULL, 1, 5000);
    ET_CHECK(ack != NULL, "op 1 from the server");
    json_decref(ack);
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:i}}", "op", 2, "d", "token", "test-token", "intents", 1));
    ET_CHECK(!et_ws_recv(&w, 5000) && w.close_code == 4005, "second IDENTIFY: 4005, got %d", w.close_code);
    et_ws_close(&w);

    ET_REQUIRE(!et_ws_open(&w2, &e, "?v=10&encoding=json"), "ws opens");
    json_decref(et_ws_recv(&w2, 5000));
    et_ws_send_raw(&w2, "{\"op\":3,\"d\":{}}");
    ET_CHECK(!et_ws_wait(&w2, "x", 0, 5000) && w2.close_code == 4003, "4003 before IDENTIFY, got %d", w2.close_code);
    et_ws_close(&w2);
    ET_REQUIRE(!et_ws_open(&w2, &e, "?v=10&encoding=json"), "ws opens");
    json_decref(et_ws_recv(&w2, 5000));
    et_ws_send_raw(&w2, "not json");
    ET_CHECK(!et_ws_wait(&w2, "x", 0, 5000) && w2.close_code == 4002, "4002 on bad JSON, got %d", w2.close_code);
    et_ws_close(&w2);
    ET_REQUIRE(!et_ws_open(&w2, &e, "?v=10&encoding=json"), "ws opens");
    json_decref(et_ws_recv(&w2, 5000));
    et_ws_send_raw(&w2, "{\"op\":2,\"d\":{\"token\":\"t\",\"intents\":67108864}}");
    ET_CHECK(!et_ws_wait(&w2, "x", 0, 5000) && w2.close_code == 4013, "4013, got %d", w2.close_code);
    et_ws_close(&w2);
    ET_REQUIRE(!et_ws_open(&w2, &e, "?v=9&encoding=json"), "ws opens");
    ET_CHECK(!et_ws_wait(&w2, "x", 0, 5000) && w2.close_code == 4012, "4012 on v=9, got %d", w2.close_code);
    et_ws_close(&w2);
    json_decref(ready);
    json_decref(state);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_gateway_shards(void)
{
    et_emu e;
    char path[] = "/tmp/emu-seed-XXXXXX";
    int fd = mkstemp(path), st;
    json_t *seed = json_pack("{s:[]}", "guilds"), *gb;
    const char *args[] = {"--seed", path, "--shards", "4", "--max-concurrency", "16", NULL};
    int per_shard[4] = {0};
    ET_REQUIRE(fd >= 0, "temp file");
    for (int i = 0; i < 8; i++) {
        char id[32], name[16];
        snprintf(id, sizeof id, "%llu", (unsigned long long)(100000 + i * 3) << 22);
        snprintf(name, sizeof name, "g%d", i);
        per_shard[(100000 + i * 3) % 4]++;
        json_array_append_new(json_object_get(seed, "guilds"), json_pack("{s:s, s:s}", "id", id, "name", name));
    }
    json_dumpfd(seed, fd, 0);
    close(fd);
    json_decref(seed);
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    gb = et_rest(&e, "GET", "/gateway/bot", NULL, &st);
    ET_CHECK(st == 200 && json_integer_value(json_object_get(gb, "shards")) == 4, "shards=4");
    ET_CHECK(json_integer_value(json_object_get(json_object_get(gb, "session_start_limit"), "max_concurrency")) == 16,
             "max_concurrency");
    json_decref(gb);
    for (int s = 0; s < 4; s++) {
        et_ws w;
        json_t *ready, *g;
        size_t i;
        int creates = 0;
        ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
        ready = et_identify(&w, s, 4, 1);
        ET_REQUIRE(ready, "READY on shard %d", s);
        ET_CHECK((int)json_array_size(json_object_get(json_object_get(ready, "d"), "guilds")) == per_shard[s],
                 "shard %d holds %d guilds", s, per_shard[s]);
        json_array_foreach(json_object_get(json_object_get(ready, "d"), "guilds"), i, g) {
            unsigned long long id = strtoull(S(g, "id"), NULL, 10);
            ET_CHECK((int)((id >> 22) % 4) == s, "guild %llu on shard %d", id, s);
        }
        for (;;) {
            json_t *v = et_ws_wait(&w, "GUILD_CREATE", 0, 500);
            if (!v)
                break;
            ET_CHECK((int)((strtoull(S(json_object_get(v, "d"), "id"), NULL, 10) >> 22) % 4) == s,
                     "GUILD_CREATE on its shard");
            creates++;
            json_decref(v);
        }
        ET_CHECK(creates == per_shard[s], "shard %d: %d GUILD_CREATE, want %d", s, creates, per_shard[s]);
        json_decref(ready);
        et_ws_close(&w);
    }
    {
        et_ws w;
        json_t *ready;
        ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
        /* Shard 0 again within 5 s of its IDENTIFY: Discord invalidates it. */
        json_decref(et_ws_wait(&w, NULL, 10, 5000));
        et_ws_send(&w, json_pack("{s:i, s:{s:s, s:i, s:[ii]}}", "op", 2, "d", "token", "t", "intents", 1, "shard", 0, 1));
        ready = et_ws_wait(&w, NULL, 9, 5000);
        ET_CHECK(ready && json_is_false(json_object_get(ready, "d")), "IDENTIFY too fast: op 9");
        json_decref(ready);
        ready = et_ctl(&e, "GET", "/_emu/violations", NULL, &st);
        ET_CHECK(!strcmp(S(json_array_get(json_object_get(ready, "violations"), 0), "kind"), "identify_concurrency"),
                 "recorded as a violation");
        json_decref(ready);
        et_ws_close(&w);
        ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
        ready = et_identify(&w, 4, 4, 1);
        ET_CHECK(!ready && w.close_code == 4010, "shard 4/4: 4010, got %d", w.close_code);
        et_ws_close(&w);
    }
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
    {
        const char *args2[] = {"--seed", path, "--guilds-per-shard", "3", NULL};
        const char *args3[] = {"--seed", path, NULL};
        et_ws w;
        json_t *ready;
        ET_REQUIRE(!et_emu_start(&e, args3), "emulator starts");
        ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
        ready = et_identify(&w, 0, 1, 1);
        ET_CHECK(ready && json_array_size(json_object_get(json_object_get(ready, "d"), "guilds")) == 8,
                 "one shard holds all 8 guilds");
        json_decref(ready);
        et_ws_close(&w);
        ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
        ET_REQUIRE(!et_emu_start(&e, args2), "emulator starts");
        ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
        ready = et_identify(&w, 0, 1, 1);
        ET_CHECK(!ready && w.close_code == 4011, "4011 sharding required, got %d", w.close_code);
        et_ws_close(&w);
        ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
    }
    unlink(path);
}

static void t_gateway_resume(void)
{
    et_emu e;
    et_ws w;
    const char *args[] = {"--identify-interval-ms", "0", NULL};
    json_t *ready, *v;
    char sid[64];
    json_int_t seq = 0;
    int st;
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    ready = et_identify(&w, 0, 1, INTENTS_DEFAULT);
    ET_REQUIRE(ready, "READY");
    snprintf(sid, sizeof sid, "%s", S(json_object_get(ready, "d"), "session_id"));
    json_decref(ready);
    v = et_ws_wait(&w, "GUILD_CREATE", 0, 5000);
    seq = json_integer_value(json_object_get(v, "s"));
    json_decref(v);
    json_decref(et_ctl(&e, "POST", "/_emu/faults/gateway", json_pack("{s:i, s:s}", "shard", 0, "action", "drop"), &st));
    ET_CHECK(st == 200, "drop fault");
    ET_CHECK(!et_ws_recv(&w, 5000) && w.closed && w.close_code == 0, "dropped without a close frame (%d)", w.close_code);
    et_ws_close(&w);
    ET_CHECK(wait_disconnected(&e, sid, 5000), "the emulator saw the drop");
    json_decref(et_ctl(&e, "POST", "/_emu/members", json_pack("{s:s}", "username", "latecomer"), &st));
    ET_CHECK(st == 200, "member joins");
    ET_REQUIRE(!et_ws_open(&w, &e, "resume?v=10&encoding=json"), "ws");
    json_decref(et_ws_wait(&w, NULL, 10, 5000));
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:s, s:I}}", "op", 6, "d", "token", "test-token", "session_id", sid,
                             "seq", seq));
    v = et_ws_recv(&w, 5000);
    ET_CHECK(v && !strcmp(S(v, "t"), "GUILD_MEMBER_ADD") && json_integer_value(json_object_get(v, "s")) == seq + 1,
             "missed GUILD_MEMBER_ADD replayed with s=%lld", (long long)seq + 1);
    ET_CHECK(!strcmp(S(json_object_get(json_object_get(v, "d"), "user"), "username"), "latecomer"), "the new member");
    json_decref(v);
    v = et_ws_recv(&w, 5000);
    ET_CHECK(v && !strcmp(S(v, "t"), "RESUMED"), "RESUMED");
    json_decref(v);
    /* op 7 and op 9 faults. */
    json_decref(et_ctl(&e, "POST", "/_emu/faults/gateway", json_pack("{s:s}", "action", "reconnect"), &st));
    v = et_ws_wait(&w, NULL, 7, 5000);
    ET_CHECK(v != NULL, "op 7 reconnect");
    json_decref(v);
    json_decref(et_ctl(&e, "POST", "/_emu/faults/gateway", json_pack("{s:s, s:b}", "action", "invalid_session",
                                                                     "resumable", 0), &st));
    v = et_ws_wait(&w, NULL, 9, 5000);
    ET_CHECK(v && json_is_false(json_object_get(v, "d")), "op 9 d=false");
    json_decref(v);
    et_ws_close(&w);
    /* The invalidated session cannot be resumed. */
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    json_decref(et_ws_wait(&w, NULL, 10, 5000));
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:s, s:I}}", "op", 6, "d", "token", "test-token", "session_id", sid,
                             "seq", seq));
    v = et_ws_wait(&w, NULL, 9, 5000);
    ET_CHECK(v && json_is_false(json_object_get(v, "d")), "RESUME of a dead session: op 9 false");
    json_decref(v);
    et_ws_close(&w);
    /* A sequence the session never reached: 4007. */
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    ready = et_identify(&w, 0, 1, 1);
    ET_REQUIRE(ready, "READY");
    snprintf(sid, sizeof sid, "%s", S(json_object_get(ready, "d"), "session_id"));
    json_decref(ready);
    et_ws_close(&w);
    ET_CHECK(wait_disconnected(&e, sid, 5000), "the emulator saw the close");
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    json_decref(et_ws_wait(&w, NULL, 10, 5000));
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:s, s:i}}", "op", 6, "d", "token", "test-token", "session_id", sid,
                             "seq", 999));
    ET_CHECK(!et_ws_wait(&w, "x", 0, 5000) && w.close_code == 4007, "4007 invalid seq, got %d", w.close_code);
    et_ws_close(&w);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_gateway_zlib(void)
{
    et_emu e;
    et_ws w;
    json_t *hello, *ready, *gc;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json&compress=zlib-stream"), "ws");
    hello = et_ws_recv(&w, 5000);
    ET_CHECK(hello && json_integer_value(json_object_get(hello, "op")) == 10, "HELLO inflates");
    ET_CHECK(w.last_frame_flushed, "HELLO frame ends with 00 00 ff ff");
    json_decref(hello);
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:i}}", "op", 2, "d", "token", "test-token", "intents", 1));
    ready = et_ws_recv(&w, 5000);
    ET_CHECK(ready && !strcmp(S(ready, "t"), "READY"), "READY inflates from the same stream");
    ET_CHECK(w.last_frame_flushed, "READY frame ends with 00 00 ff ff");
    gc = et_ws_recv(&w, 5000);
    ET_CHECK(gc && !strcmp(S(gc, "t"), "GUILD_CREATE") &&
             json_array_size(json_object_get(json_object_get(gc, "d"), "roles")) >= 8, "GUILD_CREATE inflates");
    json_decref(ready);
    json_decref(gc);
    et_ws_send_raw(&w, "{\"op\":1,\"d\":2}");
    gc = et_ws_wait(&w, NULL, 11, 5000);
    ET_CHECK(gc != NULL, "ACK inflates");
    json_decref(gc);
    et_ws_close(&w);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_gateway_heartbeat(void)
{
    et_emu e;
    et_ws w;
    const char *args[] = {"--heartbeat-ms", "400", NULL};
    json_t *v;
    int acks = 0;
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    json_decref(et_identify(&w, 0, 1, 1));
    json_decref(et_ctl(&e, "POST", "/_emu/faults/gateway", json_pack("{s:s}", "action", "stop_ack"), NULL));
    for (int i = 0; i < 3; i++) {
        et_ws_send_raw(&w, "{\"op\":1,\"d\":2}");
        v = et_ws_wait(&w, NULL, 11, 300);
        acks += v != NULL;
        json_decref(v);
    }
    ET_CHECK(acks == 0, "no ACK after stop_ack (%d)", acks);
    /* Without heartbeats the session times out. */
    ET_CHECK(!et_ws_wait(&w, "x", 0, 5000) && w.close_code == 4009, "4009 session timed out, got %d", w.close_code);
    et_ws_close(&w);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

/* ---- REST ------------------------------------------------------------------------- */

static void t_rest_ratelimit(void)
{
    et_emu e;
    json_t *state, *v;
    et_http r;
    char path[128], path2[128];
    const char *h;
    int st;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    snprintf(path, sizeof path, "/api/v10/channels/%s/messages", emu_id(state, "channels", "general"));
    snprintf(path2, sizeof path2, "/api/v10/channels/%s/messages", emu_id(state, "channels", "raffles"));
    ET_CHECK(!et_http_do(&e, "GET", "/api/v10/users/@me", NULL, NULL, &r) && r.status == 401, "401 without a token");
    et_http_free(&r);
    for (int i = 0; i < 5; i++) {
        ET_REQUIRE(!et_http_do(&e, "POST", path, "Bot t", json_pack("{s:s}", "content", "hi"), &r), "http");
        ET_CHECK(r.status == 200, "message %d: %d", i, r.status);
        ET_CHECK((h = httpc_header_get(r.res, "x-ratelimit-limit")) && atoi(h) == 5, "limit header");
        ET_CHECK((h = httpc_header_get(r.res, "x-ratelimit-remaining")) && atoi(h) == 4 - i, "remaining %d", 4 - i);
        ET_CHECK((h = httpc_header_get(r.res, "x-ratelimit-reset-after")) && atof(h) > 0, "reset-after");
        ET_CHECK((h = httpc_header_get(r.res, "x-ratelimit-reset")) && atof(h) > 1.6e9, "reset");
        ET_CHECK((h = httpc_header_get(r.res, "x-ratelimit-bucket")) && strlen(h) == 32, "bucket");
        et_http_free(&r);
    }
    ET_REQUIRE(!et_http_do(&e, "POST", path, "Bot t", json_pack("{s:s}", "content", "hi"), &r), "http");
    ET_CHECK(r.status == 429, "6th message: 429, got %d", r.status);
    ET_CHECK(!strcmp(S(r.body, "message"), "You are being rate limited."), "429 message");
    ET_CHECK(json_number_value(json_object_get(r.body, "retry_after")) > 0, "retry_after");
    ET_CHECK(json_is_false(json_object_get(r.body, "global")), "not global");
    ET_CHECK(httpc_header_get(r.res, "retry-after") != NULL, "Retry-After header");
    ET_CHECK((h = httpc_header_get(r.res, "x-ratelimit-scope")) && !strcmp(h, "user"), "scope user");
    et_http_free(&r);
    /* Another channel is another bucket. */
    ET_REQUIRE(!et_http_do(&e, "POST", path2, "Bot t", json_pack("{s:s}", "content", "hi"), &r), "http");
    ET_CHECK(r.status == 200, "other channel: %d", r.status);
    et_http_free(&r);
    v = et_ctl(&e, "GET", "/_emu/violations", NULL, &st);
    ET_CHECK(json_array_size(json_object_get(v, "violations")) == 1 &&
             !strcmp(S(json_array_get(json_object_get(v, "violations"), 0), "kind"), "route_ratelimit"),
             "the over-limit request is recorded");
    json_decref(v);
    /* Injected faults: a global 429, then 5xx. */
    json_decref(et_ctl(&e, "POST", "/_emu/faults/rest",
                       json_pack("{s:s, s:s, s:f, s:b}", "route", "GET /users/@me", "kind", "429",
                                 "retry_after", 0.5, "global", 1), &st));
    ET_CHECK(st == 200, "arm 429");
    ET_REQUIRE(!et_http_do(&e, "GET", "/api/v10/users/@me", "Bot t", NULL, &r), "http");
    ET_CHECK(r.status == 429 && json_is_true(json_object_get(r.body, "global")), "injected global 429");
    ET_CHECK(httpc_header_get(r.res, "x-ratelimit-global") != NULL, "X-RateLimit-Global");
    /* A client waits as long as Retry-After says; a request sooner would be a violation. */
    {
        double retry = (h = httpc_header_get(r.res, "retry-after")) ? atof(h) : 0;
        double body_retry = json_number_value(json_object_get(r.body, "retry_after"));
        et_http_free(&r);
        sleep_ms((long)((body_retry > retry ? body_retry : retry) * 1000.0) + 1);
    }
    json_decref(et_ctl(&e, "POST", "/_emu/faults/rest",
                       json_pack("{s:s, s:s, s:i, s:i}", "route", "POST /channels/{channel_id}/messages", "kind", "5xx",
                                 "status", 503, "count", 2), &st));
    for (int i = 0; i < 3; i++) {
        ET_REQUIRE(!et_http_do(&e, "POST", path2, "Bot t", json_pack("{s:s}", "content", "x"), &r), "http");
        ET_CHECK(r.status == (i < 2 ? 503 : 200), "call %d: %d", i, r.status);
        et_http_free(&r);
    }
    v = et_ctl(&e, "GET", "/_emu/requests?after=0&route=/channels/%7Bchannel_id%7D/messages", NULL, &st);
    ET_CHECK(st == 200 && json_array_size(json_object_get(v, "requests")) >= 9, "request log (%zu)",
             json_array_size(json_object_get(v, "requests")));
    ET_CHECK(!strcmp(S(json_array_get(json_object_get(v, "requests"), 0), "bucket"), "message_create"), "bucket name");
    json_decref(v);
    v = et_ctl(&e, "GET", "/_emu/violations", NULL, &st);
    ET_CHECK(json_array_size(json_object_get(v, "violations")) == 1, "faults are not violations");
    json_decref(v);
    json_decref(state);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_rest_permissions(void)
{
    et_emu e;
    json_t *state, *v;
    char p[256];
    int st;
    const char *g, *alice, *owner, *mod, *bob, *newbie;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    g = emu_id(state, "guild", NULL);
    alice = emu_id(state, "members", "alice");
    owner = emu_id(state, "members", "owner");
    mod = emu_id(state, "members", "mod");
    bob = emu_id(state, "members", "bob");
    newbie = emu_id(state, "members", "newbie");
#define R(method, body, ...) (snprintf(p, sizeof p, __VA_ARGS__), v = et_rest(&e, method, p, body, &st))
    R("PUT", NULL, "/guilds/%s/members/%s/roles/%s", g, alice, emu_id(state, "roles", "Moderator"));
    ET_CHECK(st == 403 && has_code(v, 50013), "role above the bot: 50013 (%d)", st);
    json_decref(v);
    R("PUT", NULL, "/guilds/%s/members/%s/roles/%s", g, alice, emu_id(state, "roles", "bothost"));
    ET_CHECK(st == 403 && has_code(v, 50013), "the bot's own (managed, equal) role: 50013");
    json_decref(v);
    R("PUT", NULL, "/guilds/%s/members/%s/roles/%s", g, alice, emu_id(state, "roles", "Raffle Winner"));
    ET_CHECK(st == 204, "role below the bot: 204 (%d)", st);
    json_decref(v);
    /* A POST with an empty body (Content-Length: 0) is one request, not two. */
    R("POST", NULL, "/channels/%s/messages", emu_id(state, "channels", "general"));
    ET_CHECK(st == 400 && has_code(v, 50035), "no body: 50035, as Discord (%d)", st);
    json_decref(v);
    v = et_ctl(&e, "GET", "/_emu/requests?after=0&route=/channels/%7Bchannel_id%7D/messages", NULL, &st);
    ET_CHECK(st == 200 && json_array_size(json_object_get(v, "requests")) == 1, "logged once (%zu)",
             json_array_size(json_object_get(v, "requests")));
    json_decref(v);
    R("GET", NULL, "/guilds/%s/members/%s", g, alice);
    ET_CHECK(st == 200 && json_array_size(json_object_get(v, "roles")) == 3, "alice has 3 roles");
    json_decref(v);
    R("DELETE", NULL, "/guilds/%s/members/%s/roles/%s", g, alice, emu_id(state, "roles", "Raffle Winner"));
    ET_CHECK(st == 204, "role removed");
    json_decref(v);
    R("PUT", NULL, "/guilds/%s/members/%s/roles/%s", g, alice, "123");
    ET_CHECK(st == 404 && has_code(v, 10011), "unknown role 10011");
    json_decref(v);
    R("PUT", NULL, "/guilds/%s/members/%s/roles/%s", g, "42", emu_id(state, "roles", "Gamer"));
    ET_CHECK(st == 404 && has_code(v, 10007), "unknown member 10007");
    json_decref(v);
    R("DELETE", NULL, "/guilds/%s/members/%s", g, owner);
    ET_CHECK(st == 403 && has_code(v, 50013), "kick the owner: 50013");
    json_decref(v);
    R("DELETE", NULL, "/guilds/%s/members/%s", g, mod);
    ET_CHECK(st == 403 && has_code(v, 50013), "kick a member above the bot: 50013");
    json_decref(v);
    R("DELETE", NULL, "/guilds/%s/members/%s", g, bob);
    ET_CHECK(st == 204, "kick bob: 204 (%d)", st);
    json_decref(v);
    R("GET", NULL, "/guilds/%s/members/%s", g, bob);
    ET_CHECK(st == 404 && has_code(v, 10007), "bob is gone");
    json_decref(v);
    {
        char until[64];
        time_t t = time(NULL) + 3600;
        strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%S.000000+00:00", gmtime(&t));
        R("PATCH", json_pack("{s:s}", "communication_disabled_until", until), "/guilds/%s/members/%s", g, alice);
        ET_CHECK(st == 200 && json_is_string(json_object_get(v, "communication_disabled_until")), "timeout alice");
        json_decref(v);
        R("PATCH", json_pack("{s:s}", "communication_disabled_until", until), "/guilds/%s/members/%s", g, owner);
        ET_CHECK(st == 403 && has_code(v, 50013), "timeout the owner: 50013");
        json_decref(v);
        t = time(NULL) + 40 * 86400;
        strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%S.000000+00:00", gmtime(&t));
        R("PATCH", json_pack("{s:s}", "communication_disabled_until", until), "/guilds/%s/members/%s", g, alice);
        ET_CHECK(st == 400 && has_code(v, 50035), "timeout over 28 days: 50035");
        json_decref(v);
    }
    R("PUT", json_object(), "/guilds/%s/bans/%s", g, newbie);
    ET_CHECK(st == 204, "ban newbie (%d)", st);
    json_decref(v);
    R("GET", NULL, "/guilds/%s/bans/%s", g, newbie);
    ET_CHECK(st == 200, "ban exists");
    json_decref(v);
    R("DELETE", NULL, "/guilds/%s/bans/%s", g, newbie);
    ET_CHECK(st == 204, "unban");
    json_decref(v);
    R("GET", NULL, "/guilds/%s/bans/%s", g, newbie);
    ET_CHECK(st == 404 && has_code(v, 10026), "unknown ban");
    json_decref(v);
    R("POST", json_pack("{s:s}", "content", "x"), "/channels/%s/messages", emu_id(state, "channels", "announcements"));
    ET_CHECK(st == 403 && has_code(v, 50013), "SEND_MESSAGES denied by an overwrite: 50013 (%d)", st);
    json_decref(v);
    R("POST", json_pack("{s:s}", "content", "x"), "/channels/%s/messages", emu_id(state, "channels", "logs"));
    ET_CHECK(st == 200, "#logs allowed to the bot role by overwrite (%d)", st);
    json_decref(v);
    R("POST", json_pack("{s:s}", "content", "x"), "/channels/%s/messages", "1");
    ET_CHECK(st == 404 && has_code(v, 10003), "unknown channel 10003");
    json_decref(v);
    R("GET", NULL, "/guilds/%s/roles", g);
    ET_CHECK(st == 200 && json_array_size(v) >= 8, "roles list");
    json_decref(v);
    R("GET", NULL, "/guilds/%s/channels", g);
    ET_CHECK(st == 200 && json_array_size(v) >= 5, "channels list");
    json_decref(v);
    /* Move Moderator below the bot by hand: now the bot may hand it out. */
    snprintf(p, sizeof p, "/_emu/roles/Moderator");
    json_decref(et_ctl(&e, "PATCH", p, json_pack("{s:i}", "position", 2), &st));
    ET_CHECK(st == 200, "move role");
    R("PUT", NULL, "/guilds/%s/members/%s/roles/%s", g, alice, emu_id(state, "roles", "Moderator"));
    ET_CHECK(st == 204, "moved role below the bot: 204 (%d)", st);
    json_decref(v);
#undef R
    json_decref(state);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_rest_validation(void)
{
    et_emu e;
    json_t *state, *v, *rows, *embeds;
    char p[128], longs[2100], id101[102];
    int st;
    const char *args[] = {"--no-ratelimits", NULL};
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    snprintf(p, sizeof p, "/channels/%s/messages", emu_id(state, "channels", "general"));
    memset(longs, 'a', 2001);
    longs[2001] = 0;
    v = et_rest(&e, "POST", p, json_pack("{s:s}", "content", longs), &st);
    ET_CHECK(st == 400 && has_code(v, 50035) &&
             !strcmp(S(json_array_get(json_object_get(json_object_get(json_object_get(v, "errors"), "content"), "_errors"), 0), "code"),
                     "BASE_TYPE_MAX_LENGTH"), "content 2001: 50035 errors.content");
    json_decref(v);
    v = et_rest(&e, "POST", p, json_object(), &st);
    ET_CHECK(st == 400 && has_code(v, 50006), "empty message: 50006");
    json_decref(v);
    rows = json_array();
    for (int i = 0; i < 6; i++) {
        char cid[16];
        snprintf(cid, sizeof cid, "b%d", i);
        json_array_append_new(rows, json_pack("{s:i, s:[{s:i, s:i, s:s, s:s}]}", "type", 1, "components", "type", 2,
                                              "style", 1, "label", "x", "custom_id", cid));
    }
    v = et_rest(&e, "POST", p, json_pack("{s:s, s:o}", "content", "x", "components", rows), &st);
    ET_CHECK(st == 400 && json_object_get(json_object_get(v, "errors"), "components"), "6 action rows: 50035");
    json_decref(v);
    memset(id101, 'c', 101);
    id101[101] = 0;
    v = et_rest(&e, "POST", p, json_pack("{s:[{s:i, s:[{s:i, s:i, s:s, s:s}]}]}", "components", "type", 1,
                                         "components", "type", 2, "style", 1, "label", "x", "custom_id", id101), &st);
    ET_CHECK(st == 400 && json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(
                 json_object_get(v, "errors"), "components"), "0"), "components"), "0"), "custom_id"),
             "custom_id of 101: errors.components.0.components.0.custom_id");
    json_decref(v);
    embeds = json_array();
    for (int i = 0; i < 11; i++)
        json_array_append_new(embeds, json_pack("{s:s}", "title", "t"));
    v = et_rest(&e, "POST", p, json_pack("{s:o}", "embeds", embeds), &st);
    ET_CHECK(st == 400 && json_object_get(json_object_get(v, "errors"), "embeds"), "11 embeds: 50035");
    json_decref(v);
    v = et_rest(&e, "POST", p, json_pack("{s:[{s:s}]}", "embeds", "description", longs), &st);
    ET_CHECK(st == 200, "an embed description of 2001 fits 4096 (%d)", st);
    json_decref(v);
    json_decref(state);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

/* ---- interactions ------------------------------------------------------------------ */

static json_t *register_raffle(et_emu *e)
{
    char p[128];
    int st;
    json_t *info = et_ctl(e, "GET", "/_emu", NULL, &st), *v;
    snprintf(p, sizeof p, "/applications/%s/commands", S(info, "application_id"));
    v = et_rest(e, "PUT", p, json_pack("[{s:s, s:s, s:[{s:i, s:s, s:s, s:[{s:i, s:s, s:s, s:b}, {s:i, s:s, s:s}, {s:i, s:s, s:s}]}]},"
                                       " {s:s, s:s}]",
                                       "name", "raffle", "description", "Raffles", "options", "type", 1, "name",
                                       "create", "description", "Create one", "options", "type", 3, "name", "prize",
                                       "description", "Prize", "required", 1, "type", 4, "name", "spots",
                                       "description", "Spots", "type", 6, "name", "host", "description", "Host",
                                       "name", "ping", "description", "Ping"), &st);
    ET_CHECK(st == 200 && json_array_size(v) == 2, "bulk overwrite (%d)", st);
    json_decref(v);
    return info;
}

static void t_interactions(void)
{
    et_emu e;
    const char *args[] = {"--ack-ms", "1500", NULL};
    json_t *info, *ix, *v, *rows;
    char p[512], id[32], tok[128];
    int st;
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    info = register_raffle(&e);
    ix = et_ctl(&e, "POST", "/_emu/command", json_pack("{s:s, s:s}", "text", "/raffle create prize:Nintendo Switch spots:10 host:@alice",
                                                       "user", "mod"), &st);
    ET_REQUIRE(st == 200, "command accepted (%d)", st);
    snprintf(id, sizeof id, "%s", S(ix, "interaction_id"));
    snprintf(tok, sizeof tok, "%s", S(ix, "token"));
    json_decref(ix);
    v = et_ctl(&e, "POST", "/_emu/command", json_pack("{s:s}", "text", "/raffle create spots:3"), &st);
    ET_CHECK(st == 400, "a missing required option is refused");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/command", json_pack("{s:s}", "text", "/nope"), &st);
    ET_CHECK(st == 400, "an unregistered command is refused");
    json_decref(v);
    snprintf(p, sizeof p, "/interactions/%s/%s/callback", id, tok);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s}}", "type", 4, "data", "content", "Raffle for Nintendo Switch"), &st);
    ET_CHECK(st == 204, "callback 204 (%d)", st);
    json_decref(v);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s}}", "type", 4, "data", "content", "again"), &st);
    ET_CHECK(st == 400 && has_code(v, 40060), "second callback: 40060");
    json_decref(v);
    snprintf(p, sizeof p, "/_emu/interactions/%s?wait_ms=2000", id);
    v = et_ctl(&e, "GET", p, NULL, &st);
    ET_CHECK(st == 200 && json_integer_value(json_object_get(json_object_get(v, "response"), "type")) == 4, "response read back");
    ET_CHECK(!strcmp(S(json_object_get(v, "original"), "content"), "Raffle for Nintendo Switch"), "original message");
    json_decref(v);
    /* Follow-up and edit of the original through the webhook. */
    snprintf(p, sizeof p, "/webhooks/%s/%s", S(info, "application_id"), tok);
    v = et_rest(&e, "POST", p, json_pack("{s:s, s:i}", "content", "follow", "flags", 64), &st);
    ET_CHECK(st == 200 && (json_integer_value(json_object_get(v, "flags")) & 64), "ephemeral follow-up");
    json_decref(v);
    snprintf(p, sizeof p, "/webhooks/%s/%s/messages/@original", S(info, "application_id"), tok);
    v = et_rest(&e, "PATCH", p, json_pack("{s:s}", "content", "edited"), &st);
    ET_CHECK(st == 200 && !strcmp(S(v, "content"), "edited"), "edit @original");
    json_decref(v);
    snprintf(p, sizeof p, "/_emu/interactions/%s", id);
    v = et_ctl(&e, "GET", p, NULL, &st);
    ET_CHECK(json_array_size(json_object_get(v, "followups")) == 1 &&
             !strcmp(S(json_object_get(v, "original"), "content"), "edited"), "follow-ups and edits read back");
    json_decref(v);

    /* A modal: 6 components refused, 1 accepted, submitted by the user. */
    ix = et_ctl(&e, "POST", "/_emu/command", json_pack("{s:s, s:{s:s}}", "command", "raffle create", "options", "prize", "x"), &st);
    snprintf(id, sizeof id, "%s", S(ix, "interaction_id"));
    snprintf(tok, sizeof tok, "%s", S(ix, "token"));
    json_decref(ix);
    rows = json_array();
    for (int i = 0; i < 6; i++) {
        char cid[16];
        snprintf(cid, sizeof cid, "f%d", i);
        json_array_append_new(rows, json_pack("{s:i, s:[{s:i, s:s, s:i, s:s}]}", "type", 1, "components", "type", 4,
                                              "custom_id", cid, "style", 1, "label", "Field"));
    }
    snprintf(p, sizeof p, "/interactions/%s/%s/callback", id, tok);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s, s:s, s:o}}", "type", 9, "data", "custom_id", "raffle:form",
                                         "title", "Enter", "components", rows), &st);
    ET_CHECK(st == 400 && has_code(v, 50035), "modal with 6 components: 50035 (%d)", st);
    json_decref(v);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s, s:s, s:[{s:i, s:[{s:i, s:s, s:i, s:s, s:i}]}]}}", "type", 9,
                                         "data", "custom_id", "raffle:form", "title", "Enter", "components", "type", 1,
                                         "components", "type", 4, "custom_id", "name", "style", 1, "label", "Name",
                                         "max_length", 5), &st);
    ET_CHECK(st == 204, "modal opened (%d)", st);
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/modal", json_pack("{s:s, s:{s:s}}", "interaction_id", id, "values", "name", "too long"), &st);
    ET_CHECK(st == 400, "a value over max_length is refused");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/modal", json_pack("{s:s, s:{s:s}}", "interaction_id", id, "values", "nope", "x"), &st);
    ET_CHECK(st == 400, "an unknown field is refused");
    json_decref(v);
    ix = et_ctl(&e, "POST", "/_emu/modal", json_pack("{s:s, s:{s:s}}", "interaction_id", id, "values", "name", "Ann"), &st);
    ET_CHECK(st == 200, "modal submitted");
    snprintf(p, sizeof p, "/interactions/%s/%s/callback?with_response=true", S(ix, "interaction_id"), S(ix, "token"));
    json_decref(ix);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s}}", "type", 9, "data", "custom_id", "x"), &st);
    ET_CHECK(st == 400, "no modal in answer to a modal submit");
    json_decref(v);
    v = et_rest(&e, "POST", p, json_pack("{s:i}", "type", 5), &st);
    ET_CHECK(st == 200 && json_is_true(json_object_get(json_object_get(v, "interaction"), "response_message_loading")),
             "deferred with_response: loading message");
    json_decref(v);

    /* Too late: the 3 s window (here --ack-ms 1500) is over. */
    ix = et_ctl(&e, "POST", "/_emu/command", json_pack("{s:s}", "text", "/ping"), &st);
    snprintf(p, sizeof p, "/interactions/%s/%s/callback", S(ix, "interaction_id"), S(ix, "token"));
    ET_CHECK(wait_interaction_age(&e, S(ix, "interaction_id"), 1500), "the answer window passed");
    json_decref(ix);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s}}", "type", 4, "data", "content", "late"), &st);
    ET_CHECK(st == 404 && has_code(v, 10062), "late callback: 10062 (%d)", st);
    json_decref(v);
    v = et_rest(&e, "POST", "/interactions/1/abc/callback", json_pack("{s:i}", "type", 5), &st);
    ET_CHECK(st == 404 && has_code(v, 10062), "unknown interaction: 10062");
    json_decref(v);
    json_decref(info);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_click_gateway(void)
{
    et_emu e;
    et_ws w;
    json_t *state, *msg, *v, *d, *ready;
    char p[512], mid[32];
    int st;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    ready = et_identify(&w, 0, 1, INTENTS_DEFAULT);
    ET_REQUIRE(ready, "READY");
    json_decref(ready);
    snprintf(p, sizeof p, "/channels/%s/messages", emu_id(state, "channels", "raffles"));
    msg = et_rest(&e, "POST", p, json_pack("{s:s, s:[{s:i, s:[{s:i, s:i, s:s, s:s}, {s:i, s:i, s:s, s:s, s:b}]},"
                                           " {s:i, s:[{s:i, s:s, s:[{s:s, s:s}, {s:s, s:s}]}]}]}",
                                           "content", "Raffle!", "components", "type", 1, "components",
                                           "type", 2, "style", 1, "label", "Enter", "custom_id", "raffle:enter:1",
                                           "type", 2, "style", 4, "label", "Closed", "custom_id", "raffle:closed", "disabled", 1,
                                           "type", 1, "components", "type", 3, "custom_id", "raffle:pick", "options",
                                           "label", "A", "value", "a", "label", "B", "value", "b"), &st);
    ET_REQUIRE(st == 200, "message posted (%d)", st);
    snprintf(mid, sizeof mid, "%s", S(msg, "id"));
    json_decref(msg);
    v = et_ws_wait(&w, "MESSAGE_CREATE", 0, 5000);
    ET_CHECK(v && !strcmp(S(json_object_get(v, "d"), "id"), mid), "MESSAGE_CREATE dispatched");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/click", json_pack("{s:s, s:s, s:s}", "message_id", mid, "custom_id", "raffle:enter:1",
                                                    "user", "alice"), &st);
    ET_CHECK(st == 200, "click accepted (%d)", st);
    json_decref(v);
    v = et_ws_wait(&w, "INTERACTION_CREATE", 0, 5000);
    ET_REQUIRE(v, "INTERACTION_CREATE on the gateway");
    d = json_object_get(v, "d");
    ET_CHECK(json_integer_value(json_object_get(d, "type")) == 3, "component interaction");
    ET_CHECK(!strcmp(S(json_object_get(d, "data"), "custom_id"), "raffle:enter:1"), "custom_id");
    ET_CHECK(json_integer_value(json_object_get(json_object_get(d, "data"), "component_type")) == 2, "component_type");
    ET_CHECK(!strcmp(S(json_object_get(d, "message"), "id"), mid), "the message");
    ET_CHECK(!strcmp(S(json_object_get(json_object_get(d, "member"), "user"), "username"), "alice"), "member");
    ET_CHECK(json_is_string(json_object_get(json_object_get(d, "member"), "permissions")), "member permissions");
    ET_CHECK(json_is_string(json_object_get(d, "app_permissions")) && json_is_string(json_object_get(d, "token")) &&
             !strcmp(S(d, "guild_id"), emu_id(state, "guild", NULL)), "app_permissions, token, guild_id");
    snprintf(p, sizeof p, "/interactions/%s/%s/callback", S(d, "id"), S(d, "token"));
    json_decref(v);
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s}}", "type", 7, "data", "content", "Entered: 1"), &st);
    ET_CHECK(st == 204, "UPDATE_MESSAGE (%d)", st);
    json_decref(v);
    snprintf(p, sizeof p, "/channels/%s/messages/%s", emu_id(state, "channels", "raffles"), mid);
    v = et_rest(&e, "GET", p, NULL, &st);
    ET_CHECK(st == 200 && !strcmp(S(v, "content"), "Entered: 1"), "message updated");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/click", json_pack("{s:s, s:s}", "message_id", mid, "custom_id", "raffle:nope"), &st);
    ET_CHECK(st == 400, "a custom_id not on the message is refused");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/click", json_pack("{s:s, s:s}", "message_id", mid, "custom_id", "raffle:closed"), &st);
    ET_CHECK(st == 400, "a disabled button is refused");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/select", json_pack("{s:s, s:s, s:[s]}", "message_id", mid, "custom_id", "raffle:pick",
                                                     "values", "zzz"), &st);
    ET_CHECK(st == 400, "a value not in the select is refused");
    json_decref(v);
    v = et_ctl(&e, "POST", "/_emu/select", json_pack("{s:s, s:s, s:[s]}", "message_id", mid, "custom_id", "raffle:pick",
                                                     "values", "b"), &st);
    ET_CHECK(st == 200, "select accepted");
    json_decref(v);
    v = et_ws_wait(&w, "INTERACTION_CREATE", 0, 5000);
    ET_CHECK(v && !strcmp(json_string_value(json_array_get(json_object_get(json_object_get(json_object_get(v, "d"), "data"), "values"), 0)), "b"),
             "select values dispatched");
    json_decref(v);
    et_ws_close(&w);
    json_decref(state);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static void t_cli(void)
{
    et_emu e;
    et_ws w;
    json_t *v, *info;
    char cmd[512], out[8192];
    FILE *f;
    size_t n;
    int st;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    info = register_raffle(&e);
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    json_decref(et_identify(&w, 0, 1, 1));
    snprintf(cmd, sizeof cmd, "BOTHOST_EMU_URL=%s %s say '/raffle create prize:Switch spots:10' --wait 5000", e.url,
             EMU_BINARY);
    f = popen(cmd, "r");
    ET_REQUIRE(f, "popen");
    v = et_ws_wait(&w, "INTERACTION_CREATE", 0, 5000);
    ET_REQUIRE(v, "the CLI's command reaches the gateway");
    ET_CHECK(!strcmp(S(json_array_get(json_object_get(json_object_get(json_object_get(v, "d"), "data"), "options"), 0), "name"),
                     "create"), "subcommand");
    snprintf(cmd, sizeof cmd, "/interactions/%s/%s/callback", S(json_object_get(v, "d"), "id"),
             S(json_object_get(v, "d"), "token"));
    json_decref(v);
    v = et_rest(&e, "POST", cmd, json_pack("{s:i, s:{s:s, s:[{s:s, s:s}], s:[{s:i, s:[{s:i, s:i, s:s, s:s}]}]}}",
                                           "type", 4, "data", "content", "Raffle created", "embeds", "title", "Switch",
                                           "description", "10 spots", "components", "type", 1, "components", "type", 2,
                                           "style", 1, "label", "Enter", "custom_id", "raffle:enter:7"), &st);
    json_decref(v);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    ET_CHECK(pclose(f) == 0, "say exits 0");
    ET_CHECK(strstr(out, "Raffle created") && strstr(out, "Switch") && strstr(out, "custom_id=raffle:enter:7"),
             "the answer printed: %s", out);
    snprintf(cmd, sizeof cmd, "%s log --url %s", EMU_BINARY, e.url);
    f = popen(cmd, "r");
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    ET_CHECK(pclose(f) == 0 && strstr(out, "/callback"), "log lists the REST calls");
    et_ws_close(&w);
    json_decref(info);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}


/* ---- Request Guild Members (op 8) -------------------------------------------------------- */

#define MEMBERS_SEEDED 2500

/* Sends op 8 and collects the GUILD_MEMBERS_CHUNK events until chunk_count; NULL on a close. */
static json_t *request_members(et_ws *w, json_t *d)
{
    json_t *chunks = json_array();
    et_ws_send(w, json_pack("{s:i, s:o}", "op", 8, "d", d));
    for (;;) {
        json_t *c = et_ws_wait(w, "GUILD_MEMBERS_CHUNK", 0, 10000);
        if (!c) {
            json_decref(chunks);
            return NULL;
        }
        json_array_append(chunks, json_object_get(c, "d"));
        json_decref(c);
        if ((json_int_t)json_array_size(chunks) >=
            json_integer_value(json_object_get(json_array_get(chunks, 0), "chunk_count")))
            return chunks;
    }
}

/* Opens a connection with `intents`, sends op 8 `d`; returns the close code (0 if none came). */
static int members_close_code(et_emu *e, long intents, json_t *d)
{
    et_ws w;
    json_t *ready, *v;
    int code;
    if (et_ws_open(&w, e, "?v=10&encoding=json")) {
        json_decref(d);
        return -1;
    }
    ready = et_identify(&w, 0, 1, intents);
    json_decref(ready);
    json_decref(et_ws_wait(&w, "GUILD_CREATE", 0, 10000));
    et_ws_send(&w, json_pack("{s:i, s:o}", "op", 8, "d", d));
    v = et_ws_wait(&w, "GUILD_MEMBERS_CHUNK", 0, 10000);
    code = v ? 0 : w.close_code;
    json_decref(v);
    et_ws_close(&w);
    return code;
}

static void t_gateway_members(void)
{
    et_emu e;
    et_ws w;
    char path[] = "/tmp/emu-seed-XXXXXX";
    int fd = mkstemp(path), st, total = 0;
    const char *args[] = {"--seed", path, "--identify-interval-ms", "0", NULL};
    json_t *seed, *users = json_array(), *members = json_array(), *chunks, *ready, *state, *c;
    char gid[32], alice[32], nonce33[40];
    size_t i;
    ET_REQUIRE(fd >= 0, "temp file");
    json_array_append_new(users, json_pack("{s:s}", "username", "owner"));
    json_array_append_new(members, json_pack("{s:s}", "user", "owner"));
    json_array_append_new(users, json_pack("{s:s}", "username", "alice"));
    json_array_append_new(members, json_pack("{s:s, s:s}", "user", "alice", "nick", "Zed"));
    for (int k = 0; k < MEMBERS_SEEDED; k++) {
        char name[32];
        snprintf(name, sizeof name, "user%04d", k);
        json_array_append_new(users, json_pack("{s:s}", "username", name));
        json_array_append_new(members, json_pack("{s:s}", "user", name));
    }
    seed = json_pack("{s:o, s:[{s:s, s:s, s:s, s:o}]}", "users", users, "guilds", "id", "661720242585731078", "name",
                     "Big", "owner", "owner", "members", members);
    json_dumpfd(seed, fd, 0);
    close(fd);
    json_decref(seed);
    ET_REQUIRE(!et_emu_start(&e, args), "emulator starts");
    unlink(path);
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    snprintf(gid, sizeof gid, "%s", emu_id(state, "guild", NULL));
    snprintf(alice, sizeof alice, "%s", emu_id(state, "members", "alice"));
    json_decref(state);
    ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
    ready = et_identify(&w, 0, 1, 1 | 2);
    ET_REQUIRE(ready, "READY");
    json_decref(ready);
    json_decref(et_ws_wait(&w, "GUILD_CREATE", 0, 10000));

    /* The whole list, the guild id as an integer: chunks of at most 1,000, in order, with the nonce. */
    chunks = request_members(&w, json_pack("{s:I, s:s, s:i, s:s}", "guild_id", (json_int_t)strtoll(gid, NULL, 10),
                                           "query", "", "limit", 0, "nonce", "all"));
    ET_REQUIRE(chunks, "chunks for an integer guild_id");
    ET_CHECK(json_array_size(chunks) == 3, "3 chunks for %d members, got %zu", MEMBERS_SEEDED + 3,
             json_array_size(chunks));
    json_array_foreach(chunks, i, c) {
        size_t n = json_array_size(json_object_get(c, "members"));
        ET_CHECK(json_integer_value(json_object_get(c, "chunk_index")) == (json_int_t)i, "chunk_index %zu", i);
        ET_CHECK(json_integer_value(json_object_get(c, "chunk_count")) == 3, "chunk_count");
        ET_CHECK(n <= 1000, "at most 1,000 members a chunk (%zu)", n);
        ET_CHECK(!strcmp(S(c, "nonce"), "all"), "the nonce comes back");
        ET_CHECK(!strcmp(S(c, "guild_id"), gid), "guild_id as a string");
        ET_CHECK(!json_object_get(c, "presences"), "no presences unasked");
        total += (int)n;
    }
    ET_CHECK(total == MEMBERS_SEEDED + 3, "every member once (%d)", total);
    json_decref(chunks);

    /* A limit with the whole list. */
    chunks = request_members(&w, json_pack("{s:s, s:s, s:i}", "guild_id", gid, "query", "", "limit", 10));
    ET_CHECK(chunks && json_array_size(json_object_get(json_array_get(chunks, 0), "members")) == 10, "limit 10");
    json_decref(chunks);

    /* A prefix of the nickname, whatever its case; of the username, at most 100 however high the limit. */
    chunks = request_members(&w, json_pack("{s:s, s:s, s:i}", "guild_id", gid, "query", "zE", "limit", 5));
    c = json_array_get(chunks, 0);
    ET_CHECK(json_array_size(json_object_get(c, "members")) == 1 &&
             !strcmp(S(json_object_get(json_array_get(json_object_get(c, "members"), 0), "user"), "id"), alice),
             "query matches the nickname");
    json_decref(chunks);
    chunks = request_members(&w, json_pack("{s:s, s:s, s:i}", "guild_id", gid, "query", "USER0", "limit", 1000));
    ET_CHECK(chunks && json_array_size(json_object_get(json_array_get(chunks, 0), "members")) == 100,
             "a query returns at most 100");
    json_decref(chunks);
    chunks = request_members(&w, json_pack("{s:s, s:s, s:i}", "guild_id", gid, "query", "user001", "limit", 0));
    ET_CHECK(chunks && json_array_size(json_object_get(json_array_get(chunks, 0), "members")) == 10,
             "query user001: user0010..user0019");
    json_decref(chunks);

    /* user_ids: found ones and not_found; a nonce over 32 bytes is dropped; presences need the intent. */
    memset(nonce33, 'n', 33);
    nonce33[33] = '\0';
    chunks = request_members(&w, json_pack("{s:s, s:[s, s, I], s:s, s:b}", "guild_id", gid, "user_ids", alice,
                                           "123456789012345678", (json_int_t)42, "nonce", nonce33, "presences", 1));
    c = json_array_get(chunks, 0);
    ET_CHECK(chunks && json_array_size(chunks) == 1, "one chunk for user_ids");
    ET_CHECK(json_array_size(json_object_get(c, "members")) == 1, "alice found");
    ET_CHECK(json_array_size(json_object_get(c, "not_found")) == 2 &&
             !strcmp(json_string_value(json_array_get(json_object_get(c, "not_found"), 0)), "123456789012345678") &&
             !strcmp(json_string_value(json_array_get(json_object_get(c, "not_found"), 1)), "42"),
             "not_found lists the unknown ids as strings");
    ET_CHECK(!json_object_get(c, "nonce"), "a nonce over 32 bytes is ignored");
    ET_CHECK(!json_object_get(c, "presences"), "presences without GUILD_PRESENCES: none");
    json_decref(chunks);
    chunks = request_members(&w, json_pack("{s:s, s:s}", "guild_id", gid, "user_ids", alice));
    ET_CHECK(chunks && json_array_size(json_object_get(json_array_get(chunks, 0), "members")) == 1,
             "user_ids as one snowflake");
    json_decref(chunks);
    /* A guild the bot is not in: no answer, the connection stays. */
    et_ws_send(&w, json_pack("{s:i, s:{s:s, s:s, s:i}}", "op", 8, "d", "guild_id", "1", "query", "", "limit", 0));
    et_ws_send_raw(&w, "{\"op\":1,\"d\":null}");
    c = et_ws_wait(&w, NULL, 11, 5000);
    ET_CHECK(c != NULL && !w.closed, "an unknown guild is answered with nothing");
    json_decref(c);
    et_ws_close(&w);

    /* Invalid requests close the connection as Discord does. */
    ET_CHECK(members_close_code(&e, 1 | 2, json_pack("{s:s, s:i}", "guild_id", gid, "limit", 1)) == 4002,
             "neither query nor user_ids: 4002");
    ET_CHECK(members_close_code(&e, 1 | 2, json_pack("{s:[s], s:s, s:i}", "guild_id", gid, "query", "", "limit", 0)) ==
             4002, "an array of guilds: 4002");
    {
        json_t *ids = json_array();
        for (int k = 0; k < 101; k++)
            json_array_append_new(ids, json_string(alice));
        ET_CHECK(members_close_code(&e, 1 | 2, json_pack("{s:s, s:o}", "guild_id", gid, "user_ids", ids)) == 4002,
                 "101 user_ids: 4002");
    }
    ET_CHECK(members_close_code(&e, 1, json_pack("{s:s, s:s, s:i}", "guild_id", gid, "query", "", "limit", 0)) == 4013,
             "the whole list without GUILD_MEMBERS: 4013");
    {
        /* With GUILD_PRESENCES the chunk carries presences (nobody is online in the emulator). */
        json_t *r;
        ET_REQUIRE(!et_ws_open(&w, &e, "?v=10&encoding=json"), "ws");
        r = et_identify(&w, 0, 1, 1 | 2 | 256);
        json_decref(r);
        json_decref(et_ws_wait(&w, "GUILD_CREATE", 0, 10000));
        chunks = request_members(&w, json_pack("{s:s, s:[s], s:b}", "guild_id", gid, "user_ids", alice, "presences", 1));
        ET_CHECK(chunks && json_is_array(json_object_get(json_array_get(chunks, 0), "presences")),
                 "presences with GUILD_PRESENCES");
        json_decref(chunks);
        et_ws_close(&w);
    }
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

/* ---- REST answers in Discord's shapes --------------------------------------------------------- */

static void t_rest_shapes(void)
{
    et_emu e;
    json_t *info, *state, *v, *ix, *comp, *embed, *rep;
    char p[512], general[32], owner[32];
    int st;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    state = et_ctl(&e, "GET", "/_emu/state", NULL, &st);
    snprintf(general, sizeof general, "%s", emu_id(state, "channels", "general"));
    snprintf(owner, sizeof owner, "%s", emu_id(state, "members", "owner"));

    /* GET /gateway: no authorization needed. */
    {
        et_http r;
        ET_REQUIRE(!et_http_do(&e, "GET", "/api/v10/gateway", NULL, NULL, &r), "http");
        ET_CHECK(r.status == 200 && !strncmp(S(r.body, "url"), "ws://127.0.0.1:", 15), "GET /gateway (%d)", r.status);
        et_http_free(&r);
    }

    /* Components numbered depth first around an id the bot chose; select and embed defaults. */
    snprintf(p, sizeof p, "/channels/%s/messages", general);
    v = et_rest(&e, "POST", p,
                json_pack("{s:s, s:[{s:s, s:[{s:s, s:s}]}], s:[{s:i, s:[{s:i, s:i, s:s, s:s}, {s:i, s:i, s:i, s:s, s:s}]},"
                          " {s:i, s:[{s:i, s:s, s:[{s:s, s:s}]}]}]}",
                          "content", "shapes", "embeds", "title", "t", "fields", "name", "a", "value", "b",
                          "components", "type", 1, "components", "type", 2, "style", 1, "label", "One", "custom_id",
                          "one", "type", 2, "id", 2, "style", 1, "label", "Two", "custom_id", "two", "type", 1,
                          "components", "type", 3, "custom_id", "pick", "options", "label", "L", "value", "v"),
                &st);
    ET_CHECK(st == 200, "message posted (%d)", st);
    comp = json_object_get(v, "components");
    ET_CHECK(json_integer_value(json_object_get(json_array_get(comp, 0), "id")) == 1, "row 1 is id 1");
    ET_CHECK(json_integer_value(json_object_get(json_array_get(json_object_get(json_array_get(comp, 0), "components"), 0),
                                                "id")) == 3, "the first button skips the bot's id 2");
    ET_CHECK(json_integer_value(json_object_get(json_array_get(json_object_get(json_array_get(comp, 0), "components"), 1),
                                                "id")) == 2, "the bot's own id is kept");
    ET_CHECK(json_integer_value(json_object_get(json_array_get(comp, 1), "id")) == 4, "row 2 is id 4");
    {
        json_t *sel = json_array_get(json_object_get(json_array_get(comp, 1), "components"), 0);
        ET_CHECK(json_integer_value(json_object_get(sel, "id")) == 5 &&
                 json_integer_value(json_object_get(sel, "min_values")) == 1 &&
                 json_integer_value(json_object_get(sel, "max_values")) == 1, "select id 5, min/max_values 1");
    }
    embed = json_array_get(json_object_get(v, "embeds"), 0);
    ET_CHECK(!strcmp(S(embed, "type"), "rich"), "embed type rich");
    ET_CHECK(json_is_false(json_object_get(json_array_get(json_object_get(embed, "fields"), 0), "inline")),
             "field inline false");
    ET_CHECK(json_is_integer(json_object_get(json_object_get(v, "author"), "flags")) &&
             json_is_null(json_object_get(json_object_get(v, "author"), "primary_guild")), "author flags, primary_guild");
    json_decref(v);

    /* The routes the host uses, each answer checked against openapi.json by the emulator. */
    json_decref(et_rest(&e, "GET", "/gateway/bot", NULL, &st));
    json_decref(et_rest(&e, "GET", "/users/@me", NULL, &st));
    v = et_rest(&e, "GET", "/oauth2/applications/@me", NULL, &st);
    ET_CHECK(st == 200 && json_is_string(json_object_get(v, "flags_new")) && json_is_array(json_object_get(v, "redirect_uris")),
             "the application's required fields");
    json_decref(v);
    snprintf(p, sizeof p, "/guilds/%s/roles", emu_id(state, "guild", NULL));
    v = et_rest(&e, "GET", p, NULL, &st);
    ET_CHECK(json_is_object(json_object_get(json_array_get(v, 0), "colors")), "roles carry colors");
    json_decref(v);
    snprintf(p, sizeof p, "/guilds/%s/channels", emu_id(state, "guild", NULL));
    v = et_rest(&e, "GET", p, NULL, &st);
    ET_CHECK(json_is_integer(json_object_get(json_array_get(v, 0), "flags")), "channels carry flags");
    json_decref(v);
    snprintf(p, sizeof p, "/channels/%s", general);
    json_decref(et_rest(&e, "GET", p, NULL, &st));
    snprintf(p, sizeof p, "/channels/%s/messages", general);
    json_decref(et_rest(&e, "GET", p, NULL, &st));
    snprintf(p, sizeof p, "/guilds/%s/members/%s", emu_id(state, "guild", NULL), owner);
    json_decref(et_rest(&e, "GET", p, NULL, &st));
    json_decref(et_rest(&e, "POST", "/users/@me/channels", json_pack("{s:s}", "recipient_id", owner), &st));

    /* A command's answer carries the deprecated `interaction` beside interaction_metadata. */
    info = register_raffle(&e);
    ix = et_ctl(&e, "POST", "/_emu/command", json_pack("{s:s, s:s}", "text", "/raffle create prize:Switch", "user", "mod"), &st);
    snprintf(p, sizeof p, "/interactions/%s/%s/callback?with_response=true", S(ix, "interaction_id"), S(ix, "token"));
    v = et_rest(&e, "POST", p, json_pack("{s:i, s:{s:s}}", "type", 4, "data", "content", "made"), &st);
    ET_CHECK(st == 200, "callback with_response (%d)", st);
    rep = json_object_get(json_object_get(json_object_get(v, "resource"), "message"), "interaction");
    ET_CHECK(!strcmp(S(rep, "name"), "raffle create"), "interaction.name is the command path (%s)", S(rep, "name"));
    ET_CHECK(!strcmp(S(rep, "id"), S(ix, "interaction_id")) && json_integer_value(json_object_get(rep, "type")) == 2,
             "interaction id and type");
    ET_CHECK(!strcmp(S(json_object_get(rep, "user"), "id"), emu_id(state, "members", "mod")), "interaction.user");
    ET_CHECK(json_is_object(json_object_get(json_object_get(json_object_get(v, "resource"), "message"),
                                            "interaction_metadata")), "interaction_metadata too");
    json_decref(v);
    snprintf(p, sizeof p, "/webhooks/%s/%s/messages/@original", S(info, "application_id"), S(ix, "token"));
    v = et_rest(&e, "GET", p, NULL, &st);
    ET_CHECK(st == 200 && !strcmp(S(json_object_get(v, "interaction"), "name"), "raffle create"),
             "@original carries interaction");
    json_decref(v);
    snprintf(p, sizeof p, "/webhooks/%s/%s", S(info, "application_id"), S(ix, "token"));
    json_decref(et_rest(&e, "POST", p, json_pack("{s:s}", "content", "follow"), &st));
    json_decref(ix);
    json_decref(info);

    v = et_ctl(&e, "GET", "/_emu/schema", NULL, &st);
    ET_CHECK(json_is_true(json_object_get(v, "enabled")), "schema checks on");
    ET_CHECK(json_integer_value(json_object_get(v, "checked")) >= 15, "answers checked: %lld",
             (long long)json_integer_value(json_object_get(v, "checked")));
    ET_CHECK(json_integer_value(json_object_get(v, "failed")) == 0, "every answer fits openapi.json: %s",
             json_dumps(json_object_get(v, "errors"), JSON_COMPACT));
    json_decref(v);
    json_decref(state);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

/* A flood is made a chunk per loop turn: one at a time, a reset stops it, all of it gets made. */
static void t_flood(void)
{
    et_emu e;
    int st = 0;
    json_t *v;
    ET_REQUIRE(!et_emu_start(&e, NULL), "emulator starts");
    json_decref(register_raffle(&e));
    v = et_ctl(&e, "POST", "/_emu/flood", json_pack("{s:s, s:i}", "text", "/ping", "n", 100000), &st);
    ET_CHECK(st == 200 && json_integer_value(json_object_get(v, "queued")) == 100000, "queued (%d)", st);
    json_decref(v);
    json_decref(et_ctl(&e, "POST", "/_emu/flood", json_pack("{s:s, s:i}", "text", "/ping", "n", 5), &st));
    ET_CHECK(st == 409, "a second flood while one is made: 409, got %d", st);
    json_decref(et_ctl(&e, "POST", "/_emu/reset", NULL, &st));
    ET_CHECK(st == 200, "reset (%d)", st);
    json_decref(register_raffle(&e));
    json_decref(et_ctl(&e, "POST", "/_emu/flood", json_pack("{s:s, s:i}", "text", "/ping", "n", 300), &st));
    ET_CHECK(st == 200, "a flood after the reset (%d)", st);
    json_int_t made = 0;
    for (int i = 0; i < 200 && made < 300; i++) {
        v = et_ctl(&e, "GET", "/_emu/flood", NULL, &st);
        made = json_integer_value(json_object_get(v, "interactions"));
        json_decref(v);
        if (made < 300)
            sleep_ms(25);
    }
    ET_CHECK(made == 300, "all 300 made and no more, got %lld", (long long)made);
    json_decref(et_ctl(&e, "POST", "/_emu/flood", json_pack("{s:s, s:i}", "text", "/ping", "n", 0), &st));
    ET_CHECK(st == 400, "n 0: 400, got %d", st);
    ET_CHECK(et_emu_stop(&e) == 0, "clean exit");
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"gateway_basic", t_gateway_basic},   {"gateway_shards", t_gateway_shards},
    {"gateway_resume", t_gateway_resume}, {"gateway_zlib", t_gateway_zlib},
    {"gateway_heartbeat", t_gateway_heartbeat}, {"rest_ratelimit", t_rest_ratelimit},
    {"rest_permissions", t_rest_permissions}, {"rest_validation", t_rest_validation},
    {"interactions", t_interactions},     {"click_gateway", t_click_gateway},
    {"cli", t_cli},                       {"gateway_members", t_gateway_members},
    {"rest_shapes", t_rest_shapes},       {"flood", t_flood},
};

int main(int argc, char **argv)
{
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (argc < 2 || !strcmp(argv[1], tests[i].name)) {
            fprintf(stderr, "== %s\n", tests[i].name);
            tests[i].fn();
            ran++;
        }
    if (!ran) {
        fprintf(stderr, "unknown test %s\n", argv[1]);
        return 2;
    }
    fprintf(stderr, "%s: %d failure(s)\n", argc > 1 ? argv[1] : "all", et_failures);
    return et_failures ? 1 : 0;
}
