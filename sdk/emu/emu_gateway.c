/*
 * The gateway: Discord's v10 JSON protocol over a websocket on the same port.
 *
 * A session (identified shard) outlives its connection so that RESUME can
 * replay what was dispatched meanwhile; a connection belongs to at most one
 * session.  Every dispatch gets the session's next sequence number and is kept
 * for replay.  With compress=zlib-stream each connection has one deflate
 * stream and every message ends with a Z_SYNC_FLUSH (00 00 ff ff).
 */
#include "emu.h"
#include "emu_pss.h"

#include <libwebsockets.h>
#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define EMU_GW_MAX_PAYLOAD 4096
#define EMU_GW_RATE_LIMIT 120
#define EMU_GW_RATE_WINDOW_MS 60000
#define EMU_GW_REPLAY_MAX 20000

typedef struct emu_gw_msg {
    struct emu_gw_msg *next;
    size_t len;
    int binary;
    unsigned char buf[];        /* LWS_PRE bytes, then the payload */
} emu_gw_msg;

struct emu_gw_session {
    emu_gw_session *next;
    char id[40];
    int shard;
    int num_shards;
    uint64_t intents;
    json_int_t seq;
    json_t *events;             /* dispatched payloads, for RESUME */
    emu_gw_conn *conn;
};

struct emu_gw_conn {
    emu_gw_conn *next;
    emu *e;
    struct lws *wsi;
    emu_gw_session *sess;
    int identified;
    int zlib;
    z_stream zs;
    emu_gw_msg *qhead, *qtail;
    char *rx;
    size_t rx_len;
    uint64_t last_hb;
    uint64_t close_deadline;    /* after op 7: close if the client does not */
    int close_code;
    char close_reason[96];
    int stop_ack;
    int rx_count;
    uint64_t rx_window;
    int on_resume_url;
    lws_sorted_usec_list_t sul;
};

int emu_gw_shard_of(const char *guild_id, int num_shards)
{
    unsigned long long id = guild_id ? strtoull(guild_id, NULL, 10) : 0;
    if (num_shards <= 0)
        return 0;
    return (int)((id >> 22) % (unsigned long long)num_shards);
}

static void emu_gw_stat(emu *e, int shard, const char *key, json_int_t n)
{
    char group[32];
    snprintf(group, sizeof group, "gateway_shard_%d", shard);
    emu_stat_add(e, group, key, n);
}

/* ---- sending -------------------------------------------------------------------- */

static int emu_gw_enqueue(emu_gw_conn *c, const unsigned char *data, size_t len, int binary)
{
    emu_gw_msg *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m)
        return -1;
    m->next = NULL;
    m->len = len;
    m->binary = binary;
    memcpy(m->buf + LWS_PRE, data, len);
    if (c->qtail)
        c->qtail->next = m;
    else
        c->qhead = m;
    c->qtail = m;
    lws_callback_on_writable(c->wsi);
    return 0;
}

/* One frame's text, compressed into the connection's zlib stream if it has one. */
static int emu_gw_send_text(emu_gw_conn *c, char *text, size_t len)
{
    int rc;
    if (!c->zlib) {
        rc = emu_gw_enqueue(c, (unsigned char *)text, len, 0);
    } else {
        size_t cap = len + 64, out = 0;
        unsigned char *buf = malloc(cap);
        rc = buf ? 0 : -1;
        c->zs.next_in = (unsigned char *)text;
        c->zs.avail_in = (uInt)len;
        while (!rc) {
            int zr;
            if (cap - out < 64) {
                unsigned char *nb = realloc(buf, cap * 2);
                if (!nb) {
                    rc = -1;
                    break;
                }
                buf = nb;
                cap *= 2;
            }
            c->zs.next_out = buf + out;
            c->zs.avail_out = (uInt)(cap - out);
            zr = deflate(&c->zs, Z_SYNC_FLUSH);
            if (zr != Z_OK && zr != Z_BUF_ERROR) {
                rc = -1;
                break;
            }
            out = cap - c->zs.avail_out;
            if (c->zs.avail_out != 0)
                break;
        }
        if (!rc)
            rc = emu_gw_enqueue(c, buf, out, 1);
        free(buf);
    }
    return rc;
}

static int emu_gw_send(emu_gw_conn *c, const json_t *payload)
{
    char *text = json_dumps(payload, JSON_COMPACT);
    int rc;
    if (!text)
        return -1;
    rc = emu_gw_send_text(c, text, strlen(text));
    free(text);
    return rc;
}

