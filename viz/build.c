/* Builds the Graphviz graph of a micrograd graph: one record per value, one op
 * node per value made by an op, edges operand -> op -> value, clusters from
 * group paths, and the styling (themes, roles, highlight flags, grad colours). */
#include "viz_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- themes ------------------------------------------------------------------ */

/* Colours of one theme. Roles also differ by line style (leaves square,
 * computed values rounded, constants dashed, parameters bold, the root
 * heavy), so every theme still reads in black and white; so do a lesson's
 * states: this step's value has the heaviest border, the grads it just
 * changed a dotted one (the same in every theme: grey copies of any of them
 * tell the states apart; the lesson page's legend takes them too). */
typedef struct palette {
    const char *bg, *text, *edge, *edge_text;
    const char *fill[4], *line[4]; /* by mg_role: INPUT CONST PARAM RESULT */
    const char *root_fill, *root_line;
    const char *op_fill, *op_line;
    const char *current_fill, *current_line, *changed_fill, *changed_line;
    const char *root_pen, *current_pen, *current_op_pen, *changed_pen, *changed_style;
    const char *dim;
    const char *cluster_fill, *cluster_line;
    const char *neg, *mid, *pos; /* --color-grad: grad < 0, 0, > 0 */
} palette;

/* The lesson's states by line, the same in every theme (penwidths in
 * points; "dotted" is a Graphviz style and a CSS border-style alike). */
#define STATE_LINES                                                                   \
    .root_pen = "3", .current_pen = "5", .current_op_pen = "4", .changed_pen = "2.4", \
    .changed_style = "dotted"

static const palette themes[] = {
    [MG_VIZ_THEME_LIGHT] = {
        .bg = "white", .text = "#1f2933", .edge = "#52606d", .edge_text = "#7b4f00",
        .fill = {"#dbeafe", "#eef0f3", "#fde7b0", "#ffffff"},
        .line = {"#1e4e8c", "#6b7480", "#a15c00", "#3e4c59"},
        .root_fill = "#d3f2dc", .root_line = "#146c36",
        .op_fill = "#eef0f3", .op_line = "#7b8794",
        .current_fill = "#fff3a3", .current_line = "#c2410c",
        .changed_fill = "#ffe0cc", .changed_line = "#c2410c",
        STATE_LINES,
        .dim = "#b8c0ca",
        .cluster_fill = "#f7f9fb", .cluster_line = "#c3cad3",
        .neg = "#c0392b", .mid = "#ffffff", .pos = "#1f5fae",
    },
    [MG_VIZ_THEME_DARK] = {
        .bg = "#16191f", .text = "#e6e9ee", .edge = "#9aa5b1", .edge_text = "#f5c26b",
        .fill = {"#1d3557", "#2a2f38", "#5a3d0a", "#21262e"},
        .line = {"#8ab4f8", "#8d96a3", "#f0b43c", "#c5ccd6"},
        .root_fill = "#14432a", .root_line = "#5ad08a",
        .op_fill = "#2a2f38", .op_line = "#8d96a3",
        .current_fill = "#6b5200", .current_line = "#ffb347",
        .changed_fill = "#5c2f14", .changed_line = "#ffb347",
        STATE_LINES,
        .dim = "#4c5562",
        .cluster_fill = "#1b1f26", .cluster_line = "#3d4450",
        .neg = "#e05545", .mid = "#21262e", .pos = "#4f8fe0",
    },
    [MG_VIZ_THEME_PRINT] = {
        .bg = "white", .text = "black", .edge = "black", .edge_text = "black",
        .fill = {"white", "white", "white", "white"},
        .line = {"black", "black", "black", "black"},
        .root_fill = "#e6e6e6", .root_line = "black",
        .op_fill = "white", .op_line = "black",
        .current_fill = "#c4c4c4", .current_line = "black",
        .changed_fill = "white", .changed_line = "black",
        STATE_LINES,
        .dim = "#999999",
        .cluster_fill = "white", .cluster_line = "black",
        .neg = "#555555", .mid = "white", .pos = "#555555",
    },
};

void viz_theme_css(viz_buf *b, mg_viz_theme theme)
{
    const palette *p = &themes[theme];
    viz_buf_printf(b, "--mg-current-fill:%s;--mg-current-line:%s;"
                      "--mg-changed-fill:%s;--mg-changed-line:%s;--mg-dim:%s;--mg-wrong:%s;"
                      "--mg-current-width:%spx;--mg-changed-width:%spx;--mg-changed-style:%s",
                   p->current_fill, p->current_line, p->changed_fill, p->changed_line, p->dim,
                   p->neg, p->current_pen, p->changed_pen, p->changed_style);
}

static const char font[] = VIZ_FONT;

/* ---- attribute symbols ------------------------------------------------------ */

/* Every attribute is declared once with a neutral default (agxset on an
 * undeclared one silently does nothing). */
typedef struct syms {
    Agsym_t *g_label, *g_style, *g_fill, *g_color, *g_fontcolor, *g_fontsize, *g_labeljust;
    Agsym_t *g_labelloc;
    const char *layer_labelloc;  /* where an outer cluster's title goes */
    const char *neuron_labelloc; /* where an inner cluster's title goes */
    Agsym_t *n_label, *n_shape, *n_style, *n_fill, *n_color, *n_fontcolor, *n_penwidth;
    Agsym_t *n_id, *n_class, *n_tooltip, *n_width, *n_height, *n_fixed, *n_fontsize, *n_margin;
    Agsym_t *e_label, *e_fontsize, *e_color, *e_fontcolor, *e_minlen, *e_headport, *e_weight, *e_style;
    Agsym_t *e_id, *n_ordering, *e_headlabel, *e_labelangle, *e_labeldistance;
} syms;

static void declare(Agraph_t *g, const viz_spec *s, const palette *p, syms *y)
{
    const mg_viz_options *o = s->o;
    agattr(g, AGRAPH, "rankdir", o->rankdir == MG_VIZ_RANKDIR_TB ? "TB" : "LR");
    agattr(g, AGRAPH, "bgcolor", (char *)p->bg);
    agattr(g, AGRAPH, "fontname", (char *)font);
    agattr(g, AGRAPH, "nodesep", "0.25");
    agattr(g, AGRAPH, "ranksep", "0.4");
    agattr(g, AGRAPH, "pad", "0.25");
    y->g_fontcolor = agattr(g, AGRAPH, "fontcolor", (char *)p->text);
    y->g_fontsize = agattr(g, AGRAPH, "fontsize", "18");
    y->g_label = agattr(g, AGRAPH, "label", "");
    y->g_labelloc = agattr(g, AGRAPH, "labelloc", "t");
    y->layer_labelloc = o->rankdir == MG_VIZ_RANKDIR_TB ? "b" : "t";
    y->neuron_labelloc = o->rankdir == MG_VIZ_RANKDIR_TB ? "t" : "b";
    y->g_labeljust = agattr(g, AGRAPH, "labeljust", "c");
    y->g_style = agattr(g, AGRAPH, "style", "");
    y->g_fill = agattr(g, AGRAPH, "fillcolor", "");
    y->g_color = agattr(g, AGRAPH, "color", "");

    agattr(g, AGNODE, "fontname", (char *)font);
    y->n_fontsize = agattr(g, AGNODE, "fontsize", "13");
    y->n_shape = agattr(g, AGNODE, "shape", "record");
    y->n_label = agattr(g, AGNODE, "label", "");
    y->n_style = agattr(g, AGNODE, "style", "filled");
    y->n_fill = agattr(g, AGNODE, "fillcolor", (char *)p->fill[MG_ROLE_RESULT]);
    y->n_color = agattr(g, AGNODE, "color", (char *)p->line[MG_ROLE_RESULT]);
    y->n_fontcolor = agattr(g, AGNODE, "fontcolor", (char *)p->text);
    y->n_penwidth = agattr(g, AGNODE, "penwidth", "1.2");
    y->n_margin = agattr(g, AGNODE, "margin", "0.11,0.07");
    y->n_id = agattr(g, AGNODE, "id", "");
    y->n_class = agattr(g, AGNODE, "class", "");
    y->n_tooltip = agattr(g, AGNODE, "tooltip", "");
    if (s->fixed) {
        y->n_width = agattr(g, AGNODE, "width", "0.75");
        y->n_height = agattr(g, AGNODE, "height", "0.5");
        y->n_fixed = agattr(g, AGNODE, "fixedsize", "false");
    }

    agattr(g, AGEDGE, "fontname", (char *)font);
    y->e_fontsize = agattr(g, AGEDGE, "fontsize", "10");
    agattr(g, AGEDGE, "arrowsize", "0.7");
    y->e_color = agattr(g, AGEDGE, "color", (char *)p->edge);
    agattr(g, AGEDGE, "penwidth", "1.1");
    y->e_fontcolor = agattr(g, AGEDGE, "fontcolor", (char *)p->edge_text);
    y->e_label = agattr(g, AGEDGE, "label", "");
}

