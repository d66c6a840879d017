/*
 * The control API under /_emu: act as a user (run a command, click, select,
 * submit a modal, join, change roles by hand, delete things), read back what
 * the bot did (interactions, REST calls, violations, stats, state) and arm
 * faults.  Reference with examples: README.md ("Control API").
 */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emu_state_rebuild(emu *e);

typedef struct emu_ctl {
    emu *e;
    const emu_req *req;
    emu_resp *resp;
    const char *seg[6];         /* path segments after /_emu/ */
    int nseg;
    char buf[512];
} emu_ctl;

static void emu_ctl_err(emu_ctl *c, int status, const char *fmt, const char *arg)
{
    /* Sized to the text: arg may be a whole 512-byte parse error from c->buf. */
    json_t *msg = json_sprintf(fmt, arg ? arg : "");
    emu_resp_json(c->resp, status, json_pack("{s:o}", "error", msg ? msg : json_string("")));
}

/* A parameter from the JSON body or, failing that, the query string. */
static const char *emu_ctl_str(emu_ctl *c, const char *name)
{
    const json_t *v = json_object_get(c->req->json, name);
    if (json_is_string(v))
        return json_string_value(v);
    return json_string_value(json_object_get(c->req->query, name));
}

static long emu_ctl_int(emu_ctl *c, const char *name, long dflt)
{
    const json_t *v = json_object_get(c->req->json, name);
    const char *s;
    if (json_is_integer(v))
        return (long)json_integer_value(v);
    s = json_string_value(json_object_get(c->req->query, name));
    return s && *s ? strtol(s, NULL, 10) : dflt;
}

static json_t *emu_ctl_guild(emu_ctl *c)
{
    const char *ref = emu_ctl_str(c, "guild");
    json_t *g;
    const char *k;
    if (!ref)
        ref = emu_ctl_str(c, "guild_id");
    if (!ref)
        return emu_guild(c->e, emu_default_guild_id(c->e));
    if ((g = emu_guild(c->e, ref)))
        return g;
    json_object_foreach(c->e->guilds, k, g)
        if (!strcmp(json_string_value(json_object_get(g, "name")), ref))
            return g;
    emu_ctl_err(c, 404, "no guild \"%s\"", ref);
    return NULL;
}

static json_t *emu_ctl_member_user(emu_ctl *c, json_t *g, const char *ref)
{
    json_t *u;
    if (!ref)
        ref = json_string_value(json_object_get(g, "owner_id"));
    u = emu_find_user(c->e, g, ref);
    if (!u || !emu_member(g, json_string_value(json_object_get(u, "id")))) {
        emu_ctl_err(c, 404, "no member \"%s\" in the guild", ref);
        return NULL;
    }
    return u;
}

static json_t *emu_ctl_channel(emu_ctl *c, json_t *g, const char *ref)
{
    json_t *ch;
    const char *k;
    if (ref) {
        ch = emu_find_channel(g, ref);
        if (!ch)
            emu_ctl_err(c, 404, "no channel \"%s\" in the guild", ref);
        return ch;
    }
    if ((ch = emu_find_channel(g, "general")))
        return ch;
    json_object_foreach(json_object_get(g, "channels"), k, ch)
        if (json_integer_value(json_object_get(ch, "type")) == EMU_CH_TEXT)
            return ch;
    emu_ctl_err(c, 404, "the guild has no text channel%s", NULL);
    return NULL;
}

static void emu_ctl_created(emu_ctl *c, json_t *ix)
{
    if (!ix) {
        emu_ctl_err(c, 500, "could not create the interaction%s", NULL);
        return;
    }
    emu_resp_json(c->resp, 200, json_pack("{s:O, s:O, s:O, s:O}", "interaction_id", json_object_get(ix, "id"),
                                          "token", json_object_get(ix, "token"),
                                          "guild_id", json_object_get(ix, "guild_id"),
                                          "channel_id", json_object_get(ix, "channel_id")));
}

/* "late_ms": made that long ago, as one the gateway delivers late; -1 with the error sent. */
static int emu_ctl_late(emu_ctl *c, uint64_t *late)
{
    json_int_t v = json_integer_value(json_object_get(c->req->json, "late_ms"));
    if (v < 0 || v > 60000) {
        emu_ctl_err(c, 400, "late_ms is 0..60000%s", NULL);
        return -1;
    }
    *late = (uint64_t)v;
    return 0;
}