static void emu_gw_send_op(emu_gw_conn *c, int op, json_t *d)
{
    json_t *p = json_pack("{s:i, s:o, s:n, s:n}", "op", op, "d", d ? d : json_null(), "s", "t");
    emu_gw_send(c, p);
    json_decref(p);
}

static void emu_gw_close(emu_gw_conn *c, int code, const char *reason)
{
    if (c->close_code)
        return;
    c->close_code = code;
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
    emu_gw_stat(c->e, c->sess ? c->sess->shard : -1, "closes_sent", 1);
    lws_callback_on_writable(c->wsi);
}

/* ---- sessions ------------------------------------------------------------------- */

static void emu_gw_session_free(emu *e, emu_gw_session *s)
{
    emu_gw_session **pp;
    for (pp = &e->sessions; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    if (s->conn)
        s->conn->sess = NULL;
    json_decref(s->events);
    free(s);
}

/* Kept for RESUME. */
static void emu_gw_keep(emu_gw_session *s, json_t *p)
{
    json_array_append(s->events, p);
    emu_array_keep_last(&s->events, EMU_GW_REPLAY_MAX);
}

/* d_text, when given, is d already serialised: the frame is written around it. */
static void emu_gw_push(emu *e, emu_gw_session *s, const char *event, json_t *d, const char *d_text)
{
    json_int_t seq = ++s->seq;
    json_t *p = json_pack("{s:i, s:s, s:I, s:O}", "op", 0, "t", event, "s", seq, "d", d);
    emu_gw_keep(s, p);
    if (s->conn && s->conn->identified) {
        size_t cap = d_text ? strlen(event) + strlen(d_text) + 64 : 0;
        char *text = cap ? malloc(cap) : NULL;
        int n = text ? snprintf(text, cap, "{\"op\":0,\"t\":\"%s\",\"s\":%" JSON_INTEGER_FORMAT ",\"d\":%s}",
                                event, seq, d_text)
                     : -1;
        if (n >= 0 && (size_t)n < cap)
            emu_gw_send_text(s->conn, text, (size_t)n);
        else
            emu_gw_send(s->conn, p);
        free(text);
    }
    emu_gw_stat(e, s->shard, "events", 1);
    emu_gw_stat(e, s->shard, event, 1);
    json_decref(p);
}

void emu_gw_dispatch_text(emu *e, const char *guild_id, const char *event, json_t *d,
                          const char *d_text, uint64_t intent)
{
    emu_gw_session *s;
    for (s = e->sessions; s; s = s->next) {
        if (intent && !(s->intents & intent))
            continue;
        if (emu_gw_shard_of(guild_id, s->num_shards) != s->shard)
            continue;
        emu_gw_push(e, s, event, d, d_text);
    }
    json_decref(d);
}

void emu_gw_dispatch(emu *e, const char *guild_id, const char *event, json_t *d, uint64_t intent)
{
    emu_gw_dispatch_text(e, guild_id, event, d, NULL, intent);
}

/* ---- opcodes ---------------------------------------------------------------------- */

static void emu_gw_ready(emu *e, emu_gw_conn *c)
{
    emu_gw_session *s = c->sess;
    json_t *guilds = json_array(), *g, *d;
    const char *gid;
    char url[128];
    snprintf(url, sizeof url, "ws://%s:%d/resume", e->o.host, e->port);
    json_object_foreach(e->guilds, gid, g)
        if (emu_gw_shard_of(gid, s->num_shards) == s->shard)
            json_array_append_new(guilds, json_pack("{s:s, s:b}", "id", gid, "unavailable", 1));
    d = json_pack("{s:i, s:O, s:o, s:s, s:s, s:s, s:[ii], s:{s:s, s:O}, s:[], s:[s]}",
                  "v", 10, "user", emu_user(e, e->bot_id), "guilds", guilds,
                  "session_id", s->id, "session_type", "normal", "resume_gateway_url", url,
                  "shard", s->shard, s->num_shards,
                  "application", "id", e->app_id, "flags", json_object_get(e->application, "flags"),
                  "private_channels", "_trace", "[\"bothost-emu\"]");
    c->identified = 1;
    emu_gw_push(e, s, "READY", d, NULL);
    json_decref(d);
    if (s->intents & EMU_I_GUILDS) {
        json_object_foreach(e->guilds, gid, g)
            if (emu_gw_shard_of(gid, s->num_shards) == s->shard) {
                json_t *gc = emu_guild_create_json(e, g, (s->intents & EMU_I_GUILD_PRESENCES) != 0);
                emu_gw_push(e, s, "GUILD_CREATE", gc, NULL);
                json_decref(gc);
            }
    }
}

static int emu_gw_token_ok(emu *e, const json_t *tok)
{
    const char *t = json_string_value(tok);
    if (!t || !*t)
        return 0;
    if (!strncmp(t, "Bot ", 4))
        t += 4;
    return !e->o.token || !strcmp(t, e->o.token);
}

static void emu_gw_identify(emu *e, emu_gw_conn *c, const json_t *d)
{
    const json_t *shard = json_object_get(d, "shard");
    const json_t *intents = json_object_get(d, "intents");
    int sid = 0, n = 1;
    uint64_t in, now = emu_now_ms();
    emu_gw_session *s, *next;
    char key[16];
    json_t *slot;

    if (c->identified) {
        emu_gw_close(c, 4005, "Already authenticated.");
        return;
    }
    if (!json_is_object(d)) {
        emu_gw_close(c, 4002, "Error while decoding payload.");
        return;
    }
    if (!emu_gw_token_ok(e, json_object_get(d, "token"))) {
        emu_gw_close(c, 4004, "Authentication failed.");
        return;
    }
    if (!json_is_integer(intents) || json_integer_value(intents) < 0 ||
        ((uint64_t)json_integer_value(intents) & ~EMU_I_ALL)) {
        emu_gw_close(c, 4013, "Invalid intent(s).");
        return;
    }
    in = (uint64_t)json_integer_value(intents);
    if (in & EMU_I_PRIVILEGED & ~e->o.privileged_ok) {
        emu_gw_close(c, 4014, "Disallowed intent(s).");
        return;
    }
    if (shard) {
        if (!json_is_array(shard) || json_array_size(shard) != 2 ||
            !json_is_integer(json_array_get(shard, 0)) || !json_is_integer(json_array_get(shard, 1))) {
            emu_gw_close(c, 4010, "Invalid shard.");
            return;
        }
        sid = (int)json_integer_value(json_array_get(shard, 0));
        n = (int)json_integer_value(json_array_get(shard, 1));
        if (n < 1 || sid < 0 || sid >= n) {
            emu_gw_close(c, 4010, "Invalid shard.");
            return;
        }
    }
    {
        /* Sharding is required when a shard would hold too many guilds. */
        int count = 0;
        const char *gid;
        json_t *g;
        json_object_foreach(e->guilds, gid, g)
            if (emu_gw_shard_of(gid, n) == sid)
                count++;
        if (count > e->o.guilds_per_shard) {
            emu_gw_close(c, 4011, "Sharding required.");
            return;
        }
    }
    if (now >= e->identify_reset_at) {
        e->identify_remaining = 1000;
        e->identify_reset_at = now + 86400000ull;
    }
    if (e->identify_remaining <= 0) {
        emu_violation(e, "identify_limit", json_pack("{s:i}", "shard", sid));
        emu_gw_send_op(c, 9, json_false());
        return;
    }
    snprintf(key, sizeof key, "%d", sid % (e->o.max_concurrency > 0 ? e->o.max_concurrency : 1));
    slot = json_object_get(e->identify_slots, key);
    if (slot && now - (uint64_t)json_integer_value(slot) < (uint64_t)e->o.identify_interval_ms) {
        emu_violation(e, "identify_concurrency",
                      json_pack("{s:i, s:s, s:I}", "shard", sid, "rate_limit_key", key,
                                "ms_since_last", (json_int_t)(now - (uint64_t)json_integer_value(slot))));
        emu_gw_send_op(c, 9, json_false());
        return;
    }
    json_object_set_new(e->identify_slots, key, json_integer((json_int_t)now));
    e->identify_remaining--;

    /* A fresh IDENTIFY ends older, disconnected sessions of the same shard. */
    for (s = e->sessions; s; s = next) {
        next = s->next;
        if (!s->conn && s->shard == sid && s->num_shards == n)
            emu_gw_session_free(e, s);
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        emu_gw_close(c, 4000, "Unknown error.");
        return;
    }
    {
        unsigned char rnd[16];
        lws_get_random(e->ctx, rnd, sizeof rnd);
        for (int i = 0; i < 16; i++)
            snprintf(s->id + i * 2, 3, "%02x", rnd[i]);
    }
    s->shard = sid;
    s->num_shards = n;
    s->intents = in;
    s->events = json_array();
    s->conn = c;
    s->next = e->sessions;
    e->sessions = s;
    c->sess = s;
    emu_gw_stat(e, sid, "identifies", 1);
    emu_gw_ready(e, c);
}

static void emu_gw_resume(emu *e, emu_gw_conn *c, const json_t *d)
{
    const char *sid = json_string_value(json_object_get(d, "session_id"));
    json_int_t seq = json_integer_value(json_object_get(d, "seq"));
    emu_gw_session *s;
    json_t *p;
    size_t i;
    if (c->identified) {
        emu_gw_close(c, 4005, "Already authenticated.");
        return;
    }
    if (!emu_gw_token_ok(e, json_object_get(d, "token"))) {
        emu_gw_close(c, 4004, "Authentication failed.");
        return;
    }
    for (s = e->sessions; s; s = s->next)
        if (sid && !strcmp(s->id, sid))
            break;
    if (!s) {
        emu_stat_add(e, "gateway", "resumes_refused", 1);
        emu_gw_send_op(c, 9, json_false());
        return;
    }
    if (seq > s->seq) {
        emu_gw_close(c, 4007, "Invalid seq.");
        return;
    }
    /* The events after `seq` must still be in the replay buffer. */
    p = json_array_get(s->events, 0);
    if (p && seq + 1 < json_integer_value(json_object_get(p, "s"))) {
        emu_gw_send_op(c, 9, json_false());
        emu_gw_session_free(e, s);
        return;
    }
    if (s->conn && s->conn != c) {
        emu_gw_conn *old = s->conn;
        old->sess = NULL;
        old->identified = 0;
        emu_gw_close(old, 4000, "Session resumed elsewhere.");
    }
    s->conn = c;
    c->sess = s;
    c->identified = 1;
    json_array_foreach(s->events, i, p)
        if (json_integer_value(json_object_get(p, "s")) > seq)
            emu_gw_send(c, p);
    emu_gw_stat(e, s->shard, "resumes", 1);
    if (c->on_resume_url)
        emu_gw_stat(e, s->shard, "resumes_on_resume_url", 1);
    p = json_object();
    emu_gw_push(e, s, "RESUMED", p, NULL);
    json_decref(p);
}

static void emu_gw_members_chunk(emu *e, emu_gw_conn *c, const json_t *d)
{
    const char *reason;
    json_t *chunks, *chunk;
    size_t i;
    int code = emu_gw_members_request(e, d, c->sess ? c->sess->intents : 0, &chunks, &reason);
    if (code) {
        emu_gw_close(c, code, reason);
        return;
    }
    json_array_foreach(chunks, i, chunk)
        if (c->sess)
            emu_gw_push(e, c->sess, "GUILD_MEMBERS_CHUNK", chunk, NULL);
    json_decref(chunks);
}

static void emu_gw_handle(emu *e, emu_gw_conn *c, const char *text, size_t len)
{
    json_error_t jerr;
    json_t *p = json_loadb(text, len, 0, &jerr);
    const json_t *op = json_object_get(p, "op");
    const json_t *d = json_object_get(p, "d");
    int shard = c->sess ? c->sess->shard : -1;

    if (!json_is_object(p) || !json_is_integer(op)) {
        emu_gw_close(c, 4002, "Error while decoding payload.");
        json_decref(p);
        return;
    }
    switch (json_integer_value(op)) {
    case 1:
        c->last_hb = emu_now_ms();
        emu_gw_stat(e, shard, "heartbeats", 1);
        if (!json_is_null(d) && !json_is_integer(d)) {
            emu_gw_close(c, 4002, "Error while decoding payload.");
        } else if (!c->stop_ack) {
            emu_gw_send_op(c, 11, NULL);
            emu_gw_stat(e, shard, "heartbeat_acks", 1);
        }
        break;
    case 2:
        emu_gw_identify(e, c, d);
        break;
    case 6:
        emu_gw_resume(e, c, d);
        break;
    case 3:
    case 4:
    case 8:
        if (!c->identified) {
            emu_gw_close(c, 4003, "Not authenticated.");
            break;
        }
        if (json_integer_value(op) == 8)
            emu_gw_members_chunk(e, c, d);
        break;
    default:
        emu_gw_close(c, 4001, "Unknown opcode.");
        break;
    }
    json_decref(p);
}

/* ---- lws glue ---------------------------------------------------------------------- */

static void emu_gw_watchdog(lws_sorted_usec_list_t *sul)
{
    emu_gw_conn *c = lws_container_of(sul, emu_gw_conn, sul);
    emu *e = c->e;
    uint64_t now = emu_now_ms();
    uint64_t allowed = (uint64_t)e->o.heartbeat_ms + (uint64_t)e->o.heartbeat_ms / 2 + 500;
    if (!c->close_code && now - c->last_hb > allowed) {
        emu_gw_stat(e, c->sess ? c->sess->shard : -1, "heartbeat_timeouts", 1);
        emu_gw_close(c, 4009, "Session timed out.");
    } else if (!c->close_code && c->close_deadline && now >= c->close_deadline) {
        emu_gw_close(c, 4000, "Reconnect requested.");
    }
    lws_sul_schedule(e->ctx, 0, &c->sul, emu_gw_watchdog, 250 * LWS_US_PER_MS);
}

int emu_gw_established(emu *e, struct lws *wsi, emu_pss *pss)
{
    emu_gw_conn *c = calloc(1, sizeof *c);
    char buf[64], path[64];
    const char *arg;
    if (!c)
        return -1;
    c->e = e;
    c->wsi = wsi;
    c->last_hb = emu_now_ms();
    c->next = e->conns;
    e->conns = c;
    pss->gw = c;
    emu_stat_add(e, "gateway", "connections", 1);
    if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) > 0 && !strncmp(path, "/resume", 7))
        c->on_resume_url = 1;
    arg = lws_get_urlarg_by_name(wsi, "compress=", buf, sizeof buf);
    if (arg && !strcmp(arg, "zlib-stream")) {
        c->zlib = 1;
        /* Any level reads the same on the other side; the fastest keeps floods cheap here. */
        if (deflateInit(&c->zs, Z_BEST_SPEED) != Z_OK)
            return -1;
    }
    lws_sul_schedule(e->ctx, 0, &c->sul, emu_gw_watchdog, 250 * LWS_US_PER_MS);
    emu_gw_send_op(c, 10, json_pack("{s:i}", "heartbeat_interval", e->o.heartbeat_ms));
    arg = lws_get_urlarg_by_name(wsi, "v=", buf, sizeof buf);
    if (!arg || strcmp(arg, "10")) {
        emu_gw_close(c, 4012, "Invalid API version.");
    } else if ((arg = lws_get_urlarg_by_name(wsi, "encoding=", buf, sizeof buf)) && strcmp(arg, "json")) {
        emu_gw_close(c, 4002, "Error while decoding payload.");
    }
    return 0;
}

