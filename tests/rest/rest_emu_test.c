/*
 * The REST client against bothost-emu: what Discord (the emulator) received,
 * and what the caller got back. Each case runs its own loop and ends with
 * uv_loop_close() == 0.
 *
 *   rest_emu_test [case]    runs every case, or the one named
 */
#include "rest_fixture.h"
#include "tsup_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "rest/rest_internal.h"

static rest_opts quick_opts(void)
{
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.max_retries = 3;
    o.backoff_ms = 20;
    return o;
}

/* A message round trip: create, read back, edit, delete; and the request log. */
static void t_roundtrip(void)
{
    fx f;
    fx_answer a;
    char path[256];
    const char *ch = emu_channel_id("general");
    fx_open(&f, emu_api_base(), NULL);

    snprintf(path, sizeof path, "/channels/%s/messages", ch);
    fx_do(&f, &a, "POST", path, "{\"content\":\"hello from rest\"}");
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(a.res->status, 200);
    CHECK_EQ_STR(json_string_value(json_object_get(a.res->json, "content")), "hello from rest");
    CHECK_EQ_STR(a.res->route, "POST /channels/{channel_id}/messages");
    CHECK_EQ_INT(a.res->attempts, 1);
    char mid[32];
    snprintf(mid, sizeof mid, "%s", json_string_value(json_object_get(a.res->json, "id")));
    rest_response_free(a.res);

    snprintf(path, sizeof path, "/channels/%s/messages/%s", ch, mid);
    fx_do(&f, &a, "PATCH", path, "{\"content\":\"edited\"}");
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_STR(json_string_value(json_object_get(a.res->json, "content")), "edited");
    rest_response_free(a.res);

    fx_do(&f, &a, "GET", path, NULL);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_STR(json_string_value(json_object_get(a.res->json, "content")), "edited");
    rest_response_free(a.res);

    /* 204 No Content: an empty body. */
    fx_do(&f, &a, "DELETE", path, NULL);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(a.res->status, 204);
    CHECK(a.res->json == NULL);
    rest_response_free(a.res);

    fx_do(&f, &a, "GET", path, NULL);
    CHECK_EQ_INT(a.res->result, BH_ENOTFOUND);
    CHECK_EQ_INT(a.res->status, 404);
    CHECK_EQ_INT(a.res->code, 10008);
    CHECK(strstr(a.res->message, "Unknown Message"));
    rest_response_free(a.res);

    fx_do(&f, &a, "GET", "/users/@me", NULL);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK(json_is_true(json_object_get(a.res->json, "bot")));
    rest_response_free(a.res);

    /* A 400 with Discord's error code. */
    snprintf(path, sizeof path, "/channels/%s/messages", ch);
    fx_do(&f, &a, "POST", path, "{}");
    CHECK_EQ_INT(a.res->result, BH_EDISCORD);
    CHECK_EQ_INT(a.res->status, 400);
    CHECK_EQ_INT(a.res->code, 50006);
    rest_response_free(a.res);

    /* Not in the route table: refused before anything is sent. */
    rest_req bad = {.method = "GET", .path = "/guilds/1/emojis"};
    CHECK_EQ_INT(rest_request(f.r, &bad, fx_cb, &a), BH_EINVAL);
    rest_req badm = {.method = "HEAD", .path = "/users/@me"};
    CHECK_EQ_INT(rest_request(f.r, &badm, fx_cb, &a), BH_EINVAL);

    json_t *log = emu_requests("/channels/{channel_id}/messages");
    CHECK_EQ_INT(json_array_size(log), 2);
    json_t *first = json_array_get(log, 0);
    CHECK_EQ_STR(json_string_value(json_object_get(first, "method")), "POST");
    CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(first, "body"), "content")),
                 "hello from rest");
    json_decref(log);

    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.requests, 7);
    CHECK_EQ_INT(st.in_flight, 0);
    CHECK_EQ_INT(st.queued, 0);
    CHECK_EQ_INT(emu_violations(), 0);
    fx_close(&f);
}

