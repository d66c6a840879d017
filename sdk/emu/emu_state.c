/*
 * The emulated Discord state: users, guilds, channels, messages, commands.
 *
 * A guild is kept as Discord's guild object whose lists are maps by id:
 * {"id", "name", "owner_id", "roles": {id: role}, "channels": {id: channel},
 *  "members": {user_id: member without "user"}, "bans": {user_id: ban}}.
 * The emu_*_json() functions turn that back into what Discord sends.
 * Every change a user could see also goes out as a gateway dispatch from here,
 * so REST handlers and the control API cannot forget one.
 */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int emu_seed_normalize(emu *e, json_t *seed, char *err, size_t errlen);

uint64_t emu_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t emu_days_ago_ms(double days)
{
    /* Snowflakes start in 2015: nothing is older than that, nothing is in the future. */
    const double max_days = (double)(emu_now_ms() - 1420070400000ull) / 86400000.0;
    if (!(days > 0))
        return 0;
    if (days > max_days)
        days = max_days;
    return (uint64_t)(days * 86400000.0);
}

void emu_iso_time(uint64_t ms, char *out, size_t n)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    char base[32];
    gmtime_r(&s, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, n, "%s.%03u000+00:00", base, (unsigned)(ms % 1000));
}

uint64_t emu_parse_iso(const char *s)
{
    struct tm tm;
    int y, mo, d, h, mi, sec, consumed = 0;
    double frac = 0;
    time_t t;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6)
        return 0;
    s += consumed;
    if (*s == '.') {
        char *end;
        frac = strtod(s, &end);
        s = end;
    }
    if (*s && *s != 'Z' && strncmp(s, "+00:00", 6) != 0)
        return 0;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = timegm(&tm);
    if (t < 0)
        return 0;
    return (uint64_t)t * 1000u + (uint64_t)(frac * 1000.0);
}

void emu_snowflake_at(emu *e, uint64_t ms, char out[24])
{
    const uint64_t epoch = 1420070400000ull;
    uint64_t v = ((ms - epoch) << 22) | (1ull << 17) | (e->sf_incr++ & 0xfff);
    snprintf(out, 24, "%llu", (unsigned long long)v);
}

void emu_snowflake(emu *e, char out[24])
{
    emu_snowflake_at(e, emu_now_ms(), out);
}

uint64_t emu_sf_time_ms(const char *id)
{
    unsigned long long v = id ? strtoull(id, NULL, 10) : 0;
    return (v >> 22) + 1420070400000ull;
}

void emu_array_keep_last(json_t **arr, size_t max)
{
    size_t n = json_array_size(*arr);
    json_t *kept;
    /* A quarter over before trimming: removing the oldest one by one moves the whole array each time. */
    if (n <= max + max / 4 || !(kept = json_array()))
        return;
    for (size_t i = n - max; i < n; i++)
        json_array_append(kept, json_array_get(*arr, i));
    json_decref(*arr);
    *arr = kept;
}

void emu_stat_add(emu *e, const char *group, const char *key, json_int_t n)
{
    json_t *g = json_object_get(e->stats, group);
    json_t *v;
    if (!g) {
        g = json_object();
        json_object_set_new(e->stats, group, g);
    }
    v = json_object_get(g, key);
    json_object_set_new(g, key, json_integer(json_integer_value(v) + n));
}

/* ---- building the state from the seed ------------------------------------ */

static json_t *emu_map_by_id(json_t *arr)
{
    json_t *m = json_object(), *v;
    size_t i;
    json_array_foreach(arr, i, v)
        json_object_set(m, json_string_value(json_object_get(v, "id")), v);
    return m;
}

json_t *emu_user_new(const json_t *u)
{
    json_t *c = json_pack("{s:O, s:O, s:s, s:O, s:n, s:b, s:i, s:i, s:n}",
                          "id", json_object_get(u, "id"),
                          "username", json_object_get(u, "username"),
                          "discriminator", "0",
                          "global_name", json_object_get(u, "global_name")
                              ? json_object_get(u, "global_name") : json_null(),
                          "avatar",
                          "bot", json_is_true(json_object_get(u, "bot")),
                          "public_flags", 0, "flags", 0, "primary_guild");
    return c;
}

