/*
 * Sessions: one handler call's use of the database. The connection is taken on
 * first use and given back, clean, at db_session_end().
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "db/db_internal.h"

/* Parameter types we declare to the server; text and JSON are left to context. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_FLOAT8 701

void db_session_init(db_session *s, db_pool *p)
{
    memset(s, 0, sizeof(*s));
    s->pool = p;
}

int db_session_errorf(db_session *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof(s->err), fmt, ap);
    va_end(ap);
    s->sqlstate[0] = '\0';
    return code;
}

static void set_err_text(db_session *s, const char *msg, const char *detail)
{
    if (detail && detail[0])
        snprintf(s->err, sizeof(s->err), "%s (%s)", msg, detail);
    else
        snprintf(s->err, sizeof(s->err), "%s", msg);
    size_t n = strlen(s->err);
    while (n > 0 && (s->err[n - 1] == '\n' || s->err[n - 1] == ' '))
        s->err[--n] = '\0';
    for (char *q = s->err; *q; q++)
        if (*q == '\n' || *q == '\t')
            *q = ' ';
}

int db_session_fail(db_session *s, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (!msg && res)
        msg = PQresultErrorMessage(res);
    if ((!msg || !msg[0]) && s->conn)
        msg = PQerrorMessage(db_conn_pg(s->conn));
    set_err_text(s, msg && msg[0] ? msg : "unknown database error", detail);
    snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state ? state : "");
    /* 23505 unique_violation, 23P01 exclusion_violation. */
    if (state && (!strcmp(state, "23505") || !strcmp(state, "23P01")))
        return BH_ECONFLICT;
    return BH_EDB;
}

int db_session_connect(db_session *s)
{
    if (s->conn)
        return 0;
    if (!s->pool)
        return db_session_errorf(s, BH_ESTATE, "no database is configured");
    int rc = db_pool_acquire(s->pool, &s->conn, db_pool_acquire_timeout(s->pool), s->err, sizeof(s->err));
    if (rc < 0) {
        s->sqlstate[0] = '\0';
        s->conn = NULL;
    }
    return rc;
}

/* Leaves a COPY state nobody asked for, so the connection stays usable. */
static void drain(PGconn *pg, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COPY_IN)
        PQputCopyEnd(pg, "COPY is not supported through bothost");
    else if (st == PGRES_COPY_OUT) {
        char *buf;
        while (PQgetCopyData(pg, &buf, 0) > 0)
            PQfreemem(buf);
    }
    PGresult *r;
    while ((r = PQgetResult(pg)) != NULL)
        PQclear(r);
}

/* Checks a finished command: 0 with *res kept, or the error (res cleared). */
static int check_result(db_session *s, PGresult **res)
{
    ExecStatusType st = PQresultStatus(*res);
    switch (st) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return 0;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
        drain(db_conn_pg(s->conn), *res);
        PQclear(*res);
        *res = NULL;
        return db_session_errorf(s, BH_EINVAL, "COPY is not supported");
    default: {
        int rc = db_session_fail(s, *res);
        PQclear(*res);
        *res = NULL;
        return rc;
    }
    }
}

