/*
 * bothost plugin ABI: the plugin descriptor and the host function table.
 *
 * A plugin calls the host only through the table `bh__api` points at, and the
 * host calls the plugin only through its descriptor and what it registered.
 * Both structures carry their own size and only ever grow at the end, so a
 * plugin built against an older minor version of this header keeps loading.
 * Plugin code uses the wrappers in <bothost/bothost.h>, never the table.
 */
#ifndef BOTHOST_ABI_H
#define BOTHOST_ABI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The major is bumped only on an incompatible change; the minor when the table grows. */
#define BH_ABI_MAJOR 1
#define BH_ABI_MINOR 0

/* One loaded generation of one plugin: what load() and unload() receive. */
typedef struct bh_host bh_host;
/* One handler call: a command, a click, an event, a job. */
typedef struct bh_ctx bh_ctx;
/* Rows returned by a query; owned by the call that made it. */
typedef struct bh_result bh_result;

/* Error codes: every function returning int returns 0 (or a count) or one of these. */
enum bh_error {
    BH_OK = 0,
    BH_EINVAL = -1,     /* a bad argument: the message says which */
    BH_ENOMEM = -2,
    BH_EDB = -3,        /* the database refused or is unreachable */
    BH_ECONFLICT = -4,  /* a unique or exclusion constraint was violated */
    BH_ENOTFOUND = -5,
    BH_ESTATE = -6,     /* called at the wrong time (registration outside load()) */
    BH_ETIMEDOUT = -7,
    BH_EEXIST = -8,     /* registered twice */
    BH_ENOSYS = -9,     /* the host does not offer this */
    BH_EDISCORD = -10,  /* Discord refused the request */
    BH_ELIMIT = -11,    /* a Discord limit would be exceeded */
    BH_EPERM = -12,     /* a permission is missing */
};

enum bh_log_level { BH_LOG_DEBUG = 0, BH_LOG_INFO, BH_LOG_WARN, BH_LOG_ERROR };

/* What a handler call is about (bh_ctx_kind()). */
enum bh_ctx_kind {
    BH_CTX_COMMAND = 1,
    BH_CTX_AUTOCOMPLETE,
    BH_CTX_COMPONENT,
    BH_CTX_MODAL,
    BH_CTX_EVENT,
    BH_CTX_JOB,
};

/* Gateway intents (Discord's bits), for bh_intents_require(). */
#define BH_INTENT_GUILDS (1ull << 0)
#define BH_INTENT_GUILD_MEMBERS (1ull << 1)
#define BH_INTENT_GUILD_MODERATION (1ull << 2)
#define BH_INTENT_GUILD_EXPRESSIONS (1ull << 3)
#define BH_INTENT_GUILD_INTEGRATIONS (1ull << 4)
#define BH_INTENT_GUILD_WEBHOOKS (1ull << 5)
#define BH_INTENT_GUILD_INVITES (1ull << 6)
#define BH_INTENT_GUILD_VOICE_STATES (1ull << 7)
#define BH_INTENT_GUILD_PRESENCES (1ull << 8)
#define BH_INTENT_GUILD_MESSAGES (1ull << 9)
#define BH_INTENT_GUILD_MESSAGE_REACTIONS (1ull << 10)
#define BH_INTENT_GUILD_MESSAGE_TYPING (1ull << 11)
#define BH_INTENT_DIRECT_MESSAGES (1ull << 12)
#define BH_INTENT_DIRECT_MESSAGE_REACTIONS (1ull << 13)
#define BH_INTENT_DIRECT_MESSAGE_TYPING (1ull << 14)
#define BH_INTENT_MESSAGE_CONTENT (1ull << 15)
#define BH_INTENT_GUILD_SCHEDULED_EVENTS (1ull << 16)

/* Every handler has this shape: return 0, or a negative bh_error when it failed. */
typedef int (*bh_handler_fn)(bh_ctx *c);

/* Builders for what Discord shows; owned by the call that made them (freed when it ends). */
typedef struct bh_msg bh_msg;
typedef struct bh_embed bh_embed;
typedef struct bh_row bh_row;
typedef struct bh_select bh_select;
typedef struct bh_modal bh_modal;