/* ---- value records ------------------------------------------------------------ */

static const char *const number_word[VIZ_BOX_NUMBERS] = {"data", "grad", "num"};

/* A number field: "grad -3.0000", or under s->widest the widest text of its
 * many characters (digits are the widest characters a number has, and every
 * one has the same width): what a scene's master layout is sized for. */
static void number_field(char *out, const viz_spec *s, uint32_t i, int kind, double x)
{
    const char *word = number_word[kind];
    size_t n = s->widest ? s->widest[VIZ_BOX_NUMBERS * (size_t)i + (size_t)kind] : 0;
    size_t prefix = strlen(word) + 1;
    if (n > prefix && n < VIZ_FIELD_SIZE) {
        memcpy(out, word, prefix - 1);
        out[prefix - 1] = ' ';
        memset(out + prefix, '8', n - prefix);
        int p = s->o->precision;
        if (p > 0 && n - prefix > (size_t)p + 1)
            out[n - (size_t)p - 1] = '.';
        out[n] = '\0';
        return;
    }
    char num[MG_NUMBER_SIZE];
    if (kind < 2 && s->flags && (s->flags[i] & MG_LESSON_UNKNOWN))
        strcpy(num, "?"); /* not computed yet */
    else
        mg_format_fixed(num, sizeof num, x, s->o->precision);
    snprintf(out, VIZ_FIELD_SIZE, "%s %s", word, num);
}

void viz_box_of(const viz_spec *s, uint32_t i, viz_box *box)
{
    const mg_graph *g = s->g;
    const mg_viz_options *o = s->o;
    mg_value v = mg_value_at(g, i);
    box->label = mg_label(g, v, &box->label_len);
    box->own_label = box->label && box->label_len;
    if (!box->own_label && s->lesson_names) { /* "v13", "(1)": as captions say */
        box->label = mg_lesson_value_name(g, v, box->name, sizeof box->name);
        box->label_len = strlen(box->label);
    }
    if (box->label && !box->label_len)
        box->label = NULL;
    box->count = 0;
    number_field(box->field[box->count++], s, i, 0, mg_data(g, v));
    char num[MG_NUMBER_SIZE];
    int n = snprintf(box->tip, sizeof box->tip, "data %s", mg_format_repr(num, sizeof num, mg_data(g, v)));
    if (!o->forward_only) {
        number_field(box->field[box->count++], s, i, 1, mg_grad(g, v));
        n += snprintf(box->tip + n, sizeof box->tip - (size_t)n, ", grad %s",
                      mg_format_repr(num, sizeof num, mg_grad(g, v)));
        if (o->numeric && !isnan(o->numeric[i])) {
            number_field(box->field[box->count++], s, i, 2, o->numeric[i]);
            snprintf(box->tip + n, sizeof box->tip - (size_t)n, ", numeric %s",
                     mg_format_repr(num, sizeof num, o->numeric[i]));
        }
    }
    box->flags = s->flags ? s->flags[i] : 0;
    box->data = mg_data(g, v);
    box->grad = mg_grad(g, v);
    box->filled = 1;
}

int viz_box_update(const viz_spec *s, uint32_t i, viz_box *box)
{
    mg_value v = mg_value_at(s->g, i);
    double data = mg_data(s->g, v), grad = mg_grad(s->g, v);
    uint8_t flags = s->flags ? s->flags[i] : 0;
    if (box->filled && flags == box->flags && memcmp(&data, &box->data, sizeof data) == 0 &&
        memcmp(&grad, &box->grad, sizeof grad) == 0)
        return 0;
    viz_box_of(s, i, box);
    return 1;
}

void viz_tooltip(viz_buf *b, const viz_box *box, int for_graphviz)
{
    if (box->own_label) {
        if (for_graphviz)
            viz_escape_plain(b, box->label, box->label_len);
        else
            viz_shown_text(b, box->label, box->label_len);
        viz_buf_puts(b, ": ");
    }
    viz_buf_puts(b, box->tip);
}

/* The record label: { label | data X | grad Y } (LR; without the braces for TB,
 * so the fields stay side by side). An unlabelled value shows no label field. */
static void record_label(viz_buf *b, const viz_box *box, int lr)
{
    viz_buf_puts(b, lr ? "{ " : "");
    if (box->label) {
        viz_escape_record(b, box->label, box->label_len);
        viz_buf_puts(b, " | ");
    }
    for (int k = 0; k < box->count; k++)
        viz_buf_printf(b, "%s%s", k ? " | " : "", box->field[k]);
    viz_buf_puts(b, lr ? " }" : "");
}

/* Mixes two #rrggbb colours (t = 0: a, 1: b) into out ("#rrggbb"). */
static void mix(char out[8], const char *a, const char *b, double t)
{
    unsigned ca = 0xffffff, cb = 0xffffff;
    if (a[0] == '#')
        ca = (unsigned)strtoul(a + 1, NULL, 16);
    if (b[0] == '#')
        cb = (unsigned)strtoul(b + 1, NULL, 16);
    unsigned rgb[3];
    for (int k = 0; k < 3; k++) {
        int shift = 16 - 8 * k;
        double x = ((ca >> shift) & 0xff) * (1 - t) + ((cb >> shift) & 0xff) * t;
        rgb[k] = (unsigned)lround(x);
    }
    snprintf(out, 8, "#%02x%02x%02x", rgb[0] & 0xff, rgb[1] & 0xff, rgb[2] & 0xff);
}

/* The largest |grad| drawn (finite ones), for the --color-grad scale. */
static double max_abs_grad(const viz_spec *s)
{
    double m = 0;
    for (size_t i = 0; i < s->size; i++) {
        double x = fabs(mg_grad(s->g, mg_value_at(s->g, i)));
        if ((s->mask[i] & VIZ_DRAWN) && isfinite(x) && x > m)
            m = x;
    }
    return m;
}

/* The fill of a value under --color-grad: a diverging scale, square-root
 * scaled so small grads still show, kept light enough for black text. */
static void grad_fill(char out[8], const palette *p, double grad, double max)
{
    if (!(max > 0) || isnan(grad)) {
        mix(out, p->mid, p->mid, 0);
        return;
    }
    double t = isfinite(grad) ? sqrt(fabs(grad) / max) : 1.0;
    mix(out, p->mid, grad < 0 ? p->neg : p->pos, 0.6 * (t > 1 ? 1 : t));
}

typedef struct node_style {
    const char *style, *fill, *line, *penwidth, *fontcolor;
    char cls[64], stylebuf[40];
} node_style;

static const char *const role_class[] = {"input", "const", "param", "result"};

