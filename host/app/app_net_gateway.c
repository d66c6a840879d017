/*
 * The gateway shards, and what their dispatches fan out to: the cache, the
 * interactions (ia/), and the plugins' event handlers (plug/plug_events.c).
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_net_internal.h"
#include "base/log.h"
#include "plug/plug.h"

static void on_dispatch(void *arg, int shard_id, const char *name, int64_t seq, json_t *d_)
{
    app_net *d = arg;
    (void)seq;
    cache_apply(d->cache, name, d_);
    if (strcmp(name, "INTERACTION_CREATE") == 0) {
        ia_dispatch(d->ia, d_);
        return;
    }
    if (strcmp(name, "READY") == 0) {
        const char *user = json_string_value(
            json_object_get(json_object_get(d_, "user"), "username"));
        log_fields(LOG_DEBUG, "gateway", NULL, "shard %d ready as %s, %zu guild(s)", shard_id,
                   user ? user : "?", json_array_size(json_object_get(d_, "guilds")));
    }
    plug_events_dispatch(d->events, name, d_);
}

/* The exit status for a close code the gateway must not be retried after. */
static int close_code_status(int code)
{
    switch (code) {
    case 4004: return APP_EXIT_TOKEN;
    case 4013:
    case 4014: return APP_EXIT_INTENTS;
    case 4010:
    case 4011: return APP_EXIT_SHARDS;
    }
    return APP_EXIT_GATEWAY;
}

static void on_shard_state(void *arg, int shard_id, int state)
{
    app_net *d = arg;
    if (state == GW_SHARD_FAILED) {
        gw_shard_status st;
        int code = gw_shard_status_get(d->gw, shard_id, &st) == 0 ? st.last_close_code : 0;
        d->gw_failed = 1;
        snprintf(d->gw_reason, sizeof d->gw_reason, "shard %d stopped for good (close %d)",
                 shard_id, code);
        app_net_tell_fatal(d, close_code_status(code), d->gw_reason);
    } else if (state == GW_SHARD_READY && !d->ready_told && gw_ready(d->gw)) {
        int first, last, total;
        gw_shard_range(d->gw, &first, &last, &total);
        log_msg(LOG_DEBUG, "gateway", "gateway up: shard(s) %d-%d of %d ready", first, last, total);
        app_net_tell_ready(d);
    }
}

void app_net_gateway_start(app_net *d, const json_t *gateway_bot)
{
    const char *url = json_string_value(json_object_get(gateway_bot, "url"));
    int recommended = (int)json_integer_value(json_object_get(gateway_bot, "shards"));
    const json_t *limit = json_object_get(gateway_bot, "session_start_limit");
    gw_opts go;
    gw_opts_init(&go);
    go.url = url;
    go.token = d->token;
    go.intents = d->intents;
    go.shards = d->shards_cfg > 0 ? d->shards_cfg : (recommended > 0 ? recommended : 1);
    go.shard_first = d->shard_first < 0 ? 0 : d->shard_first;
    go.shard_last = d->shard_last;
    go.max_concurrency = (int)json_integer_value(json_object_get(limit, "max_concurrency"));
    if (go.max_concurrency < 1)
        go.max_concurrency = 1;
    go.compress = d->compress;
    go.state_dir = d->state_dir;
    go.on_dispatch = on_dispatch;
    go.on_shard_state = on_shard_state;
    go.arg = d;
    int remaining = (int)json_integer_value(json_object_get(limit, "remaining"));
    int rc = gw_create(&d->gw, d->o.loop, d->net, &go);
    if (rc == 0)
        rc = gw_start(d->gw);
    if (rc < 0) {
        /* BH_EINVAL: options the gateway refuses (shard_ids past the recommended count). */
        d->gw_failed = 1;
        snprintf(d->gw_reason, sizeof d->gw_reason,
                 "cannot start the gateway with shards %d-%d of %d: %s", go.shard_first,
                 go.shard_last < 0 ? go.shards - 1 : go.shard_last, go.shards,
                 plug_api_table.strerror(rc));
        app_net_tell_fatal(d, rc == BH_EINVAL ? APP_EXIT_SHARDS : APP_EXIT_FAILURE, d->gw_reason);
    } else {
        log_msg(LOG_DEBUG, "gateway", "connecting shards %d-%d of %d (max_concurrency %d, %d "
                "session starts left today)", go.shard_first,
                go.shard_last < 0 ? go.shards - 1 : go.shard_last, go.shards, go.max_concurrency,
                remaining);
    }
}
