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

#include <micrograd/paths.h>

/* Names longer than this are cut (on a character boundary) in captions. */
#define NAME_SIZE 96

/* Paths listed as frames at most; the sum's frame says how many there are. */
#define PATHS_SHOWN 12
/* Leaves a caption names one by one at most. */
#define LEAVES_NAMED 8

/* One frame: what kind, and which step, value or path it is about. */
typedef struct lesson_frame {
    mg_lesson_frame_kind kind;
    size_t arg; /* STEP: the step; COMPUTE: the op value's place in creation order;
                 * PATH: the path */
} lesson_frame;

struct mg_lesson {
    mg_graph *g;
    mg_value root;
    mg_value *trace;   /* what root depends on, in creation order */
    size_t ntrace;
    mg_value *steps;   /* the op values in backward's order (reverse creation order) */
    size_t nsteps;
    lesson_frame *frames;
    size_t nframes;
    size_t *caption;   /* offset of each frame's caption in text[format], format
                        * by format (nframes each) */
    char *text[3];     /* the captions, one text per mg_lesson_format */
    size_t at;         /* the frame the graph is at */
    size_t progress;   /* backward's progress there: 0 zero grads, 1 the root's grad
                        * set, 2 + k: step k done */
    int nudged;        /* 1: the leaves are moved (the nudge frame) */
    int precision;
    mg_lesson_bug bug;
    double nudge;      /* the nudge's step; 0: no nudge frame */
    double *saved;     /* every value's data before the nudge (nudge frames only) */
    size_t nsaved;
    mg_paths *paths;   /* the --path frames' paths, or NULL */
    mg_value target;   /* their value */
    size_t *wrong_from; /* MG_LESSON_BUG_ASSIGN: per value index, the first frame
                         * where its grad is not the engine's (SIZE_MAX: none) */
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

/* Copies len bytes into buf as valid, printable UTF-8 (U+FFFD for the rest). */
static void copy_clean(char *buf, size_t size, const char *bytes, size_t len)
{
    const unsigned char *s = (const unsigned char *)bytes;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = mg_utf8_char((const char *)s + i, len - i);
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

/* ---- caption formats ---------------------------------------------------- */

/* Captions are written once, with these marks around their pieces, and
 * rendered from that one text as plain text, Markdown and LaTeX. The marks
 * are control bytes, which names never contain (copy_clean replaces them). */
#define MATH_ON "\x01"   /* a formula: $...$ in Markdown and LaTeX */
#define MATH_OFF "\x02"
#define PARTIAL "\x05"   /* PARTIAL top OVER below END: d top / d below */
#define OVER "\x06"
#define END "\x07"

/* What a piece of a formula becomes in LaTeX math (Markdown's $...$ too). */
static const char *const math_words[][2] = {
    {" × ", " \\times "}, {" · ", " \\cdot "}, {" → ", " \\to "}, {" * ", " \\cdot "},
    {"×", "\\times "}, {"·", "\\cdot "}, {"→", "\\to "}, {"²", "^2"}, {"≈", "\\approx "},
    {"…", "\\ldots "}, {"**", "^"}, {"*", "\\cdot "}, {"+=", "\\mathrel{+}="},
    {".grad", ".\\mathrm{grad}"}, {".data", ".\\mathrm{data}"}, {"tanh(", "\\tanh("},
    {"exp(", "\\exp("}, {"log(", "\\log("}, {"relu(", "\\mathrm{relu}("},
    {"sigmoid(", "\\mathrm{sigmoid}("}, {"#", "\\#"}, {"$", "\\$"}, {"%", "\\%"},
    {"&", "\\&"}, {"_", "\\_"}, {"{", "\\{"}, {"}", "\\}"}, {"~", "\\sim "},
    {"^", "\\hat{}"}, {"\\", "\\backslash "},
};
/* ... and in prose: LaTeX's specials escaped, the symbols as math. */
static const char *const tex_words[][2] = {
    {"×", "$\\times$"}, {"·", "$\\cdot$"}, {"→", "$\\to$"}, {"²", "$^2$"},
    {"≈", "$\\approx$"}, {"…", "\\ldots{}"}, {"#", "\\#"}, {"$", "\\$"}, {"%", "\\%"},
    {"&", "\\&"}, {"_", "\\_"}, {"{", "\\{"}, {"}", "\\}"}, {"~", "\\textasciitilde{}"},
    {"^", "\\textasciicircum{}"}, {"\\", "\\textbackslash{}"},
};
/* ... and Markdown's. */
static const char *const md_words[][2] = {
    {"\\", "\\\\"}, {"*", "\\*"}, {"_", "\\_"}, {"`", "\\`"}, {"[", "\\["}, {"]", "\\]"},
    {"<", "\\<"}, {">", "\\>"}, {"$", "\\$"},
};

/* The entry of words (n of them) that text starts with, or NULL. */
static const char *const *word_at(const char *text, const char *const (*words)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(text, words[i][0], strlen(words[i][0])) == 0)
            return words[i];
    return NULL;
}

/* Appends the marked caption src in format f. */
static void render(textbuf *tb, const char *src, mg_lesson_format f)
{
    int math = 0;
    for (const char *p = src; *p;) {
        char c = *p;
        if (c == MATH_ON[0] && p[1] == MATH_OFF[0]) { /* an empty formula */
            p += 2;
        } else if (c == MATH_ON[0] || c == MATH_OFF[0]) {
            math = c == MATH_ON[0];
            if (f != MG_LESSON_FORMAT_TEXT)
                tb_printf(tb, "$");
            p++;
        } else if (c == PARTIAL[0] || c == OVER[0] || c == END[0]) {
            static const char *const marks[2][3] = {{"d", "/d", ""},
                                                    {"\\frac{\\partial ", "}{\\partial ", "}"}};
            int k = c == PARTIAL[0] ? 0 : c == OVER[0] ? 1 : 2;
            tb_printf(tb, "%s", f == MG_LESSON_FORMAT_TEXT || !math ? marks[0][k] : marks[1][k]);
            p++;
        } else {
            const char *const *w = NULL;
            if (f != MG_LESSON_FORMAT_TEXT && math)
                w = word_at(p, math_words, sizeof math_words / sizeof *math_words);
            else if (f == MG_LESSON_FORMAT_LATEX)
                w = word_at(p, tex_words, sizeof tex_words / sizeof *tex_words);
            else if (f == MG_LESSON_FORMAT_MARKDOWN)
                w = word_at(p, md_words, sizeof md_words / sizeof *md_words);
            if (w) {
                tb_printf(tb, "%s", w[1]);
                p += strlen(w[0]);
            } else {
                tb_printf(tb, "%c", c);
                p++;
            }
        }
    }
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
 * sum; printed is the term computed from the numbers NUMS prints. With
 * assign (the bug), "X.grad = ...", and what it overwrote. */
static void contribution(textbuf *tb, const char *x, const char *rule, const char *nums,
                         double old, double term, double printed, int precision, int assign)
{
    char t[MG_NUMBER_SIZE], o[MG_NUMBER_SIZE], n[MG_NUMBER_SIZE];
    tb_printf(tb, MATH_ON "%s.grad %s %s", x, assign ? "=" : "+=", rule);
    if (nums)
        tb_printf(tb, " = %s", nums);
    tb_printf(tb, " %s %s" MATH_OFF, equals(printed, term, precision), num(t, term, precision));
    if (assign && (old != 0.0 || isnan(old))) {
        tb_printf(tb, " (WRONG: the %s already in %s.grad is lost; += would give %s)",
                  num(o, old, precision), x, num(n, old + term, precision));
    } else if (!assign && (old != 0.0 || isnan(old))) {
        /* "6.0000 - 2.0000", not "6.0000 + -2.0000". */
        int minus = signbit(term) && !isnan(term);
        num(o, old, precision);
        num(t, minus ? -term : term, precision);
        double sum = strtod(o, NULL) + (minus ? -strtod(t, NULL) : strtod(t, NULL));
        tb_printf(tb, " " MATH_ON "→ %s.grad = %s %s %s %s %s" MATH_OFF, x, o, minus ? "-" : "+", t,
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

/* v's names as captions write them: its own and its operands'. */
typedef struct op_names {
    char o[NAME_SIZE], a[NAME_SIZE], b[NAME_SIZE];
} op_names;

static void names_of(const mg_graph *g, mg_value v, op_names *n)
{
    mg_value b = mg_operand(g, v, 1);
    mg_lesson_value_name(g, v, n->o, sizeof n->o);
    mg_lesson_value_name(g, mg_operand(g, v, 0), n->a, sizeof n->a);
    n->b[0] = '\0';
    if (mg_value_ok(b))
        mg_lesson_value_name(g, b, n->b, sizeof n->b);
}

/* The right side of v's formula with these operands: "a * b", "a**2", "-a",
 * "tanh(a)". With numbers, a negative operand outside a call reads as one
 * number in parentheses: "2.0000 * (-3.0000)". */
static void formula(textbuf *tb, const mg_graph *g, mg_value v, const char *a, const char *b,
                    int numbers)
{
    const mg_op_info *info = mg_op_info_of(mg_value_op(g, v));
    const char *pa = numbers && a[0] == '-' ? "(" : "", *qa = *pa ? ")" : "";
    const char *pb = numbers && b[0] == '-' ? "(" : "", *qb = *pb ? ")" : "";
    char k[MG_NUMBER_SIZE];
    if (info->has_exponent)
        tb_printf(tb, "%s%s%s**%s", pa, a, qa,
                  mg_format_short(k, sizeof k, mg_pow_exponent(g, v)));
    else if (info->infix)
        tb_printf(tb, "%s%s%s %s %s%s%s", pa, a, qa, info->symbol, pb, b, qb);
    else if (mg_value_op(g, v) == MG_OP_NEG)
        tb_printf(tb, "-%s%s%s", pa, a, qa);
    else
        tb_printf(tb, "%s(%s)", info->symbol, a);
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
    op_names n;
    names_of(g, v, &n);
    const char *o = n.o, *an = n.a, *bn = n.b;

    /* The headline: "o = a * b: ", "o = -a: ", "o = a**2: ", "o = tanh(a): ". */
    char k[MG_NUMBER_SIZE], k1[MG_NUMBER_SIZE];
    if (info->has_exponent) {
        mg_format_short(k, sizeof k, mg_pow_exponent(g, v));
        mg_format_short(k1, sizeof k1, mg_pow_exponent(g, v) - 1.0);
    }
    tb_printf(tb, MATH_ON "%s = ", o);
    formula(tb, g, v, an, bn, 0);
    tb_printf(tb, MATH_OFF ": ");
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
            old = b.index != a.index ? mg_grad(g, b)
                  : l->bug == MG_LESSON_BUG_ASSIGN ? mg_value_chain(g, v, 0)
                                                   : olda + mg_value_chain(g, v, 0);
            tb_printf(tb, "; ");
        }
        /* The term again, from the numbers the caption prints. */
        double printed = mg_op_chain(op, i, strtod(A, NULL),
                                     info->has_exponent ? mg_pow_exponent(g, v) : strtod(B, NULL),
                                     strtod(V, NULL), strtod(G, NULL));
        /* A rule of plain 1 needs no second line in numbers. */
        contribution(tb, i == 0 ? an : bn, sym, strcmp(rule, "1") ? nums : NULL, old, term,
                     printed, p, l->bug == MG_LESSON_BUG_ASSIGN);
    }
}

/* "e = a * b = 2.0000 × (-3.0000) = -6.0000": the forward formula of v, in
 * names and in its operands' numbers; "≈" when the printed numbers give
 * another result. */
static void compute_caption(textbuf *tb, const mg_lesson *l, mg_value v)
{
    const mg_graph *g = l->g;
    const int p = l->precision;
    const mg_op op = mg_value_op(g, v);
    const mg_op_info *info = mg_op_info_of(op);
    op_names n;
    names_of(g, v, &n);
    char A[MG_NUMBER_SIZE], B[MG_NUMBER_SIZE], V[MG_NUMBER_SIZE];
    num(A, mg_data(g, mg_operand(g, v, 0)), p);
    num(B, mg_data(g, mg_operand(g, v, 1)), p);
    num(V, mg_data(g, v), p);
    double second = info->has_exponent ? mg_pow_exponent(g, v) : strtod(B, NULL);
    double printed = mg_op_forward(op, strtod(A, NULL), second);
    tb_printf(tb, MATH_ON "%s = ", n.o);
    formula(tb, g, v, n.a, n.b, 0);
    tb_printf(tb, " = ");
    formula(tb, g, v, A, B, 1);
    tb_printf(tb, " %s %s" MATH_OFF, equals(printed, mg_data(g, v), p), V);
}

/* "the leaves: a = 2.0000, b = -3.0000, ...": the first LEAVES_NAMED of them. */
static void leaves_caption(textbuf *tb, const mg_lesson *l)
{
    char name[NAME_SIZE], x[MG_NUMBER_SIZE];
    size_t named = 0, leaves = 0;
    tb_printf(tb, "forward pass, value by value: first the leaves, ");
    for (size_t i = 0; i < l->ntrace; i++) {
        if (mg_value_op(l->g, l->trace[i]) != MG_OP_LEAF)
            continue;
        if (leaves++ >= LEAVES_NAMED)
            continue;
        tb_printf(tb, "%s" MATH_ON "%s = %s" MATH_OFF, named++ ? ", " : "",
                  mg_lesson_value_name(l->g, l->trace[i], name, sizeof name),
                  num(x, mg_data(l->g, l->trace[i]), l->precision));
    }
    if (leaves > named)
        tb_printf(tb, " and %zu more", leaves - named);
    tb_printf(tb, "; no other value is computed yet (?)");
}

/* "dL/dd" */
static void partial(textbuf *tb, const mg_graph *g, mg_value top, mg_value below)
{
    char t[NAME_SIZE], b[NAME_SIZE];
    tb_printf(tb, PARTIAL "%s" OVER "%s" END, mg_lesson_value_name(g, top, t, sizeof t),
              mg_lesson_value_name(g, below, b, sizeof b));
}

/* "path 1 of 1 from L to a: L → d → e → a: dL/dd · dd/de · de/da =
 * (-2.0000)·(1.0000)·(-3.0000) = 6.0000" */
static void path_caption(textbuf *tb, const mg_lesson *l, size_t i)
{
    const mg_graph *g = l->g;
    const mg_paths *ps = l->paths;
    size_t n = mg_paths_length(ps, i);
    char name[NAME_SIZE], x[MG_NUMBER_SIZE];
    tb_printf(tb, "path %zu of %zu from " MATH_ON "%s" MATH_OFF, i + 1, mg_paths_total(ps),
              mg_lesson_value_name(g, l->root, name, sizeof name));
    tb_printf(tb, " to " MATH_ON "%s" MATH_OFF ": " MATH_ON,
              mg_lesson_value_name(g, l->target, name, sizeof name));
    for (size_t j = 0; j < n; j++) {
        mg_value v = mg_paths_value(ps, i, j);
        tb_printf(tb, "%s%s", j ? " → " : "", mg_lesson_value_name(g, v, name, sizeof name));
        /* a value both operands of one op: say which use this edge is */
        mg_value up = j ? mg_paths_value(ps, i, j - 1) : MG_NONE;
        if (j && mg_operand(g, up, 0).index == mg_operand(g, up, 1).index)
            tb_printf(tb, MATH_OFF " (the %s operand of %s)" MATH_ON, mg_paths_operand(ps, i, j - 1) ? "second" : "first",
                      mg_lesson_value_name(g, up, name, sizeof name));
    }
    mg_lesson_value_name(g, mg_paths_value(ps, i, n - 1), name, sizeof name);
    if (n == 1) {
        tb_printf(tb, MATH_OFF ": the root itself, " MATH_ON PARTIAL "%s" OVER "%s" END " = 1" MATH_OFF,
                  name, name);
        return;
    }
    tb_printf(tb, MATH_OFF ": " MATH_ON);
    double printed = 1.0;
    for (size_t j = 0; j + 1 < n; j++) {
        tb_printf(tb, "%s", j ? " · " : "");
        partial(tb, g, mg_paths_value(ps, i, j), mg_paths_value(ps, i, j + 1));
    }
    tb_printf(tb, " = ");
    for (size_t j = 0; j + 1 < n; j++) {
        num(x, mg_paths_local_grad(ps, i, j), l->precision);
        printed *= strtod(x, NULL);
        tb_printf(tb, "%s(%s)", j ? "·" : "", x);
    }
    double product = mg_paths_product(ps, i);
    tb_printf(tb, " %s %s" MATH_OFF, equals(printed, product, l->precision),
              num(x, product, l->precision));
}

/* "dL/da = the sum over its paths = 1.0000 + 1.0000 = 2.0000 = a.grad" */
static void path_sum_caption(textbuf *tb, const mg_lesson *l)
{
    const mg_paths *ps = l->paths;
    char name[NAME_SIZE], x[MG_NUMBER_SIZE];
    size_t count = mg_paths_count(ps);
    tb_printf(tb, MATH_ON);
    partial(tb, l->g, l->root, l->target);
    tb_printf(tb, MATH_OFF);
    int one = count == 1 && !mg_paths_truncated(ps);
    tb_printf(tb, "%s", one ? " is the product along its one path: "
                            : " is the sum over the paths of their products: ");
    tb_printf(tb, MATH_ON);
    double printed = 0.0;
    for (size_t i = 0; i < count; i++) {
        /* "1.7071 - 1.2071", not "1.7071 + -1.2071" */
        double product = mg_paths_product(ps, i);
        int minus = i && signbit(product) && !isnan(product);
        num(x, minus ? -product : product, l->precision);
        printed += minus ? -strtod(x, NULL) : strtod(x, NULL);
        tb_printf(tb, "%s%s", i ? (minus ? " - " : " + ") : "", x);
    }
    if (mg_paths_truncated(ps)) {
        tb_printf(tb, " + …" MATH_OFF " (the first %zu of %zu paths); ", count, mg_paths_total(ps));
        tb_printf(tb, "backward adds them all up: " MATH_ON "%s.grad = %s" MATH_OFF,
                  mg_lesson_value_name(l->g, l->target, name, sizeof name),
                  num(x, mg_grad(l->g, l->target), l->precision));
        return;
    }
    double sum = mg_paths_sum(ps);
    if (count > 1)
        tb_printf(tb, " %s %s", equals(printed, sum, l->precision), num(x, sum, l->precision));
    tb_printf(tb, MATH_OFF ", what backward accumulated in " MATH_ON "%s.grad = %s" MATH_OFF,
              mg_lesson_value_name(l->g, l->target, name, sizeof name),
              num(x, mg_grad(l->g, l->target), l->precision));
}

/* 1 if the nudge moves v: a leaf the root depends on, but not an unnamed
 * constant (the 2 of 2 * n is not a variable). */
static int nudged_leaf(const mg_graph *g, mg_value v)
{
    return mg_value_op(g, v) == MG_OP_LEAF && mg_value_role(g, v) != MG_ROLE_CONST;
}

/* The nudge's caption, written at the nudge frame: the moves (from the saved
 * data), the root before and after, the predicted and the actual change. */
static void nudge_caption(textbuf *tb, const mg_lesson *l)
{
    const mg_graph *g = l->g;
    char name[NAME_SIZE], step[MG_NUMBER_SIZE], x[MG_NUMBER_SIZE], y[MG_NUMBER_SIZE];
    mg_format_repr(step, sizeof step, l->nudge);
    tb_printf(tb, "nudge: every leaf moves by " MATH_ON "%s ×" MATH_OFF " its grad: ", step);
    size_t named = 0, leaves = 0;
    double predicted = 0.0;
    for (size_t i = 0; i < l->ntrace; i++) {
        mg_value v = l->trace[i];
        if (!nudged_leaf(g, v))
            continue;
        double before = l->saved[v.index];
        predicted += mg_grad(g, v) * (mg_data(g, v) - before);
        if (leaves++ >= LEAVES_NAMED)
            continue;
        tb_printf(tb, "%s" MATH_ON "%s" MATH_OFF " " MATH_ON "%s %s", named++ ? ", " : "", mg_lesson_value_name(g, v, name, sizeof name),
                  num(x, before, l->precision), "→");
        tb_printf(tb, " %s" MATH_OFF, num(y, mg_data(g, v), l->precision));
    }
    if (leaves > named)
        tb_printf(tb, " and %zu more", leaves - named);
    double old = l->saved[l->root.index], now = mg_data(g, l->root);
    mg_lesson_value_name(g, l->root, name, sizeof name);
    tb_printf(tb, "; forward again: " MATH_ON "%s" MATH_OFF " goes from " MATH_ON "%s" MATH_OFF
                  " to " MATH_ON "%s" MATH_OFF "; ", name, num(x, old, l->precision),
              num(y, now, l->precision));
    tb_printf(tb, "predicted change (first order, the sum of grad × move) " MATH_ON "%s" MATH_OFF ", ",
              num(x, predicted, l->precision));
    tb_printf(tb, "actual change " MATH_ON "%s" MATH_OFF, num(y, now - old, l->precision));
}

/* ---- frames -------------------------------------------------------------- */

static void zero_traced(mg_lesson *l)
{
    for (size_t i = 0; i < l->ntrace; i++)
        mg_set_grad(l->g, l->trace[i], 0.0);
}

/* backward's progress at a frame (see struct mg_lesson) */
static size_t progress_of(const mg_lesson *l, const lesson_frame *f)
{
    switch (f->kind) {
    case MG_LESSON_FRAME_LEAVES:
    case MG_LESSON_FRAME_COMPUTE:
    case MG_LESSON_FRAME_FORWARD: return 0;
    case MG_LESSON_FRAME_ROOT: return 1;
    case MG_LESSON_FRAME_STEP: return f->arg + 2;
    case MG_LESSON_FRAME_PATH:
    case MG_LESSON_FRAME_PATH_SUM:
    case MG_LESSON_FRAME_NUDGE: break;
    }
    return l->nsteps + 1;
}

/* v's local backward as the buggy engine runs it: each operand's grad is
 * set to its term (the op table's mg_value_chain), not added to. */
static void backward_assign(mg_graph *g, mg_value v)
{
    double t0 = mg_value_chain(g, v, 0), t1 = mg_value_chain(g, v, 1);
    mg_value a = mg_operand(g, v, 0), b = mg_operand(g, v, 1);
    mg_set_grad(g, a, t0);
    if (mg_value_ok(b))
        mg_set_grad(g, b, t1);
}

/* Runs backward's progress p on the grads of progress p - 1. */
static void apply_progress(mg_lesson *l, size_t p)
{
    if (p == 1)
        mg_set_grad(l->g, l->root, 1.0);
    else if (p >= 2 && l->bug == MG_LESSON_BUG_ASSIGN)
        backward_assign(l->g, l->steps[p - 2]);
    else if (p >= 2)
        mg_backward_local(l->g, l->steps[p - 2]);
}

/* Moves the leaves along their grads and recomputes, or puts every value's
 * data back as it was. */
static void set_nudged(mg_lesson *l, int on)
{
    if (on == l->nudged)
        return;
    if (on) {
        for (size_t i = 0; i < l->nsaved; i++)
            l->saved[i] = mg_data(l->g, mg_value_at(l->g, i));
        for (size_t i = 0; i < l->ntrace; i++)
            if (nudged_leaf(l->g, l->trace[i]))
                mg_set_data(l->g, l->trace[i],
                            mg_data(l->g, l->trace[i]) + l->nudge * mg_grad(l->g, l->trace[i]));
        mg_forward(l->g);
    } else {
        for (size_t i = 0; i < l->nsaved; i++)
            mg_set_data(l->g, mg_value_at(l->g, i), l->saved[i]);
    }
    l->nudged = on;
}

/* The graph at backward's progress p, not nudged. */
static void seek(mg_lesson *l, size_t p)
{
    set_nudged(l, 0);
    if (p < l->progress) {
        zero_traced(l);
        l->progress = 0;
    }
    while (l->progress < p)
        apply_progress(l, ++l->progress);
}

static void go(mg_lesson *l, size_t i)
{
    seek(l, progress_of(l, &l->frames[i]));
    set_nudged(l, l->frames[i].kind == MG_LESSON_FRAME_NUDGE);
    l->at = i;
}

/* Appends frame i's caption. A step's is written before it runs (the grads
 * it reads are the ones it starts from); the others at their frame. */
static void frame_caption(mg_lesson *l, textbuf *tb, size_t i)
{
    const lesson_frame *f = &l->frames[i];
    char name[NAME_SIZE], x[MG_NUMBER_SIZE];
    mg_lesson_value_name(l->g, l->root, name, sizeof name);
    if (l->bug == MG_LESSON_BUG_ASSIGN)
        tb_printf(tb, "BUG, grads assigned (=) instead of accumulated (+=): ");
    if (f->kind == MG_LESSON_FRAME_STEP)
        seek(l, progress_of(l, f) - 1);
    else
        go(l, i);
    switch (f->kind) {
    case MG_LESSON_FRAME_LEAVES: leaves_caption(tb, l); break;
    case MG_LESSON_FRAME_COMPUTE:
        compute_caption(tb, l, l->steps[l->nsteps - 1 - f->arg]);
        break;
    case MG_LESSON_FRAME_FORWARD:
        tb_printf(tb, "forward pass: every value is computed from its operands, " MATH_ON "%s = %s" MATH_OFF ", and "
                      "every grad starts at 0",
                  name, num(x, mg_data(l->g, l->root), l->precision));
        break;
    case MG_LESSON_FRAME_ROOT:
        tb_printf(tb, MATH_ON "%s.grad = 1" MATH_OFF ": " MATH_ON PARTIAL "%s" OVER "%s" END " = 1" MATH_OFF
                      ", the root's gradient with respect to itself",
                  name, name, name);
        break;
    case MG_LESSON_FRAME_STEP: step_caption(tb, l, l->steps[f->arg]); break;
    case MG_LESSON_FRAME_PATH: path_caption(tb, l, f->arg); break;
    case MG_LESSON_FRAME_PATH_SUM: path_sum_caption(tb, l); break;
    case MG_LESSON_FRAME_NUDGE: nudge_caption(tb, l); break;
    }
    tb_printf(tb, "%c", '\0');
    go(l, i);
}

/* Steps through every frame from zero grads, writing each caption. */
static void write_captions(mg_lesson *l, textbuf *tb)
{
    zero_traced(l);
    l->progress = 0;
    for (size_t i = 0; i < l->nframes; i++) {
        l->caption[i] = tb->len;
        frame_caption(l, tb, i);
    }
    go(l, l->nframes - 1);
}

/* The grads the engine would have at backward's progress p, from those at
 * p - 1, in correct[] (per value index): for finding the bug's wrong grads. */
static void correct_progress(const mg_lesson *l, double *correct, size_t p)
{
    if (p == 1) {
        correct[l->root.index] = 1.0;
        return;
    }
    mg_value v = l->steps[p - 2];
    mg_op op = mg_value_op(l->g, v);
    mg_value a = mg_operand(l->g, v, 0), b = mg_operand(l->g, v, 1);
    double second = mg_op_info_of(op)->has_exponent ? mg_pow_exponent(l->g, v) : mg_data(l->g, b);
    double out = mg_data(l->g, v), grad = correct[v.index];
    for (int k = 0; k < mg_op_arity(op); k++)
        correct[(k ? b : a).index] += mg_op_chain(op, k, mg_data(l->g, a), second, out, grad);
}

/* Fills wrong_from by running the engine's grads beside the bug's; 0 if
 * memory is short. */
static int find_wrong(mg_lesson *l)
{
    size_t n = mg_graph_size(l->g);
    double *correct = calloc(n, sizeof *correct);
    l->wrong_from = malloc(n * sizeof *l->wrong_from);
    if (!correct || !l->wrong_from) {
        free(correct);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        l->wrong_from[i] = SIZE_MAX;
    size_t cp = 0;
    for (size_t i = 0; i < l->nframes; i++) {
        go(l, i);
        while (cp < l->progress)
            correct_progress(l, correct, ++cp);
        for (size_t t = 0; t < l->ntrace; t++) {
            uint32_t x = l->trace[t].index;
            if (mg_grad(l->g, l->trace[t]) != correct[x] && l->wrong_from[x] == SIZE_MAX)
                l->wrong_from[x] = i;
        }
    }
    free(correct);
    return 1;
}

/* The frames, in the order of micrograd/lesson.h. */
static void plan_frames(mg_lesson *l, int forward, size_t npaths)
{
    size_t n = 0;
    if (forward) {
        l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_LEAVES, 0};
        for (size_t k = 0; k < l->nsteps; k++)
            l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_COMPUTE, k};
    }
    l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_FORWARD, 0};
    l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_ROOT, 0};
    for (size_t k = 0; k < l->nsteps; k++)
        l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_STEP, k};
    if (l->paths) {
        for (size_t i = 0; i < npaths; i++)
            l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_PATH, i};
        l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_PATH_SUM, 0};
    }
    if (l->nudge != 0.0)
        l->frames[n++] = (lesson_frame){MG_LESSON_FRAME_NUDGE, 0};
    l->nframes = n;
}

