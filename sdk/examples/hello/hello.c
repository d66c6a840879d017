/*
 * hello: a complete, small bothost plugin.
 *
 * /hello greets the caller, counting greetings per guild in its own table, and
 * offers a "Wave back" button; the button answers with the count. Each greeting
 * also schedules a durable job that logs a reminder later
 * ([plugin.hello] reminder_delay_ms).
 */
#include <bothost/bothost.h>

#include <inttypes.h>
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

/* /hello: count, answer with an embed and a button, schedule a reminder. */
static int on_hello(bh_ctx *c)
{
    uint64_t guild = bh_id(c, BH_ID_GUILD);
    bh_result *r;
    int rc = bh_db_query(c, &r,
                         "INSERT INTO hello.greetings (guild_id, count) VALUES ($1, 1) "
                         "ON CONFLICT (guild_id) DO UPDATE SET count = greetings.count + 1 "
                         "RETURNING count",
                         BH_ARGS(bh_i64((int64_t)guild)));
    if (rc < 0)
        return rc;
    int64_t count = bh_result_i64(r, 0, 0);

    char text[128];
    snprintf(text, sizeof text, "Hello <@%" PRIu64 ">! That is greeting number %lld here.",
             bh_id(c, BH_ID_USER), (long long)count);
    bh_msg *m = bh_msg_new(c);
    bh_embed *e = bh_msg_embed(m);
    bh_embed_set(e, BH_EMBED_TITLE, "Hello");
    bh_embed_set(e, BH_EMBED_DESCRIPTION, text);
    bh_embed_color(e, 0x57F287);
    /* The host turns "wave" into "hello:wave" and routes clicks back to on_wave. */
    bh_row_button(bh_msg_row(m), BH_BUTTON_PRIMARY, "Wave back", "wave", "\xF0\x9F\x91\x8B", 0);
    rc = bh_reply(c, m);
    if (rc < 0)
        return rc;

    json_t *payload = json_pack("{s:I}", "count", (json_int_t)count);
    rc = bh_job_schedule(c, "remind", now_ms() + reminder_delay_ms, payload, NULL);
    json_decref(payload);
    return rc;
}

/* The "Wave back" button: an answer only the clicker sees. */
static int on_wave(bh_ctx *c)
{
    bh_result *r;
    int rc = bh_db_query(c, &r, "SELECT count FROM hello.greetings WHERE guild_id = $1",
                         BH_ARGS(bh_i64((int64_t)bh_id(c, BH_ID_GUILD))));
    if (rc < 0)
        return rc;
    return bh_reply_text(c, "\xF0\x9F\x91\x8B Waving back. %lld greeting(s) so far.",
                         (long long)bh_result_i64(r, 0, 0));
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
    if (bh_config_i64_range(h, "reminder_delay_ms", 60000, 0, 86400000, &reminder_delay_ms) < 0)
        return BH_EINVAL;
    int rc = bh_command_register(h, "{\"name\":\"hello\",\"description\":\"Say hello\"}");
    if (rc == 0)
        rc = bh_command_handle(h, "hello", on_hello);
    if (rc == 0)
        rc = bh_component_handle(h, "wave", on_wave);
    if (rc == 0)
        rc = bh_job_handle(h, "remind", on_remind);
    return rc;
}

BH_PLUGIN(.name = "hello", .version = "1.0.0", .description = "Greets people",
          .load = hello_load);
