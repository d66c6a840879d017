#include "rpt.h"

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

static char extra_saved[4096];

void rpt_start(e2e *t, const char *name, const char *extra_ini)
{
    e2e_setup(t, name, NULL);
    tsup_host_install_real_plugin(&t->dirs, "rolepanel");
    snprintf(extra_saved, sizeof extra_saved, "[host]\nauto_defer_ms = 2500\n%s",
             extra_ini ? extra_ini : "");
    e2e_start_host(t, "rolepanel", extra_saved, "msg=\"ready: ");
    e2e_wait_commands(t, 30000);
}

void rpt_restart(e2e *t)
{
    e2e_start_host(t, "rolepanel", extra_saved, "msg=\"ready: ");
}

/* A rotating set of static buffers, so several results can live in one expression. */
static char *buf(void)
{
    static __thread char bufs[16][64];
    static __thread int next;
    return bufs[next++ % 16];
}

static const char *created(json_t *r, int status, const char *what)
{
    const char *s = json_string_value(json_object_get(r, "interaction_id"));
    if (status != 200 || !s)
        fprintf(stderr, "%s: HTTP %d %s\n", what, status,
                json_string_value(json_object_get(r, "error")));
    CHECK(status == 200 && s);
    char *out = buf();
    snprintf(out, 64, "%s", s);
    json_decref(r);
    return out;
}

const char *rpt_command(e2e *t, const char *user, const char *text)
{
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/command",
                       json_pack("{s:s,s:s}", "text", text, "user", user), &status);
    return created(r, status, text);
}

/*
 * Waits until the message (ephemeral ones too) offers the control: an answer
 * seen by the test does not mean the message it redraws already shows the next
 * step, so the test waits for the message state rather than for time.
 */
static void wait_control(e2e *t, const char *message_id, const char *custom_id)
{
    char needle[160];
    snprintf(needle, sizeof needle, "\"custom_id\":\"%s\"", custom_id);
    for (int waited = 0; waited < 30000; waited += 50) {
        int status = 0, found = 0;
        json_t *r = et_ctl(&t->emu, "GET", "/_emu/messages", NULL, &status);
        size_t i;
        json_t *m;
        json_array_foreach(json_object_get(r, "messages"), i, m) {
            if (strcmp(json_string_value(json_object_get(m, "id")) ?: "", message_id))
                continue;
            char *d = json_dumps(m, JSON_COMPACT);
            found = d && strstr(d, needle);
            free(d);
        }
        json_decref(r);
        if (found)
            return;
        usleep(50000);
    }
    fprintf(stderr, "message %s never offered %s\n", message_id, custom_id);
}

const char *rpt_click(e2e *t, const char *user, const char *message_id, const char *custom_id)
{
    wait_control(t, message_id, custom_id);
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/click",
                       json_pack("{s:s,s:s,s:s}", "message_id", message_id, "custom_id",
                                 custom_id, "user", user),
                       &status);
    return created(r, status, custom_id);
}

const char *rpt_select(e2e *t, const char *user, const char *message_id, const char *custom_id,
                       const char *const *values)
{
    wait_control(t, message_id, custom_id);
    json_t *v = json_array();
    for (int i = 0; values && values[i]; i++)
        json_array_append_new(v, json_string(values[i]));
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/select",
                       json_pack("{s:s,s:s,s:o,s:s}", "message_id", message_id, "custom_id",
                                 custom_id, "values", v, "user", user),
                       &status);
    return created(r, status, custom_id);
}

const char *rpt_modal(e2e *t, const char *interaction_id, const char *const *fields)
{
    json_t *v = json_object();
    for (int i = 0; fields && fields[i]; i += 2)
        json_object_set_new(v, fields[i], json_string(fields[i + 1]));
    int status = 0;
    json_t *r = et_ctl(&t->emu, "POST", "/_emu/modal",
                       json_pack("{s:s,s:o}", "interaction_id", interaction_id, "values", v),
                       &status);
    return created(r, status, "modal");
}

static int response_type(json_t *v)
{
    return (int)json_integer_value(json_object_get(json_object_get(v, "response"), "type"));
}

