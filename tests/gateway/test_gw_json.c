/*
 * The gateway's JSON parser: what it accepts equals jansson's reading of it, and
 * what RFC 8259 forbids is refused (the differential fuzzer fuzz_gw_json covers
 * the rest).
 */
#include <string.h>

#include "gw/gw_json.h"
#include "tsup.h"

static void same(const char *text)
{
    json_t *ours = gw_json_parse(text, strlen(text));
    json_t *theirs = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!ours || !theirs || !json_equal(ours, theirs)) {
        fprintf(stderr, "differs: %s\n", text);
        exit(1);
    }
    json_decref(ours);
    json_decref(theirs);
}

static void refused(const char *text, size_t len)
{
    json_t *ours = gw_json_parse(text, len);
    if (ours) {
        fprintf(stderr, "accepted: %.*s\n", (int)len, text);
        exit(1);
    }
}

#define REFUSED(s) refused(s, sizeof(s) - 1)

int main(void)
{
    same("{\"op\":0,\"s\":42,\"t\":\"INTERACTION_CREATE\",\"d\":{\"id\":\"1573885016126128149\"}}");
    same("[1, -0, 0.5, -1.25e-3, 1E+2, 9223372036854775807, -9223372036854775808]");
    same("[true, false, null, \"\", {}, [], [[]], {\"a\": {\"b\": [1, {\"c\": null}]}}]");
    same(" \t\r\n{ \"a\" : 1 , \"b\" : [ 1 , 2 ] } \n");
    same("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\u20ac \\ud83d\\ude00\"");
    same("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    same("{\"a\": 1, \"a\": 2}");
    same("{\"\\u00e9\": \"key with an escape\"}");
    same("42");
    /* Long numbers: a real of 200 digits parses (underflow is fine), an integer that long does not. */
    char num[300] = "[1.";
    memset(num + 3, '0', 200);
    strcpy(num + 203, "1e-5]");
    same(num);
    memset(num + 1, '9', 200);
    strcpy(num + 201, "]");
    refused(num, strlen(num));

    REFUSED("");
    REFUSED("{");
    REFUSED("{\"a\" 1}");
    REFUSED("{\"a\": 1,}");
    REFUSED("[1,]");
    REFUSED("[01]");
    REFUSED("[1.]");
    REFUSED("[.5]");
    REFUSED("[1e]");
    REFUSED("[+1]");
    REFUSED("[NaN]");
    REFUSED("[tru]");
    REFUSED("[1] [2]");
    REFUSED("[9223372036854775808]");            /* too big an integer, as jansson */
    REFUSED("[1e400]");                          /* real overflow, as jansson */
    REFUSED("[\"\\u0000\"]");                    /* NUL in a string */
    REFUSED("[\"\\ud83d\"]");                    /* lone surrogate */
    REFUSED("[\"\\ude00\"]");
    REFUSED("[\"\\x41\"]");
    REFUSED("[\"tab\there\"]");                  /* raw control character */
    REFUSED("[\"\xc3\"]");                       /* truncated UTF-8 */
    REFUSED("[\"\xc0\xaf\"]");                   /* overlong */
    REFUSED("[\"\xed\xa0\x80\"]");               /* encoded surrogate */
    REFUSED("[\"\xf4\x90\x80\x80\"]");           /* above U+10FFFF */
    REFUSED("{\"a\\u0000b\": 1}");
    refused("[1\0]", 4);                         /* NUL outside a string */
    refused("[\"a\0\"]", 6);

    /* Nesting: 2048 levels parse, 2049 do not (jansson's limit). */
    char deep[2 * 2049 + 1];
    for (int depth = 2048; depth <= 2049; depth++) {
        memset(deep, '[', (size_t)depth);
        memset(deep + depth, ']', (size_t)depth);
        json_t *v = gw_json_parse(deep, 2 * (size_t)depth);
        CHECK((v != NULL) == (depth == 2048));
        json_decref(v);
    }
    printf("test_gw_json: ok\n");
    return 0;
}
