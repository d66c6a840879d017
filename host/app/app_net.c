/*
 * The network side's start and stop. Its other jobs each have a file:
 * app_net_lookup.c (start-up REST), app_net_gateway.c (the shards and their
 * dispatches), app_net_commands.c (command registration), app_net_dbping.c and
 * app_net_ready.c (/health/ready), app_net_metrics.c (/metrics).
 */
#include "app/app_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_net_internal.h"
#include "base/log.h"
#include "http/http.h"

/* The Discord side: REST, cache, interactions, then who we are and where the gateway is. */
static int start_discord(app_net *d)
{
    rest_opts ro = {.api_base = d->api_base, .token = d->token};
    int rc = rest_create(&d->rest, d->o.loop, &ro);
    d->cache = rc == 0 ? cache_create() : NULL;
    if (rc == 0 && !d->cache)
        rc = BH_ENOMEM;
    ia_opts io = {.loop = d->o.loop, .workers = d->o.workers, .plugins = d->o.plugins,
                  .db = d->o.db, .rest = d->rest, .cache = d->cache,
                  .metrics = d->o.metrics, .auto_defer_ms = d->auto_defer_ms};
    if (rc == 0)
        rc = ia_mgr_create(&d->ia, &io);
    if (rc == 0)
        rc = plug_events_create(&d->events, d->o.plugins, d->o.workers, d->o.db);
    if (rc < 0)
        return rc;
    plug_mgr_set_discord(d->o.plugins, d->rest, d->cache);
    app_net_ready_check_gateway(d);
    app_net_lookup_start(d);
    return 0;
}

int app_net_start(app_net **out, const app_net_opts *o)
{
    const cfg *c = o->cfg;
    app_net *d = calloc(1, sizeof *d);
    if (!d)
        return BH_ENOMEM;
    d->o = *o;
    pthread_mutex_init(&d->lock, NULL);
    d->token = c->token ? strdup(c->token) : NULL;
    d->dev_guild_id = c->dev_guild_id;
    d->shards_cfg = c->shards;
    d->shard_first = c->shard_first;
    d->shard_last = c->shard_last;
    d->compress = c->compress;
    d->state_dir = strdup(c->state_dir);
    d->api_base = strdup(c->api_base);
    d->auto_defer_ms = c->auto_defer_ms;

    /* The protocols are objects, not constants: copied in; the zeroed last entry ends each list. */
    d->client_protocols[0] = gw_protocol;
    d->server_protocols[0] = http_protocol;
    d->server_protocols[0].user = o->http;
    net_opts no = {.loop = o->loop,
                   .client_protocols = d->client_protocols,
                   .http_listen = c->http_listen,
                   .server_protocols = d->server_protocols};
    int rc = net_create(&d->net, &no);
    if (rc < 0) {
        app_net_free(d);
        return rc;
    }
    if (c->http_listen[0]) {
        /* At debug: the ready line says it again, once start-up is done. */
        char url[300];
        net_listen_url(d->net, url, sizeof url);
        log_msg(LOG_DEBUG, "http", "health and metrics on %s", url);
    }
    app_net_ready_check_database(d);
    app_net_metrics_add(d);
    app_net_dbping_start(d);
    uv_timer_init(o->loop, &d->lookup_timer);
    d->lookup_timer.data = d;
    *out = d;
    return 0;
}

void app_net_connect(app_net *d)
{
    if (d->connected || d->stopping)
        return;
    d->connected = 1;
    app_net_db_started(d);
    d->intents = plug_intents(d->o.plugins) | BH_INTENT_GUILDS;
    if (d->token && *d->token) {
        if (start_discord(d) < 0) {
            log_msg(LOG_ERROR, "discord", "cannot start the Discord side");
            d->gw_failed = 1;
            snprintf(d->gw_reason, sizeof d->gw_reason, "the Discord side did not start");
        }
    } else {
        log_msg(LOG_WARN, "host", "no Discord token (DISCORD_TOKEN): not connecting to Discord; "
                "plugins run jobs only");
        app_net_tell_ready(d);
    }
}

void app_net_stop(app_net *d)
{
    d->stopping = 1;
    app_net_dbping_stop(d);
    uv_timer_stop(&d->lookup_timer);
    if (d->gw)
        gw_stop(d->gw, NULL, NULL);
}

int app_net_busy(app_net *d)
{
    pthread_mutex_lock(&d->lock);
    int n = d->busy;
    pthread_mutex_unlock(&d->lock);
    return n + (d->ia ? ia_mgr_inflight(d->ia) : 0) + plug_events_inflight(d->events);
}

static void on_net_closed(void *arg)
{
    app_net *d = arg;
    d->net = NULL;
    if (d->closed)
        d->closed(d->closed_arg);
}

void app_net_close(app_net *d, void (*done)(void *arg), void *arg)
{
    d->closed = done;
    d->closed_arg = arg;
    plug_mgr_set_discord(d->o.plugins, NULL, NULL);
    http_clear_ready_checks(d->o.http);
    app_net_metrics_remove(d);
    uv_close((uv_handle_t *)&d->db_timer, NULL);
    uv_close((uv_handle_t *)&d->lookup_timer, NULL);
    if (d->ia)
        ia_mgr_close(d->ia);
    rest_destroy(d->rest);
    d->rest = NULL;
    net_destroy(d->net, on_net_closed, d);
}

void app_net_free(app_net *d)
{
    if (!d)
        return;
    if (d->gw)
        gw_destroy(d->gw);
    ia_mgr_free(d->ia);
    plug_events_free(d->events);
    cache_destroy(d->cache);
    free(d->token);
    free(d->state_dir);
    free(d->api_base);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void app_net_http_url(app_net *d, char *out, size_t len)
{
    if (d->net)
        net_listen_url(d->net, out, len);
    else
        snprintf(out, len, "%s", "");
}
