/* micrograd bench: the engine's speed and memory on this machine (bench/). */
#include <assert.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "commands.h"

static const char bench_help[] =
    "usage: micrograd bench [--json] [--quick]\n"
    "\n"
    "Measures the engine on this machine, in one run (well under a minute):\n"
    "forward + backward of a 1,000,000-value chain (y = y*k + c) and of a\n"
    "1,000,000-term sum of products, each beside a yardstick (a bare loop over\n"
    "a packed array doing the same arithmetic) and the ratio of the two; bytes\n"
    "per value; backward on a 10,000,000-value chain; and micrograd's moons demo\n"
    "(MLP(2,[16,16,1]), 100 points, 100 steps) replayed from its own data and\n"
    "initial parameters, with its final loss as a check of the arithmetic;\n"
    "and drawing: the video's neuron and the ~400-value loss graph of\n"
    "MLP(3,[4,4,1]) laid out and rendered to SVG and PNG in-process through one\n"
    "reused Graphviz context (and the first call, context included), next to\n"
    "`dot -Tsvg` spawned on the same DOT text: /usr/bin/dot, else dot on PATH,\n"
    "or the program MICROGRAD_DOT names (set it empty to skip dot), and\n"
    "the whole `micrograd draw` process on the neuron beside that spawn; and\n"
    "the lesson page of that graph (examples/mlp_loss.mg, 305 frames) and its size.\n"
    "Times are medians of several runs after a warm-up run, in CPU time of the\n"
    "measuring thread (plus, for a spawned process, the child's CPU time), so other\n"
    "programs on a busy machine inflate them little.\n"
    "\n"
    "  --json      one JSON object, a key per figure\n"
    "  --quick     fewer runs (same sizes): a check that everything works\n"
    "  -h, --help  this help\n"
    "\n"
    "Exit status 1 if the engine and the yardstick disagree, or the moons replay\n"
    "misses micrograd's loss (0.010978370135492717) by more than 1e-9.\n"
    "\n"
    "example:\n"
    "  micrograd bench\n"
    "  micrograd bench --quick --json\n";

#define CHAIN_VALUES 1000000
#define SUM_TERMS 1000000
#define BIG_VALUES 10000000
/* micrograd's own run (Python, its notebook): loss of step 99's forward pass. */
#define MOONS_FINAL_LOSS 0.010978370135492717
#define MOONS_TOL 1e-9
#define MAX_FIGURES 72

typedef enum { FIG_FIXED, FIG_COUNT, FIG_EXACT, FIG_BOOL } fig_kind;

typedef struct figure {
    const char *key;
    double value;
    fig_kind kind;
    const char *unit;
    const char *what;
} figure;

typedef struct results {
    bench_pair chain, sum;
    bench_big big;
    bench_moons moons;
    bench_render neuron, mlp;
    bench_lesson lesson;
    double context_ms, first_ms;
    size_t max_rss;
    double seconds;
} results;

