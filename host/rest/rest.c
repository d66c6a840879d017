/*
 * The REST client: requests, the scheduler that decides when each may go, and
 * what an answer means (done, wait and send again, or retry later).
 *
 * The scheduler (rest_pump) runs on one uv timer: after every change it walks
 * the buckets that hold queued requests, sends those whose bucket, global
 * limit and backoff allow, times out attempts past their deadline, and sets the
 * timer to the earliest moment something else becomes possible. Nothing polls.
 */
#include "rest/rest_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "core/log.h"

#define REST_DNS_TTL_MS 300000
#define REST_SWEEP_EVERY_MS 30000
#define REST_MAX_BODY (8u << 20)

uint64_t rest_now(void)
{
    return uv_hrtime() / 1000000u;
}

static void on_timer(uv_timer_t *t)
{
    rest_pump(t->data);
}

/* Runs the scheduler on the next loop turn, never inside the caller. */
static void kick(rest *r)
{
    if (!r->closing)
        uv_timer_start(&r->timer, on_timer, 0, 0);
}

/* ---- create / destroy ------------------------------------------------------------------ */

static void free_client(rest *r)
{
    rest_buckets_free(r);
    rest_stats_free(r);
    uv_mutex_destroy(&r->call_mu);
    free(r->auth);
    free(r);
}

static void on_handle_closed(uv_handle_t *h)
{
    rest *r = h->data;
    if (--r->handles_open == 0)
        free_client(r);
}

