/*
 * /metrics after a scenario (an interaction, jobs that succeed, one that fails
 * until it is dead, a reload) passes `promtool check metrics`: every family has
 * HELP and TYPE, numbers carry no binary noise, and the job and reload series
 * count what happened.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../discord/e2e.h"

/* The value of the sample line starting with `series ` in text, or -1. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return atof(p + n + 1);
    return -1;
}

static const char *scrape(e2e *t)
{
    const char *body;
    CHECK_EQ_INT(e2e_http_get(t, "/metrics", &body), 200);
    return body;
}

int main(void)
{
    e2e t;
    e2e_setup(&t, "metrics_promtool", NULL);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    tsup_host_install_plugin(&t.dirs, "loadtest_a", "loadtest");
    e2e_start_host(&t, "interact, loadtest", NULL, "msg=\"ready: ");
    e2e_wait_commands(&t, 30000);

    json_t *v = e2e_answer(&t, e2e_command(&t, "/echo text:hi times:1"), 0, 5000);
    json_decref(v);
    /* Two jobs that succeed, then one whose row already exists: it fails until dead. */
    tsup_pg_exec(t.db, "INSERT INTO bothost.jobs (plugin, kind, payload) VALUES "
                       "('loadtest', 'once', '{\"n\": 1}'), ('loadtest', 'once', '{\"n\": 2}')");
    const char *text = NULL;
    for (int i = 0; i < 600; i++) {
        text = scrape(&t);
        if (sample(text, "bothost_jobs_succeeded_total{plugin=\"loadtest\",kind=\"once\"}") == 2)
            break;
        usleep(50000);
    }
    tsup_pg_exec(t.db, "INSERT INTO bothost.jobs (plugin, kind, payload) VALUES "
                       "('loadtest', 'once', '{\"n\": 1}')");
    for (int i = 0; i < 600; i++) {
        text = scrape(&t);
        if (sample(text, "bothost_jobs_dead_total{plugin=\"loadtest\",kind=\"once\"}") == 1)
            break;
        usleep(50000);
    }
    tsup_proc_signal(t.host, SIGHUP);
    CHECK(tsup_proc_wait_line(t.host, "msg=\"reload: ", 30000));
    text = scrape(&t);

    CHECK_EQ_INT((int)sample(text, "bothost_jobs_claimed_total{plugin=\"loadtest\",kind=\"once\"}"), 7);
    CHECK_EQ_INT((int)sample(text, "bothost_jobs_succeeded_total{plugin=\"loadtest\",kind=\"once\"}"), 2);
    CHECK_EQ_INT((int)sample(text, "bothost_jobs_retried_total{plugin=\"loadtest\",kind=\"once\"}"), 4);
    CHECK_EQ_INT((int)sample(text, "bothost_jobs_dead_total{plugin=\"loadtest\",kind=\"once\"}"), 1);
    CHECK_EQ_INT((int)sample(text, "bothost_job_lag_seconds_count{plugin=\"loadtest\"}"), 7);
    CHECK_EQ_INT((int)sample(text, "bothost_reloads_total"), 1);
    CHECK_EQ_INT((int)sample(text, "bothost_reload_failures_total"), 0);
    CHECK_EQ_INT((int)sample(text, "bothost_reload_duration_seconds_count"), 1);

    char path[600];
    snprintf(path, sizeof path, "%s/metrics.txt", tsup_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "promtool check metrics < '%s' 2>&1", path);
    FILE *p = popen(cmd, "r");
    CHECK(p);
    char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    if (n)
        fprintf(stderr, "promtool says:\n%s\nscrape:\n%s\n", out, text);
    CHECK_EQ_INT(WEXITSTATUS(status), 0);
    CHECK_EQ_INT((int)n, 0);

    e2e_teardown(&t);
    printf("test_metrics_promtool: ok\n");
    return 0;
}
