/* micrograd viz: draws expression graphs in-process through Graphviz.
 *
 * A worked example (the picture `micrograd draw` makes):
 *
 *     mg_viz *viz;                                 // one per process, reused
 *     mg_error err;
 *     if (mg_viz_new(&viz, &err) != MG_OK) {
 *         fprintf(stderr, "%s\n", err.message);
 *         return 1;
 *     }
 *     mg_viz_options o = mg_viz_options_default();
 *     char *svg;
 *     size_t len;
 *     mg_backward(g, L);
 *     if (mg_viz_render(viz, g, &L, 1, &o, "svg", &svg, &len, &err) != MG_OK)
 *         fprintf(stderr, "%s\n", err.message);
 *     else
 *         fwrite(svg, 1, len, stdout), mg_viz_free_output(svg);
 *     mg_viz_free(viz);
 *
 * The picture follows micrograd's draw_dot: every value a record
 * `{ label | data 2.0000 | grad -3.0000 }`, every value made by an op an op node
 * with edges operand -> op -> value. Node ids come from creation order (`v12`,
 * `v12_op`), so the same graph gives byte-identical DOT, SVG and PNG output.
 *
 * A scene is for the backward lesson: laid out once, then rendered as many
 * frames as wanted, each showing the graph's current data and grads and the
 * caller's highlight flags, with every node at the same place in every frame:
 *
 *     mg_zero_grad(g);
 *     mg_viz_scene *s;
 *     if (mg_viz_scene_new(viz, g, L, &o, &s, &err) != MG_OK)
 *         ... err.message says why ...
 *     uint8_t *flags = calloc(mg_graph_size(g), 1);
 *     mg_viz_scene_render(s, flags, "svg", &svg, &len, &err);  // grads 0
 *     mg_set_grad(g, L, 1.0);                                  // then each
 *     flags[v.index] = MG_VIZ_CURRENT;                         // op value v,
 *     mg_backward_local(g, v);                                 // in reverse
 *     mg_viz_scene_render(s, flags, "svg", &svg, &len, &err);  // order
 *     mg_viz_scene_free(s);
 *
 * Errors: functions return an mg_status and say why in their mg_error (err may
 * be NULL; see error.h). The renders read a const graph and change nothing in
 * it; mg_viz_scene_new, which takes the graph, also records its failure there
 * (engine.h). Nothing here prints, exits or aborts on input.
 * Graphviz is not thread-safe; this module serialises every call into it with
 * one process-wide lock, so distinct mg_viz objects may be used from distinct
 * threads (renders then run one at a time).
 */
#ifndef MICROGRAD_VIZ_H
#define MICROGRAD_VIZ_H

#include <stddef.h>
#include <stdint.h>

