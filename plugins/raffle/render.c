/*
 * The raffle message: what members see, rebuilt from the tables every time.
 *
 * Claims do not edit the message themselves: they schedule the "render" job with
 * a key per raffle about a second ahead (render_delay_ms), and scheduling with
 * the same key replaces the pending job. A burst of claims therefore costs one
 * edit, and the edit that runs last reads the tables after the last claim
 * committed. The job queues its edit in the host's outbox rather than waiting
 * on Discord (claims schedule its key, so they would wait with it); a refused
 * edit comes back as the "lost" job, which records and reports it once.
 */
#include "raffle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Appends printf output to buf at *len, never past cap. */
__attribute__((format(printf, 4, 5))) static void add(char *buf, size_t cap, size_t *len,
                                                      const char *fmt, ...)
{
    if (*len >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

/* The spot map: '#' paid, 'o' claimed, '.' free; 25 a line in groups of five. */
static int spot_map(bh_ctx *c, const raffle *r, char *out, size_t cap)
{
    bh_result *res;
    int rc = bh_db_query(c, &res, "SELECT spot, paid FROM raffle.claims WHERE raffle_id = $1",
                         BH_ARGS(bh_i64(r->id)));
    if (rc < 0)
        return rc;
    char *cells = malloc((size_t)r->spots + 1);
    if (!cells) {
        bh_result_free(res);
        return BH_ENOMEM;
    }
    memset(cells, '.', (size_t)r->spots);
    for (int i = 0; i < bh_result_rows(res); i++) {
        int spot = (int)bh_result_i64(res, i, 0);
        if (spot >= 1 && spot <= r->spots)
            cells[spot - 1] = bh_result_bool(res, i, 1) ? '#' : 'o';
    }
    bh_result_free(res);
    size_t len = 0;
    int width = r->spots > 1000 ? 50 : 25;
    add(out, cap, &len, "```\n");
    for (int i = 0; i < r->spots; i += width) {
        add(out, cap, &len, "%4d ", i + 1);
        for (int j = i; j < i + width && j < r->spots; j++) {
            if (width == 25 && j > i && (j - i) % 5 == 0)
                add(out, cap, &len, " ");
            add(out, cap, &len, "%c", cells[j]);
        }
        add(out, cap, &len, "\n");
    }
    add(out, cap, &len, "```\n`#` paid  `o` claimed  `.` free");
    free(cells);
    return 0;
}

static void winners_text(bh_ctx *c, const raffle *r, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    bh_result *res;
    if (bh_db_query(c, &res,
                    "SELECT user_id, spot FROM raffle.winners WHERE raffle_id = $1 AND active "
                    "ORDER BY place",
                    BH_ARGS(bh_i64(r->id))) < 0)
        return;
    for (int i = 0; i < bh_result_rows(res); i++)
        add(out, cap, &len, "%s<@%" PRId64 "> (spot #%" PRId64 ")", i ? "\n" : "",
            bh_result_i64(res, i, 0), bh_result_i64(res, i, 1));
    if (bh_result_rows(res) == 0)
        add(out, cap, &len, "No eligible entries.");
    bh_result_free(res);
}

bh_msg *raffle_render(bh_ctx *c, const raffle *r)
{
    bh_msg *m = bh_msg_new(c);
    bh_embed *e = bh_msg_embed(m);
    char text[4096];
    int open = strcmp(r->state, "open") == 0;
    int drawn = strcmp(r->state, "drawn") == 0;
    snprintf(text, sizeof text, "\xF0\x9F\x8E\x9F\xEF\xB8\x8F %s", r->title);
    bh_embed_set(e, BH_EMBED_TITLE, text);
    bh_embed_set(e, BH_EMBED_DESCRIPTION, r->prize);
    bh_embed_color(e, open ? 0x57F287 : drawn ? 0x5865F2 : strcmp(r->state, "closed") == 0 ? 0xFEE75C
                                                                                         : 0xED4245);
    if (r->price_cents > 0) {
        char price[40];
        raffle_fmt_price(price, sizeof price, r->price_cents);
        snprintf(text, sizeof text, "%s per spot", price);
    } else {
        snprintf(text, sizeof text, "Free giveaway");
    }
    bh_embed_field(e, "Price", text, 1);
    if (r->price_cents > 0)
        snprintf(text, sizeof text, "%d/%d claimed \xC2\xB7 %d paid", r->claimed, r->spots, r->paid);
    else
        snprintf(text, sizeof text, "%d/%d claimed", r->claimed, r->spots);
    bh_embed_field(e, "Spots", text, 1);
    if (open)
        snprintf(text, sizeof text, "<t:%lld:R> (<t:%lld:f>)", (long long)(r->ends_ms / 1000),
                 (long long)(r->ends_ms / 1000));
    else
        snprintf(text, sizeof text, "%s <t:%lld:R>",
                 strcmp(r->state, "cancelled") == 0 ? "Cancelled" : "Closed",
                 (long long)((r->closed_ms ? r->closed_ms : r->ends_ms) / 1000));
    bh_embed_field(e, open ? "Ends" : "Ended", text, 1);
    if (drawn) {
        winners_text(c, r, text, 1024);
        bh_embed_field(e, r->winners > 1 ? "Winners" : "Winner", text, 0);
    } else {
        snprintf(text, sizeof text, "%d", r->winners);
        bh_embed_field(e, "Winners", text, 1);
    }
    size_t len = 0;
    text[0] = '\0';
    if (r->max_per_member)
        add(text, sizeof text, &len, "At most %d spot(s) per member\n", r->max_per_member);
    if (r->required_role)
        add(text, sizeof text, &len, "Role <@&%" PRIu64 "> required\n", r->required_role);
    if (r->excluded_role)
        add(text, sizeof text, &len, "Members with <@&%" PRIu64 "> cannot enter\n",
            r->excluded_role);
    if (r->min_account_days)
        add(text, sizeof text, &len, "Account at least %d day(s) old\n", r->min_account_days);
    if (r->min_member_days)
        add(text, sizeof text, &len, "In this server for at least %d day(s)\n",
            r->min_member_days);
    if (r->close_when_full)
        add(text, sizeof text, &len, "Closes when full\n");
    /* Each rule ends its line; the last newline would show as a blank line. */
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    if (len)
        bh_embed_field(e, "Rules", text, 0);
    snprintf(text, sizeof text, "Raffle #%lld \xC2\xB7 %s \xC2\xB7 draws are auditable: /raffle verify",
             (long long)r->id, r->state);
    bh_embed_set(e, BH_EMBED_FOOTER, text);

    bh_embed *map = bh_msg_embed(m);
    if (spot_map(c, r, text, sizeof text) == 0)
        bh_embed_set(map, BH_EMBED_DESCRIPTION, text);
    bh_embed_color(map, 0x2B2D31);

    char cid[64];
    bh_row *row = bh_msg_row(m);
    if (strcmp(r->state, "cancelled") != 0) {
        int full = r->claimed >= r->spots;
        snprintf(cid, sizeof cid, "claim:%lld", (long long)r->id);
        bh_row_button(row, BH_BUTTON_PRIMARY, "Claim a random spot", cid, "\xF0\x9F\x8E\xB2",
                      !open || full);
        snprintf(cid, sizeof cid, "pick:%lld:0", (long long)r->id);
        bh_row_button(row, BH_BUTTON_SECONDARY, "Pick spots", cid, NULL, !open || full);
    }
    snprintf(cid, sizeof cid, "mine:%lld", (long long)r->id);
    bh_row_button(row, BH_BUTTON_SECONDARY, "My spots", cid, NULL, 0);
    if (drawn) {
        snprintf(cid, sizeof cid, "ship:%lld", (long long)r->id);
        bh_row_button(row, BH_BUTTON_SUCCESS, "Submit shipping details", cid,
                      "\xF0\x9F\x93\xA6", 0);
    }
    return m;
}

int raffle_render_later(bh_ctx *c, int64_t id, int64_t delay_ms)
{
    /*
     * The first change of a burst sets when the edit is due and later ones keep
     * that time, so the edit comes at most delay_ms after the first change even
     * while changes keep coming. The job deletes the row before it reads the
     * tables: a change committed after that read makes a new row and a new job.
     */
    bh_result *res;
    int rc = bh_db_query(c, &res,
                         "INSERT INTO raffle.render_due AS d (raffle_id, due_at) "
                         "VALUES ($1, now() + $2 * interval '1 millisecond') "
                         "ON CONFLICT (raffle_id) DO UPDATE SET due_at = least(d.due_at, "
                         "EXCLUDED.due_at) RETURNING (extract(epoch FROM due_at) * 1000)::bigint",
                         BH_ARGS(bh_i64(id), bh_i64(delay_ms > 0 ? delay_ms : 0)));
    if (rc < 0)
        return rc;
    int64_t due = bh_result_i64(res, 0, 0);
    bh_result_free(res);
    char key[48];
    snprintf(key, sizeof key, "render-%lld", (long long)id);
    json_t *p = json_pack("{s:I}", "raffle", (json_int_t)id);
    rc = bh_job_schedule(c, "render", due, p, key);
    json_decref(p);
    return rc;
}

/* Whether a refused edit means the message or its channel is gone for good. */
static int is_lost(int rc, int code)
{
    return rc == BH_ENOTFOUND || rc == BH_EPERM || code == 10008 || code == 10003 ||
           code == 50013 || code == 50001;
}

void raffle_message_lost(bh_ctx *c, const raffle *r, int rc, int code, const char *error)
{
    char err[300];
    snprintf(err, sizeof err, "%s", error ? error : "");
    bh_result *res;
    /* Reported once: the first failure records it, later ones find it recorded. */
    if (bh_db_query(c, &res,
                    "INSERT INTO raffle.message_lost (raffle_id, code, error) VALUES ($1, $2, $3) "
                    "ON CONFLICT (raffle_id) DO NOTHING RETURNING raffle_id",
                    BH_ARGS(bh_i64(r->id), bh_i64(code), bh_text(err))) < 0)
        return;
    int first = bh_result_rows(res) == 1;
    bh_result_free(res);
    if (!first)
        return;
    bh_log(raffle_host, BH_LOG_WARN,
           "raffle %lld: its message %" PRIu64 " in channel %" PRIu64
           " cannot be updated (%s, Discord code %d: %s); not retrying",
           (long long)r->id, r->message, r->channel, bh_strerror(rc), code, err);
    raffle_event(c, r->id, "message_lost", 0, err);
    raffle_report(c, r->guild,
                  "Raffle #%lld \"%s\": I can no longer update its message in <#%" PRIu64
                  "> (Discord code %d: %s). Check that the message and channel exist and that I "
                  "can view, send and embed there. Claims, draws and commands keep working.",
                  (long long)r->id, r->title, r->channel, code, err);
}

int raffle_job_render(bh_ctx *c)
{
    int64_t id = (int64_t)json_integer_value(json_object_get(bh_ctx_data(c), "raffle"));
    int rc = (int)bh_db_exec(c, "DELETE FROM raffle.render_due WHERE raffle_id = $1",
                             BH_ARGS(bh_i64(id)));
    if (rc < 0)
        return rc;
    raffle r;
    rc = raffle_load(c, id, 0, &r);
    if (rc == BH_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    if (!r.message)
        return 0;
    bh_result *res;
    rc = bh_db_query(c, &res, "SELECT 1 FROM raffle.message_lost WHERE raffle_id = $1",
                     BH_ARGS(bh_i64(id)));
    if (rc < 0)
        return rc;
    int lost = bh_result_rows(res) > 0;
    bh_result_free(res);
    if (lost)
        return 0;
    /*
     * The edit goes out after this job commits: the job holds the raffle's
     * render key, which every claim schedules, so it must not wait on Discord.
     * A refusal comes back as the "lost" job.
     */
    bh_msg *m = raffle_render(c, &r);
    if (bh_msg_error(m)) {
        bh_log(raffle_host, BH_LOG_ERROR, "raffle %lld: its message cannot be built: %s",
               (long long)id, bh_msg_error(m));
        bh_msg_free(m);
        return BH_ELIMIT;
    }
    json_t *body = bh_msg_json(m);
    bh_msg_free(m);
    char path[96];
    snprintf(path, sizeof path, "/channels/%" PRIu64 "/messages/%" PRIu64, r.channel, r.message);
    json_t *ctx = json_pack("{s:I}", "raffle", (json_int_t)id);
    rc = bh_outbox_rest_report(c, "PATCH", path, body, NULL, "lost", ctx);
    json_decref(ctx);
    json_decref(body);
    return rc < 0 ? rc : 0;
}

int raffle_job_lost(bh_ctx *c)
{
    const json_t *p = bh_ctx_data(c);
    int64_t id = (int64_t)json_integer_value(
        json_object_get(json_object_get(p, "context"), "raffle"));
    int result = (int)json_integer_value(json_object_get(p, "result"));
    int code = (int)json_integer_value(json_object_get(p, "code"));
    raffle r;
    int rc = raffle_load(c, id, 0, &r);
    if (rc == BH_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    if (is_lost(result, code))
        raffle_message_lost(c, &r, result, code,
                            json_string_value(json_object_get(p, "error")));
    else
        bh_log(raffle_host, BH_LOG_WARN, "raffle %lld: Discord refused an edit of its message: %s",
               (long long)id, json_string_value(json_object_get(p, "error")) ?: "");
    return 0;
}
