/* The backward lesson (see micrograd/lesson.h): the frames of one backward
 * pass and a caption per frame that writes out its chain rule with numbers. */
#include <micrograd/lesson.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

#define DEFAULT_PRECISION 4
#define MAX_PRECISION 17
/* Names longer than this are cut (on a character boundary) in captions. */
#define NAME_SIZE 96

struct mg_lesson {
    mg_graph *g;
    mg_value root;
    mg_value *trace;   /* what root depends on, in creation order */
    size_t ntrace;
    mg_value *steps;   /* steps[k] runs in frame k + 2: reverse creation order, ops only */
    size_t nsteps;
    size_t *caption;   /* offset of each frame's caption in text */
    char *text;
    size_t at;         /* the frame the graph's grads are at */
    int precision;
};

/* ---- text ---------------------------------------------------------------- */

/* A growing string; on allocation failure it stops growing and says so. */
typedef struct textbuf {
    char *data;
    size_t len, cap;
    int nomem;
} textbuf;

static void tb_printf(textbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tb_printf(textbuf *tb, const char *fmt, ...)
{
    if (tb->nomem)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = tb->cap - tb->len;
        int n = vsnprintf(tb->data ? tb->data + tb->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            tb->nomem = 1;
            return;
        }
        if ((size_t)n < room) {
            tb->len += (size_t)n;
            return;
        }
        size_t cap = tb->cap ? tb->cap * 2 : 1024;
        while (cap - tb->len <= (size_t)n)
            cap *= 2;
        char *data = realloc(tb->data, cap);
        if (!data) {
            tb->nomem = 1;
            return;
        }
        tb->data = data;
        tb->cap = cap;
    }
}

/* The number as captions show it: fixed precision, "nan", "inf", "-inf". */
static const char *num(char *buf, size_t size, double x, int precision)
{
    if (isnan(x))
        snprintf(buf, size, "nan");
    else if (isinf(x))
        snprintf(buf, size, x > 0 ? "inf" : "-inf");
    else
        snprintf(buf, size, "%.*f", precision, x);
    return buf;
}

/* The shortest %g text that reads back to x ("3", "0.5", "-1"). */
static const char *shortest(char *buf, size_t size, double x)
{
    snprintf(buf, size, "%.15g", x);
    if (isfinite(x) && strtod(buf, NULL) != x)
        snprintf(buf, size, "%.17g", x);
    return buf;
}

/* Length of the valid UTF-8 character at s (n bytes available), or 0. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
               : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* Overlong 3- and 4-byte forms, surrogates, and code points past U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* Copies len bytes into buf as valid, printable UTF-8 (U+FFFD for the rest). */
static void copy_clean(char *buf, size_t size, const char *bytes, size_t len)
{
    const unsigned char *s = (const unsigned char *)bytes;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_char(s + i, len - i);
        int bad = n == 0 || (n == 1 && (s[i] < 0x20 || s[i] == 0x7f));
        const char *piece = bad ? "\xef\xbf\xbd" : (const char *)s + i;
        size_t piece_len = bad ? 3 : n;
        if (out + piece_len + 1 > size)
            break;
        memcpy(buf + out, piece, piece_len);
        out += piece_len;
        i += bad ? (n ? n : 1) : n;
    }
    buf[out] = '\0';
}

char *mg_lesson_value_name(const mg_graph *g, mg_value v, char *buf, size_t size)
{
    if (!buf || size == 0)
        return buf;
    size_t len;
    const char *label = mg_label(g, v, &len);
    char tmp[64];
    if (label && len > 0) {
        copy_clean(buf, size, label, len);
    } else if (mg_value_op(g, v) == MG_OP_LEAF && mg_value_role(g, v) == MG_ROLE_CONST) {
        double x = mg_data(g, v);
        /* In parentheses, so that "(2).grad" does not read as a number. */
        snprintf(buf, size, "(%s)", shortest(tmp, sizeof tmp, x));
    } else {
        snprintf(buf, size, "v%u", (unsigned)v.index);
    }
    return buf;
}

/* ---- captions ------------------------------------------------------------ */

/* Names and numbers of one op value and its operands, ready to print. */
typedef struct step_text {
    char o[NAME_SIZE], a[NAME_SIZE], b[NAME_SIZE];   /* names */
    char V[48], G[48], A[48], B[48];                 /* o.data, o.grad, a.data, b.data */
    char Vp[52], Ap[52];                             /* o.data, a.data; negatives in () */
} step_text;

