/*
 * A small blocking HTTP/1.1 client for the tests: one request at a time on a
 * plain socket, the response read by Content-Length, with a receive timeout
 * so a server that never answers fails the test instead of hanging it.
 */
#ifndef BH_TEST_HTTP_CLIENT_H
#define BH_TEST_HTTP_CLIENT_H

#include <stddef.h>

typedef struct hc_resp {
    int status;            /* 0 when the server closed without answering */
    char head[16384];      /* the status line and headers, NUL-terminated */
    char *body;            /* NUL-terminated, malloc'ed */
    size_t body_len;
    long content_length;   /* -1 when absent */
} hc_resp;

/* Connects to 127.0.0.1:port; the fd, or -1. */
int hc_connect(int port);

/*
 * Sends `request` as is, then reads one response (headers only if `head`).
 * 0 on a complete response; -1 when the connection closed or timed out first
 * (r->status tells whether a status line came).
 */
int hc_exchange(int fd, const char *request, size_t len, int head, hc_resp *r);

/* `method path HTTP/1.1` with Connection: close on a new connection. */
int hc_request(int port, const char *method, const char *path, hc_resp *r);

/* The value of header `name` (case-insensitive) copied into out, or NULL. */
const char *hc_header(const hc_resp *r, const char *name, char *out, size_t size);

/* 1 when the server closed the connection (EOF within timeout_ms), else 0. */
int hc_wait_closed(int fd, int timeout_ms);

void hc_free(hc_resp *r);

#endif