/* 1 if v is one of the values the root depends on. */
static int traced(const mg_lesson *l, mg_value v)
{
    for (size_t i = 0; i < l->ntrace; i++)
        if (l->trace[i].index == v.index && l->trace[i].tag == v.tag)
            return 1;
    return 0;
}

/* The paths of options->path, when asked for. */
static mg_status find_paths(mg_lesson *l, const mg_lesson_options *o, mg_error *err)
{
    if (!o || !o->path)
        return MG_OK;
    char root[NAME_SIZE], name[NAME_SIZE];
    if (!traced(l, *o->path))
        return fail_graph(l->g, err, MG_ERR_INVALID, 0, 0, "%s does not depend on %s: no path leads to it",
                          mg_lesson_value_name(l->g, l->root, root, sizeof root),
                          mg_value_ok(*o->path) ? mg_lesson_value_name(l->g, *o->path, name, sizeof name)
                                                : "MG_NONE");
    l->target = *o->path;
    mg_status s = mg_paths_find(l->g, l->root, l->target, PATHS_SHOWN, &l->paths, err);
    return s == MG_OK ? s : fail_graph(l->g, NULL, s, 0, 0, "%s", err ? err->message : "out of memory");
}

/* The trace of root and, from it, the op values in backward's order and the
 * frames; MG_OK, or the failure in err and in the graph. */
