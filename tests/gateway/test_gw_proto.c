/*
 * Dispatch bookkeeping without a network: payloads handed straight to the
 * protocol step of a shard. A replay that overlaps what was handled (seq <=
 * last) is dropped, READY resets the numbering and keeps the session, and a
 * dispatch without a sequence number is not delivered.
 */
#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#include "gw/gw_internal.h"
#include "tsup.h"

static int64_t seen[32];
static char names[32][32];
static int nseen;

static void on_dispatch(void *arg, int shard_id, const char *name, int64_t seq, json_t *d)
{
    (void)arg;
    (void)d;
    CHECK_EQ_INT(shard_id, 1);
    CHECK(nseen < 32);
    snprintf(names[nseen], sizeof names[0], "%s", name);
    seen[nseen++] = seq;
}

static void feed(gw_conn *c, const char *json)
{
    gw_payload p;
    CHECK(gw_payload_parse(json, strlen(json), &p) == 0);
    gw__proto_handle(c, &p);
    gw_payload_free(&p);
}

int main(void)
{
    uv_loop_t loop;
    CHECK(uv_loop_init(&loop) == 0);
    gw_opts o;
    gw_opts_init(&o);
    o.url = "wss://gateway.discord.gg";
    o.token = "t";
    o.shards = 2;
    o.shard_first = 1;
    o.on_dispatch = on_dispatch;
    gw *g;
    CHECK(gw_create(&g, &loop, NULL, &o) == 0);
    gw_shard *sh = &g->shards[0];
    CHECK_EQ_INT(sh->id, 1);
    gw_conn c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.sh = sh;
    sh->conn = &c;

    feed(&c, "{\"op\":0,\"s\":1,\"t\":\"READY\",\"d\":{\"session_id\":\"s1\","
             "\"resume_gateway_url\":\"wss://r.example\",\"guilds\":[]}}");
    CHECK_EQ_STR(sh->session_id, "s1");
    CHECK_EQ_STR(sh->resume_url, "wss://r.example");
    CHECK_EQ_INT(sh->state, GW_SHARD_READY);
    feed(&c, "{\"op\":0,\"s\":2,\"t\":\"A\",\"d\":{}}");
    feed(&c, "{\"op\":0,\"s\":3,\"t\":\"B\",\"d\":{}}");
    /* A replay overlapping what was handled. */
    feed(&c, "{\"op\":0,\"s\":2,\"t\":\"A\",\"d\":{}}");
    feed(&c, "{\"op\":0,\"s\":3,\"t\":\"B\",\"d\":{}}");
    feed(&c, "{\"op\":0,\"s\":4,\"t\":\"RESUMED\",\"d\":{}}");
    feed(&c, "{\"op\":0,\"s\":5,\"t\":\"C\",\"d\":{}}");
    /* No sequence number, no event name: not a dispatch to deliver. */
    feed(&c, "{\"op\":0,\"s\":null,\"t\":\"D\",\"d\":{}}");
    feed(&c, "{\"op\":0,\"s\":6,\"t\":null,\"d\":{}}");
    /* An ACK and an unknown op change nothing. */
    feed(&c, "{\"op\":11}");
    feed(&c, "{\"op\":42,\"d\":1}");
    CHECK_EQ_INT(nseen, 5);
    const char *want[] = {"READY", "A", "B", "RESUMED", "C"};
    for (int i = 0; i < nseen; i++) {
        CHECK_EQ_INT(seen[i], i + 1);
        CHECK_EQ_STR(names[i], want[i]);
    }
    gw_shard_status st;
    CHECK(gw_shard_status_get(g, 1, &st) == 0);
    CHECK_EQ_INT(st.duplicates, 2);
    CHECK_EQ_INT(st.dispatches, 5);
    CHECK_EQ_INT(st.resumes, 1);
    CHECK_EQ_INT(st.seq, 5);
    CHECK(!gw_ready(g) || st.state == GW_SHARD_READY);
    CHECK(gw_ready(g));

    sh->conn = NULL;
    gw_destroy(g);
    CHECK_EQ_INT(uv_loop_close(&loop), 0);
    printf("test_gw_proto: ok\n");
    return 0;
}
