/* load(): the [plugin.rolepanel] keys, the commands, and every handler. */
#include "rolepanel.h"

rp_config RP;
bh_host *RP_HOST;

static const char panel_cmd[] =
    "{\"name\":\"panel\",\"description\":\"Role panels: members take roles by clicking\","
    "\"default_member_permissions\":\"268435456\",\"dm_permission\":false,\"options\":["
    "{\"type\":1,\"name\":\"create\",\"description\":\"Create a role panel\"},"
    "{\"type\":1,\"name\":\"edit\",\"description\":\"Edit a role panel\",\"options\":["
    "{\"type\":4,\"name\":\"panel\",\"description\":\"Panel number (see /panel list)\","
    "\"required\":true,\"min_value\":1}]},"
    "{\"type\":1,\"name\":\"list\",\"description\":\"List this server's role panels\"},"
    "{\"type\":1,\"name\":\"delete\",\"description\":\"Delete a role panel and its message\","
    "\"options\":[{\"type\":4,\"name\":\"panel\",\"description\":\"Panel number (see /panel "
    "list)\",\"required\":true,\"min_value\":1}]}]}";

static const char config_cmd[] =
    "{\"name\":\"rolepanel\",\"description\":\"Role panel settings\","
    "\"default_member_permissions\":\"268435456\",\"dm_permission\":false,\"options\":["
    "{\"type\":1,\"name\":\"config\",\"description\":\"Show or set the audit channel\","
    "\"options\":[{\"type\":7,\"name\":\"audit_channel\",\"description\":\"Where role changes "
    "are logged\",\"channel_types\":[0,5]},{\"type\":5,\"name\":\"audit_off\",\"description\":"
    "\"Stop logging role changes\"}]}]}";

/* Each key is read and checked on its own, so every bad one is reported by name. */
static int read_config(bh_host *h)
{
    int64_t max_temp_days;
    int bad = bh_config_i64_range(h, "cooldown_ms", 1500, 0, INT32_MAX, &RP.cooldown_ms) < 0;
    bad |= bh_config_i64_range(h, "audit_batch_ms", 2000, 100, INT32_MAX, &RP.audit_batch_ms) < 0;
    bad |= bh_config_i64_range(h, "refusal_report_s", 60, 1, INT32_MAX, &RP.refusal_report_ms) < 0;
    bad |= bh_config_i64_range(h, "max_panels", 50, 1, INT32_MAX, &RP.max_panels) < 0;
    bad |= bh_config_i64_range(h, "max_temp_days", 365, 1, INT32_MAX, &max_temp_days) < 0;
    bad |= bh_config_i64_range(h, "fresh_window_ms", 3000, 0, INT32_MAX, &RP.fresh_window_ms) < 0;
    if (bad)
        return BH_EINVAL;
    RP.refusal_report_ms *= 1000;
    RP.max_temp_seconds = max_temp_days * 86400;
    return 0;
}

static int rolepanel_load(bh_host *h)
{
    RP_HOST = h;
    int rc = read_config(h);
    rc = rc ? rc : bh_command_register(h, panel_cmd);
    rc = rc ? rc : bh_command_register(h, config_cmd);
    rc = rc ? rc : bh_command_handle(h, "panel create", rp_cmd_create);
    rc = rc ? rc : bh_command_handle(h, "panel edit", rp_cmd_edit);
    rc = rc ? rc : bh_command_handle(h, "panel list", rp_cmd_list);
    rc = rc ? rc : bh_command_handle(h, "panel delete", rp_cmd_delete);
    rc = rc ? rc : bh_command_handle(h, "rolepanel config", rp_cmd_config);
    rc = rc ? rc : bh_modal_handle(h, "em:new", rp_modal_new);
    rc = rc ? rc : bh_modal_handle(h, "em", rp_editor_modal);
    rc = rc ? rc : bh_component_handle(h, "ed", rp_editor_component);
    rc = rc ? rc : bh_component_handle(h, "b", rp_click_button);
    rc = rc ? rc : bh_component_handle(h, "s", rp_click_select);
    rc = rc ? rc : bh_component_handle(h, "pv", rp_click_preview);
    rc = rc ? rc : bh_job_handle(h, "expire", rp_job_expire);
    rc = rc ? rc : bh_job_handle(h, "audit", rp_job_audit);
    rc = rc ? rc : bh_event_handle(h, "GUILD_ROLE_DELETE", rp_event_role_delete);
    rc = rc ? rc : bh_event_handle(h, "MESSAGE_DELETE", rp_event_message_delete);
    rc = rc ? rc : bh_event_handle(h, "MESSAGE_DELETE_BULK", rp_event_message_delete);
    rc = rc ? rc : bh_event_handle(h, "CHANNEL_DELETE", rp_event_channel_delete);
    rc = rc ? rc : bh_intents_require(h, BH_INTENT_GUILDS | BH_INTENT_GUILD_MESSAGES);
    return rc;
}

BH_PLUGIN(.name = "rolepanel", .version = "1.0.0",
          .description = "Role panels: buttons and menus that give roles",
          .load = rolepanel_load);
