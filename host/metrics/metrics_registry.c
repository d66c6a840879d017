/*
 * The registry: families and series, and a hash table to find a series by
 * name and labels. Creating a series takes the mutex; finding one takes no
 * lock: chains only ever grow at their head, each new series published with
 * a release store after it is complete, and nothing is freed before
 * metrics_free(). Values are atomics. So the hot path (an update of an
 * existing series) shares no written memory between threads unless they
 * update the same series.
 *
 * The table does not grow (growing would move series between chains under
 * a reader's feet): TABLE_SIZE buckets keep chains short up to the default
 * cap and merely longer past it.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "metrics/metrics_internal.h"

const double metrics_latency_buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1,     2.5,  5,     10};
const size_t metrics_latency_buckets_len =
    sizeof metrics_latency_buckets / sizeof metrics_latency_buckets[0];

#define TABLE_SIZE 16384

struct metrics {
    pthread_mutex_t lock;
    /* TABLE_SIZE chain heads, allocated with the first series. */
    _Atomic(struct metrics_series *) *_Atomic table;
    size_t nseries;
    STAILQ_HEAD(, metrics_family) fams;
    size_t nfams;
    size_t max_series;
    int warned;
    struct metrics_collector *collectors;
    size_t ncollectors;
    _Atomic uint64_t dropped;
};

int metrics_create(metrics **out)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return BH_ENOMEM;
    pthread_mutex_init(&m->lock, NULL);
    STAILQ_INIT(&m->fams);
    m->max_series = METRICS_MAX_SERIES_DEFAULT;
    *out = m;
    return 0;
}

/* FNV-1a: the name, a separator no name contains, then the labels. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t series_hash(const char *name, const char *labels)
{
    uint64_t h = hash_str(14695981039346656037ULL, name);
    h ^= 0xff;
    h *= 1099511628211ULL;
    return hash_str(h, labels);
}

static struct metrics_family *family_find(metrics *m, const char *name, uint64_t name_hash)
{
    struct metrics_family *f;
    STAILQ_FOREACH(f, &m->fams, next)
        if (f->name_hash == name_hash && strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* Counts a refused series and says so once, naming the first one. */
static void drop(metrics *m, const char *name)
{
    atomic_fetch_add_explicit(&m->dropped, 1, memory_order_relaxed);
    if (!m->warned) {
        m->warned = 1;
        log_msg(LOG_WARN, "metrics",
                "series cap of %zu reached: new series (first: %s) are dropped and counted in "
                "bothost_metrics_dropped_series_total",
                m->max_series, name);
    }
}

static struct metrics_family *family_new(metrics *m, const char *name, uint64_t name_hash,
                                         metrics_type type, const double *bounds,
                                         size_t nbounds)
{
    struct metrics_family *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->name = strdup(name);
    if (!f->name) {
        free(f);
        return NULL;
    }
    f->type = type;
    f->name_hash = name_hash;
    if (type == METRICS_HISTOGRAM) {
        f->nbounds = nbounds;
        memcpy(f->bounds, bounds, nbounds * sizeof *bounds);
    }
    STAILQ_INIT(&f->series);
    STAILQ_INSERT_TAIL(&m->fams, f, next);
    m->nfams++;
    return f;
}