/* POST /_emu/command {"text": "/raffle create prize:Switch"} or {"command", "options"}. */
static void emu_ctl_command(emu_ctl *c)
{
    json_t *g, *u, *ch, *path = NULL, *opts = NULL, *data;
    const char *text = emu_ctl_str(c, "text");
    const char *command = emu_ctl_str(c, "command");
    const char *uid;
    if (!(g = emu_ctl_guild(c)) || !(u = emu_ctl_member_user(c, g, emu_ctl_str(c, "user"))) ||
        !(ch = emu_ctl_channel(c, g, emu_ctl_str(c, "channel"))))
        return;
    uid = json_string_value(json_object_get(u, "id"));
    if (text) {
        if (emu_slash_parse(text, &path, &opts, c->buf, sizeof c->buf)) {
            emu_ctl_err(c, 400, "%s", c->buf);
            return;
        }
    } else if (command) {
        json_t *dummy = NULL;
        if (emu_slash_parse(command, &path, &dummy, c->buf, sizeof c->buf)) {
            emu_ctl_err(c, 400, "%s", c->buf);
            return;
        }
        json_decref(dummy);
        opts = json_is_object(json_object_get(c->req->json, "options"))
            ? json_deep_copy(json_object_get(c->req->json, "options")) : json_object();
    } else {
        emu_ctl_err(c, 400, "give \"text\" or \"command\"%s", NULL);
        return;
    }
    data = emu_slash_build(c->e, g, path, opts, c->buf, sizeof c->buf);
    json_decref(path);
    json_decref(opts);
    if (!data) {
        emu_ctl_err(c, 400, "%s", c->buf);
        return;
    }
    uint64_t late;
    if (!emu_ctl_late(c, &late))
        emu_ctl_created(c, emu_ix_create_late(c->e, 2, g, ch, uid, data, NULL, late));
    json_decref(data);
}

/* Finds a component by custom_id in a message, rows and v2 containers alike. */
static json_t *emu_find_component(json_t *comps, const char *custom_id)
{
    size_t i;
    json_t *v;
    json_array_foreach(comps, i, v) {
        const char *id = json_string_value(json_object_get(v, "custom_id"));
        json_t *sub;
        if (id && !strcmp(id, custom_id))
            return v;
        if ((sub = emu_find_component(json_object_get(v, "components"), custom_id)))
            return sub;
        sub = json_object_get(v, "accessory");
        id = json_string_value(json_object_get(sub, "custom_id"));
        if (id && !strcmp(id, custom_id))
            return sub;
    }
    return NULL;
}

static json_t *emu_ctl_message(emu_ctl *c, json_t **guild)
{
    const char *mid = emu_ctl_str(c, "message_id");
    json_t *m = emu_message(c->e, mid);
    if (!m) {
        emu_ctl_err(c, 404, "no message \"%s\"", mid);
        return NULL;
    }
    if (strcmp(json_string_value(json_object_get(json_object_get(m, "author"), "id")), c->e->bot_id)) {
        emu_ctl_err(c, 400, "message %s was not posted by the bot", mid);
        return NULL;
    }
    *guild = emu_guild(c->e, json_string_value(json_object_get(m, "guild_id")));
    if (!*guild) {
        emu_ctl_err(c, 400, "message %s is not in a guild", mid);
        return NULL;
    }
    return m;
}