static void value_style(node_style *st, const viz_spec *s, const palette *p, uint32_t i,
                        double max_grad, char fillbuf[8])
{
    mg_value v = mg_value_at(s->g, i);
    mg_role role = mg_value_role(s->g, v);
    int root = (s->mask[i] & VIZ_ROOT) != 0;
    int leaf = mg_value_op(s->g, v) == MG_OP_LEAF;
    uint8_t f = s->flags ? s->flags[i] : 0;
    st->fill = p->fill[role];
    st->line = p->line[role];
    st->penwidth = role == MG_ROLE_PARAM ? "2.4" : "1.2";
    st->style = leaf ? (role == MG_ROLE_CONST ? "filled,dashed" : "filled") : "rounded,filled";
    st->fontcolor = p->text;
    if (root) {
        st->fill = p->root_fill;
        st->line = p->root_line;
        st->penwidth = p->root_pen;
    }
    if (s->o->color_grad && !s->o->forward_only) {
        grad_fill(fillbuf, p, mg_grad(s->g, v), max_grad);
        st->fill = fillbuf;
        if (mg_grad(s->g, v) < 0) /* the sign without colour: corners cut */
            st->style = leaf ? (role == MG_ROLE_CONST ? "filled,dashed,diagonals"
                                                      : "filled,diagonals")
                             : "filled,diagonals";
    }
    snprintf(st->cls, sizeof st->cls, "value %s%s", role_class[role], root ? " root" : "");
    if (f & MG_LESSON_CHANGED) {
        st->fill = p->changed_fill, st->line = p->changed_line, st->penwidth = p->changed_pen;
        snprintf(st->stylebuf, sizeof st->stylebuf, "%sfilled,%s", leaf ? "" : "rounded,",
                 p->changed_style);
        st->style = st->stylebuf;
        strcat(st->cls, " changed");
    }
    if (f & MG_LESSON_CURRENT) {
        st->fill = p->current_fill, st->line = p->current_line, st->penwidth = p->current_pen;
        st->style = leaf ? "filled" : "rounded,filled";
        strcat(st->cls, " current");
    }
    if (f & MG_LESSON_DIM) {
        st->line = p->dim, st->fontcolor = p->dim;
        strcat(st->cls, " dim");
    }
    if (f & MG_LESSON_UNKNOWN) { /* not computed yet: greyed, its numbers "?" */
        st->line = p->dim, st->fontcolor = p->dim;
        strcat(st->cls, " unknown");
    }
    if (f & MG_LESSON_WRONG) { /* the bug's wrong grad: dashed, so grey print tells it too */
        st->line = p->neg, st->penwidth = "3";
        st->style = leaf ? "filled,dashed" : "rounded,filled,dashed";
        strcat(st->cls, " wrong");
    }
}

/* ---- clusters ----------------------------------------------------------------- */

/* The clusters made so far: path prefix -> subgraph, found by linear search
 * (values of one neuron are consecutive, so the last hit is tried first). */
typedef struct cluster_map {
    char **path;
    Agraph_t **sub;
    uint32_t *last_value; /* per cluster: the value made in it last, or UINT32_MAX */
    size_t count, cap, last;
} cluster_map;

static void clusters_free(cluster_map *m)
{
    for (size_t i = 0; i < m->count; i++)
        free(m->path[i]);
    free(m->path);
    free(m->sub);
    free(m->last_value);
}

static Agraph_t *cluster_find(cluster_map *m, const char *path, size_t len)
{
    if (m->last < m->count && strlen(m->path[m->last]) == len &&
        memcmp(m->path[m->last], path, len) == 0)
        return m->sub[m->last];
    for (size_t i = 0; i < m->count; i++)
        if (strlen(m->path[i]) == len && memcmp(m->path[i], path, len) == 0)
            return m->sub[m->last = i];
    return NULL;
}

/* A new cluster named cluster_<n> (creation order: stable ids) under parent. */
static Agraph_t *cluster_add(cluster_map *m, Agraph_t *parent, const char *path, size_t len,
                             const char *name, size_t name_len, const palette *p,
                             const syms *y, int *nomem)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 8;
        char **np = realloc(m->path, cap * sizeof *np);
        if (np)
            m->path = np;
        Agraph_t **ns = np ? realloc(m->sub, cap * sizeof *ns) : NULL;
        if (ns)
            m->sub = ns;
        uint32_t *nl = ns ? realloc(m->last_value, cap * sizeof *nl) : NULL;
        if (!nl) {
            *nomem = 1;
            return NULL;
        }
        m->last_value = nl;
        m->cap = cap;
    }
    char id[32];
    snprintf(id, sizeof id, "cluster_%zu", m->count);
    char *copy = malloc(len + 1);
    Agraph_t *c = copy ? agsubg(parent, id, 1) : NULL;
    if (!c) {
        free(copy);
        *nomem = 1;
        return NULL;
    }
    memcpy(copy, path, len);
    copy[len] = '\0';
    m->path[m->count] = copy;
    m->sub[m->count] = c;
    m->last_value[m->count] = UINT32_MAX;
    m->last = m->count++;
    viz_buf label = {0};
    viz_escape_plain(&label, name, name_len);
    agxset(c, y->g_label, label.failed ? "" : label.s);
    *nomem |= label.failed;
    viz_buf_free(&label);
    agxset(c, y->g_style, "rounded,filled,dashed");
    agxset(c, y->g_fill, (char *)p->cluster_fill);
    agxset(c, y->g_color, (char *)p->cluster_line);
    /* the outer boxes (layers) titled larger than the inner ones (neurons) */
    agxset(c, y->g_fontsize, parent == agroot(parent) ? "16" : "13");
    /* titled where no edge passes. A layer: in LR at its top right (its
     * first neuron's output leaves it straight below the title, the others
     * lower; the layers' tops are aligned, so the next layer's edges pass
     * under it too), in TB at its bottom right (its edges enter at the top
     * and leave beside its neurons, inside it). A neuron: in LR at its
     * bottom left (edges into a layer come down past its top left corner),
     * in TB at its top right, above its last weight (its inputs come down
     * into its products, left of their weights; its output leaves at the
     * bottom). */
    int outer = parent == agroot(parent);
    agxset(c, y->g_labeljust, outer || y->neuron_labelloc[0] == 't' ? "r" : "l");
    agxset(c, y->g_labelloc, (char *)(outer ? y->layer_labelloc : y->neuron_labelloc));
    return c;
}

/* The innermost cluster of a group path ("layer 1/neuron 2"), made as needed;
 * the root graph for no group; NULL with *nomem on allocation failure. */
static Agraph_t *cluster_of(cluster_map *m, Agraph_t *g, const char *group, const palette *p,
                            const syms *y, int *nomem)
{
    Agraph_t *at = g;
    if (!group)
        return g;
    size_t len = strlen(group);
    for (size_t start = 0; start < len;) {
        const char *slash = memchr(group + start, '/', len - start);
        size_t end = slash ? (size_t)(slash - group) : len;
        if (end > start) { /* empty components ("a//b", "/a") are skipped */
            Agraph_t *c = cluster_find(m, group, end);
            if (!c)
                c = cluster_add(m, at, group, end, group + start, end - start, p, y, nomem);
            if (!c)
                return NULL;
            at = c;
        }
        start = end + 1;
    }
    return at;
}

/* ---- nodes and edges ---------------------------------------------------------- */

/* The op node's text: micrograd's symbols, "-" for neg, "**2" for pow. */
static void op_text(char *buf, size_t size, const mg_graph *g, mg_value v)
{
    mg_op op = mg_value_op(g, v);
    if (op == MG_OP_POW) {
        char k[MG_NUMBER_SIZE];
        mg_format_short(k, sizeof k, mg_pow_exponent(g, v));
        snprintf(buf, size, "**%s", k);
    } else {
        snprintf(buf, size, "%s", op == MG_OP_NEG ? "-" : mg_op_symbol(op));
    }
}

static void set_size(Agnode_t *n, const syms *y, const double *wh)
{
    char w[32], h[32];
    snprintf(w, sizeof w, "%.6f", wh[0]);
    snprintf(h, sizeof h, "%.6f", wh[1]);
    agxset(n, y->n_width, w);
    agxset(n, y->n_height, h);
    agxset(n, y->n_fixed, "true");
}

struct build_ctx;
static void set_tooltip(struct build_ctx *c, Agnode_t *n, const viz_box *box);

/* 1 if operand a lies outside the top-level cluster of v (the first
 * component of v's group path): a layer's input coming from the previous
 * layer, or from the network's inputs. */
static int enters_cluster(const mg_graph *g, mg_value a, mg_value v)
{
    const char *ga = mg_group(g, a), *gv = mg_group(g, v);
    if (!gv)
        return 0;
    size_t n = strcspn(gv, "/");
    return !ga || strcspn(ga, "/") != n || memcmp(ga, gv, n) != 0;
}

/* An op node that opens a layer: its operands come from outside its
 * top-level cluster or are leaves inside it (a neuron's products w * x). */
typedef struct entry_op {
    Agnode_t *op;
    uint32_t value;  /* the value it makes */
    Agraph_t *top;   /* its top-level cluster (a layer) */
    size_t inner;    /* its innermost cluster (a neuron), in creation order */
    size_t seq;      /* creation order among entry ops */
} entry_op;

