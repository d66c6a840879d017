/*
 * The health/metrics server on a real loop: net.c's context with
 * http_protocol on the server vhost, driven from a second thread by httpc,
 * the blocking HTTP client (sdk/emu/client). Ends with net_destroy() and
 * uv_loop_close() == 0.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include <bothost/abi.h>
#include <jansson.h>

#include "expo.h"
#include "http/http.h"
#include "httpc.h"
#include "metrics/metrics.h"
#include "net/net.h"
#include "tsup.h"
#include "tsup_http.h"

/* The registry under test (the host's is its application object's). */
static metrics *reg;

static uv_loop_t loop;
static net *the_net;
static uv_async_t finish;
static int port;
static int net_gone;

static atomic_int shard_ready, db_ready, ready_calls;
static uv_thread_t loop_thread_id;

static void on_loop_thread(void)
{
    uv_thread_t self = uv_thread_self();
    CHECK(uv_thread_equal(&self, &loop_thread_id));
}

static int check_shard(void *arg, char *reason, size_t size)
{
    on_loop_thread();
    atomic_fetch_add(&ready_calls, 1);
    if (atomic_load(&shard_ready))
        return 1;
    snprintf(reason, size, "connecting");
    return 0;
}

static int check_db(void *arg, char *reason, size_t size)
{
    on_loop_thread();
    atomic_fetch_add(&ready_calls, 1);
    if (atomic_load(&db_ready))
        return 1;
    snprintf(reason, size, "connection refused");
    return 0;
}

#define IO_MS 20000

/* The common shape of every answer: the status, Content-Length, no caching. Returns r. */
static httpc_response *expect(int rc, httpc_response *r, int status, const char *type)
{
    if (rc != 0 || r->status != status) {
        fprintf(stderr, "want %d, got %s, status %d:\n%s%s\n", status, httpc_strerror(rc),
                r ? r->status : 0, r ? r->head : "", r ? r->body : "");
        exit(1);
    }
    CHECK(r->content_length >= 0);
    CHECK_EQ_STR(httpc_header_get(r, "cache-control"), "no-store");
    if (type)
        CHECK_EQ_STR(httpc_header_get(r, "content-type"), type);
    return r;
}

/* `method path` with Connection: close on a new connection. */
static int fetch(const char *method, const char *path, httpc_response **r)
{
    httpc_request q = {.method = method, .path = path, .timeout_ms = IO_MS};
    return httpc_fetch("127.0.0.1", port, &q, r);
}

static httpc_response *fetch_ok(const char *method, const char *path, int status, const char *type)
{
    httpc_response *r;
    int rc = fetch(method, path, &r);
    return expect(rc, r, status, type);
}

static httpc_conn *connect_ok(void)
{
    httpc_conn *c;
    CHECK_EQ_INT(httpc_connect(&c, "127.0.0.1", port, IO_MS), 0);
    return c;
}

/* Sends `raw` as it is ("" sends nothing) and reads one answer (to a HEAD when `head`). */
static int exchange(httpc_conn *c, const char *raw, int head, httpc_response **r)
{
    int rc = httpc_send_raw(c, raw, strlen(raw), IO_MS);
    *r = NULL;
    return rc ? rc : httpc_read_response(c, head, IO_MS, r);
}

static httpc_response *exchange_ok(httpc_conn *c, const char *raw, int head, int status, const char *type)
{
    httpc_response *r;
    int rc = exchange(c, raw, head, &r);
    return expect(rc, r, status, type);
}

static void test_live(void)
{
    httpc_response *r = fetch_ok("GET", "/health/live", 200, "application/json");
    CHECK_EQ_STR(r->body, "{\"status\":\"ok\"}");
    CHECK_EQ_INT(r->content_length, 15);
    httpc_response_free(r);
    /* Query strings do not change the route. */
    httpc_response_free(fetch_ok("GET", "/health/live?verbose=1", 200, NULL));
}

