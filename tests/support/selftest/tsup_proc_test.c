/*
 * tsup_proc from several threads at once, as a scenario's clicker threads use
 * it (rpt_answer() pumps the host's log after an error answer): every line of
 * the child arrives exactly once and nothing is corrupted. Before tsup_proc
 * had a lock, test_rolepanel_load crashed here when PostgreSQL went away and
 * all its threads got error answers at the same time.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tsup.h"
#include "tsup_proc.h"

#define LINES 20000
#define THREADS 8

static tsup_proc *proc;

static void *reader(void *arg)
{
    int k = (int)(intptr_t)arg;
    /* Each thread mixes the three readers until the last line is in. */
    while (tsup_proc_count(proc, "line 20000.") == 0) {
        if (k % 2)
            tsup_proc_pump(proc, 10);
        else
            tsup_proc_wait_line(proc, "no such line", 5);
    }
    return NULL;
}

int main(void)
{
    char *argv[] = {"/bin/sh", "-c",
                    "i=1; while [ $i -le 20000 ]; do echo \"line $i.\" >&2; i=$((i+1)); done", NULL};
    proc = tsup_proc_start(argv, NULL);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, reader, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ_INT(tsup_proc_count(proc, "line "), LINES);
    CHECK_EQ_INT(tsup_proc_count(proc, "line 1."), 1);
    CHECK_EQ_INT(tsup_proc_count(proc, "line 12345."), 1);
    CHECK_EQ_INT(tsup_proc_wait(proc, 10000), 0);
    printf("tsup_proc_test: %d lines read by %d threads\n", LINES, THREADS);
    return 0;
}
