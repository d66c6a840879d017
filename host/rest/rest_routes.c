/*
 * Every Discord route the host and the SDK may call, as Discord's OpenAPI
 * description names it (tests/rest/rest_routes_test.c checks each one against
 * sdk/emu/openapi/openapi.json). A request whose path matches none of these
 * is refused: add the route here first.
 */
#include "rest/rest_internal.h"

#include <stdio.h>
#include <string.h>

#include <bothost/abi.h>

#define R(m, t) {m, t, m " " t, 0}
#define RI(m, t) {m, t, m " " t, REST_ROUTE_INTERACTION}

/* Literal segments ("@original") come before the {parameter} that would match them. */
const rest_route rest_routes[] = {
    /* the connection */
    R("GET", "/gateway/bot"),
    R("GET", "/users/@me"),
    R("GET", "/oauth2/applications/@me"),
    R("POST", "/users/@me/channels"),

    /* commands */
    R("GET", "/applications/{application_id}/commands"),
    R("PUT", "/applications/{application_id}/commands"),
    R("GET", "/applications/{application_id}/guilds/{guild_id}/commands"),
    R("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),

    /* channels and messages */
    R("GET", "/channels/{channel_id}"),
    R("GET", "/channels/{channel_id}/messages"),
    R("POST", "/channels/{channel_id}/messages"),
    R("GET", "/channels/{channel_id}/messages/{message_id}"),
    R("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    R("DELETE", "/channels/{channel_id}/messages/{message_id}"),

    /* guilds, members, roles, bans */
    R("GET", "/guilds/{guild_id}/roles"),
    R("GET", "/guilds/{guild_id}/channels"),
    R("GET", "/guilds/{guild_id}/members/{user_id}"),
    R("PATCH", "/guilds/{guild_id}/members/{user_id}"),
    R("DELETE", "/guilds/{guild_id}/members/{user_id}"),
    R("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),
    R("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),
    R("GET", "/guilds/{guild_id}/bans/{user_id}"),
    R("PUT", "/guilds/{guild_id}/bans/{user_id}"),
    R("DELETE", "/guilds/{guild_id}/bans/{user_id}"),

    /* interactions: the callback and the follow-up webhook of the interaction token */
    RI("POST", "/interactions/{interaction_id}/{interaction_token}/callback"),
    RI("POST", "/webhooks/{webhook_id}/{webhook_token}"),
    RI("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    RI("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    RI("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    RI("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
    RI("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
    RI("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
};

const size_t rest_routes_count = sizeof rest_routes / sizeof rest_routes[0];

/* The top-level resources Discord keys its limits by (and the interaction's own). */
int rest_route_param_is_major(const char *param, size_t len)
{
    static const char *const majors[] = {"{channel_id}",     "{guild_id}",
                                         "{webhook_id}",     "{webhook_token}",
                                         "{interaction_id}", "{interaction_token}"};
    for (size_t i = 0; i < sizeof majors / sizeof majors[0]; i++)
        if (strlen(majors[i]) == len && memcmp(majors[i], param, len) == 0)
            return 1;
    return 0;
}

static int match(const char *tmpl, const char *path, size_t pathlen, char *major, size_t majorlen)
{
    const char *t = tmpl, *p = path, *end = path + pathlen;
    size_t used = 0;
    major[0] = '\0';
    while (*t && p < end) {
        if (*t != '/' || *p != '/')
            return 0;
        t++;
        p++;
        size_t tl = strcspn(t, "/");
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t pl = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (pl == 0)
            return 0;
        if (t[0] == '{') {
            if (rest_route_param_is_major(t, tl)) {
                int w = snprintf(major + used, majorlen - used, "%s%.*s", used ? "/" : "",
                                 (int)pl, p);
                if (w < 0 || (size_t)w >= majorlen - used)
                    return 0;
                used += (size_t)w;
            }
        } else if (tl != pl || memcmp(t, p, pl) != 0) {
            return 0;
        }
        t += tl;
        p += pl;
    }
    return *t == '\0' && p == end;
}

int rest_route_match(const char *method, const char *path, const rest_route **route,
                     char *major, size_t majorlen)
{
    size_t pathlen = strcspn(path, "?");
    for (size_t i = 0; i < rest_routes_count; i++) {
        if (strcmp(rest_routes[i].method, method) != 0)
            continue;
        if (match(rest_routes[i].tmpl, path, pathlen, major, majorlen)) {
            *route = &rest_routes[i];
            return 0;
        }
    }
    return BH_EINVAL;
}

const char *rest_route_name(const char *method, const char *path)
{
    const rest_route *route;
    char major[1024];
    if (!method || !path || rest_route_match(method, path, &route, major, sizeof major) < 0)
        return NULL;
    return route->name;
}
