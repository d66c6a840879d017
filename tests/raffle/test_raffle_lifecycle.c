/*
 * Ending exactly once and surviving the process:
 * - a raffle whose end passed while bothost was down is closed at start;
 * - a close job scheduled before a restart and a hot reload still fires, and
 *   buttons posted before them keep working;
 * - a manager's close racing the close job ends each raffle once;
 * - a raffle message deleted behind the bot's back is reported once to the log
 *   channel and not retried.
 */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "raffle_test.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t q(e2e *t, const char *fmt, int64_t id)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, (long long)id);
    return rt_sql(t, sql);
}

static int64_t q_wait(e2e *t, const char *fmt, int64_t id, int64_t want, int timeout_ms)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, (long long)id);
    return rt_sql_wait(t, sql, want, timeout_ms);
}

int main(void)
{
    e2e t;
    rt_start(&t, "raffle_lifecycle", NULL);
    rt_config(&t, NULL);

    /* A: ends in 2 s, while the host is down. B: ends in 12 s, across a restart and a reload. */
    char msg_a[32], msg_b[32], cid[64], text[128];
    int64_t a = rt_create(&t, "spots:5", "Overdue", "Ends while bothost is down", "2s", msg_a);
    int64_t b = rt_create(&t, "spots:5", "Survivor", "Ends after a restart and a reload", "12s",
                          msg_b);
    e2e_stop_host(&t);
    /* The database's clock decides when A is overdue: wait until it is, host down. */
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.raffles WHERE id = %lld AND "
                            "ends_at < now()", a, 1, 10000), 1);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.raffles WHERE id = %lld AND state = 'open'", a), 1);
    rt_restart(&t);
    /* Overdue: closed at start by the scheduler, once. */
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.raffles WHERE id = %lld AND state = 'closed' "
                            "AND closed_by IS NULL", a, 1, 10000), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "**Overdue** (raffle #", 1, 5000), 1);
    CHECK(rt_message_wait(&t, msg_a, "Closed <t:", 5000));

    /* B's buttons work after the restart. */
    snprintf(cid, sizeof cid, "raffle:claim:%lld", (long long)b);
    char *s = rt_click(&t, "alice", msg_b, cid);
    RT_HAS(s, "You claimed spot");
    free(s);

    /* Hot reload (a new copy of raffle.so), then B's buttons again. */
    tsup_host_install_real_plugin(&t.dirs, "raffle");
    tsup_proc_signal(t.host, SIGHUP);
    const char *line = tsup_proc_wait_line(t.host, "reload: loaded=", 30000);
    CHECK(line && strstr(line, "reloaded=1"));
    s = rt_click(&t, "bob", msg_b, cid);
    RT_HAS(s, "You claimed spot");
    free(s);
    snprintf(cid, sizeof cid, "raffle:mine:%lld", (long long)b);
    s = rt_click(&t, "bob", msg_b, cid);
    RT_HAS(s, "Your spots in **Survivor**");
    free(s);
    CHECK(rt_message_wait(&t, msg_b, "2/5 claimed", 5000));
    /* B's close job fires after all that. */
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.raffles WHERE id = %lld AND state = 'closed' "
                            "AND closed_by IS NULL", b, 1, 20000), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "raffles", "**Survivor** (raffle #", 1, 5000), 1);
    CHECK(rt_message_wait(&t, msg_b, "Closed <t:", 5000));

    /*
     * The race: four raffles end while a manager closes each of them, from 200 ms
     * before its end to 200 ms after. They end 10 s after creation, so the
     * channel's message bucket is full again and nothing waits on a rate limit.
     */
    enum { RACE = 4 };
    static const int offset_ms[RACE] = {-200, -50, 50, 200};
    int64_t race[RACE], ends[RACE];
    char msgs[RACE][32], ids[RACE][32];
    for (int i = 0; i < RACE; i++) {
        char title[32];
        snprintf(title, sizeof title, "Race %d", i);
        race[i] = rt_create(&t, "spots:3", title, "Closed twice at once", "10s", msgs[i]);
        ends[i] = q(&t, "SELECT (extract(epoch FROM ends_at) * 1000)::bigint FROM raffle.raffles "
                        "WHERE id = %lld", race[i]);
    }
    for (int i = 0; i < RACE; i++) {
        int64_t wait = ends[i] + offset_ms[i] - now_ms();
        if (wait > 0)
            usleep((useconds_t)wait * 1000);
        snprintf(text, sizeof text, "/raffle close raffle:%lld", (long long)race[i]);
        rt_cmd_id(&t, NULL, text, ids[i]);
    }
    for (int i = 0; i < RACE; i++) {
        json_t *v = rt_wait(&t, ids[i]);
        json_decref(v);
        char title[48];
        snprintf(title, sizeof title, "**Race %d** (raffle #", i);
        CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.raffles WHERE id = %lld AND state = 'closed'",
                            race[i], 1, 10000), 1);
        CHECK_EQ_INT(rt_channel_wait(&t, "raffles", title, 1, 5000), 1);
    }
    /* Nothing left that could announce a second close: no close job, nothing queued. */
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'raffle' AND state = "
                            "'pending' AND (kind = 'bothost.rest' OR (kind = 'close' AND "
                            "(payload->>'raffle')::bigint >= %lld))", race[0], 0, 10000), 0);
    for (int i = 0; i < RACE; i++) {
        char title[48];
        snprintf(title, sizeof title, "**Race %d** (raffle #", i);
        CHECK_EQ_INT(rt_channel_count(&t, "raffles", title), 1);
        CHECK_EQ_INT(q(&t, "SELECT count(*) FROM raffle.events WHERE raffle_id = %lld AND kind = 'closed'",
                       race[i]), 1);
    }
    fprintf(stderr, "race: %lld closed by the manager, %lld by the job\n",
            (long long)q(&t, "SELECT count(*) FROM raffle.raffles WHERE id >= %lld AND closed_by IS NOT NULL", race[0]),
            (long long)q(&t, "SELECT count(*) FROM raffle.raffles WHERE id >= %lld AND closed_by IS NULL", race[0]));

    /* A deleted raffle message: reported once to #logs, not retried. */
    char msg_c[32];
    int64_t c = rt_create(&t, "spots:5", "Vanishing", "Its message gets deleted", "1d", msg_c);
    char path[64];
    snprintf(path, sizeof path, "/_emu/messages/%s", msg_c);
    int status = 0;
    json_decref(et_ctl(&t.emu, "DELETE", path, NULL, &status));
    CHECK(status == 200 || status == 204);
    snprintf(text, sizeof text, "/raffle extend raffle:%lld by:1h", (long long)c);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "updated");
    free(s);
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.message_lost WHERE raffle_id = %lld AND code = 10008",
                        c, 1, 10000), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "logs", "**Vanishing**", 0, 0), 0); /* the title is quoted, not bold */
    CHECK_EQ_INT(rt_channel_wait(&t, "logs", "\\\"Vanishing\\\": I can no longer update", 1, 5000), 1);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "updated");
    free(s);
    /* The second extend's render has run (and found the message lost): nothing is pending. */
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.render_due WHERE raffle_id = %lld", c, 0,
                        10000), 0);
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM bothost.jobs WHERE plugin = 'raffle' AND state = "
                            "'pending' AND (kind = 'bothost.rest' OR key = 'render-%lld')", c, 0,
                        10000), 0);
    CHECK_EQ_INT(rt_channel_count(&t, "logs", "I can no longer update"), 1);
    json_t *r = et_ctl(&t.emu, "GET", "/_emu/requests?method=PATCH&limit=1000", NULL, &status);
    int patches = 0;
    size_t i;
    json_t *req;
    json_array_foreach(json_object_get(r, "requests"), i, req)
        patches += strstr(json_string_value(json_object_get(req, "path")), msg_c) != NULL;
    json_decref(r);
    CHECK_EQ_INT(patches, 1);

    /* The raffle channel itself is deleted: Unknown Channel, reported once too. */
    char msg_d[32];
    int64_t d = rt_create(&t, "spots:5", "Channelless", "Its channel goes away", "1d", msg_d);
    json_decref(et_ctl(&t.emu, "DELETE", "/_emu/channels/raffles", NULL, &status));
    CHECK(status == 200 || status == 204);
    rt_use_channel("general");
    snprintf(text, sizeof text, "/raffle extend raffle:%lld by:1h", (long long)d);
    s = rt_cmd(&t, NULL, text);
    RT_HAS(s, "updated");
    free(s);
    CHECK_EQ_INT(q_wait(&t, "SELECT count(*) FROM raffle.message_lost WHERE raffle_id = %lld AND code = 10003",
                        d, 1, 10000), 1);
    CHECK_EQ_INT(rt_channel_wait(&t, "logs", "\\\"Channelless\\\": I can no longer update", 1, 5000), 1);

    e2e_teardown(&t);
    printf("test_raffle_lifecycle: ok\n");
    return 0;
}
