/* The lesson: backpropagation cut into frames a teacher can step through,
 * each with the state of every grad and a caption writing out the chain rule
 * with the real numbers; optionally the forward pass value by value before
 * it, the paths to one value after it, and a last frame nudging every leaf
 * along its grad. No drawing here: a frame says which value is
 * current and which grads changed; the viz module turns that into pictures
 * (micrograd/viz.h: mg_viz_scene_new renders a lesson's frames,
 * mg_viz_lesson_page makes its whole step-by-step page).
 *
 *     mg_lesson *lesson;
 *     mg_error err;
 *     if (mg_lesson_new(g, L, NULL, &lesson, &err) != MG_OK)
 *         fprintf(stderr, "%s\n", err.message);
 *     for (size_t i = 0; i < mg_lesson_frame_count(lesson); i++) {
 *         mg_lesson_goto(lesson, i);              // the graph's grads as at frame i
 *         printf("%s\n", mg_lesson_caption(lesson, i));
 *     }
 *     mg_lesson_free(lesson);                     // the graph stays the caller's
 *
 * Frames, in this order (mg_lesson_frame_kind says which is which):
 *   - with options.forward: the leaves alone (every op value not computed yet,
 *     MG_LESSON_UNKNOWN), then one frame per op value in creation order, each
 *     computing that value from its operands;
 *   - the forward pass with every grad 0; the root's grad set to 1; then one
 *     frame per value made by an op that the root depends on, in exactly the
 *     order mg_backward() runs their local derivatives (reverse creation
 *     order), each applying mg_backward_local() to that value. After the last
 *     of them the grads equal what mg_backward() gives from zero grads;
 *   - with options.path: one frame per path from the root to that value (at
 *     most 12; mg_paths_find), the product of the local derivatives along it,
 *     then a frame summing them: the value's grad;
 *   - with options.nudge: every leaf but the unnamed constants moved by
 *     nudge × its grad and the root recomputed (mg_forward), with the change
 *     the grads predict (first order: the sum of grad × move) and the actual.
 *
 * The lesson owns the grads of the values the root depends on (it zeroes them
 * and steps them). It changes data only while at the nudge frame (every
 * value's data is restored, bit for bit, when it goes to another frame or is
 * freed), and never labels or anything else. Don't add values to or reset
 * the graph while a lesson on it is alive.
 *
 * options.bug = MG_LESSON_BUG_ASSIGN teaches the lecture's bug instead of the
 * engine: each step assigns its operands' grads (=) instead of adding to them
 * (+=), so a value used twice keeps only its last contribution (b = a + a:
 * a.grad = 1, not 2). Its captions say so, its frames flag the wrong grads
 * (MG_LESSON_WRONG), and the grads left are what that engine computes.
 */
#ifndef MICROGRAD_LESSON_H
#define MICROGRAD_LESSON_H

#include <stddef.h>
#include <stdint.h>

#include <micrograd/engine.h>
#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mg_lesson mg_lesson;

/* The classic bugs a lesson can show (never the default). */
typedef enum mg_lesson_bug {
    MG_LESSON_BUG_NONE = 0,
    MG_LESSON_BUG_ASSIGN = 1 /* grads assigned (=), not accumulated (+=) */
} mg_lesson_bug;

typedef struct mg_lesson_options {
    int precision; /* digits after the point in captions, 0..MG_PRECISION_MAX; -1: 4 (the picture's default) */
    int forward;   /* 1: the forward pass value by value first */
    double nudge;  /* not 0: the nudge frame with this step (finite) */
    const mg_value *path; /* not NULL: the path frames of this value (one the root
                           * depends on) */
    mg_lesson_bug bug;
} mg_lesson_options;

/* What a frame shows. */
typedef enum mg_lesson_frame_kind {
    MG_LESSON_FRAME_LEAVES,   /* the leaves alone, before the forward pass */
    MG_LESSON_FRAME_COMPUTE,  /* one op value computed from its operands */
    MG_LESSON_FRAME_FORWARD,  /* the forward pass done, every grad 0 */
    MG_LESSON_FRAME_ROOT,     /* the root's grad set to 1 */
    MG_LESSON_FRAME_STEP,     /* one value's local backward */
    MG_LESSON_FRAME_PATH,     /* one path from the root to the path value */
    MG_LESSON_FRAME_PATH_SUM, /* the paths' products summed */
    MG_LESSON_FRAME_NUDGE     /* every leaf nudged along its grad */
} mg_lesson_frame_kind;

/* Per-value flags of a frame: an array of bytes indexed by value index, made
 * by mg_lesson_flags and read by the viz module's pictures (the one set of
 * highlight flags: scenes render a frame's flags, and mg_viz_options.flags
 * takes the same bits). */
