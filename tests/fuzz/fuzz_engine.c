/* libFuzzer target for the engine's public API: the input is a script of calls
 * (leaves, ops, labels, groups, marks and resets, backward, trace, forward)
 * whose operands may be MG_NONE, another graph's handles, forged handles or
 * handles dropped by a reset. Nothing may crash; and labels follow a shadow
 * model: a value's label is the last one set on it, or none once a reset drops
 * the value or the label's bytes. */
#include <micrograd/engine.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_VALUES 512
#define HANDLES 32
#define MARKS 4

typedef struct input {
    const uint8_t *at, *end;
} input;

static unsigned byte(input *in) { return in->at < in->end ? *in->at++ : 0; }

static const char *const groups[] = {"layer 1", "layer 1/neuron 2", "", "g"};

/* What the engine should say a value's label is. */
typedef struct shadow {
    int has;
    char bytes[16];
    size_t len;
    size_t at; /* pool bytes in use when it was set: a reset below drops it */
} shadow;

typedef struct state {
    mg_graph *g, *other;
    mg_value handles[HANDLES];
    mg_mark marks[MARKS];
    shadow labels[MAX_VALUES];
} state;

static const double numbers[] = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -3.5, 1e308, -1e308, 5e-324,
                                 (double)INFINITY, -(double)INFINITY, (double)NAN, 710.0, -710.0,
                                 1e-300};

/* An operand: a recent handle, or MG_NONE, a foreign one, or a forged one. */
static mg_value operand(state *s, input *in)
{
    unsigned b = byte(in);
    if (b < 200)
        return s->handles[b % HANDLES];
    if (b < 210)
        return MG_NONE;
    if (b < 230)
        return mg_value_at(s->other, b % 4);
    mg_value forged = mg_value_at(s->g, 0);
    forged.tag = mg_value_ok(forged) ? forged.tag : 1;
    forged.index = b < 250 ? (uint32_t)(mg_graph_size(s->g) + (b - 230)) : UINT32_MAX - 1;
    return forged;
}

static void keep(state *s, mg_value v, unsigned slot) { s->handles[slot % HANDLES] = v; }

/* Values made since n: no label yet, whatever an earlier value at the index had. */
static void born(state *s, size_t before)
{
    for (size_t i = before; i < mg_graph_size(s->g) && i < MAX_VALUES; i++)
        s->labels[i].has = 0;
}

static void set_label(state *s, input *in)
{
    mg_value v = operand(s, in);
    char text[16];
    size_t len = byte(in) % sizeof text;
    for (size_t i = 0; i < len; i++)
        text[i] = (char)byte(in); /* any bytes, NUL included */
    size_t at = mg_graph_mark(s->g).label_bytes;
    mg_status st = mg_set_label_n(s->g, v, text, len);
    int valid = mg_value_ok(v) && v.index < mg_graph_size(s->g) &&
                mg_value_at(s->g, v.index).tag == v.tag;
    CHECK(st == (valid ? MG_OK : MG_ERR_FOREIGN));
    CHECK(valid || mg_graph_status(s->g) != MG_OK); /* a setter's failure is sticky */
    if (st == MG_OK && v.index < MAX_VALUES) {
        shadow *sh = &s->labels[v.index];
        *sh = (shadow){.has = 1, .len = len, .at = at};
        memcpy(sh->bytes, text, len);
    }
}

static void reset(state *s, input *in)
{
    mg_mark m = s->marks[byte(in) % MARKS], now = mg_graph_mark(s->g);
    mg_graph_reset(s->g, m);
    if (m.values > now.values || m.exponents > now.exponents || m.label_bytes > now.label_bytes) {
        CHECK(mg_graph_size(s->g) == now.values); /* ignored */
        return;
    }
    CHECK(mg_graph_size(s->g) == m.values);
    for (size_t i = 0; i < MAX_VALUES; i++)
        if (i >= m.values || s->labels[i].at >= m.label_bytes)
            s->labels[i].has = 0;
    /* Marks taken after m are stale now: the engine cannot tell them once the
     * graph grows past them again (a documented limit), so forget them. */
    for (int i = 0; i < MARKS; i++) {
        mg_mark *k = &s->marks[i];
        if (k->values > m.values || k->exponents > m.exponents || k->label_bytes > m.label_bytes)
            *k = m;
    }
}

