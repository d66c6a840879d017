/* Test support: blocking HTTP calls that fail the test when no answer comes. */
#include "tsup_http.h"

#include <stdio.h>
#include <string.h>

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