/* Creates a series; called with the lock held, after a failed lookup. */
static struct metrics_series *series_new(metrics *m, metrics_type type, const char *name,
                                         const char *labels, uint64_t hash, int *rc)
{
    uint64_t name_hash = hash_str(14695981039346656037ULL, name);
    struct metrics_family *f = family_find(m, name, name_hash);
    *rc = BH_EEXIST;
    if (f && f->type != type)
        return NULL;
    *rc = BH_EINVAL;
    if (!metrics__labels_valid(labels, type == METRICS_HISTOGRAM))
        return NULL;
    if (!f && !metrics__name_valid(name))
        return NULL;
    *rc = BH_ELIMIT;
    if (m->nseries >= m->max_series || (!f && m->nfams >= m->max_series)) {
        drop(m, name);
        return NULL;
    }
    *rc = BH_ENOMEM;
    if (!f && !(f = family_new(m, name, name_hash, type, metrics_latency_buckets,
                               metrics_latency_buckets_len)))
        return NULL;
    _Atomic(struct metrics_series *) *table = atomic_load(&m->table);
    if (!table) {
        table = calloc(TABLE_SIZE, sizeof *table);
        if (!table)
            return NULL;
        atomic_store_explicit(&m->table, table, memory_order_release);
    }
    size_t ncounts = type == METRICS_HISTOGRAM ? f->nbounds + 1 : 0;
    size_t llen = strlen(labels);
    size_t head = sizeof(struct metrics_series) + ncounts * sizeof(_Atomic uint64_t);
    struct metrics_series *s = calloc(1, head + llen + 1);
    if (!s)
        return NULL;
    memcpy((char *)s + head, labels, llen + 1);
    s->labels = (char *)s + head;
    s->fam = f;
    s->hash = hash;
    _Atomic(struct metrics_series *) *chain = &table[hash & (TABLE_SIZE - 1)];
    s->hnext = atomic_load_explicit(chain, memory_order_relaxed);
    /* Everything above is visible to a reader that finds s. */
    atomic_store_explicit(chain, s, memory_order_release);
    STAILQ_INSERT_TAIL(&f->series, s, fnext);
    f->nseries++;
    m->nseries++;
    *rc = 0;
    return s;
}

/* Finds a series without a lock; NULL when it does not exist (yet). */
static struct metrics_series *find(metrics *m, const char *name, const char *labels,
                                   uint64_t hash)
{
    _Atomic(struct metrics_series *) *table =
        atomic_load_explicit(&m->table, memory_order_acquire);
    if (!table)
        return NULL;
    struct metrics_series *s =
        atomic_load_explicit(&table[hash & (TABLE_SIZE - 1)], memory_order_acquire);
    for (; s; s = s->hnext)
        if (s->hash == hash && strcmp(s->labels, labels) == 0 && strcmp(s->fam->name, name) == 0)
            return s;
    return NULL;
}

/* Finds or creates a series; NULL with *rc set when it cannot. */
static struct metrics_series *lookup(metrics *m, metrics_type type, const char *name,
                                     const char *labels, int *rc)
{
    /* No registry: nothing is counted, and that is no error. */
    *rc = 0;
    if (!m)
        return NULL;
    *rc = BH_EINVAL;
    if (!name)
        return NULL;
    if (!labels)
        labels = "";
    uint64_t hash = series_hash(name, labels);
    struct metrics_series *s = find(m, name, labels, hash);
    if (!s) {
        pthread_mutex_lock(&m->lock);
        /* Another thread may have created it since. */
        s = find(m, name, labels, hash);
        if (!s)
            s = series_new(m, type, name, labels, hash, rc);
        pthread_mutex_unlock(&m->lock);
        if (!s)
            return NULL;
    }
    if (s->fam->type != type) {
        *rc = BH_EEXIST;
        return NULL;
    }
    *rc = 0;
    return s;
}

metrics_series *metrics_series_get(metrics *m, metrics_type type, const char *name,
                                   const char *labels)
{
    int rc;
    return lookup(m, type, name, labels, &rc);
}

static void add_double(_Atomic uint64_t *p, double v)
{
    uint64_t old = atomic_load_explicit(p, memory_order_relaxed), next;
    do {
        double d;
        memcpy(&d, &old, sizeof d);
        d += v;
        memcpy(&next, &d, sizeof next);
    } while (!atomic_compare_exchange_weak_explicit(p, &old, next, memory_order_relaxed,
                                                    memory_order_relaxed));
}

void metrics_series_add(metrics_series *s, double v)
{
    if (!s || isnan(v) || (s->fam->type == METRICS_COUNTER && v < 0) ||
        s->fam->type == METRICS_HISTOGRAM)
        return;
    add_double(&s->value, v);
}

