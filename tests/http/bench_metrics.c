/*
 * What metrics cost: observe() by name and by handle, alone and with four
 * threads, and the time to render N series. Prints figures, asserts none.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "metrics/metrics.h"
#include "tsup.h"

/* The registry under test (the host's is its application object's). */
static metrics *reg;

#define LABELS "plugin=\"raffle\",command=\"raffle create\",outcome=\"ok\""

static long iterations = 1000000;

struct run {
    int by_handle;
    long n;
    int id;
    uint64_t cpu_ns; /* this thread's CPU time */
};

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *observe_loop(void *arg)
{
    struct run *r = arg;
    char labels[128];
    snprintf(labels, sizeof labels, LABELS ",worker=\"%d\"", r->id);
    metrics_series *s =
        metrics_series_get(reg, METRICS_HISTOGRAM, "bothost_bench_duration_seconds", labels);
    uint64_t start = thread_cpu_ns();
    for (long i = 0; i < r->n; i++) {
        double v = (double)(i & 1023) * 1e-4;
        if (r->by_handle)
            metrics_series_observe(s, v);
        else
            metrics_histogram_observe(reg, "bothost_bench_duration_seconds", labels, v);
    }
    r->cpu_ns = thread_cpu_ns() - start;
    return NULL;
}

/*
 * Observations by `threads` threads, each on its own series: prints the CPU
 * time per call (what a caller pays) and the wall time per call per thread
 * (which includes waiting for a core: the machine may be busy).
 */
static void bench_observe(const char *what, int threads, int by_handle, int quiet)
{
    pthread_t t[8];
    struct run r[8];
    uint64_t start = uv_hrtime();
    for (int i = 0; i < threads; i++) {
        r[i] = (struct run){.by_handle = by_handle, .n = iterations, .id = i};
        CHECK_EQ_INT(pthread_create(&t[i], NULL, observe_loop, &r[i]), 0);
    }
    uint64_t cpu = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        cpu += r[i].cpu_ns;
    }
    double wall = (double)(uv_hrtime() - start) / (double)iterations;
    if (!quiet)
        printf("observe %-9s %d thread%s: %6.1f ns CPU/call, %6.1f ns wall/call/thread\n", what,
               threads, threads > 1 ? "s" : " ", (double)cpu / (double)(iterations * threads),
               wall);
}

static void bench_render(int series)
{
    metrics_reset(reg);
    metrics_set_max_series(reg, (size_t)series + 10);
    char labels[128];
    for (int i = 0; i < series; i++) {
        snprintf(labels, sizeof labels, "plugin=\"p%d\",command=\"command %d\"", i % 7, i);
        if (i % 10 == 0)
            metrics_histogram_observe(reg, "bothost_bench_seconds", labels, 0.01 * (i % 100));
        else
            metrics_counter_add(reg, "bothost_bench_total", labels, i);
    }
    char *text;
    size_t len;
    int reps = 20;
    uint64_t start = uv_hrtime();
    for (int i = 0; i < reps; i++) {
        CHECK_EQ_INT(metrics_render(reg, &text, &len), 0);
        free(text);
    }
    double ms = (double)(uv_hrtime() - start) / 1e6 / reps;
    printf("render: %d series (10%% histograms) -> %zu bytes in %.2f ms\n", series, len, ms);
}

int main(int argc, char **argv)
{
    if (metrics_create(&reg) < 0)
        return 1;
    if (argc > 1)
        iterations = atol(argv[1]);
    metrics_reset(reg);
    /* The first run creates the series; keep it out of the figures. */
    bench_observe("", 4, 0, 1);
    printf("(%u CPUs online)\n", (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
    bench_observe("by name", 1, 0, 0);
    bench_observe("by handle", 1, 1, 0);
    bench_observe("by name", 4, 0, 0);
    bench_observe("by handle", 4, 1, 0);
    bench_render(1000);
    bench_render(10000);
    metrics_free(reg);
    return 0;
}
