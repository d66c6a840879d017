/*
 * bothost plugin ABI: the plugin descriptor and the host function table.
 *
 * A plugin calls the host only through the table `bh__api` points at, and the
 * host calls the plugin only through its descriptor and what it registered.
 * Both structures carry their own size and only ever grow at the end: a plugin
 * built against an older minor version of this header finds every slot it
 * knows, and one built against a newer minor finds the host's table size, which
 * its wrappers check (BH_API_HAS()). Plugin code calls the wrappers in
 * <bothost/bothost.h>, never the table's functions itself.
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

/*
 * The major is bumped only on an incompatible change; the minor when the table
 * grows. The host loads a plugin of its major built for any minor, older or
 * newer: a function past the end of the host's table does not exist there, and
 * its wrapper returns BH_ENOSYS (test with BH_API_HAS() to pick a fallback).
 */
#define BH_ABI_MAJOR 1
#define BH_ABI_MINOR 2

/* One loaded generation of one plugin: what load() and unload() receive. */
typedef struct bh_host bh_host;
/* One handler call: a command, a click, an event, a job. */
typedef struct bh_ctx bh_ctx;
/* Rows returned by a query; owned by the call that made it. */
typedef struct bh_result bh_result;

/*
 * Error codes: every function returning int returns 0 (or a count) or one of
 * these. The one list: each code's number, name and message come from it, and
 * bh_err_name() and bh_strerror() (below) read it, in the plugin, with no host
 * call. XX(name, number, message). BH_EINVAL: a bad argument, bh_ctx_error()
 * says which; BH_EDB: the database refused or is unreachable; BH_ECONFLICT: a
 * unique or exclusion constraint; BH_ESTATE: called at the wrong time
 * (registration outside load()); BH_ENOSYS: this host does not offer it (no
 * database in --check, or a function newer than the host); BH_EDISCORD: Discord
 * refused; BH_ELIMIT: a Discord limit would be broken; BH_EPERM: a permission is
 * missing.
 */
#define BH_ERRNO_MAP(XX)                                                                           \
    XX(OK, 0, "success")                                                                           \
    XX(EINVAL, -1, "invalid argument")                                                             \
    XX(ENOMEM, -2, "out of memory")                                                                \
    XX(EDB, -3, "database error")                                                                  \
    XX(ECONFLICT, -4, "conflicts with existing data")                                              \
    XX(ENOTFOUND, -5, "not found")                                                                 \
    XX(ESTATE, -6, "not allowed at this time")                                                     \
    XX(ETIMEDOUT, -7, "timed out")                                                                 \
    XX(EEXIST, -8, "already registered")                                                           \
    XX(ENOSYS, -9, "not supported by this host")                                                   \
    XX(EDISCORD, -10, "Discord refused the request")                                               \
    XX(ELIMIT, -11, "exceeds a Discord limit")                                                     \
    XX(EPERM, -12, "missing permission")

enum bh_error {
#define BH__ERR_ENUM(name, number, text) BH_##name = (number),
    BH_ERRNO_MAP(BH__ERR_ENUM)
#undef BH__ERR_ENUM
};

/* The code's name ("BH_ENOTFOUND"), or "BH_E?" for a number not in the list. Static. */
static inline const char *bh_err_name(int err)
{
    switch (err) {
#define BH__ERR_NAME(name, number, text)                                                           \
    case (number): return "BH_" #name;
        BH_ERRNO_MAP(BH__ERR_NAME)
#undef BH__ERR_NAME
    }
    return "BH_E?";
}

/* A short English text for the code ("not found"), or "unknown error". Static. */
static inline const char *bh_strerror(int err)
{
    switch (err) {
#define BH__ERR_TEXT(name, number, text)                                                           \
    case (number): return text;
        BH_ERRNO_MAP(BH__ERR_TEXT)
#undef BH__ERR_TEXT
    }
    return "unknown error";
}

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

/*
 * Gateway intents, for bh_intents_require(): every intent Discord documents
 * (https://discord.com/developers/docs/events/gateway#list-of-intents), from one
 * list: XX(name, bit). GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT are
 * privileged (enable them for the application in Discord's developer portal).
 */
