/*
 * bothost-emu internals: one process, one lws context, one thread.
 *
 * The emulator keeps Discord's objects as jansson values in the shape Discord
 * sends them, so a dump of the state is what a bot would see.  Every module
 * works on one `emu` and is driven from the lws service loop; nothing here is
 * thread-safe and nothing needs to be.
 */
#ifndef BOTHOST_EMU_H
#define BOTHOST_EMU_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct lws;
struct lws_context;
struct lws_vhost;

typedef struct emu emu;
typedef struct emu_gw_session emu_gw_session;
typedef struct emu_gw_conn emu_gw_conn;
typedef struct emu_pss emu_pss;

/* Discord permission bits the emulator enforces. */
#define EMU_P_KICK_MEMBERS      (1ull << 1)
#define EMU_P_BAN_MEMBERS       (1ull << 2)
#define EMU_P_ADMINISTRATOR     (1ull << 3)
#define EMU_P_MANAGE_CHANNELS   (1ull << 4)
#define EMU_P_MANAGE_GUILD      (1ull << 5)
#define EMU_P_ADD_REACTIONS     (1ull << 6)
#define EMU_P_VIEW_CHANNEL      (1ull << 10)
#define EMU_P_SEND_MESSAGES     (1ull << 11)
#define EMU_P_MANAGE_MESSAGES   (1ull << 13)
#define EMU_P_EMBED_LINKS       (1ull << 14)
#define EMU_P_ATTACH_FILES      (1ull << 15)
#define EMU_P_READ_HISTORY      (1ull << 16)
#define EMU_P_MENTION_EVERYONE  (1ull << 17)
#define EMU_P_MANAGE_ROLES      (1ull << 28)
#define EMU_P_USE_APP_COMMANDS  (1ull << 31)
#define EMU_P_MODERATE_MEMBERS  (1ull << 40)
#define EMU_P_ALL               ((1ull << 51) - 1)

/* Gateway intents. */
#define EMU_I_GUILDS            (1ull << 0)
#define EMU_I_GUILD_MEMBERS     (1ull << 1)
#define EMU_I_GUILD_MODERATION  (1ull << 2)
#define EMU_I_GUILD_PRESENCES   (1ull << 8)
#define EMU_I_GUILD_MESSAGES    (1ull << 9)
#define EMU_I_DIRECT_MESSAGES   (1ull << 12)
#define EMU_I_MESSAGE_CONTENT   (1ull << 15)
#define EMU_I_PRIVILEGED        (EMU_I_GUILD_MEMBERS | EMU_I_GUILD_PRESENCES | EMU_I_MESSAGE_CONTENT)
#define EMU_I_ALL               ((1ull << 26) - 1)

/* Channel types. */
#define EMU_CH_TEXT      0
#define EMU_CH_DM        1
#define EMU_CH_CATEGORY  4

/* ---- options --------------------------------------------------------- */

typedef struct emu_opts {
    char host[64];
    int port;
    const char *token;          /* NULL: accept any bot token */
    int shards;                 /* recommended shard count for /gateway/bot */
    int heartbeat_ms;
    const char *seed_path;      /* NULL: the built-in guild */
    int max_concurrency;
    int identify_interval_ms;   /* per rate_limit_key; Discord: 5000 */
    int guilds_per_shard;       /* 4011 when a shard would hold more */
    uint64_t privileged_ok;     /* privileged intents the application may use */
    int ratelimits;             /* 0 turns off per-route and global limits */
    int interaction_ack_ms;     /* the 3-second initial-response window */
    const char *openapi_path;   /* check every REST answer against it; NULL: no checks */
    int verbose;
} emu_opts;

/* ---- HTTP request/response as the handlers see them -------------------- */

typedef struct emu_req {
    const char *method;         /* "GET", "POST", ... */
    const char *path;           /* decoded, without the query */
    json_t *query;              /* object of name -> string (borrowed) */
    const char *auth;           /* Authorization header or NULL */
    const char *reason;         /* X-Audit-Log-Reason or NULL */
    const char *body;
    size_t body_len;
    json_t *json;               /* the parsed body, NULL when empty (borrowed) */
    int json_error;             /* 1 when a body was sent and is not JSON */
    int final;                  /* long-poll deadline reached: answer now */
} emu_req;