/* The final text, or NULL while the answer is still to come. */
static const char *final_text(json_t *v)
{
    json_t *f = json_object_get(v, "followups");
    if (json_array_size(f))
        return json_string_value(
            json_object_get(json_array_get(f, json_array_size(f) - 1), "content"));
    int type = response_type(v);
    if (type == 4 || type == 7) {
        const char *s = json_string_value(json_object_get(
            json_object_get(json_object_get(v, "response"), "data"), "content"));
        return s ? s : "";
    }
    if (type == 9)
        return "";
    if (type == 6) {
        /* A deferred update: final once the message was edited after the defer. */
        size_t i;
        json_t *e;
        int edited = 0;
        json_array_foreach(json_object_get(v, "log"), i, e)
            if (!strcmp(json_string_value(json_object_get(e, "kind")) ?: "", "edit"))
                edited = 1;
        if (!edited)
            return NULL;
    }
    const char *s = json_string_value(json_object_get(json_object_get(v, "original"), "content"));
    return s && *s ? s : NULL;
}

json_t *rpt_view(e2e *t, const char *interaction_id, int wait_ms)
{
    int since = 0;
    for (int waited = 0; waited < wait_ms; waited += 500) {
        json_t *v = e2e_answer(t, interaction_id, since, 500);
        if (final_text(v))
            return v;
        since = (int)json_integer_value(json_object_get(v, "version"));
        json_decref(v);
    }
    return e2e_answer(t, interaction_id, 0, 1);
}

const char *rpt_answer(e2e *t, const char *interaction_id, int wait_ms)
{
    static __thread char text[4096];
    json_t *v = rpt_view(t, interaction_id, wait_ms);
    const char *s = final_text(v);
    snprintf(text, sizeof text, "%s", s ? s : "");
    json_decref(v);
    /* A failed handler: let its log line (the reason) reach the test's output. */
    if (strstr(text, "Something went wrong") && t->host)
        tsup_proc_pump(t->host, 300);
    return text;
}

int rpt_answer_type(e2e *t, const char *interaction_id, int wait_ms)
{
    json_t *v = e2e_answer(t, interaction_id, 0, wait_ms);
    int type = response_type(v);
    json_decref(v);
    return type;
}

static json_t *state(e2e *t)
{
    int status = 0;
    json_t *s = et_ctl(&t->emu, "GET", "/_emu/state", NULL, &status);
    CHECK(status == 200 && s);
    return s;
}

static json_t *guild0(json_t *s)
{
    return json_array_get(json_object_get(s, "guilds"), 0);
}

static const char *find_id(json_t *list, const char *key, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *n = json_string_value(json_object_get(v, key));
        if (n && !strcmp(n, name))
            return json_string_value(json_object_get(v, "id"));
    }
    return NULL;
}

static const char *lookup(e2e *t, const char *list, const char *name)
{
    json_t *s = state(t);
    const char *id = find_id(json_object_get(guild0(s), list), "name", name);
    if (!id)
        fprintf(stderr, "no %s named %s\n", list, name);
    CHECK(id);
    char *out = buf();
    snprintf(out, 64, "%s", id);
    json_decref(s);
    return out;
}

const char *rpt_role_id(e2e *t, const char *name)
{
    return lookup(t, "roles", name);
}

const char *rpt_channel_id(e2e *t, const char *name)
{
    return lookup(t, "channels", name);
}

const char *rpt_user_id(e2e *t, const char *name)
{
    json_t *s = state(t);
    size_t i;
    json_t *m;
    char *out = buf();
    out[0] = '\0';
    json_array_foreach(json_object_get(guild0(s), "members"), i, m) {
        json_t *u = json_object_get(m, "user");
        if (!strcmp(json_string_value(json_object_get(u, "username")), name))
            snprintf(out, 64, "%s", json_string_value(json_object_get(u, "id")));
    }
    json_decref(s);
    CHECK(out[0]);
    return out;
}

