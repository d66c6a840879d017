/*
 * What systemd sees: READY=1 only once the gateway is up (a start-up lookup that
 * fails for a while is retried, not given up), and a documented exit status for
 * each answer from Discord that no restart can change: the token refused (401 at
 * start, close 4004) 77, intents refused (4014) 80, a shard refused (4011) 81.
 * systemd is stood in for by a datagram socket in NOTIFY_SOCKET.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../discord/e2e.h"

static int notify_fd = -1;
static char notify_env[200];

static void notify_open(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/notify.sock", tsup_tmpdir());
    unlink(sa.sun_path);
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(notify_fd >= 0);
    CHECK(bind(notify_fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    snprintf(notify_env, sizeof notify_env, "NOTIFY_SOCKET=%s", sa.sun_path);
}

/* The next datagram within timeout_ms into buf ("" on timeout). */
static const char *notify_next(int timeout_ms)
{
    static char buf[256];
    buf[0] = '\0';
    struct pollfd p = {.fd = notify_fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) == 1) {
        ssize_t n = recv(notify_fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
    }
    return buf;
}

/* Drops what is queued: a new host run starts with an empty socket. */
static void notify_drain(void)
{
    while (notify_next(0)[0])
        ;
}

static void start(e2e *t, const char *token)
{
    char api[128], tok[128];
    snprintf(api, sizeof api, "%s/api/v10", t->emu.url);
    snprintf(t->ini, sizeof t->ini, "%s",
             tsup_host_write_ini_discord(&t->dirs, t->conninfo, "interact", api, "127.0.0.1:0",
                                         NULL));
    snprintf(tok, sizeof tok, "DISCORD_TOKEN=%s", token);
    char *argv[] = {(char *)tsup_bothost_path(), "-c", t->ini, NULL};
    char *env[] = {tok, notify_env, NULL};
    notify_drain();
    t->host = tsup_proc_start(argv, env);
    /* The ready line comes before the lookups of Discord, and says where /health is. */
    t->http_port = tsup_host_http_port(tsup_proc_wait_line(t->host, "msg=\"ready: ", 30000));
    CHECK(t->http_port > 0);
}

/* Waits for READY=1; the gateway-up line was logged before it was sent. */
static void wait_ready(e2e *t)
{
    const char *msg = notify_next(30000);
    CHECK_EQ_STR(msg, "READY=1");
    tsup_proc_pump(t->host, 200);
    CHECK_EQ_INT(tsup_proc_count(t->host, "msg=\"gateway up: shard(s) 0-0 of 1 ready\""), 1);
    const char *body;
    int status = e2e_http_get(t, "/health/ready", &body);
    if (status != 200)
        fprintf(stderr, "/health/ready after READY=1: %s\n", body ? body : "(no body)");
    CHECK_EQ_INT(status, 200);
}

/* The emulator closes the host's gateway connection with `code`: the host exits with `status`. */
static void close_code_exits(e2e *t, int code, int status)
{
    start(t, "test-token");
    wait_ready(t);
    int http = 0;
    json_decref(et_ctl(&t->emu, "POST", "/_emu/faults/gateway",
                       json_pack("{s:s,s:i}", "action", "close", "code", code), &http));
    CHECK_EQ_INT(http, 200);
    char line[64];
    snprintf(line, sizeof line, "exit status %d", status);
    CHECK(tsup_proc_wait_line(t->host, line, 30000));
    CHECK_EQ_INT(tsup_proc_wait(t->host, 30000), status);
    t->host = NULL;
    CHECK_EQ_STR(notify_next(1000), "STOPPING=1");
}

int main(void)
{
    e2e t;
    static const char *const emu_args[] = {"--token", "test-token", NULL};
    e2e_setup(&t, "exit_status", emu_args);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    t.dirs.log_level = "debug"; /* "gateway up" is a debug line */
    notify_open();

    /*
     * GET /gateway/bot answers 503 for a while (longer than the REST client's own
     * retries): the host keeps asking, says so, is not ready meanwhile, and tells
     * systemd READY=1 only once its shard is READY.
     */
    int http = 0;
    json_decref(et_ctl(&t.emu, "POST", "/_emu/faults/rest",
                       json_pack("{s:s,s:s,s:i,s:i}", "route", "GET /gateway/bot", "kind", "5xx",
                                 "status", 503, "count", 8),
                       &http));
    CHECK_EQ_INT(http, 200);
    start(&t, "test-token");
    const char *line = tsup_proc_wait_line(t.host, "(attempt 1); trying again in", 30000);
    CHECK(line && strstr(line, "GET /gateway/bot: HTTP 503"));
    const char *body;
    CHECK_EQ_INT(e2e_http_get(&t, "/health/ready", &body), 503);
    CHECK(strstr(body, "waiting for Discord: GET /gateway/bot: HTTP 503"));
    CHECK_EQ_STR(notify_next(0), "");
    CHECK(tsup_proc_wait_line(t.host, "GET /gateway/bot answered after", 60000));
    wait_ready(&t);
    tsup_proc_signal(t.host, SIGTERM);
    CHECK_EQ_STR(notify_next(30000), "STOPPING=1");
    CHECK_EQ_INT(tsup_proc_wait(t.host, 30000), 0);
    t.host = NULL;

    /* A wrong token: 401 at the first lookup, exit 77 at once, never READY=1. */
    start(&t, "wrong-token");
    CHECK(tsup_proc_wait_line(t.host, "Discord refuses the bot token", 30000));
    CHECK_EQ_INT(tsup_proc_wait(t.host, 30000), 77);
    t.host = NULL;
    CHECK_EQ_STR(notify_next(0), "STOPPING=1");
    CHECK_EQ_STR(notify_next(0), "");

    /* The gateway's close codes that must not be retried. */
    close_code_exits(&t, 4004, 77);
    close_code_exits(&t, 4014, 80);
    close_code_exits(&t, 4011, 81);

    e2e_teardown(&t);
    close(notify_fd);
    printf("test_exit_status: ok\n");
    return 0;
}