#define BH_INTENT_MAP(XX)                                                                          \
    XX(GUILDS, 0)                                                                                  \
    XX(GUILD_MEMBERS, 1)                                                                           \
    XX(GUILD_MODERATION, 2)                                                                        \
    XX(GUILD_EXPRESSIONS, 3)                                                                       \
    XX(GUILD_INTEGRATIONS, 4)                                                                      \
    XX(GUILD_WEBHOOKS, 5)                                                                          \
    XX(GUILD_INVITES, 6)                                                                           \
    XX(GUILD_VOICE_STATES, 7)                                                                      \
    XX(GUILD_PRESENCES, 8)                                                                         \
    XX(GUILD_MESSAGES, 9)                                                                          \
    XX(GUILD_MESSAGE_REACTIONS, 10)                                                                \
    XX(GUILD_MESSAGE_TYPING, 11)                                                                   \
    XX(DIRECT_MESSAGES, 12)                                                                        \
    XX(DIRECT_MESSAGE_REACTIONS, 13)                                                               \
    XX(DIRECT_MESSAGE_TYPING, 14)                                                                  \
    XX(MESSAGE_CONTENT, 15)                                                                        \
    XX(GUILD_SCHEDULED_EVENTS, 16)                                                                 \
    XX(AUTO_MODERATION_CONFIGURATION, 20)                                                          \
    XX(AUTO_MODERATION_EXECUTION, 21)                                                              \
    XX(GUILD_MESSAGE_POLLS, 24)                                                                    \
    XX(DIRECT_MESSAGE_POLLS, 25)

/* BH_INTENT_GUILDS, BH_INTENT_GUILD_MEMBERS, ...: uint64_t bits. */
enum bh_intent_bit {
#define BH__INTENT_BIT(name, bit) BH_INTENT_BIT_##name = (bit),
    BH_INTENT_MAP(BH__INTENT_BIT)
#undef BH__INTENT_BIT
};
#define BH__INTENT(name) (UINT64_C(1) << BH_INTENT_BIT_##name)
#define BH_INTENT_GUILDS BH__INTENT(GUILDS)
#define BH_INTENT_GUILD_MEMBERS BH__INTENT(GUILD_MEMBERS)
#define BH_INTENT_GUILD_MODERATION BH__INTENT(GUILD_MODERATION)
#define BH_INTENT_GUILD_EXPRESSIONS BH__INTENT(GUILD_EXPRESSIONS)
#define BH_INTENT_GUILD_INTEGRATIONS BH__INTENT(GUILD_INTEGRATIONS)
#define BH_INTENT_GUILD_WEBHOOKS BH__INTENT(GUILD_WEBHOOKS)
#define BH_INTENT_GUILD_INVITES BH__INTENT(GUILD_INVITES)
#define BH_INTENT_GUILD_VOICE_STATES BH__INTENT(GUILD_VOICE_STATES)
#define BH_INTENT_GUILD_PRESENCES BH__INTENT(GUILD_PRESENCES)
#define BH_INTENT_GUILD_MESSAGES BH__INTENT(GUILD_MESSAGES)
#define BH_INTENT_GUILD_MESSAGE_REACTIONS BH__INTENT(GUILD_MESSAGE_REACTIONS)
#define BH_INTENT_GUILD_MESSAGE_TYPING BH__INTENT(GUILD_MESSAGE_TYPING)
#define BH_INTENT_DIRECT_MESSAGES BH__INTENT(DIRECT_MESSAGES)
#define BH_INTENT_DIRECT_MESSAGE_REACTIONS BH__INTENT(DIRECT_MESSAGE_REACTIONS)
#define BH_INTENT_DIRECT_MESSAGE_TYPING BH__INTENT(DIRECT_MESSAGE_TYPING)
#define BH_INTENT_MESSAGE_CONTENT BH__INTENT(MESSAGE_CONTENT)
#define BH_INTENT_GUILD_SCHEDULED_EVENTS BH__INTENT(GUILD_SCHEDULED_EVENTS)
#define BH_INTENT_AUTO_MODERATION_CONFIGURATION BH__INTENT(AUTO_MODERATION_CONFIGURATION)
#define BH_INTENT_AUTO_MODERATION_EXECUTION BH__INTENT(AUTO_MODERATION_EXECUTION)
#define BH_INTENT_GUILD_MESSAGE_POLLS BH__INTENT(GUILD_MESSAGE_POLLS)
#define BH_INTENT_DIRECT_MESSAGE_POLLS BH__INTENT(DIRECT_MESSAGE_POLLS)
/* Every intent of the list, OR-ed. */
#define BH__INTENT_OR(name, bit) | BH__INTENT(name)
#define BH_INTENT_ALL (0 BH_INTENT_MAP(BH__INTENT_OR))

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

