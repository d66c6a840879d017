/*
 * Test support: blocking HTTP calls through httpc (sdk/emu/client) that fail
 * the test, saying why, when no answer comes; a port nobody listens on.
 */
#ifndef BH_TSUP_HTTP_H
#define BH_TSUP_HTTP_H

#include <jansson.h>

#include "httpc_json.h"

/*
 * One call to 127.0.0.1:port with Authorization: Bot test-token and the JSON
 * text `body` (may be NULL), answered within 30 s: returns the answer parsed
 * (owned; NULL when empty or not JSON) and stores its status.
 */
json_t *tsup_http_json(int port, const char *method, const char *path, const char *body, int *status);

/* A port on 127.0.0.1 where nothing listens now (another process may take it before the test does). */
int tsup_unused_port(void);

#endif
