/* The three things bothost does: run, check a configuration, apply migrations. */
#ifndef BH_APP_H
#define BH_APP_H

/* Each returns the process exit status. */
int app_run(const char *config_path);
int app_check(const char *config_path);
int app_migrate(const char *config_path);

#endif
