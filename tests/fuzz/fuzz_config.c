/*
 * libFuzzer target for the INI file: arbitrary bytes written to a file and
 * read by cfg_load(), which either refuses them with a "file:line: what"
 * message or returns a configuration that cfg_free() releases.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bothost/abi.h>

#include "base/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        /* The environment overrides the file; keep it out of the picture. */
        unsetenv("DISCORD_TOKEN");
        unsetenv("DATABASE_URL");
        /* tmpfs when there is one: a file per run on a disk is slow. */
        snprintf(path, sizeof path, "%s/fuzz_config.%d.ini",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
    cfg *c = NULL;
    char err[512];
    err[0] = '\0';
    int rc = cfg_load(path, &c, err, sizeof err);
    if (rc == 0) {
        if (!c)
            abort();
        for (int i = 0; i < c->nenabled; i++)
            (void)cfg_plugin_enabled(c, c->enabled[i]);
        for (int i = 0; i < c->nplugins; i++)
            (void)cfg_plugin(c, c->plugins[i].name);
        cfg_free(c);
    } else {
        /* A refusal of the file's content always says why. */
        if (c || (rc == BH_EINVAL && !err[0]))
            abort();
    }
    return 0;
}
