/*
 * Migrations: file checks, applying in order with checksums, the core schema,
 * plugin schemas, refusing edited files, rolling back a failed file, and two
 * hosts migrating at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "db/db.h"
#include "tsup.h"
#include "tsup_pg.h"

static char *conninfo;
static db_pool *pool;
static PGconn *direct;

static const char *dir_of(const char *name)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf), "%s/%s", tsup_tmpdir(), name);
    return buf;
}

static void expect_bad(const char *sub, const char *want)
{
    char err[512] = "";
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s", dir_of(sub));
    CHECK_EQ_INT(db_migrate_check("demo", dir, err, sizeof(err)), BH_EINVAL);
    if (!strstr(err, want)) {
        fprintf(stderr, "error \"%s\" does not mention \"%s\"\n", err, want);
        exit(1);
    }
}

static void test_check(void)
{
    char err[512] = "";
    CHECK_EQ_INT(db_migrate_check("demo", dir_of("absent"), err, sizeof(err)), 0);
    CHECK_EQ_INT(db_migrate_check("core", BH_SOURCE_DIR "/migrations/core", err, sizeof(err)),
                 0);

    tsup_write_file("good/001_init.sql", "SELECT 1;");
    tsup_write_file("good/002_more-stuff.sql", "SELECT 2;");
    tsup_write_file("good/010_later.sql", "");
    tsup_write_file("good/.hidden", "ignored");
    CHECK_EQ_INT(db_migrate_check("demo", dir_of("good"), err, sizeof(err)), 0);

    tsup_write_file("b1/001_init.sql", "SELECT 1;");
    tsup_write_file("b1/README", "x");
    expect_bad("b1", "b1/README");
    tsup_write_file("b2/1_init.sql", "SELECT 1;");
    expect_bad("b2", "1_init.sql");
    tsup_write_file("b3/001init.sql", "SELECT 1;");
    expect_bad("b3", "001init.sql");
    tsup_write_file("b4/001_.sql", "SELECT 1;");
    expect_bad("b4", "001_.sql");
    tsup_write_file("b5/001_a.sql", "SELECT 1;");
    tsup_write_file("b5/0001_b.sql", "SELECT 1;");
    expect_bad("b5", "same number");
    tsup_write_file("b6/001_a.sql.bak", "SELECT 1;");
    expect_bad("b6", "001_a.sql.bak");
    tsup_write_file("b7/000_zero.sql", "SELECT 1;");
    expect_bad("b7", "start at 001");
    tsup_write_file("b8/001_a.sql", "SELECT 1;");
    char sub[1024];
    snprintf(sub, sizeof(sub), "%s/002_dir.sql", dir_of("b8"));
    CHECK_EQ_INT(mkdir(sub, 0755), 0);
    expect_bad("b8", "002_dir.sql: not a regular file");

    const char *bad_owners[] = {"", "Demo", "1demo", "de-mo", "bothost", "public", "pg_x",
                                "a_name_that_is_far_too_long_for_a_schema"};
    for (size_t i = 0; i < sizeof(bad_owners) / sizeof(bad_owners[0]); i++)
        CHECK_EQ_INT(db_migrate_check(bad_owners[i], dir_of("good"), err, sizeof(err)),
                     BH_EINVAL);
    CHECK_EQ_INT(db_migrate_check(NULL, dir_of("good"), err, sizeof(err)), BH_EINVAL);
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    CHECK(EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) && n == 32);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

static void test_core(void)
{
    char err[512] = "";
    int applied = -1;
    CHECK_EQ_INT(db_migrate(pool, "core", BH_SOURCE_DIR "/migrations/core", &applied, err,
                            sizeof(err)),
                 0);
    CHECK(applied >= 1);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_schema = 'bothost' AND table_name IN "
                                     "('schema_migrations', 'jobs', 'command_log')"),
                 3);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM bothost.schema_migrations "
                                     "WHERE owner = 'core' AND version = 1 "
                                     "AND name = '001_core.sql' AND length(checksum) = 64"),
                 1);
    CHECK_EQ_INT(db_migrate(pool, "core", BH_SOURCE_DIR "/migrations/core", &applied, err,
                            sizeof(err)),
                 0);
    CHECK_EQ_INT(applied, 0);
    /* The jobs table enforces its rules. */
    tsup_pg_exec(direct, "INSERT INTO bothost.jobs (plugin, kind, key) VALUES ('p', 'k', 'x')");
    PGresult *res = PQexec(direct,
                           "INSERT INTO bothost.jobs (plugin, kind, key) VALUES ('p', 'k', 'x')");
    CHECK_EQ_STR(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23505");
    PQclear(res);
    tsup_pg_exec(direct, "UPDATE bothost.jobs SET state = 'dead';"
                         "INSERT INTO bothost.jobs (plugin, kind, key) VALUES ('p', 'k', 'x');"
                         "DELETE FROM bothost.jobs");
}

