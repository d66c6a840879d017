/*
 * interact: one of every kind of interaction, for the end-to-end tests.
 *
 * /echo text:<s> [times:<n>]   replies "echo: <s>" with a button and a select
 * /tools slow ms:<n>           sleeps, then replies (auto-defer)
 * /tools fail                  fails on purpose
 * /tools form                  opens a modal; its submission replies with the fields
 * /tools quiet                 returns without answering (the host acknowledges)
 * /tools dbwork ms:<n>         a query holding its connection for n ms, then a reply
 * /tools long text:<s> n:<k> [cut:<b>]  bh_reply_text() of <s> repeated k times (cut at 2000
 *                              characters), or with cut: a reply cut at byte b (may be refused)
 * button "interact:again:<n>"  replies "again <n>"
 * select "interact:pick"       replies "picked <values>"
 * GUILD_MEMBER_ADD             records the member in interact.joins (exactly once)
 * Every call of the reload test variant records itself in interact.calls.
 */
#include <bothost/bothost.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bh_host *H;

static int on_echo(bh_ctx *c)
{
    char text[300];
    snprintf(text, sizeof text, "echo: %s x%lld", bh_opt_text(c, "text", "?"),
             (long long)bh_opt_i64(c, "times", 1));
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    bh_row *row = bh_msg_row(m);
    bh_row_button(row, BH_BUTTON_SUCCESS, "Again", "again:7", NULL, 0);
    bh_row_button(row, BH_BUTTON_SECONDARY, "Rename", "formbtn", NULL, 0);
    bh_select *s = bh_row_select(bh_msg_row(m), BH_SELECT_STRING, "pick", "Choose", 1, 2);
    bh_select_option(s, "Red", "red", NULL, NULL, 0);
    bh_select_option(s, "Blue", "blue", "the colour of the sky", NULL, 0);
    bh_select_option(s, "Green", "green", NULL, NULL, 0);
    int rc = bh_db_exec(c, "INSERT INTO interact.calls (what) VALUES ($1)", BH_ARGS(bh_text(text)));
    return rc < 0 ? rc : bh_reply(c, m);
}

static int on_again(bh_ctx *c)
{
    int64_t n;
    int rc = bh_cid_i64(c, 1, &n);
    return rc < 0 ? rc : bh_reply_text(c, "again %lld (%d parts)", (long long)n, bh_cid_count(c));
}

static int on_pick(bh_ctx *c)
{
    char text[200] = "picked";
    for (int i = 0; i < bh_value_count(c); i++) {
        strncat(text, " ", sizeof text - strlen(text) - 1);
        strncat(text, bh_value(c, i), sizeof text - strlen(text) - 1);
    }
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, text);
    return bh_update(c, m);
}

static int on_slow(bh_ctx *c)
{
    int64_t ms = bh_opt_i64(c, "ms", 1000);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
    return bh_reply_text(c, "slow done after %lld ms", (long long)ms);
}

static int on_fail(bh_ctx *c)
{
    (void)c;
    bh_log(H, BH_LOG_INFO, "failing on purpose");
    return BH_EINVAL;
}

static int on_form(bh_ctx *c)
{
    bh_modal *md = bh_modal_new(c, "form:1", "Tell us");
    bh_modal_text(md, &(bh_text_input){.custom_id = "name",
                                       .label = "Your name",
                                       .min_length = 1,
                                       .max_length = 32,
                                       .required = 1,
                                       .placeholder = "Ada"});
    bh_modal_text(md, &(bh_text_input){.custom_id = "about",
                                       .label = "About you",
                                       .style = BH_TEXT_PARAGRAPH,
                                       .max_length = 400});
    return bh_modal_open(c, md);
}

static int on_form_submit(bh_ctx *c)
{
    const char *about = bh_field(c, "about");
    return bh_reply_text(c, "form from %s: %s", bh_field(c, "name"), about && *about ? about : "-");
}