static mg_status collect(mg_lesson *l, const mg_lesson_options *o, mg_error *err)
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
    if (!l->trace || !l->steps)
        return fail_graph(l->g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    l->ntrace = mg_trace(l->g, l->root, l->trace, n);
    for (size_t i = n; i-- > 0;)
        if (mg_value_op(l->g, l->trace[i]) != MG_OP_LEAF)
            l->steps[l->nsteps++] = l->trace[i];
    mg_status s = find_paths(l, o, err);
    if (s != MG_OK)
        return s;
    size_t npaths = mg_paths_count(l->paths);
    size_t frames = 2 * l->nsteps + 3 + (l->paths ? npaths + 1 : 0) + 1;
    l->frames = malloc(frames * sizeof *l->frames);
    l->caption = malloc(3 * frames * sizeof *l->caption);
    if (l->nudge != 0.0) {
        l->nsaved = mg_graph_size(l->g);
        l->saved = malloc(l->nsaved * sizeof *l->saved);
    }
    if (!l->frames || !l->caption || (l->nudge != 0.0 && !l->saved))
        return fail_graph(l->g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    plan_frames(l, o && o->forward, npaths);
    return MG_OK;
}

/* Renders the marked captions (at the offsets caption[0..nframes)) into the
 * three formats; 0 if memory is short. */
static int render_all(mg_lesson *l, const char *marked)
{
    size_t *at = malloc(l->nframes * sizeof *at);
    if (!at)
        return 0;
    memcpy(at, l->caption, l->nframes * sizeof *at);
    int ok = 1;
    for (int f = 0; f < 3; f++) {
        textbuf out = {0};
        for (size_t i = 0; i < l->nframes; i++) {
            l->caption[f * l->nframes + i] = out.len;
            render(&out, marked + at[i], (mg_lesson_format)f);
            tb_printf(&out, "%c", '\0');
        }
        l->text[f] = out.data;
        ok &= !out.nomem;
    }
    free(at);
    return ok;
}

/* The options' own checks; MG_OK or the reason in err and the graph. */
static mg_status check_lesson_options(mg_graph *g, const mg_lesson_options *o, mg_lesson **out,
                                      mg_error *err)
{
    int precision = o && o->precision >= 0 ? o->precision : MG_PRECISION_DEFAULT;
    const char *why = !g || !out ? "no graph or no place for the lesson"
                      : precision > MG_PRECISION_MAX ? "precision must be between 0 and 17"
                      : !o ? NULL
                      : !isfinite(o->nudge) ? "the nudge's step must be a finite number"
                      : o->bug != MG_LESSON_BUG_NONE && o->bug != MG_LESSON_BUG_ASSIGN ? "no such bug"
                      : o->bug && (o->path || o->nudge != 0.0)
                          ? "a lesson of a bug shows the backward pass only (no paths, no nudge)"
                          : NULL;
    return why ? fail_graph(g, err, MG_ERR_INVALID, 0, 0, "%s", why) : MG_OK;
}

mg_status mg_lesson_new(mg_graph *g, mg_value root, const mg_lesson_options *options,
                        mg_lesson **out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    mg_status status = check_lesson_options(g, options, out, err);
    if (status != MG_OK)
        return status;
    mg_lesson *l = calloc(1, sizeof *l);
    if (!l)
        return fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    l->g = g;
    l->root = root;
    l->precision = options && options->precision >= 0 ? options->precision : MG_PRECISION_DEFAULT;
    l->nudge = options ? options->nudge : 0.0;
    l->bug = options ? options->bug : MG_LESSON_BUG_NONE;
    status = collect(l, options, err);
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
    int ok = !tb.nomem && (l->bug == MG_LESSON_BUG_NONE || find_wrong(l)) &&
             render_all(l, tb.data);
    free(tb.data);
    if (!ok) {
        set_nudged(l, 0);
        for (size_t i = 0; i < l->ntrace; i++)
            mg_set_grad(g, l->trace[i], saved[i]);
        free(saved);
        mg_lesson_free(l);
        return fail_graph(g, err, MG_ERR_NOMEM, 0, 0, "out of memory");
    }
    free(saved);
    /* left at the last frame, but never nudged: the data stay the caller's */
    go(l, l->nframes - (l->nudge != 0.0 ? 2 : 1));
    *out = l;
    return MG_OK;
}

void mg_lesson_free(mg_lesson *lesson)
{
    if (!lesson)
        return;
    if (lesson->nudged)
        set_nudged(lesson, 0);
    free(lesson->trace);
    free(lesson->steps);
    free(lesson->frames);
    free(lesson->caption);
    for (int f = 0; f < 3; f++)
        free(lesson->text[f]);
    free(lesson->saved);
    free(lesson->wrong_from);
    mg_paths_free(lesson->paths);
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
    return lesson ? lesson->nframes : 0;
}

mg_lesson_frame_kind mg_lesson_frame_kind_of(const mg_lesson *lesson, size_t frame)
{
    if (!lesson || frame >= lesson->nframes)
        return MG_LESSON_FRAME_FORWARD;
    return lesson->frames[frame].kind;
}

const char *mg_lesson_caption_in(const mg_lesson *lesson, size_t frame, mg_lesson_format format)
{
    if (!lesson || frame >= lesson->nframes || (unsigned)format > MG_LESSON_FORMAT_LATEX)
        return "";
    return lesson->text[format] + lesson->caption[format * lesson->nframes + frame];
}

const char *mg_lesson_caption(const mg_lesson *lesson, size_t frame)
{
    return mg_lesson_caption_in(lesson, frame, MG_LESSON_FORMAT_TEXT);
}

mg_value mg_lesson_current(const mg_lesson *lesson, size_t frame)
{
    if (!lesson || frame >= mg_lesson_frame_count(lesson))
        return MG_NONE;
    const struct lesson_frame *f = &lesson->frames[frame];
    switch (f->kind) {
    case MG_LESSON_FRAME_ROOT: return lesson->root;
    case MG_LESSON_FRAME_STEP: return lesson->steps[f->arg];
    case MG_LESSON_FRAME_COMPUTE: return lesson->steps[lesson->nsteps - 1 - f->arg];
    case MG_LESSON_FRAME_PATH:
    case MG_LESSON_FRAME_PATH_SUM: return lesson->target;
    case MG_LESSON_FRAME_LEAVES:
    case MG_LESSON_FRAME_FORWARD:
    case MG_LESSON_FRAME_NUDGE: break;
    }
    return MG_NONE;
}

size_t mg_lesson_changed(const mg_lesson *lesson, size_t frame, mg_value *out, size_t cap)
{
    mg_value found[2];
    size_t n = 0;
    mg_lesson_frame_kind kind = mg_lesson_frame_kind_of(lesson, frame);
    mg_value v = mg_lesson_current(lesson, frame);
    if (kind == MG_LESSON_FRAME_ROOT) {
        found[n++] = v;
    } else if (kind == MG_LESSON_FRAME_STEP) {
        mg_value a = mg_operand(lesson->g, v, 0), b = mg_operand(lesson->g, v, 1);
        found[n++] = a;
        if (mg_value_ok(b) && b.index != a.index)
            found[n++] = b;
    }
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = found[i];
    return n;
}

/* A forward frame's flags: the value computed is current, the later op
 * values unknown. */
static void forward_flags(const mg_lesson *l, const struct lesson_frame *f, uint8_t *flags, size_t n)
{
    size_t computed = f->kind == MG_LESSON_FRAME_COMPUTE ? f->arg + 1 : 0;
    for (size_t j = computed; j < l->nsteps; j++) {
        uint32_t x = l->steps[l->nsteps - 1 - j].index;
        if (x < n)
            flags[x] |= MG_LESSON_UNKNOWN;
    }
    if (computed) {
        uint32_t x = l->steps[l->nsteps - computed].index;
        if (x < n)
            flags[x] |= MG_LESSON_CURRENT;
    }
}

/* A path frame's flags: its values changed, the others dimmed; the sum's
 * frame marks the path value. */
static void path_flags(const mg_lesson *l, const struct lesson_frame *f, uint8_t *flags, size_t n)
{
    for (size_t i = 0; i < l->ntrace; i++)
        if (l->trace[i].index < n)
            flags[l->trace[i].index] |= MG_LESSON_DIM;
    for (size_t j = 0; f->kind == MG_LESSON_FRAME_PATH && j < mg_paths_length(l->paths, f->arg); j++) {
        uint32_t x = mg_paths_value(l->paths, f->arg, j).index;
        if (x < n)
            flags[x] = MG_LESSON_CHANGED;
    }
    if (l->target.index < n)
        flags[l->target.index] = MG_LESSON_CHANGED;
}

void mg_lesson_flags(const mg_lesson *lesson, size_t frame, uint8_t *flags, size_t n)
{
    if (!flags)
        return;
    memset(flags, 0, n);
    if (!lesson || frame >= lesson->nframes)
        return;
    const struct lesson_frame *f = &lesson->frames[frame];
    if (f->kind == MG_LESSON_FRAME_LEAVES || f->kind == MG_LESSON_FRAME_COMPUTE)
        forward_flags(lesson, f, flags, n);
    if (f->kind == MG_LESSON_FRAME_PATH || f->kind == MG_LESSON_FRAME_PATH_SUM)
        path_flags(lesson, f, flags, n);
    for (size_t i = 0; f->kind == MG_LESSON_FRAME_NUDGE && i < lesson->ntrace; i++)
        if (lesson->trace[i].index < n && (nudged_leaf(lesson->g, lesson->trace[i]) ||
                                           lesson->trace[i].index == lesson->root.index))
            flags[lesson->trace[i].index] |= MG_LESSON_CHANGED;
    /* The root's frame runs no op (it sets the root's grad): the root is
     * changed, not current, so its op is not highlighted. */
    mg_value v = mg_lesson_current(lesson, frame);
    if (f->kind == MG_LESSON_FRAME_STEP && v.index < n)
        flags[v.index] |= MG_LESSON_CURRENT;
    mg_value changed[2];
    size_t count = mg_lesson_changed(lesson, frame, changed, 2);
    for (size_t i = 0; i < count; i++)
        if (changed[i].index < n)
            flags[changed[i].index] |= MG_LESSON_CHANGED;
    for (size_t i = 0; lesson->wrong_from && i < n && i < mg_graph_size(lesson->g); i++)
        if (frame >= lesson->wrong_from[i])
            flags[i] |= MG_LESSON_WRONG;
}

mg_status mg_lesson_goto(mg_lesson *lesson, size_t frame)
{
    if (!lesson || frame >= mg_lesson_frame_count(lesson))
        return MG_ERR_INVALID;
    go(lesson, frame);
    return MG_OK;
}

size_t mg_lesson_at(const mg_lesson *lesson)
{
    return lesson ? lesson->at : 0;
}
