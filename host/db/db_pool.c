/*
 * The connection pool: a fixed array of slots, each a libpq connection opened on
 * first use and reopened when the server dropped it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "db/db_internal.h"

struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cond;    /* signalled when a slot comes free */
    char *conninfo;
    char *options;          /* the libpq "options" keyword: the caller's plus ours */
    int size;
    int acquire_timeout_ms; /* how long a session waits for a free connection */
    db_conn *slots;
    char connect_err[512];  /* the last connect failure warned of: each kind once, until one works */
};

void db_pool_set_acquire_timeout(db_pool *p, int ms)
{
    p->acquire_timeout_ms = ms;
}

int db_pool_acquire_timeout(const db_pool *p)
{
    return p->acquire_timeout_ms;
}

static void copy_err(char *err, size_t errlen, const char *msg)
{
    if (!err || errlen == 0)
        return;
    snprintf(err, errlen, "%s", msg);
    /* libpq messages end with a newline; a log line must not. */
    size_t n = strlen(err);
    while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
    for (char *q = err; *q; q++)
        if (*q == '\n' || *q == '\t')
            *q = ' ';
}

static void notice_cb(void *arg, const PGresult *res)
{
    (void)arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    int level = LOG_INFO;
    if (sev && (!strcmp(sev, "WARNING") || !strcmp(sev, "FATAL") || !strcmp(sev, "PANIC") ||
                !strcmp(sev, "ERROR")))
        level = LOG_WARN;
    else if (sev && (!strncmp(sev, "DEBUG", 5) || !strcmp(sev, "LOG")))
        level = LOG_DEBUG;
    log_msg(level, "db", "server %s: %s", sev ? sev : "NOTICE",
            msg ? msg : PQresultErrorMessage(res));
}

/* Whether a libpq host list names a host (not a socket dir, not an address). */
static int needs_dns(const char *hosts)
{
    char buf[256];
    while (*hosts) {
        size_t n = strcspn(hosts, ",");
        snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), hosts);
        unsigned char addr[sizeof(struct in6_addr)];
        if (buf[0] && buf[0] != '/' && buf[0] != '@' && inet_pton(AF_INET, buf, addr) != 1 &&
            inet_pton(AF_INET6, buf, addr) != 1)
            return 1;
        hosts += n;
        if (*hosts == ',')
            hosts++;
    }
    return 0;
}

int db_pool_create(db_pool **out, const char *conninfo, int size, int statement_timeout_ms)
{
    *out = NULL;
    if (!conninfo || size <= 0 || statement_timeout_ms < 0)
        return BH_EINVAL;

    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (!opts) {
        char msg[256];
        copy_err(msg, sizeof(msg), perr ? perr : "out of memory");
        log_msg(LOG_ERROR, "db", "invalid connection string: %s", msg);
        PQfreemem(perr);
        return BH_EINVAL;
    }
    const char *user_opts = NULL, *host = NULL, *hostaddr = NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !o->val[0])
            continue;
        if (!strcmp(o->keyword, "options"))
            user_opts = o->val;
        else if (!strcmp(o->keyword, "host"))
            host = o->val;
        else if (!strcmp(o->keyword, "hostaddr"))
            hostaddr = o->val;
    }
    if (host && !hostaddr && needs_dns(host))
        log_msg(LOG_WARN, "db",
                "host=%s is resolved with a blocking DNS lookup on every connect; "
                "prefer a socket path or hostaddr=",
                host);

    db_pool *p = calloc(1, sizeof(*p));
    if (!p) {
        PQconninfoFree(opts);
        return BH_ENOMEM;
    }
    char tmo[64];
    snprintf(tmo, sizeof(tmo), "-c statement_timeout=%d", statement_timeout_ms);
    size_t olen = (user_opts ? strlen(user_opts) + 1 : 0) + strlen(tmo) + 1;
    p->options = malloc(olen);
    p->conninfo = strdup(conninfo);
    p->slots = calloc((size_t)size, sizeof(*p->slots));
    if (!p->options || !p->conninfo || !p->slots) {
        PQconninfoFree(opts);
        free(p->options);
        free(p->conninfo);
        free(p->slots);
        free(p);
        return BH_ENOMEM;
    }
    snprintf(p->options, olen, "%s%s%s", user_opts ? user_opts : "", user_opts ? " " : "", tmo);
    PQconninfoFree(opts);

    p->size = size;
    p->acquire_timeout_ms = 10000;
    for (int i = 0; i < size; i++)
        p->slots[i].pool = p;
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    *out = p;
    return 0;
}

void db_pool_destroy(db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++) {
        if (p->slots[i].in_use)
            log_msg(LOG_ERROR, "db", "pool destroyed while a connection is in use");
        if (p->slots[i].pg)
            PQfinish(p->slots[i].pg);
    }
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p->slots);
    free(p->options);
    free(p->conninfo);
    free(p);
}

PGconn *db_conn_pg(db_conn *c)
{
    return c->pg;
}

/* Slot holders change c->pg under the lock so that db_pool_stats() may read it. */
static void conn_set(db_pool *p, db_conn *c, PGconn *pg)
{
    PGconn *old = c->pg;
    pthread_mutex_lock(&p->mu);
    c->pg = pg;
    pthread_mutex_unlock(&p->mu);
    if (old && old != pg)
        PQfinish(old);
}

/*
 * An idle connection has nothing to read. When its socket is readable, the
 * server has closed it (restart, idle timeout, terminate) or is about to; we
 * cannot tell a stale connection from a live one any cheaper than this.
 */
