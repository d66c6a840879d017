#include "base/cfg.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"

enum key_type { K_STR, K_INT, K_BOOL, K_U64, K_LEVEL, K_SHARDS, K_RANGE, K_LIST, K_PATH };

typedef struct key_spec {
    const char *section;
    const char *key;
    int type;
    size_t offset;
    int64_t min, max;
} key_spec;

#define F(field) offsetof(cfg, field)

static const key_spec keys[] = {
    {"bot", "name", K_STR, F(bot_name), 0, 0},
    {"discord", "token", K_STR, F(token), 0, 0},
    {"discord", "api_base", K_STR, F(api_base), 0, 0},
    {"discord", "dev_guild_id", K_U64, F(dev_guild_id), 0, 0},
    {"gateway", "shards", K_SHARDS, F(shards), 1, 65535},
    {"gateway", "shard_ids", K_RANGE, F(shard_first), 0, 65534},
    {"gateway", "compress", K_BOOL, F(compress), 0, 1},
    {"database", "url", K_STR, F(db_url), 0, 0},
    {"database", "pool_size", K_INT, F(pool_size), 1, 256},
    {"database", "statement_timeout_ms", K_INT, F(statement_timeout_ms), 0, 3600000},
    {"database", "acquire_timeout_ms", K_INT, F(acquire_timeout_ms), 1, 600000},
    {"host", "workers", K_INT, F(workers), 1, 256},
    {"host", "log_level", K_LEVEL, F(log_level), 0, 0},
    {"host", "shutdown_timeout_ms", K_INT, F(shutdown_timeout_ms), 0, 600000},
    {"host", "auto_defer_ms", K_INT, F(auto_defer_ms), 100, 2900},
    {"host", "job_poll_ms", K_INT, F(job_poll_ms), 10, 600000},
    {"host", "job_max_attempts", K_INT, F(job_max_attempts), 1, 1000},
    {"host", "job_backoff_ms", K_INT, F(job_backoff_ms), 1, 3600000},
    {"host", "state_dir", K_PATH, F(state_dir), 0, 0},
    {"http", "listen", K_STR, F(http_listen), 0, 0},
    {"plugins", "dir", K_PATH, F(plugin_dir), 0, 0},
    {"plugins", "migrations", K_PATH, F(migrations_dir), 0, 0},
    {"plugins", "enabled", K_LIST, F(enabled), 0, 0},
};

static const char *const sections[] = {"bot", "discord", "gateway", "database", "host", "http",
                                       "plugins"};

#define NKEYS (sizeof keys / sizeof keys[0])

/* What the keys under the current section header belong to. */
enum section_kind {
    SEC_NONE = 0, /* before any header */
    SEC_HOST,     /* one of sections[] */
    SEC_PLUGIN,   /* [plugin.<name>] */
    SEC_BAD,      /* reported already: its keys are skipped */
};

typedef struct parse_state {
    cfg *c;
    FILE *f;
    int line;
    char *dir; /* the INI file's directory, for relative paths */
    char *err;
    size_t errlen, errpos;
    int failed;  /* errors found so far */
    int had_key; /* a key was set since the last header: an indented line continues it */
    char section[80];
    int section_kind;
    int *key_line; /* c->key_line: where each key was set, 0 = not set */
} parse_state;

_Static_assert(NKEYS <= sizeof(((cfg *)0)->key_line) / sizeof(int), "cfg.key_line is too short");

/* Records one error; every error of the file is kept, one per line of err. */
static void vfail_at(parse_state *ps, int line, const char *fmt, va_list ap)
{
    ps->failed++;
    if (ps->errpos + 1 >= ps->errlen)
        return;
    char *at = ps->err + ps->errpos;
    size_t room = ps->errlen - ps->errpos;
    int n = line > 0 ? snprintf(at, room, "%s%s:%d: ", ps->errpos ? "\n" : "", ps->c->path, line)
                     : snprintf(at, room, "%s%s: ", ps->errpos ? "\n" : "", ps->c->path);
    if (n < 0 || (size_t)n >= room) {
        at[0] = '\0';
        ps->errpos = ps->errlen;
        return;
    }
    int m = vsnprintf(at + n, room - (size_t)n, fmt, ap);
    ps->errpos += (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (ps->errpos >= ps->errlen)
        ps->errpos = ps->errlen;
}

static void fail_at(parse_state *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_at(parse_state *ps, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(ps, line, fmt, ap);
    va_end(ap);
}

/* An error on the line being read; 0, for returning from a setter. */
static int fail(parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse_state *ps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(ps, ps->line, fmt, ap);
    va_end(ap);
    return 0;
}

int cfg_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return BH_EINVAL;
}

int cfg_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!*s)
        return BH_EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return BH_EINVAL;
    *out = v;
    return 0;
}

