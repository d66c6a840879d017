/*
 * Interactions: created by the control API acting as a user, delivered as
 * INTERACTION_CREATE, answered by the bot through REST.
 *
 * A record keeps what was dispatched and everything the bot did with it
 * (callback, edits, follow-ups) with a version that grows on every change, so
 * a long-poll can wait for "anything after version N".
 * {"id", "token", "type", "created_ms", "guild_id", "channel_id", "user_id",
 *  "payload", "acked", "response", "original_message_id", "source_message_id",
 *  "followups": [ids], "modal", "log": [...], "version"}
 */
#include "emu.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define EMU_IX_TOKEN_MS (15ull * 60000ull)
#define EMU_IX_TOKEN_LEN 96

json_t *emu_ix_by_id(emu *e, const char *id)
{
    return id ? json_object_get(e->interactions, id) : NULL;
}

json_t *emu_ix_by_token(emu *e, const char *app_id, const char *token)
{
    if (!app_id || !token || strcmp(app_id, e->app_id))
        return NULL;
    return emu_ix_by_id(e, json_string_value(json_object_get(e->ix_by_token, token)));
}

int emu_ix_token_valid(emu *e, json_t *ix)
{
    (void)e;
    return emu_now_ms() - (uint64_t)json_integer_value(json_object_get(ix, "created_ms")) < EMU_IX_TOKEN_MS;
}

void emu_ix_log(emu *e, json_t *ix, const char *kind, json_t *detail)
{
    char ts[40];
    json_t *entry = json_pack("{s:s, s:s, s:o}", "kind", kind, "at", "", "data", detail ? detail : json_null());
    emu_iso_time(emu_now_ms(), ts, sizeof ts);
    json_object_set_new(entry, "at", json_string(ts));
    json_array_append_new(json_object_get(ix, "log"), entry);
    json_object_set_new(ix, "version", json_integer(json_integer_value(json_object_get(ix, "version")) + 1));
    (void)e;
}

static void emu_token(emu *e, char *out, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char rnd[96];
    size_t i, len = n - 1 < sizeof rnd ? n - 1 : sizeof rnd;
    if (getrandom(rnd, len, 0) != (ssize_t)len) {
        for (i = 0; i < len; i++)
            rnd[i] = (unsigned char)(rand() ^ (int)e->sf_incr);
    }
    memcpy(out, "aW50ZXJhY3Rpb246", 16 < len ? 16 : len);
    for (i = 16; i < len; i++)
        out[i] = alphabet[rnd[i] & 63];
    out[len] = '\0';
}

/*
 * With BH_EMU_TOKEN_LOG set, every token issued is appended to that file, one a
 * line, so a test suite can check that none of them reached a log.
 */
static void emu_token_record(const char *token)
{
    static FILE *f;
    static int tried;
    if (!tried) {
        const char *path = getenv("BH_EMU_TOKEN_LOG");
        tried = 1;
        f = path && path[0] ? fopen(path, "a") : NULL;
    }
    if (f) {
        fprintf(f, "%s\n", token);
        fflush(f);
    }
}

/* Files the record of a payload made now, and dispatches it (as d_text when given). */
static json_t *emu_ix_record(emu *e, json_t *payload, uint64_t created_ms, const char *d_text,
                             json_t *message)
{
    const char *id = json_string_value(json_object_get(payload, "id"));
    const char *token = json_string_value(json_object_get(payload, "token"));
    const char *gid = json_string_value(json_object_get(payload, "guild_id"));
    json_t *rec = json_pack("{s:s, s:s, s:O, s:I, s:O, s:O, s:O, s:O, s:b, s:n, s:n, s:n, s:[], s:n, s:[], s:i}",
                            "id", id, "token", token, "type", json_object_get(payload, "type"),
                            "created_ms", (json_int_t)created_ms, "guild_id", json_object_get(payload, "guild_id"),
                            "channel_id", json_object_get(payload, "channel_id"), "user_id",
                            json_object_get(json_object_get(json_object_get(payload, "member"), "user"), "id"),
                            "payload", payload, "acked", 0, "response", "original_message_id",
                            "source_message_id", "followups", "modal", "log", "version", 0);
    if (!rec) {
        json_decref(payload);
        return NULL;
    }
    if (message)
        json_object_set(rec, "source_message_id", json_object_get(message, "id"));
    emu_token_record(token);
    json_object_set_new(e->ix_by_token, token, json_string(id));
    json_object_set_new(e->interactions, id, rec);
    emu_stat_add(e, "interactions", "created", 1);
    emu_gw_dispatch_text(e, gid, "INTERACTION_CREATE", payload, d_text, 0);
    return rec;
}

