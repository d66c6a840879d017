/* The function table plugins call: registration, config, logging, the call context, database, jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfg.h"
#include "base/log.h"
#include "msg/msg.h"
#include "plug/plug_api_discord.h"
#include "plug/plug_internal.h"
#include "plug/plug_outbox.h"

static __thread bh_ctx *current_ctx;

bh_ctx *plug_ctx_current(void)
{
    return current_ctx;
}

void plug_ctx_set_current(bh_ctx *c)
{
    current_ctx = c;
}

/* ---- registration ---- */

static int api_command_register(bh_host *h, const char *def)
{
    return plug_registry_add_command(h, def);
}

static int api_command_handle(bh_host *h, const char *path, bh_handler_fn fn)
{
    return plug_registry_add(h, PLUG_COMMAND, path, fn);
}

static int api_autocomplete_handle(bh_host *h, const char *path, bh_handler_fn fn)
{
    return plug_registry_add(h, PLUG_AUTOCOMPLETE, path, fn);
}

static int api_component_handle(bh_host *h, const char *prefix, bh_handler_fn fn)
{
    return plug_registry_add(h, PLUG_COMPONENT, prefix, fn);
}

static int api_modal_handle(bh_host *h, const char *prefix, bh_handler_fn fn)
{
    return plug_registry_add(h, PLUG_MODAL, prefix, fn);
}

static int api_event_handle(bh_host *h, const char *event, bh_handler_fn fn)
{
    return plug_registry_add(h, PLUG_EVENT, event, fn);
}

static int api_job_handle(bh_host *h, const char *kind, bh_handler_fn fn)
{
    return plug_registry_add(h, PLUG_JOB, kind, fn);
}

static int api_intents_require(bh_host *h, uint64_t intents)
{
    if (!h->in_load)
        return BH_ESTATE;
    h->intents |= intents;
    return 0;
}

/* ---- configuration ---- */

static plug_cfg_value *cfg_find(bh_host *h, const char *key)
{
    for (int i = 0; i < h->ncfg; i++) {
        if (strcmp(h->cfg[i].key, key) == 0) {
            h->cfg[i].used = 1;
            return &h->cfg[i];
        }
    }
    return NULL;
}

/* Adds "file:line: [plugin.x] 'key' what, not 'value'" to the load's errors ("; " between). */
static void cfg_errorv(bh_host *h, const char *key, const char *fmt, va_list ap)
{
    plug_cfg_value *v = NULL;
    for (int i = 0; i < h->ncfg && !v; i++)
        if (strcmp(h->cfg[i].key, key) == 0)
            v = &h->cfg[i];
    char what[256];
    vsnprintf(what, sizeof what, fmt, ap);
    size_t pos = strlen(h->err);
    if (pos + 3 >= sizeof h->err)
        return;
    char *at = h->err + pos;
    size_t room = sizeof h->err - pos;
    const char *sep = pos ? "; " : "";
    if (v)
        snprintf(at, room, "%s%s:%d: [plugin.%s] '%s' %s, not '%s'", sep, h->cfg_file, v->line,
                 h->name, key, what, v->value);
    else
        snprintf(at, room, "%s%s: [plugin.%s] '%s' %s", sep, h->cfg_file, h->name, key, what);
}

