/*
 * The editor's controls: custom_ids "rolepanel:ed:<action>:<panel>[:<role>]"
 * for buttons and selects, "rolepanel:em:<action>:<panel>[:<role>[:<ok>]]" for
 * the modals they open. Each change is saved, the posted message (if any) is
 * updated, and the editor is redrawn in place.
 */
#include "rolepanel.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ed {
    bh_ctx *c;
    rp_panel *p;
    rp_guild *g;
    uint64_t guild;
    const char *action;
    uint64_t role;           /* the custom_id's role part, if any */
    char notice[2000];
} ed;

static int redraw(ed *e, int page, uint64_t role)
{
    return bh_update(e->c, rp_render_editor(e->c, e->p, page, role, e->notice));
}

/*
 * Updates the posted message, then redraws the editor once. A slow edit of the
 * posted message (a rate limit) is fine: past auto_defer_ms the host defers a
 * component, and a modal opened from the editor, as an update of the editor, so
 * the redraw still lands there, and it is the last word on the editor.
 */
static int synced(ed *e, int page, uint64_t role)
{
    rp_sync(e->c, e->p, e->notice, sizeof e->notice);
    return redraw(e, page, role);
}

/* Saves the settings, updates the posted message, redraws. */
static int saved(ed *e, int page, uint64_t role)
{
    int rc = rp_panel_save(e->c, e->p);
    return rc < 0 ? rc : synced(e, page, role);
}

/* Reloads after a change to the roles, then as saved(). */
static int roles_changed(ed *e, int page, uint64_t role)
{
    int rc = rp_panel_load(e->c, e->p->id, e->guild, e->p);
    return rc < 0 ? rc : synced(e, page, role);
}

/*
 * Whether the acting admin may put `role` on a panel: the bot's checks plus
 * Discord's rules for the admin. *top gets the voucher to store with the role.
 * Writes the refusal in notice.
 */
static int may_add(ed *e, uint64_t role, bh_role_info *info, uint64_t *top)
{
    int why = rp_role_check(e->g, role, 0, info);
    if (why == RP_OK)
        why = rp_actor_may_give(e->g, role, top);
    if (why != RP_OK) {
        char text[400];
        rp_reason_text(e->p, why, role, text, sizeof text);
        if (why == RP_R_ESCALATION)
            snprintf(text, sizeof text, "<@&%" PRIu64 "> is at or above your own highest role: "
                                        "you cannot hand it out.", role);
        snprintf(e->notice, sizeof e->notice, "Cannot add <@&%" PRIu64 ">: %s", role, text);
        return 0;
    }
    return 1;
}

static void role_modal_fields(bh_modal *md, const rp_role *r, const char *name)
{
    static const char *const styles[] = {"", "primary", "secondary", "success", "danger"};
    char label[81];
    snprintf(label, sizeof label, "%.80s", r ? r->label : name);
    bh_modal_text(md, &(bh_text_input){.custom_id = "label",
                                       .label = "Label",
                                       .min_length = 1,
                                       .max_length = 80,
                                       .required = 1,
                                       .value = label});
    bh_modal_text(md, &(bh_text_input){.custom_id = "emoji",
                                       .label = "Emoji (optional)",
                                       .max_length = 64,
                                       .value = r && r->emoji[0] ? r->emoji : NULL,
                                       .placeholder = "\xF0\x9F\x8E\xAE or name:id"});
    bh_modal_text(md, &(bh_text_input){.custom_id = "style",
                                       .label = "Style (primary/secondary/success/danger)",
                                       .max_length = 10,
                                       .value = r ? styles[r->style] : "secondary"});
    bh_modal_text(md, &(bh_text_input){.custom_id = "description",
                                       .label = "Description (optional)",
                                       .max_length = 100,
                                       .value = r && r->description[0] ? r->description : NULL});
}

