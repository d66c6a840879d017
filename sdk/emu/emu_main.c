/*
 * bothost-emu: a local Discord stand-in (REST, gateway, control API) and the
 * command-line client that talks to a running one.  See README.md.
 */
#include "emu.h"

#include <libwebsockets.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMU_VERSION "0.1.0"

static volatile sig_atomic_t emu_signalled;

static void emu_on_signal(int sig)
{
    (void)sig;
    emu_signalled = 1;
}

static void emu_usage(FILE *f)
{
    fprintf(f,
            "usage: bothost-emu [options]            run the emulator\n"
            "       bothost-emu COMMAND [args]       talk to a running one (see `bothost-emu help`)\n"
            "\n"
            "  --listen HOST:PORT       listen address (default 127.0.0.1:0, 0 = any free port)\n"
            "  --token TOKEN            accept only this bot token (default: any)\n"
            "  --shards N               shards recommended by /gateway/bot (default 1)\n"
            "  --max-concurrency N      session_start_limit.max_concurrency (default 1)\n"
            "  --identify-interval-ms N IDENTIFYs per rate_limit_key at most every N ms (5000)\n"
            "  --guilds-per-shard N     close with 4011 above this (default 2500)\n"
            "  --heartbeat-ms N         HELLO heartbeat_interval (default 41250)\n"
            "  --ack-ms N               initial interaction response window (default 3000)\n"
            "  --seed FILE              initial state (default: the built-in test guild)\n"
            "  --privileged-intents L   comma list of members,presences,message_content the\n"
            "                           application may use (default all; \"none\" for none)\n"
            "  --no-ratelimits          no per-route or global limits\n"
            "  --openapi FILE           check every REST answer against Discord's OpenAPI\n"
            "                           description; exit status 3 if any did not fit\n"
            "  -v, --verbose            lws notices on stderr\n"
            "  --version, --help\n");
}

static int emu_parse_listen(const char *s, emu_opts *o)
{
    const char *colon = strrchr(s, ':');
    char *end;
    long port;
    if (!colon || (size_t)(colon - s) >= sizeof o->host)
        return -1;
    port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    snprintf(o->host, sizeof o->host, "%.*s", (int)(colon - s), s);
    o->port = (int)port;
    return 0;
}

static int emu_parse_int(const char *s, int min, int *out)
{
    char *end;
    long v;
    if (!s)
        return -1;
    v = strtol(s, &end, 10);
    if (*end || v < min || v > 1000000000)
        return -1;
    *out = (int)v;
    return 0;
}

static int emu_parse_privileged(const char *s, uint64_t *out)
{
    char buf[128], *p, *save = NULL;
    *out = 0;
    if (!strcmp(s, "none"))
        return 0;
    snprintf(buf, sizeof buf, "%s", s);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (!strcmp(p, "members"))
            *out |= EMU_I_GUILD_MEMBERS;
        else if (!strcmp(p, "presences"))
            *out |= EMU_I_GUILD_PRESENCES;
        else if (!strcmp(p, "message_content"))
            *out |= EMU_I_MESSAGE_CONTENT;
        else
            return -1;
    }
    return 0;
}

