/* The interaction manager: routing, the auto-defer timer, the worker task, command_log. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "ia/ia_api.h"
#include "ia/ia_internal.h"
#include "metrics/metrics.h"
#include "plug/plug_ctx.h"

int ia_mgr_create(ia_mgr **out, const ia_opts *o)
{
    ia_mgr *m = calloc(1, sizeof *m);
    if (!m)
        return BH_ENOMEM;
    m->o = *o;
    pthread_mutex_init(&m->lock, NULL);
    metrics_describe(o->metrics, "bothost_interactions_total", METRICS_COUNTER,
                     "Interactions handled, by plugin, kind and outcome.");
    metrics_describe(o->metrics, "bothost_interaction_duration_seconds", METRICS_HISTOGRAM,
                     "Time from an interaction's arrival to its handler's end.");
    metrics_describe(o->metrics, "bothost_interaction_acks_expired_total", METRICS_COUNTER,
                     "Host acknowledgements not sent: past Discord's 3 s before their turn.");
    *out = m;
    return 0;
}

static void call_free(ia_call *call)
{
    ia_call_parsed_free(call);
    json_decref(call->ia);
    pthread_mutex_destroy(&call->mu);
    pthread_cond_destroy(&call->cv);
    free(call);
}

void ia_call_unref(ia_call *call)
{
    if (--call->loop_refs > 0)
        return;
    ia_mgr *m = call->mgr;
    call_free(call);
    pthread_mutex_lock(&m->lock);
    int left = --m->inflight;
    pthread_mutex_unlock(&m->lock);
    if (left == 0 && m->closing) {
        m->closing = 0;
        uv_close((uv_handle_t *)&m->done_async, NULL);
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    ia_call_unref(h->data);
}

/* Loop thread: calls whose handler returned: stop their timer and free them. */
static void on_done(uv_async_t *a)
{
    ia_mgr *m = a->data;
    pthread_mutex_lock(&m->lock);
    ia_call *list = m->done_list;
    m->done_list = NULL;
    pthread_mutex_unlock(&m->lock);
    while (list) {
        ia_call *call = list;
        list = call->next;
        uv_timer_stop(&call->timer);
        uv_close((uv_handle_t *)&call->timer, on_timer_closed);
    }
}

static void on_auto_defer(uv_timer_t *t)
{
    ia_answer_auto_defer(t->data);
}

static const char *outcome_name(int rc)
{
    return rc >= 0 ? "ok" : "error";
}

/*
 * bothost.command_log: who ran what, with which options, how it went, how long
 * it took. Written on the handler's own session, reset to a clean state first,
 * so a command never needs a second connection while it holds one.
 */
