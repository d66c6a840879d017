/* Message and modal builders with Discord's limits (see Discord's message and component docs). */
#include "msg/msg.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message component's "type" (select menus take the SDK's bh_select_kind values). */
enum msg_component {
    MSG_COMP_ACTION_ROW = 1,
    MSG_COMP_BUTTON = 2,
    MSG_COMP_TEXT_INPUT = 4,
};

#define MAX_CONTENT 2000
#define MAX_EMBEDS 10
#define MAX_EMBED_TOTAL 6000
#define MAX_TITLE 256
#define MAX_DESCRIPTION 4096
#define MAX_FIELDS 25
#define MAX_FIELD_NAME 256
#define MAX_FIELD_VALUE 1024
#define MAX_FOOTER 2048
#define MAX_AUTHOR 256
#define MAX_ROWS 5
#define MAX_BUTTONS 5
#define MAX_LABEL 80
#define MAX_CUSTOM_ID 100
/* "<plugin>:" and 100 characters of up to 4 bytes each. */
#define CUSTOM_ID_BYTES (33 + MAX_CUSTOM_ID * 4 + 1)
#define MAX_OPTIONS 25
#define MAX_OPTION_TEXT 100
#define MAX_PLACEHOLDER 150
#define MAX_MODAL_TITLE 45
#define MAX_MODAL_INPUTS 5
#define MAX_INPUT_LABEL 45
#define MAX_INPUT_VALUE 4000
#define MAX_INPUT_PLACEHOLDER 100

struct bh_embed {
    bh_msg *m;
    json_t *obj;
    int nfields;
};

struct bh_select {
    bh_row *row;
    json_t *obj;
    int kind;
    int noptions;
};

struct bh_row {
    bh_msg *m;
    json_t *obj;
    int nbuttons;
    int has_select;
    bh_select sel;
};

struct bh_msg {
    json_t *body;
    char plugin[33];
    char err[256];
    bh_embed embeds[MAX_EMBEDS];
    int nembeds;
    bh_row rows[MAX_ROWS];
    int nrows;
    int owned;                   /* in an owner list */
    LIST_ENTRY(bh_msg) link;
};

struct bh_modal {
    json_t *body;
    char plugin[33];
    char err[256];
    int ninputs;
    int owned;                   /* in an owner list */
    LIST_ENTRY(bh_modal) link;
};

size_t msg_text_len(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

long msg_utf8_invalid_at(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p && p[i];) {
        unsigned char b = p[i];
        int n;
        uint32_t cp;
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            n = 1;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            n = 2;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            n = 3;
            cp = b & 0x07;
        } else {
            return (long)i;
        }
        for (int k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8. */
        static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return (long)i;
        i += (size_t)n + 1;
    }
    return -1;
}

size_t msg_text_cut(const char *s, size_t max_chars)
{
    size_t i = 0, n = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max_chars)
            break;
    }
    return i;
}

static int fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(char *err, const char *fmt, ...)
{
    if (!err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, 256, fmt, ap);
        va_end(ap);
    }
    return BH_ELIMIT;
}

/* Text Discord will take: valid UTF-8 (jansson refuses anything else), `max` characters at most. */
static int check_len(char *err, const char *what, const char *s, size_t max, int required)
{
    if (!s || !*s)
        return required ? fail(err, "%s is required", what) : 0;
    long bad = msg_utf8_invalid_at(s);
    if (bad >= 0)
        return fail(err, "%s is not valid UTF-8 (at byte %ld)", what, bad);
    size_t n = msg_text_len(s);
    if (n > max)
        return fail(err, "%s is %zu characters; Discord allows %zu", what, n, max);
    return 0;
}

