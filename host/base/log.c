#include "base/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096
#define LOG_SECRETS_MAX 8

static int log_level = LOG_INFO;
static int log_fd = 2;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_secrets[LOG_SECRETS_MAX];
static int log_nsecrets;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(int level)
{
    log_level = level;
}

int log_get_level(void)
{
    return log_level;
}

int log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

const char *log_level_name(int level)
{
    return level >= 0 && level < 4 ? level_names[level] : "?";
}

void log_set_fd(int fd)
{
    log_fd = fd;
}

void log_add_secret(const char *secret)
{
    if (!secret || !*secret)
        return;
    pthread_mutex_lock(&log_lock);
    int known = 0;
    for (int i = 0; i < log_nsecrets; i++)
        known |= strcmp(log_secrets[i], secret) == 0;
    if (!known && log_nsecrets < LOG_SECRETS_MAX)
        log_secrets[log_nsecrets++] = strdup(secret);
    pthread_mutex_unlock(&log_lock);
}

void log_clear_secrets(void)
{
    pthread_mutex_lock(&log_lock);
    for (int i = 0; i < log_nsecrets; i++)
        free(log_secrets[i]);
    log_nsecrets = 0;
    pthread_mutex_unlock(&log_lock);
}

/* Replaces every registered secret in buf (NUL-terminated, capacity cap) in place. */
static void redact(char *buf, size_t cap)
{
    static const char mark[] = "[redacted]";
    for (int i = 0; i < log_nsecrets; i++) {
        size_t slen = strlen(log_secrets[i]);
        char *p = buf;
        while ((p = strstr(p, log_secrets[i])) != NULL) {
            size_t tail = strlen(p + slen);
            size_t mlen = sizeof(mark) - 1;
            if ((size_t)(p - buf) + mlen + tail + 1 > cap)
                tail = cap - (size_t)(p - buf) - mlen - 1;
            memmove(p + mlen, p + slen, tail);
            memcpy(p, mark, mlen);
            p[mlen + tail] = '\0';
            p += mlen;
        }
    }
}

/* Appends msg as a logfmt quoted value: quotes and backslashes escaped, control chars as \n or \xNN. */
static size_t append_quoted(char *out, size_t pos, size_t cap, const char *msg)
{
    if (pos + 1 < cap)
        out[pos++] = '"';
    for (const unsigned char *s = (const unsigned char *)msg; *s && pos + 5 < cap; s++) {
        if (*s == '"' || *s == '\\') {
            out[pos++] = '\\';
            out[pos++] = (char)*s;
        } else if (*s == '\n') {
            out[pos++] = '\\';
            out[pos++] = 'n';
        } else if (*s < 0x20) {
            pos += (size_t)snprintf(out + pos, cap - pos, "\\x%02x", *s);
        } else {
            out[pos++] = (char)*s;
        }
    }
    if (pos + 1 < cap)
        out[pos++] = '"';
    out[pos] = '\0';
    return pos;
}

void log_fieldsv(int level, const char *component, const char *fields, const char *fmt, va_list ap)
{
    if (level < log_level)
        return;
    char msg[LOG_LINE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);

    char line[LOG_LINE_MAX + 256];
    size_t pos = (size_t)snprintf(line, sizeof line,
                                  "time=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s component=%s",
                                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                  tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000),
                                  log_level_name(level), component);
    if (fields && *fields && pos < sizeof line)
        pos += (size_t)snprintf(line + pos, sizeof line - pos, " %s", fields);
    if (pos < sizeof line - 8) {
        memcpy(line + pos, " msg=", 5);
        pos = append_quoted(line, pos + 5, sizeof line - 1, msg);
    } else {
        pos = sizeof line - 2;
    }
    line[pos] = '\0';

    pthread_mutex_lock(&log_lock);
    redact(line, sizeof line - 1);
    size_t len = strlen(line);
    line[len++] = '\n';
    const char *p = line;
    while (len > 0) {
        ssize_t n = write(log_fd, p, len);
        if (n <= 0)
            break;
        p += n;
        len -= (size_t)n;
    }
    pthread_mutex_unlock(&log_lock);
}

void log_fields(int level, const char *component, const char *fields, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_fieldsv(level, component, fields, fmt, ap);
    va_end(ap);
}

void log_msg(int level, const char *component, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_fieldsv(level, component, NULL, fmt, ap);
    va_end(ap);
}
