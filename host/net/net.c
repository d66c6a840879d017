#include "net/net.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

#include "base/log.h"

struct net {
    uv_loop_t *loop;
    struct lws_context *ctx;
    struct lws_vhost *client_vhost;
    struct lws_vhost *server_vhost;
    int listen_port;
    uv_timer_t destroy_timer;
    void (*done)(void *arg);
    void *done_arg;
    char listen_host[256];
    int destroy_calls;
};

/* lws logs through us, at a level matching ours. */
static void lws_log_cb(int level, const char *line)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", line);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    /* lws prefixes its own timestamp: drop it. */
    const char *text = msg;
    if (text[0] == '[') {
        const char *end = strstr(text, "] ");
        if (end)
            text = end + 2;
    }
    log_msg(level & LLL_ERR ? LOG_ERROR : level & LLL_WARN ? LOG_WARN : LOG_DEBUG, "lws", "%s",
            text);
}

int net_split_hostport(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return -1;
        snprintf(host, hostlen, "%.*s", (int)(close - s - 1), s + 1);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return -1;
        snprintf(host, hostlen, "%.*s", (int)(colon - s), s);
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 0 || p > 65535 || colon[1] == '\0')
        return -1;
    *port = (int)p;
    return 0;
}

int net_url_parse(const char *url, net_url *out)
{
    memset(out, 0, sizeof *out);
    const char *rest;
    if (strncmp(url, "https://", 8) == 0 || strncmp(url, "wss://", 6) == 0) {
        out->tls = 1;
        out->port = 443;
    } else if (strncmp(url, "http://", 7) == 0 || strncmp(url, "ws://", 5) == 0) {
        out->port = 80;
    } else {
        return -1;
    }
    rest = strstr(url, "://") + 3;
    const char *slash = strchr(rest, '/');
    size_t hostpart = slash ? (size_t)(slash - rest) : strlen(rest);
    char hp[256];
    if (hostpart == 0 || hostpart >= sizeof hp)
        return -1;
    memcpy(hp, rest, hostpart);
    hp[hostpart] = '\0';
    if (strchr(hp, ':') && hp[0] != '[') {
        if (net_split_hostport(hp, out->host, sizeof out->host, &out->port) < 0)
            return -1;
    } else if (hp[0] == '[' && strstr(hp, "]:")) {
        if (net_split_hostport(hp, out->host, sizeof out->host, &out->port) < 0)
            return -1;
    } else {
        snprintf(out->host, sizeof out->host, "%s", hp[0] == '[' ? hp + 1 : hp);
        char *b = strchr(out->host, ']');
        if (b)
            *b = '\0';
    }
    snprintf(out->path, sizeof out->path, "%s", slash ? slash : "/");
    return out->host[0] ? 0 : -1;
}

/*
 * lws 4.1 dlopens its libuv glue and dlcloses it when a context is destroyed,
 * while close callbacks of its uv handles may still be pending on our loop: a
 * later loop turn then jumps into unmapped code. Holding the module with
 * RTLD_NODELETE keeps it mapped for the life of the process.
 */
static void pin_evlib(void)
{
    static int pinned;
    if (!pinned && dlopen("libwebsockets-evlib_uv.so", RTLD_NOW | RTLD_NODELETE))
        pinned = 1;
}