/* "X.grad += SYM = NUMS = TERM", and when X already had a grad, the sum. */
static void contribution(textbuf *tb, const char *x, const char *sym, const char *nums,
                         double old, double term, int precision)
{
    char t[48], o[48], n[48];
    tb_printf(tb, "%s.grad += %s", x, sym);
    if (nums)
        tb_printf(tb, " = %s", nums);
    tb_printf(tb, " = %s", num(t, sizeof t, term, precision));
    if (old != 0.0 || isnan(old)) {
        /* "6.0000 - 2.0000", not "6.0000 + -2.0000". */
        int minus = signbit(term) && !isnan(term);
        tb_printf(tb, " → %s.grad = %s %s %s = %s", x, num(o, sizeof o, old, precision),
                  minus ? "-" : "+", num(t, sizeof t, minus ? -term : term, precision),
                  num(n, sizeof n, old + term, precision));
    }
}

static void paren_if_negative(char *buf, size_t size, const char *text)
{
    snprintf(buf, size, text[0] == '-' ? "(%s)" : "%s", text);
}

static void fill_step_text(const mg_lesson *l, mg_value v, step_text *s)
{
    const mg_graph *g = l->g;
    const int p = l->precision;
    mg_value a = mg_operand(g, v, 0), b = mg_operand(g, v, 1);
    mg_lesson_value_name(g, v, s->o, sizeof s->o);
    mg_lesson_value_name(g, a, s->a, sizeof s->a);
    s->b[0] = '\0';
    s->B[0] = '\0';
    if (mg_value_ok(b)) {
        mg_lesson_value_name(g, b, s->b, sizeof s->b);
        num(s->B, sizeof s->B, mg_data(g, b), p);
    }
    num(s->V, sizeof s->V, mg_data(g, v), p);
    num(s->G, sizeof s->G, mg_grad(g, v), p);
    num(s->A, sizeof s->A, mg_data(g, a), p);
    paren_if_negative(s->Vp, sizeof s->Vp, s->V);
    paren_if_negative(s->Ap, sizeof s->Ap, s->A);
}

/* The headline "o = a + b: " (or "o = tanh(a): "), by op. */
static void headline(textbuf *tb, const mg_graph *g, mg_value v, const step_text *s)
{
    mg_op op = mg_value_op(g, v);
    char k[40];
    if (op == MG_OP_ADD || op == MG_OP_SUB || op == MG_OP_MUL || op == MG_OP_DIV)
        tb_printf(tb, "%s = %s %s %s: ", s->o, s->a, mg_op_symbol(op), s->b);
    else if (op == MG_OP_NEG)
        tb_printf(tb, "%s = -%s: ", s->o, s->a);
    else if (op == MG_OP_POW)
        tb_printf(tb, "%s = %s**%s: ", s->o, s->a,
                  shortest(k, sizeof k, mg_pow_exponent(g, v)));
    else
        tb_printf(tb, "%s = %s(%s): ", s->o, mg_op_symbol(op), s->a);
}

/* One operand's share of a local backward: what to print and the term added. */
typedef struct share {
    char sym[4 * NAME_SIZE + 128]; /* the chain rule in names: "b.data × o.grad" */
    char nums[512];                /* the same in numbers, or "" when it adds nothing */
    double term;                  /* exactly what the engine adds */
} share;

