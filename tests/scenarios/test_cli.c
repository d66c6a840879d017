/*
 * The command line an admin uses: --version, --check (valid sample, broken
 * plugin, invalid file), migrate, and that the token never reaches the log.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsup.h"
#include "tsup_host.h"
#include "tsup_pg.h"
#include "tsup_proc.h"

/* Runs bothost with args; returns exit status, stdout+stderr in *out (static). */
static int run(char *const args[], const char **out)
{
    static char buf[16384];
    char cmd[4096];
    size_t pos = (size_t)snprintf(cmd, sizeof cmd, "%s", tsup_bothost_path());
    for (int i = 0; args[i]; i++)
        pos += (size_t)snprintf(cmd + pos, sizeof cmd - pos, " '%s'", args[i]);
    snprintf(cmd + pos, sizeof cmd - pos, " 2>&1");
    FILE *p = popen(cmd, "r");
    CHECK(p);
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    int status = pclose(p);
    fprintf(stderr, "$ %s\n%s", cmd, buf);
    *out = buf;
    return WEXITSTATUS(status);
}

int main(void)
{
    const char *out;
    CHECK_EQ_INT(run((char *[]){"--version", NULL}, &out), 0);
    CHECK(strstr(out, "bothost ") && strstr(out, "(plugin ABI 1.2)"));

    /*
     * The shipped sample is valid as it is, once installed: here its migrations are
     * the source tree's. Uninstalled, the check says the core migrations are missing.
     */
    CHECK_EQ_INT(run((char *[]){"--check", "-c", BH_SOURCE_DIR "/etc/bothost.ini", NULL}, &out), 1);
    CHECK(strstr(out, "/core: No such file or directory"));
    {
        static char sample[16384];
        FILE *f = fopen(BH_SOURCE_DIR "/etc/bothost.ini", "r");
        CHECK(f);
        size_t n = fread(sample, 1, sizeof sample - 1, f);
        fclose(f);
        sample[n] = '\0';
        char *at = strstr(sample, "; migrations = ");
        CHECK(at);
        char *eol = strchr(at, '\n');
        char copy[20000];
        snprintf(copy, sizeof copy, "%.*smigrations = %s/migrations%s", (int)(at - sample), sample,
                 BH_SOURCE_DIR, eol);
        const char *path = tsup_write_file("sample.ini", copy);
        CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)path, NULL}, &out), 0);
        CHECK(strstr(out, "is valid"));
    }

    tsup_host_dirs d;
    tsup_host_dirs_make(&d, "cli");
    tsup_host_install_plugin(&d, "loadtest_a", "loadtest");
    tsup_host_install_plugin(&d, "loadtest_badabi", "other");
    const char *ini = tsup_host_write_ini(&d, "host=/nonexistent", "loadtest", NULL);
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)ini, NULL}, &out), 0);
    CHECK(strstr(out, "plugin loadtest 1.0.a: 1 command(s), 4 handler(s), 3 job kind(s), 0 event(s)"));

    /* A broken plugin fails the check and says why; so does a bad file. */
    ini = tsup_host_write_ini(&d, "host=/nonexistent", "loadtest, other", NULL);
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)ini, NULL}, &out), 1);
    CHECK(strstr(out, "the file declares the plugin 'loadtest', but is enabled as 'other'") ||
          strstr(out, "built for plugin ABI 2.0"));
    CHECK(strstr(out, "configuration test failed"));
    /* Every unknown key of a plugin section, each with its line. */
    ini = tsup_host_write_ini(&d, "host=/nonexistent", "loadtest",
                              "[plugin.loadtest]\nlabel = x\nlable = y\ncolour = z\n");
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)ini, NULL}, &out), 1);
    CHECK(strstr(out, "bothost.ini:21: unknown key 'lable' in [plugin.loadtest]"));
    CHECK(strstr(out, "bothost.ini:22: unknown key 'colour' in [plugin.loadtest]"));
    CHECK(!strstr(out, "unknown key 'label'"));
    const char *bad = tsup_write_file("bad.ini", "[host]\nworkers = many\n");
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)bad, NULL}, &out), 1);
    CHECK(strstr(out, "bad.ini:2: 'workers' must be a whole number"));

    /* Every error of the file, each with its line, including what start-up would refuse. */
    bad = tsup_write_file("bad.ini", "[host\nworkers = 2\n[http]\nlisten = localhost:notaport\n"
                                     "[gateway]\nshards = 2\nshard_ids = 7\n"
                                     "[discord]\napi_base = not a url\n"
                                     "[database]\npool_size = 1\n[plugins]\nenabled = A\n");
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)bad, NULL}, &out), 1);
    CHECK(strstr(out, "bad.ini:1: '[host': a section header ends with ']'"));
    CHECK(strstr(out, "bad.ini:4: 'listen' must be an IP address and a port"));
    CHECK(strstr(out, "bad.ini:7: 'shard_ids' 7-7 is outside shards = 2"));
    CHECK(strstr(out, "bad.ini:9: 'api_base' must be an http:// or https:// URL"));
    CHECK(strstr(out, "bad.ini:11: [database] pool_size = 1 is below [host] workers = 4"));
    CHECK(strstr(out, "bad.ini:13: [plugins] enabled: 'A' is not a valid plugin name"));
    /* Started with it, the host refuses it with every error and exit status 78 (EX_CONFIG). */
    CHECK_EQ_INT(run((char *[]){"-c", (char *)bad, NULL}, &out), 78);
    CHECK(strstr(out, "bad.ini:1: '[host': a section header ends with ']'") &&
          strstr(out, "bad.ini:13: [plugins] enabled: 'A'"));

    /* A plugin's refused keys are named one by one, each with its line and value. */
    tsup_host_install_real_plugin(&d, "raffle");
    tsup_host_install_real_plugin(&d, "rolepanel");
    ini = tsup_host_write_ini(&d, "host=/nonexistent", "raffle, rolepanel",
                              "[plugin.raffle]\ncurrency = EUROSSSSS\nmax_spots = 0\n"
                              "[plugin.rolepanel]\naudit_batch_ms = 5\n");
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)ini, NULL}, &out), 1);
    CHECK(strstr(out, "bothost.ini:20: [plugin.raffle] 'currency' must be at most 8 bytes"));
    CHECK(strstr(out, "not 'EUROSSSSS'"));
    CHECK(strstr(out, "bothost.ini:21: [plugin.raffle] 'max_spots' must be a whole number from 1 "
                      "to 2500, not '0'"));
    CHECK(!strstr(out, "render_delay_ms") && !strstr(out, "min_duration_seconds"));
    CHECK(strstr(out, "bothost.ini:23: [plugin.rolepanel] 'audit_batch_ms' must be a whole number "
                      "from 100 to"));
    CHECK(!strstr(out, "cooldown_ms"));

    /* An enabled plugin without a migrations folder would start with no tables. */
    const char *no_folder = "/routing: No such file or directory (a plugin without migrations "
                            "needs an empty folder)";
    char routing_dir[700];
    snprintf(routing_dir, sizeof routing_dir, "%s/routing", d.migrations);
    CHECK_EQ_INT(unlink(routing_dir), 0);
    tsup_host_install_plugin(&d, "routing", "routing");
    ini = tsup_host_write_ini(&d, "host=/nonexistent", "loadtest, routing", NULL);
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)ini, NULL}, &out), 1);
    CHECK(strstr(out, ": [plugins] migrations: ") && strstr(out, no_folder));

    /* migrate applies core and plugin migrations, then has nothing left to do. */
    char *conninfo = tsup_pg_fresh_db("cli_migrate");
    ini = tsup_host_write_ini(&d, conninfo, "loadtest", NULL);
    CHECK_EQ_INT(run((char *[]){"migrate", "-c", (char *)ini, NULL}, &out), 0);
    CHECK(strstr(out, "core: applied 3 migration(s)") && strstr(out, "loadtest: applied 1"));
    CHECK_EQ_INT(run((char *[]){"migrate", "-c", (char *)ini, NULL}, &out), 0);
    CHECK(strstr(out, "(0 migration(s) applied now)"));

    /* The token never appears, even at debug level. */
    ini = tsup_host_write_ini(&d, conninfo, "loadtest", NULL);
    char *argv[] = {(char *)tsup_bothost_path(), "-c", (char *)ini, NULL};
    char *env[] = {"DISCORD_TOKEN=MTAxNTc.secret-token.value", NULL};
    tsup_proc *host = tsup_proc_start(argv, env);
    /* At info a start-up is one line of the host's: what runs, where, how long it took. */
    const char *ready = tsup_proc_wait_line(host, "msg=\"ready:", 30000);
    CHECK(ready && strstr(ready, "ready: bothost ") &&
          strstr(ready, "; plugins loadtest 1.0.a; 4 worker(s); ") && strstr(ready, " s\""));
    CHECK_EQ_INT(tsup_proc_count(host, "level=info component=host"), 1);
    CHECK_EQ_INT(tsup_proc_count(host, "level=info component=loader"), 0);
    tsup_proc_signal(host, SIGTERM);
    CHECK(tsup_proc_wait_line(host, "msg=\"stopped (", 30000));
    CHECK_EQ_INT(tsup_proc_count(host, "secret-token"), 0);
    CHECK_EQ_INT(tsup_proc_wait(host, 30000), 0);

    /* Start-up and reload refuse it the same way: not loaded, the path named. */
    ini = tsup_host_write_ini(&d, conninfo, "loadtest, routing", NULL);
    char *margv[] = {(char *)tsup_bothost_path(), "-c", (char *)ini, NULL};
    host = tsup_proc_start(margv, NULL);
    CHECK(tsup_proc_wait_line(host, no_folder, 30000));
    CHECK(tsup_proc_wait_line(host, "msg=\"ready:", 30000));
    CHECK_EQ_INT(tsup_proc_count(host, "plugin routing not loaded: "), 1);
    tsup_proc_signal(host, SIGHUP);
    CHECK(tsup_proc_wait_line(host, "msg=\"reload: ", 30000));
    CHECK_EQ_INT(tsup_proc_count(host, "plugin routing not loaded: "), 2);
    tsup_proc_signal(host, SIGTERM);
    CHECK_EQ_INT(tsup_proc_wait(host, 30000), 0);

    /*
     * A reload logs one info line; its warning names the restart-only settings that
     * differ from the running ones, again at the next reload (they still differ), and
     * no more once the file is back.
     */
    char text[4096];
    const char *fmt = "[database]\nurl = %s\npool_size = %d\n[host]\nworkers = %d\n"
                      "state_dir = %s\n[http]\nlisten = %s\n[plugins]\ndir = %s\n"
                      "migrations = %s\nenabled = loadtest\n";
    snprintf(text, sizeof text, fmt, conninfo, 8, 4, d.state, "127.0.0.1:0", d.plugins,
             d.migrations);
    const char *rini = tsup_write_file("reload.ini", text);
    char *rargv[] = {(char *)tsup_bothost_path(), "-c", (char *)rini, NULL};
    host = tsup_proc_start(rargv, NULL);
    CHECK(tsup_proc_wait_line(host, "msg=\"ready:", 30000));
    snprintf(text, sizeof text, fmt, conninfo, 6, 2, d.state, "127.0.0.1:1", d.plugins,
             d.migrations);
    tsup_write_file("reload.ini", text);
    const char *want = "restart bothost to apply: [database] pool_size 8 -> 6, [host] workers "
                       "4 -> 2, [http] listen '127.0.0.1:0' -> '127.0.0.1:1'";
    for (int round = 1; round <= 2; round++) {
        int infos = tsup_proc_count(host, "level=info");
        tsup_proc_signal(host, SIGHUP);
        CHECK(tsup_proc_wait_line(host, want, 30000));
        CHECK(tsup_proc_wait_line(host, "msg=\"reload: ", 30000));
        CHECK_EQ_INT(tsup_proc_count(host, "level=info") - infos, 1);
    }
    snprintf(text, sizeof text, fmt, conninfo, 8, 4, d.state, "127.0.0.1:0", d.plugins,
             d.migrations);
    tsup_write_file("reload.ini", text);
    tsup_proc_signal(host, SIGHUP);
    CHECK(tsup_proc_wait_line(host, "msg=\"reload: ", 30000));
    CHECK_EQ_INT(tsup_proc_count(host, "restart bothost to apply"), 2);
    tsup_proc_signal(host, SIGTERM);
    CHECK_EQ_INT(tsup_proc_wait(host, 30000), 0);
    free(conninfo);
    printf("test_cli: ok\n");
    return 0;
}
