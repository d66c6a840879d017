/* Test support: blocking HTTP calls that fail the test when no answer comes. */
#include "tsup_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tsup.h"

json_t *tsup_http_json(int port, const char *method, const char *path, const char *body, int *status)
{
    static const char *const auth[] = {"Authorization: Bot test-token", NULL};
    httpc_request q = {.method = method, .path = path, .headers = auth, .body = body,
                       .body_len = body ? strlen(body) : 0, .timeout_ms = 30000};
    json_t *answer;
    int st;
    int rc = httpc_json_fetch("127.0.0.1", port, &q, &st, &answer);
    if (rc)
        fprintf(stderr, "%s %s on port %d: %s\n", method, path, port, httpc_strerror(rc));
    CHECK_EQ_INT(rc, 0);
    if (status)
        *status = st;
    return answer;
}

int tsup_unused_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}
