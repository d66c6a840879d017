/*
 * /raffle create: the numbers come as command options, the texts from a modal
 * (Discord allows 5 inputs; this one has 3). The options travel to the modal
 * submission in its custom_id, so nothing waits in memory between the two.
 * /raffle edit re-opens the texts, /raffle extend moves the end.
 */
#include "raffle.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define TITLE_MAX 100
#define PRIZE_MAX 1000
#define PRICE_MAX_CENTS INT64_C(100000000)

static const uint64_t POST_PERMS = BH_PERM_VIEW_CHANNEL | BH_PERM_SEND_MESSAGES |
                                   BH_PERM_EMBED_LINKS | BH_PERM_READ_MESSAGE_HISTORY;

int raffle_schedule_close(bh_ctx *c, int64_t id, int64_t at_ms)
{
    char key[48];
    snprintf(key, sizeof key, "close-%lld", (long long)id);
    json_t *p = json_pack("{s:I,s:s}", "raffle", (json_int_t)id, "why", "end");
    int rc = bh_job_schedule(c, "close", at_ms, p, key);
    json_decref(p);
    return rc;
}

/* Names the permissions the bot lacks in a channel into out; 0 when none is missing. */
static int missing_perms(bh_ctx *c, uint64_t guild, uint64_t channel, char *out, size_t n)
{
    uint64_t have = raffle_bot_perms(c, guild, channel);
    if (have == 0)
        return 0; /* unknown here: the post itself will say what is missing */
    static const struct {
        uint64_t bit;
        const char *name;
    } perms[] = {{BH_PERM_VIEW_CHANNEL, "View Channel"},
                 {BH_PERM_SEND_MESSAGES, "Send Messages"},
                 {BH_PERM_EMBED_LINKS, "Embed Links"},
                 {BH_PERM_READ_MESSAGE_HISTORY, "Read Message History"}};
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        if (!(have & perms[i].bit))
            len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? ", " : "",
                                    perms[i].name);
    return (have & POST_PERMS) != POST_PERMS;
}

static uint64_t target_channel(bh_ctx *c, const raffle_cfg *cfg)
{
    return cfg->channel ? cfg->channel : bh_id(c, BH_ID_CHANNEL);
}

/* The options of a raffle to be, as they travel in the modal's custom_id. */
typedef struct draft {
    int64_t spots, cents, winners, flags, max_pm, req_role, ex_role, acct_days, member_days;
} draft;
#define DRAFT_FULL 1
#define DRAFT_AUTO 2

/* Checks the numbers; writes the first problem (naming the option) into err. */
static int draft_check(const draft *d, const raffle_cfg *cfg, char *err, size_t n)
{
    if (d->spots < 1 || d->spots > raffle_max_spots)
        snprintf(err, n, "spots: must be 1 to %lld.", (long long)raffle_max_spots);
    else if (d->cents < 0 || d->cents > PRICE_MAX_CENTS)
        snprintf(err, n, "price: must be 0 to 1000000.");
    else if (d->cents > 0 && cfg->free_only)
        snprintf(err, n,
                 "price: this server allows free giveaways only (free_only), so the price must "
                 "be 0.");
    else if (d->winners < 1 || d->winners > RAFFLE_MAX_WINNERS)
        snprintf(err, n, "winners: must be 1 to %d.", RAFFLE_MAX_WINNERS);
    else if (d->winners > d->spots)
        snprintf(err, n, "winners: %lld winners need at least as many spots (spots is %lld).",
                 (long long)d->winners, (long long)d->spots);
    else if (d->max_pm < 0 || d->max_pm > d->spots)
        snprintf(err, n, "max_per_member: must be 0 (no limit) to %lld.", (long long)d->spots);
    else if (d->acct_days < 0 || d->acct_days > 3650 || d->member_days < 0 ||
             d->member_days > 3650)
        snprintf(err, n, "min_account_days / min_member_days: must be 0 to 3650.");
    else if (d->req_role && d->req_role == d->ex_role)
        snprintf(err, n, "excluded_role: cannot be the required role.");
    else
        return 0;
    return -1;
}

