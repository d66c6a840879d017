#include "gw/gw_frame.h"

#include "gw/gw_json.h"

#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

static const unsigned char zlib_suffix[4] = {0x00, 0x00, 0xff, 0xff};

int gw_frame_init(gw_frame *f, int zlib)
{
    memset(f, 0, sizeof *f);
    f->zlib = zlib;
    f->max = GW_FRAME_MAX;
    return gw_frame_reset(f);
}

int gw_frame_reset(gw_frame *f)
{
    f->len = 0;
    f->tail_len = 0;
    if (!f->zlib)
        return 0;
    if (f->zready) {
        /* inflateReset keeps the window allocation but forgets the dictionary. */
        return inflateReset(&f->zs) == Z_OK ? 0 : BH_ENOMEM;
    }
    memset(&f->zs, 0, sizeof f->zs);
    if (inflateInit(&f->zs) != Z_OK)
        return BH_ENOMEM;
    f->zready = 1;
    return 0;
}

void gw_frame_free(gw_frame *f)
{
    if (f->zready)
        inflateEnd(&f->zs);
    free(f->buf);
    memset(f, 0, sizeof *f);
}

static int frame_reserve(gw_frame *f, size_t need)
{
    if (need > f->max + 1)
        return BH_ELIMIT;
    if (need <= f->cap)
        return 0;
    size_t cap = f->cap ? f->cap : 4096;
    while (cap < need)
        cap *= 2;
    if (cap > f->max + 1)
        cap = f->max + 1;
    char *nb = realloc(f->buf, cap);
    if (!nb)
        return BH_ENOMEM;
    f->buf = nb;
    f->cap = cap;
    return 0;
}

static void frame_track_tail(gw_frame *f, const unsigned char *p, size_t len)
{
    if (len >= 4) {
        memcpy(f->tail, p + len - 4, 4);
        f->tail_len = 4;
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (f->tail_len == 4) {
            memmove(f->tail, f->tail + 1, 3);
            f->tail_len = 3;
        }
        f->tail[f->tail_len++] = p[i];
    }
}

static int frame_inflate(gw_frame *f, const unsigned char *p, size_t len)
{
    f->zs.next_in = (Bytef *)p;
    f->zs.avail_in = (uInt)len;
    for (;;) {
        /* Keep 16 KiB free, never more than the limit allows. */
        size_t want = f->len + 16384;
        if (want > f->max + 1)
            want = f->max + 1;
        if (want <= f->len)
            return BH_ELIMIT;
        int rc = frame_reserve(f, want);
        if (rc < 0)
            return rc;
        f->zs.next_out = (Bytef *)f->buf + f->len;
        f->zs.avail_out = (uInt)(f->cap - f->len);
        int zr = inflate(&f->zs, Z_SYNC_FLUSH);
        f->len = f->cap - f->zs.avail_out;
        if (f->len > f->max)
            return BH_ELIMIT;
        if (zr == Z_STREAM_END)
            /* Discord never ends the stream: bytes after the end are corrupt. */
            return f->zs.avail_in > 0 ? BH_EINVAL : 0;
        if (zr == Z_BUF_ERROR)
            return 0; /* no progress possible: everything given was used */
        if (zr != Z_OK)
            return zr == Z_MEM_ERROR ? BH_ENOMEM : BH_EINVAL;
        /* A full output buffer may hide more pending output: go round again. */
        if (f->zs.avail_in == 0 && f->zs.avail_out > 0)
            return 0;
    }
}

int gw_frame_feed(gw_frame *f, const void *data, size_t len, int final, gw_payload *out)
{
    int rc;
    if (f->zlib) {
        /* Large inputs go through in slices so avail_in (uInt) never overflows. */
        const unsigned char *p = data;
        size_t left = len;
        while (left > 0) {
            size_t n = left > (1u << 30) ? (1u << 30) : left;
            if ((rc = frame_inflate(f, p, n)) < 0)
                return rc;
            p += n;
            left -= n;
        }
        frame_track_tail(f, data, len);
        if (!final || f->tail_len < 4 || memcmp(f->tail, zlib_suffix, 4) != 0)
            return 0;
    } else {
        if ((rc = frame_reserve(f, f->len + len + 1)) < 0)
            return rc;
        if (len)
            memcpy(f->buf + f->len, data, len);
        f->len += len;
        if (!final)
            return 0;
    }
    size_t n = f->len;
    f->len = 0;
    f->tail_len = 0;
    if (n == 0)
        return BH_EINVAL;
    return gw_payload_parse(f->buf, n, out) < 0 ? BH_EINVAL : 1;
}

int gw_payload_parse(const char *text, size_t len, gw_payload *out)
{
    memset(out, 0, sizeof *out);
    out->s = -1;
    json_t *root = gw_json_parse(text, len);
    if (!json_is_object(root))
        goto fail;
    json_t *op = json_object_get(root, "op");
    if (!json_is_integer(op) || json_integer_value(op) < 0 || json_integer_value(op) > 255)
        goto fail;
    json_t *s = json_object_get(root, "s");
    if (s && !json_is_null(s)) {
        if (!json_is_integer(s) || json_integer_value(s) < 0)
            goto fail;
        out->s = json_integer_value(s);
    }
    json_t *t = json_object_get(root, "t");
    if (t && !json_is_null(t)) {
        if (!json_is_string(t))
            goto fail;
        out->t = json_string_value(t);
    }
    out->op = (int)json_integer_value(op);
    out->d = json_object_get(root, "d");
    out->root = root;
    return 0;
fail:
    json_decref(root);
    memset(out, 0, sizeof *out);
    out->s = -1;
    return BH_EINVAL;
}

void gw_payload_free(gw_payload *p)
{
    json_decref(p->root);
    p->root = NULL;
    p->d = NULL;
    p->t = NULL;
}