/* "<plugin>:<id>", checked against Discord's 100 characters. */
static int namespaced_id(char *err, const char *plugin, const char *id, char *out, size_t outlen)
{
    if (!id || !*id)
        return fail(err, "a custom_id is required");
    if (check_len(err, "custom_id", id, SIZE_MAX, 1) < 0)
        return BH_ELIMIT;
    size_t pl = strlen(plugin), il = strlen(id);
    size_t n = pl + 1 + msg_text_len(id);
    if (n > MAX_CUSTOM_ID || pl + 1 + il >= outlen)
        return fail(err, "custom_id '%s:%.*s...' is %zu characters; Discord allows %d", plugin,
                    (int)msg_text_cut(id, 20), id, n, MAX_CUSTOM_ID);
    memcpy(out, plugin, pl);
    out[pl] = ':';
    memcpy(out + pl + 1, id, il + 1);
    return 0;
}

/* A partial emoji: a unicode emoji, or "name:id" for a custom one. */
static json_t *emoji_json(const char *emoji)
{
    const char *colon = strrchr(emoji, ':');
    if (colon && colon[1] >= '0' && colon[1] <= '9') {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(colon - emoji), emoji);
        return json_pack("{s:s,s:s}", "name", name[0] == '<' ? name + 1 : name, "id", colon + 1);
    }
    return json_pack("{s:s}", "name", emoji);
}

/* ---- messages ---- */

bh_msg *msg_new(const char *plugin, msg_list *owner_list)
{
    bh_msg *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->body = json_object();
    if (!m->body) {
        free(m);
        return NULL;
    }
    snprintf(m->plugin, sizeof m->plugin, "%s", plugin);
    /* Safe by default: text from users must not ping @everyone or roles. */
    json_object_set_new(m->body, "allowed_mentions", json_pack("{s:[s]}", "parse", "users"));
    if (owner_list) {
        m->owned = 1;
        LIST_INSERT_HEAD(owner_list, m, link);
    }
    return m;
}

void msg_free(bh_msg *m)
{
    if (!m)
        return;
    if (m->owned)
        LIST_REMOVE(m, link);
    json_decref(m->body);
    free(m);
}

void msg_free_all(msg_list *list)
{
    while (!LIST_EMPTY(list))
        msg_free(LIST_FIRST(list));
}

static size_t embeds_total(const bh_msg *m)
{
    size_t total = 0;
    for (int i = 0; i < m->nembeds; i++) {
        json_t *e = m->embeds[i].obj;
        total += msg_text_len(json_string_value(json_object_get(e, "title")));
        total += msg_text_len(json_string_value(json_object_get(e, "description")));
        total += msg_text_len(
            json_string_value(json_object_get(json_object_get(e, "footer"), "text")));
        total += msg_text_len(
            json_string_value(json_object_get(json_object_get(e, "author"), "name")));
        size_t j;
        json_t *f;
        json_array_foreach(json_object_get(e, "fields"), j, f)
        {
            total += msg_text_len(json_string_value(json_object_get(f, "name")));
            total += msg_text_len(json_string_value(json_object_get(f, "value")));
        }
    }
    return total;
}

const json_t *msg_body(const bh_msg *m, const char **err)
{
    if (!m) {
        *err = "no message (out of memory)";
        return NULL;
    }
    if (m->err[0]) {
        *err = m->err;
        return NULL;
    }
    *err = NULL;
    return m->body;
}

int msg_flags_get(const bh_msg *m)
{
    return m ? (int)json_integer_value(json_object_get(m->body, "flags")) : 0;
}

const char *msg_error(const bh_msg *m)
{
    return !m ? "no message (out of memory)" : m->err[0] ? m->err : NULL;
}

json_t *msg_json(const bh_msg *m)
{
    return m ? json_deep_copy(m->body) : NULL;
}

int msg_content(bh_msg *m, const char *text)
{
    if (!m)
        return BH_ENOMEM;
    if (m->err[0])
        return BH_ELIMIT;
    if (check_len(m->err, "message content", text, MAX_CONTENT, 0) < 0)
        return BH_ELIMIT;
    json_object_set_new(m->body, "content", json_string(text ? text : ""));
    return 0;
}

int msg_flags(bh_msg *m, uint32_t flags)
{
    if (!m)
        return BH_ENOMEM;
    json_object_set_new(m->body, "flags", json_integer(flags));
    return 0;
}