/* Validates the texts of the modal; one line per bad field, naming it. 0 when all are good. */
static int texts_check(bh_ctx *c, char *title, char *prize, int64_t *ends_ms, int64_t default_s,
                       char *err, size_t n)
{
    char end[128];
    size_t len = 0;
    err[0] = '\0';
    raffle_trim(title, TITLE_MAX * 4 + 1, bh_field(c, "title"));
    raffle_trim(prize, PRIZE_MAX * 4 + 1, bh_field(c, "prize"));
    raffle_trim(end, sizeof end, bh_field(c, "end"));
    if (!title[0])
        len += (size_t)snprintf(err + len, n - len, "Title: must not be empty.\n");
    else if (strchr(title, '\n'))
        len += (size_t)snprintf(err + len, n - len, "Title: must be one line.\n");
    if (len < n && !prize[0])
        len += (size_t)snprintf(err + len, n - len, "Prize: must not be empty.\n");
    int64_t now = raffle_now_ms();
    int64_t at = end[0] ? raffle_parse_end(end, now) : now + default_s * 1000;
    if (len >= n) {
        /* The message is full already. */
    } else if (at < 0) {
        len += (size_t)snprintf(err + len, n - len,
                                "End: \"%s\" is neither a duration (like 2d 6h) nor a UTC time "
                                "(like 2030-12-24 18:00).\n",
                                end);
    } else if (at < now + raffle_min_duration_s * 1000) {
        len += (size_t)snprintf(err + len, n - len,
                                "End: must be at least %lld second(s) from now (it is %s).\n",
                                (long long)raffle_min_duration_s,
                                at < now ? "in the past" : "too soon");
    } else if (at > now + (int64_t)RAFFLE_MAX_DAYS * 86400 * 1000) {
        len += (size_t)snprintf(err + len, n - len, "End: must be within %d days.\n",
                                RAFFLE_MAX_DAYS);
    }
    *ends_ms = at;
    return len ? -1 : 0;
}

/* /raffle create: check the numbers, then open the modal for the texts. */
int raffle_on_create(bh_ctx *c)
{
    raffle_cfg cfg;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0)
        return rc;
    double price = bh_opt_f64(c, "price", 0);
    draft d = {
        .spots = bh_opt_i64(c, "spots", 0),
        .cents = (isfinite(price) && price >= 0 && price <= 1e6) ? llround(price * 100) : -1,
        .winners = bh_opt_i64(c, "winners", 1),
        .flags = (bh_opt_bool(c, "close_when_full", 0) ? DRAFT_FULL : 0) |
                 (bh_opt_bool(c, "auto_draw", 0) ? DRAFT_AUTO : 0),
        .max_pm = bh_opt_i64(c, "max_per_member", cfg.max_per_member),
        .req_role = (int64_t)bh_opt_id(c, "required_role"),
        .ex_role = (int64_t)bh_opt_id(c, "excluded_role"),
        .acct_days = bh_opt_i64(c, "min_account_days", 0),
        .member_days = bh_opt_i64(c, "min_member_days", 0),
    };
    if (d.max_pm > d.spots && !bh_option(c, "max_per_member"))
        d.max_pm = 0; /* the server default does not fit a small raffle: no limit */
    char err[512], missing[128];
    if (draft_check(&d, &cfg, err, sizeof err) < 0)
        return bh_reply_text(c, "%s", err);
    uint64_t guild = bh_id(c, BH_ID_GUILD), channel = target_channel(c, &cfg);
    if (missing_perms(c, guild, channel, missing, sizeof missing))
        return bh_reply_text(c, "I cannot post the raffle in <#%" PRIu64 ">: I need %s there.",
                             channel, missing);
    char cid[100];
    snprintf(cid, sizeof cid, "create:%lld:%lld:%lld:%lld:%lld:%lld:%lld:%lld:%lld",
             (long long)d.spots, (long long)d.cents, (long long)d.winners, (long long)d.flags,
             (long long)d.max_pm, (long long)d.req_role, (long long)d.ex_role,
             (long long)d.acct_days, (long long)d.member_days);
    char placeholder[100];
    snprintf(placeholder, sizeof placeholder, "2d 6h, or 2030-12-24 18:00 UTC (empty: %lldh)",
             (long long)(cfg.claim_window_s / 3600));
    bh_modal *md = bh_modal_new(c, cid, d.cents ? "New raffle" : "New giveaway");
    bh_modal_text(md, &(bh_text_input){.custom_id = "title",
                                       .label = "Title",
                                       .min_length = 1,
                                       .max_length = TITLE_MAX,
                                       .required = 1,
                                       .placeholder = "Pokemon booster box"});
    bh_modal_text(md,
                  &(bh_text_input){.custom_id = "prize",
                                   .label = "Prize and description",
                                   .style = BH_TEXT_PARAGRAPH,
                                   .min_length = 1,
                                   .max_length = PRIZE_MAX,
                                   .required = 1,
                                   .placeholder = "What the winner gets, condition, shipping..."});
    bh_modal_text(md, &(bh_text_input){.custom_id = "end",
                                       .label = "Ends (duration or UTC time)",
                                       .max_length = 40,
                                       .placeholder = placeholder});
    return bh_modal_open(c, md);
}

