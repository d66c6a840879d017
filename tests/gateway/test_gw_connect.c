/*
 * Connect, IDENTIFY, READY and GUILD_CREATE against bothost-emu: one shard and
 * four shards (each guild on the shard Discord's formula gives), with and
 * without zlib-stream; heartbeat latency; gw_send.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gwt.h"

static void run_one_shard(gwt_emu *emu, int compress)
{
    gwt h;
    gwt_init(&h, emu);
    h.o.compress = compress;
    uint64_t t0 = gwt_now_ms();
    gwt_start(&h);
    CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 10000));
    uint64_t t_ready = gwt_now_ms() - t0;
    CHECK(gwt_wait_count(&h, 0, "GUILD_CREATE", 1, 5000));
    CHECK_EQ_INT(gwt_count(&h, 0, "READY"), 1);
    CHECK_EQ_STR(h.ev[0].name, "READY");
    CHECK_EQ_INT(h.ev[0].seq, 1);
    gw_shard_status st;
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    CHECK(st.state == GW_SHARD_READY && st.session_id[0] && st.identifies == 1);
    CHECK(gw_shard_status_get(h.g, 1, &st) == BH_ENOTFOUND);

    /* A heartbeat round trip (the emulator beats every 500 ms). */
    gwt_run_for(&h, 1200);
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    CHECK(st.latency_ms >= 0 && st.latency_ms < 500);

    /* gw_send: a presence update goes out and the connection stays. */
    CHECK(gw_send(h.g, 0, "{\"op\":3,\"d\":{\"since\":null,\"activities\":[],\"status\":\"idle\","
                          "\"afk\":false}}") == 0);
    CHECK(gw_send(h.g, 0, "not json") == BH_EINVAL);
    CHECK(gw_send(h.g, 5, "{\"op\":3}") == BH_ENOTFOUND);
    gwt_join(emu, NULL, compress ? "zed" : "zoe");
    CHECK(gwt_wait_count(&h, 0, "GUILD_MEMBER_ADD", 1, 5000));
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    CHECK_EQ_INT(st.reconnects, 0);
    fprintf(stderr, "[measure] 1 shard %s: ready in %" PRIu64 " ms, heartbeat latency %d ms\n",
            compress ? "zlib-stream" : "plain", t_ready, st.latency_ms);
    gwt_check_seq_order(&h);
    gwt_finish(&h);
}

static void run_four_shards(gwt_emu *emu, const uint64_t *ids, int nids, int compress)
{
    gwt h;
    gwt_init(&h, emu);
    h.o.compress = compress;
    h.o.shards = 4;
    h.o.max_concurrency = 4;
    uint64_t t0 = gwt_now_ms();
    gwt_start(&h);
    CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 10000));
    uint64_t t_ready = gwt_now_ms() - t0;
    CHECK(gwt_wait_count(&h, -1, "GUILD_CREATE", nids, 5000));
    gwt_run_for(&h, 200);
    CHECK_EQ_INT(gwt_count(&h, -1, "GUILD_CREATE"), nids);
    CHECK_EQ_INT(gwt_count(&h, -1, "READY"), 4);
    for (int i = 0; i < h.nev; i++) {
        if (strcmp(h.ev[i].name, "GUILD_CREATE"))
            continue;
        uint64_t id = strtoull(json_string_value(json_object_get(h.ev[i].d, "id")), NULL, 10);
        CHECK_EQ_INT((id >> 22) % 4, h.ev[i].shard);
    }
    int per[4] = {0};
    for (int i = 0; i < nids; i++)
        per[(ids[i] >> 22) % 4]++;
    for (int s = 0; s < 4; s++)
        CHECK_EQ_INT(gwt_count(&h, s, "GUILD_CREATE"), per[s]);
    fprintf(stderr, "[measure] 4 shards %s: all ready in %" PRIu64 " ms\n",
            compress ? "zlib-stream" : "plain", t_ready);
    gwt_check_seq_order(&h);
    gwt_finish(&h);
}

int main(void)
{
    log_set_level(LOG_INFO);
    {
        const char *flags[] = {"--heartbeat-ms", "500", "--privileged-intents", "members", NULL};
        gwt_emu emu;
        gwt_emu_start(&emu, flags);
        run_one_shard(&emu, 1);
        /* A new client knows nothing of the last one's identify: start the emulator's
         * identify window afresh instead of waiting 5 s. */
        gwt_emu_reset(&emu);
        run_one_shard(&emu, 0);
        CHECK_EQ_INT(gwt_violations(&emu), 0);
        gwt_emu_stop(&emu);
    }
    {
        /* Five guilds: shard = (id >> 22) % 4, shard 1 holds two. */
        uint64_t ids[] = {(1000ull << 22) | 1, (1001ull << 22) | 2, (1005ull << 22) | 3,
                          (1002ull << 22) | 4, (1003ull << 22) | 5};
        const char *seed = gwt_seed_file(ids, 5);
        const char *flags[] = {"--heartbeat-ms", "1000", "--privileged-intents", "members",
                               "--shards", "4", "--max-concurrency", "4", "--seed", seed, NULL};
        gwt_emu emu;
        gwt_emu_start(&emu, flags);
        run_four_shards(&emu, ids, 5, 1);
        gwt_emu_reset(&emu);
        run_four_shards(&emu, ids, 5, 0);
        CHECK_EQ_INT(gwt_violations(&emu), 0);
        gwt_emu_stop(&emu);
    }
    printf("test_gw_connect: ok\n");
    return 0;
}
