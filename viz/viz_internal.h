/* Private plumbing of the viz module, shared by viz.c (renderer), build.c
 * (micrograd graph -> Graphviz graph), scene.c (one layout, many frames) and
 * page.c (the lesson page). */
#ifndef MICROGRAD_VIZ_INTERNAL_H
#define MICROGRAD_VIZ_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <micrograd/format.h>
#include <micrograd/lesson.h>
#include <micrograd/nn.h>
#include <micrograd/viz.h>

/* The longest label shown, in bytes of the original label (cut at a UTF-8
 * boundary and ended with an ellipsis): keeps records readable and far below
 * the DOT reader's ~16 KB string limit. */
#define VIZ_LABEL_MAX 120

/* Mask bits of the values drawn (an array indexed by value index). */
enum { VIZ_DRAWN = 1, VIZ_ROOT = 2 };

struct mg_viz {
    GVC_t *gvc;
};

/* The pictures' one font (drawn with Liberation Sans, metric-compatible with
 * both names). */
#define VIZ_FONT "Helvetica,Arial,sans-serif"

/* Text measured as Graphviz's pango plugin measures it, without starting
 * fontconfig (textlayout.c). viz_text_measure sets span's size and offsets as
 * the plugin would and returns 1, or returns 0 (span untouched) when the table
 * does not cover it (another font, bold or italic, a character outside it). */
int viz_text_measure(textspan_t *span);
/* Makes the table the context's text measure (pango measuring the rest);
 * nothing when the pango plugin or the hook is missing. */
void viz_textlayout_install(GVC_t *gvc);
/* Whether the next layouts will be drawn by cairo (PNG, PDF), which needs
 * pango's own layout of every text. Under the Graphviz lock. */
void viz_textlayout_for_cairo(int cairo);

#include "text.h"

/* Appends label bytes escaped for a record field (GRAPHVIZ.md): `{}|<>\` get a
 * backslash, & becomes &amp;, control bytes are dropped, long labels are cut. */
void viz_escape_record(viz_buf *b, const char *bytes, size_t len);
/* Appends text escaped for a plain (non-record) label: `\` doubled, control
 * bytes dropped, long text cut. */
void viz_escape_plain(viz_buf *b, const char *bytes, size_t len);

/* Appends label bytes as a picture shows them (cut, whitespace as spaces,
 * control bytes dropped, invalid UTF-8 as Latin-1): the text a page script
 * puts in an SVG <text>. */
void viz_shown_text(viz_buf *b, const char *bytes, size_t len);

/* Appends text escaped for HTML (an element's text or a quoted attribute):
 * & < > " as entities, every other byte as it is. */
void viz_escape_html(viz_buf *b, const char *bytes, size_t len);

/* Appends the highlight colours of a theme's palette as CSS custom properties
 * ("--mg-current-fill:#fff3a3;..."): the lesson page colours its legend and
 * accents with the very colours the pictures use. */
void viz_theme_css(viz_buf *b, mg_viz_theme theme);

/* Checks options; MG_OK or MG_ERR_INVALID with the reason in err. */
mg_status viz_check_options(const mg_viz_options *o, mg_error *err);

/* Fills mask (mg_graph_size(g) bytes, zeroed by the caller) with VIZ_DRAWN for
 * every value the roots depend on and VIZ_ROOT for the roots; returns the
 * number drawn, or 0 if a root is not a value of g. */
size_t viz_mark(const mg_graph *g, const mg_value *roots, size_t n, uint8_t *mask);

/* The neuron view's map of a network onto one example's forward graph. */
typedef struct viz_neurons {
    const mg_mlp *m;
    size_t layers, total; /* layers; neurons in all */
    size_t *first;        /* per layer (and one past the last): its first neuron's flat index */
    uint32_t *out;        /* per neuron: the value index of its output */
    size_t *count;        /* per neuron: its values drawn (scratch) */
    uint32_t *in;         /* per network input: its value index */
} viz_neurons;

/* Fills nv from the drawn values (mask, size entries): MG_OK, or
 * MG_ERR_INVALID (not one example's annotated forward graph of m) or
 * MG_ERR_NOMEM, with nv empty and the reason in err. Free with
 * viz_neurons_free. */
mg_status viz_neurons_find(viz_neurons *nv, const mg_graph *g, const mg_mlp *m,
                           const uint8_t *mask, size_t size, mg_error *err);
void viz_neurons_free(viz_neurons *nv);

