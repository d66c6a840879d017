/*
 * The seed: the document the state starts from (and returns to on reset).
 *
 * A seed may leave ids out and refer to users, roles and channels by name;
 * emu_state_init() fills every id in once (snowflakes from the given creation
 * times) and keeps that normalised copy, so a reset gives the same ids again.
 * The format is documented in README.md ("Seed format").
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

/* The built-in guild: what `bothost-emu` serves without --seed. */
static const char emu_default_seed[] =
    "{"
    " \"application\": {\"name\": \"bothost-dev\", \"created_at\": \"2021-03-01T12:00:00Z\"},"
    " \"bot\": {\"username\": \"bothost\", \"created_at\": \"2021-03-01T12:00:00Z\"},"
    " \"users\": ["
    "  {\"username\": \"owner\", \"global_name\": \"Guild Owner\", \"created_at\": \"2016-05-01T10:00:00Z\"},"
    "  {\"username\": \"mod\", \"global_name\": \"Moderator Mia\", \"created_at\": \"2018-02-11T10:00:00Z\"},"
    "  {\"username\": \"alice\", \"global_name\": \"Alice\", \"created_at\": \"2019-07-04T10:00:00Z\"},"
    "  {\"username\": \"bob\", \"global_name\": \"Bob\", \"created_at\": \"2021-11-20T10:00:00Z\"},"
    "  {\"username\": \"newbie\", \"global_name\": \"Fresh Account\", \"created_ago_days\": 2}"
    " ],"
    " \"guilds\": [{"
    "  \"name\": \"Emu Test Guild\", \"owner\": \"owner\", \"created_at\": \"2020-01-01T00:00:00Z\","
    "  \"roles\": ["
    "   {\"name\": \"@everyone\", \"position\": 0, \"permissions\": \"2248473465835073\"},"
    "   {\"name\": \"Member\", \"position\": 1, \"permissions\": \"0\", \"color\": 3447003},"
    "   {\"name\": \"Gamer\", \"position\": 2, \"permissions\": \"0\", \"color\": 15844367},"
    "   {\"name\": \"Artist\", \"position\": 3, \"permissions\": \"0\", \"color\": 10181046},"
    "   {\"name\": \"Raffle Winner\", \"position\": 4, \"permissions\": \"0\", \"color\": 15105570},"
    "   {\"name\": \"bothost\", \"position\": 5, \"managed\": true, \"bot\": true,"
    "    \"permissions\": \"1099780148294\"},"
    "   {\"name\": \"Moderator\", \"position\": 6, \"permissions\": \"1099780156486\", \"hoist\": true},"
    "   {\"name\": \"Admin\", \"position\": 7, \"permissions\": \"8\", \"hoist\": true}"
    "  ],"
    "  \"channels\": ["
    "   {\"name\": \"Text Channels\", \"type\": 4, \"position\": 0},"
    "   {\"name\": \"general\", \"type\": 0, \"position\": 1, \"parent\": \"Text Channels\"},"
    "   {\"name\": \"raffles\", \"type\": 0, \"position\": 2, \"parent\": \"Text Channels\"},"
    "   {\"name\": \"logs\", \"type\": 0, \"position\": 3, \"parent\": \"Text Channels\","
    "    \"permission_overwrites\": ["
    "     {\"role\": \"@everyone\", \"deny\": \"1024\"},"
    "     {\"role\": \"Moderator\", \"allow\": \"1024\"},"
    "     {\"role\": \"bothost\", \"allow\": \"19456\"}]},"
    "   {\"name\": \"announcements\", \"type\": 0, \"position\": 4, \"parent\": \"Text Channels\","
    "    \"permission_overwrites\": [{\"role\": \"@everyone\", \"deny\": \"2048\"}]}"
    "  ],"
    "  \"members\": ["
    "   {\"user\": \"owner\", \"roles\": [\"Admin\"], \"joined_at\": \"2020-01-01T00:00:00Z\"},"
    "   {\"user\": \"mod\", \"roles\": [\"Moderator\", \"Member\"], \"joined_at\": \"2020-02-01T00:00:00Z\"},"
    "   {\"user\": \"alice\", \"roles\": [\"Member\", \"Gamer\"], \"joined_at\": \"2021-01-01T00:00:00Z\"},"
    "   {\"user\": \"bob\", \"roles\": [\"Member\"], \"joined_at\": \"2022-06-01T00:00:00Z\"},"
    "   {\"user\": \"newbie\", \"roles\": [], \"joined_ago_days\": 1},"
    "   {\"user\": \"@bot\", \"roles\": [\"bothost\"], \"joined_at\": \"2021-03-02T00:00:00Z\"}"
    "  ]"
    " }]"
    "}";

json_t *emu_seed_default(void)
{
    return json_loads(emu_default_seed, 0, NULL);
}

static uint64_t emu_seed_time(const json_t *o, const char *at, const char *ago)
{
    const char *s = json_string_value(json_object_get(o, at));
    uint64_t now = emu_now_ms();
    if (s) {
        uint64_t t = emu_parse_iso(s);
        if (t)
            return t;
    }
    if (json_is_number(json_object_get(o, ago)))
        return now - emu_days_ago_ms(json_number_value(json_object_get(o, ago)));
    return now;
}

