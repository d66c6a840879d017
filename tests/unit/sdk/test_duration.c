/* bh_duration_parse() and bh_duration_format(): what admins type, and garbage refused. */
#include <bothost/duration.h>

#include <string.h>

#include "tsup.h"

static int64_t parse(const char *text)
{
    int64_t s = 12345;
    int rc = bh_duration_parse(text, &s);
    if (rc < 0) {
        CHECK_EQ_INT(rc, BH_EINVAL);
        CHECK_EQ_INT(s, 0);
        return -1;
    }
    return s;
}

static const char *format(int64_t seconds)
{
    static char buf[BH_DURATION_TEXT_MAX];
    int n = bh_duration_format(seconds, buf, sizeof buf);
    if (n < 0)
        return "(error)";
    CHECK_EQ_INT((size_t)n, strlen(buf));
    return buf;
}

int main(void)
{
    /* The forms the raffle and rolepanel READMEs show, and their neighbours. */
    CHECK_EQ_INT(parse("2d 6h"), 194400);
    CHECK_EQ_INT(parse("90m"), 5400);
    CHECK_EQ_INT(parse("1w"), 604800);
    CHECK_EQ_INT(parse("1h30m"), 5400);
    CHECK_EQ_INT(parse("1d12h"), 129600);
    CHECK_EQ_INT(parse("7d"), 604800);
    CHECK_EQ_INT(parse("30m"), 1800);
    CHECK_EQ_INT(parse("90s"), 90);
    CHECK_EQ_INT(parse("2 hours"), 7200);
    CHECK_EQ_INT(parse("2 hours, 30 min"), 9000);
    CHECK_EQ_INT(parse("  1 Week 2 DAYS "), 777600);
    CHECK_EQ_INT(parse("6h 2d"), 194400); /* any order */
    CHECK_EQ_INT(parse("1m1m"), 120);     /* repeats add up */
    CHECK_EQ_INT(parse("0s"), 0);
    CHECK_EQ_INT(parse("3 wks"), 1814400);

    /* Garbage: refused with BH_EINVAL, never a partial value. */
    CHECK_EQ_INT(parse(NULL), -1);
    CHECK_EQ_INT(parse(""), -1);
    CHECK_EQ_INT(parse("   "), -1);
    CHECK_EQ_INT(parse(","), -1);
    CHECK_EQ_INT(parse("15"), -1); /* a number needs its unit */
    CHECK_EQ_INT(parse("1h 30"), -1);
    CHECK_EQ_INT(parse("soon"), -1);
    CHECK_EQ_INT(parse("5x"), -1);
    CHECK_EQ_INT(parse("2 hoursx"), -1);
    CHECK_EQ_INT(parse("d"), -1);
    CHECK_EQ_INT(parse("-1h"), -1);
    CHECK_EQ_INT(parse("+1h"), -1);
    CHECK_EQ_INT(parse("1.5h"), -1);
    CHECK_EQ_INT(parse("1h-"), -1);
    CHECK_EQ_INT(parse("1h\n30m\t"), 5400); /* a paragraph field's line breaks */
    CHECK_EQ_INT(parse("1h;"), -1);
    CHECK_EQ_INT(parse("1\xC3\xA9"), -1); /* non-ASCII after a number */
    CHECK_EQ_INT(parse("next friday-ish"), -1);

    /* Overflow: the digits, one part's product and the total. */
    CHECK_EQ_INT(parse("9223372036854775807s"), INT64_MAX);
    CHECK_EQ_INT(parse("9223372036854775808s"), -1);
    CHECK_EQ_INT(parse("99999999999999999999999s"), -1);
    CHECK_EQ_INT(parse("15250284452471w"), 15250284452471 * INT64_C(604800));
    CHECK_EQ_INT(parse("15250284452472w"), -1);
    CHECK_EQ_INT(parse("9223372036854775807s 1s"), -1);

    /* Back to text: largest units first, the zero ones left out; it reads back. */
    CHECK_EQ_STR(format(194400), "2d 6h");
    CHECK_EQ_STR(format(5400), "1h 30m");
    CHECK_EQ_STR(format(604800), "7d");
    CHECK_EQ_STR(format(90061), "1d 1h 1m 1s");
    CHECK_EQ_STR(format(59), "59s");
    CHECK_EQ_STR(format(0), "0s");
    CHECK_EQ_STR(format(-1), "(error)");
    CHECK_EQ_STR(format(INT64_MAX), "106751991167300d 15h 30m 7s");
    const int64_t samples[] = {0,     1,     59,     60,        3599,     3600,
                               86399, 86400, 194400, 999999937, INT64_MAX};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
        CHECK_EQ_INT(parse(format(samples[i])), samples[i]);

    /* A buffer too small is an error and an empty string, never a cut duration. */
    char small[5];
    CHECK_EQ_INT(bh_duration_format(194400, small, sizeof small), BH_EINVAL);
    CHECK_EQ_STR(small, "");
    CHECK_EQ_INT(bh_duration_format(0, small, 2), BH_EINVAL);
    CHECK_EQ_INT(bh_duration_format(194400, small, 0), BH_EINVAL);
    char exact[6];
    CHECK_EQ_INT(bh_duration_format(194400, exact, sizeof exact), 5);
    CHECK_EQ_STR(exact, "2d 6h");

    printf("test_duration: ok\n");
    return 0;
}