static void count_rows(const char *route, int status, uint64_t count, uint64_t lat, void *arg)
{
    int *n = arg;
    if (!strcmp(route, "GET /users/@me") && status == 200)
        *n += (int)count;
}

/*
 * Headers are learned: the route's bucket hash, and a bucket whose remaining
 * count runs out makes the next request wait for the reset instead of drawing a
 * 429. 12 calls on a 5-per-second bucket.
 */
static void t_buckets(void)
{
    fx f;
    fx_open(&f, emu_api_base(), NULL);
    fx_answer a[12];
    for (int i = 0; i < 12; i++)
        fx_send(&f, &a[i], "GET", "/users/@me", NULL, NULL);
    for (int i = 0; i < 12; i++) {
        fx_run_until(&f, &a[i].done, 30000);
        CHECK_EQ_INT(a[i].res->result, 0);
        CHECK_EQ_INT(a[i].res->ratelimited, 0);
    }
    /* Sent one at a time, in order. */
    for (int i = 1; i < 12; i++)
        CHECK(a[i].at_ms >= a[i - 1].at_ms);
    /* The head of the queue waits for the reset; those behind it just queue. */
    int64_t waited = 0;
    for (int i = 0; i < 12; i++) {
        waited += a[i].res->wait_ms;
        rest_response_free(a[i].res);
    }
    CHECK(waited > 0);

    /* The bucket hash is known and the bucket lives under "<hash>:". */
    const rest_route *route;
    char major[64];
    CHECK(rest_route_match("GET", "/users/@me", &route, major, sizeof major) == 0);
    const char *hash = f.r->route_hash[route - rest_routes];
    CHECK(strlen(hash) == 32);
    rest_bucket *b = rest_bucket_for(f.r, route, "");
    CHECK(strncmp(b->key, hash, 32) == 0);
    CHECK(b->known && b->limit == 5);

    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK(st.ratelimit_waits >= 2);
    CHECK(st.ratelimit_wait_ms > 0);
    CHECK_EQ_INT(st.ratelimited, 0);
    int rows = 0;
    rest_stats_foreach(f.r, count_rows, &rows);
    CHECK_EQ_INT(rows, 12);

    CHECK_EQ_INT(emu_violations(), 0);
    fx_close(&f);
}

/* An injected per-route 429: the request waits retry_after, then goes again once. */
static void t_route_429(void)
{
    fx f;
    char path[128];
    const char *ch = emu_channel_id("general");
    snprintf(path, sizeof path, "/channels/%s/messages", ch);
    emu_fault("{\"kind\":\"429\",\"route\":\"POST /channels/{channel_id}/messages\","
              "\"retry_after\":0.5,\"count\":1}");
    fx_open(&f, emu_api_base(), NULL);
    fx_answer a, b;
    fx_send(&f, &a, "POST", path, "{\"content\":\"one\"}", NULL);
    fx_send(&f, &b, "POST", path, "{\"content\":\"two\"}", NULL);
    fx_run_until(&f, &a.done, 10000);
    fx_run_until(&f, &b.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(a.res->ratelimited, 1);
    CHECK_EQ_INT(a.res->attempts, 2);
    CHECK(a.res->wait_ms >= 450);
    CHECK_EQ_INT(b.res->result, 0);
    CHECK(a.at_ms <= b.at_ms);
    rest_response_free(a.res);
    rest_response_free(b.res);

    json_t *log = emu_requests("/channels/{channel_id}/messages");
    CHECK_EQ_INT(json_array_size(log), 3);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(log, 0), "status")), 429);
    json_int_t t0 = json_integer_value(json_object_get(json_array_get(log, 0), "t_ms"));
    json_int_t t1 = json_integer_value(json_object_get(json_array_get(log, 1), "t_ms"));
    CHECK(t1 - t0 >= 490);
    json_decref(log);
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.ratelimited, 1);
    CHECK_EQ_INT(st.ratelimited_global, 0);
    CHECK_EQ_INT(emu_violations(), 0);
    fx_close(&f);
}

