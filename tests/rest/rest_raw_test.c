#define _GNU_SOURCE
/*
 * The REST client against a raw HTTP server on the test's own loop: the exact
 * request bytes (headers Discord requires), answers the emulator does not give,
 * refused connections and name lookups.
 *
 *   rest_raw_test [case]
 */
#include "rest_fixture.h"
#include "httpc.h"
#include "tsup_cases.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "rest/rest_internal.h"

#define OK_JSON                                                                              \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"            \
    "X-RateLimit-Limit: 5\r\nX-RateLimit-Remaining: 4\r\nX-RateLimit-Reset: 1470173023\r\n"  \
    "X-RateLimit-Reset-After: 1.5\r\nX-RateLimit-Bucket: abcd1234\r\n"                      \
    "Connection: close\r\n\r\n{\"id\":\"42\"}"

static char base[128];

static const char *raw_base(raw_server *s, const char *host)
{
    snprintf(base, sizeof base, "http://%s:%d/api/v10", host, raw_port(s));
    return base;
}

static int has_line(const char *req, const char *line)
{
    char want[600];
    snprintf(want, sizeof want, "\r\n%s\r\n", line);
    return strcasestr(req, want) != NULL;
}

/* A loop with the raw server on it, then a client pointed at the server. */
static raw_server *open_with_raw(fx *f, const char *response, const char *host,
                                 const rest_opts *opts)
{
    memset(f, 0, sizeof *f);
    CHECK(uv_loop_init(&f->loop) == 0);
    raw_server *s = raw_start(&f->loop, response);
    rest_opts o;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof o);
    o.token = "sekrit-token";
    o.api_base = raw_base(s, host);
    CHECK(rest_create(&f->r, &f->loop, &o) == 0);
    return s;
}

static void t_request_bytes(void)
{
    fx f;
    raw_server *s = open_with_raw(&f, OK_JSON, "127.0.0.1", NULL);
    fx_answer a;
    fx_send(&f, &a, "POST", "/channels/123/messages", "{\"content\":\"h\\u00e9\"}",
            "Bad bot: spam");
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_STR(json_string_value(json_object_get(a.res->json, "id")), "42");
    rest_response_free(a.res);
    CHECK_EQ_INT(raw_count(s), 1);
    const char *req = raw_request(s, 0);
    fprintf(stderr, "%s\n", req);
    CHECK(strncmp(req, "POST /api/v10/channels/123/messages HTTP/1.1\r\n", 46) == 0);
    CHECK(has_line(req, "authorization: Bot sekrit-token"));
    CHECK(has_line(req, "user-agent: DiscordBot (https://github.com/bothost/bothost, 0.1.0) bothost"));
    CHECK(has_line(req, "content-type: application/json"));
    CHECK(has_line(req, "content-length: 21"));
    CHECK(has_line(req, "x-audit-log-reason: Bad%20bot%3A%20spam"));
    CHECK(strcasestr(req, "\r\nhost: 127.0.0.1:"));
    CHECK(strstr(req, "\r\n\r\n{\"content\":\"h\\u00e9\"}"));

    /* The route's bucket was learned: abcd1234 keyed with the channel. */
    const rest_route *route;
    char major[64];
    CHECK(rest_route_match("POST", "/channels/123/messages", &route, major, sizeof major) == 0);
    CHECK_EQ_STR(major, "123");
    CHECK_EQ_STR(f.r->route_hash[route - rest_routes], "abcd1234");
    rest_bucket *b = rest_bucket_for(f.r, route, major);
    CHECK_EQ_STR(b->key, "abcd1234:123");
    CHECK(b->known && b->limit == 5 && b->remaining == 4);

    /* A bodyless PUT still says Content-Length: 0; GET says nothing. */
    fx_send(&f, &a, "PUT", "/guilds/1/members/2/roles/3", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    rest_response_free(a.res);
    req = raw_request(s, 1);
    CHECK(has_line(req, "content-length: 0"));
    CHECK(!strcasestr(req, "content-type:"));
    fx_send(&f, &a, "GET", "/gateway/bot", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    rest_response_free(a.res);
    CHECK(!strcasestr(raw_request(s, 2), "content-length:"));

    /* Interaction endpoints go without the bot token. */
    fx_send(&f, &a, "POST", "/interactions/5/tok-en/callback", "{\"type\":1}", NULL);
    fx_run_until(&f, &a.done, 10000);
    rest_response_free(a.res);
    fx_send(&f, &a, "PATCH", "/webhooks/6/tok-en/messages/@original", "{}", NULL);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_STR(a.res->route, "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original");
    rest_response_free(a.res);
    CHECK(!strcasestr(raw_request(s, 3), "authorization:"));
    CHECK(!strcasestr(raw_request(s, 4), "authorization:"));
    const char *want = "PATCH /api/v10/webhooks/6/tok-en/messages/@original HTTP/1.1\r\n";
    CHECK(strncmp(raw_request(s, 4), want, strlen(want)) == 0);
    CHECK(!strcasestr(raw_request(s, 0), "\r\norigin:"));

    raw_stop(s);
    fx_close(&f);
}

/*
 * At log level debug each attempt is one line: method, route template, status,
 * latency and bucket; the path (and the token in it) never.
 */
static void t_debug_log(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/debug.log", tsup_tmpdir());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    log_set_fd(fd);
    log_set_level(LOG_DEBUG);
    fx f;
    raw_server *s = open_with_raw(&f, OK_JSON, "127.0.0.1", NULL);
    fx_answer a;
    fx_send(&f, &a, "POST", "/interactions/5/secret-interaction-token/callback", "{\"type\":1}",
            NULL);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    rest_response_free(a.res);
    raw_stop(s);
    fx_close(&f);
    log_set_level(LOG_WARN);
    log_set_fd(2);
    close(fd);

    FILE *in = fopen(path, "r");
    CHECK(in);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, in);
    text[n] = '\0';
    fclose(in);
    fprintf(stderr, "%s", text);
    CHECK(strstr(text, "level=debug component=rest method=POST "
                       "route=\"POST /interactions/{interaction_id}/{interaction_token}/callback\" "
                       "status=200 latency_ms="));
    CHECK(strstr(text, " bucket=abcd1234 remaining=4 "));
    CHECK(!strstr(text, "secret-interaction-token"));
    CHECK(!strstr(text, "sekrit-token"));
}

/* A 429 with only a Retry-After header and scope "shared", then a 200. */
static void t_retry_after_header(void)
{
    fx f;
    const char *resp = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n"
                       "X-RateLimit-Scope: shared\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.max_429_retries = 2;
    raw_server *s = open_with_raw(&f, resp, "127.0.0.1", &o);
    fx_answer a;
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    /* Always 429: given up after max_429_retries waits of 1 s each. */
    CHECK_EQ_INT(a.res->result, BH_ELIMIT);
    CHECK_EQ_INT(a.res->status, 429);
    CHECK_EQ_INT(a.res->ratelimited, 3);
    CHECK(a.res->wait_ms >= 1900);
    rest_response_free(a.res);
    CHECK_EQ_INT(raw_count(s), 3);
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.ratelimited_shared, 3);
    CHECK_EQ_INT(st.invalid_window, 0);
    raw_stop(s);
    fx_close(&f);
}

