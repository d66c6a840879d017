/*
 * The REST client's insides, shared by its files:
 *   rest.c         create/destroy, taking requests, ending them
 *   rest_sched.c   the scheduler (when a request may go) and the address lookup
 *   rest_ready.c   the scheduler's lists: buckets that may go, wait for a time, or
 *                  wait for the global limit
 *   rest_answer.c  what an answer means: done, wait for a 429, retry
 *   rest_bucket.c  buckets (per-route queues and their limits), the global limit
 *   rest_conn.c    the HTTP transport: libcurl's multi interface on the libuv loop
 *   rest_routes.c  the route table and path matching
 *   rest_call.c    rest_call(): the bridge from worker threads to the loop
 *   rest_stats.c   counters for /metrics
 */
#ifndef BH_REST_INTERNAL_H
#define BH_REST_INTERNAL_H

#include "rest/rest.h"

#include <stdint.h>
#include <sys/queue.h>

#include <curl/curl.h>

/* ---- routes (rest_routes.c) ---------------------------------------------------------- */

enum rest_route_flag {
    /* An interaction endpoint: no bot token, not counted against the global limit. */
    REST_ROUTE_INTERACTION = 1u << 0,
};

typedef struct rest_route {
    const char *method;  /* "POST" */
    const char *tmpl;    /* "/channels/{channel_id}/messages" */
    const char *name;    /* "POST /channels/{channel_id}/messages" */
    unsigned flags;      /* REST_ROUTE_* */
} rest_route;

extern const rest_route rest_routes[];
extern const size_t rest_routes_count;

/*
 * Finds the route of `method` + `path` (the query is ignored) and writes the
 * values of its major parameters, '/'-separated, to `major`. BH_EINVAL when no
 * route matches.
 */
int rest_route_match(const char *method, const char *path, const rest_route **route,
                     char *major, size_t majorlen);

/* 1 when `param` ("{channel_id}", `len` bytes) is a major parameter. */
int rest_route_param_is_major(const char *param, size_t len);

/* ---- one request ------------------------------------------------------------------- */

typedef struct rest_bucket rest_bucket;
typedef struct rest_op rest_op;

struct rest_op {
    rest *r;
    STAILQ_ENTRY(rest_op) qlink; /* in its bucket's queue */
    LIST_ENTRY(rest_op) wire;    /* in r->inflight while on_wire */
    int on_wire;
    rest_bucket *bucket;
    const rest_route *route;
    char *method;
    char *url;                  /* origin + api base path + request path */
    char *body;                 /* NULL when the request has none */
    size_t body_len;
    char *major;                /* the major parameters' values, '/'-separated */
    char *reason;               /* URL-encoded, or NULL */
    unsigned flags;
    rest_cb cb;
    void *arg;
    rest_response *res;

    uint64_t t_start;           /* ms, clock_now_ms() */
    uint64_t not_before;        /* a retry's backoff or a 429's wait */
    uint64_t wait_since;        /* 0, or when it began waiting for a limit */
    uint64_t t_attempt;         /* when the attempt on the wire began */

    /* The attempt on the wire. */
    CURL *easy;                 /* NULL when none */
    struct curl_slist *headers;
    struct curl_slist *connect_to; /* host:port to the resolved address */
    char curl_error[CURL_ERROR_SIZE];
    int timed_out;
    int status;
    char *rbuf;
    size_t rlen, rcap;
    int overflow;
    /* Rate-limit headers of the answer. */
    char hdr_bucket[72];
    int hdr_limit, hdr_remaining;  /* -1 when absent */
    double hdr_reset_after;        /* seconds, -1 when absent */
    double hdr_retry_after;        /* Retry-After seconds, -1 when absent */
    int hdr_global;
    char hdr_scope[16];
    char error[384];            /* a network error's description */
};

/* ---- the client ---------------------------------------------------------------------- */

