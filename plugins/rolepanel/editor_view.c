/*
 * The admin's editor: one ephemeral message, replaced in place after each
 * change. Every custom_id carries the panel id (and the role a page is about),
 * so the editor keeps no state of its own.
 */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const style_names[] = {"", "primary", "secondary", "success", "danger"};

static void settings(bh_embed *e, const rp_panel *p)
{
    char v[1024], dur[64];
    bh_embed_field(e, "Kind", p->kind == RP_KIND_SELECT ? "select menu" : "buttons", 1);
    snprintf(v, sizeof v, "%s: %s", rp_mode_name(p->mode), rp_mode_help(p->mode));
    bh_embed_field(e, "Mode", v, 1);
    snprintf(v, sizeof v, "min %d, max ", p->min_roles);
    if (p->max_roles)
        rp_append(v, sizeof v, "%d", p->max_roles);
    else
        rp_append(v, sizeof v, "none");
    bh_embed_field(e, "Limits per member", v, 1);
    v[0] = '\0';
    if (p->required_role)
        rp_append(v, sizeof v, "requires <@&%" PRIu64 ">", p->required_role);
    if (p->excluded_role)
        rp_append(v, sizeof v, "%snot with <@&%" PRIu64 ">", v[0] ? "; " : "", p->excluded_role);
    bh_embed_field(e, "Requirements", v[0] ? v : "none", 1);
    rp_duration_text(p->temp_seconds, dur, sizeof dur);
    bh_embed_field(e, "Roles last", dur, 1);
    if (p->state == RP_POSTED)
        snprintf(v, sizeof v, "posted in <#%" PRIu64 ">", p->channel_id);
    else if (p->state == RP_BROKEN)
        snprintf(v, sizeof v, "broken: %s (post it again)", p->broken_reason);
    else
        snprintf(v, sizeof v, "draft (not posted)");
    bh_embed_field(e, "State", v, 1);
}

static void role_list(bh_embed *e, const rp_panel *p)
{
    char v[1024] = "";
    for (int i = 0; i < p->nroles; i++) {
        const rp_role *r = &p->roles[i];
        rp_append(v, sizeof v, "%d. %s%s<@&%" PRIu64 "> \"%s\" (%s)%s\n", i + 1, r->emoji,
                  r->emoji[0] ? " " : "", r->role_id, r->label,
                  style_names[r->style >= 1 && r->style <= 4 ? r->style : 2],
                  r->dangerous_ok ? " \xE2\x9A\xA0" : "");
    }
    char name[32];
    snprintf(name, sizeof name, "Roles (%d/%d)", p->nroles, RP_MAX_ROLES);
    bh_embed_field(e, name, p->nroles ? v : "none yet: add one with the menu below", 0);
}

static void home(bh_msg *m, const rp_panel *p)
{
    char cid[100];
    snprintf(cid, sizeof cid, "ed:add:%" PRId64, p->id);
    bh_row_select(bh_msg_row(m), BH_SELECT_ROLE, cid, "Add a role\xE2\x80\xA6", 1, 1);
    if (p->nroles > 0) {
        snprintf(cid, sizeof cid, "ed:pick:%" PRId64, p->id);
        bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, cid,
                                     "Remove, reorder or relabel a role\xE2\x80\xA6", 1, 1);
        for (int i = 0; i < p->nroles; i++) {
            char value[24];
            snprintf(value, sizeof value, "%" PRIu64, p->roles[i].role_id);
            bh_select_option(s, p->roles[i].label, value, NULL, NULL, 0);
        }
    }
    snprintf(cid, sizeof cid, "ed:mode:%" PRId64, p->id);
    bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, cid, "Mode", 1, 1);
    for (int i = 0; i < RP_NMODES; i++) {
        char help[101];
        snprintf(help, sizeof help, "%s", rp_mode_help(i));
        bh_select_option(s, rp_mode_name(i), rp_mode_name(i), help, NULL, i == p->mode);
    }
    bh_row *r = bh_msg_row(m);
    snprintf(cid, sizeof cid, "ed:kind:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SECONDARY,
                  p->kind == RP_KIND_SELECT ? "Kind: select menu" : "Kind: buttons", cid, NULL, 0);
    snprintf(cid, sizeof cid, "ed:limits:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Limits & duration\xE2\x80\xA6", cid, NULL, 0);
    snprintf(cid, sizeof cid, "ed:req:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Requirements\xE2\x80\xA6", cid, NULL, 0);
    snprintf(cid, sizeof cid, "ed:text:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Title & text\xE2\x80\xA6", cid, NULL, 0);
    r = bh_msg_row(m);
    snprintf(cid, sizeof cid, "ed:preview:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Preview", cid, NULL, p->nroles == 0);
    snprintf(cid, sizeof cid, "ed:post:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SUCCESS, p->state == RP_POSTED ? "Move\xE2\x80\xA6" : "Post\xE2\x80\xA6",
                  cid, NULL, p->nroles == 0);
}

