/* The bh_api entries implemented by host/ia/: reading what it parsed, answering. */
#ifndef BH_IA_API_H
#define BH_IA_API_H

#include <bothost/abi.h>

#include "plug/plug_ctx.h"

/* All of them, as the call carries them (plug_ctx_set_interaction()). */
extern const plug_ia_entries ia_entries;

const json_t *ia_api_option(bh_ctx *c, const char *name);
int ia_api_cid_count(bh_ctx *c);
const char *ia_api_cid_part(bh_ctx *c, int i);

int ia_api_reply(bh_ctx *c, bh_msg *m);
int ia_api_update(bh_ctx *c, bh_msg *m);
int ia_api_defer(bh_ctx *c, int ephemeral);
int ia_api_modal_open(bh_ctx *c, bh_modal *md);
int ia_api_autocomplete(bh_ctx *c, const json_t *choices);
int ia_api_followup(bh_ctx *c, bh_msg *m, uint64_t *message_id);
int ia_api_edit_original(bh_ctx *c, bh_msg *m);
int ia_api_delete_original(bh_ctx *c);

#endif
