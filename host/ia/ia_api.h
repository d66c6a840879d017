/* The bh_api entries implemented by host/ia/ (reading and answering interactions). */
#ifndef BH_IA_API_H
#define BH_IA_API_H

#include <bothost/abi.h>

uint64_t ia_api_id(bh_ctx *c, int which);
const json_t *ia_api_option(bh_ctx *c, const char *name);
int ia_api_cid_count(bh_ctx *c);
const char *ia_api_cid_part(bh_ctx *c, int i);
int ia_api_value_count(bh_ctx *c);
const char *ia_api_value(bh_ctx *c, int i);
const char *ia_api_field(bh_ctx *c, const char *custom_id);
uint64_t ia_api_member_perms(bh_ctx *c);
int ia_api_member_roles(bh_ctx *c, uint64_t *out, int max);
const json_t *ia_api_resolved(bh_ctx *c, const char *kind, uint64_t id);

int ia_api_reply(bh_ctx *c, bh_msg *m);
int ia_api_update(bh_ctx *c, bh_msg *m);
int ia_api_defer(bh_ctx *c, int ephemeral);
int ia_api_modal_open(bh_ctx *c, bh_modal *md);
int ia_api_autocomplete(bh_ctx *c, const json_t *choices);
int ia_api_followup(bh_ctx *c, bh_msg *m, uint64_t *message_id);
int ia_api_edit_original(bh_ctx *c, bh_msg *m);
int ia_api_delete_original(bh_ctx *c);

#endif
