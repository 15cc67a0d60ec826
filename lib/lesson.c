/* The backward lesson (see micrograd/lesson.h): the frames of one backward
 * pass and a caption per frame that writes out its chain rule with numbers. */
#include <micrograd/lesson.h>

#include <micrograd/format.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

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

/* 1 if any of the bytes of s[0..n) is in set. */
static int memcspn_any(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] && strchr(set, s[i]))
            return 1;
    return 0;
}

char *mg_lesson_value_name(const mg_graph *g, mg_value v, char *buf, size_t size)
{
    if (!buf || size == 0)
        return buf;
    size_t len;
    const char *label = mg_label(g, v, &len);
    char tmp[64];
    if (label && len > 0 && size > 3 && memcspn_any(label, len, " +-*/=()^,")) {
        /* "(x1*w1 + x2*w2).grad", "d(ŷ = θ·x)": a label that is a formula reads
         * as one name in parentheses */
        buf[0] = '(';
        copy_clean(buf + 1, size - 2, label, len);
        strcat(buf, ")");
    } else if (label && len > 0) {
        copy_clean(buf, size, label, len);
    } else if (mg_value_op(g, v) == MG_OP_LEAF && mg_value_role(g, v) == MG_ROLE_CONST) {
        double x = mg_data(g, v);
        /* In parentheses, so that "(2).grad" does not read as a number. */
        snprintf(buf, size, "(%s)", mg_format_short(tmp, sizeof tmp, x));
    } else {
        snprintf(buf, size, "v%u", (unsigned)v.index);
    }
    return buf;
}

/* ---- captions ------------------------------------------------------------ */

/* The number as captions show it. */
static const char *num(char *buf, double x, int precision)
{
    return mg_format_fixed(buf, MG_NUMBER_SIZE, x, precision);
}

/* "=" when the result computed from the printed numbers prints as the true
 * result does, "≈" when rounding those numbers changes it: 3.0000 × 0.8556
 * gives 2.5668, but the term is 2.5669. */
static const char *equals(double from_printed, double exact, int precision)
{
    /* Rounded as "%.*f" rounds, so that float noise (1e-17 for 0) and -0 do
     * not count as a difference. */
    char a[MG_NUMBER_SIZE + 320], b[MG_NUMBER_SIZE + 320];
    snprintf(a, sizeof a, "%.*f", precision, from_printed);
    snprintf(b, sizeof b, "%.*f", precision, exact);
    int same = strcmp(a, b) == 0 || (isnan(exact) && isnan(from_printed)) ||
               strtod(a, NULL) == strtod(b, NULL);
    return same ? "=" : "≈";
}

/* "X.grad += RULE × o.grad = NUMS = TERM", and when X already had a grad, the
 * sum; printed is the term computed from the numbers NUMS prints. */
static void contribution(textbuf *tb, const char *x, const char *rule, const char *nums,
                         double old, double term, double printed, int precision)
{
    char t[MG_NUMBER_SIZE], o[MG_NUMBER_SIZE], n[MG_NUMBER_SIZE];
    tb_printf(tb, "%s.grad += %s", x, rule);
    if (nums)
        tb_printf(tb, " = %s", nums);
    tb_printf(tb, " %s %s", equals(printed, term, precision), num(t, term, precision));
    if (old != 0.0 || isnan(old)) {
        /* "6.0000 - 2.0000", not "6.0000 + -2.0000". */
        int minus = signbit(term) && !isnan(term);
        num(o, old, precision);
        num(t, minus ? -term : term, precision);
        double sum = strtod(o, NULL) + (minus ? -strtod(t, NULL) : strtod(t, NULL));
        tb_printf(tb, " → %s.grad = %s %s %s %s %s", x, o, minus ? "-" : "+", t,
                  equals(sum, old + term, precision), num(n, old + term, precision));
    }
}

/* What a rule's placeholders stand for: names ("b.data") or numbers. */
typedef struct rule_words {
    const char *a, *b, *b1, *out; /* {a} {b} {b-1} {out} */
    int numbers;                  /* 1: negative numbers get parentheses */
} rule_words;

/* Appends rule (the op table's d out / d operand, with placeholders) in words,
 * times grad: "b.data × o.grad", "(1 - o.data²) × o.grad", "1 × o.grad". A
 * power of 1 is left out ("a.data^1" reads as "a.data"). */
static void rule_text(char *buf, size_t size, const char *rule, const rule_words *w,
                      const char *grad)
{
    size_t out = 0;
    int compound = strchr(rule, ' ') != NULL;
    out += (size_t)snprintf(buf, size, "%s", compound ? "(" : "");
    for (const char *p = rule; *p && out < size;) {
        const char *word = NULL;
        size_t skip = 1;
        if (strncmp(p, "{a}", 3) == 0) word = w->a, skip = 3;
        else if (strncmp(p, "{b}", 3) == 0) word = w->b, skip = 3;
        else if (strncmp(p, "{out}", 5) == 0) word = w->out, skip = 5;
        else if (strncmp(p, "^{b-1}", 6) == 0) {
            skip = 6;
            if (strcmp(w->b1, "1") != 0)
                out += (size_t)snprintf(buf + out, size - out, "^%s", w->b1);
            p += skip;
            continue;
        }
        if (word) {
            /* A negative number inside a formula reads as one in parentheses;
             * at its start it cannot be misread. */
            int paren = w->numbers && word[0] == '-' && p != rule;
            out += (size_t)snprintf(buf + out, size - out, paren ? "(%s)" : "%s", word);
        } else {
            buf[out++] = *p;
            buf[out] = '\0';
        }
        p += skip;
    }
    if (out < size)
        snprintf(buf + out, size - out, "%s × %s", compound ? ")" : "", grad);
}

