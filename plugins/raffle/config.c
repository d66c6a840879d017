/* A guild's raffle settings (/raffle config) and who counts as a manager. */
#include "raffle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int raffle_cfg_get(bh_ctx *c, uint64_t guild, raffle_cfg *out)
{
    memset(out, 0, sizeof *out);
    out->claim_window_s = 7 * 86400;
    bh_result *r;
    int rc = bh_db_query(c, &r,
                         "SELECT manager_role_id, channel_id, log_channel_id, payment_text, "
                         "max_per_member, claim_window_s, free_only "
                         "FROM raffle.guild_config WHERE guild_id = $1",
                         BH_ARGS(bh_i64((int64_t)guild)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(r) == 1) {
        out->manager_role = (uint64_t)bh_result_i64(r, 0, 0);
        out->channel = (uint64_t)bh_result_i64(r, 0, 1);
        out->log_channel = (uint64_t)bh_result_i64(r, 0, 2);
        snprintf(out->payment_text, sizeof out->payment_text, "%s", bh_result_text(r, 0, 3));
        out->max_per_member = (int)bh_result_i64(r, 0, 4);
        out->claim_window_s = bh_result_i64(r, 0, 5);
        out->free_only = bh_result_bool(r, 0, 6);
    }
    bh_result_free(r);
    return 0;
}

static int has_guild_admin(bh_ctx *c)
{
    return (bh_actor_permissions(c) & (BH_PERM_MANAGE_GUILD | BH_PERM_ADMINISTRATOR)) != 0;
}

int raffle_is_manager(bh_ctx *c, const raffle_cfg *cfg)
{
    if (has_guild_admin(c))
        return 1;
    if (!cfg->manager_role)
        return 0;
    uint64_t roles[250];
    int n = bh_actor_roles(c, roles, 250);
    for (int i = 0; i < n && i < 250; i++)
        if (roles[i] == cfg->manager_role)
            return 1;
    return 0;
}

int raffle_require_manager(bh_ctx *c, raffle_cfg *cfg)
{
    int rc = raffle_cfg_get(c, bh_id(c, BH_ID_GUILD), cfg);
    if (rc < 0)
        return rc;
    if (raffle_is_manager(c, cfg))
        return 1;
    rc = bh_reply_text(c, "Only raffle managers (the manager role or Manage Server) can do that.");
    return rc < 0 ? rc : 0;
}

static void show(bh_ctx *c, const raffle_cfg *cfg, const char *head)
{
    char role[40] = "not set (Manage Server only)", ch[40] = "not set", log[40] = "not set";
    char limit[40] = "no limit", window[40];
    bh_duration_format(cfg->claim_window_s, window, sizeof window); /* "7d", "2d 6h" */
    if (cfg->manager_role)
        snprintf(role, sizeof role, "<@&%" PRIu64 ">", cfg->manager_role);
    if (cfg->channel)
        snprintf(ch, sizeof ch, "<#%" PRIu64 ">", cfg->channel);
    if (cfg->log_channel)
        snprintf(log, sizeof log, "<#%" PRIu64 ">", cfg->log_channel);
    if (cfg->max_per_member)
        snprintf(limit, sizeof limit, "%d spot(s)", cfg->max_per_member);
    bh_reply_text(c,
                  "%s\nManager role: %s\nRaffle channel: %s\nLog channel: %s\n"
                  "Max spots per member: %s\nClaim window: %s\nFree giveaways only: %s\n"
                  "Payment instructions: %s",
                  head, role, ch, log, limit, window,
                  cfg->free_only ? "yes" : "no",
                  cfg->payment_text[0] ? cfg->payment_text : "not set");
}

uint64_t raffle_bot_perms(bh_ctx *c, uint64_t guild, uint64_t channel)
{
    uint64_t have;
    if (bh_bot_permissions(c, guild, channel, &have) < 0 && channel == bh_id(c, BH_ID_CHANNEL)) {
        /* The cache does not know: Discord said what the bot has where the command ran. */
        const char *app = json_string_value(json_object_get(bh_ctx_data(c), "app_permissions"));
        have = app ? strtoull(app, NULL, 10) : 0;
    }
    if (have & BH_PERM_ADMINISTRATOR)
        return ~UINT64_C(0);
    return have;
}

/* /raffle config [options]: without options it shows the settings. */
int raffle_on_config(bh_ctx *c)
{
    if (!(bh_actor_permissions(c) & (BH_PERM_MANAGE_GUILD | BH_PERM_ADMINISTRATOR)))
        return bh_reply_text(c, "Only members with Manage Server can change raffle settings.");
    uint64_t guild = bh_id(c, BH_ID_GUILD);
    const json_t *window_opt = bh_option(c, "claim_window");
    int64_t window = -1;
    if (window_opt) {
        window = raffle_parse_duration(bh_opt_text(c, "claim_window", ""));
        if (window < raffle_min_duration_s || window > RAFFLE_MAX_DAYS * 86400)
            return bh_reply_text(c,
                                 "claim_window: \"%s\" is not a duration between %llds and %d "
                                 "days (write it like 7d or 2d 6h).",
                                 bh_opt_text(c, "claim_window", ""),
                                 (long long)raffle_min_duration_s, RAFFLE_MAX_DAYS);
    }
    uint64_t channel = bh_opt_id(c, "channel"), log = bh_opt_id(c, "log_channel");
    /* The bot must be able to post the raffle where it is told to. */
    const uint64_t need = BH_PERM_VIEW_CHANNEL | BH_PERM_SEND_MESSAGES | BH_PERM_EMBED_LINKS |
                          BH_PERM_READ_MESSAGE_HISTORY;
    uint64_t have = channel ? raffle_bot_perms(c, guild, channel) : 0;
    if (channel && have && (have & need) != need)
        return bh_reply_text(c,
                             "channel: I need View Channel, Send Messages, Embed Links and Read "
                             "Message History in <#%" PRIu64 ">.",
                             channel);
    have = log ? raffle_bot_perms(c, guild, log) : 0;
    if (log && have &&
        (have & (BH_PERM_VIEW_CHANNEL | BH_PERM_SEND_MESSAGES)) !=
            (BH_PERM_VIEW_CHANNEL | BH_PERM_SEND_MESSAGES))
        return bh_reply_text(c, "log_channel: I need View Channel and Send Messages in <#%" PRIu64 ">.",
                             log);

    const json_t *free_opt = bh_option(c, "free_only");
    const json_t *max_opt = bh_option(c, "max_per_member");
    uint64_t role = bh_opt_id(c, "manager_role");
    if (!role && !channel && !log && !window_opt && !free_opt && !max_opt &&
        !bh_option(c, "payment_text")) {
        raffle_cfg cur;
        int r = raffle_cfg_get(c, guild, &cur);
        if (r < 0)
            return r;
        show(c, &cur, "Raffle settings:");
        return 0;
    }
    int64_t rc = bh_db_exec(
        c,
        "INSERT INTO raffle.guild_config AS g (guild_id, manager_role_id, channel_id, "
        "log_channel_id, payment_text, max_per_member, claim_window_s, free_only, updated_by) "
        "VALUES ($1, $2, $3, $4, coalesce($5, ''), coalesce($6, 0), coalesce($7, 604800), "
        "coalesce($8, false), $9) "
        "ON CONFLICT (guild_id) DO UPDATE SET "
        "manager_role_id = coalesce($2, g.manager_role_id), "
        "channel_id = coalesce($3, g.channel_id), "
        "log_channel_id = coalesce($4, g.log_channel_id), "
        "payment_text = coalesce($5, g.payment_text), "
        "max_per_member = coalesce($6, g.max_per_member), "
        "claim_window_s = coalesce($7, g.claim_window_s), "
        "free_only = coalesce($8, g.free_only), updated_by = $9, updated_at = now()",
        BH_ARGS(bh_i64((int64_t)guild), role ? bh_i64((int64_t)role) : bh_null(),
                channel ? bh_i64((int64_t)channel) : bh_null(),
                log ? bh_i64((int64_t)log) : bh_null(),
                bh_text(bh_opt_text(c, "payment_text", NULL)),
                max_opt ? bh_i64(bh_opt_i64(c, "max_per_member", 0)) : bh_null(),
                window >= 0 ? bh_i64(window) : bh_null(),
                free_opt ? bh_bool(bh_opt_bool(c, "free_only", 0)) : bh_null(),
                bh_i64((int64_t)bh_id(c, BH_ID_USER))));
    if (rc < 0)
        return (int)rc;
    raffle_cfg cfg;
    int r = raffle_cfg_get(c, guild, &cfg);
    if (r < 0)
        return r;
    show(c, &cfg, "Raffle settings saved.");
    return 0;
}
