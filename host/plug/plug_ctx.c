#include "plug/plug_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "msg/msg.h"
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
    b->c.mgr = m;
    b->c.kind = kind;
    snprintf(b->name, sizeof b->name, "%s", name ? name : "");
    b->c.name = b->name;
    b->c.data = data ? data : json_object();
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
    json_decref(c->data);
    c->data = payload ? json_incref(payload) : json_object();
    c->job_attempt = attempt;
}

int plug_ctx_run(bh_ctx *c, const plug_call *call)
{
    c->gen = call->gen;
    if (!c->mgr)
        c->mgr = call->gen->mgr;
    snprintf(c->plugin, sizeof c->plugin, "%s", call->gen->name);
    c->err[0] = '\0';
    bh_ctx *outer = plug_ctx_current();
    plug_ctx_set_current(c);
    int rc = call->fn(c);
    plug_ctx_set_current(outer);
    if (rc < 0 && !c->err[0])
        snprintf(c->err, sizeof c->err, "handler returned %d (%s)", rc,
                 bh_strerror(rc));
    return rc;
}

const char *plug_ctx_error(const bh_ctx *c)
{
    return c->err;
}

static void warn_open_tx(bh_ctx *c)
{
    if (c->db.tx_depth > 0 && !c->db.outer_tx)
        log_fields(LOG_WARN, "plugin", NULL,
                   "plugin %s left a transaction open in %s: rolled back",
                   c->plugin[0] ? c->plugin : "?", c->name);
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
    msg_free_all(&c->msgs);
    msg_modal_free_all(&c->modals);
    db_session_end(&c->db);
    if (c->scheduled_job && c->mgr && c->mgr->job_nudge)
        c->mgr->job_nudge(c->mgr->job_nudge_arg);
    json_decref(c->data);
    free(c);
}

const json_t *plug_ctx_data(const bh_ctx *c)
{
    return c->data;
}

const char *plug_ctx_plugin(const bh_ctx *c)
{
    return c->plugin;
}

void plug_ctx_set_interaction(bh_ctx *c, struct ia_call *call, const plug_ia_entries *entries)
{
    c->ia = call;
    c->ia_entries = entries;
}

struct ia_call *plug_ctx_interaction(const bh_ctx *c)
{
    return c->ia;
}

int plug_ctx_discord_code(const bh_ctx *c)
{
    return c->discord_code;
}

int plug_ctx_http_status(const bh_ctx *c)
{
    return c->http_status;
}
