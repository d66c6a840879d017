#include "expo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char problem[512];

static const char *fail(const char *what, const char *line)
{
    const char *nl = strchr(line, '\n');
    int n = nl ? (int)(nl - line) : (int)strlen(line);
    snprintf(problem, sizeof problem, "%s: %.*s", what, n > 200 ? 200 : n, line);
    return problem;
}

static int name_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

/* Skips a label set starting at '{'; NULL when malformed. */
static const char *skip_labels(const char *p)
{
    p++;
    while (*p != '}') {
        if (!name_char(*p, 1) || *p == ':')
            return NULL;
        while (name_char(*p, 0) && *p != ':')
            p++;
        if (p[0] != '=' || p[1] != '"')
            return NULL;
        for (p += 2; *p != '"'; p++) {
            if (*p == '\n' || *p == '\0')
                return NULL;
            if (*p == '\\' && p[1] != '\\' && p[1] != '"' && p[1] != 'n')
                return NULL;
            if (*p == '\\')
                p++;
        }
        p++;
        if (*p == ',')
            p++;
        else if (*p != '}')
            return NULL;
    }
    return p + 1;
}

static int parse_value(const char *s, size_t n, double *v)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strcmp(buf, "+Inf") == 0) {
        *v = INFINITY;
        return 0;
    }
    char *end;
    *v = strtod(buf, &end);
    return *end ? -1 : 0;
}

/* The series text without its le pair, for matching buckets with _count. */
static void strip_le(const char *series, size_t n, const char *suffix, char *out, size_t size)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%.*s", (int)n, series);
    char *s = strstr(tmp, suffix);
    if (s)
        memmove(s, s + strlen(suffix), strlen(s + strlen(suffix)) + 1);
    char *le = strstr(tmp, "le=\"");
    if (le) {
        char *close = strchr(le + 4, '"');
        char *from = close + 1;
        if (le[-1] == ',')
            le--;
        else if (*from == ',')
            from++;
        memmove(le, from, strlen(from) + 1);
    }
    if (strcmp(tmp + strlen(tmp) - 2, "{}") == 0)
        tmp[strlen(tmp) - 2] = '\0';
    snprintf(out, size, "%s", tmp);
}

const char *expo_check(const char *text)
{
    char fam[256] = "", type[32] = "";
    char seen[65536] = " "; /* " name name ... " of families typed so far */
    char hkey[4096] = "";
    double prev_le = -INFINITY, prev_count = 0, inf_count = -1;
    size_t len = strlen(text);
    if (len == 0 || text[len - 1] != '\n')
        return "the text does not end with a newline";
    for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
        const char *nl = strchr(line, '\n');
        if (strncmp(line, "# HELP ", 7) == 0)
            continue;
        if (strncmp(line, "# TYPE ", 7) == 0) {
            char name[256], t[32];
            if (sscanf(line, "# TYPE %255s %31s", name, t) != 2)
                return fail("bad TYPE line", line);
            if (strcmp(t, "counter") && strcmp(t, "gauge") && strcmp(t, "histogram"))
                return fail("unknown type", line);
            char key[260];
            snprintf(key, sizeof key, " %s ", name);
            if (strstr(seen, key))
                return fail("a second TYPE line for one family", line);
            if (strlen(seen) + strlen(name) + 2 < sizeof seen) {
                strcat(seen, name);
                strcat(seen, " ");
            }
            snprintf(fam, sizeof fam, "%s", name);
            snprintf(type, sizeof type, "%s", t);
            continue;
        }
        if (line[0] == '#')
            return fail("unknown comment", line);
        const char *p = line;
        if (!name_char(*p, 1))
            return fail("bad metric name", line);
        while (name_char(*p, 0))
            p++;
        size_t nlen = (size_t)(p - line);
        if (*p == '{' && !(p = skip_labels(p)))
            return fail("bad labels", line);
        if (*p != ' ')
            return fail("no space before the value", line);
        size_t slen = (size_t)(p - line);
        double v;
        if (parse_value(p + 1, (size_t)(nl - p - 1), &v) < 0)
            return fail("bad value", line);
        if (!fam[0])
            return fail("a sample before any TYPE", line);
        size_t flen = strlen(fam);
        int is_hist = strcmp(type, "histogram") == 0;
        const char *suffix = line + flen;
        if (nlen < flen || strncmp(line, fam, flen) != 0)
            return fail("a sample outside its family", line);
        size_t sufl = nlen - flen;
        if (!is_hist && sufl != 0)
            return fail("a sample outside its family", line);
        if (!is_hist)
            continue;
        char key[4096];
        if (sufl == 7 && strncmp(suffix, "_bucket", 7) == 0) {
            strip_le(line, slen, "_bucket", key, sizeof key);
            const char *le = strstr(line, "le=\"");
            if (!le || le > p)
                return fail("a bucket without le", line);
            double lev = strncmp(le + 4, "+Inf", 4) == 0 ? INFINITY : strtod(le + 4, NULL);
            if (strcmp(key, hkey) != 0) {
                snprintf(hkey, sizeof hkey, "%s", key);
                prev_le = -INFINITY;
                prev_count = 0;
                inf_count = -1;
            }
            if (!(lev > prev_le) || v < prev_count)
                return fail("buckets not rising or not cumulative", line);
            prev_le = lev;
            prev_count = v;
            if (isinf(lev))
                inf_count = v;
        } else if (sufl == 4 && strncmp(suffix, "_sum", 4) == 0) {
            continue;
        } else if (sufl == 6 && strncmp(suffix, "_count", 6) == 0) {
            strip_le(line, slen, "_count", key, sizeof key);
            if (strcmp(key, hkey) != 0 || inf_count != v)
                return fail("_count differs from the +Inf bucket", line);
        } else {
            return fail("a sample outside its histogram family", line);
        }
    }
    return NULL;
}

int expo_value(const char *text, const char *series, double *v)
{
    size_t n = strlen(series);
    for (const char *line = text; line && *line;) {
        if (strncmp(line, series, n) == 0 && line[n] == ' ') {
            const char *nl = strchr(line + n, '\n');
            return parse_value(line + n + 1, nl ? (size_t)(nl - line - n - 1) : strlen(line + n + 1),
                               v) == 0;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return 0;
}

size_t expo_count(const char *text, const char *prefix)
{
    size_t count = 0, n = strlen(prefix);
    for (const char *line = text; line && *line;) {
        if (line[0] != '#' && strncmp(line, prefix, n) == 0)
            count++;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return count;
}
