#define _GNU_SOURCE
#include "gwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

uint64_t gwt_now_ms(void)
{
    return uv_hrtime() / 1000000;
}

/* ---- the emulator process ------------------------------------------------------ */

static gwt_emu *running_emu;

/* On a failed CHECK: show what the emulator said, and whether it is still alive. */
static void emu_report_at_exit(void)
{
    gwt_emu *e = running_emu;
    if (!e || !e->proc)
        return;
    tsup_proc_pump(e->proc, 200);
    int st;
    pid_t r = waitpid(tsup_proc_pid(e->proc), &st, WNOHANG);
    if (r > 0 && WIFSIGNALED(st))
        fprintf(stderr, "bothost-emu died with signal %d\n", WTERMSIG(st));
    else if (r > 0)
        fprintf(stderr, "bothost-emu exited with status %d\n", WEXITSTATUS(st));
    else
        kill(tsup_proc_pid(e->proc), SIGKILL);
}

void gwt_emu_start(gwt_emu *e, const char *const *flags)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/bin/bothost-emu", BH_BINARY_DIR);
    if (access(path, X_OK) != 0) {
        fprintf(stderr, "SKIP: %s is not built\n", path);
        exit(77);
    }
    char *argv[40];
    int n = 0;
    argv[n++] = path;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--no-ratelimits";
    /* Every REST answer is checked against Discord's description: exit status 3 otherwise. */
    argv[n++] = "--openapi";
    argv[n++] = BH_DISCORD_OPENAPI;
    for (int i = 0; flags && flags[i] && n < 38; i++)
        argv[n++] = (char *)flags[i];
    argv[n] = NULL;
    memset(e, 0, sizeof *e);
    e->proc = tsup_proc_start(argv, NULL);
    const char *line = tsup_proc_wait_line(e->proc, "gateway ws://", 10000);
    CHECK(line);
    const char *p = strstr(line, "gateway ws://") + strlen("gateway ");
    const char *colon = strrchr(p, ':');
    CHECK(colon);
    e->port = atoi(colon + 1);
    CHECK(e->port > 0);
    snprintf(e->gateway, sizeof e->gateway, "ws://127.0.0.1:%d", e->port);
    static int registered;
    if (!registered++)
        atexit(emu_report_at_exit);
    running_emu = e;
}

void gwt_emu_stop(gwt_emu *e)
{
    if (!e->proc)
        return;
    tsup_proc_pump(e->proc, 0);
    tsup_proc_signal(e->proc, SIGTERM);
    int st = tsup_proc_wait(e->proc, 5000);
    e->proc = NULL;
    running_emu = NULL;
    /* The emulator exits 0 on SIGTERM: anything else means it crashed during the test. */
    CHECK_EQ_INT(st, 0);
}

/* ---- the control API ------------------------------------------------------------ */

int gwt_fault(gwt_emu *e, const char *spec)
{
    int st;
    json_t *j = tsup_http_json(e->port, "POST", "/_emu/faults/gateway", spec, &st);
    CHECK_EQ_INT(st, 200);
    int n = (int)json_integer_value(json_object_get(j, "connections"));
    json_decref(j);
    return n;
}

long long gwt_counter(gwt_emu *e, const char *group, const char *key)
{
    int st;
    json_t *j = tsup_http_json(e->port, "GET", "/_emu/stats", NULL, &st);
    CHECK_EQ_INT(st, 200);
    long long v = json_integer_value(json_object_get(
        json_object_get(json_object_get(j, "counters"), group), key));
    json_decref(j);
    return v;
}

long long gwt_violations(gwt_emu *e)
{
    int st;
    json_t *j = tsup_http_json(e->port, "GET", "/_emu/violations", NULL, &st);
    CHECK_EQ_INT(st, 200);
    json_t *v = json_object_get(j, "violations");
    long long n = (long long)json_array_size(v);
    if (n) {
        char *s = json_dumps(v, 0);
        fprintf(stderr, "emulator violations: %s\n", s);
        free(s);
    }
    json_decref(j);
    return n;
}

