/*
 * httpc with JSON answers: what the emulator's CLI and the tests do with its
 * REST and control API.
 */
#ifndef BOTHOST_HTTPC_JSON_H
#define BOTHOST_HTTPC_JSON_H

#include <jansson.h>

#include "httpc.h"

/* The body parsed as any JSON value (a new reference), or NULL when empty or not JSON. */
json_t *httpc_json_body(const httpc_response *r);

/*
 * httpc_fetch() with q->content_type "application/json" unless q gives one.
 * On 0, *status is the answer's status and *answer (when answer is not NULL)
 * its body parsed, or NULL; on an error both are 0 and NULL.
 */
int httpc_json_fetch(const char *host, int port, const httpc_request *q, int *status, json_t **answer);

#endif
