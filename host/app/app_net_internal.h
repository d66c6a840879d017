/* What the files of host/app/app_net*.c share: the network side's state. */
#ifndef BH_APP_NET_INTERNAL_H
#define BH_APP_NET_INTERNAL_H

#include <pthread.h>

#include "app/app_net.h"
#include "cache/cache.h"
#include "gw/gw.h"
#include "ia/ia.h"
#include "net/net.h"
#include "plug/plug_events.h"
#include "rest/rest.h"

struct app_net {
    app_net_opts o;
    net *net;
    struct lws_protocols client_protocols[2], server_protocols[2];  /* lws keeps pointers to them */
    rest *rest;
    gw *gw;
    cache *cache;
    ia_mgr *ia;
    plug_events *events;         /* gateway events to the plugins' handlers */

    /* Copied from the configuration at start. */
    char *token;
    uint64_t dev_guild_id;
    int shards_cfg, shard_first, shard_last, compress;
    char *state_dir;
    char *api_base;
    int auto_defer_ms;
    uint64_t intents;           /* the plugins', when app_net_connect() ran */
    int connected;

    uint64_t application_id;
    int gw_failed;
    char gw_reason[512];

    /* The start-up lookups (who we are, where the gateway is), retried until they answer. */
    uv_timer_t lookup_timer;
    int lookup_attempts;         /* failed attempts of the current lookup */
    char lookup_reason[384];     /* why the last one failed, for /health/ready */
    int stopping;
    int ready_told, fatal_told;

    /* The database check of /health/ready: refreshed off the loop, read on it. */
    uv_timer_t db_timer;
    int db_ok, db_pinging, db_checked;
    char db_reason[256];

    pthread_mutex_t lock;        /* guards what workers touch below */
    int busy;                    /* registrations and database checks in flight */
    int registering, register_again;

    void (*closed)(void *arg);
    void *closed_arg;
};

/* app_net_lookup.c: GET /oauth2/applications/@me, then GET /gateway/bot, asked until answered. */
void app_net_lookup_start(app_net *d);

/* app_net_gateway.c: the shards, from GET /gateway/bot's answer. */
void app_net_gateway_start(app_net *d, const json_t *gateway_bot);

/* app_net_commands.c: registers the plugins' commands from a worker, when their hash changed. */
void app_net_commands_schedule(app_net *d);

/* app_net_dbping.c: the database check of /health/ready, refreshed every 5 s on a worker. */
void app_net_dbping_start(app_net *d);
void app_net_dbping_stop(app_net *d);
/* 1 when the last check answered; else 0 with the reason. */
int app_net_db_ok(app_net *d, char *reason, size_t size);
void app_net_db_started(app_net *d);

/* app_net_ready.c: /health/ready's checks; READY and fatal outcomes told to app.c once. */
void app_net_ready_check_database(app_net *d);
void app_net_ready_check_gateway(app_net *d);
void app_net_tell_ready(app_net *d);
void app_net_tell_fatal(app_net *d, int status, const char *why);

/* app_net_metrics.c: the collectors of the database pool, REST and the shards. */
void app_net_metrics_add(app_net *d);
void app_net_metrics_remove(app_net *d);

#endif
