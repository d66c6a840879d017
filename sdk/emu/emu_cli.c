/*
 * The command-line client: `bothost-emu say '/raffle create prize:Switch'`
 * and friends, talking to a running emulator over the control API
 * (--url or BOTHOST_EMU_URL) with httpc (client/), printing the bot's
 * answer for a human.
 */
#define _GNU_SOURCE
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpc_json.h"

static const char *const emu_cli_commands[] = {"say", "click", "select", "modal", "show", "log", "messages",
                                               "state", "stats", "violations", "reset", "join", "fault",
                                               "help", NULL};

int emu_is_cli_command(const char *arg)
{
    for (int i = 0; emu_cli_commands[i]; i++)
        if (!strcmp(arg, emu_cli_commands[i]))
            return 1;
    return 0;
}

typedef struct emu_cli {
    char host[64];
    int port;
    int wait_ms;
    const char *user, *channel, *guild;
} emu_cli;

/* One request; returns the HTTP status (or -1) and the parsed body. */
static int emu_cli_http(emu_cli *cl, const char *method, const char *path, json_t *body, json_t **out)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    /* Long-polls wait up to wait_ms on the emulator's side. */
    httpc_request q = {.method = method, .path = path, .body = text, .body_len = text ? strlen(text) : 0,
                       .timeout_ms = cl->wait_ms + 30000};
    int status;
    int rc = httpc_json_fetch(cl->host, cl->port, &q, &status, out);
    free(text);
    return rc ? -1 : status;
}

static void emu_cli_components(json_t *comps, int depth)
{
    size_t i, j;
    json_t *c, *o;
    json_array_foreach(comps, i, c) {
        json_int_t t = json_integer_value(json_object_get(c, "type"));
        const char *id = json_string_value(json_object_get(c, "custom_id"));
        const char *label = json_string_value(json_object_get(c, "label"));
        const char *dis = json_is_true(json_object_get(c, "disabled")) ? " (disabled)" : "";
        if (t == 2) {
            if (json_object_get(c, "url"))
                printf("%*s[%s] -> %s\n", depth * 2, "", label ? label : "", json_string_value(json_object_get(c, "url")));
            else
                printf("%*s[%s] custom_id=%s%s\n", depth * 2, "", label ? label : "", id ? id : "", dis);
        } else if (t == 3 || (t >= 5 && t <= 8)) {
            const char *ph = json_string_value(json_object_get(c, "placeholder"));
            printf("%*s<select%s%s> custom_id=%s%s\n", depth * 2, "", ph ? " " : "", ph ? ph : "", id ? id : "", dis);
            json_array_foreach(json_object_get(c, "options"), j, o)
                printf("%*s  - %s = %s\n", depth * 2, "", json_string_value(json_object_get(o, "label")),
                       json_string_value(json_object_get(o, "value")));
        } else if (t == 10) {
            printf("%*s%s\n", depth * 2, "", json_string_value(json_object_get(c, "content")));
        } else if (t == 4) {
            printf("%*s{text input \"%s\"} custom_id=%s%s\n", depth * 2, "", label ? label : "", id ? id : "",
                   json_is_false(json_object_get(c, "required")) ? " (optional)" : "");
        } else if (t == 18) {
            printf("%*s%s:\n", depth * 2, "", label ? label : "");
            emu_cli_components(json_pack("[O]", json_object_get(c, "component")), depth + 1);
            continue;
        }
        emu_cli_components(json_object_get(c, "components"), depth + (t != 1));
    }
    if (depth < 0)
        json_decref(comps);
}

