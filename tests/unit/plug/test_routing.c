/*
 * The plugin registry: loading real test plugins, refusing bad ones while the
 * others keep going, routing every kind of call, and unloading a replaced
 * generation only after its last call returned.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plug/plug.h"
#include "plug/plug_ctx.h"
#include "tsup.h"

/* An empty migrations folder for each test plugin: an absent one is refused. */
static void make_migrations(void)
{
    static const char *const names[] = {"", "/routing", "/clash_one", "/clash_two"};
    char dir[1024];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(dir, sizeof dir, "%s/none%s", tsup_tmpdir(), names[i]);
        mkdir(dir, 0700);
    }
}

static cfg *config(const char *enabled)
{
    char text[1024];
    make_migrations();
    snprintf(text, sizeof text,
             "[plugins]\ndir = %s/tests/plugins\nmigrations = %s/none\nenabled = %s\n",
             BH_BINARY_DIR, tsup_tmpdir(), enabled);
    cfg *c;
    char err[256];
    if (cfg_load(tsup_write_file("routing.ini", text), &c, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    return c;
}

static const char *route_name(plug_mgr *m, int kind, const char *key)
{
    static char name[128];
    plug_call call;
    if (plug_route(m, kind, key, &call) != 0)
        return "(none)";
    snprintf(name, sizeof name, "%s/%s", plug_gen_name(call.gen), call.name);
    plug_call_release(m, &call);
    return name;
}

int main(void)
{
    char copies[1024];
    snprintf(copies, sizeof copies, "%s/copies", tsup_tmpdir());
    plug_mgr *m;
    plug_mgr_opts po = {.db = NULL, .copy_dir = copies};
    CHECK(plug_mgr_create(&m, &po) == 0);

    cfg *c = config("routing, clash_one, clash_two, badname, missing");
    plug_apply_report r;
    CHECK_EQ_INT(plug_mgr_apply(m, c, 0, &r), 3);
    CHECK_EQ_INT(r.loaded, 2);
    fprintf(stderr, "summary: %s\n", r.summary);
    CHECK(strstr(r.summary, "failed=clash_two(command /clash is already registered by plugin clash_one)"));
    CHECK(strstr(r.summary, "failed=badname(malformed plugin name 'Bad-Name'"));
    CHECK(strstr(r.summary, "failed=missing("));

    /* Commands by exact path, components and modals by longest prefix at ':' boundaries. */
    CHECK_EQ_STR(route_name(m, PLUG_COMMAND, "route"), "routing/route");
    CHECK_EQ_STR(route_name(m, PLUG_COMMAND, "route sub"), "routing/route sub");
    CHECK_EQ_STR(route_name(m, PLUG_COMMAND, "clash"), "clash_one/clash");
    CHECK_EQ_STR(route_name(m, PLUG_COMMAND, "nothing"), "(none)");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "routing:btn"), "routing/btn");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "routing:btn:42"), "routing/btn");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "routing:btn:deep:7"), "routing/btn:deep");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "routing:btnx"), "(none)");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "clash_one:btn:1"), "clash_one/btn");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "nobody:btn"), "(none)");
    CHECK_EQ_STR(route_name(m, PLUG_COMPONENT, "routing"), "(none)");
    CHECK_EQ_STR(route_name(m, PLUG_MODAL, "routing:form:1"), "routing/form");
    CHECK_EQ_STR(route_name(m, PLUG_MODAL, "routing:btn"), "(none)");
    CHECK_EQ_STR(route_name(m, PLUG_JOB, "routing:work"), "routing/work");
    CHECK_EQ_STR(route_name(m, PLUG_JOB, "routing:work:extra"), "(none)");

    plug_call calls[8];
    int n = plug_route_event(m, "GUILD_MEMBER_ADD", calls, 8);
    CHECK_EQ_INT(n, 2);
    for (int i = 0; i < n; i++)
        plug_call_release(m, &calls[i]);
    CHECK_EQ_INT(plug_route_event(m, "MESSAGE_CREATE", calls, 8), 0);

    CHECK(plug_intents(m) & BH_INTENT_GUILD_MEMBERS);
    json_t *cmds = plug_commands(m);
    CHECK_EQ_INT(json_array_size(cmds), 2);
    json_decref(cmds);

    /* A handler's failure comes back with its reason. */
    plug_call call;
    CHECK(plug_route(m, PLUG_COMPONENT, "routing:btn:9", &call) == 0);
    bh_ctx *ctx = plug_ctx_new(m, BH_CTX_COMPONENT, "routing:btn:9", NULL, NULL);
    CHECK_EQ_INT(plug_ctx_run(ctx, &call), BH_ENOTFOUND);
    CHECK_EQ_STR(plug_ctx_error(ctx), "handler returned -5 (not found)");
    plug_ctx_free(ctx);

    /* While a call is in flight, a replaced generation stays loaded; it goes with the call. */
    uint64_t old_gen = plug_gen_id(call.gen);
    cfg_free(c);
    c = config("routing, clash_two");
    CHECK_EQ_INT(plug_mgr_apply(m, c, 1, &r), 0);
    fprintf(stderr, "summary: %s\n", r.summary);
    CHECK_EQ_INT(r.reloaded, 1);
    CHECK_EQ_INT(r.loaded, 1);   /* clash_two: no longer clashes */
    CHECK_EQ_INT(r.unloaded, 1); /* clash_one */
    int live, retiring;
    plug_counts(m, &live, &retiring);
    CHECK_EQ_INT(live, 2);
    CHECK_EQ_INT(retiring, 1);
    plug_call fresh;
    CHECK(plug_route(m, PLUG_COMMAND, "route", &fresh) == 0);
    CHECK(plug_gen_id(fresh.gen) != old_gen);
    plug_call_release(m, &fresh);
    plug_call_release(m, &call);
    plug_counts(m, &live, &retiring);
    CHECK_EQ_INT(retiring, 0);

    /* Nothing changed: nothing reloads. */
    CHECK_EQ_INT(plug_mgr_apply(m, c, 0, &r), 0);
    CHECK_EQ_INT(r.kept, 2);
    CHECK_EQ_INT(r.reloaded + r.loaded + r.unloaded, 0);

    /* A plugin section key the plugin never reads is an error with its line. */
    cfg_free(c);
    char text[1024];
    snprintf(text, sizeof text,
             "[plugins]\ndir = %s/tests/plugins\nmigrations = %s/none\nenabled = routing\n"
             "[plugin.routing]\ncolour = blue\n",
             BH_BINARY_DIR, tsup_tmpdir());
    char err[256];
    const char *path = tsup_write_file("unknown.ini", text);
    CHECK(cfg_load(path, &c, err, sizeof err) == 0);
    CHECK_EQ_INT(plug_mgr_apply(m, c, 0, &r), 1);
    char want[512];
    snprintf(want, sizeof want, "%s:6: unknown key 'colour' in [plugin.routing]", path);
    CHECK(strstr(r.summary, want));
    CHECK_EQ_STR(route_name(m, PLUG_COMMAND, "route"), "routing/route"); /* old one serves */

    cfg_free(c);
    plug_mgr_destroy(m);
    printf("test_routing: ok\n");
    return 0;
}