static void test_plugin(void)
{
    char err[512] = "";
    int applied = -1;
    const char *v1 = "CREATE TABLE things (id int PRIMARY KEY);\n"
                     "INSERT INTO things VALUES (1);\n";
    tsup_write_file("demo/001_init.sql", v1);
    tsup_write_file("demo/002_more.sql", "ALTER TABLE things ADD COLUMN name text;");
    CHECK_EQ_INT(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)), 0);
    CHECK_EQ_INT(applied, 2);
    /* Unqualified names land in the plugin's own schema. */
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM demo.things"), 1);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM information_schema.columns "
                                     "WHERE table_schema = 'demo' AND table_name = 'things'"),
                 2);
    char want[65];
    sha256_hex(v1, want);
    char *got = tsup_pg_value(direct, "SELECT checksum FROM bothost.schema_migrations "
                                      "WHERE owner = 'demo' AND version = 1");
    CHECK_EQ_STR(got, want);
    free(got);

    /* Re-running applies nothing; a new file only itself. */
    CHECK_EQ_INT(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)), 0);
    CHECK_EQ_INT(applied, 0);
    tsup_write_file("demo/003_third.sql", "INSERT INTO things VALUES (3, 'three');");
    CHECK_EQ_INT(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)), 0);
    CHECK_EQ_INT(applied, 1);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM demo.things"), 2);

    /* An edited applied file is refused by name, and nothing after it runs. */
    tsup_write_file("demo/001_init.sql", "CREATE TABLE things (id bigint PRIMARY KEY);");
    tsup_write_file("demo/004_fourth.sql", "INSERT INTO things VALUES (4, 'four');");
    applied = -1;
    CHECK_EQ_INT(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)),
                 BH_ECONFLICT);
    CHECK(strstr(err, "demo/001_init.sql") != NULL);
    CHECK(strstr(err, "changed") != NULL);
    CHECK_EQ_INT(applied, 0);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM demo.things"), 2);
    tsup_write_file("demo/001_init.sql", v1);

    /* A failing file is rolled back whole and not recorded; fixed, it applies. */
    tsup_write_file("demo/005_bad.sql", "CREATE TABLE half (id int);\nSELEKT oops;\n");
    CHECK_EQ_INT(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)), BH_EDB);
    CHECK_EQ_INT(applied, 1); /* 004 went in before 005 failed */
    CHECK(strstr(err, "demo/005_bad.sql") != NULL);
    CHECK(strstr(err, "syntax error") != NULL);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_schema = 'demo' AND table_name = 'half'"),
                 0);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT max(version) FROM bothost.schema_migrations "
                                     "WHERE owner = 'demo'"),
                 4);
    tsup_write_file("demo/005_bad.sql", "CREATE TABLE half (id int);\n");
    CHECK_EQ_INT(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)), 0);
    CHECK_EQ_INT(applied, 1);

    /* A file that commits by itself is refused. */
    tsup_write_file("demo/006_commit.sql", "CREATE TABLE c6 (id int); COMMIT;");
    CHECK(db_migrate(pool, "demo", dir_of("demo"), &applied, err, sizeof(err)) < 0);
    CHECK(strstr(err, "006_commit.sql") != NULL);
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM bothost.schema_migrations "
                                     "WHERE owner = 'demo' AND version = 6"),
                 0);

    /* The lock is released after success and after failure alike. */
    CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                   "database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                 0);
    /* No dir, nothing to do, no connection needed. */
    db_pool *nowhere;
    CHECK_EQ_INT(db_pool_create(&nowhere, "host=/nonexistent port=1", 1, 0), 0);
    CHECK_EQ_INT(db_migrate(nowhere, "demo", dir_of("absent"), &applied, err, sizeof(err)), 0);
    CHECK_EQ_INT(applied, 0);
    /* Unreachable server with something to do: an error, not a crash. */
    CHECK_EQ_INT(db_migrate(nowhere, "demo", dir_of("demo"), &applied, err, sizeof(err)),
                 BH_EDB);
    CHECK(err[0]);
    db_pool_destroy(nowhere);
}

