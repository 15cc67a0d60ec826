/* The expression language: a lexer and an operator-precedence parser with
 * explicit stacks (no recursion, so nesting depth is bounded by memory only),
 * running the program's statements in order on a graph as it goes. */
#include <micrograd/parse.h>
#include <micrograd/suggest.h>

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "ident_table.h"

/* ---- program: every binding in order, with a hash index of the latest ---- */

typedef struct entry {
    size_t name;  /* offset in names */
    size_t length;
    mg_value value;
    int line, col;
} entry;

struct mg_program {
    entry *entries;
    size_t count, capacity;
    char *names;          /* NUL-terminated names, back to back */
    size_t names_len, names_capacity;
    uint32_t *slots;      /* open addressing: 1 + index of the name's latest entry, 0 = empty */
    size_t slot_count;    /* a power of two, kept at least twice count */
    long root;            /* the entry backward() or draw_dot() named, or -1 */
    int sets_grads;       /* backward(), _backward() or `x.grad = ...` ran */
};

static uint64_t hash_name(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static const char *entry_name(const mg_program *p, const entry *e) { return p->names + e->name; }

/* The slot for name: either holding it or the empty one where it would go. */
static uint32_t *find_slot(const mg_program *p, const char *s, size_t n)
{
    size_t mask = p->slot_count - 1;
    for (size_t i = hash_name(s, n) & mask;; i = (i + 1) & mask) {
        uint32_t *slot = &p->slots[i];
        if (!*slot)
            return slot;
        const entry *e = &p->entries[*slot - 1];
        if (e->length == n && memcmp(entry_name(p, e), s, n) == 0)
            return slot;
    }
}

static long lookup(const mg_program *p, const char *s, size_t n)
{
    if (!p->slot_count)
        return -1;
    uint32_t *slot = find_slot(p, s, n);
    return *slot ? (long)*slot - 1 : -1;
}

/* Rebuilds the index; later entries of a name replace earlier ones. */
static int rehash(mg_program *p, size_t slot_count)
{
    uint32_t *slots = calloc(slot_count, sizeof *slots);
    if (!slots)
        return 0;
    free(p->slots);
    p->slots = slots;
    p->slot_count = slot_count;
    for (size_t i = 0; i < p->count; i++) {
        const entry *e = &p->entries[i];
        *find_slot(p, entry_name(p, e), e->length) = (uint32_t)i + 1;
    }
    return 1;
}

static int grow_array(void **items, size_t *capacity, size_t need, size_t size)
{
    if (need <= *capacity)
        return 1;
    size_t cap = *capacity ? *capacity : 16;
    while (cap < need)
        cap *= 2;
    void *q = realloc(*items, cap * size);
    if (!q)
        return 0;
    *items = q;
    *capacity = cap;
    return 1;
}

/* Adds a binding of a name, the name's latest; returns 0 when memory is short. */
static int define(mg_program *p, const char *s, size_t n, mg_value v, int line, int col)
{
    if (p->count >= UINT32_MAX - 1 ||
        !grow_array((void **)&p->entries, &p->capacity, p->count + 1, sizeof *p->entries) ||
        !grow_array((void **)&p->names, &p->names_capacity, p->names_len + n + 1, 1))
        return 0;
    if ((p->count + 1) * 2 > p->slot_count && !rehash(p, p->slot_count ? p->slot_count * 2 : 64))
        return 0;
    entry *e = &p->entries[p->count];
    *e = (entry){.name = p->names_len, .length = n, .value = v, .line = line, .col = col};
    memcpy(p->names + p->names_len, s, n);
    p->names[p->names_len + n] = '\0';
    p->names_len += n + 1;
    *find_slot(p, s, n) = (uint32_t)++p->count;
    return 1;
}

void mg_program_free(mg_program *p)
{
    if (!p)
        return;
    free(p->entries);
    free(p->names);
    free(p->slots);
    free(p);
}

size_t mg_program_count(const mg_program *p) { return p ? p->count : 0; }

const char *mg_program_name(const mg_program *p, size_t i)
{
    return p && i < p->count ? entry_name(p, &p->entries[i]) : NULL;
}

mg_value mg_program_value(const mg_program *p, size_t i)
{
    return p && i < p->count ? p->entries[i].value : MG_NONE;
}

int mg_program_line(const mg_program *p, size_t i)
{
    return p && i < p->count ? p->entries[i].line : 0;
}

int mg_program_col(const mg_program *p, size_t i)
{
    return p && i < p->count ? p->entries[i].col : 0;
}

long mg_program_find(const mg_program *p, const char *name)
{
    return p && name ? lookup(p, name, strlen(name)) : -1;
}

int mg_program_is_latest(const mg_program *p, size_t i)
{
    return p && i < p->count &&
           lookup(p, entry_name(p, &p->entries[i]), p->entries[i].length) == (long)i;
}

size_t mg_program_root(const mg_program *p)
{
    if (!p || !p->count)
        return 0;
    return p->root >= 0 ? (size_t)p->root : p->count - 1;
}

int mg_program_sets_grads(const mg_program *p) { return p ? p->sets_grads : 0; }
/* ---- lexer --------------------------------------------------------------- */

typedef enum tok_kind {
    T_NAME, T_NUMBER, T_STRING, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_POW,
    T_LPAREN, T_RPAREN, T_ASSIGN, T_AUGMENT, T_COMMA, T_DOT, T_NEWLINE, T_SEMI, T_EOF, T_BAD
} tok_kind;

/* Why a T_BAD token is bad. */
typedef enum bad_kind {
    BAD_BYTE, BAD_CHAR, BAD_NAME_CHAR, BAD_NUMBER, BAD_LONG_NUMBER, BAD_STRING
} bad_kind;

typedef struct token {
    tok_kind kind;
    tok_kind augment;  /* for T_AUGMENT: the operator of `+=` ... `**=` */
    bad_kind bad;      /* for T_BAD */
    const char *text;
    size_t len;
    int line, col;
    double number;
} token;

typedef struct lexer {
    const char *src, *end, *at;
    const char *line_start;
    int line;
    int depth;       /* open brackets: a newline inside them is a space, as in Python */
    int param_line;  /* the last line with a `# mg: param` comment */
} lexer;

static int is_ascii_name_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_ascii_name_char(int c) { return is_ascii_name_start(c) || is_digit(c); }

/* Decodes one UTF-8 character at p (well-formed, shortest form, no surrogate);
 * returns its length with *cp set, or 0. */
static size_t utf8_decode(const char *p, const char *end, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t avail = (size_t)(end - p);
    size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
             : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (!n || n > avail)
        return 0;
    uint32_t c = n == 1 ? s[0] : s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

static int in_ranges(const uint32_t (*r)[2], size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < r[mid][0])
            hi = mid;
        else if (c > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* The length of the identifier character at p (0 if it is none): ASCII letters,
 * digits and '_', and the Unicode letters Python takes (XID_Start first,
 * XID_Continue after). */
static size_t name_char(const char *p, const char *end, int first)
{
    unsigned char c = (unsigned char)*p;
    if (c < 0x80)
        return (first ? is_ascii_name_start(c) : is_ascii_name_char(c)) ? 1 : 0;
    uint32_t cp;
    size_t n = utf8_decode(p, end, &cp);
    if (!n)
        return 0;
    int ok = first ? in_ranges(ident_start, sizeof ident_start / sizeof *ident_start, cp)
                   : in_ranges(ident_continue, sizeof ident_continue / sizeof *ident_continue, cp);
    return ok ? n : 0;
}

/* Digits of a base with single '_' between them, as Python writes 1_000 or 0x_ff. */
static const char *scan_digits(const char *p, const char *end, int base, int underscore_first)
{
    const char *start = p;
    while (p < end) {
        int c = (unsigned char)*p, d = is_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
                                                              ? (c | 0x20) - 'a' + 10 : 99;
        if (d < base) {
            p++;
        } else if (c == '_' && (p > start || underscore_first) && p + 1 < end) {
            int n = (unsigned char)p[1], e = is_digit(n) ? n - '0' : (n | 0x20) >= 'a' &&
                                                                     (n | 0x20) <= 'f' ? (n | 0x20) - 'a' + 10 : 99;
            if (e >= base)
                break;
            p++;
        } else {
            break;
        }
    }
    return p;
}

/* The value of Python's 0x, 0o or 0b integer digits (underscores skipped),
 * correctly rounded through strtod's hexadecimal form. */
static double based_value(const char *p, const char *end, int base)
{
    int bits = base == 16 ? 4 : base == 8 ? 3 : 1;
    char hex[1100];
    size_t n = 0;
    unsigned acc = 0;
    int have = 0;
    size_t total = 0;
    for (const char *q = p; q < end; q++)
        total += *q != '_';
    have = (int)((total * (size_t)bits) % 4); /* leading bits of the first hex digit */
    if (have == 0)
        have = 4;
    hex[n++] = '0';
    hex[n++] = 'x';
    int need = have;
    for (const char *q = p; q < end && n < sizeof hex - 2; q++) {
        if (*q == '_')
            continue;
        int c = (unsigned char)*q, d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
        for (int b = bits - 1; b >= 0; b--) {
            acc = (acc << 1) | ((unsigned)d >> b & 1u);
            if (--need == 0) {
                hex[n++] = "0123456789abcdef"[acc];
                acc = 0;
                need = 4;
            }
        }
    }
    hex[n] = '\0';
    return n >= sizeof hex - 2 ? HUGE_VAL : strtod(hex, NULL);
}

/* Scans a number as Python writes it: 1_000, 0x10, 0o7, 0b1, 1e3, .5, 5.
 * Sets t->number; returns the end, or NULL when the text is not a number. */
static const char *scan_number(const char *p, const char *end, token *t)
{
    if (p + 1 < end && p[0] == '0' && strchr("xXoObB", p[1]) && p[1]) {
        int base = (p[1] | 0x20) == 'x' ? 16 : (p[1] | 0x20) == 'o' ? 8 : 2;
        const char *digits = p + 2, *q = scan_digits(digits, end, base, 1);
        if (q == digits)
            return NULL;
        t->number = based_value(digits, q, base);
        return q;
    }
    char buf[512];
    size_t n = 0;
    const char *q = scan_digits(p, end, 10, 0);
    int integer = q > p, leading_zero = q > p + 1 && *p == '0';
    if (q < end && *q == '.') {
        q = scan_digits(q + 1, end, 10, 0);
        integer = 0;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        const char *e = q + 1;
        if (e < end && (*e == '+' || *e == '-'))
            e++;
        const char *digits = e;
        e = scan_digits(e, end, 10, 0);
        if (e == digits)
            return NULL;
        q = e;
        integer = 0;
    }
    if (integer && leading_zero) /* 007: Python asks for 0o7 */
        for (const char *z = p; z < q; z++)
            if (*z != '0' && *z != '_')
                return NULL;
    for (const char *c = p; c < q && n < sizeof buf - 1; c++)
        if (*c != '_')
            buf[n++] = *c;
    buf[n] = '\0';
    if (n == sizeof buf - 1) {
        t->bad = BAD_LONG_NUMBER;
        return NULL;
    }
    t->number = strtod(buf, NULL);
    return q;
}

/* A string literal: '...' or "..." (or tripled), r'' raw; the quote at p. */
static const char *scan_string(const char *p, const char *end, lexer *lx)
{
    char quote = *p;
    int triple = end - p >= 3 && p[1] == quote && p[2] == quote;
    const char *start = p;
    p += triple ? 3 : 1;
    while (p < end) {
        if (*p == '\\' && p + 1 < end) {
            p += 2;
            continue;
        }
        if (*p == '\n' && !triple)
            return NULL;
        if (*p == quote && (!triple || (end - p >= 3 && p[1] == quote && p[2] == quote))) {
            /* a closed string: its lines count (an unclosed one is read again) */
            for (const char *q = start; q < p; q++)
                if (*q == '\n') {
                    if (lx->line < INT32_MAX)
                        lx->line++;
                    lx->line_start = q + 1;
                }
            return p + (triple ? 3 : 1);
        }
        p++;
    }
    return NULL;
}

/* Skips spaces, comments (noting `# mg: param`) and backslash continuations;
 * inside brackets newlines too. */
static void skip_space(lexer *lx)
{
    for (;;) {
        while (lx->at < lx->end && (*lx->at == ' ' || *lx->at == '\t' || *lx->at == '\r' ||
                                    *lx->at == '\f' || *lx->at == '\v'))
            lx->at++;
        if (lx->at < lx->end && *lx->at == '#') { /* a comment runs to the end of the line */
            const char *c = lx->at + 1;
            while (lx->at < lx->end && *lx->at != '\n')
                lx->at++;
            while (c < lx->at && *c == ' ')
                c++;
            size_t n = (size_t)(lx->at - c);
            while (n && (c[n - 1] == ' ' || c[n - 1] == '\r' || c[n - 1] == '\t'))
                n--;
            if (n == 9 && memcmp(c, "mg: param", 9) == 0)
                lx->param_line = lx->line;
        }
        int continued = lx->at + 1 < lx->end && lx->at[0] == '\\' &&
                        (lx->at[1] == '\n' || (lx->at[1] == '\r' && lx->at + 2 < lx->end && lx->at[2] == '\n'));
        if (lx->at < lx->end && ((*lx->at == '\n' && lx->depth > 0) || continued)) {
            lx->at += continued ? (lx->at[1] == '\r' ? 3 : 2) : 1;
            if (lx->line < INT32_MAX)
                lx->line++;
            lx->line_start = lx->at;
            continue;
        }
        return;
    }
}

/* One- and two-character operators; returns 0 for a character that is none. */
static int scan_operator(const char *p, const char *end, token *t)
{
    char c = p[0], d = p + 1 < end ? p[1] : '\0';
    int n = 1;
    switch (c) {
    case '+': t->kind = T_PLUS; break;
    case '-': t->kind = T_MINUS; break;
    case '/': t->kind = T_SLASH; break;
    case '(': t->kind = T_LPAREN; break;
    case ')': t->kind = T_RPAREN; break;
    case '=': t->kind = d == '=' ? T_BAD : T_ASSIGN; n = d == '=' ? 2 : 1; break;
    case ',': t->kind = T_COMMA; break;
    case '.': t->kind = T_DOT; break;
    case ';': t->kind = T_SEMI; break;
    case '\n': t->kind = T_NEWLINE; break;
    case '*':
        t->kind = T_STAR;
        if (d == '*') {
            t->kind = T_POW;
            n = 2;
        }
        break;
    default: return 0;
    }
    if (t->kind >= T_PLUS && t->kind <= T_POW && p + n < end && p[n] == '=') {
        t->augment = t->kind; /* += -= *= /= **= */
        t->kind = T_AUGMENT;
        n++;
    }
    return n;
}

/* A name at lx->at; returns its end. A character after it that Python does not
 * take in a name (w₁) makes the token a bad one, at that character. */
static const char *scan_name(lexer *lx, token *t)
{
    const char *p = lx->at;
    size_t n;
    while (p < lx->end && (n = name_char(p, lx->end, p == lx->at)) != 0)
        p += n;
    t->kind = T_NAME;
    if (p < lx->end && (unsigned char)*p >= 0x80) {
        uint32_t cp;
        size_t m = utf8_decode(p, lx->end, &cp);
        t->kind = T_BAD;
        t->bad = m ? BAD_NAME_CHAR : BAD_BYTE;
        t->col += (int)(p - lx->at);
        t->text = p;
        lx->at = p;
        p += m ? m : 1;
    }
    return p;
}

static token next_token(lexer *lx)
{
    skip_space(lx);
    /* Columns past INT_MAX (a line over 2 GB) all read as INT_MAX. */
    size_t col = (size_t)(lx->at - lx->line_start) + 1;
    token t = {.text = lx->at, .len = 1, .line = lx->line, .col = col < INT_MAX ? (int)col : INT_MAX};
    if (lx->at >= lx->end) {
        t.kind = T_EOF;
        t.len = 0;
        return t;
    }
    const char *p = lx->at;
    char c = *p;
    size_t n;
    int raw = (c == 'r' || c == 'R') && p + 1 < lx->end && (p[1] == '\'' || p[1] == '"');
    if (c == '\'' || c == '"' || raw) {
        const char *q = scan_string(p + raw, lx->end, lx);
        t.kind = q ? T_STRING : T_BAD;
        t.bad = BAD_STRING;
        p = q ? q : p + 1;
    } else if (name_char(p, lx->end, 1)) {
        p = scan_name(lx, &t);
    } else if (is_digit(c) || (c == '.' && p + 1 < lx->end && is_digit(p[1]))) {
        t.bad = BAD_NUMBER;
        const char *q = scan_number(p, lx->end, &t);
        t.kind = q ? T_NUMBER : T_BAD;
        p = q ? q : p;
        /* `2a`, `1e`, `1.2.3`: one bad token, not a number followed by more. */
        while (p < lx->end && (is_ascii_name_char(*p) || *p == '.')) {
            t.kind = T_BAD;
            p++;
        }
    } else if ((n = (size_t)scan_operator(p, lx->end, &t)) != 0) {
        p += n;
    } else {
        uint32_t cp;
        size_t m = (unsigned char)c >= 0x80 ? utf8_decode(p, lx->end, &cp) : 0;
        t.kind = T_BAD;
        t.bad = m ? BAD_CHAR : BAD_BYTE;
        p += m ? m : 1;
    }
    if (t.kind == T_LPAREN)
        lx->depth++;
    else if (t.kind == T_RPAREN && lx->depth > 0)
        lx->depth--;
    t.len = (size_t)(p - lx->at);
    lx->at = p;
    if (t.kind == T_NEWLINE) {
        if (lx->line < INT32_MAX)
            lx->line++;
        lx->line_start = p;
    }
    return t;
}

static int is_statement_end(tok_kind k) { return k == T_NEWLINE || k == T_SEMI || k == T_EOF; }

/* ---- parser state -------------------------------------------------------- */

/* What an expression gives: a value in the graph, a plain number not yet made
 * a value (arithmetic on plain numbers folds, as Python does before micrograd
 * sees it), a string (a label), or nothing (what backward() returns). */
typedef enum operand_kind { O_NUMBER, O_VALUE, O_STRING, O_NONE } operand_kind;

typedef struct operand {
    operand_kind kind;
    double number;
    mg_value value;
    long binding;      /* the entry a bare name read, or -1 */
    size_t text, text_len; /* O_STRING: its bytes in the parser's strings */
    const char *what;  /* O_NONE: the call that gave nothing */
    int line, col;
} operand;

/* K_BARRIER: the '(' of a call whose arguments are being parsed. */
typedef enum op_kind { K_BINARY, K_NEGATE, K_PLUS, K_PAREN, K_CALL, K_BARRIER } op_kind;

typedef struct pending {
    op_kind kind;
    tok_kind token;  /* for K_BINARY */
    mg_op function;  /* for K_CALL */
    const char *name;
    size_t name_len;
    int line, col;
} pending;

typedef enum end_mode { END_STATEMENT, END_ARGUMENT } end_mode;

typedef struct parser {
    lexer lx;
    token tok;
    mg_graph *g;
    mg_program *prog;
    mg_error *err;
    int as_micrograd;
    operand *operands;
    size_t n_operands, operand_capacity;
    pending *ops;
    size_t n_ops, op_capacity;
    char *strings;            /* decoded string literals of the statement */
    size_t strings_len, strings_capacity;
    unsigned char *named;     /* per value index: 1 if its label is a name it was bound to */
    size_t named_capacity;
    int in_call;              /* parsing the arguments of Value(...) or draw_dot(...) */
    size_t line_entries;      /* the first entry of the current line */
} parser;

static const struct function {
    const char *name;
    mg_op op;
} functions[] = {
    {"tanh", MG_OP_TANH}, {"exp", MG_OP_EXP}, {"log", MG_OP_LOG},
    {"relu", MG_OP_RELU}, {"sigmoid", MG_OP_SIGMOID},
};

#define FUNCTION_LIST "Value tanh exp log relu sigmoid draw_dot"
static const char *const known_functions[] = {"Value", "tanh", "exp", "log", "relu", "sigmoid",
                                              "draw_dot"};
/* A Value's methods and attributes, as micrograd's. */
static const char *const attributes[] = {"tanh", "exp", "log", "relu", "sigmoid", "backward",
                                         "_backward", "data", "grad", "label"};

static int same(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(word, s, n) == 0;
}

static const struct function *find_function(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (same(s, n, functions[i].name))
            return &functions[i];
    return NULL;
}

static int error_at(parser *ps, mg_status status, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Every failure of the parse ends here: in err and in the graph. */
static int error_at(parser *ps, mg_status status, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_graph_v(ps->g, ps->err, status, line, col, fmt, ap);
    va_end(ap);
    return 0;
}

/* How a token reads in a message: 'name', '*', end of line, byte 0x01, NUL byte,
 * character 'é' (U+00E9). */
static void describe(const token *t, char *buf, size_t size)
{
    if (t->kind == T_NEWLINE || t->kind == T_EOF) {
        snprintf(buf, size, t->kind == T_EOF ? "end of file" : "end of line");
        return;
    }
    unsigned char c = (unsigned char)t->text[0];
    if (t->kind == T_BAD && t->bad == BAD_BYTE && (c < 0x20 || c >= 0x7F)) {
        if (c == 0)
            snprintf(buf, size, "NUL byte");
        else
            snprintf(buf, size, "byte 0x%02X", c);
        return;
    }
    if (t->kind == T_BAD && (t->bad == BAD_CHAR || t->bad == BAD_NAME_CHAR)) {
        uint32_t cp = 0;
        utf8_decode(t->text, t->text + t->len, &cp);
        snprintf(buf, size, "character '%.*s' (U+%04X)", (int)t->len, t->text, (unsigned)cp);
        return;
    }
    if (t->kind == T_STRING) { /* it may span lines: a message is one */
        snprintf(buf, size, "a string");
        return;
    }
    int shown = t->len > 40 ? 40 : (int)t->len;
    snprintf(buf, size, "'%.*s%s'", shown, t->text, t->len > 40 ? "..." : "");
}

/* The innermost '(' still open, or NULL. */
static const pending *open_paren(const parser *ps)
{
    for (size_t i = ps->n_ops; i-- > 0;)
        if (ps->ops[i].kind == K_PAREN || ps->ops[i].kind == K_BARRIER)
            return &ps->ops[i];
    return NULL;
}

static int error_token(parser *ps, const char *what)
{
    const token *t = &ps->tok;
    char found[64];
    describe(t, found, sizeof found);
    /* A newline inside brackets is a space: a token on a later line after an
     * unclosed '(' is most likely the next statement. */
    const pending *open = open_paren(ps);
    if (open && t->line > open->line && t->kind != T_BAD)
        return error_at(ps, MG_ERR_SYNTAX, open->line, open->col, "this '(' is never closed");
    if (t->kind == T_BAD && t->bad == BAD_LONG_NUMBER)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "number too long (over 511 characters)");
    if (t->kind == T_BAD && t->bad == BAD_NUMBER)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "invalid number %s", found);
    if (t->kind == T_BAD && t->bad == BAD_STRING)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "this string is never closed");
    if (t->kind == T_BAD && t->bad == BAD_CHAR)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "invalid %s", found);
    if (t->kind == T_BAD && t->bad == BAD_NAME_CHAR)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col,
                        "invalid %s in a name (a label can hold it: Value(1.0, label='%.*s'))",
                        found, (int)t->len, t->text);
    if (t->kind == T_BAD && t->len == 1 && t->text[0] == '^')
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col,
                        "'^' is not a power in Python (it is bitwise xor): write x ** 2");
    if (t->kind == T_BAD && t->len == 1 && (t->text[0] == '[' || t->text[0] == '{'))
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col,
                        "%s: lists and dicts are not part of this language (one name per value; "
                        "'micrograd train --data FILE.csv' trains on a data set)",
                        t->text[0] == '[' ? "'['" : "'{'");
    if (t->kind == T_BAD)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "unexpected %s", found);
    if (t->kind == T_ASSIGN || t->kind == T_AUGMENT)
        return error_at(ps, MG_ERR_SYNTAX, t->line, t->col,
                        "cannot assign to an expression: the left of '%.*s' must be a name "
                        "(or x.label, x.data, x.grad)", (int)t->len, t->text);
    return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "expected %s, found %s", what, found);
}

