/*
 * The lws side: one vhost, one protocol serving both the HTTP API (REST and
 * control) and the gateway websocket, on lws's own poll loop.
 *
 * An HTTP request is collected whole (headers, query, body), handed to
 * emu_route() as an emu_req, and its emu_resp is written back on writeable.
 * A handler with nothing to say yet (a long-poll) answers `deferred`: the
 * request is parked and asked again after every state change, and once more
 * with `final` set when its wait runs out.  A fault may delay an answer.
 */
#include "emu.h"
#include "emu_pss.h"

#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMU_MAX_BODY (4u << 20)

/* ---- responses --------------------------------------------------------------- */

void emu_resp_json(emu_resp *r, int status, json_t *body)
{
    r->status = status;
    json_decref(r->body);
    r->body = body;
}

void emu_resp_header(emu_resp *r, const char *name, const char *value)
{
    if (!r->headers)
        r->headers = json_object();
    json_object_set_new(r->headers, name, json_string(value));
}

void emu_resp_error(emu_resp *r, int status, int code, const char *message)
{
    emu_resp_json(r, status, json_pack("{s:s, s:i}", "message", message, "code", code));
}

void emu_resp_clear(emu_resp *r)
{
    json_decref(r->body);
    json_decref(r->headers);
    memset(r, 0, sizeof *r);
}

void emu_route(emu *e, const emu_req *req, emu_resp *resp)
{
    if (!strncmp(req->path, "/_emu/", 6) || !strcmp(req->path, "/_emu"))
        emu_control_handle(e, req, resp);
    else if (!strncmp(req->path, "/api/", 5))
        emu_rest_handle(e, req, resp);
    else
        emu_resp_error(resp, 404, 0, "404: Not Found");
}

/* ---- per-request bookkeeping -------------------------------------------------- */

static void emu_pss_reset(emu_pss *pss)
{
    free(pss->path);
    free(pss->auth);
    free(pss->reason);
    free(pss->body);
    free(pss->out);
    json_decref(pss->query);
    json_decref(pss->json);
    json_decref(pss->headers);
    pss->path = pss->auth = pss->reason = pss->body = pss->out = NULL;
    pss->query = pss->json = pss->headers = NULL;
    pss->body_len = pss->out_len = pss->out_off = 0;
    pss->json_error = pss->hdr_sent = pss->status = pss->ready = 0;
}

static void emu_unpark(emu *e, emu_pss *pss)
{
    emu_pss **pp;
    for (pp = &e->deferred; *pp; pp = &(*pp)->next_deferred)
        if (*pp == pss) {
            *pp = pss->next_deferred;
            break;
        }
    pss->next_deferred = NULL;
    pss->parked = 0;
}

static char *emu_hdr_dup(struct lws *wsi, enum lws_token_indexes t)
{
    int n = lws_hdr_total_length(wsi, t);
    char *s;
    if (n <= 0)
        return NULL;
    s = malloc((size_t)n + 1);
    if (s && lws_hdr_copy(wsi, s, n + 1, t) < 0) {
        free(s);
        return NULL;
    }
    return s;
}

static char *emu_custom_hdr_dup(struct lws *wsi, const char *name)
{
    int n = lws_hdr_custom_length(wsi, name, (int)strlen(name));
    char *s;
    if (n <= 0)
        return NULL;
    s = malloc((size_t)n + 1);
    if (s && lws_hdr_custom_copy(wsi, s, n + 1, name, (int)strlen(name)) < 0) {
        free(s);
        return NULL;
    }
    return s;
}

static void emu_fill_req(emu_pss *pss, emu_req *req, int final)
{
    memset(req, 0, sizeof *req);
    req->method = pss->method;
    req->path = pss->path;
    req->query = pss->query;
    req->auth = pss->auth;
    req->reason = pss->reason;
    req->body = pss->body;
    req->body_len = pss->body_len;
    req->json = pss->json;
    req->json_error = pss->json_error;
    req->final = final;
}

static void emu_set_output(emu_pss *pss, emu_resp *resp)
{
    char *text = NULL;
    size_t n = 0;
    pss->status = resp->status ? resp->status : 200;
    if (resp->body) {
        text = json_dumps(resp->body, JSON_COMPACT);
        n = text ? strlen(text) : 0;
    }
    pss->out = malloc(LWS_PRE + n + 1);
    if (pss->out && n)
        memcpy(pss->out + LWS_PRE, text, n);
    free(text);
    pss->out_len = n;
    pss->out_off = 0;
    pss->headers = resp->headers;
    resp->headers = NULL;
}

