/*
 * Start-up on REST: GET /oauth2/applications/@me (the application id), then
 * GET /gateway/bot (url, recommended shards, max_concurrency). A lookup that
 * fails for a reason that may pass is asked again after a capped exponential
 * backoff with jitter, forever; 401/403 is final.
 */
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"
#include "app/app_net_internal.h"
#include "base/backoff.h"
#include "base/log.h"

static void ask_gateway(app_net *d);

static void on_lookup_timer(uv_timer_t *t)
{
    app_net *d = t->data;
    if (d->stopping)
        return;
    if (d->application_id)
        ask_gateway(d);
    else
        app_net_lookup_start(d);
}

/*
 * A lookup failed. 401/403 is Discord's final word on the token: stop. Anything
 * else (no answer, 5xx, 429 after the REST client's own retries) may pass: try
 * again later, forever, logging each attempt.
 */
static void lookup_failed(app_net *d, const char *what, const rest_response *res)
{
    if (d->stopping || res->result == BH_ESTATE)
        return;
    if (res->status == 401 || res->status == 403) {
        log_msg(LOG_ERROR, "discord", "%s: HTTP %d %s: Discord refuses the bot token", what,
                res->status, res->message);
        d->gw_failed = 1;
        snprintf(d->gw_reason, sizeof d->gw_reason, "%s: HTTP %d: the token is refused", what,
                 res->status);
        app_net_tell_fatal(d, APP_EXIT_TOKEN, d->gw_reason);
        return;
    }
    /* 1 s doubling to 60 s, with jitter. */
    uint64_t delay = backoff_delay_ms(d->lookup_attempts++, 1000, 60000);
    if (res->status)
        snprintf(d->lookup_reason, sizeof d->lookup_reason, "%s: HTTP %d %s", what, res->status,
                 res->message);
    else
        snprintf(d->lookup_reason, sizeof d->lookup_reason, "%s: %s", what, res->message);
    log_msg(LOG_WARN, "discord", "%s (attempt %d); trying again in %.1f s", d->lookup_reason,
            d->lookup_attempts, (double)delay / 1000.0);
    uv_timer_start(&d->lookup_timer, on_lookup_timer, delay, 0);
}

/*
 * The answer's string `field`: NULL after counting the lookup as failed (then
 * res is freed), else the lookup counts as answered and res is still the caller's.
 */
static const char *answer_field(app_net *d, const char *what, rest_response *res,
                                const char *field)
{
    const char *v = json_string_value(json_object_get(res->json, field));
    if (res->result < 0 || !v) {
        if (res->result >= 0)
            snprintf(res->message, sizeof res->message, "the answer has no %s", field);
        lookup_failed(d, what, res);
        rest_response_free(res);
        return NULL;
    }
    if (d->lookup_attempts)
        log_msg(LOG_INFO, "discord", "%s answered after %d failed attempt(s)", what,
                d->lookup_attempts);
    d->lookup_attempts = 0;
    d->lookup_reason[0] = '\0';
    return v;
}

static void on_gateway_bot(rest_response *res, void *arg)
{
    app_net *d = arg;
    if (!answer_field(d, "GET /gateway/bot", res, "url"))
        return;
    app_net_gateway_start(d, res->json);
    rest_response_free(res);
}

/* One start-up lookup (a GET); a request that cannot even be queued fails like an answer. */
static void ask(app_net *d, const char *path, rest_cb cb)
{
    rest_req req = {.method = "GET", .path = path};
    if (rest_request(d->rest, &req, cb, d) < 0) {
        char what[64];
        snprintf(what, sizeof what, "GET %s", path);
        rest_response res = {.result = BH_ENOMEM};
        snprintf(res.message, sizeof res.message, "cannot send the request");
        lookup_failed(d, what, &res);
    }
}

static void ask_gateway(app_net *d)
{
    ask(d, "/gateway/bot", on_gateway_bot);
}

static void on_application(rest_response *res, void *arg)
{
    app_net *d = arg;
    const char *id = answer_field(d, "GET /oauth2/applications/@me", res, "id");
    if (!id)
        return;
    d->application_id = strtoull(id, NULL, 10);
    rest_response_free(res);
    app_net_commands_schedule(d);
    ask_gateway(d);
}

void app_net_lookup_start(app_net *d)
{
    ask(d, "/oauth2/applications/@me", on_application);
}