static int open_role_modal(ed *e, const char *action, uint64_t role, int ok)
{
    char cid[100], title[46];
    bh_role_info info;
    const rp_role *r = rp_panel_role(e->p, role);
    if (rp_guild_role(e->g, role, &info) < 0)
        snprintf(info.name, sizeof info.name, "Role");
    snprintf(cid, sizeof cid, "em:%s:%" PRId64 ":%" PRIu64 ":%d", action, e->p->id, role, ok);
    snprintf(title, sizeof title, "%s", r ? "Edit the role's button" : "Add a role");
    bh_modal *md = bh_modal_new(e->c, cid, title);
    role_modal_fields(md, r, info.name);
    return bh_modal_open(e->c, md);
}

static int on_add(ed *e)
{
    uint64_t role = bh_value_count(e->c) ? strtoull(bh_value(e->c, 0), NULL, 10) : 0;
    bh_role_info info;
    uint64_t top;
    if (!rp_panel_role(e->p, role) && e->p->nroles >= RP_MAX_ROLES) {
        snprintf(e->notice, sizeof e->notice, "A panel holds at most %d roles.", RP_MAX_ROLES);
        return redraw(e, RP_PAGE_HOME, 0);
    }
    if (!may_add(e, role, &info, &top))
        return redraw(e, RP_PAGE_HOME, 0);
    if (info.permissions & RP_DANGEROUS_PERMS) {
        char perms[200];
        rp_dangerous_text(info.permissions, perms, sizeof perms);
        snprintf(e->notice, sizeof e->notice,
                 "\xE2\x9A\xA0\xEF\xB8\x8F <@&%" PRIu64 "> carries %s. Everyone who clicks the "
                 "panel would get these powers. Add it anyway?", role, perms);
        return redraw(e, RP_PAGE_CONFIRM, role);
    }
    return open_role_modal(e, "add", role, 0);
}

/* "<:name:id>" and "<a:name:id>" become "name:id"; unicode stays as typed. */
static int emoji_norm(const char *in, char *out, size_t n)
{
    out[0] = '\0';
    if (!in)
        return 1;
    while (isspace((unsigned char)*in))
        in++;
    if (!*in)
        return 1;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", in);
    char *s = buf;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    if (s[0] == '<' && s[len - 1] == '>') {
        s[len - 1] = '\0';
        s += (s[1] == 'a' && s[2] == ':') ? 3 : 2;
    }
    const char *colon = strrchr(s, ':');
    if (colon) {
        for (const char *d = colon + 1; *d; d++)
            if (!isdigit((unsigned char)*d))
                return 0;
        if (colon == s || !colon[1])
            return 0;
    } else if ((unsigned char)s[0] < 0x80) {
        return 0; /* plain text is not an emoji */
    }
    snprintf(out, n, "%s", s);
    return 1;
}

static int style_parse(const char *s)
{
    static const char *const names[][2] = {{"primary", "blurple"}, {"secondary", "grey"},
                                           {"success", "green"}, {"danger", "red"}};
    if (!s || !*s)
        return BH_BUTTON_SECONDARY;
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(s, names[i][0]) || !strcasecmp(s, names[i][1]) ||
            (s[0] == '1' + i && !s[1]))
            return i + 1;
    if (!strcasecmp(s, "gray"))
        return BH_BUTTON_SECONDARY;
    return -1;
}

