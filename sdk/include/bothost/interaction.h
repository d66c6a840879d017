/*
 * Reading and answering interactions: slash commands, buttons, selects, modals,
 * autocomplete. Included by <bothost/bothost.h>.
 *
 * Discord wants an answer within 3 seconds of the interaction's creation. A
 * handler that has not answered within [host] auto_defer_ms of it is deferred by
 * the host (commands and modals: an ephemeral "thinking"; components: silently);
 * its later bh_reply() then fills the deferred response (a component's becomes a
 * follow-up, or use bh_update()), so slow handlers need do nothing.
 */
#ifndef BOTHOST_INTERACTION_H
#define BOTHOST_INTERACTION_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Reading ------------------------------------------------------------ */

/*
 * An id of the call, or 0 when the call has none (a DM has no guild, a command no
 * message). 0 means only that: Discord never gives the id 0, and reading an id
 * cannot fail otherwise.
 */
static inline uint64_t bh_id(bh_ctx *c, enum bh_id_kind which)
{
    return bh__api->id(c, (int)which);
}

/*
 * A command option by name, among the options of the subcommand that ran (the
 * JSON object {name, type, value}), or NULL when the user left it out. Borrowed
 * from the interaction: valid until the handler returns. So are the strings of
 * bh_opt_text(), bh_cid_part(), bh_value() and bh_field().
 */
static inline const json_t *bh_option(bh_ctx *c, const char *name)
{
    return bh__api->option(c, name);
}

/* A string option's value (valid for the call), or `def`. */
static inline const char *bh_opt_text(bh_ctx *c, const char *name, const char *def)
{
    const char *s = json_string_value(json_object_get(bh__api->option(c, name), "value"));
    return s ? s : def;
}

/* An integer option's value, or `def`. */
static inline int64_t bh_opt_i64(bh_ctx *c, const char *name, int64_t def)
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
 * "users", "members", "roles", "channels" or "attachments". Borrowed for the
 * call; NULL if none.
 */
static inline const json_t *bh_resolved(bh_ctx *c, const char *kind, uint64_t id)
{
    return bh__api->resolved(c, kind, id);
}

/*
 * The custom_id of a component or modal, split at ':' after the plugin's name:
 * for "raffle:claim:42", part 0 is "claim" and part 1 is "42". NULL past the end;
 * a part is valid until the handler returns.
 */
static inline int bh_cid_count(bh_ctx *c)
{
    return bh__api->cid_count(c);
}
static inline const char *bh_cid_part(bh_ctx *c, int i)
{
    return bh__api->cid_part(c, i);
}
/*
 * A custom_id part as an integer into *out: BH_ENOTFOUND when there is no part
 * `i`, BH_EINVAL when it is not a whole number in int64_t's range (a forged id).
 */
static inline int bh_cid_i64(bh_ctx *c, int i, int64_t *out)
{
    const char *s = bh__api->cid_part(c, i);
    char *end;
    *out = 0;
    if (!s)
        return BH_ENOTFOUND;
    if (!*s || *s == ' ' || *s == '+')
        return BH_EINVAL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno)
        return BH_EINVAL;
    *out = (int64_t)v;
    return 0;
}

/*
 * The values a user chose in a select menu (ids for user/role/channel selects);
 * NULL past the end; valid until the handler returns.
 */
static inline int bh_value_count(bh_ctx *c)
{
    return bh__api->value_count(c);
}
static inline const char *bh_value(bh_ctx *c, int i)
{
    return bh__api->value(c, i);
}

/*
 * A modal's text field by its custom_id (as given to bh_modal_text()), or NULL;
 * valid until the handler returns.
 */
static inline const char *bh_field(bh_ctx *c, const char *custom_id)
{
    return bh__api->field(c, custom_id);
}

/*
 * The acting member's permissions in the channel, as Discord computed them for
 * this interaction (BH_PERM_* bits; 0 outside a guild). For any other member, or
 * outside an interaction, bh_member_permissions() computes them from the cache.
 */
static inline uint64_t bh_actor_permissions(bh_ctx *c)
{
    return bh__api->member_perms(c);
}

/*
 * The acting member's role ids into out[0..max-1]; returns how many there are
 * (may exceed max: only max were written), 0 outside a guild.
 */
static inline int bh_actor_roles(bh_ctx *c, uint64_t *out, int max)
{
    return bh__api->member_roles(c, out, max);
}

/* ---- Building messages --------------------------------------------------- */

/*
 * A new message, owned by the call (freed when it ends, or by bh_msg_free()).
 * Every builder checks Discord's limits, in characters (code points), and that
 * every text is valid UTF-8: the first one broken is kept as the
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
/*
 * The text: 2000 characters at most, counted as Discord counts them (code
 * points, so an emoji or a CJK character is one), valid UTF-8 only. By default
 * only user mentions ping.
 */
static inline int bh_msg_content(bh_msg *m, const char *text)
{
    return bh__api->msg_content(m, text);
}
/* BH_MSG_EPHEMERAL (only the acting user sees it), BH_MSG_SUPPRESS_EMBEDS. */
static inline int bh_msg_flags(bh_msg *m, uint32_t flags)
{
    return bh__api->msg_flags(m, flags);
}
/* Adds an embed (10 at most; 6000 characters across all of them); it belongs to the message. */
static inline bh_embed *bh_msg_embed(bh_msg *m)
{
    return bh__api->msg_embed(m);
}
/*
 * Sets an embed text (BH_EMBED_TITLE 256, _DESCRIPTION 4096, _FOOTER 2048, ...).
 * Builders copy every string they take: yours may go away after the call.
 */
