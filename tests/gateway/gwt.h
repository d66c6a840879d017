/*
 * Gateway test support: bothost-emu as a child process, short forms for
 * its control API (over tsup_http_json()), and a harness running net + gw on a
 * real libuv loop that records every dispatch and state change.
 */
#ifndef BH_GWT_H
#define BH_GWT_H

#include <stdint.h>

#include <jansson.h>

#include "gw/gw.h"
#include "tsup.h"
#include "tsup_http.h"
#include "tsup_proc.h"

typedef struct gwt_emu {
    tsup_proc *proc;
    int port;
    char gateway[128]; /* ws://127.0.0.1:PORT */
} gwt_emu;

/* Starts build/bin/bothost-emu on a free port with extra flags (NULL-terminated). */
void gwt_emu_start(gwt_emu *e, const char *const *flags);
void gwt_emu_stop(gwt_emu *e);

/* POST /_emu/faults/gateway with `spec`; returns the number of connections hit. */
int gwt_fault(gwt_emu *e, const char *spec);
/* GET /_emu/stats counter groups[group][key], 0 when absent. */
long long gwt_counter(gwt_emu *e, const char *group, const char *key);
/* Number of violations the emulator recorded. */
long long gwt_violations(gwt_emu *e);
/* Seed JSON with one guild per given id (the guild's shard is (id >> 22) % n). */
const char *gwt_seed_file(const uint64_t *guild_ids, int n);
/* POST /_emu/reset {"disconnect": true}: sessions and the identify windows start afresh. */
void gwt_emu_reset(gwt_emu *e);
/* POST /_emu/members in a guild: a GUILD_MEMBER_ADD for `username`. */
void gwt_join(gwt_emu *e, const char *guild_id, const char *username);

typedef struct gwt_event {
    int shard;
    int64_t seq;
    char name[48];
    json_t *d; /* a reference */
    uint64_t at_ms;
} gwt_event;

typedef struct gwt {
    uv_loop_t loop;
    net *n;
    gw *g;
    gw_opts o;
    gwt_event *ev;
    int nev, cap;
    int states[64][16]; /* per shard: how many times each state was entered */
    uint64_t ready_at[64]; /* first time each shard became READY */
    int stopped;
    int net_gone;
} gwt;

/* Fills h->o with defaults for the emulator at `e` (token "test-token", 1 shard). */
void gwt_init(gwt *h, gwt_emu *e);
/* net_create + gw_create(h->o) + gw_start. */
void gwt_start(gwt *h);
/* gw_stop, net_destroy, gw_destroy, runs the loop dry, CHECKs uv_loop_close() == 0. */
void gwt_finish(gwt *h);
/* Only gw_stop and gw_destroy (net stays): for a restart in the same loop. */
void gwt_stop_gw(gwt *h);

/* Runs the loop until cond(h, arg) is true or timeout_ms passes; returns cond's last value. */
int gwt_run_until(gwt *h, int (*cond)(gwt *h, void *arg), void *arg, int timeout_ms);
/* Runs the loop for ms. */
void gwt_run_for(gwt *h, int ms);

int gwt_cond_ready(gwt *h, void *arg);
/* Events named `name` seen so far (on any shard when shard < 0). */
int gwt_count(gwt *h, int shard, const char *name);
/* Waits until at least n such events were seen. */
int gwt_wait_count(gwt *h, int shard, const char *name, int n, int timeout_ms);
/* How many GUILD_MEMBER_ADD events carried user.username == username. */
int gwt_member_adds(gwt *h, const char *username);
/* Checks that every shard's sequence numbers are strictly increasing. */
void gwt_check_seq_order(gwt *h);

uint64_t gwt_now_ms(void);

#endif
