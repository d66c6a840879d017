/*
 * routing: registers one of everything, for the registry and routing tests.
 * Each handler records what it was called for in the call's error text, which
 * the test reads back.
 */
#include <bothost/bothost.h>

#include <stdio.h>

static int said(bh_ctx *c, const char *what)
{
    bh_log(bh_ctx_host(c), BH_LOG_INFO, "%s %s", what, bh_ctx_name(c));
    /* Fail on purpose, so the caller can read which handler ran. */
    return BH_ENOTFOUND;
}

static int on_cmd(bh_ctx *c) { return said(c, "command"); }
static int on_sub(bh_ctx *c) { return said(c, "subcommand"); }
static int on_btn(bh_ctx *c) { return said(c, "button"); }
static int on_btn_deep(bh_ctx *c) { return said(c, "button-deep"); }
static int on_modal(bh_ctx *c) { return said(c, "modal"); }
static int on_event(bh_ctx *c) { return said(c, "event"); }
static int on_job(bh_ctx *c) { return said(c, "job"); }

static int routing_load(bh_host *h)
{
    char def[256];
    snprintf(def, sizeof def,
             "{\"name\":\"%s\",\"description\":\"routing test\",\"options\":[{\"type\":1,"
             "\"name\":\"sub\",\"description\":\"a subcommand\"}]}",
             ROUTING_COMMAND);
    int rc = bh_command_register(h, def);
    rc = rc ? rc : bh_command_handle(h, ROUTING_COMMAND, on_cmd);
    rc = rc ? rc : bh_command_handle(h, ROUTING_COMMAND " sub", on_sub);
    rc = rc ? rc : bh_component_handle(h, "btn", on_btn);
    rc = rc ? rc : bh_component_handle(h, "btn:deep", on_btn_deep);
    rc = rc ? rc : bh_modal_handle(h, "form", on_modal);
    rc = rc ? rc : bh_event_handle(h, "GUILD_MEMBER_ADD", on_event);
    rc = rc ? rc : bh_job_handle(h, "work", on_job);
    rc = rc ? rc : bh_intents_require(h, BH_INTENT_GUILD_MEMBERS);
    return rc;
}

BH_PLUGIN(.name = ROUTING_NAME, .version = "1.0.0", .load = routing_load);
