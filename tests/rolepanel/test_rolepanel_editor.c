/*
 * An admin builds a panel in the editor (modal, roles, reorder, remove, kind,
 * text, preview), posts it; a member's click toggles a role; editing the
 * posted panel updates its message; the setup refuses roles out of reach
 * (bot hierarchy, managed, @everyone, above the admin's own highest role) and
 * asks to confirm dangerous ones; /panel list and /panel delete.
 */
#include <string.h>

#include "rpt.h"

static char *posted(e2e *t, rpt_panel *p)
{
    json_t *m = rpt_message(t, p->channel, p->message);
    CHECK(m);
    char *dump = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    return dump;
}

static void move_role(e2e *t, const char *role, int position)
{
    char path[128];
    snprintf(path, sizeof path, "/_emu/roles/%s", role);
    int status = 0;
    json_decref(et_ctl(&t->emu, "PATCH", path, json_pack("{s:i}", "position", position), &status));
    CHECK_EQ_INT(status, 200);
}

int main(void)
{
    e2e t;
    rpt_start(&t, "rp_editor", "[plugin.rolepanel]\ncooldown_ms = 0\n");

    /* Only admins (Manage Roles) may manage panels. */
    CHECK(strstr(rpt_answer(&t, rpt_command(&t, "alice", "/panel create"), RPT_ANSWER_MS), "Manage Roles"));

    rpt_panel p;
    rpt_panel_create(&t, &p, "Games", "Pick what you play");
    CHECK(p.id > 0);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panels WHERE title = 'Games' "
                                   "AND description = 'Pick what you play' AND state = 'draft'"),
                 1);
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Gamer", "Gamers", "primary"), "Added"));
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Artist", "Artists", "success"), "Added"));
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panel_roles"), 2);

    /* Roles out of the bot's reach are refused at setup. */
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Moderator", "Mods", NULL), "bot's highest role"));
    CHECK(strstr(rpt_panel_add_role(&t, &p, "bothost", "Bot", NULL), "managed"));
    CHECK(strstr(rpt_panel_add_role(&t, &p, rpt_role_id(&t, "@everyone"), "All", NULL), "@everyone"));
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panel_roles"), 2);

    const char *notice = rpt_panel_post(&t, &p, "general");
    CHECK(strstr(notice, "Posted the panel"));
    char *dump = posted(&t, &p);
    CHECK(strstr(dump, "\"label\":\"Gamers\""));
    CHECK(strstr(dump, "\"label\":\"Artists\""));
    CHECK(strstr(dump, "\"title\":\"Games\""));
    free(dump);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panels WHERE state = 'posted'"), 1);

    /* A member toggles a role: added, then removed. */
    CHECK(!rpt_has_role(&t, "bob", "Artist"));
    CHECK(strstr(rpt_take(&t, &p, "bob", "Artist"), "Added <@&"));
    CHECK(rpt_has_role(&t, "bob", "Artist"));
    CHECK(strstr(rpt_take(&t, &p, "bob", "Artist"), "Removed <@&"));
    CHECK(!rpt_has_role(&t, "bob", "Artist"));

    /* Reorder: Artist moves up; the posted message follows. */
    char cid[100];
    const char *artist[] = {rpt_role_id(&t, "Artist"), NULL};
    snprintf(cid, sizeof cid, "rolepanel:ed:pick:%lld", (long long)p.id);
    rpt_answer(&t, rpt_select(&t, "owner", p.editor, cid, artist), RPT_ANSWER_MS);
    snprintf(cid, sizeof cid, "rolepanel:ed:up:%lld:%s", (long long)p.id, rpt_role_id(&t, "Artist"));
    CHECK(strstr(rpt_answer(&t, rpt_click(&t, "owner", p.editor, cid), RPT_ANSWER_MS),
                 "The posted panel was updated"));
    dump = posted(&t, &p);
    CHECK(strstr(dump, "Artists") < strstr(dump, "Gamers"));
    free(dump);

    /* Remove Gamer: gone from the posted message too. */
    const char *gamer[] = {rpt_role_id(&t, "Gamer"), NULL};
    snprintf(cid, sizeof cid, "rolepanel:ed:home:%lld", (long long)p.id);
    rpt_answer(&t, rpt_click(&t, "owner", p.editor, cid), RPT_ANSWER_MS);
    snprintf(cid, sizeof cid, "rolepanel:ed:pick:%lld", (long long)p.id);
    rpt_answer(&t, rpt_select(&t, "owner", p.editor, cid, gamer), RPT_ANSWER_MS);
    snprintf(cid, sizeof cid, "rolepanel:ed:rm:%lld:%s", (long long)p.id, rpt_role_id(&t, "Gamer"));
    CHECK(strstr(rpt_answer(&t, rpt_click(&t, "owner", p.editor, cid), RPT_ANSWER_MS), "Removed"));
    dump = posted(&t, &p);
    CHECK(!strstr(dump, "Gamers"));
    free(dump);
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Gamer", "Gamers", "blurple"), "Added"));

    /* The kind: a select menu (min_values 0), then buttons again. */
    rpt_panel_toggle_kind(&t, &p);
    dump = posted(&t, &p);
    CHECK(strstr(dump, "\"custom_id\":\"rolepanel:s:"));
    CHECK(strstr(dump, "\"min_values\":0"));
    free(dump);
    rpt_panel_toggle_kind(&t, &p);

    /* Title and text, through their modal: the posted embed follows. */
    snprintf(cid, sizeof cid, "rolepanel:ed:text:%lld", (long long)p.id);
    const char *ix = rpt_click(&t, "owner", p.editor, cid);
    CHECK_EQ_INT(rpt_answer_type(&t, ix, RPT_ANSWER_MS), 9);
    const char *text[] = {"title", "Games and art", "description", "What do you do?", NULL};
    CHECK(strstr(rpt_answer(&t, rpt_modal(&t, ix, text), RPT_ANSWER_MS), "Title and text saved"));
    CHECK(rpt_wait_message(&t, p.channel, p.message, "\"title\":\"Games and art\"", 1, 10000));

    /* Preview: an ephemeral copy whose controls give nothing. */
    snprintf(cid, sizeof cid, "rolepanel:ed:preview:%lld", (long long)p.id);
    json_t *v = rpt_view(&t, rpt_click(&t, "owner", p.editor, cid), RPT_ANSWER_MS);
    dump = json_dumps(json_object_get(v, "response"), JSON_COMPACT);
    CHECK(strstr(dump, "rolepanel:pv:") && strstr(dump, "\"flags\":64"));
    free(dump);
    json_decref(v);

    /* The bot on top: a dangerous role asks for confirmation, then goes on. */
    move_role(&t, "bothost", 7);
    notice = rpt_panel_add_role(&t, &p, "Moderator", "Mods", NULL);
    CHECK(strstr(notice, "Manage Roles") && strstr(notice, "Add it anyway?"));
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panel_roles"), 2);
    snprintf(cid, sizeof cid, "rolepanel:ed:confirm:%lld:%s", (long long)p.id,
             rpt_role_id(&t, "Moderator"));
    ix = rpt_click(&t, "owner", p.editor, cid);
    CHECK_EQ_INT(rpt_answer_type(&t, ix, RPT_ANSWER_MS), 9);
    const char *fields[] = {"label", "Mods", NULL};
    CHECK(strstr(rpt_answer(&t, rpt_modal(&t, ix, fields), RPT_ANSWER_MS), "Added"));
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panel_roles WHERE dangerous_ok"), 1);

    /* No escalation: mod may not hand out roles at or above their own highest. */
    char edit[64];
    snprintf(edit, sizeof edit, "/panel edit panel:%lld", (long long)p.id);
    v = rpt_view(&t, rpt_command(&t, "mod", edit), RPT_ANSWER_MS);
    char mod_editor[32];
    snprintf(mod_editor, sizeof mod_editor, "%s", json_string_value(json_object_get(v, "original_message_id")));
    json_decref(v);
    snprintf(cid, sizeof cid, "rolepanel:ed:add:%lld", (long long)p.id);
    const char *admin_role[] = {"Admin", NULL};
    CHECK(strstr(rpt_answer(&t, rpt_select(&t, "mod", mod_editor, cid, admin_role), RPT_ANSWER_MS),
                 "above your own highest role"));
    const char *mod_role[] = {"Moderator", NULL};
    CHECK(strstr(rpt_answer(&t, rpt_select(&t, "mod", mod_editor, cid, mod_role), RPT_ANSWER_MS),
                 "above your own highest role"));

    /* /panel list shows it; /panel delete removes the panel and its message. */
    v = rpt_view(&t, rpt_command(&t, "owner", "/panel list"), RPT_ANSWER_MS);
    dump = json_dumps(v, JSON_COMPACT);
    CHECK(strstr(dump, "Games and art") && strstr(dump, "posted in"));
    free(dump);
    json_decref(v);
    char del[64];
    snprintf(del, sizeof del, "/panel delete panel:%lld", (long long)p.id);
    CHECK(strstr(rpt_answer(&t, rpt_command(&t, "owner", del), RPT_ANSWER_MS), "and its message"));
    CHECK(rpt_message(&t, p.channel, p.message) == NULL);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panels"), 0);
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panel_roles"), 0);
    /* The MESSAGE_DELETE that follows finds no panel and tells nobody anything. */
    CHECK(strstr(rpt_answer(&t, rpt_command(&t, "owner", del), RPT_ANSWER_MS), "no panel"));

    e2e_teardown(&t);
    printf("test_rolepanel_editor: ok\n");
    return 0;
}