/* POST /_emu/click and /_emu/select. */
static void emu_ctl_component(emu_ctl *c, int select)
{
    json_t *g, *m, *comp, *u, *ch, *data, *values = NULL, *resolved = NULL;
    const char *cid = emu_ctl_str(c, "custom_id");
    json_int_t type;
    if (!(m = emu_ctl_message(c, &g)))
        return;
    if (!cid) {
        emu_ctl_err(c, 400, "custom_id is required%s", NULL);
        return;
    }
    comp = emu_find_component(json_object_get(m, "components"), cid);
    if (!comp) {
        emu_ctl_err(c, 400, "the message has no component with custom_id \"%s\"", cid);
        return;
    }
    if (json_is_true(json_object_get(comp, "disabled"))) {
        emu_ctl_err(c, 400, "component \"%s\" is disabled", cid);
        return;
    }
    type = json_integer_value(json_object_get(comp, "type"));
    if (!select && type != 2) {
        emu_ctl_err(c, 400, "component \"%s\" is not a button: use select", cid);
        return;
    }
    if (select && type == 2) {
        emu_ctl_err(c, 400, "component \"%s\" is a button: use click", cid);
        return;
    }
    if (!select && (json_integer_value(json_object_get(comp, "style")) >= 5)) {
        emu_ctl_err(c, 400, "button \"%s\" is a link or premium button: it sends no interaction", cid);
        return;
    }
    if (!(u = emu_ctl_member_user(c, g, emu_ctl_str(c, "user"))))
        return;
    ch = emu_channel(c->e, json_string_value(json_object_get(m, "channel_id")), NULL);
    data = json_pack("{s:s, s:I}", "custom_id", cid, "component_type", type);
    if (select) {
        json_t *given = json_object_get(c->req->json, "values"), *v;
        size_t i;
        json_int_t minv = json_is_integer(json_object_get(comp, "min_values")) ? json_integer_value(json_object_get(comp, "min_values")) : 1;
        json_int_t maxv = json_is_integer(json_object_get(comp, "max_values")) ? json_integer_value(json_object_get(comp, "max_values")) : 1;
        if (!json_is_array(given) || (json_int_t)json_array_size(given) < minv ||
            (json_int_t)json_array_size(given) > maxv) {
            snprintf(c->buf, sizeof c->buf, "select \"%s\" takes %lld to %lld values", cid, (long long)minv,
                     (long long)maxv);
            emu_ctl_err(c, 400, "%s", c->buf);
            json_decref(data);
            return;
        }
        values = json_array();
        resolved = json_object();
        json_array_foreach(given, i, v) {
            const char *s = json_string_value(v);
            int ok = 0;
            if (type == 3) {
                size_t j;
                json_t *o;
                json_array_foreach(json_object_get(comp, "options"), j, o)
                    if (s && !strcmp(json_string_value(json_object_get(o, "value")), s))
                        ok = 1;
                if (ok)
                    json_array_append_new(values, json_string(s));
            } else {
                json_t *found = NULL;
                const char *kind = NULL;
                if ((type == 5 || type == 7) && (found = emu_find_user(c->e, g, s)))
                    kind = "users";
                else if ((type == 6 || type == 7) && (found = emu_find_role(g, s)))
                    kind = "roles";
                else if (type == 8 && (found = emu_find_channel(g, s)))
                    kind = "channels";
                if (found) {
                    const char *fid = json_string_value(json_object_get(found, "id"));
                    json_t *map = json_object_get(resolved, kind);
                    if (!map)
                        json_object_set_new(resolved, kind, map = json_object());
                    json_object_set(map, fid, found);
                    json_array_append_new(values, json_string(fid));
                    ok = 1;
                }
            }
            if (!ok) {
                emu_ctl_err(c, 400, "\"%s\" is not one of the select's options", s ? s : "?");
                json_decref(values);
                json_decref(resolved);
                json_decref(data);
                return;
            }
        }
        json_object_set_new(data, "values", values);
        if (json_object_size(resolved))
            json_object_set(data, "resolved", resolved);
        json_decref(resolved);
    }
    uint64_t late;
    if (!emu_ctl_late(c, &late))
        emu_ctl_created(c, emu_ix_create_late(c->e, 3, g, ch, json_string_value(json_object_get(u, "id")), data, m,
                                              late));
    json_decref(data);
}

/* Collects the text inputs of a modal: custom_id -> definition. */
static void emu_modal_inputs(json_t *modal, json_t *out)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(modal, "components"), i, row) {
        json_t *inp = json_integer_value(json_object_get(row, "type")) == 18
            ? json_object_get(row, "component")
            : json_array_get(json_object_get(row, "components"), 0);
        const char *id = json_string_value(json_object_get(inp, "custom_id"));
        if (id)
            json_object_set_new(out, id, json_pack("{s:O, s:b}", "def", inp,
                                                   "label", json_integer_value(json_object_get(row, "type")) == 18));
    }
}

