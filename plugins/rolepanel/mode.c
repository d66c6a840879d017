/*
 * What a click means. Pure: from the panel's settings, the member's roles and
 * what they clicked or chose, decide which roles to add and remove, or why
 * nothing happens. Nothing here talks to Discord or the database.
 */
#include "rolepanel.h"

#include <string.h>

int rp_has(const uint64_t *set, int n, uint64_t id)
{
    for (int i = 0; i < n; i++)
        if (set[i] == id)
            return 1;
    return 0;
}

static void refuse(rp_decision *d, int reason, uint64_t role)
{
    d->reason = reason;
    d->role = role;
    d->nadd = d->nremove = 0;
}

/* A button: one role. */
static void decide_button(const rp_click_in *in, const uint64_t *held, int nheld, rp_decision *d)
{
    uint64_t r = in->chosen[0];
    int has = rp_has(held, nheld, r);
    switch (in->mode) {
    case RP_TOGGLE:
        if (has)
            d->remove[d->nremove++] = r;
        else
            d->add[d->nadd++] = r;
        break;
    case RP_UNIQUE:
        if (has) {
            d->remove[d->nremove++] = r;
            break;
        }
        d->add[d->nadd++] = r;
        for (int i = 0; i < nheld; i++)
            d->remove[d->nremove++] = held[i];
        break;
    case RP_VERIFY:
        if (has)
            refuse(d, RP_NOOP_HAVE, r);
        else
            d->add[d->nadd++] = r;
        break;
    case RP_DROP:
        if (has)
            d->remove[d->nremove++] = r;
        else
            refuse(d, RP_NOOP_LACK, r);
        break;
    case RP_BINDING:
        if (in->bound_role && in->bound_role != r) {
            refuse(d, RP_R_BOUND, in->bound_role);
        } else if (has) {
            refuse(d, in->bound_role ? RP_R_BOUND : RP_NOOP_HAVE, r);
        } else {
            d->add[d->nadd++] = r;
            for (int i = 0; i < nheld; i++)
                d->remove[d->nremove++] = held[i];
        }
        break;
    }
}

/* A select: the chosen values are the panel roles the member wants. */
static void decide_select(const rp_click_in *in, const uint64_t *held, int nheld,
                          rp_decision *d)
{
    uint64_t want[RP_MAX_ROLES];
    int nwant = 0;
    for (int i = 0; i < in->nchosen && nwant < RP_MAX_ROLES; i++)
        if (rp_has(in->panel_roles, in->npanel, in->chosen[i]) &&
            !rp_has(want, nwant, in->chosen[i]))
            want[nwant++] = in->chosen[i];
    if ((in->mode == RP_UNIQUE || in->mode == RP_BINDING) && nwant > 1)
        nwant = 1;

    if (in->mode == RP_BINDING && in->bound_role) {
        if (nwant == 1 && want[0] == in->bound_role && !rp_has(held, nheld, want[0]))
            d->add[d->nadd++] = want[0];
        else if (nwant == 0 || want[0] != in->bound_role)
            refuse(d, RP_R_BOUND, in->bound_role);
        else
            refuse(d, RP_NOOP_SAME, 0);
        return;
    }
    for (int i = 0; i < nwant; i++)
        if (!rp_has(held, nheld, want[i]) && in->mode != RP_DROP)
            d->add[d->nadd++] = want[i];
    for (int i = 0; i < nheld; i++) {
        int wanted = rp_has(want, nwant, held[i]);
        if (in->mode == RP_DROP ? wanted : (!wanted && in->mode != RP_VERIFY &&
                                            in->mode != RP_BINDING))
            d->remove[d->nremove++] = held[i];
    }
    /* Binding: a first choice replaces nothing but whatever the member held. */
    if (in->mode == RP_BINDING && nwant == 1)
        for (int i = 0; i < nheld; i++)
            if (held[i] != want[0])
                d->remove[d->nremove++] = held[i];
    if (d->nadd == 0 && d->nremove == 0)
        refuse(d, RP_NOOP_SAME, 0);
}

void rp_decide(const rp_click_in *in, rp_decision *d)
{
    memset(d, 0, sizeof *d);
    uint64_t held[RP_MAX_ROLES];
    int nheld = 0;
    for (int i = 0; i < in->npanel && nheld < RP_MAX_ROLES; i++)
        if (rp_has(in->member_roles, in->nmember, in->panel_roles[i]))
            held[nheld++] = in->panel_roles[i];

    if (in->is_select) {
        decide_select(in, held, nheld, d);
    } else if (in->nchosen == 1 && rp_has(in->panel_roles, in->npanel, in->chosen[0])) {
        decide_button(in, held, nheld, d);
    } else {
        refuse(d, RP_R_ROLE_GONE, in->nchosen ? in->chosen[0] : 0);
    }
    d->held_after = nheld + d->nadd - d->nremove;
    if (d->reason != RP_OK)
        return;

    /* Limits bite only in the direction they guard: a member already outside may move back. */
    if (in->max_roles > 0 && d->held_after > in->max_roles && d->held_after > nheld) {
        refuse(d, RP_R_MAX, 0);
        return;
    }
    if (in->min_roles > 0 && d->held_after < in->min_roles && d->held_after < nheld) {
        refuse(d, RP_R_MIN, 0);
        return;
    }
    /* Requirements gate taking roles; giving them back is always allowed. */
    if (d->nadd > 0 && in->required_role &&
        !rp_has(in->member_roles, in->nmember, in->required_role)) {
        refuse(d, RP_R_REQUIRED, in->required_role);
        return;
    }
    if (d->nadd > 0 && in->excluded_role &&
        rp_has(in->member_roles, in->nmember, in->excluded_role)) {
        refuse(d, RP_R_EXCLUDED, in->excluded_role);
        return;
    }
}