/* em:add and em:relabel: the role's label, emoji, style and description. */
static int on_role_modal(ed *e, int adding)
{
    uint64_t role = e->role;
    int64_t confirmed;
    int ok = bh_cid_i64(e->c, 4, &confirmed) == 0 && confirmed == 1;
    rp_role r;
    memset(&r, 0, sizeof r);
    const rp_role *old = rp_panel_role(e->p, role);
    bh_role_info info;
    if (adding) {
        if (!old && e->p->nroles >= RP_MAX_ROLES) {
            snprintf(e->notice, sizeof e->notice, "A panel holds at most %d roles.", RP_MAX_ROLES);
            return redraw(e, RP_PAGE_HOME, 0);
        }
        /* Checked again: the role may have moved since the admin picked it. */
        if (!may_add(e, role, &info, &r.admin_top_role_id))
            return redraw(e, RP_PAGE_HOME, 0);
        if ((info.permissions & RP_DANGEROUS_PERMS) && !ok) {
            snprintf(e->notice, sizeof e->notice,
                     "<@&%" PRIu64 "> carries dangerous permissions: confirm it first.", role);
            return redraw(e, RP_PAGE_CONFIRM, role);
        }
        r.dangerous_ok = (info.permissions & RP_DANGEROUS_PERMS) != 0;
        r.added_by = bh_id(e->c, BH_ID_USER);
    } else if (!old) {
        snprintf(e->notice, sizeof e->notice, "<@&%" PRIu64 "> is no longer on this panel.", role);
        return redraw(e, RP_PAGE_HOME, 0);
    } else {
        r = *old;
    }
    r.role_id = role;
    const char *label = bh_field(e->c, "label");
    snprintf(r.label, sizeof r.label, "%s", label && *label ? label : "Role");
    r.style = style_parse(bh_field(e->c, "style"));
    if (!emoji_norm(bh_field(e->c, "emoji"), r.emoji, sizeof r.emoji) || r.style < 0) {
        snprintf(e->notice, sizeof e->notice, "Not changed: %s",
                 r.style < 0 ? "the style must be primary, secondary, success or danger."
                             : "the emoji must be a unicode emoji or a custom one (name:id).");
        return redraw(e, adding ? RP_PAGE_HOME : RP_PAGE_ROLE, role);
    }
    const char *d = bh_field(e->c, "description");
    snprintf(r.description, sizeof r.description, "%s", d ? d : "");
    int rc = rp_panel_role_put(e->c, e->p, &r);
    if (rc < 0)
        return rc;
    snprintf(e->notice, sizeof e->notice, "%s <@&%" PRIu64 ">.", adding && !old ? "Added" : "Updated",
             role);
    return roles_changed(e, adding ? RP_PAGE_HOME : RP_PAGE_ROLE, role);
}

static int int_field(bh_ctx *c, const char *name, int def, int *out)
{
    const char *s = bh_field(c, name);
    char *end;
    if (!s || !*s) {
        *out = def;
        return 1;
    }
    long v = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    if (*end || v < 0 || v > RP_MAX_ROLES)
        return 0;
    *out = (int)v;
    return 1;
}

static int on_limits_modal(ed *e)
{
    int min, max;
    int64_t dur = rp_duration_parse(bh_field(e->c, "duration"));
    if (!int_field(e->c, "min", 0, &min) || !int_field(e->c, "max", 0, &max) ||
        (max && min > max)) {
        snprintf(e->notice, sizeof e->notice, "Not changed: min and max are whole numbers from 0 "
                                              "to 25 (max 0: no limit), min at most max.");
        return redraw(e, RP_PAGE_HOME, 0);
    }
    if (dur < 0 || dur > RP.max_temp_seconds) {
        char most[64];
        rp_duration_text(RP.max_temp_seconds, most, sizeof most);
        snprintf(e->notice, sizeof e->notice, "Not changed: the duration is like 30m, 2h or 7d "
                                              "(empty: permanent), at most %s.", most);
        return redraw(e, RP_PAGE_HOME, 0);
    }
    e->p->min_roles = min;
    e->p->max_roles = max;
    e->p->temp_seconds = dur;
    snprintf(e->notice, sizeof e->notice, "Limits and duration saved.");
    return saved(e, RP_PAGE_HOME, 0);
}

static int on_text_modal(ed *e)
{
    const char *t = bh_field(e->c, "title"), *d = bh_field(e->c, "description");
    snprintf(e->p->title, sizeof e->p->title, "%s", t && *t ? t : e->p->title);
    snprintf(e->p->description, sizeof e->p->description, "%s", d ? d : "");
    snprintf(e->notice, sizeof e->notice, "Title and text saved.");
    return saved(e, RP_PAGE_HOME, 0);
}