void metrics_series_set(metrics_series *s, double v)
{
    if (!s || s->fam->type != METRICS_GAUGE)
        return;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    atomic_store_explicit(&s->value, bits, memory_order_relaxed);
}

void metrics_series_observe(metrics_series *s, double v)
{
    if (!s || s->fam->type != METRICS_HISTOGRAM || isnan(v))
        return;
    const struct metrics_family *f = s->fam;
    size_t i = 0;
    while (i < f->nbounds && v > f->bounds[i])
        i++;
    atomic_fetch_add_explicit(&s->counts[i], 1, memory_order_relaxed);
    add_double(&s->value, v);
}

int metrics_counter_add(metrics *m, const char *name, const char *labels, double v)
{
    if (isnan(v) || v < 0)
        return BH_EINVAL;
    int rc;
    metrics_series *s = lookup(m, METRICS_COUNTER, name, labels, &rc);
    if (!s)
        return rc;
    metrics_series_add(s, v);
    return 0;
}

int metrics_gauge_set(metrics *m, const char *name, const char *labels, double v)
{
    int rc;
    metrics_series *s = lookup(m, METRICS_GAUGE, name, labels, &rc);
    if (!s)
        return rc;
    metrics_series_set(s, v);
    return 0;
}

int metrics_gauge_add(metrics *m, const char *name, const char *labels, double v)
{
    if (isnan(v))
        return BH_EINVAL;
    int rc;
    metrics_series *s = lookup(m, METRICS_GAUGE, name, labels, &rc);
    if (!s)
        return rc;
    metrics_series_add(s, v);
    return 0;
}

int metrics_histogram_observe(metrics *m, const char *name, const char *labels, double v)
{
    if (isnan(v))
        return BH_EINVAL;
    int rc;
    metrics_series *s = lookup(m, METRICS_HISTOGRAM, name, labels, &rc);
    if (!s)
        return rc;
    metrics_series_observe(s, v);
    return 0;
}

static int describe(metrics *m, const char *name, metrics_type type, const char *help,
                    const double *bounds, size_t nbounds)
{
    if (!m)
        return 0;
    if (!metrics__name_valid(name) || type < METRICS_COUNTER || type > METRICS_HISTOGRAM)
        return BH_EINVAL;
    char *escaped = metrics__help_escape(help);
    if (!escaped)
        return BH_ENOMEM;
    int rc = 0;
    uint64_t name_hash = hash_str(14695981039346656037ULL, name);
    pthread_mutex_lock(&m->lock);
    struct metrics_family *f = family_find(m, name, name_hash);
    if (f && (f->type != type ||
              (type == METRICS_HISTOGRAM &&
               (f->nbounds != nbounds || memcmp(f->bounds, bounds, nbounds * sizeof *bounds))))) {
        rc = BH_EEXIST;
    } else if (!f && m->nfams >= m->max_series) {
        drop(m, name);
        rc = BH_ELIMIT;
    } else if (!f && !(f = family_new(m, name, name_hash, type, bounds, nbounds))) {
        rc = BH_ENOMEM;
    } else if (!f->help) {
        /* Set once, so a render may read it without the lock once it saw it. */
        f->help = escaped;
        escaped = NULL;
    }
    pthread_mutex_unlock(&m->lock);
    free(escaped);
    return rc;
}

int metrics_describe(metrics *m, const char *name, metrics_type type, const char *help)
{
    return describe(m, name, type, help, metrics_latency_buckets, metrics_latency_buckets_len);
}

int metrics_describe_histogram(metrics *m, const char *name, const char *help,
                               const double *bounds, size_t n)
{
    if (!bounds || !metrics__bounds_valid(bounds, n))
        return BH_EINVAL;
    return describe(m, name, METRICS_HISTOGRAM, help, bounds, n);
}

