#define _GNU_SOURCE
#include "tsup_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tsup.h"

/* Threads of a test may wait on the same process's lines: `mu` guards all but pid and fd. */
struct tsup_proc {
    pthread_mutex_t mu;
    pid_t pid;
    int fd;             /* its stderr */
    int eof;
    char partial[8192];
    size_t npartial;
    char **lines;
    size_t nlines, cap, cursor;
};

extern char **environ;

/* Children still running: a test that fails (exit) takes them down, or ctest waits on their pipes. */
#define MAX_CHILDREN 64
static pid_t children[MAX_CHILDREN];

static void kill_children(void)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
}

static void track(pid_t pid, pid_t replace)
{
    static int registered;
    if (!registered) {
        atexit(kill_children);
        registered = 1;
    }
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (children[i] == replace) {
            children[i] = pid;
            return;
        }
    }
}

tsup_proc *tsup_proc_start(char *const argv[], char *const env[])
{
    int pipefd[2];
    CHECK(pipe2(pipefd, O_CLOEXEC) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], 2);
        for (int i = 0; env && env[i]; i++)
            putenv(env[i]);
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    track(pid, 0);
    tsup_proc *p = calloc(1, sizeof *p);
    CHECK(p);
    CHECK(pthread_mutex_init(&p->mu, NULL) == 0);
    p->pid = pid;
    p->fd = pipefd[0];
    fcntl(p->fd, F_SETFL, O_NONBLOCK);
    return p;
}

static void add_line(tsup_proc *p, const char *s, size_t n)
{
    if (p->nlines == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->lines = realloc(p->lines, p->cap * sizeof *p->lines);
        CHECK(p->lines);
    }
    p->lines[p->nlines++] = strndup(s, n);
    fprintf(stderr, "  | %.*s\n", (int)n, s);
}

static void pump_locked(tsup_proc *p, int timeout_ms)
{
    if (p->eof)
        return;
    struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) <= 0)
        return;
    for (;;) {
        ssize_t n = read(p->fd, p->partial + p->npartial, sizeof p->partial - p->npartial);
        if (n == 0) {
            p->eof = 1;
            if (p->npartial)
                add_line(p, p->partial, p->npartial);
            p->npartial = 0;
            return;
        }
        if (n < 0)
            return;
        p->npartial += (size_t)n;
        char *start = p->partial, *nl;
        while ((nl = memchr(start, '\n', p->npartial - (size_t)(start - p->partial)))) {
            add_line(p, start, (size_t)(nl - start));
            start = nl + 1;
        }
        size_t rest = p->npartial - (size_t)(start - p->partial);
        memmove(p->partial, start, rest);
        p->npartial = rest;
        if (p->npartial == sizeof p->partial) {
            add_line(p, p->partial, p->npartial);
            p->npartial = 0;
        }
    }
}

void tsup_proc_pump(tsup_proc *p, int timeout_ms)
{
    pthread_mutex_lock(&p->mu);
    pump_locked(p, timeout_ms);
    pthread_mutex_unlock(&p->mu);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *tsup_proc_wait_line(tsup_proc *p, const char *needle, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;
    const char *found = NULL;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!found && p->cursor < p->nlines) {
            const char *l = p->lines[p->cursor++];
            if (strstr(l, needle))
                found = l;
        }
        int64_t left = deadline - mono_ms();
        if (found || left <= 0 || p->eof)
            break;
        pump_locked(p, (int)(left > 100 ? 100 : left));
    }
    pthread_mutex_unlock(&p->mu);
    return found;
}

int tsup_proc_count(tsup_proc *p, const char *needle)
{
    pthread_mutex_lock(&p->mu);
    pump_locked(p, 0);
    int n = 0;
    for (size_t i = 0; i < p->nlines; i++)
        n += strstr(p->lines[i], needle) != NULL;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void tsup_proc_signal(tsup_proc *p, int sig)
{
    kill(p->pid, sig);
}

pid_t tsup_proc_pid(tsup_proc *p)
{
    return p->pid;
}

int tsup_proc_wait(tsup_proc *p, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid)
            break;
        if (mono_ms() > deadline) {
            fprintf(stderr, "process %d did not exit in %d ms: killing it\n", (int)p->pid,
                    timeout_ms);
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            break;
        }
        tsup_proc_pump(p, 20);
    }
    track(0, p->pid);
    while (!p->eof)
        tsup_proc_pump(p, 100);
    close(p->fd);
    for (size_t i = 0; i < p->nlines; i++)
        free(p->lines[i]);
    free(p->lines);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *tsup_bothost_path(void)
{
    return BH_BINARY_DIR "/bin/bothost";
}
