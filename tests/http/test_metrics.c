/*
 * The metrics registry on its own: values, the exposition text, label
 * escaping, describe, collectors, the series cap, and exact counts under
 * concurrent updates.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "expo.h"
#include "metrics/metrics.h"
#include "tsup.h"

/* The registry under test (the host's is its application object's). */
static metrics *reg;

static char *render(void)
{
    char *text;
    size_t len;
    CHECK_EQ_INT(metrics_render(reg, &text, &len), 0);
    CHECK_EQ_INT(strlen(text), len);
    const char *bad = expo_check(text);
    if (bad) {
        fprintf(stderr, "bad exposition: %s\n---\n%s---\n", bad, text);
        exit(1);
    }
    return text;
}

static double value(const char *text, const char *series)
{
    double v;
    if (!expo_value(text, series, &v)) {
        fprintf(stderr, "no sample %s in\n%s", series, text);
        exit(1);
    }
    return v;
}

static void test_counter_gauge(void)
{
    CHECK_EQ_INT(metrics_describe(reg, "bothost_interactions_total", METRICS_COUNTER,
                                  "Interactions handled.\nBy plugin \\ command."),
                 0);
    const char *l = "plugin=\"raffle\",command=\"raffle create\",outcome=\"ok\"";
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_interactions_total", l, 1), 0);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_interactions_total", l, 2.5), 0);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_interactions_total", NULL, 7), 0);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_interactions_total", l, -1), BH_EINVAL);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_interactions_total", l, NAN), BH_EINVAL);
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_pool_in_use", "pool=\"db\"", 3), 0);
    CHECK_EQ_INT(metrics_gauge_add(reg, "bothost_pool_in_use", "pool=\"db\"", -1), 0);
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_temp", NULL, 0.125), 0);
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_big", NULL, 1e20), 0);
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_inf", NULL, -INFINITY), 0);
    /* One name, one type. */
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_interactions_total", l, 1), BH_EEXIST);
    CHECK_EQ_INT(metrics_describe(reg, "bothost_pool_in_use", METRICS_COUNTER, "x"), BH_EEXIST);
    CHECK_EQ_INT(metrics_describe(reg, "bothost_pool_in_use", METRICS_GAUGE, "Connections in use."),
                 0);
    CHECK_EQ_INT(metrics_series_count(reg), 6);

    char *text = render();
    CHECK(strstr(text, "# HELP bothost_interactions_total Interactions handled.\\nBy plugin "
                       "\\\\ command.\n# TYPE bothost_interactions_total counter\n"));
    CHECK(strstr(text, "# HELP bothost_pool_in_use Connections in use.\n"
                       "# TYPE bothost_pool_in_use gauge\nbothost_pool_in_use{pool=\"db\"} 2\n"));
    CHECK(strstr(text, "# HELP bothost_temp bothost_temp\n# TYPE bothost_temp gauge\nbothost_temp 0.125\n"));
    CHECK(value(text, "bothost_interactions_total{plugin=\"raffle\",command=\"raffle "
                      "create\",outcome=\"ok\"}") == 3.5);
    CHECK(value(text, "bothost_interactions_total") == 7);
    CHECK(value(text, "bothost_big") == 1e20);
    CHECK(strstr(text, "\nbothost_inf -Inf\n"));
    CHECK(strstr(text, "# TYPE bothost_metrics_dropped_series_total counter\n"
                       "bothost_metrics_dropped_series_total 0\n"));
    free(text);
    metrics_reset(reg);
}

