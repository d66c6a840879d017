/*
 * raffle: load() reads [plugin.raffle], registers /raffle with its subcommands
 * and routes every button, select, modal and job to the file that owns it.
 */
#include "raffle.h"

bh_host *raffle_host;
int64_t raffle_max_spots;
int64_t raffle_render_delay_ms;
int64_t raffle_min_duration_s;
const char *raffle_currency;

/* Adds an option {type, name, description, extra...} to a JSON array. */
static json_t *opt(json_t *options, int type, const char *name, const char *desc, int required)
{
    json_t *o = json_pack("{s:i,s:s,s:s}", "type", type, "name", name, "description", desc);
    if (required)
        json_object_set_new(o, "required", json_true());
    json_array_append_new(options, o);
    return o;
}

static json_t *sub(json_t *root, const char *name, const char *desc)
{
    json_t *s = json_pack("{s:i,s:s,s:s,s:[]}", "type", 1, "name", name, "description", desc,
                          "options");
    json_array_append_new(json_object_get(root, "options"), s);
    return json_object_get(s, "options");
}

/* A string, so that "#12" (as the footer and /raffle list show it) and "12" both work. */
static void opt_raffle(json_t *o, int required)
{
    json_object_set_new(opt(o, 3, "raffle", "Raffle number (12 or #12)", required),
                        "autocomplete", json_true());
    json_object_set_new(json_array_get(o, json_array_size(o) - 1), "max_length",
                        json_integer(20));
}

static void opt_range(json_t *o, json_int_t min, json_int_t max)
{
    json_object_set_new(o, "min_value", json_integer(min));
    json_object_set_new(o, "max_value", json_integer(max));
}

static json_t *command_definition(void)
{
    json_t *root = json_pack("{s:s,s:s,s:[],s:b}", "name", "raffle", "description",
                             "Numbered-spot raffles and giveaways", "options", "dm_permission", 0);
    json_t *o = sub(root, "config", "Show or change this server's raffle settings");
    opt(o, 8, "manager_role", "Role whose members manage raffles", 0);
    json_object_set_new(opt(o, 7, "channel", "Channel raffles are posted in", 0),
                        "channel_types", json_pack("[i,i]", 0, 5));
    json_object_set_new(opt(o, 7, "log_channel", "Channel for manager reports", 0),
                        "channel_types", json_pack("[i,i]", 0, 5));
    json_object_set_new(opt(o, 3, "payment_text", "How members pay for their spots", 0),
                        "max_length", json_integer(1000));
    opt_range(opt(o, 4, "max_per_member", "Default spots per member (0: no limit)", 0), 0, 2500);
    opt(o, 3, "claim_window", "Default raffle length, like 7d or 2d 6h", 0);
    opt(o, 5, "free_only", "Allow free giveaways only (no paid entry)", 0);

    o = sub(root, "create", "Post a new raffle (texts in a form)");
    opt_range(opt(o, 4, "spots", "Number of spots", 1), 1, raffle_max_spots);
    json_object_set_new(opt(o, 10, "price", "Price per spot (0: free giveaway)", 0), "min_value",
                        json_real(0));
    opt_range(opt(o, 4, "winners", "Number of winners (1 by default)", 0), 1, RAFFLE_MAX_WINNERS);
    opt(o, 5, "close_when_full", "Close as soon as every spot is taken", 0);
    opt_range(opt(o, 4, "max_per_member", "Spots per member (0: no limit)", 0), 0,
              raffle_max_spots);
    opt(o, 8, "required_role", "Only members with this role may enter", 0);
    opt(o, 8, "excluded_role", "Members with this role may not enter", 0);
    opt_range(opt(o, 4, "min_account_days", "Minimum Discord account age in days", 0), 0, 3650);
    opt_range(opt(o, 4, "min_member_days", "Minimum days in this server", 0), 0, 3650);
    opt(o, 5, "auto_draw", "Draw the winners as soon as it closes", 0);

    o = sub(root, "edit", "Edit a raffle's title, prize and end (form)");
    opt_raffle(o, 1);
    o = sub(root, "extend", "Move a raffle's end later");
    opt_raffle(o, 1);
    opt(o, 3, "by", "How much longer, like 1d or 12h", 1);
    o = sub(root, "paid", "Mark a member's spots paid");
    opt(o, 6, "member", "The member who paid", 1);
    opt_raffle(o, 0);
    opt(o, 3, "spots", "Only these spots, like 1,4,7-9", 0);
    o = sub(root, "unpaid", "Mark a member's spots unpaid");
    opt(o, 6, "member", "The member", 1);
    opt_raffle(o, 0);
    opt(o, 3, "spots", "Only these spots, like 1,4,7-9", 0);
    o = sub(root, "manage", "The manager view of a raffle");
    opt_raffle(o, 1);
    o = sub(root, "close", "Close a raffle now");
    opt_raffle(o, 1);
    o = sub(root, "cancel", "Cancel a raffle (no draw; claims are kept)");
    opt_raffle(o, 1);
    json_object_set_new(opt(o, 3, "reason", "Why", 0), "max_length", json_integer(300));
    o = sub(root, "draw", "Draw the winners of a raffle");
    opt_raffle(o, 1);
    o = sub(root, "reroll", "Replace a winner by a new draw");
    opt_raffle(o, 1);
    opt(o, 6, "winner", "The winner to replace", 1);
    json_object_set_new(opt(o, 3, "reason", "Why (kept in the audit log)", 1), "max_length",
                        json_integer(300));
    sub(root, "list", "This server's raffles and their state");
    o = sub(root, "verify", "Show how a draw can be re-checked");
    opt_raffle(o, 1);
    o = sub(root, "shipping", "Winners' shipping details (managers)");
    opt_raffle(o, 1);
    return root;
}

