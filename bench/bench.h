/* The measurements behind `micrograd bench`: workloads run through the public
 * engine API and, beside each, the same arithmetic on the yardstick (a bare
 * packed array, yardstick.h). Only measures; tools/cmd_bench.c prints.
 *
 * Every function returns 0, or -1 with a message in err (an engine error or
 * memory running short). Times are medians over `runs` runs, after one
 * warm-up run that is not counted, in CPU time (bench_now_ns). */
#ifndef MICROGRAD_BENCH_H
#define MICROGRAD_BENCH_H

#include <stddef.h>

#define BENCH_ERR_SIZE 256

/* Nanoseconds of CPU time of the calling thread: what every workload is timed
 * with, so other processes on a shared machine don't inflate the figures
 * (for one thread that never waits, it equals the elapsed time). Page faults
 * and other kernel work done for the thread count. */
double bench_now_ns(void);
/* Nanoseconds of a monotonic wall clock. */
double bench_wall_ns(void);
/* Writes "fmt ..." to err (BENCH_ERR_SIZE bytes) and returns -1, the failure
 * every bench function reports. */
int bench_fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The median of v[0..n) (sorts v; n >= 1). */
double bench_median(double *v, size_t n);
/* The NULL-terminated lines bench/embed.py embeds, joined into one malloc'd
 * text with a newline after each; *len its length. NULL when memory is short. */
char *bench_join_lines(const char *const *lines, size_t *len);
/* The process's peak resident memory so far, in bytes (0 if unknown). */
size_t bench_max_rss_bytes(void);

/* One workload timed through the engine and on the yardstick. */
typedef struct bench_pair {
    size_t values;         /* values made by one run */
    double engine_ns;      /* median ns of one engine run */
    double yardstick_ns;   /* median ns of one yardstick run */
    int agree;             /* 1 if both computed bit-identical data and grads */
    size_t graph_bytes;    /* mg_graph_bytes() of the engine's graph */
} bench_pair;

/* Forward + backward of y = y*k + c repeated until the graph holds `values`
 * values (k, c and the first y are leaves). */
int bench_chain(size_t values, int runs, bench_pair *out, char *err);
/* Forward + backward of x_0*w_0 + x_1*w_1 + ... over `terms` terms, every x_i
 * and w_i a fresh leaf (4 values per term). */
int bench_sum(size_t terms, int runs, bench_pair *out, char *err);

/* One chain of `values` values in a fresh graph (growing as it goes), forward
 * and backward, timed once; then again in the same graph after a reset. */
typedef struct bench_big {
    size_t values;
    double ms;            /* forward + backward in the fresh graph, growth and
                           * the first touch of its memory included */
    double backward_ms;   /* the backward sweep alone, of that run */
    double warm_ms;       /* forward + backward again, reusing the memory */
    size_t graph_bytes;   /* mg_graph_bytes() at the end: the graph's peak */
} bench_big;
int bench_chain_big(size_t values, bench_big *out, char *err);

/* micrograd's moons demo replayed: the library's moons preset (MLP(2,[16,16,1]),
 * ReLU hidden, linear out, SVM loss + 1e-4 L2, 100 steps, learning rate
 * 1.0 - 0.9*k/100) on the 100 points of bench/data, starting from
 * micrograd's own initial parameters. */
typedef struct bench_moons {
    int steps;
    size_t values_per_step;    /* graph size during a step, parameters included */
    double train_ms;           /* median of the whole 100-step run, engine */
    double yardstick_ms;       /* the same network and steps on the yardstick */
    double step_ms;            /* median of one engine step */
    double loss_first;         /* loss of step 0's forward pass */
    double loss_final;         /* loss of the last step's forward pass */
    double accuracy;           /* of the last step's forward pass, 0..1 */
    int agree;                 /* 1 if the yardstick's losses are bit-identical */
    size_t graph_bytes_first;  /* mg_graph_bytes() after step 1 ... */
    size_t graph_bytes_last;   /* ... and after the last: equal when reset reuses memory */
} bench_moons;
int bench_moons_run(int runs, bench_moons *out, char *err);

/* Rendering: a graph laid out and rendered in-process through one reused
 * mg_viz, against `dot -Tsvg` spawned as a process on the same DOT text. */
typedef struct bench_render {
    size_t values;          /* values drawn */
    double svg_ms;          /* median layout + render to SVG, context reused */
    double png_ms;          /* the same to PNG, at the default (automatic) dpi */
    double png_megapixels;  /* size of that PNG */
    int dot_found;          /* 0: no dot program, spawn_svg_ms is NaN */
    double spawn_svg_ms;    /* median of dot -Tsvg spawned on the DOT text */
    double draw_spawn_svg_ms; /* neuron only: `micrograd draw - -T svg` spawned on its
                                 text (this process's program), else NaN */
} bench_render;

/* The video's neuron (examples/neuron.mg, after backward). Must run before
 * anything else in the process uses Graphviz: it also measures the first
 * call, *context_ms creating the first context and *first_ms that plus the
 * first SVG render. */
int bench_render_neuron(int runs, bench_render *out, double *context_ms, double *first_ms,
                        char *err);
/* The loss graph of MLP(3,[4,4,1]) over the video's four examples, after
 * backward, clustered per neuron and layer (about 400 values). */
int bench_render_mlp(int runs, int png_runs, bench_render *out, char *err);

/* The lesson page of the ~400-value graph (examples/mlp_loss.mg: 360 values,
 * 305 frames) as `micrograd steps -o x.html` makes it: parse, lesson, page. */
typedef struct bench_lesson {
    size_t values, frames;
    double ms;           /* median of the whole page, context reused */
    size_t page_bytes;
} bench_lesson;
int bench_lesson_mlp(int runs, bench_lesson *out, char *err);

#endif
