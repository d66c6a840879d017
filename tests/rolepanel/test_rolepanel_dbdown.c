/*
 * PostgreSQL goes away under a running host and comes back: clicks handled
 * while it is down get the error answer and change nothing, the host logs why
 * and keeps running, a temporary role's removal due meanwhile happens once the
 * server is back, and clicks work again. Runs on a private cluster, so the
 * shared one stays up for the tests beside it.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "rpt.h"

#define DOWN_CLICKS 6
#define LOAD 40
#define THREADS 4

static e2e t;
static char load_ids[LOAD][64], load_answers[LOAD][512];

/* Members waiting for their answers side by side, as in test_rolepanel_load. */
static void *waiter(void *arg)
{
    for (int i = (int)(intptr_t)arg; i < LOAD; i += THREADS)
        snprintf(load_answers[i], sizeof load_answers[i], "%s", rpt_answer(&t, load_ids[i], 60000));
    return NULL;
}

static int64_t q(e2e *e, const char *sql)
{
    return tsup_pg_i64(e->db, sql);
}

/* Waits up to ms for the member to hold (or not) the role. */
static int wait_role(e2e *e, const char *user, const char *role, int has, int ms)
{
    for (int waited = 0; waited <= ms; waited += 200) {
        if (rpt_has_role(e, user, role) == has)
            return 1;
        usleep(200000);
    }
    return 0;
}

int main(void)
{
    static const char dir[] = BH_BINARY_DIR "/testpg-dbdown";
    char users[DOWN_CLICKS][16], cid[100];
    const char *ids[DOWN_CLICKS];
    char *ci = tsup_pg_private_start(dir);
    tsup_pg_use(ci);
    rpt_start(&t, "rp_dbdown", "[plugin.rolepanel]\ncooldown_ms = 0\n");
    rpt_panel p;
    rpt_panel_create(&t, &p, "Roles", "");
    rpt_panel_add_role(&t, &p, "Gamer", "Gamer", NULL);
    CHECK(strstr(rpt_panel_limits(&t, &p, "0", "0", "3s"), "saved"));
    CHECK(strstr(rpt_panel_post(&t, &p, "general"), "Posted"));
    snprintf(cid, sizeof cid, "rolepanel:b:%lld:%s", (long long)p.id, rpt_role_id(&t, "Gamer"));
    for (int i = 0; i < DOWN_CLICKS; i++) {
        snprintf(users[i], sizeof users[i], "d%02d", i);
        rpt_join(&t, users[i]);
    }

    rpt_join(&t, "tmp");
    /* A temporary role whose removal falls due while the server is down. */
    const char *first = rpt_take(&t, &p, "tmp", "Gamer");
    if (!strstr(first, "Added"))
        fprintf(stderr, "tmp: \"%s\"\n", first);
    CHECK(strstr(first, "Added"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'rolepanel' AND kind = 'expire'"), 1);

    /* The server stops with handlers in flight: each click is answered, and only
     * those told "Added" hold the role (a change that reached Discord but could
     * not be recorded is undone). */
    static char load_users[LOAD][16];
    for (int i = 0; i < LOAD; i++) {
        snprintf(load_users[i], sizeof load_users[i], "l%02d", i);
        rpt_join(&t, load_users[i]);
    }
    for (int i = 0; i < LOAD; i++)
        snprintf(load_ids[i], sizeof load_ids[i], "%s", rpt_click(&t, load_users[i], p.message, cid));
    CHECK_EQ_INT(tsup_pg_private_ctl("halt", dir), 0);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, waiter, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    int load_added = 0;
    for (int i = 0; i < LOAD; i++) {
        const char *a = load_answers[i];
        int added = strstr(a, "Added") != NULL;
        if (!added && !strstr(a, "Something went wrong"))
            fprintf(stderr, "%s as the database went away: \"%s\"\n", load_users[i], a);
        CHECK(added || strstr(a, "Something went wrong"));
        if (rpt_has_role(&t, load_users[i], "Gamer") != added)
            fprintf(stderr, "%s holds the role: %d, was told \"%s\"\n", load_users[i], !added, a);
        CHECK_EQ_INT(rpt_has_role(&t, load_users[i], "Gamer"), added);
        load_added += added;
    }
    printf("test_rolepanel_dbdown: %d of %d clicks done before the server stopped\n", load_added, LOAD);

    for (int i = 0; i < DOWN_CLICKS; i++)
        ids[i] = strdup(rpt_click(&t, users[i], p.message, cid));
    for (int i = 0; i < DOWN_CLICKS; i++) {
        const char *a = rpt_answer(&t, ids[i], 60000);
        if (!strstr(a, "Something went wrong"))
            fprintf(stderr, "%s while the database was down: \"%s\"\n", users[i], a);
        CHECK(strstr(a, "Something went wrong"));
        CHECK(!rpt_has_role(&t, users[i], "Gamer"));
        free((void *)ids[i]);
    }
    CHECK(tsup_proc_wait_line(t.host, "database", 10000));
    /* The removal is due and the scheduler cannot reach the database. */
    CHECK(tsup_proc_wait_line(t.host, "component=sched", 30000));
    CHECK(rpt_has_role(&t, "tmp", "Gamer"));

    CHECK_EQ_INT(tsup_pg_private_ctl("start", dir), 0);
    PQfinish(t.db);
    t.db = tsup_pg_connect(t.conninfo);
    /* The removal happens, and the members clicking again get their role. */
    CHECK(wait_role(&t, "tmp", "Gamer", 0, 30000));
    /* The removals due meanwhile (the load's temporary roles too) all happen. */
    for (int i = 0; i < 300 && q(&t, "SELECT count(*) FROM rolepanel.temp_roles") > 0; i++)
        usleep(100000);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.temp_roles"), 0);
    CHECK(strstr(rpt_panel_limits(&t, &p, "0", "0", ""), "saved"));
    for (int i = 0; i < DOWN_CLICKS; i++) {
        const char *a = rpt_take(&t, &p, users[i], "Gamer");
        if (!strstr(a, "Added"))
            fprintf(stderr, "%s after the database came back: \"%s\"\n", users[i], a);
        CHECK(strstr(a, "Added"));
        CHECK(rpt_has_role(&t, users[i], "Gamer"));
    }
    /* Nothing done while it was down was recorded, everything after was. */
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.audit WHERE cause = 'expired'"), 1 + load_added);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.temp_roles"), 0);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.audit"), 2 * (1 + load_added) + DOWN_CLICKS);
    /* The host stops cleanly (exit 0) while the server is away, with a click and
     * a temporary role's removal pending. */
    CHECK(strstr(rpt_panel_limits(&t, &p, "0", "0", "1s"), "saved"));
    CHECK(strstr(rpt_take(&t, &p, "tmp", "Gamer"), "Added"));
    CHECK_EQ_INT(tsup_pg_private_ctl("halt", dir), 0);
    const char *last = rpt_click(&t, "tmp", p.message, cid);
    CHECK(strstr(rpt_answer(&t, last, 60000), "Something went wrong"));
    CHECK(tsup_proc_wait_line(t.host, "cannot claim jobs", 30000));
    e2e_stop_host(&t);
    CHECK_EQ_INT(tsup_pg_private_ctl("start", dir), 0);
    PQfinish(t.db);
    t.db = tsup_pg_connect(t.conninfo);
    e2e_teardown(&t);
    free(ci);
    printf("test_rolepanel_dbdown: ok\n");
    return 0;
}