static void emu_cli_message(const char *what, json_t *m)
{
    const char *content = json_string_value(json_object_get(m, "content"));
    json_int_t flags = json_integer_value(json_object_get(m, "flags"));
    size_t i, j;
    json_t *em, *f;
    if (!json_is_object(m))
        return;
    printf("%s message %s%s%s\n", what, json_string_value(json_object_get(m, "id")),
           flags & 64 ? " (ephemeral)" : "", flags & 128 ? " (thinking...)" : "");
    if (content && *content)
        printf("  %s\n", content);
    json_array_foreach(json_object_get(m, "embeds"), i, em) {
        const char *t = json_string_value(json_object_get(em, "title"));
        const char *d = json_string_value(json_object_get(em, "description"));
        printf("  | %s\n", t ? t : "(embed)");
        if (d)
            printf("  | %s\n", d);
        json_array_foreach(json_object_get(em, "fields"), j, f)
            printf("  | %s: %s\n", json_string_value(json_object_get(f, "name")),
                   json_string_value(json_object_get(f, "value")));
    }
    {
        json_t *comps = json_object_get(m, "components");
        size_t k;
        json_t *c;
        json_array_foreach(comps, k, c) {
            json_t *one = json_pack("[O]", c);
            emu_cli_components(one, 1);
            json_decref(one);
        }
    }
}

static const char *emu_cb_name(json_int_t t)
{
    switch (t) {
    case 1: return "PONG";
    case 4: return "CHANNEL_MESSAGE_WITH_SOURCE";
    case 5: return "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE";
    case 6: return "DEFERRED_UPDATE_MESSAGE";
    case 7: return "UPDATE_MESSAGE";
    case 8: return "APPLICATION_COMMAND_AUTOCOMPLETE_RESULT";
    case 9: return "MODAL";
    default: return "?";
    }
}

static void emu_cli_print_ix(json_t *v)
{
    json_t *resp = json_object_get(v, "response"), *f, *modal;
    size_t i;
    printf("interaction %s\n", json_string_value(json_object_get(v, "id")));
    if (!json_is_object(resp)) {
        printf("  (no answer from the bot)\n");
        return;
    }
    printf("-> %s (type %lld)\n", emu_cb_name(json_integer_value(json_object_get(resp, "type"))),
           (long long)json_integer_value(json_object_get(resp, "type")));
    modal = json_object_get(v, "modal");
    if (json_is_object(modal)) {
        printf("modal \"%s\" custom_id=%s\n", json_string_value(json_object_get(modal, "title")),
               json_string_value(json_object_get(modal, "custom_id")));
        emu_cli_components(json_object_get(modal, "components"), 1);
        printf("  answer with: bothost-emu modal %s field=value ...\n", json_string_value(json_object_get(v, "id")));
    }
    emu_cli_message("original", json_object_get(v, "original"));
    json_array_foreach(json_object_get(v, "followups"), i, f)
        emu_cli_message("follow-up", f);
}

static int emu_cli_await(emu_cli *cl, json_t *created)
{
    const char *id = json_string_value(json_object_get(created, "interaction_id"));
    char path[256];
    json_t *v = NULL;
    json_int_t version = 0;
    int st;
    if (!id) {
        fprintf(stderr, "bothost-emu: %s\n", json_string_value(json_object_get(created, "error")));
        return 2;
    }
    snprintf(path, sizeof path, "/_emu/interactions/%s?since=0&wait_ms=%d", id, cl->wait_ms);
    st = emu_cli_http(cl, "GET", path, NULL, &v);
    if (st != 200) {
        json_decref(v);
        return 2;
    }
    /* A deferred answer is followed by an edit: wait for that too. */
    version = json_integer_value(json_object_get(v, "version"));
    {
        json_int_t t = json_integer_value(json_object_get(json_object_get(v, "response"), "type"));
        if (t == 5 || t == 6) {
            json_t *w = NULL;
            snprintf(path, sizeof path, "/_emu/interactions/%s?since=%lld&wait_ms=%d", id, (long long)version,
                     cl->wait_ms);
            if (emu_cli_http(cl, "GET", path, NULL, &w) == 200) {
                json_decref(v);
                v = w;
            } else {
                json_decref(w);
            }
        }
    }
    emu_cli_print_ix(v);
    st = json_is_object(json_object_get(v, "response")) ? 0 : 1;
    json_decref(v);
    return st;
}

