/*
 * Drawing winners with the operating system's CSPRNG (getrandom(2)), in a way
 * anyone can re-check: the entry snapshot, the random bytes in the order they
 * were used and the algorithm are stored with every draw and reroll, and
 * /raffle verify runs the same algorithm over the stored bytes.
 */
#include "raffle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

const char raffle_draw_algorithm[] =
    "raffle-draw-v1: the entries are the eligible spots (paid, or all claimed spots of a free "
    "giveaway) in spot order, minus every spot of an excluded member (past winners). For each "
    "winner, with n entries left: read 8 bytes of the random stream as a big-endian unsigned "
    "64-bit v, reading 8 more while v < 2^64 mod n (rejection, so no spot is favoured); the "
    "winner is entry (v mod n); then every entry of that member is removed, so nobody wins "
    "twice. It stops when enough winners are drawn or no entry is left.";

#define MAX_RANDOM 4096

int raffle_draw_pick(const raffle_entry *entries, int n, const uint64_t *excluded, int nexcl,
                     int want, raffle_rand_fn rnd, void *state, raffle_entry *out)
{
    raffle_entry *w = malloc(sizeof *w * (size_t)(n > 0 ? n : 1));
    if (!w)
        return -1;
    int m = 0;
    for (int i = 0; i < n; i++) {
        int skip = 0;
        for (int j = 0; j < nexcl && !skip; j++)
            skip = entries[i].user == excluded[j];
        if (!skip)
            w[m++] = entries[i];
    }
    /* Spot order, whatever order the caller had them in (insertion sort: small n). */
    for (int i = 1; i < m; i++)
        for (int j = i; j > 0 && w[j - 1].spot > w[j].spot; j--) {
            raffle_entry t = w[j];
            w[j] = w[j - 1];
            w[j - 1] = t;
        }
    int k = 0;
    while (k < want && m > 0) {
        uint64_t nn = (uint64_t)m, threshold = (0 - nn) % nn, v;
        do {
            unsigned char b[8];
            if (rnd(state, b, 8) < 0) {
                free(w);
                return -1;
            }
            v = 0;
            for (int i = 0; i < 8; i++)
                v = v << 8 | b[i];
        } while (v < threshold);
        raffle_entry win = w[v % nn];
        out[k++] = win;
        int kept = 0;
        for (int i = 0; i < m; i++)
            if (w[i].user != win.user)
                w[kept++] = w[i];
        m = kept;
    }
    free(w);
    return k;
}

/* getrandom(2), recording every byte handed out. */
typedef struct os_rand {
    unsigned char buf[MAX_RANDOM];
    size_t used;
} os_rand;

static int os_rand_read(void *state, unsigned char *out, size_t n)
{
    os_rand *s = state;
    if (s->used + n > sizeof s->buf)
        return -1;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    memcpy(s->buf + s->used, out, n);
    s->used += n;
    return 0;
}

/* The stored bytes, replayed for verification. */
typedef struct replay_rand {
    const unsigned char *buf;
    size_t len, pos;
} replay_rand;

static int replay_read(void *state, unsigned char *out, size_t n)
{
    replay_rand *s = state;
    if (s->pos + n > s->len)
        return -1;
    memcpy(out, s->buf + s->pos, n);
    s->pos += n;
    return 0;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int from_hex(const char *s, unsigned char *out, size_t cap)
{
    size_t n = strlen(s);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return (int)(n / 2);
}

/* [[spot, "user"], ...] */
static json_t *entries_json(const raffle_entry *e, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        char u[24];
        snprintf(u, sizeof u, "%" PRIu64, e[i].user);
        json_array_append_new(a, json_pack("[i,s]", e[i].spot, u));
    }
    return a;
}