bh_embed *msg_embed(bh_msg *m)
{
    if (!m || m->err[0])
        return NULL;
    if (m->nembeds == MAX_EMBEDS) {
        fail(m->err, "a message holds at most %d embeds", MAX_EMBEDS);
        return NULL;
    }
    json_t *list = json_object_get(m->body, "embeds");
    if (!list) {
        list = json_array();
        json_object_set_new(m->body, "embeds", list);
    }
    bh_embed *e = &m->embeds[m->nembeds++];
    e->m = m;
    e->obj = json_object();
    json_array_append_new(list, e->obj);
    return e;
}

static int embed_total_ok(bh_embed *e)
{
    size_t total = embeds_total(e->m);
    if (total > MAX_EMBED_TOTAL)
        return fail(e->m->err, "embeds hold %zu characters; Discord allows %d in all", total,
                    MAX_EMBED_TOTAL);
    return 0;
}

int msg_embed_set(bh_embed *e, int part, const char *text)
{
    if (!e)
        return BH_ELIMIT;
    char *err = e->m->err;
    if (err[0])
        return BH_ELIMIT;
    text = text ? text : "";
    if (check_len(err, "embed text", text, SIZE_MAX, 0) < 0)
        return BH_ELIMIT;
    switch (part) {
    case BH_EMBED_TITLE:
        if (check_len(err, "embed title", text, MAX_TITLE, 0) < 0)
            return BH_ELIMIT;
        json_object_set_new(e->obj, "title", json_string(text));
        break;
    case BH_EMBED_DESCRIPTION:
        if (check_len(err, "embed description", text, MAX_DESCRIPTION, 0) < 0)
            return BH_ELIMIT;
        json_object_set_new(e->obj, "description", json_string(text));
        break;
    case BH_EMBED_URL:
        json_object_set_new(e->obj, "url", json_string(text));
        break;
    case BH_EMBED_FOOTER:
        if (check_len(err, "embed footer", text, MAX_FOOTER, 0) < 0)
            return BH_ELIMIT;
        json_object_set_new(e->obj, "footer", json_pack("{s:s}", "text", text));
        break;
    case BH_EMBED_IMAGE:
        json_object_set_new(e->obj, "image", json_pack("{s:s}", "url", text));
        break;
    case BH_EMBED_THUMBNAIL:
        json_object_set_new(e->obj, "thumbnail", json_pack("{s:s}", "url", text));
        break;
    case BH_EMBED_AUTHOR:
        if (check_len(err, "embed author", text, MAX_AUTHOR, 0) < 0)
            return BH_ELIMIT;
        json_object_set_new(e->obj, "author", json_pack("{s:s}", "name", text));
        break;
    case BH_EMBED_TIMESTAMP:
        json_object_set_new(e->obj, "timestamp", json_string(text));
        break;
    default:
        return fail(err, "unknown embed part %d", part);
    }
    return embed_total_ok(e);
}

int msg_embed_color(bh_embed *e, uint32_t rgb)
{
    if (!e)
        return BH_ELIMIT;
    json_object_set_new(e->obj, "color", json_integer(rgb & 0xFFFFFF));
    return 0;
}

int msg_embed_field(bh_embed *e, const char *name, const char *value, int inline_)
{
    if (!e)
        return BH_ELIMIT;
    char *err = e->m->err;
    if (err[0])
        return BH_ELIMIT;
    if (e->nfields == MAX_FIELDS)
        return fail(err, "an embed holds at most %d fields", MAX_FIELDS);
    if (check_len(err, "embed field name", name, MAX_FIELD_NAME, 1) < 0 ||
        check_len(err, "embed field value", value, MAX_FIELD_VALUE, 1) < 0)
        return BH_ELIMIT;
    json_t *fields = json_object_get(e->obj, "fields");
    if (!fields) {
        fields = json_array();
        json_object_set_new(e->obj, "fields", fields);
    }
    json_array_append_new(fields,
                          json_pack("{s:s,s:s,s:b}", "name", name, "value", value, "inline", inline_));
    e->nfields++;
    return embed_total_ok(e);
}