typedef struct emu_resp {
    int status;
    json_t *body;               /* owned; NULL for an empty body */
    json_t *headers;            /* owned object name -> string, or NULL */
    unsigned delay_ms;          /* answer only after this long */
    int deferred;               /* nothing to say yet: ask again on change */
    unsigned wait_ms;           /* with deferred: the long-poll budget */
} emu_resp;

void emu_resp_json(emu_resp *r, int status, json_t *body);
void emu_resp_header(emu_resp *r, const char *name, const char *value);
void emu_resp_error(emu_resp *r, int status, int code, const char *message);
void emu_resp_clear(emu_resp *r);

/* emu_flood.c: POST/GET /_emu/flood; 0 when the request is not for it. */
int emu_flood_handle(emu *e, const emu_req *req, emu_resp *resp);
/* Counts an initial response (code 0) or a refused one (40060, 10062) for the flood summary. */
void emu_flood_tally(emu *e, int code, uint64_t age_ms);
/* Forgets the tally (emu_reset) and frees it (shutdown). */
void emu_flood_forget(emu *e);

/* Routes one request: REST under /api/v10, control under /_emu. */
void emu_route(emu *e, const emu_req *req, emu_resp *resp);

/* ---- the emulator ------------------------------------------------------ */

struct emu {
    emu_opts o;
    struct lws_context *ctx;
    struct lws_vhost *vh;
    int port;
    int stop;

    /* State (emu_state.c). */
    json_t *seed;               /* the seed document, for reset */
    json_t *users;              /* id -> user */
    json_t *guilds;             /* id -> guild, maps inside (see emu_state.c) */
    json_t *channel_guild;      /* channel id -> guild id */
    json_t *dms;                /* channel id -> DM channel */
    json_t *messages;           /* id -> message */
    json_t *commands;           /* "global" or guild id -> array of commands */
    json_t *application;
    char bot_id[24];
    char app_id[24];
    uint16_t sf_incr;

    /* Interactions (emu_interaction.c). */
    json_t *interactions;       /* id -> record */
    json_t *ix_by_token;        /* token -> id */
    struct emu_flood_run *flood;    /* a flood being made (emu_flood.c), or NULL */
    struct emu_ix_tally {       /* kept as callbacks arrive, so GET /_emu/flood is cheap */
        size_t acked, twice, late;
        uint64_t max_ms;
        uint32_t by_ms[4096];   /* first initial responses by age in ms; the last holds older */
    } tally;

    /* Rate limits and faults (emu_ratelimit.c). */
    json_t *buckets;            /* key -> {limit, remaining, reset_at, window} */
    uint64_t global_window;
    uint64_t global_block_until;  /* after an injected global 429 */
    int global_count;
    json_t *faults;             /* array of armed REST faults */
    json_t *violations;         /* array */
    json_t *rest_log;           /* array, newest last */
    int64_t rest_seq;

    /* Gateway (emu_gateway.c). */
    emu_gw_session *sessions;
    emu_gw_conn *conns;
    int identify_remaining;
    uint64_t identify_reset_at;
    json_t *identify_slots;     /* rate_limit_key -> last identify ms */
    json_t *stats;

    /* Response checks against Discord's OpenAPI description (emu_schema.c). */
    json_t *openapi;            /* NULL unless --openapi */
    json_t *schema_errors;      /* array of the first failures */
    json_t *schema_cache;       /* "METHOD route status" -> its schema, null (no body) or false (undocumented) */
    json_int_t schema_checked;
    json_int_t schema_failed;

    /* Long-polling HTTP requests (emu_http.c). */
    emu_pss *deferred;
    int waking;
};

uint64_t emu_now_ms(void);
/* A number of days ago (from seeds and the control API) in ms, clamped to 0..Discord's age. */
uint64_t emu_days_ago_ms(double days);
void emu_iso_time(uint64_t ms, char *out, size_t n);
uint64_t emu_parse_iso(const char *s);     /* 0 when not a date */

