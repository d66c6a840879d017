/*
 * One HTTP attempt over libwebsockets 4.1: the connection to the resolved
 * address (lws would block in getaddrinfo on a name), the request headers and
 * body, the answer's status, rate-limit headers and body.
 *
 * The attempt's rest_op rides on the wsi as its opaque user data; a wsi whose
 * op is gone (timed out, abandoned at shutdown) has NULL there and is ignored
 * until lws closes it.
 */
#include "rest/rest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "core/log.h"

#define REST_BODY_CHUNK 16384
#define REST_MAX_ANSWER (8u << 20)

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

/* ---- the lws 4.1 poll-handle leak ------------------------------------------------------ */

/*
 * lws 4.1.6 on libuv leaks the uv_poll_t of a client connection whose connect()
 * fails (warmcat/libwebsockets#2434, fixed after 4.1): it closes the socket
 * first, and its close path then skips uv_close() for a socket already gone, so
 * the stopped handle stays in the loop and uv_loop_close() says EBUSY forever.
 * Two ways in:
 *   - connect() fails at once (no route, EACCES): inside
 *     lws_client_connect_via_info(), which returns NULL without any callback
 *     and with the wsi freed. The leaked handle is the idle poll handle that
 *     was not there before the call.
 *   - the connect attempt fails later through connect_3 (timeout, a failed
 *     retry): CLIENT_CONNECTION_ERROR arrives with the socket already invalid
 *     and the wsi still alive; its handle is the poll handle whose data is it.
 * The handle was allocated with lws_malloc(), which is malloc() unless someone
 * installs an lws allocator (the host does not): free() it after uv_close().
 */

#define REST_IDLE_POLLS 16

typedef struct idle_polls {
    uv_handle_t *h[REST_IDLE_POLLS];
    int n;
    int overflow;
} idle_polls;

static int is_idle_poll(uv_handle_t *h)
{
    return h->type == UV_POLL && !uv_is_active(h) && !uv_is_closing(h);
}

static void collect_idle(uv_handle_t *h, void *arg)
{
    idle_polls *p = arg;
    if (!is_idle_poll(h))
        return;
    if (p->n < REST_IDLE_POLLS)
        p->h[p->n++] = h;
    else
        p->overflow = 1;
}

typedef struct reap_ctx {
    void *wsi;               /* the handle of this wsi, or */
    const idle_polls *before; /* an idle handle not in this set */
    uv_handle_t *found[4];
    int nfound;
} reap_ctx;

static void reap_walk(uv_handle_t *h, void *arg)
{
    reap_ctx *c = arg;
    if (c->nfound == 4 || h->type != UV_POLL || uv_is_closing(h))
        return;
    if (c->wsi) {
        if (h->data == c->wsi)
            c->found[c->nfound++] = h;
        return;
    }
    if (!is_idle_poll(h))
        return;
    for (int i = 0; i < c->before->n; i++)
        if (c->before->h[i] == h)
            return;
    c->found[c->nfound++] = h;
}

static void reap_closed(uv_handle_t *h)
{
    free(h);
}

static void reap_found(reap_ctx *c)
{
    for (int i = 0; i < c->nfound; i++)
        uv_close(c->found[i], reap_closed);
}

/* At CLIENT_CONNECTION_ERROR: the second way in. */
static void reap_failed_wsi(struct lws *wsi)
{
    if (lws_get_socket_fd(wsi) >= 0)
        return; /* the normal close path will close the handle */
    uv_loop_t **loop = lws_protocol_vh_priv_get(lws_get_vhost(wsi), lws_get_protocol(wsi));
    if (!loop || !*loop)
        return;
    reap_ctx c = {.wsi = wsi};
    uv_walk(*loop, reap_walk, &c);
    reap_found(&c);
}

/* After lws_client_connect_via_info() returned NULL: the first way in. */
static void reap_new_idle(uv_loop_t *loop, const idle_polls *before)
{
    if (before->overflow)
        return; /* cannot tell old from new: leave it */
    reap_ctx c = {.before = before};
    uv_walk(loop, reap_walk, &c);
    reap_found(&c);
}

int rest_conn_register(struct lws_vhost *vh, uv_loop_t *loop)
{
    const struct lws_protocols *prot = lws_vhost_name_to_protocol(vh, rest_protocol.name);
    if (!prot)
        return BH_EINVAL;
    uv_loop_t **slot = lws_protocol_vh_priv_get(vh, prot);
    if (!slot)
        slot = lws_protocol_vh_priv_zalloc(vh, prot, sizeof *slot);
    if (!slot)
        return BH_ENOMEM;
    *slot = loop;
    return 0;
}

