/*
 * What an attempt's answer means: done (the callback gets it), wait and send
 * again (429), or retry later with backoff (5xx, no answer, a timeout).
 */
#include "rest/rest_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/clock.h"
#include "base/log.h"

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
    uint64_t now = clock_now_ms();

    if (op->on_wire) {
        LIST_REMOVE(op, wire);
        op->on_wire = 0;
        r->st.in_flight--;
    }
    res->attempts++;
    r->st.attempts++;
    res->status = op->status;
    rest_stats_attempt(r, op, now);
    if (op->status > 0)
        rest_bucket_learn(r, op, now);
    if (--op->bucket->busy == 0 && !STAILQ_EMPTY(&op->bucket->queue))
        rest_ready_activate(r, op->bucket);
    rest_log_attempt(op, now);

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