static void emu_sf_at(emu *e, uint64_t ms, char out[24])
{
    const uint64_t epoch = 1420070400000ull;
    uint64_t v = ((ms > epoch ? ms - epoch : 0) << 22) | (1ull << 17) | (e->sf_incr++ & 0xfff);
    snprintf(out, 24, "%llu", (unsigned long long)v);
}

/* Sets o.id from its creation time unless the seed gave one. */
static const char *emu_seed_id(emu *e, json_t *o)
{
    if (!json_is_string(json_object_get(o, "id"))) {
        char id[24];
        emu_sf_at(e, emu_seed_time(o, "created_at", "created_ago_days"), id);
        json_object_set_new(o, "id", json_string(id));
    }
    return json_string_value(json_object_get(o, "id"));
}

/* Finds an element of `arr` by id or by `key` (name). */
static json_t *emu_seed_find(json_t *arr, const char *key, const char *ref)
{
    size_t i;
    json_t *v;
    if (!ref)
        return NULL;
    json_array_foreach(arr, i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        const char *nm = json_string_value(json_object_get(v, key));
        if ((id && !strcmp(id, ref)) || (nm && !strcmp(nm, ref)))
            return v;
    }
    return NULL;
}

/*
 * Resolves o's reference `from` (a name or id) against `arr` (matched on `key`):
 * the element's id goes into o's `to` and `from` goes. 1 when resolved, 0 when o
 * has no such reference, -1 (err: "guild <gid>: <what> \"<ref>\"") when unknown.
 */
static int emu_seed_ref(json_t *o, const char *from, json_t *arr, const char *key, const char *to,
                        const char *what, const char *gid, char *err, size_t errlen)
{
    const char *ref = json_string_value(json_object_get(o, from));
    if (!ref)
        return 0;
    json_t *found = emu_seed_find(arr, key, ref);
    if (!found) {
        snprintf(err, errlen, "guild %s: %s \"%s\"", gid, what, ref);
        return -1;
    }
    json_object_set(o, to, json_object_get(found, "id"));
    json_object_del(o, from);
    return 1;
}

/* Rewrites an array of role references (names or ids) into ids. */
static int emu_seed_role_refs(json_t *roles, json_t *refs, const char *gid, char *err, size_t errlen)
{
    size_t i;
    json_t *v;
    json_array_foreach(refs, i, v) {
        const char *ref = json_string_value(v);
        json_t *r = emu_seed_find(roles, "name", ref);
        if (!r) {
            snprintf(err, errlen, "guild %s: unknown role \"%s\"", gid, ref ? ref : "?");
            return -1;
        }
        json_array_set(refs, i, json_object_get(r, "id"));
    }
    return 0;
}

