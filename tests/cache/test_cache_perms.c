/*
 * The guild cache against gateway payloads shaped like Discord's: permission
 * computation (the cases of Discord's permissions topic), the role hierarchy,
 * and how each event changes the answers.
 */
#include <string.h>

#include "bothost/abi.h"
#include "cache_test.h"

#define GUILD 197038439483310086ull
#define OWNER 80351110224678912ull
#define BOT 159985870458322944ull
#define USER 222222222222222222ull   /* a member with a member overwrite */
#define R_ADMIN 300000000000000001ull
#define R_MOD 300000000000000002ull
#define R_BOT 300000000000000003ull
#define R_HELP 300000000000000004ull
#define R_MUTED 300000000000000005ull
#define R_BOOST 300000000000000006ull
#define R_HIGH 300000000000000007ull
#define C_CAT 400000000000000001ull
#define C_GEN 400000000000000002ull
#define C_STAFF 400000000000000003ull
#define C_ANN 400000000000000004ull
#define C_BOTS 400000000000000005ull

#define EVERYONE_PERMS (PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES | PERM_READ_MESSAGE_HISTORY)
#define MOD_PERMS                                                                         \
    (PERM_KICK_MEMBERS | PERM_BAN_MEMBERS | PERM_MANAGE_MESSAGES | PERM_MODERATE_MEMBERS)
#define BOT_PERMS (PERM_MANAGE_ROLES | PERM_SEND_MESSAGES | PERM_EMBED_LINKS)

/* READY as Discord sends it (trimmed to what matters plus some noise). */
static const char *ready =
    "{\"v\":10,\"user\":{\"id\":\"159985870458322944\",\"username\":\"bothost\",\"bot\":true},"
    "\"guilds\":[{\"id\":\"197038439483310086\",\"unavailable\":true}],"
    "\"session_id\":\"abc\",\"resume_gateway_url\":\"wss://gateway.discord.gg\"}";

