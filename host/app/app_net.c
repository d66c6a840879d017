#include "app/app_net.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "app/app.h"
#include "base/backoff.h"
#include "base/log.h"
#include "gw/gw.h"
#include "http/http.h"
#include "metrics/metrics.h"
#include "ia/ia.h"
#include "net/net.h"
#include "plug/plug_ctx.h"
#include "plug/plug_internal.h"
#include "plug/plug_rest.h"
#include "rest/rest.h"

#define MAX_EVENT_HANDLERS 16

struct app_net {
    app_net_opts o;
    net *net;
    rest *rest;
    gw *gw;
    cache *cache;
    ia_mgr *ia;

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
    int db_ok, db_pinging;
    char db_reason[256];

    pthread_mutex_t lock;        /* guards what workers touch below */
    int busy;                    /* event calls and registrations in flight */
    int registering, register_again;

    void (*closed)(void *arg);
    void *closed_arg;
};

/* ---- plugin event handlers ---- */

typedef struct event_call {
    app_net *d;
    plug_call call;
    char name[64];
    json_t *data;
} event_call;

static void run_event(void *arg)
{
    event_call *e = arg;
    bh_ctx *c = plug_ctx_new(BH_CTX_EVENT, e->name, e->data, e->d->o.db);
    if (c) {
        if (plug_ctx_run(c, &e->call) < 0)
            log_fields(LOG_WARN, "events", NULL, "plugin %s failed on %s: %s",
                       plug_gen_name(e->call.gen), e->name, plug_ctx_error(c));
        plug_ctx_free(c);
    }
    plug_call_release(e->d->o.plugins, &e->call);
    pthread_mutex_lock(&e->d->lock);
    e->d->busy--;
    pthread_mutex_unlock(&e->d->lock);
    free(e);
}

static void dispatch_event(app_net *d, const char *name, json_t *data)
{
    plug_call calls[MAX_EVENT_HANDLERS];
    int n = plug_route_event(d->o.plugins, name, calls, MAX_EVENT_HANDLERS);
    for (int i = 0; i < n; i++) {
        event_call *e = calloc(1, sizeof *e);
        if (!e) {
            plug_call_release(d->o.plugins, &calls[i]);
            continue;
        }
        e->d = d;
        e->call = calls[i];
        snprintf(e->name, sizeof e->name, "%s", name);
        e->data = json_incref(data);
        pthread_mutex_lock(&d->lock);
        d->busy++;
        pthread_mutex_unlock(&d->lock);
        if (work_pool_submit(d->o.workers, run_event, e) < 0) {
            json_decref(e->data);
            plug_call_release(d->o.plugins, &e->call);
            pthread_mutex_lock(&d->lock);
            d->busy--;
            pthread_mutex_unlock(&d->lock);
            free(e);
        }
    }
}

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
    dispatch_event(d, name, d_);
}

static void tell_fatal(app_net *d, int status, const char *why)
{
    if (d->fatal_told || d->stopping)
        return;
    d->fatal_told = 1;
    if (d->o.on_fatal)
        d->o.on_fatal(d->o.arg, status, why);
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
        tell_fatal(d, close_code_status(code), d->gw_reason);
    } else if (state == GW_SHARD_READY && !d->ready_told && gw_ready(d->gw)) {
        d->ready_told = 1;
        int first, last, total;
        gw_shard_range(d->gw, &first, &last, &total);
        log_msg(LOG_DEBUG, "gateway", "gateway up: shard(s) %d-%d of %d ready", first, last, total);
        if (d->o.on_ready)
            d->o.on_ready(d->o.arg);
    }
}

/* ---- command registration ---- */