static int out_of_memory(parser *ps)
{
    return error_at(ps, MG_ERR_NOMEM, ps->tok.line, ps->tok.col, "out of memory");
}

/* A failed graph op: out of memory or a size limit. */
static int graph_error(parser *ps, int line, int col)
{
    mg_status s = mg_graph_status(ps->g);
    return error_at(ps, s == MG_OK ? MG_ERR_NOMEM : s, line, col, "%s",
                    s == MG_OK ? "out of memory" : mg_graph_error(ps->g));
}

static int push_operand(parser *ps, operand o)
{
    if (!grow_array((void **)&ps->operands, &ps->operand_capacity, ps->n_operands + 1,
                    sizeof *ps->operands))
        return out_of_memory(ps);
    ps->operands[ps->n_operands++] = o;
    return 1;
}

static int push_op(parser *ps, pending p)
{
    if (!grow_array((void **)&ps->ops, &ps->op_capacity, ps->n_ops + 1, sizeof *ps->ops))
        return out_of_memory(ps);
    ps->ops[ps->n_ops++] = p;
    return 1;
}

/* ": did you mean 'x'?" for a misspelling of one of the candidates, else "". */
static void did_you_mean(char *buf, size_t size, const char *s, size_t n,
                         const char *const *candidates, size_t count)
{
    const char *near = mg_suggest(s, n, candidates, count);
    if (near)
        snprintf(buf, size, ": did you mean '%s'?", near);
    else if (size)
        buf[0] = '\0';
}

