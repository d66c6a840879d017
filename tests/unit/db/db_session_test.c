/*
 * Sessions and results: parameters of every type, NULLs, accessors out of range,
 * errors with their SQLSTATE, transactions and savepoints, and what
 * db_session_end() cleans up.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/bothost.h>

#include "db/db.h"
#include "tsup.h"
#include "tsup_pg.h"

static char *conninfo;
static db_pool *pool;
static PGconn *direct;

static void test_lazy(void)
{
    db_session s;
    db_session_init(&s, pool);
    CHECK(s.conn == NULL);
    int used;
    db_pool_stats(pool, NULL, &used, NULL);
    CHECK_EQ_INT(used, 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1", NULL, 0), 0);
    CHECK(s.conn != NULL);
    db_pool_stats(pool, NULL, &used, NULL);
    CHECK_EQ_INT(used, 1);
    db_session_end(&s);
    CHECK(s.conn == NULL);
    db_pool_stats(pool, NULL, &used, NULL);
    CHECK_EQ_INT(used, 0);
    /* Ending a session that never queried is fine, twice too. */
    db_session_init(&s, pool);
    db_session_end(&s);
    db_session_end(&s);

    db_session none;
    db_session_init(&none, NULL);
    CHECK_EQ_INT(db_session_query(&none, NULL, "SELECT 1", NULL, 0), BH_ESTATE);
    CHECK(none.err[0]);
    db_session_end(&none);
}

static void test_params(void)
{
    db_session s;
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_query(&s, NULL,
                                  "CREATE TABLE t_params (id bigserial primary key, t text, "
                                  "i bigint, i4 int, f double precision, b boolean, j jsonb, "
                                  "jj json, ts timestamptz)",
                                  NULL, 0),
                 0);
    json_t *j = json_pack("{s:s, s:[i,i], s:b}", "name", "x\"y\\z\xc3\xa9", "list", 1, 2, "ok", 1);
    CHECK(j);
    bh_result *r;
    /* All as text; the server infers or we declare bigint, float8 and bool. */
    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "INSERT INTO t_params (t, i, i4, f, b, j, jj, ts) "
                                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                  BH_ARGS(bh_text("it's \"quoted\" é"), bh_i64(INT64_MIN),
                                          bh_i64(123), bh_f64(0.1), bh_bool(1), bh_json(j),
                                          bh_json(j), bh_text("2024-05-06T07:08:09Z"))),
                 0);
    CHECK_EQ_INT(db_result_rows(r), 1);
    CHECK_EQ_INT(db_result_affected(r), 1);
    int64_t id = db_result_i64(r, 0, 0);
    CHECK(id > 0);

    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "SELECT t, i, i4, f, b, j->>'name', j->'list'->>1, "
                                  "jj::jsonb = j, extract(epoch from ts)::bigint "
                                  "FROM t_params WHERE id = $1",
                                  BH_ARGS(bh_i64(id))),
                 0);
    CHECK_EQ_INT(db_result_rows(r), 1);
    CHECK_EQ_INT(db_result_cols(r), 9);
    CHECK_EQ_STR(db_result_text(r, 0, 0), "it's \"quoted\" é");
    CHECK(db_result_i64(r, 0, 1) == INT64_MIN);
    CHECK_EQ_INT(db_result_i64(r, 0, 2), 123);
    CHECK(db_result_f64(r, 0, 3) == 0.1);
    CHECK_EQ_INT(db_result_bool(r, 0, 4), 1);
    CHECK_EQ_STR(db_result_text(r, 0, 5), "x\"y\\z\xc3\xa9");
    CHECK_EQ_INT(db_result_i64(r, 0, 6), 2);
    CHECK_EQ_INT(db_result_bool(r, 0, 7), 1);
    CHECK_EQ_INT(db_result_i64(r, 0, 8), 1714979289);
    db_result_free(r);
    json_decref(j);

    /* NULL of every kind: bh_null(), and a NULL text or JSON pointer. */
    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "INSERT INTO t_params (t, i, j) VALUES ($1, $2, $3) "
                                  "RETURNING t IS NULL, i IS NULL, j IS NULL",
                                  BH_ARGS(bh_text(NULL), bh_null(), bh_json(NULL))),
                 0);
    CHECK_EQ_INT(db_result_bool(r, 0, 0), 1);
    CHECK_EQ_INT(db_result_bool(r, 0, 1), 1);
    CHECK_EQ_INT(db_result_bool(r, 0, 2), 1);

    /* Values round-trip exactly: extremes, a JSON scalar, bool false. */
    json_t *scalar = json_string("just a string");
    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "SELECT $1::bigint, $2::float8, $3::float8, $4::bool, "
                                  "$5::jsonb #>> '{}', $6::float8, $7 + 1",
                                  BH_ARGS(bh_i64(INT64_MAX), bh_f64(-1.5e300), bh_f64(NAN),
                                          bh_bool(0), bh_json(scalar), bh_f64(INFINITY),
                                          bh_i64(4000000000LL))),
                 0);
    json_decref(scalar);
    CHECK(db_result_i64(r, 0, 0) == INT64_MAX);
    CHECK(db_result_f64(r, 0, 1) == -1.5e300);
    CHECK(isnan(db_result_f64(r, 0, 2)));
    CHECK_EQ_INT(db_result_bool(r, 0, 3), 0);
    CHECK_EQ_STR(db_result_text(r, 0, 4), "just a string");
    CHECK(isinf(db_result_f64(r, 0, 5)));
    CHECK(db_result_i64(r, 0, 6) == 4000000001LL);

    /* An unknown parameter type is refused before anything is sent. */
    bh_param bad = {.type = 99};
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT $1", &bad, 1), BH_EINVAL);
    CHECK(r == NULL);
    CHECK(strstr(s.err, "$1") != NULL);
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT 1", NULL, 2), BH_EINVAL);
    CHECK_EQ_INT(db_session_query(&s, &r, NULL, NULL, 0), BH_EINVAL);
    db_session_end(&s);
}

