/*
 * The health and metrics HTTP server: one libwebsockets server protocol on the
 * vhost net.c creates for `[http] listen`.
 *
 *   static struct lws_protocols server[2];   (zeroed: the second ends the list)
 *   server[0] = http_protocol;               (an object, so copied at run time)
 *   opts.server_protocols = server;
 *
 * It answers GET and HEAD (other methods: 405 with Allow) on
 *
 *   /health/live    200 {"status":"ok"} while the loop runs
 *   /health/ready   200 {"status":"ready","checks":[...]} when every readiness
 *                   check passes, else 503 {"status":"not ready","reasons":[...]}
 *   /metrics        metrics_render() as text/plain; version=0.0.4
 *
 * and 404 for anything else. Every response has Content-Length and
 * Cache-Control: no-store. Slow or idle clients are dropped by lws's own
 * timeouts (net.c's timeout_secs); a request line or headers longer than the
 * context's max_http_header_data are refused by lws before reaching us.
 *
 * What it answers from, the readiness checks and the metrics registry, is an
 * http_site its owner (the application object) creates and hangs on the
 * protocol it lists, as its `user`:
 *
 *   server[0] = http_protocol;
 *   server[0].user = site;                   (an http_site *)
 *
 * Everything runs on the loop thread. Readiness checks may be added and
 * removed from any thread, but a check must stay callable until
 * http_remove_ready_check() returned on the loop thread (or the loop stopped).
 */
#ifndef BH_HTTP_H
#define BH_HTTP_H

#include <stddef.h>

#include <uv.h>

#include <libwebsockets.h>

/* The server protocol to list in net_opts.server_protocols, with its `user` set to an http_site. */
extern const struct lws_protocols http_protocol;

struct metrics;

/* The readiness checks /health/ready runs and the registry /metrics renders (borrowed). */
typedef struct http_site http_site;
int http_site_create(http_site **out, struct metrics *m);
/* Once no request can run it (the server is gone). */
void http_site_free(http_site *s);

/* The most readiness checks that can be registered at once. */
#define HTTP_MAX_READY_CHECKS 64
/* Room a check has for its reason (longer ones are cut). */
#define HTTP_REASON_MAX 256

/*
 * A readiness check: returns 1 when ready; else writes why into `reason`
 * (NUL-terminated, at most `size` bytes; "not ready" if left empty) and
 * returns 0. Called on the loop thread for each GET /health/ready: it must not
 * block, so a check of something slow (the database) reads a result cached by
 * whoever refreshes it off the loop.
 */
typedef int (*http_ready_cb)(void *arg, char *reason, size_t size);

/*
 * Adds a readiness check; its failures read "<name>: <reason>" in the
 * response. BH_EEXIST when the name is taken, BH_ELIMIT past
 * HTTP_MAX_READY_CHECKS, BH_EINVAL for an empty name or NULL fn.
 */
int http_add_ready_check(http_site *s, const char *name, http_ready_cb fn, void *arg);

/* Removes the check called `name`; BH_ENOTFOUND if there is none. */
int http_remove_ready_check(http_site *s, const char *name);

/* Removes every readiness check (shutdown, tests). */
void http_clear_ready_checks(http_site *r);

/*
 * Runs every check of `r` (NULL: none) and builds the /health/ready body (JSON,
 * malloc'ed, for the caller to free). Returns 1 when ready, 0 when not, BH_ENOMEM.
 */
int http_ready_body(http_site *s, char **body, size_t *len);

#endif
