/* /health/ready's checks of the network side, and the READY and fatal outcomes app.c hears once. */
#include <stdio.h>

#include "app/app_net_internal.h"
#include "http/http.h"

void app_net_tell_fatal(app_net *d, int status, const char *why)
{
    if (d->fatal_told || d->stopping)
        return;
    d->fatal_told = 1;
    if (d->o.on_fatal)
        d->o.on_fatal(d->o.arg, status, why);
}

void app_net_tell_ready(app_net *d)
{
    if (d->ready_told)
        return;
    d->ready_told = 1;
    if (d->o.on_ready)
        d->o.on_ready(d->o.arg);
}

static int ready_database(void *arg, char *reason, size_t size)
{
    return app_net_db_ok(arg, reason, size);
}

static int ready_gateway(void *arg, char *reason, size_t size)
{
    return app_net_ready(arg, reason, size);
}

void app_net_ready_check_database(app_net *d)
{
    http_add_ready_check(d->o.http, "database", ready_database, d);
}

void app_net_ready_check_gateway(app_net *d)
{
    http_add_ready_check(d->o.http, "gateway", ready_gateway, d);
}

int app_net_ready(app_net *d, char *reason, size_t len)
{
    if (d->gw_failed) {
        snprintf(reason, len, "%s", d->gw_reason);
        return 0;
    }
    if (!d->gw && d->lookup_reason[0]) {
        snprintf(reason, len, "gateway: waiting for Discord: %s", d->lookup_reason);
        return 0;
    }
    if (!d->gw || !gw_ready(d->gw)) {
        snprintf(reason, len, "gateway: shards are connecting");
        return 0;
    }
    return 1;
}
