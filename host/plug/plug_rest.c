#include "plug/plug_rest.h"

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
    c->discord_code = 0;
    c->http_status = 0;
    struct rest *r = c->mgr ? c->mgr->rest : NULL;
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
        c->http_status = res->status;
    /*
     * Errors name the route template, never the path: the path of an interaction
     * or webhook call carries its token, and errors end up in logs.
     */
    if (rc < 0) {
        if (res) {
            c->discord_code = res->code;
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
