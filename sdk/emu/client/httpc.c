#define _GNU_SOURCE
#include "httpc.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HTTPC_MAX_HEAD (64 * 1024)
#define HTTPC_MAX_LINE 4096
#define HTTPC_MAX_BODY ((size_t)1 << 30)

struct httpc_conn {
    int fd;
    char host[300];     /* the Host header's value */
    char *buf;          /* received and not yet taken: buf[off, len) */
    size_t off, len, cap;
    int eof;            /* the server closed its side */
    int last;           /* the server said no further response comes */
};

const char *httpc_strerror(int err)
{
    switch (err) {
    case 0: return "ok";
    case HTTPC_EINVAL: return "invalid argument or unknown host";
    case HTTPC_ENOMEM: return "out of memory";
    case HTTPC_ECONNECT: return "connection refused or unreachable";
    case HTTPC_ETIMEDOUT: return "timed out";
    case HTTPC_ECLOSED: return "connection closed before a whole response";
    case HTTPC_EPROTO: return "malformed HTTP response";
    case HTTPC_EIO: return "socket error";
    default: return "unknown error";
    }
}

/* ---- time and waiting ---------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long deadline_in(int ms, int fallback)
{
    return now_ms() + (ms > 0 ? ms : fallback);
}

static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
        if (n > 0)
            return 0;
        if (n == 0)
            return HTTPC_ETIMEDOUT;
        if (errno != EINTR)
            return HTTPC_EIO;
    }
}

/* ---- the connection -------------------------------------------------------------- */

static int connect_fd(const char *host, int port, long long deadline, int *fd_out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai, *a;
    char serv[16];
    int rc = HTTPC_ECONNECT;
    snprintf(serv, sizeof serv, "%d", port);
    if (getaddrinfo(host, serv, &hints, &ai))
        return HTTPC_EINVAL;
    for (a = ai; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            rc = HTTPC_EIO;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            *fd_out = fd;
            rc = 0;
            break;
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            rc = wait_fd(fd, POLLOUT, deadline);
            if (!rc) {
                int err = 0;
                socklen_t len = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
                    err = errno;
                if (!err) {
                    *fd_out = fd;
                    break;
                }
                rc = err == ETIMEDOUT ? HTTPC_ETIMEDOUT : HTTPC_ECONNECT;
            }
        } else {
            rc = errno == ETIMEDOUT ? HTTPC_ETIMEDOUT : HTTPC_ECONNECT;
        }
        close(fd);
    }
    freeaddrinfo(ai);
    return rc;
}

int httpc_connect(httpc_conn **out, const char *host, int port, int timeout_ms)
{
    httpc_conn *c;
    int rc, fd = -1;
    *out = NULL;
    if (!host || port <= 0 || port > 65535)
        return HTTPC_EINVAL;
    rc = connect_fd(host, port, deadline_in(timeout_ms, HTTPC_CONNECT_TIMEOUT_MS), &fd);
    if (rc)
        return rc;
    c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return HTTPC_ENOMEM;
    }
    c->fd = fd;
    snprintf(c->host, sizeof c->host, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    *out = c;
    return 0;
}

void httpc_close(httpc_conn *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c->buf);
    free(c);
}

int httpc_fd(const httpc_conn *c)
{
    return c->fd;
}

static int send_all(httpc_conn *c, const char *p, size_t n, long long deadline)
{
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_fd(c->fd, POLLOUT, deadline);
            if (rc)
                return rc;
        } else {
            return w < 0 && (errno == EPIPE || errno == ECONNRESET) ? HTTPC_ECLOSED : HTTPC_EIO;
        }
    }
    return 0;
}

int httpc_send_raw(httpc_conn *c, const void *bytes, size_t n, int timeout_ms)
{
    return send_all(c, bytes, n, deadline_in(timeout_ms, HTTPC_TIMEOUT_MS));
}

/* Receives more bytes into the buffer (offsets into it stay valid, pointers do not). */
static int fill(httpc_conn *c, long long deadline)
{
    if (c->eof)
        return HTTPC_ECLOSED;
    if (c->off == c->len)
        c->off = c->len = 0;
    if (c->cap - c->len < 4096 && c->off) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    if (c->cap - c->len < 4096) {
        size_t cap = c->cap ? c->cap * 2 : 16384;
        char *nb = realloc(c->buf, cap);
        if (!nb)
            return HTTPC_ENOMEM;
        c->buf = nb;
        c->cap = cap;
    }
    for (;;) {
        ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (r > 0) {
            c->len += (size_t)r;
            return 0;
        }
        if (r == 0 || errno == ECONNRESET) {
            c->eof = 1;
            return HTTPC_ECLOSED;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(c->fd, POLLIN, deadline);
            if (rc)
                return rc;
        } else if (errno != EINTR) {
            return HTTPC_EIO;
        }
    }
}

int httpc_wait_closed(httpc_conn *c, int timeout_ms)
{
    long long deadline = deadline_in(timeout_ms, HTTPC_TIMEOUT_MS);
    for (;;) {
        int rc;
        c->off = c->len;
        rc = fill(c, deadline);
        if (rc == HTTPC_ECLOSED)
            return 1;
        if (rc)
            return 0;
    }
}