static void emu_state_build(emu *e)
{
    json_t *seed = json_deep_copy(e->seed);
    json_t *v, *g;
    size_t i;

    e->users = json_object();
    e->guilds = json_object();
    e->channel_guild = json_object();
    e->dms = json_object();
    e->messages = json_object();
    e->commands = json_object();
    json_object_set_new(e->commands, "global", json_array());
    e->application = json_deep_copy(json_object_get(seed, "application"));
    json_object_del(e->application, "created_at");
    if (!json_is_integer(json_object_get(e->application, "flags")))
        /* GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED */
        json_object_set_new(e->application, "flags", json_integer((1 << 15) | (1 << 19)));
    json_array_foreach(json_object_get(seed, "users"), i, v)
        json_object_set_new(e->users, json_string_value(json_object_get(v, "id")), emu_user_new(v));

    json_array_foreach(json_object_get(seed, "guilds"), i, g) {
        const char *gid = json_string_value(json_object_get(g, "id"));
        json_t *guild = json_pack("{s:s, s:O, s:O, s:o, s:o, s:o, s:o}",
                                  "id", gid, "name", json_object_get(g, "name"),
                                  "owner_id", json_object_get(g, "owner_id"),
                                  "roles", emu_map_by_id(json_object_get(g, "roles")),
                                  "channels", emu_map_by_id(json_object_get(g, "channels")),
                                  "members", json_object(), "bans", json_object());
        json_t *r, *m;
        const char *k;
        size_t j;
        json_object_foreach(json_object_get(guild, "roles"), k, r) {
            const char *keys[] = {"color", "hoist", "mentionable", "managed", "position", "flags"};
            for (size_t n = 0; n < sizeof keys / sizeof keys[0]; n++)
                if (!json_object_get(r, keys[n]))
                    json_object_set_new(r, keys[n], n == 0 || n >= 4 ? json_integer(0) : json_false());
            if (!json_is_string(json_object_get(r, "permissions")))
                json_object_set_new(r, "permissions", json_string("0"));
            json_object_set_new(r, "icon", json_null());
            json_object_set_new(r, "unicode_emoji", json_null());
            json_object_set_new(r, "colors", json_pack("{s:O, s:n, s:n}", "primary_color", json_object_get(r, "color"),
                                                       "secondary_color", "tertiary_color"));
            if (json_is_true(json_object_get(r, "bot")))
                json_object_set_new(r, "tags", json_pack("{s:s}", "bot_id", e->bot_id));
            json_object_del(r, "bot");
            json_object_del(r, "created_at");
        }
        json_object_foreach(json_object_get(guild, "channels"), k, r) {
            json_object_set_new(r, "guild_id", json_string(gid));
            if (!json_is_integer(json_object_get(r, "type")))
                json_object_set_new(r, "type", json_integer(EMU_CH_TEXT));
            if (!json_is_array(json_object_get(r, "permission_overwrites")))
                json_object_set_new(r, "permission_overwrites", json_array());
            json_array_foreach(json_object_get(r, "permission_overwrites"), j, m) {
                if (!json_is_string(json_object_get(m, "allow")))
                    json_object_set_new(m, "allow", json_string("0"));
                if (!json_is_string(json_object_get(m, "deny")))
                    json_object_set_new(m, "deny", json_string("0"));
            }
            if (!json_object_get(r, "parent_id"))
                json_object_set_new(r, "parent_id", json_null());
            if (!json_is_integer(json_object_get(r, "position")))
                json_object_set_new(r, "position", json_integer(0));
            json_object_set_new(r, "nsfw", json_false());
            json_object_set_new(r, "rate_limit_per_user", json_integer(0));
            if (!json_object_get(r, "topic"))
                json_object_set_new(r, "topic", json_null());
            json_object_set_new(r, "last_message_id", json_null());
            if (!json_is_integer(json_object_get(r, "flags")))
                json_object_set_new(r, "flags", json_integer(0));
            json_object_del(r, "created_at");
            json_object_set_new(e->channel_guild, k, json_string(gid));
        }
        json_array_foreach(json_object_get(g, "members"), j, m) {
            json_t *mem = json_pack("{s:O, s:O, s:O, s:n, s:n, s:b, s:b, s:i, s:b, s:n, s:n}",
                                    "roles", json_object_get(m, "roles"),
                                    "joined_at", json_object_get(m, "joined_at"),
                                    "nick", json_object_get(m, "nick") ? json_object_get(m, "nick") : json_null(),
                                    "communication_disabled_until", "premium_since",
                                    "deaf", 0, "mute", 0, "flags", 0, "pending", 0,
                                    "avatar", "banner");
            json_object_set_new(json_object_get(guild, "members"),
                                json_string_value(json_object_get(m, "user_id")), mem);
        }
        json_object_set_new(e->guilds, gid, guild);
    }
    json_decref(seed);
}

