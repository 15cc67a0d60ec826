/* micrograd train: an MLP on the video's examples, micrograd's moons demo or a
 * CSV file; progress, a summary or JSON, and an optional plot. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/nn.h>
#if CLI_HAVE_VIZ
#include <micrograd/plot.h>
#include <micrograd/viz.h>
#endif

#include "cli.h"
#include "commands.h"

static const char train_help[] =
    "usage: micrograd train [--data tiny|moons|FILE.csv] [--points FILE.csv] [--init FILE]\n"
    "                       [--sizes 3,4,4,1] [--steps N] [--lr X] [--seed N] [--loss mse|svm]\n"
    "                       [--batch N] [--plot OUT.png|OUT.svg|OUT.pdf] [--dpi N]\n"
    "                       [--draw OUT] [--json] [--no-zero-grad]\n"
    "\n"
    "Trains a multi-layer perceptron with plain gradient descent, as micrograd does.\n"
    "\n"
    "  --data tiny      the video's four examples -> MLP(3, [4, 4, 1]), tanh, squared\n"
    "                   error, learning rate 0.2, 200 steps (the default)\n"
    "  --data moons     micrograd's demo: 100 two-moon points (noise 0.1) from the seed,\n"
    "                   MLP(2, [16, 16, 1]) with ReLU and a linear output, SVM max-margin\n"
    "                   loss + 1e-4 L2, learning rate 1.0 - 0.9*k/steps, 100 steps\n"
    "  --data FILE.csv  rows of inputs then a target (an optional header line, '#'\n"
    "                   comments): MLP(n, [16, 16, 1]) as moons; SVM loss when every\n"
    "                   target is -1 or 1, else squared error with learning rate 0.01\n"
    "  --points FILE    keep the --data preset but train on these points (CSV)\n"
    "  --init FILE      initial parameters, one per line in parameters() order\n"
    "                   (layer by layer, neuron by neuron: w1..wn then b); '#' comments\n"
    "  --sizes LIST     inputs, then each layer's width; the last must be 1\n"
    "  --steps N        number of steps\n"
    "  --lr X           a constant learning rate instead of the preset's\n"
    "  --seed N         seeds the weights and the moons points (default 1337)\n"
    "  --loss mse|svm   summed squared error, or SVM max-margin + 1e-4 L2\n"
    "  --batch N        each step on N rows drawn at random (as micrograd's demo draws\n"
    "                   its minibatch: a random permutation's first N), from the seed:\n"
    "                   the same seed, the same batches; N at most the rows. Without\n"
    "                   it, every step uses every row\n"
    "  --plot OUT       the loss curve and, for 2-D data, the decision boundary\n"
    "                   (PNG, SVG or PDF, from the extension)\n"
    "  --dpi N          the plot's PNG resolution, 1..600 (default 144)\n"
    "  --draw OUT       after training, the network's graph (SVG, PNG, PDF or DOT, from\n"
    "                   the extension), each neuron boxed inside its layer: the whole\n"
    "                   loss graph when it has at most 500 values (the tiny preset's\n"
    "                   has 360), else the first example's forward graph and its loss\n"
    "                   (one node per neuron past 2000 values); a PNG takes the next\n"
    "                   of these when its text would be too small to read; grads\n"
    "                   from a backward pass of the loss drawn\n"
    "  --json           one JSON object: {\"data\", \"sizes\", \"steps\", \"final_loss\",\n"
    "                   \"accuracy\", \"loss_history\"}; loss_history[k] is the loss of\n"
    "                   step k's forward pass, before its update\n"
    "  --no-zero-grad   the lecture's bug: never zero the grads, so each step's add to\n"
    "                   all the earlier ones' and the steps grow (labelled BUG in the\n"
    "                   summary, the plot's title and the JSON's \"bug\")\n"
    "  -h, --help       this help\n"
    "\n"
    "Accuracy is the fraction of examples whose score has the sign of the target\n"
    "(with --batch, of the step's batch). Progress goes to standard error: a bar\n"
    "on a terminal, else a line every tenth of the run; then the time a step took.\n"
    "\n"
    "examples:\n"
    "  micrograd train\n"
    "  micrograd train --data moons --plot moons.png\n"
    "  micrograd train --draw network.svg\n"
    "  micrograd train --data moons --points moons100.csv --init moons_init.csv --json\n"
    "  micrograd train --data points.csv --sizes 2,8,1 --steps 500\n"
    "  micrograd train --data big.csv --batch 32 --steps 1000\n";

#define MAX_LAYERS 64
/* --batch's largest value (a batch is further bounded by the rows). */
#define MAX_BATCH 1000000000L
/* --draw shows the whole loss graph up to this many values (dot lays the
 * tiny preset's out in about 75 ms), else one example's graph. */
