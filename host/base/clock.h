/* The host's clocks, in milliseconds. */
#ifndef BH_CLOCK_H
#define BH_CLOCK_H

#include <stdint.h>

/*
 * Monotonic (libuv's high-resolution clock), for durations and deadlines inside
 * the process. Any thread; unlike uv_now() it is not the loop's cached time.
 */
int64_t clock_now_ms(void);

/* Wall-clock time since the Unix epoch, for times shared with the database or Discord. */
int64_t clock_wall_ms(void);

#endif