int emu_state_init(emu *e, json_t *seed, char *err, size_t errlen)
{
    if (!seed)
        seed = emu_seed_default();
    if (!seed) {
        snprintf(err, errlen, "seed: out of memory");
        return -1;
    }
    if (emu_seed_normalize(e, seed, err, errlen)) {
        json_decref(seed);
        return -1;
    }
    json_decref(e->seed);
    e->seed = seed;
    emu_state_build(e);
    return 0;
}

void emu_state_free(emu *e)
{
    json_decref(e->users);
    json_decref(e->guilds);
    json_decref(e->channel_guild);
    json_decref(e->dms);
    json_decref(e->messages);
    json_decref(e->commands);
    json_decref(e->application);
    e->users = e->guilds = e->channel_guild = e->dms = e->messages = NULL;
    e->commands = e->application = NULL;
}

/* Rebuilds the state from the kept seed (POST /_emu/reset). */
void emu_state_rebuild(emu *e);
void emu_state_rebuild(emu *e)
{
    emu_state_free(e);
    emu_state_build(e);
}

/* ---- lookups -------------------------------------------------------------- */

json_t *emu_guild(emu *e, const char *guild_id)
{
    return guild_id ? json_object_get(e->guilds, guild_id) : NULL;
}

json_t *emu_channel(emu *e, const char *channel_id, json_t **guild)
{
    const char *gid;
    json_t *g;
    if (guild)
        *guild = NULL;
    if (!channel_id)
        return NULL;
    gid = json_string_value(json_object_get(e->channel_guild, channel_id));
    if (!gid)
        return json_object_get(e->dms, channel_id);
    g = json_object_get(e->guilds, gid);
    if (guild)
        *guild = g;
    return json_object_get(json_object_get(g, "channels"), channel_id);
}

json_t *emu_role(json_t *guild, const char *role_id)
{
    return role_id ? json_object_get(json_object_get(guild, "roles"), role_id) : NULL;
}

json_t *emu_member(json_t *guild, const char *user_id)
{
    return user_id ? json_object_get(json_object_get(guild, "members"), user_id) : NULL;
}

json_t *emu_user(emu *e, const char *user_id)
{
    return user_id ? json_object_get(e->users, user_id) : NULL;
}

json_t *emu_message(emu *e, const char *message_id)
{
    return message_id ? json_object_get(e->messages, message_id) : NULL;
}

const char *emu_default_guild_id(emu *e)
{
    const char *k, *best = NULL;
    json_t *v;
    /* The oldest guild: the first one of the seed. */
    json_object_foreach(e->guilds, k, v)
        if (!best || emu_sf_time_ms(k) < emu_sf_time_ms(best) ||
            (emu_sf_time_ms(k) == emu_sf_time_ms(best) && strcmp(k, best) < 0))
            best = k;
    return best;
}

json_t *emu_find_user(emu *e, json_t *guild, const char *ref)
{
    const char *k;
    json_t *v;
    char idbuf[32];
    if (!ref)
        return NULL;
    if (ref[0] == '<' && ref[1] == '@') {
        size_t n = strcspn(ref + 2, ">");
        const char *p = ref + 2 + (ref[2] == '!');
        snprintf(idbuf, sizeof idbuf, "%.*s", (int)(n - (size_t)(p - ref - 2)), p);
        ref = idbuf;
    } else if (ref[0] == '@') {
        ref++;
    }
    if ((v = json_object_get(e->users, ref)))
        return v;
    json_object_foreach(e->users, k, v) {
        const char *nm = json_string_value(json_object_get(v, "username"));
        if (nm && !strcmp(nm, ref) && (!guild || emu_member(guild, k)))
            return v;
    }
    json_object_foreach(e->users, k, v) {
        const char *nm = json_string_value(json_object_get(v, "username"));
        if (nm && !strcmp(nm, ref))
            return v;
    }
    return NULL;
}

