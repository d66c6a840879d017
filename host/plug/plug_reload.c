/* The plugin manager: staging generations, swapping them in, retiring the old ones. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "base/log.h"
#include "plug/plug_internal.h"

static int mkdir_p(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* Removes private copies left by a host that died (its pid no longer runs). */
static void remove_stale_copies(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strchr(e->d_name, '.');
        long pid = dot ? strtol(dot + 1, NULL, 10) : 0;
        if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

int plug_mgr_create(plug_mgr **out, const plug_mgr_opts *opts)
{
    if (mkdir_p(opts->copy_dir) != 0) {
        log_msg(LOG_ERROR, "loader", "cannot create %s: %s", opts->copy_dir, strerror(errno));
        return BH_EINVAL;
    }
    plug_mgr *m = calloc(1, sizeof *m);
    if (!m)
        return BH_ENOMEM;
    pthread_mutex_init(&m->lock, NULL);
    m->db = opts->db;
    m->copy_dir = strdup(opts->copy_dir);
    m->next_id = 1;
    remove_stale_copies(m->copy_dir);
    *out = m;
    return 0;
}

void plug_gen_free(bh_host *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->nroutes; i++)
        free(g->routes[i].key);
    free(g->routes);
    json_decref(g->commands);
    for (int i = 0; i < g->ncfg; i++) {
        free(g->cfg[i].key);
        free(g->cfg[i].value);
    }
    free(g->cfg);
    free(g->cfg_file);
    free(g->cfg_fingerprint);
    free(g->name);
    free(g->version);
    free(g->path);
    free(g);
}

void plug_mgr_set_job_nudge(plug_mgr *m, void (*fn)(void *arg), void *arg)
{
    m->job_nudge = fn;
    m->job_nudge_arg = arg;
}

static void retire(plug_mgr *m, bh_host *g)
{
    g->state = GEN_RETIRED;
    g->next_retired = m->retired;
    m->retired = g;
}

void plug_mgr_destroy(plug_mgr *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    bh_host **live = m->live;
    int n = m->nlive;
    m->live = NULL;
    m->nlive = 0;
    for (int i = 0; i < n; i++)
        retire(m, live[i]);
    pthread_mutex_unlock(&m->lock);
    for (int i = 0; i < n; i++)
        plug_gen_unref(live[i]);
    free(live);
    if (m->retired)
        log_msg(LOG_WARN, "loader", "plugin generations still busy at shutdown: left loaded");
    pthread_mutex_destroy(&m->lock);
    free(m->copy_dir);
    free(m);
}

static char *fingerprint(const char *path, const cfg_plugin_section *s)
{
    size_t n = strlen(path) + 2;
    for (int i = 0; s && i < s->nkv; i++)
        n += strlen(s->kv[i].key) + strlen(s->kv[i].value) + 3;
    char *fp = malloc(n);
    if (!fp)
        return NULL;
    size_t pos = (size_t)snprintf(fp, n, "%s\n", path);
    for (int i = 0; s && i < s->nkv; i++)
        pos += (size_t)snprintf(fp + pos, n - pos, "%s=%s\n", s->kv[i].key, s->kv[i].value);
    return fp;
}

