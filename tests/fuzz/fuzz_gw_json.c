/*
 * The gateway's JSON parser against jansson's: on any input both accept or both
 * refuse, and what they accept is equal. One difference is intended: jansson
 * 2.14 lets a NUL byte end a number ("[1\0]" loads as [1]); RFC 8259 allows no
 * NUL outside strings, nor inside them unescaped, so ours refuses every input
 * holding one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw/gw_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *ours = gw_json_parse((const char *)data, size);
    if (memchr(data, 0, size)) {
        if (ours)
            abort();
        return 0;
    }
    json_t *theirs = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!ours != !theirs || (ours && !json_equal(ours, theirs))) {
        fprintf(stderr, "gw_json_parse %s, json_loadb %s\n", ours ? "accepted" : "refused",
                theirs ? "accepted" : "refused");
        abort();
    }
    json_decref(ours);
    json_decref(theirs);
    return 0;
}