int rpt_has_role(e2e *t, const char *user, const char *role)
{
    json_t *s = state(t);
    const char *rid = find_id(json_object_get(guild0(s), "roles"), "name", role);
    int has = 0;
    size_t i, j;
    json_t *m, *r;
    CHECK(rid);
    json_array_foreach(json_object_get(guild0(s), "members"), i, m) {
        if (strcmp(json_string_value(json_object_get(json_object_get(m, "user"), "username")), user))
            continue;
        json_array_foreach(json_object_get(m, "roles"), j, r)
            if (!strcmp(json_string_value(r), rid))
                has = 1;
    }
    json_decref(s);
    return has;
}

void rpt_set_role(e2e *t, const char *user, const char *role, int on)
{
    char path[256];
    snprintf(path, sizeof path, "/_emu/members/%s/roles/%s", user, rpt_role_id(t, role));
    int status = 0;
    json_decref(et_ctl(&t->emu, on ? "PUT" : "DELETE", path, NULL, &status));
    CHECK_EQ_INT(status, 200);
}

void rpt_join(e2e *t, const char *username)
{
    int status = 0;
    json_decref(et_ctl(&t->emu, "POST", "/_emu/members", json_pack("{s:s}", "username", username),
                       &status));
    CHECK_EQ_INT(status, 200);
}

json_t *rpt_message(e2e *t, const char *channel_id, const char *message_id)
{
    char path[256];
    snprintf(path, sizeof path, "/channels/%s/messages/%s", channel_id, message_id);
    int status = 0;
    json_t *m = et_rest(&t->emu, "GET", path, NULL, &status);
    if (status != 200) {
        json_decref(m);
        return NULL;
    }
    return m;
}

int rpt_wait_message(e2e *t, const char *channel_id, const char *message_id, const char *needle,
                     int present, int wait_ms)
{
    for (int waited = 0;; waited += 100) {
        json_t *m = rpt_message(t, channel_id, message_id);
        char *d = m ? json_dumps(m, JSON_COMPACT) : NULL;
        int has = d && strstr(d, needle);
        free(d);
        json_decref(m);
        if (has == present)
            return 1;
        if (waited >= wait_ms)
            return 0;
        usleep(100000);
    }
}

int rpt_count_messages(e2e *t, const char *channel, const char *needle)
{
    char path[256];
    snprintf(path, sizeof path, "/_emu/messages?channel=%s", channel);
    int status = 0;
    json_t *r = et_ctl(&t->emu, "GET", path, NULL, &status);
    CHECK_EQ_INT(status, 200);
    json_t *list = json_is_array(r) ? r : json_object_get(r, "messages");
    int n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        char *d = json_dumps(m, JSON_COMPACT);
        if (d && strstr(d, needle))
            n++;
        free(d);
    }
    json_decref(r);
    return n;
}

/* ---- the editor ---- */

static const char *cid(const char *action, const rpt_panel *p, const char *extra)
{
    char *out = buf();
    snprintf(out, 64, "rolepanel:ed:%s:%" PRId64 "%s%s", action, p->id, extra ? ":" : "",
             extra ? extra : "");
    return out;
}

void rpt_panel_create(e2e *t, rpt_panel *p, const char *title, const char *description)
{
    memset(p, 0, sizeof *p);
    const char *ix = rpt_command(t, "owner", "/panel create");
    CHECK_EQ_INT(rpt_answer_type(t, ix, RPT_ANSWER_MS), 9);
    const char *fields[] = {"title", title, "description", description, NULL};
    const char *sub = rpt_modal(t, ix, fields);
    json_t *v = rpt_view(t, sub, RPT_ANSWER_MS);
    CHECK_EQ_INT(response_type(v), 4);
    const char *etitle = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(json_object_get(v, "response"), "data"),
                                       "embeds"),
                       0),
        "title"));
    CHECK(etitle && sscanf(etitle, "Panel #%" SCNd64, &p->id) == 1);
    snprintf(p->editor, sizeof p->editor, "%s",
             json_string_value(json_object_get(v, "original_message_id")));
    json_decref(v);
}