/* Appends n bytes to *buf (*len long, kept NUL-terminated); -1 when out of memory (emu_buf.c). */
int emu_buf_append(char **buf, size_t *len, const void *in, size_t n);
/* A log of at most about max entries: the newest max kept once it is a quarter over. */
void emu_array_keep_last(json_t **arr, size_t max);
/* Counters under stats: emu_stat_add(e, "rest.requests", 1). */
void emu_stat_add(emu *e, const char *group, const char *key, json_int_t n);

/* ---- state (emu_state.c) ------------------------------------------------ */

int emu_state_init(emu *e, json_t *seed, char *err, size_t errlen);
void emu_state_free(emu *e);
json_t *emu_seed_default(void);
void emu_snowflake(emu *e, char out[24]);
void emu_snowflake_at(emu *e, uint64_t ms, char out[24]); /* as if made at ms (wall clock) */
uint64_t emu_sf_time_ms(const char *id);

json_t *emu_guild(emu *e, const char *guild_id);
json_t *emu_channel(emu *e, const char *channel_id, json_t **guild);
json_t *emu_role(json_t *guild, const char *role_id);
json_t *emu_member(json_t *guild, const char *user_id);
json_t *emu_user(emu *e, const char *user_id);
json_t *emu_message(emu *e, const char *message_id);
const char *emu_default_guild_id(emu *e);

/* Discord's shapes built from the state; the caller owns the result. */
json_t *emu_member_json(emu *e, json_t *guild, const char *user_id, int with_user);
/* A user in Discord's shape from {id, username, global_name?, bot?}. */
json_t *emu_user_new(const json_t *u);
json_t *emu_role_list(json_t *guild);
json_t *emu_channel_list(json_t *guild);
json_t *emu_guild_create_json(emu *e, json_t *guild, int all_members);
json_t *emu_state_dump(emu *e);
json_t *emu_find_user(emu *e, json_t *guild, const char *name_or_id);
json_t *emu_find_role(json_t *guild, const char *name_or_id);
json_t *emu_find_channel(json_t *guild, const char *name_or_id);

/* State changes that also dispatch the matching gateway event. */
int emu_member_add(emu *e, json_t *guild, json_t *user, json_t *roles);
void emu_member_remove(emu *e, json_t *guild, const char *user_id, int banned);
void emu_member_changed(emu *e, json_t *guild, const char *user_id);
void emu_role_delete(emu *e, json_t *guild, const char *role_id);
void emu_role_move(emu *e, json_t *guild, const char *role_id, int position);
void emu_channel_delete(emu *e, json_t *guild, const char *channel_id);
void emu_message_delete(emu *e, const char *message_id);
json_t *emu_message_post(emu *e, const char *channel_id, json_t *body,
                         json_t *author, int type, const char *webhook_id);
/* The same with more fields of the message (an interaction's) set before MESSAGE_CREATE goes out. */
json_t *emu_message_post_with(emu *e, const char *channel_id, json_t *body, json_t *author,
                              int type, const char *webhook_id, json_t *extra);
int emu_message_edit(emu *e, json_t *msg, json_t *body);

/* ---- permissions (emu_perms.c) ----------------------------------------- */

uint64_t emu_perm_parse(const json_t *v);
uint64_t emu_perms_guild(emu *e, json_t *guild, const char *user_id);
uint64_t emu_perms_channel(emu *e, json_t *guild, json_t *channel, const char *user_id);
int emu_top_position(json_t *guild, const char *user_id);
int emu_is_owner(json_t *guild, const char *user_id);

/* ---- validation (emu_validate.c): pure, fuzzable ------------------------ */

/* Adds one error under a dotted path ("embeds.0.title") to an errors object. */
void emu_form_error(json_t *errors, const char *path, const char *code, const char *message);
/* Each returns the number of errors added to `errors`. */
int emu_validate_message(const json_t *body, int require_content, json_t *errors);
int emu_validate_modal(const json_t *data, json_t *errors);
int emu_validate_commands(const json_t *cmds, json_t *errors);