static void test_ready(void)
{
    atomic_store(&shard_ready, 0);
    atomic_store(&db_ready, 0);
    httpc_response *r = fetch_ok("GET", "/health/ready", 503, "application/json");
    json_error_t err;
    json_t *j = json_loads(r->body, 0, &err);
    CHECK(j);
    CHECK_EQ_STR(json_string_value(json_object_get(j, "status")), "not ready");
    json_t *reasons = json_object_get(j, "reasons");
    CHECK_EQ_INT(json_array_size(reasons), 2);
    CHECK_EQ_STR(json_string_value(json_array_get(reasons, 0)), "shard 2: connecting");
    CHECK_EQ_STR(json_string_value(json_array_get(reasons, 1)), "database: connection refused");
    json_decref(j);
    httpc_response_free(r);

    atomic_store(&shard_ready, 1);
    r = fetch_ok("GET", "/health/ready", 503, NULL);
    CHECK_EQ_STR(r->body, "{\"status\":\"not ready\",\"reasons\":[\"database: connection refused\"]}");
    httpc_response_free(r);

    atomic_store(&db_ready, 1);
    int before = atomic_load(&ready_calls);
    r = fetch_ok("GET", "/health/ready", 200, "application/json");
    CHECK_EQ_STR(r->body, "{\"status\":\"ready\",\"checks\":[\"shard 2\",\"database\"]}");
    CHECK_EQ_INT(atomic_load(&ready_calls) - before, 2);
    httpc_response_free(r);
}

/* GET /metrics, checked: the text (the caller frees it). */
static char *scrape(void)
{
    httpc_response *r = fetch_ok("GET", "/metrics", 200, "text/plain; version=0.0.4; charset=utf-8");
    CHECK_EQ_INT(r->content_length, (long long)r->body_len);
    const char *bad = expo_check(r->body);
    if (bad) {
        fprintf(stderr, "bad exposition: %s\n", bad);
        exit(1);
    }
    char *text = r->body;
    r->body = NULL;
    httpc_response_free(r);
    return text;
}

static double value(const char *text, const char *series)
{
    double v;
    if (!expo_value(text, series, &v)) {
        fprintf(stderr, "no sample %s\n", series);
        exit(1);
    }
    return v;
}

