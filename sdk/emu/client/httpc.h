/*
 * httpc: a small blocking HTTP/1.1 client for loopback tools and tests.
 *
 * One request at a time on a plain TCP socket. Bodies framed by
 * Content-Length, by chunked transfer coding or by the server closing are all
 * read; every wait has a limit in milliseconds, and a limit that passes is
 * reported as HTTPC_ETIMEDOUT, not as a closed connection. Functions return 0
 * or a negative HTTPC_E* code; they never exit and never print.
 */
#ifndef BOTHOST_HTTPC_H
#define BOTHOST_HTTPC_H

#include <stddef.h>

enum {
    HTTPC_EINVAL = -1,    /* a bad argument, or a host that does not resolve */
    HTTPC_ENOMEM = -2,
    HTTPC_ECONNECT = -3,  /* refused or unreachable */
    HTTPC_ETIMEDOUT = -4, /* connecting, sending or reading took longer than allowed */
    HTTPC_ECLOSED = -5,   /* the server closed (or reset) before a whole response */
    HTTPC_EPROTO = -6,    /* not an HTTP/1.x response, a bad chunk, a head over 64 KiB */
    HTTPC_EIO = -7,       /* another socket error */
};

/* Default limits, used where a request gives 0. */
#define HTTPC_CONNECT_TIMEOUT_MS 5000
#define HTTPC_TIMEOUT_MS 30000

/* A short English text for an HTTPC_E* code. */
const char *httpc_strerror(int err);

typedef struct httpc_header {
    char *name;  /* as the server spelled it */
    char *value; /* without surrounding blanks */
} httpc_header;

/* One response, owned by the caller: httpc_response_free(). */
typedef struct httpc_response {
    int status;
    char *head;           /* status line and header lines as received, NUL-terminated */
    httpc_header *headers;
    size_t nheaders;
    char *body;           /* NUL-terminated (the body may hold NULs too: see body_len) */
    size_t body_len;
    long long content_length; /* the header's value, or -1 when absent */
    int chunked;          /* the body came with Transfer-Encoding: chunked */
} httpc_response;

void httpc_response_free(httpc_response *r);
/* The value of the first header named `name` (case-insensitive), or NULL. */
const char *httpc_header_get(const httpc_response *r, const char *name);

typedef struct httpc_request {
    const char *method;          /* "GET" when NULL */
    const char *path;            /* with the query string: "/_emu/stats?x=1" */
    const char *const *headers;  /* extra "Name: value" lines, NULL-terminated; may be NULL */
    const char *content_type;    /* sent when not NULL */
    const char *body;            /* may be NULL: then body_len is ignored */
    size_t body_len;
    int connect_timeout_ms;      /* 0: HTTPC_CONNECT_TIMEOUT_MS */
    int timeout_ms;              /* sending the request and reading its whole answer; 0: HTTPC_TIMEOUT_MS */
} httpc_request;

/*
 * Connects to host:port, sends the request with Connection: close, reads the
 * answer and closes. On 0, *out is the response; on an error, *out is NULL.
 */
int httpc_fetch(const char *host, int port, const httpc_request *q, httpc_response **out);

/*
 * ---- one connection, for keep-alive, pipelining and raw bytes ----------------
 * After an error other than an answer's own (a timeout, a protocol error) the
 * connection is in an unknown state: close it.
 */

typedef struct httpc_conn httpc_conn;

int httpc_connect(httpc_conn **out, const char *host, int port, int timeout_ms);
/* Closes the socket and frees the connection (NULL is fine). */
void httpc_close(httpc_conn *c);
/* The socket, for a test that wants to poke at it. */
int httpc_fd(const httpc_conn *c);

/* Sends q on c (kept alive unless q's headers say otherwise) and reads its answer. */
int httpc_request_on(httpc_conn *c, const httpc_request *q, httpc_response **out);
/* Sends `n` bytes as they are. */
int httpc_send_raw(httpc_conn *c, const void *bytes, size_t n, int timeout_ms);
/*
 * Reads the next response on c (bytes read past it stay for the next call).
 * `head_only`: the answer to a HEAD, whose Content-Length announces no body.
 */
int httpc_read_response(httpc_conn *c, int head_only, int timeout_ms, httpc_response **out);
/* 1 when the server closes c within timeout_ms (what it sends first is dropped), else 0. */
int httpc_wait_closed(httpc_conn *c, int timeout_ms);

#endif