typedef struct global_case {
    fx *f;
    fx_answer later[6];
    fx_answer callback;
    char paths[6][96];
    int sent;
} global_case;

static void global_tick(uv_timer_t *t)
{
    global_case *g = t->data;
    rest_stats st;
    rest_stats_get(g->f->r, &st);
    if (g->sent || st.ratelimited_global == 0)
        return;
    /* The global 429 has arrived: everything sent now must wait for it. */
    for (int i = 0; i < 6; i++)
        fx_send(g->f, &g->later[i], "GET", g->paths[i], NULL, NULL);
    /* Interaction endpoints are not bound to the global limit: this one goes now. */
    fx_send(g->f, &g->callback, "POST", "/interactions/1234/no-such-token/callback",
            "{\"type\":1}", NULL);
    g->sent = 1;
    uv_timer_stop(t);
    uv_close((uv_handle_t *)t, NULL);
}

/* A global 429 pauses every request, on every route, until its retry_after. */
static void t_global_429(void)
{
    fx f;
    emu_fault("{\"kind\":\"429\",\"route\":\"GET /users/@me\",\"global\":true,"
              "\"retry_after\":0.6,\"count\":1}");
    fx_open(&f, emu_api_base(), NULL);
    global_case g;
    memset(&g, 0, sizeof g);
    g.f = &f;
    const char *gid = emu_guild_id();
    for (int i = 0; i < 6; i++)
        snprintf(g.paths[i], sizeof g.paths[i], i % 2 ? "/guilds/%s/roles" : "/guilds/%s/channels",
                 gid);
    fx_answer a;
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    uv_timer_t t;
    uv_timer_init(&f.loop, &t);
    t.data = &g;
    uv_timer_start(&t, global_tick, 5, 5);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(a.res->ratelimited, 1);
    rest_response_free(a.res);
    fx_run_until(&f, &g.sent, 10000);
    for (int i = 0; i < 6; i++) {
        fx_run_until(&f, &g.later[i].done, 10000);
        CHECK_EQ_INT(g.later[i].res->result, 0);
        CHECK_EQ_INT(g.later[i].res->ratelimited, 0);
        rest_response_free(g.later[i].res);
    }
    fx_run_until(&f, &g.callback.done, 10000);
    CHECK(g.callback.res->status >= 400); /* no such interaction, but it was sent */
    rest_response_free(g.callback.res);
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.ratelimited_global, 1);
    CHECK_EQ_INT(emu_violations(), 0);

    /* The emulator saw the callback during the pause, before the others. */
    json_t *cb = emu_requests("/interactions/{interaction_id}/{interaction_token}/callback");
    json_t *roles = emu_requests("/guilds/{guild_id}/roles");
    CHECK_EQ_INT(json_array_size(cb), 1);
    CHECK_EQ_INT(json_array_size(roles), 3);
    CHECK(json_integer_value(json_object_get(json_array_get(cb, 0), "t_ms")) <
          json_integer_value(json_object_get(json_array_get(roles, 0), "t_ms")));
    json_decref(cb);
    json_decref(roles);
    fx_close(&f);
}

/*
 * The global limit holds ahead of time: 120 requests on 120 buckets (channels
 * that do not exist: 404, but counted) and none arrives over 50 per second.
 */
static void t_global_limit(void)
{
    fx f;
    enum { N = 120 };
    fx_open(&f, emu_api_base(), NULL);
    static fx_answer a[N];
    char path[64];
    uint64_t t0 = uv_hrtime();
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/channels/%d", 900000 + i);
        fx_send(&f, &a[i], "GET", path, NULL, NULL);
    }
    for (int i = 0; i < N; i++) {
        fx_run_until(&f, &a[i].done, 30000);
        CHECK_EQ_INT(a[i].res->result, BH_ENOTFOUND);
        CHECK_EQ_INT(a[i].res->ratelimited, 0);
        rest_response_free(a[i].res);
    }
    double secs = (double)(uv_hrtime() - t0) / 1e9;
    rest_stats st;
    rest_stats_get(f.r, &st);
    fprintf(stderr, "global limit: %d requests in %.2f s, %llu waits (%llu ms in total)\n", N,
            secs, (unsigned long long)st.ratelimit_waits,
            (unsigned long long)st.ratelimit_wait_ms);
    CHECK(st.ratelimit_waits > 0);
    CHECK_EQ_INT(st.ratelimited, 0);
    CHECK_EQ_INT(emu_violations(), 0);
    fx_close(&f);
}