static void test_metrics(void)
{
    char labels[256];
    CHECK(metrics_labels(labels, sizeof labels, "plugin", "raffle", "command",
                         "say \"hi\" \\ and\nbye", NULL) > 0);
    CHECK_EQ_INT(metrics_describe(reg, "bothost_interactions_total", METRICS_COUNTER,
                                  "Interactions by plugin, command and outcome."),
                 0);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_interactions_total", labels, 3), 0);
    CHECK_EQ_INT(metrics_histogram_observe(reg, "bothost_interaction_duration_seconds",
                                           "plugin=\"raffle\"", 0.0123),
                 0);
    CHECK_EQ_INT(metrics_histogram_observe(reg, "bothost_interaction_duration_seconds",
                                           "plugin=\"raffle\"", 0.3),
                 0);
    char *text = scrape();
    CHECK(strstr(text, "# HELP bothost_interactions_total Interactions by plugin, command and "
                       "outcome.\n# TYPE bothost_interactions_total counter\n"));
    CHECK(value(text, "bothost_interactions_total{plugin=\"raffle\",command=\"say \\\"hi\\\" "
                      "\\\\ and\\nbye\"}") == 3);
    const char *h = "bothost_interaction_duration_seconds";
    char s[256];
    snprintf(s, sizeof s, "%s_bucket{plugin=\"raffle\",le=\"0.01\"}", h);
    CHECK(value(text, s) == 0);
    snprintf(s, sizeof s, "%s_bucket{plugin=\"raffle\",le=\"0.025\"}", h);
    CHECK(value(text, s) == 1);
    snprintf(s, sizeof s, "%s_bucket{plugin=\"raffle\",le=\"0.25\"}", h);
    CHECK(value(text, s) == 1);
    snprintf(s, sizeof s, "%s_bucket{plugin=\"raffle\",le=\"0.5\"}", h);
    CHECK(value(text, s) == 2);
    snprintf(s, sizeof s, "%s_bucket{plugin=\"raffle\",le=\"+Inf\"}", h);
    CHECK(value(text, s) == 2);
    snprintf(s, sizeof s, "%s_count{plugin=\"raffle\"}", h);
    CHECK(value(text, s) == 2);
    snprintf(s, sizeof s, "%s_sum{plugin=\"raffle\"}", h);
    CHECK(fabs(value(text, s) - (0.0123 + 0.3)) < 1e-12); /* printed with 15 digits */
    /* The server counts its own requests, by route. */
    CHECK(strstr(text, "# HELP bothost_http_requests_total Requests to the health and metrics "
                       "server, by handler and status code.\n"));
    CHECK(value(text, "bothost_http_requests_total{handler=\"/health/ready\",code=\"503\"}") == 2);
    CHECK(value(text, "bothost_http_requests_total{handler=\"/metrics\",code=\"200\"}") >= 1);
    CHECK(value(text, "bothost_metrics_dropped_series_total") == 0);
    free(text);

    /* HEAD: the same headers, no body, and the connection stays usable. */
    httpc_conn *c = connect_ok();
    httpc_response *r = exchange_ok(c, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 1, 200, NULL);
    CHECK(r->content_length > 100);
    CHECK_EQ_INT(r->body_len, 0);
    httpc_response_free(r);
    r = exchange_ok(c, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n", 0, 200, NULL);
    CHECK_EQ_STR(r->body, "{\"status\":\"ok\"}");
    httpc_response_free(r);
    /* Keep-alive: a third request on the same connection. */
    httpc_response_free(exchange_ok(c, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 0, 404, NULL));
    httpc_close(c);

    /* Pipelined, with a GET that carries a body: three answers, in order. */
    c = connect_ok();
    const char *three = "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
    r = exchange_ok(c, three, 0, 200, "application/json");
    CHECK_EQ_STR(r->body, "{\"status\":\"ok\"}");
    httpc_response_free(r);
    r = exchange_ok(c, "", 0, 200, "text/plain; version=0.0.4; charset=utf-8");
    CHECK(!expo_check(r->body));
    httpc_response_free(r);
    httpc_response_free(exchange_ok(c, "", 0, 404, NULL));
    httpc_close(c);
}

static void test_errors(void)
{
    httpc_response *r;
    const char *missing[] = {"/", "/metrics/", "/health", "/health/live/x", "/METRICS",
                             "/health/../metrics/x", "/%00metrics"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        r = fetch_ok("GET", missing[i], 404, NULL);
        CHECK_EQ_INT(r->content_length, (long long)r->body_len);
        httpc_response_free(r);
    }
    const char *methods[] = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        r = fetch_ok(methods[i], "/metrics", 405, NULL);
        CHECK_EQ_STR(httpc_header_get(r, "allow"), "GET, HEAD");
        httpc_response_free(r);
    }
    /* A 405 with a body: the body is never read as the next request. */
    httpc_conn *c = connect_ok();
    const char *post = "POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n"
                       "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n123";
    httpc_response_free(exchange_ok(c, post, 0, 405, NULL));
    CHECK(httpc_wait_closed(c, 5000));
    httpc_close(c);

    /* Methods lws does not know, a long but acceptable URL, an oversized one. */
    const char *junk[] = {"FOO /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                          "GET\r\n\r\n",
                          "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 binary junk\r\n\r\n"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        c = connect_ok();
        int rc = exchange(c, junk[i], 0, &r);
        /* Refused one way or another, never a 200. */
        if (rc == 0 && r->status < 400)
            fprintf(stderr, "junk %zu answered %d\n", i, r->status);
        CHECK(rc != 0 || r->status >= 400);
        httpc_response_free(r);
        httpc_close(c);
    }
    char *path = malloc(20001);
    path[0] = '/';
    memset(path + 1, 'a', 7999);
    path[8000] = '\0';
    httpc_response_free(fetch_ok("GET", path, 404, NULL));
    memset(path + 1, 'a', 19999);
    path[20000] = '\0';
    int rc = fetch("GET", path, &r);
    CHECK(rc != 0 || r->status >= 400);
    httpc_response_free(r);
    free(path);

    /* Still serving after all that. */
    httpc_response_free(fetch_ok("GET", "/health/live", 200, NULL));
}