static void back(bh_row *r, const rp_panel *p)
{
    char cid[100];
    snprintf(cid, sizeof cid, "ed:home:%" PRId64, p->id);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Back", cid, NULL, 0);
}

static void role_page(bh_msg *m, const rp_panel *p, uint64_t role)
{
    char cid[100];
    bh_row *r = bh_msg_row(m);
    snprintf(cid, sizeof cid, "ed:up:%" PRId64 ":%" PRIu64, p->id, role);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Move up", cid, "\xE2\xAC\x86\xEF\xB8\x8F", 0);
    snprintf(cid, sizeof cid, "ed:down:%" PRId64 ":%" PRIu64, p->id, role);
    bh_row_button(r, BH_BUTTON_SECONDARY, "Move down", cid, "\xE2\xAC\x87\xEF\xB8\x8F", 0);
    snprintf(cid, sizeof cid, "ed:relabel:%" PRId64 ":%" PRIu64, p->id, role);
    bh_row_button(r, BH_BUTTON_PRIMARY, "Edit label\xE2\x80\xA6", cid, NULL, 0);
    snprintf(cid, sizeof cid, "ed:rm:%" PRId64 ":%" PRIu64, p->id, role);
    bh_row_button(r, BH_BUTTON_DANGER, "Remove", cid, NULL, 0);
    back(r, p);
}

static void req_page(bh_msg *m, const rp_panel *p)
{
    char cid[100];
    snprintf(cid, sizeof cid, "ed:setreq:%" PRId64, p->id);
    bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_ROLE, cid,
                                 "Required role (none: clear)", 0, 1);
    if (p->required_role)
        bh_select_default(s, p->required_role);
    snprintf(cid, sizeof cid, "ed:setexc:%" PRId64, p->id);
    s = bh_row_select(bh_msg_row(m), BH_SELECT_ROLE, cid, "Excluded role (none: clear)", 0, 1);
    if (p->excluded_role)
        bh_select_default(s, p->excluded_role);
    back(bh_msg_row(m), p);
}

static void post_page(bh_msg *m, const rp_panel *p)
{
    char cid[100];
    snprintf(cid, sizeof cid, "ed:postto:%" PRId64, p->id);
    bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_CHANNEL, cid,
                                 "Post the panel in\xE2\x80\xA6", 1, 1);
    if (p->channel_id && p->state == RP_POSTED)
        bh_select_default(s, p->channel_id);
    back(bh_msg_row(m), p);
}

static void confirm_page(bh_msg *m, const rp_panel *p, uint64_t role)
{
    char cid[100];
    bh_row *r = bh_msg_row(m);
    snprintf(cid, sizeof cid, "ed:confirm:%" PRId64 ":%" PRIu64, p->id, role);
    bh_row_button(r, BH_BUTTON_DANGER, "Add it anyway", cid, "\xE2\x9A\xA0\xEF\xB8\x8F", 0);
    back(r, p);
}

bh_msg *rp_render_editor(bh_ctx *c, const rp_panel *p, int page, uint64_t role,
                         const char *notice)
{
    bh_msg *m = bh_msg_new(c);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    /* Always set: an update without content would keep the previous notice. */
    bh_msg_content(m, notice && notice[0] ? notice : "\xE2\x80\x8B");
    bh_embed *e = bh_msg_embed(m);
    char title[512];
    snprintf(title, sizeof title, "Panel #%" PRId64 ": %s", p->id, p->title);
    bh_embed_set(e, BH_EMBED_TITLE, title);
    if (p->description[0])
        bh_embed_set(e, BH_EMBED_DESCRIPTION, p->description);
    bh_embed_color(e, p->state == RP_BROKEN ? 0xED4245 : 0x5865F2);
    settings(e, p);
    role_list(e, p);
    switch (page) {
    case RP_PAGE_ROLE: role_page(m, p, role); break;
    case RP_PAGE_REQ: req_page(m, p); break;
    case RP_PAGE_POST: post_page(m, p); break;
    case RP_PAGE_CONFIRM: confirm_page(m, p, role); break;
    default: home(m, p); break;
    }
    return m;
}