static void test_histogram(void)
{
    const char *name = "bothost_interaction_duration_seconds";
    CHECK_EQ_INT(metrics_describe(reg, name, METRICS_HISTOGRAM, "Handler time."), 0);
    double obs[] = {0.0005, 0.001, 0.003, 0.0123, 0.7, 3, 42};
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++)
        CHECK_EQ_INT(metrics_histogram_observe(reg, name, "plugin=\"raffle\"", obs[i]), 0);
    CHECK_EQ_INT(metrics_histogram_observe(reg, name, "plugin=\"raffle\"", NAN), BH_EINVAL);
    /* "le" belongs to the histogram. */
    CHECK_EQ_INT(metrics_histogram_observe(reg, name, "le=\"1\"", 1), BH_EINVAL);
    char *text = render();
    struct {
        const char *le;
        double count;
    } want[] = {{"0.001", 2}, {"0.0025", 2}, {"0.005", 3}, {"0.01", 3}, {"0.025", 4},
                {"0.05", 4},  {"0.1", 4},    {"0.25", 4},  {"0.5", 4},  {"1", 5},
                {"2.5", 5},   {"5", 6},      {"10", 6},    {"+Inf", 7}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char series[256];
        snprintf(series, sizeof series, "%s_bucket{plugin=\"raffle\",le=\"%s\"}", name,
                 want[i].le);
        CHECK(value(text, series) == want[i].count);
    }
    CHECK_EQ_INT(expo_count(text, "bothost_interaction_duration_seconds_bucket{"), 14);
    CHECK(value(text, "bothost_interaction_duration_seconds_count{plugin=\"raffle\"}") == 7);
    double sum = value(text, "bothost_interaction_duration_seconds_sum{plugin=\"raffle\"}");
    CHECK(fabs(sum - (0.0005 + 0.001 + 0.003 + 0.0123 + 0.7 + 3 + 42)) < 1e-9);
    free(text);

    /* Own buckets, described first; other bounds later are refused. */
    double b[] = {1, 10, 100};
    CHECK_EQ_INT(metrics_describe_histogram(reg, "bothost_payload_bytes", "Sizes.", b, 3), 0);
    CHECK_EQ_INT(metrics_describe_histogram(reg, "bothost_payload_bytes", "Sizes.", b, 3), 0);
    CHECK_EQ_INT(metrics_describe_histogram(reg, "bothost_payload_bytes", "Sizes.", b, 2),
                 BH_EEXIST);
    double unsorted[] = {1, 1};
    CHECK_EQ_INT(metrics_describe_histogram(reg, "bothost_x", "x", unsorted, 2), BH_EINVAL);
    CHECK_EQ_INT(metrics_describe(reg, name, METRICS_HISTOGRAM, "Handler time."), 0);
    metrics_series *s = metrics_series_get(reg, METRICS_HISTOGRAM, "bothost_payload_bytes", NULL);
    CHECK(s);
    CHECK(metrics_series_get(reg, METRICS_HISTOGRAM, "bothost_payload_bytes", NULL) == s);
    CHECK(!metrics_series_get(reg, METRICS_COUNTER, "bothost_payload_bytes", NULL));
    metrics_series_observe(s, 10);
    metrics_series_observe(s, 1000);
    text = render();
    CHECK(strstr(text, "bothost_payload_bytes_bucket{le=\"1\"} 0\n"
                       "bothost_payload_bytes_bucket{le=\"10\"} 1\n"
                       "bothost_payload_bytes_bucket{le=\"100\"} 1\n"
                       "bothost_payload_bytes_bucket{le=\"+Inf\"} 2\n"
                       "bothost_payload_bytes_sum 1010\n"
                       "bothost_payload_bytes_count 2\n"));
    free(text);
    metrics_reset(reg);
}

