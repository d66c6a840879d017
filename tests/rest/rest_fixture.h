/*
 * What the REST tests share: a real libuv loop with rest on it, the
 * emulator as a child process with blocking calls to its control API, and a
 * tiny raw HTTP server on the test's own loop for checking exact request bytes.
 */
#ifndef BH_REST_FIXTURE_H
#define BH_REST_FIXTURE_H

#include <stdint.h>

#include <jansson.h>

#include "rest/rest.h"
#include "tsup.h"
#include "tsup_http.h"

/* ---- the emulator ------------------------------------------------------------------ */

/* Starts build/bin/bothost-emu (token "test-token") once; returns its port. */
int emu_start(void);
void emu_stop(void);
/* A control or REST call to the emulator (tsup_http_json): returns the body (owned) and status. */
json_t *emu_http(const char *method, const char *path, const char *body, int *status);
/* POST /_emu/reset and a check that it worked. */
void emu_reset(void);
/* Arms a REST fault (the JSON of POST /_emu/faults/rest). */
void emu_fault(const char *spec_json);
/* GET /_emu/violations: how many. Prints them when there are some. */
int emu_violations(void);
/* GET /_emu/requests filtered by route pattern (NULL: all): owned array. */
json_t *emu_requests(const char *route);
/* The id of a text channel of the default guild by name, and the guild's id. */
const char *emu_channel_id(const char *name);
const char *emu_guild_id(void);

/* ---- a loop with rest --------------------------------------------------------------- */

typedef struct fx {
    uv_loop_t loop;
    rest *r;
    uv_prepare_t prep;  /* fx_run_until's */
    int prep_on;
} fx;

/* Opens the loop and a client on `api_base` with `opts` (may be NULL). */
void fx_open(fx *f, const char *api_base, const rest_opts *opts);
/* rest_destroy (when not yet), runs the loop out and checks uv_loop_close() == 0. */
void fx_close(fx *f);
/* Runs the loop until *flag is nonzero; fails the test after timeout_ms. */
void fx_run_until(fx *f, const int *flag, int timeout_ms);
/* The emulator's api base: http://127.0.0.1:PORT/api/v10 (static). */
const char *emu_api_base(void);

/* One request's outcome, gathered by fx_cb. */
typedef struct fx_answer {
    int done;
    rest_response *res;
    uint64_t at_ms;
} fx_answer;

/* A rest_cb that stores the response in the fx_answer `arg`. */
void fx_cb(rest_response *res, void *arg);
/* Queues one request with fx_cb; checks that it was accepted. */
void fx_send(fx *f, fx_answer *a, const char *method, const char *path, const char *body,
             const char *reason);
/* Sends one request and runs the loop until its answer; the caller frees a->res. */
void fx_do(fx *f, fx_answer *a, const char *method, const char *path, const char *body);

/* ---- a raw HTTP server on the test's loop ------------------------------------------------ */

typedef struct raw_server raw_server;

/*
 * Listens on 127.0.0.1:0 on `loop`. Every request is recorded whole (headers and
 * body) and answered with `response` (raw HTTP bytes), or never answered when
 * `response` is NULL.
 */
raw_server *raw_start(uv_loop_t *loop, const char *response);
int raw_port(raw_server *s);
/* Requests received so far and the text of the i-th. */
int raw_count(raw_server *s);
const char *raw_request(raw_server *s, int i);
/* Closes the listener and the connections; the memory goes with the last close. */
void raw_stop(raw_server *s);

#endif
