/*
 * The host's own initial responses (auto-defers, "busy", stale controls) go out
 * through one queue with a bounded number on the wire. Under a flood, the
 * auto-defer timers of every queued call fire together; sending them all at
 * once would open thousands of connections and starve the loop (health,
 * metrics, the gateway). Earliest deadline first (a min-heap): an auto-defer
 * queued late for an interaction that came early goes before "busy" answers
 * queued earlier for ones that came after it. A response whose interaction is
 * already past Discord's window is not sent at all: Discord would only answer
 * 10062.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "ia/ia_internal.h"

#define DISCORD_UNKNOWN_INTERACTION 10062

typedef struct ia_pace_item {
    ia_mgr *m;
    int64_t deadline_ms;
    char *path;
    char *body;
    rest_cb cb;
    void *arg;
} ia_pace_item;

static void item_free(ia_pace_item *it)
{
    free(it->path);
    free(it->body);
    free(it);
}

/* A response that was never sent, shaped like Discord's answer to a late one. */
static void expire(ia_pace_item *it)
{
    rest_response *res = calloc(1, sizeof *res);
    if (res) {
        res->result = BH_ETIMEDOUT;
        res->code = DISCORD_UNKNOWN_INTERACTION;
        snprintf(res->message, sizeof res->message,
                 "not sent: the interaction was past Discord's 3 s before its turn");
    }
    it->m->pace_expired++;
    if (res)
        it->cb(res, it->arg);
    item_free(it);
}

static void pump(ia_mgr *m);

static void on_sent(rest_response *res, void *arg)
{
    ia_pace_item *it = arg;
    ia_mgr *m = it->m;
    m->pace_inflight--;
    it->cb(res, it->arg);
    item_free(it);
    pump(m);
}

static void heap_swap(ia_pace_item **h, size_t i, size_t j)
{
    ia_pace_item *t = h[i];
    h[i] = h[j];
    h[j] = t;
}

static int heap_push(ia_mgr *m, ia_pace_item *it)
{
    if ((size_t)m->pace_queued == m->pace_cap) {
        size_t cap = m->pace_cap ? m->pace_cap * 2 : 256;
        ia_pace_item **h = realloc(m->pace_heap, cap * sizeof *h);
        if (!h)
            return BH_ENOMEM;
        m->pace_heap = h;
        m->pace_cap = cap;
    }
    ia_pace_item **h = m->pace_heap;
    size_t i = (size_t)m->pace_queued++;
    h[i] = it;
    while (i > 0 && h[(i - 1) / 2]->deadline_ms > h[i]->deadline_ms) {
        heap_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    return 0;
}

static ia_pace_item *heap_pop(ia_mgr *m)
{
    ia_pace_item **h = m->pace_heap;
    ia_pace_item *top = h[0];
    size_t n = (size_t)--m->pace_queued, i = 0;
    h[0] = h[n];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, min = i;
        if (l < n && h[l]->deadline_ms < h[min]->deadline_ms)
            min = l;
        if (r < n && h[r]->deadline_ms < h[min]->deadline_ms)
            min = r;
        if (min == i)
            break;
        heap_swap(h, i, min);
        i = min;
    }
    return top;
}

static void pump(ia_mgr *m)
{
    while (m->pace_queued > 0 && m->pace_inflight < IA_PACE_WINDOW) {
        ia_pace_item *it = heap_pop(m);
        if (clock_now_ms() >= it->deadline_ms) {
            expire(it);
            continue;
        }
        rest_req req = {.method = "POST", .path = it->path, .body = it->body,
                        .flags = REST_F_NO_RETRY};
        m->pace_inflight++;
        if (rest_request(m->o.rest, &req, on_sent, it) < 0) {
            m->pace_inflight--;
            expire(it);
        }
    }
}

int ia_pace_send(ia_mgr *m, int64_t deadline_ms, const char *path, const char *body, rest_cb cb,
                 void *arg)
{
    if (clock_now_ms() >= deadline_ms)
        return BH_ETIMEDOUT;
    ia_pace_item *it = calloc(1, sizeof *it);
    if (!it)
        return BH_ENOMEM;
    it->m = m;
    it->deadline_ms = deadline_ms;
    it->path = strdup(path);
    it->body = body ? strdup(body) : NULL;
    it->cb = cb;
    it->arg = arg;
    if (!it->path || (body && !it->body) || heap_push(m, it) < 0) {
        item_free(it);
        return BH_ENOMEM;
    }
    pump(m);
    return 0;
}

void ia_pace_drop_all(ia_mgr *m)
{
    while (m->pace_queued > 0)
        expire(heap_pop(m));
    free(m->pace_heap);
    m->pace_heap = NULL;
    m->pace_cap = 0;
}
