/*
 * Close codes against bothost-emu: 4004 and 4014 stop the shard after one
 * connection (no reconnect storm); 4009 and 4007 re-identify; 4000 resumes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gwt.h"

static int cond_failed(gwt *h, void *arg)
{
    (void)arg;
    gw_shard_status st;
    gw_shard_status_get(h->g, 0, &st);
    return st.state == GW_SHARD_FAILED;
}

static int cond_count_at_least(gwt *h, void *arg)
{
    const int *want = arg; /* {field, value}: 0 identifies, 1 resumes */
    gw_shard_status st;
    gw_shard_status_get(h->g, 0, &st);
    uint64_t v = want[0] == 0 ? st.identifies : st.resumes;
    return st.state == GW_SHARD_READY && v >= (uint64_t)want[1];
}

/* A fatal close: the shard fails once, never reconnects, the other work goes on. */
static void fatal_case(const char *const *flags, const char *token, uint64_t intents, int code)
{
    gwt_emu emu;
    gwt_emu_start(&emu, flags);
    gwt h;
    gwt_init(&h, &emu);
    h.o.token = token;
    h.o.intents = intents;
    gwt_start(&h);
    CHECK(gwt_run_until(&h, cond_failed, NULL, 5000));
    /* Long enough for several backoff rounds had it retried. */
    gwt_run_for(&h, 3000);
    gw_shard_status st;
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    CHECK_EQ_INT(st.state, GW_SHARD_FAILED);
    CHECK_EQ_INT(st.last_close_code, code);
    CHECK_EQ_INT(st.reconnects, 0);
    CHECK(!gw_ready(h.g));
    CHECK_EQ_INT(gwt_counter(&emu, "gateway", "connections"), 1);
    CHECK_EQ_INT(h.states[0][GW_SHARD_FAILED], 1);
    CHECK_EQ_INT(h.nev, 0);
    fprintf(stderr, "[measure] close %d: 1 connection attempt, shard failed, no retry\n", code);
    gwt_finish(&h);
    gwt_emu_stop(&emu);
}

int main(void)
{
    log_set_level(LOG_INFO);
    {
        const char *flags[] = {"--token", "right-token", NULL};
        fatal_case(flags, "wrong-token", 1, 4004);
    }
    {
        /* GUILD_MEMBERS is privileged and not granted to this application. */
        const char *flags[] = {"--privileged-intents", "none", NULL};
        fatal_case(flags, "test-token", 3, 4014);
    }
    {
        const char *flags[] = {"--heartbeat-ms", "1000", "--identify-interval-ms", "1000", NULL};
        gwt_emu emu;
        gwt_emu_start(&emu, flags);
        gwt h;
        gwt_init(&h, &emu);
        h.o.intents = 1;
        /* Identifies 1 s apart per key on both sides, to keep the test short. */
        h.o.identify_interval_ms = 1000;
        gwt_start(&h);
        CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 5000));

        /* 4000: resume. */
        CHECK_EQ_INT(gwt_fault(&emu, "{\"action\":\"close\",\"code\":4000}"), 1);
        int want_resume[2] = {1, 1};
        CHECK(gwt_run_until(&h, cond_count_at_least, want_resume, 5000));

        /* 4009 (session timed out) and 4007 (invalid seq): identify anew. */
        int codes[] = {4009, 4007};
        for (int i = 0; i < 2; i++) {
            char spec[64];
            snprintf(spec, sizeof spec, "{\"action\":\"close\",\"code\":%d}", codes[i]);
            uint64_t t0 = gwt_now_ms();
            CHECK_EQ_INT(gwt_fault(&emu, spec), 1);
            int want[2] = {0, 2 + i};
            CHECK(gwt_run_until(&h, cond_count_at_least, want, 12000));
            fprintf(stderr, "[measure] close %d: identified again in %" PRIu64 " ms\n", codes[i],
                    gwt_now_ms() - t0);
        }
        gw_shard_status st;
        CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
        CHECK_EQ_INT(st.resumes, 1);
        CHECK_EQ_INT(st.identifies, 3);
        CHECK_EQ_INT(gwt_count(&h, 0, "READY"), 3);
        CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "identifies"), 3);
        CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "resumes"), 1);
        gwt_finish(&h);
        CHECK_EQ_INT(gwt_violations(&emu), 0);
        gwt_emu_stop(&emu);
    }
    printf("test_gw_close: ok\n");
    return 0;
}