#define DRAW_WHOLE_MAX 500

typedef struct train_options {
    const char *data;
    const char *points;
    const char *init;
    const char *plot;
    const char *draw;
    const char *plot_format; /* a cli_output_format name */
    int dpi;                 /* --dpi, 0 when not given */
    const char *draw_format;
    size_t sizes[MAX_LAYERS + 1];
    size_t nsizes;           /* 0: the preset's */
    long steps;              /* -1: the preset's */
    double lr;
    int has_lr;
    uint64_t seed;
    int loss;                /* -1: the preset's, else an mg_loss */
    long batch;              /* 0: every row each step */
    int json;
    int no_zero_grad;        /* the bug, on purpose */
} train_options;

/* What a run uses: the preset of --data with the options applied. Its
 * network is sizes[0..nsizes) (--sizes may make it deeper than a preset's). */
typedef struct train_setup {
    size_t sizes[MAX_LAYERS + 1];
    size_t nsizes;
    mg_preset preset;        /* activations, loss, alpha, learning rate */
    long steps;
} train_setup;

enum { OPT_DATA = 256, OPT_POINTS, OPT_INIT, OPT_SIZES, OPT_STEPS, OPT_LR, OPT_SEED, OPT_LOSS,
       OPT_PLOT, OPT_DPI, OPT_DRAW, OPT_JSON, OPT_BATCH, OPT_NO_ZERO_GRAD };

/* How every output of --no-zero-grad starts. */
#define BUG_LABEL "BUG on purpose (grads never zeroed): "

/* "3,4,4,1" -> sizes; 1 on success, else a usage error is printed. */
static int parse_sizes(const char *text, train_options *o)
{
    return cli_parse_sizes("train", "--sizes", text, MAX_LAYERS + 1, 100000, o->sizes, &o->nsizes);
}

/* Applies one option; returns -1 to go on, or an exit status. */
static int take_option(int c, const char *arg, train_options *o)
{
    long n;
    switch (c) {
    case OPT_DATA: o->data = arg; return -1;
    case OPT_POINTS: o->points = arg; return -1;
    case OPT_INIT: o->init = arg; return -1;
    case OPT_PLOT: o->plot = arg; return -1;
    case OPT_DPI:
#if CLI_HAVE_VIZ
        if (!cli_parse_long("train", "--dpi", arg, 1, MG_PLOT_DPI_MAX, &n))
            return CLI_USAGE;
        o->dpi = (int)n;
        return -1;
#else
        return cli_no_drawing("train --dpi");
#endif
    case OPT_DRAW: o->draw = arg; return -1;
    case OPT_JSON: o->json = 1; return -1;
    case OPT_NO_ZERO_GRAD: o->no_zero_grad = 1; return -1;
    case OPT_SIZES: return parse_sizes(arg, o) ? -1 : CLI_USAGE;
    case OPT_STEPS:
        if (!cli_parse_long("train", "--steps", arg, 1, 10000000, &n))
            return CLI_USAGE;
        o->steps = n;
        return -1;
    case OPT_BATCH:
        if (!cli_parse_long("train", "--batch", arg, 1, MAX_BATCH, &n))
            return CLI_USAGE;
        o->batch = n;
        return -1;
    case OPT_SEED:
        if (!cli_parse_long("train", "--seed", arg, 0, LONG_MAX, &n))
            return CLI_USAGE;
        o->seed = (uint64_t)n;
        return -1;
    case OPT_LR:
        if (!cli_parse_double("train", "--lr", arg, &o->lr))
            return CLI_USAGE;
        if (o->lr <= 0)
            return cli_usage_error("train", "--lr must be positive, not '%s'", arg);
        o->has_lr = 1;
        return -1;
    case OPT_LOSS:
        if (strcmp(arg, "mse") == 0)
            o->loss = MG_LOSS_SSE;
        else if (strcmp(arg, "svm") == 0)
            o->loss = MG_LOSS_SVM;
        else
            return cli_usage_error("train", "--loss wants mse or svm, not '%s'", arg);
        return -1;
    default:
        return -1;
    }
}

