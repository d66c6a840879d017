/*
 * The worker pool: a fixed set of threads that run plugin code and anything else
 * that may block (database, waiting for Discord). Tasks run in submission order.
 */
#ifndef BH_WORK_POOL_H
#define BH_WORK_POOL_H

typedef struct work_pool work_pool;
typedef void (*work_fn)(void *arg);

int work_pool_create(work_pool **out, int threads);
/*
 * Queues fn(arg). BH_ESTATE once the pool is stopping: the caller still owns arg.
 */
int work_pool_submit(work_pool *p, work_fn fn, void *arg);
/* Tasks queued or running. */
int work_pool_pending(work_pool *p);
/* Refuses new tasks, runs those queued, joins the threads and frees the pool. */
void work_pool_destroy(work_pool *p);

#endif
