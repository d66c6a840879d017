/*
 * Winners' shipping details: the "Submit shipping details" button opens a modal
 * for winners only; what they send is stored and shown to managers only
 * (/raffle shipping), always in ephemeral answers.
 */
#include "raffle.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int is_active_winner(bh_ctx *c, int64_t raffle_id, uint64_t user)
{
    bh_result *res;
    int rc = bh_db_query(c, &res,
                         "SELECT 1 FROM raffle.winners WHERE raffle_id = $1 AND user_id = $2 "
                         "AND active",
                         BH_ARGS(bh_i64(raffle_id), bh_i64((int64_t)user)));
    if (rc < 0)
        return rc;
    int yes = bh_result_rows(res) == 1;
    bh_result_free(res);
    return yes;
}

/* The raffle of a ship button or modal, when the caller is one of its current winners. */
static int winner_raffle(bh_ctx *c, raffle *r)
{
    int rc = raffle_from_cid(c, 1, r);
    if (rc <= 0)
        return rc;
    rc = strcmp(r->state, "drawn") == 0 ? is_active_winner(c, r->id, bh_id(c, BH_ID_USER)) : 0;
    if (rc < 0)
        return rc;
    if (rc == 0) {
        rc = bh_reply_text(c, "Only the winners of raffle #%lld can submit shipping details.",
                           (long long)r->id);
        return rc < 0 ? rc : 0;
    }
    return 1;
}

int raffle_on_ship(bh_ctx *c)
{
    raffle r;
    int rc = winner_raffle(c, &r);
    if (rc <= 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT full_name, address, city_postal, country, contact FROM "
                     "raffle.shipping WHERE raffle_id = $1 AND user_id = $2",
                     BH_ARGS(bh_i64(r.id), bh_i64((int64_t)bh_id(c, BH_ID_USER))));
    if (rc < 0)
        return rc;
    int have = bh_result_rows(res) == 1;
    char cid[48];
    snprintf(cid, sizeof cid, "ship:%lld", (long long)r.id);
    bh_modal *md = bh_modal_new(c, cid, "Shipping details");
    bh_modal_text(md, &(bh_text_input){.custom_id = "name",
                                       .label = "Full name",
                                       .min_length = 1,
                                       .max_length = 100,
                                       .required = 1,
                                       .value = have ? bh_result_text(res, 0, 0) : NULL});
    bh_modal_text(md, &(bh_text_input){.custom_id = "address",
                                       .label = "Street address",
                                       .style = BH_TEXT_PARAGRAPH,
                                       .min_length = 1,
                                       .max_length = 300,
                                       .required = 1,
                                       .value = have ? bh_result_text(res, 0, 1) : NULL});
    bh_modal_text(md, &(bh_text_input){.custom_id = "city",
                                       .label = "City and postal code",
                                       .min_length = 1,
                                       .max_length = 100,
                                       .required = 1,
                                       .value = have ? bh_result_text(res, 0, 2) : NULL});
    bh_modal_text(md, &(bh_text_input){.custom_id = "country",
                                       .label = "Country",
                                       .min_length = 1,
                                       .max_length = 60,
                                       .required = 1,
                                       .value = have ? bh_result_text(res, 0, 3) : NULL});
    bh_modal_text(md, &(bh_text_input){.custom_id = "contact",
                                       .label = "Email or phone (optional)",
                                       .max_length = 100,
                                       .value = have ? bh_result_text(res, 0, 4) : NULL});
    rc = bh_modal_open(c, md);
    bh_result_free(res);
    return rc;
}

/* An email (x@y.z) or a phone number (6 to 20 digits, with + ( ) - . and spaces). */
static int contact_ok(const char *s)
{
    if (!*s)
        return 1;
    const char *at = strchr(s, '@');
    if (at)
        return at > s && !strchr(s, ' ') && strchr(at + 1, '.') && at[1] != '.' &&
               s[strlen(s) - 1] != '.';
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr("+()-. ", *p))
            return 0;
    }
    return digits >= 6 && digits <= 20;
}

