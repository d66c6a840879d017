/*
 * gw_frame: zlib-stream inflate and framing with hand-made deflate data split
 * at odd boundaries, plain text fragments, corrupt and oversized input,
 * payload parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <bothost/abi.h>

#include "gw/gw.h"
#include "gw/gw_frame.h"
#include "tsup.h"

/* One deflate stream, each message ending with a sync flush, as Discord sends. */
typedef struct zout {
    z_stream zs;
    unsigned char *buf;
    size_t len, cap;
} zout;

static void zout_init(zout *z)
{
    memset(z, 0, sizeof *z);
    CHECK(deflateInit(&z->zs, 6) == Z_OK);
}

/* Appends one compressed message; returns its start offset. */
static size_t zout_msg(zout *z, const char *text)
{
    size_t start = z->len;
    z->zs.next_in = (Bytef *)text;
    z->zs.avail_in = (uInt)strlen(text);
    do {
        if (z->cap - z->len < 1024) {
            z->cap = z->cap ? z->cap * 2 : 4096;
            z->buf = realloc(z->buf, z->cap);
            CHECK(z->buf);
        }
        z->zs.next_out = z->buf + z->len;
        z->zs.avail_out = (uInt)(z->cap - z->len);
        CHECK(deflate(&z->zs, Z_SYNC_FLUSH) == Z_OK);
        z->len = z->cap - z->zs.avail_out;
    } while (z->zs.avail_out == 0);
    CHECK(z->len - start >= 4);
    CHECK(memcmp(z->buf + z->len - 4, "\x00\x00\xff\xff", 4) == 0);
    return start;
}

static void zout_free(zout *z)
{
    deflateEnd(&z->zs);
    free(z->buf);
}

static char *big_text(size_t n)
{
    /* A large READY-like payload that does not compress to nothing. */
    char *s = malloc(n + 200);
    CHECK(s);
    size_t len = (size_t)sprintf(s, "{\"op\":0,\"s\":3,\"t\":\"GUILD_CREATE\",\"d\":{\"blob\":\"");
    unsigned x = 12345;
    while (len < n) {
        x = x * 1103515245 + 12345;
        s[len++] = (char)('a' + (x >> 16) % 26);
    }
    strcpy(s + len, "\"}}");
    return s;
}