/* ---- the attempt ----------------------------------------------------------------------- */

static void reset_attempt(rest_op *op)
{
    op->status = 0;
    op->timed_out = 0;
    op->rlen = 0;
    op->overflow = 0;
    op->body_off = 0;
    op->error[0] = '\0';
    op->hdr_bucket[0] = '\0';
    op->hdr_scope[0] = '\0';
    op->hdr_limit = op->hdr_remaining = -1;
    op->hdr_reset_after = op->hdr_retry_after = -1;
    op->hdr_global = 0;
}

void rest_conn_start(rest_op *op)
{
    rest *r = op->r;
    reset_attempt(op);
    op->t_attempt = rest_now();

    struct lws_client_connect_info i;
    memset(&i, 0, sizeof i);
    i.context = net_context(r->n);
    i.vhost = net_client_vhost(r->n);
    i.address = r->addr;
    i.port = r->port;
    i.host = r->host;
    i.path = op->path;
    i.method = op->method;
    i.ssl_connection = r->tls ? LCCSCF_USE_SSL : 0;
    i.alpn = "http/1.1";
    i.local_protocol_name = rest_protocol.name;
    i.protocol = NULL;
    i.opaque_user_data = op;
    i.pwsi = &op->wsi;

    idle_polls before = {.n = 0};
    uv_walk(r->loop, collect_idle, &before);
    op->in_connect = 1;
    struct lws *wsi = lws_client_connect_via_info(&i);
    op->in_connect = 0;
    if (!wsi)
        reap_new_idle(r->loop, &before);
    if (!wsi || op->error[0]) {
        /* It failed inside the call; any callback it made only noted why. */
        if (wsi)
            rest_conn_abandon(op);
        op->wsi = NULL;
        if (!op->error[0])
            snprintf(op->error, sizeof op->error, "cannot connect to %s:%d", r->addr, r->port);
        op->status = 0;
        rest_attempt_done(op);
    }
}

void rest_conn_abandon(rest_op *op)
{
    if (!op->wsi)
        return;
    lws_set_opaque_user_data(op->wsi, NULL);
    lws_set_timeout(op->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    op->wsi = NULL;
}

/* The attempt ended: hand it back to rest.c, unless lws is still inside connect. */
static void attempt_end(struct lws *wsi, rest_op *op, const char *why)
{
    lws_set_opaque_user_data(wsi, NULL);
    if (why && !op->error[0])
        snprintf(op->error, sizeof op->error, "%s", why);
    if (op->in_connect) {
        if (!op->error[0])
            snprintf(op->error, sizeof op->error, "connection failed");
        return; /* rest_conn_start() finishes it */
    }
    op->wsi = NULL;
    rest_attempt_done(op);
}

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
                      unsigned char *end)
{
    return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                       (const unsigned char *)value, (int)strlen(value), p, end);
}

static int append_headers(struct lws *wsi, rest_op *op, unsigned char **p, unsigned char *end)
{
    rest *r = op->r;
    if (!(op->route->flags & REST_ROUTE_INTERACTION) &&
        add_header(wsi, "authorization:", r->auth, p, end))
        return -1;
    if (add_header(wsi, "user-agent:", REST_USER_AGENT, p, end))
        return -1;
    int has_body = op->body != NULL;
    int sends_body = has_body || !strcmp(op->method, "POST") || !strcmp(op->method, "PUT") ||
                     !strcmp(op->method, "PATCH");
    if (has_body && add_header(wsi, "content-type:", "application/json", p, end))
        return -1;
    if (sends_body) {
        char cl[24];
        snprintf(cl, sizeof cl, "%zu", op->body_len);
        if (add_header(wsi, "content-length:", cl, p, end))
            return -1;
    }
    if (op->reason && add_header(wsi, "x-audit-log-reason:", op->reason, p, end))
        return -1;
    if (op->body_len) {
        lws_client_http_body_pending(wsi, 1);
        lws_callback_on_writable(wsi);
    }
    return 0;
}