static int open_modal(ed *e, const char *action)
{
    char cid[100], v[3][32];
    snprintf(cid, sizeof cid, "em:%s:%" PRId64, action, e->p->id);
    bh_modal *md;
    if (!strcmp(action, "text")) {
        md = bh_modal_new(e->c, cid, "Title and text");
        bh_modal_text(md, &(bh_text_input){.custom_id = "title",
                                           .label = "Title",
                                           .min_length = 1,
                                           .max_length = 100,
                                           .required = 1,
                                           .value = e->p->title});
        bh_modal_text(md,
                      &(bh_text_input){.custom_id = "description",
                                       .label = "Description",
                                       .style = BH_TEXT_PARAGRAPH,
                                       .max_length = 1000,
                                       .value = e->p->description[0] ? e->p->description : NULL});
    } else {
        md = bh_modal_new(e->c, cid, "Limits and duration");
        snprintf(v[0], sizeof v[0], "%d", e->p->min_roles);
        snprintf(v[1], sizeof v[1], "%d", e->p->max_roles);
        v[2][0] = '\0';
        if (e->p->temp_seconds)
            rp_duration_text(e->p->temp_seconds, v[2], sizeof v[2]);
        bh_modal_text(md, &(bh_text_input){.custom_id = "min",
                                           .label = "Fewest roles a member must keep (0: none)",
                                           .max_length = 2,
                                           .value = v[0]});
        bh_modal_text(md, &(bh_text_input){.custom_id = "max",
                                           .label = "Most roles a member may hold (0: no limit)",
                                           .max_length = 2,
                                           .value = v[1]});
        bh_modal_text(md, &(bh_text_input){.custom_id = "duration",
                                           .label = "Roles last (30m, 2h, 7d; empty: forever)",
                                           .max_length = 20,
                                           .value = v[2][0] ? v[2] : NULL});
    }
    return bh_modal_open(e->c, md);
}

static uint64_t value_id(bh_ctx *c)
{
    return bh_value_count(c) ? strtoull(bh_value(c, 0), NULL, 10) : 0;
}

static int on_component(ed *e)
{
    const char *a = e->action;
    rp_panel *p = e->p;
    if (!strcmp(a, "home"))
        return redraw(e, RP_PAGE_HOME, 0);
    if (!strcmp(a, "add"))
        return on_add(e);
    if (!strcmp(a, "confirm"))
        return open_role_modal(e, "add", e->role, 1);
    if (!strcmp(a, "relabel"))
        return open_role_modal(e, "relabel", e->role, 0);
    if (!strcmp(a, "limits") || !strcmp(a, "text"))
        return open_modal(e, a);
    if (!strcmp(a, "pick")) {
        uint64_t role = value_id(e->c);
        snprintf(e->notice, sizeof e->notice, "<@&%" PRIu64 ">: move it, relabel it or remove it.",
                 role);
        return redraw(e, rp_panel_role(p, role) ? RP_PAGE_ROLE : RP_PAGE_HOME, role);
    }
    if (!strcmp(a, "up") || !strcmp(a, "down")) {
        int rc = rp_panel_role_move(e->c, p, e->role, a[0] == 'u' ? -1 : 1);
        if (rc < 0)
            return rc;
        snprintf(e->notice, sizeof e->notice, "Moved <@&%" PRIu64 "> %s.", e->role, a);
        return roles_changed(e, RP_PAGE_ROLE, e->role);
    }
    if (!strcmp(a, "rm")) {
        int rc = rp_panel_role_remove(e->c, p->id, e->role);
        if (rc < 0 && rc != BH_ENOTFOUND)
            return rc;
        snprintf(e->notice, sizeof e->notice, "Removed <@&%" PRIu64 "> from the panel. Members "
                                              "who have it keep it.", e->role);
        return roles_changed(e, RP_PAGE_HOME, 0);
    }
    if (!strcmp(a, "mode")) {
        int mode = bh_value_count(e->c) ? rp_mode_parse(bh_value(e->c, 0)) : -1;
        if (mode >= 0)
            p->mode = mode;
        snprintf(e->notice, sizeof e->notice, "Mode: %s.", rp_mode_name(p->mode));
        return saved(e, RP_PAGE_HOME, 0);
    }
    if (!strcmp(a, "kind")) {
        p->kind = p->kind == RP_KIND_SELECT ? RP_KIND_BUTTONS : RP_KIND_SELECT;
        snprintf(e->notice, sizeof e->notice, "Kind: %s.",
                 p->kind == RP_KIND_SELECT ? "select menu" : "buttons");
        return saved(e, RP_PAGE_HOME, 0);
    }
    if (!strcmp(a, "req"))
        return redraw(e, RP_PAGE_REQ, 0);
    if (!strcmp(a, "setreq") || !strcmp(a, "setexc")) {
        uint64_t role = value_id(e->c);
        if (a[3] == 'r')
            p->required_role = role;
        else
            p->excluded_role = role;
        snprintf(e->notice, sizeof e->notice, "Requirements saved.");
        if (p->required_role && p->required_role == p->excluded_role)
            snprintf(e->notice, sizeof e->notice, "Requirements saved, but nobody can use the "
                                                  "panel: one role is both required and excluded.");
        return saved(e, RP_PAGE_REQ, 0);
    }
    if (!strcmp(a, "preview"))
        return bh_reply(e->c, rp_render_panel(e->c, p, 1));
    if (!strcmp(a, "post"))
        return redraw(e, RP_PAGE_POST, 0);
    if (!strcmp(a, "postto")) {
        int rc = rp_post(e->c, p, value_id(e->c), e->notice, sizeof e->notice);
        if (rc < 0 && !e->notice[0])
            return rc;
        return redraw(e, rc < 0 ? RP_PAGE_POST : RP_PAGE_HOME, 0);
    }
    snprintf(e->notice, sizeof e->notice, "This control is not known any more.");
    return redraw(e, RP_PAGE_HOME, 0);
}

