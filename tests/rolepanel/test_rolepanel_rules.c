/*
 * Every mode, the limits, the requirements, a select menu panel, and the
 * audit log, as members see them and as Discord and the database end up.
 */
#include <string.h>
#include <unistd.h>

#include "rpt.h"

static int64_t q(e2e *t, const char *sql)
{
    return tsup_pg_i64(t->db, sql);
}

#define ANSWER_HAS(expr, needle)                                                          \
    do {                                                                                  \
        const char *a_ = (expr);                                                          \
        if (!strstr(a_, needle))                                                          \
            fprintf(stderr, "answer: %s\n", a_);                                          \
        CHECK(strstr(a_, needle));                                                        \
    } while (0)

int main(void)
{
    e2e t;
    rpt_start(&t, "rp_rules",
              "[plugin.rolepanel]\ncooldown_ms = 0\naudit_batch_ms = 300\nrefusal_report_s = 1\n");
    ANSWER_HAS(rpt_answer(&t, rpt_command(&t, "owner", "/rolepanel config audit_channel:logs"), RPT_ANSWER_MS),
               "Audit channel: <#");

    rpt_panel p;
    rpt_panel_create(&t, &p, "Roles", "");
    rpt_panel_add_role(&t, &p, "Gamer", "Gamer", NULL);
    rpt_panel_add_role(&t, &p, "Artist", "Artist", NULL);
    rpt_panel_add_role(&t, &p, "Raffle Winner", "Winner", NULL);
    rpt_panel_mode(&t, &p, "unique");
    CHECK(strstr(rpt_panel_post(&t, &p, "general"), "Posted"));

    /* unique: a second role replaces the first in one change; the held one is dropped by a click. */
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Gamer"), "Added <@&");
    const char *a = rpt_take(&t, &p, "bob", "Artist");
    ANSWER_HAS(a, "Added <@&");
    ANSWER_HAS(a, "Removed <@&");
    CHECK(rpt_has_role(&t, "bob", "Artist") && !rpt_has_role(&t, "bob", "Gamer"));
    CHECK(rpt_has_role(&t, "bob", "Member")); /* roles outside the panel are untouched */
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Artist"), "Removed <@&");
    CHECK(!rpt_has_role(&t, "bob", "Artist"));

    /* verify: add only. */
    rpt_panel_mode(&t, &p, "verify");
    CHECK(rpt_wait_message(&t, p.channel, p.message, "Mode: verify", 1, 5000));
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Gamer"), "Added");
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Gamer"), "You already have");
    CHECK(rpt_has_role(&t, "bob", "Gamer"));

    /* drop: remove only. */
    rpt_panel_mode(&t, &p, "drop");
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Gamer"), "Removed");
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Gamer"), "do not have");
    CHECK(!rpt_has_role(&t, "bob", "Gamer"));

    /* binding: one choice, ever. */
    rpt_panel_mode(&t, &p, "binding");
    ANSWER_HAS(rpt_take(&t, &p, "newbie", "Artist"), "Added");
    ANSWER_HAS(rpt_take(&t, &p, "newbie", "Gamer"), "final");
    ANSWER_HAS(rpt_take(&t, &p, "newbie", "Artist"), "final");
    CHECK(rpt_has_role(&t, "newbie", "Artist") && !rpt_has_role(&t, "newbie", "Gamer"));
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.bindings"), 1);

    /* toggle with limits: at most 2, at least 1. alice holds Gamer. */
    rpt_panel_mode(&t, &p, "toggle");
    ANSWER_HAS(rpt_panel_limits(&t, &p, "1", "2", ""), "saved");
    ANSWER_HAS(rpt_take(&t, &p, "alice", "Artist"), "Added");
    ANSWER_HAS(rpt_take(&t, &p, "alice", "Raffle Winner"), "at most 2 roles");
    CHECK(!rpt_has_role(&t, "alice", "Raffle Winner"));
    ANSWER_HAS(rpt_take(&t, &p, "alice", "Artist"), "Removed");
    ANSWER_HAS(rpt_take(&t, &p, "alice", "Gamer"), "at least 1 role");
    CHECK(rpt_has_role(&t, "alice", "Gamer"));
    ANSWER_HAS(rpt_panel_limits(&t, &p, "0", "0", ""), "saved");
    ANSWER_HAS(rpt_panel_limits(&t, &p, "3", "1", ""), "Not changed");

    /* Requirements: Member required, Moderator excluded. */
    rpt_panel_requirements(&t, &p, "Member", "Moderator");
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.panels WHERE required_role_id IS NOT NULL "
                       "AND excluded_role_id IS NOT NULL"), 1);
    ANSWER_HAS(rpt_take(&t, &p, "newbie", "Raffle Winner"), "you need <@&");
    ANSWER_HAS(rpt_take(&t, &p, "mod", "Raffle Winner"), "cannot use this panel");
    CHECK(!rpt_has_role(&t, "mod", "Raffle Winner") && !rpt_has_role(&t, "newbie", "Raffle Winner"));
    ANSWER_HAS(rpt_take(&t, &p, "bob", "Raffle Winner"), "Added");

    /* A select menu: the choice is the set of the panel's roles the member wants. */
    rpt_panel_toggle_kind(&t, &p);
    CHECK(rpt_wait_message(&t, p.channel, p.message, "rolepanel:s:", 1, 5000));
    const char *both[] = {rpt_role_id(&t, "Gamer"), rpt_role_id(&t, "Artist"), NULL};
    a = rpt_choose(&t, &p, "bob", both);
    ANSWER_HAS(a, "Added");
    ANSWER_HAS(a, "Removed"); /* Raffle Winner, left unselected */
    CHECK(rpt_has_role(&t, "bob", "Gamer") && rpt_has_role(&t, "bob", "Artist") &&
          !rpt_has_role(&t, "bob", "Raffle Winner"));
    const char *none[] = {NULL};
    ANSWER_HAS(rpt_choose(&t, &p, "bob", none), "Removed");
    CHECK(!rpt_has_role(&t, "bob", "Gamer") && !rpt_has_role(&t, "bob", "Artist"));
    CHECK(rpt_has_role(&t, "bob", "Member"));

    /* Refusals are counted by reason, and summarised in the audit channel. */
    CHECK_EQ_INT(q(&t, "SELECT total FROM rolepanel.refusals WHERE reason = 'binding'"), 2);
    CHECK_EQ_INT(q(&t, "SELECT total FROM rolepanel.refusals WHERE reason = 'max_roles'"), 1);
    CHECK_EQ_INT(q(&t, "SELECT total FROM rolepanel.refusals WHERE reason = 'min_roles'"), 1);
    CHECK_EQ_INT(q(&t, "SELECT total FROM rolepanel.refusals WHERE reason = 'required_role'"), 1);
    CHECK_EQ_INT(q(&t, "SELECT total FROM rolepanel.refusals WHERE reason = 'excluded_role'"), 1);
    char logs[32];
    snprintf(logs, sizeof logs, "%s", rpt_channel_id(&t, "logs"));
    int changes = (int)q(&t, "SELECT count(*) FROM rolepanel.audit");
    CHECK_EQ_INT(changes, 11);
    for (int i = 0; i < 100 && q(&t, "SELECT count(*) FROM rolepanel.audit WHERE posted_at IS NULL") > 0; i++)
        usleep(100000);
    CHECK_EQ_INT(q(&t, "SELECT count(*) FROM rolepanel.audit WHERE posted_at IS NULL"), 0);
    for (int i = 0; i < 100 && q(&t, "SELECT coalesce(sum(pending), 0) FROM rolepanel.refusals") > 0; i++)
        usleep(100000);
    CHECK_EQ_INT(q(&t, "SELECT coalesce(sum(pending), 0) FROM rolepanel.refusals"), 0);
    CHECK(rpt_count_messages(&t, logs, "Roles changed") >= 1);
    CHECK(rpt_count_messages(&t, logs, "Refused clicks") >= 1);
    /* Batched: fewer messages than changes, one embed per change. */
    CHECK(rpt_count_messages(&t, logs, "Roles changed") < changes);

    e2e_teardown(&t);
    printf("test_rolepanel_rules: ok\n");
    return 0;
}