struct racer {
    char dir[1024]; /* dir_of() is not for threads */
    int rc, applied;
    char err[512];
};

static void *race(void *arg)
{
    struct racer *r = arg;
    db_pool *p; /* its own pool: as if another host */
    if (db_pool_create(&p, conninfo, 1, 0) < 0) {
        r->rc = -100;
        return NULL;
    }
    r->rc = db_migrate(p, "conc", r->dir, &r->applied, r->err, sizeof(r->err));
    db_pool_destroy(p);
    return NULL;
}

static void test_concurrent(void)
{
    tsup_write_file("conc/001_init.sql", "CREATE TABLE runs (n int); SELECT pg_sleep(0.05);");
    for (int i = 2; i <= 8; i++) {
        char name[64], sql[128];
        snprintf(name, sizeof(name), "conc/%03d_step.sql", i);
        snprintf(sql, sizeof(sql), "INSERT INTO runs VALUES (%d); SELECT pg_sleep(0.02);", i);
        tsup_write_file(name, sql);
    }
    for (int round = 0; round < 3; round++) {
        if (round > 0)
            tsup_pg_exec(direct, "DROP SCHEMA conc CASCADE;"
                                 "DELETE FROM bothost.schema_migrations WHERE owner = 'conc'");
        enum { N = 4 };
        struct racer rs[N];
        pthread_t th[N];
        memset(rs, 0, sizeof(rs));
        for (int i = 0; i < N; i++) {
            snprintf(rs[i].dir, sizeof(rs[i].dir), "%s", dir_of("conc"));
            CHECK_EQ_INT(pthread_create(&th[i], NULL, race, &rs[i]), 0);
        }
        int total = 0;
        for (int i = 0; i < N; i++) {
            pthread_join(th[i], NULL);
            if (rs[i].rc != 0)
                fprintf(stderr, "racer %d: %d %s\n", i, rs[i].rc, rs[i].err);
            CHECK_EQ_INT(rs[i].rc, 0);
            total += rs[i].applied;
        }
        CHECK_EQ_INT(total, 8);
        CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(*) FROM conc.runs"), 7);
        CHECK_EQ_INT(tsup_pg_i64(direct, "SELECT count(DISTINCT n) FROM conc.runs"), 7);
    }
}

int main(void)
{
    conninfo = tsup_pg_fresh_db("bh_db_migrate_test");
    CHECK_EQ_INT(db_pool_create(&pool, conninfo, 2, 5000), 0);
    direct = tsup_pg_connect(conninfo);
    test_check();
    test_core();
    test_plugin();
    test_concurrent();
    PQfinish(direct);
    db_pool_destroy(pool);
    free(conninfo);
    printf("db_migrate_test: ok\n");
    return 0;
}
