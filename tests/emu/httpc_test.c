/*
 * The blocking HTTP/1.1 client (sdk/emu/client) against a tiny server thread
 * that answers each connection with scripted bytes: Content-Length, chunked
 * and close-delimited bodies, large bodies, a server closing early or never
 * answering, keep-alive and pipelining, and malformed answers.
 *
 *   httpc_test [case]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpc.h"
#include "httpc_json.h"
#include "tsup.h"
#include "tsup_cases.h"
#include "tsup_http.h"

/* ---- the scripted server --------------------------------------------------------- */

typedef struct script {
    const char *parts[8];   /* written one after another, each flushed on its own */
    size_t lens[8];         /* 0: strlen */
    const char *big;        /* then this many bytes of `big`, when set */
    size_t big_len;
    int after[8];           /* whole requests to have read before writing parts[i] (at least 1) */
    int hang;               /* after writing, keep the connection until the client closes */
} script;

typedef struct server {
    int listener, port;
    pthread_t th;
    script s;
    char request[65536];    /* what the client sent, NUL-terminated */
    size_t request_len;
} server;

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Requests in `text`: heads plus their Content-Length bodies, complete ones only. */
static int complete_requests(const char *text, size_t len)
{
    int n = 0;
    size_t off = 0;
    for (;;) {
        const char *end = memmem(text + off, len - off, "\r\n\r\n", 4);
        if (!end)
            return n;
        const char *cl = strcasestr(text + off, "\r\ncontent-length:");
        size_t body = cl && cl < end ? (size_t)atol(cl + 17) : 0;
        size_t next = (size_t)(end + 4 - text) + body;
        if (next > len)
            return n;
        n++;
        off = next;
    }
}

static void *serve(void *arg)
{
    server *sv = arg;
    int fd = accept(sv->listener, NULL, NULL);
    CHECK(fd >= 0);
    for (int i = 0; i < 8; i++) {
        int want = sv->s.after[i] > 1 ? sv->s.after[i] : 1;
        while (complete_requests(sv->request, sv->request_len) < want) {
            CHECK(sv->request_len < sizeof sv->request - 1);
            ssize_t r = recv(fd, sv->request + sv->request_len, sizeof sv->request - 1 - sv->request_len, 0);
            if (r <= 0)
                break;
            sv->request_len += (size_t)r;
            sv->request[sv->request_len] = '\0';
        }
        if (!sv->s.parts[i])
            break;
        size_t n = sv->s.lens[i] ? sv->s.lens[i] : strlen(sv->s.parts[i]);
        if (write_all(fd, sv->s.parts[i], n))
            break;
        /* Let the client see each part on its own. */
        usleep(10000);
    }
    if (sv->s.big)
        write_all(fd, sv->s.big, sv->s.big_len);
    if (sv->s.hang) {
        char buf[4096];
        while (recv(fd, buf, sizeof buf, 0) > 0)
            ;
    }
    close(fd);
    return NULL;
}

