#include "httpc_json.h"

json_t *httpc_json_body(const httpc_response *r)
{
    if (!r || !r->body_len)
        return NULL;
    return json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
}

int httpc_json_fetch(const char *host, int port, const httpc_request *q, int *status, json_t **answer)
{
    httpc_request jq = *q;
    httpc_response *r;
    int rc;
    if (!jq.content_type)
        jq.content_type = "application/json";
    *status = 0;
    if (answer)
        *answer = NULL;
    rc = httpc_fetch(host, port, &jq, &r);
    if (rc)
        return rc;
    *status = r->status;
    if (answer)
        *answer = httpc_json_body(r);
    httpc_response_free(r);
    return 0;
}
