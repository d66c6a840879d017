/* A growing byte buffer: the HTTP body and the gateway's frames are read in pieces. */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

int emu_buf_append(char **buf, size_t *len, const void *in, size_t n)
{
    char *nb = realloc(*buf, *len + n + 1);
    if (!nb)
        return -1;
    memcpy(nb + *len, in, n);
    *buf = nb;
    *len += n;
    nb[*len] = '\0';
    return 0;
}