enum rest_dns_state { REST_DNS_NONE = 0, REST_DNS_BUSY, REST_DNS_OK, REST_DNS_FAILED };

typedef struct rest_route_stat {
    const rest_route *route;
    int status;
    uint64_t count;
    uint64_t latency_sum;
} rest_route_stat;

typedef struct rest_call_job rest_call_job;

struct rest {
    uv_loop_t *loop;
    net *n;
    uv_thread_t loop_thread;
    uv_timer_t timer;           /* the scheduler's next wake-up */
    uv_async_t async;           /* rest_call() hand-over */
    int handles_open;           /* timers, async, sockets, a running lookup */
    int closing;
    int pumping, repump;

    /* api_base, split */
    int tls;
    char host[256];
    int port;
    char base_path[1024];       /* "/api/v10", no trailing slash */
    char origin[300];           /* "https://discord.com:443" */
    char *auth;                 /* "Authorization: Bot <token>" */

    /* The transport (rest_conn.c). */
    CURLM *multi;
    CURLSH *share;              /* TLS sessions, shared by every attempt */
    uv_timer_t curl_timer;      /* libcurl's one timeout */
    LIST_HEAD(, rest_sock) socks; /* sockets libcurl asked us to watch */
    CURL *easy_free[16];        /* finished handles kept for the next attempts */
    int neasy_free;
    uint64_t connections;       /* connections libcurl opened */
    char *cainfo, *capath;      /* SSL_CERT_FILE, SSL_CERT_DIR, as OpenSSL's default store */

    int timeout_ms, max_retries, backoff_ms, global_per_sec, max_429_retries;

    /* DNS */
    net_lookup dns; /* dns.error: why the last lookup failed */
    int dns_state;
    char addr[64];
    uint64_t addr_time;

    /* Buckets: a hash table by key, and the list of those with queued requests. */
    rest_bucket **table;
    size_t table_size, nbuckets;
    /* The scheduler's lists (rest_ready.c); a bucket with queued requests and none
       on the wire is on exactly one of them. */
    TAILQ_HEAD(rest_bucket_list, rest_bucket) active; /* to look at on the next turn */
    struct rest_bucket_list gwait;                    /* waiting for the global limit, FIFO */
    rest_bucket **heap;                       /* waiting until a time, earliest first */
    size_t nheap, capheap;
    uint64_t sched_visits;                    /* buckets looked at: the scheduler's work */
    char (*route_hash)[72];     /* per route: the bucket hash Discord gave it */
    uint64_t last_sweep;

    /* The global limit: send times of the last global_per_sec requests. */
    uint64_t *global_ring;
    int global_pos;
    uint64_t global_until;      /* a global 429 pauses everything until then */

    LIST_HEAD(, rest_op) inflight; /* the attempts on the wire */

    /* rest_call() */
    uv_mutex_t call_mu;
    STAILQ_HEAD(, rest_call_job) calls; /* oldest first */
    int calls_closed;

    /* stats */
    rest_stats st;
    uint64_t invalid_window_start;
    uint64_t invalid_warned;
    rest_route_stat *rstats;
    size_t nrstats, caprstats;
};

/* rest.c: ends a request for good and calls its callback. */
void rest_op_finish(rest_op *op, int result);
/* rest.c: frees the client once its handles and lookups are done. */
void rest_free(rest *r);
/* rest_sched.c: runs the scheduler now (re-entrant calls fold into the running one). */
void rest_pump(rest *r);
/* rest_sched.c: runs the scheduler on the next loop turn, never inside the caller. */
void rest_sched_kick(rest *r);
/* rest_answer.c: the attempt on the wire ended; op->status is 0 when no answer came. */
void rest_attempt_done(rest_op *op);

