/*
 * Rendering: the registry's series and what the collectors write, grouped by
 * family so each name has one HELP and one TYPE line, as the format requires.
 */
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "metrics/metrics_internal.h"

#define DROPPED_NAME "bothost_metrics_dropped_series_total"

/* What collectors wrote under one name. */
struct wgroup {
    char *name;
    metrics_type type;
    int used;
    metrics_buf lines;
};

struct metrics_writer {
    struct wgroup *groups;
    size_t n, cap;
    size_t last; /* collectors write a family's series together: try it first */
};

static const char *type_name(metrics_type t)
{
    return t == METRICS_COUNTER ? "counter" : t == METRICS_GAUGE ? "gauge" : "histogram";
}

void metrics__buf_histogram(metrics_buf *b, const char *name, const char *labels,
                            const double *bounds, const uint64_t *counts, size_t n, double sum)
{
    uint64_t cumulative = 0;
    char le[METRICS_DOUBLE_MAX + 8];
    for (size_t i = 0; i <= n; i++) {
        cumulative += counts[i];
        memcpy(le, "le=\"", 4);
        if (i < n)
            metrics__fmt_double(le + 4, sizeof le - 5, bounds[i]);
        else
            strcpy(le + 4, "+Inf");
        strcat(le, "\"");
        metrics__buf_series(b, name, "_bucket", labels, le);
        metrics__buf_printf(b, " %llu\n", (unsigned long long)cumulative);
    }
    metrics__buf_series(b, name, "_sum", labels, NULL);
    metrics__buf_put(b, " ", 1);
    metrics__buf_double(b, sum);
    metrics__buf_put(b, "\n", 1);
    metrics__buf_series(b, name, "_count", labels, NULL);
    metrics__buf_printf(b, " %llu\n", (unsigned long long)cumulative);
}

static struct wgroup *writer_group(metrics_writer *w, const char *name, metrics_type type,
                                   int *rc)
{
    struct wgroup *g = NULL;
    if (w->last < w->n && strcmp(w->groups[w->last].name, name) == 0) {
        g = &w->groups[w->last];
    } else {
        for (size_t i = 0; i < w->n && !g; i++)
            if (strcmp(w->groups[i].name, name) == 0) {
                g = &w->groups[i];
                w->last = i;
            }
    }
    if (g) {
        *rc = g->type == type ? 0 : BH_EEXIST;
        return *rc ? NULL : g;
    }
    *rc = BH_ENOMEM;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct wgroup *groups = realloc(w->groups, cap * sizeof *groups);
        if (!groups)
            return NULL;
        w->groups = groups;
        w->cap = cap;
    }
    g = &w->groups[w->n];
    memset(g, 0, sizeof *g);
    g->name = strdup(name);
    if (!g->name)
        return NULL;
    g->type = type;
    w->last = w->n++;
    *rc = 0;
    return g;
}

static struct wgroup *writer_start(metrics_writer *w, const char *name, const char *labels,
                                   metrics_type type, int *rc)
{
    *rc = BH_EINVAL;
    if (!w || !metrics__name_valid(name) ||
        !metrics__labels_valid(labels, type == METRICS_HISTOGRAM))
        return NULL;
    return writer_group(w, name, type, rc);
}

static int write_value(metrics_writer *w, const char *name, const char *labels,
                       metrics_type type, double v)
{
    int rc;
    struct wgroup *g = writer_start(w, name, labels, type, &rc);
    if (!g)
        return rc;
    metrics__buf_series(&g->lines, name, NULL, labels, NULL);
    metrics__buf_put(&g->lines, " ", 1);
    metrics__buf_double(&g->lines, v);
    metrics__buf_put(&g->lines, "\n", 1);
    return g->lines.oom ? BH_ENOMEM : 0;
}

int metrics_write_counter(metrics_writer *w, const char *name, const char *labels, double v)
{
    return write_value(w, name, labels, METRICS_COUNTER, v);
}

int metrics_write_gauge(metrics_writer *w, const char *name, const char *labels, double v)
{
    return write_value(w, name, labels, METRICS_GAUGE, v);
}

int metrics_write_histogram(metrics_writer *w, const char *name, const char *labels,
                            const double *bounds, const uint64_t *counts, size_t n, double sum)
{
    if (!bounds || !counts || !metrics__bounds_valid(bounds, n))
        return BH_EINVAL;
    int rc;
    struct wgroup *g = writer_start(w, name, labels, METRICS_HISTOGRAM, &rc);
    if (!g)
        return rc;
    metrics__buf_histogram(&g->lines, name, labels, bounds, counts, n, sum);
    return g->lines.oom ? BH_ENOMEM : 0;
}

