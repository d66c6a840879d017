/* bothost: command line. */
#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#include "app/app.h"

static void usage(FILE *to)
{
    fprintf(to,
            "usage: bothost [-c FILE]            run the host\n"
            "       bothost --check -c FILE      validate the config and plugins, connect to "
            "nothing\n"
            "       bothost migrate -c FILE      apply pending database migrations and exit\n"
            "       bothost --version            print the host and plugin ABI versions\n"
            "FILE defaults to /etc/bothost/bothost.ini.\n");
}

int main(int argc, char **argv)
{
    const char *config = "/etc/bothost/bothost.ini";
    int check = 0, migrate = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("bothost %s (plugin ABI %d.%d)\n", BH_VERSION, BH_ABI_MAJOR, BH_ABI_MINOR);
            return 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "-t") == 0) {
            check = 1;
        } else if (strcmp(argv[i], "migrate") == 0) {
            migrate = 1;
        } else if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) &&
                   i + 1 < argc) {
            config = argv[++i];
        } else {
            fprintf(stderr, "bothost: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (check)
        return app_check(config);
    if (migrate)
        return app_migrate(config);
    return app_run(config);
}
