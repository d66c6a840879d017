/*
 * The host's network side, wired together: the network context, the HTTP endpoint (health, metrics), the REST
 * client, the gateway shards, the guild cache, interactions, plugin event
 * handlers and the registration of the plugins' slash commands.
 *
 * Start-up, on the loop: GET /oauth2/applications/@me (the application id),
 * GET /gateway/bot (url, recommended shards, max_concurrency), then the shards
 * connect; the command set is registered from a worker once the application id
 * is known, and again after each reload, only when its hash changed. A lookup
 * that fails for a reason that may pass (no answer, 5xx, 429) is retried forever
 * with capped exponential backoff and jitter; 401/403 is final (on_fatal).
 */
#ifndef BH_APP_NET_H
#define BH_APP_NET_H

#include <stddef.h>

#include <uv.h>

#include "base/cfg.h"
#include "base/work_pool.h"
#include "db/db.h"
#include "http/http.h"
#include "metrics/metrics.h"
#include "plug/plug.h"

typedef struct app_net app_net;

typedef struct app_net_opts {
    uv_loop_t *loop;
    const cfg *cfg;            /* read at start only */
    work_pool *workers;
    plug_mgr *plugins;
    db_pool *db;
    http_site *http;           /* the HTTP endpoint's checks and registry: adds its own */
    metrics *metrics;          /* the registry: REST, gateway and pool collectors; interactions */
    /*
     * Loop thread, at most once: every shard is READY for the first time (or
     * there is no token: nothing to wait for). The host tells systemd READY=1.
     */
    void (*on_ready)(void *arg);
    /*
     * Loop thread, at most once: Discord gave a definitive answer (the token or
     * the intents refused, a shard invalid) that no retry can change. The host
     * stops and exits with `status` (enum app_exit).
     */
    void (*on_fatal)(void *arg, int status, const char *why);
    void *arg;
} app_net_opts;

/*
 * Loop thread. Creates the network context and the HTTP endpoint ([http]
 * listen, with /health/ready's database check), before the database is known
 * to answer, so that health and metrics are served while the host waits for it.
 */
int app_net_start(app_net **out, const app_net_opts *o);

/*
 * Loop thread, once the plugins are loaded: with a token, starts the Discord
 * side with the plugins' intents; without one the host runs plugins' jobs only
 * (a worker host of a larger setup) and is ready at once.
 */
void app_net_connect(app_net *d);

/* Loop thread, after a reload: registers commands if they changed; notes intents. */
void app_net_reloaded(app_net *d);

/* 1 when every shard is READY; else 0 with the reason. */
int app_net_ready(app_net *d, char *reason, size_t len);

/* Loop thread: stops the shards (saving sessions for a resume); no new work comes in. */
void app_net_stop(app_net *d);

/* Calls in flight (interactions, events, registration). */
int app_net_busy(app_net *d);

/* Loop thread, once nothing is busy: closes REST and the network; done() when all is closed. */
void app_net_close(app_net *d, void (*done)(void *arg), void *arg);
void app_net_free(app_net *d);

/* [http] listen with its bound port (tests use :0), "http://127.0.0.1:9480"; "" without one. */
void app_net_http_url(app_net *d, char *out, size_t len);

#endif