/* Every REST and cache helper of the SDK, against a target member; replies "admin ok" or what failed. */
static int on_admin(bh_ctx *c)
{
    uint64_t guild = bh_id(c, BH_ID_GUILD), channel = bh_id(c, BH_ID_CHANNEL);
    uint64_t user = bh_opt_id(c, "user"), role = bh_opt_id(c, "role");
    uint64_t closed = bh_opt_id(c, "closed");
    char failed[1024] = "";
#define STEP(what, expr)                                                                     \
    do {                                                                                     \
        int rc_ = (expr);                                                                    \
        if (rc_ < 0)                                                                         \
            snprintf(failed + strlen(failed), sizeof failed - strlen(failed), " %s(%s)",     \
                     what, bh_ctx_error(c));                                                 \
    } while (0)
    bh_msg *m = bh_msg_new(c);
    bh_msg_content(m, "posted by the admin tool");
    uint64_t id = 0;
    STEP("send", bh_message_send(c, channel, m, &id));
    bh_msg_content(m, "edited by the admin tool");
    STEP("edit", bh_message_edit(c, channel, id, m));
    STEP("delete", bh_message_delete(c, channel, id));
    STEP("role_add", bh_role_add(c, guild, user, role, "admin tool"));
    STEP("role_remove", bh_role_remove(c, guild, user, role, "admin tool"));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    STEP("timeout", bh_member_timeout(c, guild, user, (int64_t)now.tv_sec * 1000 + 60000, "cool off"));
    STEP("untimeout", bh_member_timeout(c, guild, user, 0, NULL));
    STEP("dm", bh_dm_send(c, user, m, NULL));
    json_t *member = NULL;
    STEP("member_get", bh_member_get(c, guild, user, &member));
    if (!json_object_get(member, "roles"))
        strncat(failed, " member_get(no roles)", sizeof failed - strlen(failed) - 1);
    /* The target's permissions from the cache: a plain member, no Administrator. */
    uint64_t roles[32];
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(member, "roles"), i, r)
        if (n < 32)
            roles[n++] = strtoull(json_string_value(r), NULL, 10);
    uint64_t perms, owner_perms, bot_perms;
    STEP("member_permissions", bh_member_permissions(c, guild, channel, user, roles, n, &perms));
    if ((perms & BH_PERM_ADMINISTRATOR) || !(perms & BH_PERM_VIEW_CHANNEL))
        strncat(failed, " member_permissions", sizeof failed - strlen(failed) - 1);
    json_decref(member);
    /* The acting owner: everything, as Discord computed it too. */
    n = bh_actor_roles(c, roles, 32);
    STEP("owner_permissions",
         bh_member_permissions(c, guild, 0, bh_id(c, BH_ID_USER), roles, n, &owner_perms));
    if (!(owner_perms & BH_PERM_ADMINISTRATOR) ||
        !(bh_actor_permissions(c) & BH_PERM_ADMINISTRATOR))
        strncat(failed, " owner_permissions", sizeof failed - strlen(failed) - 1);
    bh_role_info info;
    STEP("guild_role", bh_guild_role(c, guild, role, &info));
    if (bh_bot_top_position(c, guild) <= info.position)
        strncat(failed, " hierarchy", sizeof failed - strlen(failed) - 1);
    STEP("bot_permissions", bh_bot_permissions(c, guild, 0, &bot_perms));
    if (!(bot_perms & BH_PERM_MANAGE_ROLES))
        strncat(failed, " bot_permissions", sizeof failed - strlen(failed) - 1);
    /* Refused: the bot may not post in this channel. */
    int rc = bh_message_send(c, closed, m, NULL);
    if (rc != BH_EPERM || bh_discord_code(c) != 50013)
        strncat(failed, " no_refusal", sizeof failed - strlen(failed) - 1);
    STEP("ban", bh_member_ban(c, guild, user, 0, "admin tool"));
    STEP("unban", bh_member_unban(c, guild, user, "admin tool"));
    return bh_reply_text(c, "admin%s", failed[0] ? failed : " ok");
#undef STEP
}

/* A button that opens a modal; its slow submission updates the button's message. */
static int on_formbtn(bh_ctx *c)
{
    bh_modal *md = bh_modal_new(c, "slowform", "Rename");
    bh_modal_text(md, &(bh_text_input){.custom_id = "text",
                                       .label = "New text",
                                       .min_length = 1,
                                       .max_length = 50,
                                       .required = 1});
    return bh_modal_open(c, md);
}

static int on_slowform(bh_ctx *c)
{
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
    bh_msg *m = bh_msg_new(c);
    char text[80];
    snprintf(text, sizeof text, "renamed: %s", bh_field(c, "text"));
    bh_msg_content(m, text);
    return bh_update(c, m);
}

static int on_quiet(bh_ctx *c)
{
    (void)c;
    return 0;
}

static int on_dbwork(bh_ctx *c)
{
    int64_t ms = bh_opt_i64(c, "ms", 100);
    int64_t rc = bh_db_exec(c, "SELECT pg_sleep($1::float8 / 1000)", BH_ARGS(bh_i64(ms)));
    if (rc < 0)
        return (int)rc;
    return bh_reply_text(c, "dbwork done");
}