static char *resolve_path(const parse_state *ps, const char *value)
{
    if (value[0] == '/' || !ps->dir)
        return strdup(value);
    size_t n = strlen(ps->dir) + strlen(value) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", ps->dir, value);
    return p;
}

/* Splits "a, b,c" into a NULL-terminated array; 0 or BH_EINVAL for a bad name. */
static int parse_list(const char *value, char ***out, int *count)
{
    char *copy = strdup(value);
    if (!copy)
        return BH_ENOMEM;
    char **list = NULL;
    int n = 0, rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        char **grown = realloc(list, sizeof *list * (size_t)(n + 2));
        if (!grown) {
            rc = BH_ENOMEM;
            break;
        }
        list = grown;
        list[n++] = strdup(tok);
        list[n] = NULL;
    }
    free(copy);
    *out = list;
    *count = n;
    return rc;
}

static void free_list(char **list)
{
    for (char **p = list; p && *p; p++)
        free(*p);
    free(list);
}

static int set_key(parse_state *ps, const key_spec *k, const char *value)
{
    void *field = (char *)ps->c + k->offset;
    int64_t v;
    switch (k->type) {
    case K_STR:
    case K_PATH: {
        if (k->type == K_PATH && !*value)
            return fail(ps, "missing value for '%s'", k->key);
        char *s = k->type == K_PATH && *value ? resolve_path(ps, value) : strdup(value);
        if (!s)
            return fail(ps, "out of memory");
        free(*(char **)field);
        *(char **)field = s;
        return 1;
    }
    case K_INT:
        if (!*value)
            return fail(ps, "missing value for '%s'", k->key);
        if (cfg_parse_int(value, k->min, k->max, &v) < 0)
            return fail(ps, "'%s' must be a whole number from %lld to %lld, not '%s'", k->key,
                        (long long)k->min, (long long)k->max, value);
        *(int *)field = (int)v;
        return 1;
    case K_BOOL:
        if (cfg_parse_bool(value, (int *)field) < 0)
            return fail(ps, "'%s' must be true or false, not '%s'", k->key, value);
        return 1;
    case K_U64: {
        if (!*value) {
            *(uint64_t *)field = 0;
            return 1;
        }
        char *end;
        errno = 0;
        unsigned long long u = strtoull(value, &end, 10);
        if (errno || *end || !isdigit((unsigned char)value[0]))
            return fail(ps, "'%s' must be a Discord id (digits), not '%s'", k->key, value);
        *(uint64_t *)field = u;
        return 1;
    }
    case K_LEVEL: {
        int level = log_level_parse(value);
        if (level < 0)
            return fail(ps, "'%s' must be debug, info, warn or error, not '%s'", k->key, value);
        *(int *)field = level;
        return 1;
    }
    case K_SHARDS:
        if (strcmp(value, "auto") == 0) {
            *(int *)field = 0;
            return 1;
        }
        if (cfg_parse_int(value, k->min, k->max, &v) < 0)
            return fail(ps, "'%s' must be auto or a number of shards from 1 to %lld, not '%s'",
                        k->key, (long long)k->max, value);
        *(int *)field = (int)v;
        return 1;
    case K_RANGE: {
        int64_t lo, hi;
        char buf[64];
        snprintf(buf, sizeof buf, "%s", value);
        char *dash = strchr(buf, '-');
        if (dash)
            *dash = '\0';
        if (!*value || strcmp(value, "all") == 0) {
            ps->c->shard_first = ps->c->shard_last = -1;
            return 1;
        }
        if (cfg_parse_int(buf, 0, k->max, &lo) < 0 ||
            cfg_parse_int(dash ? dash + 1 : buf, 0, k->max, &hi) < 0 || hi < lo)
            return fail(ps, "'%s' must be all, a shard id or a range like 0-3, not '%s'", k->key,
                        value);
        ps->c->shard_first = (int)lo;
        ps->c->shard_last = (int)hi;
        return 1;
    }
    case K_LIST: {
        char **list;
        int n;
        if (parse_list(value, &list, &n) < 0)
            return fail(ps, "out of memory");
        free_list(ps->c->enabled);
        ps->c->enabled = list;
        ps->c->nenabled = n;
        return 1;
    }
    }
    return fail(ps, "internal: unknown key type");
}