/* The offset just past the next `sep` within `max` bytes, receiving more as needed. */
static int find_sep(httpc_conn *c, const char *sep, size_t max, long long deadline, size_t *end)
{
    size_t sl = strlen(sep), scanned = 0; /* bytes past c->off where no sep can start */
    for (;;) {
        size_t held = c->len - c->off;
        const char *p = held > scanned ? memmem(c->buf + c->off + scanned, held - scanned, sep, sl) : NULL;
        int rc;
        if (p) {
            *end = (size_t)(p - c->buf) + sl;
            return 0;
        }
        if (held > max)
            return HTTPC_EPROTO;
        scanned = held >= sl ? held - sl + 1 : 0;
        rc = fill(c, deadline);
        if (rc)
            return rc;
    }
}

/* ---- the response -------------------------------------------------------------------- */

void httpc_response_free(httpc_response *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->head);
    free(r->body);
    free(r);
}

const char *httpc_header_get(const httpc_response *r, const char *name)
{
    for (size_t i = 0; r && i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return strndup(s, n);
}

/* Status line and headers from head (n bytes, ending with the CRLF of its last line). */
static int parse_head(httpc_response *r, const char *head, size_t n)
{
    size_t lines = 0;
    const char *p, *end;
    int minor;
    char sp;
    r->head = strndup(head, n);
    if (!r->head)
        return HTTPC_ENOMEM;
    head = r->head;
    end = head + n;
    if (sscanf(head, "HTTP/1.%d %3d%c", &minor, &r->status, &sp) != 3 || r->status < 100 ||
        (sp != ' ' && sp != '\r'))
        return HTTPC_EPROTO;
    for (p = head; p < end; p++)
        lines += *p == '\n';
    r->headers = calloc(lines, sizeof *r->headers);
    if (!r->headers)
        return HTTPC_ENOMEM;
    p = strchr(head, '\n') + 1;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
        const char *colon = memchr(p, ':', (size_t)(line_end - p));
        if (colon && colon > p && *p != ' ' && *p != '\t') {
            httpc_header *h = &r->headers[r->nheaders];
            h->name = trimmed(p, (size_t)(colon - p));
            h->value = trimmed(colon + 1, (size_t)(line_end - colon - 1));
            if (!h->name || !h->value) {
                free(h->name);
                free(h->value);
                return HTTPC_ENOMEM;
            }
            r->nheaders++;
        }
        p = eol + 1;
    }
    return 0;
}

typedef struct body_buf {
    char *p;
    size_t len, cap;
} body_buf;

