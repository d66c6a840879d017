#include "base/backoff.h"

#include <stdlib.h>

uint64_t backoff_delay_ms(int failed, uint64_t base_ms, uint64_t cap_ms)
{
    uint64_t d = base_ms;
    for (int i = 0; i < failed && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    return d / 2 + (uint64_t)rand() % (d / 2 + 1);
}