typedef struct build_ctx {
    const viz_spec *s;
    const palette *p;
    syms y;
    Agraph_t *g;
    Agnode_t **node; /* per value index: its record, or NULL */
    cluster_map clusters;
    entry_op *entries;
    size_t nentries, entries_cap;
    double max_grad;
    int nomem;
} build_ctx;

/* An edge into a top-level cluster spans two ranks instead of one: the
 * cluster's first rank (its weights) then starts after the rank of what feeds
 * it, so successive layers take disjoint rank ranges and dot can set them side
 * by side instead of stacking them in a staircase. Declared on first use, so
 * graphs without clusters keep their DOT text. */
static void set_minlen(build_ctx *c, Agedge_t *e)
{
    if (c->s->plain_ranks)
        return;
    if (!c->y.e_minlen)
        c->y.e_minlen = agattr(c->g, AGEDGE, "minlen", "1");
    if (c->y.e_minlen)
        agxset(e, c->y.e_minlen, "2");
}

/* The top-level cluster holding cluster sub. */
static Agraph_t *top_cluster(Agraph_t *sub)
{
    Agraph_t *root = agroot(sub);
    while (agparent(sub) && agparent(sub) != root)
        sub = agparent(sub);
    return sub;
}

/* Records op (making value, in cluster home) as one that opens its layer. */
static void add_entry(build_ctx *c, Agnode_t *op, uint32_t value, Agraph_t *home)
{
    if (c->nentries == c->entries_cap) {
        size_t cap = c->entries_cap ? 2 * c->entries_cap : 16;
        entry_op *e = realloc(c->entries, cap * sizeof *e);
        if (!e) {
            c->nomem = 1;
            return;
        }
        c->entries = e;
        c->entries_cap = cap;
    }
    c->entries[c->nentries] =
        (entry_op){op, value, top_cluster(home), c->clusters.last, c->nentries};
    c->nentries++;
}

/* For an op whose operands' order matters (-, /, a ** b): dot keeps the
 * in-edges in operand order (first above in LR, left in TB), and each enters
 * its own corner of the op, first at the top left (LR) or left top (TB), so even a
 * bent edge shows which operand is which. Declared on first use, so graphs
 * without such an op keep their DOT text. */
static void mark_operand(build_ctx *c, Agnode_t *op, Agedge_t *e, int k)
{
    syms *y = &c->y;
    if (!y->n_ordering)
        y->n_ordering = agattr(c->g, AGNODE, "ordering", "");
    if (!y->e_headport)
        y->e_headport = agattr(c->g, AGEDGE, "headport", "");
    if (!y->n_ordering || !y->e_headport) {
        c->nomem = 1;
        return;
    }
    int lr = c->s->o->rankdir != MG_VIZ_RANKDIR_TB;
    agxset(op, y->n_ordering, "in");
    agxset(e, y->e_headport, lr ? (k == 0 ? "nw" : "sw") : (k == 0 ? "nw" : "ne"));
}

/* The contribution operand k of v carries back, as a label at the op's end
 * of edge e: the first operand's above its edge, the second's below (left
 * and right in TB), so two edges meeting at an op keep their labels apart.
 * A head label is placed after the layout: labelling edges moves no node.
 * Declared on first use, so pictures without them keep their DOT text. */
static void label_grad(build_ctx *c, Agedge_t *e, mg_value v, int k)
{
    syms *y = &c->y;
    if (!y->e_headlabel) {
        y->e_headlabel = agattr(c->g, AGEDGE, "headlabel", "");
        y->e_labelangle = agattr(c->g, AGEDGE, "labelangle", "-25");
        y->e_labeldistance = agattr(c->g, AGEDGE, "labeldistance", "1");
    }
    if (!y->e_headlabel || !y->e_labelangle || !y->e_labeldistance) {
        c->nomem = 1;
        return;
    }
    char num[MG_NUMBER_SIZE];
    mg_format_fixed(num, sizeof num, mg_value_chain(c->s->g, v, k), c->s->o->precision);
    agxset(e, y->e_headlabel, num);
    agxset(e, y->e_labelangle, k == 0 ? "-40" : "40");
    agxset(e, y->e_labeldistance, "2.2");
    agxset(e, y->e_fontsize, "12"); /* beside the boxes' 13 pt */
}

/* v's op node (in v's cluster) and its edges: one per operand use, so a + a
 * shows two edges, then op -> v. */
static void add_op(build_ctx *c, uint32_t i, Agraph_t *home, Agnode_t *value)
{
    const viz_spec *s = c->s;
    const syms *y = &c->y;
    mg_value v = mg_value_at(s->g, i);
    char name[40], text[80];
    snprintf(name, sizeof name, "v%u_op", i);
    Agnode_t *op = agnode(home, name, 1);
    if (!op) {
        c->nomem = 1;
        return;
    }
    uint8_t f = s->flags ? s->flags[i] : 0;
    if (f & MG_LESSON_UNKNOWN) /* an op not run yet is greyed as its result */
        f |= MG_LESSON_DIM;
    op_text(text, sizeof text, s->g, v);
    viz_buf label = {0};
    viz_escape_plain(&label, text, strlen(text));
    agxset(op, y->n_label, label.failed ? "" : label.s);
    c->nomem |= label.failed;
    viz_buf_free(&label);
    agxset(op, y->n_shape, "ellipse");
    agxset(op, y->n_id, name);
    agxset(op, y->n_class, f & MG_LESSON_CURRENT ? "op current" : f & MG_LESSON_DIM ? "op dim" : "op");
    agxset(op, y->n_fill, (char *)(f & MG_LESSON_CURRENT ? c->p->current_fill : c->p->op_fill));
    agxset(op, y->n_color, (char *)(f & MG_LESSON_CURRENT ? c->p->current_line
                                    : f & MG_LESSON_DIM ? c->p->dim : c->p->op_line));
    agxset(op, y->n_penwidth, (char *)(f & MG_LESSON_CURRENT ? c->p->current_op_pen : "1"));
    agxset(op, y->n_fontsize, "14"); /* one glyph ("*", "+") must read at a glance */
    agxset(op, y->n_margin, "0.05,0.03");
    if (f & MG_LESSON_DIM)
        agxset(op, y->n_fontcolor, (char *)c->p->dim);
    if (s->fixed)
        set_size(op, y, s->fixed + 4 * (size_t)i + 2);
    const mg_op_info *info = mg_op_info_of(mg_value_op(s->g, v));
    int arity = info->arity, ordered = arity == 2 && !info->commutative;
    int enters = 0, inner = 0; /* operands from outside v's layer; computed inside it */
    for (int k = 0; k < arity; k++) {
        mg_value a = mg_operand(s->g, v, k);
        if (!mg_value_ok(a) || a.index >= s->size || !c->node[a.index])
            continue; /* only if the graph lost values under a scene */
        Agedge_t *e = agedge(c->g, c->node[a.index], op, NULL, 1);
        if (!e) {
            c->nomem = 1;
            return;
        }
        int from_outside = home != c->g && enters_cluster(s->g, a, v);
        enters |= from_outside;
        inner |= !from_outside && mg_value_op(s->g, a) != MG_OP_LEAF;
        if (from_outside)
            set_minlen(c, e);
        if (ordered)
            mark_operand(c, op, e, k);
        if (s->o->edge_grads && !s->o->forward_only && !s->fixed)
            label_grad(c, e, v, k);
    }
    if (enters && !inner && !s->plain_ranks)
        add_entry(c, op, i, home);
    Agedge_t *e = agedge(c->g, op, value, NULL, 1);
    if (e && s->edge_ids) { /* a lesson page's script finds it */
        if (!c->y.e_id)
            c->y.e_id = agattr(c->g, AGEDGE, "id", "");
        snprintf(name, sizeof name, "v%u_out", i);
        if (!c->y.e_id || agxset(e, c->y.e_id, name) != 0)
            c->nomem = 1;
    }
    if (!e)
        c->nomem = 1;
    else if (f & MG_LESSON_CURRENT) /* colour only: an edge's penwidth moves dot's nodes */
        agxset(e, y->e_color, (char *)c->p->current_line);
}

/* The SVG tooltip of a value: its numbers in full (the shortest text that
 * reads back to the same double), which the record rounds. */
