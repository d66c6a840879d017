#include "e2e.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static e2e *current;

/* A failed CHECK exits: take the emulator down too (tsup_proc does the host), or ctest waits on it. */
static void kill_children(void)
{
    if (current && current->emu.pid > 0)
        kill(current->emu.pid, SIGKILL);
}

void e2e_setup(e2e *t, const char *name, const char *const *emu_args)
{
    memset(t, 0, sizeof *t);
    current = t;
    atexit(kill_children);
    t->conninfo = tsup_pg_fresh_db(name);
    t->db = tsup_pg_connect(t->conninfo);
    static const char *const none[] = {NULL};
    CHECK(et_emu_start(&t->emu, emu_args ? emu_args : none) == 0);
    tsup_host_dirs_make(&t->dirs, name);
}

/* Waits for a line of the host's log; a timeout or an early exit is reported as what it is. */
static const char *e2e_wait_line(e2e *t, const char *needle, int timeout_ms)
{
    const char *line = tsup_proc_wait_line(t->host, needle, timeout_ms);
    if (line)
        return line;
    if (kill(tsup_proc_pid(t->host), 0) == 0)
        fprintf(stderr, "e2e: timed out after %.1f s waiting for bothost to log \"%s\"\n",
                timeout_ms / 1000.0, needle);
    else
        fprintf(stderr, "e2e: bothost exited while waiting for it to log \"%s\"\n", needle);
    CHECK(!"the host reached the expected state");
    return NULL;
}

/* Replaces whole lines of the INI: edits are pairs "old line", "new line", NULL-terminated. */
static void edit_ini(const char *path, const char *const *edits)
{
    FILE *f = fopen(path, "r");
    CHECK(f);
    static char text[1 << 16], out[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    out[0] = '\0';
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        const char *put = line;
        for (int i = 0; edits[i]; i += 2)
            if (strcmp(line, edits[i]) == 0)
                put = edits[i + 1];
        strncat(out, put, sizeof out - strlen(out) - 2);
        strcat(out, "\n");
    }
    f = fopen(path, "w");
    CHECK(f && fputs(out, f) >= 0 && fclose(f) == 0);
}

static void start_host(e2e *t, const char *enabled, const char *extra, const char *ready_line,
                       const char *const *edits, int timeout_ms);

void e2e_start_host(e2e *t, const char *enabled, const char *extra, const char *ready_line)
{
    e2e_start_host_within(t, enabled, extra, ready_line, 30000);
}

void e2e_start_host_within(e2e *t, const char *enabled, const char *extra, const char *ready_line,
                           int timeout_ms)
{
    start_host(t, enabled, extra, ready_line, NULL, timeout_ms);
}

void e2e_start_host_edited(e2e *t, const char *enabled, const char *extra, const char *ready_line,
                           const char *const *edits)
{
    start_host(t, enabled, extra, ready_line, edits, 30000);
}

static void start_host(e2e *t, const char *enabled, const char *extra, const char *ready_line,
                       const char *const *edits, int timeout_ms)
{
    char api[128];
    snprintf(api, sizeof api, "%s/api/v10", t->emu.url);
    snprintf(t->ini, sizeof t->ini, "%s",
             tsup_host_write_ini_discord(&t->dirs, t->conninfo, enabled, api, "127.0.0.1:0",
                                         extra));
    if (edits)
        edit_ini(t->ini, edits);
    char *argv[] = {(char *)tsup_bothost_path(), "-c", t->ini, NULL};
    char *env[] = {"DISCORD_TOKEN=test-token", NULL};
    t->host = tsup_proc_start(argv, env);
    /* The ready line says where health and metrics are; the gateway connects after it. */
    const char *ready = e2e_wait_line(t, "msg=\"ready: ", timeout_ms);
    t->http_port = tsup_host_http_port(ready);
    CHECK(t->http_port > 0);
    if (!strstr(ready, ready_line))
        e2e_wait_line(t, ready_line, timeout_ms);
    /*
     * Every shard READY and the database answering: interactions will arrive. Shards
     * identify 5 s apart (Discord's max_concurrency 1), so 4 shards take 15 s.
     */
    const char *body;
    int polls = timeout_ms / 50 + 1;
    for (int i = 0; i < polls && e2e_http_get(t, "/health/ready", &body) != 200; i++)
        tsup_proc_pump(t->host, 50);
    if (e2e_http_get(t, "/health/ready", &body) != 200)
        fprintf(stderr, "e2e: timed out after %.1f s waiting for /health/ready\n", timeout_ms / 1000.0);
    CHECK_EQ_INT(e2e_http_get(t, "/health/ready", &body), 200);
}

