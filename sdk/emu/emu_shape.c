/*
 * Discord's answer shapes for what a bot sends: a message body is stored the
 * way Discord gives it back, not as sent.  Every component gets an `id`
 * (numbered in order, depth first, skipping ids the bot chose itself), selects
 * get their default min_values/max_values of 1, embeds get `type: "rich"`
 * and their fields `inline: false`.
 *
 * Pure functions of JSON, like emu_validate.c.
 */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

#define EMU_MAX_IDS 256

typedef struct emu_ids {
    json_int_t used[EMU_MAX_IDS];
    size_t n;
    json_int_t next;
} emu_ids;

static int emu_ids_has(const emu_ids *ids, json_int_t id)
{
    for (size_t i = 0; i < ids->n; i++)
        if (ids->used[i] == id)
            return 1;
    return 0;
}

static void emu_ids_collect(emu_ids *ids, const json_t *list)
{
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        const json_t *id = json_object_get(c, "id");
        if (json_is_integer(id) && ids->n < EMU_MAX_IDS)
            ids->used[ids->n++] = json_integer_value(id);
        emu_ids_collect(ids, json_object_get(c, "components"));
        if (json_is_object(json_object_get(c, "accessory"))) {
            json_t *one = json_pack("[O]", json_object_get(c, "accessory"));
            emu_ids_collect(ids, one);
            json_decref(one);
        }
    }
}

static void emu_shape_component(emu_ids *ids, json_t *c);

static void emu_shape_components(emu_ids *ids, json_t *list)
{
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
        emu_shape_component(ids, c);
}

static void emu_shape_component(emu_ids *ids, json_t *c)
{
    json_int_t type = json_integer_value(json_object_get(c, "type"));
    if (!json_is_object(c))
        return;
    if (!json_is_integer(json_object_get(c, "id"))) {
        while (emu_ids_has(ids, ids->next))
            ids->next++;
        json_object_set_new(c, "id", json_integer(ids->next++));
    }
    /* String, user, role, mentionable and channel selects. */
    if (type == 3 || (type >= 5 && type <= 8)) {
        if (!json_is_integer(json_object_get(c, "min_values")))
            json_object_set_new(c, "min_values", json_integer(1));
        if (!json_is_integer(json_object_get(c, "max_values")))
            json_object_set_new(c, "max_values", json_integer(1));
    }
    emu_shape_components(ids, json_object_get(c, "components"));
    emu_shape_component(ids, json_object_get(c, "accessory"));
}

static void emu_shape_embeds(json_t *embeds)
{
    size_t i, j;
    json_t *em, *f;
    json_array_foreach(embeds, i, em) {
        if (!json_is_object(em))
            continue;
        if (!json_is_string(json_object_get(em, "type")))
            json_object_set_new(em, "type", json_string("rich"));
        json_array_foreach(json_object_get(em, "fields"), j, f)
            if (json_is_object(f) && !json_is_boolean(json_object_get(f, "inline")))
                json_object_set_new(f, "inline", json_false());
    }
}

void emu_shape_message(json_t *msg)
{
    emu_ids ids = {.n = 0, .next = 1};
    json_t *components = json_object_get(msg, "components");
    emu_ids_collect(&ids, components);
    emu_shape_components(&ids, components);
    emu_shape_embeds(json_object_get(msg, "embeds"));
}
