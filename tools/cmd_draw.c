/* micrograd draw: the picture of an expression file, through the viz module. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <micrograd/check.h>
#include <micrograd/nn.h>
#include <micrograd/viz.h>

#include "cli.h"
#include "commands.h"

static const char draw_help[] =
    "usage: micrograd draw FILE [-o OUT] [-T svg|png|pdf|dot] [OPTIONS]\n"
    "       micrograd draw --mlp SIZES --input X [--target Y] [--seed N]\n"
    "                      [--activation tanh|relu] [-o OUT] [-T FMT] [OPTIONS]\n"
    "\n"
    "Runs the forward pass, backward from the root, and draws the graph as micrograd's\n"
    "draw_dot does: every value a box { label | data | grad }, every op a small node.\n"
    "Leaves are square (constants dashed, parameters bold), computed values rounded,\n"
    "the root heavy: readable in black and white.\n"
    "\n"
    "With --mlp instead of FILE: the forward graph of a multi-layer perceptron on one\n"
    "input, each neuron (its weights w1..wn, bias b, products, sums and activation) in\n"
    "a box inside its layer's box.\n"
    "  --mlp SIZES         inputs, then each layer's width: 3,4,4,1 is MLP(3, [4, 4, 1])\n"
    "  --input X           the input, as many numbers as inputs: 2,3,-1\n"
    "  --target Y          one number per output: adds the squared-error loss\n"
    "                      sum((ypred - y)**2) and runs backward from it so grads\n"
    "                      show (without --target no grads are drawn)\n"
    "  --seed N            seeds the weights, uniform in [-1, 1] (default 1337, as train)\n"
    "  --activation ACT    tanh (default): tanh in every layer, as in the video;\n"
    "                      relu: ReLU hidden layers and a linear output, as micrograd's\n"
    "                      moons demo\n"
    "  --view VIEW         scalar (default): every value, as above; neurons: one node\n"
    "                      per neuron (its output and grad) in one box per layer,\n"
    "                      edges between adjacent layers coloured and sized by the\n"
    "                      weight (negative dashed): for networks too large to read\n"
    "                      value by value\n"
    "\n"
    "  -o, --output OUT    write to OUT (atomically: a failure leaves OUT untouched);\n"
    "                      default: standard output\n"
    "  -T, --format FMT    svg, png, pdf or dot (default: from OUT's extension, else svg)\n"
    "  --root NAME         draw the graph of NAME (default: what the file calls\n"
    "                      backward() or draw_dot() on, else the last name assigned)\n"
    "  --forward-only      no backward pass, no grad fields (a file that calls\n"
    "                      backward() or sets x.grad is drawn with the grads it made)\n"
    "  --as-micrograd      build micrograd's own graph: a - b as a + (b * -1), a / b\n"
    "                      as a * b**-1, -a as a * -1, 2 * a as a * 2\n"
    "  --strict            a NaN or infinite value is an error (exit 2), not a warning\n"
    "  --rankdir LR|TB     left to right (default) or top to bottom\n"
    "  --precision N       digits after the point, 0..17 (default 4)\n"
    "  --theme THEME       light (default), dark (for slides) or print (black and white)\n"
    "  --dpi N             PNG resolution, 1..1200 (default: 192, lowered to keep big\n"
    "                      graphs in 4 megapixels, never below a readable 72)\n"
    "  --color-grad        colour values by their grad: red negative, blue positive\n"
    "  --edge-grads        label each edge into an op with what it carries back:\n"
    "                      the local derivative times the result's grad\n"
    "  --max-nodes N       refuse graphs with more than N values, or whose layout\n"
    "                      would place more than 8 N nodes (default 2000; 0: no limit)\n"
    "  --title TEXT        a title above the graph\n"
    "  --no-clusters       ignore value groups (no cluster boxes)\n"
    "  --numeric           beside each grad, the numeric one (num): the root's central\n"
    "                      difference over that value, as micrograd check computes it\n"
    "  -h, --help          this help\n"
    "\n"
    "examples:\n"
    "  micrograd draw --mlp 3,4,4,1 --input 2,3,-1 -o mlp.png\n"
    "  micrograd draw --mlp 2,3,1 --input 1,-2 --target 1 -o mlp.svg\n"
    "  micrograd draw --mlp 2,16,16,1 --input 1,-2 --activation relu --view neurons -o net.png\n"
    "  micrograd draw examples/L.mg -o L.svg\n"
    "  micrograd draw examples/neuron.mg -o neuron.png --theme dark --dpi 300\n"
    "  micrograd draw examples/neuron.mg -T dot | dot -Tsvg > neuron.svg\n"
    "  echo 'x = 3; y = x**2 + x' | micrograd draw - --edge-grads -o y.pdf\n";

/* The longest --mlp and --input lists. */
#define MLP_MAX_SIZES 33
#define MLP_MAX_WIDTH 100000

