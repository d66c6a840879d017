/*
 * Support for the raffle plugin's end-to-end tests: bothost with raffle.so,
 * bothost-emu and a fresh database; acting as members; reading what Discord
 * (the emulator) received and what the database holds.
 */
#ifndef RAFFLE_TEST_H
#define RAFFLE_TEST_H

#include <stdint.h>

#include "../discord/e2e.h"

/* [plugin.raffle] the tests run with: 1 s minimum raffle, 300 ms debounce. */
#define RT_INI "[plugin.raffle]\nmin_duration_seconds = 1\nrender_delay_ms = 300\n"

/* Fresh database and emulator, raffle.so installed, host started with RT_INI + extra. */
void rt_start(e2e *t, const char *name, const char *extra_ini);
/* Starts the host again (after e2e_stop_host) with the same INI. */
void rt_restart(e2e *t);

/* The channel commands are run in (by name; "raffles" until changed). */
void rt_use_channel(const char *name);
/* Runs "/raffle ..." as `user` (a username, NULL: the owner); returns the interaction id. */
const char *rt_cmd_id(e2e *t, const char *user, const char *text, char *id_out);
/* Waits for the bot's final answer to an interaction (past a defer); caller frees. */
json_t *rt_wait(e2e *t, const char *interaction_id);
/* The answer's message as JSON text (content, embeds, components), malloc'd. */
char *rt_dump(json_t *view);
/* Runs a command and returns its answer as text (rt_dump of rt_wait), malloc'd. */
char *rt_cmd(e2e *t, const char *user, const char *text);
/* Submits the modal opened in answer to `interaction_id`; returns the answer text, malloc'd. */
char *rt_modal(e2e *t, const char *interaction_id, json_t *values);
/* Clicks / selects on a message as `user`; returns the answer text, malloc'd (NULL: refused). */
char *rt_click(e2e *t, const char *user, const char *message_id, const char *custom_id);
char *rt_select(e2e *t, const char *user, const char *message_id, const char *custom_id,
                json_t *values);
/* The same, returning the new interaction's id in id_out (for a modal or a message id). */
const char *rt_click_id(e2e *t, const char *user, const char *message_id, const char *custom_id,
                        char *id_out);
/* The message id an interaction's answer lives in (ephemeral ones too). */
const char *rt_answer_message(e2e *t, const char *interaction_id, char *out);

/* /raffle config as the owner: raffle channel #raffles, log channel #logs, and `more`. */
void rt_config(e2e *t, const char *more);
/*
 * /raffle create with `options` as the owner, then the modal with the texts;
 * returns the raffle id and the posted message id (message_out, 32 bytes).
 */
int64_t rt_create(e2e *t, const char *options, const char *title, const char *prize,
                  const char *end, char *message_out);

/* The message as the emulator holds it, as JSON text (malloc'd), or NULL when gone. */
char *rt_message(e2e *t, const char *message_id);
/* Waits until the message's text contains `needle`; 1 when it did within timeout_ms. */
int rt_message_wait(e2e *t, const char *message_id, const char *needle, int timeout_ms);
/* Messages posted in a channel (by name; ephemeral answers left out) whose text contains needle. */
int rt_channel_count(e2e *t, const char *channel, const char *needle);
/* Waits until rt_channel_count reaches n. */
int rt_channel_wait(e2e *t, const char *channel, const char *needle, int n, int timeout_ms);

/* A member joins (POST /_emu/members); returns their id (static). */
const char *rt_member(e2e *t, const char *username, const char *roles_json);
/* The id of a user or channel of the emulator by name (static per call site: copy). */
const char *rt_user_id(e2e *t, const char *username);

/* A value from the database; waits up to timeout_ms for it to equal `want` (returns it). */
int64_t rt_sql(e2e *t, const char *sql);
int64_t rt_sql_wait(e2e *t, const char *sql, int64_t want, int timeout_ms);

/* strstr that fails the test with both texts when `needle` is missing (or present when !want). */
#define RT_HAS(hay, needle) rt_has(__FILE__, __LINE__, (hay), (needle), 1)
#define RT_LACKS(hay, needle) rt_has(__FILE__, __LINE__, (hay), (needle), 0)
void rt_has(const char *file, int line, const char *hay, const char *needle, int want);

#endif
