/*
 * Answering an interaction. The handler (on a worker) and the auto-defer timer
 * (on the loop) race for the first answer; call->mu decides, and a handler
 * that comes second waits for the defer to land before it edits the response.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "ia/ia_api.h"
#include "ia/ia_internal.h"
#include "metrics/metrics.h"
#include "msg/msg.h"
#include "plug/plug_ctx.h"
#include "plug/plug_rest.h"

#define DISCORD_UNKNOWN_INTERACTION 10062
#define DISCORD_ALREADY_ACKNOWLEDGED 40060

#define DISCORD_EPOCH_MS 1420070400000LL
/* Clocks further apart than this make the snowflake's time useless. */
#define MAX_CLOCK_SKEW_MS 10000

int64_t ia_ack_deadline(uint64_t id, int64_t arrived_ms)
{
    int64_t by_arrival = arrived_ms + IA_ACK_WINDOW_MS;
    int64_t created = (int64_t)(id >> 22) + DISCORD_EPOCH_MS;
    int64_t age = clock_wall_ms() - created;
    if (age < -MAX_CLOCK_SKEW_MS || age > MAX_CLOCK_SKEW_MS)
        return by_arrival;
    /* Discord's window runs from the interaction's creation, which its id tells. */
    int64_t by_creation = clock_now_ms() - age + IA_ACK_WINDOW_MS;
    return by_creation < by_arrival ? by_creation : by_arrival;
}

/* A component, or a modal submitted from one: Discord allows updating that message. */
static int has_message(const ia_call *call)
{
    return call->type == IA_COMPONENT ||
           (call->type == IA_MODAL && json_object_get(call->ia, "message"));
}

static ia_call *call_of(bh_ctx *c, const char *what)
{
    if (!plug_ctx_interaction(c))
        plug_set_error(c, "%s: this call is not an interaction", what);
    return plug_ctx_interaction(c);
}

/* The state once no host defer is on its way. */
static int settled_state(ia_call *call)
{
    pthread_mutex_lock(&call->mu);
    while (call->state == IA_DEFERRING)
        pthread_cond_wait(&call->cv, &call->mu);
    int st = call->state;
    pthread_mutex_unlock(&call->mu);
    return st;
}

/* Claims the first answer: 1 when it is ours to send, else 0 (the state is in *st). */
static int claim_first(ia_call *call, int *st)
{
    pthread_mutex_lock(&call->mu);
    while (call->state == IA_DEFERRING)
        pthread_cond_wait(&call->cv, &call->mu);
    *st = call->state;
    int mine = call->state == IA_NEW;
    if (mine)
        call->state = IA_ANSWERED;
    pthread_mutex_unlock(&call->mu);
    return mine;
}

static void set_state(ia_call *call, int st)
{
    pthread_mutex_lock(&call->mu);
    call->state = st;
    pthread_cond_broadcast(&call->cv);
    pthread_mutex_unlock(&call->mu);
}

/* The settled state, for a follow-up or an edit: a deferred response is answered by it. */
static int settled_answering(ia_call *call)
{
    int st = settled_state(call);
    if (st == IA_DEFERRED)
        set_state(call, IA_ANSWERED);
    return st;
}

/*
 * How long after an interaction arrived its initial response may still be
 * retried: Discord's 3 seconds, less a margin for the trip there.
 */
#define ACK_WINDOW_MS IA_ACK_WINDOW_MS
#define CALLBACK_BACKOFF_MS 100

/* A failure worth sending again: a 5xx or no answer at all, not Discord refusing it. */
static int transient(const bh_ctx *c, int rc)
{
    return rc != BH_ESTATE && rc != BH_EINVAL && rc != BH_ENOMEM && plug_ctx_discord_code(c) == 0 &&
           (plug_ctx_http_status(c) == 0 || plug_ctx_http_status(c) >= 500);
}

static void mark_acked(ia_call *call)
{
    pthread_mutex_lock(&call->mu);
    call->acked = 1;
    pthread_mutex_unlock(&call->mu);
}

/*
 * Sends the initial response, which the caller has claimed. A 5xx or a lost
 * answer is retried while Discord's window lasts (REST's own retries would
 * outlast it); a retry answered 40060 means an earlier attempt did land.
 */