int emu_gw_receive(emu *e, struct lws *wsi, emu_pss *pss, const void *in, size_t len)
{
    emu_gw_conn *c = pss->gw;
    uint64_t now = emu_now_ms();
    if (!c || c->close_code)
        return 0;
    if (c->rx_len + len > EMU_GW_MAX_PAYLOAD) {
        emu_gw_close(c, 4002, "Error while decoding payload.");
        return 0;
    }
    if (emu_buf_append(&c->rx, &c->rx_len, in, len) < 0)
        return -1;
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
        return 0;
    if (now - c->rx_window >= EMU_GW_RATE_WINDOW_MS) {
        c->rx_window = now;
        c->rx_count = 0;
    }
    if (++c->rx_count > EMU_GW_RATE_LIMIT) {
        emu_violation(e, "gateway_ratelimit", json_pack("{s:i}", "shard", c->sess ? c->sess->shard : -1));
        emu_gw_close(c, 4008, "Rate limited.");
    } else {
        emu_gw_handle(e, c, c->rx, c->rx_len);
    }
    c->rx_len = 0;
    emu_http_wake(e);
    return 0;
}

int emu_gw_writeable(emu *e, struct lws *wsi, emu_pss *pss)
{
    emu_gw_conn *c = pss->gw;
    emu_gw_msg *m;
    (void)e;
    if (!c)
        return -1;
    m = c->qhead;
    if (m) {
        c->qhead = m->next;
        if (!c->qhead)
            c->qtail = NULL;
        if (lws_write(wsi, m->buf + LWS_PRE, m->len, m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT) <
            (int)m->len) {
            free(m);
            return -1;
        }
        free(m);
        if (c->qhead || c->close_code)
            lws_callback_on_writable(wsi);
        return 0;
    }
    if (c->close_code) {
        lws_close_reason(wsi, (enum lws_close_status)c->close_code,
                         (unsigned char *)c->close_reason, strlen(c->close_reason));
        return -1;
    }
    return 0;
}