json_t *emu_ix_create(emu *e, int type, json_t *guild, json_t *channel, const char *user_id,
                      json_t *data, json_t *message)
{
    return emu_ix_create_late(e, type, guild, channel, user_id, data, message, 0);
}

json_t *emu_ix_create_late(emu *e, int type, json_t *guild, json_t *channel, const char *user_id,
                           json_t *data, json_t *message, uint64_t late_ms)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    const char *cid = json_string_value(json_object_get(channel, "id"));
    char id[24], token[EMU_IX_TOKEN_LEN + 1], perms[24], app_perms[24];
    json_t *member, *payload;
    uint64_t created_ms = emu_now_ms() - late_ms;

    emu_snowflake_at(e, created_ms, id);
    emu_token(e, token, sizeof token);
    snprintf(perms, sizeof perms, "%llu", (unsigned long long)emu_perms_channel(e, guild, channel, user_id));
    snprintf(app_perms, sizeof app_perms, "%llu", (unsigned long long)emu_perms_channel(e, guild, channel, e->bot_id));
    member = emu_member_json(e, guild, user_id, 1);
    json_object_set_new(member, "permissions", json_string(perms));
    payload = json_pack("{s:s, s:s, s:i, s:s, s:i, s:s, s:s, s:O, s:o, s:O, s:s, s:s, s:s, s:[],"
                        " s:{s:s}, s:i, s:i, s:{s:s, s:s, s:[]}}",
                        "id", id, "application_id", e->app_id, "type", type, "token", token,
                        "version", 1, "guild_id", gid, "channel_id", cid, "channel", channel,
                        "member", member, "data", data, "app_permissions", app_perms,
                        "locale", "en-US", "guild_locale", "en-US", "entitlements",
                        "authorizing_integration_owners", "0", gid, "context", 0,
                        "attachment_size_limit", 10485760,
                        "guild", "id", gid, "locale", "en-US", "features");
    if (!payload)
        return NULL;
    if (message)
        json_object_set(payload, "message", message);
    return emu_ix_record(e, payload, created_ms, NULL, message);
}

/*
 * Many interactions that differ only in id and token (a flood): each payload
 * shares the first one's members (nothing changes them), and its gateway text
 * is the first one's with the two written over theirs: both have a fixed
 * width, so the text is not dumped anew for each.
 */
struct emu_ix_like {
    json_t *first;              /* the first one's payload */
    char *text;                 /* its JSON, patched in place for each next one */
    size_t id_off, token_off;   /* where its id and token are in text */
};

emu_ix_like *emu_ix_like_new(json_t *rec)
{
    json_t *payload = json_object_get(rec, "payload");
    const char *id = json_string_value(json_object_get(payload, "id"));
    const char *token = json_string_value(json_object_get(payload, "token"));
    emu_ix_like *l = calloc(1, sizeof *l);
    char *at;
    if (!l || !id || !token || strlen(token) != EMU_IX_TOKEN_LEN)
        goto fail;
    l->first = json_incref(payload);
    l->text = json_dumps(payload, JSON_COMPACT);
    /* A snowflake made now and a random token: each occurs once in the text. */
    if (!l->text || !(at = strstr(l->text, id)) || strstr(at + 1, id))
        goto fail;
    l->id_off = (size_t)(at - l->text);
    if (!(at = strstr(l->text, token)) || strstr(at + 1, token))
        goto fail;
    l->token_off = (size_t)(at - l->text);
    return l;
fail:
    emu_ix_like_free(l);
    return NULL;
}

void emu_ix_like_free(emu_ix_like *l)
{
    if (!l)
        return;
    json_decref(l->first);
    free(l->text);
    free(l);
}

json_t *emu_ix_create_like(emu *e, emu_ix_like *l)
{
    char id[24], token[EMU_IX_TOKEN_LEN + 1];
    const char *first_id = json_string_value(json_object_get(l->first, "id"));
    json_t *payload;
    emu_snowflake(e, id);
    emu_token(e, token, sizeof token);
    if (strlen(id) != strlen(first_id))
        return NULL; /* a snowflake one digit longer: the caller starts a new template */
    payload = json_copy(l->first);
    if (!payload || json_object_set_new(payload, "id", json_string(id)) ||
        json_object_set_new(payload, "token", json_string(token))) {
        json_decref(payload);
        return NULL;
    }
    memcpy(l->text + l->id_off, id, strlen(id));
    memcpy(l->text + l->token_off, token, EMU_IX_TOKEN_LEN);
    return emu_ix_record(e, payload, emu_now_ms(), l->text, NULL);
}