static json_t *emu_find_named(json_t *map, const char *ref, char sigil)
{
    const char *k;
    json_t *v;
    char idbuf[32];
    if (!ref)
        return NULL;
    if (ref[0] == '<' && ref[1] && ref[2]) {
        const char *p = ref + 2 + (ref[2] == '&');
        snprintf(idbuf, sizeof idbuf, "%.*s", (int)strcspn(p, ">"), p);
        ref = idbuf;
    } else if (ref[0] == sigil) {
        ref++;
    }
    if ((v = json_object_get(map, ref)))
        return v;
    json_object_foreach(map, k, v) {
        const char *nm = json_string_value(json_object_get(v, "name"));
        if (nm && !strcmp(nm, ref))
            return v;
    }
    return NULL;
}

json_t *emu_find_role(json_t *guild, const char *ref)
{
    return emu_find_named(json_object_get(guild, "roles"), ref, '@');
}

json_t *emu_find_channel(json_t *guild, const char *ref)
{
    return emu_find_named(json_object_get(guild, "channels"), ref, '#');
}

/* ---- Discord shapes ---------------------------------------------------------- */

json_t *emu_member_json(emu *e, json_t *guild, const char *user_id, int with_user)
{
    json_t *m = emu_member(guild, user_id);
    json_t *out;
    if (!m)
        return NULL;
    out = json_deep_copy(m);
    if (with_user)
        json_object_set(out, "user", emu_user(e, user_id));
    return out;
}

static int emu_cmp_position(const void *a, const void *b)
{
    json_t *const *x = a, *const *y = b;
    json_int_t px = json_integer_value(json_object_get(*x, "position"));
    json_int_t py = json_integer_value(json_object_get(*y, "position"));
    if (px != py)
        return px < py ? -1 : 1;
    return strcmp(json_string_value(json_object_get(*x, "id")),
                  json_string_value(json_object_get(*y, "id")));
}

static json_t *emu_sorted_list(json_t *map)
{
    size_t n = json_object_size(map), i = 0;
    json_t **tmp = calloc(n ? n : 1, sizeof *tmp);
    json_t *arr = json_array(), *v;
    const char *k;
    if (!tmp)
        return arr;
    json_object_foreach(map, k, v)
        tmp[i++] = v;
    qsort(tmp, n, sizeof *tmp, emu_cmp_position);
    for (i = 0; i < n; i++)
        json_array_append_new(arr, json_deep_copy(tmp[i]));
    free(tmp);
    return arr;
}

json_t *emu_role_list(json_t *guild)
{
    return emu_sorted_list(json_object_get(guild, "roles"));
}

json_t *emu_channel_list(json_t *guild)
{
    return emu_sorted_list(json_object_get(guild, "channels"));
}