static int entries_parse(const json_t *a, raffle_entry **out)
{
    int n = (int)json_array_size(a);
    *out = malloc(sizeof **out * (size_t)(n > 0 ? n : 1));
    if (!*out)
        return -1;
    for (int i = 0; i < n; i++) {
        const json_t *e = json_array_get(a, (size_t)i);
        (*out)[i].spot = (int)json_integer_value(json_array_get(e, 0));
        (*out)[i].user = strtoull(json_string_value(json_array_get(e, 1)) ?: "0", NULL, 10);
    }
    return n;
}

/*
 * Runs `sql` on raffle `id` and allocates room for one `size`-byte item a row in
 * *out (the caller's to free; never NULL on success): the row count, or an error
 * (then nothing is held).
 */
static int query_rows(bh_ctx *c, const char *sql, int64_t id, size_t size, bh_result **res,
                      void **out)
{
    int rc = bh_db_query(c, res, sql, BH_ARGS(bh_i64(id)));
    if (rc < 0)
        return rc;
    int n = bh_result_rows(*res);
    *out = malloc(size * (size_t)(n > 0 ? n : 1));
    if (!*out) {
        bh_result_free(*res);
        return BH_ENOMEM;
    }
    return n;
}

/* The eligible entries of a raffle, by spot. */
static int load_entries(bh_ctx *c, int64_t id, raffle_entry **out)
{
    bh_result *res;
    void *rows;
    int n = query_rows(c,
                       "SELECT k.spot, k.user_id FROM raffle.claims k JOIN raffle.raffles r "
                       "ON r.id = k.raffle_id WHERE k.raffle_id = $1 "
                       "AND (k.paid OR r.price_cents = 0) ORDER BY k.spot",
                       id, sizeof **out, &res, &rows);
    if (n < 0)
        return n;
    *out = rows;
    for (int i = 0; i < n; i++) {
        (*out)[i].spot = (int)bh_result_i64(res, i, 0);
        (*out)[i].user = (uint64_t)bh_result_i64(res, i, 1);
    }
    bh_result_free(res);
    return n;
}

/* Past winners of a raffle (active or rerolled away): never drawn again. */
static int load_excluded(bh_ctx *c, int64_t id, uint64_t **out)
{
    bh_result *res;
    void *rows;
    int n = query_rows(c, "SELECT user_id FROM raffle.winners WHERE raffle_id = $1", id,
                       sizeof **out, &res, &rows);
    if (n < 0)
        return n;
    *out = rows;
    for (int i = 0; i < n; i++)
        (*out)[i] = (uint64_t)bh_result_i64(res, i, 0);
    bh_result_free(res);
    return n;
}

static int count_members(const raffle_entry *e, int n, const uint64_t *excl, int nexcl)
{
    int members = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < nexcl && !seen; j++)
            seen = excl[j] == e[i].user;
        for (int j = 0; j < i && !seen; j++)
            seen = e[j].user == e[i].user;
        members += !seen;
    }
    return members;
}

/*
 * Draws `want` winners of raffle id among its entries minus its past winners,
 * and stores the draw. Returns how many were drawn (winners in out, the draw's
 * id in *draw_id, the eligible member count in *members) or an error.
 */