static int emu_seed_guild(emu *e, json_t *seed, json_t *g, char *err, size_t errlen)
{
    const char *gid = emu_seed_id(e, g);
    json_t *users = json_object_get(seed, "users");
    json_t *roles = json_object_get(g, "roles");
    json_t *chans = json_object_get(g, "channels");
    json_t *members = json_object_get(g, "members");
    size_t i;
    json_t *v;

    if (!json_is_array(roles)) {
        roles = json_array();
        json_object_set_new(g, "roles", roles);
    }
    if (!json_is_array(chans)) {
        chans = json_array();
        json_object_set_new(g, "channels", chans);
    }
    if (!json_is_array(members)) {
        members = json_array();
        json_object_set_new(g, "members", members);
    }
    if (!emu_seed_find(roles, "name", "@everyone") && !emu_seed_find(roles, "name", gid))
        json_array_insert_new(roles, 0, json_pack("{s:s, s:i, s:s}", "name", "@everyone",
                                                  "position", 0, "permissions", "2248473465835073"));
    json_array_foreach(roles, i, v) {
        const char *nm = json_string_value(json_object_get(v, "name"));
        if (nm && !strcmp(nm, "@everyone"))
            json_object_set_new(v, "id", json_string(gid));
        emu_seed_id(e, v);
    }
    json_array_foreach(chans, i, v)
        emu_seed_id(e, v);
    json_array_foreach(chans, i, v) {
        json_t *ow;
        size_t j;
        if (emu_seed_ref(v, "parent", chans, "name", "parent_id", "unknown parent channel", gid,
                         err, errlen) < 0)
            return -1;
        json_array_foreach(json_object_get(v, "permission_overwrites"), j, ow) {
            int rc = emu_seed_ref(ow, "role", roles, "name", "id", "overwrite for unknown role",
                                  gid, err, errlen);
            if (rc == 0) {
                rc = emu_seed_ref(ow, "member", users, "username", "id",
                                  "overwrite for unknown user", gid, err, errlen);
                if (rc > 0)
                    json_object_set_new(ow, "type", json_integer(1));
            } else if (rc > 0) {
                json_object_set_new(ow, "type", json_integer(0));
            }
            if (rc < 0)
                return -1;
        }
    }
    json_array_foreach(members, i, v) {
        json_t *u = json_object_get(v, "user");
        const char *ref = json_string_value(u);
        if (ref && !strcmp(ref, "@bot"))
            ref = e->bot_id;
        if (ref) {
            json_t *found = emu_seed_find(users, "username", ref);
            if (!found) {
                snprintf(err, errlen, "guild %s: member of unknown user \"%s\"", gid, ref);
                return -1;
            }
            json_object_set(v, "user_id", json_object_get(found, "id"));
        } else if (json_is_object(u)) {
            json_t *found = emu_seed_find(users, "id", json_string_value(json_object_get(u, "id")));
            if (!found) {
                emu_seed_id(e, u);
                json_array_append(users, u);
            }
            json_object_set(v, "user_id", json_object_get(u, "id"));
        } else if (!json_is_string(json_object_get(v, "user_id"))) {
            snprintf(err, errlen, "guild %s: member %zu has no user", gid, i);
            return -1;
        }
        json_object_del(v, "user");
        if (!json_is_array(json_object_get(v, "roles")))
            json_object_set_new(v, "roles", json_array());
        if (emu_seed_role_refs(roles, json_object_get(v, "roles"), gid, err, errlen))
            return -1;
        if (!json_is_string(json_object_get(v, "joined_at"))) {
            char ts[40];
            emu_iso_time(emu_seed_time(v, "joined_at", "joined_ago_days"), ts, sizeof ts);
            json_object_set_new(v, "joined_at", json_string(ts));
        }
        json_object_del(v, "joined_ago_days");
    }
    /* The bot is always a member, holding the roles marked "bot". */
    if (!emu_seed_find(members, "user_id", e->bot_id)) {
        json_t *m = json_pack("{s:s, s:[]}", "user_id", e->bot_id, "roles");
        char ts[40];
        json_array_foreach(roles, i, v)
            if (json_is_true(json_object_get(v, "bot")))
                json_array_append(json_object_get(m, "roles"), json_object_get(v, "id"));
        emu_iso_time(emu_sf_time_ms(gid) + 86400000ull, ts, sizeof ts);
        json_object_set_new(m, "joined_at", json_string(ts));
        json_array_append_new(members, m);
    }
    {
        if (emu_seed_ref(g, "owner", users, "username", "owner_id", "unknown owner", gid, err,
                         errlen) < 0)
            return -1;
        if (!json_is_string(json_object_get(g, "owner_id"))) {
            json_t *first = json_array_get(members, 0);
            json_object_set(g, "owner_id", json_object_get(first, "user_id"));
        }
    }
    return 0;
}

/* o's `key` when it is of `type`, else `dflt` set in its place (dflt is consumed either way). */
static json_t *emu_seed_get_or(json_t *o, const char *key, json_type type, json_t *dflt)
{
    json_t *v = json_object_get(o, key);
    if (v && json_typeof(v) == type) {
        json_decref(dflt);
        return v;
    }
    json_object_set_new(o, key, dflt);
    return dflt;
}

/* Fills every id of `seed` in place: see the file comment. */
int emu_seed_normalize(emu *e, json_t *seed, char *err, size_t errlen);
int emu_seed_normalize(emu *e, json_t *seed, char *err, size_t errlen)
{
    json_t *app, *bot, *users, *guilds, *v;
    size_t i;

    if (!json_is_object(seed)) {
        snprintf(err, errlen, "seed: the top level must be an object");
        return -1;
    }
    app = emu_seed_get_or(seed, "application", JSON_OBJECT, json_object());
    bot = emu_seed_get_or(seed, "bot", JSON_OBJECT, json_pack("{s:s}", "username", "bothost"));
    users = emu_seed_get_or(seed, "users", JSON_ARRAY, json_array());
    guilds = emu_seed_get_or(seed, "guilds", JSON_ARRAY, json_array());
    emu_seed_id(e, bot);
    /* A bot application's id is the bot user's id, as on Discord. */
    if (!json_is_string(json_object_get(app, "id")))
        json_object_set(app, "id", json_object_get(bot, "id"));
    if (!json_is_string(json_object_get(app, "name")))
        json_object_set(app, "name", json_object_get(bot, "username"));
    json_object_set_new(bot, "bot", json_true());
    snprintf(e->bot_id, sizeof e->bot_id, "%s", json_string_value(json_object_get(bot, "id")));
    snprintf(e->app_id, sizeof e->app_id, "%s", json_string_value(json_object_get(app, "id")));
    if (!emu_seed_find(users, "id", e->bot_id))
        json_array_append(users, bot);
    json_array_foreach(users, i, v) {
        if (!json_is_object(v) || !json_is_string(json_object_get(v, "username"))) {
            snprintf(err, errlen, "seed: users[%zu] needs a username", i);
            return -1;
        }
        emu_seed_id(e, v);
    }
    json_array_foreach(guilds, i, v) {
        if (!json_is_object(v)) {
            snprintf(err, errlen, "seed: guilds[%zu] is not an object", i);
            return -1;
        }
        if (emu_seed_guild(e, seed, v, err, errlen))
            return -1;
    }
    return 0;
}