/* The same for a name the program has not defined: the names it has. */
static void did_you_mean_name(parser *ps, char *buf, size_t size, const char *s, size_t n)
{
    buf[0] = '\0';
    if (n > 64 || !ps->prog->count)
        return;
    const char **names = malloc(ps->prog->count * sizeof *names);
    if (!names)
        return;
    for (size_t i = 0; i < ps->prog->count; i++)
        names[i] = entry_name(ps->prog, &ps->prog->entries[i]);
    did_you_mean(buf, size, s, n, names, ps->prog->count);
    free(names);
}

static int not_defined(parser *ps, const token *t)
{
    char hint[96];
    did_you_mean_name(ps, hint, sizeof hint, t->text, t->len);
    int shown = t->len > 64 ? 64 : (int)t->len;
    return error_at(ps, MG_ERR_NAME, t->line, t->col, "'%.*s%s' is not defined%s", shown, t->text,
                    t->len > 64 ? "..." : "", hint);
}

/* ---- arithmetic ---------------------------------------------------------- */

/* Operands of arithmetic are values or numbers. */
static int check_arithmetic(parser *ps, const operand *o)
{
    if (o->kind == O_STRING)
        return error_at(ps, MG_ERR_SYNTAX, o->line, o->col,
                        "a string is not a number (text goes in a label: Value(1.0, label='...'))");
    if (o->kind == O_NONE)
        return error_at(ps, MG_ERR_SYNTAX, o->line, o->col,
                        "%s gives nothing (None) to compute with", o->what);
    return 1;
}