static int emu_gw_code_ends_session(int code)
{
    return code == 4004 || code == 4007 || code == 4009 || (code >= 4010 && code <= 4014);
}

void emu_gw_closed(emu *e, emu_pss *pss)
{
    emu_gw_conn *c = pss ? pss->gw : NULL;
    emu_gw_conn **pp;
    if (!c)
        return;
    lws_sul_schedule(e->ctx, 0, &c->sul, NULL, LWS_SET_TIMER_USEC_CANCEL);
    for (pp = &e->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    if (c->sess) {
        emu_gw_session *s = c->sess;
        s->conn = NULL;
        if (emu_gw_code_ends_session(c->close_code))
            emu_gw_session_free(e, s);
    }
    while (c->qhead) {
        emu_gw_msg *m = c->qhead;
        c->qhead = m->next;
        free(m);
    }
    if (c->zlib)
        deflateEnd(&c->zs);
    free(c->rx);
    free(c);
    pss->gw = NULL;
}

/* ---- faults and stats ----------------------------------------------------------------- */

int emu_gw_fault(emu *e, const json_t *spec, char *err, size_t errlen)
{
    const char *action = json_string_value(json_object_get(spec, "action"));
    const json_t *shard = json_object_get(spec, "shard");
    emu_gw_conn *c, *next;
    int hit = 0;
    if (!action) {
        snprintf(err, errlen, "action is required");
        return -1;
    }
    for (c = e->conns; c; c = next) {
        next = c->next;
        if (json_is_integer(shard) && (!c->sess || c->sess->shard != json_integer_value(shard)))
            continue;
        if (c->close_code)
            continue;
        hit++;
        if (!strcmp(action, "drop")) {
            /* No close frame: the peer just sees the TCP connection go. */
            shutdown(lws_get_socket_fd(c->wsi), SHUT_RDWR);
        } else if (!strcmp(action, "reconnect")) {
            emu_gw_send_op(c, 7, NULL);
            c->close_deadline = emu_now_ms() + 5000;
        } else if (!strcmp(action, "invalid_session")) {
            int resumable = json_is_true(json_object_get(spec, "resumable"));
            emu_gw_send_op(c, 9, json_boolean(resumable));
            if (!resumable && c->sess) {
                emu_gw_session_free(e, c->sess);
                c->identified = 0;
            }
        } else if (!strcmp(action, "stop_ack")) {
            const json_t *on = json_object_get(spec, "on");
            c->stop_ack = on ? json_is_true(on) : 1;
        } else if (!strcmp(action, "heartbeat_request")) {
            emu_gw_send_op(c, 1, NULL);
        } else if (!strcmp(action, "close")) {
            json_int_t code = json_integer_value(json_object_get(spec, "code"));
            emu_gw_close(c, code >= 1000 && code <= 4999 ? (int)code : 4000, "Closed by the emulator.");
        } else {
            snprintf(err, errlen, "unknown action \"%s\"", action);
            return -1;
        }
    }
    return hit;
}

json_t *emu_gw_stats(emu *e)
{
    json_t *sessions = json_array();
    emu_gw_session *s;
    int conns = 0;
    emu_gw_conn *c;
    for (c = e->conns; c; c = c->next)
        conns++;
    for (s = e->sessions; s; s = s->next)
        json_array_append_new(sessions, json_pack("{s:s, s:[ii], s:I, s:I, s:b, s:I}",
                                                  "session_id", s->id, "shard", s->shard, s->num_shards,
                                                  "intents", (json_int_t)s->intents, "seq", s->seq,
                                                  "connected", s->conn != NULL,
                                                  "buffered", (json_int_t)json_array_size(s->events)));
    return json_pack("{s:o, s:i, s:i}", "sessions", sessions, "connections", conns,
                     "identify_remaining", e->identify_remaining);
}

void emu_gw_reset(emu *e)
{
    emu_gw_conn *c;
    for (c = e->conns; c; c = c->next)
        emu_gw_close(c, 4000, "Emulator reset.");
    while (e->sessions)
        emu_gw_session_free(e, e->sessions);
    json_object_clear(e->identify_slots);
}

void emu_gw_free(emu *e)
{
    while (e->sessions)
        emu_gw_session_free(e, e->sessions);
}
