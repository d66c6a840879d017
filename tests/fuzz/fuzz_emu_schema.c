/*
 * libFuzzer target for bothost-emu's OpenAPI response checker (emu_schema.c):
 * a JSON answer body checked against the schema of one of a few routes of the
 * in-tree openapi.json, or a request line resolved to its route first.
 *
 * Input: byte 0 picks the route (low 3 bits) or, with bit 3 set, says the rest
 * starts with a line "METHOD /path STATUS" for emu_schema_response(); the rest
 * is the JSON body.  Checked: the count returned is the number of errors added,
 * each error an object with a string path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *method, *path;
    int status;
} routes[8] = {
    {"GET", "/users/@me", 200},
    {"POST", "/channels/1/messages", 200},
    {"GET", "/guilds/1/members/2", 200},
    {"GET", "/guilds/1/roles", 200},
    {"PUT", "/applications/1/commands", 200},
    {"GET", "/applications/@me", 200},
    {"GET", "/channels/1", 200},
    {"GET", "/gateway/bot", 200},
};

static json_t *spec;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    json_error_t err;
    (void)argc;
    (void)argv;
    if (!(spec = json_load_file(EMU_OPENAPI, 0, &err))) {
        fprintf(stderr, "%s: %s\n", EMU_OPENAPI, err.text);
        abort();
    }
    return 0;
}

static const json_t *route_schema(const uint8_t **data, size_t *size)
{
    char line[256], method[16], path[200];
    int status, documented;
    const uint8_t *nl = memchr(*data, '\n', *size);
    size_t n = nl ? (size_t)(nl - *data) : *size;
    if (n >= sizeof line)
        return NULL;
    memcpy(line, *data, n);
    line[n] = '\0';
    *data += nl ? n + 1 : n;
    *size -= nl ? n + 1 : n;
    if (sscanf(line, "%15s %199s %d", method, path, &status) != 3)
        return NULL;
    return emu_schema_response(spec, method, path, status, &documented);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const json_t *schema;
    json_t *body, *errors, *e;
    int count, documented;
    size_t i;
    if (size < 1)
        return 0;
    if (data[0] & 8) {
        data++;
        size--;
        schema = route_schema(&data, &size);
    } else {
        int r = data[0] & 7;
        schema = emu_schema_response(spec, routes[r].method, routes[r].path, routes[r].status, &documented);
        if (!schema || !documented)
            abort();
        data++;
        size--;
    }
    if (!schema || !(body = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL)))
        return 0;
    errors = json_array();
    count = emu_schema_check(spec, schema, body, errors);
    if (count < 0 || (size_t)count != json_array_size(errors))
        abort();
    json_array_foreach(errors, i, e) {
        if (!json_is_string(json_object_get(e, "path")))
            abort();
    }
    json_decref(errors);
    json_decref(body);
    return 0;
}
