/*
 * The network context: one libwebsockets context running on the host's libuv
 * loop, shared by the gateway shards and the health/metrics
 * server. Everything here runs on the loop thread, except net_wake().
 *
 * Pitfalls this file exists for (Debian's lws 4.1.6): lws on a foreign loop
 * needs the libwebsockets-evlib-uv package at run time; <uv.h> comes before
 * <libwebsockets.h>; the host owns the signals; lws_context_destroy() must be
 * repeated on later loop turns until the context is gone.
 */
#ifndef BH_NET_H
#define BH_NET_H

#include <uv.h>

#include <libwebsockets.h>

typedef struct net net;

typedef struct net_opts {
    uv_loop_t *loop;
    /* Client protocols (gateway, REST), ending with an all-zero entry. */
    const struct lws_protocols *client_protocols;
    /* Listen address "127.0.0.1:9480" for the server vhost, or NULL/"" for none. */
    const char *http_listen;
    /* Server protocols for that vhost, ending with an all-zero entry. */
    const struct lws_protocols *server_protocols;
    void *user; /* lws_context_user() */
} net_opts;

int net_create(net **out, const net_opts *opts);
struct lws_context *net_context(net *n);
/* The client vhost, for lws_client_connect_via_info(). */
struct lws_vhost *net_client_vhost(net *n);
/* The port the server vhost listens on (resolved when :0 was asked), or 0. */
int net_listen_port(net *n);
/*
 * The server vhost's address with the port it listens on, "http://127.0.0.1:9480"
 * ("http://[::1]:9480"), or "" without one.
 */
void net_listen_url(net *n, char *out, size_t len);

/* Starts destroying the context; done() runs on the loop once it is gone. */
void net_destroy(net *n, void (*done)(void *arg), void *arg);

/* Parses "host:port" ("[::1]:80" too) into host and port; -1 when malformed. */
int net_split_hostport(const char *s, char *host, size_t hostlen, int *port);

/*
 * Splits a URL "scheme://host[:port][/path]" into its parts (port defaults to 443
 * for https/wss, 80 for http/ws). -1 when malformed.
 */
typedef struct net_url {
    int tls;
    char host[256];
    int port;
    char path[1024]; /* starts with '/' */
} net_url;
int net_url_parse(const char *url, net_url *out);

#endif