typedef struct mlp_args {
    size_t sizes[MLP_MAX_SIZES];
    size_t nsizes;                    /* 0: no --mlp */
    size_t params;
    double input[MLP_MAX_WIDTH], target[MLP_MAX_WIDTH];
    size_t ninput, ntarget;
    int has_input, has_target, has_seed, has_activation;
    int neurons;                      /* --view neurons */
    uint64_t seed;
    mg_activation hidden, output;
    const char *text;                 /* the --mlp argument, for messages */
} mlp_args;

typedef struct draw_args {
    const char *file, *out, *format, *root;
    int flags;   /* CLI_AS_MICROGRAD, CLI_STRICT */
    int numeric; /* --numeric */
    mg_viz_options viz;
    mlp_args *mlp;
} draw_args;

enum {
    OPT_ROOT = 256, OPT_FORWARD, OPT_RANKDIR, OPT_PRECISION, OPT_THEME, OPT_DPI,
    OPT_COLOR_GRAD, OPT_EDGE_GRADS, OPT_MAX_NODES, OPT_TITLE, OPT_NO_CLUSTERS, OPT_NUMERIC,
    OPT_MLP, OPT_INPUT, OPT_TARGET, OPT_SEED, OPT_ACTIVATION, OPT_VIEW, OPT_AS_MICROGRAD,
    OPT_STRICT
};

