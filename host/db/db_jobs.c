/*
 * Durable jobs in bothost.jobs.
 *
 * A worker claims a job inside a transaction that locks its row (FOR UPDATE SKIP
 * LOCKED, so workers and hosts never share one) and marks it 'running', takes a
 * savepoint, and runs the handler in that same transaction. Success deletes the
 * row and commits the handler's work with it; failure rolls back to the
 * savepoint and records the attempt. 'running' is never committed: if the host
 * dies mid-job, the row is pending again as it was.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "db/db_internal.h"

#define BACKOFF_CAP_MS INT64_C(3600000)

static int names_valid(db_session *s, const char *plugin, const char *kind)
{
    if (!plugin || !plugin[0] || strlen(plugin) > 32)
        return db_session_errorf(s, BH_EINVAL, "job: invalid plugin name");
    if (!kind || !kind[0] || strlen(kind) > 64)
        return db_session_errorf(s, BH_EINVAL, "job: kind must be 1 to 64 bytes");
    return 0;
}

int db_jobs_schedule(db_session *s, const char *plugin, const char *kind, int64_t run_at_ms,
                     const json_t *payload, const char *key)
{
    int rc = names_valid(s, plugin, kind);
    if (rc < 0)
        return rc;
    /* Keyed: replace the pending job of that key, starting its attempts afresh. */
    static const char sql_key[] =
        "INSERT INTO bothost.jobs (plugin, kind, key, run_at, payload) "
        "VALUES ($1, $2, $3, CASE WHEN $4::bigint > 0 "
        "THEN to_timestamp($4::bigint / 1000.0) ELSE now() END, coalesce($5::jsonb, '{}')) "
        "ON CONFLICT (plugin, kind, key) WHERE key IS NOT NULL AND state = 'pending' "
        "DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, attempts = 0, "
        "last_error = NULL";
    static const char sql_nokey[] =
        "INSERT INTO bothost.jobs (plugin, kind, run_at, payload) "
        "VALUES ($1, $2, CASE WHEN $3::bigint > 0 "
        "THEN to_timestamp($3::bigint / 1000.0) ELSE now() END, coalesce($4::jsonb, '{}'))";
    if (key)
        return db_session_exec(s, sql_key,
                               BH_ARGS(bh_text(plugin), bh_text(kind), bh_text(key),
                                       bh_i64(run_at_ms), bh_json(payload)));
    return db_session_exec(s, sql_nokey,
                           BH_ARGS(bh_text(plugin), bh_text(kind), bh_i64(run_at_ms),
                                   bh_json(payload)));
}

int db_jobs_append(db_session *s, const char *plugin, const char *kind, const char *chain,
                   const json_t *payload)
{
    int rc = names_valid(s, plugin, kind);
    if (rc < 0)
        return rc;
    if (!chain || !chain[0] || strlen(chain) > 200)
        return db_session_errorf(s, BH_EINVAL, "job: chain must be 1 to 200 bytes");
    return db_session_exec(s,
                           "INSERT INTO bothost.jobs (plugin, kind, chain, payload) "
                           "VALUES ($1, $2, $3, coalesce($4::jsonb, '{}'))",
                           BH_ARGS(bh_text(plugin), bh_text(kind), bh_text(chain),
                                   bh_json(payload)));
}

int db_jobs_cancel(db_session *s, const char *plugin, const char *kind, const char *key)
{
    int rc = names_valid(s, plugin, kind);
    if (rc < 0)
        return rc;
    if (!key)
        return db_session_errorf(s, BH_EINVAL, "job cancel: a key is needed");
    bh_result *r;
    rc = db_session_query(s, &r,
                          "DELETE FROM bothost.jobs WHERE plugin = $1 AND kind = $2 "
                          "AND key = $3 AND state = 'pending'",
                          BH_ARGS(bh_text(plugin), bh_text(kind), bh_text(key)));
    if (rc < 0)
        return rc;
    int64_t n = db_result_affected(r);
    db_result_free(r);
    return n > 0 ? 0 : BH_ENOTFOUND;
}

