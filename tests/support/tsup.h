/*
 * Test support: assertions that report file:line and end the test, the private
 * PostgreSQL cluster started by the pg_start fixture, and child processes.
 */
#ifndef BH_TSUP_H
#define BH_TSUP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                \
    do {                                                                                  \
        long long a_ = (long long)(a), b_ = (long long)(b);                               \
        if (a_ != b_) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__,   \
                    __LINE__, #a, #b, a_, b_);                                            \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                \
    do {                                                                                  \
        const char *a_ = (a), *b_ = (b);                                                  \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n",         \
                    __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");  \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

/* Writes `text` to a new file under the test's temp dir and returns its path (static). */
const char *tsup_write_file(const char *name, const char *text);
/* A fresh, empty temp dir for this test (made once per process). */
const char *tsup_tmpdir(void);

#endif