static const struct option draw_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'T'},
    {"root", required_argument, NULL, OPT_ROOT},
    {"forward-only", no_argument, NULL, OPT_FORWARD},
    {"rankdir", required_argument, NULL, OPT_RANKDIR},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"theme", required_argument, NULL, OPT_THEME},
    {"dpi", required_argument, NULL, OPT_DPI},
    {"color-grad", no_argument, NULL, OPT_COLOR_GRAD},
    {"edge-grads", no_argument, NULL, OPT_EDGE_GRADS},
    {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
    {"title", required_argument, NULL, OPT_TITLE},
    {"no-clusters", no_argument, NULL, OPT_NO_CLUSTERS},
    {"numeric", no_argument, NULL, OPT_NUMERIC},
    {"mlp", required_argument, NULL, OPT_MLP},
    {"input", required_argument, NULL, OPT_INPUT},
    {"target", required_argument, NULL, OPT_TARGET},
    {"seed", required_argument, NULL, OPT_SEED},
    {"activation", required_argument, NULL, OPT_ACTIVATION},
    {"view", required_argument, NULL, OPT_VIEW},
    {"as-micrograd", no_argument, NULL, OPT_AS_MICROGRAD},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "3,4,4,1" -> m->sizes; 1, or 0 after a usage error. */
static int parse_mlp_sizes(const char *command, const char *text, mlp_args *m)
{
    size_t n = 0, params = 0;
    if (!cli_parse_sizes(command, "--mlp", text, MLP_MAX_SIZES, MLP_MAX_WIDTH, m->sizes, &n))
        return 0;
    for (size_t i = 1; i < n; i++)
        params += (m->sizes[i - 1] + 1) * m->sizes[i];
    if (params > MG_MLP_MAX_PARAMS) {
        cli_usage_error(command, "--mlp %s has %zu parameters; at most %d can be drawn", text,
                        params, MG_MLP_MAX_PARAMS);
        return 0;
    }
    m->nsizes = n;
    m->params = params;
    m->text = text;
    return 1;
}

/* Handles an option of --mlp; returns 1, or 0 after a usage error. */
static int take_mlp_value(const char *command, int c, mlp_args *m)
{
    long n;
    switch (c) {
    case OPT_MLP: return parse_mlp_sizes(command, optarg, m);
    case OPT_INPUT:
        m->has_input = 1;
        return cli_parse_numbers(command, "--input", optarg, m->input, MLP_MAX_WIDTH, &m->ninput);
    case OPT_TARGET:
        m->has_target = 1;
        return cli_parse_numbers(command, "--target", optarg, m->target, MLP_MAX_WIDTH,
                                 &m->ntarget);
    case OPT_SEED:
        if (!cli_parse_long(command, "--seed", optarg, 0, LONG_MAX, &n))
            return 0;
        m->seed = (uint64_t)n;
        m->has_seed = 1;
        return 1;
    case OPT_ACTIVATION:
        m->has_activation = 1;
        if (strcmp(optarg, "tanh") == 0) {
            m->hidden = m->output = MG_ACT_TANH;
            return 1;
        }
        if (strcmp(optarg, "relu") == 0) {
            m->hidden = MG_ACT_RELU;
            m->output = MG_ACT_LINEAR;
            return 1;
        }
        cli_usage_error(command, "--activation must be tanh or relu, not '%s'", optarg);
        return 0;
    case OPT_VIEW:
        if (strcmp(optarg, "scalar") == 0 || strcmp(optarg, "neurons") == 0) {
            m->neurons = optarg[0] == 'n';
            return 1;
        }
        cli_usage_error(command, "--view must be scalar or neurons, not '%s'", optarg);
        return 0;
    default:
        return 0; /* not reached: take_value passes --mlp options only */
    }
}

/* Handles one option with a value; returns 1, or 0 after a usage error. */
static int take_value(const char *command, int c, draw_args *a)
{
    long n;
    switch (c) {
    case 'o': a->out = optarg; return 1;
    case 'T': a->format = optarg; return 1;
    case OPT_ROOT: a->root = optarg; return 1;
    case OPT_TITLE: a->viz.title = optarg; return 1;
    case OPT_RANKDIR:
        if (strcmp(optarg, "LR") == 0 || strcmp(optarg, "TB") == 0) {
            a->viz.rankdir = optarg[0] == 'L' ? MG_VIZ_RANKDIR_LR : MG_VIZ_RANKDIR_TB;
            return 1;
        }
        cli_usage_error(command, "--rankdir must be LR or TB, not '%s'", optarg);
        return 0;
    case OPT_THEME: {
        int theme;
        if (!cli_parse_choice(command, "--theme", optarg, cli_themes, &theme))
            return 0;
        a->viz.theme = (mg_viz_theme)theme;
        return 1;
    }
    case OPT_PRECISION:
        if (!cli_parse_long(command, "--precision", optarg, 0, MG_PRECISION_MAX, &n))
            return 0;
        a->viz.precision = (int)n;
        return 1;
    case OPT_DPI:
        if (!cli_parse_long(command, "--dpi", optarg, 1, MG_VIZ_DPI_MAX, &n))
            return 0;
        a->viz.dpi = (int)n;
        return 1;
    case OPT_MAX_NODES:
        if (!cli_parse_long(command, "--max-nodes", optarg, 0, CLI_MAX_NODES_MAX, &n))
            return 0;
        a->viz.max_nodes = (size_t)n;
        return 1;
    default:
        return take_mlp_value(command, c, a->mlp);
    }
}

/* Checks that FILE and --mlp, and the options of each, go together. */
static int check_mlp_args(const char *command, const draw_args *a)
{
    const mlp_args *m = a->mlp;
    if (a->file && m->nsizes)
        return cli_usage_error(command, "FILE and --mlp exclude each other: draw one or the other");
    if (!a->file && !m->nsizes)
        return cli_usage_error(command, "missing FILE (use - for standard input) or --mlp SIZES");
    if (a->file) {
        const char *stray = m->has_input ? "--input" : m->has_target ? "--target"
                            : m->has_seed ? "--seed" : m->has_activation ? "--activation"
                            : m->neurons ? "--view neurons" : NULL;
        if (stray)
            return cli_usage_error(command, "%s goes with --mlp, not with FILE", stray);
        return -1;
    }
    if (a->root)
        return cli_usage_error(command, "--root goes with FILE, not with --mlp");
    if (!m->has_input)
        return cli_usage_error(command, "--mlp needs --input (%zu numbers)", m->sizes[0]);
    if (m->ninput != m->sizes[0])
        return cli_usage_error(command, "--input has %zu numbers, but --mlp %s takes %zu inputs",
                               m->ninput, m->text, m->sizes[0]);
    if (m->has_target && m->ntarget != m->sizes[m->nsizes - 1])
        return cli_usage_error(command, "--target has %zu numbers, but --mlp %s has %zu outputs",
                               m->ntarget, m->text, m->sizes[m->nsizes - 1]);
    /* every parameter is a value of the picture: refuse before building */
    if (!m->neurons && a->viz.max_nodes && m->params > a->viz.max_nodes)
        return cli_usage_error(command, "--mlp %s has %zu parameters, more values than the limit "
                               "of %zu; use --view neurons, or --max-nodes N to draw it anyway "
                               "(--max-nodes 0: no limit)", m->text, m->params, a->viz.max_nodes);
    return -1;
}

/* --numeric wants grads to stand beside, in boxes of values. */
static int check_numeric_args(const char *command, const draw_args *a)
{
    if (!a->numeric)
        return -1;
    if (a->viz.forward_only)
        return cli_usage_error(command, "--numeric stands beside the grads: not with --forward-only");
    if (a->mlp->nsizes && !a->mlp->has_target)
        return cli_usage_error(command, "--numeric with --mlp needs --target (the loss it "
                                        "differentiates)");
    if (a->mlp->neurons)
        return cli_usage_error(command, "--numeric shows in the boxes of values: not with "
                                        "--view neurons");
    return -1;
}

/* Parses draw's argv; returns -1 to go on, or an exit status. */
static int parse_draw(int argc, char **argv, draw_args *a)
{
    const char *command = argv[0];
    mlp_args *m = a->mlp;
    *m = (mlp_args){.seed = 1337, .hidden = MG_ACT_TANH, .output = MG_ACT_TANH};
    *a = (draw_args){.viz = mg_viz_options_default(), .mlp = m};
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(argc, argv, ":ho:T:", draw_options)) != -1) {
        switch (c) {
        case OPT_FORWARD: a->viz.forward_only = 1; break;
        case OPT_COLOR_GRAD: a->viz.color_grad = 1; break;
        case OPT_EDGE_GRADS: a->viz.edge_grads = 1; break;
        case OPT_NO_CLUSTERS: a->viz.clusters = 0; break;
        case OPT_AS_MICROGRAD: a->flags |= CLI_AS_MICROGRAD; break;
        case OPT_STRICT: a->flags |= CLI_STRICT; break;
        case OPT_NUMERIC: a->numeric = 1; break;
        case 'h': return cli_help(draw_help);
        case ':':
        case '?': return cli_option_error(command, c, argv);
        default:
            if (!take_value(command, c, a))
                return CLI_USAGE;
            break;
        }
    }
    int status = cli_take_file(command, argc, argv, &a->file);
    if (status < 0)
        status = check_mlp_args(command, a);
    if (status < 0)
        status = check_numeric_args(command, a);
    if (status >= 0)
        return status;
    if (!(a->format = cli_output_format(command, "-o", a->out, a->format,
                                         CLI_PICTURE_FORMATS | CLI_FORMAT_OPTION_T)))
        return CLI_USAGE;
    int to_stdout = !a->out || strcmp(a->out, "-") == 0;
    if (to_stdout && (strcmp(a->format, "png") == 0 || strcmp(a->format, "pdf") == 0) &&
        isatty(STDOUT_FILENO))
        return cli_usage_error(command, "not writing %s to a terminal; use -o FILE", a->format);
    return -1;
}

