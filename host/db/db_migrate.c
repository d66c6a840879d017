/*
 * Forward-only schema migrations: migrations/<owner>/NNN_name.sql, applied in
 * order, each in its own transaction, recorded with its SHA-256 in
 * bothost.schema_migrations.
 *
 * A plugin's files run with search_path set to its own schema (created here
 * before its first migration), so `CREATE TABLE raffles` lands in raffle.raffles.
 * Files must not contain BEGIN/COMMIT, nor statements that cannot run in a
 * transaction block (CREATE INDEX CONCURRENTLY, VACUUM).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "base/log.h"
#include "db/db_internal.h"

/* Serialises every host's migrations: "bh_migr" in ASCII. */
#define MIGRATE_LOCK_KEY INT64_C(0x62685f6d69677200)
/* Far larger than any sane migration; keeps a stray file from eating memory. */
#define MIGRATION_MAX_BYTES (64 * 1024 * 1024)

struct migration {
    int version;
    char *name;     /* the file name */
    char *sql;
    char sha[65];   /* hex */
};

struct migration_set {
    struct migration *v;
    int n;
};

static void set_free(struct migration_set *set)
{
    for (int i = 0; i < set->n; i++) {
        free(set->v[i].name);
        free(set->v[i].sql);
    }
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

static int owner_valid(const char *owner)
{
    if (!owner || !(owner[0] >= 'a' && owner[0] <= 'z'))
        return 0;
    size_t n = strlen(owner);
    if (n > 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = owner[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    /* Schemas that are not a plugin's to own. */
    return strcmp(owner, "bothost") && strcmp(owner, "public") && strncmp(owner, "pg_", 3) &&
           strcmp(owner, "information_schema");
}

/* "NNN_name.sql": at least three digits, a name, .sql. Returns the number or -1. */
static int parse_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 4, ".sql") != 0)
        return -1;
    size_t d = 0;
    long v = 0;
    while (name[d] >= '0' && name[d] <= '9') {
        v = v * 10 + (name[d] - '0');
        if (++d > 9)
            return -1;
    }
    if (d < 3 || name[d] != '_' || d + 1 >= n - 4)
        return -1;
    for (size_t i = d + 1; i < n - 4; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return -1;
    }
    return (int)v;
}

static int read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return BH_EINVAL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= MIGRATION_MAX_BYTES) {
                snprintf(err, errlen, "%s: larger than %d bytes", path, MIGRATION_MAX_BYTES);
                rc = BH_EINVAL;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        rc = BH_ENOMEM;
    } else if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = BH_EINVAL;
    } else if (rc == 0 && memchr(buf, '\0', n)) {
        snprintf(err, errlen, "%s: contains a NUL byte", path);
        rc = BH_EINVAL;
    }
    fclose(f);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int sha256_hex(const char *data, size_t len, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        return BH_ENOMEM;
    for (unsigned int i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static int cmp_version(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

/* Reads and checks every migration of `dir`; an absent dir is an empty set. */
static int set_load(const char *owner, const char *dir, struct migration_set *set, char *err,
                    size_t errlen)
{
    memset(set, 0, sizeof(*set));
    if (!owner || (strcmp(owner, "core") && !owner_valid(owner))) {
        snprintf(err, errlen, "migrations: invalid owner name \"%s\"", owner ? owner : "");
        return BH_EINVAL;
    }
    if (!dir) {
        snprintf(err, errlen, "migrations: no directory given");
        return BH_EINVAL;
    }
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return BH_EINVAL;
    }
    int rc = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        int version = parse_name(e->d_name);
        if (version < 0) {
            snprintf(err, errlen, "%s: not a migration name (want NNN_name.sql)", path);
            rc = BH_EINVAL;
            break;
        }
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "%s: not a regular file", path);
            rc = BH_EINVAL;
            break;
        }
        if (set->n == cap) {
            int ncap = cap ? cap * 2 : 16;
            struct migration *nv = realloc(set->v, (size_t)ncap * sizeof(*nv));
            if (!nv) {
                snprintf(err, errlen, "out of memory");
                rc = BH_ENOMEM;
                break;
            }
            set->v = nv;
            cap = ncap;
        }
        struct migration *m = &set->v[set->n];
        memset(m, 0, sizeof(*m));
        m->version = version;
        m->name = strdup(e->d_name);
        if (!m->name) {
            snprintf(err, errlen, "out of memory");
            rc = BH_ENOMEM;
            break;
        }
        set->n++;
        size_t len;
        rc = read_file(path, &m->sql, &len, err, errlen);
        if (rc < 0)
            break;
        rc = sha256_hex(m->sql, len, m->sha);
        if (rc < 0) {
            snprintf(err, errlen, "%s: cannot compute its checksum", path);
            break;
        }
    }
    closedir(d);
    if (rc == 0 && set->n > 1) {
        qsort(set->v, (size_t)set->n, sizeof(*set->v), cmp_version);
        for (int i = 1; i < set->n; i++)
            if (set->v[i].version == set->v[i - 1].version) {
                snprintf(err, errlen, "%s: %s and %s have the same number", dir,
                         set->v[i - 1].name, set->v[i].name);
                rc = BH_EINVAL;
                break;
            }
    }
    if (rc == 0 && set->n > 0 && set->v[0].version == 0) {
        snprintf(err, errlen, "%s/%s: numbers start at 001", dir, set->v[0].name);
        rc = BH_EINVAL;
    }
    if (rc < 0)
        set_free(set);
    return rc;
}

