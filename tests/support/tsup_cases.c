/* Test support: the case runner. */
#include "tsup_cases.h"

#include <stdio.h>
#include <string.h>

#include "tsup.h"

int tsup_run_cases(int argc, char **argv, const tsup_case *cases, size_t n, void (*before_each)(void))
{
    int ran = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
            continue;
        fprintf(stderr, "-- %s\n", cases[i].name);
        if (before_each)
            before_each();
        cases[i].fn();
        ran++;
    }
    if (!ran)
        fprintf(stderr, "no case named %s\n", argc > 1 ? argv[1] : "(none)");
    CHECK(ran > 0);
    fprintf(stderr, "%d case(s) passed\n", ran);
    return 0;
}