/* Ids of an interaction, for bh_id(). */
enum bh_id_kind {
    BH_ID_GUILD = 1,
    BH_ID_CHANNEL,
    BH_ID_USER,        /* who acted */
    BH_ID_INTERACTION,
    BH_ID_MESSAGE,     /* the message a component is on */
    BH_ID_APPLICATION,
};

/* Embed texts, for bh_embed_set(). */
enum bh_embed_part {
    BH_EMBED_TITLE = 1,
    BH_EMBED_DESCRIPTION,
    BH_EMBED_URL,
    BH_EMBED_FOOTER,
    BH_EMBED_IMAGE,
    BH_EMBED_THUMBNAIL,
    BH_EMBED_AUTHOR,
    BH_EMBED_TIMESTAMP, /* ISO 8601 */
};

/* Discord's button styles and select kinds. */
enum bh_button_style {
    BH_BUTTON_PRIMARY = 1,
    BH_BUTTON_SECONDARY = 2,
    BH_BUTTON_SUCCESS = 3,
    BH_BUTTON_DANGER = 4,
    BH_BUTTON_LINK = 5, /* custom_id is the URL */
};
enum bh_select_kind {
    BH_SELECT_STRING = 3,
    BH_SELECT_USER = 5,
    BH_SELECT_ROLE = 6,
    BH_SELECT_MENTIONABLE = 7,
    BH_SELECT_CHANNEL = 8,
};
enum bh_text_style { BH_TEXT_SHORT = 1, BH_TEXT_PARAGRAPH = 2 };

/* Message flags, for bh_msg_flags(). */
#define BH_MSG_EPHEMERAL (1u << 6)
#define BH_MSG_SUPPRESS_EMBEDS (1u << 2)

/* A role as the host's guild cache knows it. */
typedef struct bh_role_info {
    uint64_t id;
    char name[401];      /* 100 characters of UTF-8 */
    int position;
    uint64_t permissions;
    uint32_t color;
    int managed;       /* bots, boosts, integrations: nobody can assign it */
} bh_role_info;

/* Discord permission bits used by the plugins (Discord has more). */
#define BH_PERM_KICK_MEMBERS (1ull << 1)
#define BH_PERM_BAN_MEMBERS (1ull << 2)
#define BH_PERM_ADMINISTRATOR (1ull << 3)
#define BH_PERM_MANAGE_CHANNELS (1ull << 4)
#define BH_PERM_MANAGE_GUILD (1ull << 5)
#define BH_PERM_VIEW_CHANNEL (1ull << 10)
#define BH_PERM_SEND_MESSAGES (1ull << 11)
#define BH_PERM_MANAGE_MESSAGES (1ull << 13)
#define BH_PERM_EMBED_LINKS (1ull << 14)
#define BH_PERM_READ_MESSAGE_HISTORY (1ull << 16)
#define BH_PERM_MENTION_EVERYONE (1ull << 17)
#define BH_PERM_MANAGE_ROLES (1ull << 28)
#define BH_PERM_MODERATE_MEMBERS (1ull << 40)

/* A query parameter ($1, $2, ...), built with bh_text(), bh_i64() and friends. */
enum bh_param_type { BH_P_NULL = 0, BH_P_TEXT, BH_P_I64, BH_P_F64, BH_P_BOOL, BH_P_JSON };
typedef struct bh_param {
    int type;
    union {
        const char *s;
        int64_t i;
        double f;
        int b;
        const json_t *j;
    } v;
} bh_param;