static void writer_free(metrics_writer *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->groups[i].name);
        free(w->groups[i].lines.p);
    }
    free(w->groups);
}

static int group_cmp(const void *a, const void *b)
{
    const struct wgroup *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static struct wgroup *group_find(struct wgroup **sorted, size_t n, const char *name)
{
    struct wgroup key = {.name = (char *)name}, *kp = &key;
    struct wgroup **g = bsearch(&kp, sorted, n, sizeof *sorted, group_cmp);
    return g ? *g : NULL;
}

/*
 * Every family gets HELP and TYPE, as `promtool check metrics` requires; a
 * name nobody described (a collector's) gets its own name as help text, so the
 * gap shows in the scrape instead of failing it.
 */
static void put_header(metrics_buf *b, const char *name, const char *help, metrics_type type)
{
    metrics__buf_printf(b, "# HELP %s %s\n", name, help && *help ? help : name);
    metrics__buf_printf(b, "# TYPE %s %s\n", name, type_name(type));
}

static void put_series(metrics_buf *b, const struct metrics_series *s)
{
    const struct metrics_family *f = s->fam;
    double value = metrics__load_double((_Atomic uint64_t *)&s->value);
    if (f->type != METRICS_HISTOGRAM) {
        metrics__buf_series(b, f->name, NULL, s->labels, NULL);
        metrics__buf_put(b, " ", 1);
        metrics__buf_double(b, value);
        metrics__buf_put(b, "\n", 1);
        return;
    }
    uint64_t counts[METRICS_MAX_BUCKETS + 1];
    for (size_t i = 0; i <= f->nbounds; i++)
        counts[i] = atomic_load_explicit((_Atomic uint64_t *)&s->counts[i],
                                         memory_order_relaxed);
    metrics__buf_histogram(b, f->name, s->labels, f->bounds, counts, f->nbounds, value);
}

/* The registry's families, each followed by what collectors wrote under its name. */
static void put_registry(metrics_buf *b, const metrics_snapshot *snap, struct wgroup **sorted,
                         size_t ngroups)
{
    size_t si = 0;
    for (size_t i = 0; i < snap->nfams; i++) {
        const struct metrics_family *f = snap->fams[i];
        struct wgroup *g = group_find(sorted, ngroups, f->name);
        if (g) {
            g->used = 1;
            if (g->type != f->type) {
                log_msg(LOG_WARN, "metrics", "a collector wrote %s as a %s, but it is a %s",
                        f->name, type_name(g->type), type_name(f->type));
                g = NULL;
            }
        }
        size_t n = snap->fam_nseries[i];
        if (n > 0 || g)
            put_header(b, f->name, f->help, f->type);
        for (size_t j = 0; j < n; j++)
            put_series(b, snap->series[si + j]);
        si += n;
        if (g && g->lines.p)
            metrics__buf_put(b, g->lines.p, g->lines.len);
    }
}

int metrics_render(metrics *m, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (!m)
        return BH_EINVAL;
    metrics_snapshot snap;
    int rc = metrics__snapshot(m, &snap);
    if (rc < 0)
        return rc;
    /* Collectors run without the registry lock: they may use metrics_* themselves. */
    metrics_writer w = {0};
    for (size_t i = 0; i < snap.ncollectors; i++)
        snap.collectors[i].fn(&w, snap.collectors[i].arg);

    metrics_buf b = {0};
    struct wgroup **sorted = malloc((w.n + 1) * sizeof *sorted);
    if (!sorted) {
        b.oom = 1;
    } else {
        for (size_t i = 0; i < w.n; i++)
            sorted[i] = &w.groups[i];
        qsort(sorted, w.n, sizeof *sorted, group_cmp);
        put_registry(&b, &snap, sorted, w.n);
    }
    for (size_t i = 0; i < w.n; i++) {
        struct wgroup *g = &w.groups[i];
        if (g->used || !g->lines.p)
            continue;
        put_header(&b, g->name, NULL, g->type);
        metrics__buf_put(&b, g->lines.p, g->lines.len);
        b.oom |= g->lines.oom;
    }
    put_header(&b, DROPPED_NAME,
               "Series not recorded because the series cap was reached.", METRICS_COUNTER);
    metrics__buf_printf(&b, DROPPED_NAME " %llu\n", (unsigned long long)snap.dropped);

    free(sorted);
    writer_free(&w);
    metrics__snapshot_free(&snap);
    if (b.oom) {
        free(b.p);
        return BH_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}
