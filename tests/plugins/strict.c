/*
 * sdk_strict: calls every function of the SDK, built with -Wall -Wextra -Wpedantic
 * -Wconversion -Werror (tests/plugins/CMakeLists.txt; and with clang by the
 * sdk_headers_clang test), so that the headers stay warning-free in a plugin's
 * strictest build. test_abi loads it; its handlers never run.
 */
#include <bothost/bothost.h>

#include <string.h>

/* Every name of the intent and permission lists has its constant, with its bit. */
#define CHECK_INTENT(name, bit)                                                                    \
    _Static_assert(BH_INTENT_##name == (UINT64_C(1) << (bit)), "BH_INTENT_" #name);
BH_INTENT_MAP(CHECK_INTENT)
#define CHECK_PERM(name, bit)                                                                      \
    _Static_assert(BH_PERM_##name == (UINT64_C(1) << (bit)), "BH_PERM_" #name);
BH_PERM_MAP(CHECK_PERM)

static bh_host *H;

static int on_everything(bh_ctx *c)
{
    int rc = 0;
    enum bh_ctx_kind kind = bh_ctx_kind(c);
    bh_log(bh_ctx_host(c), BH_LOG_DEBUG, "%d %s %s %s", (int)kind, bh_ctx_name(c),
           bh_ctx_error(c), bh_plugin_name(H));
    (void)bh_ctx_data(c);
    (void)bh_err_name(BH_EINVAL);
    (void)bh_strerror(BH_EINVAL);
    int64_t secs;
    char dur[BH_DURATION_TEXT_MAX];
    rc |= bh_duration_parse("2d 6h", &secs) | bh_duration_format(secs, dur, sizeof dur);

    bh_result *r = NULL;
    rc |= bh_db_query(
        c, &r, "SELECT $1, $2, $3, $4, $5, $6",
        BH_ARGS(bh_null(), bh_text("a"), bh_i64(1), bh_f64(1.5), bh_bool(1), bh_json(NULL)));
    for (int i = 0; i < bh_result_rows(r); i++)
        for (int j = 0; j < bh_result_cols(r); j++)
            bh_log(H, BH_LOG_DEBUG, "%d %s %lld %f %d", bh_result_is_null(r, i, j),
                   bh_result_text(r, i, j), (long long)bh_result_i64(r, i, j),
                   bh_result_f64(r, i, j), bh_result_bool(r, i, j));
    rc |= bh_result_col(r, "x");
    (void)bh_result_affected(r);
    bh_result_free(r);
    int64_t n = bh_db_exec(c, "SELECT 1", BH_NOARGS);
    rc |= bh_db_begin(c) | bh_db_commit(c) | bh_db_rollback(c);
    (void)bh_db_sqlstate(c);

    rc |= bh_job_schedule(c, "work", 0, NULL, "key") | bh_job_cancel(c, "work", "key");
    rc |= bh_job_attempt(c);

    uint64_t guild = bh_id(c, BH_ID_GUILD), roles[25];
    (void)bh_option(c, "o");
    bh_log(H, BH_LOG_DEBUG, "%s %lld %f %d %llu %lld", bh_opt_text(c, "s", ""),
           (long long)bh_opt_i64(c, "i", 0), bh_opt_f64(c, "f", 0), bh_opt_bool(c, "b", 0),
           (unsigned long long)bh_opt_id(c, "u"), (long long)n);
    (void)bh_resolved(c, "users", 1);
    for (int i = 0; i < bh_cid_count(c); i++)
        (void)bh_cid_part(c, i);
    int64_t part;
    rc |= bh_cid_i64(c, 0, &part);
    for (int i = 0; i < bh_value_count(c); i++)
        (void)bh_value(c, i);
    (void)bh_field(c, "f");
    (void)bh_actor_permissions(c);
    int nroles = bh_actor_roles(c, roles, 25);

    bh_msg *m = bh_msg_new(c);
    rc |= bh_msg_content(m, "x") | bh_msg_flags(m, BH_MSG_EPHEMERAL | BH_MSG_SUPPRESS_EMBEDS);
    bh_embed *e = bh_msg_embed(m);
    rc |= bh_embed_set(e, BH_EMBED_TITLE, "t") | bh_embed_color(e, 0xff0000u);
    rc |= bh_embed_field(e, "n", "v", 1);
    bh_row *row = bh_msg_row(m);
    rc |= bh_row_button(row, BH_BUTTON_PRIMARY, "b", "b:1", NULL, 0);
    bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, "s", "p", 1, 1);
    rc |= bh_select_option(s, "l", "v", "d", NULL, 1) | bh_select_default(s, 1);
    rc |= bh_msg_raw(m, NULL);
    (void)bh_msg_error(m);
    json_decref(bh_msg_json(m));
    bh_modal *md = bh_modal_new(c, "m", "title");
    rc |= bh_modal_text(md, &(bh_text_input){.custom_id = "f",
                                             .label = "label",
                                             .style = BH_TEXT_PARAGRAPH,
                                             .max_length = 100,
                                             .required = 1,
                                             .value = "v",
                                             .placeholder = "p"});

    rc |= bh_reply(c, m) | bh_reply_text(c, "%d", 1) | bh_update(c, m) | bh_defer(c, 1);
    rc |= bh_modal_open(c, md) | bh_autocomplete(c, NULL);
    uint64_t id = 0;
    rc |= bh_followup(c, m, &id) | bh_original_edit(c, m) | bh_original_delete(c);
    bh_modal_free(md);

    json_t *out = NULL;
    rc |= bh_rest(c, "GET", "/x", NULL, NULL, &out) | bh_discord_code(c);
    json_decref(out);
    rc |= bh_message_send(c, 1, m, &id) | bh_message_edit(c, 1, id, m);
    rc |= bh_message_delete(c, 1, id);
    rc |= bh_outbox_rest(c, "POST", "/x", NULL, NULL);
    rc |= bh_outbox_rest_report(c, "POST", "/x", NULL, NULL, "lost", NULL);
    rc |= bh_outbox_message_send(c, 1, m);
    rc |= bh_role_add(c, guild, 1, 2, NULL) | bh_role_remove(c, guild, 1, 2, "r");
    rc |= bh_dm_send(c, 1, m, &id) | bh_member_timeout(c, guild, 1, 0, NULL);
    rc |= bh_member_kick(c, guild, 1, NULL) | bh_member_ban(c, guild, 1, 0, NULL);
    rc |= bh_member_unban(c, guild, 1, NULL);
    rc |= bh_member_get(c, guild, 1, &out);
    json_decref(out);
    bh_msg_free(m);

    bh_role_info ri;
    rc |= bh_guild_role(c, guild, 2, &ri) | bh_bot_top_position(c, guild);
    enum bh_role_deny why;
    uint64_t u;
    rc |= bh_bot_user_id(c, &u) | bh_bot_permissions(c, guild, 0, &u);
    rc |= bh_member_top_position(c, guild, roles, nroles);
    rc |= bh_member_permissions(c, guild, 0, 1, roles, nroles, &u) | bh_guild_owner(c, guild, &u);
    rc |= bh_member_can_manage_role(c, guild, 1, roles, nroles, 2, &why);
    rc |= bh_bot_can_manage_role(c, guild, 2, &why);
    return rc;
}

static int strict_load(bh_host *h)
{
    H = h;
    int64_t i;
    int b;
    int rc = bh_command_register(h, "{\"name\":\"sdk_strict\",\"description\":\"strict\"}");
    rc = rc ? rc : bh_component_handle(h, "never", on_everything);
    rc = rc ? rc : bh_autocomplete_handle(h, "sdk_strict", on_everything);
    rc = rc ? rc : bh_modal_handle(h, "never", on_everything);
    rc = rc ? rc : bh_event_handle(h, "GUILD_CREATE", on_everything);
    rc = rc ? rc : bh_job_handle(h, "work", on_everything);
    rc = rc ? rc : bh_intents_require(h, BH_INTENT_GUILDS);
    (void)bh_config_text(h, "s", "");
    rc = rc ? rc : bh_config_i64(h, "i", 0, &i);
    rc = rc ? rc : bh_config_i64_range(h, "r", 1, 0, 2, &i);
    rc = rc ? rc : bh_config_bool(h, "b", 0, &b);
    if (strlen(bh_plugin_name(h)) > 32)
        rc = bh_config_error(h, "s", "is %s", "too long");
    return rc;
}

BH_PLUGIN(.name = "sdk_strict", .version = "1.0.0", .description = "strict headers",
          .load = strict_load);
