/*
 * The ABI's minor versions: a plugin built against the frozen 1.0 headers and one
 * built against the current ones both load and run; one built for the next minor
 * loads too, and its probe of a function this host lacks takes its fallback. A
 * different major is refused (loadtest_badabi), naming both versions.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plug/plug.h"
#include "plug/plug_ctx.h"
#include "plug/plug_internal.h"
#include "tsup.h"

static cfg *config(const char *enabled)
{
    static const char *const names[] = {
        "", "/abi_v1_0", "/abi_now", "/abi_future", "/sdk_strict", "/loadtest_badabi"};
    char dir[1024];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(dir, sizeof dir, "%s/none%s", tsup_tmpdir(), names[i]);
        mkdir(dir, 0700);
    }
    char text[1024];
    snprintf(text, sizeof text,
             "[plugins]\ndir = %s/tests/plugins\nmigrations = %s/none\nenabled = %s\n",
             BH_BINARY_DIR, tsup_tmpdir(), enabled);
    cfg *c;
    char err[256];
    if (cfg_load(tsup_write_file("abi.ini", text), &c, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    return c;
}

/* Runs a plugin's command handler; its return code. */
static int run(plug_mgr *m, const char *command)
{
    plug_call call;
    if (plug_route(m, PLUG_COMMAND, command, &call) != 0)
        return 1000;
    bh_ctx *ctx = plug_ctx_new(m, BH_CTX_COMMAND, command, NULL, NULL);
    int rc = plug_ctx_run(ctx, &call);
    fprintf(stderr, "%s: %d (%s)\n", command, rc, plug_ctx_error(ctx));
    plug_ctx_free(ctx);
    plug_call_release(m, &call);
    return rc;
}

int main(void)
{
    char copies[1024];
    snprintf(copies, sizeof copies, "%s/copies", tsup_tmpdir());
    plug_mgr *m;
    plug_mgr_opts po = {.db = NULL, .copy_dir = copies};
    CHECK(plug_mgr_create(&m, &po) == 0);

    cfg *c = config("abi_v1_0, abi_now, abi_future, sdk_strict, loadtest_badabi");
    plug_apply_report r;
    int failed = plug_mgr_apply(m, c, 0, &r);
    fprintf(stderr, "summary: %s\n", r.summary);
    CHECK_EQ_INT(r.loaded, 4);
    CHECK_EQ_INT(failed, 1);
    CHECK(strstr(r.summary, "failed=loadtest_badabi(built for plugin ABI 2.0, this host speaks "
                            "ABI 1.2"));

    CHECK_EQ_INT(run(m, "abi_v1_0"), 0);           /* the 1.0 table's slots still answer */
    CHECK_EQ_INT(run(m, "abi_now"), 0);            /* the newest slot is there */
    CHECK_EQ_INT(run(m, "abi_future"), BH_ENOSYS); /* its probe took the fallback */

    /* The one error list: numbers, names and texts agree on both sides of the table. */
    CHECK_EQ_STR(bh_err_name(BH_ECONFLICT), "BH_ECONFLICT");
    CHECK_EQ_STR(bh_err_name(-99), "BH_E?");
    CHECK_EQ_STR(bh_strerror(BH_EPERM), "missing permission");
    CHECK_EQ_STR(bh_strerror(1), "unknown error");
    CHECK_EQ_STR(plug_api_table.strerror(BH_ELIMIT), bh_strerror(BH_ELIMIT));
    CHECK_EQ_INT(plug_api_table.size, sizeof(bh_api));
    CHECK(BH_API_HAS(&plug_api_table, guild_owner_get));

    cfg_free(c);
    plug_mgr_destroy(m);
    printf("test_abi: ok\n");
    return 0;
}
