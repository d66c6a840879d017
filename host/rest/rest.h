/*
 * The Discord REST client. Every request goes to `[discord] api_base` through
 * libcurl's multi interface on the host's libuv loop (rest_conn.c): connections
 * are kept alive and reused, TLS sessions resumed, and HTTP/2 used where the
 * server offers it.
 *
 * What it does for a caller:
 *   - Rate limits: one queue per bucket, keyed by Discord's X-RateLimit-Bucket
 *     hash plus the top-level ("major") parameters of the path (channel_id,
 *     guild_id, webhook_id + webhook_token, interaction id + token); before a
 *     route's first answer, by the route with its major parameters filled in
 *     ("POST /channels/123/messages"). A bucket sends one request at a time and
 *     waits on a timer while its remaining count is 0. The global limit (50 per
 *     second by default) is kept ahead of time; interaction endpoints are exempt
 *     as Discord documents ("Interaction endpoints are not bound to the bot's
 *     Global Rate Limit") and are sent without the bot token.
 *   - A 429 is honoured (retry_after, Retry-After; X-RateLimit-Global pauses
 *     every request) and the request is sent again after the wait.
 *   - 5xx answers and network errors (refused, reset, timeout) are retried with
 *     exponential backoff and jitter, up to `max_retries` times.
 *   - Stats for /metrics: requests by route and status, waits, retries.
 *
 * Routes: only those in the table of rest_routes.c may be requested (the test
 * tests/rest/rest_routes_test.c checks each of them against Discord's OpenAPI
 * description); anything else is refused with BH_EINVAL.
 *
 * Threads: everything runs on the loop thread, except rest_call(), which any
 * other thread uses to make a request and wait for its answer.
 *
 * Shutdown: stop the threads that may call rest_call() before rest_destroy(), or
 * let them get BH_ESTATE meanwhile.
 *
 * Logs and errors name a request by its route template
 * ("POST /interactions/{interaction_id}/{interaction_token}/callback"), never by
 * its path: paths carry interaction and webhook tokens.
 */
#ifndef BH_REST_H
#define BH_REST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "net/net.h"

typedef struct rest rest;

#define REST_DEFAULT_API_BASE "https://discord.com/api/v10"
#define REST_USER_AGENT "DiscordBot (https://github.com/bothost/bothost, 0.1.0) bothost"
/* Discord's limit on X-Audit-Log-Reason, in characters before URL encoding. */
#define REST_REASON_MAX_CHARS 512
/*
 * And ours on its encoded form: 512 characters of a non-Latin script encode to
 * ~4.6 kB, more than many servers take in one header line.
 */
#define REST_REASON_MAX_BYTES 2048

typedef struct rest_opts {
    const char *api_base;   /* "https://discord.com/api/v10" when NULL or "" */
    const char *token;      /* the bot token, without "Bot " (copied) */
    int timeout_ms;         /* per attempt, from connect to the last byte; 0: 10000 */
    int max_retries;        /* after 5xx and network errors; 0: 3, < 0: none */
    int backoff_ms;         /* the first retry's delay, doubled each time; 0: 250 */
    int global_per_sec;     /* the global limit; 0: 50. Kept as at most this many
                               requests in any 1050 ms: the 50 ms spare absorbs
                               requests reaching Discord unevenly late */
    int max_429_retries;    /* 429 answers waited out before giving up; 0: 5 */
} rest_opts;

/* rest_req.flags */
enum rest_flag {
    /* Never retry after a 5xx or a network error: for requests that must not run twice. */
    REST_F_NO_RETRY = 1u << 0,
};

/*
 * One request. Every string is copied by rest_request(), so the caller may free
 * them as soon as it returns.
 */
typedef struct rest_req {
    const char *method;     /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
    const char *path;       /* under api_base, ids filled in: "/channels/1/messages";
                               may end with "?query" */
    const char *body;       /* JSON text or NULL; sent with Content-Type: application/json */
    const char *reason;     /* X-Audit-Log-Reason as plain UTF-8, or NULL: sent
                               URL-encoded, cut at REST_REASON_MAX_CHARS characters
                               or REST_REASON_MAX_BYTES encoded bytes */
    unsigned flags;         /* REST_F_* */
} rest_req;

/*
 * The outcome of a request, handed to its callback (or rest_call()'s caller), who
 * owns it and frees it with rest_response_free().
 */