bh_row *msg_row(bh_msg *m)
{
    if (!m || m->err[0])
        return NULL;
    if (m->nrows == MAX_ROWS) {
        fail(m->err, "a message holds at most %d rows of components", MAX_ROWS);
        return NULL;
    }
    json_t *list = json_object_get(m->body, "components");
    if (!list) {
        list = json_array();
        json_object_set_new(m->body, "components", list);
    }
    bh_row *r = &m->rows[m->nrows++];
    r->m = m;
    r->obj = json_pack("{s:i,s:[]}", "type", MSG_COMP_ACTION_ROW, "components");
    json_array_append_new(list, r->obj);
    return r;
}

int msg_row_button(bh_row *r, int style, const char *label, const char *custom_id,
                  const char *emoji, int disabled)
{
    if (!r)
        return BH_ELIMIT;
    char *err = r->m->err;
    if (err[0])
        return BH_ELIMIT;
    if (r->has_select)
        return fail(err, "a row with a select menu holds nothing else");
    if (r->nbuttons == MAX_BUTTONS)
        return fail(err, "a row holds at most %d buttons", MAX_BUTTONS);
    if (style < BH_BUTTON_PRIMARY || style > BH_BUTTON_LINK)
        return fail(err, "unknown button style %d", style);
    if ((!label || !*label) && (!emoji || !*emoji))
        return fail(err, "a button needs a label or an emoji");
    if (check_len(err, "button label", label, MAX_LABEL, 0) < 0 ||
        check_len(err, "button emoji", emoji, SIZE_MAX, 0) < 0)
        return BH_ELIMIT;
    json_t *b = json_pack("{s:i,s:i}", "type", MSG_COMP_BUTTON, "style", style);
    if (label && *label)
        json_object_set_new(b, "label", json_string(label));
    if (emoji && *emoji)
        json_object_set_new(b, "emoji", emoji_json(emoji));
    if (disabled)
        json_object_set_new(b, "disabled", json_true());
    if (style == BH_BUTTON_LINK) {
        if (!custom_id || strncmp(custom_id, "https://", 8) != 0 ||
            msg_utf8_invalid_at(custom_id) >= 0 || msg_text_len(custom_id) > 512) {
            json_decref(b);
            return fail(err, "a link button needs an https:// URL of at most 512 characters");
        }
        json_object_set_new(b, "url", json_string(custom_id));
    } else {
        char id[CUSTOM_ID_BYTES];
        if (namespaced_id(err, r->m->plugin, custom_id, id, sizeof id) < 0) {
            json_decref(b);
            return BH_ELIMIT;
        }
        /* Discord refuses two components with one custom_id in a message. */
        for (int i = 0; i < r->m->nrows; i++) {
            size_t j;
            json_t *c;
            json_array_foreach(json_object_get(r->m->rows[i].obj, "components"), j, c)
            {
                const char *other = json_string_value(json_object_get(c, "custom_id"));
                if (other && strcmp(other, id) == 0) {
                    json_decref(b);
                    return fail(err, "custom_id '%s' is used twice in one message", id);
                }
            }
        }
        json_object_set_new(b, "custom_id", json_string(id));
    }
    json_array_append_new(json_object_get(r->obj, "components"), b);
    r->nbuttons++;
    return 0;
}

bh_select *msg_row_select(bh_row *r, int kind, const char *custom_id, const char *placeholder,
                         int min_values, int max_values)
{
    if (!r || r->m->err[0])
        return NULL;
    char *err = r->m->err;
    if (r->nbuttons || r->has_select) {
        fail(err, "a select menu needs a row of its own");
        return NULL;
    }
    if (kind != BH_SELECT_STRING && (kind < BH_SELECT_USER || kind > BH_SELECT_CHANNEL)) {
        fail(err, "unknown select kind %d", kind);
        return NULL;
    }
    if (min_values < 0 || min_values > 25 || max_values < 1 || max_values > 25 ||
        min_values > max_values) {
        fail(err, "select min_values %d / max_values %d: Discord wants 0..25 and 1..25, min <= max",
             min_values, max_values);
        return NULL;
    }
    char id[CUSTOM_ID_BYTES];
    if (check_len(err, "select placeholder", placeholder, MAX_PLACEHOLDER, 0) < 0 ||
        namespaced_id(err, r->m->plugin, custom_id, id, sizeof id) < 0)
        return NULL;
    json_t *s = json_pack("{s:i,s:s,s:i,s:i}", "type", kind, "custom_id", id, "min_values",
                          min_values, "max_values", max_values);
    if (placeholder && *placeholder)
        json_object_set_new(s, "placeholder", json_string(placeholder));
    if (kind == BH_SELECT_STRING)
        json_object_set_new(s, "options", json_array());
    json_array_append_new(json_object_get(r->obj, "components"), s);
    r->has_select = 1;
    r->sel = (bh_select){.row = r, .obj = s, .kind = kind};
    return &r->sel;
}

