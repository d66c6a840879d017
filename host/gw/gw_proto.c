/*
 * The gateway protocol on one connection: HELLO, dispatches (with READY and
 * RESUMED), heartbeat requests and ACKs, op 7 reconnect, op 9 invalid
 * session; IDENTIFY and RESUME.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gw/gw_internal.h"

enum {
    OP_DISPATCH = 0,
    OP_HEARTBEAT = 1,
    OP_IDENTIFY = 2,
    OP_RESUME = 6,
    OP_RECONNECT = 7,
    OP_INVALID_SESSION = 9,
    OP_HELLO = 10,
    OP_HEARTBEAT_ACK = 11,
};

static void shard_fields(gw_shard *sh, char *buf, size_t n)
{
    snprintf(buf, n, "shard=%d", sh->id);
}

static int send_json(gw_shard *sh, json_t *payload)
{
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (!text)
        return BH_ENOMEM;
    int rc = sh->conn ? gw__conn_send(sh->conn, text, strlen(text), 0) : BH_ESTATE;
    /* The token was in there. */
    memset(text, 0, strlen(text));
    free(text);
    return rc;
}

void gw__proto_identify(gw_shard *sh)
{
    gw *g = sh->g;
    char f[32];
    shard_fields(sh, f, sizeof f);
    if (!sh->conn || !sh->conn->hello || sh->session_id[0])
        return;
    json_t *p = json_pack("{s:i, s:{s:s, s:{s:s, s:s, s:s}, s:b, s:i, s:[ii], s:I}}", "op",
                          OP_IDENTIFY, "d", "token", g->token, "properties", "os", "linux",
                          "browser", "bothost", "device", "bothost", "compress", 0,
                          "large_threshold", g->o.large_threshold, "shard", sh->id, g->o.shards,
                          "intents", (json_int_t)g->o.intents);
    if (!p)
        return;
    /* A new session numbers its dispatches from 1 again. */
    sh->seq = 0;
    sh->identifies++;
    gw__shard_set_state(sh, GW_SHARD_IDENTIFYING);
    log_fields(LOG_DEBUG, "gateway", f, "identifying (intents=%" PRIu64 ")", g->o.intents);
    send_json(sh, p);
}

static void send_resume(gw_shard *sh)
{
    char f[32];
    shard_fields(sh, f, sizeof f);
    json_t *p = json_pack("{s:i, s:{s:s, s:s, s:I}}", "op", OP_RESUME, "d", "token", sh->g->token,
                          "session_id", sh->session_id, "seq", (json_int_t)sh->seq);
    if (!p)
        return;
    gw__shard_set_state(sh, GW_SHARD_RESUMING);
    log_fields(LOG_DEBUG, "gateway", f, "resuming session at seq=%" PRId64, sh->seq);
    send_json(sh, p);
}

static void on_hello(gw_conn *c, gw_shard *sh, json_t *d)
{
    json_t *iv = json_object_get(d, "heartbeat_interval");
    if (!json_is_integer(iv) || json_integer_value(iv) <= 0 ||
        json_integer_value(iv) > 10 * 60 * 1000) {
        gw__shard_reconnect(sh, GW_CLOSE_RESUMABLE);
        return;
    }
    int interval = (int)json_integer_value(iv);
    c->hello = 1;
    /* Keep enough of the send limit for a window's heartbeats, plus two requested ones. */
    c->reserve = (GW_SEND_WINDOW_MS + interval - 1) / interval + 2;
    if (c->reserve > GW_SEND_LIMIT / 2)
        c->reserve = GW_SEND_LIMIT / 2;
    gw__hb_start(sh, interval);
    if (sh->session_id[0])
        send_resume(sh);
    else {
        gw__shard_set_state(sh, GW_SHARD_IDENTIFYING);
        gw__idq_push(&sh->g->idq, sh);
    }
}