int rest_create(rest **out, uv_loop_t *loop, net *n, const rest_opts *opts)
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
    if (rest_conn_register(net_client_vhost(n), loop) < 0) {
        log_msg(LOG_ERROR, "rest", "the client vhost lacks the %s protocol (net_opts.client_protocols)",
                rest_protocol.name);
        return BH_EINVAL;
    }
    rest *r = calloc(1, sizeof *r);
    if (!r)
        return BH_ENOMEM;
    r->loop = loop;
    r->n = n;
    r->loop_thread = uv_thread_self();
    r->tls = url.tls;
    snprintf(r->host, sizeof r->host, "%s", url.host);
    r->port = url.port;
    snprintf(r->base_path, sizeof r->base_path, "%s", url.path);
    size_t bl = strlen(r->base_path);
    while (bl > 0 && r->base_path[bl - 1] == '/')
        r->base_path[--bl] = '\0';
    r->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 10000;
    r->max_retries = opts->max_retries > 0 ? opts->max_retries : opts->max_retries < 0 ? 0 : 3;
    r->backoff_ms = opts->backoff_ms > 0 ? opts->backoff_ms : 250;
    r->global_per_sec = opts->global_per_sec > 0 ? opts->global_per_sec : 50;
    r->max_429_retries = opts->max_429_retries > 0 ? opts->max_429_retries : 5;
    size_t al = strlen(opts->token) + 5;
    r->auth = malloc(al);
    if (r->auth)
        snprintf(r->auth, al, "Bot %s", opts->token);
    if (uv_mutex_init(&r->call_mu) != 0) {
        free(r->auth);
        free(r);
        return BH_ENOMEM;
    }
    if (!r->auth || rest_buckets_init(r) < 0) {
        free_client(r);
        return BH_ENOMEM;
    }
    log_add_secret(opts->token);
    uv_timer_init(loop, &r->timer);
    r->timer.data = r;
    uv_async_init(loop, &r->async, rest_call_drain);
    r->async.data = r;
    r->handles_open = 2;
    r->invalid_window_start = rest_now();
    r->last_sweep = rest_now();
    log_fields(LOG_INFO, "rest", NULL, "REST client for %s://%s:%d%s", r->tls ? "https" : "http",
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
    while (r->inflight) {
        rest_op *op = r->inflight;
        r->inflight = op->next;
        if (r->inflight)
            r->inflight->prev_inflight = NULL;
        op->next = op->prev_inflight = NULL;
        r->st.in_flight--;
        rest_conn_abandon(op);
        op->bucket->busy--;
        rest_op_finish(op, BH_ESTATE);
    }
    for (rest_bucket *b = r->active_head; b; b = r->active_head) {
        rest_op *op;
        while ((op = rest_bucket_pop(r, b)))
            rest_op_finish(op, BH_ESTATE);
    }
    if (r->gai.data)
        uv_cancel((uv_req_t *)&r->gai);
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
    free(op->path);
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
        char shown[96];
        /* The path may hold an interaction token: show only its start. */
        snprintf(shown, sizeof shown, "%.40s", req->path);
        log_fields(LOG_WARN, "rest", NULL,
                   "%s %s... is not in the route table (host/rest/rest_routes.c)", req->method,
                   shown);
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
    op->t_start = rest_now();
    res->route = route->name;
    op->method = strdup(req->method);
    op->major = strdup(major);
    size_t pl = strlen(r->base_path) + strlen(req->path) + 1;
    op->path = malloc(pl);
    if (op->path)
        snprintf(op->path, pl, "%s%s", r->base_path, req->path);
    if (req->body) {
        op->body_len = strlen(req->body);
        op->body = malloc(LWS_PRE + op->body_len + 1);
        if (op->body)
            memcpy(op->body + LWS_PRE, req->body, op->body_len + 1);
    }
    if (req->reason && req->reason[0])
        op->reason = rest_reason_encode(req->reason);
    rest_bucket *b = rest_bucket_for(r, route, major);
    if (!op->method || !op->major || !op->path || (req->body && !op->body) ||
        (req->reason && req->reason[0] && !op->reason) || !b) {
        free(res);
        op_free(op);
        return BH_ENOMEM;
    }
    rest_bucket_push(r, b, op, 0);
    kick(r);
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
    res->latency_ms = (int64_t)(rest_now() - op->t_start);
    if (op->wait_since) {
        res->wait_ms += (int64_t)(rest_now() - op->wait_since);
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

static void retry_later(rest_op *op, uint64_t now, const char *why)
{
    rest *r = op->r;
    rest_response *res = op->res;
    res->retries++;
    r->st.retries++;
    uint64_t delay = (uint64_t)r->backoff_ms << (res->retries - 1 < 10 ? res->retries - 1 : 10);
    delay += (uint64_t)rand() % (delay / 2 + 1);
    op->not_before = now + delay;
    char fields[160];
    snprintf(fields, sizeof fields, "route=\"%s\" status=%d retry=%d delay_ms=%llu", res->route,
             op->status, res->retries, (unsigned long long)delay);
    log_fields(LOG_INFO, "rest", fields, "retrying after %s", why);
    rest_bucket_push(r, op->bucket, op, 1);
}

static int can_retry(const rest_op *op)
{
    return !(op->flags & REST_F_NO_RETRY) && op->res->retries < op->r->max_retries;
}

/* Discord's "code" and "message" of an error body. */
static void take_error(rest_op *op)
{
    rest_response *res = op->res;
    json_t *code = json_object_get(res->json, "code");
    json_t *msg = json_object_get(res->json, "message");
    res->code = json_is_integer(code) ? (int)json_integer_value(code) : 0;
    if (json_is_string(msg))
        snprintf(res->message, sizeof res->message, "%s", json_string_value(msg));
    else
        snprintf(res->message, sizeof res->message, "HTTP %d", op->status);
}

static void on_429(rest_op *op, uint64_t now)
{
    rest *r = op->r;
    rest_response *res = op->res;
    rest_bucket *b = op->bucket;
    json_t *ra = json_object_get(res->json, "retry_after");
    double secs = json_is_number(ra) ? json_number_value(ra)
                  : op->hdr_retry_after >= 0 ? op->hdr_retry_after
                                             : 1.0;
    if (!(secs >= 0) || secs > 3600)
        secs = 1.0;
    uint64_t wait = (uint64_t)ceil(secs * 1000.0);
    int global = op->hdr_global || json_is_true(json_object_get(res->json, "global")) ||
                 strcmp(op->hdr_scope, "global") == 0;
    int shared = strcmp(op->hdr_scope, "shared") == 0;
    res->ratelimited++;
    char fields[200];
    snprintf(fields, sizeof fields, "route=\"%s\" bucket=%s retry_after_ms=%llu scope=%s",
             res->route, op->hdr_bucket[0] ? op->hdr_bucket : "-", (unsigned long long)wait,
             global ? "global" : op->hdr_scope[0] ? op->hdr_scope : "user");
    if (global) {
        if (now + wait > r->global_until)
            r->global_until = now + wait;
        log_fields(LOG_WARN, "rest", fields, "global rate limit hit: every request waits");
    } else {
        b->known = 1;
        b->remaining = 0;
        if (now + wait > b->reset_at)
            b->reset_at = now + wait;
        log_fields(shared ? LOG_INFO : LOG_WARN, "rest", fields, "rate limited");
    }
    if (res->ratelimited > r->max_429_retries) {
        take_error(op);
        rest_op_finish(op, BH_ELIMIT);
        return;
    }
    op->not_before = now + wait;
    op->wait_since = now;
    rest_bucket_push(r, b, op, 1);
}

/* The result for a final answer. */
static int result_of(int status)
{
    if (status >= 200 && status < 300)
        return 0;
    if (status == 404)
        return BH_ENOTFOUND;
    if (status == 401 || status == 403)
        return BH_EPERM;
    return BH_EDISCORD;
}

void rest_attempt_done(rest_op *op)
{
    rest *r = op->r;
    rest_response *res = op->res;
    uint64_t now = rest_now();

    if (op->prev_inflight || r->inflight == op) {
        if (op->prev_inflight)
            op->prev_inflight->next = op->next;
        else
            r->inflight = op->next;
        if (op->next)
            op->next->prev_inflight = op->prev_inflight;
        op->next = op->prev_inflight = NULL;
        r->st.in_flight--;
    }
    op->wsi = NULL;
    res->attempts++;
    r->st.attempts++;
    res->status = op->status;
    rest_stats_attempt(r, op, now);
    if (op->status > 0)
        rest_bucket_learn(r, op, now);
    op->bucket->busy--;

    json_decref(res->json);
    res->json = NULL;
    if (op->rlen && !op->overflow)
        res->json = json_loadb(op->rbuf, op->rlen, JSON_DECODE_ANY, NULL);
    op->rlen = 0;

    if (op->status == 0) {
        if (op->timed_out)
            r->st.timeouts++;
        else
            r->st.network_errors++;
        /* A refused or reset connection may mean the address moved. */
        if (!op->timed_out)
            r->addr_time = 0;
        snprintf(res->message, sizeof res->message, "%.250s",
                 op->error[0] ? op->error : "no answer");
        if (can_retry(op))
            retry_later(op, now, op->timed_out ? "a timeout" : "a network error");
        else
            rest_op_finish(op, op->timed_out ? BH_ETIMEDOUT : BH_EDISCORD);
    } else if (op->status == 429) {
        on_429(op, now);
    } else if (op->status >= 500) {
        take_error(op);
        if (can_retry(op))
            retry_later(op, now, "a server error");
        else
            rest_op_finish(op, BH_EDISCORD);
    } else {
        res->code = 0;
        res->message[0] = '\0';
        if (op->status >= 400)
            take_error(op);
        rest_op_finish(op, result_of(op->status));
    }
    rest_pump(r);
}

/* ---- DNS ------------------------------------------------------------------------------- */

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    rest *r = req->data;
    req->data = NULL;
    if (r->closing) {
        uv_freeaddrinfo(res);
        if (--r->handles_open == 0)
            free_client(r);
        return;
    }
    int had = r->dns_state == REST_DNS_OK;
    if (status == 0 && res) {
        /* One address per attempt: IPv4 first, as IPv6 routes are often missing. */
        const struct addrinfo *pick = res;
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
            if (ai->ai_family == AF_INET) {
                pick = ai;
                break;
            }
        char ip[64] = "";
        if (pick->ai_family == AF_INET6)
            uv_ip6_name((const struct sockaddr_in6 *)pick->ai_addr, ip, sizeof ip);
        else
            uv_ip4_name((const struct sockaddr_in *)pick->ai_addr, ip, sizeof ip);
        snprintf(r->addr, sizeof r->addr, "%s", ip);
        r->addr_time = rest_now();
        r->dns_state = REST_DNS_OK;
    } else if (!had) {
        snprintf(r->dns_error, sizeof r->dns_error, "cannot resolve %s: %s", r->host,
                 uv_strerror(status));
        log_fields(LOG_WARN, "rest", NULL, "%s", r->dns_error);
        r->dns_state = REST_DNS_FAILED;
    } else {
        /* Keep the address that worked until a lookup succeeds. */
        r->addr_time = rest_now();
    }
    uv_freeaddrinfo(res);
    r->handles_open--;
    rest_pump(r);
}

static void resolve(rest *r)
{
    if (r->gai.data)
        return;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[16];
    snprintf(port, sizeof port, "%d", r->port);
    r->gai.data = r;
    int rc = uv_getaddrinfo(r->loop, &r->gai, on_resolved, r->host, port, &hints);
    if (rc < 0) {
        r->gai.data = NULL;
        if (r->dns_state != REST_DNS_OK) {
            snprintf(r->dns_error, sizeof r->dns_error, "cannot resolve %s: %s", r->host,
                     uv_strerror(rc));
            r->dns_state = REST_DNS_FAILED;
        }
        return;
    }
    r->handles_open++;
    if (r->dns_state != REST_DNS_OK)
        r->dns_state = REST_DNS_BUSY;
}

/* ---- the scheduler --------------------------------------------------------------------- */

static void start_waiting(rest_op *op, uint64_t now)
{
    if (!op->wait_since)
        op->wait_since = now;
}

static void end_waiting(rest_op *op, uint64_t now)
{
    if (!op->wait_since)
        return;
    uint64_t waited = now - op->wait_since;
    op->res->wait_ms += (int64_t)waited;
    op->r->st.ratelimit_waits++;
    op->r->st.ratelimit_wait_ms += waited;
    op->wait_since = 0;
}

/* Fails the attempt `op` would have made, without a connection. */
static void fail_unsent(rest *r, rest_bucket *b, const char *why)
{
    rest_op *op = rest_bucket_pop(r, b);
    b->busy++;
    op->status = 0;
    op->timed_out = 0;
    snprintf(op->error, sizeof op->error, "%s", why);
    rest_attempt_done(op);
}

static void run_once(rest *r, uint64_t now, uint64_t *next)
{
    /* Attempts past their deadline. */
    for (rest_op *op = r->inflight, *nx; op && !r->closing; op = nx) {
        nx = op->next;
        if (op->deadline > now) {
            if (op->deadline < *next)
                *next = op->deadline;
            continue;
        }
        op->timed_out = 1;
        op->status = 0;
        snprintf(op->error, sizeof op->error, "no answer within %d ms", r->timeout_ms);
        rest_conn_abandon(op);
        rest_attempt_done(op);
        /* Callbacks may have changed the list: start over on the next turn. */
        r->repump = 1;
        return;
    }

    int need_dns = r->dns_state != REST_DNS_OK ||
                   (r->addr_time + REST_DNS_TTL_MS < now && !r->gai.data);
    for (rest_bucket *b = r->active_head, *bn; b && !r->closing; b = bn) {
        bn = b->anext;
        if (b->busy || !b->head)
            continue;
        rest_op *op = b->head;
        if (op->not_before > now) {
            if (op->not_before < *next)
                *next = op->not_before;
            continue;
        }
        if (b->known && b->remaining <= 0 && now < b->reset_at) {
            start_waiting(op, now);
            if (b->reset_at < *next)
                *next = b->reset_at;
            continue;
        }
        int exempt = (op->route->flags & REST_ROUTE_INTERACTION) != 0;
        if (!exempt) {
            uint64_t at = now < r->global_until ? r->global_until : rest_global_next(r, now);
            if (at) {
                start_waiting(op, now);
                if (at < *next)
                    *next = at;
                continue;
            }
        }
        if (need_dns) {
            if (r->dns_state == REST_DNS_FAILED) {
                fail_unsent(r, b, r->dns_error);
                r->repump = 1;
                return;
            }
            resolve(r);
            if (r->dns_state != REST_DNS_OK)
                continue; /* on_resolved() runs the scheduler again */
            need_dns = 0;
        }
        if (!exempt)
            rest_global_take(r, now);
        rest_bucket_pop(r, b);
        b->busy++;
        b->last_used = now;
        end_waiting(op, now);
        op->next = r->inflight;
        op->prev_inflight = NULL;
        if (r->inflight)
            r->inflight->prev_inflight = op;
        r->inflight = op;
        r->st.in_flight++;
        op->deadline = now + (uint64_t)r->timeout_ms;
        if (op->deadline < *next)
            *next = op->deadline;
        rest_conn_start(op);
        if (r->repump)
            return;
    }
    if (r->dns_state == REST_DNS_FAILED)
        r->dns_state = REST_DNS_NONE; /* the next attempt looks the name up again */
}

void rest_pump(rest *r)
{
    if (r->closing)
        return;
    if (r->pumping) {
        r->repump = 1;
        return;
    }
    r->pumping = 1;
    uint64_t now, next;
    do {
        r->repump = 0;
        now = rest_now();
        next = UINT64_MAX;
        run_once(r, now, &next);
    } while (r->repump && !r->closing);
    r->pumping = 0;
    if (r->closing)
        return;
    if (now - r->last_sweep > REST_SWEEP_EVERY_MS) {
        r->last_sweep = now;
        rest_buckets_sweep(r, now);
    }
    if (next == UINT64_MAX) {
        uv_timer_stop(&r->timer);
        return;
    }
    /* The loop's clock lags ours by the time this turn took: catch it up first. */
    uv_update_time(r->loop);
    now = rest_now();
    uv_timer_start(&r->timer, on_timer, next > now ? next - now + 1 : 1, 0);
}