static int write_body(struct lws *wsi, rest_op *op)
{
    if (op->body_off >= op->body_len)
        return 0;
    size_t n = op->body_len - op->body_off;
    if (n > REST_BODY_CHUNK)
        n = REST_BODY_CHUNK;
    int final = op->body_off + n == op->body_len;
    /* The LWS_PRE bytes before a later chunk are body already sent: lws may use them. */
    unsigned char *start = (unsigned char *)op->body + LWS_PRE + op->body_off;
    if (lws_write(wsi, start, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
        return -1;
    op->body_off += n;
    if (final)
        lws_client_http_body_pending(wsi, 0);
    else
        lws_callback_on_writable(wsi);
    return 0;
}

static int custom_hdr(struct lws *wsi, const char *name, char *buf, int len)
{
    buf[0] = '\0';
    int n = lws_hdr_custom_copy(wsi, buf, len, name, (int)strlen(name));
    if (n < 0)
        buf[0] = '\0';
    return n;
}

static void read_headers(struct lws *wsi, rest_op *op)
{
    char v[96];
    if (custom_hdr(wsi, "x-ratelimit-bucket:", v, sizeof v) > 0)
        snprintf(op->hdr_bucket, sizeof op->hdr_bucket, "%.71s", v);
    if (custom_hdr(wsi, "x-ratelimit-limit:", v, sizeof v) > 0)
        op->hdr_limit = atoi(v);
    if (custom_hdr(wsi, "x-ratelimit-remaining:", v, sizeof v) > 0)
        op->hdr_remaining = atoi(v);
    if (custom_hdr(wsi, "x-ratelimit-reset-after:", v, sizeof v) > 0)
        op->hdr_reset_after = strtod(v, NULL);
    if (custom_hdr(wsi, "x-ratelimit-global:", v, sizeof v) > 0)
        op->hdr_global = !strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1");
    if (custom_hdr(wsi, "x-ratelimit-scope:", v, sizeof v) > 0)
        snprintf(op->hdr_scope, sizeof op->hdr_scope, "%.15s", v);
    /* Retry-After is one of lws's known headers, not a custom one. */
    if (lws_hdr_copy(wsi, v, sizeof v, WSI_TOKEN_HTTP_RETRY_AFTER) > 0)
        op->hdr_retry_after = strtod(v, NULL);
}

static int keep_body(rest_op *op, const void *in, size_t len)
{
    if (op->overflow)
        return 0;
    if (op->rlen + len > REST_MAX_ANSWER) {
        op->overflow = 1;
        return 0;
    }
    if (op->rlen + len > op->rcap) {
        size_t cap = op->rcap ? op->rcap : 4096;
        while (cap < op->rlen + len)
            cap *= 2;
        char *nb = realloc(op->rbuf, cap);
        if (!nb)
            return -1;
        op->rbuf = nb;
        op->rcap = cap;
    }
    memcpy(op->rbuf + op->rlen, in, len);
    op->rlen += len;
    return 0;
}

static int rest_lws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    rest_op *op = lws_get_opaque_user_data(wsi);

    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        if (!op)
            return -1;
        {
            unsigned char **p = (unsigned char **)in, *end = (*p) + len;
            if (append_headers(wsi, op, p, end) < 0) {
                snprintf(op->error, sizeof op->error, "request headers do not fit");
                return -1;
            }
        }
        return 0;

    case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
        if (!op)
            return -1;
        return write_body(wsi, op);

    case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
        if (!op)
            return -1;
        op->status = (int)lws_http_client_http_response(wsi);
        read_headers(wsi, op);
        return 0;

    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
        if (!op)
            return -1;
        return keep_body(op, in, len);

    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
        char buf[LWS_PRE + 4096];
        char *px = buf + LWS_PRE;
        int lenx = (int)sizeof buf - LWS_PRE;
        if (!op)
            return -1;
        if (lws_http_client_read(wsi, &px, &lenx) < 0)
            return -1;
        return 0;
    }

    case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
        if (op)
            attempt_end(wsi, op, NULL);
        return 0;

    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        reap_failed_wsi(wsi);
        if (op) {
            char why[128];
            if (in && len)
                snprintf(why, sizeof why, "connection failed: %.*s", (int)len, (const char *)in);
            else
                snprintf(why, sizeof why, "connection failed");
            op->status = 0;
            attempt_end(wsi, op, why);
        }
        return 0;

    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
        if (op) {
            op->status = 0; /* whatever arrived, the answer did not end */
            attempt_end(wsi, op, "connection closed before the answer ended");
        }
        return 0;

    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const struct lws_protocols rest_protocol = {
    .name = "bothost-rest",
    .callback = rest_lws_cb,
    .per_session_data_size = 0,
    .rx_buffer_size = 0,
};