static int raffle_load_plugin(bh_host *h)
{
    raffle_host = h;
    /* Each key is read and checked on its own, so every bad one is reported by name. */
    int bad = bh_config_i64_range(h, "max_spots", 1000, 1, 2500, &raffle_max_spots) < 0;
    bad |= bh_config_i64_range(h, "render_delay_ms", 1000, 0, 60000, &raffle_render_delay_ms) < 0;
    bad |= bh_config_i64_range(h, "min_duration_seconds", 60, 1, INT64_MAX,
                               &raffle_min_duration_s) < 0;
    raffle_currency = bh_config_text(h, "currency", "$");
    if (strlen(raffle_currency) > 8) {
        bad = 1;
        bh_config_error(h, "currency", "must be at most 8 bytes (a symbol or code: $, EUR)");
    }
    if (bad)
        return BH_EINVAL;

    json_t *def = command_definition();
    char *text = json_dumps(def, JSON_COMPACT);
    json_decref(def);
    if (!text)
        return BH_ENOMEM;
    int rc = bh_command_register(h, text);
    free(text);

    static const struct {
        const char *path;
        bh_handler_fn fn;
        int autocomplete;
    } commands[] = {
        {"raffle config", raffle_on_config, 0},   {"raffle create", raffle_on_create, 0},
        {"raffle edit", raffle_on_edit, 1},       {"raffle extend", raffle_on_extend, 1},
        {"raffle paid", raffle_on_paid, 1},       {"raffle unpaid", raffle_on_unpaid, 1},
        {"raffle manage", raffle_on_manage, 1},   {"raffle close", raffle_on_close, 1},
        {"raffle cancel", raffle_on_cancel, 1},   {"raffle draw", raffle_on_draw, 1},
        {"raffle reroll", raffle_on_reroll, 1},   {"raffle list", raffle_on_list, 0},
        {"raffle verify", raffle_on_verify, 1},   {"raffle shipping", raffle_on_shipping, 1},
    };
    for (size_t i = 0; rc == 0 && i < sizeof commands / sizeof commands[0]; i++) {
        rc = bh_command_handle(h, commands[i].path, commands[i].fn);
        if (rc == 0 && commands[i].autocomplete)
            rc = bh_autocomplete_handle(h, commands[i].path, raffle_autocomplete);
    }
    /* custom_ids: "raffle:<what>:<raffle id>[:...]"; every one names its raffle. */
    rc = rc ? rc : bh_component_handle(h, "claim", raffle_on_claim);
    rc = rc ? rc : bh_component_handle(h, "pick", raffle_on_pick);
    rc = rc ? rc : bh_component_handle(h, "take", raffle_on_take);
    rc = rc ? rc : bh_component_handle(h, "mine", raffle_on_mine);
    rc = rc ? rc : bh_component_handle(h, "release", raffle_on_release);
    rc = rc ? rc : bh_component_handle(h, "ship", raffle_on_ship);
    rc = rc ? rc : bh_component_handle(h, "mgr", raffle_on_mgr);
    rc = rc ? rc : bh_modal_handle(h, "create", raffle_on_create_modal);
    rc = rc ? rc : bh_modal_handle(h, "edit", raffle_on_edit_modal);
    rc = rc ? rc : bh_modal_handle(h, "ship", raffle_on_ship_modal);
    rc = rc ? rc : bh_job_handle(h, "close", raffle_job_close);
    rc = rc ? rc : bh_job_handle(h, "render", raffle_job_render);
    rc = rc ? rc : bh_job_handle(h, "lost", raffle_job_lost);
    return rc;
}

BH_PLUGIN(.name = "raffle", .version = "1.0.0",
          .description = "Numbered-spot raffles and giveaways with auditable draws",
          .load = raffle_load_plugin);