/* Refused connections: retried, then reported; and no handle is left behind. */
static void t_refused(void)
{
    fx f;
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.max_retries = 2;
    o.backoff_ms = 10;
    char b[96];
    snprintf(b, sizeof b, "http://127.0.0.1:%d/api/v10", tsup_unused_port());
    fx_open(&f, b, &o);
    fx_answer a[3];
    for (int i = 0; i < 3; i++)
        fx_send(&f, &a[i], "GET", i ? "/gateway/bot" : "/users/@me", NULL, NULL);
    for (int i = 0; i < 3; i++) {
        fx_run_until(&f, &a[i].done, 10000);
        CHECK_EQ_INT(a[i].res->result, BH_EDISCORD);
        CHECK_EQ_INT(a[i].res->status, 0);
        CHECK_EQ_INT(a[i].res->attempts, 3);
        CHECK_EQ_INT(a[i].res->retries, 2);
        CHECK(strstr(a[i].res->message, "connect") || strstr(a[i].res->message, "onnection"));
        rest_response_free(a[i].res);
    }
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.network_errors, 9);
    fx_close(&f); /* uv_loop_close() == 0: every socket's poll handle was closed */
}

/*
 * A connect() that fails at once (TCP to the broadcast address): no poll
 * handle may be left behind, which fx_close() would find (uv_loop_close() ==
 * UV_EBUSY); lws 4.1 leaked one here.
 */
static void t_unreachable(void)
{
    fx f;
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.max_retries = 1;
    o.backoff_ms = 10;
    o.timeout_ms = 2000;
    fx_open(&f, "http://255.255.255.255:9/api/v10", &o);
    fx_answer a;
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, BH_EDISCORD);
    CHECK(strstr(a.res->message, "cannot connect"));
    CHECK_EQ_INT(a.res->attempts, 2);
    rest_response_free(a.res);
    fx_close(&f);
}