/* The plugin list as a text[] literal: {"a","b"} with quotes and backslashes escaped. */
static char *plugin_array(const char *const *plugins, int nplugins)
{
    size_t cap = 3;
    for (int i = 0; i < nplugins; i++)
        cap += (plugins[i] ? 2 * strlen(plugins[i]) : 0) + 3;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = 0;
    out[n++] = '{';
    for (int i = 0; i < nplugins; i++) {
        if (!plugins[i])
            continue;
        if (n > 1)
            out[n++] = ',';
        out[n++] = '"';
        for (const char *p = plugins[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                out[n++] = '\\';
            out[n++] = *p;
        }
        out[n++] = '"';
    }
    out[n++] = '}';
    out[n] = '\0';
    return out;
}

/* Runs `sql`, whose $1 is the plugin list as a text[]. */
static int query_plugins(db_session *s, bh_result **r, const char *sql,
                         const char *const *plugins, int nplugins)
{
    char *arr = plugin_array(plugins, nplugins);
    if (!arr)
        return db_session_errorf(s, BH_ENOMEM, "out of memory");
    int rc = db_session_query(s, r, sql, BH_ARGS(bh_text(arr)));
    free(arr);
    return rc;
}

int db_jobs_claim(db_session *s, const char *const *plugins, int nplugins, db_job *job)
{
    memset(job, 0, sizeof(*job));
    if (s->tx_depth > 0 || s->outer_tx)
        return db_session_errorf(s, BH_ESTATE, "job claim: the session is in a transaction");
    if (nplugins <= 0 || !plugins)
        return 0;

    bh_result *r = NULL;
    int rc = db_session_exec(s, "BEGIN", NULL, 0);
    if (rc == 0)
        rc = query_plugins(
            s, &r,
            "WITH next AS ("
            " SELECT id FROM bothost.jobs j"
            " WHERE state = 'pending' AND run_at <= now() AND plugin = ANY($1::text[])"
            /* A chained job waits for the earlier ones of its chain (run or dead). */
            " AND (chain IS NULL OR NOT EXISTS (SELECT 1 FROM bothost.jobs e"
            " WHERE e.plugin = j.plugin AND e.chain = j.chain AND e.state = 'pending'"
            " AND e.id < j.id))"
            " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
            " UPDATE bothost.jobs u SET state = 'running' FROM next WHERE u.id = next.id"
            " RETURNING u.id, u.plugin, u.kind, u.payload::text, u.attempts,"
            " greatest(extract(epoch FROM clock_timestamp() - u.run_at), 0)::float8",
            plugins, nplugins);
    if (rc < 0)
        goto fail;
    if (db_result_rows(r) == 0) {
        db_result_free(r);
        rc = db_session_exec(s, "COMMIT", NULL, 0);
        return rc < 0 ? rc : 0;
    }

    job->id = db_result_i64(r, 0, 0);
    snprintf(job->plugin, sizeof(job->plugin), "%s", db_result_text(r, 0, 1));
    snprintf(job->kind, sizeof(job->kind), "%s", db_result_text(r, 0, 2));
    json_error_t jerr;
    job->payload = json_loads(db_result_text(r, 0, 3), JSON_DECODE_ANY, &jerr);
    job->attempts = (int)db_result_i64(r, 0, 4);
    job->lag_s = db_result_f64(r, 0, 5);
    db_result_free(r);
    r = NULL;
    if (!job->payload) {
        rc = db_session_errorf(s, BH_ENOMEM, "job %" PRId64 ": payload: %s", job->id, jerr.text);
        goto fail;
    }
    rc = db_session_exec(s, "SAVEPOINT bh_job", NULL, 0);
    if (rc < 0)
        goto fail;
    s->outer_tx = 1;
    s->tx_depth = 0;
    return 1;

fail:
    db_result_free(r);
    json_decref(job->payload);
    job->payload = NULL;
    if (s->conn && PQtransactionStatus(db_conn_pg(s->conn)) != PQTRANS_IDLE) {
        char keep[sizeof(s->err)];
        memcpy(keep, s->err, sizeof(keep));
        db_session_exec(s, "ROLLBACK", NULL, 0);
        memcpy(s->err, keep, sizeof(keep));
    }
    return rc;
}

static int64_t backoff_ms(int attempts, int base_ms)
{
    if (base_ms <= 0)
        return 0;
    int64_t b = base_ms;
    for (int i = 0; i < attempts && b < BACKOFF_CAP_MS; i++)
        b *= 2;
    return b < BACKOFF_CAP_MS ? b : BACKOFF_CAP_MS;
}

/* COMMIT, reporting a transaction that had failed (the server answers ROLLBACK). */
static int commit_tx(db_session *s)
{
    s->outer_tx = 0;
    s->tx_depth = 1;
    return db_session_commit(s);
}

/* Records a failed attempt, with the handler's work already rolled back. */
static int record_failure(db_session *s, db_job *job, const char *error, int max_attempts,
                          int base_backoff_ms)
{
    int dead = max_attempts > 0 && job->attempts + 1 >= max_attempts;
    int64_t delay = backoff_ms(job->attempts, base_backoff_ms);
    int rc = db_session_exec(s,
                             "UPDATE bothost.jobs SET attempts = attempts + 1, last_error = $2,"
                             " state = CASE WHEN $3 THEN 'dead' ELSE 'pending' END,"
                             " run_at = CASE WHEN $3 THEN run_at"
                             " ELSE clock_timestamp() + $4 * interval '1 millisecond' END"
                             " WHERE id = $1",
                             BH_ARGS(bh_i64(job->id), bh_text(error ? error : "failed"),
                                     bh_bool(dead), bh_i64(delay)));
    if (rc < 0)
        return rc;
    rc = commit_tx(s);
    if (rc == 0) {
        char fields[160];
        snprintf(fields, sizeof(fields), "plugin=%s kind=%s job=%" PRId64 " attempt=%d",
                 job->plugin, job->kind, job->id, job->attempts + 1);
        if (dead)
            log_fields(LOG_WARN, "db", fields, "job failed for the last time, now dead: %s",
                       error ? error : "failed");
        else
            log_fields(LOG_INFO, "db", fields, "job failed, retry in %" PRId64 " ms: %s", delay,
                       error ? error : "failed");
    }
    return rc;
}

int db_jobs_finish(db_session *s, db_job *job, int ok, const char *error, int max_attempts,
                   int base_backoff_ms)
{
    int rc;
    char why[sizeof(s->err) + 64];
    if (!s->outer_tx || !s->conn) {
        rc = db_session_errorf(s, BH_ESTATE, "job finish: no claimed job on this session");
        goto out;
    }
    if (ok && PQtransactionStatus(db_conn_pg(s->conn)) == PQTRANS_INERROR) {
        /* A statement failed and the handler went on: its last error is the cause. */
        snprintf(why, sizeof(why), "the job's work could not be committed: %s", s->err);
        error = why;
    } else if (ok) {
        rc = 0;
        /* A transaction the handler left open is rolled back, as for any handler. */
        if (s->tx_depth > 0)
            rc = db_session_exec_script(s, "ROLLBACK TO SAVEPOINT bh_sp_1; "
                                           "RELEASE SAVEPOINT bh_sp_1");
        s->tx_depth = 0;
        if (rc == 0)
            rc = db_session_exec(s, "DELETE FROM bothost.jobs WHERE id = $1",
                                 BH_ARGS(bh_i64(job->id)));
        if (rc == 0)
            rc = commit_tx(s);
        if (rc == 0)
            goto out;
        /*
         * The handler's transaction was doomed (a failed statement it did not
         * roll back, a deferred constraint at commit): the job failed after all.
         */
        snprintf(why, sizeof(why), "the job's work could not be committed: %s", s->err);
        error = why;
        if (PQtransactionStatus(db_conn_pg(s->conn)) == PQTRANS_IDLE) {
            /* The commit itself failed: count the attempt in a new transaction. */
            rc = db_session_exec(s, "BEGIN", NULL, 0);
            bh_result *r = NULL;
            if (rc == 0)
                rc = db_session_query(s, &r,
                                      "SELECT 1 FROM bothost.jobs WHERE id = $1"
                                      " AND state = 'pending' FOR UPDATE SKIP LOCKED",
                                      BH_ARGS(bh_i64(job->id)));
            if (rc == 0 && db_result_rows(r) == 1) {
                db_result_free(r);
                s->outer_tx = 1;
                rc = record_failure(s, job, error, max_attempts, base_backoff_ms);
            } else {
                db_result_free(r);
                if (PQtransactionStatus(db_conn_pg(s->conn)) != PQTRANS_IDLE)
                    db_session_exec(s, "ROLLBACK", NULL, 0);
            }
            if (rc == 0)
                rc = BH_EDB;
            snprintf(s->err, sizeof(s->err), "%.*s", (int)sizeof(s->err) - 1, why);
            goto out;
        }
    }
    /* Failed: undo the handler's work, keep the claim, count the attempt. */
    rc = db_session_exec(s, "ROLLBACK TO SAVEPOINT bh_job", NULL, 0);
    if (rc == 0)
        rc = record_failure(s, job, error, max_attempts, base_backoff_ms);
    if (rc == 0 && ok)
        rc = BH_EDB; /* the caller said ok, but nothing of it was kept */
    if (ok)
        snprintf(s->err, sizeof(s->err), "%.*s", (int)sizeof(s->err) - 1, why);

out:
    if (s->conn && PQtransactionStatus(db_conn_pg(s->conn)) != PQTRANS_IDLE)
        db_session_exec(s, "ROLLBACK", NULL, 0);
    s->outer_tx = 0;
    s->tx_depth = 0;
    json_decref(job->payload);
    job->payload = NULL;
    return rc;
}

/*
 * A job being run right now still counts (its 'running' is not committed), so
 * a caller may wake to find nothing it can claim; it then asks again.
 */
int64_t db_jobs_next_due(db_session *s, const char *const *plugins, int nplugins)
{
    if (nplugins <= 0 || !plugins)
        return -1;
    bh_result *r;
    int rc = query_plugins(s, &r,
                           "SELECT (extract(epoch FROM min(run_at)) * 1000)::bigint"
                           " FROM bothost.jobs WHERE state = 'pending'"
                           " AND plugin = ANY($1::text[])",
                           plugins, nplugins);
    if (rc < 0)
        return rc;
    int64_t due = db_result_is_null(r, 0, 0) ? -1 : db_result_i64(r, 0, 0);
    db_result_free(r);
    return due;
}