/* Makes a plain number a CONST leaf (the 2 of `2 * a`). */
static int materialize(parser *ps, operand *o)
{
    if (o->kind != O_NUMBER)
        return check_arithmetic(ps, o);
    o->value = mg_leaf_role(ps->g, o->number, MG_ROLE_CONST);
    o->kind = O_VALUE;
    return mg_value_ok(o->value) ? 1 : graph_error(ps, o->line, o->col);
}

/* Arithmetic on two plain numbers, as Python computes it: the engine's
 * formulas, and Python's errors where Python raises one. */
static int fold(parser *ps, mg_op op, double a, double b, int line, int col, double *out)
{
    if (op == MG_OP_DIV && b == 0.0)
        return error_at(ps, MG_ERR_INVALID, line, col,
                        "division by zero (Python raises ZeroDivisionError)");
    if (op == MG_OP_POW && a == 0.0 && b < 0.0)
        return error_at(ps, MG_ERR_INVALID, line, col,
                        "0 cannot be raised to a negative power (Python raises ZeroDivisionError)");
    if (op == MG_OP_POW && a < 0.0 && isfinite(a) && isfinite(b) && b != floor(b))
        return error_at(ps, MG_ERR_INVALID, line, col,
                        "a negative number to a fractional power is a complex number in Python");
    double r = mg_op_forward(op, a, b);
    if (op == MG_OP_POW && isinf(r) && isfinite(a) && isfinite(b))
        return error_at(ps, MG_ERR_INVALID, line, col,
                        "'**' overflows (Python raises OverflowError)");
    *out = r;
    return 1;
}

/* The engine op of a binary operator token. */
static mg_op binary_op(tok_kind k)
{
    return k == T_PLUS ? MG_OP_ADD : k == T_MINUS ? MG_OP_SUB : k == T_STAR ? MG_OP_MUL
         : k == T_SLASH ? MG_OP_DIV : MG_OP_POW;
}

/* micrograd's -v: v * -1. */
static mg_value micrograd_negate(parser *ps, mg_value v)
{
    return mg_binary(ps->g, MG_OP_MUL, v, mg_leaf_role(ps->g, -1.0, MG_ROLE_CONST));
}

/* The graph micrograd itself builds for a op b (one of them a value): no '-'
 * or '/' (__sub__ is self + (-other), __truediv__ self * other**-1, __neg__
 * self * -1), and a number on the left goes after the value, as __radd__,
 * __rmul__, __rsub__ and __rtruediv__ put it. */
static int micrograd_binary(parser *ps, mg_op op, operand *a, operand *b, int line, int col,
                            mg_value *out)
{
    if (op == MG_OP_POW) {
        if (b->kind != O_NUMBER || a->kind != O_VALUE)
            return error_at(ps, MG_ERR_SYNTAX, line, col,
                            "micrograd's '**' takes a Value and a number exponent (int or float)");
        *out = mg_pow(ps->g, a->value, b->number);
        return 1;
    }
    operand t = *b;
    if (op == MG_OP_SUB || op == MG_OP_DIV) {
        if (b->kind == O_NUMBER && op == MG_OP_SUB)
            t.number = -b->number;
        else if (b->kind == O_NUMBER && !fold(ps, MG_OP_POW, b->number, -1.0, line, col, &t.number))
            return 0;
        else if (b->kind == O_VALUE)
            t.value = op == MG_OP_SUB ? micrograd_negate(ps, b->value) : mg_pow(ps->g, b->value, -1.0);
        if (!mg_value_ok(t.value) && t.kind == O_VALUE)
            return graph_error(ps, line, col);
        op = op == MG_OP_SUB ? MG_OP_ADD : MG_OP_MUL;
    }
    operand *x = a, *y = &t;
    if (a->kind == O_NUMBER) {
        x = &t;
        y = a;
    }
    if (!materialize(ps, y))
        return 0;
    *out = mg_binary(ps->g, op, x->value, y->value);
    return 1;
}

/* a = a k b, for the operator token k. */
static int apply_binary(parser *ps, tok_kind k, operand *a, operand *b, int line, int col)
{
    mg_op op = binary_op(k);
    if (!check_arithmetic(ps, a) || !check_arithmetic(ps, b))
        return 0;
    a->binding = -1;
    if (a->kind == O_NUMBER && b->kind == O_NUMBER)
        return fold(ps, op, a->number, b->number, line, col, &a->number);
    mg_value v;
    if (ps->as_micrograd) {
        if (!micrograd_binary(ps, op, a, b, line, col, &v))
            return 0;
    } else if (op == MG_OP_POW && b->kind == O_NUMBER) {
        /* A constant exponent: micrograd's `x**2`, one value, no exponent leaf. */
        if (!materialize(ps, a))
            return 0;
        v = mg_pow(ps->g, a->value, b->number);
    } else {
        if (op == MG_OP_POW)
            op = MG_OP_POWV; /* Value ** Value */
        if (!materialize(ps, a) || !materialize(ps, b))
            return 0;
        v = mg_binary(ps->g, op, a->value, b->value);
    }
    a->kind = O_VALUE;
    a->value = v;
    return mg_value_ok(v) ? 1 : graph_error(ps, line, col);
}

static int reduce_binary(parser *ps, const pending *p)
{
    operand b = ps->operands[--ps->n_operands];
    operand *a = &ps->operands[ps->n_operands - 1];
    return apply_binary(ps, p->token, a, &b, p->line, p->col);
}

/* op (a function) on v. The lecture's Value.tanh() computes (e^2x - 1) /
 * (e^2x + 1), which can differ from tanh() in the last bit: the method, and
 * with --as-micrograd the function too, make the op table's
 * MG_OP_TANH_MICROGRAD, which gives micrograd's number. */
static mg_value apply_function(parser *ps, mg_op op, mg_value v, int method)
{
    if (op == MG_OP_TANH && (method || ps->as_micrograd))
        op = MG_OP_TANH_MICROGRAD;
    return mg_unary(ps->g, op, v);
}

/* A unary op on v; micrograd's -v is v * -1. */
static mg_value unary_value(parser *ps, const pending *p, mg_value v)
{
    if (p->kind == K_NEGATE && ps->as_micrograd)
        return micrograd_negate(ps, v);
    return p->kind == K_NEGATE ? mg_unary(ps->g, MG_OP_NEG, v)
                               : apply_function(ps, p->function, v, 0);
}

