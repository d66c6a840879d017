#include "base/clock.h"

#include <time.h>
#include <uv.h>

int64_t clock_now_ms(void)
{
    return (int64_t)(uv_hrtime() / 1000000);
}

int64_t clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
