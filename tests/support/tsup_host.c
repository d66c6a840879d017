#define _GNU_SOURCE
#include "tsup_host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tsup.h"

static void mkdir_ok(const char *path)
{
    CHECK(mkdir(path, 0755) == 0 || errno == EEXIST);
}

/* Links every folder of `from` into `to` under its own name. */
static void link_each(const char *from, const char *to)
{
    DIR *dir = opendir(from);
    CHECK(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char target[1024], link[1024];
        snprintf(target, sizeof target, "%s/%s", from, e->d_name);
        snprintf(link, sizeof link, "%s/%s", to, e->d_name);
        CHECK(symlink(target, link) == 0 || errno == EEXIST);
    }
    closedir(dir);
}

void tsup_host_dirs_make(tsup_host_dirs *d, const char *name)
{
    d->log_level = NULL;
    snprintf(d->root, sizeof d->root, "%s/%s", tsup_tmpdir(), name);
    snprintf(d->plugins, sizeof d->plugins, "%s/plugins", d->root);
    snprintf(d->migrations, sizeof d->migrations, "%s/migrations", d->root);
    snprintf(d->state, sizeof d->state, "%s/state", d->root);
    mkdir_ok(d->root);
    mkdir_ok(d->plugins);
    mkdir_ok(d->migrations);
    mkdir_ok(d->state);

    /* The project's migrations (core and every real plugin), then the test plugins'. */
    link_each(BH_SOURCE_DIR "/migrations", d->migrations);
    link_each(BH_SOURCE_DIR "/tests/plugins/migrations", d->migrations);
}

static void install(const tsup_host_dirs *d, const char *from, const char *as);

void tsup_host_install_plugin(const tsup_host_dirs *d, const char *build, const char *as)
{
    char from[1024];
    snprintf(from, sizeof from, "%s/tests/plugins/%s.so", BH_BINARY_DIR, build);
    install(d, from, as);
}

void tsup_host_install_real_plugin(const tsup_host_dirs *d, const char *name)
{
    char from[1024];
    snprintf(from, sizeof from, "%s/%s.so", BH_PLUGIN_DIR, name);
    install(d, from, name);
}

static void install(const tsup_host_dirs *d, const char *from, const char *as)
{
    char tmp[1024], to[1024];
    snprintf(tmp, sizeof tmp, "%s/.%s.so.tmp", d->plugins, as);
    snprintf(to, sizeof to, "%s/%s.so", d->plugins, as);
    int in = open(from, O_RDONLY);
    CHECK(in >= 0);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        CHECK(write(out, buf, (size_t)n) == n);
    close(in);
    CHECK(close(out) == 0);
    /* Installing by rename: overwriting a loaded .so in place would crash its users. */
    CHECK(rename(tmp, to) == 0);
}

const char *tsup_host_write_ini(const tsup_host_dirs *d, const char *db_conninfo,
                                const char *enabled, const char *extra)
{
    return tsup_host_write_ini_discord(d, db_conninfo, enabled, "http://127.0.0.1:9/api/v10", "",
                                       extra);
}

const char *tsup_host_write_ini_discord(const tsup_host_dirs *d, const char *db_conninfo,
                                        const char *enabled, const char *api_base,
                                        const char *http_listen, const char *extra)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/bothost.ini", d->root);
    FILE *f = fopen(path, "w");
    CHECK(f);
    /* Kept logs (tsup_proc.c) are at debug, so the secret scan sees every REST line. */
    const char *level = d->log_level          ? d->log_level
                        : getenv("BH_TEST_LOG_DIR") ? "debug"
                                                    : "info";
    fprintf(f,
            "[discord]\napi_base = %s\n"
            "[database]\nurl = %s\npool_size = 8\n"
            "[host]\nworkers = 4\nlog_level = %s\nstate_dir = %s\nshutdown_timeout_ms = 5000\n"
            "job_poll_ms = 200\njob_backoff_ms = 50\n"
            "[http]\nlisten = %s\n"
            "[plugins]\ndir = %s\nmigrations = %s\nenabled = %s\n%s",
            api_base, db_conninfo, level, d->state, http_listen, d->plugins, d->migrations, enabled,
            extra ? extra : "");
    CHECK(fclose(f) == 0);
    return path;
}

int tsup_host_http_port(const char *line)
{
    static const char needle[] = "health and metrics on http://";
    const char *p = line ? strstr(line, needle) : NULL;
    if (!p)
        return -1;
    p += sizeof needle - 1;
    /* The port follows the last ':' of the address ("127.0.0.1:9480", "[::1]:9480"). */
    size_t n = strcspn(p, " ;\"/");
    const char *colon = NULL;
    for (const char *q = p; q < p + n; q++)
        if (*q == ':')
            colon = q;
    if (!colon)
        return -1;
    int port = atoi(colon + 1);
    return port > 0 ? port : -1;
}
