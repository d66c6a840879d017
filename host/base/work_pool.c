#include "base/work_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/queue.h>

#include <bothost/abi.h>

typedef struct work_task {
    work_fn fn;
    void *arg;
    STAILQ_ENTRY(work_task) next;
} work_task;

struct work_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    STAILQ_HEAD(, work_task) queue;
    int pending;
    int stopping;
    int nthreads;
    pthread_t *threads;
};

static void *worker_main(void *arg)
{
    work_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (STAILQ_EMPTY(&p->queue) && !p->stopping)
            pthread_cond_wait(&p->cond, &p->lock);
        work_task *t = STAILQ_FIRST(&p->queue);
        if (!t)
            break;
        STAILQ_REMOVE_HEAD(&p->queue, next);
        pthread_mutex_unlock(&p->lock);
        t->fn(t->arg);
        free(t);
        pthread_mutex_lock(&p->lock);
        p->pending--;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int work_pool_create(work_pool **out, int threads)
{
    work_pool *p = calloc(1, sizeof *p);
    if (!p)
        return BH_ENOMEM;
    p->threads = calloc((size_t)threads, sizeof *p->threads);
    if (!p->threads) {
        free(p);
        return BH_ENOMEM;
    }
    STAILQ_INIT(&p->queue);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    for (; p->nthreads < threads; p->nthreads++) {
        if (pthread_create(&p->threads[p->nthreads], NULL, worker_main, p) != 0) {
            work_pool_destroy(p);
            return BH_ENOMEM;
        }
    }
    *out = p;
    return 0;
}

int work_pool_submit(work_pool *p, work_fn fn, void *arg)
{
    work_task *t = malloc(sizeof *t);
    if (!t)
        return BH_ENOMEM;
    *t = (work_task){.fn = fn, .arg = arg};
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        free(t);
        return BH_ESTATE;
    }
    STAILQ_INSERT_TAIL(&p->queue, t, next);
    p->pending++;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

int work_pool_pending(work_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->pending;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void work_pool_destroy(work_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p->threads);
    free(p);
}
