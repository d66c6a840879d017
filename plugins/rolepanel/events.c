/*
 * Things deleted on Discord's side: a role on a panel, a panel's message, a
 * panel's channel (or the audit channel). Panels are updated or marked broken
 * and the admins are told; a second delivery of the same event changes nothing.
 */
#include "rolepanel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t id_field(const json_t *d, const char *name)
{
    const char *s = json_string_value(json_object_get(d, name));
    return s ? strtoull(s, NULL, 10) : 0;
}

int rp_event_role_delete(bh_ctx *c)
{
    const json_t *d = bh_ctx_data(c);
    uint64_t guild = id_field(d, "guild_id"), role = id_field(d, "role_id");
    bh_result *r;
    int rc = bh_db_query(c, &r,
                         "WITH gone AS (DELETE FROM rolepanel.panel_roles pr USING rolepanel.panels p "
                         " WHERE pr.panel_id = p.id AND p.guild_id = $1 AND pr.role_id = $2 "
                         " RETURNING p.id), "
                         "req AS (UPDATE rolepanel.panels SET required_role_id = NULL "
                         " WHERE guild_id = $1 AND required_role_id = $2 RETURNING id), "
                         "exc AS (UPDATE rolepanel.panels SET excluded_role_id = NULL "
                         " WHERE guild_id = $1 AND excluded_role_id = $2 RETURNING id) "
                         "SELECT id FROM gone UNION SELECT id FROM req UNION SELECT id FROM exc "
                         "ORDER BY 1",
                         BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)role)));
    if (rc < 0)
        return rc;
    /* Pending removals of the deleted role have nothing left to remove. */
    bh_result *t;
    rc = bh_db_query(c, &t, "DELETE FROM rolepanel.temp_roles WHERE guild_id = $1 AND role_id = $2 "
                            "RETURNING user_id",
                     BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)role)));
    if (rc < 0)
        return rc;
    for (int i = 0; i < bh_result_rows(t); i++) {
        char key[80];
        snprintf(key, sizeof key, "%" PRIu64 ":%s:%" PRIu64, guild, bh_result_text(t, i, 0), role);
        bh_job_cancel(c, "expire", key);
    }
    if (bh_result_rows(r) == 0)
        return 0;

    char text[2000];
    snprintf(text, sizeof text, "The role %" PRIu64 " was deleted; it was taken off ", role);
    rp_panel *p = malloc(sizeof *p);
    if (!p)
        return BH_ENOMEM;
    for (int i = 0; i < bh_result_rows(r); i++) {
        char notice[300] = "";
        if (rp_panel_load(c, bh_result_i64(r, i, 0), guild, p) < 0)
            continue;
        rp_append(text, sizeof text, "%spanel #%" PRId64 " (%s)", i ? ", " : "", p->id, p->title);
        rp_sync(c, p, notice, sizeof notice);
        if (p->nroles == 0 && p->state == RP_POSTED) {
            rp_panel_mark_broken(c, p->id, "all its roles were deleted");
            rp_append(text, sizeof text, ", which has no roles left and is marked broken");
        } else if (strstr(notice, "gone")) {
            rp_append(text, sizeof text, ", whose message is gone (marked broken)");
        }
    }
    free(p);
    rp_append(text, sizeof text, ".");
    rp_notify(c, guild, "Role panel: role deleted", text);
    return 0;
}

/* Marks the panels of a message broken and tells the admins. */
static int message_gone(bh_ctx *c, uint64_t message)
{
    bh_result *r;
    int rc = bh_db_query(c, &r,
                         "UPDATE rolepanel.panels SET state = 'broken', broken_reason = "
                         "'its message was deleted', message_id = NULL, updated_at = now() "
                         "WHERE message_id = $1 RETURNING id, guild_id, title",
                         BH_ARGS(bh_i64((int64_t)message)));
    if (rc < 0)
        return rc;
    for (int i = 0; i < bh_result_rows(r); i++) {
        char text[600];
        snprintf(text, sizeof text, "The message of panel #%s (%s) was deleted. The panel is "
                                    "kept as a draft marked broken: /panel edit panel:%s and "
                                    "post it again, or /panel delete it.",
                 bh_result_text(r, i, 0), bh_result_text(r, i, 2), bh_result_text(r, i, 0));
        rp_notify(c, (uint64_t)bh_result_i64(r, i, 1), "Role panel: message deleted", text);
    }
    return 0;
}

int rp_event_message_delete(bh_ctx *c)
{
    const json_t *d = bh_ctx_data(c);
    const json_t *ids = json_object_get(d, "ids");
    if (!ids)
        return message_gone(c, id_field(d, "id"));
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v) {
        int rc = message_gone(c, strtoull(json_string_value(v) ? json_string_value(v) : "0",
                                          NULL, 10));
        if (rc < 0)
            return rc;
    }
    return 0;
}

int rp_event_channel_delete(bh_ctx *c)
{
    const json_t *d = bh_ctx_data(c);
    uint64_t channel = id_field(d, "id"), guild = id_field(d, "guild_id");
    bh_result *r;
    int64_t n = bh_db_exec(c, "UPDATE rolepanel.guild_config SET audit_channel_id = NULL, "
                              "updated_at = now() WHERE audit_channel_id = $1",
                           BH_ARGS(bh_i64((int64_t)channel)));
    if (n < 0)
        return (int)n;
    if (n > 0)
        bh_log(RP_HOST, BH_LOG_WARN, "guild %" PRIu64 ": the audit channel %" PRIu64
                                     " was deleted; audit logging is off", guild, channel);
    int rc = bh_db_query(c, &r,
                         "UPDATE rolepanel.panels SET state = 'broken', broken_reason = "
                         "'its channel was deleted', message_id = NULL, updated_at = now() "
                         "WHERE channel_id = $1 AND state = 'posted' RETURNING id, title",
                         BH_ARGS(bh_i64((int64_t)channel)));
    if (rc < 0 || bh_result_rows(r) == 0)
        return rc;
    char text[1500] = "";
    for (int i = 0; i < bh_result_rows(r); i++)
        rp_append(text, sizeof text, "%s#%s (%s)", i ? ", " : "", bh_result_text(r, i, 0),
                  bh_result_text(r, i, 1));
    rp_append(text, sizeof text, ": the channel they were posted in was deleted. They are "
                                 "marked broken; post them again from /panel edit.");
    rp_notify(c, guild, "Role panel: channel deleted", text);
    return 0;
}
