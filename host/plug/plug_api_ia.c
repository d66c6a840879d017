/*
 * The table's interaction entries: each goes to the call's plug_ia_entries
 * (host/ia/), or answers as host/ia/ would for a call that is no interaction.
 */
#include "plug/plug_internal.h"

static int not_interaction(bh_ctx *c, const char *what)
{
    plug_set_error(c, "%s: this call is not an interaction", what);
    return BH_ESTATE;
}

const json_t *plug_ia_option(bh_ctx *c, const char *name)
{
    return c->ia.entries ? c->ia.entries->option(c, name) : NULL;
}

int plug_ia_cid_count(bh_ctx *c)
{
    return c->ia.entries ? c->ia.entries->cid_count(c) : 0;
}

const char *plug_ia_cid_part(bh_ctx *c, int i)
{
    return c->ia.entries ? c->ia.entries->cid_part(c, i) : NULL;
}

int plug_ia_reply(bh_ctx *c, bh_msg *m)
{
    return c->ia.entries ? c->ia.entries->reply(c, m) : not_interaction(c, "bh_reply");
}

int plug_ia_update(bh_ctx *c, bh_msg *m)
{
    return c->ia.entries ? c->ia.entries->update(c, m) : not_interaction(c, "bh_update");
}

int plug_ia_defer(bh_ctx *c, int ephemeral)
{
    return c->ia.entries ? c->ia.entries->defer(c, ephemeral) : not_interaction(c, "bh_defer");
}

int plug_ia_modal_open(bh_ctx *c, bh_modal *md)
{
    return c->ia.entries ? c->ia.entries->modal_open(c, md) : not_interaction(c, "bh_modal_open");
}

int plug_ia_autocomplete(bh_ctx *c, const json_t *choices)
{
    return c->ia.entries ? c->ia.entries->autocomplete(c, choices)
                         : not_interaction(c, "bh_autocomplete");
}

int plug_ia_followup(bh_ctx *c, bh_msg *m, uint64_t *message_id)
{
    return c->ia.entries ? c->ia.entries->followup(c, m, message_id)
                         : not_interaction(c, "bh_followup");
}

int plug_ia_edit_original(bh_ctx *c, bh_msg *m)
{
    return c->ia.entries ? c->ia.entries->edit_original(c, m)
                         : not_interaction(c, "bh_edit_original");
}

int plug_ia_delete_original(bh_ctx *c)
{
    return c->ia.entries ? c->ia.entries->delete_original(c)
                         : not_interaction(c, "bh_delete_original");
}

void plug_ctx_set_interaction(bh_ctx *c, struct ia_call *call, const plug_ia_entries *entries)
{
    c->ia.call = call;
    c->ia.entries = entries;
}

struct ia_call *plug_ctx_interaction(const bh_ctx *c)
{
    return c->ia.call;
}