/* A client that sends half a request and waits: others are served meanwhile. */
static void test_slow_client(void)
{
    httpc_conn *slow = connect_ok();
    const char *part = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    CHECK_EQ_INT(httpc_send_raw(slow, part, strlen(part), IO_MS), 0);
    httpc_conn *idle = connect_ok();
    for (int i = 0; i < 3; i++)
        httpc_response_free(fetch_ok("GET", "/health/live", 200, NULL));
    httpc_close(slow);
    httpc_close(idle);
}

#define BIG_SERIES 10000

static void big_collector(metrics_writer *w, void *arg)
{
    char labels[160];
    for (int i = 0; i < BIG_SERIES; i++) {
        snprintf(labels, sizeof labels,
                 "route=\"/channels/:channel_id/messages/:message_id/reactions/%06d\",status=\"200\"",
                 i);
        CHECK_EQ_INT(metrics_write_counter(w, "bothost_test_big_total", labels, i), 0);
    }
}

static void test_big_body(void)
{
    CHECK_EQ_INT(metrics_add_collector(reg, big_collector, NULL), 0);
    char *text = scrape();
    size_t len = strlen(text);
    printf("big /metrics body: %zu bytes\n", len);
    CHECK(len > 1000000);
    CHECK_EQ_INT(expo_count(text, "bothost_test_big_total{"), BIG_SERIES);
    CHECK(value(text, "bothost_test_big_total{route=\"/channels/:channel_id/messages/:message_id/"
                      "reactions/009999\",status=\"200\"}") == 9999);
    free(text);
    /* Several at once, one of them slow to read. */
    httpc_conn *c = connect_ok();
    const char *get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK_EQ_INT(httpc_send_raw(c, get, strlen(get), IO_MS), 0);
    usleep(200 * 1000);
    text = scrape();
    free(text);
    httpc_response *r = exchange_ok(c, "", 0, 200, NULL);
    CHECK_EQ_INT(r->content_length, (long long)r->body_len);
    httpc_response_free(r);
    httpc_close(c);
    CHECK_EQ_INT(metrics_remove_collector(reg, big_collector, NULL), 0);
}

#define OBSERVERS 4
#define OBSERVATIONS 200000
static atomic_int observers_running;

static void *observer(void *arg)
{
    long id = (long)arg;
    char labels[32];
    snprintf(labels, sizeof labels, "worker=\"%ld\"", id);
    metrics_series *s = metrics_series_get(reg, METRICS_HISTOGRAM, "bothost_test_seconds", labels);
    CHECK(s);
    for (int i = 0; i < OBSERVATIONS; i++) {
        if (i % 2)
            metrics_series_observe(s, (i % 8) * 0.125);
        else
            metrics_histogram_observe(reg, "bothost_test_seconds", labels, (i % 8) * 0.125);
    }
    atomic_fetch_sub(&observers_running, 1);
    return NULL;
}

static void test_concurrent_scrape(void)
{
    pthread_t t[OBSERVERS];
    atomic_store(&observers_running, OBSERVERS);
    for (long i = 0; i < OBSERVERS; i++)
        CHECK_EQ_INT(pthread_create(&t[i], NULL, observer, (void *)i), 0);
    int scrapes = 0;
    while (atomic_load(&observers_running) > 0 || scrapes < 3) {
        free(scrape()); /* each one checked: cumulative buckets, +Inf == _count */
        scrapes++;
    }
    for (int i = 0; i < OBSERVERS; i++)
        pthread_join(t[i], NULL);
    char *text = scrape();
    for (int i = 0; i < OBSERVERS; i++) {
        char s[128];
        snprintf(s, sizeof s, "bothost_test_seconds_count{worker=\"%d\"}", i);
        CHECK(value(text, s) == OBSERVATIONS);
        snprintf(s, sizeof s, "bothost_test_seconds_sum{worker=\"%d\"}", i);
        CHECK(value(text, s) == OBSERVATIONS / 8 * (0.125 * 28));
        snprintf(s, sizeof s, "bothost_test_seconds_bucket{worker=\"%d\",le=\"0.1\"}", i);
        CHECK(value(text, s) == OBSERVATIONS / 8);
    }
    free(text);
    printf("scrapes during %d x %d observations: %d\n", OBSERVERS, OBSERVATIONS, scrapes);
}