int net_create(net **out, const net_opts *opts)
{
    pin_evlib();
    net *n = calloc(1, sizeof *n);
    if (!n)
        return BH_ENOMEM;
    n->loop = opts->loop;
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_cb);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    void *loops[1] = {opts->loop};
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
                   LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.foreign_loops = loops;
    info.user = opts->user;
    /* Discord's rate-limit headers do not fit lws's default 4096 bytes. */
    info.max_http_header_data = 16384;
    info.timeout_secs = 30;
    info.connect_timeout_secs = 10;
    n->ctx = lws_create_context(&info);
    if (!n->ctx) {
        log_msg(LOG_ERROR, "net",
                "cannot create the libwebsockets context (is libwebsockets-evlib-uv installed?)");
        free(n);
        return BH_EINVAL;
    }

    struct lws_context_creation_info vh;
    memset(&vh, 0, sizeof vh);
    vh.port = CONTEXT_PORT_NO_LISTEN;
    vh.protocols = opts->client_protocols;
    vh.vhost_name = "client";
    vh.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    vh.max_http_header_data = 16384;
    n->client_vhost = lws_create_vhost(n->ctx, &vh);
    if (!n->client_vhost) {
        log_msg(LOG_ERROR, "net", "cannot create the client vhost");
        goto fail;
    }

    if (opts->http_listen && *opts->http_listen) {
        int port;
        if (net_split_hostport(opts->http_listen, n->listen_host, sizeof n->listen_host,
                               &port) < 0) {
            log_msg(LOG_ERROR, "net", "[http] listen '%s' is not host:port", opts->http_listen);
            goto fail;
        }
        unsigned char addr[16];
        int v4 = inet_pton(AF_INET, n->listen_host, addr) == 1;
        if (!v4 && inet_pton(AF_INET6, n->listen_host, addr) != 1) {
            /* lws would log and listen nowhere: refuse it here. */
            log_msg(LOG_ERROR, "net", "[http] listen '%s': give an IP address, not a name",
                    opts->http_listen);
            goto fail;
        }
        memset(&vh, 0, sizeof vh);
        vh.port = port; /* 0: lws picks a free one, net_listen_port() tells which */
        vh.iface = n->listen_host;
        /* Without this, 127.0.0.1 would listen on every interface through the v6 socket. */
        if (v4)
            vh.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
        vh.protocols = opts->server_protocols;
        vh.vhost_name = "http";
        n->server_vhost = lws_create_vhost(n->ctx, &vh);
        if (!n->server_vhost) {
            log_msg(LOG_ERROR, "net", "cannot listen on %s", opts->http_listen);
            goto fail;
        }
        n->listen_port = lws_get_vhost_listen_port(n->server_vhost);
    }
    *out = n;
    return 0;
fail:
    lws_context_destroy(n->ctx);
    free(n);
    return BH_EINVAL;
}

struct lws_context *net_context(net *n)
{
    return n->ctx;
}

struct lws_vhost *net_client_vhost(net *n)
{
    return n->client_vhost;
}

int net_listen_port(net *n)
{
    return n->listen_port;
}

void net_listen_url(net *n, char *out, size_t len)
{
    if (!n->server_vhost) {
        snprintf(out, len, "%s", "");
        return;
    }
    int v6 = strchr(n->listen_host, ':') != NULL;
    snprintf(out, len, "http://%s%s%s:%d", v6 ? "[" : "", n->listen_host, v6 ? "]" : "",
             n->listen_port);
}

static void on_destroy_closed(uv_handle_t *h)
{
    net *n = h->data;
    void (*done)(void *) = n->done;
    void *arg = n->done_arg;
    free(n);
    if (done)
        done(arg);
}

/* lws tears its handles down over several loop turns: keep asking until it is gone. */
static void on_destroy_tick(uv_timer_t *t)
{
    net *n = t->data;
    if (n->destroy_calls < 2) {
        lws_context_destroy(n->ctx);
        if (++n->destroy_calls == 2)
            n->ctx = NULL;
        return;
    }
    uv_close((uv_handle_t *)t, on_destroy_closed);
}

void net_destroy(net *n, void (*done)(void *arg), void *arg)
{
    n->done = done;
    n->done_arg = arg;
    /* The first destroy waits for a loop turn: lws crashes if destroyed before it ran once. */
    n->destroy_calls = 0;
    uv_timer_init(n->loop, &n->destroy_timer);
    n->destroy_timer.data = n;
    uv_timer_start(&n->destroy_timer, on_destroy_tick, 10, 10);
}
