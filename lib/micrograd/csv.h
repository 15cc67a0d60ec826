/* Numeric CSV tables for training data and initial parameters.
 *
 *     mg_table t;
 *     mg_error err;
 *     if (mg_table_parse(text, len, &t, &err) != MG_OK)
 *         fprintf(stderr, "%s:%d:%d: error: %s\n", file, err.line, err.col, err.message);
 *     ...
 *     mg_table_free(&t);
 *
 * The format: one row per line, fields separated by commas, every field a
 * finite decimal number (spaces around it are ignored). '#' starts a comment
 * that runs to the end of the line; blank lines are skipped; CRLF is accepted.
 * The first row may be a header: it is one when none of its fields is a number
 * (`x0,x1,y`). Every row must have as many fields as the first.
 */
#ifndef MICROGRAD_CSV_H
#define MICROGRAD_CSV_H

#include <stddef.h>

#include <micrograd/error.h>
#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed table: rows * cols numbers, row-major. */
typedef struct mg_table {
    size_t rows;
    size_t cols;
    double *cells;   /* rows * cols, owned; cells[r * cols + c] */
    int *lines;      /* the 1-based source line of each row, owned */
    int header;      /* 1 if the first line was a header */
} mg_table;

/* Parses len bytes of text (NUL is an error, not an end; text may be NULL when
 * len is 0). Returns MG_OK and fills *out (free with mg_table_free), or
 * MG_ERR_SYNTAX / MG_ERR_NOMEM / MG_ERR_LIMIT with *out empty and err saying
 * where (1-based line and byte column) and why, or MG_ERR_INVALID (NULL out, or
 * NULL text with a length; no position). A text with no row is an error. err
 * may be NULL. */
MG_API mg_status mg_table_parse(const char *text, size_t len, mg_table *out, mg_error *err);
/* Frees what the table owns and empties it. NULL is a no-op. */
MG_API void mg_table_free(mg_table *t);

#ifdef __cplusplus
}
#endif

#endif