json_t *emu_ix_view(emu *e, json_t *ix)
{
    json_t *followups = json_array(), *v;
    size_t i;
    const char *orig = json_string_value(json_object_get(ix, "original_message_id"));
    json_t *om = emu_message(e, orig);
    json_array_foreach(json_object_get(ix, "followups"), i, v) {
        json_t *m = emu_message(e, json_string_value(v));
        if (m)
            json_array_append(followups, m);
    }
    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o, s:O, s:O, s:O, s:I, s:O}",
                     "id", json_object_get(ix, "id"), "type", json_object_get(ix, "type"),
                     "token", json_object_get(ix, "token"), "acked", json_object_get(ix, "acked"),
                     "response", json_object_get(ix, "response"),
                     "original_message_id", json_object_get(ix, "original_message_id"),
                     "original", om ? om : json_null(), "followups", followups,
                     "modal", json_object_get(ix, "modal"), "log", json_object_get(ix, "log"),
                     "version", json_object_get(ix, "version"),
                     "age_ms", (json_int_t)(emu_now_ms() - (uint64_t)json_integer_value(json_object_get(ix, "created_ms"))),
                     "created_ms", json_object_get(ix, "created_ms"));
}

/* ---- "/raffle create prize:Nintendo Switch spots:10" ------------------------------------ */

/* Splits on blanks, keeping "quoted strings" (and name:"quoted values") whole. */
static json_t *emu_words(const char *s)
{
    json_t *words = json_array();
    char buf[4096];
    while (*s) {
        size_t n = 0;
        int quoted = 0;
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        while (*s && (quoted || !isspace((unsigned char)*s)) && n < sizeof buf - 1) {
            if (*s == '"') {
                quoted = !quoted;
                s++;
                continue;
            }
            if (*s == '\\' && quoted && s[1]) {
                s++;
            }
            buf[n++] = *s++;
        }
        buf[n] = '\0';
        json_array_append_new(words, json_string(buf));
    }
    return words;
}

/* "name:" at the start of a word, name being a command option name. */
static size_t emu_opt_prefix(const char *w)
{
    size_t n = 0;
    while (w[n] && (islower((unsigned char)w[n]) || isdigit((unsigned char)w[n]) || w[n] == '_' || w[n] == '-'))
        n++;
    return n > 0 && w[n] == ':' ? n : 0;
}

int emu_slash_parse(const char *text, json_t **name_path, json_t **opts, char *err, size_t errlen)
{
    json_t *words = emu_words(text ? text : "");
    json_t *path = json_array(), *o = json_object();
    const char *last = NULL;
    size_t i;
    json_t *w;
    json_array_foreach(words, i, w) {
        const char *s = json_string_value(w);
        size_t k;
        if (i == 0 && s[0] == '/')
            s++;
        k = emu_opt_prefix(s);
        if (k) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)k, s);
            json_object_set_new(o, name, json_string(s + k + 1));
            last = json_object_iter_key(json_object_iter_at(o, name));
        } else if (last) {
            /* An unquoted value runs on until the next "name:". */
            char *joined;
            const char *prev = json_string_value(json_object_get(o, last));
            size_t n = strlen(prev) + strlen(s) + 2;
            joined = malloc(n);
            if (joined) {
                snprintf(joined, n, "%s %s", prev, s);
                json_object_set_new(o, last, json_string(joined));
                free(joined);
            }
        } else if (*s) {
            json_array_append_new(path, json_string(s));
        }
    }
    json_decref(words);
    if (!json_array_size(path)) {
        snprintf(err, errlen, "no command name");
        json_decref(path);
        json_decref(o);
        return -1;
    }
    *name_path = path;
    *opts = o;
    return 0;
}

static json_t *emu_find_command(emu *e, const char *guild_id, const char *name)
{
    const char *keys[2] = {guild_id, "global"};
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *cmd;
        json_array_foreach(json_object_get(e->commands, keys[k] ? keys[k] : "global"), i, cmd)
            if (json_integer_value(json_object_get(cmd, "type")) == 1 &&
                !strcmp(json_string_value(json_object_get(cmd, "name")), name))
                return cmd;
    }
    return NULL;
}

static json_t *emu_find_option(json_t *defs, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(defs, i, d)
        if (!strcmp(json_string_value(json_object_get(d, "name")), name))
            return d;
    return NULL;
}