int msg_select_option(bh_select *s, const char *label, const char *value,
                     const char *description, const char *emoji, int selected)
{
    if (!s)
        return BH_ELIMIT;
    char *err = s->row->m->err;
    if (err[0])
        return BH_ELIMIT;
    if (s->kind != BH_SELECT_STRING)
        return fail(err, "only string selects have options");
    if (s->noptions == MAX_OPTIONS)
        return fail(err, "a select menu holds at most %d options", MAX_OPTIONS);
    if (check_len(err, "select option label", label, MAX_OPTION_TEXT, 1) < 0 ||
        check_len(err, "select option value", value, MAX_OPTION_TEXT, 1) < 0 ||
        check_len(err, "select option description", description, MAX_OPTION_TEXT, 0) < 0 ||
        check_len(err, "select option emoji", emoji, SIZE_MAX, 0) < 0)
        return BH_ELIMIT;
    json_t *options = json_object_get(s->obj, "options");
    size_t i;
    json_t *o;
    json_array_foreach(options, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "value")), value) == 0)
            return fail(err, "select option value '%s' is used twice", value);
    }
    o = json_pack("{s:s,s:s}", "label", label, "value", value);
    if (description && *description)
        json_object_set_new(o, "description", json_string(description));
    if (emoji && *emoji)
        json_object_set_new(o, "emoji", emoji_json(emoji));
    if (selected)
        json_object_set_new(o, "default", json_true());
    json_array_append_new(options, o);
    s->noptions++;
    return 0;
}

int msg_select_default(bh_select *s, uint64_t id)
{
    if (!s)
        return BH_ELIMIT;
    char *err = s->row->m->err;
    if (err[0])
        return BH_ELIMIT;
    static const char *const types[] = {[BH_SELECT_USER] = "user",
                                        [BH_SELECT_ROLE] = "role",
                                        [BH_SELECT_CHANNEL] = "channel"};
    if (s->kind != BH_SELECT_USER && s->kind != BH_SELECT_ROLE && s->kind != BH_SELECT_CHANNEL)
        return fail(err, "default values are for user, role and channel selects");
    json_t *list = json_object_get(s->obj, "default_values");
    if (!list) {
        list = json_array();
        json_object_set_new(s->obj, "default_values", list);
    }
    if ((int)json_array_size(list) >= json_integer_value(json_object_get(s->obj, "max_values")))
        return fail(err, "more default values than max_values");
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRIu64, id);
    json_array_append_new(list, json_pack("{s:s,s:s}", "id", ids, "type", types[s->kind]));
    return 0;
}

int msg_raw(bh_msg *m, const json_t *fields)
{
    if (!m)
        return BH_ENOMEM;
    if (!json_is_object(fields))
        return fail(m->err, "raw message fields must be a JSON object");
    /* Replaced components or embeds are no longer the builders' to check. */
    if (json_object_get(fields, "components"))
        m->nrows = MAX_ROWS;
    if (json_object_get(fields, "embeds"))
        m->nembeds = MAX_EMBEDS;
    json_object_update(m->body, (json_t *)fields);
    return 0;
}

/* ---- modals ---- */