/* Renders roots[0..n) of g, one node per neuron of net when net is not
 * NULL; prints why and returns an exit status on error. what names the
 * picture in messages. */
static int render_roots(const draw_args *a, const mg_graph *g, const mg_mlp *net,
                        const mg_value *roots, size_t n, const mg_viz_options *o,
                        const char *what, char **out, size_t *len)
{
    mg_viz *viz;
    mg_error err;
    if (mg_viz_new(&viz, &err) != MG_OK) {
        cli_error("%s", err.message);
        return CLI_FAILED;
    }
    cli_watchdog("the layout", "use --max-nodes 0 to wait as long as it takes",
                 o->max_nodes ? cli_layout_budget() : 0);
    mg_status s = net ? mg_viz_render_neurons(viz, g, net, roots, n, o, a->format, out, len, &err)
                      : mg_viz_render(viz, g, roots, n, o, a->format, out, len, &err);
    cli_watchdog(NULL, NULL, 0);
    mg_viz_free(viz);
    if (s == MG_ERR_LIMIT) {
        cli_error("%s; use --max-nodes N to draw it anyway (--max-nodes 0: no limit)",
                  err.message);
        return CLI_USAGE;
    }
    if (s == MG_ERR_UNREADABLE) {
        cli_error("%s; draw it as SVG or PDF (-T svg), %schoose the resolution with --dpi N",
                  err.message, a->mlp->nsizes && !net ? "one node per neuron (--view neurons), or "
                                                      : "or ");
        return CLI_USAGE;
    }
    if (s != MG_OK) {
        cli_error("cannot draw %s: %s", what, err.message);
        return CLI_FAILED;
    }
    return CLI_OK;
}

