/* The INI file: every section, defaults, env overrides, and file:line errors. */
#include <stdlib.h>
#include <string.h>

#include "base/cfg.h"
#include "base/log.h"
#include "tsup.h"

static cfg *load_ok(const char *text)
{
    const char *path = tsup_write_file("ok.ini", text);
    char err[512] = "";
    cfg *c = NULL;
    int rc = cfg_load(path, &c, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "unexpected error: %s\n", err);
    CHECK(rc == 0 && c);
    return c;
}

/* Loads text expecting an error; returns the error after "path:". */
static const char *load_err(const char *text)
{
    static char err[512];
    const char *path = tsup_write_file("bad.ini", text);
    cfg *c = NULL;
    CHECK(cfg_load(path, &c, err, sizeof err) < 0);
    CHECK(c == NULL);
    CHECK(strncmp(err, path, strlen(path)) == 0);
    return err + strlen(path);
}

int main(void)
{
    unsetenv("DISCORD_TOKEN");
    unsetenv("DATABASE_URL");

    cfg *c = load_ok("; a comment\n"
                     "[bot]\nname = testbot\n"
                     "[discord]\ntoken = abc\napi_base = http://127.0.0.1:1/api/v10\n"
                     "dev_guild_id = 123456789012345678\n"
                     "[gateway]\nshards = 4\nshard_ids = 2-3\ncompress = off\n"
                     "[database]\nurl = postgresql:///x\npool_size = 3\n"
                     "[host]\nworkers = 2\nlog_level = debug\nstate_dir = state\n"
                     "[http]\nlisten = 127.0.0.1:9000\n"
                     "[plugins]\ndir = /opt/p\nenabled = raffle, rolepanel,hello\n"
                     "[plugin.raffle]\nmax_spots = 500\ntext = first line\n  second line\n");
    CHECK_EQ_STR(c->bot_name, "testbot");
    CHECK_EQ_STR(c->token, "abc");
    CHECK(c->dev_guild_id == 123456789012345678ull);
    CHECK_EQ_INT(c->shards, 4);
    CHECK_EQ_INT(c->shard_first, 2);
    CHECK_EQ_INT(c->shard_last, 3);
    CHECK_EQ_INT(c->compress, 0);
    CHECK_EQ_INT(c->pool_size, 3);
    CHECK_EQ_INT(c->statement_timeout_ms, 10000); /* default */
    CHECK_EQ_INT(c->workers, 2);
    CHECK_EQ_INT(c->log_level, LOG_DEBUG);
    CHECK_EQ_STR(c->http_listen, "127.0.0.1:9000");
    CHECK_EQ_STR(c->plugin_dir, "/opt/p");
    /* Relative paths are relative to the file's directory. */
    CHECK(strstr(c->state_dir, tsup_tmpdir()) == c->state_dir);
    CHECK_EQ_INT(c->nenabled, 3);
    CHECK_EQ_STR(c->enabled[2], "hello");
    CHECK(cfg_plugin_enabled(c, "rolepanel"));
    CHECK(!cfg_plugin_enabled(c, "nosuch"));
    const cfg_plugin_section *s = cfg_plugin(c, "raffle");
    CHECK(s && s->nkv == 2);
    CHECK_EQ_STR(s->kv[0].value, "500");
    CHECK_EQ_STR(s->kv[1].value, "first line\nsecond line");
    CHECK_EQ_INT(s->kv[1].line, 26);
    cfg_free(c);

    /* Defaults, and the environment over the file. */
    setenv("DISCORD_TOKEN", "from-env", 1);
    setenv("DATABASE_URL", "postgresql:///env", 1);
    c = load_ok("[discord]\ntoken = from-file\n[gateway]\nshards = auto\n");
    CHECK_EQ_STR(c->token, "from-env");
    CHECK_EQ_STR(c->db_url, "postgresql:///env");
    CHECK_EQ_INT(c->shards, 0);
    CHECK_EQ_INT(c->shard_first, -1);
    CHECK_EQ_STR(c->api_base, "https://discord.com/api/v10");
    CHECK_EQ_INT(c->workers, 4);
    CHECK_EQ_INT(c->nenabled, 0);
    cfg_free(c);
    unsetenv("DISCORD_TOKEN");
    unsetenv("DATABASE_URL");

    /* Errors name the line and what is wrong. */
    CHECK_EQ_STR(load_err("[bot]\nname = x\n[nope]\nkey = 1\n"), ":3: unknown section [nope]");
    CHECK_EQ_STR(load_err("[bot]\n[empty_unknown]\n"), ":2: unknown section [empty_unknown]");
    CHECK_EQ_STR(load_err("[host]\n\nworkers = 2\nthreads = 3\n"),
                 ":4: unknown key 'threads' in [host]");
    CHECK_EQ_STR(load_err("[host]\nworkers = lots\n"),
                 ":2: 'workers' must be a whole number from 1 to 256, not 'lots'");
    CHECK_EQ_STR(load_err("[host]\nworkers = 0\n"),
                 ":2: 'workers' must be a whole number from 1 to 256, not '0'");
    CHECK_EQ_STR(load_err("[database]\npool_size =\n"), ":2: missing value for 'pool_size'");
    CHECK_EQ_STR(load_err("[gateway]\nshard_ids = 3-1\n"),
                 ":2: 'shard_ids' must be all, a shard id or a range like 0-3, not '3-1'");
    CHECK_EQ_STR(load_err("[host]\nlog_level = loud\n"),
                 ":2: 'log_level' must be debug, info, warn or error, not 'loud'");
    CHECK_EQ_STR(load_err("[gateway]\ncompress = maybe\n"),
                 ":2: 'compress' must be true or false, not 'maybe'");
    CHECK_EQ_STR(load_err("[host]\nworkers = 2\nworkers = 3\n"),
                 ":3: 'workers' is set twice in [host] (first on line 2)");
    CHECK_EQ_STR(load_err("[plugin.Raffle]\nx = 1\n"),
                 ":1: [plugin.Raffle]: a plugin name is lower case letters, digits and _, "
                 "starting with a letter, at most 32");
    CHECK_EQ_STR(load_err("[bot]\nthis line has no equals sign\n"),
                 ":2: syntax error: expected [section], key = value or a comment");
    CHECK(strstr(load_err("[plugins]\nenabled = raffle, raffle\n"), "listed twice"));
    char longline[400];
    memset(longline, 'a', sizeof longline);
    memcpy(longline, "[bot]\nname = ", 13);
    memcpy(longline + sizeof longline - 2, "\n", 2);
    CHECK(strstr(load_err(longline), ":2: line longer than"));

    /* A UTF-8 byte order mark is not a syntax error. */
    c = load_ok("\xEF\xBB\xBF[bot]\nname = bom\n");
    CHECK_EQ_STR(c->bot_name, "bom");
    cfg_free(c);
    /* A header without its ']' is reported on its own line; its keys are not blamed. */
    CHECK_EQ_STR(load_err("[host\nworkers = 2\n"), ":1: '[host': a section header ends with ']'");
    /* [plugins] enabled errors carry the line of the key. */
    CHECK_EQ_STR(load_err("[bot]\nname = x\n[plugins]\nenabled = ok, Bad\n"),
                 ":4: [plugins] enabled: 'Bad' is not a valid plugin name");
    /* What start-up would refuse later is refused here, with the key's line. */
    CHECK_EQ_STR(load_err("[http]\nlisten = localhost:notaport\n"),
                 ":2: 'listen' must be an IP address and a port (127.0.0.1:9480, [::1]:9480), "
                 "not 'localhost:notaport'");
    CHECK(strstr(load_err("[http]\nlisten = 127.0.0.1:70000\n"), ":2: 'listen' must be"));
    CHECK(strstr(load_err("[http]\nlisten = localhost:9480\n"), ":2: 'listen' must be"));
    c = load_ok("[http]\nlisten = [::1]:0\n");
    cfg_free(c);
    CHECK_EQ_STR(load_err("[gateway]\nshards = 2\nshard_ids = 7\n"),
                 ":3: 'shard_ids' 7-7 is outside shards = 2 (ids 0 to 1)");
    CHECK_EQ_STR(load_err("[discord]\napi_base = not a url\n"),
                 ":2: 'api_base' must be an http:// or https:// URL, not 'not a url'");
    CHECK_EQ_STR(load_err("[database]\npool_size = 2\n[host]\nworkers = 4\n"),
                 ":2: [database] pool_size = 2 is below [host] workers = 4: each worker needs a "
                 "connection");
    CHECK(strstr(load_err("[host]\nworkers = 9\n"), ":2: [database] pool_size = 8 is below"));

    /* Every error of the file is reported, each with its line, in file order. */
    {
        const char *e = load_err("[host\nworkers = 2\n[bot]\nnmae = x\nno equals here\n"
                                 "[nope]\nkey = 1\n[gateway]\ncompress = maybe\n");
        const char *path = tsup_write_file("bad.ini", "");
        char want[2048];
        snprintf(want, sizeof want,
                 ":1: '[host': a section header ends with ']'\n"
                 "%s:4: unknown key 'nmae' in [bot]\n"
                 "%s:5: syntax error: expected [section], key = value or a comment\n"
                 "%s:6: unknown section [nope]\n"
                 "%s:9: 'compress' must be true or false, not 'maybe'",
                 path, path, path, path);
        CHECK_EQ_STR(e, want);
    }

    char err[256];
    CHECK(cfg_load("/nonexistent/bothost.ini", &c, err, sizeof err) < 0);
    CHECK(strstr(err, "cannot open"));
    printf("test_config: ok\n");
    return 0;
}
