/*
 * Hot reload 100 times while interactions flow at a steady rate: every command
 * sent during the reloads is answered by one generation or the next, none fails.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

#define RELOADS 100
#define MAX_SENT 20000

static e2e t;
static atomic_int stop;
static char ids[MAX_SENT][32];
static int sent;

/* Sends /echo every 20 ms until told to stop. */
static void *sender(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop) && sent < MAX_SENT) {
        char text[64];
        snprintf(text, sizeof text, "/echo text:n%d", sent);
        snprintf(ids[sent], sizeof ids[sent], "%s", e2e_command(&t, text));
        sent++;
        usleep(20000);
    }
    return NULL;
}

int main(void)
{
    e2e_setup(&t, "e2e_reload", NULL);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    t.dirs.log_level = "debug"; /* it counts "registered 2 command(s)" */
    e2e_start_host(&t, "interact", NULL, "registered 2 command(s)");

    pthread_t th;
    CHECK(pthread_create(&th, NULL, sender, NULL) == 0);
    double total_ms = 0;
    for (int i = 0; i < RELOADS; i++) {
        tsup_host_install_plugin(&t.dirs, i % 2 ? "interact_a" : "interact_b", "interact");
        tsup_proc_signal(t.host, SIGHUP);
        const char *line = tsup_proc_wait_line(t.host, "msg=\"reload: ", 30000);
        CHECK(line && strstr(line, "reloaded=1 unloaded=0 kept=0 failed=0"));
        total_ms += strtod(strstr(line, " in ") + 4, NULL);
        usleep(30000); /* a reload every ~30 ms: commands land on every generation */
    }
    atomic_store(&stop, 1);
    pthread_join(th, NULL);

    int ok = 0;
    for (int i = 0; i < sent; i++) {
        json_t *v = e2e_answer(&t, ids[i], 0, 10000);
        char want[32];
        snprintf(want, sizeof want, "echo: n%d x1", i);
        if (json_integer_value(json_object_get(json_object_get(v, "response"), "type")) == 4 &&
            strcmp(e2e_content(v), want) == 0)
            ok++;
        else
            fprintf(stderr, "interaction %d not answered as expected\n", i);
        json_decref(v);
    }
    CHECK_EQ_INT(ok, sent);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM interact.calls"), sent);
    /* The same set of commands: nothing registered again after the first time. */
    CHECK_EQ_INT(tsup_proc_count(t.host, "registered 2 command(s)"), 1);
    printf("reload under interactions: %d reloads (%.1f ms mean), %d interactions, %d answered, "
           "0 failed\n",
           RELOADS, total_ms / RELOADS, sent, ok);
    e2e_teardown(&t);
    return 0;
}
