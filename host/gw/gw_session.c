/*
 * Session persistence across a graceful restart: <state_dir>/gateway-sessions.json
 *
 *   {"version": 1, "shards": [{"shard": 0, "num_shards": 4, "session_id": "...",
 *     "seq": 1234, "resume_gateway_url": "wss://..."}]}
 *
 * Written atomically (temp file, fsync, rename, mode 0600) at gw_stop(); read
 * and removed at gw_start(), so a session is resumed at most once from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bothost/abi.h>

#include "base/log.h"
#include "gw/gw_internal.h"

static int session_path(gw *g, char *buf, size_t n, const char *suffix)
{
    int len = snprintf(buf, n, "%s/%s%s", g->state_dir, GW_SESSIONS_FILE, suffix);
    return len < 0 || (size_t)len >= n ? BH_EINVAL : 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int gw__session_save(gw *g)
{
    if (!g->state_dir)
        return 0;
    json_t *arr = json_array();
    json_t *doc = json_pack("{s:i, s:o}", "version", 1, "shards", arr);
    if (!doc)
        return BH_ENOMEM;
    for (int i = 0; i < g->nshards; i++) {
        gw_shard *sh = &g->shards[i];
        if (!sh->session_id[0])
            continue;
        json_array_append_new(arr, json_pack("{s:i, s:i, s:s, s:I, s:s}", "shard", sh->id,
                                             "num_shards", g->o.shards, "session_id",
                                             sh->session_id, "seq", (json_int_t)sh->seq,
                                             "resume_gateway_url", sh->resume_url));
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    size_t nsaved = json_array_size(arr);
    json_decref(doc);
    if (!text)
        return BH_ENOMEM;

    char tmp[4200], path[4200];
    int rc = BH_EINVAL;
    if (session_path(g, tmp, sizeof tmp, ".tmp") < 0 || session_path(g, path, sizeof path, "") < 0)
        goto out;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_msg(LOG_ERROR, "gateway", "cannot save the gateway sessions: %s: %s", tmp,
                strerror(errno));
        goto out;
    }
    if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
        log_msg(LOG_ERROR, "gateway", "cannot save the gateway sessions: %s: %s", tmp,
                strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        log_msg(LOG_ERROR, "gateway", "cannot save the gateway sessions: rename to %s: %s", path,
                strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* The rename is durable once the directory is synced. */
    int dfd = open(g->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    log_msg(LOG_DEBUG, "gateway", "saved %zu gateway session(s) to %s", nsaved, path);
    rc = 0;
out:
    free(text);
    return rc;
}

int gw__session_load(gw *g)
{
    if (!g->state_dir)
        return 0;
    char path[4200];
    if (session_path(g, path, sizeof path, "") < 0)
        return BH_EINVAL;
    if (access(path, F_OK) < 0)
        return 0;
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    /* Read once: a session must not be resumed a second time from a stale file. */
    unlink(path);
    if (!doc) {
        log_msg(LOG_WARN, "gateway", "ignoring %s: line %d: %s", path, err.line, err.text);
        return 0;
    }
    int loaded = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "shards"), i, v)
    {
        json_t *id = json_object_get(v, "shard"), *num = json_object_get(v, "num_shards");
        const char *sid = json_string_value(json_object_get(v, "session_id"));
        const char *url = json_string_value(json_object_get(v, "resume_gateway_url"));
        json_t *seq = json_object_get(v, "seq");
        if (!json_is_integer(id) || !json_is_integer(num) || !sid || !url || !json_is_integer(seq))
            continue;
        /* A session belongs to one shard layout: a changed shard count starts afresh. */
        if (json_integer_value(num) != g->o.shards)
            continue;
        json_int_t sidx = json_integer_value(id) - g->o.shard_first;
        if (sidx < 0 || sidx >= g->nshards)
            continue;
        gw_shard *sh = &g->shards[sidx];
        if (strlen(sid) >= sizeof sh->session_id || strlen(url) >= sizeof sh->resume_url)
            continue;
        snprintf(sh->session_id, sizeof sh->session_id, "%s", sid);
        snprintf(sh->resume_url, sizeof sh->resume_url, "%s", url);
        sh->seq = json_integer_value(seq);
        loaded++;
    }
    json_decref(doc);
    log_msg(LOG_DEBUG, "gateway", "loaded %d saved gateway session(s) from %s", loaded, path);
    return loaded;
}
