/* The pictures of a backward lesson: the graph laid out once, then each frame
 * rendered with its grads and highlights; nodes never move between frames. */
#ifndef MICROGRAD_TOOLS_STEPS_FRAMES_H
#define MICROGRAD_TOOLS_STEPS_FRAMES_H

#include <stddef.h>

#include <micrograd/engine.h>
#include <micrograd/lesson.h>

typedef struct steps_render_options {
    int precision;        /* digits after the point */
    const char *rankdir;  /* "LR" or "TB" */
    size_t max_nodes;     /* refuse graphs with more values; 0: no limit */
} steps_render_options;

typedef struct steps_frames steps_frames;

/* Lays out the graph of the lesson. Returns CLI_OK and *out, or an exit status
 * after printing why (then *out is NULL). Close with steps_frames_close. */
int steps_frames_open(steps_frames **out, mg_lesson *lesson, const steps_render_options *options);
/* Moves the lesson to frame and renders it in format ("svg" or "png"). The
 * bytes are owned by frames and valid until the next render or close.
 * Returns CLI_OK, or an exit status after printing why. */
int steps_frames_render(steps_frames *frames, size_t frame, const char *format,
                        const char **data, size_t *len);
/* Frees everything; NULL is a no-op. */
void steps_frames_close(steps_frames *frames);

#endif
