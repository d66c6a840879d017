/*
 * Gateway internals shared by the gw_*.c files. Not for the rest of the host.
 *
 * Ownership: a gw owns its shards; a shard owns its uv timers and points at its
 * current connection. A connection (gw_conn) lives as long as its lws wsi: when
 * a shard gives a connection up (zombie, op 7, stop) it is orphaned
 * (conn->sh = NULL), closes on its own and is freed from the lws callback,
 * while the shard already opens the next one.
 */
#ifndef BH_GW_INTERNAL_H
#define BH_GW_INTERNAL_H

#include <stdint.h>
#include <sys/queue.h>

#include "gw/gw.h"
#include "gw/gw_frame.h"

#define GW_SEND_LIMIT 120          /* gateway sends per window per connection */
#define GW_SEND_WINDOW_MS 60000
#define GW_QUEUE_MAX 1000          /* queued non-heartbeat sends per connection */
#define GW_CLOSE_RESUMABLE 4000    /* a close that keeps the session resumable */
#define GW_SESSIONS_FILE "gateway-sessions.json"

typedef struct gw_shard gw_shard;
typedef struct gw_conn gw_conn;

typedef struct gw_out {
    STAILQ_ENTRY(gw_out) next;
    size_t len;
    int heartbeat;
    unsigned char buf[]; /* LWS_PRE bytes, then the payload */
} gw_out;

struct gw_conn {
    gw *g;
    gw_shard *sh; /* NULL once orphaned */
    struct lws *wsi;
    gw_frame frame;
    STAILQ_HEAD(, gw_out) queue; /* heartbeats first, then the rest in order */
    int queued;              /* non-heartbeat entries */
    uint64_t sent[GW_SEND_LIMIT]; /* send times (ms), a ring */
    int sent_pos, sent_n;
    int reserve;             /* sends kept for heartbeats */
    int close_code;          /* close with this on the next writeable */
    int peer_close_code;
    int hello;
    int established;
    int connecting;          /* inside lws_client_connect_via_info() */
    int finished;            /* the wsi is gone */
};

/* What retry_timer does when it fires. */
enum gw_retry { GW_RETRY_NONE = 0, GW_RETRY_CONNECT, GW_RETRY_IDENTIFY };

struct gw_shard {
    gw *g;
    int id;
    int state;
    gw_conn *conn;
    uv_timer_t hb_timer;
    uv_timer_t retry_timer;
    uv_timer_t send_timer;
    int retry;               /* enum gw_retry */
    net_lookup lookup;
    char url[600];           /* the URL being connected to */

    /* Session. */
    char session_id[128];
    char resume_url[512];
    int64_t seq;

    /* Heartbeat. */
    int hb_interval_ms;
    int hb_acked;
    uint64_t hb_sent_ms;
    int latency_ms;

    /* Identify queue. */
    int iq_waiting;
    TAILQ_ENTRY(gw_shard) iq_link;

    /* Counters. */
    int failures;            /* connections in a row that reached no READY/RESUMED */
    int connected_once;
    uint64_t reconnects, identifies, resumes, dispatches, duplicates, sent;
    int last_close_code;
};

/* The identify queue (gw_identify.c). */
typedef struct gw_idq {
    uv_timer_t timer;
    int nbuckets;
    uint64_t *last;          /* per rate_limit_key: when its last identify went out (ms) */
    int interval_ms;
    TAILQ_HEAD(, gw_shard) waiting;
    void (*grant)(gw_shard *sh);
} gw_idq;

struct gw {
    uv_loop_t *loop;
    net *n;
    gw_opts o;
    char *url, *token, *state_dir;
    int nshards;
    gw_shard *shards; /* o.shard_first .. o.shard_last */
    gw_idq idq;
    uint64_t rng;
    int started, stopping, handles_open;
    int pending;             /* handles, connections and lookups still to finish */
    void (*stop_done)(void *arg);
    void *stop_arg;
};

/* gw.c */
double gw__random(gw *g);   /* uniform in [0, 1) */
void gw__shard_set_state(gw_shard *sh, int state);
void gw__shard_connect(gw_shard *sh);
/* Gives the current connection up (closing it with `code`) and reconnects. */
void gw__shard_reconnect(gw_shard *sh, int code);
/* The current connection closed; `code` is the peer's close code, 0 for none. */
void gw__shard_closed(gw_shard *sh, int code);
void gw__shard_clear_session(gw_shard *sh);
void gw__pending_done(gw *g);
void gw__retry_cb(uv_timer_t *t);

/* gw_conn.c */
int gw__conn_open(gw_shard *sh, const char *address);
/* Queues a payload; heartbeats go first and may use the reserved share. */
int gw__conn_send(gw_conn *c, const char *text, size_t len, int heartbeat);
/* Closes with `code` (after what is queued is dropped) and orphans the connection. */
void gw__conn_close(gw_conn *c, int code);
void gw__conn_writable(gw_conn *c);

/* gw_proto.c */
void gw__proto_handle(gw_conn *c, gw_payload *p);
void gw__proto_identify(gw_shard *sh);

/* gw_heartbeat.c */
void gw__hb_start(gw_shard *sh, int interval_ms);
void gw__hb_stop(gw_shard *sh);
void gw__hb_ack(gw_shard *sh);
void gw__hb_send(gw_shard *sh);

/* gw_identify.c */
int gw__idq_init(gw_idq *q, uv_loop_t *loop, int max_concurrency, int interval_ms,
                 void (*grant)(gw_shard *sh));
void gw__idq_push(gw_idq *q, gw_shard *sh);
void gw__idq_remove(gw_idq *q, gw_shard *sh);
void gw__idq_close(gw_idq *q, uv_close_cb cb);
void gw__idq_free(gw_idq *q);

/* gw_session.c */
int gw__session_save(gw *g);
int gw__session_load(gw *g);

#endif
