/* Posting a panel, and keeping its posted message in step with its settings. */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define POST_PERMS (BH_PERM_VIEW_CHANNEL | BH_PERM_SEND_MESSAGES | BH_PERM_EMBED_LINKS)

/* Every role checked again before the panel goes out; problems listed in notice. */
static int roles_ok(rp_guild *g, const rp_panel *p, char *notice, size_t n)
{
    int bad = 0;
    for (int i = 0; i < p->nroles; i++) {
        bh_role_info info;
        const rp_role *r = &p->roles[i];
        int why = rp_role_check(g, r->role_id, r->admin_top_role_id, &info);
        if (why == RP_OK && (info.permissions & RP_DANGEROUS_PERMS) && !r->dangerous_ok)
            why = RP_R_DANGEROUS;
        if (why != RP_OK) {
            char text[300];
            rp_reason_text(p, why, r->role_id, text, sizeof text);
            rp_append(notice, n, "%s%s", bad++ ? "\n" : "", text);
        }
    }
    return bad;
}

int rp_post(bh_ctx *c, rp_panel *p, uint64_t channel, char *notice, size_t n)
{
    notice[0] = '\0';
    /* The editor hides Post without roles, but an editor can be stale (a role deleted since). */
    if (p->nroles == 0) {
        snprintf(notice, n, "This panel has no roles (a role may have been deleted since the "
                            "editor was drawn): add one, then post.");
        return BH_EINVAL;
    }
    rp_guild *g = rp_guild_open(c, p->guild_id);
    if (!g)
        return BH_ENOMEM;
    uint64_t perms;
    bh_bot_permissions(c, p->guild_id, channel, &perms); /* 0 when unknown: cold below */
    int bad = !rp_guild_cold(g) && !(perms & BH_PERM_ADMINISTRATOR) &&
              (perms & POST_PERMS) != POST_PERMS;
    if (bad)
        snprintf(notice, n, "The bot cannot post in <#%" PRIu64 ">: it needs View Channel, "
                            "Send Messages and Embed Links there.", channel);
    else if ((bad = roles_ok(g, p, notice, n)))
        rp_append(notice, n, "\nFix or remove these roles, then post again.");
    rp_guild_close(g);
    if (bad)
        return BH_EPERM;
    bh_msg *m = rp_render_panel(c, p, 0);
    int rc;
    uint64_t old_channel = p->channel_id, old_message = p->message_id;
    if (p->state == RP_POSTED && old_message && old_channel == channel) {
        rc = bh_message_edit(c, channel, old_message, m);
        if (rc == 0) {
            bh_msg_free(m);
            snprintf(notice, n, "Updated the panel in <#%" PRIu64 ">.", channel);
            return 0;
        }
        if (rc != BH_ENOTFOUND) {
            bh_msg_free(m);
            snprintf(notice, n, "Could not update the panel: %s", bh_ctx_error(c));
            return rc;
        }
        old_message = 0; /* gone: post a new one */
    }
    uint64_t id = 0;
    rc = bh_message_send(c, channel, m, &id);
    bh_msg_free(m);
    if (rc < 0) {
        snprintf(notice, n, "Could not post in <#%" PRIu64 ">: %s", channel, bh_ctx_error(c));
        return rc;
    }
    p->state = RP_POSTED;
    p->channel_id = channel;
    p->message_id = id;
    p->broken_reason[0] = '\0';
    rc = rp_panel_save(c, p);
    if (rc < 0)
        return rc;
    snprintf(notice, n, "Posted the panel in <#%" PRIu64 ">.", channel);
    /* The old message goes after the new one is recorded, so its MESSAGE_DELETE finds nothing. */
    if (old_message && old_message != id) {
        if (bh_message_delete(c, old_channel, old_message) == 0)
            rp_append(notice, n, " The old message in <#%" PRIu64 "> was removed.", old_channel);
    }
    return 0;
}

void rp_sync(bh_ctx *c, rp_panel *p, char *notice, size_t n)
{
    if (p->state != RP_POSTED || !p->message_id)
        return;
    bh_msg *m = rp_render_panel(c, p, 0);
    int rc = bh_message_edit(c, p->channel_id, p->message_id, m);
    bh_msg_free(m);
    if (rc == 0) {
        rp_append(notice, n, " The posted panel was updated.");
    } else if (rc == BH_ENOTFOUND) {
        p->state = RP_BROKEN;
        p->message_id = 0;
        snprintf(p->broken_reason, sizeof p->broken_reason, "its message was deleted");
        rp_panel_mark_broken(c, p->id, p->broken_reason);
        rp_append(notice, n, " The posted message is gone: post the panel again.");
    } else {
        rp_append(notice, n, " The posted panel could not be updated: %s", bh_ctx_error(c));
    }
}
