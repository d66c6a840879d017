/*
 * Request Guild Members (gateway op 8) with Discord's rules: one guild per
 * request (a snowflake as a string or an integer); either `query` (a prefix of
 * the username or nickname, case-insensitive; at most 100 members, "" with the
 * GUILD_MEMBERS intent for the whole list, `limit` 0 meaning all) or `user_ids`
 * (at most 100, unknown ones in `not_found`); `presences` only with the
 * GUILD_PRESENCES intent; `nonce` echoed when it is a string of at most 32
 * bytes.  The answer is GUILD_MEMBERS_CHUNK events of at most 1,000 members
 * with `chunk_index` and `chunk_count`.
 *
 * A pure function of the state and the payload, so the gateway only sends
 * what it returns.
 */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EMU_CHUNK_MAX 1000
#define EMU_QUERY_MAX 100
#define EMU_USER_IDS_MAX 100
#define EMU_NONCE_MAX 32

/* A snowflake given as a string of digits or a non-negative integer, as Discord accepts both. */
static int emu_sf_arg(const json_t *v, char out[24])
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        snprintf(out, 24, "%lld", (long long)json_integer_value(v));
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (n == 0 || n > 20 || strspn(s, "0123456789") != n)
            return -1;
        memcpy(out, s, n + 1);
        return 0;
    }
    return -1;
}

static int emu_prefix(const char *s, const char *q, size_t qn)
{
    return s && !strncasecmp(s, q, qn);
}

static json_t *emu_chunks(json_t *members, const json_t *d, const char *gid, json_t *not_found,
                          int presences)
{
    size_t n = json_array_size(members);
    size_t count = n ? (n + EMU_CHUNK_MAX - 1) / EMU_CHUNK_MAX : 1;
    const json_t *nonce = json_object_get(d, "nonce");
    json_t *chunks = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *part = json_array();
        json_t *c;
        for (size_t k = i * EMU_CHUNK_MAX; k < n && k < (i + 1) * EMU_CHUNK_MAX; k++)
            json_array_append(part, json_array_get(members, k));
        c = json_pack("{s:s, s:o, s:i, s:i}", "guild_id", gid, "members", part, "chunk_index", (int)i,
                      "chunk_count", (int)count);
        if (i == 0 && json_array_size(not_found))
            json_object_set(c, "not_found", not_found);
        /* Nobody is online in the emulator. */
        if (presences)
            json_object_set_new(c, "presences", json_array());
        if (json_is_string(nonce) && json_string_length(nonce) <= EMU_NONCE_MAX)
            json_object_set(c, "nonce", (json_t *)nonce);
        json_array_append_new(chunks, c);
    }
    return chunks;
}

int emu_gw_members_request(emu *e, const json_t *d, uint64_t intents, json_t **chunks,
                           const char **reason)
{
    const json_t *q = json_object_get(d, "query"), *ids = json_object_get(d, "user_ids");
    const json_t *limit = json_object_get(d, "limit");
    int presences = json_is_true(json_object_get(d, "presences")) && (intents & EMU_I_GUILD_PRESENCES);
    char gid[24], uid[24];
    json_t *g, *members, *not_found, *m;
    const char *k;
    json_int_t max = 0;

    *chunks = NULL;
    *reason = "Error while decoding payload.";
    if (!json_is_object(d) || emu_sf_arg(json_object_get(d, "guild_id"), gid))
        return 4002;
    if (json_object_get(d, "presences") && !json_is_boolean(json_object_get(d, "presences")))
        return 4002;
    if (json_is_null(ids))
        ids = NULL;
    if (ids) {
        if (!json_is_array(ids) && emu_sf_arg(ids, uid))
            return 4002;
        if (json_array_size(ids) > EMU_USER_IDS_MAX)
            return 4002;
    } else {
        /* Without user_ids, a query and a limit are required. */
        if (!json_is_string(q) || !json_is_integer(limit) || json_integer_value(limit) < 0)
            return 4002;
        max = json_integer_value(limit);
        if (!json_string_length(q) && !(intents & EMU_I_GUILD_MEMBERS)) {
            *reason = "Disallowed intent(s).";
            return 4013;
        }
        if (json_string_length(q) && (max == 0 || max > EMU_QUERY_MAX))
            max = EMU_QUERY_MAX;
    }
    /* A guild the bot is not in is answered with nothing, as on Discord. */
    if (!(g = emu_guild(e, gid))) {
        *chunks = json_array();
        return 0;
    }
    members = json_array();
    not_found = json_array();
    if (ids) {
        size_t n = json_is_array(ids) ? json_array_size(ids) : 1;
        for (size_t i = 0; i < n; i++) {
            if (emu_sf_arg(json_is_array(ids) ? json_array_get(ids, i) : ids, uid)) {
                json_decref(members);
                json_decref(not_found);
                return 4002;
            }
            if ((m = emu_member_json(e, g, uid, 1)))
                json_array_append_new(members, m);
            else
                json_array_append_new(not_found, json_string(uid));
        }
    } else {
        const char *qs = json_string_value(q);
        size_t qn = strlen(qs);
        json_object_foreach(json_object_get(g, "members"), k, m) {
            if (max && (json_int_t)json_array_size(members) >= max)
                break;
            if (qn && !emu_prefix(json_string_value(json_object_get(emu_user(e, k), "username")), qs, qn) &&
                !emu_prefix(json_string_value(json_object_get(m, "nick")), qs, qn))
                continue;
            json_array_append_new(members, emu_member_json(e, g, k, 1));
        }
    }
    *chunks = emu_chunks(members, d, gid, not_found, presences);
    json_decref(members);
    json_decref(not_found);
    return 0;
}