static void set_tooltip(build_ctx *c, Agnode_t *n, const viz_box *box)
{
    viz_buf t = {0};
    viz_tooltip(&t, box, 1);
    if (t.failed)
        c->nomem = 1;
    else
        agxset(n, c->y.n_tooltip, t.s);
    viz_buf_free(&t);
}

static void add_value(build_ctx *c, uint32_t i)
{
    const viz_spec *s = c->s;
    char name[32], fill[8];
    snprintf(name, sizeof name, "v%u", i);
    mg_value v = mg_value_at(s->g, i);
    Agraph_t *home = s->o->clusters ? cluster_of(&c->clusters, c->g, mg_group(s->g, v), c->p,
                                                 &c->y, &c->nomem)
                                    : c->g;
    Agnode_t *n = home ? agnode(home, name, 1) : NULL;
    viz_buf label = {0};
    viz_box box;
    viz_box_of(s, i, &box);
    record_label(&label, &box, s->o->rankdir == MG_VIZ_RANKDIR_LR);
    if (!n || label.failed) {
        viz_buf_free(&label);
        c->nomem = 1;
        return;
    }
    c->node[i] = n;
    if (home != c->g) /* cluster_of left the innermost cluster last */
        c->clusters.last_value[c->clusters.last] = i;
    node_style st;
    value_style(&st, s, c->p, i, c->max_grad, fill);
    agxset(n, c->y.n_label, label.s);
    viz_buf_free(&label);
    agxset(n, c->y.n_id, name);
    agxset(n, c->y.n_class, st.cls);
    set_tooltip(c, n, &box);
    agxset(n, c->y.n_style, (char *)st.style);
    agxset(n, c->y.n_fill, (char *)st.fill);
    agxset(n, c->y.n_color, (char *)st.line);
    agxset(n, c->y.n_penwidth, (char *)st.penwidth);
    agxset(n, c->y.n_fontcolor, (char *)st.fontcolor);
    if (s->fixed)
        set_size(n, &c->y, s->fixed + 4 * (size_t)i);
    if (mg_value_op(s->g, v) != MG_OP_LEAF)
        add_op(c, i, home, n);
}

/* An invisible edge between a and b, both on one rank: dot then keeps a
 * before b (above in LR, left in TB) without moving either to another rank.
 * dot orders a flat edge's tail first, and LR turns its first to the
 * bottom: there the edge runs from b to a. Returns the edge (NULL, with
 * nomem, if it could not be made). */
static Agedge_t *keep_before(build_ctx *c, Agnode_t *a, Agnode_t *b)
{
    if (!c->y.e_style)
        c->y.e_style = agattr(c->g, AGEDGE, "style", "");
    int lr = c->s->o->rankdir != MG_VIZ_RANKDIR_TB;
    Agedge_t *e = c->y.e_style ? agedge(c->g, lr ? b : a, lr ? a : b, NULL, 1) : NULL;
    if (!e) {
        c->nomem = 1;
        return NULL;
    }
    agxset(e, c->y.e_style, "invis");
    return e;
}

/* With clusters (a network's neurons), the ungrouped input leaves go to the
 * first rank, one column on the left, instead of each sitting beside the
 * first product that reads it (and under the clusters, far from the rest). */
static void inputs_first(build_ctx *c)
{
    const viz_spec *s = c->s;
    Agraph_t *column = NULL;
    for (size_t i = 0; i < s->size && !c->nomem; i++) {
        mg_value v = mg_value_at(s->g, i);
        if (!c->node[i] || mg_group(s->g, v) || mg_value_op(s->g, v) != MG_OP_LEAF ||
            mg_value_role(s->g, v) != MG_ROLE_INPUT)
            continue;
        if (!column) {
            Agsym_t *rank = agattr(c->g, AGRAPH, "rank", "");
            column = rank ? agsubg(c->g, "inputs", 1) : NULL;
            if (!column) {
                c->nomem = 1;
                return;
            }
            agxset(column, rank, "min");
        }
        if (!agsubnode(column, c->node[i], 1))
            c->nomem = 1;
    }
}