int cfg_plugin_name_valid(const char *s)
{
    if (!s || !islower((unsigned char)s[0]) || strcmp(s, "core") == 0 ||
        strcmp(s, "bothost") == 0 || strcmp(s, "public") == 0)
        return 0;
    size_t n = 0;
    for (; s[n]; n++)
        if (!islower((unsigned char)s[n]) && !isdigit((unsigned char)s[n]) && s[n] != '_')
            return 0;
    return n <= 32;
}

static cfg_plugin_section *plugin_section(cfg *c, const char *name)
{
    for (int i = 0; i < c->nplugins; i++)
        if (strcmp(c->plugins[i].name, name) == 0)
            return &c->plugins[i];
    return NULL;
}

static int on_section(parse_state *ps, const char *section)
{
    snprintf(ps->section, sizeof ps->section, "%s", section);
    ps->section_kind = SEC_BAD;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (strcmp(section, sections[i]) == 0)
            return ps->section_kind = SEC_HOST;
    if (strncmp(section, "plugin.", 7) == 0) {
        const char *name = section + 7;
        if (!cfg_plugin_name_valid(name))
            return fail(ps, "[%s]: a plugin name is lower case letters, digits and _, "
                            "starting with a letter, at most 32",
                        section);
        ps->section_kind = SEC_PLUGIN;
        if (plugin_section(ps->c, name))
            return 1;
        cfg_plugin_section *grown =
            realloc(ps->c->plugins, sizeof *grown * (size_t)(ps->c->nplugins + 1));
        if (!grown)
            return fail(ps, "out of memory");
        ps->c->plugins = grown;
        grown[ps->c->nplugins++] = (cfg_plugin_section){.name = strdup(name), .line = ps->line};
        return 1;
    }
    return fail(ps, "unknown section [%s]", section);
}

static int on_plugin_key(parse_state *ps, const char *key, const char *value)
{
    cfg_plugin_section *s = plugin_section(ps->c, ps->section + 7);
    for (int i = 0; i < s->nkv; i++) {
        if (strcmp(s->kv[i].key, key) == 0) {
            /* A continuation line (leading whitespace) of a long value. */
            size_t n = strlen(s->kv[i].value) + strlen(value) + 2;
            char *joined = malloc(n);
            if (!joined)
                return fail(ps, "out of memory");
            snprintf(joined, n, "%s\n%s", s->kv[i].value, value);
            free(s->kv[i].value);
            s->kv[i].value = joined;
            return 1;
        }
    }
    cfg_kv *grown = realloc(s->kv, sizeof *grown * (size_t)(s->nkv + 1));
    if (!grown)
        return fail(ps, "out of memory");
    s->kv = grown;
    grown[s->nkv++] = (cfg_kv){.key = strdup(key), .value = strdup(value), .line = ps->line};
    return 1;
}

/* inih's callback: always 1, so that it goes on and every error of the file is reported. */
static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    parse_state *ps = user;
    if (ps->section_kind == SEC_BAD)
        return 1;
    if (ps->section_kind == SEC_NONE) {
        fail(ps, "'%s' is outside any [section]", key);
        return 1;
    }
    if (ps->section_kind == SEC_PLUGIN) {
        on_plugin_key(ps, key, value);
        return 1;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0) {
            if (ps->key_line[i] && keys[i].type != K_STR) {
                fail(ps, "'%s' is set twice in [%s] (first on line %d)", key, section,
                     ps->key_line[i]);
                return 1;
            }
            ps->key_line[i] = ps->line;
            set_key(ps, &keys[i], value);
            return 1;
        }
    }
    fail(ps, "unknown key '%s' in [%s]", key, section);
    return 1;
}