/* A 5xx is retried with backoff and then succeeds. */
static void t_5xx_retry(void)
{
    fx f;
    rest_opts o = quick_opts();
    emu_fault("{\"kind\":\"5xx\",\"route\":\"GET /users/@me\",\"status\":502,\"count\":2}");
    fx_open(&f, emu_api_base(), &o);
    fx_answer a;
    fx_do(&f, &a, "GET", "/users/@me", NULL);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(a.res->status, 200);
    CHECK_EQ_INT(a.res->retries, 2);
    CHECK_EQ_INT(a.res->attempts, 3);
    rest_response_free(a.res);
    json_t *log = emu_requests("/users/@me");
    CHECK_EQ_INT(json_array_size(log), 3);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(log, 0), "status")), 502);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(log, 2), "status")), 200);
    json_decref(log);
    fx_close(&f);
}

/* Retries are bounded: the 5xx reaches the caller after max_retries. */
static void t_5xx_exhausted(void)
{
    fx f;
    rest_opts o = quick_opts();
    o.max_retries = 2;
    emu_fault("{\"kind\":\"5xx\",\"route\":\"GET /users/@me\",\"status\":503,\"count\":10}");
    fx_open(&f, emu_api_base(), &o);
    fx_answer a;
    fx_do(&f, &a, "GET", "/users/@me", NULL);
    CHECK_EQ_INT(a.res->result, BH_EDISCORD);
    CHECK_EQ_INT(a.res->status, 503);
    CHECK_EQ_INT(a.res->retries, 2);
    CHECK_EQ_INT(a.res->attempts, 3);
    rest_response_free(a.res);
    /* REST_F_NO_RETRY: one attempt only. */
    rest_req q = {.method = "GET", .path = "/users/@me", .flags = REST_F_NO_RETRY};
    memset(&a, 0, sizeof a);
    CHECK_EQ_INT(rest_request(f.r, &q, fx_cb, &a), 0);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, BH_EDISCORD);
    CHECK_EQ_INT(a.res->attempts, 1);
    rest_response_free(a.res);
    json_t *log = emu_requests("/users/@me");
    CHECK_EQ_INT(json_array_size(log), 4);
    json_decref(log);
    fx_close(&f);
}

/* An answer slower than timeout_ms ends the attempt; a retry may then succeed. */
static void t_timeout(void)
{
    fx f;
    rest_opts o = quick_opts();
    o.timeout_ms = 300;
    o.max_retries = -1;
    emu_fault("{\"kind\":\"slow\",\"route\":\"GET /users/@me\",\"delay_ms\":1500,\"count\":1}");
    fx_open(&f, emu_api_base(), &o);
    fx_answer a;
    fx_do(&f, &a, "GET", "/users/@me", NULL);
    CHECK_EQ_INT(a.res->result, BH_ETIMEDOUT);
    CHECK_EQ_INT(a.res->status, 0);
    CHECK(a.res->latency_ms >= 300 && a.res->latency_ms < 1400);
    rest_response_free(a.res);
    fx_close(&f);

    o.max_retries = 1;
    emu_fault("{\"kind\":\"slow\",\"route\":\"GET /users/@me\",\"delay_ms\":1500,\"count\":1}");
    fx_open(&f, emu_api_base(), &o);
    fx_do(&f, &a, "GET", "/users/@me", NULL);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(a.res->retries, 1);
    rest_response_free(a.res);
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.timeouts, 1);
    fx_close(&f);
}