enum {
    MG_LESSON_CURRENT = 1, /* the value whose local backward runs in this frame
                            * (drawn bold and marked, with its op); none in
                            * frames 0 and 1, where no op runs */
    MG_LESSON_CHANGED = 2, /* a value whose grad this frame changed */
    MG_LESSON_DIM = 4,     /* de-emphasised (greyed): values off the path of a path
                            * frame; callers may set it to show part of a graph */
    MG_LESSON_UNKNOWN = 8, /* not computed yet (forward frames): its data and grad
                            * are shown as "?" */
    MG_LESSON_WRONG = 16   /* a grad that differs from the engine's at this point
                            * (MG_LESSON_BUG_ASSIGN) */
};

/* Builds every frame of the lesson of root in g. On success returns MG_OK and
 * *out (free with mg_lesson_free); the graph is left at the last frame, with the
 * grads mg_backward() gives. On failure returns MG_ERR_NOMEM, MG_ERR_INVALID (a
 * bad precision, NULL g or out, a root that is MG_NONE) or MG_ERR_FOREIGN (a
 * root of another graph or dropped by a reset), sets *out to NULL, says why in
 * err (may be NULL) and in the graph's sticky error, and leaves every grad as
 * it was. options may be NULL. */
MG_API mg_status mg_lesson_new(mg_graph *g, mg_value root, const mg_lesson_options *options,
                               mg_lesson **out, mg_error *err);
/* Frees the lesson (not the graph). NULL is a no-op. */
MG_API void mg_lesson_free(mg_lesson *lesson);

/* The graph the lesson steps, and its root. */
MG_API mg_graph *mg_lesson_graph(const mg_lesson *lesson);
MG_API mg_value mg_lesson_root(const mg_lesson *lesson);

/* Number of frames: 2 + the number of op values the root depends on, and those
 * of the options' forward, path and nudge frames. */
MG_API size_t mg_lesson_frame_count(const mg_lesson *lesson);
/* What frame i shows (MG_LESSON_FRAME_FORWARD for a frame out of range). */
MG_API mg_lesson_frame_kind mg_lesson_frame_kind_of(const mg_lesson *lesson, size_t frame);

/* The caption of frame i: UTF-8 text on one line (× ² → and the like), owned
 * by the lesson; "" for a frame out of range. */
MG_API const char *mg_lesson_caption(const mg_lesson *lesson, size_t frame);

/* The formats of a caption: the plain text above, Markdown with its formulas
 * as $...$ math, LaTeX (text mode, formulas in $...$, partial derivatives as
 * \frac{\partial L}{\partial d}). All three come from the same caption. */
typedef enum mg_lesson_format {
    MG_LESSON_FORMAT_TEXT,
    MG_LESSON_FORMAT_MARKDOWN,
    MG_LESSON_FORMAT_LATEX
} mg_lesson_format;

/* The caption of frame i in that format (as mg_lesson_caption: owned by the
 * lesson, "" out of range or for an unknown format). */
MG_API const char *mg_lesson_caption_in(const mg_lesson *lesson, size_t frame,
                                        mg_lesson_format format);

/* The value frame i is about: the root for the root's frame, the value whose
 * local backward runs for a step, the value computed for a forward frame,
 * the path value for path frames; MG_NONE for the others and out of range. */
MG_API mg_value mg_lesson_current(const mg_lesson *lesson, size_t frame);

/* The values whose grads frame i changed (the root in the root's frame, the
 * operands in a step; a value used twice by one op is listed once), at most 2. Writes up
 * to cap of them to out and returns how many there are. */
MG_API size_t mg_lesson_changed(const mg_lesson *lesson, size_t frame, mg_value *out, size_t cap);

/* Fills flags[0..n) (indexed by value index; n is usually mg_graph_size()) with
 * the MG_LESSON_* bits of frame i, 0 elsewhere. Can't fail; a frame out of
 * range gives all zeros. */
MG_API void mg_lesson_flags(const mg_lesson *lesson, size_t frame, uint8_t *flags, size_t n);

/* Sets the graph's grads (and, at the nudge frame, data) to their state at
 * frame i (after its step). Stepping forward one frame costs one local
 * backward; going back replays from zero grads. Returns MG_OK, or
 * MG_ERR_INVALID for a frame out of range (nothing changes). */
MG_API mg_status mg_lesson_goto(mg_lesson *lesson, size_t frame);

/* The frame the graph's grads are at: the last one after mg_lesson_new, then
 * the one mg_lesson_goto went to. */
MG_API size_t mg_lesson_at(const mg_lesson *lesson);

/* The name captions use for v: its label (in parentheses if it has a space
 * or an operator: "(x1*w1 + x2*w2)"), else for an unnamed constant its
 * number in parentheses ("(2)", "(-1)"), else "v" and its index ("v12"). Invalid UTF-8 and
 * control characters are replaced by U+FFFD. Writes at most size bytes with a
 * NUL (truncating on a character boundary) and returns buf. */
MG_API char *mg_lesson_value_name(const mg_graph *g, mg_value v, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
