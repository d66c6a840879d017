#include "raffle_test.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static char rt_extra[2048];
static const char *rt_cmd_channel = "raffles";

void rt_use_channel(const char *name)
{
    rt_cmd_channel = name;
}

void rt_has(const char *file, int line, const char *hay, const char *needle, int want)
{
    int found = hay && strstr(hay, needle) != NULL;
    if (found != want) {
        fprintf(stderr, "%s:%d: expected %s\"%s\" in:\n%s\n", file, line, want ? "" : "no ",
                needle, hay ? hay : "(null)");
        exit(1);
    }
}

void rt_start(e2e *t, const char *name, const char *extra_ini)
{
    e2e_setup(t, name, NULL);
    tsup_host_install_real_plugin(&t->dirs, "raffle");
    snprintf(rt_extra, sizeof rt_extra, "%s%s", RT_INI, extra_ini ? extra_ini : "");
    e2e_start_host(t, "raffle", rt_extra, "msg=\"ready: ");
    e2e_wait_commands(t, 30000);
}

void rt_restart(e2e *t)
{
    /* The emulator keeps the commands the first run registered. */
    e2e_start_host(t, "raffle", rt_extra, "msg=\"ready: ");
}

static const char *take_id(json_t *r, int status, const char *what, char *out)
{
    const char *s = json_string_value(json_object_get(r, "interaction_id"));
    if (status != 200 || !s) {
        fprintf(stderr, "%s: HTTP %d %s\n", what, status,
                json_string_value(json_object_get(r, "error")));
        json_decref(r);
        return NULL;
    }
    snprintf(out, 32, "%s", s);
    json_decref(r);
    return out;
}

const char *rt_cmd_id(e2e *t, const char *user, const char *text, char *id_out)
{
    int status = 0;
    json_t *body = json_pack("{s:s,s:s}", "text", text, "channel", rt_cmd_channel);
    if (user)
        json_object_set_new(body, "user", json_string(user));
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/command", body, &status);
    const char *id = take_id(r, status, text, id_out);
    CHECK(id);
    return id;
}

/* The answer is final when it has a message (or a modal); a bare defer is not. */
static int answered(json_t *v)
{
    json_t *resp = json_object_get(v, "response");
    json_int_t type = json_integer_value(json_object_get(resp, "type"));
    if (type == 4 || type == 7 || type == 9)
        return 1;
    json_t *orig = json_object_get(v, "original");
    if (!orig || json_is_null(orig))
        return 0;
    /* A deferred response is "loading" (flag 128) until the handler's edit lands. */
    return !(json_integer_value(json_object_get(orig, "flags")) & 128);
}

json_t *rt_wait(e2e *t, const char *interaction_id)
{
    int since = 0;
    for (int i = 0; i < 60; i++) {
        json_t *v = e2e_answer(t, interaction_id, since, 10000);
        if (answered(v))
            return v;
        since = (int)json_integer_value(json_object_get(v, "version"));
        json_decref(v);
    }
    fprintf(stderr, "interaction %s: no answer\n", interaction_id);
    exit(1);
}

char *rt_dump(json_t *view)
{
    json_t *orig = json_object_get(view, "original");
    json_t *resp = json_object_get(view, "response");
    json_t *data = orig && !json_is_null(orig) ? orig : json_object_get(resp, "data");
    json_t *out = json_pack("{s:O?,s:O?,s:O?,s:I,s:I}", "content",
                            json_object_get(data, "content"), "embeds",
                            json_object_get(data, "embeds"), "components",
                            json_object_get(data, "components"), "type",
                            json_integer_value(json_object_get(resp, "type")), "flags",
                            json_integer_value(json_object_get(data, "flags")) & 64);
    json_t *modal = json_object_get(view, "modal");
    if (modal && !json_is_null(modal))
        json_object_set(out, "modal", modal);
    char *s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return s;
}

char *rt_cmd(e2e *t, const char *user, const char *text)
{
    char id[32];
    json_t *v = rt_wait(t, rt_cmd_id(t, user, text, id));
    char *s = rt_dump(v);
    json_decref(v);
    return s;
}

static char *answer_of(e2e *t, json_t *r, int status, const char *what)
{
    char id[32];
    if (!take_id(r, status, what, id))
        return NULL;
    json_t *v = rt_wait(t, id);
    char *s = rt_dump(v);
    json_decref(v);
    return s;
}

char *rt_modal(e2e *t, const char *interaction_id, json_t *values)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/modal",
                       json_pack("{s:s,s:o}", "interaction_id", interaction_id, "values", values),
                       &status);
    return answer_of(t, r, status, "modal");
}

static json_t *component_body(const char *user, const char *message_id, const char *custom_id)
{
    json_t *b = json_pack("{s:s,s:s}", "message_id", message_id, "custom_id", custom_id);
    if (user)
        json_object_set_new(b, "user", json_string(user));
    return b;
}

char *rt_click(e2e *t, const char *user, const char *message_id, const char *custom_id)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/click", component_body(user, message_id, custom_id),
                       &status);
    return answer_of(t, r, status, custom_id);
}

const char *rt_click_id(e2e *t, const char *user, const char *message_id, const char *custom_id,
                        char *id_out)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/click", component_body(user, message_id, custom_id),
                       &status);
    return take_id(r, status, custom_id, id_out);
}

char *rt_select(e2e *t, const char *user, const char *message_id, const char *custom_id,
                json_t *values)
{
    int status = 0;
    json_t *b = component_body(user, message_id, custom_id);
    json_object_set_new(b, "values", values);
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/select", b, &status);
    return answer_of(t, r, status, custom_id);
}