const char *gwt_seed_file(const uint64_t *guild_ids, int n)
{
    json_t *guilds = json_array();
    for (int i = 0; i < n; i++) {
        char id[32], name[32];
        snprintf(id, sizeof id, "%llu", (unsigned long long)guild_ids[i]);
        snprintf(name, sizeof name, "Guild %d", i);
        json_array_append_new(
            guilds, json_pack("{s:s, s:s, s:s, s:[{s:s, s:[]}]}", "id", id, "name", name, "owner",
                              "owner", "members", "user", "owner", "roles"));
    }
    json_t *seed = json_pack("{s:[{s:s, s:s}], s:o}", "users", "username", "owner", "created_at",
                             "2016-05-01T10:00:00Z", "guilds", guilds);
    char *text = json_dumps(seed, JSON_INDENT(1));
    json_decref(seed);
    const char *path = tsup_write_file("seed.json", text);
    free(text);
    return path;
}

void gwt_emu_reset(gwt_emu *e)
{
    /* The reset clears the violations: none may have been recorded before it. */
    CHECK_EQ_INT(gwt_violations(e), 0);
    int st;
    json_t *j = tsup_http_json(e->port, "POST", "/_emu/reset", "{\"disconnect\":true}", &st);
    CHECK_EQ_INT(st, 200);
    json_decref(j);
}

void gwt_join(gwt_emu *e, const char *guild_id, const char *username)
{
    char body[256];
    int st;
    if (guild_id)
        snprintf(body, sizeof body, "{\"guild\":\"%s\",\"username\":\"%s\"}", guild_id,
                 username);
    else
        snprintf(body, sizeof body, "{\"username\":\"%s\"}", username);
    json_t *j = tsup_http_json(e->port, "POST", "/_emu/members", body, &st);
    if (st != 200) {
        char *s = json_dumps(j, 0);
        fprintf(stderr, "join %s: %d %s\n", username, st, s ? s : "");
        free(s);
    }
    CHECK_EQ_INT(st, 200);
    json_decref(j);
}

/* ---- the harness --------------------------------------------------------------------- */

static void on_dispatch(void *arg, int shard_id, const char *name, int64_t seq, json_t *d)
{
    gwt *h = arg;
    if (h->nev == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->ev = realloc(h->ev, (size_t)h->cap * sizeof *h->ev);
        CHECK(h->ev);
    }
    gwt_event *e = &h->ev[h->nev++];
    e->shard = shard_id;
    e->seq = seq;
    snprintf(e->name, sizeof e->name, "%s", name);
    e->d = json_incref(d);
    e->at_ms = gwt_now_ms();
}

static void on_state(void *arg, int shard_id, int state)
{
    gwt *h = arg;
    CHECK(shard_id >= 0 && shard_id < 64 && state >= 0 && state < 16);
    h->states[shard_id][state]++;
    if (state == GW_SHARD_READY && !h->ready_at[shard_id])
        h->ready_at[shard_id] = gwt_now_ms();
    fprintf(stderr, "[test] shard %d -> %s\n", shard_id, gw_shard_state_name(state));
}

void gwt_init(gwt *h, gwt_emu *e)
{
    memset(h, 0, sizeof *h);
    CHECK(uv_loop_init(&h->loop) == 0);
    gw_opts_init(&h->o);
    h->o.url = e->gateway;
    h->o.token = "test-token";
    h->o.intents = (1 << 0) | (1 << 1); /* GUILDS | GUILD_MEMBERS */
    h->o.reconnect_min_ms = 200;
    h->o.reconnect_max_ms = 2000;
    h->o.on_dispatch = on_dispatch;
    h->o.on_shard_state = on_state;
    h->o.arg = h;
}

void gwt_start(gwt *h)
{
    if (!h->n) {
        /* What the host does: gw_protocol in net's client protocol list. */
        static struct lws_protocols list[2];
        list[0] = gw_protocol;
        memset(&list[1], 0, sizeof list[1]);
        net_opts no;
        memset(&no, 0, sizeof no);
        no.loop = &h->loop;
        no.client_protocols = list;
        CHECK(net_create(&h->n, &no) == 0);
    }
    CHECK(gw_create(&h->g, &h->loop, h->n, &h->o) == 0);
    CHECK(gw_start(h->g) == 0);
}

