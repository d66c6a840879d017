/* The worker pool runs every task once, on several threads, and drains on destroy. */
#include <stdatomic.h>
#include <unistd.h>

#include "base/work_pool.h"
#include "tsup.h"

static atomic_int ran;

static void task(void *arg)
{
    (void)arg;
    usleep(100);
    atomic_fetch_add(&ran, 1);
}

int main(void)
{
    work_pool *p;
    CHECK(work_pool_create(&p, 4) == 0);
    for (int i = 0; i < 1000; i++)
        CHECK(work_pool_submit(p, task, NULL) == 0);
    work_pool_destroy(p);
    CHECK_EQ_INT(atomic_load(&ran), 1000);
    printf("test_work_pool: ok\n");
    return 0;
}
