/*
 * libFuzzer target for bothost-emu's parsers of what a bot or a test sends:
 * the validators of message bodies, modals and command definitions
 * (emu_validate.c), slash command text ("/raffle create prize:Switch"), and
 * the seed document (emu_state_init(): normalising ids and names, building
 * the state) with the GUILD_CREATE the gateway would send for each guild.
 *
 * Input: byte 0 picks the parser (low 3 bits) and, for messages, whether
 * content is required (bit 3); the rest is the JSON document or the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void check_errors(int rc, json_t *errors)
{
    /* A refusal comes with Discord's nested errors object, an acceptance without. */
    if (rc && !json_object_size(errors))
        abort();
    char *s = json_dumps(errors, JSON_COMPACT);
    sink += s ? strlen(s) : 0;
    free(s);
}

static void seed(const char *text, size_t len)
{
    json_t *doc = json_loadb(text, len, 0, NULL);
    if (!doc)
        return;
    emu *e = calloc(1, sizeof *e);
    if (!e) {
        json_decref(doc);
        return;
    }
    char err[256];
    if (emu_state_init(e, doc, err, sizeof err) == 0) {
        const char *gid;
        json_t *g;
        json_object_foreach(e->guilds, gid, g)
        {
            json_t *gc = emu_guild_create_json(e, g, 1);
            sink += json_object_size(gc);
            json_decref(gc);
        }
        emu_state_free(e);
        json_decref(e->seed);
    } else {
        sink += strlen(err);
    }
    free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int which = data[0] & 7, require_content = (data[0] >> 3) & 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    if (which == 3) {
        char *s = strndup(text, len);
        json_t *path = NULL, *opts = NULL;
        char err[256];
        if (s && emu_slash_parse(s, &path, &opts, err, sizeof err) == 0) {
            if (!json_array_size(path))
                abort();
            sink += json_object_size(opts);
            json_decref(path);
            json_decref(opts);
        }
        free(s);
        return 0;
    }
    if (which >= 4) {
        seed(text, len);
        return 0;
    }
    json_t *doc = json_loadb(text, len, JSON_DECODE_ANY, NULL);
    if (!doc)
        return 0;
    json_t *errors = json_object();
    int rc = which == 0   ? emu_validate_message(doc, require_content, errors)
             : which == 1 ? emu_validate_modal(doc, errors)
                          : emu_validate_commands(doc, errors);
    check_errors(rc, errors);
    json_decref(errors);
    json_decref(doc);
    return 0;
}
