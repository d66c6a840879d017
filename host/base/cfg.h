/*
 * Configuration: one INI file, validated whole. Errors read "file:line: what".
 * DISCORD_TOKEN and DATABASE_URL from the environment override the file.
 */
#ifndef BH_CONFIG_H
#define BH_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* One key of a [plugin.<name>] section: checked by the plugin, not by us. */
typedef struct cfg_kv {
    char *key;
    char *value;
    int line;
} cfg_kv;

typedef struct cfg_plugin_section {
    char *name;
    int line;
    cfg_kv *kv;
    int nkv;
} cfg_plugin_section;

typedef struct cfg {
    char *path;

    char *bot_name;              /* [bot] name */

    char *token;                 /* [discord] token, or DISCORD_TOKEN */
    char *api_base;              /* [discord] api_base */
    uint64_t dev_guild_id;       /* [discord] dev_guild_id: register commands there */

    int shards;                  /* [gateway] shards: 0 = auto */
    int shard_first, shard_last; /* [gateway] shard_ids: -1 = all */
    int compress;                /* [gateway] compress (zlib-stream) */

    char *db_url;                /* [database] url, or DATABASE_URL */
    int pool_size;
    int statement_timeout_ms;
    int acquire_timeout_ms;

    int workers;                 /* [host] */
    int log_level;
    int shutdown_timeout_ms;
    int auto_defer_ms;
    int job_poll_ms;
    int job_max_attempts;
    int job_backoff_ms;
    char *state_dir;

    char *http_listen;           /* [http] listen: empty = off */

    char *plugin_dir;            /* [plugins] dir */
    char *migrations_dir;        /* [plugins] migrations */
    char **enabled;              /* [plugins] enabled */
    int nenabled;

    cfg_plugin_section *plugins; /* every [plugin.<name>] section */
    int nplugins;

    int key_line[40];            /* where each host key was set, for cfg_line() */
} cfg;

/*
 * Loads and validates `path`. On error returns a negative BH_* and fills err
 * with every error found, one "file:line: what" per line ('\n'-separated).
 */
int cfg_load(const char *path, cfg **out, char *err, size_t errlen);
void cfg_free(cfg *c);

/* The line where [section] key was set, or 0 (a default). */
int cfg_line(const cfg *c, const char *section, const char *key);

/* The [plugin.<name>] section, or NULL. */
const cfg_plugin_section *cfg_plugin(const cfg *c, const char *name);

/* Whether the plugin named is in [plugins] enabled. */
int cfg_plugin_enabled(const cfg *c, const char *name);

/*
 * Whether `s` is a usable plugin name: [a-z][a-z0-9_]{0,31}, and not a name the
 * host keeps for itself ("core" owns its migrations, "bothost" and "public" are schemas).
 */
int cfg_plugin_name_valid(const char *s);

/* Parses "2", "on"/"off", "yes"/"no", "true"/"false" the way the file does. */
int cfg_parse_bool(const char *s, int *out);
int cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