/* rest_conn.c: sets up libcurl's multi handle on r->loop (one more open handle). */
int rest_conn_init(rest *r);
/* rest_conn.c: closes every connection and handle of the transport (rest_destroy). */
void rest_conn_close(rest *r);
/* rest_conn.c: starts the HTTP attempt of `op`; it ends with rest_attempt_done(). */
void rest_conn_start(rest_op *op);
/* rest_conn.c: drops the attempt of `op` without any callback from it. */
void rest_conn_abandon(rest_op *op);
/* rest_conn.c: called when a handle of the client has closed; frees it after the last. */
void rest_handle_closed(rest *r);
/* rest_conn.c: URL-encodes a reason, cut as rest_req.reason says. */
char *rest_reason_encode(const char *reason);

/* ---- buckets (rest_bucket.c) ---------------------------------------------------------- */

enum rest_list { REST_LIST_NONE = 0, REST_LIST_ACTIVE, REST_LIST_GWAIT, REST_LIST_HEAP };

struct rest_bucket {
    char *key;
    rest_bucket *hnext;         /* hash chain */
    TAILQ_ENTRY(rest_bucket) alink; /* in the active or the global-wait list */
    int list;                   /* REST_LIST_*: where the scheduler keeps it */
    size_t heap_idx;
    uint64_t wake;              /* on the heap: when to look at it again */
    STAILQ_HEAD(, rest_op) queue; /* queued requests */
    int busy;                   /* one request of the bucket is on the wire */
    int known;                  /* limit headers seen */
    int limit, remaining;
    uint64_t reset_at;          /* ms */
    uint64_t last_used;
};

int rest_buckets_init(rest *r);
void rest_buckets_free(rest *r);
/* The bucket for a new request of `route` with `major`, created when missing. */
rest_bucket *rest_bucket_for(rest *r, const rest_route *route, const char *major);
/* Queues `op` at the tail (or the head, for a retry) of its bucket. */
void rest_bucket_push(rest *r, rest_bucket *b, rest_op *op, int at_head);
rest_op *rest_bucket_pop(rest *r, rest_bucket *b);
/*
 * Applies the rate-limit headers of `op`'s answer: learns the route's bucket hash
 * (moving or merging the bucket under its new key) and the limit state.
 */
void rest_bucket_learn(rest *r, rest_op *op, uint64_t now);
/* Frees idle buckets whose window has passed. */
void rest_buckets_sweep(rest *r, uint64_t now);

/* ---- the scheduler's lists (rest_ready.c) --------------------------------------------- */

/* Takes `b` off whichever list holds it. */
void rest_ready_unlist(rest *r, rest_bucket *b);
/* Puts `b` on the active list (off any other), to be looked at on the next turn. */
void rest_ready_activate(rest *r, rest_bucket *b);
/* Puts `b` on the heap until `at`. */
void rest_ready_wait_until(rest *r, rest_bucket *b, uint64_t at);
/* Puts `b` at the tail of the global-wait list. */
void rest_ready_wait_global(rest *r, rest_bucket *b);
/* Moves every bucket whose time has come to the active list; 0 or the next wake time. */
uint64_t rest_ready_due(rest *r, uint64_t now);
void rest_ready_init(rest *r);
void rest_ready_free(rest *r);

/* 0 when a request may go now, else the time (ms) it may go. */
uint64_t rest_global_next(rest *r, uint64_t now);
void rest_global_take(rest *r, uint64_t now);

/* ---- rest_call (rest_call.c) ---------------------------------------------------------- */

/* The async callback: queues the requests handed over by other threads. */
void rest_call_drain(uv_async_t *a);
/* Ends every handed-over request with BH_ESTATE and refuses new ones. */
void rest_call_close(rest *r);

/* ---- stats (rest_stats.c) ------------------------------------------------------------- */

/* Counts one attempt by route and status (0: no answer), and 401/403/429. */
void rest_stats_attempt(rest *r, const rest_op *op, uint64_t now);
void rest_stats_free(rest *r);
/* At log level debug: one line per attempt (route template, status, latency, bucket). */
void rest_log_attempt(const rest_op *op, uint64_t now);

#endif