static void on_stopped(void *arg)
{
    gwt *h = arg;
    h->stopped = 1;
}

static int cond_stopped(gwt *h, void *arg)
{
    (void)arg;
    return h->stopped;
}

void gwt_stop_gw(gwt *h)
{
    h->stopped = 0;
    gw_stop(h->g, on_stopped, h);
    CHECK(gwt_run_until(h, cond_stopped, NULL, 10000));
    gw_destroy(h->g);
    h->g = NULL;
}

static void on_net_gone(void *arg)
{
    gwt *h = arg;
    h->net_gone = 1;
}

void gwt_finish(gwt *h)
{
    if (h->g)
        gwt_stop_gw(h);
    net_destroy(h->n, on_net_gone, h);
    while (!h->net_gone)
        uv_run(&h->loop, UV_RUN_ONCE);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&h->loop);
    if (rc != 0)
        uv_print_all_handles(&h->loop, stderr);
    CHECK_EQ_INT(rc, 0);
    for (int i = 0; i < h->nev; i++)
        json_decref(h->ev[i].d);
    free(h->ev);
    h->ev = NULL;
    h->nev = h->cap = 0;
}

static void on_deadline(uv_timer_t *t)
{
    *(int *)t->data = 1;
}

int gwt_run_until(gwt *h, int (*cond)(gwt *h, void *arg), void *arg, int timeout_ms)
{
    int expired = 0;
    uv_timer_t t;
    uv_timer_init(&h->loop, &t);
    t.data = &expired;
    uv_timer_start(&t, on_deadline, (uint64_t)timeout_ms, 0);
    int ok;
    while (!(ok = cond(h, arg)) && !expired)
        uv_run(&h->loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&h->loop, UV_RUN_NOWAIT);
    return ok;
}

static int cond_never(gwt *h, void *arg)
{
    (void)h;
    (void)arg;
    return 0;
}

void gwt_run_for(gwt *h, int ms)
{
    gwt_run_until(h, cond_never, NULL, ms);
}

int gwt_cond_ready(gwt *h, void *arg)
{
    (void)arg;
    return h->g && gw_ready(h->g);
}

int gwt_count(gwt *h, int shard, const char *name)
{
    int n = 0;
    for (int i = 0; i < h->nev; i++)
        if ((shard < 0 || h->ev[i].shard == shard) && !strcmp(h->ev[i].name, name))
            n++;
    return n;
}

typedef struct count_arg {
    int shard;
    const char *name;
    int n;
} count_arg;

static int cond_count(gwt *h, void *arg)
{
    count_arg *a = arg;
    return gwt_count(h, a->shard, a->name) >= a->n;
}

int gwt_wait_count(gwt *h, int shard, const char *name, int n, int timeout_ms)
{
    count_arg a = {shard, name, n};
    return gwt_run_until(h, cond_count, &a, timeout_ms);
}

int gwt_member_adds(gwt *h, const char *username)
{
    int n = 0;
    for (int i = 0; i < h->nev; i++) {
        if (strcmp(h->ev[i].name, "GUILD_MEMBER_ADD"))
            continue;
        const char *u =
            json_string_value(json_object_get(json_object_get(h->ev[i].d, "user"), "username"));
        if (u && !strcmp(u, username))
            n++;
    }
    return n;
}

void gwt_check_seq_order(gwt *h)
{
    int64_t last[64];
    for (int i = 0; i < 64; i++)
        last[i] = 0;
    for (int i = 0; i < h->nev; i++) {
        gwt_event *e = &h->ev[i];
        /* READY starts a new session: its numbering starts again at 1. */
        if (!strcmp(e->name, "READY"))
            last[e->shard] = 0;
        if (e->seq <= last[e->shard]) {
            fprintf(stderr, "shard %d: %s seq %lld after %lld\n", e->shard, e->name,
                    (long long)e->seq, (long long)last[e->shard]);
            CHECK(e->seq > last[e->shard]);
        }
        last[e->shard] = e->seq;
    }
}