/* A guild with every case of the permissions topic in it. */
static const char *guild_create =
    "{\"id\":\"197038439483310086\",\"name\":\"Test Guild\",\"owner_id\":\"80351110224678912\","
    "\"unavailable\":false,\"member_count\":4,\"large\":false,"
    "\"joined_at\":\"2024-01-01T00:00:00.000000+00:00\","
    "\"roles\":["
    "{\"id\":\"197038439483310086\",\"name\":\"@everyone\",\"color\":0,\"hoist\":false,"
    "\"position\":0,\"permissions\":\"68608\",\"managed\":false,\"mentionable\":false,\"flags\":0},"
    "{\"id\":\"300000000000000001\",\"name\":\"Admin\",\"color\":15158332,\"hoist\":true,"
    "\"position\":10,\"permissions\":\"8\",\"managed\":false,\"mentionable\":false,\"flags\":0},"
    "{\"id\":\"300000000000000002\",\"name\":\"Moderator\",\"color\":3447003,\"hoist\":true,"
    "\"position\":8,\"permissions\":\"1099511635974\",\"managed\":false,\"mentionable\":true,"
    "\"flags\":0},"
    "{\"id\":\"300000000000000003\",\"name\":\"bothost\",\"color\":0,\"hoist\":false,"
    "\"position\":6,\"permissions\":\"268453888\",\"managed\":true,\"mentionable\":false,"
    "\"tags\":{\"bot_id\":\"159985870458322944\"},\"flags\":0},"
    "{\"id\":\"300000000000000004\",\"name\":\"Helper\",\"color\":0,\"hoist\":false,"
    "\"position\":5,\"permissions\":\"0\",\"managed\":false,\"mentionable\":false,\"flags\":1},"
    "{\"id\":\"300000000000000005\",\"name\":\"Muted\",\"color\":0,\"hoist\":false,"
    "\"position\":3,\"permissions\":\"0\",\"managed\":false,\"mentionable\":false,\"flags\":0},"
    "{\"id\":\"300000000000000006\",\"name\":\"Server Booster\",\"color\":16023551,"
    "\"hoist\":false,\"position\":2,\"permissions\":\"0\",\"managed\":true,"
    "\"mentionable\":false,\"tags\":{\"premium_subscriber\":null},\"flags\":0},"
    "{\"id\":\"300000000000000007\",\"name\":\"Veteran \xc3\xa9\xe2\x98\x85\",\"color\":0,"
    "\"hoist\":false,\"position\":7,\"permissions\":\"0\",\"managed\":false,"
    "\"mentionable\":false,\"flags\":0}"
    "],"
    "\"channels\":["
    "{\"id\":\"400000000000000001\",\"type\":4,\"name\":\"Text Channels\",\"position\":0,"
    "\"permission_overwrites\":[],\"flags\":0},"
    "{\"id\":\"400000000000000002\",\"type\":0,\"name\":\"general\",\"position\":1,"
    "\"parent_id\":\"400000000000000001\",\"topic\":null,\"nsfw\":false,"
    "\"rate_limit_per_user\":0,\"last_message_id\":null,\"permission_overwrites\":[]},"
    "{\"id\":\"400000000000000003\",\"type\":0,\"name\":\"staff\",\"position\":2,"
    "\"parent_id\":\"400000000000000001\",\"permission_overwrites\":["
    "{\"id\":\"197038439483310086\",\"type\":0,\"allow\":\"0\",\"deny\":\"1024\"},"
    "{\"id\":\"300000000000000002\",\"type\":0,\"allow\":\"1024\",\"deny\":\"0\"}]},"
    "{\"id\":\"400000000000000004\",\"type\":5,\"name\":\"announcements\",\"position\":3,"
    "\"parent_id\":null,\"permission_overwrites\":["
    "{\"id\":\"197038439483310086\",\"type\":0,\"allow\":\"0\",\"deny\":\"2048\"},"
    "{\"id\":\"300000000000000004\",\"type\":0,\"allow\":\"2048\",\"deny\":\"0\"},"
    "{\"id\":\"300000000000000005\",\"type\":0,\"allow\":\"0\",\"deny\":\"2048\"},"
    "{\"id\":\"222222222222222222\",\"type\":1,\"allow\":\"0\",\"deny\":\"2048\"},"
    "{\"id\":\"333333333333333333\",\"type\":1,\"allow\":\"2048\",\"deny\":\"0\"}]},"
    "{\"id\":\"400000000000000005\",\"type\":0,\"name\":\"bots\",\"position\":4,"
    "\"parent_id\":\"400000000000000001\",\"permission_overwrites\":["
    "{\"id\":\"300000000000000003\",\"type\":0,\"allow\":\"0\",\"deny\":\"16384\"},"
    "{\"id\":\"159985870458322944\",\"type\":1,\"allow\":\"32768\",\"deny\":\"0\"}]}"
    "],"
    "\"threads\":[{\"id\":\"500000000000000001\",\"type\":11,\"parent_id\":\"400000000000000002\","
    "\"name\":\"a thread\"}],"
    "\"members\":["
    "{\"user\":{\"id\":\"80351110224678912\",\"username\":\"owner\"},\"roles\":[],"
    "\"joined_at\":\"2020-01-01T00:00:00.000000+00:00\",\"deaf\":false,\"mute\":false},"
    "{\"user\":{\"id\":\"159985870458322944\",\"username\":\"bothost\",\"bot\":true},"
    "\"roles\":[\"300000000000000003\",\"300000000000000004\"],"
    "\"joined_at\":\"2024-01-01T00:00:00.000000+00:00\",\"deaf\":false,\"mute\":false}"
    "],"
    "\"presences\":[],\"voice_states\":[],\"emojis\":[],\"stickers\":[]}";

static uint64_t chan_perms(cache *c, uint64_t ch, uint64_t user, const uint64_t *roles, int n)
{
    uint64_t p = 0;
    CHECK_EQ_INT(cache_channel_permissions(c, GUILD, ch, user, roles, n, &p), 0);
    return p;
}

static uint64_t base(cache *c, uint64_t user, const uint64_t *roles, int n)
{
    uint64_t p = 0;
    CHECK_EQ_INT(cache_base_permissions(c, GUILD, user, roles, n, &p), 0);
    return p;
}