const char *rpt_panel_add_role(e2e *t, rpt_panel *p, const char *role, const char *label,
                               const char *style)
{
    const char *values[] = {role, NULL};
    const char *ix = rpt_select(t, "owner", p->editor, cid("add", p, NULL), values);
    int type = rpt_answer_type(t, ix, RPT_ANSWER_MS);
    if (type != 9)
        return rpt_answer(t, ix, RPT_ANSWER_MS);
    const char *fields[] = {"label", label, "style", style ? style : "", NULL};
    return rpt_answer(t, rpt_modal(t, ix, fields), RPT_ANSWER_MS);
}

void rpt_panel_mode(e2e *t, rpt_panel *p, const char *mode)
{
    const char *values[] = {mode, NULL};
    const char *text = rpt_answer(t, rpt_select(t, "owner", p->editor, cid("mode", p, NULL), values), RPT_ANSWER_MS);
    CHECK(strstr(text, "Mode: "));
}

const char *rpt_panel_limits(e2e *t, rpt_panel *p, const char *min, const char *max,
                             const char *duration)
{
    const char *ix = rpt_click(t, "owner", p->editor, cid("limits", p, NULL));
    CHECK_EQ_INT(rpt_answer_type(t, ix, RPT_ANSWER_MS), 9);
    const char *fields[] = {"min", min, "max", max, "duration", duration, NULL};
    return rpt_answer(t, rpt_modal(t, ix, fields), RPT_ANSWER_MS);
}

void rpt_panel_requirements(e2e *t, rpt_panel *p, const char *required, const char *excluded)
{
    rpt_answer(t, rpt_click(t, "owner", p->editor, cid("req", p, NULL)), RPT_ANSWER_MS);
    const char *r[] = {required, NULL}, *x[] = {excluded, NULL};
    const char *a = rpt_answer(t, rpt_select(t, "owner", p->editor, cid("setreq", p, NULL), r), RPT_ANSWER_MS);
    if (!strstr(a, "Requirements saved"))
        fprintf(stderr, "setreq: %s\n", a);
    CHECK(strstr(a, "Requirements saved"));
    a = rpt_answer(t, rpt_select(t, "owner", p->editor, cid("setexc", p, NULL), x), RPT_ANSWER_MS);
    if (!strstr(a, "Requirements saved"))
        fprintf(stderr, "setexc: %s\n", a);
    CHECK(strstr(a, "Requirements saved"));
    rpt_answer(t, rpt_click(t, "owner", p->editor, cid("home", p, NULL)), RPT_ANSWER_MS);
}

void rpt_panel_toggle_kind(e2e *t, rpt_panel *p)
{
    CHECK(strstr(rpt_answer(t, rpt_click(t, "owner", p->editor, cid("kind", p, NULL)), RPT_ANSWER_MS),
                 "Kind: "));
}

const char *rpt_panel_post(e2e *t, rpt_panel *p, const char *channel)
{
    static char notice[2048];
    rpt_answer(t, rpt_click(t, "owner", p->editor, cid("post", p, NULL)), RPT_ANSWER_MS);
    const char *values[] = {channel, NULL};
    snprintf(notice, sizeof notice, "%s",
             rpt_answer(t, rpt_select(t, "owner", p->editor, cid("postto", p, NULL), values), 10000));
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT coalesce(message_id, 0) FROM rolepanel.panels WHERE id = %" PRId64,
             p->id);
    int64_t mid = tsup_pg_i64(t->db, sql);
    snprintf(p->message, sizeof p->message, "%" PRId64, mid);
    snprintf(p->channel, sizeof p->channel, "%s", rpt_channel_id(t, channel));
    return notice;
}

const char *rpt_take(e2e *t, rpt_panel *p, const char *user, const char *role)
{
    char c[100];
    snprintf(c, sizeof c, "rolepanel:b:%" PRId64 ":%s", p->id, rpt_role_id(t, role));
    return rpt_answer(t, rpt_click(t, user, p->message, c), RPT_ANSWER_MS);
}

const char *rpt_choose(e2e *t, rpt_panel *p, const char *user, const char *const *roles)
{
    char c[100];
    snprintf(c, sizeof c, "rolepanel:s:%" PRId64, p->id);
    return rpt_answer(t, rpt_select(t, user, p->message, c, roles), RPT_ANSWER_MS);
}