static void on_ready(gw_shard *sh, json_t *d)
{
    char f[32];
    shard_fields(sh, f, sizeof f);
    const char *sid = json_string_value(json_object_get(d, "session_id"));
    const char *url = json_string_value(json_object_get(d, "resume_gateway_url"));
    if (!sid || strlen(sid) >= sizeof sh->session_id) {
        log_fields(LOG_WARN, "gateway", f, "READY without a usable session_id");
        sh->session_id[0] = '\0';
    } else {
        snprintf(sh->session_id, sizeof sh->session_id, "%s", sid);
    }
    if (url && strlen(url) < sizeof sh->resume_url)
        snprintf(sh->resume_url, sizeof sh->resume_url, "%s", url);
    else
        sh->resume_url[0] = '\0';
    sh->failures = 0;
    log_fields(LOG_DEBUG, "gateway", f, "ready (%zu guilds)",
               json_array_size(json_object_get(d, "guilds")));
    gw__shard_set_state(sh, GW_SHARD_READY);
}

static void on_dispatch(gw_shard *sh, gw_payload *p)
{
    gw *g = sh->g;
    if (p->s < 0 || !p->t)
        return;
    /* A replay after RESUME starts after our seq, but never trust that blindly. */
    if (p->s <= sh->seq) {
        sh->duplicates++;
        return;
    }
    sh->seq = p->s;
    if (!strcmp(p->t, "READY")) {
        on_ready(sh, p->d);
    } else if (!strcmp(p->t, "RESUMED")) {
        char f[32];
        shard_fields(sh, f, sizeof f);
        sh->failures = 0;
        sh->resumes++;
        log_fields(LOG_DEBUG, "gateway", f, "resumed at seq=%" PRId64, sh->seq);
        gw__shard_set_state(sh, GW_SHARD_READY);
    }
    sh->dispatches++;
    if (g->o.on_dispatch)
        g->o.on_dispatch(g->o.arg, sh->id, p->t, p->s, p->d ? p->d : json_null());
}

static void on_invalid_session(gw_shard *sh, json_t *d)
{
    char f[32];
    shard_fields(sh, f, sizeof f);
    if (json_is_true(d) && sh->session_id[0]) {
        log_fields(LOG_INFO, "gateway", f, "invalid session (resumable): reconnecting to resume");
        gw__shard_reconnect(sh, GW_CLOSE_RESUMABLE);
        return;
    }
    /* Discord: wait 1-5 s, then identify anew on this connection. */
    uint64_t wait = 1000 + (uint64_t)(4000 * gw__random(sh->g));
    log_fields(LOG_INFO, "gateway", f, "invalid session: identifying again in %" PRIu64 " ms",
               wait);
    gw__shard_clear_session(sh);
    gw__shard_set_state(sh, GW_SHARD_IDENTIFYING);
    sh->retry = GW_RETRY_IDENTIFY;
    uv_timer_start(&sh->retry_timer, gw__retry_cb, wait, 0);
}

void gw__proto_handle(gw_conn *c, gw_payload *p)
{
    gw_shard *sh = c->sh;
    switch (p->op) {
    case OP_HELLO:
        if (!c->hello)
            on_hello(c, sh, p->d);
        break;
    case OP_DISPATCH:
        if (!sh->g->stopping)
            on_dispatch(sh, p);
        break;
    case OP_HEARTBEAT:
        gw__hb_send(sh);
        break;
    case OP_HEARTBEAT_ACK:
        gw__hb_ack(sh);
        break;
    case OP_RECONNECT: {
        char f[32];
        shard_fields(sh, f, sizeof f);
        log_fields(LOG_DEBUG, "gateway", f, "reconnect requested (op 7)");
        gw__shard_reconnect(sh, GW_CLOSE_RESUMABLE);
        break;
    }
    case OP_INVALID_SESSION:
        on_invalid_session(sh, p->d);
        break;
    default:
        break;
    }
}
