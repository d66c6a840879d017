/*
 * Discord's text limits with text that is not ASCII: every limited field takes
 * exactly its number of characters (code points, as Discord counts them) of
 * emoji (4 bytes each) and of CJK (3 bytes each), arriving whole in the JSON,
 * and refuses one more with an error that names the field. Text that is not
 * UTF-8 is refused with an error, never dropped.
 */
#include <string.h>

#include "msg/msg.h"
#include "tsup.h"

static const char *const UNITS[] = {"\xF0\x9F\x98\x80" /* U+1F600 */, "\xE6\xBC\xA2" /* U+6F22 */};

static char *repeat(const char *unit, size_t n)
{
    static char buf[6001 * 4 + 1];
    size_t len = strlen(unit);
    CHECK(n * len < sizeof buf);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * len, unit, len);
    buf[n * len] = '\0';
    return buf;
}

/* Each case builds one thing with `text` in one field; returns the error (NULL: built), and the JSON. */
typedef const char *(*build_fn)(const char *text, char **json);

static char *dump_msg(bh_msg *m)
{
    json_t *j = msg_json(m);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static const char *finish(bh_msg *m, int rc, char **json)
{
    static char err[256];
    const char *e = msg_error(m);
    CHECK((rc < 0) == (e != NULL));
    snprintf(err, sizeof err, "%s", e ? e : "");
    *json = dump_msg(m);
    msg_free(m);
    return e ? err : NULL;
}

static const char *b_content(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    return finish(m, msg_content(m, t), json);
}

static const char *b_embed(int part, const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    return finish(m, msg_embed_set(msg_embed(m), part, t), json);
}
static const char *b_title(const char *t, char **json) { return b_embed(BH_EMBED_TITLE, t, json); }
static const char *b_desc(const char *t, char **json) { return b_embed(BH_EMBED_DESCRIPTION, t, json); }
static const char *b_footer(const char *t, char **json) { return b_embed(BH_EMBED_FOOTER, t, json); }
static const char *b_author(const char *t, char **json) { return b_embed(BH_EMBED_AUTHOR, t, json); }

static const char *b_field_name(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    return finish(m, msg_embed_field(msg_embed(m), t, "v", 0), json);
}

static const char *b_field_value(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    return finish(m, msg_embed_field(msg_embed(m), "n", t, 0), json);
}

/* The embeds' 6000 in all: a 4096-character description and the rest in the footer. */
static const char *b_total(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    bh_embed *e = msg_embed(m);
    static char desc[4096 * 4 + 1];
    size_t cut = msg_text_cut(t, 4096);
    memcpy(desc, t, cut);
    desc[cut] = '\0';
    int rc = msg_embed_set(e, BH_EMBED_DESCRIPTION, desc);
    if (rc == 0)
        rc = msg_embed_set(e, BH_EMBED_FOOTER, t + cut);
    return finish(m, rc, json);
}

static const char *b_label(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    return finish(m, msg_row_button(msg_row(m), BH_BUTTON_PRIMARY, t, "b", NULL, 0), json);
}

/* "p:" and the plugin's id: 100 characters in all. */
static const char *b_custom_id(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    return finish(m, msg_row_button(msg_row(m), BH_BUTTON_PRIMARY, "L", t, NULL, 0), json);
}

static const char *b_placeholder(const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    bh_select *s = msg_row_select(msg_row(m), BH_SELECT_STRING, "s", t, 1, 1);
    return finish(m, s ? 0 : BH_ELIMIT, json);
}

static const char *b_option(int which, const char *t, char **json)
{
    bh_msg *m = msg_new("p", NULL);
    bh_select *s = msg_row_select(msg_row(m), BH_SELECT_STRING, "s", NULL, 1, 1);
    int rc = which == 0   ? msg_select_option(s, t, "v", NULL, NULL, 0)
             : which == 1 ? msg_select_option(s, "l", "v", t, NULL, 0)
                          : msg_select_option(s, "l", t, NULL, NULL, 0);
    return finish(m, rc, json);
}
static const char *b_opt_label(const char *t, char **json) { return b_option(0, t, json); }
static const char *b_opt_desc(const char *t, char **json) { return b_option(1, t, json); }
static const char *b_opt_value(const char *t, char **json) { return b_option(2, t, json); }

static const char *modal_finish(bh_modal *md, char **json)
{
    static char err[256];
    const char *e;
    const json_t *body = msg_modal_body(md, &e);
    snprintf(err, sizeof err, "%s", e ? e : "");
    *json = body ? json_dumps(body, JSON_COMPACT) : strdup("");
    msg_modal_free(md);
    return e ? err : NULL;
}

static const char *b_modal_title(const char *t, char **json)
{
    bh_modal *md = msg_modal_new("p", NULL, "m", t);
    msg_modal_text(md, "x", "X", BH_TEXT_SHORT, 0, 0, 0, NULL, NULL);
    return modal_finish(md, json);
}

static const char *b_input(int which, const char *t, char **json)
{
    bh_modal *md = msg_modal_new("p", NULL, "m", "M");
    if (which == 0)
        msg_modal_text(md, "x", t, BH_TEXT_SHORT, 0, 0, 0, NULL, NULL);
    else if (which == 1)
        msg_modal_text(md, t, "X", BH_TEXT_SHORT, 0, 0, 0, NULL, NULL);
    else if (which == 2)
        msg_modal_text(md, "x", "X", BH_TEXT_SHORT, 0, 0, 0, NULL, t);
    else
        msg_modal_text(md, "x", "X", BH_TEXT_PARAGRAPH, 0, 0, 0, t, NULL);
    return modal_finish(md, json);
}
static const char *b_input_label(const char *t, char **json) { return b_input(0, t, json); }
static const char *b_input_id(const char *t, char **json) { return b_input(1, t, json); }
static const char *b_input_ph(const char *t, char **json) { return b_input(2, t, json); }
static const char *b_input_value(const char *t, char **json) { return b_input(3, t, json); }

static const struct {
    const char *name;
    build_fn fn;
    size_t max;
    const char *error; /* what the error over the limit says */
} CASES[] = {
    {"content", b_content, 2000, "message content is 2001 characters; Discord allows 2000"},
    {"embed title", b_title, 256, "embed title is 257 characters; Discord allows 256"},
    {"embed description", b_desc, 4096, "embed description is 4097 characters"},
    {"field name", b_field_name, 256, "embed field name is 257 characters"},
    {"field value", b_field_value, 1024, "embed field value is 1025 characters"},
    {"footer", b_footer, 2048, "embed footer is 2049 characters"},
    {"author", b_author, 256, "embed author is 257 characters"},
    {"embeds in all", b_total, 6000, "embeds hold 6001 characters; Discord allows 6000 in all"},
    {"button label", b_label, 80, "button label is 81 characters"},
    {"custom_id", b_custom_id, 98, "is 101 characters; Discord allows 100"},
    {"select placeholder", b_placeholder, 150, "select placeholder is 151 characters"},
    {"option label", b_opt_label, 100, "select option label is 101 characters"},
    {"option description", b_opt_desc, 100, "select option description is 101 characters"},
    {"option value", b_opt_value, 100, "select option value is 101 characters"},
    {"modal title", b_modal_title, 45, "modal title is 46 characters"},
    {"text input label", b_input_label, 45, "text input label is 46 characters"},
    {"text input custom_id", b_input_id, 100, "text input custom_id is 101 characters"},
    {"text input placeholder", b_input_ph, 100, "text input placeholder is 101 characters"},
    {"text input value", b_input_value, 4000, "text input value is 4001 characters"},
};

int main(void)
{
    int checked = 0;
    for (size_t u = 0; u < sizeof UNITS / sizeof UNITS[0]; u++) {
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
            char *json;
            /* At the limit: built, and the text is in the JSON whole. */
            const char *text = repeat(UNITS[u], CASES[i].max);
            const char *err = CASES[i].fn(text, &json);
            if (err) {
                fprintf(stderr, "%s at %zu characters: %s\n", CASES[i].name, CASES[i].max, err);
                CHECK(0);
            }
            if (CASES[i].fn != b_total && !strstr(json, text)) {
                fprintf(stderr, "%s at %zu characters: the text is not whole in %.200s\n",
                        CASES[i].name, CASES[i].max, json);
                CHECK(0);
            }
            free(json);
            /* One more: refused, the field named. */
            err = CASES[i].fn(repeat(UNITS[u], CASES[i].max + 1), &json);
            if (!err || !strstr(err, CASES[i].error)) {
                fprintf(stderr, "%s at %zu characters: expected '%s', got '%s'\n", CASES[i].name,
                        CASES[i].max + 1, CASES[i].error, err ? err : "(built)");
                CHECK(0);
            }
            free(json);
            checked++;
        }
    }

    /* Not UTF-8 (a cut sequence, an overlong form, a surrogate): an error, never an empty field. */
    static const char *const bad[] = {"ok \xE6\xBC", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                      "\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
            if (CASES[k].fn == b_total)
                continue;
            char *json;
            const char *err = CASES[k].fn(bad[i], &json);
            if (!err || !strstr(err, "not valid UTF-8")) {
                fprintf(stderr, "%s with bad UTF-8 #%zu: got '%s'\n", CASES[k].name, i,
                        err ? err : "(built)");
                CHECK(0);
            }
            free(json);
        }
    }
    CHECK_EQ_INT((int)msg_utf8_invalid_at("a\xE6\xBC\xA2" "b"), -1);
    CHECK_EQ_INT((int)msg_utf8_invalid_at("ab\xE6\xBC"), 2);

    /* A cut by characters never splits a sequence. */
    const char *t = repeat(UNITS[0], 10);
    CHECK_EQ_INT((int)msg_text_cut(t, 3), 12);
    CHECK_EQ_INT((int)msg_text_cut(t, 10), 40);
    CHECK_EQ_INT((int)msg_text_cut(t, 50), 40);
    CHECK_EQ_INT((int)msg_text_cut("abc", 0), 0);

    printf("test_text_limits: ok (%d limits, 2 scripts)\n", checked);
    return 0;
}