/* The shares of a binary op; returns its one-line explanation. */
static const char *binary_shares(const mg_graph *g, mg_value v, const step_text *s,
                                 share *sa, share *sb)
{
    mg_op op = mg_value_op(g, v);
    const double gr = mg_grad(g, v), vd = mg_data(g, v);
    const double ad = mg_data(g, mg_operand(g, v, 0)), bd = mg_data(g, mg_operand(g, v, 1));
    if (op == MG_OP_ADD || op == MG_OP_SUB) {
        sa->term = gr;
        sb->term = op == MG_OP_ADD ? gr : -gr;
        snprintf(sa->sym, sizeof sa->sym, "1 × %s.grad", s->o);
        snprintf(sb->sym, sizeof sb->sym, "%s × %s.grad", op == MG_OP_ADD ? "1" : "-1", s->o);
        if (op == MG_OP_SUB)
            snprintf(sb->nums, sizeof sb->nums, "-1 × %s", s->G);
        return op == MG_OP_ADD ? "'+' routes the gradient unchanged"
                               : "'-' routes the gradient, negated for the right operand";
    }
    if (op == MG_OP_MUL) {
        sa->term = bd * gr;
        sb->term = ad * gr;
        snprintf(sa->sym, sizeof sa->sym, "%s.data × %s.grad", s->b, s->o);
        snprintf(sa->nums, sizeof sa->nums, "%s × %s", s->B, s->G);
        snprintf(sb->sym, sizeof sb->sym, "%s.data × %s.grad", s->a, s->o);
        snprintf(sb->nums, sizeof sb->nums, "%s × %s", s->A, s->G);
        return "'*' multiplies the gradient by the other operand";
    }
    sa->term = gr / bd;
    sb->term = -(vd / bd) * gr;
    snprintf(sa->sym, sizeof sa->sym, "%s.grad / %s.data", s->o, s->b);
    snprintf(sa->nums, sizeof sa->nums, "%s / %s", s->G, s->B);
    snprintf(sb->sym, sizeof sb->sym, "-(%s.data / %s.data) × %s.grad", s->o, s->b, s->o);
    snprintf(sb->nums, sizeof sb->nums, "-(%s / %s) × %s", s->V, s->B, s->G);
    return "'/': d(x/y)/dx = 1/y and d(x/y)/dy = -(x/y)/y";
}

/* The share of a unary op (pow included); returns its one-line explanation. */
static const char *unary_share(const mg_graph *g, mg_value v, const step_text *s, share *sa)
{
    mg_op op = mg_value_op(g, v);
    const double gr = mg_grad(g, v), vd = mg_data(g, v), ad = mg_data(g, mg_operand(g, v, 0));
    if (op == MG_OP_NEG) {
        sa->term = -gr;
        snprintf(sa->sym, sizeof sa->sym, "-1 × %s.grad", s->o);
        snprintf(sa->nums, sizeof sa->nums, "-1 × %s", s->G);
        return "'neg' flips the sign of the gradient";
    }
    if (op == MG_OP_POW) {
        const double k = mg_pow_exponent(g, v);
        char kt[40], k1[40];
        shortest(kt, sizeof kt, k);
        shortest(k1, sizeof k1, k - 1.0);
        sa->term = (k * pow(ad, k - 1.0)) * gr;
        /* x^1 is shown as x. */
        const char *hat = k - 1.0 == 1.0 ? "" : "^";
        if (!*hat)
            k1[0] = '\0';
        snprintf(sa->sym, sizeof sa->sym, "%s × %s.data%s%s × %s.grad", kt, s->a, hat, k1,
                 s->o);
        snprintf(sa->nums, sizeof sa->nums, "%s × %s%s%s × %s", kt, *hat ? s->Ap : s->A, hat,
                 k1, s->G);
        return "'**' brings the exponent down: d(x^k)/dx = k × x^(k-1)";
    }
    if (op == MG_OP_EXP) {
        sa->term = vd * gr;
        snprintf(sa->sym, sizeof sa->sym, "%s.data × %s.grad", s->o, s->o);
        snprintf(sa->nums, sizeof sa->nums, "%s × %s", s->V, s->G);
        return "'exp' is its own derivative";
    }
    if (op == MG_OP_LOG) {
        sa->term = gr / ad;
        snprintf(sa->sym, sizeof sa->sym, "%s.grad / %s.data", s->o, s->a);
        snprintf(sa->nums, sizeof sa->nums, "%s / %s", s->G, s->A);
        return "'log' divides the gradient by its input: d(log x)/dx = 1/x";
    }
    if (op == MG_OP_TANH) {
        sa->term = (1.0 - vd * vd) * gr;
        snprintf(sa->sym, sizeof sa->sym, "(1 - %s²) × %s.grad", s->o, s->o);
        snprintf(sa->nums, sizeof sa->nums, "(1 - %s²) × %s", s->Vp, s->G);
        return "'tanh' scales the gradient by 1 - tanh²";
    }
    if (op == MG_OP_RELU) {
        sa->term = (vd > 0 ? 1.0 : 0.0) * gr;
        snprintf(sa->sym, sizeof sa->sym, "(%s > 0 ? 1 : 0) × %s.grad", s->o, s->o);
        snprintf(sa->nums, sizeof sa->nums, "%s × %s", vd > 0 ? "1" : "0", s->G);
        return "'relu' passes the gradient only where its output is positive";
    }
    sa->term = vd * (1.0 - vd) * gr;
    snprintf(sa->sym, sizeof sa->sym, "%s × (1 - %s) × %s.grad", s->o, s->o, s->o);
    snprintf(sa->nums, sizeof sa->nums, "%s × (1 - %s) × %s", s->V, s->Vp, s->G);
    return "'sigmoid' scales the gradient by σ × (1 - σ)";
}

