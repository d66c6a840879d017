/*
 * What metrics cost: observe() by name and by handle, alone and with four
 * threads, and the time to render N series. Prints figures, asserts none.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "metrics/metrics.h"
#include "tsup.h"

#define LABELS "plugin=\"raffle\",command=\"raffle create\",outcome=\"ok\""

static long iterations = 1000000;

struct run {
    int by_handle;
    long n;
    int id;
};

static void *observe_loop(void *arg)
{
    struct run *r = arg;
    char labels[128];
    snprintf(labels, sizeof labels, LABELS ",worker=\"%d\"", r->id);
    metrics_series *s =
        metrics_series_get(METRICS_HISTOGRAM, "bothost_bench_duration_seconds", labels);
    for (long i = 0; i < r->n; i++) {
        double v = (double)(i & 1023) * 1e-4;
        if (r->by_handle)
            metrics_series_observe(s, v);
        else
            metrics_histogram_observe("bothost_bench_duration_seconds", labels, v);
    }
    return NULL;
}

/* ns per observation with `threads` threads, each on its own series. */
static double bench_observe(int threads, int by_handle)
{
    pthread_t t[8];
    struct run r[8];
    uint64_t start = uv_hrtime();
    for (int i = 0; i < threads; i++) {
        r[i] = (struct run){.by_handle = by_handle, .n = iterations, .id = i};
        CHECK_EQ_INT(pthread_create(&t[i], NULL, observe_loop, &r[i]), 0);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    return (double)(uv_hrtime() - start) / (double)iterations;
}

static void bench_render(int series)
{
    metrics_reset();
    metrics_set_max_series((size_t)series + 10);
    char labels[128];
    for (int i = 0; i < series; i++) {
        snprintf(labels, sizeof labels, "plugin=\"p%d\",command=\"command %d\"", i % 7, i);
        if (i % 10 == 0)
            metrics_histogram_observe("bothost_bench_seconds", labels, 0.01 * (i % 100));
        else
            metrics_counter_add("bothost_bench_total", labels, i);
    }
    char *text;
    size_t len;
    int reps = 20;
    uint64_t start = uv_hrtime();
    for (int i = 0; i < reps; i++) {
        CHECK_EQ_INT(metrics_render(&text, &len), 0);
        free(text);
    }
    double ms = (double)(uv_hrtime() - start) / 1e6 / reps;
    printf("render: %d series (10%% histograms) -> %zu bytes in %.2f ms\n", series, len, ms);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        iterations = atol(argv[1]);
    metrics_reset();
    /* The first call creates the series; keep it out of the figures. */
    bench_observe(4, 0);
    printf("observe by name,   1 thread : %6.1f ns/call\n", bench_observe(1, 0));
    printf("observe by handle, 1 thread : %6.1f ns/call\n", bench_observe(1, 1));
    printf("observe by name,   4 threads: %6.1f ns/call per thread (wall / calls per thread)\n",
           bench_observe(4, 0));
    printf("observe by handle, 4 threads: %6.1f ns/call per thread (wall / calls per thread)\n",
           bench_observe(4, 1));
    bench_render(1000);
    bench_render(10000);
    metrics_reset();
    return 0;
}