/* What one Graphviz graph is built from. */
typedef struct viz_spec {
    const mg_graph *g;
    const mg_viz_options *o;
    size_t size;                /* entries of mask (and flags, when given) */
    const uint8_t *mask;        /* VIZ_DRAWN / VIZ_ROOT per value */
    const uint8_t *flags;       /* MG_LESSON_* per value, or NULL */
    size_t drawn;               /* values with VIZ_DRAWN */
    const uint8_t *widest;      /* per value, VIZ_BOX_NUMBERS entries: instead of
                                 * each number field, show the widest text of
                                 * this many characters (0: the number itself;
                                 * a scene's master layout), or NULL */
    const double *fixed;        /* per value: value box w,h then op node w,h
                                 * (4 doubles, inches) for scene frames, or NULL */
    int plain_ranks;            /* 1: no minlen on edges entering a cluster */
    const viz_neurons *neurons; /* the neuron view of this network, or NULL */
    int lesson_names;           /* 1: a value without a label shows the name
                                 * captions call it (mg_lesson_value_name) */
    struct viz_pdf_box *pdf_box; /* "pdf": draw into this box of a page, not
                                        * a document of its own (the handout) */
    int edge_ids;               /* 1: each op -> value edge gets the id "v12_out"
                                 * (the lesson page's script finds it) */
} viz_spec;

/* What one value's box shows: its label field, its number fields ("data
 * 2.0000", "grad -3.0000", "num 6.0000") in the order drawn, its tooltip's
 * numbers and its highlight flags. The one place that says it: the record
 * builder draws it and the lesson page sends each frame's changes of it. */
#define VIZ_BOX_NUMBERS 3
#define VIZ_FIELD_SIZE (MG_NUMBER_SIZE + 8)
typedef struct viz_box {
    const char *label;  /* the label field's bytes (not escaped), or NULL */
    size_t label_len;
    int own_label;      /* 1: the value's own label (the tooltip starts with it) */
    int count;          /* number fields */
    char field[VIZ_BOX_NUMBERS][VIZ_FIELD_SIZE];
    char tip[3 * MG_NUMBER_SIZE + 32]; /* "data 2.0, grad 6.0" */
    uint8_t flags;      /* MG_LESSON_* */
    char name[96];      /* room for a lesson name (label may point here) */
    double data, grad;  /* what it was made from, with flags */
    int filled;         /* 1 once viz_box_of filled it */
} viz_box;

/* Fills box with what value i (drawn in spec) shows now. Can't fail. A box
 * is a function of its value's data, grad and flags and of what no lesson
 * frame changes (labels, options, spec->widest): viz_box_update relies on it. */
void viz_box_of(const viz_spec *spec, uint32_t i, viz_box *box);
/* viz_box_of, unless box was filled from the same data, grad (bit for bit)
 * and flags; returns 1 if it filled box anew. */
int viz_box_update(const viz_spec *spec, uint32_t i, viz_box *box);
/* Appends the box's tooltip: for Graphviz (its label escaped for a plain
 * label) or as shown (for a page script). */
void viz_tooltip(viz_buf *b, const viz_box *box, int for_graphviz);

/* Edges entering a cluster span two ranks (layers side by side) only in
 * graphs up to this many values: dot 2.42 sometimes loses such an edge in
 * wide clustered graphs ("lost edge"), and a failed layout of a big graph is
 * slow to retry. */
#define VIZ_MINLEN_MAX 600

/* What laying out a spec will cost dot, estimated before it runs. */
typedef struct viz_cost {
    size_t nodes;         /* value boxes, op nodes, neuron view nodes */
    size_t edges;
    size_t virtual_nodes; /* one per rank an edge crosses, as dot adds them */
    size_t span;          /* the longest edge, in ranks */
} viz_cost;

/* Fills cost for spec: MG_OK or MG_ERR_NOMEM. */
mg_status viz_estimate_cost(const viz_spec *spec, viz_cost *cost);
/* The size of the graph dot's positioning solves: what its time grows with. */
size_t viz_cost_units(const viz_cost *cost);

/* The layout size allowed per value of o->max_nodes: at the default limit
 * (2,000) 16,000, measured to take at most ~3 s of CPU with the settings of
 * viz_bound_layout (bench/README.md). */
#define VIZ_UNITS_PER_VALUE 8
/* Layouts up to this size are solved to the end (the pictures of small graphs
 * stay exactly as dot draws them by default). */
#define VIZ_UNITS_EXACT 2000

/* Estimates spec's cost into *cost; MG_OK, MG_ERR_NOMEM, or MG_ERR_LIMIT with
 * the reason in err when it exceeds what spec->o->max_nodes allows. */
mg_status viz_check_cost(const viz_spec *spec, viz_cost *cost, mg_error *err);
/* With the lock held, before layout: the settings that bound dot's work on g
 * for its cost. 0, or -1 when memory is short. */
int viz_bound_layout(Agraph_t *g, const viz_cost *cost);

/* Builds the Graphviz graph of spec. Call with the Graphviz lock held. Returns
 * the graph (agclose it) or NULL (MG_ERR_NOMEM). */
Agraph_t *viz_build(const viz_spec *spec);

/* Process-wide lock around every Graphviz call (Graphviz is not thread-safe). */
void viz_lock(void);
void viz_unlock(void);