/* With --numeric: backward from root and the gradient check of every value
 * root depends on, into *numeric (per value index, NaN for the others; free
 * it). Without: only the backward pass (for a file src, the grads the file
 * made if it called backward() or set x.grad), unless forward-only. An exit
 * status. */
static int grads_of(const draw_args *a, mg_graph *g, cli_source *src, mg_value root,
                    double **numeric)
{
    *numeric = NULL;
    if (!a->numeric) {
        if (a->viz.forward_only)
            return CLI_OK;
        if (src)
            cli_source_backward(src); /* keeps the grads a file set itself */
        else
            mg_backward(g, root);
        return CLI_OK;
    }
    size_t n = mg_graph_size(g);
    double *num = malloc((n + 1) * sizeof *num);
    mg_check_options o = mg_check_options_default();
    o.values = MG_CHECK_ALL;
    mg_check_report r;
    mg_error err;
    if (!num || mg_check(g, root, &o, &r, &err) != MG_OK) {
        cli_error("cannot check the grads: %s", num ? err.message : "out of memory");
        free(num);
        return CLI_FAILED;
    }
    for (size_t i = 0; i < n; i++)
        num[i] = (double)NAN;
    for (size_t i = 0; i < r.count; i++)
        num[r.results[i].value.index] = r.results[i].numeric;
    mg_check_report_free(&r);
    *numeric = num;
    return CLI_OK;
}

/* Renders the source's root after a backward pass (unless forward-only). */
static int render_file(const draw_args *a, cli_source *src, char **out, size_t *len)
{
    mg_value root = mg_program_value(src->program, src->root);
    mg_viz_options o = a->viz;
    double *numeric;
    int status = grads_of(a, src->graph, src, root, &numeric);
    o.numeric = numeric;
    if (status == CLI_OK)
        status = render_roots(a, src->graph, NULL, &root, 1, &o, cli_display_name(src->path), out,
                              len);
    free(numeric);
    return status;
}

/* Labels the outputs "ypred" (or ypred1, ypred2, ...) and, with --target,
 * adds the loss over target leaves named as the title does (ypred - y: y, or
 * y1, y2, ...). 0 on success, -1 on a graph error. */
static int add_outputs(mg_graph *g, const mlp_args *m, mg_value *outs, mg_value *loss)
{
    size_t nout = m->sizes[m->nsizes - 1];
    char label[32];
    for (size_t j = 0; j < nout; j++) {
        snprintf(label, sizeof label, nout == 1 ? "ypred" : "ypred%zu", j + 1);
        mg_set_label(g, outs[j], label);
    }
    if (m->has_target) {
        mg_value *targets = malloc(nout * sizeof *targets);
        if (!targets) {
            mg_graph_set_error(g, MG_ERR_NOMEM, "no memory for the targets");
            return -1;
        }
        for (size_t j = 0; j < nout; j++) {
            targets[j] = mg_leaf_role(g, m->target[j], MG_ROLE_CONST);
            snprintf(label, sizeof label, nout == 1 ? "y" : "y%zu", j + 1);
            mg_set_label(g, targets[j], label);
        }
        *loss = mg_loss_sse_values(g, outs, targets, nout);
        mg_set_label(g, *loss, "loss");
        free(targets);
    }
    return mg_graph_status(g) == MG_OK ? 0 : -1;
}