static int draw_store(bh_ctx *c, int64_t id, const char *kind, uint64_t actor, int want,
                      raffle_entry *out, int64_t *draw_id, int *members)
{
    raffle_entry *entries = NULL;
    uint64_t *excl = NULL;
    os_rand *rnd = calloc(1, sizeof *rnd);
    int n = load_entries(c, id, &entries), nexcl = 0, k = BH_ENOMEM;
    if (n < 0 || !rnd) {
        k = n < 0 ? n : BH_ENOMEM;
        goto done;
    }
    if ((nexcl = load_excluded(c, id, &excl)) < 0) {
        k = nexcl;
        goto done;
    }
    *members = count_members(entries, n, excl, nexcl);
    k = raffle_draw_pick(entries, n, excl, nexcl, want, os_rand_read, rnd, out);
    if (k < 0) {
        bh_log(raffle_host, BH_LOG_ERROR, "raffle %lld: getrandom failed: %s", (long long)id,
               strerror(errno));
        k = BH_EINVAL;
        goto done;
    }
    char hex[2 * MAX_RANDOM + 1];
    to_hex(rnd->buf, rnd->used, hex);
    json_t *je = entries_json(entries, n), *jr = entries_json(out, k), *jx = json_array();
    for (int i = 0; i < nexcl; i++) {
        char u[24];
        snprintf(u, sizeof u, "%" PRIu64, excl[i]);
        json_array_append_new(jx, json_string(u));
    }
    bh_result *res;
    int rc = bh_db_query(
        c, &res,
        "INSERT INTO raffle.draws (raffle_id, kind, drawn_by, algorithm, entries, excluded, "
        "entries_sha256, random_hex, requested, result) VALUES ($1, $2, $3, $4, $5::jsonb, "
        "$6::jsonb, encode(sha256(convert_to($5::jsonb::text, 'UTF8')), 'hex'), $7, $8, "
        "$9::jsonb) RETURNING id",
        BH_ARGS(bh_i64(id), bh_text(kind), actor ? bh_i64((int64_t)actor) : bh_null(),
                bh_text(raffle_draw_algorithm), bh_json(je), bh_json(jx), bh_text(hex),
                bh_i64(want), bh_json(jr)));
    json_decref(je);
    json_decref(jr);
    json_decref(jx);
    if (rc < 0) {
        k = rc;
        goto done;
    }
    *draw_id = bh_result_i64(res, 0, 0);
    bh_result_free(res);
done:
    free(entries);
    free(excl);
    free(rnd);
    return k;
}

int raffle_draw(bh_ctx *c, int64_t id, uint64_t actor, char *msg, size_t n)
{
    int rc = bh_db_begin(c);
    if (rc < 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "UPDATE raffle.raffles SET state = 'drawn' WHERE id = $1 AND state = 'closed' "
                     "RETURNING winners",
                     BH_ARGS(bh_i64(id)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(res) != 1) {
        bh_result_free(res);
        bh_db_rollback(c);
        raffle r;
        if ((rc = raffle_load(c, id, 0, &r)) < 0)
            return rc;
        if (strcmp(r.state, "drawn") == 0 && actor && r.auto_draw && r.closed_by == actor &&
            raffle_now_ms() - r.closed_ms < 60000)
            /* This manager's close just drew it (auto_draw). */
            snprintf(msg, n, "Raffle #%lld is closed and its winners are drawn: see <#%" PRIu64 ">.",
                     (long long)id, r.channel);
        else
            snprintf(msg, n, "Raffle #%lld is %s: only a closed raffle can be drawn%s.",
                     (long long)id, r.state,
                     strcmp(r.state, "drawn") == 0 ? " (use /raffle reroll to replace a winner)"
                                                   : "");
        return 0;
    }
    int want = (int)bh_result_i64(res, 0, 0);
    bh_result_free(res);
    raffle_entry won[RAFFLE_MAX_WINNERS];
    int64_t draw_id = 0;
    int members = 0;
    int k = draw_store(c, id, "draw", actor, want, won, &draw_id, &members);
    if (k < 0)
        return k;
    for (int i = 0; i < k; i++) {
        rc = (int)bh_db_exec(c,
                             "INSERT INTO raffle.winners (raffle_id, user_id, spot, place, draw_id) "
                             "VALUES ($1, $2, $3, $4, $5)",
                             BH_ARGS(bh_i64(id), bh_i64((int64_t)won[i].user), bh_i64(won[i].spot),
                                     bh_i64(i + 1), bh_i64(draw_id)));
        if (rc < 0)
            return rc;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "draw %lld: %d of %d", (long long)draw_id, k, want);
    if ((rc = raffle_event(c, id, "drawn", actor, detail)) < 0 || (rc = bh_db_commit(c)) < 0)
        return rc;

    raffle r;
    if ((rc = raffle_load(c, id, 0, &r)) < 0)
        return rc;
    char text[1900];
    size_t len;
    if (k == 0) {
        len = (size_t)snprintf(text, sizeof text,
                               "**%s** (raffle #%lld): no eligible entries, so there is no winner.",
                               r.title, (long long)id);
    } else {
        len = (size_t)snprintf(text, sizeof text, "\xF0\x9F\x8E\x89 %s of **%s** (raffle #%lld): ",
                               k > 1 ? "Winners" : "Winner", r.title, (long long)id);
        for (int i = 0; i < k && len + 60 < sizeof text; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s<@%" PRIu64 "> (spot #%d)",
                                    i ? ", " : "", won[i].user, won[i].spot);
        if (members < want && len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "\nOnly %d member(s) had eligible entries for %d winner(s): "
                                    "all of them win.",
                                    members, want);
        if (len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "\nWinners: send your shipping details with the button on the "
                                    "raffle message. Anyone can re-check this draw with /raffle "
                                    "verify raffle:%lld.",
                                    (long long)id);
    }
    snprintf(msg, n, "%s", text);
    if (raffle_announce(c, r.channel, text) < 0)
        bh_log(raffle_host, BH_LOG_WARN, "raffle %lld: winners announcement failed: %s",
               (long long)id, bh_ctx_error(c));
    rc = raffle_render_later(c, id, 0);
    return rc < 0 ? rc : 1;
}

int raffle_on_draw(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_option(c, &r)) <= 0)
        return rc;
    if (strcmp(r.state, "open") == 0) {
        char reason[120];
        snprintf(reason, sizeof reason, "closed for the draw by <@%" PRIu64 ">",
                 bh_id(c, BH_ID_USER));
        if ((rc = raffle_end(c, r.id, bh_id(c, BH_ID_USER), reason, 1)) < 0)
            return rc;
    }
    char msg[1900];
    rc = raffle_draw(c, r.id, bh_id(c, BH_ID_USER), msg, sizeof msg);
    if (rc < 0)
        return rc;
    return bh_reply_text(c, "%s", msg);
}

