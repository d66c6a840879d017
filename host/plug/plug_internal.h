/* Internals shared by the files of host/plug/: no file outside it includes this. */
#ifndef BH_PLUG_INTERNAL_H
#define BH_PLUG_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include "db/db.h"
#include "msg/msg.h"
#include "plug/plug.h"
#include "plug/plug_ctx.h"

typedef struct plug_route_entry {
    int kind;
    char *key;                   /* command path, custom_id prefix, event, job kind */
    bh_handler_fn fn;
} plug_route_entry;

typedef struct plug_cfg_value {
    char *key;
    char *value;
    int line;
    int used;                    /* read by the plugin in load() */
} plug_cfg_value;

enum plug_gen_state { GEN_STAGING = 0, GEN_LIVE, GEN_RETIRED };

/* One generation of one plugin: what plugins see as bh_host. */
struct bh_host {
    plug_mgr *mgr;
    uint64_t id;
    int state;
    int in_load;                 /* registration allowed */
    atomic_int refs;             /* 1 while live, +1 per call in flight */

    char *name;
    char *version;
    char *path;                  /* the plugin's file as configured */
    struct stat st;              /* of path when loaded: change detection */
    char *copy_path;
    void *dl;
    const bh_plugin *desc;

    plug_route_entry *routes;
    int nroutes;
    json_t *commands;            /* array of definitions */
    uint64_t intents;

    char *cfg_file;
    plug_cfg_value *cfg;
    int ncfg;
    char *cfg_fingerprint;       /* the section as text, to see it changed */

    char err[2048];              /* why staging failed (every unknown key, each with its line) */
    bh_host *next_retired;
};

struct plug_mgr {
    pthread_mutex_t lock;        /* guards live, retired and every route lookup */
    bh_host **live;
    int nlive;
    bh_host *retired;
    uint64_t next_id;
    struct db_pool *db;
    char *copy_dir;
    void (*job_nudge)(void *arg);
    void *job_nudge_arg;
    struct rest *rest;           /* the table's REST and cache entries (plug_mgr_set_discord) */
    struct cache *cache;
};

/*
 * A handler call's context (bh_ctx), private to plug/: other rooms use the
 * functions of plug_ctx.h. Each part is kept by the file named with it; the
 * others go through its functions.
 */

/* What runs (plug_ctx.c): the generation (held by the caller only while the handler runs). */
struct ctx_call {
    bh_host *gen;
    plug_mgr *mgr;
    char plugin[33];
    int kind;
    const char *name;
    json_t *data;                /* owned */
};

/* A job's attempt, and whether the call scheduled more (plug_ctx.c). */
struct ctx_job {
    int attempt;
    int scheduled;               /* nudge the scheduler when the call ends */
};

/* An interaction's call (ia/ owns it) and the entries that read and answer it (plug_api_ia.c). */
struct ctx_ia {
    struct ia_call *call;
    const plug_ia_entries *entries;
};

/* Builders the plugin made and has not freed: the call frees them (plug_api_discord.c). */
struct ctx_owned {
    msg_list msgs;
    msg_modal_list modals;
};

/* Of the last REST call, and the error text bh_ctx_error() returns (plug_rest.c). */
struct ctx_last {
    int discord_code;            /* of the last failed REST call */
    int http_status;             /* of the last REST call's last attempt (0: no answer) */
    char err[512];
};

struct bh_ctx {
    struct ctx_call call;
    db_session db;               /* the call's queries (plug_ctx_db()) */
    struct ctx_job job;
    struct ctx_ia ia;
    struct ctx_owned owned;
    struct ctx_last last;
};

/* plug_ctx.c: what runs (the generation is NULL before plug_ctx_run()) */
bh_host *plug_ctx_gen(const bh_ctx *c);
plug_mgr *plug_ctx_mgr(const bh_ctx *c);
int plug_ctx_kind(const bh_ctx *c);
const char *plug_ctx_name(const bh_ctx *c);
void plug_ctx_set_plugin(bh_ctx *c, const char *plugin);
/* The call scheduled a job: the scheduler is nudged when the call ends. */
void plug_ctx_job_scheduled(bh_ctx *c);
int plug_ctx_job_attempt(const bh_ctx *c);

/* plug_rest.c: the last REST call's outcome, kept across calls that must not change it */
void plug_ctx_error_clear(bh_ctx *c);
void plug_ctx_last_save(const bh_ctx *c, struct ctx_last *out);
void plug_ctx_last_restore(bh_ctx *c, const struct ctx_last *saved);

/* plug_api_discord.c */
void plug_builders_free(bh_ctx *c);

/* plug_loader.c */
int plug_gen_open(plug_mgr *m, bh_host *g, char *err, size_t errlen);
void plug_gen_close(bh_host *g);
void plug_gen_free(bh_host *g);

/* plug_registry.c */
int plug_registry_add(bh_host *g, int kind, const char *key, bh_handler_fn fn);
int plug_registry_add_command(bh_host *g, const char *definition_json);
/* Drops a reference; the last one unloads a retired generation. */
void plug_gen_unref(bh_host *g);

/* plug_api_read.c: the entries that read a call's data */
uint64_t plug_read_id(bh_ctx *c, int which);
int plug_read_value_count(bh_ctx *c);
const char *plug_read_value(bh_ctx *c, int i);
const char *plug_read_field(bh_ctx *c, const char *custom_id);
uint64_t plug_read_member_perms(bh_ctx *c);
int plug_read_member_roles(bh_ctx *c, uint64_t *out, int max);
const json_t *plug_read_resolved(bh_ctx *c, const char *kind, uint64_t id);

/* plug_api_ia.c: the interaction entries, through the call's plug_ia_entries */
const json_t *plug_ia_option(bh_ctx *c, const char *name);
int plug_ia_cid_count(bh_ctx *c);
const char *plug_ia_cid_part(bh_ctx *c, int i);
int plug_ia_reply(bh_ctx *c, bh_msg *m);
int plug_ia_update(bh_ctx *c, bh_msg *m);
int plug_ia_defer(bh_ctx *c, int ephemeral);
int plug_ia_modal_open(bh_ctx *c, bh_modal *md);
int plug_ia_autocomplete(bh_ctx *c, const json_t *choices);
int plug_ia_followup(bh_ctx *c, bh_msg *m, uint64_t *message_id);
int plug_ia_edit_original(bh_ctx *c, bh_msg *m);
int plug_ia_delete_original(bh_ctx *c);

/* plug_api.c */
bh_ctx *plug_ctx_current(void);
void plug_ctx_set_current(bh_ctx *c);

#endif
