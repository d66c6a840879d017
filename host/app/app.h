/* The three things bothost does: run, check a configuration, apply migrations. */
#ifndef BH_APP_H
#define BH_APP_H

/*
 * The process's exit statuses (README.md lists them for admins). Those that
 * no restart can fix are in bothost.service's RestartPreventExitStatus=.
 */
enum app_exit {
    APP_EXIT_OK = 0,
    APP_EXIT_FAILURE = 1,   /* start-up failed (database layout, plugins folder, ...) */
    APP_EXIT_SOFTWARE = 70, /* stopped with calls still running after shutdown_timeout_ms */
    APP_EXIT_TOKEN = 77,    /* Discord refused the token: 401/403 at start, close 4004 */
    APP_EXIT_CONFIG = 78,   /* the configuration file was refused */
    APP_EXIT_INTENTS = 80,  /* the gateway refused the intents: close 4013, 4014 */
    APP_EXIT_SHARDS = 81,   /* the gateway refused the shard: close 4010, 4011 */
    APP_EXIT_GATEWAY = 82,  /* the gateway refused the session for another reason (4012) */
};

/* Each returns the process exit status. */
int app_run(const char *config_path);
int app_check(const char *config_path);
int app_migrate(const char *config_path);

#endif
