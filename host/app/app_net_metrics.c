/* /metrics collectors of the network side: the database pool, REST, the gateway shards. */
#include <stdio.h>

#include "app/app_net_internal.h"
#include "metrics/metrics.h"

/* HELP and TYPE of what the collectors below write. */
static void describe_metrics(metrics *reg)
{
    static const struct {
        const char *name;
        metrics_type type;
        const char *help;
    } m[] = {
        {"bothost_db_connections", METRICS_GAUGE, "Database connections, open and in use."},
        {"bothost_db_pool_size", METRICS_GAUGE, "[database] pool_size: the most connections."},
        {"bothost_rest_ratelimit_waits_total", METRICS_COUNTER,
         "REST requests that waited for a rate limit bucket."},
        {"bothost_rest_ratelimit_wait_seconds_total", METRICS_COUNTER,
         "Time REST requests spent waiting for rate limits."},
        {"bothost_rest_429_total", METRICS_COUNTER, "429 answers from Discord."},
        {"bothost_rest_retries_total", METRICS_COUNTER,
         "REST attempts repeated after a 5xx or a network error."},
        {"bothost_rest_in_flight", METRICS_GAUGE, "REST requests sent, not yet answered."},
        {"bothost_rest_queued", METRICS_GAUGE, "REST requests waiting to be sent."},
        {"bothost_rest_requests_total", METRICS_COUNTER, "REST requests by route and status."},
        {"bothost_rest_request_seconds_total", METRICS_COUNTER,
         "Time REST requests took, by route and status (waits included)."},
        {"bothost_gateway_shard_up", METRICS_GAUGE,
         "1 when the gateway shard is READY, by shard and state."},
        {"bothost_gateway_events_total", METRICS_COUNTER, "Gateway dispatches, by shard."},
        {"bothost_gateway_reconnects_total", METRICS_COUNTER,
         "Gateway connections opened after the first, by shard."},
        {"bothost_gateway_latency_seconds", METRICS_GAUGE,
         "The last heartbeat round trip, by shard."},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        metrics_describe(reg, m[i].name, m[i].type, m[i].help);
}

static void collect(metrics_writer *w, void *arg)
{
    app_net *d = arg;
    char labels[160];
    int open = 0, in_use = 0, size = 0;
    db_pool_stats(d->o.db, &open, &in_use, &size);
    metrics_write_gauge(w, "bothost_db_connections", "state=\"open\"", open);
    metrics_write_gauge(w, "bothost_db_connections", "state=\"in_use\"", in_use);
    metrics_write_gauge(w, "bothost_db_pool_size", "", size);
    if (d->rest) {
        rest_stats rs;
        rest_stats_get(d->rest, &rs);
        metrics_write_counter(w, "bothost_rest_ratelimit_waits_total", "",
                              (double)rs.ratelimit_waits);
        metrics_write_counter(w, "bothost_rest_ratelimit_wait_seconds_total", "",
                              (double)rs.ratelimit_wait_ms / 1000.0);
        metrics_write_counter(w, "bothost_rest_429_total", "", (double)rs.ratelimited);
        metrics_write_counter(w, "bothost_rest_retries_total", "", (double)rs.retries);
        metrics_write_gauge(w, "bothost_rest_in_flight", "", rs.in_flight);
        metrics_write_gauge(w, "bothost_rest_queued", "", rs.queued);
        metrics_write_counter(w, "bothost_rest_connections_total", "", (double)rs.connections);
        metrics_write_counter(w, "bothost_rest_timeouts_total", "", (double)rs.timeouts);
    }
    if (d->gw) {
        int first, last, total;
        gw_shard_range(d->gw, &first, &last, &total);
        for (int i = first; i <= last; i++) {
            gw_shard_status st;
            if (gw_shard_status_get(d->gw, i, &st) < 0)
                continue;
            char shard[16];
            snprintf(shard, sizeof shard, "%d", i);
            metrics_labels(labels, sizeof labels, "shard", shard, "state",
                           gw_shard_state_name(st.state), NULL);
            metrics_write_gauge(w, "bothost_gateway_shard_up", labels, st.state == GW_SHARD_READY);
            metrics_labels(labels, sizeof labels, "shard", shard, NULL);
            metrics_write_counter(w, "bothost_gateway_events_total", labels, (double)st.dispatches);
            metrics_write_counter(w, "bothost_gateway_reconnects_total", labels,
                                  (double)st.reconnects);
            metrics_write_gauge(w, "bothost_gateway_latency_seconds", labels,
                                st.latency_ms < 0 ? 0 : st.latency_ms / 1000.0);
        }
    }
}

static void rest_route_row(const char *route, int status, uint64_t count, uint64_t latency_ms_sum,
                           void *arg)
{
    metrics_writer *w = arg;
    char labels[300], code[8];
    snprintf(code, sizeof code, "%d", status);
    metrics_labels(labels, sizeof labels, "route", route, "status", code, NULL);
    metrics_write_counter(w, "bothost_rest_requests_total", labels, (double)count);
    metrics_write_counter(w, "bothost_rest_request_seconds_total", labels,
                          (double)latency_ms_sum / 1000.0);
}

static void collect_routes(metrics_writer *w, void *arg)
{
    app_net *d = arg;
    if (d->rest)
        rest_stats_foreach(d->rest, rest_route_row, w);
}

void app_net_metrics_add(app_net *d)
{
    describe_metrics(d->o.metrics);
    metrics_add_collector(d->o.metrics, collect, d);
    metrics_add_collector(d->o.metrics, collect_routes, d);
}

void app_net_metrics_remove(app_net *d)
{
    metrics_remove_collector(d->o.metrics, collect, d);
    metrics_remove_collector(d->o.metrics, collect_routes, d);
}
