/*
 * REST: interaction callbacks and the interaction webhook (follow-ups and the
 * original response), with Discord's rules: one initial response per
 * interaction (40060), within 3 seconds, tokens valid for 15 minutes (10062 /
 * 50027), callback types allowed per interaction type, limits on bodies.
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

int emu_rest_check_message(emu_call *c, const json_t *body, int creating);

static void emu_bad_type(emu_call *c, const char *why)
{
    json_t *errors = json_object();
    emu_form_error(errors, "type", "INTERACTION_CALLBACK_TYPE_INVALID", why);
    emu_rest_form_errors(c, errors);
}

/*
 * The name Discord gives the deprecated `interaction` object of a message: the
 * command with its subcommand group and subcommand ("raffle create"); for a
 * component or modal, that of the command whose message carried it.
 */
static json_t *emu_ix_name(const json_t *payload)
{
    const json_t *data = json_object_get(payload, "data");
    const json_t *opts = json_object_get(data, "options");
    const char *name = json_string_value(json_object_get(data, "name"));
    char buf[200];
    if (json_integer_value(json_object_get(payload, "type")) != 2 || !name) {
        const json_t *from = json_object_get(json_object_get(payload, "message"), "interaction");
        return json_string(json_string_value(json_object_get(from, "name")) ? json_string_value(json_object_get(from, "name")) : "");
    }
    snprintf(buf, sizeof buf, "%s", name);
    for (int depth = 0; depth < 2; depth++) {
        const json_t *o = json_array_get(opts, 0);
        json_int_t t = json_integer_value(json_object_get(o, "type"));
        size_t l = strlen(buf);
        if (t != 1 && t != 2)
            break;
        snprintf(buf + l, sizeof buf - l, " %s", json_string_value(json_object_get(o, "name")));
        opts = json_object_get(o, "options");
    }
    return json_string(buf);
}

/* The deprecated MessageInteraction Discord still sends beside interaction_metadata. */
static json_t *emu_ix_legacy(const json_t *ix, const json_t *payload)
{
    json_t *member = json_object_get(payload, "member"), *m = json_object(), *v, *out;
    const char *k;
    /* The member without user and permissions; the values are shared, never changed. */
    json_object_foreach(member, k, v)
        if (strcmp(k, "user") && strcmp(k, "permissions"))
            json_object_set(m, k, v);
    out = json_pack("{s:O, s:O, s:o, s:O}", "id", json_object_get(ix, "id"), "type",
                    json_object_get(ix, "type"), "name", emu_ix_name(payload), "user",
                    json_object_get(member, "user"));
    if (m)
        json_object_set_new(out, "member", m);
    return out;
}

/*
 * interaction_metadata as Discord shapes it per interaction type: the clicked
 * message of a component, the interaction that opened a modal, and on a
 * follow-up the original response.
 */
static json_t *emu_ix_metadata(emu *e, json_t *ix, int followup, int depth)
{
    json_t *payload = json_object_get(ix, "payload");
    json_int_t type = json_integer_value(json_object_get(ix, "type"));
    json_t *md = json_pack("{s:O, s:O, s:O, s:{s:O}}", "id", json_object_get(ix, "id"), "type",
                           json_object_get(ix, "type"), "user",
                           json_object_get(json_object_get(payload, "member"), "user"),
                           "authorizing_integration_owners", "0", json_object_get(ix, "guild_id"));
    const json_t *orig = json_object_get(ix, "original_message_id");
    if (!md)
        return NULL;
    if (followup && json_is_string(orig))
        json_object_set(md, "original_response_message_id", (json_t *)orig);
    if (type == 3 && json_is_string(json_object_get(ix, "source_message_id")))
        json_object_set(md, "interacted_message_id", json_object_get(ix, "source_message_id"));
    if (type == 5 && depth == 0) {
        json_t *trigger = emu_ix_by_id(e, json_string_value(json_object_get(ix, "triggering_interaction_id")));
        json_t *tm = trigger ? emu_ix_metadata(e, trigger, 0, depth + 1) : NULL;
        if (tm)
            json_object_set_new(md, "triggering_interaction_metadata", tm);
    }
    return md;
}

static json_t *emu_ix_message(emu *e, json_t *ix, json_t *body, int followup)
{
    json_t *payload = json_object_get(ix, "payload");
    json_int_t itype = json_integer_value(json_object_get(ix, "type"));
    /* Part of the message from the start, so MESSAGE_CREATE carries them too. */
    json_t *extra = json_pack("{s:s, s:o, s:o}", "application_id", e->app_id, "interaction_metadata",
                              emu_ix_metadata(e, ix, followup, 0), "interaction", emu_ix_legacy(ix, payload));
    json_t *msg = emu_message_post_with(e, json_string_value(json_object_get(ix, "channel_id")), body,
                                        emu_user(e, e->bot_id), itype == 2 && !followup ? 20 : (followup ? 0 : 19),
                                        e->app_id, extra);
    json_decref(extra);
    return msg;
}

