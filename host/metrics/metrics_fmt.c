/*
 * The text side of the exposition format 0.0.4: names, label sets, escaping
 * and numbers.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "metrics/metrics_internal.h"

static int grow(metrics_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void metrics__buf_put(metrics_buf *b, const char *s, size_t n)
{
    if (grow(b, n) < 0)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void metrics__buf_puts(metrics_buf *b, const char *s)
{
    metrics__buf_put(b, s, strlen(s));
}

void metrics__buf_printf(metrics_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        metrics__buf_put(b, small, (size_t)n);
        return;
    }
    if (grow(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void metrics__fmt_double(char *out, size_t size, double v)
{
    if (isnan(v)) {
        snprintf(out, size, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(out, size, "%s", v > 0 ? "+Inf" : "-Inf");
        return;
    }
    /* Whole numbers (counts, most counters) print without an exponent. */
    if (fabs(v) < 1e15 && v == (double)(long long)v) {
        snprintf(out, size, "%.0f", v);
        return;
    }
    /*
     * 15 significant digits, which every double holds exactly: a sum of latencies
     * such as 0.038 + 0.038 prints as 0.076, not as its binary neighbour
     * 0.07600000000000001 that a round-trip format would show.
     */
    snprintf(out, size, "%.15g", v);
}

void metrics__buf_double(metrics_buf *b, double v)
{
    char s[METRICS_DOUBLE_MAX];
    metrics__fmt_double(s, sizeof s, v);
    metrics__buf_puts(b, s);
}

void metrics__buf_series(metrics_buf *b, const char *name, const char *suffix,
                         const char *labels, const char *extra)
{
    metrics__buf_puts(b, name);
    if (suffix)
        metrics__buf_puts(b, suffix);
    int has_labels = labels && *labels, has_extra = extra && *extra;
    if (!has_labels && !has_extra)
        return;
    metrics__buf_put(b, "{", 1);
    if (has_labels)
        metrics__buf_puts(b, labels);
    if (has_labels && has_extra)
        metrics__buf_put(b, ",", 1);
    if (has_extra)
        metrics__buf_puts(b, extra);
    metrics__buf_put(b, "}", 1);
}

static int is_alpha_(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int metrics__name_valid(const char *name)
{
    if (!name || !(is_alpha_(name[0]) || name[0] == ':'))
        return 0;
    for (const char *p = name + 1; *p; p++)
        if (!is_alpha_(*p) && !is_digit(*p) && *p != ':')
            return 0;
    return 1;
}

/* Skips a label name; NULL when there is none. */
static const char *label_name_end(const char *p)
{
    if (!is_alpha_(*p))
        return NULL;
    while (is_alpha_(*p) || is_digit(*p))
        p++;
    return p;
}

int metrics__labels_valid(const char *labels, int histogram)
{
    if (!labels || !*labels)
        return 1;
    const char *p = labels;
    for (;;) {
        const char *end = label_name_end(p);
        if (!end)
            return 0;
        /* "le" is the bucket bound a histogram adds itself. */
        if (histogram && end - p == 2 && p[0] == 'l' && p[1] == 'e')
            return 0;
        p = end;
        if (p[0] != '=' || p[1] != '"')
            return 0;
        for (p += 2; *p != '"'; p++) {
            if (*p == '\0' || *p == '\n')
                return 0;
            if (*p == '\\') {
                p++;
                if (*p != '\\' && *p != '"' && *p != 'n')
                    return 0;
            }
        }
        p++;
        if (*p == '\0')
            return 1;
        if (*p != ',')
            return 0;
        p++;
    }
}

int metrics__bounds_valid(const double *bounds, size_t n)
{
    if (n == 0 || n > METRICS_MAX_BUCKETS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(bounds[i]))
            return 0;
        if (i > 0 && !(bounds[i] > bounds[i - 1]))
            return 0;
    }
    return 1;
}

char *metrics__help_escape(const char *help)
{
    metrics_buf b = {0};
    metrics__buf_put(&b, "", 0);
    for (const char *p = help ? help : ""; *p; p++) {
        if (*p == '\\')
            metrics__buf_put(&b, "\\\\", 2);
        else if (*p == '\n')
            metrics__buf_put(&b, "\\n", 2);
        else
            metrics__buf_put(&b, p, 1);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* Appends one escaped label value; -1 when it does not fit. */
static int put_value(char *buf, size_t size, size_t *len, const char *v)
{
    for (const char *p = v ? v : ""; *p; p++) {
        char esc[2];
        size_t n = 1;
        esc[0] = *p;
        if (*p == '\\' || *p == '"' || *p == '\n') {
            esc[0] = '\\';
            esc[1] = *p == '\n' ? 'n' : *p;
            n = 2;
        }
        if (*len + n >= size)
            return -1;
        memcpy(buf + *len, esc, n);
        *len += n;
    }
    return 0;
}

int metrics_labels(char *buf, size_t size, ...)
{
    if (!buf || size == 0)
        return BH_EINVAL;
    size_t len = 0;
    int rc = 0;
    va_list ap;
    va_start(ap, size);
    for (const char *key; (key = va_arg(ap, const char *)) != NULL;) {
        const char *value = va_arg(ap, const char *);
        const char *end = label_name_end(key);
        size_t klen = strlen(key);
        /* A comma, the key, =", a closing quote and the NUL at least. */
        if (!end || *end != '\0' || len + klen + 5 > size) {
            rc = BH_EINVAL;
            break;
        }
        if (len > 0)
            buf[len++] = ',';
        memcpy(buf + len, key, klen);
        len += klen;
        buf[len++] = '=';
        buf[len++] = '"';
        if (put_value(buf, size, &len, value) < 0 || len + 1 >= size) {
            rc = BH_EINVAL;
            break;
        }
        buf[len++] = '"';
    }
    va_end(ap);
    if (rc < 0) {
        buf[0] = '\0';
        return rc;
    }
    buf[len] = '\0';
    return (int)len;
}
