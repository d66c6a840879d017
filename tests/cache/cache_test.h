/* Shared by the cache tests: feeding JSON text to cache_apply(). */
#ifndef BH_CACHE_TEST_H
#define BH_CACHE_TEST_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cache/cache.h"
#include "tsup.h"

/* Applies the dispatch `event` whose d is the JSON text `text`; returns cache_apply's code. */
static inline int feed(cache *c, const char *event, const char *text)
{
    json_error_t err;
    json_t *d = json_loads(text, JSON_DECODE_ANY, &err);
    if (!d) {
        fprintf(stderr, "bad test JSON (%s): %s\n", err.text, text);
        exit(1);
    }
    int rc = cache_apply(c, event, d);
    json_decref(d);
    return rc;
}

#endif
