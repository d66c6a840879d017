/* Name lookups for the gateway and REST: one policy, one error text. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "net/net.h"

static void set_error(net_lookup *l, int status)
{
    snprintf(l->error, sizeof l->error, "cannot resolve %s: %s", l->host,
             status < 0 ? uv_strerror(status) : "no address");
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    net_lookup *l = req->data;
    l->busy = 0;
    char addr[64] = "";
    if (status == 0 && res) {
        const struct addrinfo *pick = res;
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
            if (ai->ai_family == AF_INET) {
                pick = ai;
                break;
            }
        if (pick->ai_family == AF_INET6)
            uv_ip6_name((const struct sockaddr_in6 *)pick->ai_addr, addr, sizeof addr);
        else
            uv_ip4_name((const struct sockaddr_in *)pick->ai_addr, addr, sizeof addr);
    }
    uv_freeaddrinfo(res);
    if (!addr[0]) {
        set_error(l, status);
        l->cb(l, status < 0 ? status : UV_EAI_NODATA, NULL, l->error);
        return;
    }
    l->error[0] = '\0';
    l->cb(l, 0, addr, NULL);
}

int net_lookup_start(net_lookup *l, uv_loop_t *loop, const char *host, net_lookup_cb cb)
{
    snprintf(l->host, sizeof l->host, "%s", host);
    l->cb = cb;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    l->req.data = l;
    int rc = uv_getaddrinfo(loop, &l->req, on_resolved, l->host, NULL, &hints);
    if (rc < 0) {
        set_error(l, rc);
        return rc;
    }
    l->busy = 1;
    return 0;
}

void net_lookup_cancel(net_lookup *l)
{
    if (l->busy)
        uv_cancel((uv_req_t *)&l->req);
}
