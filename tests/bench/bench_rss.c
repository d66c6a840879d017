/*
 * The host's resident memory (VmRSS of the bothost process, from /proc):
 *   1. idle: one shard, the emulator's built-in guild, the `interact` test
 *      plugin, 2 s after /health/ready;
 *   2. with 10,000 guilds of 50 roles and 50 channels (3 permission overwrites
 *      each, like bench_cache) in its guild cache: bothost-emu is seeded with
 *      them over 4 shards (2,500 guilds each, Discord's limit per shard), and
 *      the RSS is read 2 s after the last GUILD_CREATE was handled (the
 *      dispatch counters of /metrics).
 * The emulator keeps its state as jansson values: it needs about 0.85 MB per
 * such guild (8 GB for 10,000). With less memory available the guild count is
 * lowered to fit, and the output says so.
 * Asserts only that every GUILD_CREATE arrived.
 *
 *   bench_rss [guilds]        (10,000 by default)
 */
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "e2e.h"

#define ROLES 50
#define CHANNELS 50
#define CATEGORIES 5
#define SHARDS 4

/* Placement follows the id: (id >> 22) % shards, so consecutive ids spread evenly. */
static uint64_t guild_id(int g)
{
    return ((uint64_t)(90000000000ull + (uint64_t)g) << 22) | 0x1000;
}
static uint64_t role_id(int g, int r)
{
    return r == 0 ? guild_id(g) : guild_id(g) + 1000 + (uint64_t)r;
}
static uint64_t chan_id(int g, int c)
{
    return guild_id(g) + 100000 + (uint64_t)c;
}

static const unsigned long long role_perms[] = {0, 0, 0, 104324673, 1071698660929, 8, 3072,
                                                268437504};
static const unsigned long long ow_perms[] = {0, 1024, 2048, 3072, 49152, 66560};
static const char *words[] = {"general", "chat", "memes", "music", "voice", "staff",
                              "announcements", "off-topic", "help", "rules"};

static const char *write_seed(int guilds, double *mb)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/seed.json", tsup_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK(f);
    fprintf(f, "{\"users\":[{\"username\":\"owner\",\"created_at\":\"2016-05-01T10:00:00Z\"}],"
               "\"guilds\":[");
    for (int g = 0; g < guilds; g++) {
        fprintf(f, "%s{\"id\":\"%llu\",\"name\":\"Guild %d\",\"owner\":\"owner\",\"roles\":[",
                g ? "," : "", (unsigned long long)guild_id(g), g);
        for (int r = 0; r < ROLES; r++)
            fprintf(f,
                    "%s{\"id\":\"%llu\",\"name\":\"%s%s %d\",\"position\":%d,\"permissions\":"
                    "\"%llu\",\"color\":%d,\"hoist\":%s%s}",
                    r ? "," : "", (unsigned long long)role_id(g, r), r ? "" : "@everyone",
                    r ? words[r % 10] : "", r, r, role_perms[(r + g) % 8],
                    r % 3 ? (r * 2654435) % 0xffffff : 0, r % 4 ? "false" : "true",
                    r == ROLES - 5 ? ",\"managed\":true,\"bot\":true" : "");
        fprintf(f, "],\"channels\":[");
        for (int c = 0; c < CHANNELS; c++) {
            int cat = c < CATEGORIES;
            fprintf(f, "%s{\"id\":\"%llu\",\"type\":%d,\"name\":\"%s-%d\",\"position\":%d", c ? "," : "",
                    (unsigned long long)chan_id(g, c), cat ? 4 : (c % 6 == 0 ? 2 : 0),
                    words[c % 10], c, c);
            if (!cat)
                fprintf(f, ",\"parent_id\":\"%llu\"", (unsigned long long)chan_id(g, c % CATEGORIES));
            fprintf(f,
                    ",\"permission_overwrites\":["
                    "{\"id\":\"%llu\",\"type\":0,\"allow\":\"%llu\",\"deny\":\"%llu\"},"
                    "{\"id\":\"%llu\",\"type\":0,\"allow\":\"%llu\",\"deny\":\"0\"},"
                    "{\"id\":\"%llu\",\"type\":0,\"allow\":\"0\",\"deny\":\"%llu\"}]}",
                    (unsigned long long)guild_id(g), ow_perms[c % 3], ow_perms[(c + 1) % 6],
                    (unsigned long long)role_id(g, 1 + c % 7), ow_perms[(c + 2) % 6],
                    (unsigned long long)role_id(g, 10 + c % 9), ow_perms[(c + 3) % 6]);
        }
        fprintf(f, "],\"members\":[{\"user\":\"owner\",\"roles\":[\"%llu\"]}]}",
                (unsigned long long)role_id(g, 5));
    }
    fprintf(f, "]}\n");
    *mb = (double)ftell(f) / 1048576.0;
    CHECK(fclose(f) == 0);
    return path;
}

/* The dispatches the host has handled, summed over its shards (from /metrics). */
static long dispatches(e2e *t)
{
    const char *body;
    if (e2e_http_get(t, "/metrics", &body) != 200)
        return -1;
    long sum = 0;
    for (const char *p = body; (p = strstr(p, "\nbothost_gateway_events_total{")) != NULL; p++) {
        const char *v = strchr(p, '}');
        if (v)
            sum += strtol(v + 1, NULL, 10);
    }
    return sum;
}

