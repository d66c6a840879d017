/* Retry delays: capped exponential backoff with jitter, for anything the host asks again. */
#ifndef BH_BACKOFF_H
#define BH_BACKOFF_H

#include <stdint.h>

/*
 * The delay before the next attempt after `failed` failures in a row (0 for the
 * first retry): base_ms doubled per failure, capped at cap_ms, with "equal
 * jitter" (half of it fixed, half random) so that hosts restarted together do
 * not retry together.
 */
uint64_t backoff_delay_ms(int failed, uint64_t base_ms, uint64_t cap_ms);

#endif