static int emu_parse_args(int argc, char **argv, emu_opts *o)
{
    snprintf(o->host, sizeof o->host, "127.0.0.1");
    o->port = 0;
    o->shards = 1;
    o->heartbeat_ms = 41250;
    o->max_concurrency = 1;
    o->identify_interval_ms = 5000;
    o->guilds_per_shard = 2500;
    o->privileged_ok = EMU_I_PRIVILEGED;
    o->ratelimits = 1;
    o->interaction_ack_ms = 3000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0, used = 1;
        if (!strcmp(a, "--listen"))
            bad = !v || emu_parse_listen(v, o);
        else if (!strcmp(a, "--token"))
            o->token = v, bad = !v;
        else if (!strcmp(a, "--shards"))
            bad = emu_parse_int(v, 1, &o->shards);
        else if (!strcmp(a, "--max-concurrency"))
            bad = emu_parse_int(v, 1, &o->max_concurrency);
        else if (!strcmp(a, "--identify-interval-ms"))
            bad = emu_parse_int(v, 0, &o->identify_interval_ms);
        else if (!strcmp(a, "--guilds-per-shard"))
            bad = emu_parse_int(v, 1, &o->guilds_per_shard);
        else if (!strcmp(a, "--heartbeat-ms"))
            bad = emu_parse_int(v, 100, &o->heartbeat_ms);
        else if (!strcmp(a, "--ack-ms"))
            bad = emu_parse_int(v, 1, &o->interaction_ack_ms);
        else if (!strcmp(a, "--seed"))
            o->seed_path = v, bad = !v;
        else if (!strcmp(a, "--openapi"))
            o->openapi_path = v, bad = !v;
        else if (!strcmp(a, "--privileged-intents"))
            bad = !v || emu_parse_privileged(v, &o->privileged_ok);
        else {
            used = 0;
            if (!strcmp(a, "--no-ratelimits"))
                o->ratelimits = 0;
            else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
                o->verbose = 1;
            else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                emu_usage(stdout);
                return 1;
            } else if (!strcmp(a, "--version")) {
                printf("bothost-emu %s\n", EMU_VERSION);
                return 1;
            } else {
                fprintf(stderr, "bothost-emu: unknown option %s\n", a);
                emu_usage(stderr);
                return -1;
            }
        }
        if (bad) {
            fprintf(stderr, "bothost-emu: %s needs a valid value\n", a);
            return -1;
        }
        i += used;
    }
    return 0;
}

static int emu_init(emu *e, char *err, size_t errlen)
{
    json_t *seed = NULL;
    e->interactions = json_object();
    e->ix_by_token = json_object();
    e->buckets = json_object();
    e->faults = json_array();
    e->violations = json_array();
    e->rest_log = json_array();
    e->identify_slots = json_object();
    e->stats = json_object();
    e->identify_remaining = 1000;
    e->identify_reset_at = emu_now_ms() + 86400000ull;
    if (emu_schema_load(e, err, errlen))
        return -1;
    if (e->o.seed_path) {
        json_error_t jerr;
        seed = json_load_file(e->o.seed_path, 0, &jerr);
        if (!seed) {
            snprintf(err, errlen, "%s:%d: %s", e->o.seed_path, jerr.line, jerr.text);
            return -1;
        }
    }
    return emu_state_init(e, seed, err, errlen);
}

static void emu_free(emu *e)
{
    emu_gw_free(e);
    emu_state_free(e);
    json_decref(e->seed);
    json_decref(e->interactions);
    json_decref(e->ix_by_token);
    emu_flood_forget(e);
    json_decref(e->buckets);
    json_decref(e->faults);
    json_decref(e->violations);
    json_decref(e->rest_log);
    json_decref(e->identify_slots);
    json_decref(e->stats);
    json_decref(e->openapi);
    json_decref(e->schema_errors);
    json_decref(e->schema_cache);
}

int main(int argc, char **argv)
{
    emu e;
    char err[512];
    struct sigaction sa;
    int rc;

    if (argc > 1 && emu_is_cli_command(argv[1]))
        return emu_cli_main(argc - 1, argv + 1);
    memset(&e, 0, sizeof e);
    rc = emu_parse_args(argc, argv, &e.o);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (emu_init(&e, err, sizeof err)) {
        fprintf(stderr, "bothost-emu: %s\n", err);
        emu_free(&e);
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = emu_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (emu_http_start(&e)) {
        fprintf(stderr, "bothost-emu: cannot listen on %s:%d\n", e.o.host, e.o.port);
        emu_http_free(&e);
        emu_free(&e);
        return 1;
    }
    printf("bothost-emu listening http://%s:%d\n", e.o.host, e.port);
    fflush(stdout);
    fprintf(stderr, "bothost-emu: application %s, bot %s, %zu guild(s), gateway ws://%s:%d\n", e.app_id,
            e.bot_id, json_object_size(e.guilds), e.o.host, e.port);
    while (!emu_signalled && !e.stop)
        if (lws_service(e.ctx, 0) < 0)
            break;
    emu_http_free(&e);
    rc = 0;
    if (e.schema_failed) {
        fprintf(stderr, "bothost-emu: %lld of %lld REST answers did not fit %s\n", (long long)e.schema_failed,
                (long long)e.schema_checked, e.o.openapi_path);
        rc = 3;
    }
    emu_free(&e);
    return rc;
}