static void idle(e2e *t, double secs)
{
    double end = bench_now() + secs;
    while (bench_now() < end)
        tsup_proc_pump(t->host, 100);
}

int main(int argc, char **argv)
{
    int guilds = argc > 1 ? atoi(argv[1]) : (BENCH_SANITIZED ? 1000 : 10000);
    CHECK(guilds > 0 && guilds <= 2500 * SHARDS);
    bench_banner("bench_rss", "bothost's resident memory, idle and with a full guild cache");
    /* The emulator's share (about 0.85 MB a guild, 1.6 MB under ASan), with 2 GB to spare. */
    long avail = bench_mem_available_kb(), per_guild = BENCH_SANITIZED ? 1700 : 900;
    if (avail > 0 && (long)guilds * per_guild + 2048 * 1024 > avail) {
        int fit = (int)((avail - 2048 * 1024) / per_guild);
        fit = fit < 100 ? 100 : fit;
        printf("  NOTE: %.1f GB available, not enough for the emulator with %d guilds: "
               "measuring %d guilds\n",
               avail / 1048576.0, guilds, fit);
        guilds = fit;
    }

    /* 1. Idle, one shard. */
    e2e t;
    /* The host's memory is measured, not the emulator's checks. */
    et_emu_check_schema = 0;
    e2e_setup(&t, "bench_rss_idle", NULL);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    e2e_start_host(&t, "interact", NULL, "msg=\"ready: ");
    e2e_wait_commands(&t, 30000);
    idle(&t, 2);
    pid_t pid = tsup_proc_pid(t.host);
    long idle_rss = bench_vm_kb(pid, "VmRSS"), idle_hwm = bench_vm_kb(pid, "VmHWM");
    CHECK(idle_rss > 0);
    e2e_teardown(&t);
    printf("  idle: 1 shard, 1 guild, plugin interact, workers 4, pool_size 8: VmRSS %.1f MB "
           "(peak %.1f MB)\n",
           idle_rss / 1024.0, idle_hwm / 1024.0);
    fflush(stdout);

    /* 2. The emulator seeded with `guilds` guilds over 4 shards. */
    double seed_mb, t0 = bench_now();
    const char *seed = write_seed(guilds, &seed_mb);
    char shards[8];
    snprintf(shards, sizeof shards, "%d", SHARDS);
    const char *emu_args[] = {"--seed", seed, "--shards", shards, "--max-concurrency", shards,
                              "--guilds-per-shard", "2500", NULL};
    e2e_setup(&t, "bench_rss_guilds", emu_args);
    double t_emu = bench_now() - t0;
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    t0 = bench_now();
    /*
     * The emulator sends every GUILD_CREATE from one thread while the host registers its
     * commands, so each step may take as long as the guilds take: 30 s and 10 ms a guild
     * (three times that under a sanitizer).
     */
    int start_ms = (30000 + 10 * guilds) * (BENCH_SANITIZED ? 3 : 1);
    e2e_start_host_within(&t, "interact", "[gateway]\nshards = auto\n", "msg=\"ready: ", start_ms);
    e2e_wait_commands(&t, start_ms);
    pid = tsup_proc_pid(t.host);
    long want = guilds + SHARDS; /* a READY per shard, a GUILD_CREATE per guild */
    long got = 0;
    double deadline = bench_now() + start_ms / 1000.0;
    while ((got = dispatches(&t)) < want && bench_now() < deadline)
        tsup_proc_pump(t.host, 200);
    double t_load = bench_now() - t0;
    if (got < want)
        fprintf(stderr, "timed out after %.0f s: only %ld of %ld dispatches arrived\n", start_ms / 1000.0,
                got, want);
    CHECK(got >= want);
    idle(&t, 2);
    long rss = bench_vm_kb(pid, "VmRSS"), hwm = bench_vm_kb(pid, "VmHWM");
    long emu_rss = bench_vm_kb(t.emu.pid, "VmRSS");
    e2e_teardown(&t);

    printf("  seed: %d guilds x %d roles x %d channels (3 overwrites each), %.0f MB of JSON; "
           "the emulator took %.1f s to start (its RSS %.0f MB)\n",
           guilds, ROLES, CHANNELS, seed_mb, t_emu, emu_rss / 1024.0);
    printf("  host start to the last GUILD_CREATE handled: %.1f s (%d shards, max_concurrency %d)\n",
           t_load, SHARDS, SHARDS);
    printf("  with %d guilds cached: VmRSS %.1f MB (peak %.1f MB while they arrived); "
           "%.1f MB over idle, %.0f bytes per guild\n",
           guilds, rss / 1024.0, hwm / 1024.0, (rss - idle_rss) / 1024.0,
           (rss - idle_rss) * 1024.0 / guilds);
    printf("bench_rss: bothost idle %.1f MB; with %d guilds of %d roles and %d channels %.1f MB "
           "(target <= 50 MB: %s)\n",
           idle_rss / 1024.0, guilds, ROLES, CHANNELS, rss / 1024.0,
           BENCH_SANITIZED ? "not meaningful under a sanitizer"
           : guilds < 10000 ? "not measured at 10,000 guilds"
           : rss <= 50 * 1024 ? "met" : "NOT met");
    return 0;
}
