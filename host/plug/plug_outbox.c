/*
 * The outbox. A queued request is a row of bothost.jobs (kind "bothost.rest",
 * chained by its path) written with the handler's own connection, so it exists
 * only if the handler's transaction commits, survives a crash once it has, and
 * is sent by the scheduler outside any plugin transaction. A job's handler that
 * queues requests has them claimed right after its own transaction commits (the
 * sweep that ran it claims the next due job); any other handler nudges the
 * scheduler when it returns (plug_ctx_job_scheduled()).
 *
 * Delivery is at least once: a host that dies between Discord's answer and the
 * row's deletion sends the request again.
 */
#include "plug/plug_outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "db/db.h"
#include "msg/msg.h"
#include "plug/plug_internal.h"
#include "plug/plug_rest.h"

static int method_valid(const char *m)
{
    static const char *const ok[] = {"POST", "PUT", "PATCH", "DELETE"};
    for (size_t i = 0; m && i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(m, ok[i]) == 0)
            return 1;
    return 0;
}

int plug_outbox_rest(bh_ctx *c, const char *method, const char *path, const json_t *body,
                     const char *reason)
{
    return plug_outbox_rest_report(c, method, path, body, reason, NULL, NULL);
}

int plug_outbox_rest_report(bh_ctx *c, const char *method, const char *path,
                            const json_t *body, const char *reason, const char *refused_kind,
                            const json_t *context)
{
    if (!method_valid(method) || !path || path[0] != '/' || strlen(path) > 200) {
        plug_set_error(c, "bh_outbox_rest: POST, PUT, PATCH or DELETE and a path starting "
                          "with '/' (at most 200 bytes) are required");
        return BH_EINVAL;
    }
    /* Their tokens expire and would sit in the table: answer interactions directly. */
    if (strncmp(path, "/webhooks/", 10) == 0 || strncmp(path, "/interactions/", 14) == 0) {
        plug_set_error(c, "bh_outbox_rest: interaction answers and webhooks cannot be queued");
        return BH_EINVAL;
    }
    if (!plug_ctx_gen(c)) {
        plug_set_error(c, "bh_outbox_rest: only inside a handler");
        return BH_ESTATE;
    }
    if (refused_kind && (!refused_kind[0] || strlen(refused_kind) > 64 ||
                         strncmp(refused_kind, PLUG_RESERVED_KIND_PREFIX,
                                 strlen(PLUG_RESERVED_KIND_PREFIX)) == 0)) {
        plug_set_error(c, "bh_outbox_rest_report: the job kind must be 1 to 64 characters");
        return BH_EINVAL;
    }
    json_t *p = json_pack("{s:s, s:s}", "method", method, "path", path);
    if (!p)
        return BH_ENOMEM;
    if (body)
        json_object_set(p, "body", (json_t *)body);
    if (reason)
        json_object_set_new(p, "reason", json_string(reason));
    if (refused_kind) {
        json_object_set_new(p, "refused_kind", json_string(refused_kind));
        json_object_set(p, "context", context ? (json_t *)context : json_null());
    }
    int rc = db_jobs_append(plug_ctx_db(c), plug_ctx_gen(c)->name, PLUG_OUTBOX_KIND, path, p);
    json_decref(p);
    if (rc < 0) {
        plug_set_error(c, "%s", plug_ctx_db(c)->err);
        return rc;
    }
    plug_ctx_job_scheduled(c);
    return 0;
}

int plug_outbox_message_send(bh_ctx *c, uint64_t channel, bh_msg *m)
{
    const char *err;
    const json_t *body = msg_body(m, &err);
    if (!body) {
        plug_set_error(c, "message not queued: %s", err);
        return BH_ELIMIT;
    }
    char path[64];
    snprintf(path, sizeof path, "/channels/%" PRIu64 "/messages", channel);
    return plug_outbox_rest(c, "POST", path, body, NULL);
}

/* Refusals that a retry cannot change; anything else (no answer, a 5xx) is retried. */
static int refused_for_good(int rc, int discord_code)
{
    switch (rc) {
    case BH_EPERM:
    case BH_ENOTFOUND:
    case BH_EINVAL:
    case BH_ELIMIT:
        return 1;
    case BH_EDISCORD:
        return discord_code != 0; /* a JSON error code: a 4xx that says why */
    default:
        return 0;
    }
}

int plug_outbox_run(bh_ctx *c, const char *plugin, const json_t *payload)
{
    plug_ctx_set_plugin(c, plugin);
    const char *method = json_string_value(json_object_get(payload, "method"));
    const char *path = json_string_value(json_object_get(payload, "path"));
    const char *reason = json_string_value(json_object_get(payload, "reason"));
    char fields[96];
    snprintf(fields, sizeof fields, "plugin=%s", plugin);
    if (!method_valid(method) || !path || path[0] != '/') {
        log_fields(LOG_WARN, "outbox", fields, "dropped a queued request without a method "
                                               "and path");
        return 0;
    }
    int rc = plug_rest_call(c, method, path, json_object_get(payload, "body"), reason, 0, NULL);
    if (rc >= 0)
        return 0;
    if (!refused_for_good(rc, plug_ctx_discord_code(c)))
        return rc;
    const char *kind = json_string_value(json_object_get(payload, "refused_kind"));
    if (!kind) {
        log_fields(LOG_WARN, "outbox", fields, "Discord refused %s %s, dropped: %s", method,
                   path, plug_ctx_error(c));
        return 0;
    }
    /* The plugin asked to hear of it: its job, in the same transaction as the deletion. */
    log_fields(LOG_INFO, "outbox", fields, "Discord refused %s %s, reported to job %s: %s",
               method, path, kind, plug_ctx_error(c));
    json_t *report = json_pack("{s:O, s:i, s:i, s:s}", "context",
                               json_object_get(payload, "context") ?: json_null(), "code",
                               plug_ctx_discord_code(c), "result", rc, "error", plug_ctx_error(c));
    if (!report)
        return BH_ENOMEM;
    int sc = db_jobs_schedule(plug_ctx_db(c), plugin, kind, 0, report, NULL);
    json_decref(report);
    if (sc < 0)
        plug_set_error(c, "%s", plug_ctx_db(c)->err);
    return sc < 0 ? sc : 0;
}