const char *rt_answer_message(e2e *t, const char *interaction_id, char *out)
{
    json_t *v = rt_wait(t, interaction_id);
    const char *id = json_string_value(json_object_get(v, "original_message_id"));
    if (!id)
        id = json_string_value(json_object_get(json_object_get(v, "original"), "id"));
    CHECK(id);
    snprintf(out, 32, "%s", id);
    json_decref(v);
    return out;
}

void rt_config(e2e *t, const char *more)
{
    char text[1024];
    snprintf(text, sizeof text, "/raffle config channel:#raffles log_channel:#logs %s",
             more ? more : "");
    char *s = rt_cmd(t, NULL, text);
    RT_HAS(s, "Raffle settings saved.");
    free(s);
}

int64_t rt_create(e2e *t, const char *options, const char *title, const char *prize,
                  const char *end, char *message_out)
{
    char text[1024], id[32];
    snprintf(text, sizeof text, "/raffle create %s", options);
    rt_cmd_id(t, NULL, text, id);
    json_t *v = rt_wait(t, id);
    if (json_integer_value(json_object_get(json_object_get(v, "response"), "type")) != 9) {
        char *s = rt_dump(v);
        fprintf(stderr, "%s: no modal but %s\n", text, s);
        free(s);
    }
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "response"), "type")), 9);
    json_decref(v);
    int64_t before = rt_sql(t, "SELECT coalesce(max(id), 0) FROM raffle.raffles");
    char *s = rt_modal(t, id,
                       json_pack("{s:s,s:s,s:s}", "title", title, "prize", prize, "end", end));
    RT_HAS(s, "posted in <#");
    free(s);
    int64_t rid = rt_sql(t, "SELECT max(id) FROM raffle.raffles");
    CHECK(rid > before);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT message_id FROM raffle.raffles WHERE id = %lld",
             (long long)rid);
    snprintf(message_out, 32, "%lld", (long long)rt_sql(t, sql));
    return rid;
}

char *rt_message(e2e *t, const char *message_id)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "GET", "/_emu/messages", NULL, &status);
    CHECK_EQ_INT(status, 200);
    size_t i;
    json_t *m;
    char *s = NULL;
    json_array_foreach(json_object_get(r, "messages"), i, m)
        if (!strcmp(json_string_value(json_object_get(m, "id")), message_id))
            s = json_dumps(m, JSON_COMPACT);
    json_decref(r);
    return s;
}

int rt_message_wait(e2e *t, const char *message_id, const char *needle, int timeout_ms)
{
    for (int waited = 0;; waited += 100) {
        char *s = rt_message(t, message_id);
        int ok = s && strstr(s, needle);
        if (!ok && waited >= timeout_ms)
            fprintf(stderr, "message %s lacks \"%s\": %s\n", message_id, needle, s ? s : "(gone)");
        free(s);
        if (ok)
            return 1;
        if (waited >= timeout_ms)
            return 0;
        usleep(100000);
    }
}

int rt_channel_count(e2e *t, const char *channel, const char *needle)
{
    int status = 0;
    char path[128];
    snprintf(path, sizeof path, "/_emu/messages?channel=%s", channel);
    json_t *r = et_ctl(&t->emu, "GET", path, NULL, &status);
    CHECK_EQ_INT(status, 200);
    size_t i;
    json_t *m;
    int n = 0;
    json_array_foreach(json_object_get(r, "messages"), i, m) {
        if (json_integer_value(json_object_get(m, "flags")) & 64)
            continue; /* ephemeral answers are not posts in the channel */
        char *s = json_dumps(m, JSON_COMPACT);
        n += s && strstr(s, needle) != NULL;
        free(s);
    }
    json_decref(r);
    return n;
}

int rt_channel_wait(e2e *t, const char *channel, const char *needle, int n, int timeout_ms)
{
    int got = 0;
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        if ((got = rt_channel_count(t, channel, needle)) >= n)
            return got;
        usleep(100000);
    }
    return got;
}

const char *rt_member(e2e *t, const char *username, const char *roles_json)
{
    static __thread char id[32];
    int status = 0;
    json_t *body = json_pack("{s:s}", "username", username);
    if (roles_json)
        json_object_set_new(body, "roles", json_loads(roles_json, 0, NULL));
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/members", body, &status);
    CHECK_EQ_INT(status, 200);
    snprintf(id, sizeof id, "%s",
             json_string_value(json_object_get(json_object_get(r, "user"), "id")));
    json_decref(r);
    return id;
}

const char *rt_user_id(e2e *t, const char *name)
{
    static __thread char id[32];
    int status = 0;
    json_t *st = et_ctl(&t->emu, "GET", "/_emu/state", NULL, &status);
    CHECK_EQ_INT(status, 200);
    json_t *g = json_array_get(json_object_get(st, "guilds"), 0), *v;
    size_t i;
    id[0] = '\0';
    json_array_foreach(json_object_get(g, "members"), i, v) {
        json_t *u = json_object_get(v, "user");
        if (!strcmp(json_string_value(json_object_get(u, "username")), name))
            snprintf(id, sizeof id, "%s", json_string_value(json_object_get(u, "id")));
    }
    const char *lists[] = {"channels", "roles"};
    for (int l = 0; l < 2 && !id[0]; l++)
        json_array_foreach(json_object_get(g, lists[l]), i, v)
            if (!strcmp(json_string_value(json_object_get(v, "name")), name))
                snprintf(id, sizeof id, "%s", json_string_value(json_object_get(v, "id")));
    json_decref(st);
    CHECK(id[0]);
    return id;
}

int64_t rt_sql(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

int64_t rt_sql_wait(e2e *t, const char *sql, int64_t want, int timeout_ms)
{
    int64_t v = 0;
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        if ((v = tsup_pg_i64(t->db, sql)) == want)
            return v;
        usleep(100000);
    }
    return v;
}
