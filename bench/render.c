/* The rendering figures: a graph laid out and rendered in-process through one
 * reused mg_viz (SVG and PNG), against `dot -Tsvg` spawned as a process on
 * the same DOT text. Times are CPU time: the measuring thread's, plus for a
 * spawn the child's user and system time, so the two sides are counted alike
 * and other programs on a busy machine inflate neither much. */
#define _GNU_SOURCE /* wait4 */
#include "bench.h"

#include <micrograd/engine.h>
#include <micrograd/lesson.h>
#include <micrograd/nn.h>
#include <micrograd/parse.h>
#include <micrograd/viz.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_neuron.h"

extern char **environ;

#define MAX_RUNS 64

/* ---- spawning dot ------------------------------------------------------------- */

/* The dot program: $MICROGRAD_DOT when set (empty: none), else /usr/bin/dot,
 * else the first `dot` on PATH; NULL if none. */
static const char *find_dot(char *buf, size_t size)
{
    const char *chosen = getenv("MICROGRAD_DOT");
    if (chosen)
        return chosen[0] && access(chosen, X_OK) == 0 ? chosen : NULL;
    if (access("/usr/bin/dot", X_OK) == 0)
        return "/usr/bin/dot";
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && (size_t)snprintf(buf, size, "%.*s/dot", (int)n, path) < size &&
            access(buf, X_OK) == 0)
            return buf;
        path += n + (path[n] == ':');
    }
    return NULL;
}

static double timeval_ns(struct timeval t)
{
    return (double)t.tv_sec * 1e9 + (double)t.tv_usec * 1e3;
}

