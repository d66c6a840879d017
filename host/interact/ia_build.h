/*
 * The message, embed, component and modal builders behind bh_msg_*(): JSON in
 * Discord's format, with Discord's limits checked as it is built.
 */
#ifndef BH_IA_BUILD_H
#define BH_IA_BUILD_H

#include <jansson.h>

#include <bothost/abi.h>

/* Characters as Discord counts them (code points of UTF-8 text). */
size_t ia_text_len(const char *s);
/* The offset of the first byte that is not valid UTF-8, or -1 when it all is. */
long ia_utf8_invalid_at(const char *s);
/* The length in bytes of the first `max_chars` characters of `s`: a cut there splits no sequence. */
size_t ia_text_cut(const char *s, size_t max_chars);

/*
 * A message for plugin `plugin` (custom_ids get its "<plugin>:" prefix). The
 * owner list, when given, lets the call free what the plugin did not.
 */
bh_msg *ia_msg_new(const char *plugin, bh_msg **owner_list);
void ia_msg_free(bh_msg *m);
/* The message body (borrowed), or NULL with the error in *err when a limit broke. */
const json_t *ia_msg_body(const bh_msg *m, const char **err);
int ia_msg_flags_get(const bh_msg *m);

bh_modal *ia_modal_new(const char *plugin, bh_modal **owner_list, const char *custom_id,
                       const char *title);
void ia_modal_free(bh_modal *md);
const json_t *ia_modal_body(const bh_modal *md, const char **err);

/* Frees what is left in an owner list. */
void ia_msg_free_all(bh_msg **list);
void ia_modal_free_all(bh_modal **list);

/* The bh_api entries. */
int ia_msg_content(bh_msg *m, const char *text);
int ia_msg_flags(bh_msg *m, uint32_t flags);
bh_embed *ia_msg_embed(bh_msg *m);
int ia_embed_set(bh_embed *e, int part, const char *text);
int ia_embed_color(bh_embed *e, uint32_t rgb);
int ia_embed_field(bh_embed *e, const char *name, const char *value, int inline_);
bh_row *ia_msg_row(bh_msg *m);
int ia_row_button(bh_row *r, int style, const char *label, const char *custom_id,
                  const char *emoji, int disabled);
bh_select *ia_row_select(bh_row *r, int kind, const char *custom_id, const char *placeholder,
                         int min_values, int max_values);
int ia_select_option(bh_select *s, const char *label, const char *value,
                     const char *description, const char *emoji, int selected);
int ia_select_default(bh_select *s, uint64_t id);
int ia_msg_raw(bh_msg *m, const json_t *fields);
const char *ia_msg_error(const bh_msg *m);
json_t *ia_msg_json(const bh_msg *m);
int ia_modal_text(bh_modal *md, const char *custom_id, const char *label, int style,
                  int min_length, int max_length, int required, const char *value,
                  const char *placeholder);

#endif
