/*
 * One gateway websocket: the lws protocol callback, the send queue with
 * Discord's send limit, and closing.
 *
 * A gw_conn is freed only here, when lws is done with its wsi (or when the
 * connect fails at once). Sends are counted in a sliding 60 s window: other
 * payloads may use GW_SEND_LIMIT minus the share kept for heartbeats, so a
 * burst of gw_send() never delays a heartbeat into a zombie verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/clock.h"
#include "base/log.h"
#include "gw/gw_internal.h"

static void conn_free_queue(gw_conn *c)
{
    gw_out *m;
    while ((m = STAILQ_FIRST(&c->queue))) {
        STAILQ_REMOVE_HEAD(&c->queue, next);
        free(m);
    }
    c->queued = 0;
}

static void conn_free(gw_conn *c)
{
    gw *g = c->g;
    conn_free_queue(c);
    gw_frame_free(&c->frame);
    free(c);
    gw__pending_done(g);
}

/* The wsi is gone: tell the shard (unless orphaned) and free. */
static void conn_finish(gw_conn *c)
{
    if (c->finished)
        return;
    c->finished = 1;
    if (c->wsi)
        lws_set_opaque_user_data(c->wsi, NULL);
    c->wsi = NULL;
    gw_shard *sh = c->sh;
    if (sh) {
        c->sh = NULL;
        sh->conn = NULL;
        gw__shard_closed(sh, c->peer_close_code);
    }
    if (!c->connecting)
        conn_free(c);
}

int gw__conn_open(gw_shard *sh, const char *address)
{
    gw *g = sh->g;
    net_url u;
    if (net_url_parse(sh->url, &u) < 0)
        return BH_EINVAL;
    gw_conn *c = calloc(1, sizeof *c);
    if (!c)
        return BH_ENOMEM;
    STAILQ_INIT(&c->queue);
    if (gw_frame_init(&c->frame, g->o.compress) < 0) {
        free(c);
        return BH_ENOMEM;
    }
    c->g = g;
    c->sh = sh;
    c->reserve = 3;
    g->pending++;
    sh->conn = c;

    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = net_context(g->n);
    ci.vhost = net_client_vhost(g->n);
    ci.address = address;
    ci.port = u.port;
    ci.ssl_connection = u.tls ? LCCSCF_USE_SSL : 0;
    ci.path = u.path;
    ci.host = u.host;
    ci.origin = u.host;
    ci.ietf_version_or_minus_one = -1;
    /* No subprotocol header (Discord uses none): bind our callback by name instead. */
    ci.local_protocol_name = gw_protocol.name;
    ci.opaque_user_data = c;
    ci.pwsi = &c->wsi;

    c->connecting = 1;
    struct lws *wsi = lws_client_connect_via_info(&ci);
    c->connecting = 0;
    if (!wsi && !c->finished) {
        /* Failed before lws took it on: no callback will come. */
        c->wsi = NULL;
        c->sh = NULL;
        sh->conn = NULL;
        conn_free(c);
        return BH_EINVAL;
    }
    if (c->finished) {
        /* lws reported the error from inside the call: the shard knows already. */
        conn_free(c);
        return 0;
    }
    c->wsi = wsi;
    return 0;
}

int gw__conn_send(gw_conn *c, const char *text, size_t len, int heartbeat)
{
    if (!c->wsi || c->close_code)
        return BH_ESTATE;
    if (!heartbeat && c->queued >= GW_QUEUE_MAX)
        return BH_ELIMIT;
    gw_out *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m)
        return BH_ENOMEM;
    m->len = len;
    m->heartbeat = heartbeat;
    memcpy(m->buf + LWS_PRE, text, len);
    if (heartbeat) {
        /* Heartbeats jump the queue. */
        STAILQ_INSERT_HEAD(&c->queue, m, next);
    } else {
        STAILQ_INSERT_TAIL(&c->queue, m, next);
        c->queued++;
    }
    lws_callback_on_writable(c->wsi);
    return 0;
}

void gw__conn_close(gw_conn *c, int code)
{
    gw_shard *sh = c->sh;
    if (sh) {
        sh->conn = NULL;
        c->sh = NULL;
    }
    conn_free_queue(c);
    if (!c->wsi || c->close_code)
        return;
    c->close_code = code;
    if (!c->established) {
        /* Nothing to say to a peer we never spoke to. */
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        return;
    }
    lws_callback_on_writable(c->wsi);
    /* A dead peer never acknowledges the close: do not wait for it long. */
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, 3);
}