/* Shared by both handlers: who may edit, and which panel. */
static int with_panel(bh_ctx *c, int modal)
{
    if (!rp_actor_is_admin(c))
        return bh_reply_text(c, "Managing role panels needs the Manage Roles permission.");
    ed *e = calloc(1, sizeof *e);
    rp_panel *p = malloc(sizeof *p);
    if (!e || !p) {
        free(e);
        free(p);
        return BH_ENOMEM;
    }
    e->c = c;
    e->p = p;
    e->guild = bh_id(c, BH_ID_GUILD);
    e->g = rp_guild_open(c, e->guild);
    e->action = bh_cid_part(c, 1) ? bh_cid_part(c, 1) : "";
    int64_t id;
    if (bh_cid_i64(c, 2, &id) < 0)
        id = -1; /* a forged id: no panel has it */
    e->role = bh_cid_part(c, 3) ? strtoull(bh_cid_part(c, 3), NULL, 10) : 0;
    int rc = e->g ? rp_panel_load(c, id, e->guild, p) : BH_ENOMEM;
    if (rc == BH_ENOTFOUND) {
        bh_msg *m = bh_msg_new(c);
        bh_msg_content(m, "This panel was deleted.");
        json_t *none = json_pack("{s:[],s:[]}", "components", "embeds");
        bh_msg_raw(m, none);
        json_decref(none);
        rc = bh_update(c, m);
    } else if (rc == 0 && modal) {
        if (!strcmp(e->action, "add"))
            rc = on_role_modal(e, 1);
        else if (!strcmp(e->action, "relabel"))
            rc = on_role_modal(e, 0);
        else if (!strcmp(e->action, "limits"))
            rc = on_limits_modal(e);
        else
            rc = on_text_modal(e);
    } else if (rc == 0) {
        rc = on_component(e);
    }
    rp_guild_close(e->g);
    free(p);
    free(e);
    return rc;
}

int rp_editor_component(bh_ctx *c)
{
    return with_panel(c, 0);
}

int rp_editor_modal(bh_ctx *c)
{
    return with_panel(c, 1);
}

int rp_click_preview(bh_ctx *c)
{
    return bh_reply_text(c, "This is a preview: the posted panel's controls give the roles.");
}