static int on_long(bh_ctx *c)
{
    const char *unit = bh_opt_text(c, "text", "x");
    int64_t n = bh_opt_i64(c, "n", 1);
    size_t len = strlen(unit);
    char *text = malloc(len * (size_t)n + 1);
    if (!text)
        return BH_ENOMEM;
    for (int64_t i = 0; i < n; i++)
        memcpy(text + (size_t)i * len, unit, len);
    text[len * (size_t)n] = '\0';
    int64_t cut = bh_opt_i64(c, "cut", -1);
    if (cut >= 0 && (size_t)cut < len * (size_t)n) {
        /* A naive byte cut, which may split a character: the reply is refused; returns 0 anyway. */
        text[cut] = '\0';
        bh_msg *m = bh_msg_new(c);
        bh_msg_content(m, text);
        int rc = bh_reply(c, m);
        bh_log(H, BH_LOG_INFO, "long: reply returned %d: %s", rc, rc < 0 ? bh_ctx_error(c) : "");
        free(text);
        return 0;
    }
    int rc = bh_reply_text(c, "%s", text);
    free(text);
    return rc;
}

static int on_member_add(bh_ctx *c)
{
    const char *user = json_string_value(json_object_get(json_object_get(bh_ctx_data(c), "user"), "id"));
    int64_t rc = bh_db_exec(c, "INSERT INTO interact.joins (user_id) VALUES ($1::bigint)",
                            BH_ARGS(bh_text(user)));
    return rc < 0 ? (int)rc : 0;
}

static int interact_load(bh_host *h)
{
    H = h;
    static const char echo[] =
        "{\"name\":\"echo\",\"description\":\"Echo text\",\"options\":["
        "{\"type\":3,\"name\":\"text\",\"description\":\"what to say\",\"required\":true},"
        "{\"type\":4,\"name\":\"times\",\"description\":\"how often\",\"min_value\":1}]}";
    static const char tools[] =
        "{\"name\":\"tools\",\"description\":\"Test tools\",\"options\":["
        "{\"type\":1,\"name\":\"slow\",\"description\":\"slow answer\",\"options\":["
        "{\"type\":4,\"name\":\"ms\",\"description\":\"sleep\",\"required\":true}]},"
        "{\"type\":1,\"name\":\"fail\",\"description\":\"fails\"},"
        "{\"type\":1,\"name\":\"form\",\"description\":\"opens a modal\"},"
        "{\"type\":1,\"name\":\"quiet\",\"description\":\"answers nothing\"},"
        "{\"type\":1,\"name\":\"dbwork\",\"description\":\"holds a connection\",\"options\":["
        "{\"type\":4,\"name\":\"ms\",\"description\":\"sleep\",\"required\":true}]},"
        "{\"type\":1,\"name\":\"long\",\"description\":\"a long reply\",\"options\":["
        "{\"type\":3,\"name\":\"text\",\"description\":\"unit\",\"required\":true},"
        "{\"type\":4,\"name\":\"n\",\"description\":\"times\",\"required\":true},"
        "{\"type\":4,\"name\":\"cut\",\"description\":\"cut at this byte\"}]},"
        "{\"type\":1,\"name\":\"admin\",\"description\":\"REST helpers\",\"options\":["
        "{\"type\":6,\"name\":\"user\",\"description\":\"target\",\"required\":true},"
        "{\"type\":8,\"name\":\"role\",\"description\":\"role\",\"required\":true},"
        "{\"type\":7,\"name\":\"closed\",\"description\":\"no-send channel\",\"required\":true}]}]}";
    int rc = bh_command_register(h, echo);
    rc = rc ? rc : bh_command_register(h, tools);
    rc = rc ? rc : bh_command_handle(h, "echo", on_echo);
    rc = rc ? rc : bh_command_handle(h, "tools slow", on_slow);
    rc = rc ? rc : bh_command_handle(h, "tools fail", on_fail);
    rc = rc ? rc : bh_command_handle(h, "tools form", on_form);
    rc = rc ? rc : bh_command_handle(h, "tools admin", on_admin);
    rc = rc ? rc : bh_command_handle(h, "tools quiet", on_quiet);
    rc = rc ? rc : bh_command_handle(h, "tools dbwork", on_dbwork);
    rc = rc ? rc : bh_command_handle(h, "tools long", on_long);
    rc = rc ? rc : bh_component_handle(h, "again", on_again);
    rc = rc ? rc : bh_component_handle(h, "pick", on_pick);
    rc = rc ? rc : bh_component_handle(h, "formbtn", on_formbtn);
    rc = rc ? rc : bh_modal_handle(h, "slowform", on_slowform);
    rc = rc ? rc : bh_modal_handle(h, "form", on_form_submit);
    rc = rc ? rc : bh_event_handle(h, "GUILD_MEMBER_ADD", on_member_add);
    rc = rc ? rc : bh_intents_require(h, BH_INTENT_GUILD_MEMBERS);
    return rc;
}

BH_PLUGIN(.name = "interact", .version = "1.0." INTERACT_VARIANT, .load = interact_load);
