/*
 * hello: the smallest complete bothost plugin.
 *
 * /hello greets the caller and counts greetings per guild in its own table;
 * a "Wave back" button answers with the count; every greeting also schedules a
 * durable job that logs a reminder a minute later.
 */
#include <bothost/bothost.h>

#include <stdio.h>
#include <time.h>

static bh_host *H;
static int64_t reminder_delay_ms;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_hello(bh_ctx *c)
{
    const json_t *i = bh_ctx_data(c);
    const char *guild = json_string_value(json_object_get(i, "guild_id"));

    bh_result *r;
    int rc = bh_db_query(c, &r,
                         "INSERT INTO hello.greetings (guild_id, count) VALUES ($1, 1) "
                         "ON CONFLICT (guild_id) DO UPDATE SET count = greetings.count + 1 "
                         "RETURNING count",
                         BH_ARGS(bh_text(guild ? guild : "0")));
    if (rc < 0)
        return rc;
    int64_t count = bh_result_i64(r, 0, 0);
    bh_log(H, BH_LOG_INFO, "greeting number %lld", (long long)count);

    json_t *payload = json_pack("{s:I}", "count", (json_int_t)count);
    rc = bh_job_schedule(c, "remind", now_ms() + reminder_delay_ms, payload, NULL);
    json_decref(payload);
    return rc < 0 ? rc : 0;
}

static int on_remind(bh_ctx *c)
{
    json_int_t count = json_integer_value(json_object_get(bh_ctx_data(c), "count"));
    bh_log(H, BH_LOG_INFO, "reminder for greeting %lld", (long long)count);
    return 0;
}

static int hello_load(bh_host *h)
{
    H = h;
    if (bh_config_int(h, "reminder_delay_ms", 60000, &reminder_delay_ms) < 0)
        return BH_EINVAL;
    int rc = bh_command_register(h, "{\"name\":\"hello\",\"description\":\"Say hello\"}");
    if (rc == 0)
        rc = bh_command_handle(h, "hello", on_hello);
    if (rc == 0)
        rc = bh_job_handle(h, "remind", on_remind);
    return rc;
}

BH_PLUGIN(.name = "hello", .version = "1.0.0", .description = "Greets people",
          .load = hello_load);
