/*
 * The gateway client: options, the shards' life cycle (connect, lose, back
 * off, reconnect, fail for good), graceful stop, status.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gw/gw_internal.h"

/* ---- small helpers ------------------------------------------------------------- */

double gw__random(gw *g)
{
    /* xorshift64*: jitter only, nothing secret. */
    uint64_t x = g->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->rng = x;
    return (double)((x * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static void shard_log(int level, gw_shard *sh, const char *fmt, const char *arg)
{
    char f[32];
    snprintf(f, sizeof f, "shard=%d", sh->id);
    log_fields(level, "gateway", f, fmt, arg);
}

const char *gw_shard_state_name(int state)
{
    static const char *const names[] = {"idle",  "connecting", "identifying", "resuming",
                                        "ready", "backoff",    "failed"};
    if (state < 0 || state > GW_SHARD_FAILED)
        return "unknown";
    return names[state];
}

void gw__shard_set_state(gw_shard *sh, int state)
{
    if (sh->state == state)
        return;
    sh->state = state;
    if (sh->g->o.on_shard_state)
        sh->g->o.on_shard_state(sh->g->o.arg, sh->id, state);
}

void gw__shard_clear_session(gw_shard *sh)
{
    sh->session_id[0] = '\0';
    sh->resume_url[0] = '\0';
    sh->seq = 0;
}

void gw__pending_done(gw *g)
{
    g->pending--;
    if (g->stopping && g->pending == 0 && g->stop_done) {
        void (*done)(void *) = g->stop_done;
        g->stop_done = NULL;
        done(g->stop_arg);
    }
}

/* ---- options ------------------------------------------------------------------- */

void gw_opts_init(gw_opts *o)
{
    memset(o, 0, sizeof *o);
    o->shards = 1;
    o->shard_first = 0;
    o->shard_last = -1;
    o->max_concurrency = 1;
    o->compress = 1;
    o->large_threshold = 250;
    o->reconnect_min_ms = 1000;
    o->reconnect_max_ms = 60000;
    o->identify_interval_ms = 5000;
}

/* ---- create / destroy ---------------------------------------------------------- */

int gw_create(gw **out, uv_loop_t *loop, net *n, const gw_opts *o)
{
    net_url u;
    *out = NULL;
    if (!o->url || net_url_parse(o->url, &u) < 0) {
        log_msg(LOG_ERROR, "gateway", "gateway url '%s' is not ws:// or wss://",
                o->url ? o->url : "");
        return BH_EINVAL;
    }
    if (!o->token || !*o->token) {
        log_msg(LOG_ERROR, "gateway", "no bot token");
        return BH_EINVAL;
    }
    int last = o->shard_last < 0 ? o->shards - 1 : o->shard_last;
    if (o->shards < 1 || o->shard_first < 0 || o->shard_first > last || last >= o->shards) {
        log_msg(LOG_ERROR, "gateway", "shards %d..%d of %d: not a valid range", o->shard_first,
                last, o->shards);
        return BH_EINVAL;
    }
    if (o->large_threshold < 50 || o->large_threshold > 250) {
        log_msg(LOG_ERROR, "gateway", "large_threshold %d is not within 50..250",
                o->large_threshold);
        return BH_EINVAL;
    }
    gw *g = calloc(1, sizeof *g);
    if (!g)
        return BH_ENOMEM;
    g->loop = loop;
    g->n = n;
    g->o = *o;
    g->o.shard_last = last;
    if (g->o.max_concurrency < 1)
        g->o.max_concurrency = 1;
    if (g->o.reconnect_min_ms <= 0)
        g->o.reconnect_min_ms = 1000;
    if (g->o.reconnect_max_ms < g->o.reconnect_min_ms)
        g->o.reconnect_max_ms = g->o.reconnect_min_ms;
    if (g->o.identify_interval_ms <= 0)
        g->o.identify_interval_ms = 5000;
    g->url = strdup(o->url);
    g->token = strdup(o->token);
    g->state_dir = o->state_dir && *o->state_dir ? strdup(o->state_dir) : NULL;
    g->nshards = last - o->shard_first + 1;
    g->shards = calloc((size_t)g->nshards, sizeof *g->shards);
    if (!g->url || !g->token || (o->state_dir && *o->state_dir && !g->state_dir) || !g->shards) {
        gw_destroy(g);
        return BH_ENOMEM;
    }
    g->o.url = g->url;
    g->o.token = g->token;
    g->o.state_dir = g->state_dir;
    g->rng = uv_hrtime() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)g;
    if (!g->rng)
        g->rng = 1;
    for (int i = 0; i < g->nshards; i++) {
        g->shards[i].g = g;
        g->shards[i].id = o->shard_first + i;
        g->shards[i].latency_ms = -1;
    }
    *out = g;
    return 0;
}

void gw_destroy(gw *g)
{
    if (!g)
        return;
    if (g->started && !(g->stopping && g->pending == 0)) {
        /* Handles are still live: freeing now would crash the loop later. */
        log_msg(LOG_ERROR, "gateway", "gw_destroy() before gw_stop() finished: leaking it");
        return;
    }
    gw__idq_free(&g->idq);
    if (g->token)
        memset(g->token, 0, strlen(g->token));
    free(g->token);
    free(g->url);
    free(g->state_dir);
    free(g->shards);
    free(g);
}

/* ---- connecting ------------------------------------------------------------------ */

/* The URL with ?v=10&encoding=json[&compress=zlib-stream] added. */
static int build_url(gw *g, const char *base, char *out, size_t n)
{
    const char *hostpart = strstr(base, "://");
    if (!hostpart)
        return BH_EINVAL;
    const char *slash = strchr(hostpart + 3, '/');
    const char *sep = slash ? (strchr(slash, '?') ? "&" : "?") : "/?";
    size_t blen = strlen(base);
    /* "wss://host/" and "wss://host" are the same gateway. */
    if (slash && slash[1] == '\0')
        sep = "?";
    int len = snprintf(out, n, "%.*s%sv=10&encoding=json%s", (int)blen, base, sep,
                       g->o.compress ? "&compress=zlib-stream" : "");
    return len < 0 || (size_t)len >= n ? BH_EINVAL : 0;
}

static void shard_schedule_connect(gw_shard *sh);

static void on_resolved(net_lookup *l, int status, const char *addr, const char *error)
{
    gw_shard *sh = l->data;
    gw *g = sh->g;
    if (g->stopping) {
        gw__pending_done(g);
        return;
    }
    if (!addr) {
        shard_log(LOG_WARN, sh, "%s", error);
        shard_schedule_connect(sh);
    } else if (gw__conn_open(sh, addr) < 0) {
        shard_log(LOG_WARN, sh, "cannot open a connection to %s", sh->url);
        shard_schedule_connect(sh);
    }
    gw__pending_done(g);
}

void gw__shard_connect(gw_shard *sh)
{
    gw *g = sh->g;
    if (g->stopping || sh->state == GW_SHARD_FAILED || sh->conn || sh->lookup.busy)
        return;
    /*
     * Resume where READY said to; after a few failed connections there, fall
     * back to the main URL (a RESUME works there too, else op 9 and IDENTIFY).
     */
    const char *base = sh->session_id[0] && sh->resume_url[0] && sh->failures < 3
                           ? sh->resume_url
                           : g->url;
    net_url u;
    if (build_url(g, base, sh->url, sizeof sh->url) < 0 || net_url_parse(sh->url, &u) < 0) {
        shard_log(LOG_WARN, sh, "unusable gateway URL %s: using the default one", base);
        if (base == g->url || build_url(g, g->url, sh->url, sizeof sh->url) < 0 ||
            net_url_parse(sh->url, &u) < 0) {
            gw__shard_set_state(sh, GW_SHARD_FAILED);
            return;
        }
    }
    if (sh->connected_once)
        sh->reconnects++;
    sh->connected_once = 1;
    gw__shard_set_state(sh, GW_SHARD_CONNECTING);
    sh->lookup.data = sh;
    if (net_lookup_start(&sh->lookup, g->loop, u.host, on_resolved) < 0) {
        shard_log(LOG_WARN, sh, "%s", sh->lookup.error);
        shard_schedule_connect(sh);
        return;
    }
    g->pending++;
}

void gw__retry_cb(uv_timer_t *t)
{
    gw_shard *sh = t->data;
    int what = sh->retry;
    sh->retry = GW_RETRY_NONE;
    if (sh->g->stopping)
        return;
    if (what == GW_RETRY_IDENTIFY && sh->conn && sh->conn->hello && !sh->session_id[0])
        gw__idq_push(&sh->g->idq, sh);
    else if (!sh->conn)
        gw__shard_connect(sh);
}

/* The delay before the next connection: short after a healthy one, then exponential. */
static uint64_t shard_backoff_ms(gw_shard *sh)
{
    gw *g = sh->g;
    if (sh->failures == 0)
        return (uint64_t)(250 * gw__random(g));
    uint64_t d = (uint64_t)g->o.reconnect_min_ms;
    for (int i = 1; i < sh->failures && d < (uint64_t)g->o.reconnect_max_ms; i++)
        d *= 2;
    if (d > (uint64_t)g->o.reconnect_max_ms)
        d = (uint64_t)g->o.reconnect_max_ms;
    return d / 2 + (uint64_t)((double)(d / 2) * gw__random(g));
}

static void shard_schedule_connect(gw_shard *sh)
{
    if (sh->g->stopping)
        return;
    uint64_t wait = shard_backoff_ms(sh);
    sh->failures++;
    gw__shard_set_state(sh, GW_SHARD_BACKOFF);
    sh->retry = GW_RETRY_CONNECT;
    uv_timer_start(&sh->retry_timer, gw__retry_cb, wait, 0);
}

static const char *fatal_close_reason(int code)
{
    switch (code) {
    case 4004:
        return "authentication failed (4004): check the bot token";
    case 4010:
        return "invalid shard (4010): check [gateway] shards and shard_ids";
    case 4011:
        return "sharding required (4011): raise [gateway] shards or use auto";
    case 4012:
        return "invalid API version (4012)";
    case 4013:
        return "invalid intents (4013)";
    case 4014:
        return "disallowed intents (4014): enable the privileged intents the plugins need in "
               "the Developer Portal";
    default:
        return NULL;
    }
}

/* The shard has no connection any more: decide what comes next from the close code. */
static void shard_lost(gw_shard *sh, int code)
{
    gw__hb_stop(sh);
    gw__idq_remove(&sh->g->idq, sh);
    if (code)
        sh->last_close_code = code;
    if (sh->g->stopping) {
        if (sh->state != GW_SHARD_FAILED)
            gw__shard_set_state(sh, GW_SHARD_IDLE);
        return;
    }
    const char *fatal = fatal_close_reason(code);
    if (fatal) {
        char f[64];
        snprintf(f, sizeof f, "shard=%d close_code=%d", sh->id, code);
        log_fields(LOG_ERROR, "gateway", f, "shard stopped, not reconnecting: %s", fatal);
        gw__shard_clear_session(sh);
        if (sh->g->handles_open)
            uv_timer_stop(&sh->retry_timer);
        gw__shard_set_state(sh, GW_SHARD_FAILED);
        return;
    }
    if (code == 4007 || code == 4009) {
        char f[64];
        snprintf(f, sizeof f, "shard=%d close_code=%d", sh->id, code);
        log_fields(LOG_INFO, "gateway", f, "session %s: identifying anew",
                   code == 4007 ? "has an invalid seq" : "timed out");
        gw__shard_clear_session(sh);
    } else if (code) {
        char f[64];
        snprintf(f, sizeof f, "shard=%d close_code=%d", sh->id, code);
        log_fields(LOG_INFO, "gateway", f, "gateway closed the connection: %s",
                   sh->session_id[0] ? "resuming" : "identifying");
    }
    shard_schedule_connect(sh);
}

void gw__shard_closed(gw_shard *sh, int code)
{
    /* A failed connect was logged with lws's reason already. */
    if (!code && !sh->g->stopping && sh->state != GW_SHARD_CONNECTING)
        shard_log(LOG_INFO, sh, "connection dropped: %s",
                  sh->session_id[0] ? "resuming" : "identifying");
    shard_lost(sh, code);
}

void gw__shard_reconnect(gw_shard *sh, int code)
{
    if (sh->conn)
        gw__conn_close(sh->conn, code);
    shard_lost(sh, 0);
}

/* ---- start / stop --------------------------------------------------------------- */

static void on_handle_closed(uv_handle_t *h)
{
    gw__pending_done(h->data);
}

static void on_idq_closed(uv_handle_t *h)
{
    gw_idq *q = h->data;
    gw *g = (gw *)((char *)q - offsetof(gw, idq));
    gw__pending_done(g);
}

static void shard_grant(gw_shard *sh)
{
    gw__proto_identify(sh);
}

int gw_start(gw *g)
{
    if (g->started)
        return BH_ESTATE;
    int rc = gw__idq_init(&g->idq, g->loop, g->o.max_concurrency, g->o.identify_interval_ms,
                          shard_grant);
    if (rc < 0)
        return rc;
    g->started = 1;
    g->handles_open = 1;
    g->pending++;
    for (int i = 0; i < g->nshards; i++) {
        gw_shard *sh = &g->shards[i];
        uv_timer_init(g->loop, &sh->hb_timer);
        uv_timer_init(g->loop, &sh->retry_timer);
        uv_timer_init(g->loop, &sh->send_timer);
        sh->hb_timer.data = sh->retry_timer.data = sh->send_timer.data = sh;
        g->pending += 3;
    }
    gw__session_load(g);
    log_msg(LOG_DEBUG, "gateway", "starting shards %d..%d of %d (max_concurrency=%d, %s)",
            g->o.shard_first, g->o.shard_last, g->o.shards, g->o.max_concurrency,
            g->o.compress ? "zlib-stream" : "uncompressed");
    for (int i = 0; i < g->nshards; i++)
        gw__shard_connect(&g->shards[i]);
    return 0;
}

void gw_stop(gw *g, void (*done)(void *arg), void *arg)
{
    if (!g->started || g->stopping) {
        if (!g->started && done)
            done(arg);
        return;
    }
    g->stopping = 1;
    g->stop_done = done;
    g->stop_arg = arg;
    /* Hold one count so that nothing finishing below calls done() too early. */
    g->pending++;
    for (int i = 0; i < g->nshards; i++) {
        gw_shard *sh = &g->shards[i];
        gw__hb_stop(sh);
        uv_timer_stop(&sh->retry_timer);
        uv_timer_stop(&sh->send_timer);
        gw__idq_remove(&g->idq, sh);
        if (sh->conn)
            gw__conn_close(sh->conn, GW_CLOSE_RESUMABLE);
        net_lookup_cancel(&sh->lookup);
        if (sh->state != GW_SHARD_FAILED)
            gw__shard_set_state(sh, GW_SHARD_IDLE);
    }
    gw__session_save(g);
    for (int i = 0; i < g->nshards; i++) {
        gw_shard *sh = &g->shards[i];
        sh->hb_timer.data = sh->retry_timer.data = sh->send_timer.data = g;
        uv_close((uv_handle_t *)&sh->hb_timer, on_handle_closed);
        uv_close((uv_handle_t *)&sh->retry_timer, on_handle_closed);
        uv_close((uv_handle_t *)&sh->send_timer, on_handle_closed);
    }
    gw__idq_close(&g->idq, on_idq_closed);
    g->handles_open = 0;
    gw__pending_done(g);
}

/* ---- status and sending ------------------------------------------------------------ */

static gw_shard *shard_by_id(gw *g, int shard_id)
{
    int i = shard_id - g->o.shard_first;
    return i >= 0 && i < g->nshards ? &g->shards[i] : NULL;
}

int gw_ready(gw *g)
{
    for (int i = 0; i < g->nshards; i++)
        if (g->shards[i].state != GW_SHARD_READY)
            return 0;
    return g->nshards > 0;
}

void gw_shard_range(gw *g, int *first, int *last, int *total)
{
    if (first)
        *first = g->o.shard_first;
    if (last)
        *last = g->o.shard_last;
    if (total)
        *total = g->o.shards;
}

int gw_shard_status_get(gw *g, int shard_id, gw_shard_status *out)
{
    gw_shard *sh = shard_by_id(g, shard_id);
    if (!sh)
        return BH_ENOTFOUND;
    memset(out, 0, sizeof *out);
    out->shard_id = sh->id;
    out->state = sh->state;
    snprintf(out->session_id, sizeof out->session_id, "%s", sh->session_id);
    out->seq = sh->seq;
    out->reconnects = sh->reconnects;
    out->identifies = sh->identifies;
    out->resumes = sh->resumes;
    out->dispatches = sh->dispatches;
    out->duplicates = sh->duplicates;
    out->sent = sh->sent;
    out->queued = sh->conn ? sh->conn->queued : 0;
    out->latency_ms = sh->latency_ms;
    out->last_close_code = sh->last_close_code;
    return 0;
}

int gw_send(gw *g, int shard_id, const char *json)
{
    gw_shard *sh = shard_by_id(g, shard_id);
    if (!sh)
        return BH_ENOTFOUND;
    json_t *p = json_loads(json, 0, NULL);
    int ok = json_is_object(p) && json_is_integer(json_object_get(p, "op"));
    json_decref(p);
    if (!ok)
        return BH_EINVAL;
    if (g->stopping || sh->state != GW_SHARD_READY || !sh->conn)
        return BH_ESTATE;
    return gw__conn_send(sh->conn, json, strlen(json), 0);
}
