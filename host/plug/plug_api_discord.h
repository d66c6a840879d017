/* The bh_api entries of plug_api_discord.c (builders, REST helpers, cache). */
#ifndef BH_PLUG_API_DISCORD_H
#define BH_PLUG_API_DISCORD_H

#include <bothost/abi.h>

bh_msg *plug_msg_new(bh_ctx *c);
bh_modal *plug_modal_new(bh_ctx *c, const char *custom_id, const char *title);
int plug_api_rest(bh_ctx *c, const char *method, const char *path, const json_t *body,
                  const char *reason, json_t **out);
int plug_api_discord_code(bh_ctx *c);
int plug_api_message_send(bh_ctx *c, uint64_t channel, bh_msg *m, uint64_t *message_id);
int plug_api_message_edit(bh_ctx *c, uint64_t channel, uint64_t message, bh_msg *m);
int plug_api_message_delete(bh_ctx *c, uint64_t channel, uint64_t message);
int plug_api_role_add(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                      const char *reason);
int plug_api_role_remove(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role,
                         const char *reason);
int plug_api_dm_send(bh_ctx *c, uint64_t user, bh_msg *m, uint64_t *message_id);
int plug_api_member_timeout(bh_ctx *c, uint64_t guild, uint64_t user, int64_t until_ms,
                            const char *reason);
int plug_api_member_kick(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason);
int plug_api_member_ban(bh_ctx *c, uint64_t guild, uint64_t user, int delete_message_seconds,
                        const char *reason);
int plug_api_member_unban(bh_ctx *c, uint64_t guild, uint64_t user, const char *reason);
int plug_api_member_get(bh_ctx *c, uint64_t guild, uint64_t user, json_t **out);

uint64_t plug_api_guild_owner(bh_ctx *c, uint64_t guild);
int plug_api_member_can_manage_role(bh_ctx *c, uint64_t guild, uint64_t user,
                                    const uint64_t *roles, int n, uint64_t role, int *why);
int plug_api_bot_can_manage_role(bh_ctx *c, uint64_t guild, uint64_t role, int *why);
int plug_api_guild_role(bh_ctx *c, uint64_t guild, uint64_t role, bh_role_info *out);
int plug_api_bot_top_position(bh_ctx *c, uint64_t guild);
uint64_t plug_api_bot_user_id(bh_ctx *c);
uint64_t plug_api_bot_permissions(bh_ctx *c, uint64_t guild, uint64_t channel);
int plug_api_member_top_position(bh_ctx *c, uint64_t guild, const uint64_t *roles, int n);
uint64_t plug_api_member_permissions(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                     const uint64_t *roles, int n);
/* ABI 1.2: the same answers with a status (BH_ENOTFOUND: the cache does not know). */
int plug_api_bot_permissions_get(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t *out);
int plug_api_member_permissions_get(bh_ctx *c, uint64_t guild, uint64_t channel, uint64_t user,
                                    const uint64_t *roles, int n, uint64_t *out);
int plug_api_guild_owner_get(bh_ctx *c, uint64_t guild, uint64_t *out);

#endif