/*
 * Reads one line for inih, counting lines. The shape of each line is checked
 * here, where its number is known: inih reports only its first syntax error and
 * files the keys under a broken header into the previous section.
 */
static char *read_line(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    if (!fgets(str, num, ps->f))
        return NULL;
    ps->line++;
    size_t n = strlen(str);
    if (n > 0 && str[n - 1] != '\n' && !feof(ps->f)) {
        int ch;
        while ((ch = fgetc(ps->f)) != EOF && ch != '\n')
            ;
        fail(ps, "line longer than %d characters: split a long value over indented "
                 "continuation lines",
             num - 2);
        snprintf(str, (size_t)num, ";\n"); /* inih skips it as a comment */
        return str;
    }
    const char *p = str;
    if (ps->line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* inih skips a UTF-8 byte order mark */
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '\n' || *p == '\r' || *p == ';' || *p == '#')
        return str;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        ps->had_key = 0;
        if (!end) {
            size_t len = strcspn(p, "\r\n");
            fail(ps, "'%.*s': a section header ends with ']'", (int)(len > 80 ? 80 : len), p);
            ps->section_kind = SEC_BAD;
            snprintf(str, (size_t)num, ";\n");
            return str;
        }
        char name[80];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        on_section(ps, name);
        return str;
    }
    if (p > str && ps->had_key)
        return str; /* a continuation line */
    if (!strpbrk(p, "=:")) {
        fail(ps, "syntax error: expected [section], key = value or a comment");
        snprintf(str, (size_t)num, ";\n");
        return str;
    }
    ps->had_key = 1;
    return str;
}

/* "1.2.3.4:port" or "[::1]:port", an address (lws cannot listen on a name) and a port. */
static int listen_valid(const char *s)
{
    char host[64];
    const char *colon;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host)
            return 0;
        snprintf(host, sizeof host, "%.*s", (int)(close - s - 1), s + 1);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host)
            return 0;
        snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    }
    unsigned char addr[16];
    int64_t port;
    return (inet_pton(AF_INET, host, addr) == 1 || (s[0] == '[' && inet_pton(AF_INET6, host, addr) == 1)) &&
           cfg_parse_int(colon + 1, 0, 65535, &port) == 0;
}

/* "http(s)://host[:port][/path]" with no spaces. */
static int http_url_valid(const char *s)
{
    const char *host = strncmp(s, "https://", 8) == 0  ? s + 8
                       : strncmp(s, "http://", 7) == 0 ? s + 7
                                                       : NULL;
    if (!host || !*host || *host == '/' || *host == ':')
        return 0;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
            return 0;
    return 1;
}

int cfg_line(const cfg *c, const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0)
            return c->key_line[i];
    return 0;
}

static int key_line(const parse_state *ps, const char *section, const char *key)
{
    return cfg_line(ps->c, section, key);
}

/* What each key allows alone is checked as it is read; here, what keys must agree on. */
static void check_whole(parse_state *ps)
{
    cfg *c = ps->c;
    int line = key_line(ps, "plugins", "enabled");
    for (int i = 0; i < c->nenabled; i++) {
        if (!cfg_plugin_name_valid(c->enabled[i]))
            fail_at(ps, line, "[plugins] enabled: '%s' is not a valid plugin name", c->enabled[i]);
        for (int j = 0; j < i; j++)
            if (strcmp(c->enabled[i], c->enabled[j]) == 0)
                fail_at(ps, line, "[plugins] enabled: '%s' is listed twice", c->enabled[i]);
    }
    if (c->http_listen[0] && !listen_valid(c->http_listen))
        fail_at(ps, key_line(ps, "http", "listen"),
                "'listen' must be an IP address and a port (127.0.0.1:9480, [::1]:9480), not '%s'",
                c->http_listen);
    if (!http_url_valid(c->api_base))
        fail_at(ps, key_line(ps, "discord", "api_base"),
                "'api_base' must be an http:// or https:// URL, not '%s'", c->api_base);
    if (c->shards > 0 && c->shard_first >= 0 && c->shard_last >= c->shards)
        fail_at(ps, key_line(ps, "gateway", "shard_ids"),
                "'shard_ids' %d-%d is outside shards = %d (ids 0 to %d)", c->shard_first,
                c->shard_last, c->shards, c->shards - 1);
    if (c->pool_size < c->workers) {
        int pl = key_line(ps, "database", "pool_size");
        fail_at(ps, pl ? pl : key_line(ps, "host", "workers"),
                "[database] pool_size = %d is below [host] workers = %d: each worker needs a "
                "connection",
                c->pool_size, c->workers);
    }
}