typedef struct bh_api {
    uint32_t size; /* sizeof(bh_api) of the host: fields past it do not exist */
    uint32_t abi_major;
    uint32_t abi_minor;

    /* Registration: only inside load(). */
    int (*command_register)(bh_host *h, const char *definition_json);
    int (*command_handle)(bh_host *h, const char *path, bh_handler_fn fn);
    int (*autocomplete_handle)(bh_host *h, const char *path, bh_handler_fn fn);
    int (*component_handle)(bh_host *h, const char *prefix, bh_handler_fn fn);
    int (*modal_handle)(bh_host *h, const char *prefix, bh_handler_fn fn);
    int (*event_handle)(bh_host *h, const char *event, bh_handler_fn fn);
    int (*job_handle)(bh_host *h, const char *kind, bh_handler_fn fn);
    int (*intents_require)(bh_host *h, uint64_t intents);

    /* The plugin's [plugin.<name>] INI section: only inside load(). */
    const char *(*config_str)(bh_host *h, const char *key, const char *def);
    int (*config_int)(bh_host *h, const char *key, int64_t def, int64_t *out);
    int (*config_bool)(bh_host *h, const char *key, int def, int *out);

    /* Logging and errors. */
    void (*logv)(bh_host *h, int level, const char *fmt, va_list ap);
    const char *(*strerror)(int err);
    const char *(*plugin_name)(bh_host *h);

    /* The handler call. */
    bh_host *(*ctx_host)(bh_ctx *c);
    int (*ctx_kind)(bh_ctx *c);
    const json_t *(*ctx_data)(bh_ctx *c);
    const char *(*ctx_error)(bh_ctx *c);
    const char *(*ctx_name)(bh_ctx *c);

    /* Database. */
    int (*db_query)(bh_ctx *c, bh_result **out, const char *sql, const bh_param *params, int nparams);
    int (*db_begin)(bh_ctx *c);
    int (*db_commit)(bh_ctx *c);
    int (*db_rollback)(bh_ctx *c);
    const char *(*db_sqlstate)(bh_ctx *c);
    int (*result_rows)(const bh_result *r);
    int (*result_cols)(const bh_result *r);
    int (*result_col)(const bh_result *r, const char *name);
    int64_t (*result_affected)(const bh_result *r);
    int (*result_is_null)(const bh_result *r, int row, int col);
    const char *(*result_text)(const bh_result *r, int row, int col);
    int64_t (*result_i64)(const bh_result *r, int row, int col);
    double (*result_f64)(const bh_result *r, int row, int col);
    int (*result_bool)(const bh_result *r, int row, int col);
    void (*result_free)(bh_result *r);

    /* Durable jobs. */
    int (*job_schedule)(bh_ctx *c, const char *kind, int64_t run_at_ms, const json_t *payload, const char *key);
    int (*job_cancel)(bh_ctx *c, const char *kind, const char *key);
    int (*job_attempt)(bh_ctx *c);

    /* Reading an interaction. */
    uint64_t (*id)(bh_ctx *c, int which);
    const json_t *(*option)(bh_ctx *c, const char *name);
    int (*cid_count)(bh_ctx *c);
    const char *(*cid_part)(bh_ctx *c, int i);
    int (*value_count)(bh_ctx *c);
    const char *(*value)(bh_ctx *c, int i);
    const char *(*field)(bh_ctx *c, const char *custom_id);
    uint64_t (*member_perms)(bh_ctx *c);
    int (*member_roles)(bh_ctx *c, uint64_t *out, int max);
    const json_t *(*resolved)(bh_ctx *c, const char *kind, uint64_t id);

    /* Builders. */
    bh_msg *(*msg_new)(bh_ctx *c);
    void (*msg_free)(bh_msg *m);
    int (*msg_content)(bh_msg *m, const char *text);
    int (*msg_flags)(bh_msg *m, uint32_t flags);
    bh_embed *(*msg_embed)(bh_msg *m);
    int (*embed_set)(bh_embed *e, int part, const char *text);
    int (*embed_color)(bh_embed *e, uint32_t rgb);
    int (*embed_field)(bh_embed *e, const char *name, const char *value, int inline_);
    bh_row *(*msg_row)(bh_msg *m);
    int (*row_button)(bh_row *r, int style, const char *label, const char *custom_id,
                      const char *emoji, int disabled);
    bh_select *(*row_select)(bh_row *r, int kind, const char *custom_id, const char *placeholder,
                             int min_values, int max_values);
    int (*select_option)(bh_select *s, const char *label, const char *value,
                         const char *description, const char *emoji, int selected);
    int (*select_default)(bh_select *s, uint64_t id);
    int (*msg_raw)(bh_msg *m, const json_t *fields);
    const char *(*msg_error)(const bh_msg *m);
    json_t *(*msg_json)(const bh_msg *m);
    bh_modal *(*modal_new)(bh_ctx *c, const char *custom_id, const char *title);
    int (*modal_text)(bh_modal *md, const char *custom_id, const char *label, int style,
                      int min_length, int max_length, int required, const char *value,
                      const char *placeholder);
    void (*modal_free)(bh_modal *md);

    /* Answering an interaction. */
    int (*reply)(bh_ctx *c, bh_msg *m);
    int (*update)(bh_ctx *c, bh_msg *m);
    int (*defer)(bh_ctx *c, int ephemeral);
    int (*modal_open)(bh_ctx *c, bh_modal *md);
    int (*autocomplete)(bh_ctx *c, const json_t *choices);
    int (*followup)(bh_ctx *c, bh_msg *m, uint64_t *message_id);
    int (*edit_original)(bh_ctx *c, bh_msg *m);
    int (*delete_original)(bh_ctx *c);

    /* Discord REST. */
    int (*rest)(bh_ctx *c, const char *method, const char *path, const json_t *body,
                const char *reason, json_t **out);
    int (*discord_code)(bh_ctx *c);
    int (*message_send)(bh_ctx *c, uint64_t channel, bh_msg *m, uint64_t *message_id);
    int (*message_edit)(bh_ctx *c, uint64_t channel, uint64_t message, bh_msg *m);
    int (*message_delete)(bh_ctx *c, uint64_t channel, uint64_t message);
    int (*role_add)(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role, const char *reason);
    int (*role_remove)(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                       const char *reason);
    int (*dm_send)(bh_ctx *c, uint64_t user, bh_msg *m, uint64_t *message_id);
    int (*member_timeout)(bh_ctx *c, uint64_t guild, uint64_t user, int64_t until_ms,
                          const char *reason);
    int (*member_kick)(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason);
    int (*member_ban)(bh_ctx *c, uint64_t guild, uint64_t user, int delete_message_seconds,
                      const char *reason);
    int (*member_unban)(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason);
    int (*member_get)(bh_ctx *c, uint64_t guild, uint64_t user, json_t **out);

    /* The guild cache. */
    int (*guild_role)(bh_ctx *c, uint64_t guild, uint64_t role, bh_role_info *out);
    int (*bot_top_position)(bh_ctx *c, uint64_t guild);
    uint64_t (*bot_user_id)(bh_ctx *c);
    uint64_t (*bot_permissions)(bh_ctx *c, uint64_t guild, uint64_t channel);
    int (*member_top_position)(bh_ctx *c, uint64_t guild, const uint64_t *roles, int n);
} bh_api;