/* Parses argv; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, train_options *o)
{
    static const struct option long_options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"points", required_argument, NULL, OPT_POINTS},
        {"init", required_argument, NULL, OPT_INIT},
        {"sizes", required_argument, NULL, OPT_SIZES},
        {"steps", required_argument, NULL, OPT_STEPS},
        {"lr", required_argument, NULL, OPT_LR},
        {"seed", required_argument, NULL, OPT_SEED},
        {"loss", required_argument, NULL, OPT_LOSS},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"dpi", required_argument, NULL, OPT_DPI},
        {"draw", required_argument, NULL, OPT_DRAW},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"json", no_argument, NULL, OPT_JSON},
        {"no-zero-grad", no_argument, NULL, OPT_NO_ZERO_GRAD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (train_options){.data = "tiny", .steps = -1, .seed = 1337, .loss = -1};
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(argc, argv, ":h", long_options)) != -1) {
        if (c == 'h')
            return cli_help(train_help);
        if (c == ':' || c == '?')
            return cli_option_error("train", c, argv);
        int status = take_option(c, optarg, o);
        if (status >= 0)
            return status;
    }
    if (optind < argc)
        return cli_usage_error("train", "unexpected argument '%s'", argv[optind]);
#if CLI_HAVE_VIZ
    /* standard output carries the report: plots and drawings go to files */
    if (o->plot && strcmp(o->plot, "-") == 0)
        return cli_usage_error("train", "--plot wants a file name, not standard output");
    if (o->draw && strcmp(o->draw, "-") == 0)
        return cli_usage_error("train", "--draw wants a file name, not standard output");
    if (o->plot && !(o->plot_format = cli_output_format("train", "--plot", o->plot, NULL,
                                                        CLI_PLOT_FORMATS)))
        return CLI_USAGE;
    if (o->draw && !(o->draw_format = cli_output_format("train", "--draw", o->draw, NULL,
                                                        CLI_PICTURE_FORMATS)))
        return CLI_USAGE;
    if (o->dpi && !o->plot)
        return cli_usage_error("train", "--dpi is the resolution of --plot's PNG: give --plot too");
#else
    if (o->plot || o->draw)
        return cli_no_drawing(o->plot ? "train --plot" : "train --draw");
#endif
    return -1;
}

/* ---- data ------------------------------------------------------------------ */

/* The examples of a run, and the CSV table they came from (for line numbers). */
typedef struct train_data {
    mg_dataset set;
    mg_table table;          /* empty for tiny and generated moons */
    char *text;              /* the table's text, for messages; or NULL */
    const char *path;        /* the table's file, or NULL */
} train_data;

static void train_data_free(train_data *d)
{
    mg_dataset_free(&d->set);
    mg_table_free(&d->table);
    free(d->text);
    d->text = NULL;
    d->path = NULL;
}

/* Reads and parses a numeric CSV file; prints FILE:LINE:COL errors. */
/* The 1-based column where field k (0-based) of a line of text starts, as
 * the CSV reader counts it (after a UTF-8 BOM on line 1, spaces skipped):
 * where a file of one number per line goes wrong when it has several, and
 * where a row's target is. 1 if there is no such field. */
