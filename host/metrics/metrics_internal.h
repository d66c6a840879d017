/*
 * What the metrics files share: the registry's structures, a growable text
 * buffer, and the exposition format's checks and number formatting.
 */
#ifndef BH_METRICS_INTERNAL_H
#define BH_METRICS_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "metrics/metrics.h"

/* A metric name: its type, HELP text and, for a histogram, its buckets. */
struct metrics_family {
    STAILQ_ENTRY(metrics_family) next; /* creation order */
    metrics_type type;
    uint64_t name_hash;
    char *name;
    /* Escaped for the HELP line; set at most once, under the registry lock. */
    char *help;
    size_t nbounds;
    double bounds[METRICS_MAX_BUCKETS];
    STAILQ_HEAD(, metrics_series) series; /* creation order */
    size_t nseries;
};

/*
 * One series. Its family and labels never change after creation; the values
 * are atomics, so updates and renders take no lock once the series is found.
 * Doubles are stored as their bits.
 */
struct metrics_series {
    struct metrics_series *hnext; /* hash chain */
    STAILQ_ENTRY(metrics_series) fnext; /* the family's creation order */
    struct metrics_family *fam;
    uint64_t hash;
    const char *labels;         /* in the same allocation */
    _Atomic uint64_t value;     /* counter or gauge value, histogram sum */
    _Atomic uint64_t counts[];  /* histogram: per bucket, [nbounds] is +Inf */
};

/* A growable NUL-terminated text buffer; after a failed allocation, `oom` sticks. */
typedef struct metrics_buf {
    char *p;
    size_t len, cap;
    int oom;
} metrics_buf;

void metrics__buf_put(metrics_buf *b, const char *s, size_t n);
void metrics__buf_puts(metrics_buf *b, const char *s);
void metrics__buf_printf(metrics_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Room for any number metrics__fmt_double() writes. */
#define METRICS_DOUBLE_MAX 40
/* Writes `v` as the exposition format writes numbers (+Inf, -Inf, NaN, shortest). */
void metrics__fmt_double(char *out, size_t size, double v);
/* Appends `v` formatted by metrics__fmt_double(). */
void metrics__buf_double(metrics_buf *b, double v);
/* Appends `name{labels}` or `name{labels,extra}`; either part may be NULL/"". */
void metrics__buf_series(metrics_buf *b, const char *name, const char *suffix,
                         const char *labels, const char *extra);

/*
 * Appends a histogram's lines: cumulative name_bucket{labels,le="..."}, then
 * name_sum and name_count. counts[] is per bucket, counts[n] the +Inf one.
 */
void metrics__buf_histogram(metrics_buf *b, const char *name, const char *labels,
                            const double *bounds, const uint64_t *counts, size_t n, double sum);

/* 1 when `name` is a valid metric name. */
int metrics__name_valid(const char *name);
/* 1 when `labels` is a valid label set (NULL and "" are), 0 otherwise. */
int metrics__labels_valid(const char *labels, int histogram);
/* 1 when bounds are finite and strictly increasing, 1..METRICS_MAX_BUCKETS. */
int metrics__bounds_valid(const double *bounds, size_t n);
/* HELP text escaped (\\ and \n) into a new string; NULL on allocation failure. */
char *metrics__help_escape(const char *help);

static inline double metrics__load_double(_Atomic uint64_t *p)
{
    uint64_t bits = atomic_load_explicit(p, memory_order_relaxed);
    double d;
    __builtin_memcpy(&d, &bits, sizeof d);
    return d;
}

/* A consistent-enough copy of the registry for rendering without the lock. */
typedef struct metrics_snapshot {
    struct metrics_family **fams;
    size_t nfams;
    struct metrics_series **series; /* grouped by family, in fams order */
    size_t *fam_nseries;            /* per family */
    size_t nseries;
    struct metrics_collector {
        metrics_collect_cb fn;
        void *arg;
    } *collectors;
    size_t ncollectors;
    uint64_t dropped;
} metrics_snapshot;

int metrics__snapshot(metrics *m, metrics_snapshot *s);
void metrics__snapshot_free(metrics_snapshot *s);

#endif
