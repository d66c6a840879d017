/* bothost --check and bothost migrate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "base/cfg.h"
#include "base/log.h"
#include "db/db.h"
#include "plug/plug.h"

static void remove_dir(const char *dir)
{
    if (rmdir(dir) != 0)
        log_msg(LOG_DEBUG, "check", "could not remove %s", dir);
}

/*
 * The core migrations folder must exist: db_migrate() takes a missing folder
 * for "no migrations". A plugin's folder is checked where it is loaded
 * (plug_mgr_apply(), below), the same way as at start-up and reload.
 */
static int check_migrations_dir(const cfg *c, const char *owner)
{
    char dir[4096], err[1024];
    snprintf(dir, sizeof dir, "%s/%s", c->migrations_dir, owner);
    struct stat st;
    int line = cfg_line(c, "plugins", "migrations");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char where[4200];
        if (line)
            snprintf(where, sizeof where, "%s:%d", c->path, line);
        else
            snprintf(where, sizeof where, "%s", c->path);
        fprintf(stderr,
                "%s: [plugins] migrations: %s: %s (a plugin without migrations needs an empty "
                "folder)\n",
                where, dir, stat(dir, &st) != 0 ? strerror(errno) : "not a folder");
        return -1;
    }
    if (db_migrate_check(owner, dir, err, sizeof err) < 0) {
        fprintf(stderr, "%s migrations: %s\n", owner, err);
        return -1;
    }
    return 0;
}

int app_check(const char *config_path)
{
    char err[8192];
    cfg *c;
    log_set_level(LOG_WARN);
    if (cfg_load(config_path, &c, err, sizeof err) < 0) {
        fprintf(stderr, "%s\nbothost: configuration test failed\n", err);
        return 1;
    }
    int bad = check_migrations_dir(c, "core") < 0;
    for (int i = 0; i < c->nplugins; i++)
        if (!cfg_plugin_enabled(c, c->plugins[i].name))
            fprintf(stderr, "%s:%d: note: [plugin.%s] is set but the plugin is not enabled\n",
                    c->path, c->plugins[i].line, c->plugins[i].name);
    if (!c->db_url || !*c->db_url)
        fprintf(stderr, "%s: note: no [database] url: DATABASE_URL must be set at run time\n",
                c->path);
    if ((!c->token || !*c->token) && strstr(c->api_base, "discord.com"))
        fprintf(stderr, "%s: note: no [discord] token: DISCORD_TOKEN must be set at run time\n",
                c->path);

    char tmp[] = "/tmp/bothost-check.XXXXXX";
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "bothost: cannot create a temporary directory\n");
        cfg_free(c);
        return 1;
    }
    plug_mgr *m = NULL;
    plug_mgr_opts po = {.db = NULL, .copy_dir = tmp};
    int nplug = 0;
    plug_info info[64];
    if (plug_mgr_create(&m, &po) < 0) {
        bad = 1;
    } else {
        plug_apply_report r;
        log_set_level(LOG_ERROR);
        if (plug_mgr_apply(m, c, 1, &r) > 0)
            bad = 1;
        nplug = plug_live_info(m, info, 64);
        for (int i = 0; i < nplug && i < 64; i++)
            printf("plugin %s %s: %d command(s), %d handler(s), %d job kind(s), %d event(s)\n",
                   info[i].name, info[i].version, info[i].commands, info[i].handlers,
                   info[i].jobs, info[i].events);
        plug_mgr_destroy(m);
    }
    remove_dir(tmp);
    if (bad) {
        fprintf(stderr, "bothost: configuration test failed\n");
    } else {
        printf("bothost: configuration %s is valid, %d plugin(s) load\n", config_path, nplug);
    }
    cfg_free(c);
    log_clear_secrets();
    return bad;
}

int app_migrate(const char *config_path)
{
    char err[8192];
    cfg *c;
    if (cfg_load(config_path, &c, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    log_set_level(c->log_level);
    if (!c->db_url || !*c->db_url) {
        fprintf(stderr, "%s: no database: set [database] url or DATABASE_URL\n", c->path);
        cfg_free(c);
        return 1;
    }
    db_pool *db;
    if (db_pool_create(&db, c->db_url, 1, c->statement_timeout_ms) < 0) {
        cfg_free(c);
        return 1;
    }
    int rc = 0, total = 0;
    for (int i = -1; i < c->nenabled && rc == 0; i++) {
        const char *owner = i < 0 ? "core" : c->enabled[i];
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", c->migrations_dir, owner);
        int applied = 0;
        if (db_migrate(db, owner, dir, &applied, err, sizeof err) < 0) {
            fprintf(stderr, "%s migrations: %s\n", owner, err);
            rc = 1;
        }
        total += applied;
        if (applied)
            printf("%s: applied %d migration(s)\n", owner, applied);
    }
    if (rc == 0)
        printf("bothost: database is up to date (%d migration(s) applied now)\n", total);
    db_pool_destroy(db);
    cfg_free(c);
    log_clear_secrets();
    return rc;
}
