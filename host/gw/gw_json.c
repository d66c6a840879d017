#include "gw/gw_json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 2048

typedef struct parser {
    const unsigned char *p, *end;
    int depth;
    char *buf;          /* scratch for strings with escapes */
    size_t cap;
} parser;

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - s) < n)
        return 0;
    unsigned cp = c & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static int hex4(const unsigned char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static int reserve(parser *ps, size_t need)
{
    if (need <= ps->cap)
        return 0;
    size_t cap = ps->cap ? ps->cap * 2 : 256;
    while (cap < need)
        cap *= 2;
    char *b = realloc(ps->buf, cap);
    if (!b)
        return -1;
    ps->buf = b;
    ps->cap = cap;
    return 0;
}

/*
 * Parses a string at ps->p (after the opening quote). On success *out points at
 * the text (in the input when it had no escapes, else in ps->buf), *len its length.
 */
static int parse_string(parser *ps, const char **out, size_t *len)
{
    const unsigned char *start = ps->p, *s = ps->p;
    /* Fast path: no escapes. */
    while (s < ps->end) {
        unsigned c = *s;
        if (c == '"') {
            *out = (const char *)start;
            *len = (size_t)(s - start);
            ps->p = s + 1;
            return 0;
        }
        if (c == '\\')
            break;
        if (c < 0x20)
            return -1;
        if (c < 0x80) {
            s++;
        } else {
            size_t n = utf8_len(s, ps->end);
            if (!n)
                return -1;
            s += n;
        }
    }
    if (s >= ps->end)
        return -1;
    /* Slow path: copy, decoding escapes. */
    size_t o = (size_t)(s - start);
    if (reserve(ps, o + 64) < 0)
        return -1;
    memcpy(ps->buf, start, o);
    while (s < ps->end) {
        unsigned c = *s;
        if (reserve(ps, o + 8) < 0)
            return -1;
        if (c == '"') {
            *out = ps->buf;
            *len = o;
            ps->p = s + 1;
            return 0;
        }
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            size_t n = utf8_len(s, ps->end);
            if (!n)
                return -1;
            memcpy(ps->buf + o, s, n);
            o += n;
            s += n;
            continue;
        }
        if (++s >= ps->end)
            return -1;
        switch (*s++) {
        case '"': ps->buf[o++] = '"'; break;
        case '\\': ps->buf[o++] = '\\'; break;
        case '/': ps->buf[o++] = '/'; break;
        case 'b': ps->buf[o++] = '\b'; break;
        case 'f': ps->buf[o++] = '\f'; break;
        case 'n': ps->buf[o++] = '\n'; break;
        case 'r': ps->buf[o++] = '\r'; break;
        case 't': ps->buf[o++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (ps->end - s < 4 || hex4(s, &cp) < 0)
                return -1;
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (ps->end - s < 6 || s[0] != '\\' || s[1] != 'u' || hex4(s + 2, &lo) < 0 ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                s += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
                return -1;
            }
            if (cp < 0x80) {
                ps->buf[o++] = (char)cp;
            } else if (cp < 0x800) {
                ps->buf[o++] = (char)(0xC0 | cp >> 6);
                ps->buf[o++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                ps->buf[o++] = (char)(0xE0 | cp >> 12);
                ps->buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                ps->buf[o++] = (char)(0x80 | (cp & 0x3F));
            } else {
                ps->buf[o++] = (char)(0xF0 | cp >> 18);
                ps->buf[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                ps->buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                ps->buf[o++] = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            return -1;
        }
    }
    return -1;
}

static json_t *parse_number(parser *ps)
{
    const unsigned char *s = ps->p;
    int is_real = 0;
    if (s < ps->end && *s == '-')
        s++;
    if (s >= ps->end)
        return NULL;
    if (*s == '0') {
        s++;
    } else if (*s >= '1' && *s <= '9') {
        while (s < ps->end && *s >= '0' && *s <= '9')
            s++;
    } else {
        return NULL;
    }
    if (s < ps->end && *s == '.') {
        is_real = 1;
        s++;
        if (s >= ps->end || *s < '0' || *s > '9')
            return NULL;
        while (s < ps->end && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < ps->end && (*s == 'e' || *s == 'E')) {
        is_real = 1;
        s++;
        if (s < ps->end && (*s == '+' || *s == '-'))
            s++;
        if (s >= ps->end || *s < '0' || *s > '9')
            return NULL;
        while (s < ps->end && *s >= '0' && *s <= '9')
            s++;
    }
    /* strtoll/strtod want a terminated string: copy the token (rarely long). */
    char small[64], *tmp = small;
    size_t n = (size_t)(s - ps->p);
    if (n >= sizeof small && !(tmp = malloc(n + 1)))
        return NULL;
    memcpy(tmp, ps->p, n);
    tmp[n] = '\0';
    ps->p = s;
    json_t *v = NULL;
    errno = 0;
    if (!is_real) {
        long long i = strtoll(tmp, NULL, 10);
        if (errno != ERANGE) /* else as jansson: "too big integer" */
            v = json_integer((json_int_t)i);
    } else {
        double d = strtod(tmp, NULL);
        /* As jansson: overflow is an error, underflow is not. */
        if (!(errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL)))
            v = json_real(d);
    }
    if (tmp != small)
        free(tmp);
    return v;
}

static json_t *parse_value(parser *ps);

/* Skips white space, then `close` ('}' or ']') if it comes next: 1 when it did. */
static int eat_close(parser *ps, char close)
{
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 1;
    }
    return 0;
}

/* After an object's member or an array's element: 1 after ',', 0 after `close`, -1 otherwise. */
static int after_member(parser *ps, char close)
{
    if (eat_close(ps, close))
        return 0;
    if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        return 1;
    }
    return -1;
}

static json_t *parse_object(parser *ps)
{
    json_t *obj = json_object();
    if (!obj)
        return NULL;
    if (eat_close(ps, '}'))
        return obj;
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            goto fail;
        ps->p++;
        const char *k;
        size_t klen;
        if (parse_string(ps, &k, &klen) < 0 || memchr(k, '\0', klen))
            goto fail;
        /* jansson keys are C strings: copy when it points into the input. */
        char stack[256], *key = klen < sizeof stack ? stack : malloc(klen + 1);
        if (!key)
            goto fail;
        memcpy(key, k, klen);
        key[klen] = '\0';
        skip_ws(ps);
        json_t *v = NULL;
        if (ps->p < ps->end && *ps->p == ':') {
            ps->p++;
            v = parse_value(ps);
        }
        int rc = v ? json_object_set_new_nocheck(obj, key, v) : -1;
        if (key != stack)
            free(key);
        if (rc < 0)
            goto fail;
        int more = after_member(ps, '}');
        if (more < 0)
            goto fail;
        if (!more)
            return obj;
    }
fail:
    json_decref(obj);
    return NULL;
}

static json_t *parse_array(parser *ps)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    if (eat_close(ps, ']'))
        return arr;
    for (;;) {
        json_t *v = parse_value(ps);
        if (!v || json_array_append_new(arr, v) < 0)
            goto fail;
        int more = after_member(ps, ']');
        if (more < 0)
            goto fail;
        if (!more)
            return arr;
    }
fail:
    json_decref(arr);
    return NULL;
}

static int literal(parser *ps, const char *word, size_t n)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return 0;
    ps->p += n;
    return 1;
}

static json_t *parse_value(parser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return NULL;
    json_t *v = NULL;
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > MAX_DEPTH)
            return NULL;
        ps->p++;
        v = ps->p[-1] == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    case '"': {
        ps->p++;
        const char *s;
        size_t len;
        if (parse_string(ps, &s, &len) < 0)
            return NULL;
        return json_stringn_nocheck(s, len);
    }
    case 't':
        return literal(ps, "true", 4) ? json_true() : NULL;
    case 'f':
        return literal(ps, "false", 5) ? json_false() : NULL;
    case 'n':
        return literal(ps, "null", 4) ? json_null() : NULL;
    default:
        return parse_number(ps);
    }
}

json_t *gw_json_parse(const char *text, size_t len)
{
    parser ps = {.p = (const unsigned char *)text, .end = (const unsigned char *)text + len};
    json_t *v = parse_value(&ps);
    skip_ws(&ps);
    if (v && ps.p != ps.end) {
        json_decref(v);
        v = NULL;
    }
    free(ps.buf);
    return v;
}