/* Appends the caption of v's local backward, before it runs: the grads read
 * here are the ones the step starts from, and each term is the op table's
 * mg_value_chain, exactly what the engine adds. */
static void step_caption(textbuf *tb, const mg_lesson *l, mg_value v)
{
    const mg_graph *g = l->g;
    const int p = l->precision;
    const mg_op op = mg_value_op(g, v);
    const mg_op_info *info = mg_op_info_of(op);
    mg_value a = mg_operand(g, v, 0), b = mg_operand(g, v, 1);
    char o[NAME_SIZE], an[NAME_SIZE], bn[NAME_SIZE] = "";
    mg_lesson_value_name(g, v, o, sizeof o);
    mg_lesson_value_name(g, a, an, sizeof an);
    if (mg_value_ok(b))
        mg_lesson_value_name(g, b, bn, sizeof bn);

    /* The headline: "o = a * b: ", "o = -a: ", "o = a**2: ", "o = tanh(a): ". */
    char k[MG_NUMBER_SIZE], k1[MG_NUMBER_SIZE];
    if (info->has_exponent) {
        mg_format_short(k, sizeof k, mg_pow_exponent(g, v));
        mg_format_short(k1, sizeof k1, mg_pow_exponent(g, v) - 1.0);
        tb_printf(tb, "%s = %s**%s: ", o, an, k);
    } else if (info->infix) {
        tb_printf(tb, "%s = %s %s %s: ", o, an, info->symbol, bn);
    } else if (op == MG_OP_NEG) {
        tb_printf(tb, "%s = -%s: ", o, an);
    } else {
        tb_printf(tb, "%s = %s(%s): ", o, info->symbol, an);
    }
    tb_printf(tb, "%s: ", info->explain);

    /* The same rule twice: in names, then in the numbers it reads. */
    char ad[NAME_SIZE + 8], bd[NAME_SIZE + 8], od[NAME_SIZE + 8], og[NAME_SIZE + 8];
    snprintf(ad, sizeof ad, "%s.data", an);
    snprintf(bd, sizeof bd, "%s.data", bn);
    snprintf(od, sizeof od, "%s.data", o);
    snprintf(og, sizeof og, "%s.grad", o);
    char A[MG_NUMBER_SIZE], B[MG_NUMBER_SIZE], V[MG_NUMBER_SIZE], G[MG_NUMBER_SIZE];
    num(A, mg_data(g, a), p);
    num(B, mg_data(g, b), p);
    num(V, mg_data(g, v), p);
    num(G, mg_grad(g, v), p);
    const rule_words names = {ad, info->has_exponent ? k : bd, k1, od, 0};
    const rule_words numbers = {A, info->has_exponent ? k : B, k1, V, 1};

    double old = mg_grad(g, a), olda = old;
    for (int i = 0; i < info->arity; i++) {
        const char *rule = info->rule[i];
        char sym[4 * NAME_SIZE + 128], nums[512];
        rule_text(sym, sizeof sym, rule, &names, og);
        rule_text(nums, sizeof nums, rule, &numbers, G);
        double term = mg_value_chain(g, v, i);
        if (i == 1) {
            /* b may be a itself (a * a): then it starts from a's new grad. */
            old = b.index == a.index ? olda + mg_value_chain(g, v, 0) : mg_grad(g, b);
            tb_printf(tb, "; ");
        }
        /* The term again, from the numbers the caption prints. */
        double printed = mg_op_chain(op, i, strtod(A, NULL),
                                     info->has_exponent ? mg_pow_exponent(g, v) : strtod(B, NULL),
                                     strtod(V, NULL), strtod(G, NULL));
        /* A rule of plain 1 needs no second line in numbers. */
        contribution(tb, i == 0 ? an : bn, sym, strcmp(rule, "1") ? nums : NULL, old, term,
                     printed, p);
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
    char name[NAME_SIZE], x[MG_NUMBER_SIZE];
    zero_traced(l);
    l->caption[0] = tb->len;
    mg_lesson_value_name(l->g, l->root, name, sizeof name);
    tb_printf(tb, "forward pass: every value is computed from its operands, %s = %s, and "
                  "every grad starts at 0",
              name, num(x, mg_data(l->g, l->root), l->precision));
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
    int precision = options && options->precision >= 0 ? options->precision : MG_PRECISION_DEFAULT;
    if (!g || !out || precision > MG_PRECISION_MAX)
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

mg_graph *mg_lesson_graph(const mg_lesson *lesson)
{
    return lesson ? lesson->g : NULL;
}

mg_value mg_lesson_root(const mg_lesson *lesson)
{
    return lesson ? lesson->root : MG_NONE;
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

void mg_lesson_flags(const mg_lesson *lesson, size_t frame, uint8_t *flags, size_t n)
{
    if (!flags)
        return;
    memset(flags, 0, n);
    /* Frame 1 runs no op (it sets the root's grad): the root is changed, not
     * current, so its op is not highlighted. */
    mg_value v = mg_lesson_current(lesson, frame);
    if (frame >= 2 && mg_value_ok(v) && v.index < n)
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

size_t mg_lesson_at(const mg_lesson *lesson)
{
    return lesson ? lesson->at : 0;
}