static int entry_order(const void *pa, const void *pb)
{
    const entry_op *a = pa, *b = pb;
    if (a->inner != b->inner)
        return a->inner < b->inner ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The rank=same subgraph of the ops that open layer top. */
static Agraph_t *opening_rank(build_ctx *c, Agraph_t *top, Agsym_t *rank)
{
    char name[48];
    snprintf(name, sizeof name, "opens_%s", agnameof(top)); /* not a cluster */
    Agraph_t *same = agsubg(top, name, 1);
    if (!same)
        c->nomem = 1;
    else
        agxset(same, rank, "same");
    return same;
}

/* 1 if the clusters hold one pass through the network: no leaf inside a
 * layer (a weight) opens it twice. The loss over several examples repeats
 * every product once per example: one rank for them all would stack the
 * examples into one tall column, so such graphs keep dot's own ranks. */
static int one_pass(build_ctx *c)
{
    const mg_graph *g = c->s->g;
    uint8_t *seen = calloc(c->s->size ? c->s->size : 1, 1);
    int one = 1;
    if (!seen)
        return !(c->nomem = 1);
    for (size_t i = 0; i < c->nentries && one; i++) {
        mg_value v = mg_value_at(g, c->entries[i].value);
        for (int k = 0; k < mg_op_arity(mg_value_op(g, v)) && one; k++) {
            mg_value a = mg_operand(g, v, k);
            if (mg_value_op(g, a) != MG_OP_LEAF || !mg_group(g, a))
                continue;
            one = !seen[a.index];
            seen[a.index] = 1;
        }
    }
    free(seen);
    return one;
}

/* Sets n's label to the HTML-like text html, on a node of this shape with
 * no margin (the table is the box's inside). 0, with nomem, if it could not. */
static int set_html_label(build_ctx *c, Agnode_t *n, const viz_buf *html, const char *shape)
{
    char *label = n && !html->failed ? agstrdup_html(c->g, html->s) : NULL;
    if (!label) {
        c->nomem = 1;
        return 0;
    }
    agxset(n, c->y.n_label, label);
    agstrfree(c->g, label);
    agxset(n, c->y.n_shape, (char *)shape);
    agxset(n, c->y.n_margin, "0");
    return 1;
}

/* The box as an HTML-like table of one row, on a plain box node: the
 * record's fields side by side, each after the first behind a line of the
 * box's colour. For a value sharing a rank with the op it feeds: dot 2.42
 * drops a flat edge between neighbours on a rank when either is a record
 * ("lost edge"). The node keeps its style (fill, pen, dashes, diagonals). */
static void table_label(build_ctx *c, Agnode_t *n, uint32_t i)
{
    viz_box box;
    viz_box_of(c->s, i, &box);
    const char *line = agxget(n, c->y.n_color);
    long border = lround(strtod(agxget(n, c->y.n_penwidth), NULL));
    viz_buf b = {0}, text = {0};
    viz_buf_puts(&b, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"8\"><TR>");
    for (int k = box.label ? -1 : 0; k < box.count; k++) {
        text.len = 0;
        if (k < 0)
            viz_shown_text(&text, box.label, box.label_len);
        else
            viz_buf_puts(&text, box.field[k]);
        if (k == (box.label ? -1 : 0)) /* a record's least height, 0.5 in */
            viz_buf_puts(&b, "<TD HEIGHT=\"36\">");
        else
            viz_buf_printf(&b, "<TD SIDES=\"L\" BORDER=\"%ld\" COLOR=\"%s\">", border < 1 ? 1 : border,
                           line);
        viz_escape_html(&b, text.failed ? "" : text.s, text.failed ? 0 : text.len);
        viz_buf_puts(&b, "</TD>");
    }
    viz_buf_puts(&b, "</TR></TABLE>");
    b.failed |= text.failed;
    set_html_label(c, n, &b, "box");
    viz_buf_free(&b);
    viz_buf_free(&text);
}

/* The leaf inside its layer that entry e's op reads (a neuron's weight in
 * w * x), moved onto the layer's opening rank beside the op, or NULL. */
static Agnode_t *entry_weight(build_ctx *c, const entry_op *e)
{
    const mg_graph *g = c->s->g;
    mg_value v = mg_value_at(g, e->value);
    for (int k = 0; k < mg_op_arity(mg_value_op(g, v)); k++) {
        mg_value a = mg_operand(g, v, k);
        if (mg_value_op(g, a) == MG_OP_LEAF && !enters_cluster(g, a, v) && c->node[a.index]) {
            table_label(c, c->node[a.index], a.index);
            return c->node[a.index];
        }
    }
    return NULL;
}

/* Sets e's weight to a heavy one: dot keeps e straight (short) before
 * anything lighter. */
static void make_heavy(build_ctx *c, Agedge_t *e)
{
    if (e)
        agxset(e, c->y.e_weight, "1000");
}

/* An invisible node of the spine in cluster home, on the rank of at, and
 * before it if before (held there by a heavy edge: right beside it). */
static Agnode_t *spine_node(build_ctx *c, Agraph_t *home, Agnode_t *at, int before)
{
    char name[64];
    snprintf(name, sizeof name, "spine_%s", agnameof(at));
    Agnode_t *n = agnode(home, name, 1);
    Agraph_t *same = n ? agsubg(home, name, 1) : NULL; /* not a cluster */
    if (!same || !agsubnode(same, n, 1) || !agsubnode(same, at, 1)) {
        c->nomem = 1;
        return NULL;
    }
    agxset(same, agattr(c->g, AGRAPH, "rank", NULL), "same");
    agxset(n, c->y.n_shape, "point");
    agxset(n, c->y.n_style, "invis");
    if (before)
        make_heavy(c, keep_before(c, n, at));
    return n;
}

/* The invisible heavy edge a -> b of a spine (nomem if a or b is NULL). */
static void spine_edge(build_ctx *c, Agnode_t *a, Agnode_t *b)
{
    Agedge_t *e = a && b ? agedge(c->g, a, b, NULL, 1) : NULL;
    if (!e) {
        c->nomem = 1;
        return;
    }
    agxset(e, c->y.e_style, "invis");
    make_heavy(c, e);
}

/* The op node of value i, or NULL. */
static Agnode_t *op_node(build_ctx *c, uint32_t i)
{
    char name[40];
    snprintf(name, sizeof name, "v%u_op", i);
    return agnode(c->g, name, 0);
}

/* The first operand of value i computed in its own cluster (group): the
 * chain of a neuron's sums, back from its activation, goes through it (not
 * through the bias). UINT32_MAX if none. */
static uint32_t chain_operand(build_ctx *c, uint32_t i, const char *group)
{
    const mg_graph *g = c->s->g;
    mg_value v = mg_value_at(g, i);
    for (int k = 0; k < mg_op_arity(mg_value_op(g, v)); k++) {
        mg_value a = mg_operand(g, v, k);
        const char *ga = mg_group(g, a);
        if (mg_value_op(g, a) != MG_OP_LEAF && a.index < i && c->node[a.index] && ga &&
            strcmp(ga, group) == 0)
            return a.index;
    }
    return UINT32_MAX;
}

/* The top (LR) or left side (TB) of a layer: its first neuron (e's
 * cluster) from e, the layer's first product, to its output (the value made
 * in it last) along its chain of sums, and before it on every rank an
 * invisible line, the spine. The chain's edges are heavy, so it runs
 * straight; align_layers makes the edge from one layer's chain to the next
 * layer's first product heavy too, so the chains of all layers make one
 * line, and the spines (each as straight, at the same distance from it)
 * another: every layer's box then starts at the same place, where without
 * them dot sets each layer where the edges from the previous one pull it.
 * The spine is held before the ops of the chain (every other rank; between
 * them it passes before the values, where it crosses nothing); ops, not
 * values, as dot drops a flat edge beside a record. Returns the spine's
 * node on e's rank, not yet held before anything there; NULL if the cluster
 * made no value (the layer gets no spine). */
static Agnode_t *add_spine(build_ctx *c, const entry_op *e)
{
    Agraph_t *home = c->clusters.sub[e->inner];
    uint32_t i = c->clusters.last_value[e->inner];
    if (i == UINT32_MAX)
        return NULL;
    const char *group = mg_group(c->s->g, mg_value_at(c->s->g, i));
    Agnode_t *next = spine_node(c, home, c->node[i], 0);
    while (next && i != e->value) {
        Agnode_t *op = op_node(c, i);
        uint32_t from = op ? chain_operand(c, i, group) : UINT32_MAX;
        if (from == UINT32_MAX) /* no chain back to e: on to its rank from here */
            break;
        Agnode_t *at = spine_node(c, home, op, 1);
        make_heavy(c, agedge(c->g, op, c->node[i], NULL, 0));
        make_heavy(c, agedge(c->g, c->node[from], op, NULL, 0));
        spine_edge(c, at, next);
        next = at;
        i = from;
    }
    if (i == e->value)
        make_heavy(c, agedge(c->g, e->op, c->node[i], NULL, 0));
    Agnode_t *start = next ? spine_node(c, home, e->op, 0) : NULL;
    spine_edge(c, start, next);
    return c->nomem ? NULL : start;
}

/* 1 if the edge in comes from a value drawn in a cluster (the previous
 * layer, not the network's inputs). */
static int from_cluster(build_ctx *c, Agedge_t *in)
{
    const char *name = agnameof(agtail(in)); /* a value's: "v12" */
    char *end = NULL;
    unsigned long i = name[0] == 'v' ? strtoul(name + 1, &end, 10) : ULONG_MAX;
    return i < c->s->size && end && end != name + 1 && !*end &&
           mg_group(c->s->g, mg_value_at(c->s->g, (uint32_t)i)) != NULL;
}

/* Layers as columns, neurons in order: the ops that open a layer (its
 * neurons' products) share one rank, so every neuron of a layer starts at
 * the same place, and are chained in neuron order, so the neurons read 1, 2,
 * 3 down the column (left to right in TB) whatever dot's crossing
 * minimisation would prefer (every order crosses as much in a fully
 * connected layer). Each product's weight shares that rank, below the
 * product (LR; at its right in TB): left of it, the weights' rank would lie
 * where the edges from the previous layer pass, and dot keeps those out of a
 * layer's box, pushing the layer down (a staircase). A spine (add_spine)
 * aligns the layers. newrank lets one rank constraint span the neuron
 * clusters. */
static void align_layers(build_ctx *c)
{
    if (!c->nentries || !one_pass(c))
        return;
    Agsym_t *rank = agattr(c->g, AGRAPH, "rank", "");
    /* heavy: an edge into a layer stays short */
    c->y.e_weight = agattr(c->g, AGEDGE, "weight", "1");
    if (!c->y.e_style)
        c->y.e_style = agattr(c->g, AGEDGE, "style", "");
    /* no final mincross over the whole graph: it reorders a neuron's
     * products against their chain (w2 * x2 above w1 * x1) */
    if (!rank || !c->y.e_weight || !c->y.e_style || !agattr(c->g, AGRAPH, "newrank", "true") ||
        !agattr(c->g, AGRAPH, "remincross", "false")) {
        c->nomem = 1;
        return;
    }
    int tb = c->s->o->rankdir == MG_VIZ_RANKDIR_TB;
    qsort(c->entries, c->nentries, sizeof *c->entries, entry_order);
    Agraph_t *top = NULL, *same = NULL;
    Agnode_t *last = NULL; /* the last node on the rank so far */
    for (size_t i = 0; i < c->nentries && !c->nomem; i++) {
        entry_op *e = &c->entries[i];
        int opens = e->top != top; /* the layer's first product */
        if (opens) { /* layers are contiguous: the clusters nest */
            top = e->top;
            if (!(same = opening_rank(c, top, rank)))
                return;
            last = add_spine(c, e);
        }
        Agnode_t *w = entry_weight(c, e);
        if (last) {
            Agedge_t *k = keep_before(c, last, e->op);
            if (opens)
                make_heavy(c, k);
        }
        /* The weight after its product. In LR the flat edge w -> op does
         * it (dot puts a flat edge's tail first, and LR turns first to the
         * bottom); in TB an invisible op -> w, whose cycle with w -> op dot
         * breaks by turning w -> op around. */
        if (w && tb)
            keep_before(c, e->op, w);
        last = w ? w : e->op;
        if (!agsubnode(same, e->op, 1) || (w && !agsubnode(same, w, 1)))
            c->nomem = 1;
        for (Agedge_t *in = agfstin(c->g, e->op); in; in = agnxtin(c->g, in))
            if (agxget(in, c->y.e_minlen)[0] == '2') {
                agxset(in, c->y.e_weight, "10");
                if (opens && from_cluster(c, in)) /* from the previous layer's chain */
                    make_heavy(c, in);
            }
    }
}

/* Sets n's label to the HTML-like text html (a key's table), as plain text
 * on a plaintext node with id and class "legend". */
static void set_key(build_ctx *c, Agnode_t *n, const char *id, viz_buf *html)
{
    if (!set_html_label(c, n, html, "plaintext"))
        return;
    agxset(n, c->y.n_style, "");
    agxset(n, c->y.n_id, (char *)id);
    agxset(n, c->y.n_class, "legend");
}

/* ---- the --color-grad scale ----------------------------------------------------- */

/* One swatch of the scale: the fill of grad, the grad written below. */
static void scale_cell(viz_buf *b, const palette *p, double grad, double max, int precision)
{
    char fill[8], num[MG_NUMBER_SIZE];
    grad_fill(fill, p, grad, max);
    mg_format_fixed(num, sizeof num, grad, precision);
    viz_buf_printf(b, "<TD BGCOLOR=\"%s\" WIDTH=\"60\">%s</TD>", fill, num);
}

/* The key to --color-grad: a node holding the scale from -max to +max (the
 * largest |grad| drawn), five swatches, and what marks a negative grad in
 * black and white. A node, not a cluster's label: dot keeps edges off it. */
static void add_grad_scale(build_ctx *c)
{
    const palette *p = c->p;
    double m = c->max_grad;
    viz_buf b = {0};
    viz_buf_printf(&b, "<TABLE BORDER=\"1\" COLOR=\"%s\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
                       "CELLPADDING=\"4\"><TR><TD COLSPAN=\"5\">fill: grad (square-root "
                       "scale)</TD></TR><TR>", p->op_line);
    static const double at[] = {-1, -0.25, 0, 0.25, 1};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++)
        scale_cell(&b, p, at[i] * m, m, c->s->o->precision);
    viz_buf_puts(&b, "</TR><TR><TD COLSPAN=\"5\">corners cut: grad &lt; 0</TD></TR></TABLE>");
    set_key(c, agnode(c->g, "grad_scale", 1), "grad_scale", &b);
    viz_buf_free(&b);
}

