/* The backward lesson: backpropagation cut into frames a teacher can step
 * through, each with the state of every grad and a caption writing out the
 * chain rule with the real numbers. No drawing here: a frame says which value is
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
 * Frames: 0 is the forward pass with every grad 0; 1 sets the root's grad to 1;
 * then one frame per value made by an op that the root depends on, in exactly
 * the order mg_backward() runs their local derivatives (reverse creation
 * order), each applying mg_backward_local() to that value. After the last frame
 * the grads equal what mg_backward() gives from zero grads.
 *
 * The lesson owns the grads of the values the root depends on (it zeroes them
 * and steps them); it never changes data, labels or anything else. Don't add
 * values to or reset the graph while a lesson on it is alive.
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

typedef struct mg_lesson_options {
    int precision; /* digits after the point in captions, 0..MG_PRECISION_MAX; -1: 4 (the picture's default) */
} mg_lesson_options;

/* Per-value flags of a frame: an array of bytes indexed by value index, made
 * by mg_lesson_flags and read by the viz module's pictures (the one set of
 * highlight flags: scenes render a frame's flags, and mg_viz_options.flags
 * takes the same bits). */
enum {
    MG_LESSON_CURRENT = 1, /* the value whose local backward runs in this frame
                            * (drawn bold and marked, with its op); none in
                            * frames 0 and 1, where no op runs */
    MG_LESSON_CHANGED = 2, /* a value whose grad this frame changed */
    MG_LESSON_DIM = 4      /* de-emphasised (greyed); never set by mg_lesson_flags,
                            * for callers that show part of a graph */
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

/* Number of frames: 2 + the number of op values the root depends on. */
MG_API size_t mg_lesson_frame_count(const mg_lesson *lesson);

/* The caption of frame i: UTF-8 text on one line (× ² → and the like), owned
 * by the lesson; "" for a frame out of range. */
MG_API const char *mg_lesson_caption(const mg_lesson *lesson, size_t frame);

/* The value frame i is about: MG_NONE for frame 0 (and out of range), the root
 * for frame 1, then the value whose local backward runs. */
MG_API mg_value mg_lesson_current(const mg_lesson *lesson, size_t frame);

/* The values whose grads frame i changed (the root in frame 1, the operands
 * after it; a value used twice by one op is listed once), at most 2. Writes up
 * to cap of them to out and returns how many there are. */
MG_API size_t mg_lesson_changed(const mg_lesson *lesson, size_t frame, mg_value *out, size_t cap);

/* Fills flags[0..n) (indexed by value index; n is usually mg_graph_size()) with
 * the MG_LESSON_* bits of frame i, 0 elsewhere. Can't fail; a frame out of
 * range gives all zeros. */
MG_API void mg_lesson_flags(const mg_lesson *lesson, size_t frame, uint8_t *flags, size_t n);

/* Sets the graph's grads to their state at frame i (after its step). Stepping
 * forward one frame costs one local backward; going back replays from frame 0.
 * Returns MG_OK, or MG_ERR_INVALID for a frame out of range (nothing changes). */
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
