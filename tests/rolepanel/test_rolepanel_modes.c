/*
 * What a click means, without Discord or a database: every mode, the limits,
 * the requirements, select menus; and the duration parser.
 */
#include <string.h>

#include "rolepanel.h"
#include "tsup.h"

enum { A = 101, B = 102, C = 103, REQ = 900, EXC = 901, OTHER = 950 };
static const uint64_t panel[] = {A, B, C};

static rp_decision d;

static void click(int mode, const uint64_t *member, int nmember, uint64_t role)
{
    rp_click_in in = {.mode = mode, .panel_roles = panel, .npanel = 3, .member_roles = member,
                      .nmember = nmember, .chosen = &role, .nchosen = 1};
    rp_decide(&in, &d);
}

static void choose(int mode, const uint64_t *member, int nmember, const uint64_t *chosen, int n)
{
    rp_click_in in = {.mode = mode, .panel_roles = panel, .npanel = 3, .member_roles = member,
                      .nmember = nmember, .chosen = chosen, .nchosen = n, .is_select = 1};
    rp_decide(&in, &d);
}

#define EXPECT(reason_, nadd_, nremove_)                                                  \
    do {                                                                                  \
        CHECK_EQ_INT(d.reason, reason_);                                                  \
        CHECK_EQ_INT(d.nadd, nadd_);                                                      \
        CHECK_EQ_INT(d.nremove, nremove_);                                                \
    } while (0)

int main(void)
{
    const uint64_t none[] = {OTHER}, a[] = {OTHER, A}, ab[] = {A, B};

    /* toggle */
    click(RP_TOGGLE, none, 1, A);
    EXPECT(RP_OK, 1, 0);
    CHECK_EQ_INT(d.add[0], A);
    click(RP_TOGGLE, a, 2, A);
    EXPECT(RP_OK, 0, 1);

    /* unique: a swap is one decision; clicking the held role removes it */
    click(RP_UNIQUE, a, 2, B);
    EXPECT(RP_OK, 1, 1);
    CHECK_EQ_INT(d.add[0], B);
    CHECK_EQ_INT(d.remove[0], A);
    click(RP_UNIQUE, a, 2, A);
    EXPECT(RP_OK, 0, 1);

    /* verify and drop */
    click(RP_VERIFY, a, 2, A);
    EXPECT(RP_NOOP_HAVE, 0, 0);
    click(RP_VERIFY, none, 1, A);
    EXPECT(RP_OK, 1, 0);
    click(RP_DROP, none, 1, A);
    EXPECT(RP_NOOP_LACK, 0, 0);
    click(RP_DROP, a, 2, A);
    EXPECT(RP_OK, 0, 1);

    /* binding */
    rp_click_in in = {.mode = RP_BINDING, .panel_roles = panel, .npanel = 3, .member_roles = none,
                      .nmember = 1, .nchosen = 1};
    uint64_t r = B;
    in.chosen = &r;
    rp_decide(&in, &d);
    EXPECT(RP_OK, 1, 0);
    in.bound_role = A;
    rp_decide(&in, &d);
    EXPECT(RP_R_BOUND, 0, 0);
    CHECK_EQ_INT(d.role, A);

    /* limits: max refuses growing past it, min refuses shrinking below it */
    in = (rp_click_in){.mode = RP_TOGGLE, .panel_roles = panel, .npanel = 3,
                       .member_roles = ab, .nmember = 2, .max_roles = 2, .chosen = &r,
                       .nchosen = 1};
    r = C;
    rp_decide(&in, &d);
    EXPECT(RP_R_MAX, 0, 0);
    r = A;
    rp_decide(&in, &d);
    EXPECT(RP_OK, 0, 1);
    in.min_roles = 2;
    rp_decide(&in, &d);
    EXPECT(RP_R_MIN, 0, 0);

    /* requirements gate taking, not giving back */
    in = (rp_click_in){.mode = RP_TOGGLE, .panel_roles = panel, .npanel = 3,
                       .member_roles = a, .nmember = 2, .required_role = REQ, .chosen = &r,
                       .nchosen = 1};
    r = B;
    rp_decide(&in, &d);
    EXPECT(RP_R_REQUIRED, 0, 0);
    CHECK_EQ_INT(d.role, REQ);
    r = A;
    rp_decide(&in, &d);
    EXPECT(RP_OK, 0, 1);
    const uint64_t excl[] = {EXC};
    in = (rp_click_in){.mode = RP_TOGGLE, .panel_roles = panel, .npanel = 3,
                       .member_roles = excl, .nmember = 1, .excluded_role = EXC, .chosen = &r,
                       .nchosen = 1};
    rp_decide(&in, &d);
    EXPECT(RP_R_EXCLUDED, 0, 0);

    /* a button whose role left the panel */
    click(RP_TOGGLE, none, 1, 777);
    EXPECT(RP_R_ROLE_GONE, 0, 0);

    /* select: the choice is the wanted set of the panel's roles */
    const uint64_t bc[] = {B, C}, c_only[] = {C};
    choose(RP_TOGGLE, a, 2, bc, 2);
    EXPECT(RP_OK, 2, 1);
    choose(RP_TOGGLE, ab, 2, NULL, 0);
    EXPECT(RP_OK, 0, 2);
    choose(RP_TOGGLE, ab, 2, ab, 2);
    EXPECT(RP_NOOP_SAME, 0, 0);
    choose(RP_VERIFY, a, 2, NULL, 0);
    EXPECT(RP_NOOP_SAME, 0, 0);
    choose(RP_DROP, ab, 2, c_only, 1);
    EXPECT(RP_NOOP_SAME, 0, 0);
    choose(RP_DROP, ab, 2, ab, 1);
    EXPECT(RP_OK, 0, 1);
    choose(RP_UNIQUE, a, 2, c_only, 1);
    EXPECT(RP_OK, 1, 1);

    /* durations */
    CHECK_EQ_INT(rp_duration_parse(""), 0);
    CHECK_EQ_INT(rp_duration_parse("90s"), 90);
    CHECK_EQ_INT(rp_duration_parse("1h30m"), 5400);
    CHECK_EQ_INT(rp_duration_parse("2 hours"), 7200);
    CHECK_EQ_INT(rp_duration_parse("1w"), 604800);
    CHECK_EQ_INT(rp_duration_parse("15"), 900);
    CHECK_EQ_INT(rp_duration_parse("soon"), -1);
    CHECK_EQ_INT(rp_duration_parse("5x"), -1);
    CHECK_EQ_INT(rp_duration_parse(" 15 "), 900);
    CHECK_EQ_INT(rp_duration_parse("1d12h"), 129600);
    CHECK_EQ_INT(rp_duration_parse("99999999999999999999"), -1);
    char text[64];
    rp_duration_text(5400, text, sizeof text);
    CHECK_EQ_STR(text, "1h 30m");
    rp_duration_text(0, text, sizeof text);
    CHECK_EQ_STR(text, "permanent");

    printf("test_rolepanel_modes: ok\n");
    return 0;
}
