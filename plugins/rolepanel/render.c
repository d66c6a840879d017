/* The panel as members see it (and as the editor's preview shows it). */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void footer(const rp_panel *p, char *out, size_t n)
{
    char dur[64];
    snprintf(out, n, "Mode: %s \xE2\x80\x94 %s.", rp_mode_name(p->mode), rp_mode_help(p->mode));
    if (p->max_roles > 0)
        rp_append(out, n, " At most %d role%s.", p->max_roles, p->max_roles == 1 ? "" : "s");
    if (p->min_roles > 0)
        rp_append(out, n, " At least %d role%s.", p->min_roles, p->min_roles == 1 ? "" : "s");
    if (p->temp_seconds > 0) {
        rp_duration_text(p->temp_seconds, dur, sizeof dur);
        rp_append(out, n, " Roles are removed after %s.", dur);
    }
    if (p->kind == RP_KIND_SELECT && p->mode != RP_VERIFY && p->mode != RP_DROP)
        rp_append(out, n, " Roles of this panel you leave unselected are removed.");
}

static void body(const rp_panel *p, char *out, size_t n)
{
    snprintf(out, n, "%s", p->description);
    if (p->description[0])
        rp_append(out, n, "\n\n");
    for (int i = 0; i < p->nroles; i++) {
        const rp_role *r = &p->roles[i];
        rp_append(out, n, "%s%s<@&%" PRIu64 ">", r->emoji, r->emoji[0] ? " " : "", r->role_id);
        if (r->description[0])
            rp_append(out, n, " \xE2\x80\x94 %s", r->description);
        rp_append(out, n, "\n");
    }
    if (p->required_role)
        rp_append(out, n, "\nRequires <@&%" PRIu64 ">.", p->required_role);
    if (p->excluded_role)
        rp_append(out, n, "\nNot for members with <@&%" PRIu64 ">.", p->excluded_role);
    /* Each role line ends with one: the last one would show as a blank line. */
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '\n')
        out[--len] = '\0';
}

static int select_max(const rp_panel *p)
{
    if (p->mode == RP_UNIQUE || p->mode == RP_BINDING)
        return 1;
    if (p->max_roles > 0 && p->max_roles < p->nroles)
        return p->max_roles;
    return p->nroles;
}

bh_msg *rp_render_panel(bh_ctx *c, const rp_panel *p, int preview)
{
    char foot[512];
    bh_msg *m = bh_msg_new(c);
    bh_embed *e = bh_msg_embed(m);
    bh_embed_set(e, BH_EMBED_TITLE, p->title);
    char *desc = malloc(6000);
    if (desc) {
        body(p, desc, 6000);
        if (desc[0])
            bh_embed_set(e, BH_EMBED_DESCRIPTION, desc);
        free(desc);
    }
    footer(p, foot, sizeof foot);
    bh_embed_set(e, BH_EMBED_FOOTER, foot);
    bh_embed_color(e, 0x5865F2);
    if (preview)
        bh_msg_flags(m, BH_MSG_EPHEMERAL);
    if (p->nroles == 0)
        return m;

    char cid[100];
    if (p->kind == RP_KIND_SELECT) {
        if (preview)
            snprintf(cid, sizeof cid, "pv:%" PRId64, p->id);
        else
            snprintf(cid, sizeof cid, "s:%" PRId64, p->id);
        bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, cid,
                                     "Choose your roles\xE2\x80\xA6", 0, select_max(p));
        for (int i = 0; i < p->nroles; i++) {
            const rp_role *r = &p->roles[i];
            char value[24];
            snprintf(value, sizeof value, "%" PRIu64, r->role_id);
            bh_select_option(s, r->label, value, r->description[0] ? r->description : NULL,
                             r->emoji[0] ? r->emoji : NULL, 0);
        }
        return m;
    }
    bh_row *row = NULL;
    for (int i = 0; i < p->nroles; i++) {
        const rp_role *r = &p->roles[i];
        if (i % 5 == 0)
            row = bh_msg_row(m);
        snprintf(cid, sizeof cid, "%s:%" PRId64 ":%" PRIu64, preview ? "pv" : "b", p->id,
                 r->role_id);
        bh_row_button(row, r->style, r->label, cid, r->emoji[0] ? r->emoji : NULL, 0);
    }
    return m;
}