static int send_callback(bh_ctx *c, ia_call *call, int type, const json_t *data)
{
    char path[700];
    snprintf(path, sizeof path, "/interactions/%" PRIu64 "/%s/callback", call->id, call->token);
    json_t *body = json_pack("{s:i}", "type", type);
    if (data)
        json_object_set(body, "data", (json_t *)data);
    int rc, retries = 0;
    int64_t backoff = CALLBACK_BACKOFF_MS;
    for (;;) {
        rc = plug_rest_call(c, "POST", path, body, NULL, REST_F_NO_RETRY, NULL);
        if (rc >= 0 || !transient(c, rc) ||
            clock_now_ms() + backoff > ia_ack_deadline(call->id, call->started_ms))
            break;
        log_fields(LOG_DEBUG, "interact", NULL, "response to %s failed (HTTP %d): retrying",
                   call->key, plug_ctx_http_status(c));
        struct timespec ts = {0, backoff * 1000000};
        nanosleep(&ts, NULL);
        backoff *= 2;
        retries++;
    }
    json_decref(body);
    if (rc < 0 && retries > 0 && plug_ctx_discord_code(c) == DISCORD_ALREADY_ACKNOWLEDGED)
        rc = 0;
    if (rc >= 0) {
        call->answered_type = type;
        mark_acked(call);
    } else if (plug_ctx_discord_code(c) == DISCORD_UNKNOWN_INTERACTION) {
        set_state(call, IA_GONE);
        plug_set_error(c, "the interaction expired before it was answered (Discord 10062)");
    } else if (plug_ctx_discord_code(c) == DISCORD_ALREADY_ACKNOWLEDGED) {
        plug_set_error(c, "the interaction was already answered (Discord 40060)");
    } else if (transient(c, rc)) {
        /* Out of time: nothing can reach this user any more. */
        set_state(call, IA_GONE);
        log_fields(LOG_WARN, "interact", NULL,
                   "the response to %s failed %d time(s) within Discord's 3 s (last: HTTP %d): "
                   "the user saw \"This interaction failed\"",
                   call->key, retries + 1, plug_ctx_http_status(c));
    } else {
        /* Refused (a 4xx): nothing was sent, so the host may still answer instead. */
        set_state(call, IA_NEW);
    }
    return rc;
}

static int webhook(bh_ctx *c, ia_call *call, const char *method, const char *suffix,
                   const json_t *body, json_t **out)
{
    char path[800];
    snprintf(path, sizeof path, "/webhooks/%" PRIu64 "/%s%s", call->app_id, call->token, suffix);
    return plug_rest_call(c, method, path, body, NULL, 0, out);
}

/* The body of an answer, or NULL with the builder's reason as the call's error and in the log. */
static const json_t *body_or_fail(bh_ctx *c, const bh_msg *m)
{
    const char *err;
    const json_t *body = msg_body(m, &err);
    if (!body) {
        plug_set_error(c, "message not sent: %s", err);
        log_fields(LOG_WARN, "interact", NULL, "plugin %s: message not sent: %s",
                   plug_ctx_plugin(c), err);
        if (plug_ctx_interaction(c))
            plug_ctx_interaction(c)->refused = 1;
    }
    return body;
}

static int followup(bh_ctx *c, ia_call *call, const json_t *body, uint64_t *message_id)
{
    json_t *out = NULL;
    int rc = webhook(c, call, "POST", "?wait=true", body, message_id ? &out : NULL);
    if (rc >= 0 && message_id) {
        const char *id = json_string_value(json_object_get(out, "id"));
        *message_id = id ? strtoull(id, NULL, 10) : 0;
    }
    json_decref(out);
    return rc;
}

/* Turns a deferred response into the answer `body`. */
static int answer_deferred(bh_ctx *c, ia_call *call, const json_t *body)
{
    int ephemeral = (json_integer_value(json_object_get(body, "flags")) & BH_MSG_EPHEMERAL) != 0;
    if (call->defer_type == IA_CB_DEFERRED_UPDATE)
        return followup(c, call, body, NULL);
    if (ephemeral == call->defer_ephemeral)
        return webhook(c, call, "PATCH", "/messages/@original", body, NULL);
    /* Who sees a deferred response was fixed by the defer: replace it by a follow-up. */
    webhook(c, call, "DELETE", "/messages/@original", NULL, NULL);
    return followup(c, call, body, NULL);
}