#include <micrograd/engine.h>
#include <micrograd/export.h>
#include <micrograd/nn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default node limit: graphs with more values are refused (MG_ERR_LIMIT)
 * unless max_nodes says otherwise. Chosen from measured dot layout times of
 * MLP loss graphs (CPU time, one core): 1,000 values 0.5-2 s, 2,000 values
 * 1.8-8.9 s, 3,000 values 6-30 s (the lower figures with clusters, which
 * constrain dot's crossing minimisation); time grows about as n^3. */
#define MG_VIZ_MAX_NODES_DEFAULT 2000

typedef enum mg_viz_theme {
    MG_VIZ_THEME_LIGHT = 0, /* soft fills on white */
    MG_VIZ_THEME_DARK = 1,  /* light text on a dark background, for slides */
    MG_VIZ_THEME_PRINT = 2  /* black and white only: roles by line style */
} mg_viz_theme;

typedef enum mg_viz_rankdir {
    MG_VIZ_RANKDIR_LR = 0, /* left to right, as micrograd draws */
    MG_VIZ_RANKDIR_TB = 1  /* top to bottom */
} mg_viz_rankdir;

/* Per-value highlight flags (an array indexed by value index). */
enum {
    MG_VIZ_CURRENT = 1, /* the value (and its op) being worked on: bold, marked */
    MG_VIZ_CHANGED = 2, /* a value whose grad just changed */
    MG_VIZ_DIM = 4      /* de-emphasised (greyed) */
};

typedef struct mg_viz_options {
    mg_viz_rankdir rankdir;
    int precision;         /* digits after the point, 0..17 (default 4) */
    int forward_only;      /* 1: no grad fields */
    mg_viz_theme theme;
    int dpi;               /* PNG resolution, 1..1200; 0 = automatic (default):
                            * 192, lowered so the image stays within 4
                            * megapixels (PNG time grows with pixels) */
    int color_grad;        /* 1: fill values by the sign and size of their grad */
    int edge_grads;        /* 1: label operand -> op edges with the contribution
                            * they carry back (local derivative x result grad) */
    int clusters;          /* 1 (default): one cluster per mg_group path component */
    const char *title;     /* drawn above the graph; NULL or "" for none */
    size_t max_nodes;      /* refuse graphs with more values; 0 = no limit */
    const uint8_t *flags;  /* MG_VIZ_* per value index (mg_graph_size entries), or NULL */
} mg_viz_options;

/* The defaults: LR, precision 4, grads shown, light theme, automatic dpi,
 * clusters on, no title, max_nodes MG_VIZ_MAX_NODES_DEFAULT, no flags. */
MG_API mg_viz_options mg_viz_options_default(void);

/* ---- the renderer --------------------------------------------------------- */

typedef struct mg_viz mg_viz;

/* A renderer, reused across renders. Every renderer of the process uses one
 * Graphviz context, made by the first mg_viz_new and kept until the process
 * exits (Graphviz 2.42 reads freed memory when a context is freed and another
 * one made). Returns MG_OK and *out (free with mg_viz_free); or MG_ERR_NOMEM,
 * MG_ERR_RENDER (Graphviz cannot start or load its plugins) or MG_ERR_INVALID
 * (out NULL), with *out NULL and the reason in err. */
MG_API mg_status mg_viz_new(mg_viz **out, mg_error *err);
/* Frees the renderer (not the shared Graphviz context). NULL is a no-op. */
MG_API void mg_viz_free(mg_viz *viz);

/* Renders the values that roots[0..n) depend on (micrograd's trace) in format
 * "svg", "png", "pdf", "dot" (the graph before layout, as DOT text) or "plain"
 * (Graphviz's plain text: node positions and sizes). o NULL means defaults.
 * On success returns MG_OK and sets *out (a malloc'd buffer with a NUL after
 * the *len bytes; free with mg_viz_free_output) and *len. On error returns
 * MG_ERR_INVALID (bad argument, unknown format, bad option), MG_ERR_FOREIGN (a
 * root of another graph), MG_ERR_LIMIT (more values than o->max_nodes),
 * MG_ERR_NOMEM or MG_ERR_RENDER, sets *out = NULL, *len = 0 and says why in err
 * (may be NULL). The graph is not changed. */
MG_API mg_status mg_viz_render(mg_viz *viz, const mg_graph *g, const mg_value *roots, size_t n,
                               const mg_viz_options *o, const char *format, char **out,
                               size_t *len, mg_error *err);

/* Frees a buffer returned by a render. NULL is a no-op. */
MG_API void mg_viz_free_output(char *out);

/* Number of values a render of roots would draw (the size of the union of
 * their traces), or 0 if a root is not a value of g. Changes nothing. */
MG_API size_t mg_viz_count(const mg_graph *g, const mg_value *roots, size_t n);

/* ---- networks: one node per neuron ----------------------------------------- */

/* The coarse picture of a network for when its scalar graph is too large to
 * read: the inputs, one cluster per layer ("layer 2 (tanh)") holding one node
 * per neuron ({ neuron 3 | data | grad }: its output and, unless
 * o->forward_only, its grad), an edge from every node of a layer to every
 * neuron of the next (coloured by the weight's sign, negative dashed, as
 * thick as its size; the weight as a tooltip), and each root that is not a
 * neuron's output (a loss) fed by the outputs. roots[0..n) must be the
 * forward graph of one example made by mg_mlp_forward (or _inputs) with
 * MG_NN_ANNOTATE, or something built on it; a neuron's output is the last
 * value of its group there. Formats, options, ownership and errors as
 * mg_viz_render; max_nodes limits the nodes drawn here (inputs, neurons,
 * roots). MG_ERR_INVALID also when the roots are not such a graph of m (for
 * instance the loss over several examples). */
MG_API mg_status mg_viz_render_neurons(mg_viz *viz, const mg_graph *g, const mg_mlp *m,
                                       const mg_value *roots, size_t n,
                                       const mg_viz_options *o, const char *format,
                                       char **out, size_t *len, mg_error *err);

/* ---- scenes: one layout, many frames --------------------------------------- */

typedef struct mg_viz_scene mg_viz_scene;

/* Lays out the graph of root once, sizing every value's box for the widest grad
 * text the backward pass will show in any frame (it replays the lesson's steps on
 * the grads and puts them back as they were), so frames never move a node. The
 * options are copied (o NULL: defaults; flags, edge_grads and color_grad are not
 * used by scenes: frames pass their own flags). viz and g must outlive the
 * scene, and g must keep the values root depends on (no reset below them).
 * Returns MG_OK and *out (free with mg_viz_scene_free); or MG_ERR_INVALID (a
 * NULL argument, a bad option), MG_ERR_FOREIGN (root not a value of g),
 * MG_ERR_LIMIT (more values than o->max_nodes), MG_ERR_NOMEM or MG_ERR_RENDER,
 * with *out NULL, the reason in err and the same failure recorded in g. The
 * grads are as they were either way. */
MG_API mg_status mg_viz_scene_new(mg_viz *viz, mg_graph *g, mg_value root,
                                  const mg_viz_options *o, mg_viz_scene **out, mg_error *err);

/* Renders one frame with the graph's current data and grads and the given flags
 * (MG_VIZ_* per value index, mg_graph_size entries at scene creation, or NULL).
 * Formats and ownership as mg_viz_render. Node positions are the same in every
 * frame. */
MG_API mg_status mg_viz_scene_render(mg_viz_scene *scene, const uint8_t *flags,
                                     const char *format, char **out, size_t *len,
                                     mg_error *err);

/* The values of the scene in creation order (the order backward visits them in
 * reverse): writes up to cap handles to out and returns how many there are. */
MG_API size_t mg_viz_scene_values(const mg_viz_scene *scene, mg_value *out, size_t cap);

/* Frees the scene. NULL is a no-op. */
MG_API void mg_viz_scene_free(mg_viz_scene *scene);

#ifdef __cplusplus
}
#endif

#endif
