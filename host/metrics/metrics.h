/*
 * Metrics: a registry of counters, gauges and histograms, rendered in the
 * Prometheus text exposition format 0.0.4 for GET /metrics. The application
 * object owns the host's one registry and hands it to each room that counts.
 *
 *   metrics_describe(m, "bothost_interactions_total", METRICS_COUNTER,
 *                    "Interactions handled, by plugin, command and outcome.");
 *   metrics_counter_add(m, "bothost_interactions_total",
 *                       "plugin=\"raffle\",command=\"raffle create\",outcome=\"ok\"", 1);
 *   metrics_histogram_observe(m, "bothost_interaction_duration_seconds", labels, 0.0123);
 *
 * A NULL registry counts nothing: every update and description is then a
 * no-op that returns 0 (a room built without one, in a test).
 *
 * A series (a name and a label set) is created on first use and lives until
 * metrics_reset(). `labels` is the text between the braces of the exposition
 * format: `key="value"` pairs separated by commas, values escaped (\\, \" and
 * \n); build it with metrics_labels() when a value comes from outside. NULL or
 * "" is the series without labels. A label set is checked once, when its
 * series is created; a malformed one is refused with BH_EINVAL.
 *
 * Every function is safe from any thread. Updating an existing series takes
 * no lock: a hash lookup (about 100 ns by name with three labels) and atomic
 * adds; only creating a series takes the registry mutex. With a handle from
 * metrics_series_get() an update is about 13 ns. tests/http/bench_metrics.c
 * measures both.
 *
 * Memory is bounded: past metrics_set_max_series() series (10,000 by default),
 * updates of new series are dropped and counted in
 * bothost_metrics_dropped_series_total, because label values such as command
 * names come from plugins.
 */
#ifndef BH_METRICS_H
#define BH_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct metrics metrics;

typedef enum metrics_type {
    METRICS_COUNTER = 1,
    METRICS_GAUGE = 2,
    METRICS_HISTOGRAM = 3,
} metrics_type;

/* The default series cap. */
#define METRICS_MAX_SERIES_DEFAULT 10000
/* The most buckets a histogram may have, not counting +Inf. */
#define METRICS_MAX_BUCKETS 32

/*
 * The default histogram buckets, in seconds: 0.001, 0.0025, 0.005, 0.01, 0.025,
 * 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 (and +Inf).
 */
extern const double metrics_latency_buckets[];
extern const size_t metrics_latency_buckets_len;

int metrics_create(metrics **out);
/* metrics_reset(), then frees the registry. */
void metrics_free(metrics *m);

/*
 * Registers the HELP text and TYPE of a metric name, once; histograms get the
 * default latency buckets. Repeating it with the same type is harmless (the
 * first help text stays). BH_EEXIST when the name exists with another type,
 * BH_EINVAL for a name that is not [a-zA-Z_:][a-zA-Z0-9_:]*.
 */
int metrics_describe(metrics *m, const char *name, metrics_type type, const char *help);

/*
 * metrics_describe() for a histogram with its own bucket upper bounds (strictly
 * increasing, finite, at most METRICS_MAX_BUCKETS; +Inf is implied). Call it
 * before the first observation: BH_EEXIST if the name already has other bounds.
 * Both return BH_ELIMIT when the name is new and the cap was reached.
 */
int metrics_describe_histogram(metrics *m, const char *name, const char *help,
                               const double *bounds, size_t n);

/*
 * The updates below return 0, or: BH_EINVAL for a malformed name or label set
 * or a NaN (for a counter, negative) value; BH_EEXIST when the name has
 * another type; BH_ELIMIT when the series was new and the cap was reached
 * (the drop is counted); BH_ENOMEM.
 */

/* Adds `v` (>= 0) to a counter. */
int metrics_counter_add(metrics *m, const char *name, const char *labels, double v);
/* Sets a gauge. */
int metrics_gauge_set(metrics *m, const char *name, const char *labels, double v);
/* Adds `v` (may be negative) to a gauge. */
int metrics_gauge_add(metrics *m, const char *name, const char *labels, double v);
/* Records one observation in a histogram (default buckets unless described). */
int metrics_histogram_observe(metrics *m, const char *name, const char *labels, double v);

