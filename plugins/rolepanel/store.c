/* Panels and their roles in rolepanel.panels and rolepanel.panel_roles. */
#include "rolepanel.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[RP_NMODES] = {"toggle", "unique", "verify", "drop",
                                                  "binding"};

const char *rp_mode_name(int mode)
{
    return mode >= 0 && mode < RP_NMODES ? mode_names[mode] : "toggle";
}

int rp_mode_parse(const char *s)
{
    for (int i = 0; s && i < RP_NMODES; i++)
        if (!strcasecmp(s, mode_names[i]))
            return i;
    return -1;
}

const char *rp_mode_help(int mode)
{
    switch (mode) {
    case RP_UNIQUE: return "one role of the panel at a time; clicking the held one removes it";
    case RP_VERIFY: return "roles can only be taken, not given back";
    case RP_DROP: return "roles can only be given back";
    case RP_BINDING: return "one choice, final";
    default: return "click to take a role, click again to give it back";
    }
}

static uint64_t u64(const bh_result *r, int row, int col)
{
    return (uint64_t)bh_result_i64(r, row, col);
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

int rp_panel_load(bh_ctx *c, int64_t id, uint64_t guild, rp_panel *p)
{
    bh_result *r;
    memset(p, 0, sizeof *p);
    int rc = bh_db_query(c, &r,
                         "SELECT id, guild_id, title, description, kind, mode, min_roles, "
                         "max_roles, required_role_id, excluded_role_id, temp_seconds, "
                         "channel_id, message_id, state, broken_reason "
                         "FROM rolepanel.panels WHERE id = $1 AND guild_id = $2",
                         BH_ARGS(bh_i64(id), bh_i64((int64_t)guild)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(r) == 0) {
        bh_result_free(r);
        return BH_ENOTFOUND;
    }
    p->id = bh_result_i64(r, 0, 0);
    p->guild_id = u64(r, 0, 1);
    copy(p->title, sizeof p->title, bh_result_text(r, 0, 2));
    copy(p->description, sizeof p->description, bh_result_text(r, 0, 3));
    p->kind = strcmp(bh_result_text(r, 0, 4), "select") == 0 ? RP_KIND_SELECT : RP_KIND_BUTTONS;
    p->mode = rp_mode_parse(bh_result_text(r, 0, 5));
    p->min_roles = (int)bh_result_i64(r, 0, 6);
    p->max_roles = (int)bh_result_i64(r, 0, 7);
    p->required_role = u64(r, 0, 8);
    p->excluded_role = u64(r, 0, 9);
    p->temp_seconds = bh_result_i64(r, 0, 10);
    p->channel_id = u64(r, 0, 11);
    p->message_id = u64(r, 0, 12);
    const char *st = bh_result_text(r, 0, 13);
    p->state = !strcmp(st, "posted") ? RP_POSTED : !strcmp(st, "broken") ? RP_BROKEN : RP_DRAFT;
    copy(p->broken_reason, sizeof p->broken_reason, bh_result_text(r, 0, 14));
    bh_result_free(r);

    rc = bh_db_query(c, &r,
                     "SELECT role_id, label, emoji, style, description, added_by, "
                     "admin_top_role_id, dangerous_ok FROM rolepanel.panel_roles "
                     "WHERE panel_id = $1 ORDER BY position, role_id LIMIT 25",
                     BH_ARGS(bh_i64(id)));
    if (rc < 0)
        return rc;
    for (int i = 0; i < bh_result_rows(r); i++) {
        rp_role *ro = &p->roles[p->nroles++];
        ro->role_id = u64(r, i, 0);
        copy(ro->label, sizeof ro->label, bh_result_text(r, i, 1));
        copy(ro->emoji, sizeof ro->emoji, bh_result_text(r, i, 2));
        ro->style = (int)bh_result_i64(r, i, 3);
        copy(ro->description, sizeof ro->description, bh_result_text(r, i, 4));
        ro->added_by = u64(r, i, 5);
        ro->admin_top_role_id = u64(r, i, 6);
        ro->dangerous_ok = bh_result_bool(r, i, 7);
    }
    bh_result_free(r);
    return 0;
}

static bh_param id_or_null(uint64_t id)
{
    return id ? bh_i64((int64_t)id) : bh_null();
}

int rp_panel_save(bh_ctx *c, const rp_panel *p)
{
    static const char *const states[] = {"draft", "posted", "broken"};
    int64_t n = bh_db_exec(
        c,
        "UPDATE rolepanel.panels SET title = $2, description = $3, kind = $4, mode = $5, "
        "min_roles = $6, max_roles = $7, required_role_id = $8, excluded_role_id = $9, "
        "temp_seconds = $10, channel_id = $11, message_id = $12, state = $13, "
        "broken_reason = $14, updated_at = now() WHERE id = $1",
        BH_ARGS(bh_i64(p->id), bh_text(p->title), bh_text(p->description),
                bh_text(p->kind == RP_KIND_SELECT ? "select" : "buttons"),
                bh_text(rp_mode_name(p->mode)), bh_i64(p->min_roles), bh_i64(p->max_roles),
                id_or_null(p->required_role), id_or_null(p->excluded_role),
                bh_i64(p->temp_seconds), id_or_null(p->channel_id), id_or_null(p->message_id),
                bh_text(states[p->state]),
                p->state == RP_BROKEN ? bh_text(p->broken_reason) : bh_null()));
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : BH_ENOTFOUND;
}

int rp_panel_create(bh_ctx *c, uint64_t guild, uint64_t user, const char *title,
                    const char *description, int64_t *id)
{
    bh_result *r;
    /* Per guild lock: two admins creating at once cannot pass max_panels together. */
    int rc = bh_db_begin(c);
    if (rc == 0)
        rc = bh_db_query(c, &r, "SELECT pg_advisory_xact_lock(hashtextextended("
                                "'rolepanel:panels:' || $1::text, 0))",
                         BH_ARGS(bh_i64((int64_t)guild)));
    if (rc == 0)
        rc = bh_db_query(c, &r,
                         "INSERT INTO rolepanel.panels (guild_id, title, description, created_by) "
                         "SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM rolepanel.panels "
                         "WHERE guild_id = $1) < $5 RETURNING id",
                         BH_ARGS(bh_i64((int64_t)guild), bh_text(title), bh_text(description),
                                 bh_i64((int64_t)user), bh_i64(RP.max_panels)));
    if (rc < 0)
        return rc; /* the host rolls back, keeping bh_ctx_error() */
    if (bh_result_rows(r) == 0) {
        bh_db_rollback(c);
        return BH_ELIMIT;
    }
    *id = bh_result_i64(r, 0, 0);
    return bh_db_commit(c);
}

int rp_panel_role_put(bh_ctx *c, const rp_panel *p, const rp_role *ro)
{
    int64_t n = bh_db_exec(
        c,
        "INSERT INTO rolepanel.panel_roles (panel_id, role_id, position, label, emoji, style, "
        "description, added_by, admin_top_role_id, dangerous_ok) VALUES ($1, $2, "
        "(SELECT coalesce(max(position), 0) + 1 FROM rolepanel.panel_roles WHERE panel_id = $1),"
        " $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (panel_id, role_id) DO UPDATE SET "
        "label = EXCLUDED.label, emoji = EXCLUDED.emoji, style = EXCLUDED.style, "
        "description = EXCLUDED.description, added_by = EXCLUDED.added_by, "
        "admin_top_role_id = EXCLUDED.admin_top_role_id, dangerous_ok = EXCLUDED.dangerous_ok",
        BH_ARGS(bh_i64(p->id), bh_i64((int64_t)ro->role_id), bh_text(ro->label),
                ro->emoji[0] ? bh_text(ro->emoji) : bh_null(), bh_i64(ro->style),
                ro->description[0] ? bh_text(ro->description) : bh_null(),
                bh_i64((int64_t)ro->added_by), id_or_null(ro->admin_top_role_id),
                bh_bool(ro->dangerous_ok)));
    return n < 0 ? (int)n : 0;
}

int rp_panel_role_remove(bh_ctx *c, int64_t panel, uint64_t role)
{
    int64_t n = bh_db_exec(c, "DELETE FROM rolepanel.panel_roles WHERE panel_id = $1 AND role_id = $2",
                           BH_ARGS(bh_i64(panel), bh_i64((int64_t)role)));
    if (n < 0)
        return (int)n;
    return n ? 0 : BH_ENOTFOUND;
}

int rp_panel_role_move(bh_ctx *c, rp_panel *p, uint64_t role, int dir)
{
    int at = -1;
    for (int i = 0; i < p->nroles; i++)
        if (p->roles[i].role_id == role)
            at = i;
    int to = at + dir;
    if (at < 0 || to < 0 || to >= p->nroles)
        return 0;
    rp_role tmp = p->roles[at];
    p->roles[at] = p->roles[to];
    p->roles[to] = tmp;
    /* Renumber all: positions stay dense whatever was there before. */
    for (int i = 0; i < p->nroles; i++) {
        int64_t n = bh_db_exec(c, "UPDATE rolepanel.panel_roles SET position = $3 "
                                  "WHERE panel_id = $1 AND role_id = $2",
                               BH_ARGS(bh_i64(p->id), bh_i64((int64_t)p->roles[i].role_id),
                                       bh_i64(i + 1)));
        if (n < 0)
            return (int)n;
    }
    return 0;
}

const rp_role *rp_panel_role(const rp_panel *p, uint64_t role)
{
    for (int i = 0; i < p->nroles; i++)
        if (p->roles[i].role_id == role)
            return &p->roles[i];
    return NULL;
}

int rp_panel_mark_broken(bh_ctx *c, int64_t id, const char *reason)
{
    int64_t n = bh_db_exec(c,
                           "UPDATE rolepanel.panels SET state = 'broken', broken_reason = $2, "
                           "message_id = NULL, updated_at = now() WHERE id = $1",
                           BH_ARGS(bh_i64(id), bh_text(reason)));
    return n < 0 ? (int)n : 0;
}
