/* Test support: temp files. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tsup.h"

static char tmpdir[PATH_MAX];
static pid_t tmpdir_owner;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void tmpdir_cleanup(void)
{
    /* A forked child exiting must not remove its parent's directory. */
    if (tmpdir[0] && getpid() == tmpdir_owner && !getenv("BH_TEST_KEEP"))
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tsup_tmpdir(void)
{
    if (tmpdir[0])
        return tmpdir;
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    snprintf(tmpdir, sizeof(tmpdir), "%s/bh-test.XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "tsup_tmpdir: mkdtemp %s: %s\n", tmpdir, strerror(errno));
        exit(1);
    }
    /* Readable by others: a private cluster run as `postgres` lives in here. */
    chmod(tmpdir, 0755);
    tmpdir_owner = getpid();
    atexit(tmpdir_cleanup);
    return tmpdir;
}

static void mkdirs_for(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
            fprintf(stderr, "tsup: mkdir %s: %s\n", buf, strerror(errno));
            exit(1);
        }
        *p = '/';
    }
}

const char *tsup_write_file(const char *name, const char *text)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", tsup_tmpdir(), name);
    mkdirs_for(path);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "tsup_write_file: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t n = strlen(text);
    if (fwrite(text, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "tsup_write_file: %s: write failed\n", path);
        exit(1);
    }
    return path;
}