/* Whether one of `reqs` is a registration of the bot's commands that the emulator took. */
static int has_registration(json_t *reqs)
{
    size_t i;
    json_t *r;
    json_array_foreach(reqs, i, r) {
        const char *route = json_string_value(json_object_get(r, "route"));
        size_t n = route ? strlen(route) : 0;
        if (n >= 9 && strcmp(route + n - 9, "/commands") == 0 &&
            json_integer_value(json_object_get(r, "status")) == 200)
            return 1;
    }
    return 0;
}

void e2e_wait_commands(e2e *t, int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t deadline = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
    int64_t after = 0, left = timeout_ms;
    int found = 0;
    while (!found && left > 0) {
        char path[128];
        snprintf(path, sizeof path, "/_emu/requests?method=PUT&after=%" PRId64 "&wait_ms=%" PRId64,
                 after, left);
        int status = 0;
        json_t *r = et_ctl(&t->emu, "GET", path, NULL, &status);
        CHECK(status == 200 && r);
        found = has_registration(json_object_get(r, "requests"));
        after = json_integer_value(json_object_get(r, "next"));
        json_decref(r);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        left = deadline - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    }
    if (!found)
        fprintf(stderr, "e2e: timed out after %.1f s waiting for the bot to register its "
                "commands\n", timeout_ms / 1000.0);
    CHECK(found);
}

void e2e_stop_host(e2e *t)
{
    tsup_proc_signal(t->host, SIGTERM);
    CHECK_EQ_INT(tsup_proc_wait(t->host, 30000), 0);
    t->host = NULL;
}

void e2e_teardown(e2e *t)
{
    if (t->host)
        e2e_stop_host(t);
    CHECK_EQ_INT(et_emu_stop(&t->emu), 0);
    t->emu.pid = 0;
    PQfinish(t->db);
    free(t->conninfo);
    current = NULL;
}

const char *e2e_command(e2e *t, const char *text)
{
    static char id[32];
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/command", json_pack("{s:s}", "text", text), &status);
    const char *s = json_string_value(json_object_get(r, "interaction_id"));
    if (status != 200 || !s)
        fprintf(stderr, "command %s: HTTP %d %s\n", text, status,
                json_string_value(json_object_get(r, "error")));
    CHECK(status == 200 && s);
    snprintf(id, sizeof id, "%s", s);
    json_decref(r);
    return id;
}

json_t *e2e_answer(e2e *t, const char *interaction_id, int since, int wait_ms)
{
    char path[128];
    snprintf(path, sizeof path, "/_emu/interactions/%s?since=%d&wait_ms=%d", interaction_id, since,
             wait_ms);
    int status = 0;
    json_t *r = et_ctl(&t->emu, "GET", path, NULL, &status);
    CHECK(status == 200 && r);
    return r;
}

const char *e2e_content(json_t *view)
{
    static char text[2048];
    const char *s = json_string_value(json_object_get(json_object_get(view, "original"), "content"));
    if (!s)
        s = json_string_value(
            json_object_get(json_object_get(json_object_get(view, "response"), "data"), "content"));
    snprintf(text, sizeof text, "%s", s ? s : "");
    return text;
}

const char *e2e_click(e2e *t, const char *message_id, const char *custom_id)
{
    static char id[32];
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/click",
                       json_pack("{s:s,s:s}", "message_id", message_id, "custom_id", custom_id),
                       &status);
    const char *s = json_string_value(json_object_get(r, "interaction_id"));
    if (status != 200 || !s)
        fprintf(stderr, "click %s: HTTP %d %s\n", custom_id, status,
                json_string_value(json_object_get(r, "error")));
    CHECK(status == 200 && s);
    snprintf(id, sizeof id, "%s", s);
    json_decref(r);
    return id;
}

int e2e_http_get(e2e *t, const char *path, const char **body)
{
    /* The last answer stays until the next call: *body points into it. */
    static httpc_response *last;
    httpc_request q = {.path = path, .timeout_ms = 30000};
    httpc_response_free(last);
    last = NULL;
    *body = "";
    int rc = httpc_fetch("127.0.0.1", t->http_port, &q, &last);
    if (rc)
        fprintf(stderr, "e2e: GET %s on bothost's port %d: %s\n", path, t->http_port, httpc_strerror(rc));
    CHECK(rc != HTTPC_ECONNECT);
    if (rc)
        return 0;
    *body = last->body;
    return last->status;
}
