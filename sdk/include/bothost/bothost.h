/*
 * bothost SDK: the only header a plugin includes.
 *
 * Every function here is a thin wrapper over the host's function table; its
 * comment is its reference documentation. Functions returning int return 0 (or
 * a count) on success and a negative bh_error on failure; bh_ctx_error() then
 * says what went wrong in words.
 *
 * Threads: load() and unload() run once per plugin generation; handlers run on
 * the host's worker threads, several at once, and may block (database, Discord).
 * Keep shared state in the database, not in globals: a reload or a second host
 * must change nothing.
 */
#ifndef BOTHOST_BOTHOST_H
#define BOTHOST_BOTHOST_H

#include <stdarg.h>
#include <stdio.h>

#include <bothost/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Registration (call these from load() only) ------------------------- */

/*
 * Registers a Discord application command from its JSON definition, exactly as
 * Discord documents it (name, description, options, ...). Names are unique across
 * all loaded plugins: a clash refuses the plugin that loads later.
 */
static inline int bh_command_register(bh_host *h, const char *definition_json)
{
    return bh__api->command_register(h, definition_json);
}

/*
 * Handles a command path: "raffle" for a plain command, "raffle create" for a
 * subcommand, "raffle admin reset" for a subcommand of a group.
 */
static inline int bh_command_handle(bh_host *h, const char *path, bh_handler_fn fn)
{
    return bh__api->command_handle(h, path, fn);
}

/* Handles autocomplete requests for a command path. */
static inline int bh_autocomplete_handle(bh_host *h, const char *path, bh_handler_fn fn)
{
    return bh__api->autocomplete_handle(h, path, fn);
}

/*
 * Handles buttons and selects whose custom_id starts with `prefix`. The host
 * namespaces custom_ids as "<plugin>:<rest>": register "claim" and send
 * "raffle:claim:42"; the longest registered prefix that matches at a ':'
 * boundary wins.
 */
static inline int bh_component_handle(bh_host *h, const char *prefix, bh_handler_fn fn)
{
    return bh__api->component_handle(h, prefix, fn);
}

/* Handles modal submissions by custom_id prefix, as bh_component_handle(). */
static inline int bh_modal_handle(bh_host *h, const char *prefix, bh_handler_fn fn)
{
    return bh__api->modal_handle(h, prefix, fn);
}

/*
 * Handles a gateway dispatch by event name ("GUILD_MEMBER_ADD"). Several plugins
 * may handle the same event; each gets its own call. Declare the intents the
 * event needs with bh_intents_require().
 */
static inline int bh_event_handle(bh_host *h, const char *event, bh_handler_fn fn)
{
    return bh__api->event_handle(h, event, fn);
}

/* Handles durable jobs of one kind scheduled by this plugin (bh_job_schedule()). */
static inline int bh_job_handle(bh_host *h, const char *kind, bh_handler_fn fn)
{
    return bh__api->job_handle(h, kind, fn);
}

/* Gateway intents this plugin needs (BH_INTENT_* bits); the host ORs them all. */
static inline int bh_intents_require(bh_host *h, uint64_t intents)
{
    return bh__api->intents_require(h, intents);
}

/* ---- Configuration: the [plugin.<name>] section (load() only) ----------- */

/*
 * Returns the value of `key`, or `def` when the key is absent. The string is the
 * host's and stays valid until unload(). Keys a plugin never reads in load() are
 * reported to the admin as unknown, so read every key you accept.
 */
static inline const char *bh_config_text(bh_host *h, const char *key, const char *def)
{
    return bh__api->config_str(h, key, def);
}

/*
 * Reads an integer key into *out (`def` when absent); BH_EINVAL if it is not one,
 * reported to the admin like bh_config_error() ("must be a whole number").
 */
static inline int bh_config_i64(bh_host *h, const char *key, int64_t def, int64_t *out)
{
    return bh__api->config_int(h, key, def, out);
}

/* Reads a boolean key (true/false, yes/no, on/off, 1/0, any case) into *out; BH_EINVAL as above. */
static inline int bh_config_bool(bh_host *h, const char *key, int def, int *out)
{
    return bh__api->config_bool(h, key, def, out);
}

/*
 * Refuses the value of `key`: the admin reads "file:line: [plugin.<name>] 'key'
 * <what>, not '<value>'" (the line and value of that key, or only the file when
 * the key is absent), and the load fails even if load() goes on. Call it once per
 * bad key, so that each error names its own key. Returns BH_EINVAL.
 *   return bh_config_error(h, "currency", "must be at most 8 bytes");
 */
