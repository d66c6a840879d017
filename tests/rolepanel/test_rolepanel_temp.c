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

    /* Taking it again replaces the pending removal: one job, the later time. */
    CHECK(strstr(rpt_take(&t, &p, "alice", "Artist"), "Added"));
    usleep(1500000);
    CHECK(strstr(rpt_take(&t, &p, "alice", "Artist"), "Removed"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND kind = 'expire'"), 0);
    CHECK(strstr(rpt_take(&t, &p, "alice", "Artist"), "Added"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND kind = 'expire'"), 1);
    usleep(2000000); /* past the first schedule, before the second */
    CHECK(rpt_has_role(&t, "alice", "Artist"));
    CHECK(wait_role(&t, "alice", "Artist", 0, 6000));

    /* A removal due while the host is down happens after the restart. */
    CHECK(strstr(rpt_take(&t, &p, "newbie", "Gamer"), "Added"));
    e2e_stop_host(&t);
    usleep(4000000);
    CHECK(rpt_has_role(&t, "newbie", "Gamer"));
    rpt_restart(&t);
    CHECK(wait_role(&t, "newbie", "Gamer", 0, 10000));

    /* The posted buttons still work after the restart... */
    CHECK(strstr(rpt_panel_limits(&t, &p, "0", "0", ""), "saved"));
    /* The host resumed its gateway session: no GUILD_CREATE refilled its guild cache, so the
     * checks ask Discord for the roles instead. */
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
