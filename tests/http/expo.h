/*
 * Reading Prometheus text exposition (0.0.4) back in the tests: a checker of
 * the whole text and lookups of single samples.
 */
#ifndef BH_TEST_EXPO_H
#define BH_TEST_EXPO_H

#include <stddef.h>

/*
 * Checks `text`: every line is a HELP, a TYPE or a sample; each family has one
 * TYPE line, before its samples, which are contiguous; label sets parse; a
 * histogram's buckets rise with le, are cumulative, and +Inf equals _count.
 * NULL when it is fine, else what is wrong (a static string).
 */
const char *expo_check(const char *text);

/* The value of the sample written exactly as `series` (name{labels}); 1 found, 0 not. */
int expo_value(const char *text, const char *series, double *v);

/* The number of sample lines whose series text starts with `prefix`. */
size_t expo_count(const char *text, const char *prefix);

#endif
