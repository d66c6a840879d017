/*
 * Test support: process control, HTTP through httpc (sdk/emu/client) and a
 * minimal websocket client, all over loopback sockets.
 */
#define _GNU_SOURCE
#include "emu_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int et_failures;
int et_emu_check_schema = 1;

/* Emulators still running when a test gives up early are stopped at exit. */
static pid_t et_running[8];

static void et_kill_running(void)
{
    for (int i = 0; i < 8; i++)
        if (et_running[i] > 0) {
            kill(et_running[i], SIGKILL);
            waitpid(et_running[i], NULL, 0);
        }
}

int et_emu_start(et_emu *e, const char *const *args)
{
    int pipefd[2];
    const char *argv[32];
    int n = 0;
    char line[256];
    FILE *f;
    memset(e, 0, sizeof *e);
    if (pipe(pipefd))
        return -1;
    argv[n++] = EMU_BINARY;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
#ifdef EMU_OPENAPI
    /* Every REST answer a test receives is checked against Discord's description: the emulator exits 3 otherwise. */
    if (et_emu_check_schema) {
        argv[n++] = "--openapi";
        argv[n++] = EMU_OPENAPI;
    }
#endif
    for (int i = 0; args && args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    e->pid = fork();
    if (e->pid < 0)
        return -1;
    if (e->pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execv(EMU_BINARY, (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    {
        static int registered;
        if (!registered++)
            atexit(et_kill_running);
        for (int i = 0; i < 8; i++)
            if (et_running[i] <= 0) {
                et_running[i] = e->pid;
                break;
            }
    }
    f = fdopen(pipefd[0], "r");
    if (!f || !fgets(line, sizeof line, f) || sscanf(line, "bothost-emu listening http://127.0.0.1:%d", &e->port) != 1) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    snprintf(e->url, sizeof e->url, "http://127.0.0.1:%d", e->port);
    return 0;
}

int et_emu_stop(et_emu *e)
{
    int st = 0;
    if (e->pid <= 0)
        return -1;
    kill(e->pid, SIGTERM);
    waitpid(e->pid, &st, 0);
    for (int i = 0; i < 8; i++)
        if (et_running[i] == e->pid)
            et_running[i] = 0;
    e->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int et_http_do(et_emu *e, const char *method, const char *path, const char *auth, json_t *body, et_http *out)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char auth_line[256];
    const char *headers[] = {auth_line, NULL};
    httpc_request q = {.method = method, .path = path, .headers = auth ? headers : NULL,
                       .content_type = "application/json", .body = text,
                       .body_len = text ? strlen(text) : 0, .timeout_ms = 20000};
    int rc;
    memset(out, 0, sizeof *out);
    snprintf(auth_line, sizeof auth_line, "Authorization: %s", auth ? auth : "");
    rc = httpc_fetch("127.0.0.1", e->port, &q, &out->res);
    if (!rc) {
        out->status = out->res->status;
        out->body = httpc_json_body(out->res);
    }
    json_decref(body);
    free(text);
    return rc ? -1 : 0;
}

void et_http_free(et_http *r)
{
    json_decref(r->body);
    r->body = NULL;
    httpc_response_free(r->res);
    r->res = NULL;
}

static json_t *et_call(et_emu *e, const char *method, const char *path, const char *auth, json_t *body, int *status)
{
    et_http r;
    json_t *answer;
    int rc = et_http_do(e, method, path, auth, body, &r);
    if (status)
        *status = rc ? -1 : r.status;
    answer = r.body;
    r.body = NULL;
    et_http_free(&r);
    return answer;
}

json_t *et_rest(et_emu *e, const char *method, const char *path, json_t *body, int *status)
{
    char full[512];
    snprintf(full, sizeof full, "/api/v10%s", path);
    return et_call(e, method, full, "Bot test-token", body, status);
}

json_t *et_ctl(et_emu *e, const char *method, const char *path, json_t *body, int *status)
{
    return et_call(e, method, path, NULL, body, status);
}

/* ---- websocket --------------------------------------------------------------------- */

/* The gateway's socket: a blocking one, for the frame reader below. */
static int et_connect(int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {.tv_sec = 20, .tv_usec = 0};
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int et_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int et_ws_open(et_ws *w, et_emu *e, const char *query)
{
    char req[512], buf[2048];
    size_t len = 0;
    memset(w, 0, sizeof *w);
    w->fd = et_connect(e->port);
    if (w->fd < 0)
        return -1;
    snprintf(req, sizeof req,
             "GET /%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
             query, e->port);
    if (et_write_all(w->fd, req, strlen(req)))
        return -1;
    /* Read the handshake byte by byte so no frame data is swallowed. */
    while (len < sizeof buf - 1) {
        if (read(w->fd, buf + len, 1) != 1)
            return -1;
        len++;
        buf[len] = '\0';
        if (len >= 4 && !memcmp(buf + len - 4, "\r\n\r\n", 4))
            break;
    }
    if (!strstr(buf, " 101 "))
        return -1;
    if (strstr(query, "compress=zlib-stream")) {
        w->zlib = 1;
        if (inflateInit(&w->zs) != Z_OK)
            return -1;
    }
    return 0;
}

static int et_ws_frame(et_ws *w, int opcode, const void *data, size_t n)
{
    unsigned char hdr[14], mask[4] = {0x12, 0x34, 0x56, 0x78};
    size_t h = 0;
    unsigned char *p = malloc(n + 14);
    int rc;
    if (!p)
        return -1;
    hdr[h++] = (unsigned char)(0x80 | opcode);
    if (n < 126) {
        hdr[h++] = (unsigned char)(0x80 | n);
    } else {
        hdr[h++] = 0x80 | 126;
        hdr[h++] = (unsigned char)(n >> 8);
        hdr[h++] = (unsigned char)n;
    }
    memcpy(hdr + h, mask, 4);
    h += 4;
    memcpy(p, hdr, h);
    for (size_t i = 0; i < n; i++)
        p[h + i] = ((const unsigned char *)data)[i] ^ mask[i & 3];
    rc = et_write_all(w->fd, p, h + n);
    free(p);
    return rc;
}

int et_ws_send_raw(et_ws *w, const char *text)
{
    return et_ws_frame(w, 1, text, strlen(text));
}

int et_ws_send(et_ws *w, json_t *payload)
{
    char *s = json_dumps(payload, JSON_COMPACT);
    int rc = s ? et_ws_send_raw(w, s) : -1;
    free(s);
    json_decref(payload);
    return rc;
}

static int et_read_n(int fd, void *buf, size_t n, int timeout_ms)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t r;
        if (poll(&pfd, 1, timeout_ms) <= 0)
            return -1;
        r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return -2;
        got += (size_t)r;
    }
    return 0;
}

json_t *et_ws_recv(et_ws *w, int timeout_ms)
{
    for (;;) {
        unsigned char h[2], ext[8];
        uint64_t n;
        unsigned char *data;
        int op, rc;
        if (w->closed)
            return NULL;
        rc = et_read_n(w->fd, h, 2, timeout_ms);
        if (rc) {
            if (rc == -2)
                w->closed = 1;
            return NULL;
        }
        op = h[0] & 0x0f;
        n = h[1] & 0x7f;
        if (n == 126) {
            if (et_read_n(w->fd, ext, 2, timeout_ms))
                return NULL;
            n = ((uint64_t)ext[0] << 8) | ext[1];
        } else if (n == 127) {
            if (et_read_n(w->fd, ext, 8, timeout_ms))
                return NULL;
            n = 0;
            for (int i = 0; i < 8; i++)
                n = (n << 8) | ext[i];
        }
        data = malloc(n + 1);
        if (!data || (n && et_read_n(w->fd, data, n, timeout_ms))) {
            free(data);
            return NULL;
        }
        data[n] = 0;
        if (op == 8) {
            w->close_code = n >= 2 ? (data[0] << 8) | data[1] : 1005;
            w->closed = 1;
            free(data);
            return NULL;
        }
        if (op == 1) {
            json_t *v = json_loadb((char *)data, n, 0, NULL);
            free(data);
            return v;
        }
        if (op == 2 && w->zlib) {
            unsigned char out[1 << 16];
            char *acc = NULL;
            size_t alen = 0;
            json_t *v;
            w->last_frame_flushed = n >= 4 && !memcmp(data + n - 4, "\x00\x00\xff\xff", 4);
            w->zs.next_in = data;
            w->zs.avail_in = (uInt)n;
            do {
                int zr;
                char *na;
                w->zs.next_out = out;
                w->zs.avail_out = sizeof out;
                zr = inflate(&w->zs, Z_SYNC_FLUSH);
                if (zr != Z_OK && zr != Z_BUF_ERROR)
                    break;
                na = realloc(acc, alen + (sizeof out - w->zs.avail_out) + 1);
                if (!na)
                    break;
                acc = na;
                memcpy(acc + alen, out, sizeof out - w->zs.avail_out);
                alen += sizeof out - w->zs.avail_out;
            } while (w->zs.avail_out == 0);
            free(data);
            v = acc ? json_loadb(acc, alen, 0, NULL) : NULL;
            free(acc);
            return v;
        }
        free(data);
    }
}

json_t *et_ws_wait(et_ws *w, const char *t, int op, int timeout_ms)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left;
        json_t *v;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        left = timeout_ms - ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0)
            return NULL;
        v = et_ws_recv(w, (int)left);
        if (!v)
            return NULL;
        if (t && json_is_string(json_object_get(v, "t")) && !strcmp(json_string_value(json_object_get(v, "t")), t))
            return v;
        if (!t && json_integer_value(json_object_get(v, "op")) == op)
            return v;
        json_decref(v);
    }
}

void et_ws_close(et_ws *w)
{
    if (w->fd > 0)
        close(w->fd);
    if (w->zlib)
        inflateEnd(&w->zs);
    w->fd = -1;
}

json_t *et_identify(et_ws *w, int shard, int shards, long intents)
{
    json_t *hello = et_ws_wait(w, NULL, 10, 5000);
    if (!hello)
        return NULL;
    json_decref(hello);
    et_ws_send(w, json_pack("{s:i, s:{s:s, s:I, s:{s:s, s:s, s:s}, s:[ii]}}", "op", 2, "d", "token", "test-token",
                            "intents", (json_int_t)intents, "properties", "os", "linux", "browser", "emu-test", "device",
                            "emu-test", "shard", shard, shards));
    return et_ws_wait(w, "READY", 0, 5000);
}
