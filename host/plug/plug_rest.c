#include "plug/plug_rest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "plug/plug_internal.h"
#include "rest/rest.h"

void plug_mgr_set_discord(plug_mgr *m, struct rest *r, struct cache *c)
{
    pthread_mutex_lock(&m->lock);
    m->rest = r;
    m->cache = c;
    pthread_mutex_unlock(&m->lock);
}

int plug_rest_call(bh_ctx *c, const char *method, const char *path, const json_t *body,
                   const char *reason, unsigned flags, json_t **out)
{
    if (out)
        *out = NULL;
    c->last.discord_code = 0;
    c->last.http_status = 0;
    plug_mgr *m = plug_ctx_mgr(c);
    struct rest *r = m ? m->rest : NULL;
    if (!r) {
        plug_set_error(c, "no connection to Discord in this mode");
        return BH_ENOSYS;
    }
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (body && !text)
        return BH_ENOMEM;
    rest_req req = {.method = method, .path = path, .body = text, .reason = reason,
                    .flags = flags};
    rest_response *res = NULL;
    int rc = rest_call(r, &req, &res);
    free(text);
    if (res)
        c->last.http_status = res->status;
    /*
     * Errors name the route template, never the path: the path of an interaction
     * or webhook call carries its token, and errors end up in logs.
     */
    if (rc < 0) {
        if (res) {
            c->last.discord_code = res->code;
            if (res->code)
                plug_set_error(c, "Discord %d: %s (%s)", res->code, res->message, res->route);
            else
                plug_set_error(c, "%s: %s (HTTP %d)", res->route, res->message, res->status);
        } else {
            const char *route = rest_route_name(method, path);
            if (route)
                plug_set_error(c, "%s refused: %s", route, bh_strerror(rc));
            else
                plug_set_error(c, "%s of a path not in the host's route table refused: %s",
                               method ? method : "(no method)", bh_strerror(rc));
        }
    } else if (out && res && res->json) {
        *out = json_incref(res->json);
    }
    rest_response_free(res);
    return rc;
}

/* ---- the last call's outcome (struct ctx_last) ---- */

void plug_set_error(bh_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->last.err, sizeof c->last.err, fmt, ap);
    va_end(ap);
}

void plug_ctx_error_clear(bh_ctx *c)
{
    c->last.err[0] = '\0';
}

const char *plug_ctx_error(const bh_ctx *c)
{
    return c->last.err;
}

int plug_ctx_discord_code(const bh_ctx *c)
{
    return c->last.discord_code;
}

int plug_ctx_http_status(const bh_ctx *c)
{
    return c->last.http_status;
}

void plug_ctx_last_save(const bh_ctx *c, struct ctx_last *out)
{
    *out = c->last;
}

/* The error text and Discord code come back; the HTTP status stays that of the last request. */
void plug_ctx_last_restore(bh_ctx *c, const struct ctx_last *saved)
{
    memcpy(c->last.err, saved->err, sizeof c->last.err);
    c->last.discord_code = saved->discord_code;
}
