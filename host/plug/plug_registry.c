/* What generations registered, and finding the handler for a call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "plug/plug_internal.h"

#define KEY_MAX 100

static const char *kind_name(int kind)
{
    switch (kind) {
    case PLUG_COMMAND: return "command";
    case PLUG_AUTOCOMPLETE: return "autocomplete";
    case PLUG_COMPONENT: return "component";
    case PLUG_MODAL: return "modal";
    case PLUG_EVENT: return "event";
    case PLUG_JOB: return "job";
    }
    return "?";
}

int plug_registry_add(bh_host *g, int kind, const char *key, bh_handler_fn fn)
{
    if (!g->in_load) {
        log_fields(LOG_ERROR, "plugin", NULL, "%s: %s handlers can only be registered in load()",
                   g->name, kind_name(kind));
        return BH_ESTATE;
    }
    size_t len = key ? strlen(key) : 0;
    if (!fn || len == 0 || len > KEY_MAX) {
        log_fields(LOG_ERROR, "plugin", NULL, "%s: %s handler '%s': %s", g->name,
                   kind_name(kind), key ? key : "(null)",
                   !fn ? "no function" : "name must be 1 to 100 characters");
        return BH_EINVAL;
    }
    if ((kind == PLUG_COMPONENT || kind == PLUG_MODAL) &&
        (len + strlen(g->name) + 1 > KEY_MAX || key[len - 1] == ':')) {
        log_fields(LOG_ERROR, "plugin", NULL,
                   "%s: custom_id prefix '%s' must not end with ':' and leaves no room in "
                   "Discord's 100 characters",
                   g->name, key);
        return BH_EINVAL;
    }
    for (int i = 0; i < g->nroutes; i++) {
        if (g->routes[i].kind == kind && strcmp(g->routes[i].key, key) == 0 &&
            kind != PLUG_EVENT) {
            log_fields(LOG_ERROR, "plugin", NULL, "%s: %s handler '%s' registered twice",
                       g->name, kind_name(kind), key);
            return BH_EEXIST;
        }
    }
    plug_route_entry *grown = realloc(g->routes, sizeof *grown * (size_t)(g->nroutes + 1));
    if (!grown)
        return BH_ENOMEM;
    g->routes = grown;
    char *copy = strdup(key);
    if (!copy)
        return BH_ENOMEM;
    g->routes[g->nroutes++] = (plug_route_entry){.kind = kind, .key = copy, .fn = fn};
    return 0;
}

int plug_registry_add_command(bh_host *g, const char *definition_json)
{
    if (!g->in_load)
        return BH_ESTATE;
    json_error_t jerr;
    json_t *def = json_loads(definition_json ? definition_json : "", 0, &jerr);
    if (!def || !json_is_object(def)) {
        log_fields(LOG_ERROR, "plugin", NULL, "%s: command definition is not a JSON object: %s",
                   g->name, def ? "wrong type" : jerr.text);
        json_decref(def);
        return BH_EINVAL;
    }
    const char *name = json_string_value(json_object_get(def, "name"));
    size_t len = name ? strlen(name) : 0;
    if (len < 1 || len > 32) {
        log_fields(LOG_ERROR, "plugin", NULL, "%s: command definition needs a name of 1 to 32 "
                   "characters", g->name);
        json_decref(def);
        return BH_EINVAL;
    }
    size_t i;
    json_t *other;
    json_array_foreach(g->commands, i, other)
    {
        if (strcmp(json_string_value(json_object_get(other, "name")), name) == 0) {
            log_fields(LOG_ERROR, "plugin", NULL, "%s: command '%s' registered twice", g->name,
                       name);
            json_decref(def);
            return BH_EEXIST;
        }
    }
    json_array_append_new(g->commands, def);
    return 0;
}

void plug_gen_unref(bh_host *g)
{
    if (atomic_fetch_sub(&g->refs, 1) != 1)
        return;
    /* The last reference of a retired generation: nothing can reach it any more. */
    plug_mgr *m = g->mgr;
    pthread_mutex_lock(&m->lock);
    for (bh_host **p = &m->retired; *p; p = &(*p)->next_retired) {
        if (*p == g) {
            *p = g->next_retired;
            break;
        }
    }
    pthread_mutex_unlock(&m->lock);
    if (g->desc && g->desc->unload)
        g->desc->unload(g);
    log_fields(LOG_DEBUG, "loader", NULL, "plugin %s generation %llu unloaded", g->name,
               (unsigned long long)g->id);
    plug_gen_close(g);
    plug_gen_free(g);
}

static bh_host *live_by_name(plug_mgr *m, const char *name, size_t len)
{
    for (int i = 0; i < m->nlive; i++)
        if (strlen(m->live[i]->name) == len && memcmp(m->live[i]->name, name, len) == 0)
            return m->live[i];
    return NULL;
}