static void test_permissions(cache *c)
{
    uint64_t none[1] = {0};
    /* The owner has everything, everywhere, with no roles at all. */
    CHECK(base(c, OWNER, none, 0) == PERM_ALL);
    CHECK(chan_perms(c, C_STAFF, OWNER, none, 0) == PERM_ALL);

    /* @everyone alone: the role whose id is the guild's. */
    CHECK(base(c, 1, none, 0) == EVERYONE_PERMS);
    CHECK(chan_perms(c, C_GEN, 1, none, 0) == EVERYONE_PERMS);

    /* ADMINISTRATOR gives everything and bypasses overwrites. */
    uint64_t admin[] = {R_ADMIN};
    CHECK(base(c, 1, admin, 1) == PERM_ALL);
    CHECK(chan_perms(c, C_STAFF, 1, admin, 1) == PERM_ALL);
    CHECK(chan_perms(c, C_ANN, USER, admin, 1) == PERM_ALL);

    /* Roles OR together; unknown role ids are ignored. */
    uint64_t mod[] = {R_MOD, 999};
    CHECK(base(c, 1, mod, 2) == (EVERYONE_PERMS | MOD_PERMS));

    /* @everyone deny hides the channel; a role allow brings it back. */
    CHECK(chan_perms(c, C_STAFF, 1, none, 0) == (EVERYONE_PERMS & ~PERM_VIEW_CHANNEL));
    CHECK(chan_perms(c, C_STAFF, 1, mod, 2) == (EVERYONE_PERMS | MOD_PERMS));

    /* Role overwrites: denies OR'd, allows OR'd, allow applied after deny. */
    uint64_t helper[] = {R_HELP}, muted[] = {R_MUTED}, both[] = {R_MUTED, R_HELP};
    CHECK(chan_perms(c, C_ANN, 1, none, 0) == (EVERYONE_PERMS & ~PERM_SEND_MESSAGES));
    CHECK(chan_perms(c, C_ANN, 1, helper, 1) == EVERYONE_PERMS);
    CHECK(chan_perms(c, C_ANN, 1, muted, 1) == (EVERYONE_PERMS & ~PERM_SEND_MESSAGES));
    CHECK(chan_perms(c, C_ANN, 1, both, 2) == EVERYONE_PERMS);

    /* The member's own overwrite beats every role overwrite, both ways. */
    CHECK(chan_perms(c, C_ANN, USER, helper, 1) == (EVERYONE_PERMS & ~PERM_SEND_MESSAGES));
    CHECK(chan_perms(c, C_ANN, 333333333333333333ull, muted, 1) == EVERYONE_PERMS);

    /* channel 0 is the base; an unknown channel or guild is BH_ENOTFOUND. */
    uint64_t p;
    CHECK(chan_perms(c, 0, 1, mod, 2) == (EVERYONE_PERMS | MOD_PERMS));
    CHECK_EQ_INT(cache_channel_permissions(c, GUILD, 42, 1, none, 0, &p), BH_ENOTFOUND);
    CHECK_EQ_INT(cache_channel_permissions(c, 42, C_GEN, 1, none, 0, &p), BH_ENOTFOUND);
    CHECK_EQ_INT(cache_base_permissions(c, 42, 1, none, 0, &p), BH_ENOTFOUND);

    /* The bot: its roles from the members array, its member overwrite in #bots. */
    uint64_t bot_base = EVERYONE_PERMS | BOT_PERMS;
    CHECK_EQ_INT(cache_bot_permissions(c, GUILD, 0, &p), 0);
    CHECK(p == bot_base);
    CHECK_EQ_INT(cache_bot_permissions(c, GUILD, C_BOTS, &p), 0);
    CHECK(p == ((bot_base & ~PERM_EMBED_LINKS) | PERM_ATTACH_FILES));
    CHECK_EQ_INT(cache_bot_permissions(c, GUILD, C_ANN, &p), 0);
    CHECK(p == bot_base); /* Helper's allow wins over @everyone's deny */
}

