/* Opening a plugin generation: a private copy, dlopen, and the descriptor checks. */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cfg.h"
#include "base/log.h"
#include "plug/plug_internal.h"

/*
 * dlopen() of a path already loaded returns the old handle even after the file
 * was rebuilt, so each generation loads its own copy under a unique name.
 */
static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, errlen, "cannot open %s: %s", from, strerror(errno));
        return BH_ENOTFOUND;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        snprintf(err, errlen, "cannot create %s: %s", to, strerror(errno));
        close(in);
        return BH_EINVAL;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                snprintf(err, errlen, "cannot write %s: %s", to, strerror(errno));
                rc = BH_EINVAL;
                goto done;
            }
            off += w;
        }
    }
    if (n < 0) {
        snprintf(err, errlen, "cannot read %s: %s", from, strerror(errno));
        rc = BH_EINVAL;
    }
done:
    close(in);
    if (close(out) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", to, strerror(errno));
        rc = BH_EINVAL;
    }
    return rc;
}

static int check_descriptor(const bh_host *g, const bh_plugin *d, char *err, size_t errlen)
{
    if (d->abi_major != BH_ABI_MAJOR) {
        snprintf(err, errlen,
                 "built for plugin ABI %u.%u, this host speaks ABI %d.%d: rebuild it against "
                 "this host's SDK",
                 d->abi_major, d->abi_minor, BH_ABI_MAJOR, BH_ABI_MINOR);
        return BH_EINVAL;
    }
    /*
     * Any minor of the same major loads: an older plugin finds every slot it knows
     * (the table only grows at its end), a newer one finds the table's size and its
     * wrappers answer BH_ENOSYS for what this host lacks.
     */
    if (d->abi_minor > BH_ABI_MINOR)
        log_fields(LOG_INFO, "loader", NULL,
                   "plugin %s is built for plugin ABI %u.%u, this host has %d.%d: what it "
                   "calls past %d.%d is answered BH_ENOSYS",
                   g->name, d->abi_major, d->abi_minor, BH_ABI_MAJOR, BH_ABI_MINOR, BH_ABI_MAJOR,
                   BH_ABI_MINOR);
    if (d->size < offsetof(bh_plugin, api_slot) + sizeof d->api_slot || !d->api_slot) {
        snprintf(err, errlen, "descriptor too small (%u bytes): not built with BH_PLUGIN()",
                 d->size);
        return BH_EINVAL;
    }
    if (!cfg_plugin_name_valid(d->name)) {
        snprintf(err, errlen,
                 "malformed plugin name '%s': lower case letters, digits and _, starting with a "
                 "letter, at most 32, not core, bothost or public",
                 d->name ? d->name : "(null)");
        return BH_EINVAL;
    }
    if (strcmp(d->name, g->name) != 0) {
        snprintf(err, errlen, "the file declares the plugin '%s', but is enabled as '%s'",
                 d->name, g->name);
        return BH_EINVAL;
    }
    if (!d->load) {
        snprintf(err, errlen, "the descriptor has no load()");
        return BH_EINVAL;
    }
    return 0;
}

int plug_gen_open(plug_mgr *m, bh_host *g, char *err, size_t errlen)
{
    if (stat(g->path, &g->st) != 0) {
        snprintf(err, errlen, "%s: %s", g->path, strerror(errno));
        return BH_ENOTFOUND;
    }
    size_t n = strlen(m->copy_dir) + strlen(g->name) + 64;
    g->copy_path = malloc(n);
    if (!g->copy_path)
        return BH_ENOMEM;
    snprintf(g->copy_path, n, "%s/%s.%ld.g%llu.so", m->copy_dir, g->name, (long)getpid(),
             (unsigned long long)g->id);
    int rc = copy_file(g->path, g->copy_path, err, errlen);
    if (rc < 0)
        goto fail;

    g->dl = dlopen(g->copy_path, RTLD_NOW | RTLD_LOCAL);
    if (!g->dl) {
        snprintf(err, errlen, "dlopen: %s", dlerror());
        rc = BH_EINVAL;
        goto fail;
    }
    const bh_plugin *d = dlsym(g->dl, BH_PLUGIN_SYMBOL);
    if (!d) {
        snprintf(err, errlen, "no '%s' symbol: not a bothost plugin (use BH_PLUGIN())",
                 BH_PLUGIN_SYMBOL);
        rc = BH_EINVAL;
        goto fail;
    }
    rc = check_descriptor(g, d, err, errlen);
    if (rc < 0)
        goto fail;
    g->desc = d;
    *d->api_slot = &plug_api_table;
    g->version = strdup(d->version ? d->version : "");
    return 0;

fail:
    plug_gen_close(g);
    return rc;
}

void plug_gen_close(bh_host *g)
{
    if (g->dl) {
        dlclose(g->dl);
        g->dl = NULL;
        /* A plugin that cannot unload (GNU unique symbols, threads) stays mapped: say so. */
        void *still = dlopen(g->copy_path, RTLD_NOW | RTLD_NOLOAD);
        if (still) {
            dlclose(still);
            log_fields(LOG_WARN, "loader", NULL,
                       "plugin %s generation %llu is still mapped after dlclose (GNU unique "
                       "symbols or threads?): its memory stays in use",
                       g->name, (unsigned long long)g->id);
        }
    }
    if (g->copy_path) {
        unlink(g->copy_path);
        free(g->copy_path);
        g->copy_path = NULL;
    }
    g->desc = NULL;
}