json_t *emu_guild_create_json(emu *e, json_t *guild, int all_members)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    json_t *members = json_array();
    json_t *bm = emu_member(guild, e->bot_id);
    json_t *g, *v;
    const char *k;
    const char *empty[] = {"threads", "presences", "voice_states", "emojis", "stickers",
                           "features", "stage_instances"};
    json_object_foreach(json_object_get(guild, "members"), k, v)
        if (all_members || !strcmp(k, e->bot_id))
            json_array_append_new(members, emu_member_json(e, guild, k, 1));
    g = json_pack("{s:s, s:O, s:n, s:n, s:O, s:o, s:o, s:o, s:b, s:b}",
                  "id", gid, "name", json_object_get(guild, "name"), "icon", "description",
                  "owner_id", json_object_get(guild, "owner_id"),
                  "roles", emu_role_list(guild), "channels", emu_channel_list(guild),
                  "members", members, "unavailable", 0, "large", 0);
    if (!g)
        return NULL;
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        json_object_set_new(g, empty[i], json_array());
    json_object_set_new(g, "member_count",
                        json_integer((json_int_t)json_object_size(json_object_get(guild, "members"))));
    json_object_set(g, "joined_at", bm ? json_object_get(bm, "joined_at") : json_null());
    json_object_set_new(g, "verification_level", json_integer(1));
    json_object_set_new(g, "default_message_notifications", json_integer(1));
    json_object_set_new(g, "explicit_content_filter", json_integer(2));
    json_object_set_new(g, "mfa_level", json_integer(0));
    json_object_set_new(g, "premium_tier", json_integer(0));
    json_object_set_new(g, "nsfw_level", json_integer(0));
    json_object_set_new(g, "preferred_locale", json_string("en-US"));
    json_object_set_new(g, "system_channel_id", json_null());
    json_object_set_new(g, "afk_channel_id", json_null());
    json_object_set_new(g, "afk_timeout", json_integer(300));
    return g;
}

json_t *emu_state_dump(emu *e)
{
    json_t *guilds = json_array(), *g, *v;
    const char *k;
    json_object_foreach(e->guilds, k, g) {
        json_t *members = json_array();
        const char *uid;
        json_object_foreach(json_object_get(g, "members"), uid, v)
            json_array_append_new(members, emu_member_json(e, g, uid, 1));
        json_array_append_new(guilds, json_pack("{s:s, s:O, s:O, s:o, s:o, s:o, s:O, s:O}",
                                                "id", k, "name", json_object_get(g, "name"),
                                                "owner_id", json_object_get(g, "owner_id"),
                                                "roles", emu_role_list(g),
                                                "channels", emu_channel_list(g),
                                                "members", members,
                                                "bans", json_object_get(g, "bans"),
                                                "commands", json_object_get(e->commands, k)
                                                    ? json_object_get(e->commands, k) : json_null()));
    }
    return json_pack("{s:O, s:O, s:o, s:O, s:O, s:O, s:O}",
                     "application", e->application, "bot", emu_user(e, e->bot_id),
                     "guilds", guilds, "users", e->users, "dm_channels", e->dms,
                     "messages", e->messages, "global_commands", json_object_get(e->commands, "global"));
}

/* ---- changes ------------------------------------------------------------------ */

static void emu_dispatch_member(emu *e, json_t *guild, const char *user_id, const char *event)
{
    json_t *d = emu_member_json(e, guild, user_id, 1);
    if (!d)
        return;
    json_object_set(d, "guild_id", json_object_get(guild, "id"));
    emu_gw_dispatch(e, json_string_value(json_object_get(guild, "id")), event, d, EMU_I_GUILD_MEMBERS);
}

int emu_member_add(emu *e, json_t *guild, json_t *user, json_t *roles)
{
    const char *uid = json_string_value(json_object_get(user, "id"));
    char ts[40];
    json_t *mem;
    if (!uid)
        return -1;
    if (!emu_user(e, uid))
        json_object_set_new(e->users, uid, emu_user_new(user));
    emu_iso_time(emu_now_ms(), ts, sizeof ts);
    mem = json_pack("{s:o, s:s, s:n, s:n, s:n, s:b, s:b, s:i, s:b, s:n, s:n}",
                    "roles", roles ? json_deep_copy(roles) : json_array(), "joined_at", ts, "nick",
                    "communication_disabled_until", "premium_since", "deaf", 0, "mute", 0,
                    "flags", 0, "pending", 0, "avatar", "banner");
    json_object_set_new(json_object_get(guild, "members"), uid, mem);
    emu_dispatch_member(e, guild, uid, "GUILD_MEMBER_ADD");
    return 0;
}

void emu_member_remove(emu *e, json_t *guild, const char *user_id, int banned)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    json_t *user = emu_user(e, user_id);
    if (emu_member(guild, user_id)) {
        json_object_del(json_object_get(guild, "members"), user_id);
        emu_gw_dispatch(e, gid, "GUILD_MEMBER_REMOVE",
                        json_pack("{s:s, s:O}", "guild_id", gid, "user", user), EMU_I_GUILD_MEMBERS);
    }
    if (banned)
        emu_gw_dispatch(e, gid, "GUILD_BAN_ADD",
                        json_pack("{s:s, s:O}", "guild_id", gid, "user", user), EMU_I_GUILD_MODERATION);
}

