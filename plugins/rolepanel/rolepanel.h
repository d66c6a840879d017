/*
 * rolepanel: role panels. Admins build a panel in an ephemeral editor and post
 * it; members click its buttons (or choose in its select menu) to take or drop
 * roles, within the panel's mode, limits and requirements. Everything the
 * plugin knows lives in the rolepanel schema; these declarations are shared by
 * the files of the plugin, one job each:
 *
 *   rolepanel.c   load(): config, commands, handlers
 *   store.c       panels and their roles in the database
 *   mode.c        what a click means (modes, limits, requirements): pure logic
 *   safety.c      which roles a panel may give (hierarchy, managed, dangerous)
 *   render.c      the posted panel and its preview
 *   editor_view.c the admin's editor message
 *   commands.c    /panel and /rolepanel
 *   editor.c      the editor's buttons, selects and modals
 *   post.c        posting a panel and keeping its message up to date
 *   click.c       a member's click: serialised, checked, applied, answered
 *   temp_roles.c  temporary roles (the "expire" job)
 *   audit.c       the audit log, refusal counts, notices to admins
 *   events.c      deleted roles, messages and channels
 *   text.c        durations and role lists as text
 */
#ifndef ROLEPANEL_H
#define ROLEPANEL_H

#include <bothost/bothost.h>

#include <stddef.h>
#include <stdint.h>

#define RP_MAX_ROLES 25

enum rp_kind { RP_KIND_BUTTONS = 0, RP_KIND_SELECT = 1 };
enum rp_mode { RP_TOGGLE = 0, RP_UNIQUE, RP_VERIFY, RP_DROP, RP_BINDING, RP_NMODES };
enum rp_state { RP_DRAFT = 0, RP_POSTED, RP_BROKEN };

/* Why a click changed nothing, or why a role cannot be on a panel. */
enum rp_reason {
    RP_OK = 0,
    RP_NOOP_HAVE,       /* verify: the member already has it (not a refusal) */
    RP_NOOP_LACK,       /* drop: the member does not have it (not a refusal) */
    RP_NOOP_SAME,       /* a select choice equal to what the member holds */
    RP_R_BOUND,         /* binding: the member chose before */
    RP_R_MAX,
    RP_R_MIN,
    RP_R_REQUIRED,
    RP_R_EXCLUDED,
    RP_R_COOLDOWN,
    RP_R_ROLE_GONE,
    RP_R_EVERYONE,
    RP_R_MANAGED,
    RP_R_BOT_HIERARCHY,
    RP_R_BOT_PERMISSION,
    RP_R_ESCALATION,
    RP_R_DANGEROUS,
    RP_R_PANEL_GONE,
    RP_R_MEMBER_GONE,
    RP_R_FAILED,
    RP_R_ACTOR_PERMISSION, /* the admin adding a role may not manage roles */
};

/* Permissions that make a role dangerous to hand out: confirmation needed. */
#define RP_DANGEROUS_PERMS                                                                 \
    (BH_PERM_ADMINISTRATOR | BH_PERM_MANAGE_GUILD | BH_PERM_MANAGE_ROLES |                \
     BH_PERM_BAN_MEMBERS | BH_PERM_KICK_MEMBERS)

typedef struct rp_role {
    uint64_t role_id;
    char label[321];       /* 80 characters of UTF-8 */
    char emoji[128];
    int style;             /* BH_BUTTON_PRIMARY..DANGER */
    char description[401]; /* 100 characters */
    uint64_t added_by;
    uint64_t admin_top_role_id;
    int dangerous_ok;
} rp_role;

typedef struct rp_panel {
    int64_t id;
    uint64_t guild_id;
    char title[401];
    char description[4001];
    int kind;
    int mode;
    int min_roles, max_roles; /* max 0: no limit */
    uint64_t required_role, excluded_role;
    int64_t temp_seconds;     /* 0: roles are permanent */
    uint64_t channel_id, message_id;
    int state;
    char broken_reason[256];
    int nroles;
    rp_role roles[RP_MAX_ROLES];
} rp_panel;

