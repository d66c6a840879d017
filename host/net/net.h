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

/*
 * A name lookup off the loop thread (uv_getaddrinfo on libuv's thread pool),
 * for the gateway and REST alike. The caller embeds one and keeps it until its
 * callback has run; `busy` is set from a successful start until then.
 */
typedef struct net_lookup net_lookup;
/*
 * Runs on the loop. `addr` is the address to connect to as text ("203.0.113.5",
 * "2001:db8::1"; IPv4 when the name has one, as IPv6 routes are often missing),
 * or NULL with `error` saying why ("cannot resolve <host>: <reason>"). After
 * net_lookup_cancel() the status is UV_ECANCELED.
 */
typedef void (*net_lookup_cb)(net_lookup *l, int status, const char *addr, const char *error);
struct net_lookup {
    uv_getaddrinfo_t req;
    net_lookup_cb cb;
    void *data; /* the caller's */
    int busy;
    char host[256];
    char error[320];
};
/* Starts looking `host` up. 0, or a negative uv error with l->error set (no callback). */
int net_lookup_start(net_lookup *l, uv_loop_t *loop, const char *host, net_lookup_cb cb);
/* Cancels a running lookup (its callback still runs); nothing when none runs. */
void net_lookup_cancel(net_lookup *l);

#endif