void emu_rest_ix_callback(emu_call *c)
{
    emu *e = c->e;
    json_t *ix = emu_ix_by_id(e, c->p[0]);
    json_t *body = c->req->json, *data, *msg = NULL;
    json_int_t type, itype;
    const char *wr = json_string_value(json_object_get(c->req->query, "with_response"));
    uint64_t age;

    if (!ix || strcmp(json_string_value(json_object_get(ix, "token")), c->p[1])) {
        emu_resp_error(c->resp, 404, 10062, "Unknown interaction");
        return;
    }
    age = emu_now_ms() - (uint64_t)json_integer_value(json_object_get(ix, "created_ms"));
    if (json_is_true(json_object_get(ix, "acked"))) {
        emu_resp_error(c->resp, 400, 40060, "Interaction has already been acknowledged.");
        emu_ix_log(e, ix, "callback_refused", json_pack("{s:i, s:O}", "code", 40060, "body", body ? body : json_null()));
        emu_flood_tally(e, 40060, age);
        return;
    }
    if (age > (uint64_t)e->o.interaction_ack_ms) {
        emu_resp_error(c->resp, 404, 10062, "Unknown interaction");
        emu_ix_log(e, ix, "callback_refused", json_pack("{s:i, s:I}", "code", 10062, "age_ms", (json_int_t)age));
        emu_stat_add(e, "interactions", "late_callbacks", 1);
        emu_flood_tally(e, 10062, age);
        return;
    }
    if (!json_is_object(body) || !json_is_integer(json_object_get(body, "type"))) {
        json_t *errors = json_object();
        emu_form_error(errors, "type", "BASE_TYPE_REQUIRED", "This field is required");
        emu_rest_form_errors(c, errors);
        return;
    }
    type = json_integer_value(json_object_get(body, "type"));
    itype = json_integer_value(json_object_get(ix, "type"));
    data = json_object_get(body, "data");
    switch (type) {
    case 1:
        if (itype != 1) {
            emu_bad_type(c, "PONG is only valid for PING interactions");
            return;
        }
        break;
    case 4:
    case 5:
        if (itype == 1 || itype == 4) {
            emu_bad_type(c, "Not valid for this interaction type");
            return;
        }
        if (type == 4 && emu_rest_check_message(c, data, 1))
            return;
        if (type == 5) {
            json_t *loading = json_pack("{s:s, s:I}", "content", "",
                                        "flags", (json_int_t)(128 | (json_integer_value(json_object_get(data, "flags")) & 64)));
            msg = emu_ix_message(e, ix, loading, 0);
            json_decref(loading);
        } else {
            msg = emu_ix_message(e, ix, data, 0);
        }
        if (!msg) {
            emu_resp_error(c->resp, 404, 10003, "Unknown Channel");
            return;
        }
        json_object_set(ix, "original_message_id", json_object_get(msg, "id"));
        break;
    case 6:
    case 7: {
        const char *src = json_string_value(json_object_get(ix, "source_message_id"));
        json_t *sm = emu_message(e, src);
        if ((itype != 3 && itype != 5) || !src) {
            emu_bad_type(c, "Only valid for component interactions");
            return;
        }
        if (!sm) {
            emu_resp_error(c->resp, 404, 10008, "Unknown Message");
            return;
        }
        if (type == 7) {
            if (emu_rest_check_message(c, data, 0))
                return;
            emu_message_edit(e, sm, data);
        }
        json_object_set_new(ix, "original_message_id", json_string(src));
        msg = sm;
        break;
    }
    case 8:
        if (itype != 4) {
            emu_bad_type(c, "Only valid for autocomplete interactions");
            return;
        }
        if (json_array_size(json_object_get(data, "choices")) > 25) {
            json_t *errors = json_object();
            emu_form_error(errors, "data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
            emu_rest_form_errors(c, errors);
            return;
        }
        break;
    case 9: {
        json_t *errors;
        if (itype == 1 || itype == 4 || itype == 5) {
            emu_bad_type(c, "A modal cannot answer this interaction type");
            return;
        }
        errors = json_object();
        if (emu_validate_modal(data, errors)) {
            emu_rest_form_errors(c, errors);
            return;
        }
        json_decref(errors);
        json_object_set(ix, "modal", data);
        break;
    }
    default:
        emu_bad_type(c, "Value must be one of {1, 4, 5, 6, 7, 8, 9}.");
        return;
    }
    json_object_set_new(ix, "acked", json_true());
    json_object_set_new(ix, "response", json_pack("{s:I, s:O}", "type", type, "data", data ? data : json_null()));
    emu_ix_log(e, ix, "callback", json_pack("{s:I, s:O, s:I}", "type", type, "data", data ? data : json_null(),
                                            "age_ms", (json_int_t)age));
    emu_stat_add(e, "interactions", "responded", 1);
    emu_flood_tally(e, 0, age);
    if (wr && !strcmp(wr, "true")) {
        json_t *out = json_pack("{s:{s:O, s:O}}", "interaction", "id", json_object_get(ix, "id"),
                                "type", json_object_get(ix, "type"));
        json_t *inter = json_object_get(out, "interaction");
        if (msg) {
            json_int_t f = json_integer_value(json_object_get(msg, "flags"));
            json_object_set(inter, "response_message_id", json_object_get(msg, "id"));
            json_object_set_new(inter, "response_message_loading", json_boolean(f & 128));
            json_object_set_new(inter, "response_message_ephemeral", json_boolean(f & 64));
            /* A resource only for a message made or updated now (4, 7), as Discord's description says. */
            if (type == 4 || type == 7)
                json_object_set_new(out, "resource", json_pack("{s:I, s:O}", "type", type, "message", msg));
        }
        emu_resp_json(c->resp, 200, out);
    } else {
        emu_resp_json(c->resp, 204, NULL);
    }
}

/* The interaction behind /webhooks/{app}/{token}, or NULL with the error sent. */
static json_t *emu_rest_wh_ix(emu_call *c)
{
    json_t *ix = emu_ix_by_token(c->e, c->p[0], c->p[1]);
    if (!ix) {
        emu_resp_error(c->resp, 404, 10015, "Unknown Webhook");
        return NULL;
    }
    if (!emu_ix_token_valid(c->e, ix)) {
        emu_resp_error(c->resp, 401, 50027, "Invalid Webhook Token");
        return NULL;
    }
    if (!json_is_true(json_object_get(ix, "acked"))) {
        emu_resp_error(c->resp, 404, 10015, "Unknown Webhook");
        return NULL;
    }
    return ix;
}

void emu_rest_wh_execute(emu_call *c)
{
    json_t *ix, *msg;
    if (!(ix = emu_rest_wh_ix(c)))
        return;
    if (emu_rest_check_message(c, c->req->json, 1))
        return;
    msg = emu_ix_message(c->e, ix, c->req->json, 1);
    if (!msg) {
        emu_resp_error(c->resp, 404, 10003, "Unknown Channel");
        return;
    }
    json_array_append(json_object_get(ix, "followups"), json_object_get(msg, "id"));
    emu_ix_log(c->e, ix, "followup", json_pack("{s:O, s:O}", "message_id", json_object_get(msg, "id"),
                                              "body", c->req->json));
    emu_resp_json(c->resp, 200, json_deep_copy(msg));
}

/* Resolves @original or a follow-up id of this interaction. */
static json_t *emu_rest_wh_message(emu_call *c, json_t *ix)
{
    const char *mid = c->p[2];
    json_t *m;
    size_t i;
    json_t *v;
    int mine = 0;
    if (!strcmp(mid, "@original")) {
        mid = json_string_value(json_object_get(ix, "original_message_id"));
        mine = mid != NULL;
    } else {
        const char *orig = json_string_value(json_object_get(ix, "original_message_id"));
        mine = orig && !strcmp(orig, mid);
        json_array_foreach(json_object_get(ix, "followups"), i, v)
            if (!strcmp(json_string_value(v), mid))
                mine = 1;
    }
    m = mine ? emu_message(c->e, mid) : NULL;
    if (!m)
        emu_resp_error(c->resp, 404, 10008, "Unknown Message");
    return m;
}

void emu_rest_wh_msg_get(emu_call *c)
{
    json_t *ix, *m;
    if (!(ix = emu_rest_wh_ix(c)) || !(m = emu_rest_wh_message(c, ix)))
        return;
    emu_resp_json(c->resp, 200, json_deep_copy(m));
}

void emu_rest_wh_msg_edit(emu_call *c)
{
    json_t *ix, *m;
    json_int_t flags;
    if (!(ix = emu_rest_wh_ix(c)) || !(m = emu_rest_wh_message(c, ix)))
        return;
    if (emu_rest_check_message(c, c->req->json, 0))
        return;
    flags = json_integer_value(json_object_get(m, "flags"));
    if (flags & 128) {
        /* Editing a deferred response replaces the "thinking" state. */
        json_object_set_new(m, "flags", json_integer(flags & ~(json_int_t)128));
    }
    emu_message_edit(c->e, m, c->req->json);
    emu_ix_log(c->e, ix, "edit", json_pack("{s:O, s:s, s:O}", "message_id", json_object_get(m, "id"),
                                          "target", c->p[2], "body", c->req->json));
    emu_resp_json(c->resp, 200, json_deep_copy(m));
}

void emu_rest_wh_msg_delete(emu_call *c)
{
    json_t *ix, *m;
    char id[24];
    if (!(ix = emu_rest_wh_ix(c)) || !(m = emu_rest_wh_message(c, ix)))
        return;
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(m, "id")));
    emu_message_delete(c->e, id);
    emu_ix_log(c->e, ix, "delete", json_pack("{s:s, s:s}", "message_id", id, "target", c->p[2]));
    emu_resp_json(c->resp, 204, NULL);
}