static void test_labels(void)
{
    char buf[256];
    int n = metrics_labels(buf, sizeof buf, "plugin", "ra\"ff\\le", "command", "a\nb", NULL);
    CHECK_EQ_INT(n, (int)strlen(buf));
    CHECK_EQ_STR(buf, "plugin=\"ra\\\"ff\\\\le\",command=\"a\\nb\"");
    CHECK_EQ_INT(metrics_labels(buf, sizeof buf, NULL), 0);
    CHECK_EQ_STR(buf, "");
    CHECK_EQ_INT(metrics_labels(buf, sizeof buf, "bad-key", "v", NULL), BH_EINVAL);
    CHECK_EQ_INT(metrics_labels(buf, sizeof buf, "9key", "v", NULL), BH_EINVAL);
    /* Exactly fitting and one byte short. */
    CHECK_EQ_INT(metrics_labels(buf, 8, "k", "v\"", NULL), 7);
    CHECK_EQ_STR(buf, "k=\"v\\\"\"");
    CHECK_EQ_INT(metrics_labels(buf, 7, "k", "v\"", NULL), BH_EINVAL);
    CHECK_EQ_STR(buf, "");

    CHECK_EQ_INT(metrics_labels(buf, sizeof buf, "command", "say \"hi\" \\ bye\n", NULL) > 0, 1);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_t_total", buf, 1), 0);
    char *text = render();
    CHECK(value(text, "bothost_t_total{command=\"say \\\"hi\\\" \\\\ bye\\n\"}") == 1);
    free(text);

    /* Raw, unescaped text from a plugin is refused, not written out. */
    const char *bad[] = {"command=\"a\"b\"",  "command=\"a\nb\"", "command=\"a\\x\"",
                         "command=a",          "=\"a\"",           "command=\"a\",",
                         "command=\"unended", "a-b=\"1\"",        "command=\"a\" , x=\"1\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_INT(metrics_counter_add(reg, "bothost_t_total", bad[i], 1), BH_EINVAL);
    CHECK_EQ_INT(metrics_counter_add(reg, "9bad", NULL, 1), BH_EINVAL);
    CHECK_EQ_INT(metrics_counter_add(reg, "bad name", NULL, 1), BH_EINVAL);
    CHECK_EQ_INT(metrics_counter_add(reg, NULL, NULL, 1), BH_EINVAL);
    CHECK_EQ_INT(metrics_series_count(reg), 1);
    metrics_reset(reg);
}

static void collect(metrics_writer *w, void *arg)
{
    int *calls = arg;
    (*calls)++;
    CHECK_EQ_INT(metrics_write_counter(w, "bothost_rest_requests_total",
                                       "route=\"/channels/:id/messages\",status=\"200\"", 12),
                 0);
    CHECK_EQ_INT(metrics_write_gauge(w, "bothost_gateway_shards_ready", NULL, 2), 0);
    CHECK_EQ_INT(metrics_write_counter(w, "bothost_rest_requests_total",
                                       "route=\"/guilds/:id\",status=\"429\"", 1),
                 0);
    CHECK_EQ_INT(metrics_write_gauge(w, "bothost_rest_requests_total", NULL, 1), BH_EEXIST);
    CHECK_EQ_INT(metrics_write_gauge(w, "bad name", NULL, 1), BH_EINVAL);
    CHECK_EQ_INT(metrics_write_gauge(w, "bothost_x", "x=\"\n\"", 1), BH_EINVAL);
    double b[] = {0.1, 1};
    uint64_t counts[] = {1, 2, 3};
    CHECK_EQ_INT(metrics_write_histogram(w, "bothost_rest_latency_seconds", "route=\"/x\"", b,
                                         counts, 2, 4.5),
                 0);
    /* A collector may write into a family the registry also has. */
    CHECK_EQ_INT(metrics_write_counter(w, "bothost_reloads_total", "result=\"failed\"", 1), 0);
}

static void test_collectors(void)
{
    int calls = 0;
    CHECK_EQ_INT(metrics_add_collector(reg, collect, &calls), 0);
    CHECK_EQ_INT(metrics_add_collector(reg, collect, &calls), BH_EEXIST);
    CHECK_EQ_INT(metrics_describe(reg, "bothost_rest_requests_total", METRICS_COUNTER,
                                  "REST calls by route and status."),
                 0);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_reloads_total", "result=\"ok\"", 4), 0);
    char *text = render();
    CHECK_EQ_INT(calls, 1);
    CHECK(strstr(text, "# HELP bothost_rest_requests_total REST calls by route and status.\n"
                       "# TYPE bothost_rest_requests_total counter\n"
                       "bothost_rest_requests_total{route=\"/channels/:id/messages\",status="
                       "\"200\"} 12\n"
                       "bothost_rest_requests_total{route=\"/guilds/:id\",status=\"429\"} 1\n"));
    CHECK(strstr(text, "# TYPE bothost_reloads_total counter\n"
                       "bothost_reloads_total{result=\"ok\"} 4\n"
                       "bothost_reloads_total{result=\"failed\"} 1\n"));
    CHECK(strstr(text, "# TYPE bothost_gateway_shards_ready gauge\n"
                       "bothost_gateway_shards_ready 2\n"));
    CHECK(value(text, "bothost_rest_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"}") == 6);
    CHECK(value(text, "bothost_rest_latency_seconds_count{route=\"/x\"}") == 6);
    free(text);
    CHECK_EQ_INT(metrics_remove_collector(reg, collect, &calls), 0);
    CHECK_EQ_INT(metrics_remove_collector(reg, collect, &calls), BH_ENOTFOUND);
    text = render();
    CHECK_EQ_INT(calls, 1);
    /* Described but never written: no lines at all. */
    CHECK(!strstr(text, "bothost_rest_requests_total"));
    free(text);
    metrics_reset(reg);
}

