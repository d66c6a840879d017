/*
 * raffle: numbered-spot raffles and free giveaways. Internal declarations shared
 * by the plugin's files; everything here is built against the SDK alone.
 *
 * Files, one job each:
 *   raffle.c     load(): [plugin.raffle] keys, the command, the routes
 *   config.c     /raffle config, reading a guild's settings, who is a manager
 *   parse.c      durations, UTC times, prices, ISO 8601 (pure functions)
 *   create.c     /raffle create (+ modal), /raffle edit (+ modal), /raffle extend
 *   store.c      loading a raffle row, events, counts
 *   render.c     the raffle message, the debounced "render" job, lost messages
 *   claims.c     Claim, Pick spots, My spots, Release; requirements
 *   payments.c   /raffle paid|unpaid, the manager view
 *   lifecycle.c  closing (job, manager, full), cancel, list, the "close" job
 *   draw.c       the CSPRNG draw, /raffle draw|reroll|verify
 *   shipping.c   the winner's shipping modal, /raffle shipping
 */
#ifndef RAFFLE_H
#define RAFFLE_H

#include <bothost/bothost.h>

#include <stddef.h>
#include <stdint.h>

/* The generation's host and its [plugin.raffle] settings (read in load()). */
extern bh_host *raffle_host;
extern int64_t raffle_max_spots;       /* max_spots: 1..2500, default 1000 */
extern int64_t raffle_render_delay_ms; /* render_delay_ms: debounce of message edits */
extern int64_t raffle_min_duration_s;  /* min_duration_seconds: shortest raffle */
extern const char *raffle_currency;    /* currency: shown before prices */

#define RAFFLE_MAX_WINNERS 20
#define RAFFLE_MAX_DAYS 365

/* A guild's settings, with defaults when it has none. */
typedef struct raffle_cfg {
    uint64_t manager_role;
    uint64_t channel;
    uint64_t log_channel;
    char payment_text[1024];
    int max_per_member;     /* 0: no limit */
    int64_t claim_window_s; /* default length of a raffle */
    int free_only;
} raffle_cfg;

/* One raffle row. */
typedef struct raffle {
    int64_t id;
    uint64_t guild, channel, message, created_by;
    char title[512];
    char prize[4096];
    int spots;
    int64_t price_cents;
    int winners;
    int close_when_full, auto_draw;
    int max_per_member;
    uint64_t required_role, excluded_role;
    int min_account_days, min_member_days;
    int64_t ends_ms, closed_ms;
    uint64_t closed_by; /* 0: the scheduler */
    char state[16];
    int claimed, paid; /* counts, loaded with the row */
} raffle;

/* ---- config.c ---- */
int raffle_cfg_get(bh_ctx *c, uint64_t guild, raffle_cfg *out);
int raffle_is_manager(bh_ctx *c, const raffle_cfg *cfg);
/* Answers "managers only" and returns 0 when the caller is not one; 1 when they are. */
int raffle_require_manager(bh_ctx *c, raffle_cfg *cfg);
int raffle_on_config(bh_ctx *c);
/*
 * The bot's permissions in a channel: the guild cache, else the interaction's
 * app_permissions when it is that channel; 0 when unknown (then only posting
 * tells).
 */
uint64_t raffle_bot_perms(bh_ctx *c, uint64_t guild, uint64_t channel);

/* ---- parse.c ---- */
int64_t raffle_now_ms(void);
/* A raffle number as members type it, "12" or "#12": the id, or -1. */
int64_t raffle_parse_id(const char *s);
/*
 * bh_duration_parse() ("2d 6h", "90m", "1w", ...) in seconds; -1 when it is not a
 * duration or is longer than RAFFLE_DURATION_MAX_S (so that an end in ms never
 * overflows; the callers' own bounds are far shorter).
 */
#define RAFFLE_DURATION_MAX_S (INT64_C(10) * 365 * 86400)
int64_t raffle_parse_duration(const char *s);
/* "2025-12-24 18:00[:SS][Z| UTC]" or with 'T': Unix ms; -1 when it is not one. */
int64_t raffle_parse_utc(const char *s);
/* An ISO 8601 timestamp as Discord sends it (joined_at): Unix ms, -1 when unreadable. */
int64_t raffle_parse_iso(const char *s);
/* An end given as a duration from now or a UTC time; -1 when neither. */
int64_t raffle_parse_end(const char *s, int64_t now_ms);
/* Formats cents as "12.50" (with the currency when `currency`). */
void raffle_fmt_price(char *out, size_t n, int64_t cents);
/* Copies `s` without leading and trailing blanks into out. */
void raffle_trim(char *out, size_t n, const char *s);
/* Copies at most max_chars UTF-8 characters of s (never cutting one) into out. */
void raffle_clip(char *out, size_t n, const char *s, int max_chars);
/* The creation time of a Discord snowflake, Unix ms. */
int64_t raffle_snowflake_ms(uint64_t id);
/* "1,3,5-8" into sorted distinct spots within 1..max; count, or -1 when unreadable. */
int raffle_parse_spots(const char *s, int max, int *out, int cap);

