/* Reading what people type: durations, UTC times, spot lists; formatting prices. */
#include "raffle.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int64_t raffle_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t raffle_snowflake_ms(uint64_t id)
{
    return (int64_t)(id >> 22) + INT64_C(1420070400000);
}

void raffle_trim(char *out, size_t n, const char *s)
{
    if (!s)
        s = "";
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

void raffle_clip(char *out, size_t n, const char *s, int max_chars)
{
    size_t len = 0;
    int chars = 0;
    if (!s)
        s = "";
    while (s[len] && chars < max_chars) {
        size_t step = 1;
        while ((s[len + step] & 0xC0) == 0x80)
            step++;
        if (len + step >= n)
            break;
        len += step;
        chars++;
    }
    memcpy(out, s, len);
    out[len] = '\0';
}

int64_t raffle_parse_duration(const char *s)
{
    int64_t seconds;
    return bh_duration_parse(s, &seconds) == 0 && seconds <= RAFFLE_DURATION_MAX_S ? seconds : -1;
}

/* Reads "YYYY-MM-DD[ T]HH:MM[:SS]" into a broken-down UTC time; the rest in *end. */
static int read_datetime(const char *s, struct tm *tm, const char **end)
{
    int y, mo, d, h, mi, sec = 0, n = 0;
    memset(tm, 0, sizeof *tm);
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
        return -1;
    s += n;
    if (*s != ' ' && *s != 'T' && *s != 't')
        return -1;
    s++;
    n = 0;
    if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2)
        return -1;
    s += n;
    if (*s == ':') {
        n = 0;
        if (sscanf(s + 1, "%2d%n", &sec, &n) != 1)
            return -1;
        s += 1 + n;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 2015 ||
        y > 9999)
        return -1;
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    tm->tm_hour = h;
    tm->tm_min = mi;
    tm->tm_sec = sec;
    /* Refuse days a month does not have (timegm would roll 02-31 into March). */
    struct tm check = *tm;
    time_t t = timegm(&check);
    if (t == (time_t)-1 || check.tm_mday != d || check.tm_mon != mo - 1)
        return -1;
    *end = s;
    return 0;
}

int64_t raffle_parse_utc(const char *s)
{
    struct tm tm;
    const char *rest;
    if (!s || read_datetime(s, &tm, &rest) < 0)
        return -1;
    while (*rest == ' ')
        rest++;
    if (*rest == 'Z' || *rest == 'z')
        rest++;
    else if (strncasecmp(rest, "UTC", 3) == 0 || strncasecmp(rest, "GMT", 3) == 0)
        rest += 3;
    while (*rest == ' ')
        rest++;
    if (*rest)
        return -1;
    return (int64_t)timegm(&tm) * 1000;
}

int64_t raffle_parse_iso(const char *s)
{
    struct tm tm;
    const char *rest;
    if (!s || read_datetime(s, &tm, &rest) < 0)
        return -1;
    int64_t ms = (int64_t)timegm(&tm) * 1000;
    if (*rest == '.') {
        rest++;
        int64_t frac = 0, scale = 100;
        while (isdigit((unsigned char)*rest)) {
            frac += (*rest++ - '0') * scale;
            scale /= 10;
        }
        ms += frac;
    }
    if (*rest == '+' || *rest == '-') {
        int sign = *rest == '-' ? -1 : 1, hh = 0, mm = 0;
        if (sscanf(rest + 1, "%2d:%2d", &hh, &mm) >= 1)
            ms -= sign * ((int64_t)hh * 3600 + mm * 60) * 1000;
    }
    return ms;
}

int64_t raffle_parse_end(const char *s, int64_t now_ms)
{
    char t[128];
    raffle_trim(t, sizeof t, s);
    int64_t at = raffle_parse_utc(t);
    if (at >= 0)
        return at;
    if (strncasecmp(t, "in ", 3) == 0)
        memmove(t, t + 3, strlen(t + 3) + 1);
    int64_t d = raffle_parse_duration(t);
    return d < 0 ? -1 : now_ms + d * 1000;
}

void raffle_fmt_price(char *out, size_t n, int64_t cents)
{
    snprintf(out, n, "%s%" PRId64 ".%02" PRId64, raffle_currency, cents / 100, cents % 100);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int raffle_parse_spots(const char *s, int max, int *out, int cap)
{
    int n = 0;
    while (s && *s) {
        while (*s == ' ' || *s == ',' || *s == '#')
            s++;
        if (!*s)
            break;
        if (!isdigit((unsigned char)*s))
            return -1;
        long a = strtol(s, (char **)&s, 10), b = a;
        while (*s == ' ')
            s++;
        if (*s == '-') {
            s++;
            while (*s == ' ' || *s == '#')
                s++;
            if (!isdigit((unsigned char)*s))
                return -1;
            b = strtol(s, (char **)&s, 10);
        }
        if (a < 1 || b < a || b > max)
            return -1;
        for (long v = a; v <= b; v++) {
            if (n >= cap)
                return -1;
            out[n++] = (int)v;
        }
    }
    qsort(out, (size_t)n, sizeof *out, cmp_int);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || out[m - 1] != out[i])
            out[m++] = out[i];
    return m;
}

int64_t raffle_parse_id(const char *s)
{
    char buf[32];
    raffle_trim(buf, sizeof buf, s);
    const char *p = buf[0] == '#' ? buf + 1 : buf;
    if (!isdigit((unsigned char)*p))
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    if (*end || errno || v <= 0)
        return -1;
    return v;
}
