/*
 * An admin builds a panel in the editor (modal, roles, reorder, remove, kind,
 * preview), posts it; a member's click toggles a role; editing the posted
 * panel updates its message; /panel list and /panel delete.
 */
#include <string.h>

#include "rpt.h"

int main(void)
{
    e2e t;
    rpt_start(&t, "rp_editor", "[plugin.rolepanel]\ncooldown_ms = 0\n");
    rpt_panel p;
    rpt_panel_create(&t, &p, "Games", "Pick what you play");
    CHECK(p.id > 0);
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Gamer", "Gamers", "primary"), "Added"));
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Artist", "Artists", "success"), "Added"));
    CHECK_EQ_INT(tsup_pg_i64(t.db, "SELECT count(*) FROM rolepanel.panel_roles"), 2);

    const char *notice = rpt_panel_post(&t, &p, "general");
    CHECK(strstr(notice, "Posted the panel"));
    json_t *m = rpt_message(&t, p.channel, p.message);
    CHECK(m);
    char *dump = json_dumps(m, JSON_COMPACT);
    CHECK(strstr(dump, "\"label\":\"Gamers\""));
    CHECK(strstr(dump, "\"label\":\"Artists\""));
    free(dump);
    json_decref(m);

    /* A member toggles a role: added, then removed. */
    CHECK(!rpt_has_role(&t, "bob", "Artist"));
    const char *a = rpt_take(&t, &p, "bob", "Artist");
    CHECK(strstr(a, "Added <@&"));
    CHECK(rpt_has_role(&t, "bob", "Artist"));
    a = rpt_take(&t, &p, "bob", "Artist");
    CHECK(strstr(a, "Removed <@&"));
    CHECK(!rpt_has_role(&t, "bob", "Artist"));

    e2e_teardown(&t);
    printf("test_rolepanel_editor: ok\n");
    return 0;
}
