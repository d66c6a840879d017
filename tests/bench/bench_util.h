/*
 * What the benchmarks share: a monotonic clock, a process's RSS, percentiles,
 * a growing text buffer, and the banner that says whether figures mean anything
 * (a sanitizer build runs the same code, several times slower).
 *
 * Benchmarks print figures and check correctness; they never fail on a timing.
 */
#ifndef BH_BENCH_UTIL_H
#define BH_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#ifndef BENCH_SANITIZED
#define BENCH_SANITIZED 0
#endif

/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);
/* Sleeps until bench_now() reaches `t`. */
void bench_sleep_until(double t);

/* VmRSS (or another "Vm..." field, e.g. "VmHWM") of `pid` (0: this process) in kB; -1 if unknown. */
long bench_vm_kb(pid_t pid, const char *field);

/* MemAvailable from /proc/meminfo in kB; -1 if unknown. */
long bench_mem_available_kb(void);

/* Prints the benchmark's header line, and under a sanitizer that its figures are not meaningful. */
void bench_banner(const char *name, const char *what);

/* The p-th percentile (0..100) of `v` (sorted in place), nearest rank. */
double bench_percentile(double *v, size_t n, double p);
void bench_sort(double *v, size_t n);

/* A text buffer that grows; bench_put() appends printf-style. */
typedef struct bench_buf {
    char *p;
    size_t len, cap;
} bench_buf;

void bench_put(bench_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bench_buf_free(bench_buf *b);

/* xorshift64: deterministic inputs, the same on every run. */
uint64_t bench_rand(uint64_t *state);

#endif