static void server_start(server *sv, const script *s)
{
    memset(sv, 0, sizeof *sv);
    sv->s = *s;
    sv->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(sv->listener >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    CHECK(bind(sv->listener, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(listen(sv->listener, 4) == 0);
    CHECK(getsockname(sv->listener, (struct sockaddr *)&a, &len) == 0);
    sv->port = ntohs(a.sin_port);
    CHECK(pthread_create(&sv->th, NULL, serve, sv) == 0);
}

static void server_join(server *sv)
{
    CHECK(pthread_join(sv->th, NULL) == 0);
    close(sv->listener);
}

/* One GET of / on a new connection against `s`; the server's thread is joined. */
static int fetch_scripted(const script *s, const httpc_request *q, httpc_response **out, server *sv)
{
    server_start(sv, s);
    httpc_request dflt = {.path = "/"};
    int rc = httpc_fetch("127.0.0.1", sv->port, q ? q : &dflt, out);
    server_join(sv);
    return rc;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- cases --------------------------------------------------------------------------- */

static void t_content_length(void)
{
    server sv;
    script s = {.parts = {"HTTP/1.1 201 Created\r\nX-One:  a b \r\nContent-Length: 5\r\n\r\nhe", "llo"}};
    const char *hdrs[] = {"Authorization: Bot t", NULL};
    httpc_request q = {.method = "POST", .path = "/api/v10/x?y=1", .headers = hdrs,
                       .content_type = "application/json", .body = "{\"a\":1}", .body_len = 7};
    httpc_response *r;
    CHECK_EQ_INT(fetch_scripted(&s, &q, &r, &sv), 0);
    CHECK_EQ_INT(r->status, 201);
    CHECK_EQ_INT(r->body_len, 5);
    CHECK_EQ_STR(r->body, "hello");
    CHECK_EQ_INT(r->content_length, 5);
    CHECK(!r->chunked);
    CHECK_EQ_STR(httpc_header_get(r, "x-one"), "a b");
    CHECK_EQ_STR(httpc_header_get(r, "CONTENT-LENGTH"), "5");
    CHECK(!httpc_header_get(r, "x-two"));
    CHECK(strncmp(r->head, "HTTP/1.1 201 Created\r\n", 22) == 0);
    httpc_response_free(r);
    char want[256];
    snprintf(want, sizeof want,
             "POST /api/v10/x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
             "Authorization: Bot t\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
             sv.port);
    CHECK_EQ_STR(sv.request, want);
}

static void t_chunked(void)
{
    server sv;
    /* Sizes in either case, an extension, chunks cut across writes, a trailer. */
    script s = {.parts = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r",
                          "\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0",
                          "\r\nX-Trailer: yes\r\n\r\n"}};
    httpc_response *r;
    CHECK_EQ_INT(fetch_scripted(&s, NULL, &r, &sv), 0);
    CHECK_EQ_INT(r->status, 200);
    CHECK(r->chunked);
    CHECK_EQ_INT(r->content_length, -1);
    CHECK_EQ_STR(r->body, "Wikipedia in\r\n\r\nchunks.");
    CHECK_EQ_INT(r->body_len, 23);
    httpc_response_free(r);

    /* A bad size line is a protocol error. */
    script bad = {.parts = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"}};
    CHECK_EQ_INT(fetch_scripted(&bad, NULL, &r, &sv), HTTPC_EPROTO);
    CHECK(!r);
}

static char *pattern(size_t n)
{
    char *p = malloc(n);
    CHECK(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('a' + (i * 7 + i / 4096) % 26);
    return p;
}

static void t_large(void)
{
    enum { N = 8 << 20 };
    server sv;
    char *big = pattern(N);
    char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", N);
    script s = {.parts = {head}, .big = big, .big_len = N};
    httpc_response *r;
    CHECK_EQ_INT(fetch_scripted(&s, NULL, &r, &sv), 0);
    CHECK_EQ_INT(r->body_len, N);
    CHECK(memcmp(r->body, big, N) == 0);
    CHECK_EQ_INT(r->body[N], '\0');
    httpc_response_free(r);

    /* The same bytes in 64 KiB chunks. */
    enum { CHUNK = 65536 };
    size_t clen = 0;
    char *chunked = malloc(N + (N / CHUNK + 1) * 16 + 16);
    CHECK(chunked);
    for (size_t off = 0; off < N; off += CHUNK) {
        clen += (size_t)sprintf(chunked + clen, "%x\r\n", CHUNK);
        memcpy(chunked + clen, big + off, CHUNK);
        clen += CHUNK;
        memcpy(chunked + clen, "\r\n", 2);
        clen += 2;
    }
    memcpy(chunked + clen, "0\r\n\r\n", 5);
    clen += 5;
    script c = {.parts = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, .big = chunked,
                .big_len = clen};
    CHECK_EQ_INT(fetch_scripted(&c, NULL, &r, &sv), 0);
    CHECK_EQ_INT(r->body_len, N);
    CHECK(memcmp(r->body, big, N) == 0);
    httpc_response_free(r);
    free(chunked);
    free(big);
}

static void t_closed_early(void)
{
    server sv;
    httpc_response *r = (httpc_response *)1;
    /* Closed before a byte, in the head, and in the body. */
    script none = {.parts = {NULL}};
    CHECK_EQ_INT(fetch_scripted(&none, NULL, &r, &sv), HTTPC_ECLOSED);
    CHECK(!r);
    script head = {.parts = {"HTTP/1.1 200 OK\r\nContent-Le"}};
    CHECK_EQ_INT(fetch_scripted(&head, NULL, &r, &sv), HTTPC_ECLOSED);
    script body = {.parts = {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"}};
    CHECK_EQ_INT(fetch_scripted(&body, NULL, &r, &sv), HTTPC_ECLOSED);
    script chunk = {.parts = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01234"}};
    CHECK_EQ_INT(fetch_scripted(&chunk, NULL, &r, &sv), HTTPC_ECLOSED);
    CHECK(!r);
    /* Without Content-Length or chunks, the close ends the body: not an error. */
    script eof = {.parts = {"HTTP/1.1 200 OK\r\n\r\nall ", "of it"}};
    CHECK_EQ_INT(fetch_scripted(&eof, NULL, &r, &sv), 0);
    CHECK_EQ_STR(r->body, "all of it");
    httpc_response_free(r);
}

static void t_timeout(void)
{
    server sv;
    httpc_response *r;
    /* Nothing at all, then a head and half a body: both report the limit, after it. */
    script silent = {.parts = {NULL}, .hang = 1};
    httpc_request q = {.path = "/", .timeout_ms = 300};
    server_start(&sv, &silent);
    long long t0 = now_ms();
    CHECK_EQ_INT(httpc_fetch("127.0.0.1", sv.port, &q, &r), HTTPC_ETIMEDOUT);
    long long took = now_ms() - t0;
    server_join(&sv);
    CHECK(!r);
    CHECK(took >= 300 && took < 5000);
    script slow = {.parts = {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234"}, .hang = 1};
    CHECK_EQ_INT(fetch_scripted(&slow, &q, &r, &sv), HTTPC_ETIMEDOUT);
    CHECK_EQ_STR(httpc_strerror(HTTPC_ETIMEDOUT), "timed out");
}

static void t_refused(void)
{
    int port = tsup_unused_port();
    httpc_request q = {.path = "/"};
    httpc_response *r;
    CHECK_EQ_INT(httpc_fetch("127.0.0.1", port, &q, &r), HTTPC_ECONNECT);
    CHECK_EQ_INT(httpc_fetch("no.such.host.invalid", 80, &q, &r), HTTPC_EINVAL);
    CHECK_EQ_INT(httpc_fetch("127.0.0.1", 0, &q, &r), HTTPC_EINVAL);
    httpc_request crlf = {.path = "/\r\nX-Evil: 1"};
    CHECK_EQ_INT(httpc_fetch("127.0.0.1", port, &crlf, &r), HTTPC_EINVAL);
}

static void t_keepalive(void)
{
    server sv;
    /* Four requests on one connection: an interim 100 first, a HEAD, two pipelined. */
    script s = {.parts = {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none",
                          "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
                          "HTTP/1.1 204 No Content\r\n\r\n"
                          "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno"},
                .after = {1, 2, 4}};
    server_start(&sv, &s);
    httpc_conn *c;
    httpc_response *r;
    CHECK_EQ_INT(httpc_connect(&c, "127.0.0.1", sv.port, 0), 0);
    httpc_request get = {.path = "/a"};
    CHECK_EQ_INT(httpc_request_on(c, &get, &r), 0);
    CHECK_EQ_INT(r->status, 200);
    CHECK_EQ_STR(r->body, "one");
    httpc_response_free(r);
    httpc_request head = {.method = "HEAD", .path = "/b"};
    CHECK_EQ_INT(httpc_request_on(c, &head, &r), 0);
    CHECK_EQ_INT(r->content_length, 1000);
    CHECK_EQ_INT(r->body_len, 0);
    httpc_response_free(r);
    const char *raw = "DELETE /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK_EQ_INT(httpc_send_raw(c, raw, strlen(raw), 0), 0);
    CHECK_EQ_INT(httpc_read_response(c, 0, 0, &r), 0);
    CHECK_EQ_INT(r->status, 204);
    httpc_response_free(r);
    CHECK_EQ_INT(httpc_read_response(c, 0, 0, &r), 0);
    CHECK_EQ_INT(r->status, 404);
    CHECK_EQ_STR(r->body, "no");
    httpc_response_free(r);
    /* Connection: close was said: nothing more comes. */
    CHECK_EQ_INT(httpc_read_response(c, 0, 0, &r), HTTPC_ECLOSED);
    CHECK(httpc_wait_closed(c, 5000));
    httpc_close(c);
    server_join(&sv);
    CHECK(strstr(sv.request, "GET /a HTTP/1.1\r\n"));
    CHECK(!strstr(sv.request, "Connection:"));
    CHECK(strstr(sv.request, "HEAD /b HTTP/1.1\r\n"));
}

static void t_malformed(void)
{
    server sv;
    httpc_response *r;
    const char *bad[] = {"FOO\r\n\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                         "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                         "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        script s = {.parts = {bad[i]}};
        int rc = fetch_scripted(&s, NULL, &r, &sv);
        if (rc != HTTPC_EPROTO)
            fprintf(stderr, "answer %zu: %d\n", i, rc);
        CHECK_EQ_INT(rc, HTTPC_EPROTO);
    }
    /* A head that never ends is refused at 64 KiB, not read forever. */
    char *big = malloc(200000);
    CHECK(big);
    memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
    memset(big + 20, 'x', 200000 - 20);
    script s = {.parts = {NULL}, .big = big, .big_len = 200000, .hang = 1};
    CHECK_EQ_INT(fetch_scripted(&s, NULL, &r, &sv), HTTPC_EPROTO);
    free(big);
}

static void t_json(void)
{
    server sv;
    script s = {.parts = {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n"
                          "{\"answer\": 42}"}};
    server_start(&sv, &s);
    httpc_request q = {.method = "POST", .path = "/_emu/x", .body = "{}", .body_len = 2};
    int status;
    json_t *j;
    CHECK_EQ_INT(httpc_json_fetch("127.0.0.1", sv.port, &q, &status, &j), 0);
    server_join(&sv);
    CHECK_EQ_INT(status, 200);
    CHECK_EQ_INT(json_integer_value(json_object_get(j, "answer")), 42);
    json_decref(j);
    CHECK(strstr(sv.request, "\r\nContent-Type: application/json\r\n"));
    /* No body, or not JSON: NULL, and still the status. */
    script e = {.parts = {"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy"}};
    server_start(&sv, &e);
    CHECK_EQ_INT(httpc_json_fetch("127.0.0.1", sv.port, &q, &status, &j), 0);
    server_join(&sv);
    CHECK_EQ_INT(status, 503);
    CHECK(!j);
}

int main(int argc, char **argv)
{
    static const tsup_case cases[] = {
        {"content_length", t_content_length}, {"chunked", t_chunked},   {"large", t_large},
        {"closed_early", t_closed_early},     {"timeout", t_timeout},   {"refused", t_refused},
        {"keepalive", t_keepalive},           {"malformed", t_malformed}, {"json", t_json},
    };
    return tsup_run_cases(argc, argv, cases, sizeof cases / sizeof cases[0], NULL);
}
