/*
 * Discord's permission bits, as the gateway sends them (decimal strings in JSON,
 * parsed to uint64_t by the cache). See Discord's "Permissions" topic.
 */
#ifndef BH_CACHE_PERMS_H
#define BH_CACHE_PERMS_H

#include <stdint.h>

#define PERM_CREATE_INSTANT_INVITE (UINT64_C(1) << 0)
#define PERM_KICK_MEMBERS (UINT64_C(1) << 1)
#define PERM_BAN_MEMBERS (UINT64_C(1) << 2)
#define PERM_ADMINISTRATOR (UINT64_C(1) << 3)
#define PERM_MANAGE_CHANNELS (UINT64_C(1) << 4)
#define PERM_MANAGE_GUILD (UINT64_C(1) << 5)
#define PERM_ADD_REACTIONS (UINT64_C(1) << 6)
#define PERM_VIEW_AUDIT_LOG (UINT64_C(1) << 7)
#define PERM_PRIORITY_SPEAKER (UINT64_C(1) << 8)
#define PERM_STREAM (UINT64_C(1) << 9)
#define PERM_VIEW_CHANNEL (UINT64_C(1) << 10)
#define PERM_SEND_MESSAGES (UINT64_C(1) << 11)
#define PERM_SEND_TTS_MESSAGES (UINT64_C(1) << 12)
#define PERM_MANAGE_MESSAGES (UINT64_C(1) << 13)
#define PERM_EMBED_LINKS (UINT64_C(1) << 14)
#define PERM_ATTACH_FILES (UINT64_C(1) << 15)
#define PERM_READ_MESSAGE_HISTORY (UINT64_C(1) << 16)
#define PERM_MENTION_EVERYONE (UINT64_C(1) << 17)
#define PERM_USE_EXTERNAL_EMOJIS (UINT64_C(1) << 18)
#define PERM_VIEW_GUILD_INSIGHTS (UINT64_C(1) << 19)
#define PERM_CONNECT (UINT64_C(1) << 20)
#define PERM_SPEAK (UINT64_C(1) << 21)
#define PERM_MUTE_MEMBERS (UINT64_C(1) << 22)
#define PERM_DEAFEN_MEMBERS (UINT64_C(1) << 23)
#define PERM_MOVE_MEMBERS (UINT64_C(1) << 24)
#define PERM_USE_VAD (UINT64_C(1) << 25)
#define PERM_CHANGE_NICKNAME (UINT64_C(1) << 26)
#define PERM_MANAGE_NICKNAMES (UINT64_C(1) << 27)
#define PERM_MANAGE_ROLES (UINT64_C(1) << 28)
#define PERM_MANAGE_WEBHOOKS (UINT64_C(1) << 29)
#define PERM_MANAGE_GUILD_EXPRESSIONS (UINT64_C(1) << 30)
#define PERM_USE_APPLICATION_COMMANDS (UINT64_C(1) << 31)
#define PERM_REQUEST_TO_SPEAK (UINT64_C(1) << 32)
#define PERM_MANAGE_EVENTS (UINT64_C(1) << 33)
#define PERM_MANAGE_THREADS (UINT64_C(1) << 34)
#define PERM_CREATE_PUBLIC_THREADS (UINT64_C(1) << 35)
#define PERM_CREATE_PRIVATE_THREADS (UINT64_C(1) << 36)
#define PERM_USE_EXTERNAL_STICKERS (UINT64_C(1) << 37)
#define PERM_SEND_MESSAGES_IN_THREADS (UINT64_C(1) << 38)
#define PERM_USE_EMBEDDED_ACTIVITIES (UINT64_C(1) << 39)
#define PERM_MODERATE_MEMBERS (UINT64_C(1) << 40)
#define PERM_VIEW_CREATOR_MONETIZATION_ANALYTICS (UINT64_C(1) << 41)
#define PERM_USE_SOUNDBOARD (UINT64_C(1) << 42)
#define PERM_CREATE_GUILD_EXPRESSIONS (UINT64_C(1) << 43)
#define PERM_CREATE_EVENTS (UINT64_C(1) << 44)
#define PERM_USE_EXTERNAL_SOUNDS (UINT64_C(1) << 45)
#define PERM_SEND_VOICE_MESSAGES (UINT64_C(1) << 46)
#define PERM_SEND_POLLS (UINT64_C(1) << 49)
#define PERM_USE_EXTERNAL_APPS (UINT64_C(1) << 50)
#define PERM_PIN_MESSAGES (UINT64_C(1) << 51)

/*
 * What the owner and ADMINISTRATOR get: every bit up to the newest one known
 * (bits Discord has not assigned are harmless, and a bit added later would
 * otherwise be missing from an administrator's set).
 */
#define PERM_ALL ((UINT64_C(1) << 52) - 1)

#endif