static int reduce_unary(parser *ps, const pending *p)
{
    operand *a = &ps->operands[ps->n_operands - 1];
    if (!check_arithmetic(ps, a))
        return 0;
    a->binding = -1;
    if (p->kind == K_PLUS)
        return 1;
    if (p->kind == K_NEGATE && a->kind == O_NUMBER) {
        a->number = -a->number;
        return 1;
    }
    if (!materialize(ps, a))
        return 0;
    mg_value v = unary_value(ps, p, a->value);
    a->value = v;
    a->line = p->line;
    a->col = p->col;
    return mg_value_ok(v) ? 1 : graph_error(ps, p->line, p->col);
}

/* Python's binding powers: + - < * / < unary - < **. */
static int precedence(const pending *p)
{
    if (p->kind == K_NEGATE || p->kind == K_PLUS)
        return 3;
    if (p->token == T_PLUS || p->token == T_MINUS)
        return 1;
    return p->token == T_POW ? 4 : 2;
}

/* Applies pending operators that bind at least as tightly as `min` (strictly
 * tighter for the right-associative **), stopping at a parenthesis. */
static int reduce_while(parser *ps, int min, int right_assoc)
{
    while (ps->n_ops) {
        pending *top = &ps->ops[ps->n_ops - 1];
        if (top->kind == K_PAREN || top->kind == K_CALL || top->kind == K_BARRIER)
            return 1;
        int prec = precedence(top);
        if (prec < min || (right_assoc && prec == min))
            return 1;
        pending p = *top;
        ps->n_ops--;
        if (!(p.kind == K_BINARY ? reduce_binary(ps, &p) : reduce_unary(ps, &p)))
            return 0;
    }
    return 1;
}

/* ---- operands: numbers, strings, names, calls, methods ------------------- */

static int put_utf8(parser *ps, uint32_t c)
{
    char b[4];
    size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n == 1)
        b[0] = (char)c;
    else {
        for (size_t i = n - 1; i > 0; i--, c >>= 6)
            b[i] = (char)(0x80 | (c & 0x3F));
        b[0] = (char)((n == 2 ? 0xC0 : n == 3 ? 0xE0 : 0xF0) | c);
    }
    if (!grow_array((void **)&ps->strings, &ps->strings_capacity, ps->strings_len + n, 1))
        return 0;
    memcpy(ps->strings + ps->strings_len, b, n);
    ps->strings_len += n;
    return 1;
}

/* The value of the hex digits of an escape (\xHH, \uHHHH, \UHHHHHHHH), or -1. */
static long hex_escape(const char *p, const char *end, int digits)
{
    long v = 0;
    for (int i = 0; i < digits; i++) {
        if (p + i >= end)
            return -1;
        int c = (unsigned char)p[i] | 0x20;
        int d = is_digit(p[i]) ? p[i] - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes a string literal's text (Python's escapes; none in r'') into the
 * parser's strings. */
static int decode_string(parser *ps, const token *t, operand *o)
{
    const char *p = t->text, *end = t->text + t->len;
    int raw = *p == 'r' || *p == 'R';
    p += raw;
    size_t quotes = end - p >= 6 && p[1] == p[0] && p[2] == p[0] ? 3 : 1;
    p += quotes;
    end -= quotes;
    o->text = ps->strings_len;
    static const char simple[] = "\\\\''\"\"n\nt\tr\ra\ab\bf\fv\v0";
    while (p < end) {
        uint32_t c = (unsigned char)*p++;
        if (c == '\\' && !raw && p < end) {
            const char *s = strchr(simple, *p);
            int width = *p == 'x' ? 2 : *p == 'u' ? 4 : *p == 'U' ? 8 : 0;
            long h = width ? hex_escape(p + 1, end, width) : -1;
            if (*p == '\n') {
                p++;
                continue;
            } else if (s && (s - simple) % 2 == 0) {
                c = *p == '0' ? 0 : (unsigned char)s[1];
                p++;
            } else if (width && h >= 0 && h <= 0x10FFFF && !(h >= 0xD800 && h <= 0xDFFF)) {
                c = (uint32_t)h;
                p += 1 + width;
            } else if (width) {
                return error_at(ps, MG_ERR_SYNTAX, t->line, t->col, "bad '\\%c' escape in a string", *p);
            }
            if (!put_utf8(ps, c))
                return out_of_memory(ps);
            continue;
        }
        if (!grow_array((void **)&ps->strings, &ps->strings_capacity, ps->strings_len + 1, 1))
            return out_of_memory(ps);
        ps->strings[ps->strings_len++] = (char)c;
    }
    o->text_len = ps->strings_len - o->text;
    return 1;
}

/* The bytes of an O_STRING operand ('' may have none). */
static const char *string_of(const parser *ps, const operand *o)
{
    return ps->strings ? ps->strings + o->text : "";
}

/* The number an operand stands for where a number is wanted (x.grad = ...). */
static int number_of(parser *ps, const operand *o, double *x)
{
    if (!check_arithmetic(ps, o))
        return 0;
    *x = o->kind == O_NUMBER ? o->number : mg_data(ps->g, o->value);
    return 1;
}

static int parse_expression(parser *ps, end_mode mode);

typedef struct argument {
    token key; /* key.len == 0: positional */
    operand value;
} argument;

/* The arguments of a call, from its '(' (the current token) to its ')' (left
 * current). Calls do not nest in arguments, so the C stack stays shallow. */
static int parse_arguments(parser *ps, const token *callee, const token *open, argument *args,
                           size_t cap, size_t *n)
{
    if (ps->in_call)
        return error_at(ps, MG_ERR_SYNTAX, callee->line, callee->col,
                        "%.*s(...) inside a call's arguments: give it a name first",
                        (int)callee->len, callee->text);
    ps->in_call = 1;
    *n = 0;
    for (ps->tok = next_token(&ps->lx); ps->tok.kind != T_RPAREN;) {
        if (*n == cap)
            return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col,
                            "%.*s(...) takes at most %zu arguments", (int)callee->len,
                            callee->text, cap);
        argument *a = &args[(*n)++];
        a->key = (token){.len = 0};
        if (ps->tok.kind == T_NAME) {
            lexer saved = ps->lx;
            token after = next_token(&ps->lx);
            if (after.kind == T_ASSIGN) {
                a->key = ps->tok;
                ps->tok = next_token(&ps->lx);
            } else {
                ps->lx = saved;
            }
        }
        if (!push_op(ps, (pending){.kind = K_BARRIER, .line = open->line, .col = open->col}) ||
            !parse_expression(ps, END_ARGUMENT))
            return 0;
        ps->n_ops--;
        a->value = ps->operands[--ps->n_operands];
        if (ps->tok.kind == T_COMMA)
            ps->tok = next_token(&ps->lx);
    }
    ps->in_call = 0;
    return 1;
}

/* Value(data, label='...'), as micrograd's constructor takes them: a leaf. */
static int parse_value_call(parser *ps, const token *callee, const token *open)
{
    argument args[4];
    size_t n;
    if (!parse_arguments(ps, callee, open, args, 4, &n))
        return 0;
    static const char *const keys[] = {"data", "_children", "_op", "label"};
    double data = 0;
    const argument *label = NULL, *given = NULL;
    for (size_t i = 0; i < n; i++) {
        const argument *a = &args[i];
        const char *key = a->key.len ? NULL : keys[i];
        for (size_t k = 0; !key && k < 4; k++)
            if (same(a->key.text, a->key.len, keys[k]))
                key = keys[k];
        const operand *v = &a->value;
        if (!key) {
            char hint[96];
            did_you_mean(hint, sizeof hint, a->key.text, a->key.len, keys, 4);
            return error_at(ps, MG_ERR_NAME, a->key.line, a->key.col,
                            "Value() has no argument '%.*s'%s (it takes data and label)",
                            (int)(a->key.len > 64 ? 64 : a->key.len), a->key.text, hint);
        }
        if (key[0] == '_')
            return error_at(ps, MG_ERR_SYNTAX, v->line, v->col,
                            "Value()'s %s is micrograd's own bookkeeping: build values with "
                            "+ - * / ** and the methods, and give a label with label='...'", key);
        if ((key == keys[0] && given) || (key == keys[3] && label))
            return error_at(ps, MG_ERR_SYNTAX, v->line, v->col, "Value() got %s twice", key);
        if (key == keys[3]) {
            if (v->kind != O_STRING)
                return error_at(ps, MG_ERR_SYNTAX, v->line, v->col,
                                "a label is text: label='...'");
            label = a;
        } else if (v->kind != O_NUMBER) {
            return error_at(ps, MG_ERR_SYNTAX, v->line, v->col,
                            v->kind == O_VALUE ? "Value() takes a number; this is already a Value"
                                               : "Value() takes a number");
        } else {
            data = v->number;
            given = a;
        }
    }
    if (!given)
        return error_at(ps, MG_ERR_SYNTAX, callee->line, callee->col,
                        "Value() needs its data: Value(2.0)");
    mg_value v = mg_leaf(ps->g, data, NULL);
    if (!mg_value_ok(v))
        return graph_error(ps, callee->line, callee->col);
    /* label='' is micrograd's default: no label (the name gives one) */
    if (label && label->value.text_len &&
        mg_set_label_n(ps->g, v, string_of(ps, &label->value), label->value.text_len) != MG_OK)
        return graph_error(ps, callee->line, callee->col);
    return push_operand(ps, (operand){.kind = O_VALUE, .value = v, .binding = -1,
                                      .line = callee->line, .col = callee->col});
}

