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
 * A scene draws a backward lesson (micrograd/lesson.h): laid out once, then
 * rendered frame by frame, each frame showing the grads and highlights the
 * lesson gives it, with every node at the same place in every frame:
 *
 *     mg_lesson *lesson;
 *     mg_viz_scene *s;
 *     if (mg_lesson_new(g, L, NULL, &lesson, &err) != MG_OK ||
 *         mg_viz_scene_new(viz, lesson, &o, &s, &err) != MG_OK)
 *         ... err.message says why ...
 *     for (size_t i = 0; i < mg_lesson_frame_count(lesson); i++) {
 *         mg_viz_scene_render(s, i, "svg", &svg, &len, &err);  // frame i
 *         ...                                                  // with its caption
 *         mg_viz_free_output(svg);
 *     }
 *     mg_viz_scene_free(s);
 *     mg_lesson_free(lesson);
 *
 * mg_viz_lesson_page() makes the whole lesson one self-contained HTML page
 * (see its comment for a worked example).
 *
 * Errors: functions return an mg_status and say why in their mg_error (err may
 * be NULL; see error.h). The renders read a const graph and change nothing in
 * it; scenes and the page step a lesson's grads and record nothing in the
 * graph. Nothing here prints, exits or aborts on input.
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
#include <micrograd/lesson.h>
#include <micrograd/nn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default node limit: graphs with more values, or whose layout would
 * place more than 8 nodes per allowed value (16,000), are refused
 * (MG_ERR_LIMIT) unless max_nodes says otherwise. dot's time grows with the
 * nodes it places, and that counts one node per rank an edge crosses: a value
 * used 100 times along a chain costs more than a 2,000-value network. At the
 * limit, layouts take at most ~3 s of CPU (bench/README.md has the figures). */
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

/* The handout's sheet. */
typedef enum mg_viz_paper {
    MG_VIZ_PAPER_A4 = 0,    /* 210 x 297 mm */
    MG_VIZ_PAPER_LETTER = 1 /* US Letter, 8.5 x 11 in */
} mg_viz_paper;

/* The papers' names in mg_viz_paper's order, then NULL: "a4", "letter" (the
 * words of `micrograd steps --paper` and the Python module's paper=). */
MG_API extern const char *const mg_viz_paper_names[];

/* The highest PNG resolution mg_viz_options.dpi takes. */
#define MG_VIZ_DPI_MAX 1200

typedef struct mg_viz_options {
    mg_viz_rankdir rankdir;
    int precision;         /* digits after the point, 0..MG_PRECISION_MAX (default 4) */
    int forward_only;      /* 1: no grad fields */
    mg_viz_theme theme;
    int dpi;               /* PNG resolution, 1..MG_VIZ_DPI_MAX; 0 = automatic (default):
                            * 192, lowered so the image stays within 4
                            * megapixels (PNG time grows with pixels), but
                            * never below 72 (13 pt text 13 px high): a graph
                            * that would need more than 24 megapixels there
                            * is refused (MG_ERR_UNREADABLE) */
    int color_grad;        /* 1: fill values by the sign and size of their grad */
    int edge_grads;        /* 1: label operand -> op edges with the contribution
                            * they carry back (local derivative x result grad) */
    int clusters;          /* 1 (default): one cluster per mg_group path component */
    const char *title;     /* drawn above the graph; NULL or "" for none */
    size_t max_nodes;      /* refuse graphs with more values, or whose layout
                            * would be larger than 8 nodes per value allowed
                            * (what dot adds for edges that cross ranks and
                            * for dense views counts: its time grows with it);
                            * 0 = no limit */
    const uint8_t *flags;  /* highlights: the lesson's MG_LESSON_* bits per value index
                            * (mg_graph_size entries), or NULL */
    const double *numeric; /* per value index (mg_graph_size entries): a numeric
                            * derivative to show beside the grad, "| num
                            * 6.0000" (mg_check's, say); NaN for none; or NULL */
    int quiz;              /* lesson page only: 1 to ask for the grads each step
                            * changes before showing them (see
                            * mg_viz_lesson_page); pictures ignore it */
    mg_viz_paper paper;    /* handout only: its sheet (default A4) */
} mg_viz_options;