bh_modal *msg_modal_new(const char *plugin, msg_modal_list *owner_list, const char *custom_id,
                       const char *title)
{
    bh_modal *md = calloc(1, sizeof *md);
    if (!md)
        return NULL;
    snprintf(md->plugin, sizeof md->plugin, "%s", plugin);
    char id[CUSTOM_ID_BYTES] = "";
    if (namespaced_id(md->err, plugin, custom_id, id, sizeof id) == 0)
        check_len(md->err, "modal title", title, MAX_MODAL_TITLE, 1);
    /* A refused title stays out of the body (jansson takes only UTF-8); the error says why. */
    md->body = json_pack("{s:s,s:s,s:[]}", "custom_id", id,
                         "title", title && !md->err[0] ? title : "", "components");
    if (!md->body) {
        free(md);
        return NULL;
    }
    if (owner_list) {
        md->owned = 1;
        LIST_INSERT_HEAD(owner_list, md, link);
    }
    return md;
}

void msg_modal_free(bh_modal *md)
{
    if (!md)
        return;
    if (md->owned)
        LIST_REMOVE(md, link);
    json_decref(md->body);
    free(md);
}

void msg_modal_free_all(msg_modal_list *list)
{
    while (!LIST_EMPTY(list))
        msg_modal_free(LIST_FIRST(list));
}

const json_t *msg_modal_body(const bh_modal *md, const char **err)
{
    if (!md) {
        *err = "no modal (out of memory)";
        return NULL;
    }
    if (md->err[0]) {
        *err = md->err;
        return NULL;
    }
    if (md->ninputs == 0) {
        *err = "a modal needs at least one text input";
        return NULL;
    }
    *err = NULL;
    return md->body;
}

int msg_modal_text(bh_modal *md, const char *custom_id, const char *label, int style,
                  int min_length, int max_length, int required, const char *value,
                  const char *placeholder)
{
    if (!md)
        return BH_ENOMEM;
    if (md->err[0])
        return BH_ELIMIT;
    if (md->ninputs == MAX_MODAL_INPUTS)
        return fail(md->err, "a modal holds at most %d inputs", MAX_MODAL_INPUTS);
    if (style != BH_TEXT_SHORT && style != BH_TEXT_PARAGRAPH)
        return fail(md->err, "unknown text input style %d", style);
    if (check_len(md->err, "text input custom_id", custom_id, MAX_CUSTOM_ID, 1) < 0)
        return BH_ELIMIT;
    if (check_len(md->err, "text input label", label, MAX_INPUT_LABEL, 1) < 0 ||
        check_len(md->err, "text input value", value, MAX_INPUT_VALUE, 0) < 0 ||
        check_len(md->err, "text input placeholder", placeholder, MAX_INPUT_PLACEHOLDER, 0) < 0)
        return BH_ELIMIT;
    if (min_length < 0 || min_length > MAX_INPUT_VALUE || max_length < 0 ||
        max_length > MAX_INPUT_VALUE || (max_length && min_length > max_length))
        return fail(md->err, "text input lengths %d..%d: Discord wants 0..4000, min <= max",
                    min_length, max_length);
    json_t *rows = json_object_get(md->body, "components");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *input = json_array_get(json_object_get(row, "components"), 0);
        if (strcmp(json_string_value(json_object_get(input, "custom_id")), custom_id) == 0)
            return fail(md->err, "text input custom_id '%s' is used twice", custom_id);
    }
    json_t *input = json_pack("{s:i,s:s,s:s,s:i,s:b}", "type", MSG_COMP_TEXT_INPUT, "custom_id",
                              custom_id, "label", label, "style", style, "required", required);
    if (min_length)
        json_object_set_new(input, "min_length", json_integer(min_length));
    if (max_length)
        json_object_set_new(input, "max_length", json_integer(max_length));
    if (value && *value)
        json_object_set_new(input, "value", json_string(value));
    if (placeholder && *placeholder)
        json_object_set_new(input, "placeholder", json_string(placeholder));
    json_array_append_new(
        rows, json_pack("{s:i,s:[o]}", "type", MSG_COMP_ACTION_ROW, "components", input));
    md->ninputs++;
    return 0;
}
