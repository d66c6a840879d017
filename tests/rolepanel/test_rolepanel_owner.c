/*
 * Discord's rules for who may hand out a role, as the host's cache applies them:
 * - the server owner who holds no role at all may put any assignable role on a
 *   panel (Discord gives the owner everything), and members then get it;
 * - the owner still cannot hand out what nobody can (managed roles, @everyone)
 *   or what is above the bot;
 * - a panel whose last role was deleted while its editor was open is refused at
 *   Post by the server, not posted empty;
 * - the posted description ends with its last role, not a blank line.
 */
#include <string.h>
#include <unistd.h>

#include "rpt.h"

static int64_t q(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

int main(void)
{
    e2e t;
    rpt_start(&t, "rp_owner", "[plugin.rolepanel]\ncooldown_ms = 0\n");
    /* The owner gives up their only role: Discord still gives them every permission. */
    rpt_set_role(&t, "owner", "Admin", 0);
    CHECK(!rpt_has_role(&t, "owner", "Admin"));

    rpt_panel p;
    rpt_panel_create(&t, &p, "Owner's panel", "");
    const char *n = rpt_panel_add_role(&t, &p, "Gamer", "Gamer", NULL);
    CHECK(strstr(n, "Added"));
    n = rpt_panel_add_role(&t, &p, "Raffle Winner", "Winner", NULL);
    CHECK(strstr(n, "Added"));
    /* The owner's voucher is stored as "no limit", not as a missing role. */
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.panel_roles WHERE admin_top_role_id IS NULL "
                       "OR admin_top_role_id = 0"), 2);
    /* What nobody may give stays refused, for the owner too. */
    CHECK(strstr(rpt_panel_add_role(&t, &p, "bothost", "Bot", NULL), "managed"));
    CHECK(strstr(rpt_panel_add_role(&t, &p, "Moderator", "Mods", NULL), "bot's highest role"));
    CHECK(strstr(rpt_panel_post(&t, &p, "raffles"), "Posted"));
    /* The posted description lists the roles, with no blank line after the last. */
    json_t *posted = rpt_message(&t, p.channel, p.message);
    const char *desc = json_string_value(
        json_object_get(json_array_get(json_object_get(posted, "embeds"), 0), "description"));
    CHECK(desc && strstr(desc, "<@&") && desc[strlen(desc) - 1] != '\n');
    json_decref(posted);
    CHECK(strstr(rpt_take(&t, &p, "bob", "Gamer"), "Added"));
    CHECK(rpt_has_role(&t, "bob", "Gamer"));
    CHECK(strstr(rpt_take(&t, &p, "bob", "Raffle Winner"), "Added"));

    /* A stale editor: its only role is deleted while the Post page is open. */
    rpt_panel e;
    rpt_panel_create(&t, &e, "Stale", "");
    CHECK(strstr(rpt_panel_add_role(&t, &e, "Artist", "Artist", NULL), "Added"));
    char post[64], postto[64];
    snprintf(post, sizeof post, "rolepanel:ed:post:%lld", (long long)e.id);
    snprintf(postto, sizeof postto, "rolepanel:ed:postto:%lld", (long long)e.id);
    rpt_answer(&t, rpt_click(&t, "owner", e.editor, post), RPT_ANSWER_MS);
    int status = 0;
    json_decref(et_ctl(&t.emu, "DELETE", "/_emu/roles/Artist", NULL, &status));
    CHECK_EQ_INT(status, 200);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM rolepanel.panel_roles WHERE panel_id = %lld",
             (long long)e.id);
    for (int i = 0; i < 200 && q(&t, sql) != 0; i++)
        usleep(50000);
    CHECK_EQ_INT(q(&t, sql), 0);
    const char *values[] = {"raffles", NULL};
    const char *a = rpt_answer(&t, rpt_select(&t, "owner", e.editor, postto, values), 10000);
    CHECK(strstr(a, "no roles"));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM rolepanel.panels WHERE id = %lld AND "
                              "message_id IS NOT NULL", (long long)e.id);
    CHECK_EQ_INT(q(&t, sql), 0);
    CHECK_EQ_INT(rpt_count_messages(&t, "raffles", "Stale"), 0);

    e2e_teardown(&t);
    printf("test_rolepanel_owner: ok\n");
    return 0;
}