/* ---- the neuron view ------------------------------------------------------------ */

/* A node for value i: its own record, or with `title` a neuron's record
 * { neuron 3 | data X | grad Y }; styled by its role, in home. */
static Agnode_t *view_node(build_ctx *c, Agraph_t *home, uint32_t i, const char *title)
{
    const viz_spec *s = c->s;
    char name[32], fill[8], num[64];
    snprintf(name, sizeof name, "v%u", i);
    Agnode_t *n = agnode(home, name, 1);
    viz_buf label = {0};
    if (title) {
        mg_value v = mg_value_at(s->g, i);
        int lr = s->o->rankdir == MG_VIZ_RANKDIR_LR;
        mg_format_fixed(num, sizeof num, mg_data(s->g, v), s->o->precision);
        viz_buf_printf(&label, "%s%s | data %s", lr ? "{ " : "", title, num);
        if (!s->o->forward_only) {
            mg_format_fixed(num, sizeof num, mg_grad(s->g, v), s->o->precision);
            viz_buf_printf(&label, " | grad %s", num);
        }
        viz_buf_puts(&label, lr ? " }" : "");
    } else {
        viz_box box;
        viz_box_of(s, i, &box);
        record_label(&label, &box, s->o->rankdir == MG_VIZ_RANKDIR_LR);
    }
    if (!n || label.failed) {
        viz_buf_free(&label);
        c->nomem = 1;
        return NULL;
    }
    node_style st;
    value_style(&st, s, c->p, i, c->max_grad, fill);
    if (title)
        strcat(st.cls, " neuron");
    agxset(n, c->y.n_label, label.s);
    viz_buf_free(&label);
    agxset(n, c->y.n_id, name);
    agxset(n, c->y.n_class, st.cls);
    agxset(n, c->y.n_style, (char *)st.style);
    agxset(n, c->y.n_fill, (char *)st.fill);
    agxset(n, c->y.n_color, (char *)st.line);
    agxset(n, c->y.n_penwidth, (char *)st.penwidth);
    agxset(n, c->y.n_fontcolor, (char *)st.fontcolor);
    return n;
}

/* Edge attributes only the neuron view sets (declared here so the scalar
 * picture's DOT text stays as it was). */
typedef struct view_syms {
    Agsym_t *style, *penwidth, *tooltip, *tailport, *headport;
} view_syms;

/* A weight's edge: coloured by its sign (negative also dashed, for print),
 * as thick as its size relative to the largest weight. */
static void weight_edge(build_ctx *c, const view_syms *vy, Agnode_t *from, Agnode_t *to,
                        double w, double wmax)
{
    Agedge_t *e = agedge(c->g, from, to, NULL, 1);
    if (!e) {
        c->nomem = 1;
        return;
    }
    char text[96], num[64];
    double t = wmax > 0 && isfinite(w) ? fabs(w) / wmax : 0;
    snprintf(text, sizeof text, "%.2f", 0.4 + 2.6 * (t > 1 ? 1 : t));
    agxset(e, vy->penwidth, text);
    agxset(e, vy->tailport, c->s->o->rankdir == MG_VIZ_RANKDIR_TB ? "s" : "e");
    agxset(e, vy->headport, c->s->o->rankdir == MG_VIZ_RANKDIR_TB ? "n" : "w");
    agxset(e, c->y.e_color, (char *)(w < 0 ? c->p->neg : c->p->pos));
    if (w < 0)
        agxset(e, vy->style, "dashed");
    mg_format_fixed(num, sizeof num, w, c->s->o->precision);
    snprintf(text, sizeof text, "w = %s", num);
    agxset(e, vy->tooltip, text);
}

/* One layer's cluster "layer L (tanh)" and its neurons, with an edge from
 * every node of the previous column weighted by the neuron's weight. */
static void view_layer(build_ctx *c, const view_syms *vy, size_t l, Agnode_t **prev,
                       Agnode_t **cur, double wmax)
{
    const viz_neurons *nv = c->s->neurons;
    const mg_graph *g = c->s->g;
    char path[64], text[96];
    snprintf(path, sizeof path, "layer %zu", l + 1);
    Agraph_t *cluster = cluster_of(&c->clusters, c->g, path, c->p, &c->y, &c->nomem);
    if (!cluster)
        return;
    snprintf(text, sizeof text, "layer %zu (%s)", l + 1,
             mg_activation_name(mg_mlp_activation(nv->m, l)));
    agxset(cluster, c->y.g_label, text);
    size_t nin = mg_mlp_size(nv->m, l);
    for (size_t j = 0; j < mg_mlp_size(nv->m, l + 1) && !c->nomem; j++) {
        snprintf(text, sizeof text, "neuron %zu", j + 1);
        cur[j] = view_node(c, cluster, nv->out[nv->first[l] + j], text);
        for (size_t i = 0; i < nin && cur[j]; i++)
            weight_edge(c, vy, prev[i], cur[j], mg_data(g, mg_mlp_weight(nv->m, l, j, i)), wmax);
    }
}

/* The key to the neuron view's edges: colour and dashes by the weight's
 * sign, width by its size up to the largest |w|. */
static void add_weight_key(build_ctx *c, double wmax)
{
    const palette *p = c->p;
    char num[MG_NUMBER_SIZE];
    mg_format_fixed(num, sizeof num, wmax, c->s->o->precision);
    viz_buf b = {0};
    viz_buf_printf(&b, "<TABLE BORDER=\"1\" COLOR=\"%s\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
                       "CELLPADDING=\"4\"><TR><TD ALIGN=\"LEFT\">an edge is a weight w:</TD></TR>"
                       "<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\">&#8212;&#8212;&#8212; solid: "
                       "w &gt; 0</FONT></TD></TR><TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\">- - - "
                       "dashed: w &lt; 0</FONT></TD></TR><TR><TD ALIGN=\"LEFT\">width: |w|, "
                       "thickest %s</TD></TR></TABLE>",
                   p->op_line, p->pos, p->neg, num);
    set_key(c, agnode(c->g, "weight_key", 1), "weight_key", &b);
    viz_buf_free(&b);
}

