/*
 * Test support for child processes: run bothost (or anything) with its stdout
 * and stderr captured line by line, wait for a log line, signal it, wait for it to exit.
 * Reading the lines (pump, wait_line, count) is safe from several threads at
 * once; tsup_proc_wait() is for the one thread that owns the process.
 */
#ifndef BH_TSUP_PROC_H
#define BH_TSUP_PROC_H

#include <sys/types.h>

typedef struct tsup_proc tsup_proc;

/*
 * Starts argv[0] (a path) with extra environment "K=V" entries (NULL-terminated or NULL).
 * Its stdout and stderr go to one pipe, read as lines in the order they were written.
 */
tsup_proc *tsup_proc_start(char *const argv[], char *const env[]);

/*
 * Waits up to timeout_ms for an output line containing `needle`, reading lines
 * past those already matched. Returns the line (valid until the next call), or
 * NULL on timeout or exit. Every line is echoed to the test's stderr.
 */
const char *tsup_proc_wait_line(tsup_proc *p, const char *needle, int timeout_ms);

/* Counts lines seen so far that contain `needle`. */
int tsup_proc_count(tsup_proc *p, const char *needle);

/*
 * Waits up to timeout_ms until the child closed its output (it exited): every
 * line it wrote is then counted. 1 at the end, 0 on timeout.
 */
int tsup_proc_wait_eof(tsup_proc *p, int timeout_ms);

/* Reads what is available now without waiting for anything. */
void tsup_proc_pump(tsup_proc *p, int timeout_ms);

void tsup_proc_signal(tsup_proc *p, int sig);
pid_t tsup_proc_pid(tsup_proc *p);

/* Waits for the exit (killing it with SIGKILL after timeout_ms); returns the exit status, 128+sig when killed. Frees p. */
int tsup_proc_wait(tsup_proc *p, int timeout_ms);

/* The path of the bothost built with this test. */
const char *tsup_bothost_path(void);

#endif