void gw__conn_writable(gw_conn *c)
{
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

/* Sends in the last 60 s, dropping older ones from the ring. */
static int conn_window_count(gw_conn *c, uint64_t now, uint64_t *oldest)
{
    while (c->sent_n > 0) {
        int first = (c->sent_pos - c->sent_n + GW_SEND_LIMIT) % GW_SEND_LIMIT;
        if (now - c->sent[first] < GW_SEND_WINDOW_MS) {
            *oldest = c->sent[first];
            break;
        }
        c->sent_n--;
    }
    return c->sent_n;
}

static void conn_on_send_timer(uv_timer_t *t)
{
    gw_shard *sh = t->data;
    if (sh->conn)
        gw__conn_writable(sh->conn);
}

static int conn_on_writeable(gw_conn *c)
{
    if (c->close_code) {
        static const char reason[] = "bothost: reconnecting";
        lws_close_reason(c->wsi, (enum lws_close_status)c->close_code, (unsigned char *)reason,
                         sizeof reason - 1);
        return -1;
    }
    gw_out *m = STAILQ_FIRST(&c->queue);
    if (!m)
        return 0;
    uint64_t now = clock_now_ms(), oldest = now;
    int used = conn_window_count(c, now, &oldest);
    int limit = m->heartbeat ? GW_SEND_LIMIT : GW_SEND_LIMIT - c->reserve;
    if (used >= limit) {
        /* Wait until the oldest send leaves the window. */
        if (c->sh)
            uv_timer_start(&c->sh->send_timer, conn_on_send_timer,
                           oldest + GW_SEND_WINDOW_MS - now + 1, 0);
        return 0;
    }
    STAILQ_REMOVE_HEAD(&c->queue, next);
    if (!m->heartbeat)
        c->queued--;
    int n = lws_write(c->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
    int short_write = n < (int)m->len;
    free(m);
    if (short_write)
        return -1;
    if (c->sh)
        c->sh->sent++;
    c->sent[c->sent_pos] = now;
    c->sent_pos = (c->sent_pos + 1) % GW_SEND_LIMIT;
    if (c->sent_n < GW_SEND_LIMIT)
        c->sent_n++;
    if (!STAILQ_EMPTY(&c->queue))
        lws_callback_on_writable(c->wsi);
    return 0;
}

static int conn_on_receive(gw_conn *c, struct lws *wsi, const void *in, size_t len)
{
    int final = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;
    gw_payload p;
    int rc = gw_frame_feed(&c->frame, in, len, final, &p);
    if (rc == 0)
        return 0;
    if (rc < 0) {
        if (c->sh) {
            char f[32];
            snprintf(f, sizeof f, "shard=%d", c->sh->id);
            log_fields(LOG_WARN, "gateway", f, "undecodable gateway message (%s): reconnecting",
                       rc == BH_ELIMIT ? "too large" : "corrupt");
            gw__shard_reconnect(c->sh, GW_CLOSE_RESUMABLE);
        }
        return 0;
    }
    if (c->sh && !c->close_code)
        gw__proto_handle(c, &p);
    gw_payload_free(&p);
    return 0;
}

static int gw_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    gw_conn *c = lws_get_opaque_user_data(wsi);
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (c) {
            if (c->sh) {
                char f[32];
                snprintf(f, sizeof f, "shard=%d", c->sh->id);
                log_fields(LOG_WARN, "gateway", f, "cannot connect to %s: %s", c->sh->url,
                           in && len ? (const char *)in : "connection failed");
            }
            c->wsi = wsi;
            conn_finish(c);
        }
        return 0;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (c) {
            c->wsi = wsi;
            c->established = 1;
        }
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (!c || c->finished)
            return 0;
        if (!c->sh || c->close_code)
            return 0; /* orphaned: only its close is left to do */
        return conn_on_receive(c, wsi, in, len);
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (!c)
            return -1;
        return conn_on_writeable(c);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (c && len >= 2) {
            const unsigned char *b = in;
            c->peer_close_code = (b[0] << 8) | b[1];
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_WSI_DESTROY:
        if (c) {
            c->wsi = wsi;
            conn_finish(c);
        }
        return 0;
    default:
        return 0;
    }
}

const struct lws_protocols gw_protocol = {
    .name = "bothost-gateway",
    .callback = gw_callback,
    .per_session_data_size = 0,
    .rx_buffer_size = 65536,
};