/* Writes all of text to fd; 0 or -1. */
static int write_all(int fd, const char *text, size_t len)
{
    while (len) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads fd to its end into *out (malloc'd); returns the length, or -1. */
static long read_all(int fd, char **out)
{
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            return -1;
        if (len == cap) {
            char *more = realloc(buf, cap *= 2);
            if (!more) {
                free(buf);
                return -1;
            }
            buf = more;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    *out = buf;
    return (long)len;
}

/* Runs program argv with text on its standard input and reads all its output
 * (`dot -Tsvg` and `micrograd draw -` read their whole input before writing,
 * so writing everything first cannot deadlock). Returns the CPU ns of this
 * thread plus the child's, or -1 with err set. *svg receives the output (free
 * it). */
static double spawn(const char *program, char *const argv[], const char *text, size_t len,
                    char **svg, long *svg_len, char *err)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return bench_fail(err, "pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    pid_t pid;
    double t0 = bench_now_ns();
    int rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    int bad = rc != 0;
    if (!bad) {
        bad |= write_all(in[1], text, len) != 0;
        close(in[1]);
        *svg_len = read_all(out[0], svg);
        bad |= *svg_len < 0;
    } else {
        close(in[1]);
    }
    close(out[0]);
    struct rusage child = {0};
    int status = 0;
    if (rc == 0)
        while (wait4(pid, &status, 0, &child) < 0 && errno == EINTR) {
        }
    double ns = bench_now_ns() - t0 + timeval_ns(child.ru_utime) + timeval_ns(child.ru_stime);
    if (rc != 0)
        return bench_fail(err, "cannot run %s: %s", program, strerror(rc));
    if (bad || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (*svg_len >= 0)
            free(*svg);
        return bench_fail(err, "%s %s failed", program, argv[1]);
    }
    return ns;
}

/* Median ms of runs spawns of program argv on text (after one uncounted run
 * when warm); -1 with err set on failure. */
static int median_spawn(const char *program, char *const argv[], const char *text, size_t len,
                        int runs, int warm, double *ms, char *err)
{
    double t[MAX_RUNS];
    for (int r = warm ? -1 : 0; r < runs; r++) {
        char *out = NULL;
        long out_len = -1;
        double ns = spawn(program, argv, text, len, &out, &out_len, err);
        if (ns < 0)
            return -1;
        if (r >= 0)
            t[r] = ns / 1e6;
        free(out);
    }
    *ms = bench_median(t, (size_t)runs);
    return 0;
}

/* ---- in-process renders --------------------------------------------------------- */

/* One render of roots; returns CPU ns, or -1 with err set. The output is
 * kept in *out when out is not NULL (free with mg_viz_free_output). */
static double render_once(mg_viz *viz, const mg_graph *g, mg_value root, const char *format,
                          int dpi, char **out, size_t *len, char *err)
{
    mg_viz_options o = mg_viz_options_default();
    o.max_nodes = 0;
    o.dpi = dpi;
    char *data;
    size_t n;
    mg_error why;
    double t0 = bench_now_ns();
    mg_status s = mg_viz_render(viz, g, &root, 1, &o, format, &data, &n, &why);
    double ns = bench_now_ns() - t0;
    if (s != MG_OK)
        return bench_fail(err, "render %s: %s", format, why.message);
    if (out) {
        *out = data;
        *len = n;
    } else {
        mg_viz_free_output(data);
    }
    return ns;
}

/* Median ms of runs renders in format, after one warm-up render when warm;
 * the last output is kept in *out when out is not NULL. */
static int median_render(mg_viz *viz, const mg_graph *g, mg_value root, const char *format,
                         int dpi, int runs, int warm, double *ms, char **out, size_t *len,
                         char *err)
{
    double t[MAX_RUNS];
    for (int r = warm ? -1 : 0; r < runs; r++) {
        int last = r + 1 == runs;
        double ns = render_once(viz, g, root, format, dpi, last ? out : NULL, len, err);
        if (ns < 0)
            return -1;
        if (r >= 0)
            t[r] = ns / 1e6;
    }
    *ms = bench_median(t, (size_t)runs);
    return 0;
}

/* The width x height of a PNG, in megapixels (0 if not a PNG). */
static double png_megapixels(const char *png, size_t len)
{
    const unsigned char *p = (const unsigned char *)png;
    if (len < 24 || memcmp(p, "\x89PNG", 4) != 0)
        return 0;
    double w = (double)((unsigned long)p[16] << 24 | (unsigned long)p[17] << 16 |
                        (unsigned long)p[18] << 8 | p[19]);
    double h = (double)((unsigned long)p[20] << 24 | (unsigned long)p[21] << 16 |
                        (unsigned long)p[22] << 8 | p[23]);
    return w * h / 1e6;
}

/* Every figure of one graph with a ready renderer, its PNG at png_dpi (0:
 * automatic); warm: one uncounted run of each before the counted ones. */
static int measure_graph(mg_viz *viz, const mg_graph *g, mg_value root, int runs, int png_runs,
                         int png_dpi, int warm, bench_render *out, char *err)
{
    out->values = mg_viz_count(g, &root, 1);
    char *png = NULL, *dot_text = NULL;
    size_t png_len = 0, dot_len = 0;
    if (median_render(viz, g, root, "svg", 0, runs, warm, &out->svg_ms, NULL, NULL, err) ||
        median_render(viz, g, root, "png", png_dpi, png_runs, warm, &out->png_ms, &png, &png_len,
                      err))
        return -1;
    out->png_megapixels = png_megapixels(png, png_len);
    mg_viz_free_output(png);
    char path[4096];
    const char *dot = find_dot(path, sizeof path);
    out->dot_found = dot != NULL;
    out->spawn_svg_ms = (double)NAN;
    if (!dot)
        return 0;
    if (render_once(viz, g, root, "dot", 0, &dot_text, &dot_len, err) < 0)
        return -1;
    char *const argv[] = {"dot", "-Tsvg", NULL};
    int status = median_spawn(dot, argv, dot_text, dot_len, runs, warm, &out->spawn_svg_ms, err);
    mg_viz_free_output(dot_text);
    return status;
}

/* ---- the two graphs --------------------------------------------------------------- */

int bench_render_neuron(int runs, bench_render *out, double *context_ms, double *first_ms,
                        char *err)
{
    if (runs < 1 || runs > MAX_RUNS)
        return bench_fail(err, "render: runs must be 1..%d", MAX_RUNS);
    *out = (bench_render){0};
    size_t len = 0;
    char *text = bench_join_lines(bench_neuron_mg, &len);
    mg_graph *g = mg_graph_new();
    mg_program *p = NULL;
    if (text && g)
        mg_parse(g, text, len, &p, NULL);
    free(text);
    if (!p) {
        mg_graph_free(g);
        return bench_fail(err, "render: cannot parse the neuron example");
    }
    mg_value root = mg_program_value(p, mg_program_root(p));
    mg_backward(g, root);
    double t0 = bench_now_ns();
    mg_viz *viz;
    mg_error why;
    mg_status started = mg_viz_new(&viz, &why);
    double t1 = bench_now_ns();
    int status = started == MG_OK ? 0 : bench_fail(err, "render: %s", why.message);
    double ns = status ? 0 : render_once(viz, g, root, "svg", 0, NULL, NULL, err);
    if (ns < 0)
        status = -1;
    *context_ms = (t1 - t0) / 1e6;
    *first_ms = (t1 - t0 + ns) / 1e6;
    if (status == 0)
        status = measure_graph(viz, g, root, runs, runs, 0, 1, out, err);
    /* The whole `micrograd draw` process on the neuron's text, as dot's spawn
     * above: start-up, fonts and plugins included. */
    out->draw_spawn_svg_ms = (double)NAN;
    if (status == 0 && (text = bench_join_lines(bench_neuron_mg, &len)) != NULL) {
        char *const argv[] = {"micrograd", "draw", "-", "-T", "svg", "-o", "-", NULL};
        status = median_spawn("/proc/self/exe", argv, text, len, runs, 1,
                              &out->draw_spawn_svg_ms, err);
        free(text);
    }
    mg_viz_free(viz);
    mg_program_free(p);
    mg_graph_free(g);
    return status;
}

#define BENCH_MLP_PNG_DPI 24

int bench_render_mlp(int runs, int png_runs, bench_render *out, char *err)
{
    if (runs < 1 || runs > MAX_RUNS || png_runs < 1 || png_runs > MAX_RUNS)
        return bench_fail(err, "render: runs must be 1..%d", MAX_RUNS);
    *out = (bench_render){0};
    static const size_t sizes[] = {3, 4, 4, 1};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = NULL;
    mg_dataset d = {0};
    mg_rng rng;
    mg_rng_seed(&rng, 1337);
    mg_viz *viz = NULL;
    int status = -1;
    if (!g || mg_viz_new(&viz, NULL) != MG_OK || mg_dataset_tiny(&d) != MG_OK ||
        mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, NULL) != MG_OK) {
        bench_fail(err, "render: cannot set up MLP(3,[4,4,1])");
    } else {
        mg_value loss = mg_mlp_loss(g, m, &d, MG_LOSS_SSE, 0.0, MG_NN_ANNOTATE, NULL);
        if (!mg_value_ok(loss) || mg_backward(g, loss) != MG_OK)
            bench_fail(err, "render: %s", mg_graph_error(g));
        else
            /* 24 dpi: the picture the automatic resolution used to make of it
             * (4 megapixels; readable text would need 40), so the figure
             * stays comparable; at an automatic resolution it is refused */
            status = measure_graph(viz, g, loss, runs, png_runs, BENCH_MLP_PNG_DPI, runs > 1,
                                   out, err);
    }
    mg_viz_free(viz);
    mg_mlp_free(m);
    mg_dataset_free(&d);
    mg_graph_free(g);
    return status;
}

/* ---- the lesson page ------------------------------------------------------------ */

/* One page of the program's lesson: CPU ns, or -1 with err set. */
static double lesson_once(mg_viz *viz, const char *text, size_t len, bench_lesson *out, char *err)
{
    double t0 = bench_now_ns();
    mg_graph *g = mg_graph_new();
    mg_program *p = NULL;
    mg_lesson *lesson = NULL;
    char *page = NULL;
    size_t page_len = 0;
    mg_error why = {0};
    mg_viz_options o = mg_viz_options_default();
    int ok = g && mg_parse(g, text, len, &p, &why) == MG_OK &&
             mg_lesson_new(g, mg_program_value(p, mg_program_root(p)), NULL, &lesson, &why) == MG_OK &&
             mg_viz_lesson_page(viz, lesson, &o, "mlp_loss", &page, &page_len, &why) == MG_OK;
    double ns = bench_now_ns() - t0;
    if (ok) {
        out->values = mg_graph_size(g);
        out->frames = mg_lesson_frame_count(lesson);
        out->page_bytes = page_len;
    }
    mg_viz_free_output(page);
    mg_lesson_free(lesson);
    mg_program_free(p);
    mg_graph_free(g);
    return ok ? ns : bench_fail(err, "lesson: %s", why.message);
}

int bench_lesson_mlp(int runs, bench_lesson *out, char *err)
{
    if (runs < 1 || runs > MAX_RUNS)
        return bench_fail(err, "lesson: runs must be 1..%d", MAX_RUNS);
    *out = (bench_lesson){0};
    size_t len = 0;
    char *text = bench_join_lines(bench_mlp_loss_mg, &len);
    mg_viz *viz = NULL;
    if (!text || mg_viz_new(&viz, NULL) != MG_OK) {
        free(text);
        return bench_fail(err, "lesson: out of memory");
    }
    double t[MAX_RUNS];
    int status = 0;
    for (int r = runs > 1 ? -1 : 0; r < runs && status == 0; r++) {
        double ns = lesson_once(viz, text, len, out, err);
        if (ns < 0)
            status = -1;
        else if (r >= 0)
            t[r] = ns / 1e6;
    }
    if (status == 0)
        out->ms = bench_median(t, (size_t)runs);
    mg_viz_free(viz);
    free(text);
    return status;
}
