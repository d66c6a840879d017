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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tsup.h"

/*
 * A reader thread drains the child's output (stdout and stderr) as it comes,
 * so a child that logs a lot (bothost at debug) never blocks on a full pipe
 * while the test is busy elsewhere; the test reads the lines it gathered under
 * `mu`.
 */
struct tsup_proc {
    pid_t pid;
    int fd;             /* its stdout and stderr */
    pthread_t reader;
    pthread_mutex_t mu;
    pthread_cond_t cond;    /* a line arrived, or the end */
    int eof;
    char partial[8192];
    size_t npartial;
    char **lines;
    size_t nlines, cap, cursor;
};

extern char **environ;

/*
 * Keeping host logs (ctest sets BH_TEST_LOG_DIR for the suites that run bothost
 * against bothost-emu): every line a child writes is appended to
 * <dir>/<test>.<pid>.log, and the emulators this test starts append the tokens
 * they issue to <dir>/<test>.<pid>.tokens (BH_EMU_TOKEN_LOG), as does
 * tsup_proc_start() with a DISCORD_TOKEN it passes on. tests/secrets scans the
 * logs for the tokens once the suites have run.
 */
static FILE *keep_log;
static char keep_tokens[4096];

__attribute__((constructor)) static void keep_logs_init(void)
{
    const char *dir = getenv("BH_TEST_LOG_DIR");
    if (!dir || !dir[0])
        return;
    mkdir(dir, 0755);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%d.log", dir, program_invocation_short_name, (int)getpid());
    keep_log = fopen(path, "a");
    snprintf(keep_tokens, sizeof keep_tokens, "%s/%s.%d.tokens", dir,
             program_invocation_short_name, (int)getpid());
    setenv("BH_EMU_TOKEN_LOG", keep_tokens, 1);
}

static void keep_token(const char *token)
{
    if (!keep_tokens[0] || !token[0])
        return;
    FILE *f = fopen(keep_tokens, "a");
    if (f) {
        fprintf(f, "%s\n", token);
        fclose(f);
    }
}

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

static void *reader_main(void *arg);

tsup_proc *tsup_proc_start(char *const argv[], char *const env[])
{
    for (int i = 0; env && env[i]; i++)
        if (!strncmp(env[i], "DISCORD_TOKEN=", 14))
            keep_token(env[i] + 14);
    int pipefd[2];
    CHECK(pipe2(pipefd, O_CLOEXEC) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], 1);
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
    p->pid = pid;
    p->fd = pipefd[0];
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cond, NULL);
    CHECK(pthread_create(&p->reader, NULL, reader_main, p) == 0);
    return p;
}

/* Reader thread, under p->mu. */
static void add_line(tsup_proc *p, const char *s, size_t n)
{
    if (p->nlines == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->lines = realloc(p->lines, p->cap * sizeof *p->lines);
        CHECK(p->lines);
    }
    p->lines[p->nlines++] = strndup(s, n);
    fprintf(stderr, "  | %.*s\n", (int)n, s);
    if (keep_log) {
        fprintf(keep_log, "[%d] %.*s\n", (int)p->pid, (int)n, s);
        fflush(keep_log);
    }
    pthread_cond_broadcast(&p->cond);
}

static void *reader_main(void *arg)
{
    tsup_proc *p = arg;
    char buf[8192];
    for (;;) {
        ssize_t n = read(p->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        pthread_mutex_lock(&p->mu);
        if (n <= 0) {
            if (p->npartial)
                add_line(p, p->partial, p->npartial);
            p->npartial = 0;
            p->eof = 1;
            pthread_cond_broadcast(&p->cond);
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                add_line(p, p->partial, p->npartial);
                p->npartial = 0;
            } else {
                p->partial[p->npartial++] = buf[i];
                if (p->npartial == sizeof p->partial) {
                    add_line(p, p->partial, p->npartial);
                    p->npartial = 0;
                }
            }
        }
        pthread_mutex_unlock(&p->mu);
    }
}

/* Waits on p->cond until `deadline_ms` (monotonic); p->mu held. */
static void wait_until(tsup_proc *p, int64_t deadline_ms)
{
    struct timespec now, ts;
    clock_gettime(CLOCK_REALTIME, &now);
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    int64_t left = deadline_ms - ((int64_t)mono.tv_sec * 1000 + mono.tv_nsec / 1000000);
    if (left <= 0)
        return;
    int64_t ns = now.tv_nsec + (left % 1000) * 1000000;
    ts.tv_sec = now.tv_sec + (time_t)(left / 1000) + (time_t)(ns / 1000000000);
    ts.tv_nsec = ns % 1000000000;
    pthread_cond_timedwait(&p->cond, &p->mu, &ts);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tsup_proc_pump(tsup_proc *p, int timeout_ms)
{
    pthread_mutex_lock(&p->mu);
    size_t seen = p->nlines;
    int64_t deadline = mono_ms() + timeout_ms;
    while (p->nlines == seen && !p->eof && mono_ms() < deadline)
        wait_until(p, deadline);
    pthread_mutex_unlock(&p->mu);
}

int tsup_proc_wait_eof(tsup_proc *p, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;
    pthread_mutex_lock(&p->mu);
    while (!p->eof && mono_ms() < deadline)
        wait_until(p, deadline);
    int eof = p->eof;
    pthread_mutex_unlock(&p->mu);
    return eof;
}

const char *tsup_proc_wait_line(tsup_proc *p, const char *needle, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->cursor < p->nlines) {
            const char *l = p->lines[p->cursor++];
            if (strstr(l, needle)) {
                pthread_mutex_unlock(&p->mu);
                return l;
            }
        }
        if (p->eof || mono_ms() >= deadline) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        wait_until(p, deadline);
    }
}

int tsup_proc_count(tsup_proc *p, const char *needle)
{
    pthread_mutex_lock(&p->mu);
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
        pthread_mutex_lock(&p->mu);
        int eof = p->eof;
        pthread_mutex_unlock(&p->mu);
        if (eof)
            poll(NULL, 0, 20); /* output closed, the exit still to come */
        else
            tsup_proc_pump(p, 20);
    }
    track(0, p->pid);
    pthread_join(p->reader, NULL); /* it ends at the end of the output */
    close(p->fd);
    for (size_t i = 0; i < p->nlines; i++)
        free(p->lines[i]);
    free(p->lines);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *tsup_bothost_path(void)
{
    return BH_BINARY_DIR "/bin/bothost";
}