int db_migrate_check(const char *owner, const char *dir, char *err, size_t errlen)
{
    struct migration_set set;
    int rc = set_load(owner, dir, &set, err, errlen);
    set_free(&set);
    return rc;
}

/* Run under the advisory lock, so "IF NOT EXISTS" races cannot happen. */
static const char BOOTSTRAP_SQL[] =
    "SET LOCAL client_min_messages = warning;"
    "CREATE SCHEMA IF NOT EXISTS bothost;"
    "CREATE TABLE IF NOT EXISTS bothost.schema_migrations ("
    " owner text NOT NULL,"
    " version int NOT NULL,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (owner, version))";

/* Applies one file in its own transaction. */
static int apply_one(db_session *s, const char *owner, const struct migration *m)
{
    const char *schema = strcmp(owner, "core") ? owner : "bothost";
    char sql[256];
    int rc = db_session_exec(s, "BEGIN", NULL, 0);
    if (rc < 0)
        return rc;
    if (strcmp(owner, "core")) {
        /* owner_valid() allows only [a-z0-9_]: safe to put in SQL as is. */
        snprintf(sql, sizeof(sql),
                 "SET LOCAL client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS %s; "
                 "RESET client_min_messages",
                 schema);
        if ((rc = db_session_exec_script(s, sql)) < 0)
            return rc;
    }
    snprintf(sql, sizeof(sql), "SET LOCAL search_path = %s, public", schema);
    if ((rc = db_session_exec(s, sql, NULL, 0)) < 0)
        return rc;
    if ((rc = db_session_exec_script(s, m->sql)) < 0)
        return rc;
    if (PQtransactionStatus(db_conn_pg(s->conn)) != PQTRANS_INTRANS)
        return db_session_errorf(s, BH_EINVAL,
                                 "it ended the transaction itself (no BEGIN/COMMIT in migrations)");
    rc = db_session_exec(s,
                         "INSERT INTO bothost.schema_migrations (owner, version, name, checksum) "
                         "VALUES ($1, $2, $3, $4)",
                         BH_ARGS(bh_text(owner), bh_i64(m->version), bh_text(m->name),
                                 bh_text(m->sha)));
    if (rc < 0)
        return rc;
    s->tx_depth = 1;
    return db_session_commit(s);
}

int db_migrate(db_pool *p, const char *owner, const char *dir, int *applied, char *err,
               size_t errlen)
{
    if (applied)
        *applied = 0;
    struct migration_set set;
    int rc = set_load(owner, dir, &set, err, errlen);
    if (rc < 0 || set.n == 0) {
        set_free(&set);
        return rc;
    }

    db_session s;
    db_session_init(&s, p);
    bh_result *r = NULL;
    int count = 0;
    /* Long migrations and waiting for another host's lock must not time out. */
    rc = db_session_exec(&s, "SET statement_timeout = 0", NULL, 0);
    if (rc == 0)
        rc = db_session_exec(&s, "SELECT pg_advisory_lock($1)",
                             BH_ARGS(bh_i64(MIGRATE_LOCK_KEY)));
    if (rc == 0)
        rc = db_session_exec_script(&s, "BEGIN");
    if (rc == 0)
        rc = db_session_exec_script(&s, BOOTSTRAP_SQL);
    if (rc == 0)
        rc = db_session_exec_script(&s, "COMMIT");
    if (rc == 0)
        rc = db_session_query(&s, &r,
                              "SELECT version, name, checksum FROM bothost.schema_migrations "
                              "WHERE owner = $1 ORDER BY version",
                              BH_ARGS(bh_text(owner)));
    if (rc < 0) {
        snprintf(err, errlen, "migrations of %s: %s", owner, s.err);
        goto out;
    }

    int nrows = db_result_rows(r), row = 0;
    for (int i = 0; i < set.n; i++) {
        const struct migration *m = &set.v[i];
        while (row < nrows && db_result_i64(r, row, 0) < m->version) {
            log_msg(LOG_WARN, "db", "migration %s/%s was applied but its file is gone", owner,
                    db_result_text(r, row, 1));
            row++;
        }
        if (row < nrows && db_result_i64(r, row, 0) == m->version) {
            if (strcmp(db_result_text(r, row, 2), m->sha) != 0) {
                snprintf(err, errlen,
                         "migration %s/%s was changed after it was applied; "
                         "add a new migration instead of editing it",
                         owner, m->name);
                rc = BH_ECONFLICT;
                goto out;
            }
            row++;
            continue;
        }
        rc = apply_one(&s, owner, m);
        if (rc < 0) {
            snprintf(err, errlen, "migration %s/%s failed: %s", owner, m->name, s.err);
            if (rc == BH_ECONFLICT)
                rc = BH_EDB; /* a conflict here is not an edited file */
            goto out;
        }
        count++;
        log_msg(LOG_DEBUG, "db", "applied migration %s/%s", owner, m->name);
    }
    if (applied)
        *applied = count;

out:
    db_result_free(r);
    if (s.conn && PQtransactionStatus(db_conn_pg(s.conn)) == PQTRANS_IDLE) {
        db_session_exec(&s, "SELECT pg_advisory_unlock($1)", BH_ARGS(bh_i64(MIGRATE_LOCK_KEY)));
        db_session_exec(&s, "RESET statement_timeout", NULL, 0);
    }
    /* Rolls back a failed file's transaction; DISCARD ALL drops the lock if still held. */
    db_session_end(&s);
    set_free(&set);
    if (rc < 0 && applied)
        *applied = count;
    return rc;
}