/* Sums print as decimals, without the noise of their binary representation. */
static void test_numbers(void)
{
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_wait_seconds_total", NULL, 0.038), 0);
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_wait_seconds_total", NULL, 0.038), 0);
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_third", NULL, 1.0 / 3), 0);
    CHECK_EQ_INT(metrics_gauge_set(reg, "bothost_tiny", NULL, 1.5e-9), 0);
    char *text = render();
    CHECK(strstr(text, "\nbothost_wait_seconds_total 0.076\n"));
    CHECK(strstr(text, "\nbothost_third 0.333333333333333\n"));
    CHECK(strstr(text, "\nbothost_tiny 1.5e-09\n"));
    free(text);
    metrics_reset(reg);
}

static void test_cap(void)
{
    metrics_set_max_series(reg, 100);
    char labels[64];
    for (int i = 0; i < 150; i++) {
        snprintf(labels, sizeof labels, "command=\"c%d\"", i);
        int rc = metrics_counter_add(reg, "bothost_cmd_total", labels, 1);
        CHECK_EQ_INT(rc, i < 100 ? 0 : BH_ELIMIT);
    }
    /* Existing series keep counting at the cap. */
    CHECK_EQ_INT(metrics_counter_add(reg, "bothost_cmd_total", "command=\"c5\"", 1), 0);
    CHECK(!metrics_series_get(reg, METRICS_GAUGE, "bothost_new", NULL));
    /* A description is not a series. */
    CHECK_EQ_INT(metrics_describe(reg, "bothost_new2", METRICS_GAUGE, "x"), 0);
    CHECK_EQ_INT(metrics_series_count(reg), 100);
    CHECK_EQ_INT(metrics_dropped_series(reg), 51);
    char *text = render();
    CHECK_EQ_INT(expo_count(text, "bothost_cmd_total{"), 100);
    CHECK(value(text, "bothost_cmd_total{command=\"c5\"}") == 2);
    CHECK(value(text, "bothost_metrics_dropped_series_total") == 51);
    free(text);
    metrics_reset(reg);
    CHECK_EQ_INT(metrics_dropped_series(reg), 0);
    CHECK_EQ_INT(metrics_series_count(reg), 0);
}

#define THREADS 4
#define ITER 50000

static void *hammer(void *arg)
{
    long id = (long)arg;
    char labels[64];
    snprintf(labels, sizeof labels, "worker=\"%ld\"", id % 2);
    for (int i = 0; i < ITER; i++) {
        metrics_counter_add(reg, "bothost_hammer_total", labels, 1);
        metrics_histogram_observe(reg, "bothost_hammer_seconds", labels, (i % 4) * 0.25);
        metrics_gauge_add(reg, "bothost_hammer_gauge", NULL, i % 2 ? 1 : -1);
        if (i % 1000 == 0) {
            /* New series appear while others are updated (and the table grows). */
            char fresh[64];
            snprintf(fresh, sizeof fresh, "t=\"%ld\",i=\"%d\"", id, i);
            metrics_counter_add(reg, "bothost_fresh_total", fresh, 1);
        }
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        CHECK_EQ_INT(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
    for (int i = 0; i < 20; i++)
        free(render());
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    char *text = render();
    CHECK(value(text, "bothost_hammer_total{worker=\"0\"}") == 2.0 * ITER);
    CHECK(value(text, "bothost_hammer_total{worker=\"1\"}") == 2.0 * ITER);
    CHECK(value(text, "bothost_hammer_seconds_count{worker=\"1\"}") == 2.0 * ITER);
    /* 0, 0.25, 0.5, 0.75 repeating: exact in binary, so the sum is exact too. */
    CHECK(value(text, "bothost_hammer_seconds_sum{worker=\"1\"}") == 2.0 * ITER / 4 * 1.5);
    CHECK(value(text, "bothost_hammer_seconds_bucket{worker=\"0\",le=\"0.25\"}") == ITER);
    CHECK(value(text, "bothost_hammer_gauge") == 0);
    CHECK_EQ_INT(expo_count(text, "bothost_fresh_total{"), THREADS * (ITER / 1000));
    free(text);
    metrics_reset(reg);
}

int main(void)
{
    if (metrics_create(&reg) < 0)
        return 1;
    test_counter_gauge();
    test_histogram();
    test_labels();
    test_collectors();
    test_numbers();
    test_cap();
    test_threads();
    metrics_free(reg);
    printf("ok\n");
    return 0;
}