static int field_col(const char *text, int line, size_t k)
{
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return 1;
    if (line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    const char *f = p;
    for (size_t i = 0; i < k; i++) {
        while (*f && *f != ',' && *f != '\n')
            f++;
        if (*f != ',')
            return 1;
        f++;
    }
    while (*f == ' ' || *f == '\t')
        f++;
    return (int)(f - p) + 1;
}

static int load_table(const char *path, mg_table *t, char **text_out)
{
    char *text;
    size_t len;
    int status = cli_read_file(path, &text, &len);
    if (status != CLI_OK)
        return status;
    mg_error err;
    if (mg_table_parse(text, len, t, &err) != MG_OK) {
        cli_input_error(cli_display_name(path), err.line, err.col, "%s", err.message);
        free(text);
        return err.status == MG_ERR_NOMEM ? CLI_FAILED : CLI_USAGE;
    }
    if (text_out)
        *text_out = text;
    else
        free(text);
    return CLI_OK;
}

/* Loads a CSV data file into d (replacing what d held). */
static int load_points(const char *path, train_data *d)
{
    train_data_free(d);
    int status = load_table(path, &d->table, &d->text);
    if (status != CLI_OK)
        return status;
    d->path = path;
    if (d->table.cols < 2) {
        cli_input_error(cli_display_name(path), d->table.lines[0], 1,
                        "a row needs inputs then a target (at least two fields)");
        return CLI_USAGE;
    }
    if (mg_dataset_from_table(&d->set, &d->table) != MG_OK) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    return CLI_OK;
}

static int all_labels(const mg_dataset *d)
{
    for (size_t r = 0; r < d->count; r++)
        if (d->y[r] != 1.0 && d->y[r] != -1.0)
            return 0;
    return 1;
}

/* A CSV file trains as moons does, on its own inputs; when its targets are
 * not all labels (-1 or 1), on the squared error at this constant rate. */
#define CSV_REGRESSION_LR 0.01

/* The preset of --data: network, loss and learning rate, and its examples. */
static int load_preset(const train_options *o, train_setup *s, train_data *d)
{
    const mg_preset *named = mg_preset_find(o->data);
    s->preset = *(named ? named : mg_preset_find("moons"));
    if (named && !(named->points && o->points)) {
        mg_error err;
        if (mg_preset_dataset(named, o->seed, &d->set, &err) != MG_OK)
            return cli_error("%s", err.message), CLI_FAILED;
    } else if (!named) {
        int status = load_points(o->data, d);
        if (status != CLI_OK)
            return status;
        s->preset.sizes[0] = d->set.inputs;
        if (!all_labels(&d->set)) {
            s->preset.loss = MG_LOSS_SSE;
            s->preset.alpha = 0.0;
            s->preset.lr = CSV_REGRESSION_LR;
            s->preset.decay = 0;
        }
    }
    memcpy(s->sizes, s->preset.sizes, s->preset.count * sizeof *s->sizes);
    s->nsizes = s->preset.count;
    s->steps = (long)s->preset.steps;
    return CLI_OK;
}

/* Applies --points, --sizes, --loss, --steps, --lr to the preset and checks
 * that data and network fit together. */
static int apply_options(const train_options *o, train_setup *s, train_data *d)
{
    if (o->points) {
        int status = load_points(o->points, d);
        if (status != CLI_OK)
            return status;
        if (d->set.inputs != s->sizes[0]) {
            cli_error("%s: rows have %zu input%s, but the '%s' network takes %zu",
                      cli_display_name(o->points), d->set.inputs, cli_plural(d->set.inputs),
                      o->data, s->sizes[0]);
            return CLI_USAGE;
        }
    }
    if (o->nsizes) {
        memcpy(s->sizes, o->sizes, sizeof s->sizes);
        s->nsizes = o->nsizes;
        if (s->sizes[0] != d->set.inputs)
            return cli_usage_error("train", "--sizes starts with %zu inputs, but the data have %zu",
                                   s->sizes[0], d->set.inputs);
        if (s->sizes[s->nsizes - 1] != 1)
            return cli_usage_error("train", "--sizes must end with 1 (one output: the score)");
    }
    size_t params = 0;
    for (size_t i = 0; i + 1 < s->nsizes; i++)
        params += (s->sizes[i] + 1) * s->sizes[i + 1];
    if (params > MG_MLP_MAX_PARAMS)
        return cli_usage_error("train", "%s has %zu parameters; at most %d can be trained",
                               "--sizes", params, MG_MLP_MAX_PARAMS);
    if (o->loss >= 0) {
        s->preset.loss = (mg_loss)o->loss;
        s->preset.alpha = s->preset.loss == MG_LOSS_SVM ? mg_preset_find("moons")->alpha : 0.0;
    }
    if (o->batch > 0 && (size_t)o->batch > d->set.count)
        return cli_usage_error("train", "--batch %ld is more than the %zu row%s of the data "
                               "(leave --batch out to train on every row)",
                               o->batch, d->set.count, cli_plural(d->set.count));
    if (o->steps > 0)
        s->steps = o->steps;
    if (o->has_lr) {
        s->preset.lr = o->lr;
        s->preset.decay = 0;
    }
    if (s->preset.loss == MG_LOSS_SVM)
        for (size_t r = 0; r < d->set.count; r++)
            if (d->set.y[r] != 1.0 && d->set.y[r] != -1.0) {
                char y[MG_NUMBER_SIZE];
                mg_format_repr(y, sizeof y, d->set.y[r]);
                cli_input_error(cli_display_name(d->path ? d->path : o->data),
                                d->path ? d->table.lines[r] : 1,
                                d->path ? field_col(d->text, d->table.lines[r], d->table.cols - 1)
                                        : 1,
                                "the svm loss wants targets -1 or 1, not %s", y);
                return CLI_USAGE;
            }
    return CLI_OK;
}

/* Loads --init into the network's parameters. */
static int load_init(const char *path, mg_graph *g, const mg_mlp *m, const train_setup *s)
{
    mg_table t;
    char *text = NULL;
    int status = load_table(path, &t, &text);
    if (status != CLI_OK)
        return status;
    const char *name = cli_display_name(path);
    size_t want = mg_mlp_param_count(m);
    if (t.cols != 1) {
        cli_input_error(name, t.lines[0], field_col(text, t.lines[0], 1),
                        "expected one number per line, found %zu fields", t.cols);
        status = CLI_USAGE;
    } else if (t.rows != want) {
        char desc[256];
        mg_mlp_describe(desc, sizeof desc, s->sizes, s->nsizes);
        cli_error("%s: %zu parameters, but %s has %zu", name, t.rows, desc, want);
        status = CLI_USAGE;
    } else if (mg_mlp_set_params(g, m, t.cells, t.rows) != MG_OK) {
        cli_error("cannot set the parameters");
        status = CLI_FAILED;
    }
    free(text);
    mg_table_free(&t);
    return status;
}

/* ---- progress ---------------------------------------------------------------- */

typedef struct progress {
    cli_progress bar;        /* on a terminal */
    long steps, every;       /* else a line every `every` steps */
} progress;

static progress progress_start(long steps)
{
    return (progress){.bar = cli_progress_start(0.0), .steps = steps,
                      .every = steps >= 10 ? steps / 10 : 1};
}

/* After step k: redraws the bar on a terminal, else prints micrograd's line
 * (0-based step) every tenth of the run and at the last step. */
static void progress_update(progress *p, long k, double loss, double accuracy)
{
    double ms = cli_progress_elapsed(&p->bar) * 1e3 / (double)(k + 1);
    if (!p->bar.tty) {
        if (k % p->every == 0 || k + 1 == p->steps) {
            /* micrograd's notebook line, so the two runs read side by side */
            char text[MG_NUMBER_SIZE];
            mg_format_repr(text, sizeof text, loss);
            fprintf(stderr, "step %ld loss %s, accuracy %.1f%%\n", k, text, accuracy * 100.0);
        }
        return;
    }
    char text[80];
    snprintf(text, sizeof text, "  loss %.6g  accuracy %.1f%%  %.3g ms a step", loss,
             accuracy * 100.0, ms);
    cli_progress_update(&p->bar, (size_t)k + 1, (size_t)p->steps, text);
}

/* ---- training and output -------------------------------------------------------- */

/* Runs the steps, each on every row of d or on a batch drawn from them;
 * history[k] and *accuracy are those of step k's forward pass. Ends with
 * the time a step took, on standard error. */
static int run_steps(mg_graph *g, mg_mlp *m, const train_setup *s, const mg_dataset *d,
                     mg_batches *batches, unsigned flags, double *history, double *accuracy)
{
    progress p = progress_start(s->steps);
    for (long k = 0; k < s->steps; k++) {
        double lr = mg_preset_lr(&s->preset, (size_t)k, (size_t)s->steps);
        const mg_dataset *rows = batches ? mg_batches_next(batches, d) : d;
        if (mg_mlp_train_step(g, m, rows, s->preset.loss, s->preset.alpha, lr, flags, &history[k],
                              accuracy) != MG_OK) {
            cli_progress_finish(&p.bar);
            cli_error("training failed at step %ld: %s", k, mg_graph_error(g));
            return CLI_FAILED;
        }
        progress_update(&p, k, history[k], *accuracy);
    }
    double seconds = cli_progress_elapsed(&p.bar);
    fprintf(stderr, "%ld step%s in %.3f s: %.3g ms a step\n", s->steps,
            cli_plural((size_t)s->steps), seconds, seconds * 1e3 / (double)s->steps);
    return CLI_OK;
}

#if CLI_HAVE_VIZ
static int plot_score(void *ctx, const double *xy, size_t n, double *out)
{
    void **c = ctx;
    return mg_mlp_eval(c[0], c[1], xy, n, out) != MG_OK;
}

static int write_plot(const train_options *o, const char *title, mg_graph *g, mg_mlp *m,
                      const mg_dataset *d, const double *history, long steps)
{
    void *ctx[2] = {g, m};
    mg_plot p = {.title = title, .loss = history, .steps = (size_t)steps, .data = d,
                 .score = d->inputs == 2 ? plot_score : NULL, .ctx = ctx, .dpi = o->dpi};
    unsigned char *bytes;
    size_t len;
    mg_error err;
    if (mg_plot_render(&p, cli_plot_format(o->plot_format), &bytes, &len, &err) != MG_OK) {
        cli_error("cannot draw the plot: %s", err.message);
        return CLI_FAILED;
    }
    int status = cli_stage_output(o->plot, bytes, len);
    free(bytes);
    return status;
}

/* ---- drawing the network ----------------------------------------------------------- */

/* Builds, after the graph's end, what --draw shows: the loss over every
 * example (whole), or the forward graph of the first example and its own
 * loss (without L2), every neuron's values grouped for clusters. Returns the
 * loss, or MG_NONE with the graph's sticky error. */
static mg_value build_drawn(mg_graph *g, mg_mlp *m, const train_setup *s, const mg_dataset *d,
                            int whole)
{
    mg_value loss;
    if (whole) {
        loss = mg_mlp_loss(g, m, d, s->preset.loss, s->preset.alpha, MG_NN_ANNOTATE, NULL);
    } else {
        mg_value score;
        if (mg_mlp_forward_inputs(g, m, d->x, &score, MG_NN_ANNOTATE) != MG_OK)
            return MG_NONE;
        mg_set_label(g, score, "ypred");
        loss = s->preset.loss == MG_LOSS_SSE ? mg_loss_sse(g, &score, d->y, 1)
                                      : mg_loss_svm(g, &score, d->y, 1);
    }
    mg_set_label(g, loss, "loss");
    return mg_graph_status(g) == MG_OK ? loss : MG_NONE;
}

/* What --draw shows. */
enum { DRAW_NEURONS = -1, DRAW_EXAMPLE = 0, DRAW_WHOLE = 1 };

/* Picks what --draw shows, before training (the shape of the graph does not
 * depend on the weights): the whole loss graph when small, else one
 * example's, else (too large to lay out value by value) one node per neuron.
 * Sets *view; returns an exit status. */
static int plan_draw(mg_graph *g, mg_mlp *m, const train_setup *s, const mg_dataset *d,
                     int *view)
{
    /* every example adds values: past DRAW_WHOLE_MAX of them the whole loss
     * cannot fit, and building it would take the memory --batch saves */
    for (*view = d->count > DRAW_WHOLE_MAX ? DRAW_EXAMPLE : DRAW_WHOLE; *view >= DRAW_EXAMPLE;
         --*view) {
        mg_mark mark = mg_graph_mark(g);
        mg_value loss = build_drawn(g, m, s, d, *view == DRAW_WHOLE);
        size_t count = mg_value_ok(loss) ? mg_viz_count(g, &loss, 1) : 0;
        int fits = mg_value_ok(loss) && mg_viz_fits(g, &loss, 1, MG_VIZ_MAX_NODES_DEFAULT);
        if (!mg_value_ok(loss))
            cli_error("cannot build the graph to draw: %s", mg_graph_error(g));
        mg_graph_reset(g, mark);
        if (!mg_value_ok(loss))
            return CLI_FAILED;
        if (fits && count <= (*view == DRAW_WHOLE ? DRAW_WHOLE_MAX : MG_VIZ_MAX_NODES_DEFAULT))
            return CLI_OK;
    }
    return CLI_OK; /* DRAW_NEURONS */
}

/* The title of what --draw shows in view. */
static void draw_title(char *title, size_t size, const train_options *o, const train_setup *s,
                       const mg_dataset *d, int view)
{
    char desc[256];
    mg_mlp_describe(desc, sizeof desc, s->sizes, s->nsizes);
    if (view == DRAW_WHOLE)
        snprintf(title, size, "%s: %s after %ld step%s: the %s loss over all %zu example%s",
                 cli_display_name(o->data), desc, s->steps, cli_plural((size_t)s->steps),
                 mg_loss_name(s->preset.loss), d->count, cli_plural(d->count));
    else
        snprintf(title, size, "%s: %s after %ld step%s: example 1 of %zu and its %s loss%s",
                 cli_display_name(o->data), desc, s->steps, cli_plural((size_t)s->steps), d->count,
                 mg_loss_name(s->preset.loss),
                 view == DRAW_NEURONS ? ", one node per neuron" : "");
}

/* Builds the drawn graph of view, runs backward from its loss and renders it
 * into *out; resets the graph. The render's status (err says why), or
 * MG_ERR_INVALID with the graph's error in err when it cannot be built. */
static mg_status render_view(const train_options *o, const train_setup *s, mg_graph *g,
                             mg_mlp *m, const mg_dataset *d, int view, mg_viz *viz, char **out,
                             size_t *len, mg_error *err)
{
    char title[512];
    draw_title(title, sizeof title, o, s, d, view);
    mg_mark mark = mg_graph_mark(g);
    mg_value loss = build_drawn(g, m, s, d, view == DRAW_WHOLE);
    mg_status st;
    if (!mg_value_ok(loss)) {
        st = mg_error_set(err, MG_ERR_INVALID, 0, 0, "cannot build the graph to draw: %s",
                          mg_graph_error(g));
    } else {
        mg_mlp_zero_grad(g, m);
        mg_backward(g, loss);
        mg_viz_options vo = mg_viz_options_default();
        vo.title = title;
        /* plan_draw picked a view that fits; the neuron view may still not */
        cli_watchdog("the layout of --draw", "draw fewer values (a smaller network or less data)",
                     cli_layout_budget());
        st = view == DRAW_NEURONS
                 ? mg_viz_render_neurons(viz, g, m, &loss, 1, &vo, o->draw_format, out, len, err)
                 : mg_viz_render(viz, g, &loss, 1, &vo, o->draw_format, out, len, err);
        cli_watchdog(NULL, NULL, 0);
    }
    mg_mlp_zero_grad(g, m);
    mg_graph_reset(g, mark);
    return st;
}

/* After training: renders what --draw shows to o->draw, starting from the
 * view plan_draw picked; a PNG whose text would be unreadable is drawn from
 * the next smaller view instead (one example, then one node per neuron). */
static int write_drawing(const train_options *o, const train_setup *s, mg_graph *g, mg_mlp *m,
                         const mg_dataset *d, int view)
{
    mg_viz *viz = NULL;
    char *out = NULL;
    size_t len = 0;
    mg_error err;
    if (mg_viz_new(&viz, &err) != MG_OK) {
        cli_error("%s", err.message);
        return CLI_FAILED;
    }
    mg_status st;
    while ((st = render_view(o, s, g, m, d, view, viz, &out, &len, &err)) == MG_ERR_UNREADABLE &&
           view > DRAW_NEURONS)
        view--;
    int status = CLI_FAILED;
    if (st != MG_OK)
        cli_error("cannot draw the network: %s", err.message);
    else
        status = cli_stage_output(o->draw, out, len);
    mg_viz_free_output(out);
    mg_viz_free(viz);
    return status;
}
#endif

static void print_json(const train_options *o, const train_setup *s, const double *history,
                       double accuracy)
{
    fputs("{\"data\": ", stdout);
    cli_json_string(stdout, o->data, strlen(o->data));
    if (o->no_zero_grad)
        fputs(", \"bug\": \"no_zero_grad\"", stdout);
    fputs(", \"sizes\": [", stdout);
    for (size_t i = 0; i < s->nsizes; i++)
        printf(i ? ", %zu" : "%zu", s->sizes[i]);
    printf("], \"steps\": %ld, \"final_loss\": ", s->steps);
    cli_json_number(stdout, history[s->steps - 1]);
    fputs(", \"accuracy\": ", stdout);
    cli_json_number(stdout, accuracy);
    fputs(", \"loss_history\": [", stdout);
    for (long k = 0; k < s->steps; k++) {
        if (k)
            fputs(", ", stdout);
        cli_json_number(stdout, history[k]);
    }
    fputs("]}\n", stdout);
}

/* Refuses, before any work, a step whose graph would not fit in the memory
 * there is (a step builds its loss over every row of its batch at once; a
 * full-batch step over a large file, over every row). */
static int check_memory(mg_graph *g, mg_mlp *m, const train_setup *s, const mg_dataset *d,
                        size_t batch)
{
    size_t rows = batch ? batch : d->count, need = 0, have = cli_memory_available();
    if (d->count < 2 ||
        mg_mlp_step_bytes(g, m, d, s->preset.loss, s->preset.alpha, rows, &need) != MG_OK ||
        need <= have)
        return CLI_OK;
    size_t per_row = need / rows, fits = per_row ? have / per_row : 0;
    if (batch)
        cli_error("one training step over a batch of %zu rows needs about %.1f GB of memory, "
                  "more than the %.1f GB there is; use a smaller --batch (about %zu rows fit)",
                  rows, need / 1e9, have / 1e9, fits);
    else
        cli_error("one training step over all %zu rows needs about %.1f GB of memory, more than "
                  "the %.1f GB there is; train on a random batch of rows each step with --batch "
                  "(about %zu rows fit)", rows, need / 1e9, have / 1e9, fits);
    return CLI_FAILED;
}

/* Builds the network, loads --init, trains, plots and reports. */
static int train(const train_options *o, const train_setup *s, const train_data *d)
{
    char desc[256], loss_text[40];
    mg_mlp_describe(desc, sizeof desc, s->sizes, s->nsizes);
    mg_graph *g = mg_graph_new();
    double *history = malloc((size_t)s->steps * sizeof *history);
    mg_mlp *m = NULL;
    mg_batches batches = {0};
    mg_rng rng;
    mg_rng_seed(&rng, o->seed);
    int status = CLI_FAILED;
    mg_error err;
    mg_status built = g && history
                          ? mg_mlp_new(g, s->sizes, s->nsizes, s->preset.hidden,
                                       s->preset.output, &rng, &m, &err)
                          : mg_error_set(&err, MG_ERR_NOMEM, 0, 0, "out of memory");
    if (built != MG_OK) {
        cli_error("cannot build %s: %s", desc, err.message);
        goto done;
    }
    if (o->init && (status = load_init(o->init, g, m, s)) != CLI_OK)
        goto done;
    if ((status = check_memory(g, m, s, &d->set, (size_t)o->batch)) != CLI_OK)
        goto done;
    if (o->batch && mg_batches_init(&batches, &d->set, (size_t)o->batch, o->seed, &err) != MG_OK) {
        cli_error("%s", err.message);
        status = CLI_FAILED;
        goto done;
    }
#if CLI_HAVE_VIZ
    int view = DRAW_EXAMPLE;
    if (o->draw && (status = plan_draw(g, m, s, &d->set, &view)) != CLI_OK)
        goto done;
#endif
    double accuracy = 0.0;
    unsigned flags = o->no_zero_grad ? MG_NN_NO_ZERO_GRAD : 0;
    if ((status = run_steps(g, m, s, &d->set, o->batch ? &batches : NULL, flags, history,
                            &accuracy)) != CLI_OK)
        goto done;
#if CLI_HAVE_VIZ
    if (o->plot) {
        char title[512];
        double last = history[s->steps - 1];
        char last_text[40] = "nan";
        if (isfinite(last))
            snprintf(last_text, sizeof last_text, "%.4g", last);
        snprintf(title, sizeof title, "%s%s: %s, %s loss, %ld step%s: loss %s, accuracy %.1f%%",
                 o->no_zero_grad ? BUG_LABEL : "", cli_display_name(o->data), desc, mg_loss_name(s->preset.loss), s->steps,
                 cli_plural((size_t)s->steps), last_text,
                 accuracy * 100.0);
        if ((status = write_plot(o, title, g, m, &d->set, history, s->steps)) != CLI_OK)
            goto done;
    }
    if (o->draw && (status = write_drawing(o, s, g, m, &d->set, view)) != CLI_OK)
        goto done;
#endif
    if (o->json) {
        print_json(o, s, history, accuracy);
    } else {
        mg_format_repr(loss_text, sizeof loss_text, history[s->steps - 1]);
        printf("%s%s: %s, %s loss, %ld step%s: final loss %s, accuracy %.1f%%\n",
               o->no_zero_grad ? BUG_LABEL : "", o->data, desc,
               mg_loss_name(s->preset.loss), s->steps, cli_plural((size_t)s->steps), loss_text,
               accuracy * 100.0);
    }
    status = cli_finish_stdout(CLI_OK);
done:
    mg_batches_free(&batches);
    mg_mlp_free(m);
    mg_graph_free(g);
    free(history);
    return status;
}

int cmd_train(int argc, char **argv)
{
    train_options o;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    train_setup s;
    train_data d = {0};
    status = load_preset(&o, &s, &d);
    if (status == CLI_OK)
        status = apply_options(&o, &s, &d);
    if (status == CLI_OK)
        status = train(&o, &s, &d);
    train_data_free(&d);
    return status;
}
