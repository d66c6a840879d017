/*
 * The REST client's public face: create and destroy, taking requests, and
 * ending them (the callback). When a request goes is rest_sched.c's business,
 * what an answer means rest_answer.c's.
 */
#include "rest/rest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/clock.h"
#include "base/log.h"

/* ---- create / destroy ------------------------------------------------------------------ */

void rest_free(rest *r)
{
    rest_buckets_free(r);
    rest_stats_free(r);
    uv_mutex_destroy(&r->call_mu);
    free(r->auth);
    free(r->cainfo);
    free(r->capath);
    free(r);
}

void rest_handle_closed(rest *r)
{
    if (--r->handles_open == 0)
        rest_free(r);
}

static void on_handle_closed(uv_handle_t *h)
{
    rest_handle_closed(h->data);
}

/* A copy of the environment variable `name`, NULL when unset or empty. */
static int env_dup(const char *name, char **out)
{
    const char *v = getenv(name);
    *out = v && v[0] ? strdup(v) : NULL;
    return v && v[0] && !*out ? -1 : 0;
}

int rest_create(rest **out, uv_loop_t *loop, const rest_opts *opts)
{
    *out = NULL;
    if (!opts->token || !opts->token[0]) {
        log_msg(LOG_ERROR, "rest", "no bot token");
        return BH_EINVAL;
    }
    const char *base = opts->api_base && opts->api_base[0] ? opts->api_base : REST_DEFAULT_API_BASE;
    net_url url;
    if (net_url_parse(base, &url) < 0 || strstr(base, "ws://") == base ||
        strstr(base, "wss://") == base) {
        log_msg(LOG_ERROR, "rest", "[discord] api_base '%s' is not an http(s) URL", base);
        return BH_EINVAL;
    }
    rest *r = calloc(1, sizeof *r);
    if (!r)
        return BH_ENOMEM;
    rest_ready_init(r);
    STAILQ_INIT(&r->calls);
    r->loop = loop;
    r->loop_thread = uv_thread_self();
    r->tls = url.tls;
    snprintf(r->host, sizeof r->host, "%s", url.host);
    r->port = url.port;
    snprintf(r->base_path, sizeof r->base_path, "%s", url.path);
    size_t bl = strlen(r->base_path);
    while (bl > 0 && r->base_path[bl - 1] == '/')
        r->base_path[--bl] = '\0';
    int v6 = strchr(r->host, ':') != NULL;
    snprintf(r->origin, sizeof r->origin, "%s://%s%s%s:%d", r->tls ? "https" : "http",
             v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
    r->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 10000;
    r->max_retries = opts->max_retries > 0 ? opts->max_retries : opts->max_retries < 0 ? 0 : 3;
    r->backoff_ms = opts->backoff_ms > 0 ? opts->backoff_ms : 250;
    r->global_per_sec = opts->global_per_sec > 0 ? opts->global_per_sec : 50;
    r->max_429_retries = opts->max_429_retries > 0 ? opts->max_429_retries : 5;
    size_t al = strlen(opts->token) + 20;
    r->auth = malloc(al);
    if (r->auth)
        snprintf(r->auth, al, "Authorization: Bot %s", opts->token);
    if (uv_mutex_init(&r->call_mu) != 0) {
        free(r->auth);
        free(r);
        return BH_ENOMEM;
    }
    if (!r->auth || rest_buckets_init(r) < 0 || env_dup("SSL_CERT_FILE", &r->cainfo) < 0 ||
        env_dup("SSL_CERT_DIR", &r->capath) < 0 || rest_conn_init(r) < 0) {
        rest_free(r);
        return BH_ENOMEM;
    }
    log_add_secret(opts->token);
    uv_timer_init(loop, &r->timer);
    r->timer.data = r;
    uv_async_init(loop, &r->async, rest_call_drain);
    r->async.data = r;
    r->handles_open += 2;
    r->invalid_window_start = clock_now_ms();
    r->last_sweep = clock_now_ms();
    log_fields(LOG_DEBUG, "rest", NULL, "REST client for %s://%s:%d%s", r->tls ? "https" : "http",
               r->host, r->port, r->base_path);
    *out = r;
    return 0;
}

void rest_destroy(rest *r)
{
    if (!r || r->closing)
        return;
    r->closing = 1;
    rest_call_close(r);
    for (rest_op *op; (op = LIST_FIRST(&r->inflight));) {
        LIST_REMOVE(op, wire);
        op->on_wire = 0;
        r->st.in_flight--;
        rest_conn_abandon(op);
        op->bucket->busy--;
        rest_op_finish(op, BH_ESTATE);
    }
    for (size_t i = 0; i < r->table_size; i++)
        for (rest_bucket *b = r->table[i]; b; b = b->hnext) {
            rest_op *op;
            while ((op = rest_bucket_pop(r, b)))
                rest_op_finish(op, BH_ESTATE);
        }
    rest_conn_close(r);
    net_lookup_cancel(&r->dns);
    uv_close((uv_handle_t *)&r->timer, on_handle_closed);
    uv_close((uv_handle_t *)&r->async, on_handle_closed);
}

/* ---- requests -------------------------------------------------------------------------- */

static int method_ok(const char *m)
{
    static const char *const ok[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(m, ok[i]) == 0)
            return 1;
    return 0;
}

static void op_free(rest_op *op)
{
    free(op->method);
    free(op->url);
    free(op->body);
    free(op->major);
    free(op->reason);
    free(op->rbuf);
    free(op);
}

int rest_request(rest *r, const rest_req *req, rest_cb cb, void *arg)
{
    if (r->closing)
        return BH_ESTATE;
    if (!req || !req->method || !req->path || req->path[0] != '/' || !cb || !method_ok(req->method))
        return BH_EINVAL;
    const rest_route *route;
    char major[1024];
    if (rest_route_match(req->method, req->path, &route, major, sizeof major) < 0) {
        /* The path may hold a token: show only its first segment ("/interactions"). */
        int seg = (int)strcspn(req->path + 1, "/?") + 1;
        log_fields(LOG_WARN, "rest", NULL,
                   "%s %.*s/... is not in the route table (host/rest/rest_routes.c)", req->method,
                   seg > 64 ? 64 : seg, req->path);
        return BH_EINVAL;
    }
    rest_op *op = calloc(1, sizeof *op);
    rest_response *res = calloc(1, sizeof *res);
    if (!op || !res) {
        free(op);
        free(res);
        return BH_ENOMEM;
    }
    op->r = r;
    op->res = res;
    op->route = route;
    op->cb = cb;
    op->arg = arg;
    op->flags = req->flags;
    op->t_start = clock_now_ms();
    res->route = route->name;
    op->method = strdup(req->method);
    op->major = strdup(major);
    size_t ul = strlen(r->origin) + strlen(r->base_path) + strlen(req->path) + 1;
    op->url = malloc(ul);
    if (op->url)
        snprintf(op->url, ul, "%s%s%s", r->origin, r->base_path, req->path);
    if (req->body) {
        op->body_len = strlen(req->body);
        op->body = malloc(op->body_len + 1);
        if (op->body)
            memcpy(op->body, req->body, op->body_len + 1);
    }
    if (req->reason && req->reason[0])
        op->reason = rest_reason_encode(req->reason);
    rest_bucket *b = rest_bucket_for(r, route, major);
    if (!op->method || !op->major || !op->url || (req->body && !op->body) ||
        (req->reason && req->reason[0] && !op->reason) || !b) {
        free(res);
        op_free(op);
        return BH_ENOMEM;
    }
    rest_bucket_push(r, b, op, 0);
    rest_sched_kick(r);
    return 0;
}

void rest_response_free(rest_response *res)
{
    if (!res)
        return;
    json_decref(res->json);
    free(res);
}

/* ---- finishing ------------------------------------------------------------------------- */

void rest_op_finish(rest_op *op, int result)
{
    rest *r = op->r;
    rest_response *res = op->res;
    res->result = result;
    res->latency_ms = (int64_t)(clock_now_ms() - op->t_start);
    if (op->wait_since) {
        res->wait_ms += (int64_t)(clock_now_ms() - op->wait_since);
        op->wait_since = 0;
    }
    if (result != 0 && !res->message[0])
        snprintf(res->message, sizeof res->message, "%.250s",
                 result == BH_ESTATE ? "the REST client is shutting down"
                 : op->error[0]     ? op->error
                                    : "request failed");
    r->st.requests++;
    if (result != 0 && result != BH_ESTATE) {
        char fields[160];
        snprintf(fields, sizeof fields, "route=\"%s\" status=%d code=%d attempts=%d", res->route,
                 res->status, res->code, res->attempts);
        log_fields(result == BH_ENOTFOUND ? LOG_INFO : LOG_WARN, "rest", fields, "%s",
                   res->message);
    }
    op->res = NULL;
    rest_cb cb = op->cb;
    void *arg = op->arg;
    op_free(op);
    cb(res, arg);
}