static void test_accessors(void)
{
    db_session s;
    db_session_init(&s, pool);
    bh_result *r;
    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "SELECT * FROM (VALUES (1::bigint, 'a'::text, NULL::int), "
                                  "(2, NULL, 3)) AS v(\"Num\", name, x) ORDER BY 1",
                                  NULL, 0),
                 0);
    CHECK_EQ_INT(db_result_rows(r), 2);
    CHECK_EQ_INT(db_result_cols(r), 3);
    CHECK_EQ_INT(db_result_affected(r), 2);
    CHECK_EQ_INT(db_result_col(r, "Num"), 0);
    CHECK_EQ_INT(db_result_col(r, "num"), -1);
    CHECK_EQ_INT(db_result_col(r, "name"), 1);
    CHECK_EQ_INT(db_result_col(r, "nope"), -1);
    CHECK_EQ_INT(db_result_col(r, NULL), -1);
    CHECK_EQ_INT(db_result_is_null(r, 0, 2), 1);
    CHECK(db_result_text(r, 0, 2) == NULL);
    CHECK_EQ_INT(db_result_i64(r, 0, 2), 0);
    CHECK_EQ_INT(db_result_is_null(r, 1, 1), 1);
    CHECK_EQ_INT(db_result_is_null(r, 1, 2), 0);
    CHECK_EQ_INT(db_result_i64(r, 1, 2), 3);
    /* Not a number: 0. */
    CHECK_EQ_INT(db_result_i64(r, 0, 1), 0);
    CHECK(db_result_f64(r, 0, 1) == 0);
    CHECK_EQ_INT(db_result_bool(r, 0, 1), 0);
    /* Outside the result: NULL, and no crash. */
    int oob[][2] = {{-1, 0}, {0, -1}, {2, 0}, {0, 3}, {1000000, 1000000}, {-5, -5}};
    for (size_t i = 0; i < sizeof(oob) / sizeof(oob[0]); i++) {
        CHECK_EQ_INT(db_result_is_null(r, oob[i][0], oob[i][1]), 1);
        CHECK(db_result_text(r, oob[i][0], oob[i][1]) == NULL);
        CHECK_EQ_INT(db_result_i64(r, oob[i][0], oob[i][1]), 0);
        CHECK(db_result_f64(r, oob[i][0], oob[i][1]) == 0);
        CHECK_EQ_INT(db_result_bool(r, oob[i][0], oob[i][1]), 0);
    }
    /* A NULL result is an empty one. */
    CHECK_EQ_INT(db_result_rows(NULL), 0);
    CHECK_EQ_INT(db_result_cols(NULL), 0);
    CHECK_EQ_INT(db_result_col(NULL, "x"), -1);
    CHECK_EQ_INT(db_result_affected(NULL), 0);
    CHECK_EQ_INT(db_result_is_null(NULL, 0, 0), 1);
    CHECK(db_result_text(NULL, 0, 0) == NULL);
    db_result_free(NULL);
    db_result_free(r);

    /* Booleans and numbers in their text forms. */
    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "SELECT true, false, ' 12', '12x', '-0.5e3', '9223372036854775808'",
                                  NULL, 0),
                 0);
    CHECK_EQ_INT(db_result_bool(r, 0, 0), 1);
    CHECK_EQ_INT(db_result_bool(r, 0, 1), 0);
    CHECK_EQ_INT(db_result_i64(r, 0, 3), 0);
    CHECK(db_result_f64(r, 0, 4) == -500.0);
    CHECK_EQ_INT(db_result_i64(r, 0, 5), 0);

    /* Affected rows of UPDATE and DELETE. */
    CHECK_EQ_INT(db_session_query(&s, NULL, "CREATE TEMP TABLE aff AS SELECT generate_series(1, 10) AS n",
                                  NULL, 0),
                 0);
    CHECK_EQ_INT(db_session_query(&s, &r, "UPDATE aff SET n = n + 1 WHERE n <= $1",
                                  BH_ARGS(bh_i64(4))),
                 0);
    CHECK_EQ_INT(db_result_affected(r), 4);
    CHECK_EQ_INT(db_result_rows(r), 0);
    CHECK_EQ_INT(db_session_query(&s, &r, "DELETE FROM aff", NULL, 0), 0);
    CHECK_EQ_INT(db_result_affected(r), 10);
    db_session_end(&s);
}