static void sha256_hex(const char *text, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Worker: registers the merged command set when its hash differs from the last one. */
static void register_commands(void *arg)
{
    app_net *d = arg;
    for (;;) {
        json_t *cmds = plug_commands(d->o.plugins);
        char *text = json_dumps(cmds, JSON_COMPACT | JSON_SORT_KEYS);
        char hash[65] = "";
        char scope[96];
        if (d->dev_guild_id)
            snprintf(scope, sizeof scope, "guild:%" PRIu64 ":%" PRIu64, d->application_id,
                     d->dev_guild_id);
        else
            snprintf(scope, sizeof scope, "global:%" PRIu64, d->application_id);
        if (text)
            sha256_hex(text, hash);

        bh_ctx *c = plug_ctx_new(BH_CTX_JOB, "register-commands", NULL, d->o.db);
        bh_result *r = NULL;
        const char *stored = NULL;
        if (c && d->o.db &&
            db_session_query(plug_ctx_db(c), &r,
                             "SELECT hash FROM bothost.command_registrations WHERE scope = $1",
                             (bh_param[]){{BH_P_TEXT, {.s = scope}}}, 1) >= 0)
            stored = db_result_text(r, 0, 0);
        if (stored && strcmp(stored, hash) == 0) {
            log_fields(LOG_DEBUG, "commands", NULL, "%zu command(s) unchanged since the last "
                       "registration (%s)", json_array_size(cmds), scope);
        } else if (c && text) {
            char path[128];
            if (d->dev_guild_id)
                snprintf(path, sizeof path, "/applications/%" PRIu64 "/guilds/%" PRIu64 "/commands",
                         d->application_id, d->dev_guild_id);
            else
                snprintf(path, sizeof path, "/applications/%" PRIu64 "/commands",
                         d->application_id);
            int rc = plug_rest_call(c, "PUT", path, cmds, NULL, 0, NULL);
            if (rc < 0) {
                log_fields(LOG_ERROR, "commands", NULL, "registering %zu command(s) failed: %s",
                           json_array_size(cmds), plug_ctx_error(c));
            } else {
                log_fields(LOG_DEBUG, "commands", NULL, "registered %zu command(s) (%s)",
                           json_array_size(cmds), scope);
                if (d->o.db) {
                    bh_param p[] = {{BH_P_TEXT, {.s = scope}},
                                    {BH_P_TEXT, {.s = hash}},
                                    {BH_P_I64, {.i = (int64_t)json_array_size(cmds)}}};
                    if (db_session_query(plug_ctx_db(c), NULL,
                                         "INSERT INTO bothost.command_registrations (scope, hash, "
                                         "commands) VALUES ($1, $2, $3) ON CONFLICT (scope) DO "
                                         "UPDATE SET hash = $2, commands = $3, registered_at = "
                                         "now()",
                                         p, 3) < 0)
                        log_fields(LOG_WARN, "commands", NULL, "cannot record the registration: %s",
                                   plug_ctx_db(c)->err);
                }
            }
        }
        plug_ctx_free(c);
        free(text);
        json_decref(cmds);

        pthread_mutex_lock(&d->lock);
        int again = d->register_again;
        d->register_again = 0;
        if (!again) {
            d->registering = 0;
            d->busy--;
        }
        pthread_mutex_unlock(&d->lock);
        if (!again)
            return;
    }
}

static void schedule_registration(app_net *d)
{
    if (!d->application_id)
        return;
    pthread_mutex_lock(&d->lock);
    if (d->registering) {
        d->register_again = 1;
        pthread_mutex_unlock(&d->lock);
        return;
    }
    d->registering = 1;
    d->busy++;
    pthread_mutex_unlock(&d->lock);
    if (work_pool_submit(d->o.workers, register_commands, d) < 0) {
        pthread_mutex_lock(&d->lock);
        d->registering = 0;
        d->busy--;
        pthread_mutex_unlock(&d->lock);
    }
}

void app_net_reloaded(app_net *d)
{
    uint64_t intents = plug_intents(d->o.plugins) | BH_INTENT_GUILDS;
    if (intents != d->intents)
        log_msg(LOG_WARN, "gateway",
                "the plugins now need gateway intents %" PRIu64 " (connected with %" PRIu64
                "): restart bothost to apply them",
                intents, d->intents);
    schedule_registration(d);
}

/* ---- start-up: who we are, where the gateway is ---- */

static void ask_application(app_net *d);
static void ask_gateway(app_net *d);


static void on_lookup_timer(uv_timer_t *t)
{
    app_net *d = t->data;
    if (d->stopping)
        return;
    if (d->application_id)
        ask_gateway(d);
    else
        ask_application(d);
}

/*
 * A lookup failed. 401/403 is Discord's final word on the token: stop. Anything
 * else (no answer, 5xx, 429 after the REST client's own retries) may pass: try
 * again later, forever, logging each attempt.
 */
static void lookup_failed(app_net *d, const char *what, const rest_response *res)
{
    if (d->stopping || res->result == BH_ESTATE)
        return;
    if (res->status == 401 || res->status == 403) {
        log_msg(LOG_ERROR, "discord", "%s: HTTP %d %s: Discord refuses the bot token", what,
                res->status, res->message);
        d->gw_failed = 1;
        snprintf(d->gw_reason, sizeof d->gw_reason, "%s: HTTP %d: the token is refused", what,
                 res->status);
        tell_fatal(d, APP_EXIT_TOKEN, d->gw_reason);
        return;
    }
    /* 1 s doubling to 60 s, with jitter. */
    uint64_t delay = backoff_delay_ms(d->lookup_attempts++, 1000, 60000);
    if (res->status)
        snprintf(d->lookup_reason, sizeof d->lookup_reason, "%s: HTTP %d %s", what, res->status,
                 res->message);
    else
        snprintf(d->lookup_reason, sizeof d->lookup_reason, "%s: %s", what, res->message);
    log_msg(LOG_WARN, "discord", "%s (attempt %d); trying again in %.1f s", d->lookup_reason,
            d->lookup_attempts, (double)delay / 1000.0);
    uv_timer_start(&d->lookup_timer, on_lookup_timer, delay, 0);
}

static void lookup_answered(app_net *d, const char *what)
{
    if (d->lookup_attempts)
        log_msg(LOG_INFO, "discord", "%s answered after %d failed attempt(s)", what,
                d->lookup_attempts);
    d->lookup_attempts = 0;
    d->lookup_reason[0] = '\0';
}

static void on_gateway_bot(rest_response *res, void *arg)
{
    app_net *d = arg;
    const char *url = json_string_value(json_object_get(res->json, "url"));
    if (res->result < 0 || !url) {
        if (res->result >= 0)
            snprintf(res->message, sizeof res->message, "the answer has no url");
        lookup_failed(d, "GET /gateway/bot", res);
        rest_response_free(res);
        return;
    }
    lookup_answered(d, "GET /gateway/bot");
    int recommended = (int)json_integer_value(json_object_get(res->json, "shards"));
    const json_t *limit = json_object_get(res->json, "session_start_limit");
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
        tell_fatal(d, rc == BH_EINVAL ? APP_EXIT_SHARDS : APP_EXIT_FAILURE, d->gw_reason);
    } else {
        log_msg(LOG_DEBUG, "gateway", "connecting shards %d-%d of %d (max_concurrency %d, %d "
                "session starts left today)", go.shard_first,
                go.shard_last < 0 ? go.shards - 1 : go.shard_last, go.shards, go.max_concurrency,
                remaining);
    }
    rest_response_free(res);
}

