/*
 * loadtest: keeps chains of jobs running so reloads happen under load.
 *
 * A "tick" job {chain, seq} records itself in loadtest.calls (primary key
 * (chain, seq), so a job run twice fails) and schedules {chain, seq + 1}. A
 * call into a generation after its unload() aborts the process.
 */
#include <bothost/bothost.h>

#include <stdlib.h>

static bh_host *H;
static volatile int unloaded;

#ifdef LOADTEST_MISSING_SYMBOL
extern int loadtest_symbol_nobody_defines(void);
#endif

static int on_tick(bh_ctx *c)
{
    if (unloaded)
        abort();
    const json_t *d = bh_ctx_data(c);
    json_int_t chain = json_integer_value(json_object_get(d, "chain"));
    json_int_t seq = json_integer_value(json_object_get(d, "seq"));
    int64_t n = bh_db_exec(c, "INSERT INTO loadtest.calls (chain, seq, variant) VALUES ($1, $2, $3)",
                           BH_ARGS(bh_i64(chain), bh_i64(seq), bh_text(LOADTEST_VARIANT)));
    if (n < 0)
        return (int)n;
    json_t *next = json_pack("{s:I,s:I}", "chain", chain, "seq", seq + 1);
    int rc = bh_job_schedule(c, "tick", 0, next, NULL);
    json_decref(next);
    return rc;
}

static const char *label;

/* A "once" job {n} records which host ran it; the primary key catches a second run. */
static int on_once(bh_ctx *c)
{
    json_int_t n = json_integer_value(json_object_get(bh_ctx_data(c), "n"));
    int64_t rc = bh_db_exec(c, "INSERT INTO loadtest.once (n, label) VALUES ($1, $2)",
                            BH_ARGS(bh_i64(n), bh_text(label)));
    return rc < 0 ? (int)rc : 0;
}

/* A "slow" job {ms} sleeps in the database, then records itself as n = -ms. */
static int on_slow(bh_ctx *c)
{
    json_int_t ms = json_integer_value(json_object_get(bh_ctx_data(c), "ms"));
    bh_log(H, BH_LOG_INFO, "slow job sleeping %lld ms", (long long)ms);
    int64_t rc = bh_db_exec(c, "SELECT pg_sleep($1::float8 / 1000)", BH_ARGS(bh_i64(ms)));
    if (rc >= 0)
        rc = bh_db_exec(c, "INSERT INTO loadtest.once (n, label) VALUES ($1, $2)",
                        BH_ARGS(bh_i64(-ms), bh_text(label)));
    return rc < 0 ? (int)rc : 0;
}

static int on_ping(bh_ctx *c)
{
    (void)c;
    return unloaded ? (abort(), 0) : 0;
}

static int loadtest_load(bh_host *h)
{
    H = h;
#ifdef LOADTEST_FAIL_LOAD
    bh_log(h, BH_LOG_ERROR, "this build refuses to load");
    return BH_EINVAL;
#endif
#ifdef LOADTEST_MISSING_SYMBOL
    if (loadtest_symbol_nobody_defines())
        return BH_EINVAL;
#endif
    label = bh_config_text(h, "label", "host");
    int rc = bh_job_handle(h, "tick", on_tick);
    if (rc == 0)
        rc = bh_job_handle(h, "once", on_once);
    if (rc == 0)
        rc = bh_job_handle(h, "slow", on_slow);
    if (rc == 0)
        rc = bh_command_register(h, "{\"name\":\"loadtest\",\"description\":\"test\"}");
    if (rc == 0)
        rc = bh_command_handle(h, "loadtest", on_ping);
    if (rc == 0)
        bh_log(h, BH_LOG_INFO, "variant %s loaded", LOADTEST_VARIANT);
    return rc;
}

static void loadtest_unload(bh_host *h)
{
    (void)h;
    unloaded = 1;
}

#ifdef LOADTEST_BAD_ABI
/* What a plugin built against a future, incompatible SDK looks like. */
const bh_api *bh__api;
__attribute__((visibility("default"))) const bh_plugin bothost_plugin = {
    .abi_major = BH_ABI_MAJOR + 1, .abi_minor = 0, .size = sizeof(bh_plugin),
    .api_slot = &bh__api, .name = "loadtest", .version = "9.0.0",
    .load = loadtest_load, .unload = loadtest_unload};
#else
BH_PLUGIN(.name = "loadtest", .version = "1.0." LOADTEST_VARIANT, .description = "reload test",
          .load = loadtest_load, .unload = loadtest_unload);
#endif
