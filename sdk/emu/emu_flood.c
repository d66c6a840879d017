/*
 * Load from users: many interactions at once, and what became of them.
 *
 * POST /_emu/flood {"text": "/cmd ...", "n": N, "user"?, "channel"?} makes N
 * interactions of one slash command as fast as the emulator can, a chunk per
 * turn of its loop so that it keeps answering the bot in between, and queues
 * each INTERACTION_CREATE on the guild's shard as it is made (the gateway
 * writes them as fast as the client reads). Each one's 3 s starts when it is
 * made, as its id says.
 * GET /_emu/flood summarises every interaction since the last reset: how many
 * were acknowledged, in how long, how many got a second initial response
 * (refused with 40060) or were answered too late (10062), and how many initial
 * responses contained a given text (?text=busy: a walk over every
 * interaction, so poll without it and ask once at the end). The counts are
 * kept as callbacks arrive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "emu.h"

#define EMU_FLOOD_MAX 100000
#define EMU_FLOOD_CHUNK 250     /* made per turn of the loop, between which the emulator serves */

/* A flood being made: a chunk per turn of the loop until none is left. */
struct emu_flood_run {
    lws_sorted_usec_list_t sul;     /* first: the timer callback finds the run from it */
    emu *e;
    json_t *data;                   /* the command's data, shared by every interaction */
    emu_ix_like *like;              /* after the first: the rest are made like it */
    char guild_id[24], channel_id[24], user_id[24];
    json_int_t left;
};

static void emu_flood_stop(emu *e)
{
    struct emu_flood_run *run = e->flood;
    if (!run)
        return;
    if (e->ctx)
        lws_sul_cancel(&run->sul);
    json_decref(run->data);
    emu_ix_like_free(run->like);
    free(run);
    e->flood = NULL;
}

/* Makes the next chunk; each interaction's clock starts as it goes out, as on Discord. */
static void emu_flood_chunk(lws_sorted_usec_list_t *sul)
{
    struct emu_flood_run *run = lws_container_of(sul, struct emu_flood_run, sul);
    emu *e = run->e;
    json_t *g = emu_guild(e, run->guild_id);
    json_t *ch = g ? emu_find_channel(g, run->channel_id) : NULL;
    int made = 0;
    while (ch && made < EMU_FLOOD_CHUNK && run->left > 0) {
        json_t *ix = run->like ? emu_ix_create_like(e, run->like) : NULL;
        if (!ix) {
            /* The first, or a snowflake grown a digit: made in full, the next like it. */
            emu_ix_like_free(run->like);
            run->like = NULL;
            ix = emu_ix_create(e, 2, g, ch, run->user_id, run->data, NULL);
            if (!ix)
                break;
            run->like = emu_ix_like_new(ix);
        }
        made++;
        run->left--;
    }
    if (run->left > 0 && made < EMU_FLOOD_CHUNK) {
        fprintf(stderr, "bothost-emu: flood stopped with %lld not made (%s)\n", (long long)run->left,
                ch ? "cannot create an interaction" : "its guild or channel is gone");
        emu_flood_stop(e);
    } else if (run->left > 0) {
        lws_sul_schedule(e->ctx, 0, &run->sul, emu_flood_chunk, 1);
    } else {
        emu_flood_stop(e);
    }
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
    if (e->flood) {
        emu_resp_json(resp, 409, json_pack("{s:s, s:I}", "error", "a flood is still being made",
                                           "left", e->flood->left));
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
    struct emu_flood_run *run = data ? calloc(1, sizeof *run) : NULL;
    if (!run) {
        json_decref(data);
        emu_resp_json(resp, data ? 500 : 400, json_pack("{s:s}", "error", data ? "out of memory" : err));
        return;
    }
    run->e = e;
    run->data = data;
    run->left = n;
    snprintf(run->guild_id, sizeof run->guild_id, "%s", json_string_value(json_object_get(g, "id")));
    snprintf(run->channel_id, sizeof run->channel_id, "%s", json_string_value(json_object_get(ch, "id")));
    snprintf(run->user_id, sizeof run->user_id, "%s", json_string_value(json_object_get(u, "id")));
    e->flood = run;
    lws_sul_schedule(e->ctx, 0, &run->sul, emu_flood_chunk, 1);
    emu_resp_json(resp, 200, json_pack("{s:I}", "queued", n));
}

void emu_flood_tally(emu *e, int code, uint64_t age_ms)
{
    struct emu_ix_tally *t = &e->tally;
    size_t top = sizeof t->by_ms / sizeof t->by_ms[0] - 1;
    if (code == 40060) {
        t->twice++;
    } else if (code == 10062) {
        t->late++;
    } else {
        t->acked++;
        t->by_ms[age_ms < top ? age_ms : top]++;
        if (age_ms > t->max_ms)
            t->max_ms = age_ms;
    }
}

void emu_flood_forget(emu *e)
{
    emu_flood_stop(e);
    memset(&e->tally, 0, sizeof e->tally);
}

/* The age below which a share (per thousand) of the first initial responses came. */
static json_int_t emu_flood_percentile(const struct emu_ix_tally *t, unsigned permille)
{
    size_t n = sizeof t->by_ms / sizeof t->by_ms[0];
    size_t want = t->acked * permille / 1000, seen = 0;
    for (size_t ms = 0; ms < n; ms++) {
        seen += t->by_ms[ms];
        if (seen > want)
            return ms == n - 1 ? (json_int_t)t->max_ms : (json_int_t)ms;
    }
    return (json_int_t)t->max_ms;
}

/* How many initial responses contain the needle: a walk, so only when asked. */
static size_t emu_flood_matching(emu *e, const char *needle)
{
    size_t matched = 0;
    const char *k;
    json_t *ix;
    json_object_foreach(e->interactions, k, ix) {
        const char *content = json_string_value(json_object_get(
            json_object_get(json_object_get(ix, "response"), "data"), "content"));
        if (content && strstr(content, needle))
            matched++;
    }
    return matched;
}

static void emu_flood_summary(emu *e, const emu_req *req, emu_resp *resp)
{
    const struct emu_ix_tally *t = &e->tally;
    const char *needle = json_string_value(json_object_get(req->query, "text"));
    size_t total = json_object_size(e->interactions);
    json_t *out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}}", "interactions",
                            (json_int_t)total, "acked", (json_int_t)t->acked, "unacked",
                            (json_int_t)(total - t->acked), "answered_twice", (json_int_t)t->twice,
                            "answered_late", (json_int_t)t->late, "ack_ms", "p50",
                            emu_flood_percentile(t, 500), "p99", emu_flood_percentile(t, 990),
                            "max", (json_int_t)t->max_ms);
    if (needle)
        json_object_set_new(out, "text_matched", json_integer((json_int_t)emu_flood_matching(e, needle)));
    emu_resp_json(resp, 200, out);
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
