/*
 * The site requests are answered from, and readiness: the checks the host
 * registers on it, and the /health/ready body they add up to.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>
#include <jansson.h>

#include "http/http_internal.h"
#include "metrics/metrics.h"

int http_site_create(http_site **out, struct metrics *m)
{
    http_site *r = calloc(1, sizeof *r);
    if (!r)
        return BH_ENOMEM;
    r->metrics = m;
    pthread_mutex_init(&r->lock, NULL);
    metrics_describe(m, "bothost_http_requests_total", METRICS_COUNTER,
                     "Requests to the health and metrics server, by handler and status code.");
    *out = r;
    return 0;
}

void http_site_free(http_site *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

int http_add_ready_check(http_site *r, const char *name, http_ready_cb fn, void *arg)
{
    if (!name || !*name || strlen(name) >= HTTP_NAME_MAX_LEN || !fn)
        return BH_EINVAL;
    int rc = 0;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->checks[i].name, name) == 0)
            rc = BH_EEXIST;
    if (rc == 0 && r->n == HTTP_MAX_READY_CHECKS)
        rc = BH_ELIMIT;
    if (rc == 0) {
        struct http_check *c = &r->checks[r->n++];
        snprintf(c->name, sizeof c->name, "%s", name);
        c->fn = fn;
        c->arg = arg;
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int http_remove_ready_check(http_site *r, const char *name)
{
    int rc = BH_ENOTFOUND;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->checks[i].name, name) == 0) {
            memmove(&r->checks[i], &r->checks[i + 1],
                    (r->n - i - 1) * sizeof r->checks[0]);
            r->n--;
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

void http_clear_ready_checks(http_site *r)
{
    pthread_mutex_lock(&r->lock);
    r->n = 0;
    pthread_mutex_unlock(&r->lock);
}

/* A JSON string of `s`, with bytes that are not printable ASCII replaced: reasons are free text. */
static json_t *json_text(const char *s)
{
    char clean[HTTP_NAME_MAX_LEN + HTTP_REASON_MAX + 8];
    size_t i = 0;
    for (; s[i] && i < sizeof clean - 1; i++)
        clean[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
    clean[i] = '\0';
    return json_string(clean);
}

int http_ready_body(http_site *r, char **body, size_t *len)
{
    struct http_check checks[HTTP_MAX_READY_CHECKS];
    size_t n = 0;
    if (r) {
        pthread_mutex_lock(&r->lock);
        n = r->n;
        memcpy(checks, r->checks, n * sizeof checks[0]);
        pthread_mutex_unlock(&r->lock);
    }

    json_t *root = json_object();
    json_t *passed = json_array(), *reasons = json_array();
    int ok = root && passed && reasons;
    for (size_t i = 0; i < n && ok; i++) {
        char reason[HTTP_REASON_MAX] = "";
        if (checks[i].fn(checks[i].arg, reason, sizeof reason)) {
            ok = json_array_append_new(passed, json_text(checks[i].name)) == 0;
            continue;
        }
        reason[sizeof reason - 1] = '\0';
        char line[HTTP_NAME_MAX_LEN + HTTP_REASON_MAX + 8];
        snprintf(line, sizeof line, "%.*s: %.*s", HTTP_NAME_MAX_LEN - 1, checks[i].name,
                 HTTP_REASON_MAX - 1, reason[0] ? reason : "not ready");
        ok = json_array_append_new(reasons, json_text(line)) == 0;
    }
    int is_ready = json_array_size(reasons) == 0;
    if (ok && is_ready)
        ok = json_object_set_new(root, "status", json_string("ready")) == 0 &&
             json_object_set(root, "checks", passed) == 0;
    else if (ok)
        ok = json_object_set_new(root, "status", json_string("not ready")) == 0 &&
             json_object_set(root, "reasons", reasons) == 0;
    char *text = ok ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(passed);
    json_decref(reasons);
    json_decref(root);
    if (!text)
        return BH_ENOMEM;
    *body = text;
    *len = strlen(text);
    return is_ready;
}
