/* /panel create|edit|list|delete and /rolepanel config. */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POST_PERMS (BH_PERM_VIEW_CHANNEL | BH_PERM_SEND_MESSAGES | BH_PERM_EMBED_LINKS)

/* Commands are for admins in a guild; says why not and returns 0 when refused. */
static int admin_in_guild(bh_ctx *c)
{
    if (!bh_id(c, BH_ID_GUILD)) {
        bh_reply_text(c, "Role panels live in servers, not in direct messages.");
        return 0;
    }
    if (!rp_actor_is_admin(c)) {
        bh_reply_text(c, "Managing role panels needs the Manage Roles permission.");
        return 0;
    }
    return 1;
}

int rp_cmd_create(bh_ctx *c)
{
    if (!admin_in_guild(c))
        return 0;
    bh_modal *md = bh_modal_new(c, "em:new", "New role panel");
    bh_modal_text(md, &(bh_text_input){.custom_id = "title",
                                       .label = "Title",
                                       .min_length = 1,
                                       .max_length = 100,
                                       .required = 1,
                                       .placeholder = "Pick your roles"});
    bh_modal_text(
        md, &(bh_text_input){.custom_id = "description",
                             .label = "Description",
                             .style = BH_TEXT_PARAGRAPH,
                             .max_length = 1000,
                             .placeholder =
                                 "Click a button to take a role, click again to give it back."});
    return bh_modal_open(c, md);
}

int rp_modal_new(bh_ctx *c)
{
    if (!admin_in_guild(c))
        return 0;
    uint64_t guild = bh_id(c, BH_ID_GUILD);
    const char *title = bh_field(c, "title");
    const char *desc = bh_field(c, "description");
    int64_t id;
    int rc = rp_panel_create(c, guild, bh_id(c, BH_ID_USER), title && *title ? title : "Roles",
                             desc ? desc : "", &id);
    if (rc == BH_ELIMIT)
        return bh_reply_text(c, "This server already has %" PRId64 " panels, the most allowed. "
                                "Delete one first (/panel delete).", RP.max_panels);
    if (rc < 0)
        return rc;
    rp_panel p;
    rc = rp_panel_load(c, id, guild, &p);
    if (rc < 0)
        return rc;
    bh_msg *m = rp_render_editor(c, &p, RP_PAGE_HOME, 0,
                                 "Panel created. Add roles with the menu, then post it.");
    return bh_reply(c, m);
}

/*
 * For the commands on one panel: the admin check, then the panel the "panel"
 * option names in *out (the caller's to free) and 1; 0 when it answered why not;
 * or an error.
 */
static int admin_option_panel(bh_ctx *c, rp_panel **out)
{
    if (!admin_in_guild(c))
        return 0;
    rp_panel *p = malloc(sizeof *p);
    if (!p)
        return BH_ENOMEM;
    int64_t id = bh_opt_i64(c, "panel", 0);
    int rc = rp_panel_load(c, id, bh_id(c, BH_ID_GUILD), p);
    if (rc < 0) {
        free(p);
        if (rc != BH_ENOTFOUND)
            return rc;
        bh_reply_text(c, "There is no panel #%" PRId64 " in this server (see /panel list).", id);
        return 0;
    }
    *out = p;
    return 1;
}

int rp_cmd_edit(bh_ctx *c)
{
    rp_panel *p;
    int rc = admin_option_panel(c, &p);
    if (rc <= 0)
        return rc;
    rc = bh_reply(c, rp_render_editor(c, p, RP_PAGE_HOME, 0, NULL));
    free(p);
    return rc;
}

