/*
 * The case runner of the test programs: `prog` runs every case, `prog NAME`
 * only that one; a name that matches no case fails.
 */
#ifndef BH_TSUP_CASES_H
#define BH_TSUP_CASES_H

#include <stddef.h>

typedef struct tsup_case {
    const char *name;
    void (*fn)(void);
} tsup_case;

/*
 * Runs the cases argv[1] names (all of them without one), each after
 * `before_each` (may be NULL), printing "-- NAME" before each. The exit status
 * for main: 0 when at least one ran (a failed CHECK has exited already).
 */
int tsup_run_cases(int argc, char **argv, const tsup_case *cases, size_t n, void (*before_each)(void));

#endif
