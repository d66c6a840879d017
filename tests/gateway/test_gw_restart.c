/*
 * Graceful restart against bothost-emu: gw_stop() saves the sessions (0600,
 * atomically) and closes with a resumable code; members who join while no
 * client runs are delivered once by the next client, which RESUMEs from the
 * file instead of identifying. A saved session the gateway no longer knows
 * falls back to IDENTIFY (op 9).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gwt.h"

static int cond_member(gwt *h, void *arg)
{
    return gwt_member_adds(h, arg) >= 1;
}

static void start_client(gwt *h, gwt_emu *emu, const char *dir)
{
    gwt_init(h, emu);
    h->o.shards = 2;
    h->o.max_concurrency = 2;
    h->o.state_dir = dir;
    h->o.identify_interval_ms = 1000;
    gwt_start(h);
    CHECK(gwt_run_until(h, gwt_cond_ready, NULL, 10000));
}

int main(void)
{
    log_set_level(LOG_INFO);
    uint64_t ids[] = {(3000ull << 22) | 1, (3001ull << 22) | 2};
    const char *seed = gwt_seed_file(ids, 2);
    const char *flags[] = {"--shards", "2",  "--max-concurrency", "2",
                           "--seed",   seed, "--identify-interval-ms", "1000", NULL};
    gwt_emu emu;
    gwt_emu_start(&emu, flags);
    const char *dir = tsup_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/gateway-sessions.json", dir);
    char gid1[32];
    snprintf(gid1, sizeof gid1, "%llu", (unsigned long long)ids[1]);

    /* First run: identify, see one member join, stop gracefully. */
    gwt h;
    start_client(&h, &emu, dir);
    CHECK_EQ_INT(gwt_count(&h, -1, "READY"), 2);
    gwt_join(&emu, gid1, "before");
    CHECK(gwt_run_until(&h, cond_member, "before", 5000));
    gw_shard_status s1;
    CHECK(gw_shard_status_get(h.g, 1, &s1) == 0);
    gwt_finish(&h);

    struct stat sb;
    CHECK(stat(path, &sb) == 0);
    CHECK_EQ_INT(sb.st_mode & 0777, 0600);
    json_t *saved = json_load_file(path, 0, NULL);
    CHECK(saved);
    CHECK_EQ_INT(json_array_size(json_object_get(saved, "shards")), 2);
    json_t *e1 = json_array_get(json_object_get(saved, "shards"), 1);
    CHECK_EQ_STR(json_string_value(json_object_get(e1, "session_id")), s1.session_id);
    CHECK_EQ_INT(json_integer_value(json_object_get(e1, "seq")), s1.seq);
    CHECK(strstr(json_string_value(json_object_get(e1, "resume_gateway_url")), "/resume"));
    json_decref(saved);
    {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        CHECK(access(tmp, F_OK) != 0);
    }

    /* While nothing runs (a deploy), two members join on shard 1. */
    gwt_join(&emu, gid1, "during1");
    gwt_join(&emu, gid1, "during2");

    /* Second run: both shards RESUME from the file; the members arrive once. */
    uint64_t t0 = gwt_now_ms();
    start_client(&h, &emu, dir);
    uint64_t took = gwt_now_ms() - t0;
    CHECK(access(path, F_OK) != 0);
    CHECK(gwt_run_until(&h, cond_member, "during2", 5000));
    gwt_join(&emu, gid1, "after");
    CHECK(gwt_run_until(&h, cond_member, "after", 5000));
    gwt_run_for(&h, 200);
    CHECK_EQ_INT(gwt_count(&h, -1, "READY"), 0);
    CHECK_EQ_INT(gwt_count(&h, -1, "RESUMED"), 2);
    CHECK_EQ_INT(gwt_count(&h, -1, "GUILD_CREATE"), 0);
    CHECK_EQ_INT(gwt_member_adds(&h, "before"), 0);
    CHECK_EQ_INT(gwt_member_adds(&h, "during1"), 1);
    CHECK_EQ_INT(gwt_member_adds(&h, "during2"), 1);
    CHECK_EQ_INT(gwt_member_adds(&h, "after"), 1);
    CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_0", "identifies"), 1);
    CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_1", "identifies"), 1);
    CHECK_EQ_INT(gwt_counter(&emu, "gateway_shard_1", "resumes_on_resume_url"), 1);
    gwt_check_seq_order(&h);
    fprintf(stderr, "[measure] restart: both shards resumed %" PRIu64 " ms after start\n", took);
    gwt_finish(&h);

    /* Third run: the gateway forgot the sessions: op 9, then IDENTIFY. */
    CHECK_EQ_INT(gwt_violations(&emu), 0);
    gwt_emu_reset(&emu);
    CHECK(access(path, F_OK) == 0);
    start_client(&h, &emu, dir);
    CHECK_EQ_INT(gwt_count(&h, -1, "READY"), 2);
    CHECK_EQ_INT(gwt_count(&h, -1, "RESUMED"), 0);
    gwt_finish(&h);
    CHECK_EQ_INT(gwt_violations(&emu), 0);
    gwt_emu_stop(&emu);
    printf("test_gw_restart: ok\n");
    return 0;
}
