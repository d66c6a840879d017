/*
 * The identify queue against bothost-emu with Discord's real 5 s window:
 * 4 shards, max_concurrency 2 (rate_limit_key = shard % 2): shards 0 and 1
 * identify at once, 2 and 3 one window later, and the emulator records no
 * identify_concurrency violation. The gateway info comes from GET /gateway/bot
 * as the host gets it. Then a shard range (2..3 of 4) runs only its shards.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gwt.h"

int main(void)
{
    log_set_level(LOG_INFO);
    uint64_t ids[] = {(2000ull << 22) | 1, (2001ull << 22) | 2, (2002ull << 22) | 3,
                      (2003ull << 22) | 4};
    const char *seed = gwt_seed_file(ids, 4);
    const char *flags[] = {"--shards", "4", "--max-concurrency", "2", "--seed", seed, NULL};
    gwt_emu emu;
    gwt_emu_start(&emu, flags);

    int st;
    json_t *info = tsup_http_json(emu.port, "GET", "/api/v10/gateway/bot", NULL, &st);
    CHECK_EQ_INT(st, 200);
    char url[256];
    snprintf(url, sizeof url, "%s", json_string_value(json_object_get(info, "url")));
    int shards = (int)json_integer_value(json_object_get(info, "shards"));
    int maxc = (int)json_integer_value(
        json_object_get(json_object_get(info, "session_start_limit"), "max_concurrency"));
    json_decref(info);
    CHECK_EQ_INT(shards, 4);
    CHECK_EQ_INT(maxc, 2);

    {
        gwt h;
        gwt_init(&h, &emu);
        h.o.url = url;
        h.o.intents = 1;
        h.o.shards = shards; /* [gateway] shards = auto: the count from Discord */
        h.o.max_concurrency = maxc;
        uint64_t t0 = gwt_now_ms();
        gwt_start(&h);
        CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 15000));
        for (int s = 0; s < 4; s++)
            fprintf(stderr, "[measure] shard %d ready after %" PRIu64 " ms\n", s,
                    h.ready_at[s] - t0);
        /* Per rate_limit_key (shards 0 and 2, shards 1 and 3): one at once, the other a
         * window later. Which one goes first is arrival order. */
        for (int key = 0; key < 2; key++) {
            uint64_t a = h.ready_at[key] - t0, b = h.ready_at[key + 2] - t0;
            uint64_t early = a < b ? a : b, late = a < b ? b : a;
            CHECK(early < 1000);
            CHECK(late >= 5000 && late < 7000);
        }
        CHECK(gwt_wait_count(&h, -1, "GUILD_CREATE", 4, 5000));
        CHECK_EQ_INT(gwt_count(&h, -1, "GUILD_CREATE"), 4);
        for (int s = 0; s < 4; s++)
            CHECK_EQ_INT(gwt_count(&h, s, "GUILD_CREATE"), 1);
        gwt_finish(&h);
        CHECK_EQ_INT(gwt_violations(&emu), 0);
    }
    gwt_emu_reset(&emu);
    {
        gwt h;
        gwt_init(&h, &emu);
        h.o.intents = 1;
        h.o.max_concurrency = 2;
        h.o.shards = 4;
        h.o.shard_first = 2;
        h.o.shard_last = 3;
        gwt_start(&h);
        CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 5000));
        CHECK(gwt_wait_count(&h, -1, "GUILD_CREATE", 2, 5000));
        gwt_run_for(&h, 200);
        CHECK_EQ_INT(gwt_count(&h, 2, "GUILD_CREATE"), 1);
        CHECK_EQ_INT(gwt_count(&h, 3, "GUILD_CREATE"), 1);
        CHECK_EQ_INT(gwt_count(&h, -1, "GUILD_CREATE"), 2);
        int first, last, total;
        gw_shard_range(h.g, &first, &last, &total);
        CHECK(first == 2 && last == 3 && total == 4);
        gw_shard_status s;
        CHECK(gw_shard_status_get(h.g, 0, &s) == BH_ENOTFOUND);
        CHECK(gw_shard_status_get(h.g, 3, &s) == 0 && s.state == GW_SHARD_READY);
        gwt_finish(&h);
        CHECK_EQ_INT(gwt_violations(&emu), 0);
    }
    gwt_emu_stop(&emu);
    printf("test_gw_identify: ok\n");
    return 0;
}