static bh_host *gen_new(plug_mgr *m, const cfg *c, const char *name)
{
    bh_host *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->mgr = m;
    g->name = strdup(name);
    size_t n = strlen(c->plugin_dir) + strlen(name) + 5;
    g->path = malloc(n);
    if (g->path)
        snprintf(g->path, n, "%s/%s.so", c->plugin_dir, name);
    g->commands = json_array();
    g->cfg_file = strdup(c->path);
    const cfg_plugin_section *s = cfg_plugin(c, name);
    if (s && s->nkv) {
        g->cfg = calloc((size_t)s->nkv, sizeof *g->cfg);
        for (int i = 0; g->cfg && i < s->nkv; i++) {
            g->cfg[i] = (plug_cfg_value){.key = strdup(s->kv[i].key),
                                         .value = strdup(s->kv[i].value),
                                         .line = s->kv[i].line};
            g->ncfg++;
        }
    }
    g->cfg_fingerprint = g->path ? fingerprint(g->path, s) : NULL;
    if (!g->name || !g->path || !g->commands || !g->cfg_file || !g->cfg_fingerprint ||
        (s && s->nkv && !g->cfg)) {
        plug_gen_free(g);
        return NULL;
    }
    return g;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static bh_host *find_live(plug_mgr *m, const char *name)
{
    for (int i = 0; i < m->nlive; i++)
        if (strcmp(m->live[i]->name, name) == 0)
            return m->live[i];
    return NULL;
}

static const char *command_name(json_t *def)
{
    return json_string_value(json_object_get(def, "name"));
}

/* A command of g that another plugin (kept live, or staged before it) already has. */
static const char *command_clash(plug_mgr *m, const cfg *c, bh_host *g, bh_host **staged,
                                 int nstaged, const char **owner)
{
    size_t i;
    json_t *def;
    json_array_foreach(g->commands, i, def)
    {
        const char *name = command_name(def);
        for (int k = 0; k < m->nlive; k++) {
            bh_host *other = m->live[k];
            if (strcmp(other->name, g->name) == 0 || !cfg_plugin_enabled(c, other->name))
                continue;
            int replaced = 0;
            for (int s = 0; s < nstaged; s++)
                replaced |= strcmp(staged[s]->name, other->name) == 0;
            size_t j;
            json_t *o;
            json_array_foreach(replaced ? NULL : other->commands, j, o)
            {
                if (strcmp(command_name(o), name) == 0)
                    return *owner = other->name, name;
            }
        }
        for (int s = 0; s < nstaged; s++) {
            size_t j;
            json_t *o;
            json_array_foreach(staged[s]->commands, j, o)
            {
                if (strcmp(command_name(o), name) == 0)
                    return *owner = staged[s]->name, name;
            }
        }
    }
    return NULL;
}

/*
 * The migrations folder of g. It must exist, even empty: db_migrate() takes a
 * missing one for "no migrations", and the plugin would run without its tables.
 */
static int migrations_dir(const cfg *c, bh_host *g, char *dir, size_t len)
{
    snprintf(dir, len, "%s/%s", c->migrations_dir, g->name);
    struct stat st;
    int found = stat(dir, &st) == 0;
    if (found && S_ISDIR(st.st_mode))
        return 0;
    const char *why = found ? "not a folder" : strerror(errno);
    int line = cfg_line(c, "plugins", "migrations");
    char where[64] = "";
    if (line)
        snprintf(where, sizeof where, ":%d", line);
    snprintf(g->err, sizeof g->err,
             "%s%s: [plugins] migrations: %.1500s: %s (a plugin without migrations needs an empty "
             "folder)",
             c->path, where, dir, why);
    return -1;
}

/* Every key of [plugin.<name>] that load() did not read, each with its line; returns how many. */
static int unknown_keys(bh_host *g)
{
    int n = 0;
    size_t pos = 0;
    for (int i = 0; i < g->ncfg; i++) {
        if (g->cfg[i].used)
            continue;
        if (pos < sizeof g->err)
            pos += (size_t)snprintf(g->err + pos, sizeof g->err - pos,
                                    "%s%s:%d: unknown key '%s' in [plugin.%s]", n ? "; " : "",
                                    g->cfg_file, g->cfg[i].line, g->cfg[i].key, g->name);
        n++;
    }
    return n;
}

/*
 * Opens, migrates and loads g, adding the migrations it applied to *migrations
 * (they stay applied even if load() then fails); on failure g->err says why and
 * g is closed.
 */
static int stage(plug_mgr *m, const cfg *c, bh_host *g, bh_host **staged, int nstaged,
                 int *migrations)
{
    int rc = plug_gen_open(m, g, g->err, sizeof g->err);
    if (rc < 0)
        return rc;

    char dir[4096];
    if (migrations_dir(c, g, dir, sizeof dir) < 0) {
        rc = BH_EINVAL;
        goto fail;
    }
    int applied = 0;
    rc = m->db ? db_migrate(m->db, g->name, dir, &applied, g->err, sizeof g->err)
               : db_migrate_check(g->name, dir, g->err, sizeof g->err);
    *migrations += applied;
    if (rc < 0)
        goto fail;
    if (applied > 0)
        log_fields(LOG_DEBUG, "loader", NULL, "plugin %s: applied %d migration(s)", g->name,
                   applied);

    g->in_load = 1;
    bh_ctx *outer = plug_ctx_current();
    plug_ctx_set_current(NULL);
    rc = g->desc->load(g);
    plug_ctx_set_current(outer);
    g->in_load = 0;
    if (rc < 0) {
        if (!g->err[0])
            snprintf(g->err, sizeof g->err, "load() failed: %s", bh_strerror(rc));
        goto fail_loaded;
    }
    if (g->err[0]) {
        /* load() went on after a config error: the admin still has to fix it. */
        rc = BH_EINVAL;
        goto fail_loaded;
    }
    if (unknown_keys(g) > 0) {
        rc = BH_EINVAL;
        goto fail_loaded;
    }
    const char *owner = NULL;
    const char *clash = command_clash(m, c, g, staged, nstaged, &owner);
    if (clash) {
        snprintf(g->err, sizeof g->err, "command /%s is already registered by plugin %s", clash,
                 owner);
        rc = BH_EEXIST;
        goto fail_loaded;
    }
    return 0;

fail_loaded:
    if (g->desc->unload)
        g->desc->unload(g);
fail:
    plug_gen_close(g);
    return rc < 0 ? rc : BH_EINVAL;
}

/* The summary keeps the start of each reason; the whole of it is logged on its own line. */
static void report_add(plug_apply_report *r, const char *what, const char *name, const char *why)
{
    size_t pos = strlen(r->summary);
    if (pos + 2 >= sizeof r->summary)
        return;
    if (why)
        snprintf(r->summary + pos, sizeof r->summary - pos, "%s%s=%s(%.400s)", pos ? " " : "", what,
                 name, why);
    else
        snprintf(r->summary + pos, sizeof r->summary - pos, "%s%s=%s", pos ? " " : "", what, name);
}

int plug_mgr_apply(plug_mgr *m, const cfg *c, int force, plug_apply_report *report)
{
    plug_apply_report local;
    plug_apply_report *r = report ? report : &local;
    memset(r, 0, sizeof *r);
    uint64_t t0 = uv_hrtime();

    bh_host **staged = calloc((size_t)c->nenabled + 1, sizeof *staged);
    int *was_live = calloc((size_t)c->nenabled + 1, sizeof *was_live);
    int nstaged = 0;
    if (!staged || !was_live) {
        free(staged);
        free(was_live);
        return BH_ENOMEM;
    }

    /* The live set only changes in this function, which runs one at a time. */
    for (int i = 0; i < c->nenabled; i++) {
        const char *name = c->enabled[i];
        bh_host *live = find_live(m, name);
        bh_host *g = gen_new(m, c, name);
        if (!g) {
            r->failed++;
            report_add(r, "failed", name, "out of memory");
            continue;
        }
        struct stat st;
        if (live && !force && strcmp(live->cfg_fingerprint, g->cfg_fingerprint) == 0 &&
            stat(g->path, &st) == 0 && same_file(&st, &live->st)) {
            plug_gen_free(g);
            r->kept++;
            continue;
        }
        g->id = m->next_id++;
        if (stage(m, c, g, staged, nstaged, &r->migrations) < 0) {
            log_fields(LOG_ERROR, "loader", NULL, "plugin %s not %s: %s%s", name,
                       live ? "reloaded" : "loaded", g->err,
                       live ? " (the running generation keeps serving)" : "");
            r->failed++;
            report_add(r, "failed", name, g->err);
            plug_gen_free(g);
            continue;
        }
        was_live[nstaged] = live != NULL;
        staged[nstaged++] = g;
    }

    /* Each live generation is replaced or unloaded at most once. */
    bh_host **gone = calloc((size_t)m->nlive + 1, sizeof *gone);
    int ngone = 0;
    if (!gone) {
        for (int i = 0; i < nstaged; i++) {
            if (staged[i]->desc->unload)
                staged[i]->desc->unload(staged[i]);
            plug_gen_close(staged[i]);
            plug_gen_free(staged[i]);
        }
        free(staged);
        free(was_live);
        return BH_ENOMEM;
    }
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < nstaged; i++) {
        bh_host *g = staged[i];
        g->state = GEN_LIVE;
        atomic_store(&g->refs, 1);
        bh_host *old = find_live(m, g->name);
        if (old) {
            for (int k = 0; k < m->nlive; k++)
                if (m->live[k] == old)
                    m->live[k] = g;
            retire(m, old);
            gone[ngone++] = old;
        } else {
            bh_host **grown = realloc(m->live, sizeof *grown * (size_t)(m->nlive + 1));
            if (grown) {
                m->live = grown;
                m->live[m->nlive++] = g;
            }
        }
    }
    for (int k = 0; k < m->nlive;) {
        bh_host *g = m->live[k];
        if (!cfg_plugin_enabled(c, g->name)) {
            m->live[k] = m->live[--m->nlive];
            retire(m, g);
            report_add(r, "unloaded", g->name, NULL);
            r->unloaded++;
            gone[ngone++] = g;
        } else {
            k++;
        }
    }
    pthread_mutex_unlock(&m->lock);

    for (int i = 0; i < nstaged; i++) {
        report_add(r, was_live[i] ? "reloaded" : "loaded", staged[i]->name, NULL);
        if (was_live[i])
            r->reloaded++;
        else
            r->loaded++;
    }
    /* Drop the live reference: an idle old generation unloads right here. */
    for (int i = 0; i < ngone; i++)
        plug_gen_unref(gone[i]);
    free(gone);
    free(staged);
    free(was_live);

    r->ms = (double)(uv_hrtime() - t0) / 1e6;
    return r->failed;
}