static int emu_choice_ok(json_t *def, json_t *value)
{
    json_t *choices = json_object_get(def, "choices"), *ch;
    size_t i;
    if (!json_array_size(choices))
        return 1;
    json_array_foreach(choices, i, ch)
        if (json_equal(json_object_get(ch, "value"), value))
            return 1;
    return 0;
}

static void emu_resolved_add(json_t *resolved, const char *kind, const char *id, json_t *obj)
{
    json_t *map = json_object_get(resolved, kind);
    if (!map) {
        map = json_object();
        json_object_set_new(resolved, kind, map);
    }
    json_object_set(map, id, obj);
}

/* Converts one option value to its typed JSON; NULL with err on a bad value. */
static json_t *emu_option_value(emu *e, json_t *guild, json_t *def, json_t *raw, json_t *resolved,
                                char *err, size_t errlen)
{
    json_int_t type = json_integer_value(json_object_get(def, "type"));
    const char *name = json_string_value(json_object_get(def, "name"));
    const char *s = json_string_value(raw);
    char buf[64];
    json_t *v = NULL;
    if (!s && (json_is_number(raw) || json_is_boolean(raw))) {
        if (json_is_integer(raw))
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(raw));
        else if (json_is_real(raw))
            snprintf(buf, sizeof buf, "%.17g", json_real_value(raw));
        else
            snprintf(buf, sizeof buf, "%s", json_is_true(raw) ? "true" : "false");
        s = buf;
    }
    if (!s) {
        snprintf(err, errlen, "option %s: value must be a string, number or boolean", name);
        return NULL;
    }
    switch (type) {
    case 3: {
        size_t len = strlen(s);
        json_int_t mn = json_integer_value(json_object_get(def, "min_length"));
        json_t *mx = json_object_get(def, "max_length");
        if ((json_int_t)len < mn || (mx && (json_int_t)len > json_integer_value(mx)) || len > 6000) {
            snprintf(err, errlen, "option %s: length out of range", name);
            return NULL;
        }
        v = json_string(s);
        break;
    }
    case 4: {
        char *end;
        long long n = strtoll(s, &end, 10);
        if (*end || !*s) {
            snprintf(err, errlen, "option %s: \"%s\" is not an integer", name, s);
            return NULL;
        }
        v = json_integer(n);
        break;
    }
    case 10: {
        char *end;
        double d = strtod(s, &end);
        if (*end || !*s) {
            snprintf(err, errlen, "option %s: \"%s\" is not a number", name, s);
            return NULL;
        }
        v = json_real(d);
        break;
    }
    case 5:
        if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1"))
            v = json_true();
        else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0"))
            v = json_false();
        else {
            snprintf(err, errlen, "option %s: \"%s\" is not a boolean", name, s);
            return NULL;
        }
        break;
    case 6:
    case 9: {
        json_t *u = emu_find_user(e, guild, s);
        json_t *r = type == 9 && !u ? emu_find_role(guild, s) : NULL;
        if (u) {
            const char *uid = json_string_value(json_object_get(u, "id"));
            json_t *m = emu_member_json(e, guild, uid, 0);
            emu_resolved_add(resolved, "users", uid, u);
            if (m) {
                char p[24];
                snprintf(p, sizeof p, "%llu", (unsigned long long)emu_perms_guild(e, guild, uid));
                json_object_set_new(m, "permissions", json_string(p));
                emu_resolved_add(resolved, "members", uid, m);
                json_decref(m);
            }
            v = json_string(uid);
        } else if (r) {
            emu_resolved_add(resolved, "roles", json_string_value(json_object_get(r, "id")), r);
            v = json_incref(json_object_get(r, "id"));
        } else {
            snprintf(err, errlen, "option %s: no user \"%s\"", name, s);
            return NULL;
        }
        break;
    }
    case 7: {
        json_t *ch = emu_find_channel(guild, s), *partial;
        char p[24];
        if (!ch) {
            snprintf(err, errlen, "option %s: no channel \"%s\"", name, s);
            return NULL;
        }
        snprintf(p, sizeof p, "%llu", (unsigned long long)emu_perms_channel(e, guild, ch, e->bot_id));
        partial = json_pack("{s:O, s:O, s:O, s:s, s:O}", "id", json_object_get(ch, "id"),
                            "name", json_object_get(ch, "name"), "type", json_object_get(ch, "type"),
                            "permissions", p, "parent_id", json_object_get(ch, "parent_id"));
        emu_resolved_add(resolved, "channels", json_string_value(json_object_get(ch, "id")), partial);
        json_decref(partial);
        v = json_incref(json_object_get(ch, "id"));
        break;
    }
    case 8: {
        json_t *r = emu_find_role(guild, s);
        if (!r) {
            snprintf(err, errlen, "option %s: no role \"%s\"", name, s);
            return NULL;
        }
        emu_resolved_add(resolved, "roles", json_string_value(json_object_get(r, "id")), r);
        v = json_incref(json_object_get(r, "id"));
        break;
    }
    default:
        snprintf(err, errlen, "option %s: type %lld is not supported by the emulator", name, (long long)type);
        return NULL;
    }
    if ((type == 4 || type == 10) && v) {
        double d = json_number_value(v);
        json_t *mn = json_object_get(def, "min_value"), *mx = json_object_get(def, "max_value");
        if ((mn && d < json_number_value(mn)) || (mx && d > json_number_value(mx))) {
            snprintf(err, errlen, "option %s: %s is out of range", name, s);
            json_decref(v);
            return NULL;
        }
    }
    if (v && !emu_choice_ok(def, v)) {
        snprintf(err, errlen, "option %s: \"%s\" is not one of the choices", name, s);
        json_decref(v);
        return NULL;
    }
    return v;
}