/* Why a role cannot be given or taken (bh_member_can_manage_role(), bh_bot_can_manage_role()). */
enum bh_role_deny {
    BH_ROLE_OK = 0,
    BH_ROLE_EVERYONE,   /* @everyone is nobody's to give */
    BH_ROLE_MANAGED,    /* an integration's role (bot, boosts, subscription) */
    BH_ROLE_HIERARCHY,  /* not strictly below the actor's highest role */
    BH_ROLE_PERMISSION, /* the actor has neither Manage Roles nor Administrator */
};

/*
 * Permission bits: every permission Discord documents
 * (https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags),
 * from one list: XX(name, bit).
 */
#define BH_PERM_MAP(XX)                                                                            \
    XX(CREATE_INSTANT_INVITE, 0)                                                                   \
    XX(KICK_MEMBERS, 1)                                                                            \
    XX(BAN_MEMBERS, 2)                                                                             \
    XX(ADMINISTRATOR, 3)                                                                           \
    XX(MANAGE_CHANNELS, 4)                                                                         \
    XX(MANAGE_GUILD, 5)                                                                            \
    XX(ADD_REACTIONS, 6)                                                                           \
    XX(VIEW_AUDIT_LOG, 7)                                                                          \
    XX(PRIORITY_SPEAKER, 8)                                                                        \
    XX(STREAM, 9)                                                                                  \
    XX(VIEW_CHANNEL, 10)                                                                           \
    XX(SEND_MESSAGES, 11)                                                                          \
    XX(SEND_TTS_MESSAGES, 12)                                                                      \
    XX(MANAGE_MESSAGES, 13)                                                                        \
    XX(EMBED_LINKS, 14)                                                                            \
    XX(ATTACH_FILES, 15)                                                                           \
    XX(READ_MESSAGE_HISTORY, 16)                                                                   \
    XX(MENTION_EVERYONE, 17)                                                                       \
    XX(USE_EXTERNAL_EMOJIS, 18)                                                                    \
    XX(VIEW_GUILD_INSIGHTS, 19)                                                                    \
    XX(CONNECT, 20)                                                                                \
    XX(SPEAK, 21)                                                                                  \
    XX(MUTE_MEMBERS, 22)                                                                           \
    XX(DEAFEN_MEMBERS, 23)                                                                         \
    XX(MOVE_MEMBERS, 24)                                                                           \
    XX(USE_VAD, 25)                                                                                \
    XX(CHANGE_NICKNAME, 26)                                                                        \
    XX(MANAGE_NICKNAMES, 27)                                                                       \
    XX(MANAGE_ROLES, 28)                                                                           \
    XX(MANAGE_WEBHOOKS, 29)                                                                        \
    XX(MANAGE_GUILD_EXPRESSIONS, 30)                                                               \
    XX(USE_APPLICATION_COMMANDS, 31)                                                               \
    XX(REQUEST_TO_SPEAK, 32)                                                                       \
    XX(MANAGE_EVENTS, 33)                                                                          \
    XX(MANAGE_THREADS, 34)                                                                         \
    XX(CREATE_PUBLIC_THREADS, 35)                                                                  \
    XX(CREATE_PRIVATE_THREADS, 36)                                                                 \
    XX(USE_EXTERNAL_STICKERS, 37)                                                                  \
    XX(SEND_MESSAGES_IN_THREADS, 38)                                                               \
    XX(USE_EMBEDDED_ACTIVITIES, 39)                                                                \
    XX(MODERATE_MEMBERS, 40)                                                                       \
    XX(VIEW_CREATOR_MONETIZATION_ANALYTICS, 41)                                                    \
    XX(USE_SOUNDBOARD, 42)                                                                         \
    XX(CREATE_GUILD_EXPRESSIONS, 43)                                                               \
    XX(CREATE_EVENTS, 44)                                                                          \
    XX(USE_EXTERNAL_SOUNDS, 45)                                                                    \
    XX(SEND_VOICE_MESSAGES, 46)                                                                    \
    XX(SEND_POLLS, 49)                                                                             \
    XX(USE_EXTERNAL_APPS, 50)                                                                      \
    XX(PIN_MESSAGES, 51)                                                                           \
    XX(BYPASS_SLOWMODE, 52)