int raffle_on_reroll(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_option(c, &r)) <= 0)
        return rc;
    uint64_t old = bh_opt_id(c, "winner"), actor = bh_id(c, BH_ID_USER);
    char reason[400];
    raffle_trim(reason, sizeof reason, bh_opt_text(c, "reason", ""));
    if (!reason[0])
        return bh_reply_text(c, "reason: a reroll needs a reason (it is kept in the audit log).");
    if ((rc = bh_db_begin(c)) < 0)
        return rc;
    bh_result *res;
    /* One reroll of a raffle at a time. */
    rc = bh_db_query(c, &res, "SELECT state FROM raffle.raffles WHERE id = $1 FOR UPDATE",
                     BH_ARGS(bh_i64(r.id)));
    if (rc < 0)
        return rc;
    int drawn = strcmp(bh_result_text(res, 0, 0), "drawn") == 0;
    bh_result_free(res);
    if (!drawn) {
        bh_db_rollback(c);
        return bh_reply_text(c, "Raffle #%lld is %s: only a drawn raffle can be rerolled.",
                             (long long)r.id, r.state);
    }
    rc = bh_db_query(c, &res,
                     "UPDATE raffle.winners SET active = false WHERE raffle_id = $1 AND user_id = $2 "
                     "AND active RETURNING place",
                     BH_ARGS(bh_i64(r.id), bh_i64((int64_t)old)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(res) != 1) {
        bh_result_free(res);
        bh_db_rollback(c);
        return bh_reply_text(c, "winner: <@%" PRIu64 "> is not a current winner of raffle #%lld.",
                             old, (long long)r.id);
    }
    int place = (int)bh_result_i64(res, 0, 0);
    bh_result_free(res);
    raffle_entry won[1];
    int64_t draw_id = 0;
    int members = 0;
    int k = draw_store(c, r.id, "reroll", actor, 1, won, &draw_id, &members);
    if (k < 0)
        return k;
    if (k == 0) {
        /* Nobody could take the place: the winner keeps it, nothing is recorded. */
        bh_db_rollback(c);
        return bh_reply_text(c, "No eligible entry is left to replace <@%" PRIu64 "> in raffle "
                                "#%lld, so nothing changed: they are still a winner.",
                             old, (long long)r.id);
    }
    if ((rc = (int)bh_db_exec(c,
                              "INSERT INTO raffle.winners (raffle_id, user_id, spot, place, "
                              "draw_id) VALUES ($1, $2, $3, $4, $5)",
                              BH_ARGS(bh_i64(r.id), bh_i64((int64_t)won[0].user),
                                      bh_i64(won[0].spot), bh_i64(place), bh_i64(draw_id)))) < 0)
        return rc;
    rc = (int)bh_db_exec(c,
                         "INSERT INTO raffle.rerolls (raffle_id, old_user_id, new_user_id, reason, "
                         "by_user_id, draw_id) VALUES ($1, $2, $3, $4, $5, $6)",
                         BH_ARGS(bh_i64(r.id), bh_i64((int64_t)old),
                                 bh_i64((int64_t)won[0].user), bh_text(reason),
                                 bh_i64((int64_t)actor), bh_i64(draw_id)));
    if (rc < 0 || (rc = raffle_event(c, r.id, "rerolled", actor, reason)) < 0 ||
        (rc = bh_db_commit(c)) < 0)
        return rc;

    char text[800];
    snprintf(text, sizeof text,
             "\xF0\x9F\x94\x81 Reroll for **%s** (raffle #%lld): the new winner is <@%" PRIu64
             "> (spot #%d), replacing <@%" PRIu64 ">.",
             r.title, (long long)r.id, won[0].user, won[0].spot, old);
    if (raffle_announce(c, r.channel, text) < 0)
        bh_log(raffle_host, BH_LOG_WARN, "raffle %lld: reroll announcement failed: %s",
               (long long)r.id, bh_ctx_error(c));
    raffle_report(c, r.guild, "Raffle #%lld: <@%" PRIu64 "> rerolled <@%" PRIu64 ">. Reason: %s",
                  (long long)r.id, actor, old, reason);
    if ((rc = raffle_render_later(c, r.id, 0)) < 0)
        return rc;
    return bh_reply_text(c, "%s", text);
}

