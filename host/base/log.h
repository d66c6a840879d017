/*
 * Logging: one logfmt line per event on stderr.
 *
 *   time=2026-11-22T01:52:29.123Z level=info component=db msg="connected"
 *
 * Safe from any thread. Registered secrets (the Discord token, the database
 * password) are replaced by "[redacted]" in every line, whatever logged them.
 */
#ifndef BH_LOG_H
#define BH_LOG_H

#include <stdarg.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the lowest level written; lines below it cost one comparison. */
void log_set_level(int level);
int log_get_level(void);

/* Parses "debug", "info", "warn", "error"; -1 when it is none of these. */
int log_level_parse(const char *s);
const char *log_level_name(int level);

/* Registers a secret to redact; empty strings are ignored. Copies it. */
void log_add_secret(const char *secret);
/* Forgets every secret (used on shutdown and in tests). */
void log_clear_secrets(void);

/*
 * Writes one line. `component` is a bare word ("db", "loader"); `fields` is
 * extra logfmt text placed before msg ("plugin=raffle kind=close"), or NULL.
 */
void log_msg(int level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_fields(int level, const char *component, const char *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void log_fieldsv(int level, const char *component, const char *fields, const char *fmt,
                 va_list ap);

/* Redirects output to a file descriptor (tests); stderr by default. */
void log_set_fd(int fd);

#endif