/* Appends the caption of v's local backward, before it runs: the grads read
 * here are the ones the step starts from. The arithmetic mirrors the engine's
 * term for term, so the sums shown are the sums it makes. */
static void step_caption(textbuf *tb, const mg_lesson *l, mg_value v)
{
    const mg_graph *g = l->g;
    step_text s;
    fill_step_text(l, v, &s);
    mg_value a = mg_operand(g, v, 0), b = mg_operand(g, v, 1);
    share sa = {.term = 0.0}, sb = {.term = 0.0};
    sa.nums[0] = sb.nums[0] = '\0';
    headline(tb, g, v, &s);
    const char *intro = mg_value_ok(b) ? binary_shares(g, v, &s, &sa, &sb)
                                       : unary_share(g, v, &s, &sa);
    tb_printf(tb, "%s: ", intro);
    double olda = mg_grad(g, a);
    contribution(tb, s.a, sa.sym, sa.nums[0] ? sa.nums : NULL, olda, sa.term, l->precision);
    if (mg_value_ok(b)) {
        /* b may be a itself (a * a): then it starts from a's new grad. */
        double oldb = b.index == a.index ? olda + sa.term : mg_grad(g, b);
        tb_printf(tb, "; ");
        contribution(tb, s.b, sb.sym, sb.nums[0] ? sb.nums : NULL, oldb, sb.term,
                     l->precision);
    }
}

/* ---- frames -------------------------------------------------------------- */

static void zero_traced(mg_lesson *l)
{
    for (size_t i = 0; i < l->ntrace; i++)
        mg_set_grad(l->g, l->trace[i], 0.0);
}

/* Runs frame `frame`'s step on the grads of frame - 1. */
static void apply_step(mg_lesson *l, size_t frame)
{
    if (frame == 1)
        mg_set_grad(l->g, l->root, 1.0);
    else if (frame >= 2)
        mg_backward_local(l->g, l->steps[frame - 2]);
}

/* Steps through every frame from zero grads, writing each caption. */
static void write_captions(mg_lesson *l, textbuf *tb)
{
    char name[NAME_SIZE], x[48];
    zero_traced(l);
    l->caption[0] = tb->len;
    mg_lesson_value_name(l->g, l->root, name, sizeof name);
    tb_printf(tb, "forward pass: every value is computed from its operands, %s = %s, and "
                  "every grad starts at 0",
              name, num(x, sizeof x, mg_data(l->g, l->root), l->precision));
    tb_printf(tb, "%c", '\0');
    l->caption[1] = tb->len;
    tb_printf(tb, "%s.grad = 1: d%s/d%s = 1, the root's gradient with respect to itself", name,
              name, name);
    tb_printf(tb, "%c", '\0');
    apply_step(l, 1);
    for (size_t k = 0; k < l->nsteps; k++) {
        l->caption[k + 2] = tb->len;
        step_caption(tb, l, l->steps[k]);
        tb_printf(tb, "%c", '\0');
        apply_step(l, k + 2);
    }
    l->at = l->nsteps + 1;
}

/* The trace of root and, from it, the op values in backward's order; MG_OK,
 * or the failure in err and in the graph. */
