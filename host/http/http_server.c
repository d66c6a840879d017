/*
 * The lws server protocol: route a request, build the whole body on the loop
 * thread, then send headers and body over LWS_CALLBACK_HTTP_WRITEABLE, one
 * write per callback so a large /metrics body never floods lws's buffers.
 */
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "http/http_internal.h"
#include "metrics/metrics.h"

/* Body bytes per writeable callback. */
#define CHUNK 16384

#define JSON_TYPE "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define TEXT_TYPE "text/plain; charset=utf-8"

struct http_pss {
    unsigned char *buf; /* LWS_PRE bytes, then the body */
    size_t len, sent;
    unsigned int status;
    const char *type;
    unsigned head : 1;         /* HEAD: headers only */
    unsigned not_allowed : 1;  /* 405: Allow, and close the connection after it */
    unsigned headers_sent : 1;
};

/* Makes a copy of `text` the response, with room for LWS_PRE before it. */
static int respond(struct http_pss *pss, unsigned int status, const char *type,
                   const char *text, size_t len)
{
    pss->buf = malloc(LWS_PRE + len + 1);
    if (!pss->buf)
        return BH_ENOMEM;
    memcpy(pss->buf + LWS_PRE, text, len);
    pss->len = len;
    pss->sent = 0;
    pss->status = status;
    pss->type = type;
    pss->headers_sent = 0;
    return 0;
}

/* respond() with a malloc'ed body, which it frees. */
static int respond_owned(struct http_pss *pss, unsigned int status, const char *type,
                         char *body, size_t len)
{
    int rc = respond(pss, status, type, body, len);
    free(body);
    return rc;
}

/* The method, whichever way lws stored it; NULL for one we do not know. */
static const char *method_of(struct lws *wsi)
{
    static const struct {
        enum lws_token_indexes tok;
        const char *name;
    } methods[] = {
        {WSI_TOKEN_GET_URI, "GET"},     {WSI_TOKEN_HEAD_URI, "HEAD"},
        {WSI_TOKEN_POST_URI, "POST"},   {WSI_TOKEN_PUT_URI, "PUT"},
        {WSI_TOKEN_PATCH_URI, "PATCH"}, {WSI_TOKEN_DELETE_URI, "DELETE"},
        {WSI_TOKEN_OPTIONS_URI, "OPTIONS"},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (lws_hdr_total_length(wsi, methods[i].tok) > 0)
            return methods[i].name;
    return NULL;
}

/* Counts requests by route, never by raw path, so strangers cannot grow the series. */
static void count(http_site *site, const char *handler, unsigned int status)
{
    char labels[96];
    snprintf(labels, sizeof labels, "handler=\"%s\",code=\"%u\"", handler, status);
    metrics_counter_add(site ? site->metrics : NULL, "bothost_http_requests_total", labels, 1);
}

static int route(struct http_pss *pss, http_site *site, const char *method, const char *path)
{
    char *body = NULL;
    size_t len = 0;
    int rc;
    int known = strcmp(path, "/health/live") == 0 || strcmp(path, "/health/ready") == 0 ||
                strcmp(path, "/metrics") == 0;
    const char *handler = known ? path : "other";
    pss->head = method && strcmp(method, "HEAD") == 0;
    if (!method || (strcmp(method, "GET") != 0 && !pss->head)) {
        pss->not_allowed = 1;
        count(site, handler, 405);
        return respond(pss, 405, TEXT_TYPE, "method not allowed\n", 19);
    }
    if (strcmp(path, "/health/live") == 0) {
        count(site, handler, 200);
        return respond(pss, 200, JSON_TYPE, "{\"status\":\"ok\"}", 15);
    }
    if (strcmp(path, "/health/ready") == 0) {
        rc = http_ready_body(site, &body, &len);
        if (rc < 0)
            goto fail;
        count(site, handler, rc ? 200 : 503);
        return respond_owned(pss, rc ? 200 : 503, JSON_TYPE, body, len);
    }
    if (strcmp(path, "/metrics") == 0) {
        /* Counted before rendering so a scrape sees itself, as Prometheus clients do. */
        count(site, handler, 200);
        rc = metrics_render(site ? site->metrics : NULL, &body, &len);
        if (rc < 0)
            goto fail;
        return respond_owned(pss, 200, METRICS_TYPE, body, len);
    }
    count(site, handler, 404);
    return respond(pss, 404, TEXT_TYPE, "not found\n", 10);
fail:
    log_msg(LOG_ERROR, "http", "cannot build the response to %s: out of memory", path);
    return respond(pss, 500, TEXT_TYPE, "internal error\n", 15);
}

static int write_headers(struct lws *wsi, struct http_pss *pss)
{
    unsigned char hdr[LWS_PRE + 512];
    unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr - 1;
    if (lws_add_http_common_headers(wsi, pss->status, pss->type, pss->len, &p, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &p, end))
        return -1;
    if (pss->not_allowed &&
        (lws_add_http_header_by_name(wsi, (const unsigned char *)"allow:",
                                     (const unsigned char *)"GET, HEAD", 9, &p, end) ||
         lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
                                     (const unsigned char *)"close", 5, &p, end)))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    pss->headers_sent = 1;
    return 0;
}

static void drop_body(struct http_pss *pss)
{
    free(pss->buf);
    pss->buf = NULL;
    pss->len = pss->sent = 0;
}

/* One step of the response: the headers, or the next chunk of the body. */
static int on_writeable(struct lws *wsi, struct http_pss *pss)
{
    if (!pss->buf)
        return 0;
    if (!pss->headers_sent) {
        if (write_headers(wsi, pss) < 0)
            return -1;
        if (!pss->head && pss->len > 0) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    } else {
        size_t n = pss->len - pss->sent;
        int final = n <= CHUNK;
        if (!final)
            n = CHUNK;
        if (lws_write(wsi, pss->buf + LWS_PRE + pss->sent, n,
                      final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
            return -1;
        pss->sent += n;
        if (!final) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    /*
     * Done. A 405 may leave a request body unread, which would be taken for
     * the next request: close instead of keeping the connection.
     */
    int close = pss->not_allowed;
    drop_body(pss);
    if (close || lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    struct http_pss *pss = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        drop_body(pss);
        pss->not_allowed = 0;
        /* The site hangs on the protocol its owner listed. */
        const struct lws_protocols *proto = lws_get_protocol(wsi);
        if (route(pss, proto ? proto->user : NULL, method_of(wsi), in ? (const char *)in : "") < 0)
            return -1;
        lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return on_writeable(wsi, pss);
    case LWS_CALLBACK_HTTP_BODY:
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        /* Only a 405 gets this far with a body: it is ignored. */
        return 0;
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (pss)
            drop_body(pss);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

const struct lws_protocols http_protocol = {
    .name = "bothost-http",
    .callback = http_callback,
    .per_session_data_size = sizeof(struct http_pss),
};