/* The create modal: validate everything again, store, post, schedule the close. */
int raffle_on_create_modal(bh_ctx *c)
{
    raffle_cfg cfg;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0)
        return rc;
    draft d;
    int64_t *const fields[] = {&d.spots,    &d.cents,   &d.winners,   &d.flags,      &d.max_pm,
                               &d.req_role, &d.ex_role, &d.acct_days, &d.member_days};
    char err[1024];
    int malformed = bh_cid_count(c) != 10;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        malformed |= bh_cid_i64(c, (int)i + 1, fields[i]) < 0;
    if (malformed || draft_check(&d, &cfg, err, sizeof err) < 0)
        return bh_reply_text(c, "This form is not valid any more: %s Run /raffle create again.",
                             malformed ? "it is malformed." : err);
    char title[TITLE_MAX * 4 + 1], prize[PRIZE_MAX * 4 + 1];
    int64_t ends_ms;
    if (texts_check(c, title, prize, &ends_ms, cfg.claim_window_s, err, sizeof err) < 0)
        return bh_reply_text(c, "The raffle was not created:\n%s", err);

    uint64_t guild = bh_id(c, BH_ID_GUILD), channel = target_channel(c, &cfg);
    uint64_t user = bh_id(c, BH_ID_USER);
    char missing[128];
    if (missing_perms(c, guild, channel, missing, sizeof missing))
        return bh_reply_text(c, "I cannot post the raffle in <#%" PRIu64 ">: I need %s there.",
                             channel, missing);

    if ((rc = bh_db_begin(c)) < 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(
        c, &res,
        "INSERT INTO raffle.raffles (guild_id, channel_id, created_by, title, prize, spots, "
        "price_cents, winners, close_when_full, auto_draw, max_per_member, required_role_id, "
        "excluded_role_id, min_account_days, min_member_days, ends_at) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10, $11, nullif($12, 0), nullif($13, 0), $14, $15, "
        "to_timestamp($16 / 1000.0)) RETURNING id",
        BH_ARGS(bh_i64((int64_t)guild), bh_i64((int64_t)channel), bh_i64((int64_t)user),
                bh_text(title), bh_text(prize), bh_i64(d.spots), bh_i64(d.cents),
                bh_i64(d.winners), bh_bool(d.flags & DRAFT_FULL), bh_bool(d.flags & DRAFT_AUTO),
                bh_i64(d.max_pm), bh_i64(d.req_role), bh_i64(d.ex_role), bh_i64(d.acct_days),
                bh_i64(d.member_days), bh_i64(ends_ms)));
    if (rc < 0)
        return rc;
    int64_t id = bh_result_i64(res, 0, 0);
    bh_result_free(res);
    raffle r;
    if ((rc = raffle_load(c, id, guild, &r)) < 0 ||
        (rc = raffle_event(c, id, "created", user, title)) < 0)
        return rc;
    bh_msg *m = raffle_render(c, &r);
    uint64_t message = 0;
    rc = bh_message_send(c, channel, m, &message);
    bh_msg_free(m);
    if (rc < 0) {
        char why[300];
        snprintf(why, sizeof why, "%s", bh_ctx_error(c));
        bh_db_rollback(c);
        bh_log(raffle_host, BH_LOG_WARN, "posting raffle in %" PRIu64 " failed: %s", channel, why);
        return bh_reply_text(c, "I could not post the raffle in <#%" PRIu64 ">: %s", channel, why);
    }
    rc = (int)bh_db_exec(c, "UPDATE raffle.raffles SET message_id = $2 WHERE id = $1",
                         BH_ARGS(bh_i64(id), bh_i64((int64_t)message)));
    if (rc >= 0)
        rc = raffle_schedule_close(c, id, ends_ms);
    if (rc >= 0)
        rc = bh_db_commit(c);
    if (rc < 0) {
        /* The message is out but the raffle is not stored: take the message back. */
        bh_message_delete(c, channel, message);
        return rc;
    }
    return bh_reply_text(c,
                         "Raffle #%lld posted in <#%" PRIu64 ">: https://discord.com/channels/"
                         "%" PRIu64 "/%" PRIu64 "/%" PRIu64,
                         (long long)id, channel, guild, channel, message);
}

/*
 * A manager's raffle that must still be open, named by the "raffle" option or
 * (from_cid) by the custom_id's part 1; the guild's settings in *cfg. Answers and
 * returns 0 otherwise.
 */
static int open_raffle_for_manager(bh_ctx *c, int from_cid, raffle_cfg *cfg, raffle *r)
{
    int rc = raffle_require_manager(c, cfg);
    if (rc <= 0)
        return rc;
    rc = from_cid ? raffle_from_cid(c, 1, r) : raffle_from_option(c, r);
    if (rc <= 0)
        return rc;
    if (strcmp(r->state, "open") != 0) {
        rc = bh_reply_text(c, "Raffle #%lld is %s: only open raffles can be changed.",
                           (long long)r->id, r->state);
        return rc < 0 ? rc : 0;
    }
    return 1;
}