/* Re-runs one stored draw; 1 when it gives the stored result. */
static int recheck(const char *entries_text, const char *excluded_text, const char *hex,
                   int requested, const char *result_text, char *why, size_t n)
{
    json_t *je = json_loads(entries_text, 0, NULL), *jx = json_loads(excluded_text, 0, NULL);
    json_t *jr = json_loads(result_text, 0, NULL);
    raffle_entry *entries = NULL, *want = NULL, got[RAFFLE_MAX_WINNERS];
    int ok = 0, ne = entries_parse(je, &entries), nw = entries_parse(jr, &want);
    int nx = (int)json_array_size(jx);
    unsigned char *bytes = malloc(MAX_RANDOM);
    uint64_t *excl = malloc(sizeof *excl * (size_t)(nx + 1));
    replay_rand rr = {bytes, 0, 0};
    if (!bytes || !excl || ne < 0 || nw < 0 || requested < 1 ||
        requested > RAFFLE_MAX_WINNERS) {
        snprintf(why, n, "the stored draw cannot be read");
        goto done;
    }
    for (int i = 0; i < nx; i++)
        excl[i] = strtoull(json_string_value(json_array_get(jx, (size_t)i)) ?: "0", NULL, 10);
    int len = from_hex(hex, bytes, MAX_RANDOM);
    if (len < 0) {
        snprintf(why, n, "the stored random bytes are not hex");
        goto done;
    }
    rr.len = (size_t)len;
    int k = raffle_draw_pick(entries, ne, excl, nx, requested, replay_read, &rr, got);
    if (k < 0) {
        snprintf(why, n, "the stored random bytes run out");
        goto done;
    }
    ok = k == nw && rr.pos == rr.len;
    for (int i = 0; ok && i < k; i++)
        ok = got[i].spot == want[i].spot && got[i].user == want[i].user;
    snprintf(why, n, ok ? "matches" : "DOES NOT MATCH the stored result");
done:
    json_decref(je);
    json_decref(jx);
    json_decref(jr);
    free(entries);
    free(want);
    free(bytes);
    free(excl);
    return ok;
}