/* The audit log reason survives the URL encoding (rest_raw_test checks the bytes). */
static void t_reason(void)
{
    fx f;
    char path[256];
    const char *ch = emu_channel_id("general");
    fx_open(&f, emu_api_base(), NULL);
    fx_answer a;
    snprintf(path, sizeof path, "/channels/%s/messages", ch);
    fx_do(&f, &a, "POST", path, "{\"content\":\"to delete\"}");
    CHECK_EQ_INT(a.res->result, 0);
    snprintf(path, sizeof path, "/channels/%s/messages/%s", ch,
             json_string_value(json_object_get(a.res->json, "id")));
    rest_response_free(a.res);
    fx_send(&f, &a, "DELETE", path, NULL, "Spam & abuse: 2/3 \xe2\x9c\x93 caf\xc3\xa9");
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    rest_response_free(a.res);

    /* Kick with a reason of 600 characters: cut to 512. */
    char reason[601];
    memset(reason, 'x', 600);
    reason[600] = '\0';
    const char *gid = emu_guild_id();
    int st;
    json_t *u = emu_http("POST", "/_emu/members", "{\"username\":\"kickme\"}", &st);
    CHECK_EQ_INT(st, 200);
    snprintf(path, sizeof path, "/guilds/%s/members/%s", gid,
             json_string_value(json_object_get(json_object_get(u, "user"), "id")));
    json_decref(u);
    fx_send(&f, &a, "DELETE", path, NULL, reason);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    rest_response_free(a.res);

    json_t *log = emu_requests("/channels/{channel_id}/messages/{message_id}");
    CHECK_EQ_INT(json_array_size(log), 1);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(log, 0), "audit_log_reason")),
                 "Spam & abuse: 2/3 \xe2\x9c\x93 caf\xc3\xa9"); /* decoded, as Discord shows it */
    json_decref(log);
    log = emu_requests("/guilds/{guild_id}/members/{user_id}");
    CHECK_EQ_INT(json_array_size(log), 1);
    CHECK_EQ_INT(strlen(json_string_value(
                     json_object_get(json_array_get(log, 0), "audit_log_reason"))),
                 512);
    json_decref(log);
    fx_close(&f);
}

/* ---- rest_call from 8 threads ------------------------------------------------------------ */

typedef struct worker {
    rest *r;
    int idx;
    int ok, notfound, failed;
    uv_thread_t th;
} worker;

static void worker_main(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 6; i++) {
        char path[64];
        rest_req q = {.method = "GET"};
        if (i == 0) {
            q.path = "/users/@me";
        } else {
            snprintf(path, sizeof path, "/channels/%d", 800000 + w->idx * 100 + i);
            q.path = path;
        }
        rest_response *res = NULL;
        int rc = rest_call(w->r, &q, &res);
        CHECK(res != NULL);
        CHECK_EQ_INT(rc, res->result);
        if (rc == 0 && res->status == 200)
            w->ok++;
        else if (rc == BH_ENOTFOUND && res->status == 404)
            w->notfound++;
        else
            w->failed++;
        rest_response_free(res);
    }
}

typedef struct threads_case {
    worker w[8];
    int joined;
    uv_async_t done_async;
} threads_case;

static void joiner(void *arg)
{
    threads_case *c = arg;
    for (int i = 0; i < 8; i++)
        uv_thread_join(&c->w[i].th);
    uv_async_send(&c->done_async);
}

static void on_joined(uv_async_t *a)
{
    threads_case *c = a->data;
    c->joined = 1;
    uv_close((uv_handle_t *)a, NULL);
}

