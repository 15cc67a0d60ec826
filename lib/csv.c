/* Numeric CSV tables (see micrograd/csv.h): a line-by-line reader that knows
 * where every field starts, so each error points at a line and column. */
#include <micrograd/csv.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One field of a line: [start, end) after trimming spaces, and the column of
 * its first byte (of the comma's successor when the field is empty). */
typedef struct field {
    const char *start, *end;
    int col;
} field;

/* The reader's state: growing arrays and where the current line starts. */
typedef struct reader {
    mg_table *t;
    size_t cap_rows;
    mg_error *err;
    int line;
} reader;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Parses a whole field as a double; 1 on success. */
static int field_number(const field *f, double *out)
{
    char buf[128];
    size_t n = (size_t)(f->end - f->start);
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, f->start, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    if (end != buf + n)
        return 0;
    *out = x;
    return 1;
}

/* Quotes a field for a message: at most 32 bytes, control bytes as '?'. */
static void quote(const field *f, char *buf, size_t size)
{
    size_t n = (size_t)(f->end - f->start), k = 0;
    for (size_t i = 0; i < n && k + 4 < size && i < 32; i++) {
        unsigned char c = (unsigned char)f->start[i];
        buf[k++] = c < 32 || c == 127 ? '?' : (char)c;
    }
    if (n > 32 && k + 4 < size) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

/* Splits [line, stop) at commas into fields; returns the count (up to cap,
 * but counts all). */
static size_t split(const char *line, const char *stop, field *fields, size_t cap)
{
    size_t n = 0;
    const char *p = line;
    for (;;) {
        const char *q = p;
        while (q < stop && *q != ',')
            q++;
        const char *s = p, *e = q;
        while (s < e && is_space(*s))
            s++;
        while (e > s && is_space(e[-1]))
            e--;
        if (n < cap)
            fields[n] = (field){s, e, (int)(s - line) + 1};
        n++;
        if (q >= stop)
            return n;
        p = q + 1;
    }
}

/* Appends one row of cols numbers. */
static mg_status add_row(reader *r, const double *x)
{
    mg_table *t = r->t;
    if (t->rows == r->cap_rows) {
        size_t cap = r->cap_rows ? 2 * r->cap_rows : 64;
        if (cap > SIZE_MAX / sizeof(double) / t->cols)
            return mg_error_set(r->err, MG_ERR_LIMIT, r->line, 1, "too many rows");
        double *cells = realloc(t->cells, cap * t->cols * sizeof *cells);
        if (!cells)
            return mg_error_set(r->err, MG_ERR_NOMEM, r->line, 1, "out of memory");
        t->cells = cells;
        int *lines = realloc(t->lines, cap * sizeof *lines);
        if (!lines)
            return mg_error_set(r->err, MG_ERR_NOMEM, r->line, 1, "out of memory");
        t->lines = lines;
        r->cap_rows = cap;
    }
    memcpy(t->cells + t->rows * t->cols, x, t->cols * sizeof *x);
    t->lines[t->rows++] = r->line;
    return MG_OK;
}

#define MAX_FIELDS 4096

/* Checks and converts the fields of one data row into x. */
static mg_status parse_row(reader *r, const field *fields, size_t n, double *x)
{
    for (size_t i = 0; i < n; i++) {
        const field *f = &fields[i];
        char text[48];
        if (f->start == f->end)
            return mg_error_set(r->err, MG_ERR_SYNTAX, r->line, f->col, "empty field");
        quote(f, text, sizeof text);
        if (!field_number(f, &x[i]))
            return mg_error_set(r->err, MG_ERR_SYNTAX, r->line, f->col,
                                "expected a number, found '%s'", text);
        if (!isfinite(x[i]))
            return mg_error_set(r->err, MG_ERR_SYNTAX, r->line, f->col,
                                "'%s' is not a finite number", text);
    }
    return MG_OK;
}

/* Handles the text of one line (comment already cut off). */
static mg_status take_line(reader *r, const char *line, const char *stop, field *fields,
                           double *x)
{
    const char *p = line;
    while (p < stop && is_space(*p))
        p++;
    if (p == stop)
        return MG_OK; /* blank or comment-only */
    size_t n = split(line, stop, fields, MAX_FIELDS);
    mg_table *t = r->t;
    if (t->cols == 0) {
        if (n > MAX_FIELDS)
            return mg_error_set(r->err, MG_ERR_LIMIT, r->line, 1, "more than %d fields in a row",
                                MAX_FIELDS);
        t->cols = n;
        size_t numbers = 0;
        for (size_t i = 0; i < n; i++)
            numbers += field_number(&fields[i], &x[i]);
        if (numbers == 0) {
            t->header = 1;
            return MG_OK;
        }
    } else if (n != t->cols) {
        /* Point at the first extra field, or just after the last one there is. */
        int col = n < t->cols ? (int)(fields[n - 1].end - line) + 1
                  : t->cols < MAX_FIELDS ? fields[t->cols].col : 1;
        return mg_error_set(r->err, MG_ERR_SYNTAX, r->line, col, "expected %zu fields, found %zu",
                            t->cols, n);
    }
    mg_status s = parse_row(r, fields, n, x);
    return s != MG_OK ? s : add_row(r, x);
}

void mg_table_free(mg_table *t)
{
    if (!t)
        return;
    free(t->cells);
    free(t->lines);
    *t = (mg_table){0};
}

mg_status mg_table_parse(const char *text, size_t len, mg_table *out, mg_error *err)
{
    mg_error_clear(err);
    if (!out || (!text && len))
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "no table or no text to parse");
    *out = (mg_table){0};
    if (!text)
        text = ""; /* no text: zero bytes of an empty one */
    reader r = {.t = out, .err = err, .line = 0};
    field *fields = malloc(MAX_FIELDS * sizeof *fields);
    double *x = malloc(MAX_FIELDS * sizeof *x);
    mg_status s = fields && x ? MG_OK : mg_error_set(err, MG_ERR_NOMEM, 1, 1, "out of memory");
    const char *p = text, *end = text + len;
    while (s == MG_OK && p < end) {
        if (r.line == INT_MAX) {
            s = mg_error_set(err, MG_ERR_LIMIT, r.line, 1, "too many lines");
            break;
        }
        r.line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *nul = memchr(p, '\0', (size_t)(eol - p));
        if (nul) {
            s = mg_error_set(err, MG_ERR_SYNTAX, r.line, (int)(nul - p) + 1,
                             "NUL byte in the input");
            break;
        }
        const char *hash = memchr(p, '#', (size_t)(eol - p));
        s = take_line(&r, p, hash ? hash : eol, fields, x);
        p = eol + (eol < end);
    }
    if (s == MG_OK && out->rows == 0)
        s = mg_error_set(err, MG_ERR_SYNTAX, r.line ? r.line : 1, 1, "no data rows");
    free(fields);
    free(x);
    if (s != MG_OK)
        mg_table_free(out);
    return s;
}