static void test_reads(cache *c)
{
    CHECK(cache_bot_user_id(c) == BOT);
    cache_guild_info gi;
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK(gi.owner_id == OWNER);
    CHECK_EQ_INT(gi.role_count, 8);
    CHECK_EQ_INT(gi.channel_count, 5); /* the thread is not a channel here */
    CHECK_EQ_INT(gi.bot_role_count, 2);
    CHECK(gi.bot_member_known && !gi.unavailable);

    cache_role_info r;
    CHECK_EQ_INT(cache_role(c, GUILD, R_MOD, &r), 0);
    CHECK_EQ_STR(r.name, "Moderator");
    CHECK_EQ_INT(r.position, 8);
    CHECK(r.permissions == MOD_PERMS);
    CHECK_EQ_INT(r.color, 3447003);
    CHECK(r.hoist && r.mentionable && !r.managed);
    CHECK_EQ_INT(cache_role(c, GUILD, R_HELP, &r), 0);
    CHECK_EQ_INT(r.flags, 1);
    CHECK_EQ_INT(cache_role(c, GUILD, R_HIGH, &r), 0);
    CHECK_EQ_STR(r.name, "Veteran \xc3\xa9\xe2\x98\x85");
    CHECK_EQ_INT(cache_role(c, GUILD, R_BOOST, &r), 0);
    CHECK(r.managed);
    CHECK_EQ_INT(cache_role(c, GUILD, 12345, &r), BH_ENOTFOUND);
    CHECK_EQ_INT(cache_role(c, 12345, R_MOD, &r), BH_ENOTFOUND);

    uint64_t p;
    CHECK_EQ_INT(cache_channel_permissions(c, GUILD, C_CAT, USER, NULL, 0, &p), 0);
    CHECK_EQ_INT(cache_channel_permissions(c, GUILD, 500000000000000001ull, USER, NULL, 0, &p),
                 BH_ENOTFOUND); /* the thread */
}

static void test_hierarchy(cache *c)
{
    int32_t top;
    CHECK_EQ_INT(cache_bot_top_position(c, GUILD, &top), 0);
    CHECK_EQ_INT(top, 6);
    uint64_t roles[] = {R_MUTED, R_MOD, 77};
    CHECK_EQ_INT(cache_member_highest_position(c, GUILD, roles, 3, &top), 0);
    CHECK_EQ_INT(top, 8);
    CHECK_EQ_INT(cache_member_highest_position(c, GUILD, roles, 0, &top), 0);
    CHECK_EQ_INT(top, 0);

    enum cache_deny why;
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_HELP, &why), 0);
    CHECK_EQ_INT(why, CACHE_DENY_NONE);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_MUTED, &why), 0);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_HIGH, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_HIERARCHY);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_ADMIN, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_HIERARCHY);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_BOT, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_MANAGED);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_BOOST, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_MANAGED);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, GUILD, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_EVERYONE);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, 999, &why), BH_ENOTFOUND);
    CHECK(strstr(cache_deny_text(CACHE_DENY_HIERARCHY), "highest"));

    /* A role at the actor's own position is not below it (Moderator is 8, bothost's
     * role gives Manage Roles). */
    uint64_t mod_bot[] = {R_MOD, R_BOT};
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, mod_bot, 2, R_MOD, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_HIERARCHY);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, mod_bot, 2, R_HIGH, NULL), 0);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, mod_bot, 2, R_BOOST, &why),
                 BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_MANAGED);

    /* Any member: the owner with no role at all may manage every assignable role. */
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, OWNER, NULL, 0, R_ADMIN, &why), 0);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, OWNER, NULL, 0, R_HIGH, &why), 0);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, OWNER, NULL, 0, R_BOOST, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_MANAGED);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, OWNER, NULL, 0, GUILD, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_EVERYONE);
    /* Administrator gives Manage Roles but not a pass on the hierarchy. */
    uint64_t admin[] = {R_ADMIN};
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, admin, 1, R_MOD, &why), 0);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, admin, 1, R_ADMIN, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_HIERARCHY);
    /* High enough but without Manage Roles: the permission is the reason. */
    uint64_t mod[] = {R_MOD};
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, mod, 1, R_HELP, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_PERMISSION);
    CHECK_EQ_INT(cache_member_can_manage_role(c, GUILD, USER, mod, 1, 999, &why), BH_ENOTFOUND);
    CHECK_EQ_INT(cache_member_can_manage_role(c, 12345, USER, mod, 1, R_HELP, &why), BH_ENOTFOUND);
}