static void test_zlib_split(void)
{
    char *big = big_text(300000);
    const char *msgs[] = {
        "{\"op\":10,\"d\":{\"heartbeat_interval\":41250},\"s\":null,\"t\":null}",
        "{\"op\":0,\"s\":1,\"t\":\"READY\",\"d\":{\"session_id\":\"abc\",\"v\":10}}",
        "{\"op\":11,\"d\":null}",
        big,
        "{\"op\":0,\"s\":4,\"t\":\"MESSAGE_CREATE\",\"d\":{\"content\":\"h\\u00e9llo\"}}",
    };
    const int nmsg = 5;
    zout z;
    zout_init(&z);
    size_t starts[6];
    for (int i = 0; i < nmsg; i++)
        starts[i] = zout_msg(&z, msgs[i]);
    starts[nmsg] = z.len;

    /* Every chunk size from 1 byte up, including sizes that split the 00 00 ff ff suffix. */
    static const size_t chunks[] = {1, 2, 3, 5, 7, 13, 64, 1000, 4093, 65536, 1 << 20};
    for (size_t ci = 0; ci < sizeof chunks / sizeof chunks[0]; ci++) {
        gw_frame f;
        CHECK(gw_frame_init(&f, 1) == 0);
        int got = 0;
        for (int m = 0; m < nmsg; m++) {
            for (size_t off = starts[m]; off < starts[m + 1];) {
                size_t n = chunks[ci];
                if (off + n > starts[m + 1])
                    n = starts[m + 1] - off;
                int final = off + n == starts[m + 1];
                gw_payload p;
                int rc = gw_frame_feed(&f, z.buf + off, n, final, &p);
                off += n;
                if (!final) {
                    CHECK_EQ_INT(rc, 0);
                    continue;
                }
                CHECK_EQ_INT(rc, 1);
                json_t *want = json_loads(msgs[m], 0, NULL);
                CHECK(want);
                CHECK(json_equal(want, p.root));
                json_decref(want);
                got++;
                gw_payload_free(&p);
            }
        }
        CHECK_EQ_INT(got, nmsg);
        gw_frame_free(&f);
    }

    /* One gateway message spread over two websocket messages: only the suffix ends it. */
    {
        gw_frame f;
        gw_payload p;
        CHECK(gw_frame_init(&f, 1) == 0);
        size_t mid = starts[3] + (starts[4] - starts[3]) / 2;
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf, starts[1], 1, &p), 1);
        CHECK_EQ_INT(p.op, 10);
        CHECK(p.s == -1 && p.t == NULL);
        CHECK_EQ_INT(json_integer_value(json_object_get(p.d, "heartbeat_interval")), 41250);
        gw_payload_free(&p);
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf + starts[1], starts[3] - starts[1], 0, &p), 0);
        /* starts[1]..starts[3] held two messages in one websocket message: not how Discord
         * frames it, and the text would be two JSON documents: refused as corrupt. */
        gw_frame_free(&f);

        CHECK(gw_frame_init(&f, 1) == 0);
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf, starts[1], 1, &p), 1);
        gw_payload_free(&p);
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf + starts[1], starts[2] - starts[1], 1, &p), 1);
        CHECK_EQ_STR(p.t, "READY");
        CHECK_EQ_INT(p.s, 1);
        gw_payload_free(&p);
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf + starts[2], starts[3] - starts[2], 1, &p), 1);
        CHECK_EQ_INT(p.op, 11);
        gw_payload_free(&p);
        /* The big one: its first half is a whole websocket message without the suffix. */
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf + starts[3], mid - starts[3], 1, &p), 0);
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf + mid, starts[4] - mid, 1, &p), 1);
        CHECK_EQ_STR(p.t, "GUILD_CREATE");
        CHECK_EQ_INT(strlen(json_string_value(json_object_get(p.d, "blob"))),
                     strlen(big) - strlen("{\"op\":0,\"s\":3,\"t\":\"GUILD_CREATE\",\"d\":{\"blob\":\"") - 3);
        gw_payload_free(&p);

        /* A lower limit refuses the big one. */
        gw_frame_free(&f);
        CHECK(gw_frame_init(&f, 1) == 0);
        f.max = 100000;
        for (int m = 0; m < 3; m++) {
            CHECK_EQ_INT(gw_frame_feed(&f, z.buf + starts[m], starts[m + 1] - starts[m], 1, &p), 1);
            gw_payload_free(&p);
        }
        CHECK_EQ_INT(gw_frame_feed(&f, z.buf + starts[3], starts[4] - starts[3], 1, &p),
                     BH_ELIMIT);

        /* Reset: a new connection starts a new stream, the old dictionary is gone. */
        CHECK(gw_frame_reset(&f) == 0);
        zout z2;
        zout_init(&z2);
        zout_msg(&z2, msgs[2]);
        CHECK_EQ_INT(gw_frame_feed(&f, z2.buf, z2.len, 1, &p), 1);
        CHECK_EQ_INT(p.op, 11);
        gw_payload_free(&p);
        zout_free(&z2);
        gw_frame_free(&f);
    }

    /* The stream continues across messages: message 2 alone (without 0 and 1) is corrupt
     * or at least not the same text. */
    {
        gw_frame f;
        gw_payload p;
        CHECK(gw_frame_init(&f, 1) == 0);
        int rc = gw_frame_feed(&f, z.buf + starts[4], starts[5] - starts[4], 1, &p);
        CHECK(rc == BH_EINVAL);
        gw_frame_free(&f);
    }

    /* Garbage. */
    {
        gw_frame f;
        gw_payload p;
        CHECK(gw_frame_init(&f, 1) == 0);
        static const unsigned char junk[] = {0x78, 0x9c, 0xff, 0xfe, 0x00, 0x00, 0x00, 0xff, 0xff};
        CHECK_EQ_INT(gw_frame_feed(&f, junk, sizeof junk, 1, &p), BH_EINVAL);
        gw_frame_free(&f);
    }
    zout_free(&z);
    free(big);
}

static void test_text(void)
{
    gw_frame f;
    gw_payload p;
    CHECK(gw_frame_init(&f, 0) == 0);
    const char *t = "{\"op\":0,\"s\":7,\"t\":\"GUILD_CREATE\",\"d\":{\"id\":\"1\"}}";
    size_t n = strlen(t);
    CHECK_EQ_INT(gw_frame_feed(&f, t, 5, 0, &p), 0);
    CHECK_EQ_INT(gw_frame_feed(&f, t + 5, 1, 0, &p), 0);
    CHECK_EQ_INT(gw_frame_feed(&f, t + 6, n - 6, 1, &p), 1);
    CHECK_EQ_INT(p.s, 7);
    CHECK_EQ_STR(p.t, "GUILD_CREATE");
    CHECK_EQ_STR(json_string_value(json_object_get(p.d, "id")), "1");
    gw_payload_free(&p);
    CHECK_EQ_INT(gw_frame_feed(&f, "{\"op\":", 6, 1, &p), BH_EINVAL);
    CHECK_EQ_INT(gw_frame_feed(&f, "", 0, 1, &p), BH_EINVAL);
    gw_frame_free(&f);
}

static void test_parse(void)
{
    gw_payload p;
    CHECK(gw_payload_parse("{\"op\":11}", 9, &p) == 0);
    CHECK(p.op == 11 && p.s == -1 && p.t == NULL && p.d == NULL);
    gw_payload_free(&p);
    const char *bad[] = {"[]", "{\"d\":1}", "{\"op\":\"1\"}", "{\"op\":-1}", "{\"op\":0,\"s\":\"x\"}",
                         "{\"op\":0,\"t\":5}", "{\"op\":0,\"s\":-3}", "null", "{\"op\":1} {}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(gw_payload_parse(bad[i], strlen(bad[i]), &p) == BH_EINVAL && p.root == NULL);
    CHECK(gw_payload_parse("{\"op\":0,\"s\":null,\"t\":null,\"d\":[1]}", 34, &p) == 0);
    CHECK(p.s == -1 && json_is_array(p.d));
    gw_payload_free(&p);
}

int main(void)
{
    test_zlib_split();
    test_text();
    test_parse();
    printf("test_gw_frame: ok\n");
    return 0;
}