int raffle_on_edit(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = open_raffle_for_manager(c, 0, &cfg, &r);
    if (rc <= 0)
        return rc;
    char cid[48], end[40];
    snprintf(cid, sizeof cid, "edit:%lld", (long long)r.id);
    time_t t = (time_t)(r.ends_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(end, sizeof end, "%Y-%m-%d %H:%M:%S UTC", &tm);
    char head[60];
    snprintf(head, sizeof head, "Edit raffle #%lld", (long long)r.id);
    bh_modal *md = bh_modal_new(c, cid, head);
    bh_modal_text(md, &(bh_text_input){.custom_id = "title",
                                       .label = "Title",
                                       .min_length = 1,
                                       .max_length = TITLE_MAX,
                                       .required = 1,
                                       .value = r.title});
    bh_modal_text(md, &(bh_text_input){.custom_id = "prize",
                                       .label = "Prize and description",
                                       .style = BH_TEXT_PARAGRAPH,
                                       .min_length = 1,
                                       .max_length = PRIZE_MAX,
                                       .required = 1,
                                       .value = r.prize});
    bh_modal_text(md, &(bh_text_input){.custom_id = "end",
                                       .label = "Ends (duration from now or UTC time)",
                                       .min_length = 1,
                                       .max_length = 40,
                                       .required = 1,
                                       .value = end});
    return bh_modal_open(c, md);
}

/* Stores new texts or a new end of an open raffle, re-schedules its close, re-renders. */
static int apply_change(bh_ctx *c, const raffle *r, const char *title, const char *prize,
                        int64_t ends_ms, const char *what)
{
    uint64_t user = bh_id(c, BH_ID_USER);
    int rc = bh_db_begin(c);
    if (rc < 0)
        return rc;
    int64_t n = bh_db_exec(c,
                           "UPDATE raffle.raffles SET title = $2, prize = $3, "
                           "ends_at = to_timestamp($4 / 1000.0) WHERE id = $1 AND state = 'open'",
                           BH_ARGS(bh_i64(r->id), bh_text(title), bh_text(prize),
                                   bh_i64(ends_ms)));
    if (n < 0)
        return (int)n;
    if (n == 0) {
        bh_db_rollback(c);
        return bh_reply_text(c, "Raffle #%lld closed in the meantime: nothing was changed.",
                             (long long)r->id);
    }
    char detail[160];
    snprintf(detail, sizeof detail, "ends_at=%lld", (long long)(ends_ms / 1000));
    if ((rc = raffle_event(c, r->id, what, user, detail)) < 0 ||
        (rc = raffle_schedule_close(c, r->id, ends_ms)) < 0 ||
        (rc = raffle_render_later(c, r->id, 0)) < 0 || (rc = bh_db_commit(c)) < 0)
        return rc;
    return bh_reply_text(c, "Raffle #%lld updated; it ends <t:%lld:R> (<t:%lld:f>).",
                         (long long)r->id, (long long)(ends_ms / 1000),
                         (long long)(ends_ms / 1000));
}

int raffle_on_edit_modal(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = open_raffle_for_manager(c, 1, &cfg, &r);
    if (rc <= 0)
        return rc;
    char title[TITLE_MAX * 4 + 1], prize[PRIZE_MAX * 4 + 1], err[1024];
    int64_t ends_ms;
    if (texts_check(c, title, prize, &ends_ms, cfg.claim_window_s, err, sizeof err) < 0)
        return bh_reply_text(c, "Raffle #%lld was not changed:\n%s", (long long)r.id, err);
    return apply_change(c, &r, title, prize, ends_ms, "edited");
}

int raffle_on_extend(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = open_raffle_for_manager(c, 0, &cfg, &r);
    if (rc <= 0)
        return rc;
    const char *by = bh_opt_text(c, "by", "");
    int64_t d = raffle_parse_duration(by);
    int64_t now = raffle_now_ms();
    if (d <= 0)
        return bh_reply_text(c, "by: \"%s\" is not a duration (write it like 1d or 12h).", by);
    int64_t ends = (r.ends_ms > now ? r.ends_ms : now) + d * 1000;
    if (ends > now + (int64_t)RAFFLE_MAX_DAYS * 86400 * 1000)
        return bh_reply_text(c, "by: the raffle must end within %d days.", RAFFLE_MAX_DAYS);
    return apply_change(c, &r, r.title, r.prize, ends, "extended");
}
