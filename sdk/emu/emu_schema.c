/*
 * Checking JSON values against Discord's OpenAPI 3.1 description: the part of
 * JSON Schema 2020-12 the description uses ($ref, type, properties, required,
 * additionalProperties, items, oneOf/anyOf/allOf, enum, const, lengths,
 * bounds, pattern, the formats snowflake, int32, int64, double and date-time).
 *
 * oneOf is read as anyOf: Discord's description uses it for unions whose
 * branches overlap (a string that is also a snowflake), where "exactly one"
 * would reject what Discord itself sends.  For a union that nothing matches,
 * the errors of the closest branch are reported, so a message says what to
 * fix ("components.0.components.0.id: required") rather than "no branch".
 *
 * Pure functions of JSON, like emu_validate.c.
 */
#include "emu.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMU_SCHEMA_DEPTH 64

typedef struct emu_sc {
    const json_t *spec;
    json_t *errors;             /* array of {"path", "error"} */
    int depth;
} emu_sc;

static void emu_sc_err(emu_sc *s, const char *path, const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    json_array_append_new(s->errors, json_pack("{s:s, s:s}", "path", *path ? path : "(body)", "error", msg));
}

/* "#/components/schemas/X" inside the description; NULL when it leads nowhere. */
static const json_t *emu_sc_ref(const json_t *spec, const char *ref)
{
    const json_t *node = spec;
    char part[160];
    if (!ref || strncmp(ref, "#/", 2))
        return NULL;
    ref += 2;
    while (*ref && node) {
        size_t n = strcspn(ref, "/");
        if (n >= sizeof part)
            return NULL;
        memcpy(part, ref, n);
        part[n] = '\0';
        node = json_object_get(node, part);
        ref += n;
        if (*ref == '/')
            ref++;
    }
    return node;
}

static int emu_sc_type_is(const json_t *v, const char *type)
{
    if (!strcmp(type, "object"))
        return json_is_object(v);
    if (!strcmp(type, "array"))
        return json_is_array(v);
    if (!strcmp(type, "string"))
        return json_is_string(v);
    if (!strcmp(type, "integer"))
        return json_is_integer(v);
    if (!strcmp(type, "number"))
        return json_is_number(v);
    if (!strcmp(type, "boolean"))
        return json_is_boolean(v);
    if (!strcmp(type, "null"))
        return json_is_null(v);
    return 1;
}

static int emu_sc_type(const json_t *v, const json_t *type)
{
    size_t i;
    const json_t *t;
    if (json_is_string(type))
        return emu_sc_type_is(v, json_string_value(type));
    if (!json_is_array(type))
        return 1;
    json_array_foreach(type, i, t)
        if (json_is_string(t) && emu_sc_type_is(v, json_string_value(t)))
            return 1;
    return 0;
}