/* draw_dot(root, ...): marks the root (its other arguments are for Graphviz). */
static int parse_draw_call(parser *ps, const token *callee, const token *open)
{
    argument args[4];
    size_t n;
    if (!parse_arguments(ps, callee, open, args, 4, &n))
        return 0;
    if (n == 0 || args[0].key.len || args[0].value.kind != O_VALUE || args[0].value.binding < 0)
        return error_at(ps, MG_ERR_SYNTAX, callee->line, callee->col,
                        "draw_dot() takes the name of the value to draw: draw_dot(L)");
    ps->prog->root = args[0].value.binding;
    return push_operand(ps, (operand){.kind = O_NONE, .what = "draw_dot()", .binding = -1,
                                      .line = callee->line, .col = callee->col});
}

/* Calls that are Python but not this language, each with what to do instead. */
static const struct foreign {
    const char *name, *message;
} foreign_calls[] = {
    {"print", "print(...) is not needed: 'micrograd grad FILE' prints every value"},
    {"MLP", "MLP(...) is micrograd's nn module: 'micrograd train' trains a network, "
            "'micrograd draw --mlp 3,4,4,1' draws one"},
    {"Neuron", "Neuron(...) is micrograd's nn module: 'micrograd draw --mlp 2,1' draws a neuron, "
               "or write it out: n = x1*w1 + x2*w2 + b"},
    {"Layer", "Layer(...) is micrograd's nn module: 'micrograd draw --mlp 3,4' draws a layer"},
};

/* NAME '(' ...: a function, Value(...), draw_dot(...) or an error that says what to write. */
static int parse_call(parser *ps, const token *t, const token *open)
{
    const struct function *f = find_function(t->text, t->len);
    if (f)
        return push_op(ps, (pending){.kind = K_CALL, .function = f->op, .name = t->text,
                                     .name_len = t->len, .line = t->line, .col = t->col}) &&
               push_op(ps, (pending){.kind = K_PAREN, .line = open->line, .col = open->col});
    if (same(t->text, t->len, "Value"))
        return parse_value_call(ps, t, open);
    if (same(t->text, t->len, "draw_dot"))
        return parse_draw_call(ps, t, open);
    for (size_t i = 0; i < sizeof foreign_calls / sizeof *foreign_calls; i++)
        if (same(t->text, t->len, foreign_calls[i].name))
            return error_at(ps, MG_ERR_NAME, t->line, t->col, "%s", foreign_calls[i].message);
    char hint[96];
    did_you_mean(hint, sizeof hint, t->text, t->len, known_functions,
                 sizeof known_functions / sizeof *known_functions);
    int shown = t->len > 64 ? 64 : (int)t->len;
    return error_at(ps, MG_ERR_NAME, t->line, t->col, "unknown function '%.*s%s'%s (functions: "
                    FUNCTION_LIST ")", shown, t->text, t->len > 64 ? "..." : "", hint);
}

/* Runs backward() or _backward() on the operand (a name: it becomes the root). */
static int run_backward(parser *ps, operand *o, const token *method)
{
    int local = method->text[0] == '_';
    if (o->binding < 0 && !local)
        return error_at(ps, MG_ERR_SYNTAX, method->line, method->col,
                        "backward() runs from a name: L = ...; L.backward()");
    mg_status s = local ? mg_backward_local(ps->g, o->value) : mg_backward(ps->g, o->value);
    if (s != MG_OK)
        return graph_error(ps, method->line, method->col);
    if (!local)
        ps->prog->root = o->binding;
    ps->prog->sets_grads = 1;
    *o = (operand){.kind = O_NONE, .what = local ? "_backward()" : "backward()", .binding = -1,
                   .line = method->line, .col = method->col};
    return 1;
}

/* After an operand, `.name` or `.name()`: micrograd's attributes and methods. */
static int parse_attribute(parser *ps)
{
    token name = next_token(&ps->lx);
    ps->tok = name;
    if (name.kind != T_NAME)
        return error_token(ps, "a method or attribute name after '.'");
    operand *o = &ps->operands[ps->n_operands - 1];
    int shown = name.len > 64 ? 64 : (int)name.len;
    size_t i = 0, count = sizeof attributes / sizeof *attributes;
    while (i < count && !same(name.text, name.len, attributes[i]))
        i++;
    if (i == count) {
        char hint[96];
        did_you_mean(hint, sizeof hint, name.text, name.len, attributes, count);
        return error_at(ps, MG_ERR_NAME, name.line, name.col,
                        "a Value has no attribute '%.*s'%s (it has data, grad, label and the "
                        "methods tanh() exp() log() relu() sigmoid() backward())", shown,
                        name.text, hint);
    }
    const char *attr = attributes[i];
    if (o->kind != O_VALUE)
        return error_at(ps, MG_ERR_SYNTAX, name.line, name.col,
                        "only a Value has .%s: write Value(2.0).%s%s", attr, attr,
                        i < 7 ? "()" : "");
    if (same(name.text, name.len, "label"))
        return error_at(ps, MG_ERR_SYNTAX, name.line, name.col,
                        "a label can be set (x.label = '...') but not computed with");
    if (i >= 7) { /* data, grad: a plain number, as in Python */
        double x = i == 7 ? mg_data(ps->g, o->value) : mg_grad(ps->g, o->value);
        *o = (operand){.kind = O_NUMBER, .number = x, .binding = -1, .line = o->line, .col = o->col};
        return 1;
    }
    token open = next_token(&ps->lx), close = open;
    if (open.kind == T_LPAREN)
        close = next_token(&ps->lx);
    ps->tok = close;
    if (open.kind != T_LPAREN)
        return error_at(ps, MG_ERR_SYNTAX, name.line, name.col, "'%s' is a method: write x.%s()",
                        attr, attr);
    if (close.kind != T_RPAREN)
        return error_at(ps, MG_ERR_SYNTAX, close.line, close.col, "%s() takes no arguments", attr);
    if (i >= 5)
        return run_backward(ps, o, &name);
    mg_value v = apply_function(ps, find_function(name.text, name.len)->op, o->value, 1);
    *o = (operand){.kind = O_VALUE, .value = v, .binding = -1, .line = name.line, .col = name.col};
    return mg_value_ok(v) ? 1 : graph_error(ps, name.line, name.col);
}

/* An operand position: a number, a string, a name, a call, a prefix sign or '('. */
static int parse_operand_token(parser *ps, int *expect_operand)
{
    token t = ps->tok;
    if (t.kind == T_NUMBER || t.kind == T_STRING) {
        operand o = {.kind = O_NUMBER, .number = t.number, .binding = -1, .line = t.line,
                     .col = t.col};
        if (t.kind == T_STRING) {
            o.kind = O_STRING;
            if (!decode_string(ps, &t, &o))
                return 0;
        }
        *expect_operand = 0;
        return push_operand(ps, o);
    }
    if (t.kind == T_MINUS || t.kind == T_PLUS)
        return push_op(ps, (pending){.kind = t.kind == T_MINUS ? K_NEGATE : K_PLUS,
                                     .line = t.line, .col = t.col});
    if (t.kind == T_LPAREN)
        return push_op(ps, (pending){.kind = K_PAREN, .line = t.line, .col = t.col});
    if (t.kind != T_NAME)
        return error_token(ps, "an expression");
    token after = next_token(&ps->lx);
    if (after.kind == T_LPAREN) {
        ps->tok = after;
        size_t before = ps->n_operands;
        if (!parse_call(ps, &t, &after))
            return 0;
        *expect_operand = ps->n_operands == before; /* a function's argument comes next */
        return 1;
    }
    int shown = t.len > 64 ? 64 : (int)t.len;
    const struct function *f = find_function(t.text, t.len);
    if (f || same(t.text, t.len, "Value") || same(t.text, t.len, "draw_dot"))
        return error_at(ps, MG_ERR_SYNTAX, t.line, t.col,
                        "'%.*s' is a function: write %.*s(x)", shown, t.text, shown, t.text);
    long i = lookup(ps->prog, t.text, t.len);
    const pending *open = open_paren(ps);
    if (i < 0 && after.kind == T_ASSIGN && open && t.line > open->line)
        return error_at(ps, MG_ERR_SYNTAX, open->line, open->col, "this '(' is never closed");
    if (i < 0)
        return not_defined(ps, &t);
    *expect_operand = 0;
    /* The name was followed by `after`: make it the current token unread. */
    if (!push_operand(ps, (operand){.kind = O_VALUE, .value = ps->prog->entries[i].value,
                                    .binding = i, .line = t.line, .col = t.col}))
        return 0;
    ps->tok = after;
    return 2;
}

