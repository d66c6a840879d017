/*
 * Heartbeats: the first after interval * jitter, then every interval. A beat
 * that finds the previous one unacknowledged means the connection is a
 * zombie: it is closed with a resumable code and the shard resumes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "gw/gw_internal.h"

static void hb_on_timer(uv_timer_t *t)
{
    gw_shard *sh = t->data;
    if (!sh->conn || !sh->conn->hello) {
        uv_timer_stop(t);
        return;
    }
    if (!sh->hb_acked) {
        char f[32];
        snprintf(f, sizeof f, "shard=%d", sh->id);
        log_fields(LOG_WARN, "gateway", f,
                   "no heartbeat ACK within %d ms: zombie connection, reconnecting to resume",
                   sh->hb_interval_ms);
        gw__shard_reconnect(sh, GW_CLOSE_RESUMABLE);
        return;
    }
    gw__hb_send(sh);
}

void gw__hb_start(gw_shard *sh, int interval_ms)
{
    sh->hb_interval_ms = interval_ms;
    sh->hb_acked = 1;
    uint64_t first = (uint64_t)(interval_ms * gw__random(sh->g));
    uv_timer_start(&sh->hb_timer, hb_on_timer, first, (uint64_t)interval_ms);
}

void gw__hb_stop(gw_shard *sh)
{
    if (sh->g->handles_open)
        uv_timer_stop(&sh->hb_timer);
}

void gw__hb_send(gw_shard *sh)
{
    char text[64];
    if (sh->seq > 0)
        snprintf(text, sizeof text, "{\"op\":1,\"d\":%" PRId64 "}", sh->seq);
    else
        snprintf(text, sizeof text, "{\"op\":1,\"d\":null}");
    if (!sh->conn)
        return;
    sh->hb_acked = 0;
    sh->hb_sent_ms = clock_now_ms();
    gw__conn_send(sh->conn, text, strlen(text), 1);
}

void gw__hb_ack(gw_shard *sh)
{
    sh->hb_acked = 1;
    if (sh->hb_sent_ms)
        sh->latency_ms = (int)(clock_now_ms() - sh->hb_sent_ms);
}