/* The largest |weight| of the network, for edge widths. */
static double max_abs_weight(const mg_graph *g, const mg_mlp *m)
{
    double w = 0;
    for (size_t l = 0; l < mg_mlp_layers(m); l++)
        for (size_t j = 0; j < mg_mlp_size(m, l + 1); j++)
            for (size_t i = 0; i < mg_mlp_size(m, l); i++) {
                double x = fabs(mg_data(g, mg_mlp_weight(m, l, j, i)));
                if (isfinite(x) && x > w)
                    w = x;
            }
    return w;
}

/* The neuron view: inputs, one cluster per layer, one node per neuron,
 * edges between the neurons of adjacent layers, then every root that is not
 * a neuron (a loss) with an edge from each output. */
static void add_neurons(build_ctx *c)
{
    const viz_spec *s = c->s;
    const viz_neurons *nv = s->neurons;
    size_t width = mg_mlp_size(nv->m, 0);
    for (size_t l = 1; l <= nv->layers; l++)
        if (mg_mlp_size(nv->m, l) > width)
            width = mg_mlp_size(nv->m, l);
    Agnode_t **col = calloc(2 * width, sizeof *col);
    view_syms vy = {agattr(c->g, AGEDGE, "style", ""), agattr(c->g, AGEDGE, "penwidth", NULL),
                    agattr(c->g, AGEDGE, "tooltip", ""), agattr(c->g, AGEDGE, "tailport", ""),
                    agattr(c->g, AGEDGE, "headport", "")};
    /* Every layer is fully connected, so reordering neurons saves few
     * crossings: keep them in their order, top to bottom, as the text reads. */
    Agsym_t *mclimit = agattr(c->g, AGRAPH, "mclimit", "0.01");
    /* room between the columns for the fan of edges, so each stays visible */
    agattr(c->g, AGRAPH, "ranksep", "1.2");
    Agraph_t *inputs = cluster_of(&c->clusters, c->g, "inputs", c->p, &c->y, &c->nomem);
    if (!col || !vy.style || !vy.penwidth || !vy.tooltip || !vy.tailport || !vy.headport ||
        !mclimit || !inputs) {
        free(col);
        c->nomem = 1;
        return;
    }
    for (size_t i = 0; i < mg_mlp_size(nv->m, 0) && !c->nomem; i++)
        col[i] = view_node(c, inputs, nv->in[i], NULL);
    double wmax = max_abs_weight(s->g, nv->m);
    add_weight_key(c, wmax);
    Agnode_t **prev = col, **cur = col + width;
    for (size_t l = 0; l < nv->layers && !c->nomem; l++) {
        view_layer(c, &vy, l, prev, cur, wmax);
        Agnode_t **t = prev;
        prev = cur, cur = t;
    }
    for (size_t i = 0; i < s->size && !c->nomem; i++) {
        int neuron = 0;
        for (size_t k = 0; k < nv->total && !neuron; k++)
            neuron = nv->out[k] == i;
        if (!(s->mask[i] & VIZ_ROOT) || neuron)
            continue;
        Agnode_t *head = view_node(c, c->g, (uint32_t)i, NULL);
        for (size_t j = 0; head && j < mg_mlp_size(nv->m, nv->layers); j++)
            if (!agedge(c->g, prev[j], head, NULL, 1))
                c->nomem = 1;
    }
    free(col);
}

/* ---- deterministic subgraph ids ---------------------------------------------------- */

/* cgraph's default ids for named objects are the addresses of their interned
 * names, and subgraphs are kept (and laid out) in id order: with clusters, the
 * layout and the output would then depend on malloc's state, differing between
 * renders in one process. This discipline numbers named graphs in creation
 * order instead (even ids, as cgraph expects of named objects); nodes and
 * edges keep the default ids (they are ordered by creation sequence anyway).
 * Names are interned with agstrdup, like cgraph's own, and freed with its pool. */
typedef struct id_state {
    Agraph_t *g;
    char **names;
    size_t count, cap;
} id_state;

/* The disciplines of one graph, with its id state made beforehand: cgraph
 * does not check what the id discipline's open returns, so open cannot be the
 * one to allocate (a NULL state would crash the next call), nor can the
 * mapping of the root graph's name fail (agopen would go on with an unnamed
 * graph): the state comes with room for the first names. agopen passes this
 * struct's address to open and keeps nothing of it. */
typedef struct build_disc {
    Agdisc_t disc; /* first: open receives &disc */
    id_state *state;
} build_disc;

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
    id_state *st = ((build_disc *)disc)->state;
    st->g = g;
    return st;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    id_state *st = state;
    if (objtype != AGRAPH || !str)
        return AgIdDisc.map(st->g, objtype, str, id, createflag);
    for (size_t i = 0; i < st->count; i++)
        if (strcmp(st->names[i], str) == 0) {
            *id = 2 * (IDTYPE)(i + 1);
            return 1;
        }
    if (!createflag)
        return 0;
    if (st->count == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 16;
        char **names = realloc(st->names, cap * sizeof *names);
        if (!names)
            return 0;
        st->names = names;
        st->cap = cap;
    }
    /* interned: agwrite reads the string's header (is it HTML?) */
    char *copy = agstrdup(st->g, str);
    if (!copy)
        return 0;
    st->names[st->count++] = copy;
    *id = 2 * (IDTYPE)st->count;
    return 1;
}

static long ids_alloc(void *state, int objtype, IDTYPE id)
{
    return AgIdDisc.alloc(((id_state *)state)->g, objtype, id);
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
    if (objtype != AGRAPH || id % 2 != 0)
        AgIdDisc.free(((id_state *)state)->g, objtype, id);
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
    id_state *st = state;
    if (objtype == AGRAPH && id % 2 == 0 && id >= 2 && id / 2 <= st->count)
        return st->names[id / 2 - 1];
    return AgIdDisc.print(st->g, objtype, id);
}

static void ids_close(void *state)
{
    id_state *st = state; /* the names go with the graph's string pool */
    free(st->names);
    free(st);
}

static void ids_register(void *state, int objtype, void *obj)
{
    if (AgIdDisc.idregister)
        AgIdDisc.idregister(((id_state *)state)->g, objtype, obj);
}

static Agiddisc_t sequential_ids = {ids_open, ids_map, ids_alloc, ids_free,
                                    ids_print, ids_close, ids_register};

/* ---- the graph ------------------------------------------------------------------ */

Agraph_t *viz_build(const viz_spec *s)
{
    size_t size = s->size;
    build_ctx c = {.s = s, .p = &themes[s->o->theme]};
    Agdesc_t directed = Agdirected;
    build_disc disc = {{&AgMemDisc, &sequential_ids, &AgIoDisc}, calloc(1, sizeof(id_state))};
    if (disc.state) {
        disc.state->cap = 16;
        disc.state->names = malloc(disc.state->cap * sizeof *disc.state->names);
    }
    if (!disc.state || !disc.state->names) {
        free(disc.state);
        return NULL;
    }
    c.g = agopen("micrograd", directed, &disc.disc); /* from here agclose frees the state */
    c.node = calloc(size ? size : 1, sizeof *c.node);
    if (!c.g || !c.node) {
        if (c.g)
            agclose(c.g);
        else
            ids_close(disc.state);
        free(c.node);
        return NULL;
    }
    declare(c.g, s, c.p, &c.y);
    if (s->o->title && s->o->title[0]) {
        viz_buf t = {0};
        viz_escape_plain(&t, s->o->title, strlen(s->o->title));
        agxset(c.g, c.y.g_label, t.failed ? "" : t.s);
        c.nomem |= t.failed;
        viz_buf_free(&t);
    }
    if (s->o->color_grad)
        c.max_grad = max_abs_grad(s);
    if (s->neurons) {
        add_neurons(&c);
    } else {
        /* Creation order: the layout and every output byte depend on it. */
        for (size_t i = 0; i < size && !c.nomem; i++)
            if (s->mask[i] & VIZ_DRAWN)
                add_value(&c, (uint32_t)i);
        if (!c.nomem && c.clusters.count)
            inputs_first(&c);
        if (!c.nomem)
            align_layers(&c);
    }
    if (!c.nomem && s->o->color_grad && !s->o->forward_only)
        add_grad_scale(&c);
    clusters_free(&c.clusters);
    free(c.entries);
    free(c.node);
    if (c.nomem) {
        agclose(c.g);
        return NULL;
    }
    return c.g;
}
