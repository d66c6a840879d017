/*
 * The command line an admin uses: --version, --check (valid sample, broken
 * plugin, invalid file), migrate, and that the token never reaches the log.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

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
    CHECK(strstr(out, "bothost ") && strstr(out, "(plugin ABI 1.0)"));

    /* The shipped sample is valid as it is. */
    CHECK_EQ_INT(run((char *[]){"--check", "-c", BH_SOURCE_DIR "/etc/bothost.ini", NULL}, &out), 0);
    CHECK(strstr(out, "is valid"));

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
    ini = tsup_host_write_ini(&d, "host=/nonexistent", "loadtest", "[plugin.loadtest]\nlabel = x\nlable = y\n");
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)ini, NULL}, &out), 1);
    CHECK(strstr(out, "bothost.ini:21: unknown key 'lable' in [plugin.loadtest]"));
    const char *bad = tsup_write_file("bad.ini", "[host]\nworkers = many\n");
    CHECK_EQ_INT(run((char *[]){"--check", "-c", (char *)bad, NULL}, &out), 1);
    CHECK(strstr(out, "bad.ini:2: 'workers' must be a whole number"));

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
    CHECK(tsup_proc_wait_line(host, "msg=\"ready:", 30000));
    tsup_proc_signal(host, SIGTERM);
    CHECK(tsup_proc_wait_line(host, "msg=\"stopped\"", 30000));
    CHECK_EQ_INT(tsup_proc_count(host, "secret-token"), 0);
    CHECK_EQ_INT(tsup_proc_wait(host, 30000), 0);
    free(conninfo);
    printf("test_cli: ok\n");
    return 0;
}