/* The interaction and the message body an answer needs: 0, BH_ESTATE or BH_ELIMIT. */
static int prepare(bh_ctx *c, bh_msg *m, const char *what, ia_call **call, const json_t **body)
{
    *call = call_of(c, what);
    if (!*call)
        return BH_ESTATE;
    *body = body_or_fail(c, m);
    return *body ? 0 : BH_ELIMIT;
}

static int gone(bh_ctx *c)
{
    plug_set_error(c, "the interaction is no longer known to Discord (answered too late)");
    return BH_ESTATE;
}

static int api_reply(bh_ctx *c, bh_msg *m)
{
    ia_call *call;
    const json_t *body;
    int rc = prepare(c, m, "bh_reply", &call, &body);
    if (rc < 0)
        return rc;
    if (call->type == IA_AUTOCOMPLETE) {
        plug_set_error(c, "bh_reply: autocomplete is answered with bh_autocomplete()");
        return BH_ESTATE;
    }
    int st;
    if (claim_first(call, &st))
        return send_callback(c, call, IA_CB_MESSAGE, body);
    if (st == IA_DEFERRED) {
        set_state(call, IA_ANSWERED);
        return answer_deferred(c, call, body);
    }
    if (st == IA_ANSWERED)
        return followup(c, call, body, NULL);
    return gone(c);
}

static int api_update(bh_ctx *c, bh_msg *m)
{
    ia_call *call;
    const json_t *body;
    int rc = prepare(c, m, "bh_update", &call, &body);
    if (rc < 0)
        return rc;
    const json_t *message = json_object_get(call->ia, "message");
    if (!message) {
        plug_set_error(c, "bh_update: only a component (or a modal opened from one) has a message "
                          "to update");
        return BH_ESTATE;
    }
    int st;
    if (claim_first(call, &st))
        return send_callback(c, call, IA_CB_UPDATE, body);
    if ((st == IA_DEFERRED && call->defer_type == IA_CB_DEFERRED_UPDATE) ||
        (st == IA_ANSWERED && call->answered_type == IA_CB_UPDATE)) {
        set_state(call, IA_ANSWERED);
        return webhook(c, call, "PATCH", "/messages/@original", body, NULL);
    }
    if (st == IA_GONE)
        return gone(c);
    /* The response is something else: edit the component's message itself. */
    char path[200];
    snprintf(path, sizeof path, "/channels/%s/messages/%s",
             json_string_value(json_object_get(message, "channel_id")),
             json_string_value(json_object_get(message, "id")));
    return plug_rest_call(c, "PATCH", path, body, NULL, 0, NULL);
}

static int api_defer(bh_ctx *c, int ephemeral)
{
    ia_call *call = call_of(c, "bh_defer");
    if (!call)
        return BH_ESTATE;
    int st;
    if (!claim_first(call, &st)) {
        if (st == IA_DEFERRED)
            return 0;
        plug_set_error(c, "bh_defer: the interaction is already answered");
        return BH_ESTATE;
    }
    int type = has_message(call) && !ephemeral ? IA_CB_DEFERRED_UPDATE : IA_CB_DEFERRED_MESSAGE;
    json_t *data = ephemeral ? json_pack("{s:i}", "flags", BH_MSG_EPHEMERAL) : NULL;
    int rc = send_callback(c, call, type, data);
    json_decref(data);
    if (rc >= 0) {
        pthread_mutex_lock(&call->mu);
        call->defer_type = type;
        call->defer_ephemeral = ephemeral != 0;
        call->state = IA_DEFERRED;
        pthread_mutex_unlock(&call->mu);
    }
    return rc;
}

static int api_modal_open(bh_ctx *c, bh_modal *md)
{
    ia_call *call = call_of(c, "bh_modal_open");
    if (!call)
        return BH_ESTATE;
    const char *err;
    const json_t *body = msg_modal_body(md, &err);
    if (!body) {
        plug_set_error(c, "modal not opened: %s", err);
        log_fields(LOG_WARN, "interact", NULL, "plugin %s: modal not opened: %s",
                   plug_ctx_plugin(c), err);
        call->refused = 1;
        return BH_ELIMIT;
    }
    if (call->type != IA_COMMAND && call->type != IA_COMPONENT) {
        plug_set_error(c, "bh_modal_open: only a command or a component can open a modal");
        return BH_ESTATE;
    }
    int st;
    if (!claim_first(call, &st)) {
        plug_set_error(c, "bh_modal_open: a modal must be the first answer, and this "
                          "interaction is already %s",
                       st == IA_DEFERRED ? "deferred (answer within [host] auto_defer_ms)"
                                         : "answered");
        return BH_ESTATE;
    }
    return send_callback(c, call, IA_CB_MODAL, body);
}