static void make_value(state *s, input *in, unsigned what)
{
    static const mg_op binary_ops[] = {MG_OP_ADD, MG_OP_SUB, MG_OP_MUL, MG_OP_DIV, MG_OP_TANH};
    static const mg_op unary_ops[] = {MG_OP_NEG, MG_OP_EXP, MG_OP_LOG, MG_OP_TANH,
                                      MG_OP_RELU, MG_OP_SIGMOID, MG_OP_ADD};
    size_t before = mg_graph_size(s->g);
    unsigned slot = byte(in);
    mg_value v;
    if (what == 0) {
        v = mg_leaf_role(s->g, numbers[byte(in) % 16], (mg_role)(byte(in) % 4));
    } else if (what == 1) {
        mg_op op = binary_ops[byte(in) % 5];
        mg_value a = operand(s, in);
        v = mg_binary(s->g, op, a, operand(s, in));
    } else if (what == 2) {
        v = mg_unary(s->g, unary_ops[byte(in) % 7], operand(s, in));
    } else if (what == 3) {
        v = mg_pow(s->g, operand(s, in), numbers[byte(in) % 16]);
    } else {
        double d = numbers[byte(in) % 16];
        v = byte(in) & 1 ? mg_sub_dv(s->g, d, operand(s, in)) : mg_div_vd(s->g, operand(s, in), d);
    }
    born(s, before);
    if (mg_value_ok(v))
        CHECK(v.index == mg_graph_size(s->g) - 1); /* the newest value */
    else
        CHECK(mg_graph_status(s->g) != MG_OK); /* a failure leaves a sticky error */
    keep(s, v, slot);
}

static void autograd(state *s, input *in, unsigned what)
{
    mg_value v = operand(s, in);
    if (what == 0) {
        mg_status st = mg_backward(s->g, v);
        /* a bad root: its own status, and the graph in error (maybe an older one) */
        CHECK(st == MG_OK || ((st == MG_ERR_INVALID || st == MG_ERR_FOREIGN) &&
                              mg_graph_status(s->g) != MG_OK));
        if (st == MG_OK)
            CHECK(mg_grad(s->g, v) == 1.0);
    } else if (what == 1) {
        mg_backward_local(s->g, v);
    } else if (what == 2) {
        mg_value out[8];
        size_t n = mg_trace(s->g, v, out, 8);
        for (size_t i = 1; i < n && i < 8; i++)
            CHECK(out[i - 1].index < out[i].index);
    } else if (what == 3) {
        mg_forward(s->g);
    } else {
        mg_zero_grad(s->g);
    }
}

/* Every label is what the shadow says; every group a NUL-terminated string. */
static void check_labels(state *s)
{
    size_t n = mg_graph_size(s->g);
    for (size_t i = 0; i < n && i < MAX_VALUES; i++) {
        mg_value v = mg_value_at(s->g, i);
        size_t len = 12345;
        const char *l = mg_label(s->g, v, &len);
        const shadow *sh = &s->labels[i];
        CHECK(!l == !sh->has);
        if (l) {
            CHECK(len == sh->len && memcmp(l, sh->bytes, len) == 0 && l[len] == '\0');
        } else {
            CHECK(len == 0);
        }
        const char *group = mg_group(s->g, v);
        if (group) /* one of the strings set, never bytes of another entry */
            CHECK(!strcmp(group, groups[0]) || !strcmp(group, groups[1]) ||
                  !strcmp(group, groups[2]) || !strcmp(group, groups[3]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    state *s = calloc(1, sizeof *s);
    CHECK(s);
    s->g = mg_graph_new();
    s->other = mg_graph_new();
    CHECK(s->g && s->other);
    for (int i = 0; i < 4; i++)
        mg_leaf(s->other, i, "x");
    for (int i = 0; i < HANDLES; i++)
        s->handles[i] = MG_NONE;
    input in = {data, data + size};
    while (in.at < in.end && mg_graph_size(s->g) < MAX_VALUES - 8) {
        unsigned what = byte(&in) % 16;
        if (what < 5) {
            make_value(s, &in, what);
        } else if (what < 10) {
            autograd(s, &in, what - 5);
        } else if (what == 10) {
            set_label(s, &in);
        } else if (what == 11) {
            mg_value v = operand(s, &in);
            mg_set_group(s->g, v, byte(&in) & 4 ? NULL : groups[byte(&in) % 4]);
        } else if (what == 12) {
            s->marks[byte(&in) % MARKS] = mg_graph_mark(s->g);
        } else if (what == 13) {
            reset(s, &in);
        } else if (what == 14) {
            mg_value v = operand(s, &in);
            mg_set_data(s->g, v, numbers[byte(&in) % 16]);
            mg_set_grad(s->g, v, numbers[byte(&in) % 16]);
            mg_set_role(s->g, v, (mg_role)(byte(&in) % 5));
        } else {
            mg_status st = mg_graph_status(s->g);
            CHECK((unsigned)st < MG_STATUS_COUNT);
            CHECK(strlen(mg_graph_error(s->g)) < 256);
            mg_graph_clear_error(s->g);
        }
        check_labels(s);
    }
    mg_graph_free(s->g);
    mg_graph_free(s->other);
    free(s);
    return 0;
}