static int emu_cli_dump(emu_cli *cl, const char *method, const char *path, json_t *body)
{
    json_t *v = NULL;
    int st = emu_cli_http(cl, method, path, body, &v);
    char *s;
    json_decref(body);
    if (st < 0) {
        fprintf(stderr, "bothost-emu: no emulator at %s:%d\n", cl->host, cl->port);
        return 2;
    }
    s = v ? json_dumps(v, JSON_INDENT(2)) : NULL;
    printf("%s\n", s ? s : "");
    free(s);
    json_decref(v);
    return st >= 200 && st < 300 ? 0 : 1;
}

static int emu_cli_action(emu_cli *cl, const char *path, json_t *body)
{
    json_t *v = NULL;
    int st, rc;
    if (cl->user)
        json_object_set_new(body, "user", json_string(cl->user));
    if (cl->guild)
        json_object_set_new(body, "guild", json_string(cl->guild));
    if (cl->channel)
        json_object_set_new(body, "channel", json_string(cl->channel));
    st = emu_cli_http(cl, "POST", path, body, &v);
    json_decref(body);
    if (st < 0) {
        fprintf(stderr, "bothost-emu: no emulator at %s:%d\n", cl->host, cl->port);
        return 2;
    }
    rc = emu_cli_await(cl, v);
    json_decref(v);
    return rc;
}

static int emu_cli_log(emu_cli *cl, int follow)
{
    long after = 0;
    do {
        char path[128];
        json_t *v = NULL, *r;
        size_t i;
        snprintf(path, sizeof path, "/_emu/requests?after=%ld&wait_ms=%d", after, follow ? 25000 : 0);
        if (emu_cli_http(cl, "GET", path, NULL, &v) != 200) {
            json_decref(v);
            return 2;
        }
        json_array_foreach(json_object_get(v, "requests"), i, r) {
            char *b = json_dumps(json_object_get(r, "body"), JSON_COMPACT | JSON_ENCODE_ANY);
            printf("#%lld %s %-6s %s -> %lld %s\n", (long long)json_integer_value(json_object_get(r, "seq")),
                   json_string_value(json_object_get(r, "at")), json_string_value(json_object_get(r, "method")),
                   json_string_value(json_object_get(r, "path")),
                   (long long)json_integer_value(json_object_get(r, "status")), b && strcmp(b, "null") ? b : "");
            free(b);
        }
        after = (long)json_integer_value(json_object_get(v, "next"));
        json_decref(v);
        fflush(stdout);
    } while (follow);
    return 0;
}

static void emu_cli_help(void)
{
    printf("bothost-emu client commands (emulator from --url or BOTHOST_EMU_URL):\n"
           "  say '/cmd sub opt:value ...'        run a slash command, print the answer\n"
           "  click MESSAGE_ID CUSTOM_ID          click a button the bot posted\n"
           "  select MESSAGE_ID CUSTOM_ID V...    choose select values\n"
           "  modal INTERACTION_ID id=value ...   submit the modal the bot opened\n"
           "  show INTERACTION_ID                 print an interaction and the bot's answer\n"
           "  log [--follow]                      the bot's REST calls\n"
           "  messages [--channel C]              messages in the emulator\n"
           "  join USERNAME [--age-days N]        a new member joins\n"
           "  fault rest ROUTE 429|5xx|slow [N]   arm a REST fault; fault gateway ACTION [SHARD]\n"
           "  state | stats | violations | reset\n"
           "options: --url http://127.0.0.1:PORT --user U --channel C --guild G --wait MS\n");
}