/* The defaults: LR, precision 4, grads shown, light theme, automatic dpi,
 * clusters on, no title, max_nodes MG_VIZ_MAX_NODES_DEFAULT, no flags, A4. */
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
 * MG_ERR_UNREADABLE (a PNG at an automatic resolution whose text would be too
 * small to read: see dpi), MG_ERR_NOMEM or MG_ERR_RENDER, sets *out = NULL,
 * *len = 0 and says why in err (may be NULL). The graph is not changed. */
MG_API mg_status mg_viz_render(mg_viz *viz, const mg_graph *g, const mg_value *roots, size_t n,
                               const mg_viz_options *o, const char *format, char **out,
                               size_t *len, mg_error *err);

/* Frees a buffer returned by a render. NULL is a no-op. */
MG_API void mg_viz_free_output(char *out);

/* 1 if a render of roots with max_nodes (0: no limit) would go ahead, 0 if
 * it would be refused as too large (MG_ERR_LIMIT) or a root is not a value of
 * g. Changes nothing. */
MG_API int mg_viz_fits(const mg_graph *g, const mg_value *roots, size_t n, size_t max_nodes);

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

/* Lays out the graph of the lesson's root once, sizing every value's box for
 * the widest grad text any of the lesson's frames shows (it steps the lesson
 * through them with mg_lesson_goto and leaves it at the frame it was at), so
 * frames never move a node. The options are copied (o NULL: defaults;
 * flags, edge_grads and color_grad are not used by scenes: each frame has the
 * lesson's flags). viz and the lesson must outlive the scene, and the graph
 * must keep the values the root depends on (no reset below them). On success
 * returns MG_OK and *out (free with mg_viz_scene_free). On failure returns
 * MG_ERR_INVALID (a NULL argument, a bad option), MG_ERR_LIMIT (more values
 * than o->max_nodes), MG_ERR_FOREIGN (the graph lost the root), MG_ERR_NOMEM
 * or MG_ERR_RENDER, with *out NULL and the reason in err (may be NULL); the
 * lesson is at the frame it was at either way. The call takes the lesson, not
 * the graph: a failure is a picture's, not recorded in the graph. */
MG_API mg_status mg_viz_scene_new(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                                  mg_viz_scene **out, mg_error *err);

/* Renders frame `frame` of the lesson: moves the lesson there
 * (mg_lesson_goto: the graph's grads are then the frame's), and draws its
 * grads with the frame's highlights (mg_lesson_flags: the current value and
 * its op, the values whose grads changed). Formats and ownership as
 * mg_viz_render; MG_ERR_INVALID also for a frame out of range (the lesson
 * does not move then). Node positions are the same in every frame, and a
 * frame's bytes do not depend on the frames rendered before it. */
MG_API mg_status mg_viz_scene_render(mg_viz_scene *scene, size_t frame, const char *format,
                                     char **out, size_t *len, mg_error *err);

/* Frees the scene (not the lesson). NULL is a no-op. */
MG_API void mg_viz_scene_free(mg_viz_scene *scene);

/* ---- the lesson page ------------------------------------------------------- */