/* POST /_emu/modal {"interaction_id", "values": {custom_id: text}}. */
static void emu_ctl_modal(emu_ctl *c)
{
    emu *e = c->e;
    json_t *ix = emu_ix_by_id(e, emu_ctl_str(c, "interaction_id"));
    json_t *modal, *inputs, *given, *comps, *data, *v, *g, *ch, *src;
    const char *k;
    if (!ix) {
        emu_ctl_err(c, 404, "no interaction \"%s\"", emu_ctl_str(c, "interaction_id"));
        return;
    }
    modal = json_object_get(ix, "modal");
    if (!json_is_object(modal)) {
        emu_ctl_err(c, 400, "the bot opened no modal for interaction %s", json_string_value(json_object_get(ix, "id")));
        return;
    }
    given = json_object_get(c->req->json, "values");
    if (given && !json_is_object(given)) {
        emu_ctl_err(c, 400, "values must be an object of custom_id: text%s", NULL);
        return;
    }
    inputs = json_object();
    emu_modal_inputs(modal, inputs);
    json_object_foreach(given, k, v)
        if (!json_object_get(inputs, k) || !json_is_string(v)) {
            emu_ctl_err(c, 400, "the modal has no text input \"%s\"", k);
            json_decref(inputs);
            return;
        }
    comps = json_array();
    json_object_foreach(inputs, k, v) {
        json_t *def = json_object_get(v, "def");
        const char *val = json_string_value(json_object_get(given, k));
        size_t len = val ? strlen(val) : 0;
        int required = !json_is_false(json_object_get(def, "required"));
        json_int_t minl = json_integer_value(json_object_get(def, "min_length"));
        json_t *maxl = json_object_get(def, "max_length");
        json_t *field;
        if (!val)
            val = json_string_value(json_object_get(def, "value"));
        len = val ? strlen(val) : 0;
        if ((required && !len) || (len && ((json_int_t)len < minl || (maxl && (json_int_t)len > json_integer_value(maxl))))) {
            emu_ctl_err(c, 400, "text input \"%s\": missing or of a length the modal does not allow", k);
            json_decref(inputs);
            json_decref(comps);
            return;
        }
        field = json_pack("{s:i, s:s, s:s}", "type", 4, "custom_id", k, "value", val ? val : "");
        if (json_is_true(json_object_get(v, "label")))
            json_array_append_new(comps, json_pack("{s:i, s:o}", "type", 18, "component", field));
        else
            json_array_append_new(comps, json_pack("{s:i, s:[o]}", "type", 1, "components", field));
    }
    json_decref(inputs);
    data = json_pack("{s:O, s:o}", "custom_id", json_object_get(modal, "custom_id"), "components", comps);
    g = emu_guild(e, json_string_value(json_object_get(ix, "guild_id")));
    ch = emu_channel(e, json_string_value(json_object_get(ix, "channel_id")), NULL);
    src = emu_message(e, json_string_value(json_object_get(ix, "source_message_id")));
    if (!g || !ch) {
        emu_ctl_err(c, 400, "the interaction's guild or channel is gone%s", NULL);
        json_decref(data);
        return;
    }
    {
        json_t *rec = emu_ix_create(e, 5, g, ch, json_string_value(json_object_get(ix, "user_id")), data, src);
        /* For the submit's triggering_interaction_metadata. */
        if (rec)
            json_object_set(rec, "triggering_interaction_id", json_object_get(ix, "id"));
        emu_ctl_created(c, rec);
    }
    json_decref(data);
}

/* GET /_emu/interactions/{id}?since=V&wait_ms=N */
static void emu_ctl_interaction(emu_ctl *c)
{
    json_t *ix = emu_ix_by_id(c->e, c->seg[1]);
    long since = emu_ctl_int(c, "since", 0);
    long wait = emu_ctl_int(c, "wait_ms", 0);
    if (!ix) {
        emu_ctl_err(c, 404, "no interaction \"%s\"", c->seg[1]);
        return;
    }
    if (json_integer_value(json_object_get(ix, "version")) <= since && wait > 0 && !c->req->final) {
        c->resp->deferred = 1;
        c->resp->wait_ms = (unsigned)(wait > 120000 ? 120000 : wait);
        return;
    }
    emu_resp_json(c->resp, 200, emu_ix_view(c->e, ix));
}