int emu_cli_main(int argc, char **argv)
{
    emu_cli cl;
    const char *url = getenv("BOTHOST_EMU_URL");
    const char *cmd = argv[0];
    const char *pos[16];
    int npos = 0, follow = 0;
    double age = -1;
    memset(&cl, 0, sizeof cl);
    cl.wait_ms = 10000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--url") && v)
            url = v, i++;
        else if (!strcmp(a, "--user") && v)
            cl.user = v, i++;
        else if (!strcmp(a, "--channel") && v)
            cl.channel = v, i++;
        else if (!strcmp(a, "--guild") && v)
            cl.guild = v, i++;
        else if (!strcmp(a, "--wait") && v)
            cl.wait_ms = atoi(v), i++;
        else if (!strcmp(a, "--age-days") && v)
            age = atof(v), i++;
        else if (!strcmp(a, "--follow") || !strcmp(a, "-f"))
            follow = 1;
        else if (npos < 16)
            pos[npos++] = a;
    }
    if (!strcmp(cmd, "help")) {
        emu_cli_help();
        return 0;
    }
    if (!url) {
        fprintf(stderr, "bothost-emu: give --url http://127.0.0.1:PORT or set BOTHOST_EMU_URL\n");
        return 2;
    }
    if (sscanf(url, "http://%63[^:]:%d", cl.host, &cl.port) != 2) {
        fprintf(stderr, "bothost-emu: bad url %s (want http://127.0.0.1:PORT)\n", url);
        return 2;
    }
    if (!strcmp(cmd, "say") && npos == 1)
        return emu_cli_action(&cl, "/_emu/command", json_pack("{s:s}", "text", pos[0]));
    if (!strcmp(cmd, "click") && npos == 2)
        return emu_cli_action(&cl, "/_emu/click", json_pack("{s:s, s:s}", "message_id", pos[0], "custom_id", pos[1]));
    if (!strcmp(cmd, "select") && npos >= 2) {
        json_t *vals = json_array();
        for (int i = 2; i < npos; i++)
            json_array_append_new(vals, json_string(pos[i]));
        return emu_cli_action(&cl, "/_emu/select", json_pack("{s:s, s:s, s:o}", "message_id", pos[0],
                                                             "custom_id", pos[1], "values", vals));
    }
    if (!strcmp(cmd, "modal") && npos >= 1) {
        json_t *vals = json_object();
        for (int i = 1; i < npos; i++) {
            const char *eq = strchr(pos[i], '=');
            char key[128];
            if (!eq)
                continue;
            snprintf(key, sizeof key, "%.*s", (int)(eq - pos[i]), pos[i]);
            json_object_set_new(vals, key, json_string(eq + 1));
        }
        cl.user = NULL;
        return emu_cli_action(&cl, "/_emu/modal", json_pack("{s:s, s:o}", "interaction_id", pos[0], "values", vals));
    }
    if (!strcmp(cmd, "show") && npos == 1) {
        json_t *created = json_pack("{s:s}", "interaction_id", pos[0]);
        int rc = emu_cli_await(&cl, created);
        json_decref(created);
        return rc;
    }
    if (!strcmp(cmd, "log"))
        return emu_cli_log(&cl, follow);
    if (!strcmp(cmd, "messages")) {
        char path[256];
        snprintf(path, sizeof path, "/_emu/messages%s%s", cl.channel ? "?channel=" : "", cl.channel ? cl.channel : "");
        return emu_cli_dump(&cl, "GET", path, NULL);
    }
    if (!strcmp(cmd, "state") || !strcmp(cmd, "stats") || !strcmp(cmd, "violations")) {
        char path[64];
        snprintf(path, sizeof path, "/_emu/%s", cmd);
        return emu_cli_dump(&cl, "GET", path, NULL);
    }
    if (!strcmp(cmd, "reset"))
        return emu_cli_dump(&cl, "POST", "/_emu/reset", json_object());
    if (!strcmp(cmd, "join") && npos == 1) {
        json_t *b = json_pack("{s:s}", "username", pos[0]);
        if (age >= 0)
            json_object_set_new(b, "created_ago_days", json_real(age));
        return emu_cli_dump(&cl, "POST", "/_emu/members", b);
    }
    if (!strcmp(cmd, "fault") && npos >= 3 && !strcmp(pos[0], "rest"))
        return emu_cli_dump(&cl, "POST", "/_emu/faults/rest",
                            json_pack("{s:s, s:s, s:i}", "route", pos[1], "kind", pos[2], "count",
                                      npos > 3 ? atoi(pos[3]) : 1));
    if (!strcmp(cmd, "fault") && npos >= 2 && !strcmp(pos[0], "gateway")) {
        json_t *b = json_pack("{s:s}", "action", pos[1]);
        if (npos > 2)
            json_object_set_new(b, "shard", json_integer(atoi(pos[2])));
        return emu_cli_dump(&cl, "POST", "/_emu/faults/gateway", b);
    }
    emu_cli_help();
    return 2;
}
