/*
 * REST: channels and their messages, with Discord's permission checks
 * (VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, READ_MESSAGE_HISTORY,
 * MANAGE_MESSAGES, overwrites included) and message limits.
 */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *emu_rest_channel(emu_call *c, const char *id, json_t **guild)
{
    json_t *ch = emu_channel(c->e, id, guild);
    if (!ch)
        emu_resp_error(c->resp, 404, 10003, "Unknown Channel");
    return ch;
}

int emu_message_is_empty(const json_t *body);
int emu_message_is_empty(const json_t *body)
{
    const char *content = json_string_value(json_object_get(body, "content"));
    return (!content || !*content) && !json_array_size(json_object_get(body, "embeds")) &&
           !json_array_size(json_object_get(body, "components")) &&
           !json_array_size(json_object_get(body, "sticker_ids")) &&
           !json_object_get(body, "poll") && !json_array_size(json_object_get(body, "attachments"));
}

/* Validates a message body; answers 50035/50006 and returns -1 when bad. */
int emu_rest_check_message(emu_call *c, const json_t *body, int creating);
int emu_rest_check_message(emu_call *c, const json_t *body, int creating)
{
    json_t *errors = json_object();
    if (emu_validate_message(body, creating, errors)) {
        emu_rest_form_errors(c, errors);
        return -1;
    }
    json_decref(errors);
    if (creating && emu_message_is_empty(body)) {
        emu_resp_error(c->resp, 400, 50006, "Cannot send an empty message");
        return -1;
    }
    return 0;
}

void emu_rest_channel_get(emu_call *c)
{
    json_t *guild;
    json_t *ch = emu_rest_channel(c, c->p[0], &guild);
    if (!ch)
        return;
    if (guild && !(emu_perms_channel(c->e, guild, ch, c->e->bot_id) & EMU_P_VIEW_CHANNEL)) {
        emu_resp_error(c->resp, 403, 50001, "Missing Access");
        return;
    }
    emu_resp_json(c->resp, 200, json_deep_copy(ch));
}