int rp_cmd_list(bh_ctx *c)
{
    if (!admin_in_guild(c))
        return 0;
    bh_result *r;
    int rc = bh_db_query(
        c, &r,
        "SELECT p.id, p.title, p.kind, p.mode, p.state, p.channel_id, p.broken_reason, "
        "(SELECT count(*) FROM rolepanel.panel_roles pr WHERE pr.panel_id = p.id), "
        "(SELECT coalesce(sum(total), 0) FROM rolepanel.refusals rf WHERE rf.panel_id = p.id) "
        "FROM rolepanel.panels p WHERE p.guild_id = $1 ORDER BY p.id LIMIT 25",
        BH_ARGS(bh_i64((int64_t)bh_id(c, BH_ID_GUILD))));
    if (rc < 0)
        return rc;
    if (bh_result_rows(r) == 0)
        return bh_reply_text(c, "No role panels yet: /panel create makes one.");
    bh_msg *m = bh_msg_new(c);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    bh_embed *e = bh_msg_embed(m);
    bh_embed_set(e, BH_EMBED_TITLE, "Role panels");
    bh_embed_color(e, 0x5865F2);
    for (int i = 0; i < bh_result_rows(r); i++) {
        char name[512], value[512];
        snprintf(name, sizeof name, "#%s %s", bh_result_text(r, i, 0), bh_result_text(r, i, 1));
        snprintf(value, sizeof value, "%s, %s, %s role(s); ", bh_result_text(r, i, 2),
                 bh_result_text(r, i, 3), bh_result_text(r, i, 7));
        const char *st = bh_result_text(r, i, 4);
        if (!strcmp(st, "posted"))
            rp_append(value, sizeof value, "posted in <#%s>", bh_result_text(r, i, 5));
        else if (!strcmp(st, "broken"))
            rp_append(value, sizeof value, "BROKEN: %s", bh_result_text(r, i, 6));
        else
            rp_append(value, sizeof value, "draft");
        if (bh_result_i64(r, i, 8) > 0)
            rp_append(value, sizeof value, "; %s refused click(s)", bh_result_text(r, i, 8));
        bh_embed_field(e, name, value, 0);
    }
    return bh_reply(c, m);
}

int rp_cmd_delete(bh_ctx *c)
{
    rp_panel *p;
    int rc = admin_option_panel(c, &p);
    if (rc <= 0)
        return rc;
    /* The row goes first, so the MESSAGE_DELETE that follows finds no panel. */
    int64_t n = bh_db_exec(c, "DELETE FROM rolepanel.panels WHERE id = $1", BH_ARGS(bh_i64(p->id)));
    if (n < 0) {
        free(p);
        return (int)n;
    }
    bh_db_exec(c, "DELETE FROM rolepanel.refusals WHERE panel_id = $1", BH_ARGS(bh_i64(p->id)));
    const char *gone = "";
    if (p->message_id && bh_message_delete(c, p->channel_id, p->message_id) == 0)
        gone = " and its message";
    rc = bh_reply_text(c, "Deleted panel #%" PRId64 " (%s)%s. Roles members already took stay "
                          "with them; temporary ones still expire.", p->id, p->title, gone);
    free(p);
    return rc;
}

int rp_cmd_config(bh_ctx *c)
{
    if (!admin_in_guild(c))
        return 0;
    uint64_t guild = bh_id(c, BH_ID_GUILD);
    uint64_t channel = bh_opt_id(c, "audit_channel");
    int off = bh_opt_bool(c, "audit_off", 0);
    if (channel && !off) {
        uint64_t perms;
        bh_bot_permissions(c, guild, channel, &perms); /* 0 when unknown: cold below */
        rp_guild *g = rp_guild_open(c, guild);
        int cold = !g || rp_guild_cold(g);
        rp_guild_close(g);
        if (!cold && !(perms & BH_PERM_ADMINISTRATOR) && (perms & POST_PERMS) != POST_PERMS)
            return bh_reply_text(c, "The bot cannot post in <#%" PRIu64 ">: it needs View "
                                    "Channel, Send Messages and Embed Links there.", channel);
    }
    if (channel || off) {
        int64_t n = bh_db_exec(
            c,
            "INSERT INTO rolepanel.guild_config (guild_id, audit_channel_id, updated_by) "
            "VALUES ($1, $2, $3) ON CONFLICT (guild_id) DO UPDATE SET "
            "audit_channel_id = EXCLUDED.audit_channel_id, updated_by = EXCLUDED.updated_by, "
            "updated_at = now()",
            BH_ARGS(bh_i64((int64_t)guild), off ? bh_null() : bh_i64((int64_t)channel),
                    bh_i64((int64_t)bh_id(c, BH_ID_USER))));
        if (n < 0)
            return (int)n;
    }
    uint64_t now = rp_audit_channel(c, guild);
    if (now)
        return bh_reply_text(c, "Audit channel: <#%" PRIu64 ">. Every role change made through "
                                "a panel is logged there.", now);
    return bh_reply_text(c, "No audit channel: role changes are not logged to a channel. "
                            "Set one with /rolepanel config audit_channel:#channel.");
}
