/*
 * Resuming against bothost-emu: a dropped TCP connection, op 7 reconnect, op 9
 * invalid session (resumable and not), and a zombie connection (heartbeat
 * ACKs stopped). Members join before, during and after each fault: every
 * GUILD_MEMBER_ADD must arrive exactly once, in sequence order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gwt.h"

static gwt_emu emu;
static int user_no;

typedef struct user_arg {
    char names[8][32];
    int n;
} user_arg;

static int cond_users(gwt *h, void *arg)
{
    user_arg *u = arg;
    for (int i = 0; i < u->n; i++)
        if (gwt_member_adds(h, u->names[i]) < 1)
            return 0;
    return 1;
}

static int cond_resumed(gwt *h, void *arg)
{
    gw_shard_status st;
    gw_shard_status_get(h->g, 0, &st);
    return st.state == GW_SHARD_READY && st.resumes >= (uint64_t)(intptr_t)arg;
}

static int cond_identified(gwt *h, void *arg)
{
    gw_shard_status st;
    gw_shard_status_get(h->g, 0, &st);
    return st.state == GW_SHARD_READY && st.identifies >= (uint64_t)(intptr_t)arg;
}

static void join(user_arg *u)
{
    snprintf(u->names[u->n], sizeof u->names[0], "user%d", ++user_no);
    gwt_join(&emu, NULL, u->names[u->n]);
    u->n++;
}

/* Members join before the fault, right after it (while the shard is away) and after. */
static void fault_and_resume(gwt *h, const char *what, const char *spec, int resumes_before)
{
    user_arg u = {.n = 0};
    join(&u);
    CHECK(gwt_run_until(h, cond_users, &u, 5000));
    uint64_t t0 = gwt_now_ms();
    CHECK_EQ_INT(gwt_fault(&emu, spec), 1);
    join(&u);
    join(&u);
    CHECK(gwt_run_until(h, cond_resumed, (void *)(intptr_t)(resumes_before + 1), 10000));
    uint64_t took = gwt_now_ms() - t0;
    join(&u);
    CHECK(gwt_run_until(h, cond_users, &u, 5000));
    gwt_run_for(h, 300);
    for (int i = 0; i < u.n; i++)
        CHECK_EQ_INT(gwt_member_adds(h, u.names[i]), 1);
    gwt_check_seq_order(h);
    fprintf(stderr, "[measure] %s: resumed in %" PRIu64 " ms, no event lost or doubled\n", what,
            took);
}

int main(void)
{
    log_set_level(LOG_INFO);
    const char *flags[] = {"--heartbeat-ms", "1000", "--privileged-intents", "members", NULL};
    gwt_emu_start(&emu, flags);
    gwt h;
    gwt_init(&h, &emu);
    gwt_start(&h);
    CHECK(gwt_run_until(&h, gwt_cond_ready, NULL, 10000));

    fault_and_resume(&h, "dropped TCP connection", "{\"action\":\"drop\"}", 0);
    fault_and_resume(&h, "op 7 reconnect", "{\"action\":\"reconnect\"}", 1);
    fault_and_resume(&h, "op 9 resumable", "{\"action\":\"invalid_session\",\"resumable\":true}",
                     2);
    fault_and_resume(&h, "zombie (ACKs stopped)", "{\"action\":\"stop_ack\"}", 3);
    CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "resumes"), 4);
    CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "resumes_on_resume_url"), 4);
    CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "identifies"), 1);

    /* A heartbeat request (op 1) is answered at once, outside the schedule. */
    long long beats = gwt_counter(&emu, "gateway_shard_0", "heartbeats");
    CHECK_EQ_INT(gwt_fault(&emu, "{\"action\":\"heartbeat_request\"}"), 1);
    gwt_run_for(&h, 150);
    CHECK(gwt_counter(&emu, "gateway_shard_0", "heartbeats") >= beats + 1);

    /* op 9 not resumable: the session is gone, identify again after 1-5 s. */
    {
        user_arg u = {.n = 0};
        int guild_creates = gwt_count(&h, 0, "GUILD_CREATE");
        uint64_t t0 = gwt_now_ms();
        CHECK_EQ_INT(gwt_fault(&emu, "{\"action\":\"invalid_session\",\"resumable\":false}"), 1);
        CHECK(gwt_run_until(&h, cond_identified, (void *)(intptr_t)2, 12000));
        uint64_t took = gwt_now_ms() - t0;
        CHECK(took >= 1000);
        CHECK_EQ_INT(gwt_count(&h, 0, "READY"), 2);
        CHECK(gwt_wait_count(&h, 0, "GUILD_CREATE", guild_creates + 1, 5000));
        join(&u);
        CHECK(gwt_run_until(&h, cond_users, &u, 5000));
        CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "identifies"), 2);
        fprintf(stderr, "[measure] op 9 not resumable: identified again in %" PRIu64 " ms\n",
                took);
    }
    gw_shard_status st;
    CHECK(gw_shard_status_get(h.g, 0, &st) == 0);
    CHECK_EQ_INT(st.resumes, 4);
    CHECK_EQ_INT(st.reconnects, 4);
    gwt_check_seq_order(&h);
    gwt_finish(&h);
    CHECK_EQ_INT(gwt_violations(&emu), 0);
    gwt_emu_stop(&emu);
    printf("test_gw_resume: ok\n");
    return 0;
}