/* What every plugin exports, through BH_PLUGIN(). */
typedef struct bh_plugin {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t size;                /* sizeof(bh_plugin) the plugin was built with */
    const char *name;             /* [a-z][a-z0-9_]{0,31}: its schema, custom_id prefix, INI section */
    const char *version;
    const char *description;
    int (*load)(bh_host *h);      /* register everything; 0, or a negative bh_error */
    void (*unload)(bh_host *h);   /* optional: release what load() took */
    const bh_api **api_slot;      /* where the host stores the table before load() */
} bh_plugin;

/* The exported symbol the host looks up. */
#define BH_PLUGIN_SYMBOL "bothost_plugin"

/* The table, set by the host before load(); one per plugin copy. */
extern const bh_api *bh__api __attribute__((visibility("hidden")));

/*
 * Declares the plugin. Use once, in one source file:
 *   BH_PLUGIN(.name = "hello", .version = "1.0.0", .load = hello_load);
 */
#define BH_PLUGIN(...)                                                                    \
    const bh_api *bh__api;                                                                \
    __attribute__((visibility("default"))) const bh_plugin bothost_plugin = {             \
        .abi_major = BH_ABI_MAJOR,                                                        \
        .abi_minor = BH_ABI_MINOR,                                                        \
        .size = sizeof(bh_plugin),                                                        \
        .api_slot = &bh__api,                                                             \
        __VA_ARGS__}

#ifdef __cplusplus
}
#endif

#endif
