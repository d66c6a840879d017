/*
 * Every route in the host's table (host/rest/rest_routes.c) exists in Discord's
 * OpenAPI description, with that method. The description's path is set at
 * configure time (BH_DISCORD_OPENAPI); without the file the test is skipped.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "rest/rest_internal.h"
#include "tsup.h"

int main(void)
{
    const char *path = getenv("BH_DISCORD_OPENAPI");
    if (!path || !*path)
        path = BH_DISCORD_OPENAPI;
    json_error_t err;
    json_t *spec = json_load_file(path, 0, &err);
    if (!spec) {
        fprintf(stderr, "skipped: cannot read %s: %s\n", path, err.text);
        return 77;
    }
    json_t *paths = json_object_get(spec, "paths");
    CHECK(json_is_object(paths));
    int missing = 0;
    for (size_t i = 0; i < rest_routes_count; i++) {
        const rest_route *r = &rest_routes[i];
        char method[16];
        size_t n = strlen(r->method);
        CHECK(n < sizeof method);
        for (size_t k = 0; k <= n; k++)
            method[k] = (char)(r->method[k] >= 'A' && r->method[k] <= 'Z' ? r->method[k] + 32
                                                                          : r->method[k]);
        json_t *item = json_object_get(paths, r->tmpl);
        if (!item) {
            fprintf(stderr, "%s: no such path in %s\n", r->name, path);
            missing++;
        } else if (!json_object_get(item, method)) {
            fprintf(stderr, "%s: the path has no %s operation\n", r->name, method);
            missing++;
        }
        /* The name is the method and the template, as /metrics shows it. */
        char name[256];
        snprintf(name, sizeof name, "%s %s", r->method, r->tmpl);
        CHECK_EQ_STR(r->name, name);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(rest_routes[j].name, r->name) != 0);
    }
    json_decref(spec);
    CHECK_EQ_INT(missing, 0);
    fprintf(stderr, "%zu routes found in %s\n", rest_routes_count, path);
    return 0;
}
