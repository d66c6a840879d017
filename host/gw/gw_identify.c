/*
 * The identify queue: Discord lets max_concurrency shards identify at once,
 * one per rate_limit_key = shard_id % max_concurrency, and each key at most
 * once per 5 seconds. Waiting shards are served in arrival order.
 */
#include <stdlib.h>

#include <bothost/abi.h>

#include "base/clock.h"
#include "gw/gw_internal.h"

/*
 * Slack added to the spacing, so network jitter between two identifies of
 * one key cannot bring them closer than Discord's window at its end.
 */
#define GW_IDQ_SLACK_MS 250

static void idq_pump(gw_idq *q);

static void idq_on_timer(uv_timer_t *t)
{
    idq_pump(t->data);
}

int gw__idq_init(gw_idq *q, uv_loop_t *loop, int max_concurrency, int interval_ms,
                 void (*grant)(gw_shard *sh))
{
    q->nbuckets = max_concurrency > 0 ? max_concurrency : 1;
    q->last = calloc((size_t)q->nbuckets, sizeof *q->last);
    if (!q->last)
        return BH_ENOMEM;
    q->interval_ms = interval_ms;
    q->grant = grant;
    TAILQ_INIT(&q->waiting);
    uv_timer_init(loop, &q->timer);
    q->timer.data = q;
    return 0;
}

void gw__idq_push(gw_idq *q, gw_shard *sh)
{
    if (sh->iq_waiting)
        return;
    sh->iq_waiting = 1;
    TAILQ_INSERT_TAIL(&q->waiting, sh, iq_link);
    idq_pump(q);
}

void gw__idq_remove(gw_idq *q, gw_shard *sh)
{
    if (!sh->iq_waiting)
        return;
    TAILQ_REMOVE(&q->waiting, sh, iq_link);
    sh->iq_waiting = 0;
}

/* Grants every waiting shard whose key is free, then sleeps until the next key frees up. */
static void idq_pump(gw_idq *q)
{
    uint64_t spacing = (uint64_t)q->interval_ms + GW_IDQ_SLACK_MS;
    for (;;) {
        uint64_t now = (uint64_t)clock_now_ms();
        uint64_t wake = 0;
        gw_shard *pick = NULL;
        gw_shard *s;
        TAILQ_FOREACH(s, &q->waiting, iq_link)
        {
            int key = s->id % q->nbuckets;
            uint64_t free_at = q->last[key] ? q->last[key] + spacing : 0;
            if (free_at <= now) {
                pick = s;
                break;
            }
            if (!wake || free_at < wake)
                wake = free_at;
        }
        if (!pick) {
            if (wake)
                uv_timer_start(&q->timer, idq_on_timer, wake - now, 0);
            return;
        }
        q->last[pick->id % q->nbuckets] = now ? now : 1;
        gw__idq_remove(q, pick);
        /* The grant may push or remove shards: start over from the head. */
        q->grant(pick);
    }
}

void gw__idq_close(gw_idq *q, uv_close_cb cb)
{
    while (!TAILQ_EMPTY(&q->waiting))
        gw__idq_remove(q, TAILQ_FIRST(&q->waiting));
    uv_close((uv_handle_t *)&q->timer, cb);
}

void gw__idq_free(gw_idq *q)
{
    free(q->last);
    q->last = NULL;
}
