/* Durations and role lists as text. */
#include "rolepanel.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t rp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rp_append(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strnlen(buf, n);
    if (len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

int64_t rp_duration_parse(const char *s)
{
    int64_t total = 0;
    int parts = 0;
    if (!s)
        return 0;
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        if (!isdigit((unsigned char)*s))
            return -1;
        int64_t v = 0;
        while (isdigit((unsigned char)*s)) {
            v = v * 10 + (*s++ - '0');
            if (v > INT64_C(1000000000))
                return -1;
        }
        while (isspace((unsigned char)*s))
            s++;
        int64_t unit;
        switch (tolower((unsigned char)*s)) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 604800; break;
        case '\0': unit = parts == 0 ? 60 : -1; break; /* a bare number is minutes */
        default: unit = -1;
        }
        if (unit < 0)
            return -1;
        if (*s)
            s++;
        /* Accept spelled-out units ("2 hours", "30 min"). */
        while (isalpha((unsigned char)*s))
            s++;
        total += v * unit;
        if (total > INT64_C(100000000000))
            return -1;
        parts++;
    }
    return total;
}

void rp_duration_text(int64_t seconds, char *out, size_t n)
{
    static const struct {
        int64_t s;
        const char *unit;
    } units[] = {{604800, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
    out[0] = '\0';
    if (seconds <= 0) {
        snprintf(out, n, "permanent");
        return;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (seconds >= units[i].s) {
            rp_append(out, n, "%" PRId64 "%s", seconds / units[i].s, units[i].unit);
            seconds %= units[i].s;
        }
    }
}

void rp_roles_text(const uint64_t *roles, int count, char *out, size_t size)
{
    out[0] = '\0';
    if (count == 0) {
        snprintf(out, size, "none");
        return;
    }
    for (int i = 0; i < count; i++)
        rp_append(out, size, "%s<@&%" PRIu64 ">", i ? ", " : "", roles[i]);
}