static int api_autocomplete(bh_ctx *c, const json_t *choices)
{
    ia_call *call = call_of(c, "bh_autocomplete");
    if (!call)
        return BH_ESTATE;
    if (call->type != IA_AUTOCOMPLETE || !json_is_array(choices) || json_array_size(choices) > 25) {
        plug_set_error(c, "bh_autocomplete: answers an autocomplete request with at most 25 "
                          "choices");
        return call->type != IA_AUTOCOMPLETE ? BH_ESTATE : BH_ELIMIT;
    }
    int st;
    if (!claim_first(call, &st)) {
        plug_set_error(c, "bh_autocomplete: already answered");
        return BH_ESTATE;
    }
    json_t *data = json_pack("{s:O}", "choices", choices);
    int rc = send_callback(c, call, IA_CB_AUTOCOMPLETE, data);
    json_decref(data);
    return rc;
}

static int api_followup(bh_ctx *c, bh_msg *m, uint64_t *message_id)
{
    ia_call *call;
    const json_t *body;
    int rc = prepare(c, m, "bh_followup", &call, &body);
    if (rc < 0)
        return rc;
    int st = settled_answering(call);
    if (st == IA_NEW) {
        plug_set_error(c, "bh_followup: answer (or defer) the interaction first");
        return BH_ESTATE;
    }
    if (st == IA_GONE)
        return gone(c);
    return followup(c, call, body, message_id);
}

static int api_edit_original(bh_ctx *c, bh_msg *m)
{
    ia_call *call;
    const json_t *body;
    int rc = prepare(c, m, "bh_original_edit", &call, &body);
    if (rc < 0)
        return rc;
    int st = settled_answering(call);
    if (st == IA_NEW || st == IA_GONE) {
        plug_set_error(c, "bh_original_edit: there is no response to edit yet");
        return BH_ESTATE;
    }
    return webhook(c, call, "PATCH", "/messages/@original", body, NULL);
}

static int api_delete_original(bh_ctx *c)
{
    ia_call *call = call_of(c, "bh_original_delete");
    if (!call)
        return BH_ESTATE;
    int st = settled_state(call);
    if (st == IA_NEW || st == IA_GONE) {
        plug_set_error(c, "bh_original_delete: there is no response to delete");
        return BH_ESTATE;
    }
    return webhook(c, call, "DELETE", "/messages/@original", NULL, NULL);
}

/* ---- the host's own answers ---- */

static void send_auto_defer(ia_call *call);

/* Loop thread: the auto-defer's answer. The call is held until this has run. */
static void defer_done(rest_response *res, void *arg)
{
    ia_call *call = arg;
    int again = 0;
    pthread_mutex_lock(&call->mu);
    if (res->result >= 0 ||
        (res->code == DISCORD_ALREADY_ACKNOWLEDGED && call->defer_attempts > 1)) {
        call->state = IA_DEFERRED;
        call->auto_deferred = 1;
        call->acked = 1;
    } else if (res->code == 0 && (res->status == 0 || res->status >= 500) &&
               res->result != BH_ESTATE &&
               clock_now_ms() < ia_ack_deadline(call->id, call->started_ms) &&
               call->defer_attempts < 3) {
        again = 1; /* still DEFERRING: the handler keeps waiting */
    } else {
        /* Unknown interaction: too late already. Anything else: let the handler try. */
        call->state = res->code == DISCORD_UNKNOWN_INTERACTION ? IA_GONE : IA_NEW;
        /* One not sent because it was late already is counted, not logged: a flood has thousands. */
        if (res->status == 0 && res->code == DISCORD_UNKNOWN_INTERACTION)
            metrics_counter_add(call->mgr->o.metrics, "bothost_interaction_acks_expired_total",
                                "", 1);
        else
            log_fields(LOG_WARN, "interact", NULL, "auto-defer of %s failed: %s (HTTP %d)",
                       call->key, res->message, res->status);
    }
    if (!again)
        pthread_cond_broadcast(&call->cv);
    pthread_mutex_unlock(&call->mu);
    rest_response_free(res);
    if (again)
        send_auto_defer(call);
    ia_call_unref(call);
}

