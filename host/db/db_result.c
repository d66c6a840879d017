/*
 * Result accessors. Every one of them accepts a NULL result and any row and
 * column: outside the result a value is NULL, so a plugin bug reads 0, not memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db_internal.h"

static int in_range(const bh_result *r, int row, int col)
{
    return r && r->res && row >= 0 && col >= 0 && row < PQntuples(r->res) &&
           col < PQnfields(r->res);
}

int db_result_rows(const bh_result *r)
{
    return r && r->res ? PQntuples(r->res) : 0;
}

int db_result_cols(const bh_result *r)
{
    return r && r->res ? PQnfields(r->res) : 0;
}

int db_result_col(const bh_result *r, const char *name)
{
    if (!r || !r->res || !name)
        return -1;
    /* Exact match: PQfnumber() would fold case and parse quotes. */
    int n = PQnfields(r->res);
    for (int i = 0; i < n; i++)
        if (!strcmp(PQfname(r->res, i), name))
            return i;
    return -1;
}

int64_t db_result_affected(const bh_result *r)
{
    if (!r || !r->res)
        return 0;
    const char *t = PQcmdTuples(r->res);
    if (!t || !t[0])
        return 0;
    return strtoll(t, NULL, 10);
}

int db_result_is_null(const bh_result *r, int row, int col)
{
    if (!in_range(r, row, col))
        return 1;
    return PQgetisnull(r->res, row, col);
}

const char *db_result_text(const bh_result *r, int row, int col)
{
    if (db_result_is_null(r, row, col))
        return NULL;
    return PQgetvalue(r->res, row, col);
}

int64_t db_result_i64(const bh_result *r, int row, int col)
{
    const char *t = db_result_text(r, row, col);
    if (!t || !t[0])
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (errno || *end)
        return 0;
    return v;
}

double db_result_f64(const bh_result *r, int row, int col)
{
    const char *t = db_result_text(r, row, col);
    if (!t || !t[0])
        return 0;
    char *end;
    double v = strtod(t, &end);
    if (*end)
        return 0;
    return v;
}

int db_result_bool(const bh_result *r, int row, int col)
{
    const char *t = db_result_text(r, row, col);
    if (!t)
        return 0;
    return !strcmp(t, "t") || !strcasecmp(t, "true") || !strcmp(t, "1") ||
           !strcasecmp(t, "yes") || !strcasecmp(t, "on");
}
