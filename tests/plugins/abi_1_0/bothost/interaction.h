/*
 * Reading and answering interactions: slash commands, buttons, selects, modals,
 * autocomplete. Included by <bothost/bothost.h>.
 *
 * Discord wants an answer within 3 seconds. A handler that has not answered
 * within [host] auto_defer_ms is deferred by the host; its later bh_reply() then
 * becomes an edit of the deferred response, so slow handlers need do nothing.
 */
#ifndef BOTHOST_INTERACTION_H
#define BOTHOST_INTERACTION_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Reading ------------------------------------------------------------ */

/* An id of the call (BH_ID_GUILD, _CHANNEL, _USER, _INTERACTION, _MESSAGE), 0 if none. */
static inline uint64_t bh_id(bh_ctx *c, int which)
{
    return bh__api->id(c, which);
}

/*
 * A command option by name, among the options of the subcommand that ran (the
 * JSON object {name, type, value}), or NULL when the user left it out.
 */
static inline const json_t *bh_option(bh_ctx *c, const char *name)
{
    return bh__api->option(c, name);
}

/* A string option's value, or `def`. */
static inline const char *bh_opt_str(bh_ctx *c, const char *name, const char *def)
{
    const char *s = json_string_value(json_object_get(bh__api->option(c, name), "value"));
    return s ? s : def;
}

