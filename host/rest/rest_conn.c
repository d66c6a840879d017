/*
 * The HTTP transport: libcurl's multi interface driven by the libuv loop.
 * libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION: one
 * uv_poll_t each) and when to call it back (CURLMOPT_TIMERFUNCTION: one
 * uv_timer_t); we tell it what happened with curl_multi_socket_action() and
 * collect finished attempts with curl_multi_info_read(). Nothing here walks
 * the loop's handles or the attempts in flight, so an attempt costs the same
 * however many others wait.
 *
 * What libcurl gives over lws 4.1's client (which sent "connection: close"):
 * connections kept alive and reused, TLS sessions resumed (the share handle),
 * HTTP/2 where the server offers it over TLS (several requests on one
 * connection), and its own per-attempt timeout (CURLOPT_TIMEOUT_MS).
 *
 * The address comes from rest_sched.c (net_lookup_start) through
 * CURLOPT_CONNECT_TO, so libcurl never resolves a name on the loop thread; the
 * URL keeps the real host name for the Host header, SNI and the certificate.
 *
 * Each attempt has its own easy handle (CURLINFO_PRIVATE is its rest_op);
 * finished handles are kept for later attempts (curl_easy_reset keeps nothing
 * of the request, the connections stay with the multi handle).
 */
#include "rest/rest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/clock.h"
#include "base/log.h"

#define REST_MAX_ANSWER (8u << 20)

/* A socket libcurl asked us to watch. */
typedef struct rest_sock {
    uv_poll_t poll;
    rest *r;
    curl_socket_t fd;
    LIST_ENTRY(rest_sock) link; /* in r->socks */
} rest_sock;

/* ---- X-Audit-Log-Reason ------------------------------------------------------------------ */

/* Bytes of the UTF-8 sequence starting with `c` (1 for a stray continuation byte). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xf0 && c < 0xf8)
        return 4;
    if (c >= 0xe0)
        return c < 0xf0 ? 3 : 1;
    if (c >= 0xc0)
        return 2;
    return 1;
}

/* RFC 3986 unreserved characters go as they are. */
static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