static void t_threads(void)
{
    fx f;
    fx_open(&f, emu_api_base(), NULL);
    /* From the loop thread rest_call would wait for itself. */
    rest_req q = {.method = "GET", .path = "/users/@me"};
    rest_response *res = (rest_response *)1;
    CHECK_EQ_INT(rest_call(f.r, &q, &res), BH_ESTATE);
    CHECK(res == NULL);

    threads_case c;
    memset(&c, 0, sizeof c);
    uv_async_init(&f.loop, &c.done_async, on_joined);
    c.done_async.data = &c;
    for (int i = 0; i < 8; i++) {
        c.w[i].r = f.r;
        c.w[i].idx = i;
        CHECK(uv_thread_create(&c.w[i].th, worker_main, &c.w[i]) == 0);
    }
    uv_thread_t j;
    CHECK(uv_thread_create(&j, joiner, &c) == 0);
    fx_run_until(&f, &c.joined, 60000);
    uv_thread_join(&j);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ_INT(c.w[i].ok, 1);
        CHECK_EQ_INT(c.w[i].notfound, 5);
        CHECK_EQ_INT(c.w[i].failed, 0);
    }
    json_t *log = emu_requests(NULL);
    CHECK_EQ_INT(json_array_size(log), 48);
    json_decref(log);
    CHECK_EQ_INT(emu_violations(), 0);
    fx_close(&f);
}

/* ---- destroy with requests pending ---------------------------------------------------------- */

typedef struct destroy_case {
    rest *r;
    int rc;
    int done;
    uv_thread_t th;
} destroy_case;

static void blocked_caller(void *arg)
{
    destroy_case *d = arg;
    rest_req q = {.method = "GET", .path = "/oauth2/applications/@me"};
    rest_response *res = NULL;
    d->rc = rest_call(d->r, &q, &res);
    if (res)
        CHECK_EQ_INT(res->result, d->rc);
    rest_response_free(res);
}

static void t_destroy_pending(void)
{
    fx f;
    char path[128];
    emu_fault("{\"kind\":\"slow\",\"route\":\"*\",\"delay_ms\":3000,\"count\":100}");
    fx_open(&f, emu_api_base(), NULL);
    fx_answer a[10];
    const char *ch = emu_channel_id("general");
    snprintf(path, sizeof path, "/channels/%s/messages", ch);
    /* 5 on one bucket (1 on the wire, 4 queued), 5 on their own buckets. */
    for (int i = 0; i < 5; i++)
        fx_send(&f, &a[i], "POST", path, "{\"content\":\"pending\"}", NULL);
    for (int i = 5; i < 10; i++) {
        char p2[64];
        snprintf(p2, sizeof p2, "/channels/%d", 700000 + i);
        fx_send(&f, &a[i], "GET", p2, NULL, NULL);
    }
    destroy_case d = {.r = f.r};
    CHECK(uv_thread_create(&d.th, blocked_caller, &d) == 0);
    /* Let the requests reach the wire and the worker's call reach the loop. */
    uint64_t until = uv_hrtime() / 1000000 + 300;
    while (uv_hrtime() / 1000000 < until)
        uv_run(&f.loop, UV_RUN_NOWAIT);
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK(st.in_flight >= 6);
    rest_destroy(f.r);
    f.r = NULL;
    for (int i = 0; i < 10; i++) {
        CHECK(a[i].done);
        CHECK_EQ_INT(a[i].res->result, BH_ESTATE);
        rest_response_free(a[i].res);
    }
    uv_thread_join(&d.th);
    CHECK_EQ_INT(d.rc, BH_ESTATE);
    fx_close(&f);
    int sth;
    json_decref(emu_http("DELETE", "/_emu/faults", NULL, &sth));
}

/* ---- main ------------------------------------------------------------------------------------ */

static const tsup_case cases[] = {
    {"roundtrip", t_roundtrip},     {"buckets", t_buckets},
    {"route_429", t_route_429},     {"global_429", t_global_429},
    {"global_limit", t_global_limit}, {"5xx_retry", t_5xx_retry},
    {"5xx_exhausted", t_5xx_exhausted}, {"timeout", t_timeout},
    {"reason", t_reason},           {"threads", t_threads},
    {"destroy_pending", t_destroy_pending},
};

int main(int argc, char **argv)
{
    log_set_level(LOG_WARN);
    emu_start();
    int rc = tsup_run_cases(argc, argv, cases, sizeof cases / sizeof cases[0], emu_reset);
    emu_stop();
    return rc;
}
