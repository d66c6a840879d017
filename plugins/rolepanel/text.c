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
    while (s && isspace((unsigned char)*s))
        s++;
    if (!s || !*s)
        return 0; /* empty: permanent */
    /* A bare number is minutes, as the limits form has always taken it. */
    const char *p = s;
    int64_t minutes = 0;
    for (; isdigit((unsigned char)*p); p++) {
        int digit = *p - '0';
        if (minutes > (INT64_MAX / 60 - digit) / 10)
            return -1;
        minutes = minutes * 10 + digit;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (p > s && !*p)
        return minutes * 60;
    int64_t seconds;
    return bh_duration_parse(s, &seconds) == 0 ? seconds : -1;
}

void rp_duration_text(int64_t seconds, char *out, size_t n)
{
    if (seconds <= 0)
        snprintf(out, n, "permanent");
    else
        bh_duration_format(seconds, out, n);
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