/* BH_PERM_KICK_MEMBERS, ...: uint64_t bits, as the permissions bh_*_permissions() give. */
enum bh_perm_bit {
#define BH__PERM_BIT(name, bit) BH_PERM_BIT_##name = (bit),
    BH_PERM_MAP(BH__PERM_BIT)
#undef BH__PERM_BIT
};
#define BH__PERM(name) (UINT64_C(1) << BH_PERM_BIT_##name)
#define BH_PERM_CREATE_INSTANT_INVITE BH__PERM(CREATE_INSTANT_INVITE)
#define BH_PERM_KICK_MEMBERS BH__PERM(KICK_MEMBERS)
#define BH_PERM_BAN_MEMBERS BH__PERM(BAN_MEMBERS)
#define BH_PERM_ADMINISTRATOR BH__PERM(ADMINISTRATOR)
#define BH_PERM_MANAGE_CHANNELS BH__PERM(MANAGE_CHANNELS)
#define BH_PERM_MANAGE_GUILD BH__PERM(MANAGE_GUILD)
#define BH_PERM_ADD_REACTIONS BH__PERM(ADD_REACTIONS)
#define BH_PERM_VIEW_AUDIT_LOG BH__PERM(VIEW_AUDIT_LOG)
#define BH_PERM_PRIORITY_SPEAKER BH__PERM(PRIORITY_SPEAKER)
#define BH_PERM_STREAM BH__PERM(STREAM)
#define BH_PERM_VIEW_CHANNEL BH__PERM(VIEW_CHANNEL)
#define BH_PERM_SEND_MESSAGES BH__PERM(SEND_MESSAGES)
#define BH_PERM_SEND_TTS_MESSAGES BH__PERM(SEND_TTS_MESSAGES)
#define BH_PERM_MANAGE_MESSAGES BH__PERM(MANAGE_MESSAGES)
#define BH_PERM_EMBED_LINKS BH__PERM(EMBED_LINKS)
#define BH_PERM_ATTACH_FILES BH__PERM(ATTACH_FILES)
#define BH_PERM_READ_MESSAGE_HISTORY BH__PERM(READ_MESSAGE_HISTORY)
#define BH_PERM_MENTION_EVERYONE BH__PERM(MENTION_EVERYONE)
#define BH_PERM_USE_EXTERNAL_EMOJIS BH__PERM(USE_EXTERNAL_EMOJIS)
#define BH_PERM_VIEW_GUILD_INSIGHTS BH__PERM(VIEW_GUILD_INSIGHTS)
#define BH_PERM_CONNECT BH__PERM(CONNECT)
#define BH_PERM_SPEAK BH__PERM(SPEAK)
#define BH_PERM_MUTE_MEMBERS BH__PERM(MUTE_MEMBERS)
#define BH_PERM_DEAFEN_MEMBERS BH__PERM(DEAFEN_MEMBERS)
#define BH_PERM_MOVE_MEMBERS BH__PERM(MOVE_MEMBERS)
#define BH_PERM_USE_VAD BH__PERM(USE_VAD)
#define BH_PERM_CHANGE_NICKNAME BH__PERM(CHANGE_NICKNAME)
#define BH_PERM_MANAGE_NICKNAMES BH__PERM(MANAGE_NICKNAMES)
#define BH_PERM_MANAGE_ROLES BH__PERM(MANAGE_ROLES)
#define BH_PERM_MANAGE_WEBHOOKS BH__PERM(MANAGE_WEBHOOKS)
#define BH_PERM_MANAGE_GUILD_EXPRESSIONS BH__PERM(MANAGE_GUILD_EXPRESSIONS)
#define BH_PERM_USE_APPLICATION_COMMANDS BH__PERM(USE_APPLICATION_COMMANDS)
#define BH_PERM_REQUEST_TO_SPEAK BH__PERM(REQUEST_TO_SPEAK)
#define BH_PERM_MANAGE_EVENTS BH__PERM(MANAGE_EVENTS)
#define BH_PERM_MANAGE_THREADS BH__PERM(MANAGE_THREADS)
#define BH_PERM_CREATE_PUBLIC_THREADS BH__PERM(CREATE_PUBLIC_THREADS)
#define BH_PERM_CREATE_PRIVATE_THREADS BH__PERM(CREATE_PRIVATE_THREADS)
#define BH_PERM_USE_EXTERNAL_STICKERS BH__PERM(USE_EXTERNAL_STICKERS)
#define BH_PERM_SEND_MESSAGES_IN_THREADS BH__PERM(SEND_MESSAGES_IN_THREADS)
#define BH_PERM_USE_EMBEDDED_ACTIVITIES BH__PERM(USE_EMBEDDED_ACTIVITIES)
#define BH_PERM_MODERATE_MEMBERS BH__PERM(MODERATE_MEMBERS)
#define BH_PERM_VIEW_CREATOR_MONETIZATION_ANALYTICS BH__PERM(VIEW_CREATOR_MONETIZATION_ANALYTICS)
#define BH_PERM_USE_SOUNDBOARD BH__PERM(USE_SOUNDBOARD)
#define BH_PERM_CREATE_GUILD_EXPRESSIONS BH__PERM(CREATE_GUILD_EXPRESSIONS)
#define BH_PERM_CREATE_EVENTS BH__PERM(CREATE_EVENTS)
#define BH_PERM_USE_EXTERNAL_SOUNDS BH__PERM(USE_EXTERNAL_SOUNDS)
#define BH_PERM_SEND_VOICE_MESSAGES BH__PERM(SEND_VOICE_MESSAGES)
#define BH_PERM_SEND_POLLS BH__PERM(SEND_POLLS)
#define BH_PERM_USE_EXTERNAL_APPS BH__PERM(USE_EXTERNAL_APPS)
#define BH_PERM_PIN_MESSAGES BH__PERM(PIN_MESSAGES)
#define BH_PERM_BYPASS_SLOWMODE BH__PERM(BYPASS_SLOWMODE)
/* Every permission of the list, OR-ed. */
#define BH__PERM_OR(name, bit) | BH__PERM(name)
#define BH_PERM_ALL (0 BH_PERM_MAP(BH__PERM_OR))

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
    uint32_t size; /* sizeof(bh_api) of the host: fields past it do not exist (BH_API_HAS) */
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
    uint64_t (*member_permissions)(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                   const uint64_t *roles, int n);

    /* The plugin's [plugin.<name>] INI section: a refused value, with its file:line. */
    int (*config_error)(bh_host *h, const char *key, const char *fmt, va_list ap);

    /* The outbox: Discord calls sent after the call's transaction commits. */
    int (*outbox_rest)(bh_ctx *c, const char *method, const char *path, const json_t *body,
                       const char *reason);
    int (*outbox_message_send)(bh_ctx *c, uint64_t channel, bh_msg *m);

    /* Discord's role management rules, from the guild cache. */
    uint64_t (*guild_owner)(bh_ctx *c, uint64_t guild);
    int (*member_can_manage_role)(bh_ctx *c, uint64_t guild, uint64_t user,
                                  const uint64_t *roles, int n, uint64_t role, int *why);
    int (*bot_can_manage_role)(bh_ctx *c, uint64_t guild, uint64_t role, int *why);

    /* The outbox, telling the plugin when Discord refuses a request for good. */
    int (*outbox_rest_report)(bh_ctx *c, const char *method, const char *path,
                              const json_t *body, const char *reason, const char *refused_kind,
                              const json_t *context);

    /*
     * Append only, and bump BH_ABI_MINOR with each addition. A wrapper of a slot
     * past the 1.0 table checks BH_API_HAS() first and answers BH_ENOSYS on a
     * host without it, so that a plugin built for a newer minor runs on an older
     * host as long as it does not need what is missing.
     */

    /* ABI 1.2: answers from the guild cache as a status, the value in *out. */
    int (*bot_permissions_get)(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t *out);
    int (*member_permissions_get)(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                  const uint64_t *roles, int n, uint64_t *out);
    int (*guild_owner_get)(bh_ctx *c, uint64_t guild, uint64_t *out);
} bh_api;

/*
 * Whether the table `api` points at has `field`: the host's table ends at its
 * `size`, which is smaller than yours when the host is older than your SDK. `api`
 * is bh__api, or a pointer to a struct that starts with a bh_api.
 *   if (BH_API_HAS(bh__api, guild_owner_get)) ... else fallback
 * The wrappers check it themselves and return BH_ENOSYS for a missing function.
 */
#define BH_API_HAS(api, field)                                                                     \
    ((size_t)((const bh_api *)(const void *)(api))->size >=                                        \
         offsetof(__typeof__(*(api)), field) + sizeof((api)->field) &&                             \
     (api)->field != NULL)

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
    extern const bh_plugin bothost_plugin;                                                \
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