void emu_rest_msg_create(emu_call *c)
{
    emu *e = c->e;
    json_t *guild, *ch, *body = c->req->json, *msg;
    uint64_t need = EMU_P_SEND_MESSAGES;
    if (!(ch = emu_rest_channel(c, c->p[0], &guild)))
        return;
    if (json_integer_value(json_object_get(ch, "type")) == EMU_CH_CATEGORY) {
        emu_resp_error(c->resp, 400, 50008, "Cannot send messages in a non-text channel");
        return;
    }
    if (json_array_size(json_object_get(body, "embeds")))
        need |= EMU_P_EMBED_LINKS;
    if (guild && emu_rest_need(c, guild, ch, need))
        return;
    if (emu_rest_check_message(c, body, 1))
        return;
    {
        const json_t *ref = json_object_get(body, "message_reference");
        const char *rid = json_string_value(json_object_get(ref, "message_id"));
        if (ref && !json_is_null(ref) && (!rid || !emu_message(e, rid))) {
            json_t *errors = json_object();
            emu_form_error(errors, "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                           "Unknown message");
            emu_rest_form_errors(c, errors);
            return;
        }
    }
    msg = emu_message_post(e, c->p[0], body, emu_user(e, e->bot_id), 0, NULL);
    emu_resp_json(c->resp, 200, json_deep_copy(msg));
}

static json_t *emu_rest_channel_message(emu_call *c, json_t **guild, json_t **ch)
{
    json_t *msg;
    if (!(*ch = emu_rest_channel(c, c->p[0], guild)))
        return NULL;
    msg = emu_message(c->e, c->p[1]);
    if (!msg || strcmp(json_string_value(json_object_get(msg, "channel_id")), c->p[0]) ||
        (json_integer_value(json_object_get(msg, "flags")) & 64)) {
        emu_resp_error(c->resp, 404, 10008, "Unknown Message");
        return NULL;
    }
    return msg;
}

void emu_rest_msg_get(emu_call *c)
{
    json_t *guild, *ch;
    json_t *msg;
    if (!(msg = emu_rest_channel_message(c, &guild, &ch)))
        return;
    if (guild && emu_rest_need(c, guild, ch, EMU_P_READ_HISTORY))
        return;
    emu_resp_json(c->resp, 200, json_deep_copy(msg));
}

static int emu_cmp_id_desc(const void *a, const void *b)
{
    unsigned long long x = strtoull(json_string_value(json_object_get(*(json_t *const *)a, "id")), NULL, 10);
    unsigned long long y = strtoull(json_string_value(json_object_get(*(json_t *const *)b, "id")), NULL, 10);
    return x < y ? 1 : x > y ? -1 : 0;
}

void emu_rest_msg_list(emu_call *c)
{
    json_t *guild, *ch, *m, *out;
    const char *k;
    json_t **all;
    size_t n = 0, i;
    long limit = 50;
    const char *lim = json_string_value(json_object_get(c->req->query, "limit"));
    const char *before = json_string_value(json_object_get(c->req->query, "before"));
    const char *after = json_string_value(json_object_get(c->req->query, "after"));
    if (!(ch = emu_rest_channel(c, c->p[0], &guild)))
        return;
    if (guild && emu_rest_need(c, guild, ch, EMU_P_READ_HISTORY))
        return;
    if (lim) {
        limit = strtol(lim, NULL, 10);
        if (limit < 1 || limit > 100) {
            json_t *errors = json_object();
            emu_form_error(errors, "limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100.");
            emu_rest_form_errors(c, errors);
            return;
        }
    }
    all = calloc(json_object_size(c->e->messages) + 1, sizeof *all);
    if (!all) {
        emu_resp_error(c->resp, 500, 0, "500: Internal Server Error");
        return;
    }
    json_object_foreach(c->e->messages, k, m) {
        unsigned long long id = strtoull(k, NULL, 10);
        if (strcmp(json_string_value(json_object_get(m, "channel_id")), c->p[0]) ||
            (json_integer_value(json_object_get(m, "flags")) & 64))
            continue;
        if (before && id >= strtoull(before, NULL, 10))
            continue;
        if (after && id <= strtoull(after, NULL, 10))
            continue;
        all[n++] = m;
    }
    qsort(all, n, sizeof *all, emu_cmp_id_desc);
    out = json_array();
    for (i = 0; i < n && (long)i < limit; i++)
        json_array_append_new(out, json_deep_copy(all[i]));
    free(all);
    emu_resp_json(c->resp, 200, out);
}

void emu_rest_msg_edit(emu_call *c)
{
    json_t *guild, *ch, *msg;
    if (!(msg = emu_rest_channel_message(c, &guild, &ch)))
        return;
    if (strcmp(json_string_value(json_object_get(json_object_get(msg, "author"), "id")), c->e->bot_id) ||
        json_object_get(msg, "webhook_id")) {
        emu_resp_error(c->resp, 403, 50005, "Cannot edit a message authored by another user");
        return;
    }
    if (guild && json_array_size(json_object_get(c->req->json, "embeds")) &&
        emu_rest_need(c, guild, ch, EMU_P_EMBED_LINKS))
        return;
    if (emu_rest_check_message(c, c->req->json, 0))
        return;
    emu_message_edit(c->e, msg, c->req->json);
    emu_resp_json(c->resp, 200, json_deep_copy(msg));
}

void emu_rest_msg_delete(emu_call *c)
{
    json_t *guild, *ch, *msg;
    if (!(msg = emu_rest_channel_message(c, &guild, &ch)))
        return;
    if (strcmp(json_string_value(json_object_get(json_object_get(msg, "author"), "id")), c->e->bot_id) &&
        guild && emu_rest_need(c, guild, ch, EMU_P_MANAGE_MESSAGES))
        return;
    if (guild && !(emu_perms_channel(c->e, guild, ch, c->e->bot_id) & EMU_P_VIEW_CHANNEL)) {
        emu_resp_error(c->resp, 403, 50001, "Missing Access");
        return;
    }
    emu_message_delete(c->e, c->p[1]);
    emu_resp_json(c->resp, 204, NULL);
}