/* GET /_emu/requests?after=SEQ&wait_ms=N&route=PATTERN */
static void emu_ctl_requests(emu_ctl *c)
{
    long after = emu_ctl_int(c, "after", 0);
    long wait = emu_ctl_int(c, "wait_ms", 0);
    long limit = emu_ctl_int(c, "limit", 1000);
    const char *route = emu_ctl_str(c, "route");
    const char *method = emu_ctl_str(c, "method");
    json_t *out = json_array(), *v;
    size_t i, n = json_array_size(c->e->rest_log);
    json_int_t next = after;
    /* Entries are in seq order: skip to the first one after the cursor. */
    i = n;
    while (i > 0 && json_integer_value(json_object_get(json_array_get(c->e->rest_log, i - 1), "seq")) > after)
        i--;
    for (; i < n && (long)json_array_size(out) < limit; i++) {
        v = json_array_get(c->e->rest_log, i);
        next = json_integer_value(json_object_get(v, "seq"));
        if (route && strcmp(json_string_value(json_object_get(v, "route")), route))
            continue;
        if (method && strcmp(json_string_value(json_object_get(v, "method")), method))
            continue;
        json_array_append(out, v);
    }
    if (!json_array_size(out) && wait > 0 && !c->req->final) {
        json_decref(out);
        c->resp->deferred = 1;
        c->resp->wait_ms = (unsigned)(wait > 120000 ? 120000 : wait);
        return;
    }
    emu_resp_json(c->resp, 200, json_pack("{s:o, s:I}", "requests", out, "next", next));
}

static void emu_ctl_join(emu_ctl *c)
{
    emu *e = c->e;
    json_t *g, *user, *roles = json_array(), *v;
    const char *name = emu_ctl_str(c, "username");
    const char *id = emu_ctl_str(c, "id");
    size_t i;
    char sid[24];
    if (!(g = emu_ctl_guild(c))) {
        json_decref(roles);
        return;
    }
    if (!name && !id) {
        emu_ctl_err(c, 400, "username is required%s", NULL);
        json_decref(roles);
        return;
    }
    json_array_foreach(json_object_get(c->req->json, "roles"), i, v) {
        json_t *r = emu_find_role(g, json_string_value(v));
        if (!r) {
            emu_ctl_err(c, 400, "no role \"%s\"", json_string_value(v));
            json_decref(roles);
            return;
        }
        json_array_append(roles, json_object_get(r, "id"));
    }
    user = id ? emu_user(e, id) : NULL;
    if (!user) {
        json_t *age = json_object_get(c->req->json, "created_ago_days");
        if (id) {
            snprintf(sid, sizeof sid, "%s", id);
        } else {
            const uint64_t epoch = 1420070400000ull;
            uint64_t t = emu_now_ms() - (json_is_number(age) ? emu_days_ago_ms(json_number_value(age)) : 0);
            snprintf(sid, sizeof sid, "%llu",
                     (unsigned long long)(((t - epoch) << 22) | (1ull << 17) | (e->sf_incr++ & 0xfff)));
        }
        {
            json_t *given = json_pack("{s:s, s:s, s:s, s:b}", "id", sid, "username", name ? name : sid,
                                      "global_name", name ? name : sid, "bot",
                                      json_is_true(json_object_get(c->req->json, "bot")));
            user = emu_user_new(given);
            json_decref(given);
        }
        json_object_set_new(e->users, sid, user);
    }
    if (emu_member(g, json_string_value(json_object_get(user, "id")))) {
        emu_ctl_err(c, 409, "\"%s\" is already a member", json_string_value(json_object_get(user, "id")));
        json_decref(roles);
        return;
    }
    emu_member_add(e, g, user, roles);
    json_decref(roles);
    emu_resp_json(c->resp, 200, emu_member_json(e, g, json_string_value(json_object_get(user, "id")), 1));
}

static void emu_ctl_member_role(emu_ctl *c, int add)
{
    json_t *g, *u, *r, *roles;
    const char *uid;
    size_t i;
    if (!(g = emu_ctl_guild(c)) || !(u = emu_ctl_member_user(c, g, c->seg[1])))
        return;
    r = emu_find_role(g, c->seg[3]);
    if (!r) {
        emu_ctl_err(c, 404, "no role \"%s\"", c->seg[3]);
        return;
    }
    uid = json_string_value(json_object_get(u, "id"));
    roles = json_object_get(emu_member(g, uid), "roles");
    for (i = 0; i < json_array_size(roles); i++)
        if (json_equal(json_array_get(roles, i), json_object_get(r, "id")))
            break;
    if (add && i == json_array_size(roles))
        json_array_append(roles, json_object_get(r, "id"));
    else if (!add && i < json_array_size(roles))
        json_array_remove(roles, i);
    else {
        emu_resp_json(c->resp, 200, emu_member_json(c->e, g, uid, 1));
        return;
    }
    emu_member_changed(c->e, g, uid);
    emu_resp_json(c->resp, 200, emu_member_json(c->e, g, uid, 1));
}

