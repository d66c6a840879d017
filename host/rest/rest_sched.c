/*
 * The scheduler: when each request may go. It runs on one uv timer: after
 * every change it looks at the buckets that may go (rest_ready.c keeps those
 * that wait for a time or for the global limit aside), sends those whose
 * bucket, global limit and backoff allow, and sets the timer to the earliest
 * moment something else becomes possible. Nothing polls; libcurl times out
 * the attempts. The API host's address is looked up here too, with
 * net_lookup_start() (off the loop), so that nothing on the loop thread waits
 * for a name.
 */
#include "rest/rest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"

#define REST_DNS_TTL_MS 300000
#define REST_SWEEP_EVERY_MS 30000

static void on_timer(uv_timer_t *t)
{
    rest_pump(t->data);
}

void rest_sched_kick(rest *r)
{
    if (!r->closing)
        uv_timer_start(&r->timer, on_timer, 0, 0);
}

/* ---- DNS ------------------------------------------------------------------------------- */

static void on_resolved(net_lookup *l, int status, const char *addr, const char *error)
{
    rest *r = l->data;
    if (r->closing) {
        rest_handle_closed(r);
        return;
    }
    if (addr) {
        snprintf(r->addr, sizeof r->addr, "%s", addr);
        r->addr_time = clock_now_ms();
        r->dns_state = REST_DNS_OK;
    } else if (r->dns_state != REST_DNS_OK) {
        log_fields(LOG_WARN, "rest", NULL, "%s", error);
        r->dns_state = REST_DNS_FAILED;
    } else {
        /* Keep the address that worked until a lookup succeeds. */
        r->addr_time = clock_now_ms();
    }
    r->handles_open--;
    rest_pump(r);
}

static void resolve(rest *r)
{
    if (r->dns.busy)
        return;
    r->dns.data = r;
    if (net_lookup_start(&r->dns, r->loop, r->host, on_resolved) < 0) {
        if (r->dns_state != REST_DNS_OK)
            r->dns_state = REST_DNS_FAILED;
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

enum try_result { TRY_SENT, TRY_WAITING, TRY_WAIT_DNS, TRY_REPUMP };

static void min_at(uint64_t *next, uint64_t at)
{
    if (at < *next)
        *next = at;
}

/*
 * Sends the head of `b` if its backoff, its bucket and the global limit allow,
 * or puts the bucket on the list of what it waits for.
 */
static int try_send(rest *r, rest_bucket *b, uint64_t now, uint64_t *next)
{
    r->sched_visits++;
    rest_op *op = STAILQ_FIRST(&b->queue);
    if (b->busy || !op) {
        rest_ready_unlist(r, b); /* the answer on the wire puts it back */
        return TRY_WAITING;
    }
    if (op->not_before > now) {
        rest_ready_wait_until(r, b, op->not_before);
        return TRY_WAITING;
    }
    if (b->known && b->remaining <= 0 && now < b->reset_at) {
        start_waiting(op, now);
        rest_ready_wait_until(r, b, b->reset_at);
        return TRY_WAITING;
    }
    int exempt = (op->route->flags & REST_ROUTE_INTERACTION) != 0;
    if (!exempt) {
        uint64_t at = now < r->global_until ? r->global_until : rest_global_next(r, now);
        if (at) {
            start_waiting(op, now);
            rest_ready_wait_global(r, b);
            min_at(next, at);
            return TRY_WAITING;
        }
    }
    if (r->dns_state != REST_DNS_OK || (r->addr_time + REST_DNS_TTL_MS < now && !r->dns.busy)) {
        if (r->dns_state == REST_DNS_FAILED) {
            fail_unsent(r, b, r->dns.error);
            return TRY_REPUMP;
        }
        resolve(r);
        if (r->dns_state != REST_DNS_OK)
            return TRY_WAIT_DNS; /* on_resolved() runs the scheduler again */
    }
    if (!exempt)
        rest_global_take(r, now);
    rest_bucket_pop(r, b);
    rest_ready_unlist(r, b);
    b->busy++;
    b->last_used = now;
    end_waiting(op, now);
    LIST_INSERT_HEAD(&r->inflight, op, wire);
    op->on_wire = 1;
    r->st.in_flight++;
    rest_conn_start(op);
    return r->repump ? TRY_REPUMP : TRY_SENT;
}

static void run_once(rest *r, uint64_t now, uint64_t *next)
{
    uint64_t wake = rest_ready_due(r, now);
    /* Those waiting for the global limit go first: they have waited longest. */
    while (!TAILQ_EMPTY(&r->gwait) && !r->closing) {
        uint64_t at = now < r->global_until ? r->global_until : rest_global_next(r, now);
        if (at) {
            min_at(next, at);
            break;
        }
        rest_bucket *b = TAILQ_FIRST(&r->gwait);
        rest_ready_unlist(r, b);
        int rc = try_send(r, b, now, next);
        if (rc == TRY_REPUMP) {
            r->repump = 1;
            return;
        }
        if (rc == TRY_WAIT_DNS) {
            rest_ready_activate(r, b);
            break;
        }
    }
    for (rest_bucket *b = TAILQ_FIRST(&r->active), *bn; b && !r->closing; b = bn) {
        bn = TAILQ_NEXT(b, alink);
        int rc = try_send(r, b, now, next);
        if (rc == TRY_REPUMP) {
            r->repump = 1;
            return;
        }
        if (rc == TRY_WAIT_DNS)
            break;
    }
    wake = rest_ready_due(r, now);
    if (wake)
        min_at(next, wake);
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
        now = clock_now_ms();
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
    now = clock_now_ms();
    uv_timer_start(&r->timer, on_timer, next > now ? next - now + 1 : 1, 0);
}