static mg_status collect(mg_lesson *l, mg_error *err)
{
    int was_ok = mg_graph_status(l->g) == MG_OK;
    size_t n = mg_trace(l->g, l->root, NULL, 0);
    if (n == 0) { /* a bad root: mg_trace recorded why, unless the graph kept an older error */
        mg_status s = mg_value_ok(l->root) ? MG_ERR_FOREIGN : MG_ERR_INVALID;
        return was_ok ? mg_error_set(err, mg_graph_status(l->g), 0, 0, "%s", mg_graph_error(l->g))
                      : mg_error_set(err, s, 0, 0, "the root is not a value of this graph");
    }
    l->trace = malloc(n * sizeof *l->trace);
    l->steps = malloc(n * sizeof *l->steps);
    l->caption = malloc((n + 2) * sizeof *l->caption);
    if (!l->trace || !l->steps || !l->caption)
        return fail_graph(l->g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    l->ntrace = mg_trace(l->g, l->root, l->trace, n);
    for (size_t i = n; i-- > 0;)
        if (mg_value_op(l->g, l->trace[i]) != MG_OP_LEAF)
            l->steps[l->nsteps++] = l->trace[i];
    return MG_OK;
}

mg_status mg_lesson_new(mg_graph *g, mg_value root, const mg_lesson_options *options,
                        mg_lesson **out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    int precision = options && options->precision >= 0 ? options->precision : DEFAULT_PRECISION;
    if (!g || !out || precision > MAX_PRECISION)
        return fail_graph(g, err, MG_ERR_INVALID, 0, 0, "%s",
                          !g || !out ? "no graph or no place for the lesson"
                                     : "precision must be between 0 and 17");
    mg_lesson *l = calloc(1, sizeof *l);
    if (!l)
        return fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    l->g = g;
    l->root = root;
    l->precision = precision;
    mg_status status = collect(l, err);
    double *saved = status == MG_OK ? malloc(l->ntrace * sizeof *saved) : NULL;
    if (status == MG_OK && !saved)
        status = fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    if (status != MG_OK) {
        free(saved);
        mg_lesson_free(l);
        return status;
    }
    for (size_t i = 0; i < l->ntrace; i++)
        saved[i] = mg_grad(g, l->trace[i]);
    textbuf tb = {0};
    write_captions(l, &tb);
    if (tb.nomem) {
        for (size_t i = 0; i < l->ntrace; i++)
            mg_set_grad(g, l->trace[i], saved[i]);
        free(saved);
        free(tb.data);
        mg_lesson_free(l);
        return fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    }
    free(saved);
    l->text = tb.data;
    *out = l;
    return MG_OK;
}

void mg_lesson_free(mg_lesson *lesson)
{
    if (!lesson)
        return;
    free(lesson->trace);
    free(lesson->steps);
    free(lesson->caption);
    free(lesson->text);
    free(lesson);
}

size_t mg_lesson_frame_count(const mg_lesson *lesson)
{
    return lesson ? lesson->nsteps + 2 : 0;
}

const char *mg_lesson_caption(const mg_lesson *lesson, size_t frame)
{
    if (!lesson || frame >= mg_lesson_frame_count(lesson))
        return "";
    return lesson->text + lesson->caption[frame];
}

mg_value mg_lesson_current(const mg_lesson *lesson, size_t frame)
{
    if (!lesson || frame == 0 || frame >= mg_lesson_frame_count(lesson))
        return MG_NONE;
    return frame == 1 ? lesson->root : lesson->steps[frame - 2];
}

size_t mg_lesson_changed(const mg_lesson *lesson, size_t frame, mg_value *out, size_t cap)
{
    mg_value found[2];
    size_t n = 0;
    mg_value v = mg_lesson_current(lesson, frame);
    if (frame == 1) {
        found[n++] = v;
    } else if (mg_value_ok(v)) {
        mg_value a = mg_operand(lesson->g, v, 0), b = mg_operand(lesson->g, v, 1);
        found[n++] = a;
        if (mg_value_ok(b) && b.index != a.index)
            found[n++] = b;
    }
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = found[i];
    return n;
}

void mg_lesson_flags(const mg_lesson *lesson, size_t frame, unsigned char *flags, size_t n)
{
    if (!flags)
        return;
    memset(flags, 0, n);
    mg_value v = mg_lesson_current(lesson, frame);
    if (mg_value_ok(v) && v.index < n)
        flags[v.index] |= MG_LESSON_CURRENT;
    mg_value changed[2];
    size_t count = mg_lesson_changed(lesson, frame, changed, 2);
    for (size_t i = 0; i < count; i++)
        if (changed[i].index < n)
            flags[changed[i].index] |= MG_LESSON_CHANGED;
}

mg_status mg_lesson_goto(mg_lesson *lesson, size_t frame)
{
    if (!lesson || frame >= mg_lesson_frame_count(lesson))
        return MG_ERR_INVALID;
    if (frame < lesson->at) {
        zero_traced(lesson);
        lesson->at = 0;
    }
    while (lesson->at < frame)
        apply_step(lesson, ++lesson->at);
    return MG_OK;
}
