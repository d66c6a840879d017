/*
 * Rate limits as Discord applies them: one bucket per route shape and major
 * parameters (channel, guild, webhook id + token), a global 50 requests per
 * second that interaction callbacks do not count against, and 429 answers with
 * `retry_after`.  Every 429 that a client could have avoided by reading the
 * headers is a violation, kept for tests to assert on ("no request over the
 * limit").  Armed faults (429, 5xx, slow) are also served from here.
 */
#include "emu.h"

#include <stdio.h>
#include <string.h>

#define EMU_GLOBAL_LIMIT 50

static void emu_bucket_key(const emu_route_info *ri, char *out, size_t n)
{
    snprintf(out, n, "%s:%s", ri->bucket, ri->major);
}

/* Discord's bucket ids are opaque hashes of the route shape. */
static void emu_bucket_hash(const char *name, char out[33])
{
    uint64_t h1 = 1469598103934665603ull, h2 = 1099511628211ull;
    for (const char *p = name; *p; p++) {
        h1 = (h1 ^ (unsigned char)*p) * 1099511628211ull;
        h2 = (h2 ^ (unsigned char)*p) * 14695981039346656037ull;
    }
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

static json_t *emu_bucket_get(emu *e, const emu_route_info *ri, uint64_t now)
{
    char key[256];
    json_t *b;
    emu_bucket_key(ri, key, sizeof key);
    b = json_object_get(e->buckets, key);
    if (!b) {
        b = json_pack("{s:i, s:i, s:I}", "limit", ri->limit, "remaining", ri->limit,
                      "reset_at", (json_int_t)(now + (uint64_t)ri->window_ms));
        json_object_set_new(e->buckets, key, b);
    }
    if (now >= (uint64_t)json_integer_value(json_object_get(b, "reset_at"))) {
        json_object_set_new(b, "remaining", json_integer(ri->limit));
        json_object_set_new(b, "reset_at", json_integer((json_int_t)(now + (uint64_t)ri->window_ms)));
    }
    return b;
}

static void emu_set_num(emu_resp *resp, const char *name, double v, int decimals)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    emu_resp_header(resp, name, buf);
}

static void emu_429(emu_resp *resp, double retry_after, int global)
{
    char buf[32];
    emu_resp_json(resp, 429, json_pack("{s:s, s:f, s:b, s:i}", "message", "You are being rate limited.",
                                       "retry_after", retry_after, "global", global, "code", 0));
    snprintf(buf, sizeof buf, "%d", (int)(retry_after + 0.999));
    emu_resp_header(resp, "retry-after", buf);
    emu_resp_header(resp, "x-ratelimit-scope", global ? "global" : "user");
    if (global)
        emu_resp_header(resp, "x-ratelimit-global", "true");
}

void emu_violation(emu *e, const char *kind, json_t *detail)
{
    char ts[40];
    emu_iso_time(emu_now_ms(), ts, sizeof ts);
    if (!detail)
        detail = json_object();
    json_object_set_new(detail, "kind", json_string(kind));
    json_object_set_new(detail, "at", json_string(ts));
    json_array_append_new(e->violations, detail);
    emu_stat_add(e, "violations", kind, 1);
}

int emu_rl_check(emu *e, const emu_route_info *ri, const char *path, emu_resp *resp)
{
    uint64_t now = emu_now_ms();
    json_t *b;
    if (!e->o.ratelimits)
        return 0;
    if (!ri->global_exempt) {
        if (now < e->global_block_until) {
            double ra = (double)(e->global_block_until - now) / 1000.0;
            emu_429(resp, ra, 1);
            emu_violation(e, "global_ratelimit", json_pack("{s:s, s:s, s:s}", "method", ri->method,
                                                           "path", path, "why", "during injected global 429"));
            return 1;
        }
        if (e->global_window != now / 1000) {
            e->global_window = now / 1000;
            e->global_count = 0;
        }
        if (e->global_count >= EMU_GLOBAL_LIMIT) {
            double ra = (double)(1000 - now % 1000) / 1000.0;
            emu_429(resp, ra, 1);
            emu_violation(e, "global_ratelimit", json_pack("{s:s, s:s}", "method", ri->method, "path", path));
            return 1;
        }
        e->global_count++;
    }
    b = emu_bucket_get(e, ri, now);
    if (json_integer_value(json_object_get(b, "remaining")) <= 0) {
        double ra = (double)((uint64_t)json_integer_value(json_object_get(b, "reset_at")) - now) / 1000.0;
        emu_429(resp, ra, 0);
        emu_rl_headers(e, ri, resp);
        emu_violation(e, "route_ratelimit", json_pack("{s:s, s:s, s:s, s:s}", "method", ri->method,
                                                      "path", path, "bucket", ri->bucket,
                                                      "major", ri->major));
        return 1;
    }
    json_object_set_new(b, "remaining", json_integer(json_integer_value(json_object_get(b, "remaining")) - 1));
    return 0;
}