/* Closes a ')': reduces to its '(' and applies a pending call. */
static int close_paren(parser *ps)
{
    if (!reduce_while(ps, 0, 0))
        return 0;
    if (!ps->n_ops || ps->ops[ps->n_ops - 1].kind != K_PAREN)
        return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col, "unmatched ')'");
    ps->n_ops--;
    if (ps->n_ops && ps->ops[ps->n_ops - 1].kind == K_CALL) {
        pending call = ps->ops[--ps->n_ops];
        return reduce_unary(ps, &call);
    }
    return 1;
}

/* The error for a ',' inside a function's parentheses: it takes one argument. */
static int comma_error(parser *ps, size_t base_ops)
{
    for (size_t i = ps->n_ops; i-- > base_ops + 1;)
        if (ps->ops[i].kind == K_PAREN && ps->ops[i - 1].kind == K_CALL)
            return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col,
                            "'%.*s' takes one argument", (int)ps->ops[i - 1].name_len,
                            ps->ops[i - 1].name);
    return error_token(ps, "an operator or the end of the statement");
}

/* At the end of an expression: everything reduced, every '(' closed. */
static int finish_expression(parser *ps, size_t base_ops, end_mode mode)
{
    if (!reduce_while(ps, 0, 0))
        return 0;
    if (ps->n_ops > base_ops || (mode == END_ARGUMENT && is_statement_end(ps->tok.kind))) {
        const pending *open = &ps->ops[ps->n_ops - 1];
        return error_at(ps, MG_ERR_SYNTAX, open->line, open->col, "this '(' is never closed");
    }
    return 1;
}

/* Parses an expression into one operand, up to the end of the statement, or
 * for END_ARGUMENT up to the ',' or ')' that ends a call's argument. */
static int parse_expression(parser *ps, end_mode mode)
{
    size_t base_ops = ps->n_ops;
    int expect_operand = 1;
    for (;;) {
        tok_kind k = ps->tok.kind;
        if (expect_operand) {
            if (k == T_RPAREN && ps->n_ops > base_ops &&
                ps->ops[ps->n_ops - 1].kind == K_PAREN && ps->n_ops - 1 > base_ops &&
                ps->ops[ps->n_ops - 2].kind == K_CALL) {
                const pending *call = &ps->ops[ps->n_ops - 2];
                return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col,
                                "'%.*s' takes one argument", (int)call->name_len, call->name);
            }
            int r = parse_operand_token(ps, &expect_operand);
            if (!r)
                return 0;
            if (r == 2)
                continue; /* the token after the name is already read */
        } else if (mode == END_ARGUMENT && (k == T_RPAREN || k == T_COMMA) &&
                   reduce_while(ps, 0, 0) && ps->n_ops == base_ops) {
            return 1;
        } else if (ps->err->status != MG_OK) {
            return 0;
        } else if (k == T_RPAREN) {
            if (ps->n_ops == base_ops)
                return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col, "unmatched ')'");
            if (!close_paren(ps))
                return 0;
        } else if (k == T_DOT) {
            if (!parse_attribute(ps))
                return 0;
        } else if (k == T_COMMA && ps->n_ops > base_ops) {
            return comma_error(ps, base_ops);
        } else if (is_statement_end(k)) {
            return finish_expression(ps, base_ops, mode);
        } else {
            if (k != T_PLUS && k != T_MINUS && k != T_STAR && k != T_SLASH && k != T_POW)
                return error_token(ps, "an operator or the end of the statement");
            pending p = {.kind = K_BINARY, .token = k, .line = ps->tok.line, .col = ps->tok.col};
            if (!reduce_while(ps, precedence(&p), k == T_POW) || !push_op(ps, p))
                return 0;
            expect_operand = 1;
        }
        ps->tok = next_token(&ps->lx);
    }
}

/* ---- statements ---------------------------------------------------------- */

static int grow_named(parser *ps)
{
    size_t need = mg_graph_size(ps->g);
    size_t old = ps->named_capacity;
    if (!grow_array((void **)&ps->named, &ps->named_capacity, need, 1))
        return 0;
    memset(ps->named + old, 0, ps->named_capacity - old);
    return 1;
}

/* Gives the statement's result its name: a plain number becomes a named leaf,
 * an unlabelled value gets the name as its label. A name bound again moves:
 * the value it named before loses the label the name gave it (micrograd
 * draws a Value with the label it was given, and a name is not one). */
static int bind(parser *ps, const token *name, operand *o)
{
    if (o->kind == O_STRING)
        return error_at(ps, MG_ERR_SYNTAX, o->line, o->col,
                        "a name holds a Value, not text: give a label with Value(1.0, label='...') "
                        "or %.*s.label = '...'", (int)(name->len > 64 ? 64 : name->len), name->text);
    if (o->kind == O_NONE)
        return error_at(ps, MG_ERR_SYNTAX, o->line, o->col, "%s gives nothing (None) to name",
                        o->what);
    mg_value v = o->value;
    if (o->kind == O_NUMBER) {
        v = mg_leaf(ps->g, o->number, NULL);
        if (!mg_value_ok(v))
            return graph_error(ps, name->line, name->col);
    }
    if (!grow_named(ps))
        return out_of_memory(ps);
    long prior = lookup(ps->prog, name->text, name->len);
    if (prior >= 0) {
        mg_value old = ps->prog->entries[prior].value;
        if (old.index != v.index && ps->named[old.index]) {
            mg_set_label(ps->g, old, NULL);
            ps->named[old.index] = 0;
        }
    }
    if (!mg_label(ps->g, v, NULL)) {
        if (mg_set_label_n(ps->g, v, name->text, name->len) != MG_OK)
            return graph_error(ps, name->line, name->col);
        ps->named[v.index] = 1;
    }
    if (!define(ps->prog, name->text, name->len, v, name->line, name->col))
        return out_of_memory(ps);
    return 1;
}

static int start_expression(parser *ps)
{
    ps->tok = next_token(&ps->lx);
    ps->n_operands = 0;
    ps->n_ops = 0;
    ps->strings_len = 0;
    return parse_expression(ps, END_STATEMENT);
}

/* name = expression, name += expression (a new value, the name rebound). */
static int parse_assignment(parser *ps, const token *name, const token *op)
{
    int shown = name->len > 64 ? 64 : (int)name->len;
    if (find_function(name->text, name->len) || same(name->text, name->len, "Value") ||
        same(name->text, name->len, "draw_dot"))
        return error_at(ps, MG_ERR_NAME, name->line, name->col,
                        "'%.*s' is a function name and cannot be assigned", shown, name->text);
    long prior = lookup(ps->prog, name->text, name->len);
    if (op->kind == T_AUGMENT && prior < 0)
        return not_defined(ps, name);
    if (!start_expression(ps))
        return 0;
    operand *r = &ps->operands[0];
    if (op->kind == T_AUGMENT) {
        operand a = {.kind = O_VALUE, .value = ps->prog->entries[prior].value, .binding = -1,
                     .line = name->line, .col = name->col};
        if (!apply_binary(ps, op->augment, &a, r, op->line, op->col))
            return 0;
        *r = a;
    }
    return bind(ps, name, r);
}