static void emu_ctl_messages(emu_ctl *c)
{
    json_t *out = json_array(), *m;
    const char *k;
    const char *chref = emu_ctl_str(c, "channel");
    json_t *g = NULL, *ch = NULL;
    if (chref) {
        if (!(g = emu_ctl_guild(c)) || !(ch = emu_ctl_channel(c, g, chref))) {
            json_decref(out);
            return;
        }
    }
    json_object_foreach(c->e->messages, k, m)
        if (!ch || json_equal(json_object_get(m, "channel_id"), json_object_get(ch, "id")))
            json_array_append(out, m);
    emu_resp_json(c->resp, 200, json_pack("{s:o}", "messages", out));
}

int emu_reset(emu *e, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    emu_state_rebuild(e);
    json_object_clear(e->interactions);
    json_object_clear(e->ix_by_token);
    emu_flood_forget(e);
    json_array_clear(e->rest_log);
    json_object_clear(e->stats);
    emu_rl_reset(e);
    return 0;
}

static void emu_ctl_reset(emu_ctl *c)
{
    emu *e = c->e;
    json_t *keep = json_incref(e->commands);
    int keep_commands = !json_is_false(json_object_get(c->req->json, "keep_commands"));
    emu_reset(e, NULL, 0);
    if (keep_commands) {
        json_decref(e->commands);
        e->commands = keep;
    } else {
        json_decref(keep);
    }
    if (json_is_true(json_object_get(c->req->json, "disconnect")))
        emu_gw_reset(e);
    emu_resp_json(c->resp, 200, json_pack("{s:b}", "ok", 1));
}

static void emu_ctl_info(emu_ctl *c)
{
    emu *e = c->e;
    char url[96], gw[96];
    json_t *guilds = json_array(), *g;
    const char *k;
    snprintf(url, sizeof url, "http://%s:%d/api/v10", e->o.host, e->port);
    snprintf(gw, sizeof gw, "ws://%s:%d", e->o.host, e->port);
    json_object_foreach(e->guilds, k, g)
        json_array_append_new(guilds, json_pack("{s:s, s:O}", "id", k, "name", json_object_get(g, "name")));
    emu_resp_json(c->resp, 200, json_pack("{s:s, s:s, s:s, s:s, s:o, s:i}", "api", url, "gateway", gw,
                                          "application_id", e->app_id, "bot_id", e->bot_id,
                                          "guilds", guilds, "shards", e->o.shards));
}

#define IS(m, n, ...) emu_ctl_is(&c, m, n, __VA_ARGS__)

static int emu_ctl_is(emu_ctl *c, const char *method, int n, const char *s0, const char *s1, const char *s2)
{
    const char *want[3] = {s0, s1, s2};
    if (strcmp(c->req->method, method) || c->nseg != n)
        return 0;
    for (int i = 0; i < n && i < 3; i++)
        if (want[i] && strcmp(want[i], c->seg[i]))
            return 0;
    return 1;
}