typedef struct rest_response {
    /*
     * 0 when Discord answered 2xx. Otherwise BH_ENOTFOUND (404), BH_EPERM (401,
     * 403), BH_ELIMIT (still 429 after max_429_retries), BH_EDISCORD (any other
     * 4xx, 5xx after the retries, or no answer: connection refused or reset),
     * BH_ETIMEDOUT (the last attempt timed out), BH_ESTATE (rest_destroy() ran
     * first), BH_ENOMEM.
     */
    int result;
    int status;             /* HTTP status of the last attempt, 0 when none arrived */
    json_t *json;           /* the parsed body, NULL when empty or not JSON (owned) */
    int code;               /* Discord's JSON error code on 4xx ("code"), else 0 */
    char message[256];      /* Discord's "message" on 4xx, or what went wrong */
    const char *route;      /* the route template: "POST /channels/{channel_id}/messages" */
    int attempts;           /* HTTP attempts made */
    int retries;            /* attempts repeated after a 5xx or a network error */
    int ratelimited;        /* 429 answers waited out */
    int64_t wait_ms;        /* time spent waiting for rate limits */
    int64_t latency_ms;     /* from rest_request() to the answer, waits included */
} rest_response;

/* Called on the loop thread exactly once per accepted request; owns `res`. */
typedef void (*rest_cb)(rest_response *res, void *arg);

/*
 * Creates the client on `loop` (the loop thread calls this). https is checked
 * against the system's certificate store, or SSL_CERT_FILE / SSL_CERT_DIR when
 * set (as OpenSSL's default store reads them). 0 or BH_EINVAL (bad api_base,
 * missing token), BH_ENOMEM.
 */
int rest_create(rest **out, uv_loop_t *loop, const rest_opts *opts);

/*
 * Stops the client: every queued or running request ends now with BH_ESTATE
 * (callbacks run before this returns; rest_call() waiters wake up with
 * BH_ESTATE), open connections are dropped, and the memory goes once the
 * client's handles have closed on a later loop turn. NULL is accepted.
 */
void rest_destroy(rest *r);

/*
 * Queues a request (loop thread only). 0: `cb` will run exactly once, later,
 * never from inside this call. BH_EINVAL: no method or path, a method other
 * than GET/POST/PUT/PATCH/DELETE, or a path that is not in the route table
 * (the body is not checked: Discord's 400 says what is wrong with it);
 * BH_ESTATE after rest_destroy(); BH_ENOMEM. On an error `cb` never runs.
 */
int rest_request(rest *r, const rest_req *req, rest_cb cb, void *arg);

/*
 * Makes a request from any thread but the loop's and waits for its answer: the
 * request is handed to the loop (a locked queue and uv_async_send) and only this
 * thread blocks. Returns the response's result (see rest_response.result); when
 * `out` is not NULL it receives the response (free it with rest_response_free),
 * or NULL when the request was refused before it was queued. BH_ESTATE from the
 * loop thread (it would wait for itself) and after rest_destroy().
 */
int rest_call(rest *r, const rest_req *req, rest_response **out);

/*
 * The route template of `method` + `path` ("POST /channels/{channel_id}/messages"),
 * for naming a request in logs and errors; NULL when no route matches. Any thread.
 */
const char *rest_route_name(const char *method, const char *path);

/* Frees a response and its JSON. NULL is accepted. */
void rest_response_free(rest_response *res);

/* Counters for /metrics; read on the loop thread. */
typedef struct rest_stats {
    uint64_t requests;          /* finished requests */
    uint64_t attempts;          /* HTTP attempts */
    uint64_t retries;           /* attempts repeated after a 5xx or a network error */
    uint64_t ratelimit_waits;   /* times a request waited for a bucket or the global limit */
    uint64_t ratelimit_wait_ms; /* total time of those waits */
    uint64_t ratelimited;       /* 429 answers */
    uint64_t ratelimited_global;
    uint64_t ratelimited_shared; /* X-RateLimit-Scope: shared (not our fault) */
    uint64_t unauthorized;      /* 401 answers */
    uint64_t forbidden;         /* 403 answers */
    uint64_t invalid_window;    /* 401 + 403 + non-shared 429 in the current 10 minutes */
    uint64_t timeouts;
    uint64_t network_errors;    /* refused, reset, DNS */
    uint64_t connections;       /* connections opened (a kept-alive one counts once) */
    int in_flight;              /* requests on the wire now */
    int queued;                 /* requests waiting in a bucket */
    int buckets;                /* buckets known */
} rest_stats;

/* Copies the counters (loop thread). */
void rest_stats_get(rest *r, rest_stats *out);

/*
 * One row per route template and HTTP status of an attempt (0: no answer), so
 * a request answered 429 then 200 counts in both rows.
 */
typedef void (*rest_stats_fn)(const char *route, int status, uint64_t count,
                              uint64_t latency_ms_sum, void *arg);

/* Calls `fn` for every route and status seen so far (loop thread). */
void rest_stats_foreach(rest *r, rest_stats_fn fn, void *arg);

#endif
