/*
 * libFuzzer target for the gateway framing: arbitrary bytes as websocket
 * fragments of a zlib-stream (or plain) connection.
 *
 * Input: byte 0 picks the mode (bit 0: zlib); then records of
 * [len (1 byte), flags (1 byte: bit 0 final), len bytes].
 */
#include <stddef.h>
#include <stdint.h>

#include "gw/gw_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gw_frame f;
    if (gw_frame_init(&f, data[0] & 1) < 0)
        return 0;
    f.max = 1u << 20;
    size_t i = 1;
    while (i + 2 <= size) {
        size_t len = data[i];
        int final = data[i + 1] & 1;
        i += 2;
        if (len > size - i)
            len = size - i;
        gw_payload p;
        int rc = gw_frame_feed(&f, data + i, len, final, &p);
        i += len;
        if (rc == 1)
            gw_payload_free(&p);
        else if (rc < 0)
            gw_frame_reset(&f);
    }
    gw_frame_free(&f);
    return 0;
}