/* Code points, as JSON Schema counts string lengths. */
static size_t emu_sc_strlen(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int emu_sc_pattern(const char *pattern, const char *s)
{
    regex_t re;
    int ok;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
        return 1;               /* a pattern POSIX cannot read is not checked */
    ok = !regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    return ok;
}

static int emu_sc_format(const json_t *v, const char *format)
{
    if (!strcmp(format, "snowflake") && json_is_string(v)) {
        const char *s = json_string_value(v);
        return *s && strlen(s) <= 20 && strspn(s, "0123456789") == strlen(s);
    }
    if (!strcmp(format, "date-time") && json_is_string(v))
        return emu_parse_iso(json_string_value(v)) != 0;
    if (!strcmp(format, "int32") && json_is_integer(v))
        return json_integer_value(v) >= INT32_MIN && json_integer_value(v) <= INT32_MAX;
    return 1;
}

static void emu_sc_check(emu_sc *s, const json_t *schema, const json_t *v, const char *path);

static void emu_sc_join(char *out, size_t n, const char *path, const char *key)
{
    snprintf(out, n, "%s%s%s", path, *path ? "." : "", key);
}

static void emu_sc_union(emu_sc *s, const json_t *branches, const json_t *v, const char *path)
{
    json_t *best = NULL, *saved = s->errors, *b;
    size_t i;
    json_array_foreach(branches, i, b) {
        s->errors = json_array();
        emu_sc_check(s, b, v, path);
        if (!json_array_size(s->errors)) {
            json_decref(s->errors);
            json_decref(best);
            s->errors = saved;
            return;
        }
        if (!best || json_array_size(s->errors) < json_array_size(best)) {
            json_decref(best);
            best = s->errors;
        } else {
            json_decref(s->errors);
        }
    }
    s->errors = saved;
    if (best)
        json_array_extend(s->errors, best);
    json_decref(best);
}

static void emu_sc_object(emu_sc *s, const json_t *schema, const json_t *v, const char *path)
{
    const json_t *props = json_object_get(schema, "properties");
    const json_t *extra = json_object_get(schema, "additionalProperties");
    const json_t *req = json_object_get(schema, "required"), *x;
    const char *k;
    char sub[512];
    size_t i;
    json_array_foreach(req, i, x)
        if (json_is_string(x) && !json_object_get(v, json_string_value(x))) {
            emu_sc_join(sub, sizeof sub, path, json_string_value(x));
            emu_sc_err(s, sub, "required", NULL);
        }
    json_object_foreach((json_t *)v, k, x) {
        const json_t *ps = json_object_get(props, k);
        emu_sc_join(sub, sizeof sub, path, k);
        if (ps)
            emu_sc_check(s, ps, x, sub);
        else if (json_is_false(extra))
            emu_sc_err(s, sub, "not a property of this object", NULL);
        else if (json_is_object(extra))
            emu_sc_check(s, extra, x, sub);
    }
    x = json_object_get(schema, "maxProperties");
    if (json_is_integer(x) && (json_int_t)json_object_size(v) > json_integer_value(x))
        emu_sc_err(s, path, "too many properties", NULL);
}

static void emu_sc_check(emu_sc *s, const json_t *schema, const json_t *v, const char *path)
{
    const json_t *x;
    char sub[512];
    if (!json_is_object(schema) || ++s->depth > EMU_SCHEMA_DEPTH) {
        s->depth -= json_is_object(schema);
        return;
    }
    if ((x = json_object_get(schema, "$ref"))) {
        const json_t *target = emu_sc_ref(s->spec, json_string_value(x));
        if (!target)
            emu_sc_err(s, path, "schema reference %s not found", json_string_value(x));
        else
            emu_sc_check(s, target, v, path);
    }
    if ((x = json_object_get(schema, "type")) && !emu_sc_type(v, x)) {
        char *t = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
        emu_sc_err(s, path, "expected type %s", t);
        free(t);
        s->depth--;
        return;
    }
    if ((x = json_object_get(schema, "allOf"))) {
        size_t i;
        const json_t *b;
        json_array_foreach(x, i, b)
            emu_sc_check(s, b, v, path);
    }
    if ((x = json_object_get(schema, "oneOf")))
        emu_sc_union(s, x, v, path);
    if ((x = json_object_get(schema, "anyOf")))
        emu_sc_union(s, x, v, path);
    if ((x = json_object_get(schema, "const")) && !json_equal((json_t *)x, (json_t *)v)) {
        char *t = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
        emu_sc_err(s, path, "expected %s", t);
        free(t);
    }
    if ((x = json_object_get(schema, "enum"))) {
        size_t i;
        const json_t *c;
        int found = 0;
        json_array_foreach(x, i, c)
            found |= json_equal((json_t *)c, (json_t *)v);
        if (!found)
            emu_sc_err(s, path, "not one of the enumerated values", NULL);
    }
    if ((x = json_object_get(schema, "format")) && json_is_string(x) && !emu_sc_format(v, json_string_value(x)))
        emu_sc_err(s, path, "not a valid %s", json_string_value(x));
    if (json_is_string(v)) {
        size_t n = emu_sc_strlen(json_string_value(v));
        if ((x = json_object_get(schema, "maxLength")) && (json_int_t)n > json_integer_value(x))
            emu_sc_err(s, path, "longer than maxLength", NULL);
        if ((x = json_object_get(schema, "minLength")) && (json_int_t)n < json_integer_value(x))
            emu_sc_err(s, path, "shorter than minLength", NULL);
        /* A snowflake's pattern says what its format does, without a regcomp() per id. */
        if ((x = json_object_get(schema, "pattern")) && json_is_string(x) &&
            strcmp(json_string_value(json_object_get(schema, "format")) ? json_string_value(json_object_get(schema, "format")) : "", "snowflake") &&
            !emu_sc_pattern(json_string_value(x), json_string_value(v)))
            emu_sc_err(s, path, "does not match %s", json_string_value(x));
    }
    if (json_is_number(v)) {
        double d = json_number_value(v);
        if ((x = json_object_get(schema, "minimum")) && json_is_number(x) && d < json_number_value(x))
            emu_sc_err(s, path, "below minimum", NULL);
        if ((x = json_object_get(schema, "maximum")) && json_is_number(x) && d > json_number_value(x))
            emu_sc_err(s, path, "above maximum", NULL);
    }
    if (json_is_array(v)) {
        const json_t *items = json_object_get(schema, "items"), *it;
        size_t i;
        if ((x = json_object_get(schema, "maxItems")) && (json_int_t)json_array_size(v) > json_integer_value(x))
            emu_sc_err(s, path, "more than maxItems", NULL);
        if ((x = json_object_get(schema, "minItems")) && (json_int_t)json_array_size(v) < json_integer_value(x))
            emu_sc_err(s, path, "fewer than minItems", NULL);
        if (items)
            json_array_foreach(v, i, it) {
                char idx[24];
                snprintf(idx, sizeof idx, "%zu", i);
                emu_sc_join(sub, sizeof sub, path, idx);
                emu_sc_check(s, items, it, sub);
            }
    }
    if (json_is_object(v))
        emu_sc_object(s, schema, v, path);
    s->depth--;
}

int emu_schema_check(const json_t *spec, const json_t *schema, const json_t *value, json_t *errors)
{
    emu_sc s = {.spec = spec, .errors = errors, .depth = 0};
    size_t before = json_array_size(errors);
    emu_sc_check(&s, schema, value, "");
    return (int)(json_array_size(errors) - before);
}

/* Segments that match, literal ones counted twice: Discord's rule prefers literal segments. */
static int emu_sc_path_score(const char *tmpl, const char *path)
{
    int score = 0;
    while (*tmpl && *path) {
        size_t tl, pl;
        if (*tmpl != '/' || *path != '/')
            return -1;
        tmpl++;
        path++;
        tl = strcspn(tmpl, "/");
        pl = strcspn(path, "/");
        if (*tmpl == '{' && pl > 0)
            score += 1;
        else if (tl == pl && !strncmp(tmpl, path, tl))
            score += 2;
        else
            return -1;
        tmpl += tl;
        path += pl;
    }
    return *tmpl || *path ? -1 : score;
}

const json_t *emu_schema_response(const json_t *spec, const char *method, const char *path, int status,
                                  int *documented)
{
    const json_t *paths = json_object_get(spec, "paths"), *item, *best = NULL, *op, *responses, *r;
    const char *tmpl;
    char m[8], code[16];
    int best_score = -1;
    size_t i;
    *documented = 0;
    json_object_foreach((json_t *)paths, tmpl, item) {
        int sc = emu_sc_path_score(tmpl, path);
        if (sc > best_score) {
            best_score = sc;
            best = item;
        }
    }
    for (i = 0; method[i] && i < sizeof m - 1; i++)
        m[i] = (char)(method[i] >= 'A' && method[i] <= 'Z' ? method[i] + 32 : method[i]);
    m[i] = '\0';
    if (!(op = json_object_get(best, m)) || !(responses = json_object_get(op, "responses")))
        return NULL;
    snprintf(code, sizeof code, "%d", status);
    if (!(r = json_object_get(responses, code))) {
        snprintf(code, sizeof code, "%dXX", status / 100);
        if (!(r = json_object_get(responses, code)) && !(r = json_object_get(responses, "default")))
            return NULL;
    }
    if (json_is_string(json_object_get(r, "$ref")))
        r = emu_sc_ref(spec, json_string_value(json_object_get(r, "$ref")));
    *documented = 1;
    return json_object_get(json_object_get(json_object_get(r, "content"), "application/json"), "schema");
}

/* ---- checking mode: every REST answer of a running emulator --------------------------- */

#define EMU_SCHEMA_KEEP 50

int emu_schema_load(emu *e, char *err, size_t errlen)
{
    json_error_t jerr;
    if (!e->o.openapi_path)
        return 0;
    e->openapi = json_load_file(e->o.openapi_path, 0, &jerr);
    if (!e->openapi || !json_is_object(json_object_get(e->openapi, "paths"))) {
        snprintf(err, errlen, "%s:%d: %s", e->o.openapi_path, jerr.line,
                 e->openapi ? "no \"paths\": not an OpenAPI description" : jerr.text);
        json_decref(e->openapi);
        e->openapi = NULL;
        return -1;
    }
    e->schema_errors = json_array();
    return 0;
}

/*
 * Finding an answer's schema scores every path of the description: remembered
 * per route the emulator matched (and status), as thousands of calls of one
 * route are common.
 */
static const json_t *emu_schema_lookup(emu *e, const emu_req *req, const char *pattern, const char *path,
                                       int status, int *documented)
{
    char key[300];
    const json_t *schema, *hit;
    if (!pattern || !pattern[0])
        return emu_schema_response(e->openapi, req->method, path, status, documented);
    /* Discord describes some literal segments apart (messages/@original, members/@me): they are part of the key. */
    size_t n = (size_t)snprintf(key, sizeof key, "%s %s %d", req->method, pattern, status);
    for (const char *seg = strstr(path, "/@"); seg && n < sizeof key; seg = strstr(seg + 1, "/@"))
        n += (size_t)snprintf(key + n, sizeof key - n, " %.*s", (int)strcspn(seg + 1, "/?"), seg + 1);
    if (!e->schema_cache)
        e->schema_cache = json_object();
    if ((hit = json_object_get(e->schema_cache, key))) {
        *documented = !json_is_false(hit);
        return json_is_object(hit) ? hit : NULL;
    }
    schema = emu_schema_response(e->openapi, req->method, path, status, documented);
    json_object_set_new(e->schema_cache, key,
                        !*documented ? json_false() : schema ? json_incref((json_t *)schema) : json_null());
    return schema;
}

void emu_schema_answer(emu *e, const emu_req *req, const char *pattern, const emu_resp *resp)
{
    const char *path = req->path + strlen("/api/v10");
    int status = resp->status ? resp->status : 200, documented;
    const json_t *schema;
    json_t *errors;
    if (!e->openapi || strncmp(req->path, "/api/v10/", 9))
        return;
    schema = emu_schema_lookup(e, req, pattern, path, status, &documented);
    if (!documented)
        return;
    e->schema_checked++;
    errors = json_array();
    if (!schema && resp->body)
        json_array_append_new(errors, json_pack("{s:s, s:s}", "path", "(body)", "error",
                                                "a body where Discord sends none"));
    else if (schema && !resp->body)
        json_array_append_new(errors, json_pack("{s:s, s:s}", "path", "(body)", "error", "no body"));
    else if (schema)
        emu_schema_check(e->openapi, schema, resp->body, errors);
    if (json_array_size(errors)) {
        char *text = json_dumps(json_array_get(errors, 0), JSON_COMPACT);
        e->schema_failed++;
        /* One line per failing answer: the test's log says what to fix. */
        fprintf(stderr, "bothost-emu: schema: %s %s -> %d: %zu error(s), first %s\n", req->method,
                pattern ? pattern : path, status, json_array_size(errors), text ? text : "");
        free(text);
        if (json_array_size(e->schema_errors) < EMU_SCHEMA_KEEP)
            json_array_append_new(e->schema_errors,
                                  json_pack("{s:s, s:s, s:i, s:O}", "method", req->method, "route",
                                            pattern ? pattern : path, "status", status, "errors", errors));
    }
    json_decref(errors);
}

json_t *emu_schema_report(emu *e)
{
    json_t *r = json_pack("{s:b, s:I, s:I}", "enabled", e->openapi != NULL, "checked", e->schema_checked,
                          "failed", e->schema_failed);
    json_object_set_new(r, "errors", e->schema_errors ? json_incref(e->schema_errors) : json_array());
    return r;
}
