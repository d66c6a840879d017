/*
 * 100 members click the same panel at once, from several threads: every one
 * gets the role and is told so, within Discord's rate limits (no violation).
 * Then one member clicks fast: the answers agree with the role they end with,
 * and the cooldown turns the extra clicks away.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "rpt.h"

#define MEMBERS 100
#define THREADS 8
#define FAST 5

static e2e t;
static rpt_panel p;
static char gamer[32];
static char ix[MEMBERS][64];
static char answers[MEMBERS][512];

static void *clicker(void *arg)
{
    int k = (int)(intptr_t)arg;
    char cid[100], user[16];
    snprintf(cid, sizeof cid, "rolepanel:b:%lld:%s", (long long)p.id, gamer);
    for (int i = k; i < MEMBERS; i += THREADS) {
        snprintf(user, sizeof user, "m%03d", i);
        snprintf(ix[i], sizeof ix[i], "%s", rpt_click(&t, user, p.message, cid));
    }
    for (int i = k; i < MEMBERS; i += THREADS)
        snprintf(answers[i], sizeof answers[i], "%s", rpt_answer(&t, ix[i], 240000));
    return NULL;
}

static void *fast(void *arg)
{
    int k = (int)(intptr_t)arg;
    char cid[100];
    snprintf(cid, sizeof cid, "rolepanel:b:%lld:%s", (long long)p.id, gamer);
    snprintf(ix[k], sizeof ix[k], "%s", rpt_click(&t, "bob", p.message, cid));
    snprintf(answers[k], sizeof answers[k], "%s", rpt_answer(&t, ix[k], 60000));
    return NULL;
}

int main(void)
{
    rpt_start(&t, "rp_load", "[plugin.rolepanel]\ncooldown_ms = 3000\n");
    rpt_panel_create(&t, &p, "Everyone", "");
    rpt_panel_add_role(&t, &p, "Gamer", "Gamer", NULL);
    CHECK(strstr(rpt_panel_post(&t, &p, "general"), "Posted"));
    snprintf(gamer, sizeof gamer, "%s", rpt_role_id(&t, "Gamer"));
    for (int i = 0; i < MEMBERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%03d", i);
        rpt_join(&t, name);
    }

    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, clicker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    int added = 0;
    for (int i = 0; i < MEMBERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%03d", i);
        if (strstr(answers[i], "Added <@&") && rpt_has_role(&t, name, "Gamer"))
            added++;
        else
            fprintf(stderr, "%s: %s\n", name, answers[i]);
    }
    CHECK_EQ_INT(added, MEMBERS);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.audit"), MEMBERS);
    int status = 0;
    json_t *v = et_ctl(&t.emu, "GET", "/_emu/violations", NULL, &status);
    CHECK_EQ_INT(json_array_size(json_object_get(v, "violations")), 0);
    json_decref(v);

    /* One member clicking fast: serialised, consistent, cooled down. */
    memset(answers, 0, sizeof answers);
    pthread_t f[FAST];
    for (int i = 0; i < FAST; i++)
        CHECK(pthread_create(&f[i], NULL, fast, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < FAST; i++)
        pthread_join(f[i], NULL);
    int adds = 0, removes = 0, cooled = 0;
    for (int i = 0; i < FAST; i++) {
        adds += strstr(answers[i], "Added") != NULL;
        removes += strstr(answers[i], "Removed") != NULL;
        cooled += strstr(answers[i], "too fast") != NULL;
        if (!strstr(answers[i], "Added") && !strstr(answers[i], "Removed") &&
            !strstr(answers[i], "too fast"))
            fprintf(stderr, "fast click %d: %s\n", i, answers[i]);
    }
    CHECK_EQ_INT(adds + removes + cooled, FAST);
    CHECK(cooled >= 1);
    CHECK_EQ_INT(adds - removes, rpt_has_role(&t, "bob", "Gamer"));
    CHECK(adds - removes == 0 || adds - removes == 1);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT total FROM rolepanel.refusals WHERE reason = 'cooldown'"),
                 cooled);
    printf("test_rolepanel_load: %d members at once all answered; fast clicks: %d added, %d "
           "removed, %d cooled down\n", MEMBERS, adds, removes, cooled);
    e2e_teardown(&t);
    return 0;
}
