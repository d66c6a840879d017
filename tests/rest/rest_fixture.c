#define _GNU_SOURCE
#include "rest_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "tsup_http.h"

/* ---- the emulator ------------------------------------------------------------------ */

static pid_t emu_pid;
static int emu_port_no;
static char emu_base[128];

int emu_start(void)
{
    if (emu_pid)
        return emu_port_no;
    int out[2];
    CHECK(pipe2(out, O_CLOEXEC) == 0);
    const char *bin = BH_BINARY_DIR "/bin/bothost-emu";
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The emulator dies with the test, even when a CHECK ends it early. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(out[1], 1);
        /* Every REST answer is checked against Discord's description: exit status 3 otherwise. */
        execl(bin, bin, "--listen", "127.0.0.1:0", "--token", "test-token", "--openapi", BH_DISCORD_OPENAPI,
              (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    char line[256];
    size_t n = 0;
    while (n < sizeof line - 1) {
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        CHECK(poll(&p, 1, 10000) == 1);
        ssize_t k = read(out[0], line + n, 1);
        CHECK(k == 1);
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(out[0]);
    const char *colon = strrchr(line, ':');
    CHECK(strstr(line, "listening http://") && colon);
    emu_pid = pid;
    emu_port_no = atoi(colon + 1);
    CHECK(emu_port_no > 0);
    snprintf(emu_base, sizeof emu_base, "http://127.0.0.1:%d/api/v10", emu_port_no);
    return emu_port_no;
}

void emu_stop(void)
{
    if (!emu_pid)
        return;
    kill(emu_pid, SIGTERM);
    int st;
    CHECK(waitpid(emu_pid, &st, 0) == emu_pid);
    emu_pid = 0;
    /* 0 on SIGTERM; 3 when an answer did not fit openapi.json (its stderr says which). */
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

const char *emu_api_base(void)
{
    return emu_base;
}

json_t *emu_http(const char *method, const char *path, const char *body, int *status)
{
    return tsup_http_json(emu_port_no, method, path, body, status);
}

void emu_reset(void)
{
    int st;
    json_t *j = emu_http("POST", "/_emu/reset", "{}", &st);
    CHECK_EQ_INT(st, 200);
    json_decref(j);
}

void emu_fault(const char *spec_json)
{
    int st;
    json_t *j = emu_http("POST", "/_emu/faults/rest", spec_json, &st);
    if (st != 200)
        fprintf(stderr, "fault %s refused: %s\n", spec_json,
                json_string_value(json_object_get(j, "error")));
    CHECK_EQ_INT(st, 200);
    json_decref(j);
}

int emu_violations(void)
{
    int st;
    json_t *j = emu_http("GET", "/_emu/violations", NULL, &st);
    CHECK_EQ_INT(st, 200);
    json_t *v = json_object_get(j, "violations");
    int n = (int)json_array_size(v);
    if (n) {
        char *s = json_dumps(v, JSON_COMPACT);
        fprintf(stderr, "emulator violations: %s\n", s);
        free(s);
    }
    json_decref(j);
    return n;
}

json_t *emu_requests(const char *route)
{
    char path[512], enc[400];
    size_t o = 0;
    for (const char *p = route; p && *p && o + 4 < sizeof enc; p++) {
        if (*p == '{' || *p == '}' || *p == ' ' || *p == '@')
            o += (size_t)snprintf(enc + o, sizeof enc - o, "%%%02X", (unsigned char)*p);
        else
            enc[o++] = *p;
    }
    enc[o] = '\0';
    if (route)
        snprintf(path, sizeof path, "/_emu/requests?limit=100000&route=%s", enc);
    else
        snprintf(path, sizeof path, "/_emu/requests?limit=100000");
    int st;
    json_t *j = emu_http("GET", path, NULL, &st);
    CHECK_EQ_INT(st, 200);
    json_t *arr = json_incref(json_object_get(j, "requests"));
    json_decref(j);
    CHECK(json_is_array(arr));
    return arr;
}

static char guild_id[32];

const char *emu_guild_id(void)
{
    int st;
    json_t *j = emu_http("GET", "/_emu", NULL, &st);
    CHECK_EQ_INT(st, 200);
    snprintf(guild_id, sizeof guild_id, "%s",
             json_string_value(json_object_get(json_array_get(json_object_get(j, "guilds"), 0), "id")));
    json_decref(j);
    return guild_id;
}

const char *emu_channel_id(const char *name)
{
    static char id[32];
    char path[128];
    snprintf(path, sizeof path, "/api/v10/guilds/%s/channels", emu_guild_id());
    int st;
    json_t *j = emu_http("GET", path, NULL, &st);
    CHECK_EQ_INT(st, 200);
    size_t i;
    json_t *c;
    id[0] = '\0';
    json_array_foreach(j, i, c)
        if (!strcmp(json_string_value(json_object_get(c, "name")), name))
            snprintf(id, sizeof id, "%s", json_string_value(json_object_get(c, "id")));
    json_decref(j);
    CHECK(id[0]);
    return id;
}

/* ---- the loop ------------------------------------------------------------------------ */

void fx_open(fx *f, const char *api_base, const rest_opts *opts)
{
    memset(f, 0, sizeof *f);
    CHECK(uv_loop_init(&f->loop) == 0);
    rest_opts o;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof o);
    o.api_base = api_base;
    if (!o.token)
        o.token = "test-token";
    CHECK(rest_create(&f->r, &f->loop, &o) == 0);
}

void fx_close(fx *f)
{
    if (f->r)
        rest_destroy(f->r);
    f->r = NULL;
    if (f->prep_on)
        uv_close((uv_handle_t *)&f->prep, NULL);
    f->prep_on = 0;
    /* Let every close callback run: the client's handles, the test's own. */
    for (int i = 0; i < 10 && uv_run(&f->loop, UV_RUN_NOWAIT); i++)
        ;
    int rc = uv_loop_close(&f->loop);
    if (rc != 0) {
        fprintf(stderr, "uv_loop_close: %s; handles left:\n", uv_strerror(rc));
        uv_print_all_handles(&f->loop, stderr);
    }
    CHECK_EQ_INT(rc, 0);
}

/*
 * Right before the loop would wait for events: once the flag is set (by a
 * timer's callback, say), stop instead of waiting for the next event.
 */
static void on_prepare(uv_prepare_t *p)
{
    if (*(const int *)p->data)
        uv_stop(p->loop);
}

void fx_run_until(fx *f, const int *flag, int timeout_ms)
{
    uint64_t start = uv_hrtime();
    if (!f->prep_on) {
        uv_prepare_init(&f->loop, &f->prep);
        uv_unref((uv_handle_t *)&f->prep);
        f->prep_on = 1;
    }
    f->prep.data = (void *)flag;
    uv_prepare_start(&f->prep, on_prepare);
    while (!*flag) {
        uv_run(&f->loop, UV_RUN_ONCE);
        if ((uv_hrtime() - start) / 1000000 > (uint64_t)timeout_ms) {
            fprintf(stderr, "timed out after %d ms waiting on the loop\n", timeout_ms);
            exit(1);
        }
    }
    uv_prepare_stop(&f->prep);
}

void fx_cb(rest_response *res, void *arg)
{
    fx_answer *a = arg;
    CHECK(!a->done);
    a->done = 1;
    a->res = res;
    a->at_ms = uv_hrtime() / 1000000;
}

void fx_send(fx *f, fx_answer *a, const char *method, const char *path, const char *body,
             const char *reason)
{
    memset(a, 0, sizeof *a);
    rest_req q = {.method = method, .path = path, .body = body, .reason = reason};
    int rc = rest_request(f->r, &q, fx_cb, a);
    if (rc != 0)
        fprintf(stderr, "rest_request %s %s: %d\n", method, path, rc);
    CHECK_EQ_INT(rc, 0);
}

void fx_do(fx *f, fx_answer *a, const char *method, const char *path, const char *body)
{
    fx_send(f, a, method, path, body, NULL);
    fx_run_until(f, &a->done, 30000);
}

/* ---- the raw server -------------------------------------------------------------------- */

typedef struct raw_conn {
    uv_tcp_t tcp;
    raw_server *s;
    char *buf;
    size_t len, cap;
    int answered;
} raw_conn;

struct raw_server {
    uv_tcp_t listener;
    uv_loop_t *loop;
    char *response;
    char **reqs;
    int nreqs;
    int open;           /* handles not yet closed */
    int stopping;
    raw_conn *conns[64];
    int nconns;
};

static void raw_maybe_free(raw_server *s)
{
    if (s->open > 0)
        return;
    for (int i = 0; i < s->nreqs; i++)
        free(s->reqs[i]);
    free(s->reqs);
    free(s->response);
    free(s);
}

static void raw_conn_closed(uv_handle_t *h)
{
    raw_conn *c = h->data;
    raw_server *s = c->s;
    for (int i = 0; i < s->nconns; i++)
        if (s->conns[i] == c)
            s->conns[i] = NULL;
    free(c->buf);
    free(c);
    s->open--;
    if (s->stopping)
        raw_maybe_free(s);
}

static void raw_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    raw_conn *c = h->data;
    if (c->len + suggested + 1 > c->cap) {
        c->cap = c->len + suggested + 1;
        c->buf = realloc(c->buf, c->cap);
        CHECK(c->buf);
    }
    b->base = c->buf + c->len;
    b->len = c->cap - c->len - 1;
}

static void raw_written(uv_write_t *w, int status)
{
    raw_conn *c = w->data;
    free(w);
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, raw_conn_closed);
}

static void raw_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
    raw_conn *c = st->data;
    if (n < 0) {
        if (!uv_is_closing((uv_handle_t *)st))
            uv_close((uv_handle_t *)st, raw_conn_closed);
        return;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    char *hend = strstr(c->buf, "\r\n\r\n");
    if (!hend || c->answered)
        return;
    const char *cl = strcasestr(c->buf, "content-length:");
    size_t body = cl && cl < hend ? (size_t)atol(cl + 15) : 0;
    if ((size_t)(hend + 4 - c->buf) + body > c->len)
        return;
    raw_server *s = c->s;
    s->reqs = realloc(s->reqs, (size_t)(s->nreqs + 1) * sizeof *s->reqs);
    CHECK(s->reqs);
    s->reqs[s->nreqs++] = strdup(c->buf);
    c->answered = 1;
    if (!s->response)
        return;
    uv_write_t *w = malloc(sizeof *w);
    CHECK(w);
    w->data = c;
    uv_buf_t out = uv_buf_init(s->response, (unsigned)strlen(s->response));
    CHECK(uv_write(w, st, &out, 1, raw_written) == 0);
}

static void raw_accept(uv_stream_t *l, int status)
{
    raw_server *s = l->data;
    CHECK(status == 0);
    raw_conn *c = calloc(1, sizeof *c);
    CHECK(c);
    c->s = s;
    uv_tcp_init(s->loop, &c->tcp);
    c->tcp.data = c;
    s->open++;
    CHECK(uv_accept(l, (uv_stream_t *)&c->tcp) == 0);
    if (s->nconns < 64)
        s->conns[s->nconns++] = c;
    uv_read_start((uv_stream_t *)&c->tcp, raw_alloc, raw_read);
}

raw_server *raw_start(uv_loop_t *loop, const char *response)
{
    raw_server *s = calloc(1, sizeof *s);
    CHECK(s);
    s->loop = loop;
    s->response = response ? strdup(response) : NULL;
    uv_tcp_init(loop, &s->listener);
    s->listener.data = s;
    s->open = 1;
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", 0, &a);
    CHECK(uv_tcp_bind(&s->listener, (struct sockaddr *)&a, 0) == 0);
    CHECK(uv_listen((uv_stream_t *)&s->listener, 64, raw_accept) == 0);
    return s;
}

int raw_port(raw_server *s)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    CHECK(uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) == 0);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int raw_count(raw_server *s)
{
    return s->nreqs;
}

const char *raw_request(raw_server *s, int i)
{
    CHECK(i < s->nreqs);
    return s->reqs[i];
}

static void raw_listener_closed(uv_handle_t *h)
{
    raw_server *s = h->data;
    s->open--;
    raw_maybe_free(s);
}

void raw_stop(raw_server *s)
{
    s->stopping = 1;
    for (int i = 0; i < s->nconns; i++)
        if (s->conns[i] && !uv_is_closing((uv_handle_t *)&s->conns[i]->tcp))
            uv_close((uv_handle_t *)&s->conns[i]->tcp, raw_conn_closed);
    uv_close((uv_handle_t *)&s->listener, raw_listener_closed);
}
