/*
 * Discord's limits on what a bot sends: message bodies, modals and command
 * definitions.  Pure functions of a JSON document, so a fuzz target can call
 * them directly.  Errors go into Discord's nested `errors` object of a 50035
 * "Invalid Form Body" answer: {"embeds": {"0": {"title": {"_errors": [...]}}}}.
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

void emu_form_error(json_t *errors, const char *path, const char *code, const char *message)
{
    char key[64];
    json_t *node = errors, *list;
    while (path && *path) {
        size_t n = strcspn(path, ".");
        json_t *next;
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        next = json_object_get(node, key);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(node, key, next);
        }
        node = next;
        path += n;
        if (*path == '.')
            path++;
    }
    list = json_object_get(node, "_errors");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(node, "_errors", list);
    }
    json_array_append_new(list, json_pack("{s:s, s:s}", "code", code, "message", message));
}

/* Length in Unicode code points, as Discord counts it. */
static size_t emu_u8len(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/*
 * Checks field `key` of o: there when required, a string (array: an array) whose
 * length in code points (array: items) is within min..max. *size: that length
 * when it is of the type, else 0. Returns 1 when the field is there and fits.
 */
static int emu_check_sized(const json_t *o, const char *key, const char *path, int array,
                           size_t min, size_t max, int required, json_t *errors, int *count,
                           size_t *size)
{
    const json_t *v = json_object_get(o, key);
    char full[256], msg[96];
    *size = 0;
    snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
    if (!v || json_is_null(v)) {
        if (required) {
            emu_form_error(errors, full, "BASE_TYPE_REQUIRED", "This field is required");
            (*count)++;
        }
        return 0;
    }
    if (array ? !json_is_array(v) : !json_is_string(v)) {
        emu_form_error(errors, full, array ? "BASE_TYPE_ARRAY" : "BASE_TYPE_STRING",
                       array ? "Must be an array." : "Must be a string.");
        (*count)++;
        return 0;
    }
    *size = array ? json_array_size(v) : emu_u8len(json_string_value(v));
    if (*size > max || *size < min) {
        if (min > 0)
            snprintf(msg, sizeof msg, "Must be between %zu and %zu in length.", min, max);
        else
            snprintf(msg, sizeof msg, "Must be %zu or fewer in length.", max);
        emu_form_error(errors, full, min > 0 ? "BASE_TYPE_BAD_LENGTH" : "BASE_TYPE_MAX_LENGTH", msg);
        (*count)++;
        return 0;
    }
    return 1;
}

/* Checks an optional string field; returns its length or 0. */
static size_t emu_check_str(const json_t *o, const char *key, const char *path, size_t min,
                            size_t max, int required, json_t *errors, int *count)
{
    size_t len;
    emu_check_sized(o, key, path, 0, min, max, required, errors, count, &len);
    return len;
}

/* Checks an array field; returns 1 when it is there and its size fits. */
static int emu_check_array(const json_t *o, const char *key, const char *path, size_t min,
                           size_t max, int required, json_t *errors, int *count)
{
    size_t n;
    return emu_check_sized(o, key, path, 1, min, max, required, errors, count, &n);
}

static void emu_check_int(const json_t *o, const char *key, const char *path, json_int_t min,
                          json_int_t max, json_t *errors, int *count)
{
    const json_t *v = json_object_get(o, key);
    char full[256], msg[96];
    if (!v || json_is_null(v))
        return;
    snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
    if (!json_is_integer(v)) {
        emu_form_error(errors, full, "NUMBER_TYPE_COERCE", "Value is not int.");
        (*count)++;
    } else if (json_integer_value(v) < min || json_integer_value(v) > max) {
        snprintf(msg, sizeof msg, "int value should be between %lld and %lld.", (long long)min,
                 (long long)max);
        emu_form_error(errors, full, "NUMBER_TYPE_MAX", msg);
        (*count)++;
    }
}

static int emu_check_embeds(const json_t *embeds, json_t *errors)
{
    int count = 0;
    size_t total = 0, i, j;
    const json_t *em, *f;
    char path[64], fpath[96];
    json_array_foreach(embeds, i, em) {
        snprintf(path, sizeof path, "embeds.%zu", i);
        if (!json_is_object(em)) {
            emu_form_error(errors, path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
            count++;
            continue;
        }
        total += emu_check_str(em, "title", path, 0, 256, 0, errors, &count);
        total += emu_check_str(em, "description", path, 0, 4096, 0, errors, &count);
        emu_check_str(em, "url", path, 0, 2048, 0, errors, &count);
        emu_check_int(em, "color", path, 0, 16777215, errors, &count);
        if (json_is_object(json_object_get(em, "footer"))) {
            snprintf(fpath, sizeof fpath, "%s.footer", path);
            total += emu_check_str(json_object_get(em, "footer"), "text", fpath, 1, 2048, 1, errors, &count);
        }
        if (json_is_object(json_object_get(em, "author"))) {
            snprintf(fpath, sizeof fpath, "%s.author", path);
            total += emu_check_str(json_object_get(em, "author"), "name", fpath, 1, 256, 1, errors, &count);
        }
        if (emu_check_array(em, "fields", path, 0, 25, 0, errors, &count)) {
            json_array_foreach(json_object_get(em, "fields"), j, f) {
                snprintf(fpath, sizeof fpath, "%s.fields.%zu", path, j);
                total += emu_check_str(f, "name", fpath, 1, 256, 1, errors, &count);
                total += emu_check_str(f, "value", fpath, 1, 1024, 1, errors, &count);
            }
        }
    }
    if (total > 6000) {
        emu_form_error(errors, "embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
        count++;
    }
    return count;
}

static int emu_seen_custom_id(json_t *seen, const json_t *c, const char *path, json_t *errors)
{
    const char *id = json_string_value(json_object_get(c, "custom_id"));
    char full[256];
    if (!id)
        return 0;
    if (json_object_get(seen, id)) {
        snprintf(full, sizeof full, "%s.custom_id", path);
        emu_form_error(errors, full, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
        return 1;
    }
    json_object_set_new(seen, id, json_true());
    return 0;
}

static int emu_check_button(const json_t *b, const char *path, json_t *errors)
{
    int count = 0;
    json_int_t style = json_integer_value(json_object_get(b, "style"));
    char full[256];
    snprintf(full, sizeof full, "%s.style", path);
    if (style < 1 || style > 6) {
        emu_form_error(errors, full, "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.");
        return 1;
    }
    emu_check_str(b, "label", path, 0, 80, 0, errors, &count);
    if (style == 5) {
        emu_check_str(b, "url", path, 1, 512, 1, errors, &count);
        if (json_object_get(b, "custom_id")) {
            snprintf(full, sizeof full, "%s.custom_id", path);
            emu_form_error(errors, full, "BUTTON_COMPONENT_CUSTOM_ID_MUST_BE_EMPTY",
                           "A custom id must not be specified for link buttons");
            count++;
        }
    } else if (style != 6) {
        emu_check_str(b, "custom_id", path, 1, 100, 1, errors, &count);
        if (json_object_get(b, "url")) {
            snprintf(full, sizeof full, "%s.url", path);
            emu_form_error(errors, full, "BUTTON_COMPONENT_URL_MUST_BE_EMPTY",
                           "A url must not be specified for non-link buttons");
            count++;
        }
    }
    return count;
}

static int emu_check_select(const json_t *s, const char *path, json_t *errors)
{
    int count = 0;
    json_int_t type = json_integer_value(json_object_get(s, "type"));
    json_int_t minv = json_is_integer(json_object_get(s, "min_values")) ? json_integer_value(json_object_get(s, "min_values")) : 1;
    json_int_t maxv = json_is_integer(json_object_get(s, "max_values")) ? json_integer_value(json_object_get(s, "max_values")) : 1;
    char full[256], opath[128];
    size_t i;
    const json_t *o;
    emu_check_str(s, "custom_id", path, 1, 100, 1, errors, &count);
    emu_check_str(s, "placeholder", path, 0, 150, 0, errors, &count);
    emu_check_int(s, "min_values", path, 0, 25, errors, &count);
    emu_check_int(s, "max_values", path, 1, 25, errors, &count);
    if (type == 3 && emu_check_array(s, "options", path, 1, 25, 1, errors, &count)) {
        json_t *values = json_object();
        json_array_foreach(json_object_get(s, "options"), i, o) {
            const char *val = json_string_value(json_object_get(o, "value"));
            snprintf(opath, sizeof opath, "%s.options.%zu", path, i);
            emu_check_str(o, "label", opath, 1, 100, 1, errors, &count);
            emu_check_str(o, "value", opath, 1, 100, 1, errors, &count);
            emu_check_str(o, "description", opath, 0, 100, 0, errors, &count);
            if (val && json_object_get(values, val)) {
                snprintf(full, sizeof full, "%s.value", opath);
                emu_form_error(errors, full, "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                               "Select component option value cannot be duplicated");
                count++;
            } else if (val) {
                json_object_set_new(values, val, json_true());
            }
        }
        json_decref(values);
        if ((size_t)maxv > json_array_size(json_object_get(s, "options"))) {
            snprintf(full, sizeof full, "%s.max_values", path);
            emu_form_error(errors, full, "SELECT_COMPONENT_MAX_VALUES_EXCEEDED",
                           "max_values cannot be more than the number of options");
            count++;
        }
    }
    if (minv > maxv) {
        snprintf(full, sizeof full, "%s.min_values", path);
        emu_form_error(errors, full, "SELECT_COMPONENT_MIN_VALUES_TOO_HIGH",
                       "min_values cannot be more than max_values");
        count++;
    }
    return count;
}

static int emu_check_components(const json_t *rows, json_t *errors)
{
    int count = 0;
    size_t i, j;
    const json_t *row, *c;
    char path[64], cpath[96];
    json_t *seen = json_object();
    json_array_foreach(rows, i, row) {
        size_t width = 0;
        snprintf(path, sizeof path, "components.%zu", i);
        if (json_integer_value(json_object_get(row, "type")) != 1) {
            char tp[80];
            snprintf(tp, sizeof tp, "%s.type", path);
            emu_form_error(errors, tp, "UNION_TYPE_CHOICES",
                           "Value of field \"type\" must be one of (1,).");
            count++;
            continue;
        }
        if (!emu_check_array(row, "components", path, 1, 5, 1, errors, &count))
            continue;
        json_array_foreach(json_object_get(row, "components"), j, c) {
            json_int_t type = json_integer_value(json_object_get(c, "type"));
            snprintf(cpath, sizeof cpath, "%s.components.%zu", path, j);
            if (type == 2) {
                width += 1;
                count += emu_check_button(c, cpath, errors);
            } else if (type == 3 || (type >= 5 && type <= 8)) {
                width += 5;
                count += emu_check_select(c, cpath, errors);
            } else {
                char tp[256];
                snprintf(tp, sizeof tp, "%s.type", cpath);
                emu_form_error(errors, tp, "UNION_TYPE_CHOICES",
                               "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).");
                count++;
                continue;
            }
            count += emu_seen_custom_id(seen, c, cpath, errors);
        }
        if (width > 5) {
            emu_form_error(errors, path, "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                           "The specified component exceeds the maximum width");
            count++;
        }
    }
    json_decref(seen);
    return count;
}

int emu_validate_message(const json_t *body, int require_content, json_t *errors)
{
    int count = 0;
    json_int_t flags;
    (void)require_content;
    if (!json_is_object(body)) {
        emu_form_error(errors, "", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
        return 1;
    }
    flags = json_integer_value(json_object_get(body, "flags"));
    emu_check_str(body, "content", "", 0, 2000, 0, errors, &count);
    if (emu_check_array(body, "embeds", "", 0, 10, 0, errors, &count))
        count += emu_check_embeds(json_object_get(body, "embeds"), errors);
    if (flags & (1 << 15)) {
        /* Components v2: only the overall count is checked here. */
        emu_check_array(body, "components", "", 0, 40, 0, errors, &count);
    } else if (emu_check_array(body, "components", "", 0, 5, 0, errors, &count)) {
        count += emu_check_components(json_object_get(body, "components"), errors);
    }
    return count;
}

static int emu_check_text_input(const json_t *t, const char *path, int in_label, json_t *errors)
{
    int count = 0;
    json_int_t style = json_integer_value(json_object_get(t, "style"));
    char full[256];
    if (json_integer_value(json_object_get(t, "type")) != 4) {
        snprintf(full, sizeof full, "%s.type", path);
        emu_form_error(errors, full, "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (4,).");
        return 1;
    }
    if (style != 1 && style != 2) {
        snprintf(full, sizeof full, "%s.style", path);
        emu_form_error(errors, full, "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.");
        count++;
    }
    emu_check_str(t, "custom_id", path, 1, 100, 1, errors, &count);
    emu_check_str(t, "label", path, 1, 45, !in_label, errors, &count);
    emu_check_str(t, "value", path, 0, 4000, 0, errors, &count);
    emu_check_str(t, "placeholder", path, 0, 100, 0, errors, &count);
    emu_check_int(t, "min_length", path, 0, 4000, errors, &count);
    emu_check_int(t, "max_length", path, 1, 4000, errors, &count);
    return count;
}

int emu_validate_modal(const json_t *data, json_t *errors)
{
    int count = 0;
    size_t i;
    const json_t *c;
    char path[64], cpath[96];
    json_t *seen;
    if (!json_is_object(data)) {
        emu_form_error(errors, "data", "BASE_TYPE_REQUIRED", "This field is required");
        return 1;
    }
    emu_check_str(data, "custom_id", "data", 1, 100, 1, errors, &count);
    emu_check_str(data, "title", "data", 1, 45, 1, errors, &count);
    if (!emu_check_array(data, "components", "data", 1, 5, 1, errors, &count))
        return count;
    seen = json_object();
    json_array_foreach(json_object_get(data, "components"), i, c) {
        json_int_t type = json_integer_value(json_object_get(c, "type"));
        snprintf(path, sizeof path, "data.components.%zu", i);
        if (type == 1) {
            if (emu_check_array(c, "components", path, 1, 1, 1, errors, &count)) {
                const json_t *t = json_array_get(json_object_get(c, "components"), 0);
                snprintf(cpath, sizeof cpath, "%s.components.0", path);
                count += emu_check_text_input(t, cpath, 0, errors);
                count += emu_seen_custom_id(seen, t, cpath, errors);
            }
        } else if (type == 18) {
            const json_t *t = json_object_get(c, "component");
            emu_check_str(c, "label", path, 1, 45, 1, errors, &count);
            emu_check_str(c, "description", path, 1, 100, 0, errors, &count);
            snprintf(cpath, sizeof cpath, "%s.component", path);
            if (json_integer_value(json_object_get(t, "type")) == 4)
                count += emu_check_text_input(t, cpath, 1, errors);
            else if (json_integer_value(json_object_get(t, "type")) == 3)
                count += emu_check_select(t, cpath, errors);
            else
                emu_check_str(t, "custom_id", cpath, 1, 100, 1, errors, &count);
            count += emu_seen_custom_id(seen, t, cpath, errors);
        } else if (type != 10) {
            snprintf(cpath, sizeof cpath, "%s.type", path);
            emu_form_error(errors, cpath, "UNION_TYPE_CHOICES",
                           "Value of field \"type\" must be one of (1, 10, 18).");
            count++;
        }
    }
    json_decref(seen);
    return count;
}

static int emu_name_ok(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
              (unsigned char)*s >= 0x80))
            return 0;
    return n >= 1 && n <= 32;
}

static int emu_check_options(const json_t *opts, const char *path, int depth, json_t *errors)
{
    int count = 0;
    size_t i;
    const json_t *o;
    char opath[128], full[256];
    json_t *names = json_object();
    json_array_foreach(opts, i, o) {
        json_int_t type = json_integer_value(json_object_get(o, "type"));
        const char *name = json_string_value(json_object_get(o, "name"));
        snprintf(opath, sizeof opath, "%s.%zu", path, i);
        if (type < 1 || type > 11) {
            snprintf(full, sizeof full, "%s.type", opath);
            emu_form_error(errors, full, "BASE_TYPE_CHOICES", "Value must be one of {1, ..., 11}.");
            count++;
            continue;
        }
        if (!emu_name_ok(name)) {
            snprintf(full, sizeof full, "%s.name", opath);
            emu_form_error(errors, full, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
            count++;
        } else if (json_object_get(names, name)) {
            snprintf(full, sizeof full, "%s.name", opath);
            emu_form_error(errors, full, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                           "Option name already exists");
            count++;
        } else {
            json_object_set_new(names, name, json_true());
        }
        emu_check_str(o, "description", opath, 1, 100, 1, errors, &count);
        if (json_is_array(json_object_get(o, "choices")))
            emu_check_array(o, "choices", opath, 0, 25, 0, errors, &count);
        if (type == 1 || type == 2) {
            if (depth >= (type == 2 ? 1 : 2)) {
                snprintf(full, sizeof full, "%s.type", opath);
                emu_form_error(errors, full, "APPLICATION_COMMAND_SUBCOMMAND_NESTED",
                               "Sub-command and sub-command groups cannot be nested this deep");
                count++;
            } else if (emu_check_array(o, "options", opath, 0, 25, 0, errors, &count)) {
                snprintf(full, sizeof full, "%s.options", opath);
                count += emu_check_options(json_object_get(o, "options"), full, depth + 1, errors);
            }
        }
    }
    json_decref(names);
    return count;
}

int emu_validate_commands(const json_t *cmds, json_t *errors)
{
    int count = 0;
    size_t i;
    const json_t *c;
    char path[32], full[64];
    json_t *names = json_object();
    if (!json_is_array(cmds)) {
        emu_form_error(errors, "", "BASE_TYPE_ARRAY", "Must be an array.");
        json_decref(names);
        return 1;
    }
    json_array_foreach(cmds, i, c) {
        json_int_t type = json_is_integer(json_object_get(c, "type")) ? json_integer_value(json_object_get(c, "type")) : 1;
        const char *name = json_string_value(json_object_get(c, "name"));
        char key[48];
        snprintf(path, sizeof path, "%zu", i);
        if (type < 1 || type > 4) {
            snprintf(full, sizeof full, "%s.type", path);
            emu_form_error(errors, full, "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.");
            count++;
            continue;
        }
        if (!name || (type == 1 && !emu_name_ok(name)) || emu_u8len(name) > 32 || !*name) {
            snprintf(full, sizeof full, "%s.name", path);
            emu_form_error(errors, full, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
            count++;
            continue;
        }
        snprintf(key, sizeof key, "%lld:%s", (long long)type, name);
        if (json_object_get(names, key)) {
            snprintf(full, sizeof full, "%s.name", path);
            emu_form_error(errors, full, "APPLICATION_COMMANDS_DUPLICATE_NAME",
                           "Application command names must be unique");
            count++;
        }
        json_object_set_new(names, key, json_true());
        if (type == 1)
            emu_check_str(c, "description", path, 1, 100, 1, errors, &count);
        if (emu_check_array(c, "options", path, 0, 25, 0, errors, &count)) {
            snprintf(full, sizeof full, "%s.options", path);
            count += emu_check_options(json_object_get(c, "options"), full, 0, errors);
        }
    }
    json_decref(names);
    return count;
}
