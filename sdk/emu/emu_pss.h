/*
 * Per-connection data of the single lws protocol: an HTTP request being
 * collected or answered, or (after the upgrade) one gateway connection.
 */
#ifndef BOTHOST_EMU_PSS_H
#define BOTHOST_EMU_PSS_H

#include <libwebsockets.h>

#include "emu.h"

struct emu_pss {
    emu *e;
    struct lws *wsi;
    /* HTTP request. */
    char method[8];
    char *path;
    json_t *query;
    char *auth;
    char *reason;
    char *body;
    size_t body_len;
    json_t *json;
    int json_error;
    int expect_body;
    /* HTTP answer. */
    int status;
    json_t *headers;
    char *out;                  /* LWS_PRE bytes, then the body */
    size_t out_len;
    size_t out_off;
    int hdr_sent;
    int ready;
    int delayed;
    int parked;
    emu_pss *next_deferred;
    lws_sorted_usec_list_t sul;
    /* Gateway. */
    emu_gw_conn *gw;
};

#endif
