/*
 * The host's own answer against the auto-defer, lined up on purpose: a handler
 * returns without answering and the auto-defer fires exactly when the host is
 * about to claim the answer it left (before the claim, then just after it),
 * thousands of times. Every interaction gets exactly one initial response
 * (the emulator refuses a second with 40060 and logs it), and the call lives
 * until the defer's answer came back (ASan sees any use after free).
 *
 * In-process: a real loop with net + REST against bothost-emu, the real worker
 * pool and plugin manager with the interact test plugin, and ia_dispatch()
 * fed the interactions the emulator created.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../rest/rest_fixture.h"
#include "base/cfg.h"
#include "base/work_pool.h"
#include "ia/ia_internal.h"
#include "plug/plug.h"
#include "tsup_host.h"

#define ROUNDS 2000
#define BATCH 50

/* Calls whose worker waits in the hook for the loop to fire their auto-defer. */
typedef struct pending {
    ia_call *call;
    int fired;
} pending;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pending *queue[BATCH];
static int nqueue;
static uv_async_t fire_async;
static int fire_at[2]; /* how many calls were lined up at each hook point */

static char (*ids)[32];
static int batch_start;

/* Even rounds are fired before the claim, odd ones right after it. */
static int where_for(const ia_call *call)
{
    const char *id = json_string_value(json_object_get(call->ia, "id"));
    for (int i = batch_start; i < batch_start + BATCH; i++)
        if (strcmp(ids[i], id) == 0)
            return i % 2;
    CHECK(0);
    return 0;
}

static void hook(ia_call *call, int where)
{
    if (call->type != 2 || where != where_for(call))
        return;
    pending p = {.call = call};
    pthread_mutex_lock(&mu);
    queue[nqueue++] = &p;
    fire_at[where]++;
    pthread_mutex_unlock(&mu);
    uv_async_send(&fire_async);
    pthread_mutex_lock(&mu);
    while (!p.fired)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

/* Loop thread: the timer "fires" for every waiting call. */
static void on_fire(uv_async_t *a)
{
    (void)a;
    pthread_mutex_lock(&mu);
    pending *list[BATCH];
    int n = nqueue;
    memcpy(list, queue, sizeof(pending *) * (size_t)n);
    nqueue = 0;
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < n; i++)
        ia_answer_auto_defer(list[i]->call);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < n; i++)
        list[i]->fired = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static const char *app_id(void)
{
    static char id[32];
    int st;
    json_t *j = emu_http("GET", "/_emu", NULL, &st);
    CHECK_EQ_INT(st, 200);
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(j, "application_id")));
    json_decref(j);
    return id;
}

/* Creates a /tools quiet interaction in the emulator; returns what the gateway would carry. */
static json_t *make_interaction(const char *app)
{
    int st;
    json_t *r = emu_http("POST", "/_emu/command", "{\"text\":\"/tools quiet\"}", &st);
    CHECK_EQ_INT(st, 200);
    json_t *ia = json_pack("{s:O,s:s,s:i,s:O,s:O,s:O,s:{s:{s:s}},s:{s:s,s:s,s:i,s:[{s:i,s:s}]}}",
                           "id", json_object_get(r, "interaction_id"), "application_id", app,
                           "type", 2, "token", json_object_get(r, "token"), "guild_id",
                           json_object_get(r, "guild_id"), "channel_id",
                           json_object_get(r, "channel_id"), "member", "user", "id", "1",
                           "data", "id", "1", "name", "tools", "type", 1, "options", "type", 1,
                           "name", "quiet");
    json_decref(r);
    CHECK(ia);
    return ia;
}

static int count_kind(json_t *log, const char *kind)
{
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(log, i, e)
        n += strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0;
    return n;
}

