/*
 * The send limit and the reconnect backoff against bothost-emu: a burst of
 * gw_send() waits behind Discord's 120-per-60-s limit while heartbeats keep
 * their share (no 4008, no zombie); with the gateway gone, reconnects back
 * off exponentially with jitter and the loop still closes cleanly (refused
 * connects leak nothing).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gwt.h"

#define PRESENCE "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"online\",\"afk\":false}}"

int main(void)
{
    log_set_level(LOG_INFO);
    const char *flags[] = {"--heartbeat-ms", "1000", NULL};
    gwt_emu emu;
    gwt_emu_start(&emu, flags);
    gwt h;
    gwt_init(&h, &emu);
    h.o.intents = 1;
    gwt_start(&h);
    CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 5000));
    CHECK(gw_send(h.g, 0, "{\"d\":1}") == BH_EINVAL);

    /* The burst: 100 presence updates at once. */
    gw_shard_status st;
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    uint64_t sent0 = st.sent;
    for (int i = 0; i < 100; i++)
        CHECK(gw_send(h.g, 0, PRESENCE) == 0);
    long long beats0 = gwt_counter(&emu, "gateway_shard_0", "heartbeats");
    gwt_run_for(&h, 3000);
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    long long beats = gwt_counter(&emu, "gateway_shard_0", "heartbeats") - beats0;
    fprintf(stderr, "[measure] send limit: %" PRIu64 " sent in 3 s (heartbeats %lld), %d queued\n",
            st.sent - sent0, beats, st.queued);
    /* A 1 s heartbeat keeps 62 of the 120 for heartbeats: the rest waits. */
    CHECK(st.queued >= 40 && st.queued < 100);
    CHECK(st.sent <= 120);
    CHECK(beats >= 2);
    CHECK_EQ_INT(st.state, GW_SHARD_READY);
    CHECK_EQ_INT(st.reconnects, 0);
    CHECK_EQ_INT(st.last_close_code, 0);
    CHECK(st.latency_ms >= 0);
    /* The queue is bounded. */
    int limited = 0;
    for (int i = 0; i < 1000; i++)
        if (gw_send(h.g, 0, PRESENCE) == BH_ELIMIT)
            limited++;
    CHECK_EQ_INT(limited, st.queued);
    CHECK_EQ_INT(gwt_violations(&emu), 0);

    /* The gateway goes away: reconnects back off (200 ms doubling, capped at 2 s). */
    gwt_emu_stop(&emu);
    gwt_run_for(&h, 6000);
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    fprintf(stderr, "[measure] gateway gone: %" PRIu64 " connection attempts in 6 s\n",
            st.reconnects);
    CHECK(st.reconnects >= 4 && st.reconnects <= 12);
    CHECK(st.state == GW_SHARD_BACKOFF || st.state == GW_SHARD_CONNECTING);
    CHECK(st.session_id[0]); /* still resumable once it is back */
    gwt_finish(&h);
    printf("test_gw_send: ok\n");
    return 0;
}
