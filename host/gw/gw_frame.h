/*
 * Gateway framing: websocket message bytes in, parsed gateway payloads out.
 *
 * Pure (zlib and jansson only, no lws, no loop), so a fuzzer can drive it.
 * With zlib-stream one inflate context lives as long as the connection: a
 * gateway message is complete when a websocket message ends and the
 * compressed bytes so far end with 00 00 ff ff (Z_SYNC_FLUSH); until then the
 * bytes are inflated as they come and the text accumulates.
 */
#ifndef BH_GW_FRAME_H
#define BH_GW_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <zlib.h>

/* The largest inflated gateway message accepted (a big GUILD_CREATE is a few MB). */
#define GW_FRAME_MAX (64u * 1024u * 1024u)

typedef struct gw_frame {
    int zlib;
    int zready;              /* inflateInit() done */
    z_stream zs;
    unsigned char tail[4];   /* the last compressed bytes seen */
    size_t tail_len;
    char *buf;               /* the message text being assembled */
    size_t len, cap;
    size_t max;              /* GW_FRAME_MAX unless a test lowers it */
} gw_frame;

/* One gateway payload: {"op", "d", "s", "t"}. */
typedef struct gw_payload {
    int op;
    int64_t s;       /* -1 when null or absent */
    const char *t;   /* NULL when null or absent; points into root */
    json_t *d;       /* NULL when absent; borrowed from root */
    json_t *root;    /* owned */
} gw_payload;

/* 0, or BH_ENOMEM. `zlib` selects zlib-stream. */
int gw_frame_init(gw_frame *f, int zlib);

/* A new connection: a fresh inflate stream and an empty buffer. */
int gw_frame_reset(gw_frame *f);

void gw_frame_free(gw_frame *f);

/*
 * Feeds the bytes of one websocket fragment; `final` is 1 when the websocket
 * message ends with them. Returns 1 when a payload is complete (`out` filled:
 * release it with gw_payload_free()), 0 when more bytes are needed, BH_EINVAL
 * for corrupt compressed data or JSON that is not a gateway payload, BH_ELIMIT
 * above f->max, BH_ENOMEM. After an error the stream is unusable: the caller
 * drops the connection (and gw_frame_reset()s for the next one).
 */
int gw_frame_feed(gw_frame *f, const void *data, size_t len, int final, gw_payload *out);

/* Parses one payload's JSON text. 0, or BH_EINVAL. */
int gw_payload_parse(const char *text, size_t len, gw_payload *out);

void gw_payload_free(gw_payload *p);

#endif
