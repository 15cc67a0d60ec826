/* libFuzzer target for the expression language: any bytes through mg_parse,
 * then mg_trace, mg_backward, mg_forward and mg_zero_grad on what it built,
 * checking the invariants the library promises. A broken invariant aborts, so
 * libFuzzer records the input like a crash. */
#include <micrograd/parse.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Bit-for-bit equal, every NaN equal to every NaN. */
static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* 1 if the n bytes of s hold word. */
static int contains(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, word, k) == 0)
            return 1;
    return 0;
}

/* Every value's data, in creation order (free it). */
static double *values_of(const mg_graph *g)
{
    size_t size = mg_graph_size(g);
    double *data = malloc((size + 1) * sizeof *data);
    CHECK(data);
    for (size_t i = 0; i < size; i++)
        data[i] = mg_data(g, mg_value_at(g, i));
    return data;
}

/* A failed parse: a known status, a position inside the text, one line of message. */
static void check_diag(const mg_error *d, const char *src, size_t len)
{
    /* MG_ERR_INVALID: arithmetic on numbers that Python refuses (1/0) */
    CHECK(d->status == MG_ERR_SYNTAX || d->status == MG_ERR_NAME || d->status == MG_ERR_INVALID);
    CHECK(d->line >= 1 && d->col >= 1);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += src[i] == '\n';
    CHECK((size_t)d->line <= lines);
    /* The column is inside its line, or just past its end. */
    const char *at = src;
    for (int line = 1; line < d->line; line++)
        at = (const char *)memchr(at, '\n', len - (size_t)(at - src)) + 1;
    const char *eol = memchr(at, '\n', len - (size_t)(at - src));
    CHECK((size_t)d->col <= (size_t)((eol ? eol : src + len) - at) + 1);
    size_t n = strnlen(d->message, sizeof d->message);
    CHECK(n > 0 && n < sizeof d->message);
    CHECK(!strchr(d->message, '\n'));
}

/* Bindings: lookup finds each name's latest, a valid value; the root one of them. */
static void check_program(mg_graph *g, const mg_program *p)
{
    size_t count = mg_program_count(p);
    CHECK(count >= 1);
    CHECK(mg_program_root(p) < count);
    for (size_t i = 0; i < count; i++) {
        const char *name = mg_program_name(p, i);
        CHECK(name && *name);
        long latest = mg_program_find(p, name);
        CHECK(latest >= (long)i && strcmp(mg_program_name(p, (size_t)latest), name) == 0);
        CHECK(mg_program_is_latest(p, i) == (latest == (long)i));
        mg_value v = mg_program_value(p, i);
        CHECK(mg_value_ok(v) && v.index < mg_graph_size(g));
        CHECK(mg_program_line(p, i) >= 1 && mg_program_col(p, i) >= 1);
    }
    CHECK(mg_program_name(p, count) == NULL);
}

/* trace: increasing indices ending at root, closed under operands. */
static void check_trace(mg_graph *g, mg_value root, const mg_value *t, size_t n)
{
    CHECK(n >= 1 && t[n - 1].index == root.index);
    for (size_t i = 1; i < n; i++)
        CHECK(t[i - 1].index < t[i].index);
    char *in = calloc(root.index + 1, 1);
    CHECK(in);
    for (size_t i = 0; i < n; i++)
        in[t[i].index] = 1;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < mg_op_arity(mg_value_op(g, t[i])); k++) {
            mg_value o = mg_operand(g, t[i], k);
            CHECK(mg_value_ok(o) && o.index < t[i].index && in[o.index]);
        }
    free(in);
}

/* backward: root grad 1, values outside the trace untouched (still 0),
 * mg_forward reproduces every value (where forward_reproduces), and a second
 * backward after zero_grad gives the same grads bit for bit. */