/* Loop thread: sends the defer claimed by ia_answer_auto_defer() (state IA_DEFERRING). */
static void send_auto_defer(ia_call *call)
{
    char path[700];
    snprintf(path, sizeof path, "/interactions/%" PRIu64 "/%s/callback", call->id, call->token);
    char body[64];
    if (call->defer_ephemeral)
        snprintf(body, sizeof body, "{\"type\":%d,\"data\":{\"flags\":64}}", call->defer_type);
    else
        snprintf(body, sizeof body, "{\"type\":%d}", call->defer_type);
    call->defer_attempts++;
    call->loop_refs++;
    int rc = ia_pace_send(call->mgr, ia_ack_deadline(call->id, call->started_ms), path, body,
                          defer_done, call);
    if (rc == BH_ETIMEDOUT) {
        call->loop_refs--;
        set_state(call, IA_GONE);
        metrics_counter_add(call->mgr->o.metrics, "bothost_interaction_acks_expired_total", "", 1);
        log_fields(LOG_DEBUG, "interact", NULL, "auto-defer of %s not sent: past Discord's 3 s",
                   call->key);
    } else if (rc < 0) {
        call->loop_refs--;
        set_state(call, IA_NEW);
        log_fields(LOG_WARN, "interact", NULL, "auto-defer of %s could not be sent", call->key);
    }
}

void ia_answer_auto_defer(ia_call *call)
{
    if (call->type == IA_AUTOCOMPLETE)
        return; /* autocomplete cannot be deferred */
    pthread_mutex_lock(&call->mu);
    if (call->state != IA_NEW) {
        pthread_mutex_unlock(&call->mu);
        return;
    }
    call->state = IA_DEFERRING;
    /*
     * On a message (components, and modals opened from one): acknowledge silently,
     * so an update edits that message. Commands and other modals: "thinking", seen
     * only by the user.
     */
    call->defer_type = has_message(call) ? IA_CB_DEFERRED_UPDATE : IA_CB_DEFERRED_MESSAGE;
    call->defer_ephemeral = call->defer_type == IA_CB_DEFERRED_MESSAGE;
    pthread_mutex_unlock(&call->mu);
    log_fields(LOG_DEBUG, "interact", NULL, "auto-deferring %s after %lld ms", call->key,
               (long long)(clock_now_ms() - call->started_ms));
    send_auto_defer(call);
}

/* The host's text answer: `mine` when the caller has claimed the initial response. */
static void send_text(bh_ctx *c, ia_call *call, int mine, int st, const char *text)
{
    bh_msg *m = msg_new("host", NULL);
    msg_content(m, text);
    msg_flags(m, BH_MSG_EPHEMERAL);
    const char *err;
    const json_t *body = msg_body(m, &err);
    if (mine) {
        send_callback(c, call, IA_CB_MESSAGE, body);
    } else if (st == IA_DEFERRED) {
        set_state(call, IA_ANSWERED);
        answer_deferred(c, call, body);
    } else if (st == IA_ANSWERED) {
        followup(c, call, body, NULL);
    }
    msg_free(m);
}

static void send_empty_choices(bh_ctx *c, ia_call *call)
{
    json_t *data = json_pack("{s:[]}", "choices");
    send_callback(c, call, IA_CB_AUTOCOMPLETE, data);
    json_decref(data);
}

const char *ia_answer_outcome(ia_call *call)
{
    pthread_mutex_lock(&call->mu);
    int st = call->state, acked = call->acked, autod = call->auto_deferred;
    int type = call->answered_type;
    pthread_mutex_unlock(&call->mu);
    if (!acked)
        return st == IA_GONE ? "unanswered" : "none";
    if (autod)
        return "auto-deferred";
    switch (type) {
    case IA_CB_MESSAGE: return "message";
    case IA_CB_DEFERRED_MESSAGE:
    case IA_CB_DEFERRED_UPDATE: return "deferred";
    case IA_CB_UPDATE: return "update";
    case IA_CB_AUTOCOMPLETE: return "choices";
    case IA_CB_MODAL: return "modal";
    default: return "acknowledged";
    }
}