static int parse_options(int argc, char **argv, int *json, int *quick)
{
    static const struct option long_options[] = {
        {"json", no_argument, NULL, 'j'},
        {"quick", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(argc, argv, ":h", long_options)) != -1) {
        switch (c) {
        case 'j': *json = 1; break;
        case 'q': *quick = 1; break;
        case 'h': return cli_help(bench_help);
        default: return cli_option_error(argv[0], c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "takes no FILE ('%s' is extra)", argv[optind]);
    return -1;
}

/* Runs every workload; returns CLI_OK or CLI_FAILED after printing why. */
static int measure(int quick, results *r)
{
    char err[BENCH_ERR_SIZE];
    int runs = quick ? 3 : 9, moons_runs = quick ? 1 : 7;
    double t0 = bench_wall_ns();
    if (bench_moons_run(moons_runs, &r->moons, err) ||
        bench_chain(CHAIN_VALUES, runs, &r->chain, err) ||
        bench_sum(SUM_TERMS, runs, &r->sum, err) ||
        bench_chain_big(BIG_VALUES, &r->big, err) ||
        bench_render_neuron(quick ? 3 : 9, &r->neuron, &r->context_ms, &r->first_ms, err) ||
        bench_render_mlp(quick ? 1 : 5, quick ? 1 : 3, &r->mlp, err) ||
        bench_lesson_mlp(quick ? 1 : 3, &r->lesson, err)) {
        cli_error("bench: %s", err);
        return CLI_FAILED;
    }
    r->max_rss = bench_max_rss_bytes();
    r->seconds = (bench_wall_ns() - t0) / 1e9;
    return CLI_OK;
}

static double ratio(double a, double b) { return b > 0 ? a / b : (double)NAN; }

/* The figures in print order, into f (room for MAX_FIGURES); returns how many. */
static size_t figures(const results *r, int quick, figure *f)
{
    const bench_pair *c = &r->chain, *s = &r->sum;
    const bench_moons *m = &r->moons;
    double cv = (double)c->values, sv = (double)s->values;
    figure all[] = {
        {"chain_values", cv, FIG_COUNT, "values", "chain y = y*k + c, forward + backward"},
        {"chain_ns_per_value", c->engine_ns / cv, FIG_FIXED, "ns/value", "engine API"},
        {"chain_yardstick_ns_per_value", c->yardstick_ns / cv, FIG_FIXED, "ns/value", "bare packed array, same arithmetic"},
        {"chain_ratio", ratio(c->engine_ns, c->yardstick_ns), FIG_FIXED, "x", "engine / yardstick (target <= 2)"},
        {"sum_values", sv, FIG_COUNT, "values", "1,000,000-term sum of products x_i*w_i"},
        {"sum_ns_per_value", s->engine_ns / sv, FIG_FIXED, "ns/value", "engine API"},
        {"sum_yardstick_ns_per_value", s->yardstick_ns / sv, FIG_FIXED, "ns/value", "bare packed array, same arithmetic"},
        {"sum_ratio", ratio(s->engine_ns, s->yardstick_ns), FIG_FIXED, "x", "engine / yardstick (target <= 2)"},
        {"bytes_per_value", (double)c->graph_bytes / cv, FIG_FIXED, "bytes", "mg_graph_bytes / values, chain (target <= 64)"},
        {"yardstick_agrees", c->agree && s->agree, FIG_BOOL, "", "chain and sum bit-identical to the yardstick"},
        {"chain10m_values", (double)r->big.values, FIG_COUNT, "values", "one chain in a fresh graph"},
        {"chain10m_ms", r->big.ms, FIG_FIXED, "ms", "fresh graph: growth and first page touches included"},
        {"chain10m_backward_ms", r->big.backward_ms, FIG_FIXED, "ms", "the backward sweep alone"},
        {"chain10m_warm_ms", r->big.warm_ms, FIG_FIXED, "ms", "forward + backward again after a reset"},
        {"chain10m_peak_bytes", (double)r->big.graph_bytes, FIG_COUNT, "bytes", "mg_graph_bytes at the end"},
        {"moons_values_per_step", (double)m->values_per_step, FIG_COUNT, "values", "MLP(2,[16,16,1]), 100 points"},
        {"moons_step_ms", m->step_ms, FIG_FIXED, "ms", "one training step (median)"},
        {"moons_train_ms", m->train_ms, FIG_FIXED, "ms", "the whole 100-step demo"},
        {"moons_yardstick_ms", m->yardstick_ms, FIG_FIXED, "ms", "the same 100 steps on a bare packed array"},
        {"moons_ratio", ratio(m->train_ms, m->yardstick_ms), FIG_FIXED, "x", "engine / yardstick (target <= 2)"},
        {"moons_loss_step0", m->loss_first, FIG_EXACT, "", "micrograd: 0.8958441028683222"},
        {"moons_final_loss", m->loss_final, FIG_EXACT, "", "micrograd: 0.010978370135492717"},
        {"moons_loss_ok", fabs(m->loss_final - MOONS_FINAL_LOSS) <= MOONS_TOL, FIG_BOOL, "", "final loss within 1e-9 of micrograd's"},
        {"moons_accuracy", m->accuracy, FIG_EXACT, "", "of the last step"},
        {"moons_yardstick_agrees", m->agree, FIG_BOOL, "", "every step's loss bit-identical"},
        {"moons_bytes_flat", m->graph_bytes_first == m->graph_bytes_last, FIG_BOOL, "", "graph bytes after step 1 = after step 100"},
        {"moons_graph_bytes", (double)m->graph_bytes_last, FIG_COUNT, "bytes", "mg_graph_bytes during training"},
        {"render_values", (double)r->neuron.values, FIG_COUNT, "values", "the video's neuron (examples/neuron.mg)"},
        {"render_context_ms", r->context_ms, FIG_FIXED, "ms", "creating the process's first Graphviz context"},
        {"render_first_svg_ms", r->first_ms, FIG_FIXED, "ms", "the first SVG: context + layout + render"},
        {"render_svg_ms", r->neuron.svg_ms, FIG_FIXED, "ms", "layout + render to SVG, context reused"},
        {"render_png_ms", r->neuron.png_ms, FIG_FIXED, "ms", "layout + render to PNG, context reused"},
        {"render_png_megapixels", r->neuron.png_megapixels, FIG_FIXED, "Mpixels", "at the default dpi"},
        {"dot_spawn_svg_ms", r->neuron.spawn_svg_ms, FIG_FIXED, "ms", "dot -Tsvg spawned on the same DOT text"},
        {"dot_spawn_ratio", ratio(r->neuron.spawn_svg_ms, r->neuron.svg_ms), FIG_FIXED, "x", "spawned / in-process"},
        {"draw_spawn_svg_ms", r->neuron.draw_spawn_svg_ms, FIG_FIXED, "ms", "the whole micrograd draw process, SVG"},
        {"dot_spawn_draw_ratio", ratio(r->neuron.draw_spawn_svg_ms, r->neuron.spawn_svg_ms), FIG_FIXED, "x", "micrograd draw / dot -Tsvg, processes (target < 1)"},
        {"render400_values", (double)r->mlp.values, FIG_COUNT, "values", "MLP(3,[4,4,1]) loss over 4 examples, clustered"},
        {"render400_svg_ms", r->mlp.svg_ms, FIG_FIXED, "ms", "layout + render to SVG, context reused"},
        {"render400_png_ms", r->mlp.png_ms, FIG_FIXED, "ms", "layout + render to PNG, context reused"},
        {"render400_png_megapixels", r->mlp.png_megapixels, FIG_FIXED, "Mpixels", "at the default dpi (capped near 16)"},
        {"dot_spawn400_svg_ms", r->mlp.spawn_svg_ms, FIG_FIXED, "ms", "dot -Tsvg spawned on the same DOT text"},
        {"dot_spawn400_ratio", ratio(r->mlp.spawn_svg_ms, r->mlp.svg_ms), FIG_FIXED, "x", "spawned / in-process"},
        {"lesson400_values", (double)r->lesson.values, FIG_COUNT, "values", "examples/mlp_loss.mg, the same loss unclustered"},
        {"lesson400_frames", (double)r->lesson.frames, FIG_COUNT, "frames", "its backward lesson"},
        {"lesson400_ms", r->lesson.ms, FIG_FIXED, "ms", "its lesson page: parse, lesson, one layout, frames as changes"},
        {"lesson400_page_bytes", (double)r->lesson.page_bytes, FIG_COUNT, "bytes", "the page"},
        {"dot_found", r->neuron.dot_found, FIG_BOOL, "", "a dot program to spawn (/usr/bin/dot or PATH)"},
        {"max_rss_bytes", (double)r->max_rss, FIG_COUNT, "bytes", "peak resident memory of the process"},
        {"quick", quick, FIG_BOOL, "", "fewer runs"},
        {"seconds", r->seconds, FIG_FIXED, "s", "the whole bench, wall clock"},
    };
    static_assert(sizeof all / sizeof *all <= MAX_FIGURES, "room for every figure");
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (r->neuron.dot_found || strncmp(all[i].key, "dot_spawn", 9) != 0)
            f[n++] = all[i]; /* no dot: the spawn figures are left out */
    return n;
}

/* The figure's value as text: JSON's true/false, or yes/NO for the table. */
static void format_value(char *buf, size_t size, const figure *f, int json)
{
    switch (f->kind) {
    case FIG_FIXED: snprintf(buf, size, "%.3f", f->value); break;
    case FIG_COUNT: snprintf(buf, size, "%.0f", f->value); break;
    case FIG_EXACT: mg_format_repr(buf, size, f->value); break;
    case FIG_BOOL:
        snprintf(buf, size, "%s", f->value != 0 ? (json ? "true" : "yes") : (json ? "false" : "NO"));
        break;
    }
}

static void print_json(const figure *f, size_t n)
{
    fputc('{', stdout);
    for (size_t i = 0; i < n; i++) {
        char value[64];
        format_value(value, sizeof value, &f[i], 1);
        /* A non-finite figure (a failed run) is not a JSON number. */
        int quote = f[i].kind != FIG_BOOL && !isfinite(f[i].value);
        printf("%s\"%s\": %s%s%s", i ? ", " : "", f[i].key, quote ? "\"" : "", value,
               quote ? "\"" : "");
    }
    fputs("}\n", stdout);
}

static void print_table(const figure *f, size_t n)
{
    printf("%-30s %22s  %-9s %s\n", "figure", "value", "unit", "what");
    for (size_t i = 0; i < n; i++) {
        char value[64];
        format_value(value, sizeof value, &f[i], 0);
        printf("%-30s %22s  %-9s %s\n", f[i].key, value, f[i].unit, f[i].what);
    }
}

int cmd_bench(int argc, char **argv)
{
    int json = 0, quick = 0;
    int status = parse_options(argc, argv, &json, &quick);
    if (status >= 0)
        return status;
    results r;
    if (measure(quick, &r) != CLI_OK)
        return CLI_FAILED;
    figure f[MAX_FIGURES];
    size_t n = figures(&r, quick, f);
    if (json)
        print_json(f, n);
    else
        print_table(f, n);
    if (!json && !r.neuron.dot_found)
        printf("note: no dot program (MICROGRAD_DOT, /usr/bin/dot or dot on PATH): "
               "the dot_spawn figures are skipped\n");
    int ok = r.chain.agree && r.sum.agree && r.moons.agree &&
             fabs(r.moons.loss_final - MOONS_FINAL_LOSS) <= MOONS_TOL;
    if (!ok)
        cli_error("bench: a correctness check failed (see the 'agrees' and 'loss_ok' figures)");
    return cli_finish_stdout(ok ? CLI_OK : CLI_FAILED);
}
