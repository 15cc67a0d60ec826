/* The expression language: a lexer and an operator-precedence parser with
 * explicit stacks (no recursion, so nesting depth is bounded by memory only),
 * building values in a graph as it goes. */
#include <micrograd/parse.h>

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

/* ---- program: names in definition order, with a hash index -------------- */

typedef struct entry {
    size_t name;  /* offset in names */
    size_t length;
    mg_value value;
    int line;
} entry;

struct mg_program {
    entry *entries;
    size_t count, capacity;
    char *names;          /* NUL-terminated names, back to back */
    size_t names_len, names_capacity;
    uint32_t *slots;      /* open addressing: 1 + entry index, 0 = empty */
    size_t slot_count;    /* a power of two, kept at least twice count */
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

/* Adds a name (not yet present); returns 0 when memory is short. */
static int define(mg_program *p, const char *s, size_t n, mg_value v, int line)
{
    if (p->count >= UINT32_MAX - 1 ||
        !grow_array((void **)&p->entries, &p->capacity, p->count + 1, sizeof *p->entries) ||
        !grow_array((void **)&p->names, &p->names_capacity, p->names_len + n + 1, 1))
        return 0;
    if ((p->count + 1) * 2 > p->slot_count && !rehash(p, p->slot_count ? p->slot_count * 2 : 64))
        return 0;
    entry *e = &p->entries[p->count];
    *e = (entry){.name = p->names_len, .length = n, .value = v, .line = line};
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

long mg_program_find(const mg_program *p, const char *name)
{
    return p && name ? lookup(p, name, strlen(name)) : -1;
}

size_t mg_program_root(const mg_program *p) { return p && p->count ? p->count - 1 : 0; }

/* ---- lexer --------------------------------------------------------------- */

typedef enum tok_kind {
    T_NAME, T_NUMBER, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_POW,
    T_LPAREN, T_RPAREN, T_ASSIGN, T_COMMA, T_NEWLINE, T_SEMI, T_EOF, T_BAD
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *text;
    size_t len;
    int line, col;
    double number;
} token;

typedef struct lexer {
    const char *src, *end, *at;
    const char *line_start;
    int line;
} lexer;

static int is_name_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_name_char(int c) { return is_name_start(c) || is_digit(c); }

/* Scans a number: digits [. digits] [e [+-] digits], or . digits. */
static const char *scan_number(const char *p, const char *end)
{
    while (p < end && is_digit(*p))
        p++;
    if (p < end && *p == '.') {
        p++;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (q < end && is_digit(*q)) {
            while (q < end && is_digit(*q))
                q++;
            p = q;
        }
    }
    return p;
}

static token next_token(lexer *lx)
{
    while (lx->at < lx->end && (*lx->at == ' ' || *lx->at == '\t' || *lx->at == '\r' ||
                                *lx->at == '\f' || *lx->at == '\v'))
        lx->at++;
    if (lx->at < lx->end && *lx->at == '#') /* a comment runs to the end of the line */
        while (lx->at < lx->end && *lx->at != '\n')
            lx->at++;
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
    if (is_name_start(c)) {
        while (p < lx->end && is_name_char(*p))
            p++;
        t.kind = T_NAME;
    } else if (is_digit(c) || (c == '.' && p + 1 < lx->end && is_digit(p[1]))) {
        p = scan_number(p, lx->end);
        /* `2a`, `1e`, `1.2.3`: one bad token, not a number followed by more. */
        t.kind = T_NUMBER;
        while (p < lx->end && (is_name_char(*p) || *p == '.')) {
            t.kind = T_BAD;
            p++;
        }
    } else {
        p++;
        switch (c) {
        case '+': t.kind = T_PLUS; break;
        case '-': t.kind = T_MINUS; break;
        case '/': t.kind = T_SLASH; break;
        case '(': t.kind = T_LPAREN; break;
        case ')': t.kind = T_RPAREN; break;
        case '=': t.kind = T_ASSIGN; break;
        case ',': t.kind = T_COMMA; break;
        case ';': t.kind = T_SEMI; break;
        case '\n': t.kind = T_NEWLINE; break;
        case '*':
            t.kind = T_STAR;
            if (p < lx->end && *p == '*') {
                t.kind = T_POW;
                p++;
            }
            break;
        default: t.kind = T_BAD; break;
        }
    }
    t.len = (size_t)(p - lx->at);
    lx->at = p;
    if (t.kind == T_NEWLINE) {
        if (lx->line < INT32_MAX)
            lx->line++;
        lx->line_start = p;
    }
    return t;
}

/* ---- parser state -------------------------------------------------------- */

/* An operand: a value in the graph, or a plain number not yet made a value
 * (arithmetic on plain numbers folds, as Python does before micrograd sees it). */
typedef struct operand {
    int is_number;
    double number;
    mg_value value;
    int line, col;
} operand;

typedef enum op_kind { K_BINARY, K_NEGATE, K_PLUS, K_PAREN, K_CALL } op_kind;

typedef struct pending {
    op_kind kind;
    tok_kind token;  /* for K_BINARY */
    mg_op function;  /* for K_CALL */
    const char *name;
    size_t name_len;
    int line, col;
} pending;

typedef struct parser {
    lexer lx;
    token tok;
    mg_graph *g;
    mg_program *prog;
    mg_error *err;
    operand *operands;
    size_t n_operands, operand_capacity;
    pending *ops;
    size_t n_ops, op_capacity;
} parser;

static const struct function {
    const char *name;
    mg_op op;
} functions[] = {
    {"tanh", MG_OP_TANH}, {"exp", MG_OP_EXP}, {"log", MG_OP_LOG},
    {"relu", MG_OP_RELU}, {"sigmoid", MG_OP_SIGMOID},
};

static const struct function *find_function(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
        if (strlen(functions[i].name) == n && memcmp(functions[i].name, s, n) == 0)
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

/* How a token reads in a message: 'name', '*', end of line, byte 0x01, NUL byte. */
static void describe(const token *t, char *buf, size_t size)
{
    if (t->kind == T_NEWLINE || t->kind == T_EOF) {
        snprintf(buf, size, t->kind == T_EOF ? "end of file" : "end of line");
        return;
    }
    unsigned char c = (unsigned char)t->text[0];
    if (t->kind == T_BAD && t->len == 1 && (c < 0x20 || c >= 0x7F)) {
        if (c == 0)
            snprintf(buf, size, "NUL byte");
        else
            snprintf(buf, size, "byte 0x%02X", c);
        return;
    }
    int shown = t->len > 40 ? 40 : (int)t->len;
    snprintf(buf, size, "'%.*s%s'", shown, t->text, t->len > 40 ? "..." : "");
}

static int error_token(parser *ps, const char *what)
{
    char found[64];
    describe(&ps->tok, found, sizeof found);
    if (ps->tok.kind == T_BAD && ps->tok.len > 1)
        return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col, "invalid number %s", found);
    if (ps->tok.kind == T_BAD)
        return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col, "unexpected %s", found);
    return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col, "expected %s, found %s", what,
                    found);
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

/* ---- reductions ---------------------------------------------------------- */

/* Makes a plain number a CONST leaf (the 2 of `2 * a`). */
static int materialize(parser *ps, operand *o)
{
    if (!o->is_number)
        return 1;
    o->value = mg_leaf_role(ps->g, o->number, MG_ROLE_CONST);
    o->is_number = 0;
    return mg_value_ok(o->value) ? 1 : graph_error(ps, o->line, o->col);
}

/* The engine op of a binary operator token. */
static mg_op binary_op(tok_kind k)
{
    return k == T_PLUS ? MG_OP_ADD : k == T_MINUS ? MG_OP_SUB : k == T_STAR ? MG_OP_MUL
         : k == T_SLASH ? MG_OP_DIV : MG_OP_POW;
}

static int reduce_binary(parser *ps, const pending *p)
{
    operand b = ps->operands[--ps->n_operands];
    operand *a = &ps->operands[ps->n_operands - 1];
    mg_op op = binary_op(p->token);
    if (a->is_number && b.is_number) {
        a->number = mg_op_forward(op, a->number, b.number); /* the engine's formula */
        return 1;
    }
    if (op == MG_OP_POW && b.is_number) {
        /* A constant exponent: micrograd's `x**2`, one value, no exponent leaf. */
        if (!materialize(ps, a))
            return 0;
        a->value = mg_pow(ps->g, a->value, b.number);
    } else {
        if (op == MG_OP_POW)
            op = MG_OP_POWV; /* Value ** Value */
        if (!materialize(ps, a) || !materialize(ps, &b))
            return 0;
        a->value = mg_binary(ps->g, op, a->value, b.value);
    }
    return mg_value_ok(a->value) ? 1 : graph_error(ps, p->line, p->col);
}

static int reduce_unary(parser *ps, const pending *p)
{
    operand *a = &ps->operands[ps->n_operands - 1];
    if (p->kind == K_PLUS)
        return 1;
    if (p->kind == K_NEGATE && a->is_number) {
        a->number = -a->number;
        return 1;
    }
    if (!materialize(ps, a))
        return 0;
    mg_value v = mg_unary(ps->g, p->kind == K_NEGATE ? MG_OP_NEG : p->function, a->value);
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
        if (top->kind == K_PAREN || top->kind == K_CALL)
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

/* ---- expressions --------------------------------------------------------- */

static int is_statement_end(tok_kind k) { return k == T_NEWLINE || k == T_SEMI || k == T_EOF; }

/* An operand position: a number, a name, a call, a prefix sign or '('. */
static int parse_operand_token(parser *ps, int *expect_operand)
{
    token t = ps->tok;
    if (t.kind == T_NUMBER) {
        char buf[512];
        if (t.len >= sizeof buf)
            return error_at(ps, MG_ERR_SYNTAX, t.line, t.col, "number too long (over %zu characters)",
                            sizeof buf - 1);
        memcpy(buf, t.text, t.len);
        buf[t.len] = '\0';
        *expect_operand = 0;
        return push_operand(ps, (operand){.is_number = 1, .number = strtod(buf, NULL),
                                          .line = t.line, .col = t.col});
    }
    if (t.kind == T_MINUS || t.kind == T_PLUS)
        return push_op(ps, (pending){.kind = t.kind == T_MINUS ? K_NEGATE : K_PLUS,
                                     .line = t.line, .col = t.col});
    if (t.kind == T_LPAREN)
        return push_op(ps, (pending){.kind = K_PAREN, .line = t.line, .col = t.col});
    if (t.kind != T_NAME)
        return error_token(ps, "an expression");
    int shown = t.len > 64 ? 64 : (int)t.len;
    const char *dots = t.len > 64 ? "..." : "";
    const struct function *f = find_function(t.text, t.len);
    token after = next_token(&ps->lx);
    if (after.kind == T_LPAREN) {
        if (!f)
            return error_at(ps, MG_ERR_NAME, t.line, t.col,
                            "unknown function '%.*s%s' (functions: tanh exp log relu sigmoid)",
                            shown, t.text, dots);
        ps->tok = after;
        return push_op(ps, (pending){.kind = K_CALL, .function = f->op, .name = t.text,
                                     .name_len = t.len, .line = t.line, .col = t.col}) &&
               push_op(ps, (pending){.kind = K_PAREN, .line = after.line, .col = after.col});
    }
    if (f)
        return error_at(ps, MG_ERR_SYNTAX, t.line, t.col,
                        "'%s' is a function: write %s(x)", f->name, f->name);
    long i = lookup(ps->prog, t.text, t.len);
    if (i < 0)
        return error_at(ps, MG_ERR_NAME, t.line, t.col, "'%.*s%s' is not defined", shown,
                        t.text, dots);
    *expect_operand = 0;
    /* The name was followed by `after`: make it the current token unread. */
    if (!push_operand(ps, (operand){.value = ps->prog->entries[i].value, .line = t.line,
                                    .col = t.col}))
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

/* Parses an expression up to the end of the statement into one operand. */
static int parse_expression(parser *ps)
{
    size_t base_ops = ps->n_ops;
    int expect_operand = 1;
    for (;;) {
        if (expect_operand) {
            if (ps->tok.kind == T_RPAREN && ps->n_ops > base_ops &&
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
        } else if (ps->tok.kind == T_RPAREN) {
            if (ps->n_ops == base_ops)
                return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col, "unmatched ')'");
            if (!close_paren(ps))
                return 0;
        } else if (ps->tok.kind == T_COMMA && ps->n_ops > base_ops) {
            for (size_t i = ps->n_ops; i-- > base_ops + 1;)
                if (ps->ops[i].kind == K_PAREN && ps->ops[i - 1].kind == K_CALL)
                    return error_at(ps, MG_ERR_SYNTAX, ps->tok.line, ps->tok.col,
                                    "'%.*s' takes one argument", (int)ps->ops[i - 1].name_len,
                                    ps->ops[i - 1].name);
            return error_token(ps, "an operator or the end of the statement");
        } else if (is_statement_end(ps->tok.kind)) {
            if (!reduce_while(ps, 0, 0))
                return 0;
            if (ps->n_ops > base_ops) {
                const pending *open = &ps->ops[ps->n_ops - 1];
                return error_at(ps, MG_ERR_SYNTAX, open->line, open->col,
                                "this '(' is never closed");
            }
            return 1;
        } else {
            tok_kind k = ps->tok.kind;
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

/* Gives the statement's result its name: a plain number becomes a named leaf,
 * an unnamed value gets the label, a named one gets an alias. */
static int bind(parser *ps, const token *name, operand *o)
{
    mg_value v = o->value;
    if (o->is_number) {
        v = mg_leaf(ps->g, o->number, NULL);
        if (!mg_value_ok(v))
            return graph_error(ps, name->line, name->col);
    }
    if (!mg_label(ps->g, v, NULL) && mg_set_label_n(ps->g, v, name->text, name->len) != MG_OK)
        return graph_error(ps, name->line, name->col);
    if (!define(ps->prog, name->text, name->len, v, name->line))
        return out_of_memory(ps);
    return 1;
}

static int parse_statement(parser *ps)
{
    token name = ps->tok;
    if (name.kind != T_NAME)
        return error_token(ps, "a name to assign to");
    int shown = name.len > 64 ? 64 : (int)name.len;
    const char *dots = name.len > 64 ? "..." : "";
    if (find_function(name.text, name.len))
        return error_at(ps, MG_ERR_NAME, name.line, name.col,
                        "'%.*s' is a function name and cannot be assigned", shown, name.text);
    ps->tok = next_token(&ps->lx);
    if (ps->tok.kind != T_ASSIGN) {
        char what[128];
        snprintf(what, sizeof what, "'=' after '%.*s%s'", shown, name.text, dots);
        return error_token(ps, what);
    }
    /* Only an assignment redefines: `a` alone on a line lacks its '='. */
    long prior = lookup(ps->prog, name.text, name.len);
    if (prior >= 0)
        return error_at(ps, MG_ERR_NAME, name.line, name.col,
                        "'%.*s%s' is already defined (line %d)", shown, name.text, dots,
                        ps->prog->entries[prior].line);
    ps->tok = next_token(&ps->lx);
    ps->n_operands = 0;
    ps->n_ops = 0;
    if (!parse_expression(ps))
        return 0;
    return bind(ps, &name, &ps->operands[0]);
}

mg_status mg_parse(mg_graph *g, const char *src, size_t len, mg_program **out, mg_error *err)
{
    mg_error scratch;
    parser ps = {.g = g, .err = err ? err : &scratch};
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
    ps.lx = (lexer){.src = src, .end = src + len, .at = src, .line_start = src, .line = 1};
    /* A UTF-8 byte order mark, as some editors write, is not part of line 1. */
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        ps.lx.at = ps.lx.line_start = src + 3;
    int ok = 1;
    for (ps.tok = next_token(&ps.lx); ok && ps.tok.kind != T_EOF;) {
        if (ps.tok.kind == T_NEWLINE || ps.tok.kind == T_SEMI) {
            ps.tok = next_token(&ps.lx);
            continue;
        }
        ok = parse_statement(&ps);
    }
    if (ok && ps.prog->count == 0)
        ok = error_at(&ps, MG_ERR_SYNTAX, ps.tok.line, ps.tok.col,
                      "no statement: write at least one 'name = expression'");
    free(ps.operands);
    free(ps.ops);
    if (!ok) {
        mg_program_free(ps.prog);
        return ps.err->status;
    }
    *out = ps.prog;
    return MG_OK;
}
