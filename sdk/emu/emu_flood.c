/*
 * Load from users: many interactions at once, and what became of them.
 *
 * POST /_emu/flood {"text": "/cmd ...", "n": N, "user"?, "channel"?} creates N
 * interactions of one slash command and queues their INTERACTION_CREATE on the
 * guild's shard at once (the gateway writes them as fast as the client reads).
 * GET /_emu/flood summarises every interaction since the last reset: how many
 * were acknowledged, in how long, how many got a second initial response
 * (refused with 40060) or were answered too late (10062), and how many initial
 * responses contained a given text (?text=busy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define EMU_FLOOD_MAX 100000

static int emu_flood_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void emu_flood_start(emu *e, const emu_req *req, emu_resp *resp)
{
    const char *text = json_string_value(json_object_get(req->json, "text"));
    json_int_t n = json_integer_value(json_object_get(req->json, "n"));
    const char *uref = json_string_value(json_object_get(req->json, "user"));
    const char *cref = json_string_value(json_object_get(req->json, "channel"));
    char err[256];
    json_t *g = emu_guild(e, emu_default_guild_id(e));
    if (!text || n < 1 || n > EMU_FLOOD_MAX || !g) {
        emu_resp_json(resp, 400, json_pack("{s:s}", "error", "give \"text\" (a slash command) and \"n\" (1..100000)"));
        return;
    }
    json_t *u = emu_find_user(e, g, uref ? uref : json_string_value(json_object_get(g, "owner_id")));
    json_t *ch = emu_find_channel(g, cref ? cref : "general");
    if (!u || !ch) {
        emu_resp_json(resp, 404, json_pack("{s:s}", "error", "no such user or channel"));
        return;
    }
    json_t *path = NULL, *opts = NULL;
    if (emu_slash_parse(text, &path, &opts, err, sizeof err)) {
        emu_resp_json(resp, 400, json_pack("{s:s}", "error", err));
        return;
    }
    json_t *data = emu_slash_build(e, g, path, opts, err, sizeof err);
    json_decref(path);
    json_decref(opts);
    if (!data) {
        emu_resp_json(resp, 400, json_pack("{s:s}", "error", err));
        return;
    }
    const char *uid = json_string_value(json_object_get(u, "id"));
    json_t *first = NULL, *last = NULL;
    json_int_t made = 0;
    for (; made < n; made++) {
        json_t *ix = emu_ix_create(e, 2, g, ch, uid, data, NULL);
        if (!ix)
            break;
        if (!first)
            first = json_incref(json_object_get(ix, "id"));
        json_decref(last);
        last = json_incref(json_object_get(ix, "id"));
    }
    json_decref(data);
    emu_resp_json(resp, made == n ? 200 : 500,
                  json_pack("{s:I, s:o, s:o}", "created", made, "first_id",
                            first ? first : json_null(), "last_id", last ? last : json_null()));
}

static void emu_flood_summary(emu *e, const emu_req *req, emu_resp *resp)
{
    const char *needle = json_string_value(json_object_get(req->query, "text"));
    size_t total = json_object_size(e->interactions), acked = 0, twice = 0, late = 0, matched = 0;
    int64_t *ages = calloc(total ? total : 1, sizeof *ages);
    size_t nages = 0;
    const char *k;
    json_t *ix;
    if (!ages) {
        emu_resp_json(resp, 500, json_pack("{s:s}", "error", "out of memory"));
        return;
    }
    json_object_foreach(e->interactions, k, ix) {
        int answered = 0;
        size_t i;
        json_t *entry;
        if (json_is_true(json_object_get(ix, "acked")))
            acked++;
        json_array_foreach(json_object_get(ix, "log"), i, entry) {
            const char *kind = json_string_value(json_object_get(entry, "kind"));
            json_t *d = json_object_get(entry, "data");
            if (!strcmp(kind, "callback") && !answered) {
                answered = 1;
                ages[nages++] = (int64_t)json_integer_value(json_object_get(d, "age_ms"));
            } else if (!strcmp(kind, "callback_refused")) {
                json_int_t code = json_integer_value(json_object_get(d, "code"));
                twice += code == 40060;
                late += code == 10062;
            }
        }
        const char *content = json_string_value(json_object_get(
            json_object_get(json_object_get(ix, "response"), "data"), "content"));
        if (needle && content && strstr(content, needle))
            matched++;
    }
    qsort(ages, nages, sizeof *ages, emu_flood_cmp);
    emu_resp_json(resp, 200,
                  json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}}", "interactions",
                            (json_int_t)total, "acked", (json_int_t)acked, "unacked",
                            (json_int_t)(total - acked), "answered_twice", (json_int_t)twice,
                            "answered_late", (json_int_t)late, "text_matched",
                            (json_int_t)matched, "ack_ms", "p50",
                            (json_int_t)(nages ? ages[nages / 2] : 0), "p99",
                            (json_int_t)(nages ? ages[nages * 99 / 100] : 0), "max",
                            (json_int_t)(nages ? ages[nages - 1] : 0)));
    free(ages);
}

int emu_flood_handle(emu *e, const emu_req *req, emu_resp *resp)
{
    if (strcmp(req->path, "/_emu/flood") != 0)
        return 0;
    if (!strcmp(req->method, "POST"))
        emu_flood_start(e, req, resp);
    else if (!strcmp(req->method, "GET"))
        emu_flood_summary(e, req, resp);
    else
        emu_resp_json(resp, 405, json_pack("{s:s}", "error", "GET or POST"));
    return 1;
}