/* The step-by-step page of a lesson: one self-contained HTML document (UTF-8)
 * that any front-end can write to a file or show, the same bytes for the same
 * lesson and options. It holds one picture, the SVG of the scene's layout
 * (mg_viz_scene_new: every box sized for its widest text, so nothing moves
 * between steps; when o->rankdir is LR and the layout is small (up to the
 * 2,000 layout nodes dot solves exactly), also the same lesson laid out top
 * to bottom, <svg class="tall"> with its ids prefixed "t", which the page
 * shows instead on a screen held upright up to 700 px wide), a caption per frame (<figcaption class="caption"
 * id="caption-N">, N = frame + 1; mg_lesson_caption, the headline in bold,
 * each "x.grad += ..." term on a line of its own, lines broken only between
 * terms), and per frame only what changes in the picture from the frame
 * before: each box's texts and tooltip as that frame draws them, and its
 * state (MG_LESSON_* bits, set as the classes "current", "changed", "dim"
 * on the value, its op and the edge between them; the page's CSS gives them
 * the pictures' highlight). The page's script applies them. Controls:
 * Previous and Next buttons, a slider, a step counter, the arrow, Home and
 * End keys; the view shows the whole graph when its text reads at 12 CSS px
 * or more, else follows the current step at its own size (Z or the button
 * switches, + and - zoom); "#step-N" (and "&zoom=fit" or "&zoom=P", P
 * percent) in the address opens step N so. With o->quiz, each step first
 * hides the grads it changes and asks for them, checks the answers at the
 * picture's precision, then shows them. A click on a box shows every path
 * from the root down to it with the local derivatives along it, their
 * products and sum (mg_paths_find on frame 0's data, at most 6 listed per
 * value; graphs up to 1000 values). Printing gives one frame and its
 * caption per sheet. Style and script are inline: the page loads nothing,
 * from the network or from other files.
 *
 * The picture is drawn as o says (as mg_viz_scene_new; o NULL: defaults,
 * so graphs above MG_VIZ_MAX_NODES_DEFAULT values are refused); it is laid
 * out once, and the page grows as the values plus the changes of the frames
 * (the 360-value loss of examples/mlp_loss.mg: about 1 MB for 305 frames). The
 * page's highlight colours come from the picture's theme (o->theme) through
 * the SVG's classes: the nodes carry "current" and "changed", the legend's
 * swatches the same classes, coloured by CSS custom properties written from
 * the theme's palette (--mg-current-fill, --mg-current-line,
 * --mg-changed-fill, --mg-changed-line). title is the page's heading and
 * <title> (UTF-8, escaped here); NULL: the root's name (mg_lesson_value_name).
 *
 * The lesson is stepped through every frame and left at the frame it was at.
 * On success returns MG_OK and sets *out (malloc'd, with a NUL after the *len
 * bytes; free with mg_viz_free_output) and *len. On failure returns the error
 * of mg_viz_scene_new or mg_viz_scene_render (MG_ERR_INVALID for a NULL
 * argument or a bad option, MG_ERR_LIMIT for more values than o->max_nodes,
 * MG_ERR_NOMEM, MG_ERR_RENDER), sets *out = NULL, *len = 0 and says why in err
 * (may be NULL).
 *
 *     mg_viz *viz;
 *     mg_lesson *lesson = NULL;
 *     mg_viz_options o = mg_viz_options_default();
 *     mg_error err;
 *     char *html;
 *     size_t len;
 *     if (mg_viz_new(&viz, &err) == MG_OK &&
 *         mg_lesson_new(g, L, NULL, &lesson, &err) == MG_OK &&
 *         mg_viz_lesson_page(viz, lesson, &o, "L", &html, &len, &err) == MG_OK) {
 *         fwrite(html, 1, len, file);           // a page of its own
 *         mg_viz_free_output(html);
 *     } else {
 *         fprintf(stderr, "%s\n", err.message);
 *     }
 *     mg_lesson_free(lesson);
 *     mg_viz_free(viz);
 *
 * The document's style and script are written for a page of their own (they
 * style <body> and find the controls by id): to show it inside another page,
 * as a notebook cell does, put it in an <iframe srcdoc="..."> with its & and "
 * escaped, one iframe per lesson. */
MG_API mg_status mg_viz_lesson_page(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                                    const char *title, char **out, size_t *len, mg_error *err);

/* ---- the handout ------------------------------------------------------------ */

/* The lesson as a printable PDF: one page per frame on o->paper (A4 unless
 * said; landscape for LR pictures, portrait for TB), each with the title and
 * "step N of M" at the top, the frame's picture (a scene of the lesson, so no
 * node moves between pages), fitted into one box the same on every page, and
 * below it the caption laid out for reading (the headline in bold, the
 * explanation, each "x.grad += ..." on a line of its own, long ones wrapped
 * between terms, at one font size for the whole handout). Pictures and text
 * are vectors, and the same lesson and options give the same bytes (the PDF's
 * date is SOURCE_DATE_EPOCH's, else 1970-01-01). o and title as
 * mg_viz_lesson_page (title NULL: the root's name). The lesson is stepped
 * through every frame and left at the frame it was at. On success returns
 * MG_OK and sets *out (malloc'd, with a NUL after the *len bytes; free with
 * mg_viz_free_output) and *len; on failure the errors of mg_viz_lesson_page,
 * with *out NULL, *len 0 and the reason in err (may be NULL). */
MG_API mg_status mg_viz_lesson_handout(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                                       const char *title, char **out, size_t *len,
                                       mg_error *err);

#ifdef __cplusplus
}
#endif

#endif