/* Stores a message as Discord answers it (emu_shape.c): component ids, select and embed defaults. */
void emu_shape_message(json_t *msg);

/* ---- OpenAPI checks (emu_schema.c): pure, fuzzable ---------------------- */

/* Checks `value` against `schema` (resolving $ref in `spec`); returns the number of errors added. */
int emu_schema_check(const json_t *spec, const json_t *schema, const json_t *value, json_t *errors);
/*
 * The schema of the answer to METHOD path (relative to /api/v10) with `status`:
 * *documented is 1 when the description lists that status (or its class); the
 * result is NULL then for an answer without a body.
 */
const json_t *emu_schema_response(const json_t *spec, const char *method, const char *path, int status,
                                  int *documented);
int emu_schema_load(emu *e, char *err, size_t errlen);
/* In checking mode: checks one REST answer, counting and keeping failures. */
void emu_schema_answer(emu *e, const emu_req *req, const char *pattern, const emu_resp *resp);
/* GET /_emu/schema: {"checked", "failed", "errors"}. */
json_t *emu_schema_report(emu *e);

/* ---- rate limits and faults (emu_ratelimit.c) --------------------------- */

typedef struct emu_route_info {
    const char *method;
    const char *pattern;        /* "/channels/{channel_id}/messages" */
    const char *bucket;         /* shared bucket name */
    int limit;
    int window_ms;
    int global_exempt;
    char major[160];            /* major parameter values of this call */
} emu_route_info;

/* 0 to go on; 1 when resp was filled with a 429 (limited) or a fault. */
int emu_rl_check(emu *e, const emu_route_info *ri, const char *path, emu_resp *resp);
void emu_rl_headers(emu *e, const emu_route_info *ri, emu_resp *resp);
int emu_fault_rest(emu *e, const char *method, const char *pattern, emu_resp *resp);
int emu_fault_add(emu *e, const json_t *spec, char *err, size_t errlen);
void emu_violation(emu *e, const char *kind, json_t *detail);
void emu_rl_reset(emu *e);
/* After an injected 429: the bucket stays empty for `ms`. */
void emu_rl_block(emu *e, const emu_route_info *ri, uint64_t ms);

/* ---- REST (emu_rest.c and the emu_rest_*.c groups) ---------------------- */

typedef struct emu_call {
    emu *e;
    const emu_req *req;
    emu_resp *resp;
    const char *p[4];           /* captured path parameters, in order */
} emu_call;

typedef void (*emu_rest_fn)(emu_call *c);

void emu_rest_handle(emu *e, const emu_req *req, emu_resp *resp);
/* Error helpers for REST handlers, in Discord's shapes. */
void emu_rest_form_errors(emu_call *c, json_t *errors);  /* steals errors */
int emu_rest_need(emu_call *c, json_t *guild, json_t *channel, uint64_t perms);

void emu_rest_gateway(emu_call *c);
void emu_rest_gateway_bot(emu_call *c);
void emu_rest_users_me(emu_call *c);
void emu_rest_oauth_app(emu_call *c);
void emu_rest_dm_create(emu_call *c);
void emu_rest_commands_put(emu_call *c);
void emu_rest_commands_get(emu_call *c);
void emu_rest_guild_commands_put(emu_call *c);
void emu_rest_guild_commands_get(emu_call *c);

void emu_rest_msg_create(emu_call *c);
void emu_rest_msg_get(emu_call *c);
void emu_rest_msg_list(emu_call *c);
void emu_rest_msg_edit(emu_call *c);
void emu_rest_msg_delete(emu_call *c);

void emu_rest_member_get(emu_call *c);
void emu_rest_member_patch(emu_call *c);
void emu_rest_member_kick(emu_call *c);
void emu_rest_member_role_put(emu_call *c);
void emu_rest_member_role_delete(emu_call *c);
void emu_rest_ban_put(emu_call *c);
void emu_rest_ban_delete(emu_call *c);
void emu_rest_ban_get(emu_call *c);
void emu_rest_roles_get(emu_call *c);
void emu_rest_channels_get(emu_call *c);
void emu_rest_channel_get(emu_call *c);