static void emu_sul_cb(lws_sorted_usec_list_t *sul);

/* Runs the request; parks it, delays it or queues the answer. */
static void emu_run(emu *e, emu_pss *pss, int final)
{
    emu_req req;
    emu_resp resp;
    memset(&resp, 0, sizeof resp);
    emu_fill_req(pss, &req, final);
    emu_route(e, &req, &resp);
    if (resp.deferred && !final) {
        if (!pss->parked) {
            unsigned wait = resp.wait_ms ? resp.wait_ms : 30000;
            pss->parked = 1;
            pss->next_deferred = e->deferred;
            e->deferred = pss;
            lws_set_timeout(pss->wsi, NO_PENDING_TIMEOUT, 0);
            lws_sul_schedule(e->ctx, 0, &pss->sul, emu_sul_cb, (lws_usec_t)wait * 1000);
        }
        emu_resp_clear(&resp);
        return;
    }
    if (pss->parked) {
        emu_unpark(e, pss);
        lws_sul_schedule(e->ctx, 0, &pss->sul, NULL, LWS_SET_TIMER_USEC_CANCEL);
    }
    emu_set_output(pss, &resp);
    if (resp.delay_ms) {
        lws_set_timeout(pss->wsi, NO_PENDING_TIMEOUT, 0);
        pss->delayed = 1;
        lws_sul_schedule(e->ctx, 0, &pss->sul, emu_sul_cb, (lws_usec_t)resp.delay_ms * 1000);
    } else {
        pss->ready = 1;
        lws_callback_on_writable(pss->wsi);
    }
    emu_resp_clear(&resp);
}

static void emu_sul_cb(lws_sorted_usec_list_t *sul)
{
    emu_pss *pss = lws_container_of(sul, emu_pss, sul);
    if (pss->delayed) {
        pss->delayed = 0;
        pss->ready = 1;
        lws_callback_on_writable(pss->wsi);
    } else if (pss->parked) {
        emu_run(pss->e, pss, 1);
    }
}

void emu_http_wake(emu *e)
{
    emu_pss *p, *next;
    if (e->waking)
        return;
    e->waking = 1;
    for (p = e->deferred; p; p = next) {
        next = p->next_deferred;
        emu_run(e, p, 0);
    }
    e->waking = 0;
}

static void emu_dispatch(emu *e, emu_pss *pss)
{
    if (pss->body_len) {
        json_error_t jerr;
        pss->json = json_loadb(pss->body, pss->body_len, JSON_DECODE_ANY, &jerr);
        if (!pss->json)
            pss->json_error = 1;
    }
    emu_run(e, pss, 0);
    emu_http_wake(e);
}

static void emu_parse_args(struct lws *wsi, emu_pss *pss)
{
    char buf[2048];
    int i;
    pss->query = json_object();
    for (i = 0; lws_hdr_copy_fragment(wsi, buf, sizeof buf, WSI_TOKEN_HTTP_URI_ARGS, i) > 0; i++) {
        char *eq = strchr(buf, '=');
        if (eq) {
            *eq = '\0';
            json_object_set_new(pss->query, buf, json_string(eq + 1));
        } else {
            json_object_set_new(pss->query, buf, json_string(""));
        }
    }
}

