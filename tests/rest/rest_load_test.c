/*
 * The REST transport under load, against bothost-emu: connections are kept
 * alive and reused, and a burst of requests that all time out neither aborts
 * the host nor costs more per request as the backlog grows.
 *
 *   rest_load_test [case]
 */
#include "rest_fixture.h"
#include "tsup_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "rest/rest_internal.h"

/* TCP connections the emulator accepted so far (its control calls included). */
static json_int_t emu_tcp_accepted(void)
{
    int st;
    json_t *j = emu_http("GET", "/_emu/stats", NULL, &st);
    CHECK_EQ_INT(st, 200);
    json_int_t n = json_integer_value(
        json_object_get(json_object_get(json_object_get(j, "counters"), "http"), "tcp_accepted"));
    json_decref(j);
    return n;
}

/* 200 requests one after the other go over one kept-alive connection. */
static void t_keepalive(void)
{
    enum { N = 200 };
    fx f;
    rest_opts o;
    memset(&o, 0, sizeof o);
    fx_open(&f, emu_api_base(), &o);
    json_int_t before = emu_tcp_accepted();
    for (int i = 0; i < N; i++) {
        fx_answer a;
        char path[64];
        /* Distinct channels: distinct buckets, so only the global limit paces them. */
        snprintf(path, sizeof path, "/channels/%d", 900000 + i);
        fx_do(&f, &a, "GET", path, NULL);
        CHECK_EQ_INT(a.res->status, 404);
        rest_response_free(a.res);
    }
    json_int_t after = emu_tcp_accepted();
    rest_stats st;
    rest_stats_get(f.r, &st);
    /* The two control calls around the loop take a connection each. */
    fprintf(stderr, "keepalive: %d requests, %llu connection(s) opened by rest, %lld accepted\n",
            N, (unsigned long long)st.connections, (long long)(after - before));
    CHECK(st.connections >= 1 && st.connections <= 2);
    CHECK(after - before <= 1 + 2);
    CHECK_EQ_INT(emu_violations(), 0);
    fx_close(&f);
}

typedef struct burst {
    int done, left, timeouts, other;
} burst;

static void on_burst(rest_response *res, void *arg)
{
    burst *b = arg;
    if (res->result == BH_ETIMEDOUT)
        b->timeouts++;
    else
        b->other++;
    rest_response_free(res);
    if (--b->left == 0)
        b->done = 1;
}

/*
 * Rounds of requests that all time out (the emulator answers after 1.5 s, the
 * client gives up after 300 ms), each round twice the one before, then more
 * rounds until over 32,000 timeouts (lws 4.1 aborted after 30,000-45,000):
 * every request ends with BH_ETIMEDOUT, the client survives, and the
 * scheduler's work per request stays flat as the backlog grows.
 */
static void t_burst_timeouts(void)
{
    fx f;
    rest_opts o;
    memset(&o, 0, sizeof o);
    o.timeout_ms = 300;
    o.max_retries = -1;
    fx_open(&f, emu_api_base(), &o);
    int total = 0;
    double per_req[4];
    int sizes[4] = {250, 500, 1000, 2000};
    for (int round = 0; total < 32000; round++) {
        int n = sizes[round < 4 ? round : 3];
        char fault[256];
        snprintf(fault, sizeof fault,
                 "{\"kind\":\"slow\",\"route\":\"POST "
                 "/interactions/{interaction_id}/{interaction_token}/callback\","
                 "\"delay_ms\":1500,\"count\":%d}",
                 n);
        emu_fault(fault);
        burst b = {.left = n};
        uint64_t visits = f.r->sched_visits, t0 = uv_hrtime();
        for (int i = 0; i < n; i++) {
            char path[128];
            snprintf(path, sizeof path, "/interactions/%d/tok%d/callback", 1000000 + total + i,
                     total + i);
            rest_req q = {.method = "POST", .path = path, .body = "{\"type\":5}"};
            CHECK_EQ_INT(rest_request(f.r, &q, on_burst, &b), 0);
        }
        fx_run_until(&f, &b.done, 60000);
        CHECK_EQ_INT(b.timeouts, n);
        CHECK_EQ_INT(b.other, 0);
        uint64_t work = f.r->sched_visits - visits;
        double per = (double)work / n;
        if (round < 4)
            per_req[round] = per;
        fprintf(stderr, "burst of %d timeouts: %.2f scheduler visits per request, %.1f ms\n", n,
                per, (double)(uv_hrtime() - t0) / 1e6);
        /* Each request is looked at once to send it: never once per other request. */
        CHECK(work <= (uint64_t)n * 2);
        total += n;
    }
    rest_stats st;
    rest_stats_get(f.r, &st);
    CHECK_EQ_INT(st.timeouts, total);
    CHECK_EQ_INT(st.in_flight, 0);
    CHECK_EQ_INT(st.queued, 0);
    CHECK(per_req[3] <= per_req[0] * 1.5 + 0.5);
    fx_close(&f);
}

static const tsup_case cases[] = {
    {"keepalive", t_keepalive},
    {"burst_timeouts", t_burst_timeouts},
};

int main(int argc, char **argv)
{
    log_set_level(LOG_ERROR);
    emu_start();
    int rc = tsup_run_cases(argc, argv, cases, sizeof cases / sizeof cases[0], emu_reset);
    emu_stop();
    return rc;
}
