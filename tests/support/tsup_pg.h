/*
 * Test support for PostgreSQL: the fixture cluster (pg_start), fresh databases,
 * private clusters a test may stop and restart, and small libpq helpers. Every
 * helper ends the test with a message on failure.
 */
#ifndef BH_TSUP_PG_H
#define BH_TSUP_PG_H

#include <stdint.h>

#include <libpq-fe.h>

/* The fixture cluster's conninfo (BH_TEST_PG_DIR/conninfo), database "postgres". */
const char *tsup_pg_conninfo(void);
/* From now on tsup_pg_conninfo() is `conninfo` (e.g. a private cluster's). */
void tsup_pg_use(const char *conninfo);

/* Drops and creates database `name`; returns a malloc'd conninfo for it. */
char *tsup_pg_fresh_db(const char *name);

/* `base` with dbname replaced by `dbname`, malloc'd. */
char *tsup_pg_with_db(const char *base, const char *dbname);

/* A connection that must succeed. */
PGconn *tsup_pg_connect(const char *conninfo);

/* Runs SQL (several statements allowed) that must succeed. */
void tsup_pg_exec(PGconn *c, const char *sql);

/* The first value of the first row as a malloc'd string, or NULL (no row, NULL). */
char *tsup_pg_value(PGconn *c, const char *sql);

/* The first value as an integer; the test fails when there is none. */
int64_t tsup_pg_i64(PGconn *c, const char *sql);

/*
 * A private cluster in `dir` (tests/pg/testpg.sh start), stopped and removed
 * when the test exits. Returns its conninfo, malloc'd.
 */
char *tsup_pg_private_start(const char *dir);

/* Runs `testpg.sh cmd dir` (restart, halt, start, stop): its exit status. */
int tsup_pg_private_ctl(const char *cmd, const char *dir);

#endif