/* [plugin.rolepanel], read in load(). */
typedef struct rp_config {
    int64_t cooldown_ms;
    int64_t audit_batch_ms;
    int64_t refusal_report_ms;
    int64_t max_panels;
    int64_t max_temp_seconds;
    int64_t fresh_window_ms;
} rp_config;

extern rp_config RP;
extern bh_host *RP_HOST;

/* ---- store.c ---- */
/* Loads panel `id` of `guild` with its roles; BH_ENOTFOUND when there is none. */
int rp_panel_load(bh_ctx *c, int64_t id, uint64_t guild, rp_panel *p);
/* Writes the panel's settings (not its roles) back. */
int rp_panel_save(bh_ctx *c, const rp_panel *p);
/* Creates a draft; *id gets its id. BH_ELIMIT when the guild has max_panels. */
int rp_panel_create(bh_ctx *c, uint64_t guild, uint64_t user, const char *title,
                    const char *description, int64_t *id);
int rp_panel_role_put(bh_ctx *c, const rp_panel *p, const rp_role *r);
int rp_panel_role_remove(bh_ctx *c, int64_t panel, uint64_t role);
/* Moves a role one place up (dir -1) or down (+1). */
int rp_panel_role_move(bh_ctx *c, rp_panel *p, uint64_t role, int dir);
const rp_role *rp_panel_role(const rp_panel *p, uint64_t role);
int rp_panel_mark_broken(bh_ctx *c, int64_t id, const char *reason);
const char *rp_mode_name(int mode);
int rp_mode_parse(const char *s);
const char *rp_mode_help(int mode);

/* ---- mode.c ---- */
typedef struct rp_click_in {
    int mode, min_roles, max_roles;
    const uint64_t *panel_roles;
    int npanel;
    const uint64_t *member_roles;
    int nmember;
    uint64_t required_role, excluded_role;
    int is_select;
    const uint64_t *chosen; /* a button: its role; a select: the chosen values */
    int nchosen;
    uint64_t bound_role;    /* binding: the member's earlier choice, 0 if none */
} rp_click_in;

typedef struct rp_decision {
    int reason;             /* RP_OK, an RP_NOOP_* or an RP_R_* refusal */
    uint64_t role;          /* the role the reason is about, if any */
    int nadd, nremove;
    uint64_t add[RP_MAX_ROLES], remove[RP_MAX_ROLES];
    int held_after;         /* panel roles held once applied */
} rp_decision;

/* Decides what a click does; touches nothing. */
void rp_decide(const rp_click_in *in, rp_decision *out);
int rp_has(const uint64_t *set, int n, uint64_t id);

/* ---- safety.c ---- */
/*
 * A guild's roles and the bot's rank, from the host's guild cache (which asks
 * Discord itself for a guild it does not know, e.g. after a resumed session).
 * The rules (owner, Administrator, hierarchy, managed roles) are the host's:
 * bh_member_can_manage_role() and bh_bot_can_manage_role().
 */
typedef struct rp_guild rp_guild;
rp_guild *rp_guild_open(bh_ctx *c, uint64_t guild);
void rp_guild_close(rp_guild *g);
int rp_guild_role(rp_guild *g, uint64_t role, bh_role_info *out);
/* Whether the cache does not know the guild (channel permissions are then unknown). */
int rp_guild_cold(const rp_guild *g);
/*
 * Whether a panel may give or take `role` now: it exists, is not @everyone or
 * managed, the bot may manage it, and it is below `admin_top` (the highest role
 * of the admin who added it; 0: the owner added it, or no check).
 * Fills *info when the role exists. Returns RP_OK or an RP_R_* reason.
 */
int rp_role_check(rp_guild *g, uint64_t role, uint64_t admin_top, bh_role_info *info);
/*
 * Whether the acting member may put `role` on a panel by Discord's rules.
 * *voucher gets what to store as the role's admin_top: their highest role, or
 * 0 for the owner. RP_OK, RP_R_ESCALATION, RP_R_ACTOR_PERMISSION or another reason.
 */