void emu_control_handle(emu *e, const emu_req *req, emu_resp *resp)
{
    emu_ctl c;
    char path[512], *p, *save = NULL;
    json_t *g;
    memset(&c, 0, sizeof c);
    c.e = e;
    c.req = req;
    c.resp = resp;
    snprintf(path, sizeof path, "%s", req->path + 5);
    for (p = strtok_r(path, "/", &save); p && c.nseg < 6; p = strtok_r(NULL, "/", &save))
        c.seg[c.nseg++] = p;
    if (req->json_error) {
        emu_ctl_err(&c, 400, "the body is not JSON%s", NULL);
        return;
    }
    if (emu_flood_handle(e, req, resp))
        return;
    if (IS("GET", 0, NULL, NULL, NULL))
        emu_ctl_info(&c);
    else if (IS("POST", 1, "command", NULL, NULL))
        emu_ctl_command(&c);
    else if (IS("POST", 1, "click", NULL, NULL))
        emu_ctl_component(&c, 0);
    else if (IS("POST", 1, "select", NULL, NULL))
        emu_ctl_component(&c, 1);
    else if (IS("POST", 1, "modal", NULL, NULL))
        emu_ctl_modal(&c);
    else if (IS("GET", 2, "interactions", NULL, NULL))
        emu_ctl_interaction(&c);
    else if (IS("GET", 1, "requests", NULL, NULL))
        emu_ctl_requests(&c);
    else if (IS("GET", 1, "schema", NULL, NULL))
        emu_resp_json(resp, 200, emu_schema_report(e));
    else if (IS("GET", 1, "violations", NULL, NULL))
        emu_resp_json(resp, 200, json_pack("{s:O}", "violations", e->violations));
    else if (IS("GET", 1, "stats", NULL, NULL))
        emu_resp_json(resp, 200, json_pack("{s:O, s:o, s:I, s:I}", "counters", e->stats,
                                           "gateway", emu_gw_stats(e),
                                           "violations", (json_int_t)json_array_size(e->violations),
                                           "rest_requests", (json_int_t)e->rest_seq));
    else if (IS("GET", 1, "state", NULL, NULL))
        emu_resp_json(resp, 200, emu_state_dump(e));
    else if (IS("POST", 1, "reset", NULL, NULL))
        emu_ctl_reset(&c);
    else if (IS("GET", 1, "messages", NULL, NULL))
        emu_ctl_messages(&c);
    else if (IS("DELETE", 2, "messages", NULL, NULL)) {
        if (!emu_message(e, c.seg[1]))
            emu_ctl_err(&c, 404, "no message \"%s\"", c.seg[1]);
        else {
            emu_message_delete(e, c.seg[1]);
            emu_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
        }
    } else if (IS("POST", 1, "members", NULL, NULL))
        emu_ctl_join(&c);
    else if (IS("DELETE", 2, "members", NULL, NULL)) {
        json_t *u;
        if ((g = emu_ctl_guild(&c)) && (u = emu_ctl_member_user(&c, g, c.seg[1]))) {
            emu_member_remove(e, g, json_string_value(json_object_get(u, "id")), 0);
            emu_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
        }
    } else if (IS("PUT", 4, "members", NULL, "roles"))
        emu_ctl_member_role(&c, 1);
    else if (IS("DELETE", 4, "members", NULL, "roles"))
        emu_ctl_member_role(&c, 0);
    else if (IS("DELETE", 2, "roles", NULL, NULL) || IS("PATCH", 2, "roles", NULL, NULL)) {
        json_t *r;
        if (!(g = emu_ctl_guild(&c)))
            return;
        if (!(r = emu_find_role(g, c.seg[1])) || json_equal(json_object_get(r, "id"), json_object_get(g, "id"))) {
            emu_ctl_err(&c, 404, "no role \"%s\" (or it is @everyone)", c.seg[1]);
            return;
        }
        snprintf(c.buf, sizeof c.buf, "%s", json_string_value(json_object_get(r, "id")));
        if (!strcmp(req->method, "DELETE"))
            emu_role_delete(e, g, c.buf);
        else
            emu_role_move(e, g, c.buf, (int)emu_ctl_int(&c, "position", 1));
        emu_resp_json(resp, 200, emu_role_list(g));
    } else if (IS("DELETE", 2, "channels", NULL, NULL)) {
        json_t *ch;
        if ((g = emu_ctl_guild(&c)) && (ch = emu_ctl_channel(&c, g, c.seg[1]))) {
            snprintf(c.buf, sizeof c.buf, "%s", json_string_value(json_object_get(ch, "id")));
            emu_channel_delete(e, g, c.buf);
            emu_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
        }
    } else if (IS("POST", 2, "faults", "rest", NULL)) {
        if (emu_fault_add(e, req->json, c.buf, sizeof c.buf))
            emu_ctl_err(&c, 400, "%s", c.buf);
        else
            emu_resp_json(resp, 200, json_pack("{s:O}", "faults", e->faults));
    } else if (IS("POST", 2, "faults", "gateway", NULL)) {
        int n = emu_gw_fault(e, req->json, c.buf, sizeof c.buf);
        if (n < 0)
            emu_ctl_err(&c, 400, "%s", c.buf);
        else
            emu_resp_json(resp, 200, json_pack("{s:i}", "connections", n));
    } else if (IS("DELETE", 1, "faults", NULL, NULL)) {
        json_array_clear(e->faults);
        emu_resp_json(resp, 200, json_pack("{s:b}", "ok", 1));
    } else
        emu_ctl_err(&c, 404, "no control endpoint %s (see README.md)", req->path);
}