static void test_series_cap(void)
{
    size_t have = metrics_series_count(reg);
    metrics_set_max_series(reg, have + 5);
    char labels[64];
    int dropped = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(labels, sizeof labels, "command=\"cmd%d\"", i);
        if (metrics_counter_add(reg, "bothost_test_commands_total", labels, 1) == BH_ELIMIT)
            dropped++;
    }
    /* bothost_http_requests_total{...} for this scrape may take one of the 5. */
    char *text = scrape();
    size_t kept = expo_count(text, "bothost_test_commands_total{");
    CHECK(kept == 5 || kept == 4);
    CHECK_EQ_INT(dropped, 20 - (int)kept);
    CHECK(value(text, "bothost_metrics_dropped_series_total") >= dropped);
    free(text);
    metrics_set_max_series(reg, METRICS_MAX_SERIES_DEFAULT);
}

static void client_main(void *arg)
{
    test_live();
    test_ready();
    test_metrics();
    test_errors();
    test_slow_client();
    test_big_body();
    test_concurrent_scrape();
    test_series_cap();
    uv_async_send(&finish);
}

static void on_net_gone(void *arg)
{
    net_gone = 1;
}

static void on_finish(uv_async_t *a)
{
    uv_close((uv_handle_t *)a, NULL);
    net_destroy(the_net, on_net_gone, NULL);
}

static const struct lws_protocols client_protocols[] = {
    {.name = "bothost-test-client", .callback = lws_callback_http_dummy},
    {0},
};
/* http_protocol is an object, not a constant: copy it in at run time, as the host does. */
static struct lws_protocols server_protocols[2];
/* /health/ready's checks, hung on the protocol as the host does. */
static http_site *ready;

static int start_net(const char *listen)
{
    server_protocols[0] = http_protocol;
    server_protocols[0].user = ready;
    net_opts o = {.loop = &loop,
                  .client_protocols = client_protocols,
                  .http_listen = listen,
                  .server_protocols = server_protocols};
    CHECK_EQ_INT(net_create(&the_net, &o), 0);
    return net_listen_port(the_net);
}

int main(void)
{
    CHECK_EQ_INT(uv_loop_init(&loop), 0);
    loop_thread_id = uv_thread_self();
    CHECK_EQ_INT(metrics_create(&reg), 0);
    CHECK_EQ_INT(http_site_create(&ready, reg), 0);
    CHECK_EQ_INT(http_add_ready_check(ready, "shard 2", check_shard, NULL), 0);
    CHECK_EQ_INT(http_add_ready_check(ready, "database", check_db, NULL), 0);
    CHECK_EQ_INT(http_add_ready_check(ready, "database", check_db, NULL), BH_EEXIST);
    CHECK_EQ_INT(http_add_ready_check(ready, "", check_db, NULL), BH_EINVAL);

    /*
     * net.c turns port 0 into CONTEXT_PORT_NO_LISTEN_SERVER, so "127.0.0.1:0"
     * does not listen; and a second context cannot be made after destroying
     * the first on one loop. So: a free port, racy as that is.
     */
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", tsup_unused_port());
    port = start_net(listen);
    CHECK(port > 0);
    printf("listening on 127.0.0.1:%d\n", port);

    CHECK_EQ_INT(uv_async_init(&loop, &finish, on_finish), 0);
    uv_thread_t client;
    CHECK_EQ_INT(uv_thread_create(&client, client_main, NULL), 0);
    CHECK_EQ_INT(uv_run(&loop, UV_RUN_DEFAULT), 0);
    uv_thread_join(&client);
    CHECK(net_gone);
    CHECK_EQ_INT(uv_loop_close(&loop), 0);
    CHECK_EQ_INT(http_remove_ready_check(ready, "shard 2"), 0);
    CHECK_EQ_INT(http_remove_ready_check(ready, "shard 2"), BH_ENOTFOUND);
    http_clear_ready_checks(ready);
    http_site_free(ready);
    metrics_free(reg);
    printf("ok\n");
    return 0;
}
