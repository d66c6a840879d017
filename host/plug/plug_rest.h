/* REST calls made on behalf of a handler call: blocking, errors kept on the call. */
#ifndef BH_PLUG_REST_H
#define BH_PLUG_REST_H

#include <jansson.h>

#include <bothost/abi.h>

/*
 * Runs one REST request from a worker (rest_call). On failure sets the call's
 * error text ("Discord 50013: Missing Permissions (POST /channels/{channel_id}/messages)")
 * and Discord code, and returns the rest_response result. *out (may be NULL)
 * gets the parsed answer (new reference).
 */
int plug_rest_call(bh_ctx *c, const char *method, const char *path, const json_t *body,
                   const char *reason, unsigned flags, json_t **out);

#endif
