/* The expression language (.mg files): micrograd's straight-line Python.
 * Parses a program and runs it on a graph, statement by statement.
 *
 *     # the first example of the video        # the same, as the lecture writes it
 *     a = 2.0; b = -3.0; c = 10                a = Value(2.0, label='a')
 *     e = a*b                                  b = Value(-3.0, label='b')
 *     d = e + c                                c = Value(10.0, label='c')
 *     f = -2.0                                 e = a*b; e.label = 'e'
 *     L = d * f                                d = e + c; d.label = 'd'
 *                                              f = Value(-2.0, label='f')
 *                                              L = d * f; L.label = 'L'
 *                                              L.backward()
 *
 *     mg_program *p;
 *     mg_error err;
 *     if (mg_parse(g, text, len, &p, &err) != MG_OK)
 *         fprintf(stderr, "%s:%d:%d: error: %s\n", file, err.line, err.col, err.message);
 *
 * Statements are separated by newlines or ';'; '#' starts a comment; inside
 * parentheses a newline is a space. `name = number` makes a leaf labelled
 * name; `name = expression` labels the result unless it has a label (a name
 * given to an existing value is an alias, as in Python). Assigning a name
 * again (`c = ...`, `c += ...`) binds it to a new value; the value it named
 * loses the label the name gave it. Operators + - * / ** with Python's
 * precedence (-x**2 is -(x**2), ** is right associative), unary - +,
 * parentheses, tanh exp log relu sigmoid as functions and as methods
 * (x.tanh() computes as the lecture's Value.tanh: (e^2x - 1) / (e^2x + 1)),
 * Value(data, label='...'), x.data and x.grad (plain numbers), x.label = ...,
 * x.data = ..., x.grad = ..., x.backward() and x._backward() (run there and
 * then), draw_dot(x) (marks the root), micrograd's imports (ignored), Python's
 * numbers (1_000, 0x10, .5, 5.) and strings ('', "", r'', triple quotes), and
 * Python's identifiers (XID_Start/XID_Continue). `# mg: param` at the end of
 * a line makes the leaves it assigns MG_ROLE_PARAM. `x ** 2` with a constant
 * exponent is one pow value (micrograd's); an exponent that is a value makes a
 * Value ** Value (MG_OP_POWV). Arithmetic on plain numbers is folded, as
 * Python folds it before micrograd sees it, and is an error where Python
 * raises (1/0, 0**-1, (-8)**(1/3)). Lines of other Python (import numpy, def,
 * for, class, print, MLP) are errors that say what to do instead. No
 * recursion: any nesting depth parses.
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
 * NULL when len is 0) and runs the program on g. Returns MG_OK and *out, the
 * program (free with mg_program_free); or MG_ERR_SYNTAX, MG_ERR_NAME,
 * MG_ERR_NOMEM, MG_ERR_LIMIT or MG_ERR_INVALID (NULL g or out; arithmetic on
 * numbers that Python refuses, 1/0) with *out NULL, err (may be NULL) saying
 * where (1-based line and byte column) and why, and the same error recorded in
 * g. On error, values already built stay in g (reset to a mark to drop them,
 * and clear the error to parse again). A graph already in error is refused (its
 * status, with no position). A program with no assignment is an error. A
 * leading UTF-8 byte order mark is skipped (columns count from after it). */
MG_API mg_status mg_parse(mg_graph *g, const char *src, size_t len, mg_program **out,
                          mg_error *err);

typedef struct mg_parse_options {
    /* 1: build the graph micrograd itself builds: a - b as a + (b * -1), a / b
     * as a * b**-1, -a as a * -1, and a number on the left of + * - / after
     * the value (2 * a as a * 2), as its __rmul__ and friends do; tanh(x)
     * computed as the lecture's Value.tanh; ** takes only a number exponent.
     * The same numbers as micrograd, bit for bit. */
    int as_micrograd;
} mg_parse_options;

/* mg_parse with options (o NULL: the defaults, all 0). */
MG_API mg_status mg_parse_with(mg_graph *g, const char *src, size_t len,
                               const mg_parse_options *o, mg_program **out, mg_error *err);
MG_API void mg_program_free(mg_program *p);

/* The bindings in program order: each assignment to a name is one, with its
 * value and the line and column of the name (`c = a + b` then `c += 1` are
 * two bindings of c, to two values). */
MG_API size_t mg_program_count(const mg_program *p);
MG_API const char *mg_program_name(const mg_program *p, size_t i);
MG_API mg_value mg_program_value(const mg_program *p, size_t i);
MG_API int mg_program_line(const mg_program *p, size_t i);
MG_API int mg_program_col(const mg_program *p, size_t i);
/* 1 if binding i is its name's latest (what the name means at the end). */
MG_API int mg_program_is_latest(const mg_program *p, size_t i);
/* The index of the name's latest binding, or -1 when the program does not
 * define it. */
MG_API long mg_program_find(const mg_program *p, const char *name);
/* The index of the root: the binding the program called backward() or
 * draw_dot() on (the last such call), else the last binding. */
MG_API size_t mg_program_root(const mg_program *p);
/* 1 if the program made its grads itself: it called backward() or
 * _backward(), or set an x.grad. A front-end then shows the grads as the
 * program left them instead of running backward from the root. */
MG_API int mg_program_sets_grads(const mg_program *p);

#ifdef __cplusplus
}
#endif

#endif
