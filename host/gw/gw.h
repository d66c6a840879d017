/*
 * The Discord gateway client: gateway v10, JSON, zlib-stream transport
 * compression, several shards per process on the host's libuv loop.
 *
 * Each shard keeps one websocket. It heartbeats at the interval HELLO gives
 * (the first beat after interval * a random fraction), notices a zombie
 * connection (no ACK since the last beat), RESUMEs on resume_gateway_url with
 * the last sequence after a drop, re-IDENTIFYs when the session is gone, and
 * stops loudly on the close codes Discord says must not be retried (4004,
 * 4010-4014). IDENTIFYs go through one queue that honours max_concurrency.
 * Every dispatch reaches on_dispatch() exactly once per sequence number, also
 * across drops and across a graceful restart (gw_stop() saves the sessions,
 * the next gw_start() resumes them).
 *
 * Everything here runs on the loop thread: the functions, and the callbacks.
 */
#ifndef BH_GW_H
#define BH_GW_H

#include <stdint.h>

#include <uv.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "net/net.h"

typedef struct gw gw;

/* Shard states, as on_shard_state() and gw_shard_status() report them. */
enum gw_shard_state {
    GW_SHARD_IDLE = 0,    /* not started, or stopped */
    GW_SHARD_CONNECTING,  /* resolving, connecting, waiting for HELLO */
    GW_SHARD_IDENTIFYING, /* waiting for an identify slot, or for READY */
    GW_SHARD_RESUMING,    /* RESUME sent, waiting for RESUMED */
    GW_SHARD_READY,       /* READY or RESUMED: dispatches flow */
    GW_SHARD_BACKOFF,     /* disconnected, waiting to reconnect */
    GW_SHARD_FAILED,      /* a close code that must not be retried: stopped for good */
};

typedef struct gw_opts {
    /* From GET /gateway/bot: "wss://gateway.discord.gg" (ws:// for the emulator). */
    const char *url;
    /* The bot token, without "Bot ". Never logged. */
    const char *token;
    /* The OR of the intents the loaded plugins require (BH_INTENT_*). */
    uint64_t intents;
    /* Total shard count (Discord's num_shards), from [gateway] shards or GET /gateway/bot. */
    int shards;
    /* The shards this process runs, inclusive; shard_last < 0 means shards - 1. */
    int shard_first;
    int shard_last;
    /* session_start_limit.max_concurrency from GET /gateway/bot (1 when unknown). */
    int max_concurrency;
    /* 1: compress=zlib-stream (the default from gw_opts_init()); 0: plain JSON text. */
    int compress;
    /* IDENTIFY large_threshold (50..250). */
    int large_threshold;
    /* Where gateway-sessions.json lives ([host] state_dir); NULL or "": no persistence. */
    const char *state_dir;
    /* Reconnect backoff: exponential from min to max, with jitter. */
    int reconnect_min_ms;
    int reconnect_max_ms;
    /* Spacing of identifies in one max_concurrency bucket (Discord: 5000). */
    int identify_interval_ms;

    /*
     * A dispatch (op 0), in sequence order, each sequence once. `event_name` is
     * "t" ("READY", "GUILD_CREATE"...), `d` is the parsed "d", borrowed for the
     * call (json_incref() it to keep it).
     */
    void (*on_dispatch)(void *arg, int shard_id, const char *event_name, int64_t seq, json_t *d);
    /* A shard changed state (enum gw_shard_state). */
    void (*on_shard_state)(void *arg, int shard_id, int state);
    void *arg;
} gw_opts;

/* What /health/ready and /metrics show for one shard. */
typedef struct gw_shard_status {
    int shard_id;
    int state;               /* enum gw_shard_state */
    char session_id[128];    /* "" when none */
    int64_t seq;             /* last dispatch sequence handled, 0 when none */
    uint64_t reconnects;     /* connections opened after the first */
    uint64_t identifies;
    uint64_t resumes;        /* RESUMED received */
    uint64_t dispatches;     /* delivered to on_dispatch() */
    uint64_t duplicates;     /* replayed dispatches dropped (seq <= last handled) */
    uint64_t sent;           /* payloads written, heartbeats included */
    int queued;              /* payloads waiting for the send limit (heartbeats excluded) */
    int latency_ms;          /* last heartbeat round trip, -1 before the first ACK */
    int last_close_code;     /* last close code the gateway sent, 0 when none */
} gw_shard_status;

/*
 * The lws protocol of gateway connections. The host puts it in
 * net_opts.client_protocols, so net_create() must come after this is linked in.
 */
extern const struct lws_protocols gw_protocol;

/* Fills `o` with the defaults: compress on, large_threshold 250, all shards, backoff 1-60 s. */
void gw_opts_init(gw_opts *o);

/*
 * Creates the client; nothing connects before gw_start(). The options are
 * copied (strings too). BH_EINVAL when an option is out of range (logged),
 * BH_ENOMEM.
 */
int gw_create(gw **out, uv_loop_t *loop, net *n, const gw_opts *o);

/*
 * Connects every shard: those with a session saved by the last gw_stop()
 * RESUME, the others IDENTIFY through the identify queue. The sessions file is
 * removed once read, so a crash later never replays it. Call once.
 */
int gw_start(gw *g);

/*
 * Graceful stop: saves every shard's session_id, seq and resume_gateway_url
 * to <state_dir>/gateway-sessions.json (temp file + rename, mode 0600),
 * closes the websockets with 4000 so Discord keeps the sessions resumable,
 * closes every handle, and then calls done(arg) on the loop. Dispatches that
 * arrive after this call are not delivered (the next start replays them).
 */
void gw_stop(gw *g, void (*done)(void *arg), void *arg);

/* Frees the client: after gw_stop()'s done, or when gw_start() was never called. */
void gw_destroy(gw *g);

/* 1 when every shard of this process is READY (READY or RESUMED received). */
int gw_ready(gw *g);

/* This process's shard range and the total shard count. */
void gw_shard_range(gw *g, int *first, int *last, int *total);

/* Copies one shard's status; BH_ENOTFOUND when the shard is not ours. */
int gw_shard_status_get(gw *g, int shard_id, gw_shard_status *out);

/* "ready", "backoff"... for logs and /metrics labels. */
const char *gw_shard_state_name(int state);

/*
 * Sends one gateway payload (a JSON object, e.g. a presence update, op 3) on
 * a shard. It is queued behind the shard's send limit (120 per 60 s, with a
 * share kept for heartbeats). BH_ENOTFOUND (not our shard), BH_ESTATE (shard
 * not READY), BH_EINVAL (not a JSON object with an integer "op"), BH_ELIMIT
 * (too much queued already).
 */
int gw_send(gw *g, int shard_id, const char *json);

#endif
