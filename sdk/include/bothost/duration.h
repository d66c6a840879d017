/*
 * Durations as people type them ("2d 6h", "90m", "1w", "1h30m") and back.
 * Included by <bothost/bothost.h>; pure functions, usable without a host.
 */
#ifndef BOTHOST_DURATION_H
#define BOTHOST_DURATION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <bothost/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ASCII white space (no locale: the same in every plugin). */
static inline int bh__duration_blank(char ch)
{
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* Seconds per unit word ("s", "min", "hours", "d", "weeks", ...), 0 when unknown. */
static inline int64_t bh__duration_unit(const char *u, size_t len)
{
    static const struct {
        const char *name;
        int64_t seconds;
    } units[] = {
        {"s", 1},        {"sec", 1},       {"secs", 1},       {"second", 1},  {"seconds", 1},
        {"m", 60},       {"min", 60},      {"mins", 60},      {"minute", 60}, {"minutes", 60},
        {"h", 3600},     {"hr", 3600},     {"hrs", 3600},     {"hour", 3600}, {"hours", 3600},
        {"d", 86400},    {"day", 86400},   {"days", 86400},   {"w", 604800},  {"wk", 604800},
        {"wks", 604800}, {"week", 604800}, {"weeks", 604800},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const char *n = units[i].name;
        size_t k = 0;
        while (k < len && n[k] && (u[k] | 0x20) == n[k]) /* ASCII letters, any case */
            k++;
        if (k == len && !n[k])
            return units[i].seconds;
    }
    return 0;
}

/*
 * Reads a duration into *seconds: one or more <number><unit> parts, in any
 * order, with optional white space or commas between them and white space
 * between a number and its unit ("2d 6h", "90m", "1w", "1h30m", "2 hours, 30 min"); units in any
 * case. 0 on success; BH_EINVAL (and *seconds 0) for anything else: an empty
 * text, a number without a unit, an unknown unit, a sign, a fraction, or a total
 * past INT64_MAX seconds. Callers apply their own bounds.
 */
static inline int bh_duration_parse(const char *text, int64_t *seconds)
{
    int64_t total = 0;
    int parts = 0;
    *seconds = 0;
    if (!text)
        return BH_EINVAL;
    for (const char *s = text;;) {
        while (bh__duration_blank(*s) || *s == ',')
            s++;
        if (!*s)
            break;
        if (*s < '0' || *s > '9')
            return BH_EINVAL;
        int64_t v = 0;
        for (; *s >= '0' && *s <= '9'; s++) {
            int digit = *s - '0';
            if (v > (INT64_MAX - digit) / 10)
                return BH_EINVAL;
            v = v * 10 + digit;
        }
        while (bh__duration_blank(*s))
            s++;
        const char *u = s;
        while ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')
            s++;
        int64_t unit = bh__duration_unit(u, (size_t)(s - u));
        if (unit == 0 || v > (INT64_MAX - total) / unit)
            return BH_EINVAL;
        total += v * unit;
        parts++;
    }
    if (parts == 0)
        return BH_EINVAL;
    *seconds = total;
    return 0;
}

/*
 * Writes a duration as bh_duration_parse() reads it, largest units first and
 * only those that are not 0: 194400 -> "2d 6h", 5400 -> "1h 30m", 0 -> "0s"
 * (days are the largest unit: a week is "7d"). Returns the length, or BH_EINVAL
 * for a negative duration or a buffer too small (it is then "" when size > 0).
 * BH_DURATION_TEXT_MAX bytes always suffice.
 */
#define BH_DURATION_TEXT_MAX 32 /* "106751991167300d 15h 30m 7s" and its NUL */
static inline int bh_duration_format(int64_t seconds, char *buf, size_t size)
{
    static const struct {
        int64_t seconds;
        char unit;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    size_t len = 0;
    if (size > 0)
        buf[0] = '\0';
    if (seconds < 0 || size == 0)
        return BH_EINVAL;
    if (seconds == 0) {
        if (size < 3)
            return BH_EINVAL;
        buf[0] = '0';
        buf[1] = 's';
        buf[2] = '\0';
        return 2;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        int64_t k = seconds / units[i].seconds;
        if (k == 0)
            continue;
        seconds -= k * units[i].seconds;
        int w = snprintf(buf + len, size - len, "%s%lld%c", len ? " " : "", (long long)k,
                         units[i].unit);
        if (w < 0 || (size_t)w >= size - len) {
            buf[0] = '\0';
            return BH_EINVAL;
        }
        len += (size_t)w;
    }
    return (int)len;
}

#ifdef __cplusplus
}
#endif

#endif
