/* Logging: logfmt shape, levels, quoting, and that secrets never get out. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "tsup.h"

static char out[8192];

static const char *capture(void (*fn)(void))
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    log_set_fd(fds[1]);
    fn();
    log_set_fd(2);
    close(fds[1]);
    ssize_t n = read(fds[0], out, sizeof out - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    return out;
}

static void basic(void)
{
    log_msg(LOG_INFO, "db", "connected to %s", "x");
}
static void quoting(void)
{
    log_fields(LOG_WARN, "plugin", "plugin=raffle", "say \"hi\"\nnext\\line");
}
static void filtered(void)
{
    log_msg(LOG_DEBUG, "db", "hidden");
}
static void secret(void)
{
    log_msg(LOG_ERROR, "gateway", "identify with token Bot s3cr3t.T0KEN.x and s3cr3t.T0KEN.x");
}

int main(void)
{
    const char *l = capture(basic);
    CHECK(strncmp(l, "time=", 5) == 0);
    CHECK(l[9] == '-' && strstr(l, "Z level=info component=db msg=\"connected to x\"\n"));

    l = capture(quoting);
    CHECK(strstr(l, "level=warn component=plugin plugin=raffle msg=\"say \\\"hi\\\"\\nnext\\\\line\"\n"));

    log_set_level(LOG_INFO);
    CHECK_EQ_STR(capture(filtered), "");
    log_set_level(LOG_DEBUG);
    CHECK(strstr(capture(filtered), "hidden"));

    log_add_secret("s3cr3t.T0KEN.x");
    l = capture(secret);
    CHECK(!strstr(l, "s3cr3t"));
    CHECK(strstr(l, "token Bot [redacted] and [redacted]"));
    log_clear_secrets();

    CHECK_EQ_INT(log_level_parse("warn"), LOG_WARN);
    CHECK_EQ_INT(log_level_parse("verbose"), -1);
    printf("test_log: ok\n");
    return 0;
}