static int body_add(body_buf *b, const char *p, size_t n)
{
    if (b->len + n > HTTPC_MAX_BODY)
        return HTTPC_EPROTO;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *nb;
        while (cap < b->len + n + 1)
            cap *= 2;
        nb = realloc(b->p, cap);
        if (!nb)
            return HTTPC_ENOMEM;
        b->p = nb;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* Moves `n` bytes (all until the server closes when n is SIZE_MAX) into the body. */
static int take(httpc_conn *c, body_buf *b, size_t n, long long deadline)
{
    while (n) {
        size_t k = c->len - c->off;
        int rc;
        if (k > n)
            k = n;
        if (k) {
            rc = body_add(b, c->buf + c->off, k);
            if (rc)
                return rc;
            c->off += k;
            if (n != SIZE_MAX)
                n -= k;
            continue;
        }
        rc = fill(c, deadline);
        if (rc == HTTPC_ECLOSED && n == SIZE_MAX)
            return 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* One line of the chunked coding, without its CRLF, into line (NUL-terminated). */
static int chunk_line(httpc_conn *c, char *line, size_t size, long long deadline)
{
    size_t end;
    int rc = find_sep(c, "\r\n", HTTPC_MAX_LINE, deadline, &end);
    if (rc)
        return rc;
    if (end - 2 - c->off >= size)
        return HTTPC_EPROTO;
    memcpy(line, c->buf + c->off, end - 2 - c->off);
    line[end - 2 - c->off] = '\0';
    c->off = end;
    return 0;
}

static int take_chunked(httpc_conn *c, body_buf *b, long long deadline)
{
    char line[HTTPC_MAX_LINE + 1];
    for (;;) {
        char *end;
        unsigned long long size;
        int rc = chunk_line(c, line, sizeof line, deadline);
        if (rc)
            return rc;
        errno = 0;
        size = strtoull(line, &end, 16);
        if (end == line || errno || (*end && *end != ';' && *end != ' ' && *end != '\t') ||
            size > HTTPC_MAX_BODY)
            return HTTPC_EPROTO;
        if (size == 0)
            break;
        rc = take(c, b, (size_t)size, deadline);
        if (rc)
            return rc;
        rc = chunk_line(c, line, sizeof line, deadline);
        if (rc)
            return rc;
        if (line[0])
            return HTTPC_EPROTO;
    }
    /* Trailer fields, dropped, up to the empty line. */
    do {
        int rc = chunk_line(c, line, sizeof line, deadline);
        if (rc)
            return rc;
    } while (line[0]);
    return 0;
}

static int read_one(httpc_conn *c, int head_only, long long deadline, httpc_response *r)
{
    const char *te, *cl, *conn;
    body_buf b = {0};
    size_t end;
    int rc = find_sep(c, "\r\n\r\n", HTTPC_MAX_HEAD, deadline, &end);
    if (rc)
        return rc;
    rc = parse_head(r, c->buf + c->off, end - 2 - c->off);
    c->off = end;
    if (rc)
        return rc;
    r->content_length = -1;
    te = httpc_header_get(r, "transfer-encoding");
    cl = httpc_header_get(r, "content-length");
    conn = httpc_header_get(r, "connection");
    if (cl) {
        char *e;
        errno = 0;
        r->content_length = strtoll(cl, &e, 10);
        if (e == cl || *e || errno || r->content_length < 0)
            return HTTPC_EPROTO;
    }
    if (conn && strcasestr(conn, "close"))
        c->last = 1;
    /* The body is always a string, "" when there is none. */
    rc = body_add(&b, "", 0);
    if (rc || head_only || r->status / 100 == 1 || r->status == 204 || r->status == 304) {
        /* No body. */
    } else if (te && strcasestr(te, "chunked")) {
        r->chunked = 1;
        rc = take_chunked(c, &b, deadline);
    } else if (r->content_length >= 0) {
        rc = take(c, &b, (size_t)r->content_length, deadline);
    } else {
        c->last = 1;
        rc = take(c, &b, SIZE_MAX, deadline);
    }
    r->body = b.p;
    r->body_len = b.len;
    return rc;
}

static int read_response(httpc_conn *c, int head_only, long long deadline, httpc_response **out)
{
    *out = NULL;
    for (;;) {
        httpc_response *r = calloc(1, sizeof *r);
        int rc;
        if (!r)
            return HTTPC_ENOMEM;
        rc = c->last && c->off == c->len ? HTTPC_ECLOSED : read_one(c, head_only, deadline, r);
        if (rc) {
            httpc_response_free(r);
            return rc;
        }
        /* An interim answer (100 Continue, 103 Early Hints): the real one follows. */
        if (r->status / 100 == 1 && r->status != 101) {
            httpc_response_free(r);
            continue;
        }
        *out = r;
        return 0;
    }
}

int httpc_read_response(httpc_conn *c, int head_only, int timeout_ms, httpc_response **out)
{
    return read_response(c, head_only, deadline_in(timeout_ms, HTTPC_TIMEOUT_MS), out);
}

/* ---- requests ------------------------------------------------------------------------ */

static int has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n");
}

/* Nothing a caller gives may end a line early (and so add a header or a request). */
static int request_valid(const httpc_request *q)
{
    if (!q->path || !q->path[0] || has_crlf(q->method) || strpbrk(q->path, " \r\n") || has_crlf(q->content_type))
        return 0;
    for (size_t i = 0; q->headers && q->headers[i]; i++)
        if (has_crlf(q->headers[i]))
            return 0;
    return 1;
}

static int request(httpc_conn *c, const httpc_request *q, int close_after, httpc_response **out)
{
    const char *method = q->method ? q->method : "GET";
    long long deadline = deadline_in(q->timeout_ms, HTTPC_TIMEOUT_MS);
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int sent;
    *out = NULL;
    if (!request_valid(q))
        return HTTPC_EINVAL;
    f = open_memstream(&text, &len);
    if (!f)
        return HTTPC_ENOMEM;
    fprintf(f, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, q->path, c->host);
    if (close_after)
        fputs("Connection: close\r\n", f);
    for (size_t i = 0; q->headers && q->headers[i]; i++)
        fprintf(f, "%s\r\n", q->headers[i]);
    if (q->content_type)
        fprintf(f, "Content-Type: %s\r\n", q->content_type);
    if (q->body || !strcmp(method, "POST") || !strcmp(method, "PUT") || !strcmp(method, "PATCH"))
        fprintf(f, "Content-Length: %zu\r\n", q->body ? q->body_len : 0);
    fputs("\r\n", f);
    if (q->body)
        fwrite(q->body, 1, q->body_len, f);
    if (fclose(f)) {
        free(text);
        return HTTPC_ENOMEM;
    }
    sent = send_all(c, text, len, deadline);
    free(text);
    if (sent && sent != HTTPC_ECLOSED)
        return sent;
    /* A server may answer and close before reading all of a request: read what it said. */
    return read_response(c, !strcmp(method, "HEAD"), deadline, out);
}

int httpc_request_on(httpc_conn *c, const httpc_request *q, httpc_response **out)
{
    return request(c, q, 0, out);
}

int httpc_fetch(const char *host, int port, const httpc_request *q, httpc_response **out)
{
    httpc_conn *c;
    int rc;
    *out = NULL;
    if (!request_valid(q))
        return HTTPC_EINVAL;
    rc = httpc_connect(&c, host, port, q->connect_timeout_ms);
    if (rc)
        return rc;
    rc = request(c, q, 1, out);
    httpc_close(c);
    return rc;
}
