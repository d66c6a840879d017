/*
 * Counters for /metrics: attempts by route and status, and the invalid
 * requests Discord counts towards its IP ban (10,000 401/403/429 answers in 10
 * minutes; 429s of shared scope do not count).
 */
#include "rest/rest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

#define REST_INVALID_WINDOW_MS 600000
#define REST_INVALID_WARN_EVERY 1000

static rest_route_stat *row_for(rest *r, const rest_route *route, int status)
{
    for (size_t i = 0; i < r->nrstats; i++)
        if (r->rstats[i].route == route && r->rstats[i].status == status)
            return &r->rstats[i];
    if (r->nrstats == r->caprstats) {
        size_t cap = r->caprstats ? r->caprstats * 2 : 32;
        rest_route_stat *n = realloc(r->rstats, cap * sizeof *n);
        if (!n)
            return NULL;
        r->rstats = n;
        r->caprstats = cap;
    }
    rest_route_stat *row = &r->rstats[r->nrstats++];
    memset(row, 0, sizeof *row);
    row->route = route;
    row->status = status;
    return row;
}

static void count_invalid(rest *r, uint64_t now, const char *what)
{
    if (now - r->invalid_window_start > REST_INVALID_WINDOW_MS) {
        r->invalid_window_start = now;
        r->st.invalid_window = 0;
        r->invalid_warned = 0;
    }
    r->st.invalid_window++;
    if (r->st.invalid_window / REST_INVALID_WARN_EVERY > r->invalid_warned) {
        r->invalid_warned = r->st.invalid_window / REST_INVALID_WARN_EVERY;
        char fields[64];
        snprintf(fields, sizeof fields, "invalid=%llu", (unsigned long long)r->st.invalid_window);
        log_fields(LOG_ERROR, "rest", fields,
                   "many invalid requests (latest: %s) within 10 minutes; Discord bans the IP at "
                   "10000",
                   what);
    }
}

void rest_stats_attempt(rest *r, const rest_op *op, uint64_t now)
{
    rest_route_stat *row = row_for(r, op->route, op->status);
    if (row) {
        row->count++;
        row->latency_sum += now - op->t_attempt;
    }
    switch (op->status) {
    case 401:
        r->st.unauthorized++;
        log_fields(LOG_ERROR, "rest", NULL, "401 Unauthorized on %s: is the bot token valid?",
                   op->route->name);
        count_invalid(r, now, "401");
        break;
    case 403:
        r->st.forbidden++;
        count_invalid(r, now, "403");
        break;
    case 429: {
        int shared = strcmp(op->hdr_scope, "shared") == 0;
        int global = op->hdr_global || strcmp(op->hdr_scope, "global") == 0;
        r->st.ratelimited++;
        if (global)
            r->st.ratelimited_global++;
        if (shared)
            r->st.ratelimited_shared++;
        else
            count_invalid(r, now, "429");
        break;
    }
    default:
        break;
    }
}

void rest_log_attempt(const rest_op *op, uint64_t now)
{
    if (log_get_level() > LOG_DEBUG)
        return;
    /* The route template, never the path: paths carry interaction and webhook tokens. */
    char fields[256];
    snprintf(fields, sizeof fields,
             "method=%s route=\"%s\" status=%d latency_ms=%llu bucket=%s remaining=%d attempt=%d",
             op->route->method, op->route->name, op->status,
             (unsigned long long)(now - op->t_attempt), op->hdr_bucket[0] ? op->hdr_bucket : "-",
             op->hdr_remaining, op->res->attempts);
    log_fields(LOG_DEBUG, "rest", fields, "%s",
               op->status ? "answered" : op->timed_out ? "timed out" : "no answer");
}

void rest_stats_free(rest *r)
{
    free(r->rstats);
    r->rstats = NULL;
    r->nrstats = r->caprstats = 0;
}

void rest_stats_get(rest *r, rest_stats *out)
{
    *out = r->st;
    out->buckets = (int)r->nbuckets;
    out->connections = r->connections;
}

void rest_stats_foreach(rest *r, rest_stats_fn fn, void *arg)
{
    for (size_t i = 0; i < r->nrstats; i++)
        fn(r->rstats[i].route->name, r->rstats[i].status, r->rstats[i].count,
           r->rstats[i].latency_sum, arg);
}