/* Appends "[2.0, 3.0, -1.0]" (Python's list) to buf at *k, within size. */
static void append_list(char *buf, size_t size, size_t *k, const double *v, size_t n)
{
    char num[MG_NUMBER_SIZE];
    for (size_t i = 0; i < n && *k < size; i++) {
        mg_format_repr(num, sizeof num, v[i]);
        *k += (size_t)snprintf(buf + *k, size - *k, "%s%s", i ? ", " : "[", num);
    }
    if (*k < size)
        *k += (size_t)snprintf(buf + *k, size - *k, "]");
}

/* The default title: "MLP(3, [4, 4, 1]), tanh, x = [2.0, 3.0, -1.0]", and
 * with a target ", y = [1.0]: loss = sum((ypred - y)**2)". Cut to size. */
static void mlp_title(const mlp_args *m, char *buf, size_t size)
{
    mg_mlp_describe(buf, size, m->sizes, m->nsizes);
    size_t k = strlen(buf);
    if (k + 1 < size)
        k += (size_t)snprintf(buf + k, size - k, ", %s, x = ",
                              m->hidden == MG_ACT_TANH ? "tanh" : "ReLU, linear output");
    append_list(buf, size, &k, m->input, m->ninput);
    if (m->has_target && k < size) {
        k += (size_t)snprintf(buf + k, size - k, ", y = ");
        append_list(buf, size, &k, m->target, m->ntarget);
        if (k < size)
            snprintf(buf + k, size - k, ": loss = sum((ypred - y)**2)");
    }
}

/* Builds the --mlp network on its input, with its loss when asked, and draws
 * it: forward only without --target, else after backward from the loss. */
static int render_mlp(const draw_args *a, char **out, size_t *len)
{
    const mlp_args *m = a->mlp;
    size_t nout = m->sizes[m->nsizes - 1];
    mg_graph *g = mg_graph_new();
    mg_value *outs = malloc(nout * sizeof *outs);
    mg_mlp *net = NULL;
    mg_rng rng;
    mg_rng_seed(&rng, m->seed);
    /* every failure below is recorded in g: its message says why */
    mg_status s = g && outs
                      ? mg_mlp_new(g, m->sizes, m->nsizes, m->hidden, m->output, &rng, &net, NULL)
                      : MG_ERR_NOMEM;
    if (s == MG_OK)
        s = mg_mlp_forward_inputs(g, net, m->input, outs, MG_NN_ANNOTATE);
    mg_value loss = MG_NONE;
    if (s == MG_OK && add_outputs(g, m, outs, &loss) != 0)
        s = mg_graph_status(g);
    int status = CLI_FAILED;
    if (s != MG_OK) {
        cli_error("cannot build MLP %s: %s", m->text,
                  g && outs ? mg_graph_error(g) : mg_status_str(s));
    } else {
        mg_viz_options o = a->viz;
        double *numeric = NULL;
        if (!m->has_target)
            o.forward_only = 1;
        else
            status = grads_of(a, g, NULL, loss, &numeric);
        o.numeric = numeric;
        char title[512];
        if (!o.title) {
            mlp_title(m, title, sizeof title);
            o.title = title;
        }
        if (!m->has_target || status == CLI_OK)
            status = render_roots(a, g, m->neurons ? net : NULL, m->has_target ? &loss : outs,
                                  m->has_target ? 1 : nout, &o, "the MLP", out, len);
        free(numeric);
    }
    mg_mlp_free(net);
    mg_graph_free(g);
    free(outs);
    return status;
}

/* Renders what the arguments ask for into out/len; an exit status. */
static int render(const draw_args *a, char **out, size_t *len)
{
    if (a->mlp->nsizes)
        return render_mlp(a, out, len);
    cli_source src;
    int status = cli_source_load(&src, a->file, a->root, a->flags);
    if (status == CLI_OK)
        status = render_file(a, &src, out, len);
    cli_source_free(&src);
    return status;
}

int cmd_draw(int argc, char **argv)
{
    draw_args a;
    /* the input and target lists are large: on the heap, not the stack */
    a.mlp = malloc(sizeof *a.mlp);
    if (!a.mlp) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    int status = parse_draw(argc, argv, &a);
    if (status < 0) {
        char *out = NULL;
        size_t len = 0;
        status = render(&a, &out, &len);
        if (status == CLI_OK)
            status = cli_write_output(a.out, out, len);
        mg_viz_free_output(out);
        if (status == CLI_OK && (!a.out || strcmp(a.out, "-") == 0))
            status = cli_finish_stdout(status);
    }
    free(a.mlp);
    return status;
}
