/* Test support for PostgreSQL. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tsup.h"
#include "tsup_pg.h"

#define TESTPG BH_SOURCE_DIR "/tests/pg/testpg.sh"

static char pg_ci[1024];

void tsup_pg_use(const char *conninfo)
{
    snprintf(pg_ci, sizeof pg_ci, "%s", conninfo);
}

const char *tsup_pg_conninfo(void)
{
    if (pg_ci[0])
        return pg_ci;
    FILE *f = fopen(BH_TEST_PG_DIR "/conninfo", "r");
    if (!f) {
        fprintf(stderr, "no test cluster: %s/conninfo is missing (run the pg_start test)\n",
                BH_TEST_PG_DIR);
        exit(1);
    }
    if (!fgets(pg_ci, sizeof(pg_ci), f))
        pg_ci[0] = '\0';
    fclose(f);
    pg_ci[strcspn(pg_ci, "\r\n")] = '\0';
    if (!pg_ci[0]) {
        fprintf(stderr, "%s/conninfo is empty\n", BH_TEST_PG_DIR);
        exit(1);
    }
    return pg_ci;
}

char *tsup_pg_with_db(const char *base, const char *dbname)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(base, &err);
    if (!opts) {
        fprintf(stderr, "bad conninfo \"%s\": %s\n", base, err ? err : "?");
        exit(1);
    }
    size_t cap = strlen(base) + strlen(dbname) + 64, len = 0;
    char *out = malloc(cap);
    CHECK(out);
    out[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        const char *v = !strcmp(o->keyword, "dbname") ? dbname : o->val;
        if (!v)
            continue;
        /* Values here are paths, numbers and plain names: quote them anyway. */
        size_t need = len + strlen(o->keyword) + 2 * strlen(v) + 8;
        if (need > cap) {
            cap = need * 2;
            out = realloc(out, cap);
            CHECK(out);
        }
        len += (size_t)sprintf(out + len, "%s%s='", len ? " " : "", o->keyword);
        for (const char *p = v; *p; p++) {
            if (*p == '\'' || *p == '\\')
                out[len++] = '\\';
            out[len++] = *p;
        }
        out[len++] = '\'';
        out[len] = '\0';
    }
    PQconninfoFree(opts);
    return out;
}

static void quiet_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

PGconn *tsup_pg_connect(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "connect \"%s\": %s", conninfo, PQerrorMessage(c));
        exit(1);
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    return c;
}

void tsup_pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        fprintf(stderr, "SQL failed: %s\n  %s", sql, PQerrorMessage(c));
        exit(1);
    }
    PQclear(r);
}

char *tsup_pg_value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "SQL failed: %s\n  %s", sql, PQerrorMessage(c));
        exit(1);
    }
    char *v = NULL;
    if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0)) {
        v = strdup(PQgetvalue(r, 0, 0));
        CHECK(v);
    }
    PQclear(r);
    return v;
}

int64_t tsup_pg_i64(PGconn *c, const char *sql)
{
    char *v = tsup_pg_value(c, sql);
    if (!v) {
        fprintf(stderr, "SQL returned no value: %s\n", sql);
        exit(1);
    }
    int64_t n = strtoll(v, NULL, 10);
    free(v);
    return n;
}

char *tsup_pg_fresh_db(const char *name)
{
    PGconn *c = tsup_pg_connect(tsup_pg_conninfo());
    char *q = PQescapeIdentifier(c, name, strlen(name));
    CHECK(q);
    char sql[512];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", q);
    tsup_pg_exec(c, sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", q);
    tsup_pg_exec(c, sql);
    PQfreemem(q);
    PQfinish(c);
    return tsup_pg_with_db(tsup_pg_conninfo(), name);
}

int tsup_pg_private_ctl(const char *cmd, const char *dir)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The conninfo the script prints is not part of the test's output. */
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execl("/bin/sh", "sh", TESTPG, cmd, dir, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char private_dirs[4][PATH_MAX];
static pid_t private_owner;

static void private_stop_all(void)
{
    if (getpid() != private_owner)
        return;
    for (int i = 0; i < 4; i++)
        if (private_dirs[i][0]) {
            tsup_pg_private_ctl("stop", private_dirs[i]);
            private_dirs[i][0] = '\0';
        }
}

char *tsup_pg_private_start(const char *dir)
{
    int slot = -1;
    for (int i = 0; i < 4 && slot < 0; i++)
        if (!private_dirs[i][0] || !strcmp(private_dirs[i], dir))
            slot = i;
    CHECK(slot >= 0);
    if (!private_owner) {
        private_owner = getpid();
        atexit(private_stop_all);
    }
    snprintf(private_dirs[slot], PATH_MAX, "%s", dir);
    if (tsup_pg_private_ctl("start", dir) != 0) {
        fprintf(stderr, "testpg.sh start %s failed\n", dir);
        exit(1);
    }
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/conninfo", dir);
    FILE *f = fopen(path, "r");
    CHECK(f);
    char ci[1024];
    if (!fgets(ci, sizeof(ci), f))
        ci[0] = '\0';
    fclose(f);
    ci[strcspn(ci, "\r\n")] = '\0';
    CHECK(ci[0]);
    char *out = strdup(ci);
    CHECK(out);
    return out;
}