/* An integer option's value, or `def`. */
static inline int64_t bh_opt_int(bh_ctx *c, const char *name, int64_t def)
{
    const json_t *v = json_object_get(bh__api->option(c, name), "value");
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

/* A number option's value, or `def`. */
static inline double bh_opt_f64(bh_ctx *c, const char *name, double def)
{
    const json_t *v = json_object_get(bh__api->option(c, name), "value");
    return json_is_number(v) ? json_number_value(v) : def;
}

/* A boolean option's value, or `def`. */
static inline int bh_opt_bool(bh_ctx *c, const char *name, int def)
{
    const json_t *v = json_object_get(bh__api->option(c, name), "value");
    return json_is_boolean(v) ? json_is_true(v) : def;
}

/* A user, role, channel or mentionable option's id, or 0. */
static inline uint64_t bh_opt_id(bh_ctx *c, const char *name)
{
    const char *s = json_string_value(json_object_get(bh__api->option(c, name), "value"));
    return s ? strtoull(s, NULL, 10) : 0;
}

/*
 * The resolved object Discord sent for an id given in an option: kind is
 * "users", "members", "roles", "channels" or "attachments". Borrowed; NULL if none.
 */
static inline const json_t *bh_resolved(bh_ctx *c, const char *kind, uint64_t id)
{
    return bh__api->resolved(c, kind, id);
}

/*
 * The custom_id of a component or modal, split at ':' after the plugin's name:
 * for "raffle:claim:42", part 0 is "claim" and part 1 is "42". NULL past the end.
 */
static inline int bh_cid_count(bh_ctx *c)
{
    return bh__api->cid_count(c);
}
static inline const char *bh_cid_part(bh_ctx *c, int i)
{
    return bh__api->cid_part(c, i);
}
/* A custom_id part as an integer; -1 when absent or not a number. */
static inline int64_t bh_cid_i64(bh_ctx *c, int i)
{
    const char *s = bh__api->cid_part(c, i);
    char *end;
    if (!s || !*s)
        return -1;
    long long v = strtoll(s, &end, 10);
    return *end ? -1 : (int64_t)v;
}

/* The values a user chose in a select menu (ids for user/role/channel selects). */
static inline int bh_value_count(bh_ctx *c)
{
    return bh__api->value_count(c);
}
static inline const char *bh_value(bh_ctx *c, int i)
{
    return bh__api->value(c, i);
}

/* A modal's text field by its custom_id (as given to bh_modal_text()), or NULL. */
static inline const char *bh_field(bh_ctx *c, const char *custom_id)
{
    return bh__api->field(c, custom_id);
}

/* The acting member's permissions in the channel, as Discord computed them. */
static inline uint64_t bh_member_perms(bh_ctx *c)
{
    return bh__api->member_perms(c);
}

/* The acting member's role ids; returns how many there are (may exceed max). */
static inline int bh_member_roles(bh_ctx *c, uint64_t *out, int max)
{
    return bh__api->member_roles(c, out, max);
}

/* ---- Building messages --------------------------------------------------- */

/*
 * A new message, owned by the call (freed when it ends, or by bh_msg_free()).
 * Every builder checks Discord's limits: the first one broken is kept as the
 * message's error (bh_msg_error()), later calls do nothing, and sending it fails
 * with BH_ELIMIT and that text. A NULL message (out of memory) is accepted
 * everywhere and fails the same way.
 */
static inline bh_msg *bh_msg_new(bh_ctx *c)
{
    return bh__api->msg_new(c);
}
static inline void bh_msg_free(bh_msg *m)
{
    bh__api->msg_free(m);
}
/* The text (2000 characters at most). By default only user mentions ping. */
static inline int bh_msg_content(bh_msg *m, const char *text)
{
    return bh__api->msg_content(m, text);
}
/* BH_MSG_EPHEMERAL (only the acting user sees it), BH_MSG_SUPPRESS_EMBEDS. */
static inline int bh_msg_flags(bh_msg *m, uint32_t flags)
{
    return bh__api->msg_flags(m, flags);
}
/* Adds an embed (10 at most; 6000 characters across all of them). */
static inline bh_embed *bh_msg_embed(bh_msg *m)
{
    return bh__api->msg_embed(m);
}
/* Sets an embed text (BH_EMBED_TITLE 256, _DESCRIPTION 4096, _FOOTER 2048, ...). */
static inline int bh_embed_set(bh_embed *e, int part, const char *text)
{
    return bh__api->embed_set(e, part, text);
}
static inline int bh_embed_color(bh_embed *e, uint32_t rgb)
{
    return bh__api->embed_color(e, rgb);
}
/* Adds a field (25 at most; name 256, value 1024 characters). */
static inline int bh_embed_field(bh_embed *e, const char *name, const char *value, int inline_)
{
    return bh__api->embed_field(e, name, value, inline_);
}
/* Adds an action row (5 at most): up to 5 buttons, or one select. */
static inline bh_row *bh_msg_row(bh_msg *m)
{
    return bh__api->msg_row(m);
}
/*
 * Adds a button. `custom_id` is this plugin's id ("claim:42"): the host makes it
 * "<plugin>:claim:42" and routes clicks on it back here. For BH_BUTTON_LINK it is
 * the URL instead. `emoji` is a unicode emoji or "name:id", or NULL.
 */
static inline int bh_row_button(bh_row *r, int style, const char *label, const char *custom_id,
                                const char *emoji, int disabled)
{
    return bh__api->row_button(r, style, label, custom_id, emoji, disabled);
}
/* Adds a select menu (BH_SELECT_STRING with options, or a user/role/channel select). */
static inline bh_select *bh_row_select(bh_row *r, int kind, const char *custom_id,
                                       const char *placeholder, int min_values, int max_values)
{
    return bh__api->row_select(r, kind, custom_id, placeholder, min_values, max_values);
}
/* Adds an option to a string select (25 at most). */
static inline int bh_select_option(bh_select *s, const char *label, const char *value,
                                   const char *description, const char *emoji, int selected)
{
    return bh__api->select_option(s, label, value, description, emoji, selected);
}
/* Pre-selects an id in a user/role/channel select. */
static inline int bh_select_default(bh_select *s, uint64_t id)
{
    return bh__api->select_default(s, id);
}
/*
 * The raw-JSON escape hatch: merges `fields` (a JSON object in Discord's message
 * format) into the message, replacing keys the builders set. Not checked.
 */
static inline int bh_msg_raw(bh_msg *m, const json_t *fields)
{
    return bh__api->msg_raw(m, fields);
}
/* The first limit the message broke, or NULL. */
static inline const char *bh_msg_error(const bh_msg *m)
{
    return bh__api->msg_error(m);
}
/* The message as Discord will receive it (new reference), for tests. */
static inline json_t *bh_msg_json(const bh_msg *m)
{
    return bh__api->msg_json(m);
}

/* A modal (title 45 characters) to open with bh_modal_open(). custom_id as for buttons. */
static inline bh_modal *bh_modal_new(bh_ctx *c, const char *custom_id, const char *title)
{
    return bh__api->modal_new(c, custom_id, title);
}
/*
 * Adds a text input (5 at most: Discord's limit). min/max length 0..4000 (0 for
 * max: none); `value` pre-fills it.
 */
static inline int bh_modal_text(bh_modal *md, const char *custom_id, const char *label,
                                int style, int min_length, int max_length, int required,
                                const char *value, const char *placeholder)
{
    return bh__api->modal_text(md, custom_id, label, style, min_length, max_length, required,
                               value, placeholder);
}
static inline void bh_modal_free(bh_modal *md)
{
    bh__api->modal_free(md);
}

/* ---- Answering ------------------------------------------------------------ */

/*
 * Answers with a message. The first answer is the interaction's response; after
 * a defer (yours or the host's) it becomes the deferred response; after that,
 * each further call sends a follow-up. When the ephemeral flag differs from a
 * deferred response's, the host replaces the deferred response by a follow-up.
 */
static inline int bh_reply(bh_ctx *c, bh_msg *m)
{
    return bh__api->reply(c, m);
}

/* Shortcut: an ephemeral text answer (formatted like printf). */
__attribute__((format(printf, 2, 3))) static inline int bh_reply_text(bh_ctx *c,
                                                                        const char *fmt, ...)
{
    char text[2001];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    bh_msg *m = bh__api->msg_new(c);
    bh__api->msg_content(m, text);
    bh__api->msg_flags(m, BH_MSG_EPHEMERAL);
    int rc = bh__api->reply(c, m);
    bh__api->msg_free(m);
    return rc;
}

/* Components only: replaces the message the component is on. */
static inline int bh_update(bh_ctx *c, bh_msg *m)
{
    return bh__api->update(c, m);
}

/*
 * Acknowledges now, answers later: commands and modals show "thinking"
 * (ephemeral or not: it decides who sees the answer); components show nothing.
 */
static inline int bh_defer(bh_ctx *c, int ephemeral)
{
    return bh__api->defer(c, ephemeral);
}

/* Opens a modal: only as the first answer to a command or a component. */
static inline int bh_modal_open(bh_ctx *c, bh_modal *md)
{
    return bh__api->modal_open(c, md);
}

/* Answers an autocomplete request: a JSON array of {name, value} (25 at most). */
static inline int bh_autocomplete(bh_ctx *c, const json_t *choices)
{
    return bh__api->autocomplete(c, choices);
}

/* Sends a follow-up message; *message_id (may be NULL) gets its id. */
static inline int bh_followup(bh_ctx *c, bh_msg *m, uint64_t *message_id)
{
    return bh__api->followup(c, m, message_id);
}

/* Edits or deletes the interaction's response. */
static inline int bh_edit_original(bh_ctx *c, bh_msg *m)
{
    return bh__api->edit_original(c, m);
}
static inline int bh_delete_original(bh_ctx *c)
{
    return bh__api->delete_original(c);
}

#ifdef __cplusplus
}
#endif

#endif
