/*
 * The host's own initial responses (auto-defers, "busy", stale controls) go out
 * through one queue with a bounded number on the wire. Under a flood, the
 * auto-defer timers of every queued call fire together; sending them all at
 * once would open thousands of connections and starve the loop (health,
 * metrics, the gateway). Oldest first, a response whose interaction is already
 * past Discord's window is not sent at all: Discord would only answer 10062.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "interact/ia_internal.h"

#define DISCORD_UNKNOWN_INTERACTION 10062

typedef struct ia_pace_item {
    struct ia_pace_item *next;
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

static void pump(ia_mgr *m)
{
    while (m->pace_head && m->pace_inflight < IA_PACE_WINDOW) {
        ia_pace_item *it = m->pace_head;
        m->pace_head = it->next;
        if (!m->pace_head)
            m->pace_tail = NULL;
        m->pace_queued--;
        if (ia_now_ms() >= it->deadline_ms) {
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
    if (ia_now_ms() >= deadline_ms)
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
    if (!it->path || (body && !it->body)) {
        item_free(it);
        return BH_ENOMEM;
    }
    if (m->pace_tail)
        m->pace_tail->next = it;
    else
        m->pace_head = it;
    m->pace_tail = it;
    m->pace_queued++;
    pump(m);
    return 0;
}

void ia_pace_drop_all(ia_mgr *m)
{
    while (m->pace_head) {
        ia_pace_item *it = m->pace_head;
        m->pace_head = it->next;
        m->pace_queued--;
        expire(it);
    }
    m->pace_tail = NULL;
}
