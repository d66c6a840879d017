/* What the files of host/ia/ share. */
#ifndef BH_IA_INTERNAL_H
#define BH_IA_INTERNAL_H

#include <pthread.h>

#include "ia/ia.h"

#define IA_MAX_CID_PARTS 16

/*
 * Discord's numbers on the wire (the "Interactions" topics). Select menus' types
 * are the SDK's BH_SELECT_*, button styles its BH_BUTTON_*.
 */
/* An interaction's "type". */
enum ia_type {
    IA_PING = 1,
    IA_COMMAND = 2,
    IA_COMPONENT = 3,
    IA_AUTOCOMPLETE = 4,
    IA_MODAL = 5,
};
/* An interaction response's "type". */
enum ia_callback {
    IA_CB_PONG = 1,
    IA_CB_MESSAGE = 4,
    IA_CB_DEFERRED_MESSAGE = 5,
    IA_CB_DEFERRED_UPDATE = 6,
    IA_CB_UPDATE = 7,
    IA_CB_AUTOCOMPLETE = 8,
    IA_CB_MODAL = 9,
};
/* A command option's "type". */
enum ia_option {
    IA_OPT_SUB_COMMAND = 1,
    IA_OPT_SUB_COMMAND_GROUP = 2,
};

/* Where the answer stands; see ia_answer.c. */
enum ia_state {
    IA_NEW = 0,      /* nothing sent yet */
    IA_DEFERRING,    /* the host's defer is on its way */
    IA_DEFERRED,     /* acknowledged with type 5 or 6; the answer is still to come */
    IA_ANSWERED,     /* the initial response is sent */
    IA_GONE,         /* Discord no longer knows the interaction */
};

/* The host's own initial responses on the wire at once (ia_pace.c). */
#define IA_PACE_WINDOW 64
/* Interactions accepted at once when ia_opts.max_pending is 0; beyond, "busy". */
#define IA_DEFAULT_MAX_PENDING 2000
/* Discord's 3 s for an initial response, less 100 ms for the trip there (loopback to a
 * data centre); a host defer configured as late as 2.5 s must still go out. */
#define IA_ACK_WINDOW_MS 2900

struct ia_pace_item;

struct ia_mgr {
    ia_opts o;
    uv_async_t done_async;
    pthread_mutex_t lock;        /* guards done_list and inflight */
    struct ia_call *done_list;
    int inflight;
    int closing;

    /* Loop thread only. */
    struct ia_pace_item **pace_heap; /* queued responses, earliest deadline at [0] */
    size_t pace_cap;
    int pace_queued, pace_inflight;
    uint64_t pace_expired;       /* host responses dropped: past the window before their turn */
    uint64_t busy;               /* interactions answered "busy" */
    int64_t busy_logged_ms;
};

typedef struct ia_call {
    ia_mgr *mgr;
    json_t *ia;                  /* the interaction (owned) */
    int type;                    /* enum ia_type, not IA_PING */
    uint64_t id, app_id;
    char token[512];
    char key[420];               /* the routing key: a command path, a custom_id */
    int route_kind;              /* PLUG_* */
    plug_call call;
    bh_ctx *ctx;

    /* Parsed once for the accessors. */
    const json_t *options;       /* the options of the innermost subcommand */
    char *cid_copy;
    const char *cid_parts[IA_MAX_CID_PARTS];
    int ncid;

    pthread_mutex_t mu;          /* guards the answer state */
    pthread_cond_t cv;
    int state;
    int defer_type;              /* IA_CB_DEFERRED_* once deferred */
    int defer_ephemeral;
    int answered_type;
    int auto_deferred;
    int acked;                   /* Discord accepted an initial response (under mu) */
    int refused;                 /* a builder refused an answer of the handler's */

    /*
     * Loop thread only: one reference for the handler's run (dropped once the
     * worker is done and the timer closed) and one per host request in flight
     * (the auto-defer), so the call outlives every callback that names it.
     */
    int loop_refs;
    int defer_attempts;

    uv_timer_t timer;
    int64_t started_ms;
    int rc;
    char err[512];
    struct ia_call *next;
} ia_call;

/* ia_read.c: parses what the accessors need; 0 or BH_EINVAL for a malformed interaction. */
int ia_call_parse(ia_call *call);
void ia_call_parsed_free(ia_call *call);
/* The entries that read what was parsed (in ia_entries with the answers of ia_answer.c). */
const json_t *ia_read_option(bh_ctx *c, const char *name);
int ia_read_cid_count(bh_ctx *c);
const char *ia_read_cid_part(bh_ctx *c, int i);

/* ia_dispatch.c: drops a loop reference; the last frees the call (loop thread). */
void ia_call_unref(ia_call *call);

/* ia_answer.c */
/* Loop thread: the auto-defer timer fired. */
void ia_answer_auto_defer(ia_call *call);
/* Worker: after the handler, answers what it left unanswered. */
void ia_answer_finish(ia_call *call, int rc);
/* What Discord got as the initial response, for the log: "message", "auto-deferred", ... */
const char *ia_answer_outcome(ia_call *call);
/* Loop thread: answers an interaction nobody handles, asynchronously. */
void ia_answer_unrouted(ia_mgr *m, json_t *interaction, int type, const char *text);

/* Where ia_opts.test_hook is called. */
enum { IA_HOOK_BEFORE_CLAIM = 0, IA_HOOK_AFTER_CLAIM };

/*
 * ia_pace.c (loop thread): sends the host's own initial response `body` to
 * `path` with at most IA_PACE_WINDOW on the wire, earliest deadline first. `cb` runs once,
 * later, with the answer, or with result BH_ETIMEDOUT and code 10062 when
 * `deadline_ms` passed before its turn (then nothing was sent). BH_ETIMEDOUT
 * at once when the deadline is already past, BH_ENOMEM; then `cb` never runs.
 */
int ia_pace_send(ia_mgr *m, int64_t deadline_ms, const char *path, const char *body, rest_cb cb,
                 void *arg);
/* Ends every queued response as expired and frees the queue (shutdown). */
void ia_pace_drop_all(ia_mgr *m);

/*
 * The monotonic time by which an initial response must be sent: Discord's 3 s
 * (less a margin) from the interaction's creation, read from its snowflake id
 * when the clocks agree within 10 s, and never later than from its arrival.
 */
int64_t ia_ack_deadline(uint64_t id, int64_t arrived_ms);

#endif