static void cfg_error(bh_host *h, const plug_cfg_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void cfg_error(bh_host *h, const plug_cfg_value *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_errorv(h, v->key, fmt, ap);
    va_end(ap);
}

static int api_config_error(bh_host *h, const char *key, const char *fmt, va_list ap)
{
    if (!h || !key || !fmt)
        return BH_EINVAL;
    cfg_find(h, key); /* a key refused was read */
    cfg_errorv(h, key, fmt, ap);
    return BH_EINVAL;
}

static const char *api_config_str(bh_host *h, const char *key, const char *def)
{
    plug_cfg_value *v = cfg_find(h, key);
    return v ? v->value : def;
}

static int api_config_int(bh_host *h, const char *key, int64_t def, int64_t *out)
{
    plug_cfg_value *v = cfg_find(h, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (cfg_parse_int(v->value, INT64_MIN, INT64_MAX, out) < 0) {
        cfg_error(h, v, "must be a whole number");
        *out = def;
        return BH_EINVAL;
    }
    return 0;
}

static int api_config_bool(bh_host *h, const char *key, int def, int *out)
{
    plug_cfg_value *v = cfg_find(h, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (cfg_parse_bool(v->value, out) < 0) {
        cfg_error(h, v, "must be true or false");
        *out = def;
        return BH_EINVAL;
    }
    return 0;
}

/* ---- logging ---- */

static void api_logv(bh_host *h, int level, const char *fmt, va_list ap)
{
    char fields[256];
    bh_ctx *c = current_ctx;
    if (c && plug_ctx_gen(c) == h)
        snprintf(fields, sizeof fields, "plugin=%s gen=%llu call=%s", h->name,
                 (unsigned long long)h->id, plug_ctx_name(c));
    else
        snprintf(fields, sizeof fields, "plugin=%s gen=%llu", h ? h->name : "?",
                 h ? (unsigned long long)h->id : 0ull);
    if (level < BH_LOG_DEBUG || level > BH_LOG_ERROR)
        level = BH_LOG_INFO;
    log_fieldsv(level, "plugin", fields, fmt, ap);
}

/* The table's entry for plugins built before bh_strerror() was inline: the same list. */
static const char *api_strerror(int err)
{
    return bh_strerror(err);
}

static const char *api_plugin_name(bh_host *h)
{
    return h->name;
}

/* ---- the call ---- */

static bh_host *api_ctx_host(bh_ctx *c)
{
    return plug_ctx_gen(c);
}

static int api_ctx_kind(bh_ctx *c)
{
    return plug_ctx_kind(c);
}

static const json_t *api_ctx_data(bh_ctx *c)
{
    return plug_ctx_data(c);
}

static const char *api_ctx_error(bh_ctx *c)
{
    return plug_ctx_error(c);
}

static const char *api_ctx_name(bh_ctx *c)
{
    return plug_ctx_name(c);
}

/* ---- database ---- */

static int db_failed(bh_ctx *c, int rc)
{
    if (rc < 0)
        plug_set_error(c, "%s", plug_ctx_db(c)->err);
    return rc;
}

static int api_db_query(bh_ctx *c, bh_result **out, const char *sql, const bh_param *params,
                        int nparams)
{
    if (out)
        *out = NULL;
    if (!plug_ctx_db(c)->pool) {
        plug_set_error(c, "no database in this mode");
        return BH_ENOSYS;
    }
    return db_failed(c, db_session_query(plug_ctx_db(c), out, sql, params, nparams));
}

static int api_db_begin(bh_ctx *c)
{
    return db_failed(c, db_session_begin(plug_ctx_db(c)));
}

static int api_db_commit(bh_ctx *c)
{
    return db_failed(c, db_session_commit(plug_ctx_db(c)));
}

static int api_db_rollback(bh_ctx *c)
{
    return db_failed(c, db_session_rollback(plug_ctx_db(c)));
}

static const char *api_db_sqlstate(bh_ctx *c)
{
    return plug_ctx_db(c)->sqlstate;
}

/* ---- jobs ---- */

static int api_job_schedule(bh_ctx *c, const char *kind, int64_t run_at_ms, const json_t *payload,
                            const char *key)
{
    if (!kind || !*kind || strlen(kind) > 64) {
        plug_set_error(c, "job kind must be 1 to 64 characters");
        return BH_EINVAL;
    }
    if (key && strlen(key) > 200) {
        plug_set_error(c, "job key must be at most 200 characters");
        return BH_EINVAL;
    }
    int rc = db_jobs_schedule(plug_ctx_db(c), plug_ctx_gen(c)->name, kind, run_at_ms, payload,
                              key);
    if (rc >= 0)
        plug_ctx_job_scheduled(c);
    return db_failed(c, rc);
}

static int api_job_cancel(bh_ctx *c, const char *kind, const char *key)
{
    if (!kind || !key) {
        plug_set_error(c, "job cancel needs a kind and a key");
        return BH_EINVAL;
    }
    int rc = db_jobs_cancel(plug_ctx_db(c), plug_ctx_gen(c)->name, kind, key);
    return rc == BH_ENOTFOUND ? rc : db_failed(c, rc);
}

static int api_job_attempt(bh_ctx *c)
{
    return plug_ctx_job_attempt(c);
}

const bh_api plug_api_table = {
    .size = sizeof(bh_api),
    .abi_major = BH_ABI_MAJOR,
    .abi_minor = BH_ABI_MINOR,
    .command_register = api_command_register,
    .command_handle = api_command_handle,
    .autocomplete_handle = api_autocomplete_handle,
    .component_handle = api_component_handle,
    .modal_handle = api_modal_handle,
    .event_handle = api_event_handle,
    .job_handle = api_job_handle,
    .intents_require = api_intents_require,
    .config_str = api_config_str,
    .config_int = api_config_int,
    .config_bool = api_config_bool,
    .logv = api_logv,
    .strerror = api_strerror,
    .plugin_name = api_plugin_name,
    .ctx_host = api_ctx_host,
    .ctx_kind = api_ctx_kind,
    .ctx_data = api_ctx_data,
    .ctx_error = api_ctx_error,
    .ctx_name = api_ctx_name,
    .db_query = api_db_query,
    .db_begin = api_db_begin,
    .db_commit = api_db_commit,
    .db_rollback = api_db_rollback,
    .db_sqlstate = api_db_sqlstate,
    .result_rows = db_result_rows,
    .result_cols = db_result_cols,
    .result_col = db_result_col,
    .result_affected = db_result_affected,
    .result_is_null = db_result_is_null,
    .result_text = db_result_text,
    .result_i64 = db_result_i64,
    .result_f64 = db_result_f64,
    .result_bool = db_result_bool,
    .result_free = db_result_free,
    .job_schedule = api_job_schedule,
    .job_cancel = api_job_cancel,
    .job_attempt = api_job_attempt,
    .id = plug_read_id,
    .option = plug_ia_option,
    .cid_count = plug_ia_cid_count,
    .cid_part = plug_ia_cid_part,
    .value_count = plug_read_value_count,
    .value = plug_read_value,
    .field = plug_read_field,
    .member_perms = plug_read_member_perms,
    .member_roles = plug_read_member_roles,
    .resolved = plug_read_resolved,
    .msg_new = plug_msg_new,
    .msg_free = msg_free,
    .msg_content = msg_content,
    .msg_flags = msg_flags,
    .msg_embed = msg_embed,
    .embed_set = msg_embed_set,
    .embed_color = msg_embed_color,
    .embed_field = msg_embed_field,
    .msg_row = msg_row,
    .row_button = msg_row_button,
    .row_select = msg_row_select,
    .select_option = msg_select_option,
    .select_default = msg_select_default,
    .msg_raw = msg_raw,
    .msg_error = msg_error,
    .msg_json = msg_json,
    .modal_new = plug_modal_new,
    .modal_text = msg_modal_text,
    .modal_free = msg_modal_free,
    .reply = plug_ia_reply,
    .update = plug_ia_update,
    .defer = plug_ia_defer,
    .modal_open = plug_ia_modal_open,
    .autocomplete = plug_ia_autocomplete,
    .followup = plug_ia_followup,
    .edit_original = plug_ia_edit_original,
    .delete_original = plug_ia_delete_original,
    .rest = plug_api_rest,
    .discord_code = plug_api_discord_code,
    .message_send = plug_api_message_send,
    .message_edit = plug_api_message_edit,
    .message_delete = plug_api_message_delete,
    .role_add = plug_api_role_add,
    .role_remove = plug_api_role_remove,
    .dm_send = plug_api_dm_send,
    .member_timeout = plug_api_member_timeout,
    .member_kick = plug_api_member_kick,
    .member_ban = plug_api_member_ban,
    .member_unban = plug_api_member_unban,
    .member_get = plug_api_member_get,
    .guild_role = plug_api_guild_role,
    .bot_top_position = plug_api_bot_top_position,
    .bot_user_id = plug_api_bot_user_id,
    .bot_permissions = plug_api_bot_permissions,
    .member_top_position = plug_api_member_top_position,
    .member_permissions = plug_api_member_permissions,
    .config_error = api_config_error,
    .outbox_rest = plug_outbox_rest,
    .outbox_message_send = plug_outbox_message_send,
    .guild_owner = plug_api_guild_owner,
    .member_can_manage_role = plug_api_member_can_manage_role,
    .bot_can_manage_role = plug_api_bot_can_manage_role,
    .outbox_rest_report = plug_outbox_rest_report,
    .bot_permissions_get = plug_api_bot_permissions_get,
    .member_permissions_get = plug_api_member_permissions_get,
    .guild_owner_get = plug_api_guild_owner_get,
};
