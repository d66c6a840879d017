/*
 * The message, embed, component and modal builders behind bh_msg_*(): JSON in
 * Discord's format, with Discord's limits checked as it is built.
 */
#ifndef BH_MSG_H
#define BH_MSG_H

#include <jansson.h>
#include <sys/queue.h>

#include <bothost/abi.h>

/* Characters as Discord counts them (code points of UTF-8 text). */
size_t msg_text_len(const char *s);
/* The offset of the first byte that is not valid UTF-8, or -1 when it all is. */
long msg_utf8_invalid_at(const char *s);
/* The length in bytes of the first `max_chars` characters of `s`: a cut there splits no sequence. */
size_t msg_text_cut(const char *s, size_t max_chars);

/* Owner lists: what a call made and frees at its end (an empty one is zeroed). */
typedef LIST_HEAD(msg_list, bh_msg) msg_list;
typedef LIST_HEAD(msg_modal_list, bh_modal) msg_modal_list;

/*
 * A message for plugin `plugin` (custom_ids get its "<plugin>:" prefix). The
 * owner list, when given, lets the call free what the plugin did not.
 */
bh_msg *msg_new(const char *plugin, msg_list *owner_list);
void msg_free(bh_msg *m);
/* The message body (borrowed), or NULL with the error in *err when a limit broke. */
const json_t *msg_body(const bh_msg *m, const char **err);
int msg_flags_get(const bh_msg *m);

bh_modal *msg_modal_new(const char *plugin, msg_modal_list *owner_list, const char *custom_id,
                       const char *title);
void msg_modal_free(bh_modal *md);
const json_t *msg_modal_body(const bh_modal *md, const char **err);

/* Frees what is left in an owner list. */
void msg_free_all(msg_list *list);
void msg_modal_free_all(msg_modal_list *list);

/* The bh_api entries. */
int msg_content(bh_msg *m, const char *text);
int msg_flags(bh_msg *m, uint32_t flags);
bh_embed *msg_embed(bh_msg *m);
int msg_embed_set(bh_embed *e, int part, const char *text);
int msg_embed_color(bh_embed *e, uint32_t rgb);
int msg_embed_field(bh_embed *e, const char *name, const char *value, int inline_);
bh_row *msg_row(bh_msg *m);
int msg_row_button(bh_row *r, int style, const char *label, const char *custom_id,
                  const char *emoji, int disabled);
bh_select *msg_row_select(bh_row *r, int kind, const char *custom_id, const char *placeholder,
                         int min_values, int max_values);
int msg_select_option(bh_select *s, const char *label, const char *value,
                     const char *description, const char *emoji, int selected);
int msg_select_default(bh_select *s, uint64_t id);
int msg_raw(bh_msg *m, const json_t *fields);
const char *msg_error(const bh_msg *m);
json_t *msg_json(const bh_msg *m);
int msg_modal_text(bh_modal *md, const char *custom_id, const char *label, int style,
                  int min_length, int max_length, int required, const char *value,
                  const char *placeholder);

#endif