static void test_errors(void)
{
    db_session s;
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_query(&s, NULL,
                                  "CREATE TABLE t_uniq (k text PRIMARY KEY, v int CHECK (v > 0))",
                                  NULL, 0),
                 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_uniq VALUES ($1, 1)",
                                  BH_ARGS(bh_text("a"))),
                 0);
    bh_result *r = (bh_result *)1;
    CHECK_EQ_INT(db_session_query(&s, &r, "INSERT INTO t_uniq VALUES ($1, 1)",
                                  BH_ARGS(bh_text("a"))),
                 BH_ECONFLICT);
    CHECK(r == NULL);
    CHECK_EQ_STR(s.sqlstate, "23505");
    CHECK(strstr(s.err, "duplicate key") != NULL);
    CHECK(strstr(s.err, "t_uniq_pkey") != NULL);
    CHECK(strchr(s.err, '\n') == NULL);

    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_uniq VALUES ('b', -1)", NULL, 0),
                 BH_EDB);
    CHECK_EQ_STR(s.sqlstate, "23514");
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELEKT 1", NULL, 0), BH_EDB);
    CHECK_EQ_STR(s.sqlstate, "42601");
    CHECK(strstr(s.err, "syntax error") != NULL);
    /* A later success leaves the last error in place, as bh_ctx_error() promises. */
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1", NULL, 0), 0);
    CHECK_EQ_STR(s.sqlstate, "42601");
    db_session_end(&s);

    /* COPY is refused and the connection stays usable. */
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_query(&s, NULL, "COPY t_uniq FROM STDIN", NULL, 0), BH_EINVAL);
    CHECK_EQ_INT(db_session_query(&s, NULL, "COPY t_uniq TO STDOUT", NULL, 0), BH_EINVAL);
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT count(*) FROM t_uniq", NULL, 0), 0);
    CHECK_EQ_INT(db_result_i64(r, 0, 0), 1);
    db_session_end(&s);
}

