/*
 * abi: one plugin built three ways for the ABI test (tests/unit/plug/test_abi.c):
 *   abi_v1_0    against the frozen 1.0 headers (tests/plugins/abi_1_0), the oldest table;
 *   abi_now     against the current SDK;
 *   abi_future  against the current SDK, claiming the next minor and one function
 *               this host lacks, which it probes with BH_API_HAS() before calling.
 * Its command handler returns 0 when the path it took is the one its build expects,
 * BH_ENOSYS when it ran its fallback.
 */
#include <bothost/bothost.h>

#include <string.h>

#ifdef ABI_FUTURE
/* The next minor's table: today's, and one slot appended at its end. */
typedef struct future_api {
    bh_api today;
    int (*from_the_future)(bh_ctx *c);
} future_api;
#endif

static int on_probe(bh_ctx *c)
{
    bh_host *h = bh_ctx_host(c);
#ifdef ABI_V1_0
    /* 1.0 wrappers reach the host's table: its strerror slot still answers. */
    if (strcmp(bh_strerror(BH_ENOTFOUND), "not found") != 0)
        return BH_EINVAL;
    bh_log(h, BH_LOG_INFO, "1.0 plugin served %s", bh_ctx_name(c));
    return 0;
#elif defined ABI_FUTURE
    const future_api *api = (const future_api *)bh__api;
    if (BH_API_HAS(api, from_the_future))
        return api->from_the_future(c);
    bh_log(h, BH_LOG_INFO, "fallback: this host has no from_the_future");
    return BH_ENOSYS;
#else
    /* The newest slot exists on this host, and its wrapper reaches it. */
    if (!BH_API_HAS(bh__api, guild_owner_get))
        return BH_ENOSYS;
    bh_log(h, BH_LOG_INFO, "%s (%s) served %s", bh_err_name(BH_ENOTFOUND),
           bh_strerror(BH_ENOTFOUND), bh_ctx_name(c));
    return 0;
#endif
}

static int abi_load(bh_host *h)
{
    int rc = bh_command_register(h, "{\"name\":\"" ABI_NAME "\",\"description\":\"abi test\"}");
    return rc ? rc : bh_command_handle(h, ABI_NAME, on_probe);
}

#ifdef ABI_FUTURE
/* BH_PLUGIN() with the next minor: what a plugin built against a newer SDK declares. */
const bh_api *bh__api;
__attribute__((visibility("default"))) const bh_plugin bothost_plugin = {
    .abi_major = BH_ABI_MAJOR,
    .abi_minor = BH_ABI_MINOR + 1,
    .size = sizeof(bh_plugin),
    .api_slot = &bh__api,
    .name = ABI_NAME,
    .version = "1.0.0",
    .load = abi_load,
};
#else
BH_PLUGIN(.name = ABI_NAME, .version = "1.0.0", .load = abi_load);
#endif
