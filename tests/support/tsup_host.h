/*
 * Test support for running bothost: a private plugin and migrations layout, an
 * INI file for it, and installing a plugin build by rename as an admin would.
 */
#ifndef BH_TSUP_HOST_H
#define BH_TSUP_HOST_H

typedef struct tsup_host_dirs {
    char root[512];        /* under the test's temp dir */
    char plugins[600];     /* [plugins] dir */
    char migrations[600];  /* [plugins] migrations: core + the test plugins' folders */
    char state[600];       /* [host] state_dir */
    /*
     * [host] log_level of the INI files written for these dirs; NULL (what
     * tsup_host_dirs_make leaves) is info, or debug when BH_TEST_LOG_DIR keeps
     * the logs for the secret scan. A test that waits on debug lines sets "debug".
     */
    const char *log_level;
} tsup_host_dirs;

/* Makes <tmp>/<name>/ with plugins, state, and migrations linking every folder of migrations/ and of the test plugins'. */
void tsup_host_dirs_make(tsup_host_dirs *d, const char *name);

/* Copies build/tests/plugins/<build>.so to <plugins>/<as>.so through a temporary name and rename(). */
void tsup_host_install_plugin(const tsup_host_dirs *d, const char *build, const char *as);

/* Installs build/plugins/<name>.so (a real plugin, e.g. "raffle") the same way. */
void tsup_host_install_real_plugin(const tsup_host_dirs *d, const char *name);

/*
 * Writes <root>/bothost.ini with the dirs, database, enabled plugins and `extra`
 * (more INI text, may be NULL); returns its path (static buffer per call site use).
 * The Discord side points nowhere (no token is given).
 */
const char *tsup_host_write_ini(const tsup_host_dirs *d, const char *db_conninfo,
                                const char *enabled, const char *extra);

/* The same against a Discord API base (bothost-emu's "<url>/api/v10"), with [http] listen. */
const char *tsup_host_write_ini_discord(const tsup_host_dirs *d, const char *db_conninfo,
                                        const char *enabled, const char *api_base,
                                        const char *http_listen, const char *extra);

/*
 * The [http] port in a line that says "health and metrics on http://HOST:PORT"
 * (the host's ready line, or the listener's debug line before it); -1 if none.
 */
int tsup_host_http_port(const char *line);

#endif