/* ---- store.c ---- */
/* Loads raffle `id` of `guild` (guild 0: any); BH_ENOTFOUND when there is none. */
int raffle_load(bh_ctx *c, int64_t id, uint64_t guild, raffle *out);
/*
 * The raffle a component's custom_id part `part` names, in the caller's guild.
 * Answers the user ephemerally and returns 0 when it is unknown (forged, other
 * guild); 1 when *out holds it; a negative error.
 */
int raffle_from_cid(bh_ctx *c, int part, raffle *out);
/* The same for a command's "raffle" option. */
int raffle_from_option(bh_ctx *c, raffle *out);
/* The "raffle" option's number ("12" or "#12"): the id, -1 when unreadable, 0 when absent. */
int64_t raffle_option_id(bh_ctx *c);
int raffle_event(bh_ctx *c, int64_t id, const char *kind, uint64_t actor, const char *detail);
/* Posts a line in the guild's log channel, if any; failures are only logged. */
void raffle_report(bh_ctx *c, uint64_t guild, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queues a short text for a channel, sent after the commit (the outbox); users-only mentions. */
int raffle_announce(bh_ctx *c, uint64_t channel, const char *text);

/* ---- render.c ---- */
/* Builds the raffle message for raffle r (counts and winners read here). */
bh_msg *raffle_render(bh_ctx *c, const raffle *r);
/* Schedules the debounced re-render of raffle `id` (delay_ms: 0 for now). */
int raffle_render_later(bh_ctx *c, int64_t id, int64_t delay_ms);
/* Records and reports a raffle message that can no longer be edited. */
void raffle_message_lost(bh_ctx *c, const raffle *r, int rc, int code, const char *err);
int raffle_job_render(bh_ctx *c);
/* The "lost" job: the outbox reports that Discord refused a render's edit. */
int raffle_job_lost(bh_ctx *c);

/* ---- claims.c ---- */
int raffle_on_claim(bh_ctx *c);
int raffle_on_pick(bh_ctx *c);
int raffle_on_take(bh_ctx *c);
int raffle_on_mine(bh_ctx *c);
int raffle_on_release(bh_ctx *c);

/* ---- create.c ---- */
int raffle_on_create(bh_ctx *c);
int raffle_on_create_modal(bh_ctx *c);
int raffle_on_edit(bh_ctx *c);
int raffle_on_edit_modal(bh_ctx *c);
int raffle_on_extend(bh_ctx *c);
/* (Re)schedules the close job of a raffle at its end. */
int raffle_schedule_close(bh_ctx *c, int64_t id, int64_t at_ms);

/* ---- payments.c ---- */
int raffle_on_paid(bh_ctx *c);
int raffle_on_unpaid(bh_ctx *c);
int raffle_on_manage(bh_ctx *c);
int raffle_on_mgr(bh_ctx *c);

/* ---- lifecycle.c ---- */
/*
 * Ends an open raffle exactly once: 1 when this call closed it, 0 when it was
 * not open any more, or an error. actor 0: the scheduler. draw_next: the caller
 * draws right after (the announcement does not say a manager will).
 */
int raffle_end(bh_ctx *c, int64_t id, uint64_t actor, const char *reason, int draw_next);
int raffle_cancel(bh_ctx *c, raffle *r, uint64_t actor, const char *reason);
int raffle_on_close(bh_ctx *c);
int raffle_on_cancel(bh_ctx *c);
int raffle_on_list(bh_ctx *c);
int raffle_job_close(bh_ctx *c);
int raffle_autocomplete(bh_ctx *c);

/* ---- draw.c ---- */
/*
 * Draws the winners of a closed raffle exactly once; writes a summary for the
 * caller in msg. 1 when drawn, 0 when it was not closed (msg says why), or an error.
 */
int raffle_draw(bh_ctx *c, int64_t id, uint64_t actor, char *msg, size_t n);
int raffle_on_draw(bh_ctx *c);
int raffle_on_reroll(bh_ctx *c);
int raffle_on_verify(bh_ctx *c);

/* The draw algorithm, pure, for the draw and for verification. */
typedef struct raffle_entry {
    int spot;
    uint64_t user;
} raffle_entry;
/* A byte source: getrandom(2) while drawing, the stored bytes while verifying. */
typedef int (*raffle_rand_fn)(void *state, unsigned char *buf, size_t n);
/*
 * Draws up to `want` distinct members from `entries` (one entry per spot, any
 * order; never modified), skipping `excluded` members. Writes winners to out
 * (cap `want`); returns how many, or -1 when the byte source failed.
 */
int raffle_draw_pick(const raffle_entry *entries, int n, const uint64_t *excluded, int nexcl,
                     int want, raffle_rand_fn rnd, void *state, raffle_entry *out);
extern const char raffle_draw_algorithm[];

/* ---- shipping.c ---- */
int raffle_on_ship(bh_ctx *c);
int raffle_on_ship_modal(bh_ctx *c);
int raffle_on_shipping(bh_ctx *c);

#endif