static void check_autograd(mg_graph *g, mg_value root, const mg_value *t, size_t n,
                           int forward_reproduces)
{
    mg_zero_grad(g); /* the grads the program made itself (backward(), x.grad = ...) */
    size_t size = mg_graph_size(g);
    double *data = malloc(size * sizeof *data), *grad = malloc(size * sizeof *grad);
    CHECK(data && grad);
    for (size_t i = 0; i < size; i++)
        data[i] = mg_data(g, mg_value_at(g, i));
    CHECK(mg_backward(g, root) == MG_OK);
    CHECK(mg_grad(g, root) == 1.0);
    size_t next = 0;
    for (size_t i = 0; i < size; i++) {
        grad[i] = mg_grad(g, mg_value_at(g, i));
        int traced = next < n && t[next].index == i;
        next += traced;
        if (!traced)
            CHECK(grad[i] == 0.0 && !signbit(grad[i]));
    }
    if (forward_reproduces)
        mg_forward(g);
    mg_zero_grad(g);
    for (size_t i = 0; i < size; i++) {
        CHECK(same(mg_data(g, mg_value_at(g, i)), data[i]));
        CHECK(mg_grad(g, mg_value_at(g, i)) == 0.0);
    }
    CHECK(mg_backward(g, root) == MG_OK);
    for (size_t i = 0; i < size; i++)
        CHECK(same(mg_grad(g, mg_value_at(g, i)), grad[i]));
    free(data);
    free(grad);
}

/* Parsing again after a reset to the mark taken before the first parse gives
 * the same outcome and the same values, bit for bit. */
static void check_reparse(mg_graph *g, mg_mark m, const char *src, size_t size,
                          const mg_program *first, const mg_error *first_diag, const double *data)
{
    size_t size_before = mg_graph_size(g);
    mg_graph_reset(g, m);
    CHECK(mg_graph_size(g) == 0);
    mg_graph_clear_error(g); /* a failed parse left its error there */
    mg_error diag;
    mg_program *p;
    mg_status st = mg_parse(g, src, size, &p, &diag);
    CHECK(st == diag.status);
    CHECK(!p == !first);
    if (!p)
        CHECK(diag.line == first_diag->line && diag.col == first_diag->col &&
              strcmp(diag.message, first_diag->message) == 0);
    else
        CHECK(mg_program_count(p) == mg_program_count(first));
    CHECK(mg_graph_size(g) == size_before);
    for (size_t i = 0; i < size_before; i++)
        CHECK(same(mg_data(g, mg_value_at(g, i)), data[i]));
    mg_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    mg_graph *g = mg_graph_new();
    CHECK(g);
    mg_mark start = mg_graph_mark(g);
    mg_error diag;
    mg_program *p;
    mg_status st = mg_parse(g, src, size, &p, &diag);
    CHECK(st == diag.status);
    if (st != MG_OK) {
        CHECK(!p);
        check_diag(&diag, src, size);
        /* the failure is the graph's sticky error, word for word */
        CHECK(mg_graph_status(g) == st && strcmp(mg_graph_error(g), diag.message) == 0);
        double *parsed = values_of(g);
        check_reparse(g, start, src, size, NULL, &diag, parsed);
        free(parsed);
        mg_graph_free(g);
        return 0;
    }
    CHECK(diag.status == MG_OK);
    CHECK(mg_graph_status(g) == MG_OK);
    check_program(g, p);
    mg_value root = mg_program_value(p, mg_program_root(p));
    size_t n = mg_trace(g, root, NULL, 0);
    mg_value *t = malloc(n * sizeof *t);
    CHECK(t);
    CHECK(mg_trace(g, root, t, n) == n);
    check_trace(g, root, t, n);
    /* x.data = ... changes a value after others were made from it, and .tanh()
     * computes as the lecture's Value does: mg_forward then computes anew. */
    int forward_reproduces = !contains(src, size, ".data") && !contains(src, size, ".tanh");
    double *parsed = values_of(g);
    check_autograd(g, root, t, n, forward_reproduces);
    CHECK(mg_graph_status(g) == MG_OK);
    check_reparse(g, start, src, size, p, &diag, parsed);
    free(parsed);
    free(t);
    mg_program_free(p);
    mg_graph_free(g);
    return 0;
}