/* x.label = '...', x.data = ..., x.grad = ... (and += on the numbers). */
static int parse_attribute_assignment(parser *ps, const token *name, const token *attr,
                                      const token *op)
{
    long i = lookup(ps->prog, name->text, name->len);
    if (i < 0)
        return not_defined(ps, name);
    mg_value v = ps->prog->entries[i].value;
    int which = same(attr->text, attr->len, "label") ? 0 : same(attr->text, attr->len, "data") ? 1
              : same(attr->text, attr->len, "grad") ? 2 : -1;
    if (which < 0)
        return error_at(ps, MG_ERR_NAME, attr->line, attr->col,
                        "'%.*s' cannot be set: a Value's label, data and grad can",
                        (int)(attr->len > 64 ? 64 : attr->len), attr->text);
    if (which == 0 && op->kind == T_AUGMENT)
        return error_at(ps, MG_ERR_SYNTAX, op->line, op->col, "a label is set with '='");
    if (!start_expression(ps))
        return 0;
    const operand *r = &ps->operands[0];
    if (which == 0) {
        if (r->kind != O_STRING)
            return error_at(ps, MG_ERR_SYNTAX, r->line, r->col, "a label is text: x.label = '...'");
        if (!grow_named(ps))
            return out_of_memory(ps);
        if (mg_set_label_n(ps->g, v, r->text_len ? string_of(ps, r) : NULL, r->text_len) != MG_OK)
            return graph_error(ps, r->line, r->col);
        ps->named[v.index] = 0;
        return 1;
    }
    double x, old = which == 1 ? mg_data(ps->g, v) : mg_grad(ps->g, v);
    if (!number_of(ps, r, &x))
        return 0;
    if (op->kind == T_AUGMENT && !fold(ps, binary_op(op->augment), old, x, op->line, op->col, &x))
        return 0;
    if (which == 2)
        ps->prog->sets_grads = 1;
    mg_status s = which == 1 ? mg_set_data(ps->g, v, x) : mg_set_grad(ps->g, v, x);
    return s == MG_OK ? 1 : graph_error(ps, name->line, name->col);
}

/* Python's statements this language does not take, each with what to do instead. */
static const struct foreign keywords[] = {
    {"def", "'def' (a function) is not part of this language: write its body out, one "
            "'name = expression' per line"},
    {"class", "'class' is not part of this language: Value is built in"},
    {"for", "'for' (a loop) is not part of this language: 'micrograd train' runs a training loop"},
    {"while", "'while' (a loop) is not part of this language: 'micrograd train' runs a training loop"},
    {"lambda", "'lambda' is not part of this language: write the expression out"},
};

static const char *const other_keywords[] = {
    "if", "elif", "else", "try", "except", "finally", "with", "return", "yield", "global",
    "nonlocal", "del", "assert", "raise", "pass", "break", "continue", "async", "await",
};

/* import and from: micrograd's own imports, and the lecture's `import math`,
 * are taken (and mean nothing here). */
static int parse_import(parser *ps, const token *word)
{
    token module = next_token(&ps->lx);
    if (module.kind == T_NAME && (same(module.text, module.len, "micrograd") ||
                                  (word->text[0] == 'i' && same(module.text, module.len, "math")))) {
        while (!is_statement_end(ps->tok.kind))
            ps->tok = next_token(&ps->lx);
        return 1;
    }
    int shown = module.kind == T_NAME ? (int)(module.len > 64 ? 64 : module.len) : 0;
    return error_at(ps, MG_ERR_SYNTAX, word->line, word->col,
                    "'%.*s %.*s': this language has no modules (micrograd's own imports are "
                    "taken, and ignored)%s", (int)word->len, word->text, shown, module.text,
                    shown == 8 && memcmp(module.text, "graphviz", 8) == 0
                        ? "; 'micrograd draw FILE' draws the graph" : "");
}

/* A statement that starts with a Python keyword: 1 handled, 0 error, -1 none. */
static int keyword_statement(parser *ps, const token *word)
{
    if (same(word->text, word->len, "import") || same(word->text, word->len, "from"))
        return parse_import(ps, word);
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
        if (same(word->text, word->len, keywords[i].name))
            return error_at(ps, MG_ERR_SYNTAX, word->line, word->col, "%s", keywords[i].message);
    for (size_t i = 0; i < sizeof other_keywords / sizeof *other_keywords; i++)
        if (same(word->text, word->len, other_keywords[i]))
            return error_at(ps, MG_ERR_SYNTAX, word->line, word->col,
                            "'%s' is not part of this language: it takes straight-line code "
                            "(assignments, Value(...), operators and methods)", other_keywords[i]);
    return -1;
}

static int parse_statement(parser *ps)
{
    token first = ps->tok;
    if (first.kind == T_NAME) {
        int r = keyword_statement(ps, &first);
        if (r >= 0)
            return r;
        lexer saved = ps->lx;
        token after = next_token(&ps->lx);
        if (after.kind == T_ASSIGN || after.kind == T_AUGMENT)
            return parse_assignment(ps, &first, &after);
        if (after.kind == T_DOT) {
            token attr = next_token(&ps->lx);
            token op = next_token(&ps->lx);
            if (attr.kind == T_NAME && (op.kind == T_ASSIGN || op.kind == T_AUGMENT))
                return parse_attribute_assignment(ps, &first, &attr, &op);
        }
        ps->lx = saved;
    }
    /* An expression on its own (o.backward(), draw_dot(o), a - b): run for its effect. */
    ps->n_operands = 0;
    ps->n_ops = 0;
    ps->strings_len = 0;
    return parse_expression(ps, END_STATEMENT);
}

/* At the end of a line: a `# mg: param` comment on it makes the leaves the
 * line assigned parameters. */
static int mark_parameters(parser *ps)
{
    int marked = ps->lx.param_line != 0;
    ps->lx.param_line = 0;
    for (size_t i = ps->line_entries; marked && i < ps->prog->count; i++) {
        const entry *e = &ps->prog->entries[i];
        mg_op op = mg_value_op(ps->g, e->value);
        if (op != MG_OP_LEAF)
            return error_at(ps, MG_ERR_SYNTAX, e->line, e->col,
                            "'# mg: param' marks a leaf, and '%s' is made by '%s'",
                            entry_name(ps->prog, e), mg_op_symbol(op));
        mg_set_role(ps->g, e->value, MG_ROLE_PARAM);
    }
    ps->line_entries = ps->prog->count;
    return 1;
}

static int parse_program(parser *ps)
{
    for (ps->tok = next_token(&ps->lx);;) {
        tok_kind k = ps->tok.kind;
        if (k == T_NEWLINE || k == T_EOF) {
            if (!mark_parameters(ps))
                return 0;
            if (k == T_EOF)
                break;
        }
        if (k == T_NEWLINE || k == T_SEMI) {
            ps->tok = next_token(&ps->lx);
            continue;
        }
        if (!parse_statement(ps))
            return 0;
    }
    if (ps->prog->count == 0)
        return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col,
                        "no statement: write at least one 'name = expression'");
    return 1;
}

mg_status mg_parse_with(mg_graph *g, const char *src, size_t len, const mg_parse_options *o,
                        mg_program **out, mg_error *err)
{
    mg_error scratch;
    parser ps = {.g = g, .err = err ? err : &scratch, .as_micrograd = o && o->as_micrograd};
    mg_error_clear(ps.err);
    if (out)
        *out = NULL;
    if (!g || !out || (!src && len)) {
        error_at(&ps, MG_ERR_INVALID, 1, 1, "no graph or no text to parse");
        return ps.err->status;
    }
    if (mg_graph_status(g) != MG_OK) /* its values may be missing: build on none of them */
        return fail_in_error(g, ps.err);
    ps.prog = calloc(1, sizeof *ps.prog);
    if (!ps.prog) {
        error_at(&ps, MG_ERR_NOMEM, 1, 1, "out of memory");
        return ps.err->status;
    }
    if (!src)
        src = ""; /* no text: parse zero bytes of an empty one */
    ps.prog->root = -1;
    ps.lx = (lexer){.src = src, .end = src + len, .at = src, .line_start = src, .line = 1};
    /* A UTF-8 byte order mark, as some editors write, is not part of line 1. */
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        ps.lx.at = ps.lx.line_start = src + 3;
    int ok = parse_program(&ps);
    free(ps.operands);
    free(ps.ops);
    free(ps.strings);
    free(ps.named);
    if (!ok) {
        mg_program_free(ps.prog);
        return ps.err->status;
    }
    *out = ps.prog;
    return MG_OK;
}

mg_status mg_parse(mg_graph *g, const char *src, size_t len, mg_program **out, mg_error *err)
{
    return mg_parse_with(g, src, len, NULL, out, err);
}
