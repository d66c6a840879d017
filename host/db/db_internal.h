/*
 * What the files of host/db share and nobody else sees.
 */
#ifndef BH_DB_INTERNAL_H
#define BH_DB_INTERNAL_H

#include <libpq-fe.h>

/* For the parameter builders (bh_text(), BH_ARGS()) only. */
#include <bothost/bothost.h>

#include "db/db.h"

struct db_conn {
    db_pool *pool;
    PGconn *pg;     /* NULL until connected, and again after it broke */
    int in_use;
};

/* A result handed to the caller; sessions keep a list to free leftovers. */
struct bh_result {
    PGresult *res;
    db_session *session;
    LIST_ENTRY(bh_result) link; /* in session->results */
};

/* The libpq connection behind a pooled one. */
PGconn *db_conn_pg(db_conn *c);

/* Takes the session's connection if it has none yet: 0 or a negative BH_* code. */
int db_session_connect(db_session *s);

/*
 * Runs SQL without parameters through the simple query protocol, so `sql` may
 * hold several statements (a migration file). Errors go to s->err, s->sqlstate.
 */
int db_session_exec_script(db_session *s, const char *sql);

/* Runs one statement, keeping nothing: 0, or a negative code with s->err set. */
int db_session_exec(db_session *s, const char *sql, const bh_param *params, int nparams);

/* Copies the error of a failed result (or of the connection) into the session. */
int db_session_fail(db_session *s, const PGresult *res);

/* Sets s->err from a format, clears sqlstate, returns `code`. */
int db_session_errorf(db_session *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