static void test_updates(cache *c)
{
    enum cache_deny why;
    uint64_t p, none[1] = {0};
    int32_t top;

    /* The bot's role loses MANAGE_ROLES: permission, not hierarchy, is the reason. */
    CHECK_EQ_INT(feed(c, "GUILD_ROLE_UPDATE",
                      "{\"guild_id\":\"197038439483310086\",\"role\":{\"id\":\"300000000000000003\","
                      "\"name\":\"bothost\",\"color\":0,\"hoist\":false,\"position\":6,"
                      "\"permissions\":\"18432\",\"managed\":true,\"mentionable\":false,\"flags\":0}}"),
                 0);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_HELP, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_PERMISSION);

    /* The bot is given Admin (GUILD_MEMBER_UPDATE for itself): everything, top 10. */
    CHECK_EQ_INT(feed(c, "GUILD_MEMBER_UPDATE",
                      "{\"guild_id\":\"197038439483310086\",\"user\":{\"id\":\"159985870458322944\","
                      "\"username\":\"bothost\",\"bot\":true},\"roles\":[\"300000000000000003\","
                      "\"300000000000000004\",\"300000000000000001\"],\"nick\":null}"),
                 0);
    CHECK_EQ_INT(cache_bot_top_position(c, GUILD, &top), 0);
    CHECK_EQ_INT(top, 10);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, R_HIGH, &why), 0);
    CHECK_EQ_INT(cache_bot_permissions(c, GUILD, C_BOTS, &p), 0);
    CHECK(p == PERM_ALL);
    /* Another member's update does not touch the bot's roles. */
    CHECK_EQ_INT(feed(c, "GUILD_MEMBER_UPDATE",
                      "{\"guild_id\":\"197038439483310086\",\"user\":{\"id\":\"5\"},\"roles\":[]}"),
                 0);
    CHECK_EQ_INT(cache_bot_top_position(c, GUILD, &top), 0);
    CHECK_EQ_INT(top, 10);

    /* A new role, then moved above everything. */
    CHECK_EQ_INT(feed(c, "GUILD_ROLE_CREATE",
                      "{\"guild_id\":\"197038439483310086\",\"role\":{\"id\":\"300000000000000009\","
                      "\"name\":\"new role\",\"color\":0,\"hoist\":false,\"position\":1,"
                      "\"permissions\":\"0\",\"managed\":false,\"mentionable\":false}}"),
                 0);
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, 300000000000000009ull, &why), 0);
    CHECK_EQ_INT(feed(c, "GUILD_ROLE_UPDATE",
                      "{\"guild_id\":\"197038439483310086\",\"role\":{\"id\":\"300000000000000009\","
                      "\"name\":\"renamed\",\"position\":11,\"permissions\":\"0\"}}"),
                 0);
    cache_role_info r;
    CHECK_EQ_INT(cache_role(c, GUILD, 300000000000000009ull, &r), 0);
    CHECK_EQ_STR(r.name, "renamed");
    CHECK_EQ_INT(cache_bot_can_manage_role(c, GUILD, 300000000000000009ull, &why), BH_EPERM);
    CHECK_EQ_INT(why, CACHE_DENY_HIERARCHY);

    /* Deleting Admin: gone from the guild and from the bot's roles. */
    CHECK_EQ_INT(feed(c, "GUILD_ROLE_DELETE",
                      "{\"guild_id\":\"197038439483310086\",\"role_id\":\"300000000000000001\"}"),
                 0);
    CHECK_EQ_INT(cache_role(c, GUILD, R_ADMIN, &r), BH_ENOTFOUND);
    cache_guild_info gi;
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK_EQ_INT(gi.role_count, 8);
    CHECK_EQ_INT(gi.bot_role_count, 2);
    CHECK_EQ_INT(cache_bot_top_position(c, GUILD, &top), 0);
    CHECK_EQ_INT(top, 6);
    uint64_t admin[] = {R_ADMIN};
    CHECK(base(c, 1, admin, 1) == EVERYONE_PERMS);

    /* @everyone loses SEND_MESSAGES guild-wide. */
    CHECK_EQ_INT(feed(c, "GUILD_ROLE_UPDATE",
                      "{\"guild_id\":\"197038439483310086\",\"role\":{\"id\":\"197038439483310086\","
                      "\"name\":\"@everyone\",\"position\":0,\"permissions\":\"66560\"}}"),
                 0);
    CHECK(base(c, 1, none, 0) == (EVERYONE_PERMS & ~PERM_SEND_MESSAGES));

    /* Channel overwrites replaced: staff now open to Helper, closed to Moderator. */
    CHECK_EQ_INT(feed(c, "CHANNEL_UPDATE",
                      "{\"id\":\"400000000000000003\",\"guild_id\":\"197038439483310086\","
                      "\"type\":0,\"name\":\"staff-room\",\"position\":2,"
                      "\"parent_id\":\"400000000000000001\",\"permission_overwrites\":["
                      "{\"id\":\"197038439483310086\",\"type\":0,\"allow\":\"0\",\"deny\":\"1024\"},"
                      "{\"id\":\"300000000000000004\",\"type\":0,\"allow\":\"3072\",\"deny\":\"0\"}]}"),
                 0);
    uint64_t mod[] = {R_MOD}, helper[] = {R_HELP};
    CHECK(!(chan_perms(c, C_STAFF, 1, mod, 1) & PERM_VIEW_CHANNEL));
    CHECK((chan_perms(c, C_STAFF, 1, helper, 1) & (PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES)) ==
          (PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES));

    /* A new channel, a DM (ignored), a thread (ignored), then a delete. */
    CHECK_EQ_INT(feed(c, "CHANNEL_CREATE",
                      "{\"id\":\"400000000000000009\",\"guild_id\":\"197038439483310086\","
                      "\"type\":2,\"name\":\"Voice\",\"position\":9,\"bitrate\":64000,"
                      "\"permission_overwrites\":[]}"),
                 0);
    CHECK_EQ_INT(cache_channel_permissions(c, GUILD, 400000000000000009ull, USER, none, 0, &p),
                 0);
    CHECK_EQ_INT(feed(c, "CHANNEL_CREATE",
                      "{\"id\":\"600000000000000001\",\"type\":1,\"recipients\":[]}"),
                 0);
    CHECK_EQ_INT(feed(c, "CHANNEL_CREATE",
                      "{\"id\":\"600000000000000002\",\"guild_id\":\"197038439483310086\","
                      "\"type\":11,\"parent_id\":\"400000000000000002\",\"name\":\"t\"}"),
                 0);
    CHECK_EQ_INT(feed(c, "THREAD_CREATE",
                      "{\"id\":\"600000000000000003\",\"guild_id\":\"197038439483310086\","
                      "\"type\":11,\"parent_id\":\"400000000000000002\",\"name\":\"t\"}"),
                 0);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK_EQ_INT(gi.channel_count, 6);
    CHECK_EQ_INT(feed(c, "CHANNEL_DELETE",
                      "{\"id\":\"400000000000000004\",\"guild_id\":\"197038439483310086\","
                      "\"type\":5,\"name\":\"announcements\"}"),
                 0);
    CHECK_EQ_INT(cache_channel_permissions(c, GUILD, C_ANN, USER, none, 0, &p), BH_ENOTFOUND);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK_EQ_INT(gi.channel_count, 5);

    /* GUILD_UPDATE: a new owner; roles as sent replace ours, channels stay. */
    CHECK_EQ_INT(feed(c, "GUILD_UPDATE",
                      "{\"id\":\"197038439483310086\",\"name\":\"Renamed\",\"owner_id\":\"5\","
                      "\"roles\":[{\"id\":\"197038439483310086\",\"name\":\"@everyone\","
                      "\"position\":0,\"permissions\":\"1024\"},"
                      "{\"id\":\"300000000000000003\",\"name\":\"bothost\",\"position\":1,"
                      "\"permissions\":\"268435456\",\"managed\":true}]}"),
                 0);
    CHECK(base(c, 5, none, 0) == PERM_ALL);
    CHECK(base(c, OWNER, none, 0) == PERM_VIEW_CHANNEL);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK_EQ_INT(gi.role_count, 2);
    CHECK_EQ_INT(gi.channel_count, 5);
    CHECK_EQ_INT(gi.bot_role_count, 2); /* the deleted Helper is still listed, harmlessly */

    /* Events for a guild not cached are ignored. */
    CHECK_EQ_INT(feed(c, "GUILD_ROLE_CREATE",
                      "{\"guild_id\":\"1\",\"role\":{\"id\":\"2\",\"permissions\":\"8\"}}"),
                 0);
    CHECK_EQ_INT(cache_guild(c, 1, &gi), BH_ENOTFOUND);
}