static int query_raw(db_session *s, PGresult **out, const char *sql, const bh_param *params,
                     int nparams)
{
    *out = NULL;
    if (!sql)
        return db_session_errorf(s, BH_EINVAL, "query: no SQL");
    if (nparams < 0 || (nparams > 0 && !params))
        return db_session_errorf(s, BH_EINVAL, "query: bad parameter count %d", nparams);
    if (nparams > 65535)
        return db_session_errorf(s, BH_EINVAL, "query: too many parameters (%d)", nparams);

    /* Each parameter is sent as text; numbers are formatted into one buffer. */
    enum { NUMLEN = 32 };
    const char **vals = NULL;
    Oid *types = NULL;
    char *nums = NULL;
    char **json = NULL;
    int rc = 0;
    if (nparams > 0) {
        vals = calloc((size_t)nparams, sizeof(*vals));
        types = calloc((size_t)nparams, sizeof(*types));
        nums = calloc((size_t)nparams, NUMLEN);
        json = calloc((size_t)nparams, sizeof(*json));
        if (!vals || !types || !nums || !json) {
            rc = db_session_errorf(s, BH_ENOMEM, "out of memory");
            goto out;
        }
    }
    for (int i = 0; i < nparams; i++) {
        const bh_param *pa = &params[i];
        char *num = nums + (size_t)i * NUMLEN;
        switch (pa->type) {
        case BH_P_NULL:
            break;
        case BH_P_TEXT:
            vals[i] = pa->v.s;
            break;
        case BH_P_I64:
            snprintf(num, NUMLEN, "%" PRId64, pa->v.i);
            vals[i] = num;
            types[i] = OID_INT8;
            break;
        case BH_P_F64:
            if (isnan(pa->v.f))
                snprintf(num, NUMLEN, "NaN");
            else if (isinf(pa->v.f))
                snprintf(num, NUMLEN, "%s", pa->v.f > 0 ? "Infinity" : "-Infinity");
            else
                snprintf(num, NUMLEN, "%.17g", pa->v.f);
            vals[i] = num;
            types[i] = OID_FLOAT8;
            break;
        case BH_P_BOOL:
            vals[i] = pa->v.b ? "t" : "f";
            types[i] = OID_BOOL;
            break;
        case BH_P_JSON:
            if (pa->v.j) {
                json[i] = json_dumps(pa->v.j, JSON_COMPACT | JSON_ENCODE_ANY);
                if (!json[i]) {
                    rc = db_session_errorf(s, BH_EINVAL, "query: parameter $%d: JSON cannot be encoded", i + 1);
                    goto out;
                }
                vals[i] = json[i];
            }
            break;
        default:
            rc = db_session_errorf(s, BH_EINVAL, "query: parameter $%d has unknown type %d", i + 1,
                                   pa->type);
            goto out;
        }
    }

    rc = db_session_connect(s);
    if (rc < 0)
        goto out;
    PGresult *res = PQexecParams(db_conn_pg(s->conn), sql, nparams, types, vals, NULL, NULL, 0);
    if (!res) {
        rc = db_session_fail(s, NULL);
        goto out;
    }
    rc = check_result(s, &res);
    *out = res;

out:
    if (json)
        for (int i = 0; i < nparams; i++)
            free(json[i]);
    free(json);
    free(nums);
    free(types);
    free(vals);
    return rc;
}

int db_session_exec(db_session *s, const char *sql, const bh_param *params, int nparams)
{
    PGresult *res;
    int rc = query_raw(s, &res, sql, params, nparams);
    PQclear(res);
    return rc;
}

int db_session_exec_script(db_session *s, const char *sql)
{
    int rc = db_session_connect(s);
    if (rc < 0)
        return rc;
    PGresult *res = PQexec(db_conn_pg(s->conn), sql);
    if (!res)
        return db_session_fail(s, NULL);
    rc = check_result(s, &res);
    PQclear(res);
    return rc;
}

int db_session_query(db_session *s, bh_result **out, const char *sql, const bh_param *params,
                     int nparams)
{
    if (out)
        *out = NULL;
    PGresult *res;
    int rc = query_raw(s, &res, sql, params, nparams);
    if (rc < 0)
        return rc;
    if (!out) {
        PQclear(res);
        return 0;
    }
    bh_result *r = calloc(1, sizeof(*r));
    if (!r) {
        PQclear(res);
        return db_session_errorf(s, BH_ENOMEM, "out of memory");
    }
    r->res = res;
    r->session = s;
    LIST_INSERT_HEAD(&s->results, r, link);
    *out = r;
    return 0;
}

void db_result_free(bh_result *r)
{
    if (!r)
        return;
    if (r->session)
        LIST_REMOVE(r, link);
    PQclear(r->res);
    free(r);
}

/*
 * Inside an enclosing transaction (a job's, or one of ours) begin nests as a
 * savepoint named after its depth.
 */