/*
 * A series handle, for hot paths: the lookup is done once, and each update is
 * then a few atomic operations with no lock. Valid until metrics_reset().
 */
typedef struct metrics_series metrics_series;

/*
 * Finds or creates the series `name{labels}` of the given type. NULL when the
 * name is used with another type, a name or label set is malformed, memory
 * runs out, or the series cap was reached (the drop is counted).
 */
metrics_series *metrics_series_get(metrics *m, metrics_type type, const char *name,
                                   const char *labels);
/* Counter: adds `v` (>= 0); gauge: adds `v`. A NULL handle is ignored. */
void metrics_series_add(metrics_series *s, double v);
/* Gauge: sets `v`. A NULL handle is ignored. */
void metrics_series_set(metrics_series *s, double v);
/* Histogram: records `v`. A NULL handle is ignored. */
void metrics_series_observe(metrics_series *s, double v);

/*
 * Builds a label set from key/value pairs ending with NULL, escaping the
 * values: metrics_labels(buf, sizeof buf, "plugin", p, "command", c, NULL).
 * Returns the length written, or BH_EINVAL when a key is not
 * [a-zA-Z_][a-zA-Z0-9_]* or the text does not fit (buf is then "").
 */
int metrics_labels(char *buf, size_t size, ...) __attribute__((sentinel));

/*
 * Collectors export numbers that other modules keep themselves (the REST
 * client's, the gateway's): at each render, every collector is called, in the
 * order added, with a writer to append series through. Series written by
 * collectors are not subject to the cap. Their HELP and TYPE lines come from
 * metrics_describe() when the name was described.
 */
typedef struct metrics_writer metrics_writer;
typedef void (*metrics_collect_cb)(metrics_writer *w, void *arg);

/* Adds a collector. BH_EEXIST if (fn, arg) is already added, BH_ENOMEM. */
int metrics_add_collector(metrics *m, metrics_collect_cb fn, void *arg);
/*
 * Removes a collector; BH_ENOTFOUND if it was not added. A render already
 * under way may still call it: remove it on the thread that renders (the loop
 * thread) before freeing what `arg` points to.
 */
int metrics_remove_collector(metrics *m, metrics_collect_cb fn, void *arg);

/* Writes one counter sample. BH_EINVAL for a malformed name or labels. */
int metrics_write_counter(metrics_writer *w, const char *name, const char *labels, double v);
/* Writes one gauge sample. BH_EINVAL for a malformed name or labels. */
int metrics_write_gauge(metrics_writer *w, const char *name, const char *labels, double v);
/*
 * Writes one histogram: `counts[i]` observations fell in bucket i (not
 * cumulative; counts[n] is the +Inf bucket), their sum is `sum`. BH_EINVAL for
 * a malformed name, labels or bounds.
 */
int metrics_write_histogram(metrics_writer *w, const char *name, const char *labels,
                            const double *bounds, const uint64_t *counts, size_t n, double sum);

/*
 * Renders every series and collector into a new NUL-terminated buffer that
 * the caller frees. Runs the collectors, so call it where they expect to run
 * (the loop thread). Families come out in the order they were first created,
 * collector-only families after them, then bothost_metrics_dropped_series_total.
 */
int metrics_render(metrics *m, char **out, size_t *len);

/* Sets the series cap (tests); existing series stay. */
void metrics_set_max_series(metrics *m, size_t max);
/* The number of series in the registry. */
size_t metrics_series_count(metrics *m);
/* The number of series refused because of the cap since the last reset. */
uint64_t metrics_dropped_series(metrics *m);

/*
 * Frees every series, description and collector and restores the default cap.
 * For shutdown and tests: no other thread may be using metrics, and every
 * handle from metrics_series_get() becomes invalid.
 */
void metrics_reset(metrics *m);

#endif