char *rest_reason_encode(const char *reason)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t in = strlen(reason), chars = 0, end = 0, encoded = 0;
    /* Cut at REST_REASON_MAX_CHARS characters or REST_REASON_MAX_BYTES, never inside one. */
    while (end < in && chars < REST_REASON_MAX_CHARS) {
        size_t l = utf8_len((unsigned char)reason[end]), el = 0;
        if (end + l > in)
            break;
        for (size_t k = 0; k < l; k++)
            el += unreserved((unsigned char)reason[end + k]) ? 1 : 3;
        if (encoded + el > REST_REASON_MAX_BYTES)
            break;
        encoded += el;
        end += l;
        chars++;
    }
    char *out = malloc(encoded + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < end; i++) {
        unsigned char c = (unsigned char)reason[i];
        if (unreserved(c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* ---- libcurl on the loop ---------------------------------------------------------------- */

static uv_once_t curl_once = UV_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void check_done(rest *r);

static void on_sock_closed(uv_handle_t *h)
{
    rest_sock *s = h->data;
    rest *r = s->r;
    free(s);
    rest_handle_closed(r);
}

static void sock_close(rest_sock *s)
{
    LIST_REMOVE(s, link);
    uv_close((uv_handle_t *)&s->poll, on_sock_closed);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    rest_sock *s = h->data;
    rest *r = s->r;
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    else
        flags = (events & UV_READABLE ? CURL_CSELECT_IN : 0) |
                (events & UV_WRITABLE ? CURL_CSELECT_OUT : 0);
    int running;
    curl_multi_socket_action(r->multi, s->fd, flags, &running);
    check_done(r);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    rest *r = userp;
    rest_sock *s = socketp;
    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            curl_multi_assign(r->multi, fd, NULL);
            sock_close(s);
        }
        return 0;
    }
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            return -1;
        if (uv_poll_init_socket(r->loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        s->r = r;
        s->fd = fd;
        LIST_INSERT_HEAD(&r->socks, s, link);
        r->handles_open++;
        curl_multi_assign(r->multi, fd, s);
    }
    int ev = (what & CURL_POLL_IN ? UV_READABLE : 0) | (what & CURL_POLL_OUT ? UV_WRITABLE : 0);
    uv_poll_start(&s->poll, ev, on_poll);
    return 0;
}

static void on_curl_timeout(uv_timer_t *t)
{
    rest *r = t->data;
    int running;
    curl_multi_socket_action(r->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(r);
}

/* libcurl's timer: a 0 runs it on the next loop turn, never inside libcurl's call. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    rest *r = userp;
    (void)multi;
    if (timeout_ms < 0)
        uv_timer_stop(&r->curl_timer);
    else
        uv_timer_start(&r->curl_timer, on_curl_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

int rest_conn_init(rest *r)
{
    uv_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        log_msg(LOG_ERROR, "rest", "curl_global_init: %s", curl_easy_strerror(curl_init_rc));
        return BH_ENOMEM;
    }
    r->multi = curl_multi_init();
    r->share = curl_share_init();
    if (!r->multi || !r->share) {
        curl_multi_cleanup(r->multi);
        curl_share_cleanup(r->share);
        r->multi = NULL;
        r->share = NULL;
        return BH_ENOMEM;
    }
    curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_multi_setopt(r->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(r->multi, CURLMOPT_SOCKETDATA, r);
    curl_multi_setopt(r->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(r->multi, CURLMOPT_TIMERDATA, r);
    /* Several requests on one HTTP/2 connection rather than a connection each. */
    curl_multi_setopt(r->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    uv_timer_init(r->loop, &r->curl_timer);
    r->curl_timer.data = r;
    r->handles_open++;
    return 0;
}

static void on_timer_closed(uv_handle_t *h)
{
    rest_handle_closed(h->data);
}

void rest_conn_close(rest *r)
{
    if (!r->multi)
        return;
    while (r->neasy_free > 0)
        curl_easy_cleanup(r->easy_free[--r->neasy_free]);
    /* Every attempt was abandoned first: this closes the idle connections. */
    curl_multi_cleanup(r->multi);
    r->multi = NULL;
    curl_share_cleanup(r->share);
    r->share = NULL;
    while (!LIST_EMPTY(&r->socks))
        sock_close(LIST_FIRST(&r->socks));
    uv_timer_stop(&r->curl_timer);
    uv_close((uv_handle_t *)&r->curl_timer, on_timer_closed);
}

/* ---- one attempt -------------------------------------------------------------------------- */

/* Forgets the rate-limit headers read so far. */
static void reset_headers(rest_op *op)
{
    op->hdr_bucket[0] = '\0';
    op->hdr_scope[0] = '\0';
    op->hdr_limit = op->hdr_remaining = -1;
    op->hdr_reset_after = op->hdr_retry_after = -1;
    op->hdr_global = 0;
}

static void reset_attempt(rest_op *op)
{
    op->status = 0;
    op->timed_out = 0;
    op->rlen = 0;
    op->overflow = 0;
    op->error[0] = '\0';
    op->curl_error[0] = '\0';
    reset_headers(op);
}

/* "x-ratelimit-remaining" == `name` of `len` bytes, whatever the case. */
static int hdr_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *arg)
{
    rest_op *op = arg;
    size_t len = size * nitems;
    if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* A new answer (after a 100 Continue, say): only the last one's headers count. */
        reset_headers(op);
        return len;
    }
    const char *colon = memchr(buf, ':', len);
    if (!colon)
        return len;
    size_t nl = (size_t)(colon - buf);
    const char *v = colon + 1, *end = buf + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    char val[96];
    snprintf(val, sizeof val, "%.*s", (int)(end - v), v);
    if (hdr_is(buf, nl, "x-ratelimit-bucket"))
        snprintf(op->hdr_bucket, sizeof op->hdr_bucket, "%.71s", val);
    else if (hdr_is(buf, nl, "x-ratelimit-limit"))
        op->hdr_limit = atoi(val);
    else if (hdr_is(buf, nl, "x-ratelimit-remaining"))
        op->hdr_remaining = atoi(val);
    else if (hdr_is(buf, nl, "x-ratelimit-reset-after"))
        op->hdr_reset_after = strtod(val, NULL);
    else if (hdr_is(buf, nl, "x-ratelimit-global"))
        op->hdr_global = !strcasecmp(val, "true") || !strcmp(val, "1");
    else if (hdr_is(buf, nl, "x-ratelimit-scope"))
        snprintf(op->hdr_scope, sizeof op->hdr_scope, "%.15s", val);
    else if (hdr_is(buf, nl, "retry-after"))
        op->hdr_retry_after = strtod(val, NULL);
    return len;
}

static size_t on_body(char *in, size_t size, size_t nitems, void *arg)
{
    rest_op *op = arg;
    size_t len = size * nitems;
    if (op->overflow)
        return len;
    if (op->rlen + len > REST_MAX_ANSWER) {
        op->overflow = 1; /* read on, keep nothing more: the answer still ends */
        return len;
    }
    if (op->rlen + len > op->rcap) {
        size_t cap = op->rcap ? op->rcap : 4096;
        while (cap < op->rlen + len)
            cap *= 2;
        char *nb = realloc(op->rbuf, cap);
        if (!nb)
            return 0; /* libcurl ends the attempt with CURLE_WRITE_ERROR */
        op->rbuf = nb;
        op->rcap = cap;
    }
    memcpy(op->rbuf + op->rlen, in, len);
    op->rlen += len;
    return len;
}

static struct curl_slist *add(struct curl_slist *l, const char *line, int *failed)
{
    struct curl_slist *n = curl_slist_append(l, line);
    if (!n) {
        *failed = 1;
        return l;
    }
    return n;
}

/* The request headers and CONNECT_TO entry of `op`; -1 when out of memory. */
static int build_lists(rest_op *op)
{
    rest *r = op->r;
    int failed = 0;
    struct curl_slist *h = NULL;
    if (!(op->route->flags & REST_ROUTE_INTERACTION))
        h = add(h, r->auth, &failed);
    /* An empty value removes what libcurl would add: no form type, no 100-continue. */
    h = add(h, op->body ? "Content-Type: application/json" : "Content-Type:", &failed);
    h = add(h, "Expect:", &failed);
    if (op->reason) {
        size_t l = strlen(op->reason) + 24;
        char *line = malloc(l);
        if (line) {
            snprintf(line, l, "X-Audit-Log-Reason: %s", op->reason);
            h = add(h, line, &failed);
            free(line);
        } else {
            failed = 1;
        }
    }
    op->headers = h;
    char ct[400];
    int v6 = strchr(r->addr, ':') != NULL;
    snprintf(ct, sizeof ct, "%s:%d:%s%s%s:%d", r->host, r->port, v6 ? "[" : "", r->addr,
             v6 ? "]" : "", r->port);
    op->connect_to = add(NULL, ct, &failed);
    return failed ? -1 : 0;
}

static void free_lists(rest_op *op)
{
    curl_slist_free_all(op->headers);
    curl_slist_free_all(op->connect_to);
    op->headers = op->connect_to = NULL;
}

static void setup_easy(rest_op *op, CURL *e)
{
    rest *r = op->r;
    curl_easy_setopt(e, CURLOPT_URL, op->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, op);
    curl_easy_setopt(e, CURLOPT_SHARE, r->share);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    /* No proxy from the environment: the REST endpoint is reached directly. */
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* Wait for a connection that can multiplex rather than open another. */
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)r->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECT_TO, op->connect_to);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, op->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, REST_USER_AGENT);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, op);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, op);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, op->curl_error);
    if (r->cainfo)
        curl_easy_setopt(e, CURLOPT_CAINFO, r->cainfo);
    if (r->capath)
        curl_easy_setopt(e, CURLOPT_CAPATH, r->capath);

    const char *m = op->method;
    int sends_body = op->body || !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
    if (sends_body) {
        /* A bodyless POST, PUT or PATCH still says Content-Length: 0. */
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, op->body ? op->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)op->body_len);
    }
    if (strcmp(m, "GET") != 0 && strcmp(m, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
}

static void release_easy(rest *r, rest_op *op)
{
    CURL *e = op->easy;
    op->easy = NULL;
    if (!e)
        return;
    if (r->multi)
        curl_multi_remove_handle(r->multi, e);
    if (r->multi && !r->closing && r->neasy_free < (int)(sizeof r->easy_free / sizeof r->easy_free[0])) {
        curl_easy_reset(e);
        r->easy_free[r->neasy_free++] = e;
    } else {
        curl_easy_cleanup(e);
    }
    free_lists(op);
}

void rest_conn_start(rest_op *op)
{
    rest *r = op->r;
    reset_attempt(op);
    op->t_attempt = clock_now_ms();
    CURL *e = r->neasy_free ? r->easy_free[--r->neasy_free] : curl_easy_init();
    if (!e || build_lists(op) < 0) {
        if (e)
            curl_easy_cleanup(e);
        free_lists(op);
        snprintf(op->error, sizeof op->error, "out of memory for the request");
        rest_attempt_done(op);
        return;
    }
    setup_easy(op, e);
    op->easy = e;
    CURLMcode mc = curl_multi_add_handle(r->multi, e);
    if (mc != CURLM_OK) {
        release_easy(r, op);
        snprintf(op->error, sizeof op->error, "cannot start the request: %s",
                 curl_multi_strerror(mc));
        rest_attempt_done(op);
    }
}

void rest_conn_abandon(rest_op *op)
{
    release_easy(op->r, op);
}

/* What went wrong, in words that name the address but never the path. */
static void describe_failure(rest_op *op, CURLcode rc)
{
    rest *r = op->r;
    const char *why = op->curl_error[0] ? op->curl_error : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        op->timed_out = 1;
        snprintf(op->error, sizeof op->error, "no answer within %d ms", r->timeout_ms);
        break;
    case CURLE_COULDNT_CONNECT:
        snprintf(op->error, sizeof op->error, "cannot connect to %s:%d: %s", r->addr, r->port, why);
        break;
    default:
        snprintf(op->error, sizeof op->error, "connection failed: %s", why);
        break;
    }
}

static void finish_attempt(rest *r, CURL *e, CURLcode rc)
{
    rest_op *op = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&op);
    if (!op)
        return;
    long code = 0, conns = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &conns);
    r->connections += (uint64_t)conns;
    /* A status counts only with the whole answer: a cut one is no answer. */
    op->status = rc == CURLE_OK ? (int)code : 0;
    if (rc != CURLE_OK)
        describe_failure(op, rc);
    release_easy(r, op);
    rest_attempt_done(op);
}

static void check_done(rest *r)
{
    CURLMsg *m;
    int left;
    while (r->multi && (m = curl_multi_info_read(r->multi, &left))) {
        if (m->msg == CURLMSG_DONE)
            finish_attempt(r, m->easy_handle, m->data.result);
    }
}