int db_session_begin(db_session *s)
{
    char sql[64];
    if (s->outer_tx || s->tx_depth > 0)
        snprintf(sql, sizeof(sql), "SAVEPOINT bh_sp_%d", s->tx_depth + 1);
    else
        snprintf(sql, sizeof(sql), "BEGIN");
    int rc = db_session_exec(s, sql, NULL, 0);
    if (rc < 0)
        return rc;
    s->tx_depth++;
    return 0;
}

int db_session_commit(db_session *s)
{
    if (s->tx_depth <= 0)
        return db_session_errorf(s, BH_ESTATE, "commit: no transaction is open");
    if (s->outer_tx || s->tx_depth > 1) {
        char sql[64];
        snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT bh_sp_%d", s->tx_depth);
        int rc = db_session_exec(s, sql, NULL, 0);
        if (rc < 0)
            return rc; /* still open: the caller rolls it back */
        s->tx_depth--;
        return 0;
    }
    PGresult *res;
    int rc = query_raw(s, &res, "COMMIT", NULL, 0);
    s->tx_depth = 0;
    if (rc < 0)
        return rc;
    /* COMMIT of a failed transaction "succeeds" with the tag ROLLBACK. */
    int rolled_back = !strcmp(PQcmdStatus(res), "ROLLBACK");
    PQclear(res);
    if (rolled_back)
        return db_session_errorf(s, BH_EDB,
                                 "commit: the transaction had failed and was rolled back");
    return 0;
}

int db_session_rollback(db_session *s)
{
    if (s->tx_depth <= 0)
        return db_session_errorf(s, BH_ESTATE, "rollback: no transaction is open");
    if (s->outer_tx || s->tx_depth > 1) {
        char sql[96];
        snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT bh_sp_%d; RELEASE SAVEPOINT bh_sp_%d",
                 s->tx_depth, s->tx_depth);
        int rc = db_session_exec_script(s, sql);
        if (rc < 0)
            return rc;
        s->tx_depth--;
        return 0;
    }
    s->tx_depth = 0;
    return db_session_exec(s, "ROLLBACK", NULL, 0);
}

void db_session_reset(db_session *s)
{
    while (!LIST_EMPTY(&s->results))
        db_result_free(LIST_FIRST(&s->results));
    if (s->conn) {
        PGconn *pg = db_conn_pg(s->conn);
        int clean = 0;
        if (PQstatus(pg) == CONNECTION_OK) {
            if (PQtransactionStatus(pg) != PQTRANS_IDLE)
                PQclear(PQexec(pg, "ROLLBACK"));
            /*
             * Whatever the handler SET, created as temporary or locked at session
             * level must not leak into the next user; DISCARD ALL keeps the startup
             * options (statement_timeout). When it fails (cancelled by a timeout
             * the handler set, say), the connection still holds all that: close it.
             */
            if (PQtransactionStatus(pg) == PQTRANS_IDLE) {
                PGresult *res = PQexec(pg, "DISCARD ALL");
                clean = PQresultStatus(res) == PGRES_COMMAND_OK;
                if (!clean) {
                    char msg[256];
                    snprintf(msg, sizeof msg, "%s",
                             res ? PQresultErrorMessage(res) : PQerrorMessage(pg));
                    msg[strcspn(msg, "\n")] = '\0';
                    log_msg(LOG_WARN, "db", "cannot reset a connection (DISCARD ALL: %s): "
                            "closing it", msg);
                }
                PQclear(res);
            }
        }
        /* A connection that could not be reset is closed; the next query takes another. */
        if (!clean) {
            db_pool_discard(s->pool, s->conn);
            s->conn = NULL;
        }
    }
    s->tx_depth = 0;
    s->outer_tx = 0;
}

void db_session_end(db_session *s)
{
    db_session_reset(s);
    if (s->conn) {
        db_pool_release(s->pool, s->conn);
        s->conn = NULL;
    }
}