void emu_rl_headers(emu *e, const emu_route_info *ri, emu_resp *resp)
{
    uint64_t now = emu_now_ms();
    json_t *b;
    uint64_t reset_at;
    char hash[33];
    if (!e->o.ratelimits || !ri->bucket)
        return;
    b = emu_bucket_get(e, ri, now);
    reset_at = (uint64_t)json_integer_value(json_object_get(b, "reset_at"));
    emu_bucket_hash(ri->bucket, hash);
    emu_set_num(resp, "x-ratelimit-limit", (double)json_integer_value(json_object_get(b, "limit")), 0);
    emu_set_num(resp, "x-ratelimit-remaining", (double)json_integer_value(json_object_get(b, "remaining")), 0);
    emu_set_num(resp, "x-ratelimit-reset", (double)reset_at / 1000.0, 3);
    emu_set_num(resp, "x-ratelimit-reset-after", (double)(reset_at - now) / 1000.0, 3);
    emu_resp_header(resp, "x-ratelimit-bucket", hash);
}

void emu_rl_reset(emu *e)
{
    json_object_clear(e->buckets);
    json_array_clear(e->faults);
    json_array_clear(e->violations);
    e->global_count = 0;
    e->global_block_until = 0;
}

int emu_fault_add(emu *e, const json_t *spec, char *err, size_t errlen)
{
    const char *kind = json_string_value(json_object_get(spec, "kind"));
    json_t *f;
    if (!kind || (strcmp(kind, "429") && strcmp(kind, "5xx") && strcmp(kind, "slow"))) {
        snprintf(err, errlen, "kind must be \"429\", \"5xx\" or \"slow\"");
        return -1;
    }
    f = json_deep_copy(spec);
    if (!json_is_string(json_object_get(f, "route")))
        json_object_set_new(f, "route", json_string("*"));
    if (!json_is_integer(json_object_get(f, "count")))
        json_object_set_new(f, "count", json_integer(1));
    json_array_append_new(e->faults, f);
    return 0;
}

/* "POST /channels/{channel_id}/messages", "/channels/{channel_id}/messages" or "*". */
static int emu_fault_matches(const char *route, const char *method, const char *pattern)
{
    size_t ml = strlen(method);
    if (!strcmp(route, "*"))
        return 1;
    if (!strncmp(route, method, ml) && route[ml] == ' ')
        return !strcmp(route + ml + 1, pattern);
    return !strcmp(route, pattern);
}

int emu_fault_rest(emu *e, const char *method, const char *pattern, emu_resp *resp)
{
    size_t i;
    json_t *f;
    json_array_foreach(e->faults, i, f) {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        json_int_t count = json_integer_value(json_object_get(f, "count"));
        if (!emu_fault_matches(json_string_value(json_object_get(f, "route")), method, pattern))
            continue;
        json_incref(f);
        if (count <= 1)
            json_array_remove(e->faults, i);
        else
            json_object_set_new(f, "count", json_integer(count - 1));
        emu_stat_add(e, "faults", kind, 1);
        if (!strcmp(kind, "slow")) {
            json_int_t d = json_integer_value(json_object_get(f, "delay_ms"));
            resp->delay_ms = (unsigned)(d > 0 ? d : 2000);
            json_decref(f);
            return 0;
        }
        if (!strcmp(kind, "5xx")) {
            json_int_t st = json_integer_value(json_object_get(f, "status"));
            if (st < 500 || st > 599)
                st = 502;
            emu_resp_json(resp, (int)st, json_pack("{s:s, s:i}", "message", "Emulated server error", "code", 0));
        } else {
            double ra = json_is_number(json_object_get(f, "retry_after"))
                ? json_number_value(json_object_get(f, "retry_after")) : 1.0;
            int global = json_is_true(json_object_get(f, "global"));
            emu_429(resp, ra, global);
            if (global)
                e->global_block_until = emu_now_ms() + (uint64_t)(ra * 1000.0);
            else
                emu_resp_header(resp, "x-ratelimit-remaining", "0");
        }
        json_decref(f);
        return 1;
    }
    return 0;
}

void emu_rl_block(emu *e, const emu_route_info *ri, uint64_t ms)
{
    uint64_t now = emu_now_ms();
    json_t *b;
    if (!e->o.ratelimits)
        return;
    b = emu_bucket_get(e, ri, now);
    json_object_set_new(b, "remaining", json_integer(0));
    json_object_set_new(b, "reset_at", json_integer((json_int_t)(now + ms)));
}