int rp_actor_may_give(rp_guild *g, uint64_t role, uint64_t *voucher);
/* Whether the acting member may manage panels (Manage Roles or Administrator). */
int rp_actor_is_admin(bh_ctx *c);
/* The dangerous permissions of a role, in words ("Administrator, Ban Members"), or "". */
void rp_dangerous_text(uint64_t perms, char *out, size_t n);
/* A refusal in words for a member or an admin; `role` may be 0. */
void rp_reason_text(const rp_panel *p, int reason, uint64_t role, char *out, size_t n);
/* The short name of a reason, for the refusal counts. */
const char *rp_reason_name(int reason);

/* ---- render.c ---- */
/* The panel as members see it; preview gives it inert custom_ids. */
bh_msg *rp_render_panel(bh_ctx *c, const rp_panel *p, int preview);

/* ---- editor_view.c ---- */
enum rp_page { RP_PAGE_HOME = 0, RP_PAGE_ROLE, RP_PAGE_REQ, RP_PAGE_POST, RP_PAGE_CONFIRM };
/* The editor for panel p: a page, an optional notice, the role a page is about. */
bh_msg *rp_render_editor(bh_ctx *c, const rp_panel *p, int page, uint64_t role,
                         const char *notice);

/* ---- post.c ---- */
/* Posts (or moves) the panel to `channel`; `notice` gets what happened. */
int rp_post(bh_ctx *c, rp_panel *p, uint64_t channel, char *notice, size_t n);
/* Updates the posted message after a change; marks the panel broken if it is gone. */
void rp_sync(bh_ctx *c, rp_panel *p, char *notice, size_t n);

/* ---- commands.c / editor.c / click.c / temp_roles.c / events.c ---- */
int rp_cmd_create(bh_ctx *c);
int rp_cmd_edit(bh_ctx *c);
int rp_cmd_list(bh_ctx *c);
int rp_cmd_delete(bh_ctx *c);
int rp_cmd_config(bh_ctx *c);
int rp_modal_new(bh_ctx *c);
int rp_editor_component(bh_ctx *c);
int rp_editor_modal(bh_ctx *c);
int rp_click_button(bh_ctx *c);
int rp_click_select(bh_ctx *c);
int rp_click_preview(bh_ctx *c);
int rp_job_expire(bh_ctx *c);
/* Records a temporary role given now (schedules its removal) or taken (cancels it). */
int rp_temp_given(bh_ctx *c, const rp_panel *p, uint64_t user, uint64_t role);
int rp_temp_taken(bh_ctx *c, uint64_t guild, uint64_t user, uint64_t role);
int rp_event_role_delete(bh_ctx *c);
int rp_event_message_delete(bh_ctx *c);
int rp_event_channel_delete(bh_ctx *c);

/* ---- audit.c ---- */
/* Queues one change for the audit channel (posted in batches by the "audit" job). */
int rp_audit_change(bh_ctx *c, uint64_t guild, int64_t panel, uint64_t user,
                    const uint64_t *added, int nadded, const uint64_t *removed, int nremoved,
                    const char *cause);
/* Counts a refused click; reported as a summary, never one message each. */
int rp_audit_refusal(bh_ctx *c, uint64_t guild, int64_t panel, int reason);
/* Tells the guild's admins something now (the audit channel), or logs it. */
void rp_notify(bh_ctx *c, uint64_t guild, const char *title, const char *text);
int rp_job_audit(bh_ctx *c);
uint64_t rp_audit_channel(bh_ctx *c, uint64_t guild);

/* ---- text.c ---- */
/* "90s", "30m", "2h", "1d12h", "1w": seconds, or -1; "" is 0 (permanent). */
int64_t rp_duration_parse(const char *s);
void rp_duration_text(int64_t seconds, char *out, size_t n);
/* "<@&1>, <@&2>" or "none". */
void rp_roles_text(const uint64_t *roles, int n, char *out, size_t size);
/* Unix time now, in milliseconds. */
int64_t rp_now_ms(void);
/* Appends formatted text to buf (of size n), never overflowing. */
__attribute__((format(printf, 3, 4))) void rp_append(char *buf, size_t n, const char *fmt, ...);

#endif
