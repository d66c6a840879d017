/*
 * The gateway through the whole host: 4 shards become ready; member joins reach
 * a plugin's event handler exactly once across a dropped connection, an op 7,
 * a non-resumable invalid session, and a graceful restart (which resumes the
 * saved session instead of identifying anew).
 */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

static int next_user = 1;

static void join(e2e *t, int n)
{
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "member%d", next_user++);
        int status = 0;
        json_t *r = et_ctl(&t->emu, "POST", "/_emu/members", json_pack("{s:s}", "username", name),
                           &status);
        CHECK_EQ_INT(status, 200);
        json_decref(r);
    }
}

static void wait_joins(e2e *t, int want)
{
    for (int i = 0; i < 100 && tsup_pg_i64(t->db, "SELECT count(*) FROM interact.joins") < want; i++)
        usleep(100000);
    CHECK_EQ_INT(tsup_pg_i64(t->db, "SELECT count(*) FROM interact.joins"), want);
}

/*
 * Waits until `want` lines of the host contain `needle`, however many were read
 * already: tsup_proc_wait_line() would read past lines logged before it was called.
 */
static void wait_count(e2e *t, const char *needle, int want, int timeout_ms)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (tsup_proc_count(t->host, needle) >= want || ms > timeout_ms)
            break;
        tsup_proc_pump(t->host, 20);
    }
    CHECK_EQ_INT(tsup_proc_count(t->host, needle), want);
}

static void fault(e2e *t, json_t *body)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/faults/gateway", body, &status);
    CHECK_EQ_INT(status, 200);
    json_decref(r);
}

int main(void)
{
    e2e t;
    static const char *const emu_args[] = {"--shards", "4", NULL};
    e2e_setup(&t, "e2e_gateway", emu_args);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    t.dirs.log_level = "debug"; /* the gateway's handshakes are debug lines */
    e2e_start_host(&t, "interact", "[gateway]\nshards = auto\n", "registered 2 command(s)");
    for (int s = 0; s < 4; s++) {
        char line[64];
        snprintf(line, sizeof line, "shard %d ready as", s);
        wait_count(&t, line, 1, 30000);
    }

    join(&t, 3);
    wait_joins(&t, 3);

    /* A dropped connection: the members who joined meanwhile arrive once, after RESUME. */
    fault(&t, json_pack("{s:s}", "action", "drop"));
    join(&t, 3);
    wait_joins(&t, 6);
    CHECK(tsup_proc_wait_line(t.host, "resumed", 10000));

    /* op 7: reconnect and resume. */
    fault(&t, json_pack("{s:s}", "action", "reconnect"));
    join(&t, 2);
    wait_joins(&t, 8);

    /* A session Discord will not resume: identify anew. */
    /* Shard 0 holds the guild. Discord drops what happens before the new READY. */
    int readies = tsup_proc_count(t.host, "shard 0 ready as");
    fault(&t, json_pack("{s:i,s:s,s:b}", "shard", 0, "action", "invalid_session", "resumable", 0));
    wait_count(&t, "shard 0 ready as", readies + 1, 30000);
    join(&t, 2);
    wait_joins(&t, 10);

    /* A graceful restart resumes: nothing joined while the host was down is lost. */
    int identifies = tsup_proc_count(t.host, "identifying");
    e2e_stop_host(&t);
    join(&t, 2);
    e2e_start_host(&t, "interact", "[gateway]\nshards = auto\n", "2 command(s) unchanged");
    wait_joins(&t, 12);
    CHECK(tsup_proc_count(t.host, "identifying") == 0);
    CHECK(identifies > 0);

    /* Resumed sessions bring no GUILD_CREATE: the guild cache fills itself from REST. */
    json_t *v = e2e_answer(&t, e2e_command(&t, "/tools admin user:@bob role:Gamer closed:#announcements"),
                           0, 15000);
    CHECK_EQ_STR(e2e_content(v), "admin ok");
    json_decref(v);
    e2e_teardown(&t);
    printf("test_gateway_host: ok\n");
    return 0;
}