/* With the lock held: clears Graphviz's error state and routes its messages to
 * a buffer (nothing is printed); viz_gv_end restores the previous handler and
 * returns the first error message of the job, or NULL if none. */
void viz_gv_begin(void);
const char *viz_gv_end(void);

/* With the lock held: lays out g with dot (unless format is "dot", which is
 * written with agwrite before any layout) and renders it to a malloc'd buffer,
 * storing also the boxes' sizes after the layout in sizes when it is not NULL
 * (as viz_read_sizes). Frees the layout but not g. */
mg_status viz_render_graph(mg_viz *viz, Agraph_t *g, const viz_spec *spec, double *sizes,
                           const char *format, char **out, size_t *len, mg_error *err);

/* ---- PDF (viz/pdf.c) ---- */

/* A box on a page of a PDF surface, in points from the page's top left. */
typedef struct viz_pdf_box {
    cairo_surface_t *pdf;
    double x, y, w, h;
    double bottom; /* set by the drawing: where the picture ends */
} viz_pdf_box;

/* The page Graphviz gives laid-out g in SVG (points): its drawing and pad. */
void viz_pdf_graph_size(Agraph_t *g, double *width, double *height);
/* With the lock held: draws laid-out g on the current page of pdf, its top
 * left at (x, y), scaled by scale (vectors and text stay vectors). MG_OK,
 * MG_ERR_NOMEM or MG_ERR_RENDER. */
mg_status viz_pdf_draw_graph(mg_viz *viz, Agraph_t *g, cairo_surface_t *pdf, double x,
                             double y, double scale, mg_error *err);
/* With the lock held: g as a one-page PDF document of the SVG's page size, in
 * a malloc'd *out of *len bytes. */
mg_status viz_pdf_render(mg_viz *viz, Agraph_t *g, char **out, size_t *len, mg_error *err);
/* With the lock held: g drawn at the top of box, centred across it, as large
 * as fits (up to 1.5 times its size); sets box->bottom. */
mg_status viz_pdf_fit_graph(mg_viz *viz, Agraph_t *g, viz_pdf_box *box, mg_error *err);
/* Frame `frame` of the scene drawn into box (as mg_viz_scene_render, but onto
 * a page of the caller's). */
mg_status viz_scene_draw_pdf(mg_viz_scene *scene, size_t frame, viz_pdf_box *box,
                             mg_error *err);

/* After a layout of g: stores the size (inches) of every drawn value's box and
 * op node in fixed (4 doubles per value index). */
void viz_read_sizes(Agraph_t *g, const uint8_t *mask, size_t size, double *fixed);

/* Builds, lays out and renders spec under the Graphviz lock (taking it) into
 * a malloc'd *out of *len bytes. MG_OK, or the error with *out NULL and the
 * reason in err (MG_ERR_RENDER when Graphviz reported an error). */
mg_status viz_render_spec(mg_viz *viz, const viz_spec *spec, const char *format, char **out,
                          size_t *len, mg_error *err);

/* Builds spec's graph under the Graphviz lock (taking it), lays it out once,
 * stores the size of every drawn value's box and op node in sizes (as
 * viz_read_sizes) and renders it to SVG in *svg (malloc'd, *svg_len bytes).
 * MG_OK, MG_ERR_NOMEM or MG_ERR_RENDER with the reason in err. */
mg_status viz_measure_spec(mg_viz *viz, const viz_spec *spec, double *sizes, char **svg,
                           size_t *svg_len, mg_error *err);

/* A scene's parts the lesson page reads (scene.c). The master layout's SVG
 * (owned by the scene); the mask of drawn values and its length; the boxes
 * the master layout drew (the widest texts); the boxes of frame `frame`
 * (moving the lesson there: MG_OK, or MG_ERR_INVALID for a frame out of
 * range; boxes that hold an earlier frame's are remade only where they
 * change). boxes has an entry per value index; only drawn ones are filled. */
const char *viz_scene_svg(const mg_viz_scene *s, size_t *len);
size_t viz_scene_values(const mg_viz_scene *s, const uint8_t **mask);
int viz_scene_precision(const mg_viz_scene *s);
mg_lesson *viz_scene_lesson(const mg_viz_scene *s);
void viz_scene_master_boxes(const mg_viz_scene *s, viz_box *boxes);
/* The size of the scene's layout (viz_cost_units): MG_OK or MG_ERR_NOMEM. */
mg_status viz_scene_cost_units(const mg_viz_scene *s, size_t *units);
mg_status viz_scene_boxes(mg_viz_scene *s, size_t frame, viz_box *boxes);

/* Sets *out = NULL and *len = 0 (when given) and checks what every render
 * needs: given nonzero (the caller's own objects are there), out, len and a
 * known format. MG_OK or MG_ERR_INVALID with the reason in err. */
mg_status viz_check_output(int given, const char *format, char **out, size_t *len, mg_error *err);

/* 1 if format is one this module renders. */
int viz_format_known(const char *format);

#endif