/* A name resolved with uv_getaddrinfo, and a name that does not resolve. */
static void t_dns(void)
{
    fx f;
    raw_server *s = open_with_raw(&f, OK_JSON, "localhost", NULL);
    fx_answer a;
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    rest_response_free(a.res);
    CHECK(strcasestr(raw_request(s, 0), "\r\nhost: localhost:"));
    raw_stop(s);
    fx_close(&f);

    rest_opts o;
    memset(&o, 0, sizeof o);
    o.max_retries = 1;
    o.backoff_ms = 10;
    fx_open(&f, "http://no-such-host.invalid/api/v10", &o);
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    fx_run_until(&f, &a.done, 30000);
    CHECK_EQ_INT(a.res->result, BH_EDISCORD);
    CHECK(strstr(a.res->message, "cannot resolve"));
    CHECK_EQ_INT(a.res->retries, 1);
    rest_response_free(a.res);
    fx_close(&f);
}

/* A server that never answers: the timeout ends the attempt and the connection. */
static void t_silent(void)
{
    fx f;
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.timeout_ms = 200;
    o.max_retries = 1;
    o.backoff_ms = 10;
    raw_server *s = open_with_raw(&f, NULL, "127.0.0.1", &o);
    fx_answer a;
    fx_send(&f, &a, "POST", "/channels/1/messages", "{\"content\":\"x\"}", NULL);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, BH_ETIMEDOUT);
    CHECK_EQ_INT(a.res->attempts, 2);
    CHECK(a.res->latency_ms >= 400);
    rest_response_free(a.res);
    CHECK_EQ_INT(raw_count(s), 2);
    raw_stop(s);
    fx_close(&f);
}

/* Bodies larger than one write and one read: 200 kB up, 100 kB down. */
static void t_big_bodies(void)
{
    enum { UP = 200000, DOWN = 100000 };
    char *down = malloc(DOWN + 256), *up = malloc(UP + 64);
    CHECK(down && up);
    int hl = snprintf(down, 256, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: %d\r\nConnection: close\r\n\r\n", DOWN);
    char *p = down + hl;
    p += sprintf(p, "{\"pad\":\"");
    size_t fill = DOWN - 10;
    memset(p, 'd', fill);
    p += fill;
    strcpy(p, "\"}");
    CHECK_EQ_INT(strlen(down + hl), DOWN);
    p = up + sprintf(up, "[{\"name\":\"");
    memset(p, 'u', UP - 13);
    p += UP - 13;
    strcpy(p, "\"}]");
    CHECK_EQ_INT(strlen(up), UP);

    fx f;
    raw_server *s = open_with_raw(&f, down, "127.0.0.1", NULL);
    fx_answer a;
    fx_send(&f, &a, "PUT", "/applications/1/commands", up, NULL);
    fx_run_until(&f, &a.done, 10000);
    CHECK_EQ_INT(a.res->result, 0);
    CHECK_EQ_INT(strlen(json_string_value(json_object_get(a.res->json, "pad"))), DOWN - 10);
    rest_response_free(a.res);
    const char *req = raw_request(s, 0);
    CHECK(has_line(req, "content-length: 200000"));
    const char *body = strstr(req, "\r\n\r\n") + 4;
    CHECK_EQ_STR(body, up);
    raw_stop(s);
    fx_close(&f);
    free(up);
    free(down);
}

/*
 * https: the TLS handshake happens and the server's certificate is checked (a
 * self-signed one is refused). Needs the openssl command; skipped without it.
 */
static void t_tls_verify(void)
{
    const char *dir = tsup_tmpdir();
    char cmd[2048], cert[512], key[512];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 1 "
             "-subj /CN=localhost >/dev/null 2>&1",
             key, cert);
    if (system(cmd) != 0) {
        fprintf(stderr, "skipped: no openssl command\n");
        return;
    }
    int port = tsup_unused_port();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char ps[16];
        snprintf(ps, sizeof ps, "%d", port);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execlp("openssl", "openssl", "s_server", "-accept", ps, "-cert", cert, "-key", key,
               "-www", "-quiet", (char *)NULL);
        _exit(127);
    }
    /* Wait until it listens. */
    for (int i = 0; i < 100; i++) {
        httpc_conn *c;
        if (httpc_connect(&c, "127.0.0.1", port, 1000) == 0) {
            httpc_close(c);
            break;
        }
        usleep(50000);
    }
    fx f;
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.max_retries = -1;
    char b[96];
    snprintf(b, sizeof b, "https://localhost:%d/api/v10", port);
    fx_open(&f, b, &o);
    fx_answer a;
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    fprintf(stderr, "tls: result %d: %s\n", a.res->result, a.res->message);
    CHECK_EQ_INT(a.res->result, BH_EDISCORD);
    CHECK_EQ_INT(a.res->status, 0);
    rest_response_free(a.res);
    fx_close(&f);

    /* Trusted through OpenSSL's default store (SSL_CERT_FILE): the request goes through. */
    setenv("SSL_CERT_FILE", cert, 1);
    fx_open(&f, b, &o);
    fx_send(&f, &a, "GET", "/users/@me", NULL, NULL);
    fx_run_until(&f, &a.done, 10000);
    fprintf(stderr, "tls trusted: result %d status %d: %s\n", a.res->result, a.res->status,
            a.res->message);
    CHECK_EQ_INT(a.res->status, 200);
    rest_response_free(a.res);
    fx_close(&f);
    unsetenv("SSL_CERT_FILE");
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* rest_create refuses what it cannot work with. */
static void t_create_errors(void)
{
    fx f;
    fx_open(&f, "http://127.0.0.1:1/api/v10", NULL);
    rest *r2;
    rest_opts o;
    memset(&o, 0, sizeof o);
    CHECK_EQ_INT(rest_create(&r2, &f.loop, &o), BH_EINVAL); /* no token */
    o.token = "t";
    o.api_base = "ftp://x";
    CHECK_EQ_INT(rest_create(&r2, &f.loop, &o), BH_EINVAL);
    o.api_base = "wss://gateway.discord.gg";
    CHECK_EQ_INT(rest_create(&r2, &f.loop, &o), BH_EINVAL);
    fx_close(&f);
}