void ia_answer_finish(ia_call *call, int rc)
{
    bh_ctx *c = call->ctx;
    char saved[512];
    snprintf(saved, sizeof saved, "%s", plug_ctx_error(c));
    /*
     * Claim before sending anything: the auto-defer may fire at this very moment,
     * and only one of us may send the initial response.
     */
    void (*hook)(ia_call *, int) = call->mgr->o.test_hook;
    if (hook)
        hook(call, IA_HOOK_BEFORE_CLAIM);
    int st;
    int mine = claim_first(call, &st);
    if (hook)
        hook(call, IA_HOOK_AFTER_CLAIM);
    if (!mine && st == IA_GONE)
        goto out;
    /* A message a builder refused is an error only when nothing else was sent instead. */
    if (rc < 0 || (mine && call->refused)) {
        if (call->type == IA_AUTOCOMPLETE) {
            if (mine)
                send_empty_choices(c, call);
        } else {
            char text[300];
            snprintf(text, sizeof text,
                     "Something went wrong while handling this; nothing was changed that you "
                     "were not told about. (ref %" PRIu64 ")",
                     call->id);
            send_text(c, call, mine, st, text);
        }
    } else if (mine) {
        /* The handler answered nothing: acknowledge, so Discord shows no failure. */
        if (call->type == IA_COMPONENT)
            send_callback(c, call, IA_CB_DEFERRED_UPDATE, NULL);
        else if (call->type == IA_AUTOCOMPLETE)
            send_empty_choices(c, call);
        else
            send_text(c, call, mine, st, "Done.");
    } else if (st == IA_DEFERRED && call->defer_type == IA_CB_DEFERRED_MESSAGE) {
        send_text(c, call, mine, st, "Done.");
    }
out:
    plug_set_error(c, "%s", saved);
}

static void unrouted_done(rest_response *res, void *arg)
{
    ia_mgr *m = arg;
    /* Too late (not sent, or Discord's 10062): counted, not logged; a flood has thousands. */
    if (res->code == DISCORD_UNKNOWN_INTERACTION)
        metrics_counter_add(m->o.metrics, "bothost_interaction_acks_expired_total", "", 1);
    else if (res->result < 0)
        log_fields(LOG_WARN, "interact", NULL, "answer to an unrouted interaction failed: %s",
                   res->message);
    rest_response_free(res);
}

void ia_answer_unrouted(ia_mgr *m, json_t *interaction, int type, const char *text)
{
    const char *id = json_string_value(json_object_get(interaction, "id"));
    const char *token = json_string_value(json_object_get(interaction, "token"));
    if (!id || !token || strlen(token) > 500 || strspn(id, "0123456789") != strlen(id))
        return;
    char path[700];
    snprintf(path, sizeof path, "/interactions/%s/%s/callback", id, token);
    json_t *body = type == IA_AUTOCOMPLETE
                       ? json_pack("{s:i,s:{s:[]}}", "type", IA_CB_AUTOCOMPLETE, "data", "choices")
                       : json_pack("{s:i,s:{s:s,s:i}}", "type", IA_CB_MESSAGE, "data", "content",
                                   text, "flags", BH_MSG_EPHEMERAL);
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    int64_t deadline = ia_ack_deadline(strtoull(id, NULL, 10), clock_now_ms());
    int rc = s ? ia_pace_send(m, deadline, path, s, unrouted_done, m) : BH_ENOMEM;
    /* Past the window already when it reached us (a backlog): counted like the others too late. */
    if (rc == BH_ETIMEDOUT)
        metrics_counter_add(m->o.metrics, "bothost_interaction_acks_expired_total", "", 1);
    else if (rc < 0)
        log_fields(LOG_WARN, "interact", NULL, "cannot answer an unrouted interaction (error %d)", rc);
    free(s);
}

/* ---- the entries a call carries (plug_ctx_set_interaction()) ---- */

const plug_ia_entries ia_entries = {
    .option = ia_read_option,
    .cid_count = ia_read_cid_count,
    .cid_part = ia_read_cid_part,
    .reply = api_reply,
    .update = api_update,
    .defer = api_defer,
    .modal_open = api_modal_open,
    .autocomplete = api_autocomplete,
    .followup = api_followup,
    .edit_original = api_edit_original,
    .delete_original = api_delete_original,
};