/* One start-up lookup (a GET); a request that cannot even be queued fails like an answer. */
static void ask(app_net *d, const char *path, rest_cb cb)
{
    rest_req req = {.method = "GET", .path = path};
    if (rest_request(d->rest, &req, cb, d) < 0) {
        char what[64];
        snprintf(what, sizeof what, "GET %s", path);
        rest_response res = {.result = BH_ENOMEM};
        snprintf(res.message, sizeof res.message, "cannot send the request");
        lookup_failed(d, what, &res);
    }
}

static void ask_gateway(app_net *d)
{
    ask(d, "/gateway/bot", on_gateway_bot);
}

static void on_application(rest_response *res, void *arg)
{
    app_net *d = arg;
    const char *id = json_string_value(json_object_get(res->json, "id"));
    if (res->result < 0 || !id) {
        if (res->result >= 0)
            snprintf(res->message, sizeof res->message, "the answer has no id");
        lookup_failed(d, "GET /oauth2/applications/@me", res);
        rest_response_free(res);
        return;
    }
    lookup_answered(d, "GET /oauth2/applications/@me");
    d->application_id = strtoull(id, NULL, 10);
    rest_response_free(res);
    schedule_registration(d);
    ask_gateway(d);
}

static void ask_application(app_net *d)
{
    ask(d, "/oauth2/applications/@me", on_application);
}

static const struct lws_protocols *client_protocols(void)
{
    static struct lws_protocols list[2];
    list[0] = gw_protocol;
    return list;
}

