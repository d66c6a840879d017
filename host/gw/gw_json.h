/*
 * The gateway's JSON parser: text in, jansson values out, about four times
 * faster than json_loadb() on Discord's payloads (jansson's lexer reads one
 * character at a time through a stream callback; this one scans the buffer).
 * Every dispatch goes through it on the loop thread, where its speed is the
 * host's event rate.
 *
 * Strict RFC 8259, and it accepts exactly what json_loadb(text, len, 0) does,
 * producing equal values (a differential fuzz target checks both): UTF-8
 * validated, \u escapes with surrogate pairs, no \u0000, integers that fit
 * json_int_t as integers, other numbers as reals, nesting to 2048 levels, a
 * repeated key keeps the last value.
 */
#ifndef BH_GW_JSON_H
#define BH_GW_JSON_H

#include <stddef.h>

#include <jansson.h>

/* Parses `len` bytes (one JSON value, surrounding whitespace allowed); NULL when invalid. */
json_t *gw_json_parse(const char *text, size_t len);

#endif