int raffle_on_verify(bh_ctx *c)
{
    raffle r;
    int rc = raffle_from_option(c, &r);
    if (rc <= 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT id, kind, extract(epoch FROM drawn_at)::bigint, entries::text, "
                     "excluded::text, entries_sha256, "
                     "encode(sha256(convert_to(entries::text, 'UTF8')), 'hex'), random_hex, "
                     "requested, result::text, jsonb_array_length(entries), "
                     "jsonb_array_length(excluded), "
                     "row_number() OVER (PARTITION BY kind ORDER BY id) "
                     "FROM raffle.draws WHERE raffle_id = $1 ORDER BY id LIMIT 20",
                     BH_ARGS(bh_i64(r.id)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(res) == 0) {
        bh_result_free(res);
        return bh_reply_text(c, "Raffle #%lld has not been drawn yet.", (long long)r.id);
    }
    bh_msg *m = bh_msg_new(c);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    bh_embed *e = bh_msg_embed(m);
    char text[1100];
    snprintf(text, sizeof text, "Draws of raffle #%lld: %s", (long long)r.id, r.title);
    bh_embed_set(e, BH_EMBED_TITLE, text);
    bh_embed_set(e, BH_EMBED_DESCRIPTION, raffle_draw_algorithm);
    for (int i = 0; i < bh_result_rows(res) && i < 20; i++) {
        char why[80], winners[320] = "";
        int ok = recheck(bh_result_text(res, i, 3), bh_result_text(res, i, 4),
                         bh_result_text(res, i, 7), (int)bh_result_i64(res, i, 8),
                         bh_result_text(res, i, 9), why, sizeof why);
        int same_hash = strcmp(bh_result_text(res, i, 5), bh_result_text(res, i, 6)) == 0;
        json_t *jr = json_loads(bh_result_text(res, i, 9), 0, NULL);
        size_t len = 0, j;
        json_t *w;
        json_array_foreach(jr, j, w) {
            if (len + 40 < sizeof winners)
                len += (size_t)snprintf(winners + len, sizeof winners - len, "%s<@%s> (#%lld)",
                                        j ? ", " : "", json_string_value(json_array_get(w, 1)),
                                        (long long)json_integer_value(json_array_get(w, 0)));
        }
        json_decref(jr);
        const char *hex = bh_result_text(res, i, 7);
        char bytes[340];
        /* No eligible entry: nothing was drawn, so no random byte was read. */
        if (hex[0])
            snprintf(bytes, sizeof bytes, "`%.320s%s`", hex, strlen(hex) > 320 ? "..." : "");
        else
            snprintf(bytes, sizeof bytes, "none (no eligible entry to draw from)");
        snprintf(text, sizeof text,
                 "Entries: %s spot(s), excluded past winners: %s\nSnapshot SHA-256: `%s`%s\n"
                 "Random bytes (getrandom): %s\nResult: %s\nRe-check: %s %s",
                 bh_result_text(res, i, 10), bh_result_text(res, i, 11), bh_result_text(res, i, 5),
                 same_hash ? "" : " (CHANGED since the draw)", bytes,
                 winners[0] ? winners : "nobody", ok && same_hash ? "\xE2\x9C\x85" : "\xE2\x9D\x8C",
                 same_hash ? why : "the snapshot changed");
        char name[100];
        snprintf(name, sizeof name, "%s %s",
                 strcmp(bh_result_text(res, i, 1), "draw") == 0 ? "Draw" : "Reroll",
                 bh_result_text(res, i, 12));
        bh_embed_field(e, name, text, 0);
    }
    bh_result_free(res);
    rc = bh_reply(c, m);
    bh_msg_free(m);
    return rc;
}
