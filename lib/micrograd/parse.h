/* The expression language (.mg files): parses a program and builds its values
 * in a graph.
 *
 *     # the first example of the video
 *     a = 2.0; b = -3.0; c = 10
 *     e = a*b
 *     d = e + c
 *     f = -2.0
 *     L = d * f
 *
 *     mg_program *p;
 *     mg_error err;
 *     if (mg_parse(g, text, len, &p, &err) != MG_OK)
 *         fprintf(stderr, "%s:%d:%d: error: %s\n", file, err.line, err.col, err.message);
 *
 * Statements are separated by newlines or ';'; '#' starts a comment.
 * `name = number` makes a leaf labelled name; `name = expression` labels the
 * result (a name given to an existing value is an alias, as in Python).
 * Operators + - * / ** with Python's precedence (-x**2 is -(x**2), ** is right
 * associative), unary -, parentheses, and tanh exp log relu sigmoid. `x ** 2`
 * with a constant exponent is one pow value (micrograd's); an exponent that is a
 * value makes a Value ** Value (MG_OP_POWV). Arithmetic on plain numbers is
 * folded, as Python folds it before micrograd sees it. No recursion: any
 * nesting depth parses.
 */
#ifndef MICROGRAD_PARSE_H
#define MICROGRAD_PARSE_H

#include <stddef.h>

#include <micrograd/engine.h>
#include <micrograd/error.h>
#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mg_program mg_program;

/* Parses len bytes of src (any bytes; NUL is an error, not an end; src may be
 * NULL when len is 0) and builds the values in g. Returns MG_OK and *out, the
 * program (free with mg_program_free); or MG_ERR_SYNTAX, MG_ERR_NAME,
 * MG_ERR_NOMEM, MG_ERR_LIMIT or MG_ERR_INVALID (NULL g or out) with *out NULL,
 * err (may be NULL) saying where (1-based line and byte column) and why, and
 * the same error recorded in g. On error, values already built stay in g (reset
 * to a mark to drop them, and clear the error to parse again). A graph already
 * in error is refused (its status, with no position). A program with no
 * statement is an error. A leading UTF-8 byte order mark is skipped (columns
 * count from after it). */
MG_API mg_status mg_parse(mg_graph *g, const char *src, size_t len, mg_program **out,
                          mg_error *err);
MG_API void mg_program_free(mg_program *p);

/* The names in definition order, each with its value and the line defining it. */
MG_API size_t mg_program_count(const mg_program *p);
MG_API const char *mg_program_name(const mg_program *p, size_t i);
MG_API mg_value mg_program_value(const mg_program *p, size_t i);
MG_API int mg_program_line(const mg_program *p, size_t i);
/* The index of the name, or -1 when the program does not define it. */
MG_API long mg_program_find(const mg_program *p, const char *name);
/* The index of the root: the last name assigned. */
MG_API size_t mg_program_root(const mg_program *p);

#ifdef __cplusplus
}
#endif

#endif
