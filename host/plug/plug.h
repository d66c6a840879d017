/*
 * Plugins: loading generations of shared objects, the registry of what they
 * registered, routing work to them, and hot reload.
 *
 * A plugin generation (struct bh_host) is one dlopen() of a private copy of the
 * plugin's file. The manager maps each plugin name to its live generation. A
 * reload stages new generations beside the live ones and swaps them in only when
 * every step succeeded; a replaced generation is unloaded once the last call
 * into it has returned.
 *
 * Thread use: plug_mgr_apply() runs off the loop (it migrates and calls load());
 * routing and calls run on any thread.
 */
#ifndef BH_PLUG_H
#define BH_PLUG_H

#include <stdint.h>

#include <jansson.h>

#include <bothost/abi.h>

#include "base/cfg.h"

struct db_pool;

typedef struct plug_mgr plug_mgr;

/* What routes a call to a handler. */
enum plug_route_kind {
    PLUG_COMMAND = BH_CTX_COMMAND,
    PLUG_AUTOCOMPLETE = BH_CTX_AUTOCOMPLETE,
    PLUG_COMPONENT = BH_CTX_COMPONENT,
    PLUG_MODAL = BH_CTX_MODAL,
    PLUG_EVENT = BH_CTX_EVENT,
    PLUG_JOB = BH_CTX_JOB,
};

typedef struct plug_mgr_opts {
    struct db_pool *db;          /* NULL: check mode, connect to nothing */
    const char *copy_dir;        /* where private copies of .so files go */
} plug_mgr_opts;

int plug_mgr_create(plug_mgr **out, const plug_mgr_opts *opts);
/* Unloads every generation; calls into them must have ended. */
void plug_mgr_destroy(plug_mgr *m);

/* What one plug_mgr_apply() did, for the summary line and for tests. */
typedef struct plug_apply_report {
    int loaded, reloaded, unloaded, kept, failed;
    int migrations;              /* migration files applied, by every plugin together */
    double ms;
    char summary[1024];          /* "loaded=hello reloaded=raffle failed=rolepanel(...)" */
} plug_apply_report;

/*
 * Brings the live set in line with `c`: loads newly enabled plugins, unloads
 * disabled ones, reloads those whose file or [plugin.<name>] section changed
 * (or all with `force`). A plugin that fails any step keeps its old generation
 * serving. Returns the number of plugins that failed (0 = all good).
 */
int plug_mgr_apply(plug_mgr *m, const cfg *c, int force, plug_apply_report *report);

/* A resolved call: the handler and the generation it belongs to, held. */
typedef struct plug_call {
    bh_host *gen;
    bh_handler_fn fn;
    const char *name;            /* the registered key that matched */
} plug_call;

/*
 * Finds the handler for a command path, a "<plugin>:<rest>" custom_id, or a job
 * (key "<plugin>:<kind>"), and holds its generation so it cannot be unloaded
 * before plug_call_release(). BH_ENOTFOUND when nothing matches.
 */
int plug_route(plug_mgr *m, int kind, const char *key, plug_call *out);
/* All handlers of a gateway event, held; returns how many (at most max). */
int plug_route_event(plug_mgr *m, const char *event, plug_call *out, int max);
void plug_call_release(plug_mgr *m, plug_call *call);

/*
 * Called (on the handler's thread) after a call that scheduled a job has ended,
 * so the scheduler looks for it without waiting for its next poll.
 */
void plug_mgr_set_job_nudge(plug_mgr *m, void (*fn)(void *arg), void *arg);

/*
 * The REST client and guild cache that handler calls reach through their
 * manager (the table's REST and cache entries, plug_rest_call()). Set on the
 * loop before calls begin, cleared (NULL, NULL) once they have ended; without
 * them REST calls fail with BH_ENOSYS (check mode, a host without a token).
 */
struct rest;
struct cache;
void plug_mgr_set_discord(plug_mgr *m, struct rest *r, struct cache *c);

/* Names of the live plugins, whose jobs and outbox the scheduler runs; caller frees with plug_names_free(). */
int plug_job_plugins(plug_mgr *m, char ***names);
void plug_names_free(char **names, int n);

/* The merged command definitions of every live plugin (new reference). */
json_t *plug_commands(plug_mgr *m);
/* The OR of every live plugin's intents. */
uint64_t plug_intents(plug_mgr *m);

/* Live generations, and generations replaced but still finishing calls. */
void plug_counts(plug_mgr *m, int *live, int *retiring);

/* A description of a live generation, for --check and logs. */
typedef struct plug_info {
    char name[33];
    char version[33];
    uint64_t gen;
    int commands, handlers, jobs, events;
} plug_info;
/* Fills up to max entries; returns how many plugins are live. */
int plug_live_info(plug_mgr *m, plug_info *out, int max);

/* The function table every generation gets (plug_api.c); its strerror names host codes too. */
extern const bh_api plug_api_table;

/* The generation's plugin name and number, for logs and tests. */
const char *plug_gen_name(const bh_host *g);
uint64_t plug_gen_id(const bh_host *g);

#endif
