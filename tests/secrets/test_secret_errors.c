/*
 * A plugin's REST call that fails names the route template in its error (and so
 * in the host's log line), never the interaction's token: the answer to /echo
 * meets a 500 on every callback, the handler returns the error, the host logs it.
 * secret_scan then checks every kept log for every token issued.
 */
#include <string.h>

#include "e2e.h"

int main(void)
{
    e2e t;
    e2e_setup(&t, "e2e_secret_errors", NULL);
    tsup_host_install_plugin(&t.dirs, "interact_a", "interact");
    e2e_start_host(&t, "interact", "[host]\nauto_defer_ms = 2900\n", "msg=\"ready: ");
    e2e_wait_commands(&t, 30000);

    int status = 0;
    json_decref(et_ctl(&t.emu, "POST", "/_emu/faults/rest",
                       json_pack("{s:s, s:i, s:s, s:i}", "kind", "5xx", "status", 500, "route",
                                 "POST /interactions/{interaction_id}/{interaction_token}/callback",
                                 "count", 50),
                       &status));
    CHECK_EQ_INT(status, 200);
    char id[32];
    snprintf(id, sizeof id, "%s", e2e_command(&t, "/echo text:secret times:1"));
    char path[96];
    snprintf(path, sizeof path, "/_emu/interactions/%s", id);
    json_t *ix = et_ctl(&t.emu, "GET", path, NULL, &status);
    CHECK_EQ_INT(status, 200);
    char token[160];
    snprintf(token, sizeof token, "%s", json_string_value(json_object_get(ix, "token")));
    json_decref(ix);
    CHECK(strlen(token) > 40);

    const char *line = tsup_proc_wait_line(t.host, "plugin interact failed echo", 30000);
    CHECK(line != NULL);
    fprintf(stderr, "failure line: %s\n", line);
    CHECK(strstr(line, "/interactions/{interaction_id}/{interaction_token}/callback"));
    CHECK(!strstr(line, token));
    CHECK(!strstr(line, id));
    CHECK_EQ_INT(tsup_proc_count(t.host, token), 0);

    json_decref(et_ctl(&t.emu, "DELETE", "/_emu/faults", NULL, &status));
    e2e_teardown(&t);
    return 0;
}