/* Longest registered prefix of rest, matching whole ':'-separated parts. */
static const plug_route_entry *match_prefix(const bh_host *g, int kind, const char *rest)
{
    const plug_route_entry *best = NULL;
    size_t best_len = 0;
    for (int i = 0; i < g->nroutes; i++) {
        const plug_route_entry *r = &g->routes[i];
        if (r->kind != kind)
            continue;
        size_t n = strlen(r->key);
        if (strncmp(rest, r->key, n) == 0 && (rest[n] == '\0' || rest[n] == ':') &&
            n > best_len) {
            best = r;
            best_len = n;
        }
    }
    return best;
}

static const plug_route_entry *match_exact(const bh_host *g, int kind, const char *key)
{
    for (int i = 0; i < g->nroutes; i++)
        if (g->routes[i].kind == kind && strcmp(g->routes[i].key, key) == 0)
            return &g->routes[i];
    return NULL;
}

int plug_route(plug_mgr *m, int kind, const char *key, plug_call *out)
{
    const plug_route_entry *r = NULL;
    bh_host *g = NULL;
    pthread_mutex_lock(&m->lock);
    if (kind == PLUG_COMMAND || kind == PLUG_AUTOCOMPLETE) {
        for (int i = 0; i < m->nlive && !r; i++) {
            g = m->live[i];
            r = match_exact(g, kind, key);
        }
    } else {
        /* "<plugin>:<rest>": custom_ids and jobs name their plugin first. */
        const char *colon = strchr(key, ':');
        if (colon && (g = live_by_name(m, key, (size_t)(colon - key))) != NULL)
            r = kind == PLUG_JOB ? match_exact(g, kind, colon + 1)
                                 : match_prefix(g, kind, colon + 1);
    }
    if (r) {
        atomic_fetch_add(&g->refs, 1);
        *out = (plug_call){.gen = g, .fn = r->fn, .name = r->key};
    }
    pthread_mutex_unlock(&m->lock);
    return r ? 0 : BH_ENOTFOUND;
}

int plug_route_event(plug_mgr *m, const char *event, plug_call *out, int max)
{
    int n = 0;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nlive; i++) {
        bh_host *g = m->live[i];
        for (int j = 0; j < g->nroutes && n < max; j++) {
            if (g->routes[j].kind == PLUG_EVENT && strcmp(g->routes[j].key, event) == 0) {
                atomic_fetch_add(&g->refs, 1);
                out[n++] = (plug_call){.gen = g, .fn = g->routes[j].fn, .name = g->routes[j].key};
            }
        }
    }
    pthread_mutex_unlock(&m->lock);
    return n;
}

void plug_call_release(plug_mgr *m, plug_call *call)
{
    (void)m;
    if (call->gen)
        plug_gen_unref(call->gen);
    call->gen = NULL;
}

int plug_job_plugins(plug_mgr *m, char ***names)
{
    pthread_mutex_lock(&m->lock);
    char **list = calloc((size_t)m->nlive + 1, sizeof *list);
    int n = 0;
    /* Every live plugin: any of them may have queued outbox requests (plug_outbox.c). */
    for (int i = 0; list && i < m->nlive; i++)
        list[n++] = strdup(m->live[i]->name);
    pthread_mutex_unlock(&m->lock);
    *names = list;
    return list ? n : BH_ENOMEM;
}

void plug_names_free(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

json_t *plug_commands(plug_mgr *m)
{
    json_t *all = json_array();
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nlive; i++)
        json_array_extend(all, m->live[i]->commands);
    pthread_mutex_unlock(&m->lock);
    return all;
}

uint64_t plug_intents(plug_mgr *m)
{
    uint64_t bits = 0;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nlive; i++)
        bits |= m->live[i]->intents;
    pthread_mutex_unlock(&m->lock);
    return bits;
}

void plug_counts(plug_mgr *m, int *live, int *retiring)
{
    pthread_mutex_lock(&m->lock);
    *live = m->nlive;
    int n = 0;
    for (bh_host *g = m->retired; g; g = g->next_retired)
        n++;
    *retiring = n;
    pthread_mutex_unlock(&m->lock);
}

const char *plug_gen_name(const bh_host *g)
{
    return g->name;
}

uint64_t plug_gen_id(const bh_host *g)
{
    return g->id;
}

int plug_live_info(plug_mgr *m, plug_info *out, int max)
{
    pthread_mutex_lock(&m->lock);
    int n = m->nlive;
    for (int i = 0; i < n && i < max; i++) {
        const bh_host *g = m->live[i];
        plug_info *o = &out[i];
        memset(o, 0, sizeof *o);
        snprintf(o->name, sizeof o->name, "%s", g->name);
        snprintf(o->version, sizeof o->version, "%s", g->version ? g->version : "");
        o->gen = g->id;
        o->commands = (int)json_array_size(g->commands);
        o->handlers = g->nroutes;
        for (int j = 0; j < g->nroutes; j++) {
            o->jobs += g->routes[j].kind == PLUG_JOB;
            o->events += g->routes[j].kind == PLUG_EVENT;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return n;
}
