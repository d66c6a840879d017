/*
 * Temporary roles: removed on time; taking the role again replaces the pending
 * removal; a removal due while the host was down happens after the restart.
 * Panels keep working after a restart and after a reload (SIGHUP).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "rpt.h"

static int64_t q(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

/* Waits up to ms for the SQL value to be `want`; returns the last value. */
static int64_t q_wait(e2e *t, const char *sql, int64_t want, int ms)
{
    int64_t v = q(t, sql);
    for (int waited = 0; v != want && waited < ms; waited += 50) {
        usleep(50000);
        v = q(t, sql);
    }
    return v;
}

#define EXPIRE_JOBS "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND kind = 'expire'"
#define EXPIRE_AT                                                                         \
    "SELECT (extract(epoch FROM run_at) * 1000)::bigint FROM bothost.jobs "                 \
    "WHERE plugin = 'rolepanel' AND kind = 'expire'"

/* Waits up to ms for the member to hold (or not) the role. */
static int wait_role(e2e *t, const char *user, const char *role, int has, int ms)
{
    for (int waited = 0; waited <= ms; waited += 200) {
        if (rpt_has_role(t, user, role) == has)
            return 1;
        usleep(200000);
    }
    return 0;
}

int main(void)
{
    e2e t;
    rpt_start(&t, "rp_temp", "[plugin.rolepanel]\ncooldown_ms = 0\n");
    rpt_panel p;
    rpt_panel_create(&t, &p, "Temporary", "");
    rpt_panel_add_role(&t, &p, "Gamer", "Gamer", NULL);
    rpt_panel_add_role(&t, &p, "Artist", "Artist", NULL);
    rpt_panel_add_role(&t, &p, "Raffle Winner", "Winner", NULL);
    CHECK(strstr(rpt_panel_limits(&t, &p, "0", "0", "3s"), "saved"));
    CHECK(strstr(rpt_panel_post(&t, &p, "general"), "Posted"));

    /* Removed on time. */
    const char *a = rpt_take(&t, &p, "bob", "Artist");
    CHECK(strstr(a, "Added") && strstr(a, "will be removed <t:"));
    CHECK(rpt_has_role(&t, "bob", "Artist"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.temp_roles"), 1);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND kind = 'expire'"), 1);
    CHECK(wait_role(&t, "bob", "Artist", 0, 8000));
    for (int i = 0; i < 20 && q(&t, "SELECT count(*) FROM rolepanel.temp_roles") > 0; i++)
        usleep(100000);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.temp_roles"), 0);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.audit WHERE cause = 'expired'"), 1);

    /*
     * Given, taken back, given again: the pending removal goes with the role and
     * comes back with the new grant, once, at the new time (never before it).
     */
    CHECK(strstr(rpt_take(&t, &p, "alice", "Artist"), "Added"));
    int64_t first = q(&t, EXPIRE_AT);
    CHECK(strstr(rpt_take(&t, &p, "alice", "Artist"), "Removed"));
    CHECK_EQ_INT(q(&t, EXPIRE_JOBS), 0);
    CHECK(strstr(rpt_take(&t, &p, "alice", "Artist"), "Added"));
    CHECK_EQ_INT(q(&t, EXPIRE_JOBS), 1);
    int64_t second = q(&t, EXPIRE_AT);
    CHECK(second > first);
    CHECK(wait_role(&t, "alice", "Artist", 0, 10000));
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM rolepanel.audit WHERE cause = 'expired' AND user_id = %s "
             "AND at >= to_timestamp(%lld / 1000.0)",
             rpt_user_id(&t, "alice"), (long long)second);
    CHECK_EQ_INT(q_wait(&t, sql, 1, 5000), 1);

    /* A removal due while the host is down happens after the restart. */
    CHECK(strstr(rpt_take(&t, &p, "newbie", "Gamer"), "Added"));
    e2e_stop_host(&t);
    /* The database's clock decides when the removal is due: wait until it is. */
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND "
                            "kind = 'expire' AND run_at <= now()", 1, 10000), 1);
    CHECK(rpt_has_role(&t, "newbie", "Gamer"));
    rpt_restart(&t);
    CHECK(wait_role(&t, "newbie", "Gamer", 0, 10000));

    /* The posted buttons still work after the restart... */
    CHECK(strstr(rpt_panel_limits(&t, &p, "0", "0", ""), "saved"));
    /* The host resumed its gateway session: no GUILD_CREATE refilled its guild cache, so the
     * host asks Discord for the guild before it answers the checks. */
    CHECK(strstr(rpt_take(&t, &p, "newbie", "Raffle Winner"), "Added"));
    CHECK(rpt_has_role(&t, "newbie", "Raffle Winner"));

    /* ...and after a reload of the plugin. */
    tsup_host_install_real_plugin(&t.dirs, "rolepanel");
    tsup_proc_signal(t.host, SIGHUP);
    const char *line = tsup_proc_wait_line(t.host, "msg=\"reload: ", 30000);
    CHECK(line && strstr(line, "failed=0"));
    CHECK(strstr(rpt_take(&t, &p, "newbie", "Raffle Winner"), "Removed"));
    CHECK(!rpt_has_role(&t, "newbie", "Raffle Winner"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.temp_roles"), 0);

    e2e_teardown(&t);
    printf("test_rolepanel_temp: ok\n");
    return 0;
}
