#include "http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int hc_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = 20};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

const char *hc_header(const hc_resp *r, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    const char *line = strstr(r->head, "\r\n");
    while (line) {
        line += 2;
        if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ')
                v++;
            const char *end = strstr(v, "\r\n");
            size_t vlen = end ? (size_t)(end - v) : strlen(v);
            snprintf(out, size, "%.*s", (int)vlen, v);
            return out;
        }
        line = strstr(line, "\r\n");
    }
    return NULL;
}

int hc_exchange(int fd, const char *request, size_t len, int head, hc_resp *r)
{
    memset(r, 0, sizeof *r);
    r->content_length = -1;
    if (send_all(fd, request, len) < 0)
        return -1;
    /* Headers: a byte at a time is slow but never reads past them into the next response. */
    size_t hlen = 0;
    while (hlen < sizeof r->head - 1) {
        ssize_t n = recv(fd, r->head + hlen, 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        hlen++;
        r->head[hlen] = '\0';
        if (hlen >= 4 && memcmp(r->head + hlen - 4, "\r\n\r\n", 4) == 0)
            break;
    }
    if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
        return -1;
    char v[64];
    if (hc_header(r, "content-length", v, sizeof v))
        r->content_length = strtol(v, NULL, 10);
    size_t want = head ? 0 : r->content_length >= 0 ? (size_t)r->content_length : SIZE_MAX;
    size_t cap = want == SIZE_MAX ? 65536 : want + 1;
    r->body = malloc(cap);
    if (!r->body)
        return -1;
    while (r->body_len < want) {
        if (r->body_len + 1 >= cap) {
            cap *= 2;
            char *b = realloc(r->body, cap);
            if (!b)
                return -1;
            r->body = b;
        }
        size_t room = cap - 1 - r->body_len;
        if (want != SIZE_MAX && room > want - r->body_len)
            room = want - r->body_len;
        ssize_t n = recv(fd, r->body + r->body_len, room, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 && want == SIZE_MAX)
            break;
        if (n <= 0) {
            r->body[r->body_len] = '\0';
            return -1;
        }
        r->body_len += (size_t)n;
    }
    r->body[r->body_len] = '\0';
    return 0;
}

int hc_request(int port, const char *method, const char *path, hc_resp *r)
{
    int fd = hc_connect(port);
    if (fd < 0) {
        memset(r, 0, sizeof *r);
        return -1;
    }
    size_t len = strlen(method) + strlen(path) + 128;
    char *req = malloc(len);
    snprintf(req, len, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", method,
             path);
    int rc = hc_exchange(fd, req, strlen(req), strcmp(method, "HEAD") == 0, r);
    free(req);
    close(fd);
    return rc;
}

int hc_wait_closed(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        int n = poll(&p, 1, timeout_ms);
        if (n <= 0)
            return 0;
        char buf[4096];
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got <= 0)
            return 1;
    }
}

void hc_free(hc_resp *r)
{
    free(r->body);
    r->body = NULL;
}