void emu_rest_ix_callback(emu_call *c);
void emu_rest_wh_execute(emu_call *c);
void emu_rest_wh_msg_get(emu_call *c);
void emu_rest_wh_msg_edit(emu_call *c);
void emu_rest_wh_msg_delete(emu_call *c);

/* ---- interactions (emu_interaction.c) ----------------------------------- */

/* Creates an interaction, dispatches INTERACTION_CREATE; returns the record. */
json_t *emu_ix_create(emu *e, int type, json_t *guild, json_t *channel,
                      const char *user_id, json_t *data, json_t *message);
/* The same, made late_ms ago (its id and its 3 s), as one the gateway delivers late. */
json_t *emu_ix_create_late(emu *e, int type, json_t *guild, json_t *channel, const char *user_id,
                           json_t *data, json_t *message, uint64_t late_ms);
/* Interactions like a first one but for id and token, made without rebuilding it all (a flood). */
typedef struct emu_ix_like emu_ix_like;
emu_ix_like *emu_ix_like_new(json_t *first_record);
json_t *emu_ix_create_like(emu *e, emu_ix_like *like);
void emu_ix_like_free(emu_ix_like *like);
json_t *emu_ix_by_id(emu *e, const char *id);
json_t *emu_ix_by_token(emu *e, const char *app_id, const char *token);
void emu_ix_log(emu *e, json_t *ix, const char *kind, json_t *detail);
json_t *emu_ix_view(emu *e, json_t *ix);
int emu_ix_token_valid(emu *e, json_t *ix);

/* Command text ("/raffle create prize:Switch") and options resolution. */
int emu_slash_parse(const char *text, json_t **name_path, json_t **opts, char *err, size_t errlen);
json_t *emu_slash_build(emu *e, json_t *guild, const json_t *path, const json_t *opts,
                        char *err, size_t errlen);

/* ---- gateway (emu_gateway.c) -------------------------------------------- */

/*
 * Request Guild Members (op 8, emu_gw_members.c): 0 and the GUILD_MEMBERS_CHUNK
 * payloads to send (*chunks, owned by the caller; empty for a guild the bot is
 * not in), or the close code for an invalid request with its reason.
 */
int emu_gw_members_request(emu *e, const json_t *d, uint64_t intents, json_t **chunks,
                           const char **reason);
void emu_gw_dispatch(emu *e, const char *guild_id, const char *event, json_t *d, uint64_t intent);
/* The same, with d already serialised as d_text (NULL: dumped here); d is still kept for RESUME. */
void emu_gw_dispatch_text(emu *e, const char *guild_id, const char *event, json_t *d,
                          const char *d_text, uint64_t intent);
int emu_gw_fault(emu *e, const json_t *spec, char *err, size_t errlen);
json_t *emu_gw_stats(emu *e);
int emu_gw_shard_of(const char *guild_id, int num_shards);
void emu_gw_free(emu *e);
void emu_gw_reset(emu *e);

/* lws glue, called from the single protocol callback in emu_http.c. */
int emu_gw_established(emu *e, struct lws *wsi, emu_pss *pss);
int emu_gw_receive(emu *e, struct lws *wsi, emu_pss *pss, const void *in, size_t len);
int emu_gw_writeable(emu *e, struct lws *wsi, emu_pss *pss);
void emu_gw_closed(emu *e, emu_pss *pss);

/* ---- HTTP glue (emu_http.c) --------------------------------------------- */

int emu_http_start(emu *e);
void emu_http_wake(emu *e);     /* state changed: re-ask long-polls */
void emu_http_free(emu *e);

/* ---- control API (emu_control.c) ---------------------------------------- */

void emu_control_handle(emu *e, const emu_req *req, emu_resp *resp);
int emu_reset(emu *e, char *err, size_t errlen);

/* ---- CLI (emu_cli.c) ---------------------------------------------------- */

int emu_cli_main(int argc, char **argv);
int emu_is_cli_command(const char *arg);

#endif
