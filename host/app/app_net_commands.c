/*
 * The plugins' slash commands: the merged set is hashed (SHA-256 of its
 * canonical JSON) and registered with one bulk overwrite only when the hash
 * differs from bothost.command_registrations for the scope.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_net_internal.h"
#include "base/log.h"
#include "plug/plug_ctx.h"
#include "plug/plug_rest.h"

static void sha256_hex(const char *text, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Worker: registers the merged command set when its hash differs from the last one. */
static void register_commands(void *arg)
{
    app_net *d = arg;
    for (;;) {
        json_t *cmds = plug_commands(d->o.plugins);
        char *text = json_dumps(cmds, JSON_COMPACT | JSON_SORT_KEYS);
        char hash[65] = "";
        char scope[96];
        if (d->dev_guild_id)
            snprintf(scope, sizeof scope, "guild:%" PRIu64 ":%" PRIu64, d->application_id,
                     d->dev_guild_id);
        else
            snprintf(scope, sizeof scope, "global:%" PRIu64, d->application_id);
        if (text)
            sha256_hex(text, hash);

        bh_ctx *c = plug_ctx_new(d->o.plugins, BH_CTX_JOB, "register-commands", NULL, d->o.db);
        bh_result *r = NULL;
        const char *stored = NULL;
        if (c && d->o.db &&
            db_session_query(plug_ctx_db(c), &r,
                             "SELECT hash FROM bothost.command_registrations WHERE scope = $1",
                             (bh_param[]){{BH_P_TEXT, {.s = scope}}}, 1) >= 0)
            stored = db_result_text(r, 0, 0);
        if (stored && strcmp(stored, hash) == 0) {
            log_fields(LOG_DEBUG, "commands", NULL, "%zu command(s) unchanged since the last "
                       "registration (%s)", json_array_size(cmds), scope);
        } else if (c && text) {
            char path[128];
            if (d->dev_guild_id)
                snprintf(path, sizeof path, "/applications/%" PRIu64 "/guilds/%" PRIu64 "/commands",
                         d->application_id, d->dev_guild_id);
            else
                snprintf(path, sizeof path, "/applications/%" PRIu64 "/commands",
                         d->application_id);
            int rc = plug_rest_call(c, "PUT", path, cmds, NULL, 0, NULL);
            if (rc < 0) {
                log_fields(LOG_ERROR, "commands", NULL, "registering %zu command(s) failed: %s",
                           json_array_size(cmds), plug_ctx_error(c));
            } else {
                log_fields(LOG_DEBUG, "commands", NULL, "registered %zu command(s) (%s)",
                           json_array_size(cmds), scope);
                if (d->o.db) {
                    bh_param p[] = {{BH_P_TEXT, {.s = scope}},
                                    {BH_P_TEXT, {.s = hash}},
                                    {BH_P_I64, {.i = (int64_t)json_array_size(cmds)}}};
                    if (db_session_query(plug_ctx_db(c), NULL,
                                         "INSERT INTO bothost.command_registrations (scope, hash, "
                                         "commands) VALUES ($1, $2, $3) ON CONFLICT (scope) DO "
                                         "UPDATE SET hash = $2, commands = $3, registered_at = "
                                         "now()",
                                         p, 3) < 0)
                        log_fields(LOG_WARN, "commands", NULL, "cannot record the registration: %s",
                                   plug_ctx_db(c)->err);
                }
            }
        }
        plug_ctx_free(c);
        free(text);
        json_decref(cmds);

        pthread_mutex_lock(&d->lock);
        int again = d->register_again;
        d->register_again = 0;
        if (!again) {
            d->registering = 0;
            d->busy--;
        }
        pthread_mutex_unlock(&d->lock);
        if (!again)
            return;
    }
}

void app_net_commands_schedule(app_net *d)
{
    if (!d->application_id)
        return;
    pthread_mutex_lock(&d->lock);
    if (d->registering) {
        d->register_again = 1;
        pthread_mutex_unlock(&d->lock);
        return;
    }
    d->registering = 1;
    d->busy++;
    pthread_mutex_unlock(&d->lock);
    if (work_pool_submit(d->o.workers, register_commands, d) < 0) {
        pthread_mutex_lock(&d->lock);
        d->registering = 0;
        d->busy--;
        pthread_mutex_unlock(&d->lock);
    }
}

void app_net_reloaded(app_net *d)
{
    uint64_t intents = plug_intents(d->o.plugins) | BH_INTENT_GUILDS;
    if (intents != d->intents)
        log_msg(LOG_WARN, "gateway",
                "the plugins now need gateway intents %" PRIu64 " (connected with %" PRIu64
                "): restart bothost to apply them",
                intents, d->intents);
    app_net_commands_schedule(d);
}