int raffle_on_ship_modal(bh_ctx *c)
{
    raffle r;
    int rc = winner_raffle(c, &r);
    if (rc <= 0)
        return rc;
    char name[401], address[1201], city[401], country[241], contact[401], err[600];
    raffle_trim(name, sizeof name, bh_field(c, "name"));
    raffle_trim(address, sizeof address, bh_field(c, "address"));
    raffle_trim(city, sizeof city, bh_field(c, "city"));
    raffle_trim(country, sizeof country, bh_field(c, "country"));
    raffle_trim(contact, sizeof contact, bh_field(c, "contact"));
    size_t len = 0;
    err[0] = '\0';
    if (!name[0])
        len += (size_t)snprintf(err + len, sizeof err - len, "Full name: must not be empty.\n");
    if (strlen(address) < 5)
        len += (size_t)snprintf(err + len, sizeof err - len,
                                "Street address: too short to ship to.\n");
    if (!city[0])
        len += (size_t)snprintf(err + len, sizeof err - len,
                                "City and postal code: must not be empty.\n");
    if (strlen(country) < 2)
        len += (size_t)snprintf(err + len, sizeof err - len, "Country: must be named.\n");
    if (!contact_ok(contact))
        len += (size_t)snprintf(err + len, sizeof err - len,
                                "Email or phone: \"%s\" is neither an email address nor a phone "
                                "number.\n",
                                contact);
    if (len)
        return bh_reply_text(c, "Your shipping details were not saved:\n%s", err);
    uint64_t user = bh_id(c, BH_ID_USER);
    int64_t n = bh_db_exec(
        c,
        "INSERT INTO raffle.shipping (raffle_id, user_id, full_name, address, city_postal, "
        "country, contact) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (raffle_id, user_id) "
        "DO UPDATE SET full_name = $3, address = $4, city_postal = $5, country = $6, "
        "contact = $7, submitted_at = now()",
        BH_ARGS(bh_i64(r.id), bh_i64((int64_t)user), bh_text(name), bh_text(address),
                bh_text(city), bh_text(country), bh_text(contact)));
    if (n < 0)
        return (int)n;
    raffle_event(c, r.id, "shipping", user, "");
    /* Managers hear that details arrived, never the details themselves. */
    raffle_report(c, r.guild,
                  "Raffle #%lld: winner <@%" PRIu64 "> submitted shipping details. Managers: "
                  "/raffle shipping raffle:%lld",
                  (long long)r.id, user, (long long)r.id);
    return bh_reply_text(c, "Thanks! Your shipping details for **%s** are saved. Only the raffle "
                            "managers can see them.",
                         r.title);
}

int raffle_on_shipping(bh_ctx *c)
{
    raffle_cfg cfg;
    raffle r;
    int rc = raffle_require_manager(c, &cfg);
    if (rc <= 0 || (rc = raffle_from_option(c, &r)) <= 0)
        return rc;
    bh_result *res;
    rc = bh_db_query(c, &res,
                     "SELECT w.user_id, s.full_name, s.address, s.city_postal, s.country, "
                     "s.contact, extract(epoch FROM s.submitted_at)::bigint, w.spot "
                     "FROM raffle.winners w LEFT JOIN raffle.shipping s "
                     "ON s.raffle_id = w.raffle_id AND s.user_id = w.user_id "
                     "WHERE w.raffle_id = $1 AND w.active ORDER BY w.place",
                     BH_ARGS(bh_i64(r.id)));
    if (rc < 0)
        return rc;
    if (bh_result_rows(res) == 0) {
        bh_result_free(res);
        return bh_reply_text(c, "Raffle #%lld has no winners yet.", (long long)r.id);
    }
    bh_msg *m = bh_msg_new(c);
    bh_msg_flags(m, BH_MSG_EPHEMERAL);
    bh_embed *e = bh_msg_embed(m);
    char text[4096];
    snprintf(text, sizeof text, "Shipping details: %s (raffle #%lld)", r.title, (long long)r.id);
    bh_embed_set(e, BH_EMBED_TITLE, text);
    for (int i = 0; i < bh_result_rows(res) && i < 20; i++) {
        char name[64];
        snprintf(name, sizeof name, "Spot #%s", bh_result_text(res, i, 7));
        if (bh_result_is_null(res, i, 1))
            snprintf(text, sizeof text, "<@%s>: not submitted yet.", bh_result_text(res, i, 0));
        else
            snprintf(text, sizeof text, "<@%s>\n%s\n%s\n%s\n%s%s%s\nSent <t:%s:R>",
                     bh_result_text(res, i, 0), bh_result_text(res, i, 1),
                     bh_result_text(res, i, 2), bh_result_text(res, i, 3),
                     bh_result_text(res, i, 4), *bh_result_text(res, i, 5) ? "\n" : "",
                     bh_result_text(res, i, 5), bh_result_text(res, i, 6));
        bh_embed_field(e, name, text, 0);
    }
    bh_result_free(res);
    rc = bh_reply(c, m);
    bh_msg_free(m);
    return rc;
}