json_t *emu_slash_build(emu *e, json_t *guild, const json_t *path, const json_t *opts, char *err, size_t errlen)
{
    const char *gid = json_string_value(json_object_get(guild, "id"));
    const char *name = json_string_value(json_array_get(path, 0));
    json_t *cmd = name ? emu_find_command(e, gid, name) : NULL;
    json_t *defs, *resolved, *data, *level, *given, *d;
    size_t depth, i;
    const char *k;
    json_t *v;
    if (!cmd) {
        snprintf(err, errlen, "the bot registered no command \"%s\"", name ? name : "");
        return NULL;
    }
    data = json_pack("{s:O, s:O, s:i}", "id", json_object_get(cmd, "id"), "name", json_object_get(cmd, "name"),
                     "type", 1);
    if (json_object_get(cmd, "guild_id"))
        json_object_set(data, "guild_id", json_object_get(cmd, "guild_id"));
    defs = json_object_get(cmd, "options");
    level = data;
    /* Walk the subcommand group and subcommand named in the path. */
    for (depth = 1; depth < json_array_size(path); depth++) {
        const char *sub = json_string_value(json_array_get(path, depth));
        json_t *def = emu_find_option(defs, sub), *node;
        json_int_t t = json_integer_value(json_object_get(def, "type"));
        if (!def || (t != 1 && t != 2)) {
            snprintf(err, errlen, "/%s has no subcommand \"%s\"", name, sub);
            json_decref(data);
            return NULL;
        }
        node = json_pack("{s:O, s:I, s:[]}", "name", json_object_get(def, "name"), "type", t, "options");
        json_object_set_new(level, "options", json_pack("[o]", node));
        level = node;
        defs = json_object_get(def, "options");
    }
    json_array_foreach(defs, i, d) {
        json_int_t t = json_integer_value(json_object_get(d, "type"));
        if (t == 1 || t == 2) {
            snprintf(err, errlen, "/%s needs a subcommand", name);
            json_decref(data);
            return NULL;
        }
        break;
    }
    resolved = json_object();
    given = json_array();
    json_object_foreach((json_t *)opts, k, v) {
        json_t *def = emu_find_option(defs, k), *val;
        if (!def) {
            snprintf(err, errlen, "unknown option \"%s\"", k);
            goto fail;
        }
        val = emu_option_value(e, guild, def, v, resolved, err, errlen);
        if (!val)
            goto fail;
        json_array_append_new(given, json_pack("{s:s, s:O, s:o}", "name", k, "type",
                                               json_object_get(def, "type"), "value", val));
    }
    json_array_foreach(defs, i, d)
        if (json_is_true(json_object_get(d, "required")) &&
            !json_object_get(opts, json_string_value(json_object_get(d, "name")))) {
            snprintf(err, errlen, "missing required option \"%s\"", json_string_value(json_object_get(d, "name")));
            goto fail;
        }
    if (json_array_size(given) || level != data)
        json_object_set(level, "options", given);
    json_decref(given);
    if (json_object_size(resolved))
        json_object_set(data, "resolved", resolved);
    json_decref(resolved);
    return data;
fail:
    json_decref(given);
    json_decref(resolved);
    json_decref(data);
    return NULL;
}
