/*
 * Test support for bothost-emu: start the real binary, talk HTTP to it
 * (httpc) and the gateway websocket over a raw loopback socket (zlib-stream
 * included).
 */
#ifndef BOTHOST_EMU_TEST_H
#define BOTHOST_EMU_TEST_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <zlib.h>

#include "httpc_json.h"

extern int et_failures;

#define ET_CHECK(cond, ...)                                                         \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                           \
            fprintf(stderr, "\n");                                                  \
            et_failures++;                                                          \
        }                                                                           \
    } while (0)

#define ET_REQUIRE(cond, ...)                                                       \
    do {                                                                            \
        if (!(cond)) {                                                              \
            ET_CHECK(cond, __VA_ARGS__);                                            \
            return;                                                                 \
        }                                                                           \
    } while (0)

typedef struct et_emu {
    pid_t pid;
    int port;
    char url[64];
} et_emu;

/*
 * 1 (the default): et_emu_start() runs the emulator with --openapi, so that
 * et_emu_stop() returns 3 when any REST answer did not fit Discord's OpenAPI
 * description. Benchmarks turn it off to measure the host, not the checks.
 */
extern int et_emu_check_schema;

/* Starts bothost-emu with extra arguments (NULL-terminated); 0 on success. */
int et_emu_start(et_emu *e, const char *const *args);
/* SIGTERM and wait; returns the exit status (0 = clean, no leaks under ASan). */
int et_emu_stop(et_emu *e);

typedef struct et_http {
    int status;
    json_t *body;          /* the answer parsed, or NULL */
    httpc_response *res;   /* the whole answer: httpc_header_get(r.res, name) */
} et_http;

/* One request (auth: the Authorization value, or NULL); the body is stolen. 0, or -1 without an answer. */
int et_http_do(et_emu *e, const char *method, const char *path, const char *auth, json_t *body, et_http *out);
void et_http_free(et_http *r);

/* Short forms: REST with "Bot test-token", control without auth. The body is stolen. */
json_t *et_rest(et_emu *e, const char *method, const char *path, json_t *body, int *status);
json_t *et_ctl(et_emu *e, const char *method, const char *path, json_t *body, int *status);

typedef struct et_ws {
    int fd;
    int zlib;
    z_stream zs;
    int close_code;             /* set when a close frame arrived */
    int closed;                 /* the connection is gone */
    int last_frame_flushed;     /* zlib: the last binary frame ended with 00 00 ff ff */
} et_ws;

int et_ws_open(et_ws *w, et_emu *e, const char *query);
int et_ws_send(et_ws *w, json_t *payload);      /* steals payload */
int et_ws_send_raw(et_ws *w, const char *text);
/* Next gateway payload within timeout_ms; NULL on close or timeout. */
json_t *et_ws_recv(et_ws *w, int timeout_ms);
/* Reads until a dispatch named `t` (or op when t is NULL); NULL if none. */
json_t *et_ws_wait(et_ws *w, const char *t, int op, int timeout_ms);
void et_ws_close(et_ws *w);

/* HELLO + IDENTIFY; returns READY (caller frees) or NULL. */
json_t *et_identify(et_ws *w, int shard, int shards, long intents);

#endif