__attribute__((format(printf, 3, 4))) static inline int bh_config_error(bh_host *h,
                                                                          const char *key,
                                                                          const char *fmt, ...)
{
    if (!BH_API_HAS(bh__api, config_error))
        return BH_EINVAL; /* a 1.0 host: load() fails, without the message */
    va_list ap;
    va_start(ap, fmt);
    int rc = bh__api->config_error(h, key, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * Reads an integer key that must lie in [min, max] (`def` when absent); out of
 * range, the key is refused with bh_config_error() naming the range.
 */
static inline int bh_config_i64_range(bh_host *h, const char *key, int64_t def, int64_t min,
                                      int64_t max, int64_t *out)
{
    int rc = bh_config_i64(h, key, def, out);
    if (rc == 0 && (*out < min || *out > max)) {
        *out = def;
        return bh_config_error(h, key, "must be a whole number from %lld to %lld",
                               (long long)min, (long long)max);
    }
    return rc;
}

/* ---- Logging ------------------------------------------------------------- */

/*
 * Logs one line, tagged with the plugin and, inside a handler, with what the
 * handler is serving. Never log secrets: the host redacts only its own.
 */
__attribute__((format(printf, 3, 4))) static inline void bh_log(bh_host *h, enum bh_log_level level,
                                                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bh__api->logv(h, (int)level, fmt, ap);
    va_end(ap);
}

/* The plugin's name as loaded; the host's string, valid until unload(). */
static inline const char *bh_plugin_name(bh_host *h)
{
    return bh__api->plugin_name(h);
}

/* ---- The handler call ---------------------------------------------------- */

/* The plugin generation serving this call (for bh_log()). */
static inline bh_host *bh_ctx_host(bh_ctx *c)
{
    return bh__api->ctx_host(c);
}

/* What the call is about. */
static inline enum bh_ctx_kind bh_ctx_kind(bh_ctx *c)
{
    int kind = bh__api->ctx_kind(c);
    return (enum bh_ctx_kind)kind;
}

/*
 * The call's raw data, borrowed for the call's duration: the interaction object
 * for commands, components and modals, the event's "d" for events, the payload
 * for jobs (an empty object when scheduled without one).
 */
static inline const json_t *bh_ctx_data(bh_ctx *c)
{
    return bh__api->ctx_data(c);
}

/*
 * What the last failed call on this context said, or "" when none failed. The
 * context's own buffer: the next failing call overwrites it, the handler's return
 * frees it; copy it to keep it.
 */
static inline const char *bh_ctx_error(bh_ctx *c)
{
    return bh__api->ctx_error(c);
}

/* The command path, custom_id, event name or job kind that routed this call; valid for the call. */
static inline const char *bh_ctx_name(bh_ctx *c)
{
    return bh__api->ctx_name(c);
}

/* ---- Database ------------------------------------------------------------ */

/* Query parameters, in the order of $1, $2, ... */
static inline bh_param bh_null(void)
{
    bh_param p = {BH_P_NULL, {0}};
    return p;
}
static inline bh_param bh_text(const char *s)
{
    bh_param p = {BH_P_TEXT, {0}};
    p.v.s = s;
    if (!s)
        p.type = BH_P_NULL;
    return p;
}
static inline bh_param bh_i64(int64_t i)
{
    bh_param p = {BH_P_I64, {0}};
    p.v.i = i;
    return p;
}
static inline bh_param bh_f64(double f)
{
    bh_param p = {BH_P_F64, {0}};
    p.v.f = f;
    return p;
}
static inline bh_param bh_bool(int b)
{
    bh_param p = {BH_P_BOOL, {0}};
    p.v.b = b;
    return p;
}
static inline bh_param bh_json(const json_t *j)
{
    bh_param p = {BH_P_JSON, {0}};
    p.v.j = j;
    if (!j)
        p.type = BH_P_NULL;
    return p;
}

/* Expands to the (params, nparams) pair: BH_ARGS(bh_i64(id), bh_text(name)). */
#define BH_ARGS(...)                                                                      \
    (const bh_param[]){__VA_ARGS__},                                                      \
        (int)(sizeof((const bh_param[]){__VA_ARGS__}) / sizeof(bh_param))
/* For a statement without parameters. */
#define BH_NOARGS NULL, 0

/*
 * Runs one parameterised statement. On success *out (when `out` is not NULL)
 * holds the rows; free it with bh_result_free(), or leave it to the host, which
 * frees every result when the handler returns. The connection is taken from the
 * pool on first use and given back when the handler returns. Errors:
 * BH_ECONFLICT for a unique or exclusion violation (23505, 23P01), BH_EDB
 * otherwise (bh_ctx_error() has the server's message, bh_db_sqlstate() its
 * code), BH_ENOSYS without a database (bothost --check).
 */
static inline int bh_db_query(bh_ctx *c, bh_result **out, const char *sql,
                              const bh_param *params, int nparams)
{
    return bh__api->db_query(c, out, sql, params, nparams);
}

/* Runs one statement and returns the number of rows it affected, or an error. */
static inline int64_t bh_db_exec(bh_ctx *c, const char *sql, const bh_param *params, int nparams)
{
    bh_result *r = NULL;
    int rc = bh__api->db_query(c, &r, sql, params, nparams);
    if (rc < 0)
        return rc;
    int64_t n = bh__api->result_affected(r);
    bh__api->result_free(r);
    return n;
}

/*
 * Transactions. A transaction still open when the handler returns is rolled
 * back. Inside a job handler the whole call already runs in the job's
 * transaction, so these nest as savepoints and the job's effects commit with
 * its completion.
 */
static inline int bh_db_begin(bh_ctx *c)
{
    return bh__api->db_begin(c);
}
static inline int bh_db_commit(bh_ctx *c)
{
    return bh__api->db_commit(c);
}
static inline int bh_db_rollback(bh_ctx *c)
{
    return bh__api->db_rollback(c);
}

/*
 * The SQLSTATE of the last failed statement ("23505"), or "". Like
 * bh_ctx_error(): the context's buffer, overwritten by the next failed statement.
 */
static inline const char *bh_db_sqlstate(bh_ctx *c)
{
    return bh__api->db_sqlstate(c);
}

/* Number of rows and columns of a result. */
static inline int bh_result_rows(const bh_result *r)
{
    return bh__api->result_rows(r);
}
static inline int bh_result_cols(const bh_result *r)
{
    return bh__api->result_cols(r);
}

/* The index of a column by name (0 or more), BH_ENOTFOUND when the result has none by that name. */
static inline int bh_result_col(const bh_result *r, const char *name)
{
    if (!r || !name)
        return BH_EINVAL;
    int col = bh__api->result_col(r, name);
    return col < 0 ? BH_ENOTFOUND : col;
}

/* Rows affected by an INSERT, UPDATE or DELETE. */
static inline int64_t bh_result_affected(const bh_result *r)
{
    return bh__api->result_affected(r);
}

/* Whether a value is SQL NULL (also true outside the result's bounds). */
static inline int bh_result_is_null(const bh_result *r, int row, int col)
{
    return bh__api->result_is_null(r, row, col);
}

/* A value as text (NULL for SQL NULL), valid until the result is freed. */
static inline const char *bh_result_text(const bh_result *r, int row, int col)
{
    return bh__api->result_text(r, row, col);
}

/*
 * A value as an integer, double or boolean; 0 for NULL or an unparsable value
 * (bh_result_is_null() tells a NULL from a 0: columns are typed by the query).
 */
static inline int64_t bh_result_i64(const bh_result *r, int row, int col)
{
    return bh__api->result_i64(r, row, col);
}
static inline double bh_result_f64(const bh_result *r, int row, int col)
{
    return bh__api->result_f64(r, row, col);
}
static inline int bh_result_bool(const bh_result *r, int row, int col)
{
    return bh__api->result_bool(r, row, col);
}

/* Frees a result now instead of when the handler returns. NULL is fine. */
static inline void bh_result_free(bh_result *r)
{
    bh__api->result_free(r);
}

/* ---- Durable jobs -------------------------------------------------------- */

/*
 * Schedules a job of `kind` (handled by this plugin) to run at `run_at_ms`
 * (Unix time in milliseconds; 0 or a past time means as soon as possible), with
 * an optional JSON payload. With a `key`, a pending job of the same kind and key
 * is replaced (its time and payload updated) instead of added. The job is written
 * with the handler's database connection, so inside a transaction it is scheduled
 * only if that transaction commits. A failing handler is retried with backoff.
 */
static inline int bh_job_schedule(bh_ctx *c, const char *kind, int64_t run_at_ms,
                                  const json_t *payload, const char *key)
{
    return bh__api->job_schedule(c, kind, run_at_ms, payload, key);
}

/* Cancels the pending job of `kind` and `key`; BH_ENOTFOUND when there was none. */
static inline int bh_job_cancel(bh_ctx *c, const char *kind, const char *key)
{
    return bh__api->job_cancel(c, kind, key);
}

/* In a job handler: how many times this job ran before (0 on the first run). */
static inline int bh_job_attempt(bh_ctx *c)
{
    return bh__api->job_attempt(c);
}

#ifdef __cplusplus
}
#endif

#include <bothost/interaction.h>
#include <bothost/discord.h>
#include <bothost/duration.h>

#endif