static int64_t count_rows(const char *table)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    return tsup_pg_i64(direct, sql);
}

static void test_transactions(void)
{
    db_session s;
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_query(&s, NULL, "CREATE TABLE t_tx (n int)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_commit(&s), BH_ESTATE);
    CHECK_EQ_INT(db_session_rollback(&s), BH_ESTATE);

    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 1);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (1)", NULL, 0), 0);
    CHECK_EQ_INT(count_rows("t_tx"), 0); /* not visible outside yet */
    CHECK_EQ_INT(db_session_commit(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 0);
    CHECK_EQ_INT(count_rows("t_tx"), 1);

    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (2)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_rollback(&s), 0);
    CHECK_EQ_INT(count_rows("t_tx"), 1);

    /* Nested begin is a savepoint. */
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (3)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 2);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (4)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_rollback(&s), 0);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (5)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_commit(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 1);
    CHECK_EQ_INT(db_session_commit(&s), 0);
    char *v = tsup_pg_value(direct, "SELECT string_agg(n::text, ',' ORDER BY n) FROM t_tx");
    CHECK_EQ_STR(v, "1,3,5");
    free(v);

    /* A failed statement dooms the transaction: COMMIT says so. */
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (6)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1/0", NULL, 0), BH_EDB);
    CHECK_EQ_STR(s.sqlstate, "22012");
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1", NULL, 0), BH_EDB);
    CHECK_EQ_STR(s.sqlstate, "25P02");
    CHECK_EQ_INT(db_session_commit(&s), BH_EDB);
    CHECK(strstr(s.err, "rolled back") != NULL);
    CHECK_EQ_INT(s.tx_depth, 0);
    CHECK_EQ_INT(count_rows("t_tx"), 3);

    /* A savepoint recovers from a failed statement inside it. */
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (7)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SELECT 1/0", NULL, 0), BH_EDB);
    CHECK_EQ_INT(db_session_rollback(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (8)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_commit(&s), 0);
    CHECK_EQ_INT(count_rows("t_tx"), 5);
    db_session_end(&s);
}

/* db_session_end() rolls back what is open and frees what is left. */
static void test_end_cleans_up(void)
{
    db_session s;
    db_session_init(&s, pool);
    bh_result *r1, *r2, *r3;
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (100)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, &r1, "SELECT generate_series(1, 100)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_query(&s, &r2, "SELECT 2", NULL, 0), 0);
    CHECK_EQ_INT(db_session_query(&s, &r3, "SELECT 3", NULL, 0), 0);
    db_result_free(r2); /* unlink from the middle of the list */
    CHECK(LIST_FIRST(&s.results) == r3);
    db_session_end(&s); /* frees r1 and r3: ASan would see a leak otherwise */
    CHECK(LIST_EMPTY(&s.results));
    CHECK_EQ_INT(s.tx_depth, 0);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM t_tx WHERE n = 100"), 0);
    int used, open;
    db_pool_stats(pool, &open, &used, NULL);
    CHECK_EQ_INT(used, 0);
    CHECK(open >= 1);

    /* A transaction opened with raw SQL is rolled back too, and the connection reused. */
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_query(&s, NULL, "BEGIN", NULL, 0), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_tx VALUES (101)", NULL, 0), 0);
    db_session_end(&s);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM t_tx WHERE n = 101"), 0);
    int open2;
    db_pool_stats(pool, &open2, &used, NULL);
    CHECK_EQ_INT(open2, open);
}