static int emu_http_begin(emu *e, struct lws *wsi, emu_pss *pss)
{
    static const char *const names[] = {"GET", "POST", "OPTIONS", "PUT", "PATCH", "DELETE",
                                        "CONNECT", "HEAD"};
    char *uri = NULL;
    int ulen = 0, m;
    char *cl;
    emu_pss_reset(pss);
    pss->e = e;
    pss->wsi = wsi;
    m = lws_http_get_uri_and_method(wsi, &uri, &ulen);
    if (m < 0 || m >= (int)(sizeof names / sizeof names[0]) || !uri)
        return -1;
    snprintf(pss->method, sizeof pss->method, "%s", names[m]);
    pss->path = malloc((size_t)ulen + 1);
    if (!pss->path)
        return -1;
    memcpy(pss->path, uri, (size_t)ulen);
    pss->path[ulen] = '\0';
    pss->auth = emu_hdr_dup(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
    pss->reason = emu_custom_hdr_dup(wsi, "x-audit-log-reason:");
    /* Discord takes the reason URL-encoded and shows it decoded in the audit log. */
    if (pss->reason)
        lws_urldecode(pss->reason, pss->reason, (int)strlen(pss->reason) + 1);
    emu_parse_args(wsi, pss);
    cl = emu_hdr_dup(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
    pss->expect_body = cl && atol(cl) > 0;
    free(cl);
    if (!pss->expect_body)
        emu_dispatch(e, pss);
    return 0;
}

static int emu_http_body(emu_pss *pss, const void *in, size_t len)
{
    if (len == 0) /* lws reports an empty body as (NULL, 0) */
        return 0;
    if (pss->body_len + len > EMU_MAX_BODY)
        return -1;
    return emu_buf_append(&pss->body, &pss->body_len, in, len);
}

static int emu_http_write(struct lws *wsi, emu_pss *pss)
{
    if (!pss->ready || !pss->out)
        return 0;
    if (!pss->hdr_sent) {
        unsigned char buf[LWS_PRE + 4096], *start = &buf[LWS_PRE], *p = start,
                      *end = &buf[sizeof buf - 1];
        const char *k;
        json_t *v;
        if (lws_add_http_common_headers(wsi, (unsigned)pss->status,
                                        pss->out_len ? "application/json" : NULL,
                                        pss->out_len, &p, end))
            return -1;
        json_object_foreach(pss->headers, k, v) {
            char name[96];
            const char *val = json_string_value(v);
            snprintf(name, sizeof name, "%s:", k);
            if (lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                            (const unsigned char *)val, (int)strlen(val), &p, end))
                return -1;
        }
        if (lws_finalize_write_http_header(wsi, start, &p, end))
            return -1;
        pss->hdr_sent = 1;
        if (pss->out_len) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    } else {
        size_t n = pss->out_len - pss->out_off;
        int final;
        if (n > 32768)
            n = 32768;
        final = pss->out_off + n == pss->out_len;
        if (lws_write(wsi, (unsigned char *)pss->out + LWS_PRE + pss->out_off, n,
                      final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
            return -1;
        pss->out_off += n;
        if (!final) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    pss->ready = 0;
    if (lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

static void emu_http_closed(emu *e, emu_pss *pss)
{
    if (pss->parked)
        emu_unpark(e, pss);
    lws_sul_schedule(e->ctx, 0, &pss->sul, NULL, LWS_SET_TIMER_USEC_CANCEL);
    emu_pss_reset(pss);
}

static int emu_lws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                      size_t len)
{
    emu_pss *pss = user;
    struct lws_context *ctx = lws_get_context(wsi);
    emu *e = ctx ? lws_context_user(ctx) : NULL;

    switch (reason) {
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
        /* Every accepted TCP connection: tests check that clients keep theirs alive. */
        if (e)
            emu_stat_add(e, "http", "tcp_accepted", 1);
        return 0;
    case LWS_CALLBACK_HTTP:
        return emu_http_begin(e, wsi, pss);
    case LWS_CALLBACK_HTTP_BODY:
        return emu_http_body(pss, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        /* lws also reports an empty body (Content-Length: 0), already dispatched in begin. */
        if (pss->expect_body)
            emu_dispatch(e, pss);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return emu_http_write(wsi, pss);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        /* Either may come last for a connection: both leave nothing behind. */
        if (pss && pss->e)
            emu_http_closed(e, pss);
        return 0;
    case LWS_CALLBACK_ESTABLISHED:
        pss->e = e;
        pss->wsi = wsi;
        return emu_gw_established(e, wsi, pss);
    case LWS_CALLBACK_RECEIVE:
        return emu_gw_receive(e, wsi, pss, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return emu_gw_writeable(e, wsi, pss);
    case LWS_CALLBACK_CLOSED:
        emu_gw_closed(e, pss);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols emu_protocols[] = {
    {"emu", emu_lws_cb, sizeof(emu_pss), 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int emu_http_start(emu *e)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = e->o.port;
    info.iface = e->o.host;
    info.protocols = emu_protocols;
    info.user = e;
    info.max_http_header_data = 8192;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.timeout_secs = 60;
    lws_set_log_level(e->o.verbose ? (LLL_ERR | LLL_WARN | LLL_NOTICE) : LLL_ERR, NULL);
    e->ctx = lws_create_context(&info);
    if (!e->ctx)
        return -1;
    e->vh = lws_get_vhost_by_name(e->ctx, "default");
    e->port = e->vh ? lws_get_vhost_listen_port(e->vh) : -1;
    if (e->port <= 0)
        return -1;
    return 0;
}

void emu_http_free(emu *e)
{
    if (e->ctx)
        lws_context_destroy(e->ctx);
    e->ctx = NULL;
}