static void test_delete(cache *c)
{
    cache_guild_info gi;
    /* An outage keeps the data, marked unavailable. */
    CHECK_EQ_INT(feed(c, "GUILD_DELETE", "{\"id\":\"197038439483310086\",\"unavailable\":true}"),
                 0);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK(gi.unavailable);
    /* GUILD_CREATE "unavailable" payloads change nothing; the full one restores it. */
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", "{\"id\":\"197038439483310086\",\"unavailable\":true}"),
                 0);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK(gi.unavailable);
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", guild_create), 0);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK(!gi.unavailable);
    CHECK_EQ_INT(gi.role_count, 8);
    CHECK_EQ_INT(gi.channel_count, 5);

    /* Removed (kicked, left): forgotten. */
    CHECK_EQ_INT(feed(c, "GUILD_DELETE", "{\"id\":\"197038439483310086\"}"), 0);
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), BH_ENOTFOUND);
    uint64_t p;
    CHECK_EQ_INT(cache_bot_permissions(c, GUILD, 0, &p), BH_ENOTFOUND);
}

/* Many guilds: the table grows and deletes keep every other guild reachable. */
static void test_many_guilds(void)
{
    cache *c = cache_create();
    CHECK(c);
    char buf[256];
    for (int i = 1; i <= 3000; i++) {
        snprintf(buf, sizeof buf,
                 "{\"id\":\"%d\",\"owner_id\":\"7\",\"roles\":[{\"id\":\"%d\","
                 "\"permissions\":\"%d\",\"position\":0}]}",
                 i, i, i);
        CHECK_EQ_INT(feed(c, "GUILD_CREATE", buf), 0);
    }
    for (int i = 1; i <= 3000; i += 3) {
        snprintf(buf, sizeof buf, "{\"id\":\"%d\"}", i);
        CHECK_EQ_INT(feed(c, "GUILD_DELETE", buf), 0);
    }
    for (int i = 1; i <= 3000; i++) {
        uint64_t p = 0;
        int rc = cache_base_permissions(c, (uint64_t)i, 1, NULL, 0, &p);
        if (i % 3 == 1) {
            CHECK_EQ_INT(rc, BH_ENOTFOUND);
        } else {
            CHECK_EQ_INT(rc, 0);
            CHECK(p == ((uint64_t)i & PERM_ADMINISTRATOR ? PERM_ALL : (uint64_t)i));
        }
    }
    cache_destroy(c);
}

int main(void)
{
    cache *c = cache_create();
    CHECK(c);
    uint64_t p;
    CHECK_EQ_INT(feed(c, "MESSAGE_CREATE", "{\"id\":\"1\",\"content\":\"hi\"}"), 0);

    /* Before READY the bot's member cannot be recognised. */
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", guild_create), 0);
    CHECK_EQ_INT(cache_bot_permissions(c, GUILD, 0, &p), BH_ESTATE);
    cache_guild_info gi;
    CHECK_EQ_INT(cache_guild(c, GUILD, &gi), 0);
    CHECK(!gi.bot_member_known);

    CHECK_EQ_INT(feed(c, "READY", ready), 0);
    CHECK_EQ_INT(feed(c, "GUILD_CREATE", guild_create), 0);
    test_permissions(c);
    test_reads(c);
    test_hierarchy(c);
    test_updates(c);
    test_delete(c);
    cache_destroy(c);
    test_many_guilds();
    printf("test_cache_perms: ok\n");
    return 0;
}
