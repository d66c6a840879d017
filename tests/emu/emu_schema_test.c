/*
 * The emulator's OpenAPI checker (sdk/emu/emu_schema.c) against the in-tree
 * openapi.json: it finds what Discord always sends and the emulator once left
 * out, accepts Discord's own shapes, and picks the route Discord would.
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fprintf(stderr, "\n");                                                   \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static json_t *ref(const char *name)
{
    char r[128];
    snprintf(r, sizeof r, "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", r);
}

/* Number of errors, and the first path in `path`. */
static int check(const json_t *spec, const char *schema_name, const char *value, char *path, size_t n)
{
    json_t *schema = ref(schema_name), *errors = json_array(), *v = json_loads(value, 0, NULL);
    int count;
    if (!v) {
        fprintf(stderr, "bad test JSON: %s\n", value);
        failures++;
    }
    count = emu_schema_check(spec, schema, v, errors);
    snprintf(path, n, "%s", json_string_value(json_object_get(json_array_get(errors, 0), "path")) ?
             json_string_value(json_object_get(json_array_get(errors, 0), "path")) : "");
    json_decref(schema);
    json_decref(errors);
    json_decref(v);
    return count;
}

int main(void)
{
    json_error_t err;
    json_t *spec = json_load_file(EMU_OPENAPI, 0, &err);
    const json_t *s;
    char path[256];
    int documented;
    if (!spec) {
        fprintf(stderr, "%s: %s\n", EMU_OPENAPI, err.text);
        return 1;
    }

    /* A user as the emulator sent it before: flags and primary_guild missing. */
    CHECK(check(spec, "UserResponse",
                "{\"id\":\"80351110224678912\",\"username\":\"alice\",\"discriminator\":\"0\",\"global_name\":null,"
                "\"avatar\":null,\"public_flags\":0}", path, sizeof path) == 2 && !strcmp(path, "flags"),
          "a user without flags/primary_guild: %s", path);
    CHECK(check(spec, "UserResponse",
                "{\"id\":\"80351110224678912\",\"username\":\"alice\",\"discriminator\":\"0\",\"global_name\":null,"
                "\"avatar\":null,\"public_flags\":0,\"flags\":0,\"primary_guild\":null}", path, sizeof path) == 0,
          "a whole user fits: %s", path);
    CHECK(check(spec, "UserResponse",
                "{\"id\":\"8035x\",\"username\":\"alice\",\"discriminator\":\"0\",\"global_name\":null,"
                "\"avatar\":null,\"public_flags\":0,\"flags\":0,\"primary_guild\":null}", path, sizeof path) == 1 &&
          !strcmp(path, "id"), "a bad snowflake: %s", path);

    /* Components need ids; the closest branch of the union says so. */
    CHECK(check(spec, "ActionRowComponentResponse",
                "{\"type\":1,\"id\":1,\"components\":[{\"type\":2,\"style\":1,\"label\":\"x\",\"custom_id\":\"a\"}]}",
                path, sizeof path) >= 1 && !strcmp(path, "components.0.id"), "a button without id: %s", path);
    CHECK(check(spec, "ActionRowComponentResponse",
                "{\"type\":1,\"id\":1,\"components\":[{\"type\":2,\"id\":2,\"style\":1,\"label\":\"x\",\"custom_id\":\"a\"}]}",
                path, sizeof path) == 0, "a numbered row fits: %s", path);

    /* Discord's form errors: inner codes are strings (the documentation wins over the description). */
    CHECK(check(spec, "ErrorResponse",
                "{\"code\":50035,\"message\":\"Invalid Form Body\",\"errors\":{\"content\":{\"_errors\":"
                "[{\"code\":\"BASE_TYPE_MAX_LENGTH\",\"message\":\"Must be 2000 or fewer in length.\"}]}}}",
                path, sizeof path) == 0, "a 50035 body fits: %s", path);
    CHECK(check(spec, "ErrorResponse", "{\"message\":\"x\"}", path, sizeof path) == 1 && !strcmp(path, "code"),
          "an error without code: %s", path);

    /* Routes: the literal @original wins over {message_id}; 204 has no body; 4XX falls back. */
    s = emu_schema_response(spec, "GET", "/webhooks/1/tok/messages/@original", 200, &documented);
    CHECK(documented && s, "GET @original is documented");
    s = emu_schema_response(spec, "DELETE", "/channels/1/messages/2", 204, &documented);
    CHECK(documented && !s, "DELETE message: 204 without a body");
    s = emu_schema_response(spec, "GET", "/channels/1/messages/2", 404, &documented);
    CHECK(documented && s, "a 404 answer has ErrorResponse through 4XX");
    s = emu_schema_response(spec, "GET", "/no/such/route", 200, &documented);
    CHECK(!documented && !s, "an unknown route is not checked");

    json_decref(spec);
    fprintf(stderr, "emu_schema_test: %d failure(s)\n", failures);
    return failures != 0;
}