static void set_defaults(cfg *c)
{
    c->bot_name = strdup("bothost");
    c->api_base = strdup("https://discord.com/api/v10");
    c->shard_first = c->shard_last = -1;
    c->compress = 1;
    c->pool_size = 8;
    c->statement_timeout_ms = 10000;
    c->acquire_timeout_ms = 5000;
    c->workers = 4;
    c->log_level = LOG_INFO;
    c->shutdown_timeout_ms = 10000;
    c->auto_defer_ms = 2000;
    c->job_poll_ms = 1000;
    c->job_max_attempts = 5;
    c->job_backoff_ms = 1000;
    c->state_dir = strdup("/var/lib/bothost");
    c->http_listen = strdup("");
    c->plugin_dir = strdup(BH_DEFAULT_PREFIX "/lib/bothost/plugins");
    c->migrations_dir = strdup(BH_DEFAULT_PREFIX "/share/bothost/migrations");
}

static void override_from_env(cfg *c, const char *var, char **field)
{
    const char *v = getenv(var);
    if (v && *v) {
        free(*field);
        *field = strdup(v);
    }
}

int cfg_load(const char *path, cfg **out, char *err, size_t errlen)
{
    *out = NULL;
    cfg *c = calloc(1, sizeof *c);
    if (!c)
        return BH_ENOMEM;
    c->path = strdup(path);
    set_defaults(c);

    if (errlen)
        err[0] = '\0';
    parse_state ps = {.c = c, .err = err, .errlen = errlen, .key_line = c->key_line};
    ps.f = fopen(path, "r");
    if (!ps.f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        cfg_free(c);
        return BH_ENOTFOUND;
    }
    const char *slash = strrchr(path, '/');
    if (slash)
        ps.dir = strndup(path, (size_t)(slash - path));

    int rc = ini_parse_stream(read_line, &ps, on_entry, &ps);
    fclose(ps.f);
    free(ps.dir);
    if (rc != 0 && !ps.failed)
        fail_at(&ps, rc > 0 ? rc : ps.line,
                "syntax error: expected [section], key = value or a comment");
    check_whole(&ps);
    if (ps.failed) {
        cfg_free(c);
        return BH_EINVAL;
    }
    override_from_env(c, "DISCORD_TOKEN", &c->token);
    override_from_env(c, "DATABASE_URL", &c->db_url);
    log_add_secret(c->token);
    *out = c;
    return 0;
}

const cfg_plugin_section *cfg_plugin(const cfg *c, const char *name)
{
    return plugin_section((cfg *)c, name);
}

int cfg_plugin_enabled(const cfg *c, const char *name)
{
    for (int i = 0; i < c->nenabled; i++)
        if (strcmp(c->enabled[i], name) == 0)
            return 1;
    return 0;
}

void cfg_free(cfg *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].type == K_STR || keys[i].type == K_PATH)
            free(*(char **)((char *)c + keys[i].offset));
    }
    free_list(c->enabled);
    for (int i = 0; i < c->nplugins; i++) {
        for (int j = 0; j < c->plugins[i].nkv; j++) {
            free(c->plugins[i].kv[j].key);
            free(c->plugins[i].kv[j].value);
        }
        free(c->plugins[i].kv);
        free(c->plugins[i].name);
    }
    free(c->plugins);
    free(c->path);
    free(c);
}