int metrics_add_collector(metrics *m, metrics_collect_cb fn, void *arg)
{
    if (!m)
        return 0;
    if (!fn)
        return BH_EINVAL;
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->ncollectors; i++)
        if (m->collectors[i].fn == fn && m->collectors[i].arg == arg)
            rc = BH_EEXIST;
    if (rc == 0) {
        struct metrics_collector *c =
            realloc(m->collectors, (m->ncollectors + 1) * sizeof *m->collectors);
        if (!c) {
            rc = BH_ENOMEM;
        } else {
            c[m->ncollectors].fn = fn;
            c[m->ncollectors].arg = arg;
            m->collectors = c;
            m->ncollectors++;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int metrics_remove_collector(metrics *m, metrics_collect_cb fn, void *arg)
{
    if (!m)
        return BH_ENOTFOUND;
    int rc = BH_ENOTFOUND;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->ncollectors; i++) {
        if (m->collectors[i].fn == fn && m->collectors[i].arg == arg) {
            memmove(&m->collectors[i], &m->collectors[i + 1],
                    (m->ncollectors - i - 1) * sizeof *m->collectors);
            m->ncollectors--;
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int metrics__snapshot(metrics *m, metrics_snapshot *snap)
{
    memset(snap, 0, sizeof *snap);
    pthread_mutex_lock(&m->lock);
    snap->fams = malloc((m->nfams + 1) * sizeof *snap->fams);
    snap->fam_nseries = malloc((m->nfams + 1) * sizeof *snap->fam_nseries);
    snap->series = malloc((m->nseries + 1) * sizeof *snap->series);
    snap->collectors = malloc((m->ncollectors + 1) * sizeof *snap->collectors);
    if (!snap->fams || !snap->fam_nseries || !snap->series || !snap->collectors) {
        pthread_mutex_unlock(&m->lock);
        metrics__snapshot_free(snap);
        return BH_ENOMEM;
    }
    struct metrics_family *f;
    STAILQ_FOREACH(f, &m->fams, next) {
        snap->fams[snap->nfams] = f;
        snap->fam_nseries[snap->nfams++] = f->nseries;
        struct metrics_series *s;
        STAILQ_FOREACH(s, &f->series, fnext)
            snap->series[snap->nseries++] = s;
    }
    if (m->ncollectors)
        memcpy(snap->collectors, m->collectors, m->ncollectors * sizeof *m->collectors);
    snap->ncollectors = m->ncollectors;
    snap->dropped = atomic_load_explicit(&m->dropped, memory_order_relaxed);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

void metrics__snapshot_free(metrics_snapshot *snap)
{
    free(snap->fams);
    free(snap->fam_nseries);
    free(snap->series);
    free(snap->collectors);
    memset(snap, 0, sizeof *snap);
}

void metrics_set_max_series(metrics *m, size_t max)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->max_series = max;
    pthread_mutex_unlock(&m->lock);
}

size_t metrics_series_count(metrics *m)
{
    if (!m)
        return 0;
    pthread_mutex_lock(&m->lock);
    size_t n = m->nseries;
    pthread_mutex_unlock(&m->lock);
    return n;
}

uint64_t metrics_dropped_series(metrics *m)
{
    if (!m)
        return 0;
    return atomic_load_explicit(&m->dropped, memory_order_relaxed);
}

void metrics_reset(metrics *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    struct metrics_family *f;
    while ((f = STAILQ_FIRST(&m->fams))) {
        STAILQ_REMOVE_HEAD(&m->fams, next);
        struct metrics_series *s;
        while ((s = STAILQ_FIRST(&f->series))) {
            STAILQ_REMOVE_HEAD(&f->series, fnext);
            free(s);
        }
        free(f->name);
        free(f->help);
        free(f);
    }
    free((void *)atomic_load(&m->table));
    free(m->collectors);
    atomic_store(&m->table, NULL);
    m->nseries = 0;
    STAILQ_INIT(&m->fams);
    m->nfams = 0;
    m->max_series = METRICS_MAX_SERIES_DEFAULT;
    m->warned = 0;
    m->collectors = NULL;
    m->ncollectors = 0;
    atomic_store(&m->dropped, 0);
    pthread_mutex_unlock(&m->lock);
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    metrics_reset(m);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