static void log_command(ia_call *call, db_session *s, int64_t latency_ms)
{
    if (!call->mgr->o.db || call->type != IA_COMMAND)
        return;
    const json_t *ia = call->ia;
    const json_t *user = json_object_get(json_object_get(ia, "member"), "user");
    if (!user)
        user = json_object_get(ia, "user");
    bh_param p[] = {
        {BH_P_TEXT, {.s = json_string_value(json_object_get(ia, "guild_id"))}},
        {BH_P_TEXT, {.s = json_string_value(json_object_get(ia, "channel_id"))}},
        {BH_P_TEXT, {.s = json_string_value(json_object_get(user, "id"))}},
        {BH_P_TEXT, {.s = plug_gen_name(call->call.gen)}},
        {BH_P_TEXT, {.s = call->key}},
        {BH_P_JSON, {.j = call->options}},
        {BH_P_TEXT, {.s = outcome_name(call->rc)}},
        {BH_P_I64, {.i = latency_ms}},
        {BH_P_TEXT, {.s = call->rc < 0 ? call->err : NULL}},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if ((p[i].type == BH_P_TEXT && !p[i].v.s) || (p[i].type == BH_P_JSON && !p[i].v.j))
            p[i].type = BH_P_NULL;
    if (db_session_query(s,
                         NULL,
                         "INSERT INTO bothost.command_log (guild_id, channel_id, user_id, plugin, "
                         "command, options, outcome, latency_ms, error) VALUES ($1::bigint, "
                         "$2::bigint, $3::bigint, $4, $5, $6, $7, $8, $9)",
                         p, (int)(sizeof p / sizeof p[0])) < 0)
        log_fields(LOG_WARN, "interact", NULL, "command_log: %s", s->err);
}

static const char *kind_name(int type)
{
    return type == IA_COMMAND        ? "command"
           : type == IA_COMPONENT    ? "component"
           : type == IA_AUTOCOMPLETE ? "autocomplete"
                                     : "modal";
}

/* At debug: one line per interaction. The route, never the custom_id's data or the token. */
static void log_interaction(ia_call *call, int rc, int64_t latency_ms)
{
    if (log_get_level() > LOG_DEBUG)
        return;
    const char *plugin = plug_gen_name(call->call.gen);
    char fields[600];
    if (call->type == IA_COMMAND || call->type == IA_AUTOCOMPLETE)
        snprintf(fields, sizeof fields, "plugin=%s kind=%s command=\"%s\"", plugin,
                 kind_name(call->type), call->key);
    else
        snprintf(fields, sizeof fields, "plugin=%s kind=%s custom_id=\"%s:%s\"", plugin,
                 kind_name(call->type), plugin, call->call.name ? call->call.name : "");
    log_fields(LOG_DEBUG, "interact", fields, "interaction latency_ms=%lld outcome=%s answer=%s",
               (long long)latency_ms, outcome_name(rc), ia_answer_outcome(call));
}

/* Any thread: the call is over; the loop stops its timer and frees it. */
static void call_done(ia_call *call)
{
    ia_mgr *m = call->mgr;
    pthread_mutex_lock(&m->lock);
    call->next = m->done_list;
    m->done_list = call;
    pthread_mutex_unlock(&m->lock);
    uv_async_send(&m->done_async);
}

static void run_call(void *arg)
{
    ia_call *call = arg;
    ia_mgr *m = call->mgr;
    bh_ctx *c = call->ctx;
    int rc = plug_ctx_run(c, &call->call);
    call->rc = rc;
    if (rc < 0) {
        snprintf(call->err, sizeof call->err, "%s", plug_ctx_error(c));
        log_fields(LOG_WARN, "interact", NULL, "plugin %s failed %s: %s",
                   plug_gen_name(call->call.gen), call->key, call->err);
    }
    ia_answer_finish(call, rc);
    int64_t latency = clock_now_ms() - call->started_ms;

    char labels[300];
    metrics_labels(labels, sizeof labels, "plugin", plug_gen_name(call->call.gen), "kind",
                   kind_name(call->type), "outcome", outcome_name(rc), NULL);
    metrics_counter_add(m->o.metrics, "bothost_interactions_total", labels, 1);
    metrics_histogram_observe(m->o.metrics, "bothost_interaction_duration_seconds", labels,
                              (double)latency / 1000.0);
    log_interaction(call, rc, latency);
    log_command(call, plug_ctx_end_handler(c), latency);

    plug_ctx_free(c);
    call->ctx = NULL;
    plug_call_release(m->o.plugins, &call->call);
    call_done(call);
}

/*
 * Past max_pending, a new interaction is answered "busy" at once instead of
 * queued: its handler could not start in time, and a queue that only grows
 * would defer thousands at once and run their handlers minutes late.
 */
static int over_capacity(ia_mgr *m, ia_call *call)
{
    int max = m->o.max_pending > 0 ? m->o.max_pending : IA_DEFAULT_MAX_PENDING;
    if (ia_mgr_inflight(m) < max)
        return 0;
    m->busy++;
    char labels[300];
    metrics_labels(labels, sizeof labels, "plugin", plug_gen_name(call->call.gen), "kind",
                   kind_name(call->type), "outcome", "busy", NULL);
    metrics_counter_add(m->o.metrics, "bothost_interactions_total", labels, 1);
    ia_answer_unrouted(m, call->ia, call->type, "The bot is busy right now; try again in a moment.");
    int64_t now = clock_now_ms();
    if (now - m->busy_logged_ms >= 1000) {
        log_fields(LOG_WARN, "interact", NULL,
                   "overloaded: %" PRIu64 " interaction(s) answered \"busy\" so far (%d in "
                   "flight, max_pending %d)",
                   m->busy, ia_mgr_inflight(m), max);
        m->busy_logged_ms = now;
    }
    plug_call_release(m->o.plugins, &call->call);
    call_free(call);
    return 1;
}

/*
 * auto_defer_ms counts from when Discord made the interaction, as its 3 s do:
 * one that reached us late (a backlog on the gateway) is deferred as much
 * sooner, not after another auto_defer_ms of a window it no longer has.
 */
static uint64_t auto_defer_delay(ia_mgr *m, ia_call *call)
{
    int64_t at = ia_ack_deadline(call->id, call->started_ms) - IA_ACK_WINDOW_MS + m->o.auto_defer_ms;
    int64_t now = clock_now_ms();
    return at > now ? (uint64_t)(at - now) : 0;
}

static int ensure_async(ia_mgr *m)
{
    if (m->done_async.data)
        return 0;
    if (uv_async_init(m->o.loop, &m->done_async, on_done) != 0)
        return BH_ENOMEM;
    m->done_async.data = m;
    return 0;
}

void ia_dispatch(ia_mgr *m, json_t *interaction)
{
    if (ensure_async(m) < 0)
        return;
    int type = (int)json_integer_value(json_object_get(interaction, "type"));
    if (type == IA_PING)
        return; /* PING is for HTTP interaction endpoints; the gateway never sends it */

    ia_call *call = calloc(1, sizeof *call);
    if (!call)
        return;
    call->mgr = m;
    call->ia = json_incref(interaction);
    call->started_ms = clock_now_ms();
    pthread_mutex_init(&call->mu, NULL);
    pthread_cond_init(&call->cv, NULL);
    if (ia_call_parse(call) < 0) {
        log_fields(LOG_WARN, "interact", NULL, "malformed interaction of type %d ignored", type);
        call_free(call);
        return;
    }
    if (plug_route(m->o.plugins, call->route_kind, call->key, &call->call) < 0) {
        log_fields(LOG_INFO, "interact", NULL, "no handler for %s '%s': answered as stale",
                   type == IA_COMMAND        ? "command"
                   : type == IA_AUTOCOMPLETE ? "autocomplete"
                                             : "custom_id",
                   call->key);
        ia_answer_unrouted(m, interaction, type,
                           type == IA_COMMAND ? "This command is not available right now."
                                              : "This control is no longer active.");
        call_free(call);
        return;
    }
    if (over_capacity(m, call))
        return;
    call->ctx = plug_ctx_new(m->o.plugins, type == IA_COMMAND        ? BH_CTX_COMMAND
                             : type == IA_COMPONENT    ? BH_CTX_COMPONENT
                             : type == IA_AUTOCOMPLETE ? BH_CTX_AUTOCOMPLETE
                                                       : BH_CTX_MODAL,
                             call->key, json_incref(interaction), m->o.db);
    if (!call->ctx) {
        plug_call_release(m->o.plugins, &call->call);
        call_free(call);
        return;
    }
    plug_ctx_set_interaction(call->ctx, call, &ia_entries);
    call->loop_refs = 1;
    uv_timer_init(m->o.loop, &call->timer);
    call->timer.data = call;
    uv_timer_start(&call->timer, on_auto_defer, auto_defer_delay(m, call), 0);
    pthread_mutex_lock(&m->lock);
    m->inflight++;
    pthread_mutex_unlock(&m->lock);
    if (work_pool_submit(m->o.workers, run_call, call) < 0) {
        /* Stopping: nobody will run it. Say so and let the loop free it. */
        ia_answer_unrouted(m, interaction, type, "The bot is restarting; try again in a moment.");
        plug_ctx_free(call->ctx);
        plug_call_release(m->o.plugins, &call->call);
        call_done(call);
    }
}

int ia_mgr_inflight(ia_mgr *m)
{
    pthread_mutex_lock(&m->lock);
    int n = m->inflight;
    pthread_mutex_unlock(&m->lock);
    return n;
}

void ia_mgr_close(ia_mgr *m)
{
    ia_pace_drop_all(m);
    if (!m->done_async.data)
        return;
    if (ia_mgr_inflight(m) == 0)
        uv_close((uv_handle_t *)&m->done_async, NULL);
    else
        m->closing = 1;
}

void ia_mgr_free(ia_mgr *m)
{
    if (!m)
        return;
    ia_pace_drop_all(m);     /* anything queued after close, during the drain */
    pthread_mutex_destroy(&m->lock);
    free(m);
}
