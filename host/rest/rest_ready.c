/*
 * The scheduler's lists. A bucket with queued requests and nothing on the wire
 * is on exactly one of them:
 *   - active: to be looked at on the next turn of the scheduler;
 *   - the heap: waiting until a time (a retry's backoff, a 429, its window);
 *   - global-wait: waiting for the global limit, first come first served.
 * A bucket with a request on the wire is on none: the answer puts it back.
 *
 * So a turn of the scheduler looks only at buckets that may have changed, and
 * its cost per request stays the same however many requests wait behind a
 * limit or a backoff (walking them all on every answer made a burst of
 * timeouts quadratic).
 */
#include "rest/rest_internal.h"

#include <stdlib.h>

/* ---- the heap, earliest wake first ----------------------------------------------------- */

static void heap_set(rest *r, size_t i, rest_bucket *b)
{
    r->heap[i] = b;
    b->heap_idx = i;
}

static void heap_up(rest *r, size_t i)
{
    rest_bucket *b = r->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (r->heap[parent]->wake <= b->wake)
            break;
        heap_set(r, i, r->heap[parent]);
        i = parent;
    }
    heap_set(r, i, b);
}

static void heap_down(rest *r, size_t i)
{
    rest_bucket *b = r->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= r->nheap)
            break;
        if (c + 1 < r->nheap && r->heap[c + 1]->wake < r->heap[c]->wake)
            c++;
        if (r->heap[c]->wake >= b->wake)
            break;
        heap_set(r, i, r->heap[c]);
        i = c;
    }
    heap_set(r, i, b);
}

static void heap_remove(rest *r, rest_bucket *b)
{
    size_t i = b->heap_idx;
    rest_bucket *last = r->heap[--r->nheap];
    if (i == r->nheap)
        return;
    heap_set(r, i, last);
    heap_down(r, i);
    heap_up(r, last->heap_idx);
}

static int heap_push(rest *r, rest_bucket *b)
{
    if (r->nheap == r->capheap) {
        size_t cap = r->capheap ? r->capheap * 2 : 64;
        rest_bucket **nh = realloc(r->heap, cap * sizeof *nh);
        if (!nh)
            return -1;
        r->heap = nh;
        r->capheap = cap;
    }
    heap_set(r, r->nheap++, b);
    heap_up(r, r->nheap - 1);
    return 0;
}

/* ---- the lists ------------------------------------------------------------------------- */

void rest_ready_unlist(rest *r, rest_bucket *b)
{
    switch (b->list) {
    case REST_LIST_ACTIVE:
        TAILQ_REMOVE(&r->active, b, alink);
        break;
    case REST_LIST_GWAIT:
        TAILQ_REMOVE(&r->gwait, b, alink);
        break;
    case REST_LIST_HEAP:
        heap_remove(r, b);
        break;
    default:
        break;
    }
    b->list = REST_LIST_NONE;
}

void rest_ready_activate(rest *r, rest_bucket *b)
{
    if (b->list == REST_LIST_ACTIVE)
        return;
    rest_ready_unlist(r, b);
    TAILQ_INSERT_TAIL(&r->active, b, alink);
    b->list = REST_LIST_ACTIVE;
}

void rest_ready_wait_until(rest *r, rest_bucket *b, uint64_t at)
{
    rest_ready_unlist(r, b);
    b->wake = at;
    if (heap_push(r, b) < 0) {
        /* No memory for the heap: keep looking at it on every turn instead. */
        rest_ready_activate(r, b);
        return;
    }
    b->list = REST_LIST_HEAP;
}

void rest_ready_wait_global(rest *r, rest_bucket *b)
{
    rest_ready_unlist(r, b);
    TAILQ_INSERT_TAIL(&r->gwait, b, alink);
    b->list = REST_LIST_GWAIT;
}

uint64_t rest_ready_due(rest *r, uint64_t now)
{
    while (r->nheap && r->heap[0]->wake <= now)
        rest_ready_activate(r, r->heap[0]);
    return r->nheap ? r->heap[0]->wake : 0;
}

void rest_ready_init(rest *r)
{
    TAILQ_INIT(&r->active);
    TAILQ_INIT(&r->gwait);
}

void rest_ready_free(rest *r)
{
    free(r->heap);
    r->heap = NULL;
    r->nheap = r->capheap = 0;
    rest_ready_init(r);
}
