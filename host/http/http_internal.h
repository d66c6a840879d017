/* What the files of host/http/ share: the site a request is answered from. */
#ifndef BH_HTTP_INTERNAL_H
#define BH_HTTP_INTERNAL_H

#include <pthread.h>

#include "http/http.h"

#define HTTP_NAME_MAX_LEN 64

struct http_check {
    char name[HTTP_NAME_MAX_LEN];
    http_ready_cb fn;
    void *arg;
};

struct http_site {
    struct metrics *metrics;
    pthread_mutex_t lock;        /* guards the checks */
    struct http_check checks[HTTP_MAX_READY_CHECKS];
    size_t n;
};

#endif
