/* The database check of /health/ready: a ping on a worker every 5 s, read on the loop. */
#include <stdio.h>

#include "app/app_net_internal.h"

static void db_ping(void *arg)
{
    app_net *d = arg;
    char err[256] = "";
    int ok = db_pool_ping(d->o.db, err, sizeof err) == 0;
    pthread_mutex_lock(&d->lock);
    d->db_ok = ok;
    d->db_checked = 1;
    snprintf(d->db_reason, sizeof d->db_reason, "%s", ok ? "" : err);
    d->db_pinging = 0;
    d->busy--;
    pthread_mutex_unlock(&d->lock);
}

/* Start-up has just migrated and loaded through the database: until the first ping
 * answers, that is the check's answer, so READY=1 (the gateway up) means ready. */
void app_net_db_started(app_net *d)
{
    pthread_mutex_lock(&d->lock);
    if (!d->db_checked)
        d->db_ok = 1;
    pthread_mutex_unlock(&d->lock);
}

static void on_db_timer(uv_timer_t *t)
{
    app_net *d = t->data;
    pthread_mutex_lock(&d->lock);
    int start = !d->db_pinging;
    if (start) {
        d->db_pinging = 1;
        d->busy++;
    }
    pthread_mutex_unlock(&d->lock);
    if (start && work_pool_submit(d->o.workers, db_ping, d) < 0) {
        pthread_mutex_lock(&d->lock);
        d->db_pinging = 0;
        d->busy--;
        pthread_mutex_unlock(&d->lock);
    }
}

int app_net_db_ok(app_net *d, char *reason, size_t size)
{
    pthread_mutex_lock(&d->lock);
    int ok = d->db_ok;
    snprintf(reason, size, "%s", d->db_reason[0] ? d->db_reason : "not checked yet");
    pthread_mutex_unlock(&d->lock);
    return ok;
}

void app_net_dbping_start(app_net *d)
{
    uv_timer_init(d->o.loop, &d->db_timer);
    d->db_timer.data = d;
    uv_timer_start(&d->db_timer, on_db_timer, 0, 5000);
}

void app_net_dbping_stop(app_net *d)
{
    uv_timer_stop(&d->db_timer);
}