void emu_member_changed(emu *e, json_t *guild, const char *user_id)
{
    emu_dispatch_member(e, guild, user_id, "GUILD_MEMBER_UPDATE");
}

void emu_role_delete(emu *e, json_t *guild, const char *role_id)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    const char *k;
    json_t *m;
    json_object_foreach(json_object_get(guild, "members"), k, m) {
        json_t *roles = json_object_get(m, "roles");
        for (size_t i = json_array_size(roles); i-- > 0;)
            if (!strcmp(json_string_value(json_array_get(roles, i)), role_id))
                json_array_remove(roles, i);
    }
    json_object_del(json_object_get(guild, "roles"), role_id);
    emu_gw_dispatch(e, gid, "GUILD_ROLE_DELETE",
                    json_pack("{s:s, s:s}", "guild_id", gid, "role_id", role_id), EMU_I_GUILDS);
}

void emu_role_move(emu *e, json_t *guild, const char *role_id, int position)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    json_t *roles = emu_role_list(guild);
    json_t *moving = NULL, *v;
    size_t i;
    int pos = 1;
    json_array_foreach(roles, i, v)
        if (!strcmp(json_string_value(json_object_get(v, "id")), role_id))
            moving = v;
    if (!moving || !strcmp(role_id, gid)) {
        json_decref(roles);
        return;
    }
    /* Renumber 1..n with the moved role at `position`; @everyone stays 0. */
    if (position < 1)
        position = 1;
    json_array_foreach(roles, i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        json_t *live;
        int want;
        if (!strcmp(id, gid))
            continue;
        if (v == moving)
            continue;
        if (pos == position)
            pos++;
        want = pos++;
        live = emu_role(guild, id);
        if (json_integer_value(json_object_get(live, "position")) != want) {
            json_object_set_new(live, "position", json_integer(want));
            emu_gw_dispatch(e, gid, "GUILD_ROLE_UPDATE",
                            json_pack("{s:s, s:O}", "guild_id", gid, "role", live), EMU_I_GUILDS);
        }
    }
    if (position > pos)
        position = pos;
    v = emu_role(guild, role_id);
    json_object_set_new(v, "position", json_integer(position));
    emu_gw_dispatch(e, gid, "GUILD_ROLE_UPDATE",
                    json_pack("{s:s, s:O}", "guild_id", gid, "role", v), EMU_I_GUILDS);
    json_decref(roles);
}

void emu_channel_delete(emu *e, json_t *guild, const char *channel_id)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    json_t *ch = json_incref(emu_channel(e, channel_id, NULL));
    const char *k;
    json_t *m;
    void *tmp;
    if (!ch)
        return;
    json_object_foreach_safe(e->messages, tmp, k, m)
        if (!strcmp(json_string_value(json_object_get(m, "channel_id")), channel_id))
            json_object_del(e->messages, k);
    json_object_del(json_object_get(guild, "channels"), channel_id);
    json_object_del(e->channel_guild, channel_id);
    emu_gw_dispatch(e, gid, "CHANNEL_DELETE", ch, EMU_I_GUILDS);
}

void emu_message_delete(emu *e, const char *message_id)
{
    json_t *m = emu_message(e, message_id);
    json_t *d;
    const char *gid;
    int ephemeral;
    if (!m)
        return;
    gid = json_string_value(json_object_get(m, "guild_id"));
    ephemeral = (json_integer_value(json_object_get(m, "flags")) & 64) != 0;
    d = json_pack("{s:s, s:O}", "id", message_id, "channel_id", json_object_get(m, "channel_id"));
    if (gid)
        json_object_set_new(d, "guild_id", json_string(gid));
    json_object_del(e->messages, message_id);
    if (ephemeral)
        json_decref(d);
    else
        emu_gw_dispatch(e, gid, "MESSAGE_DELETE", d, gid ? EMU_I_GUILD_MESSAGES : EMU_I_DIRECT_MESSAGES);
}