/* ---- /health/ready and /metrics ---- */

static void db_ping(void *arg)
{
    app_net *d = arg;
    char err[256] = "";
    int ok = db_pool_ping(d->o.db, err, sizeof err) == 0;
    pthread_mutex_lock(&d->lock);
    d->db_ok = ok;
    snprintf(d->db_reason, sizeof d->db_reason, "%s", ok ? "" : err);
    d->db_pinging = 0;
    d->busy--;
    pthread_mutex_unlock(&d->lock);
}

static void on_db_timer(uv_timer_t *t)
{
    app_net *d = t->data;
    pthread_mutex_lock(&d->lock);
    int start = !d->db_pinging;
    if (start) {
        d->db_pinging = 1;
        d->busy++;
    }
    pthread_mutex_unlock(&d->lock);
    if (start && work_pool_submit(d->o.workers, db_ping, d) < 0) {
        pthread_mutex_lock(&d->lock);
        d->db_pinging = 0;
        d->busy--;
        pthread_mutex_unlock(&d->lock);
    }
}

static int ready_database(void *arg, char *reason, size_t size)
{
    app_net *d = arg;
    pthread_mutex_lock(&d->lock);
    int ok = d->db_ok;
    snprintf(reason, size, "%s", d->db_reason[0] ? d->db_reason : "not checked yet");
    pthread_mutex_unlock(&d->lock);
    return ok;
}

static int ready_gateway(void *arg, char *reason, size_t size)
{
    return app_net_ready(arg, reason, size);
}

/* HELP and TYPE of what the collectors below write. */
static void describe_metrics(void)
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
        metrics_describe(m[i].name, m[i].type, m[i].help);
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
        metrics_write_counter(w, "bothost_rest_ratelimit_waits_total", "", (double)rs.ratelimit_waits);
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
            metrics_write_counter(w, "bothost_gateway_reconnects_total", labels, (double)st.reconnects);
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

static const struct lws_protocols *server_protocols(void)
{
    static struct lws_protocols list[2];
    list[0] = http_protocol;
    return list;
}

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
                  .auto_defer_ms = d->auto_defer_ms};
    if (rc == 0)
        rc = ia_mgr_create(&d->ia, &io);
    if (rc < 0)
        return rc;
    plug_set_discord(d->rest, d->cache);
    http_add_ready_check("gateway", ready_gateway, d);
    ask_application(d);
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

    net_opts no = {.loop = o->loop,
                   .client_protocols = client_protocols(),
                   .http_listen = c->http_listen,
                   .server_protocols = server_protocols()};
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
    http_add_ready_check("database", ready_database, d);
    describe_metrics();
    metrics_add_collector(collect, d);
    metrics_add_collector(collect_routes, d);
    uv_timer_init(o->loop, &d->db_timer);
    d->db_timer.data = d;
    uv_timer_start(&d->db_timer, on_db_timer, 0, 5000);
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
        d->ready_told = 1;
        if (d->o.on_ready)
            d->o.on_ready(d->o.arg);
    }
}

int app_net_ready(app_net *d, char *reason, size_t len)
{
    if (d->gw_failed) {
        snprintf(reason, len, "%s", d->gw_reason);
        return 0;
    }
    if (!d->gw && d->lookup_reason[0]) {
        snprintf(reason, len, "gateway: waiting for Discord: %s", d->lookup_reason);
        return 0;
    }
    if (!d->gw || !gw_ready(d->gw)) {
        snprintf(reason, len, "gateway: shards are connecting");
        return 0;
    }
    return 1;
}

void app_net_stop(app_net *d)
{
    d->stopping = 1;
    uv_timer_stop(&d->db_timer);
    uv_timer_stop(&d->lookup_timer);
    if (d->gw)
        gw_stop(d->gw, NULL, NULL);
}

int app_net_busy(app_net *d)
{
    pthread_mutex_lock(&d->lock);
    int n = d->busy;
    pthread_mutex_unlock(&d->lock);
    return n + (d->ia ? ia_mgr_inflight(d->ia) : 0);
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
    plug_set_discord(NULL, NULL);
    http_clear_ready_checks();
    metrics_remove_collector(collect, d);
    metrics_remove_collector(collect_routes, d);
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
