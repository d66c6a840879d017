/*
 * The database layer: a libpq connection pool, per-handler sessions with
 * transactions, results, migrations and the durable job store.
 *
 * Everything here blocks and runs on worker threads (or the main thread before
 * the loop starts); the loop thread never calls into it.
 */
#ifndef BH_DB_H
#define BH_DB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>

#include <bothost/abi.h>

typedef struct db_pool db_pool;
typedef struct db_conn db_conn;

/* ---- Pool ---------------------------------------------------------------- */

/*
 * Creates a pool of at most `size` connections to `conninfo` (a libpq URL or
 * key=value string). Connections open lazily; the pool does not connect here.
 * Every connection gets statement_timeout (0 = none) in its options and a notice
 * receiver that logs instead of printing.
 */
int db_pool_create(db_pool **out, const char *conninfo, int size, int statement_timeout_ms);
/* Closes every connection; no session may still hold one. */
void db_pool_destroy(db_pool *p);

/*
 * Takes a connection, waiting up to `wait_ms` for one to be free, connecting or
 * reconnecting (after a server restart) as needed. BH_ETIMEDOUT when none came
 * free, BH_EDB (with a message in err) when the server cannot be reached.
 */
int db_pool_acquire(db_pool *p, db_conn **out, int wait_ms, char *err, size_t errlen);
/* How long a session waits for a free connection ([database] acquire_timeout_ms). */
void db_pool_set_acquire_timeout(db_pool *p, int ms);
int db_pool_acquire_timeout(const db_pool *p);

/* Gives a connection back; a broken one is closed and reopened on next use. */
void db_pool_release(db_pool *p, db_conn *c);
/* Gives a connection back closed: its state is unknown; the slot reconnects on next use. */
void db_pool_discard(db_pool *p, db_conn *c);

/*
 * Runs SELECT 1 on a pooled connection: 0 when the database answers. The caller
 * reports a failure (err): the pool logs a ping's connect failure at debug only
 * (start-up's wait says it once; /health/ready says it), where a session's is a
 * warning, once per kind of failure.
 */
int db_pool_ping(db_pool *p, char *err, size_t errlen);

/* Connections open and in use, for /metrics. */
void db_pool_stats(db_pool *p, int *open, int *in_use, int *size);

/* ---- Sessions: one per handler call -------------------------------------- */

/*
 * A session takes a connection on first use and gives it back at db_session_end(),
 * rolling back a transaction left open and freeing results not yet freed.
 * In "outer transaction" mode (job handlers) the caller already opened a
 * transaction: begin/commit/rollback become SAVEPOINT / RELEASE / ROLLBACK TO.
 */
typedef struct db_session {
    db_pool *pool;
    db_conn *conn;          /* NULL until first use */
    int tx_depth;           /* transactions opened through the session API */
    int outer_tx;           /* 1 when the caller owns an enclosing transaction */
    LIST_HEAD(, bh_result) results; /* not yet freed, freed at end */
    char sqlstate[6];
    char err[512];
} db_session;

void db_session_init(db_session *s, db_pool *p);
/* Ends the session: rollback if needed, free results, release the connection. */
void db_session_end(db_session *s);
/* Rolls back, frees results and resets the connection (DISCARD ALL) as db_session_end() does, but keeps it. */
void db_session_reset(db_session *s);

/* The session API behind bh_db_query() and friends; same contract. */
int db_session_query(db_session *s, bh_result **out, const char *sql, const bh_param *params,
                     int nparams);
int db_session_begin(db_session *s);
int db_session_commit(db_session *s);
int db_session_rollback(db_session *s);

/* Result accessors behind bh_result_*(); same contract. */
int db_result_rows(const bh_result *r);
int db_result_cols(const bh_result *r);
int db_result_col(const bh_result *r, const char *name);
int64_t db_result_affected(const bh_result *r);
int db_result_is_null(const bh_result *r, int row, int col);
const char *db_result_text(const bh_result *r, int row, int col);
int64_t db_result_i64(const bh_result *r, int row, int col);
double db_result_f64(const bh_result *r, int row, int col);
int db_result_bool(const bh_result *r, int row, int col);
void db_result_free(bh_result *r);

/* ---- Migrations ----------------------------------------------------------- */

/*
 * Checks without connecting that `dir` (may be absent: nothing to apply) holds
 * only well-named migrations, NNN_name.sql with NNN unique and increasing, each
 * readable. Writes what is wrong to err.
 */
int db_migrate_check(const char *owner, const char *dir, char *err, size_t errlen);

/*
 * Applies the pending migrations of `owner` ("core" for the host, else a plugin
 * name) from `dir` in order, each in its own transaction, recording name and
 * SHA-256 checksum in bothost.schema_migrations. An applied file whose content
 * changed is refused (BH_ECONFLICT, err names it). A session-level advisory lock
 * serialises concurrent hosts. Creates the bothost schema and its table first
 * when owner is "core". *applied gets the count applied (may be NULL).
 */
int db_migrate(db_pool *p, const char *owner, const char *dir, int *applied, char *err,
               size_t errlen);

/* ---- Durable jobs ---------------------------------------------------------- */

/* Schedules (or with a key, replaces) a pending job, in the session's transaction. */
int db_jobs_schedule(db_session *s, const char *plugin, const char *kind, int64_t run_at_ms,
                     const json_t *payload, const char *key);
/*
 * Adds a job due at once that runs only after every earlier job of the same
 * plugin and `chain` has run (or died): the outbox's ordered queue.
 */
int db_jobs_append(db_session *s, const char *plugin, const char *kind, const char *chain,
                   const json_t *payload);
/* Cancels a pending job by kind and key: 0, or BH_ENOTFOUND. */
int db_jobs_cancel(db_session *s, const char *plugin, const char *kind, const char *key);

typedef struct db_job {
    int64_t id;
    char plugin[33];
    char kind[65];
    json_t *payload;        /* owned: json_decref() it (db_jobs_finish does) */
    int attempts;           /* runs before this one */
    double lag_s;           /* how long it was due when claimed (the server's clock) */
} db_job;

/*
 * Claims the earliest due pending job of one of `plugins`: opens a transaction on
 * the session, locks the row with FOR UPDATE SKIP LOCKED and leaves the
 * transaction open with the session in outer-transaction mode, so the handler's
 * work commits together with db_jobs_finish(). Returns 1 with *job filled, 0 when
 * nothing is due (no transaction left open), or an error.
 */
int db_jobs_claim(db_session *s, const char *const *plugins, int nplugins, db_job *job);

/*
 * Ends a claimed job. ok: deletes it and commits the handler's work with it.
 * Failed: rolls the handler's work back, then counts the attempt and either
 * reschedules it with exponential backoff (base_backoff_ms * 2^attempts, capped
 * at one hour) or, at max_attempts, marks it dead with the error kept. Frees
 * job->payload.
 */
int db_jobs_finish(db_session *s, db_job *job, int ok, const char *error, int max_attempts,
                   int base_backoff_ms);

/*
 * The run_at (Unix ms) of the earliest pending job of `plugins`, or -1 when there
 * is none. Lets the scheduler sleep exactly until the next job.
 */
int64_t db_jobs_next_due(db_session *s, const char *const *plugins, int nplugins);

#endif