static void emu_message_apply(json_t *msg, json_t *body)
{
    /* allowed_mentions shapes the mentions only: it is not part of the message. */
    const char *keys[] = {"content", "embeds", "components", "poll"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(body, keys[i]);
        if (!v)
            continue;
        if (json_is_null(v))
            json_object_set_new(msg, keys[i], i == 0 ? json_string("") : json_array());
        else
            /* A copy: the stored message gets Discord's defaults, the request log keeps what was sent. */
            json_object_set_new(msg, keys[i], json_deep_copy(v));
    }
    emu_shape_message(msg);
}

json_t *emu_message_post(emu *e, const char *channel_id, json_t *body, json_t *author,
                         int type, const char *webhook_id)
{
    return emu_message_post_with(e, channel_id, body, author, type, webhook_id, NULL);
}

json_t *emu_message_post_with(emu *e, const char *channel_id, json_t *body, json_t *author,
                              int type, const char *webhook_id, json_t *extra)
{
    json_t *guild = NULL;
    json_t *ch = emu_channel(e, channel_id, &guild);
    const char *gid = guild ? json_string_value(json_object_get(guild, "id")) : NULL;
    char id[24], ts[40];
    json_int_t flags = json_integer_value(json_object_get(body, "flags"));
    json_t *msg;
    if (!ch)
        return NULL;
    emu_snowflake(e, id);
    emu_iso_time(emu_now_ms(), ts, sizeof ts);
    msg = json_pack("{s:s, s:s, s:O, s:s, s:[], s:[], s:s, s:n, s:b, s:b, s:[], s:[], s:[],"
                    " s:b, s:i, s:I}",
                    "id", id, "channel_id", channel_id, "author", author, "content", "",
                    "embeds", "components", "timestamp", ts, "edited_timestamp",
                    "tts", 0, "mention_everyone", 0, "mentions", "mention_roles", "attachments",
                    "pinned", 0, "type", type, "flags", flags & (4 | 64 | 128 | 4096 | (1 << 15)));
    emu_message_apply(msg, body);
    if (json_object_get(body, "message_reference"))
        json_object_set(msg, "message_reference", json_object_get(body, "message_reference"));
    if (webhook_id)
        json_object_set_new(msg, "webhook_id", json_string(webhook_id));
    if (gid)
        json_object_set_new(msg, "guild_id", json_string(gid));
    if (extra)
        json_object_update(msg, extra);
    json_object_set(e->messages, id, msg);
    json_object_set_new(ch, "last_message_id", json_string(id));
    if (!(flags & 64)) {
        json_t *d = json_deep_copy(msg);
        if (gid)
            json_object_set_new(d, "member", emu_member_json(e, guild, json_string_value(json_object_get(author, "id")), 0));
        if (!json_object_get(d, "member"))
            json_object_del(d, "member");
        emu_gw_dispatch(e, gid, "MESSAGE_CREATE", d, gid ? EMU_I_GUILD_MESSAGES : EMU_I_DIRECT_MESSAGES);
    }
    json_decref(msg);
    return msg;
}

int emu_message_edit(emu *e, json_t *msg, json_t *body)
{
    char ts[40];
    const char *gid = json_string_value(json_object_get(msg, "guild_id"));
    emu_message_apply(msg, body);
    if (json_is_integer(json_object_get(body, "flags"))) {
        /* Only SUPPRESS_EMBEDS can be changed on an existing message. */
        json_int_t f = json_integer_value(json_object_get(msg, "flags"));
        f = (f & ~(json_int_t)4) | (json_integer_value(json_object_get(body, "flags")) & 4);
        json_object_set_new(msg, "flags", json_integer(f));
    }
    emu_iso_time(emu_now_ms(), ts, sizeof ts);
    json_object_set_new(msg, "edited_timestamp", json_string(ts));
    if (!(json_integer_value(json_object_get(msg, "flags")) & 64))
        emu_gw_dispatch(e, gid, "MESSAGE_UPDATE", json_deep_copy(msg),
                        gid ? EMU_I_GUILD_MESSAGES : EMU_I_DIRECT_MESSAGES);
    return 0;
}