/* Job handlers: the caller owns the transaction, the handler gets savepoints. */
static void test_outer_tx(void)
{
    db_session s;
    db_session_init(&s, pool);
    CHECK_EQ_INT(db_session_query(&s, NULL, "CREATE TABLE t_outer (n int)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "BEGIN", NULL, 0), 0);
    s.outer_tx = 1;
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_outer VALUES (1)", NULL, 0), 0);

    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 1);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_outer VALUES (2)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_rollback(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 0);

    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_outer VALUES (3)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_outer VALUES (4)", NULL, 0), 0);
    CHECK_EQ_INT(db_session_commit(&s), 0);
    /* The handler's "commit" is a RELEASE: nothing is visible outside yet. */
    CHECK_EQ_INT(db_session_commit(&s), 0);
    CHECK_EQ_INT(s.tx_depth, 0);
    CHECK_EQ_INT(count_rows("t_outer"), 0);
    CHECK_EQ_INT(db_session_commit(&s), BH_ESTATE);

    s.outer_tx = 0;
    CHECK_EQ_INT(db_session_query(&s, NULL, "COMMIT", NULL, 0), 0);
    char *v = tsup_pg_value(direct, "SELECT string_agg(n::text, ',' ORDER BY n) FROM t_outer");
    CHECK_EQ_STR(v, "1,3,4");
    free(v);

    /* Ending inside the outer transaction rolls all of it back. */
    CHECK_EQ_INT(db_session_query(&s, NULL, "BEGIN", NULL, 0), 0);
    s.outer_tx = 1;
    CHECK_EQ_INT(db_session_begin(&s), 0);
    CHECK_EQ_INT(db_session_query(&s, NULL, "INSERT INTO t_outer VALUES (5)", NULL, 0), 0);
    db_session_end(&s);
    CHECK_EQ_INT(s.outer_tx, 0);
    CHECK_EQ_INT(count_rows("t_outer"), 3);
}

/*
 * A connection whose DISCARD ALL failed still holds what the handler left (temp
 * tables, its settings): it must be closed, not handed to the next session.
 * DISCARD ALL is made to fail by a 1 ms statement_timeout the handler set and
 * 1000 temporary tables to drop (about 100 times the timeout's worth of work).
 */
static void test_failed_reset_closes(void)
{
    db_pool *one;
    CHECK_EQ_INT(db_pool_create(&one, conninfo, 1, 10000), 0);
    db_session s;
    db_session_init(&s, one);
    CHECK_EQ_INT(db_session_query(&s, NULL,
                                  "DO $$BEGIN FOR i IN 1..1000 LOOP EXECUTE "
                                  "format('CREATE TEMP TABLE leak%s (x int)', i); END LOOP; END$$",
                                  NULL, 0),
                 0);
    bh_result *r;
    CHECK_EQ_INT(db_session_query(&s, &r, "SELECT pg_backend_pid()", NULL, 0), 0);
    int64_t pid = db_result_i64(r, 0, 0);
    db_result_free(r);
    CHECK_EQ_INT(db_session_query(&s, NULL, "SET statement_timeout = 1", NULL, 0), 0);
    db_session_end(&s);

    db_session_init(&s, one);
    CHECK_EQ_INT(db_session_query(&s, &r,
                                  "SELECT pg_backend_pid(), current_setting('statement_timeout'), "
                                  "(SELECT count(*) FROM pg_class WHERE relname LIKE 'leak%' AND "
                                  "relnamespace = pg_my_temp_schema())",
                                  NULL, 0),
                 0);
    CHECK(db_result_i64(r, 0, 0) != pid);
    CHECK_EQ_STR(db_result_text(r, 0, 1), "10s");
    CHECK_EQ_INT((int)db_result_i64(r, 0, 2), 0);
    db_result_free(r);
    db_session_end(&s);
    db_pool_destroy(one);
}

int main(void)
{
    conninfo = tsup_pg_fresh_db("bh_db_session_test");
    CHECK_EQ_INT(db_pool_create(&pool, conninfo, 3, 10000), 0);
    direct = tsup_pg_connect(conninfo);
    test_lazy();
    test_params();
    test_accessors();
    test_errors();
    test_transactions();
    test_end_cleans_up();
    test_outer_tx();
    test_failed_reset_closes();
    PQfinish(direct);
    db_pool_destroy(pool);
    free(conninfo);
    printf("db_session_test: ok\n");
    return 0;
}