static inline int bh_embed_set(bh_embed *e, enum bh_embed_part part, const char *text)
{
    return bh__api->embed_set(e, (int)part, text);
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
/* Adds an action row (5 at most): up to 5 buttons, or one select; it belongs to the message. */
static inline bh_row *bh_msg_row(bh_msg *m)
{
    return bh__api->msg_row(m);
}
/*
 * Adds a button. `custom_id` is this plugin's id ("claim:42"): the host makes it
 * "<plugin>:claim:42" and routes clicks on it back here. For BH_BUTTON_LINK it is
 * the URL instead. `emoji` is a unicode emoji or "name:id", or NULL.
 */
static inline int bh_row_button(bh_row *r, enum bh_button_style style, const char *label,
                                const char *custom_id, const char *emoji, int disabled)
{
    return bh__api->row_button(r, (int)style, label, custom_id, emoji, disabled);
}
/*
 * Adds a select menu (BH_SELECT_STRING with options, or a user/role/channel
 * select); it belongs to its message. NULL when a limit broke (kept as the
 * message's error, like every builder's) or memory ran out; every function taking
 * a select, a row or an embed accepts NULL, so chains need no checks.
 */
static inline bh_select *bh_row_select(bh_row *r, enum bh_select_kind kind, const char *custom_id,
                                       const char *placeholder, int min_values, int max_values)
{
    return bh__api->row_select(r, (int)kind, custom_id, placeholder, min_values, max_values);
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
/* The first limit the message broke, or NULL; valid until the message is freed. */
static inline const char *bh_msg_error(const bh_msg *m)
{
    return bh__api->msg_error(m);
}
/* The message as Discord will receive it (a new reference: json_decref() it), for tests. */
static inline json_t *bh_msg_json(const bh_msg *m)
{
    return bh__api->msg_json(m);
}

/*
 * A modal (title 45 characters) to open with bh_modal_open(), owned by the call
 * like a message (or freed by bh_modal_free()). custom_id as for buttons.
 */
static inline bh_modal *bh_modal_new(bh_ctx *c, const char *custom_id, const char *title)
{
    return bh__api->modal_new(c, custom_id, title);
}
/* A modal's text input, for bh_modal_text(); members left out are 0 or NULL. */
typedef struct bh_text_input {
    const char *custom_id;      /* what bh_field() finds it by */
    const char *label;          /* 45 characters */
    enum bh_text_style style;   /* 0: BH_TEXT_SHORT */
    int min_length, max_length; /* 0..4000; max 0: no limit */
    int required;
    const char *value;       /* pre-filled text, or NULL */
    const char *placeholder; /* or NULL */
} bh_text_input;
/*
 * Adds a text input (5 at most: Discord's limit):
 *   bh_modal_text(md, &(bh_text_input){.custom_id = "title", .label = "Title",
 *                                      .max_length = 100, .required = 1});
 */
static inline int bh_modal_text(bh_modal *md, const bh_text_input *in)
{
    return bh__api->modal_text(md, in->custom_id, in->label,
                               in->style ? (int)in->style : (int)BH_TEXT_SHORT, in->min_length,
                               in->max_length, in->required, in->value, in->placeholder);
}
static inline void bh_modal_free(bh_modal *md)
{
    bh__api->modal_free(md);
}

/* ---- Answering ------------------------------------------------------------ */

/*
 * Answers with a message. The first answer is the interaction's response; after
 * a defer (yours or the host's) it becomes the deferred response (after a
 * component's silent defer: a follow-up); after that, each further call sends a
 * follow-up. When the ephemeral flag differs from a deferred response's, the host
 * deletes the deferred response and sends a follow-up instead. The message stays
 * yours: the answer is built from it at the call.
 */
static inline int bh_reply(bh_ctx *c, bh_msg *m)
{
    return bh__api->reply(c, m);
}

/*
 * Shortcut: an ephemeral text answer (formatted like printf), cut at Discord's
 * 2000 characters (code points, as Discord counts them), never inside a UTF-8
 * sequence. Text that is not valid UTF-8 is refused like any builder's error:
 * BH_ELIMIT, the reason in bh_ctx_error(), the user told that it failed.
 */
__attribute__((format(printf, 2, 3))) static inline int bh_reply_text(bh_ctx *c,
                                                                        const char *fmt, ...)
{
    char text[2000 * 4 + 1]; /* 2000 characters of up to 4 bytes */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t i = 0, chars = 0;
    for (; text[i]; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80 && chars++ == 2000)
            break;
    text[i] = '\0';
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
 * (ephemeral or not: it decides who sees the answer); components, and modals
 * submitted from a component, show nothing when not ephemeral, and a later
 * bh_update() edits their message.
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
static inline int bh_original_edit(bh_ctx *c, bh_msg *m)
{
    return bh__api->edit_original(c, m);
}
static inline int bh_original_delete(bh_ctx *c)
{
    return bh__api->delete_original(c);
}

#ifdef __cplusplus
}
#endif

#endif