static int conn_is_stale(PGconn *pg)
{
    if (PQstatus(pg) != CONNECTION_OK || PQtransactionStatus(pg) != PQTRANS_IDLE)
        return 1;
    int fd = PQsocket(pg);
    if (fd < 0)
        return 1;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int n;
    do
        n = poll(&pfd, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0;
    /* Let libpq read what came (a FATAL notice reaches the log this way). */
    PQconsumeInput(pg);
    return 1;
}

/* quiet: the caller reports a failure itself (a ping), so the pool says it at debug only. */
static int conn_open(db_pool *p, db_conn *c, int quiet, char *err, size_t errlen)
{
    const char *keys[] = {"dbname", "options", "fallback_application_name", NULL};
    const char *vals[] = {p->conninfo, p->options, "bothost", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg) {
        copy_err(err, errlen, "out of memory");
        return BH_ENOMEM;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        char msg[512];
        copy_err(msg, sizeof(msg), PQerrorMessage(pg));
        if (err && errlen)
            snprintf(err, errlen, "cannot connect to the database: %s", msg);
        /* A server that is away fails every attempt alike: say it once, not per attempt. */
        pthread_mutex_lock(&p->mu);
        int same = quiet || strcmp(p->connect_err, msg) == 0;
        if (!same)
            snprintf(p->connect_err, sizeof p->connect_err, "%s", msg);
        pthread_mutex_unlock(&p->mu);
        log_msg(same ? LOG_DEBUG : LOG_WARN, "db", "cannot connect to the database: %s", msg);
        PQfinish(pg);
        return BH_EDB;
    }
    PQsetNoticeReceiver(pg, notice_cb, p);
    pthread_mutex_lock(&p->mu);
    int was_failing = p->connect_err[0] != '\0';
    p->connect_err[0] = '\0';
    pthread_mutex_unlock(&p->mu);
    if (was_failing)
        log_msg(LOG_INFO, "db", "connected to the database again");
    conn_set(p, c, pg);
    log_msg(LOG_DEBUG, "db", "connected (server %d, backend pid %d)", PQserverVersion(pg),
            PQbackendPID(pg));
    return 0;
}

static void deadline_after(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int acquire(db_pool *p, db_conn **out, int wait_ms, int quiet, char *err, size_t errlen)
{
    *out = NULL;
    struct timespec deadline;
    if (wait_ms > 0)
        deadline_after(&deadline, wait_ms);

    pthread_mutex_lock(&p->mu);
    db_conn *c = NULL;
    for (;;) {
        /* Prefer a slot that is already connected. */
        db_conn *empty = NULL;
        for (int i = 0; i < p->size && !c; i++) {
            if (p->slots[i].in_use)
                continue;
            if (p->slots[i].pg)
                c = &p->slots[i];
            else if (!empty)
                empty = &p->slots[i];
        }
        if (!c)
            c = empty;
        if (c)
            break;
        int rc = 0;
        if (wait_ms == 0)
            rc = ETIMEDOUT;
        else if (wait_ms < 0)
            pthread_cond_wait(&p->cond, &p->mu);
        else
            rc = pthread_cond_timedwait(&p->cond, &p->mu, &deadline);
        if (rc == ETIMEDOUT) {
            pthread_mutex_unlock(&p->mu);
            if (err && errlen)
                snprintf(err, errlen, "no database connection came free within %d ms", wait_ms);
            return BH_ETIMEDOUT;
        }
    }
    c->in_use = 1;
    pthread_mutex_unlock(&p->mu);

    /* Connecting happens outside the lock: it blocks. */
    if (c->pg && conn_is_stale(c->pg)) {
        log_msg(LOG_INFO, "db", "connection lost, reconnecting");
        conn_set(p, c, NULL);
    }
    if (!c->pg) {
        int rc = conn_open(p, c, quiet, err, errlen);
        if (rc < 0) {
            db_pool_release(p, c);
            return rc;
        }
    }
    *out = c;
    return 0;
}

int db_pool_acquire(db_pool *p, db_conn **out, int wait_ms, char *err, size_t errlen)
{
    return acquire(p, out, wait_ms, 0, err, errlen);
}

void db_pool_release(db_pool *p, db_conn *c)
{
    if (!c)
        return;
    if (c->pg) {
        PGTransactionStatusType ts = PQtransactionStatus(c->pg);
        if (PQstatus(c->pg) != CONNECTION_OK || ts != PQTRANS_IDLE) {
            /* A connection in an unknown state is never handed out again. */
            if (PQstatus(c->pg) == CONNECTION_OK)
                log_msg(LOG_WARN, "db", "connection released inside a transaction; closing it");
            conn_set(p, c, NULL);
        }
    }
    pthread_mutex_lock(&p->mu);
    c->in_use = 0;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

void db_pool_discard(db_pool *p, db_conn *c)
{
    if (!c)
        return;
    conn_set(p, c, NULL);
    db_pool_release(p, c);
}

int db_pool_ping(db_pool *p, char *err, size_t errlen)
{
    db_conn *c;
    int rc = acquire(p, &c, 2000, 1, err, errlen);
    if (rc < 0)
        return rc;
    PGresult *res = PQexec(c->pg, "SELECT 1");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        copy_err(err, errlen, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
        rc = BH_EDB;
    }
    PQclear(res);
    db_pool_release(p, c);
    return rc;
}

void db_pool_stats(db_pool *p, int *open, int *in_use, int *size)
{
    int o = 0, u = 0;
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->size; i++) {
        if (p->slots[i].pg)
            o++;
        if (p->slots[i].in_use)
            u++;
    }
    pthread_mutex_unlock(&p->mu);
    if (open)
        *open = o;
    if (in_use)
        *in_use = u;
    if (size)
        *size = p->size;
}
