/*
 * The message and modal builders: the JSON Discord receives, custom_ids under the
 * plugin's name, and each of Discord's limits refused with a message that names it.
 */
#include <string.h>

#include "msg/msg.h"
#include "tsup.h"

static char *dump(const bh_msg *m)
{
    static char buf[65536];
    json_t *j = msg_json(m);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(buf, sizeof buf, "%s", s);
    free(s);
    json_decref(j);
    return buf;
}

static char *repeat(char ch, size_t n)
{
    static char buf[8192];
    memset(buf, ch, n);
    buf[n] = '\0';
    return buf;
}

static void expect_error(bh_msg *m, const char *needle)
{
    const char *err = msg_error(m);
    if (!err || !strstr(err, needle)) {
        fprintf(stderr, "expected an error with '%s', got '%s'\n", needle, err ? err : "(none)");
        exit(1);
    }
    const char *e2;
    CHECK(msg_body(m, &e2) == NULL && e2 == err);
}

int main(void)
{
    msg_list list = LIST_HEAD_INITIALIZER(list);

    /* A full message. */
    bh_msg *m = msg_new("raffle", &list);
    CHECK(msg_content(m, "hi \xC3\xA9") == 0);
    CHECK(msg_flags(m, BH_MSG_EPHEMERAL) == 0);
    bh_embed *e = msg_embed(m);
    CHECK(msg_embed_set(e, BH_EMBED_TITLE, "Switch") == 0);
    CHECK(msg_embed_field(e, "Price", "5", 1) == 0);
    CHECK(msg_embed_color(e, 0x123456) == 0);
    bh_row *r = msg_row(m);
    CHECK(msg_row_button(r, BH_BUTTON_PRIMARY, "Claim", "claim:42", NULL, 0) == 0);
    CHECK(msg_row_button(r, BH_BUTTON_LINK, "Rules", "https://example.org/r", NULL, 0) == 0);
    bh_select *s = msg_row_select(msg_row(m), BH_SELECT_STRING, "pick:42:0", "Pick", 1, 3);
    CHECK(s && msg_select_option(s, "Spot 1", "1", NULL, NULL, 0) == 0);
    bh_select *roles = msg_row_select(msg_row(m), BH_SELECT_ROLE, "roles", NULL, 0, 2);
    CHECK(msg_select_default(roles, 123) == 0);
    CHECK(msg_error(m) == NULL);
    const char *j = dump(m);
    CHECK(strstr(j, "\"content\":\"hi \xC3\xA9\""));
    CHECK(strstr(j, "\"flags\":64"));
    CHECK(strstr(j, "\"custom_id\":\"raffle:claim:42\""));
    CHECK(strstr(j, "\"url\":\"https://example.org/r\""));
    CHECK(strstr(j, "\"custom_id\":\"raffle:pick:42:0\""));
    CHECK(strstr(j, "\"default_values\":[{\"id\":\"123\",\"type\":\"role\"}]"));
    CHECK(strstr(j, "\"allowed_mentions\":{\"parse\":[\"users\"]}"));
    CHECK(strstr(j, "\"fields\":[{\"inline\":true,\"name\":\"Price\",\"value\":\"5\"}]"));

    /* Limits, each named; the first error sticks. */
    m = msg_new("raffle", &list);
    CHECK(msg_content(m, repeat('a', 2000)) == 0);
    CHECK(msg_content(m, repeat('a', 2001)) == BH_ELIMIT);
    expect_error(m, "message content is 2001 characters; Discord allows 2000");
    CHECK(msg_content(m, "ok") == BH_ELIMIT);

    m = msg_new("raffle", &list);
    /* 2000 two-byte characters are 2000 characters, not 4000. */
    char wide[4001];
    for (int i = 0; i < 2000; i++)
        memcpy(wide + 2 * i, "\xC3\xA9", 2);
    wide[4000] = '\0';
    CHECK(msg_content(m, wide) == 0);

    m = msg_new("raffle", &list);
    for (int i = 0; i < 10; i++)
        CHECK(msg_embed(m));
    CHECK(msg_embed(m) == NULL);
    expect_error(m, "at most 10 embeds");

    m = msg_new("raffle", &list);
    e = msg_embed(m);
    CHECK(msg_embed_set(e, BH_EMBED_TITLE, repeat('t', 257)) == BH_ELIMIT);
    expect_error(m, "embed title is 257 characters; Discord allows 256");

    m = msg_new("raffle", &list);
    e = msg_embed(m);
    for (int i = 0; i < 25; i++)
        CHECK(msg_embed_field(e, "n", "v", 0) == 0);
    CHECK(msg_embed_field(e, "n", "v", 0) == BH_ELIMIT);
    expect_error(m, "at most 25 fields");

    m = msg_new("raffle", &list);
    CHECK(msg_embed_field(msg_embed(m), "n", repeat('v', 1025), 0) == BH_ELIMIT);
    expect_error(m, "embed field value is 1025 characters; Discord allows 1024");

    /* 6000 characters across all embeds. */
    m = msg_new("raffle", &list);
    CHECK(msg_embed_set(msg_embed(m), BH_EMBED_DESCRIPTION, repeat('d', 4000)) == 0);
    CHECK(msg_embed_set(msg_embed(m), BH_EMBED_DESCRIPTION, repeat('d', 2001)) == BH_ELIMIT);
    expect_error(m, "embeds hold 6001 characters; Discord allows 6000 in all");

    m = msg_new("raffle", &list);
    for (int i = 0; i < 5; i++)
        CHECK(msg_row(m));
    CHECK(msg_row(m) == NULL);
    expect_error(m, "at most 5 rows");

    m = msg_new("raffle", &list);
    r = msg_row(m);
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "b:%d", i);
        CHECK(msg_row_button(r, BH_BUTTON_SECONDARY, "x", id, NULL, 0) == 0);
    }
    CHECK(msg_row_button(r, BH_BUTTON_SECONDARY, "x", "b:5", NULL, 0) == BH_ELIMIT);
    expect_error(m, "at most 5 buttons");

    m = msg_new("raffle", &list);
    r = msg_row(m);
    CHECK(msg_row_button(r, BH_BUTTON_SECONDARY, "x", "same", NULL, 0) == 0);
    CHECK(msg_row_button(r, BH_BUTTON_SECONDARY, "y", "same", NULL, 0) == BH_ELIMIT);
    expect_error(m, "custom_id 'raffle:same' is used twice");

    m = msg_new("raffle", &list);
    CHECK(msg_row_button(msg_row(m), BH_BUTTON_PRIMARY, "x", repeat('c', 94), NULL, 0) ==
          BH_ELIMIT);
    expect_error(m, "is 101 characters; Discord allows 100");

    m = msg_new("raffle", &list);
    CHECK(msg_row_button(msg_row(m), BH_BUTTON_PRIMARY, repeat('l', 81), "x", NULL, 0) ==
          BH_ELIMIT);
    expect_error(m, "button label is 81 characters; Discord allows 80");

    m = msg_new("raffle", &list);
    r = msg_row(m);
    CHECK(msg_row_button(r, BH_BUTTON_PRIMARY, "x", "x", NULL, 0) == 0);
    CHECK(msg_row_select(r, BH_SELECT_STRING, "s", NULL, 1, 1) == NULL);
    expect_error(m, "a select menu needs a row of its own");

    m = msg_new("raffle", &list);
    s = msg_row_select(msg_row(m), BH_SELECT_STRING, "s", NULL, 1, 1);
    for (int i = 0; i < 25; i++) {
        char v[8];
        snprintf(v, sizeof v, "%d", i);
        CHECK(msg_select_option(s, v, v, NULL, NULL, 0) == 0);
    }
    CHECK(msg_select_option(s, "26", "26", NULL, NULL, 0) == BH_ELIMIT);
    expect_error(m, "at most 25 options");

    m = msg_new("raffle", &list);
    CHECK(msg_row_select(msg_row(m), BH_SELECT_STRING, "s", NULL, 3, 2) == NULL);
    expect_error(m, "min <= max");

    m = msg_new("raffle", &list);
    CHECK(msg_row_button(msg_row(m), BH_BUTTON_LINK, "x", "javascript:alert(1)", NULL, 0) ==
          BH_ELIMIT);
    expect_error(m, "https:// URL");

    /* Modals: five inputs at most, Discord's lengths. */
    msg_modal_list mlist = LIST_HEAD_INITIALIZER(mlist);
    bh_modal *md = msg_modal_new("raffle", &mlist, "create:5", "New raffle");
    const char *err;
    CHECK(msg_modal_body(md, &err) == NULL && strstr(err, "at least one text input"));
    for (int i = 0; i < 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", i);
        CHECK(msg_modal_text(md, id, "Field", BH_TEXT_SHORT, 0, 100, 1, NULL, NULL) == 0);
    }
    CHECK(msg_modal_body(md, &err) != NULL);
    j = json_dumps(msg_modal_body(md, &err), JSON_COMPACT);
    CHECK(strstr(j, "\"custom_id\":\"raffle:create:5\""));
    free((char *)j);
    CHECK(msg_modal_text(md, "f5", "Field", BH_TEXT_SHORT, 0, 100, 1, NULL, NULL) == BH_ELIMIT);
    CHECK(msg_modal_body(md, &err) == NULL && strstr(err, "at most 5 inputs"));
    md = msg_modal_new("raffle", &mlist, "x", repeat('T', 46));
    CHECK(msg_modal_body(md, &err) == NULL && strstr(err, "modal title is 46 characters"));
    md = msg_modal_new("raffle", &mlist, "x", "ok");
    CHECK(msg_modal_text(md, "a", "A", BH_TEXT_SHORT, 10, 5, 1, NULL, NULL) == BH_ELIMIT);
    md = msg_modal_new("raffle", &mlist, "x", "ok");
    CHECK(msg_modal_text(md, "a", repeat('L', 46), BH_TEXT_SHORT, 0, 5, 1, NULL, NULL) ==
          BH_ELIMIT);

    /* The owners free whatever is left. */
    msg_free_all(&list);
    msg_modal_free_all(&mlist);
    CHECK(LIST_EMPTY(&list) && LIST_EMPTY(&mlist));
    printf("test_builders: ok\n");
    return 0;
}
