#include "plug/plug_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "plug/plug_internal.h"

typedef struct ctx_box {
    bh_ctx c;
    char name[176];
} ctx_box;

bh_ctx *plug_ctx_new(plug_mgr *m, int kind, const char *name, json_t *data, struct db_pool *db)
{
    ctx_box *b = calloc(1, sizeof *b);
    if (!b) {
        json_decref(data);
        return NULL;
    }
    b->c.call.mgr = m;
    b->c.call.kind = kind;
    snprintf(b->name, sizeof b->name, "%s", name ? name : "");
    b->c.call.name = b->name;
    b->c.call.data = data ? data : json_object();
    db_session_init(&b->c.db, db);
    return &b->c;
}

db_session *plug_ctx_db(bh_ctx *c)
{
    return &c->db;
}

void plug_ctx_set_job(bh_ctx *c, const char *kind, json_t *payload, int attempt)
{
    ctx_box *b = (ctx_box *)c;
    snprintf(b->name, sizeof b->name, "%s", kind);
    json_decref(c->call.data);
    c->call.data = payload ? json_incref(payload) : json_object();
    c->job.attempt = attempt;
}

int plug_ctx_job_attempt(const bh_ctx *c)
{
    return c->job.attempt;
}

void plug_ctx_job_scheduled(bh_ctx *c)
{
    c->job.scheduled = 1;
}

void plug_ctx_set_plugin(bh_ctx *c, const char *plugin)
{
    snprintf(c->call.plugin, sizeof c->call.plugin, "%s", plugin);
}

int plug_ctx_run(bh_ctx *c, const plug_call *call)
{
    c->call.gen = call->gen;
    if (!c->call.mgr)
        c->call.mgr = call->gen->mgr;
    plug_ctx_set_plugin(c, call->gen->name);
    plug_ctx_error_clear(c);
    bh_ctx *outer = plug_ctx_current();
    plug_ctx_set_current(c);
    int rc = call->fn(c);
    plug_ctx_set_current(outer);
    if (rc < 0 && !plug_ctx_error(c)[0])
        plug_set_error(c, "handler returned %d (%s)", rc, bh_strerror(rc));
    return rc;
}

static void warn_open_tx(bh_ctx *c)
{
    if (c->db.tx_depth > 0 && !c->db.outer_tx)
        log_fields(LOG_WARN, "plugin", NULL,
                   "plugin %s left a transaction open in %s: rolled back",
                   c->call.plugin[0] ? c->call.plugin : "?", c->call.name);
}

db_session *plug_ctx_end_handler(bh_ctx *c)
{
    warn_open_tx(c);
    db_session_reset(&c->db);
    return &c->db;
}

void plug_ctx_free(bh_ctx *c)
{
    if (!c)
        return;
    warn_open_tx(c);
    plug_builders_free(c);
    db_session_end(&c->db);
    if (c->job.scheduled && c->call.mgr && c->call.mgr->job_nudge)
        c->call.mgr->job_nudge(c->call.mgr->job_nudge_arg);
    json_decref(c->call.data);
    free(c);
}

const json_t *plug_ctx_data(const bh_ctx *c)
{
    return c->call.data;
}

const char *plug_ctx_plugin(const bh_ctx *c)
{
    return c->call.plugin;
}

bh_host *plug_ctx_gen(const bh_ctx *c)
{
    return c->call.gen;
}

plug_mgr *plug_ctx_mgr(const bh_ctx *c)
{
    return c->call.mgr;
}

int plug_ctx_kind(const bh_ctx *c)
{
    return c->call.kind;
}

const char *plug_ctx_name(const bh_ctx *c)
{
    return c->call.name;
}