/* URL encoding of reasons, cut at 512 characters or 2048 bytes, never inside a character. */
static void t_reason_encode(void)
{
    char *e = rest_reason_encode("a b/c~d-e_f.g");
    CHECK_EQ_STR(e, "a%20b%2Fc~d-e_f.g");
    free(e);
    char big[2000];
    size_t o = 0;
    for (int i = 0; i < 600; i++) {
        memcpy(big + o, "\xc3\xa9", 2); /* é */
        o += 2;
    }
    big[o] = '\0';
    e = rest_reason_encode(big);
    CHECK_EQ_INT(strlen(e), 341 * 6); /* 2048 bytes hold 341 encoded é */
    free(e);
    memset(big, 'x', 600);
    big[600] = '\0';
    e = rest_reason_encode(big);
    CHECK_EQ_INT(strlen(e), 512);
    free(e);
    /* A stray continuation byte and a cut sequence at the end. */
    e = rest_reason_encode("a\x80" "b\xe2\x9c");
    CHECK_EQ_STR(e, "a%80b");
    free(e);
}

/* Route matching: templates, majors, literals before parameters, queries ignored. */
static void t_routes(void)
{
    const rest_route *r;
    char major[256];
    CHECK(rest_route_match("GET", "/channels/1/messages/2?x=y", &r, major, sizeof major) == 0);
    CHECK_EQ_STR(r->name, "GET /channels/{channel_id}/messages/{message_id}");
    CHECK_EQ_STR(major, "1");
    CHECK(rest_route_match("PUT", "/guilds/9/members/8/roles/7", &r, major, sizeof major) == 0);
    CHECK_EQ_STR(major, "9");
    CHECK(rest_route_match("POST", "/webhooks/5/abc", &r, major, sizeof major) == 0);
    CHECK_EQ_STR(major, "5/abc");
    CHECK(r->flags & REST_ROUTE_INTERACTION);
    CHECK(rest_route_match("GET", "/webhooks/5/abc/messages/@original", &r, major, sizeof major) == 0);
    CHECK(strstr(r->name, "@original"));
    CHECK(rest_route_match("GET", "/webhooks/5/abc/messages/77", &r, major, sizeof major) == 0);
    CHECK(strstr(r->name, "{message_id}"));
    CHECK(rest_route_match("GET", "/users/@me", &r, major, sizeof major) == 0);
    CHECK_EQ_STR(major, "");
    CHECK(rest_route_match("GET", "/channels//messages", &r, major, sizeof major) < 0);
    CHECK(rest_route_match("GET", "/channels/1/messages/", &r, major, sizeof major) < 0);
    CHECK(rest_route_match("DELETE", "/users/@me", &r, major, sizeof major) < 0);
}

static const tsup_case cases[] = {
    {"routes", t_routes},
    {"reason_encode", t_reason_encode},
    {"request_bytes", t_request_bytes},
    {"debug_log", t_debug_log},
    {"retry_after_header", t_retry_after_header},
    {"refused", t_refused},
    {"unreachable", t_unreachable},
    {"dns", t_dns},
    {"silent", t_silent},
    {"big_bodies", t_big_bodies},
    {"tls_verify", t_tls_verify},
    {"create_errors", t_create_errors},
};

int main(int argc, char **argv)
{
    log_set_level(LOG_WARN);
    return tsup_run_cases(argc, argv, cases, sizeof cases / sizeof cases[0], NULL);
}