int main(void)
{
    emu_start();
    fx f;
    fx_open(&f, emu_api_base(), NULL);
    const char *app = app_id();

    /* The emulator creates interactions only for commands the bot registered. */
    char path[128];
    snprintf(path, sizeof path, "/api/v10/applications/%s/commands", app);
    int st;
    json_t *j = emu_http("PUT", path,
                         "[{\"name\":\"tools\",\"description\":\"Test tools\",\"options\":["
                         "{\"type\":1,\"name\":\"quiet\",\"description\":\"answers nothing\"}]}]",
                         &st);
    CHECK_EQ_INT(st, 200);
    json_decref(j);

    tsup_host_dirs dirs;
    tsup_host_dirs_make(&dirs, "answer_race");
    tsup_host_install_plugin(&dirs, "interact_a", "interact");
    char text[2048], copies[700];
    snprintf(text, sizeof text,
             "[plugins]\ndir = %s\nmigrations = %s\nenabled = interact\n", dirs.plugins,
             dirs.migrations);
    snprintf(copies, sizeof copies, "%s/copies", dirs.state);
    cfg *c;
    char err[256];
    CHECK(cfg_load(tsup_write_file("race.ini", text), &c, err, sizeof err) == 0);
    plug_mgr *pm;
    plug_mgr_opts po = {.db = NULL, .copy_dir = copies};
    CHECK(plug_mgr_create(&pm, &po) == 0);
    plug_mgr_set_discord(pm, f.r, NULL);
    plug_apply_report rep;
    CHECK_EQ_INT(plug_mgr_apply(pm, c, 0, &rep), 0);

    work_pool *wp;
    CHECK(work_pool_create(&wp, 4) == 0);
    ia_mgr *m;
    /* The timer never fires by itself: the hook fires the defer at the chosen moment. */
    ia_opts o = {.loop = &f.loop, .workers = wp, .plugins = pm, .rest = f.r,
                 .auto_defer_ms = 600000, .test_hook = hook};
    CHECK(ia_mgr_create(&m, &o) == 0);
    CHECK(uv_async_init(&f.loop, &fire_async, on_fire) == 0);

    ids = calloc(ROUNDS, sizeof *ids);
    CHECK(ids);
    for (int done = 0; done < ROUNDS; done += BATCH) {
        batch_start = done;
        for (int i = 0; i < BATCH; i++) {
            json_t *ia = make_interaction(app);
            snprintf(ids[done + i], sizeof ids[0], "%s",
                     json_string_value(json_object_get(ia, "id")));
            ia_dispatch(m, ia);
            json_decref(ia);
        }
        for (int spins = 0; ia_mgr_inflight(m) > 0; spins++) {
            CHECK(spins < 1000000);
            uv_run(&f.loop, UV_RUN_ONCE);
        }
    }
    fprintf(stderr, "lined up: %d before the claim, %d after it\n", fire_at[0], fire_at[1]);
    CHECK(fire_at[0] > ROUNDS / 4 && fire_at[1] > ROUNDS / 4);

    /*
     * What the user saw, per interaction: exactly one initial response, never a
     * refused second one; "Done." either as the response or as the deferred
     * response's edit.
     */
    int deferred = 0;
    for (int i = 0; i < ROUNDS; i++) {
        snprintf(path, sizeof path, "/_emu/interactions/%s", ids[i]);
        j = emu_http("GET", path, NULL, &st);
        CHECK_EQ_INT(st, 200);
        json_t *log = json_object_get(j, "log");
        if (count_kind(log, "callback") != 1 || count_kind(log, "callback_refused") != 0) {
            char *s = json_dumps(log, JSON_COMPACT);
            fprintf(stderr, "interaction %s: %s\n", ids[i], s);
            free(s);
            CHECK(0);
        }
        int type = (int)json_integer_value(json_object_get(json_object_get(j, "response"), "type"));
        const char *content =
            json_string_value(json_object_get(json_object_get(j, "original"), "content"));
        if (type == 5) {
            deferred++;
            CHECK_EQ_INT(count_kind(log, "edit"), 1);
        } else {
            CHECK_EQ_INT(type, 4);
        }
        CHECK_EQ_STR(content ? content : "(none)", "Done.");
        json_decref(j);
    }
    fprintf(stderr, "deferred then edited: %d, answered at once: %d\n", deferred,
            ROUNDS - deferred);
    CHECK_EQ_INT(deferred, fire_at[0]);
    CHECK_EQ_INT(emu_violations(), 0);
    free(ids);

    uv_close((uv_handle_t *)&fire_async, NULL);
    ia_mgr_close(m);
    work_pool_destroy(wp);
    fx_close(&f);
    ia_mgr_free(m);
    plug_mgr_destroy(pm);
    cfg_free(c);
    emu_stop();
    printf("test_answer_race: ok\n");
    return 0;
}
