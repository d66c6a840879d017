/*
 * libFuzzer target for bothost-emu's Request Guild Members parser (gateway
 * op 8, emu_gw_members_request()) against a small seeded guild.
 *
 * Input: byte 0 is the intents (bit 0 GUILD_MEMBERS, bit 1 GUILD_PRESENCES);
 * the rest is the op 8 `d` as JSON.  Checked: a refusal is 4002 or 4013 with a
 * reason and no chunks; an answer is chunks of at most 1,000 members, each with
 * the guild id and a consistent chunk_index/chunk_count.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char seed_doc[] =
    "{\"bot\":{\"username\":\"mybot\"},"
    "\"users\":[{\"username\":\"owner\"},{\"id\":\"80351110224678912\",\"username\":\"alice\"},"
    "{\"username\":\"Alfred\"},{\"username\":\"bob\"}],"
    "\"guilds\":[{\"id\":\"661720242585731078\",\"name\":\"g\",\"owner\":\"owner\","
    "\"members\":[{\"user\":\"owner\"},{\"user\":\"alice\",\"nick\":\"Al\"},{\"user\":\"Alfred\"},"
    "{\"user\":\"bob\",\"nick\":\"bobby\"},{\"user\":\"@bot\"}]}]}";

static emu *state;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[256];
    json_t *doc = json_loads(seed_doc, 0, NULL);
    (void)argc;
    (void)argv;
    state = calloc(1, sizeof *state);
    if (!doc || !state || emu_state_init(state, doc, err, sizeof err))
        abort();
    return 0;
}

static void check_chunks(const json_t *chunks)
{
    size_t i, n = json_array_size(chunks);
    json_t *c;
    if (!json_is_array(chunks))
        abort();
    json_array_foreach(chunks, i, c) {
        if (json_array_size(json_object_get(c, "members")) > 1000 ||
            strcmp(json_string_value(json_object_get(c, "guild_id")), "661720242585731078") ||
            json_integer_value(json_object_get(c, "chunk_index")) != (json_int_t)i ||
            json_integer_value(json_object_get(c, "chunk_count")) != (json_int_t)n)
            abort();
        char *s = json_dumps(c, JSON_COMPACT);
        if (!s)
            abort();
        free(s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t intents = 0;
    json_t *d, *chunks = (json_t *)1;
    const char *reason = NULL;
    int rc;
    if (size < 1)
        return 0;
    if (data[0] & 1)
        intents |= EMU_I_GUILD_MEMBERS;
    if (data[0] & 2)
        intents |= EMU_I_GUILD_PRESENCES;
    if (!(d = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL)))
        return 0;
    rc = emu_gw_members_request(state, d, intents, &chunks, &reason);
    if (rc) {
        if ((rc != 4002 && rc != 4013) || chunks || !reason || !*reason)
            abort();
    } else {
        check_chunks(chunks);
    }
    json_decref(chunks);
    json_decref(d);
    return 0;
}
