/* micrograd draw: the picture of an expression file, through the viz module. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <micrograd/viz.h>

#include "cli.h"
#include "commands.h"

static const char draw_help[] =
    "usage: micrograd draw FILE [-o OUT] [-T svg|png|pdf|dot] [OPTIONS]\n"
    "\n"
    "Runs the forward pass, backward from the root, and draws the graph as micrograd's\n"
    "draw_dot does: every value a box { label | data | grad }, every op a small node.\n"
    "Leaves are square (constants dashed, parameters bold), computed values rounded,\n"
    "the root heavy: readable in black and white.\n"
    "\n"
    "  -o, --output OUT    write to OUT (atomically: a failure leaves OUT untouched);\n"
    "                      default: standard output\n"
    "  -T, --format FMT    svg, png, pdf or dot (default: from OUT's extension, else svg)\n"
    "  --root NAME         draw the graph of NAME (default: the last name assigned)\n"
    "  --forward-only      no backward pass, no grad fields\n"
    "  --rankdir LR|TB     left to right (default) or top to bottom\n"
    "  --precision N       digits after the point, 0..17 (default 4)\n"
    "  --theme THEME       light (default), dark (for slides) or print (black and white)\n"
    "  --dpi N             PNG resolution, 1..1200 (default: 192, lowered to keep big\n"
    "                      graphs within 4 megapixels; draw those as SVG)\n"
    "  --color-grad        colour values by their grad: red negative, blue positive\n"
    "  --edge-grads        label each edge into an op with what it carries back:\n"
    "                      the local derivative times the result's grad\n"
    "  --max-nodes N       refuse graphs with more than N values (default 2000;\n"
    "                      0: no limit; layout time grows fast past a few thousand)\n"
    "  --title TEXT        a title above the graph\n"
    "  --no-clusters       ignore value groups (no cluster boxes)\n"
    "  -h, --help          this help\n"
    "\n"
    "examples:\n"
    "  micrograd draw examples/L.mg -o L.svg\n"
    "  micrograd draw examples/neuron.mg -o neuron.png --theme dark --dpi 300\n"
    "  micrograd draw examples/neuron.mg -T dot | dot -Tsvg > neuron.svg\n"
    "  echo 'x = 3; y = x**2 + x' | micrograd draw - --edge-grads -o y.pdf\n";

typedef struct draw_args {
    const char *file, *out, *format, *root;
    mg_viz_options viz;
} draw_args;

enum {
    OPT_ROOT = 256, OPT_FORWARD, OPT_RANKDIR, OPT_PRECISION, OPT_THEME, OPT_DPI,
    OPT_COLOR_GRAD, OPT_EDGE_GRADS, OPT_MAX_NODES, OPT_TITLE, OPT_NO_CLUSTERS
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
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

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
    case OPT_THEME:
        if (strcmp(optarg, "light") == 0) a->viz.theme = MG_VIZ_THEME_LIGHT;
        else if (strcmp(optarg, "dark") == 0) a->viz.theme = MG_VIZ_THEME_DARK;
        else if (strcmp(optarg, "print") == 0) a->viz.theme = MG_VIZ_THEME_PRINT;
        else {
            cli_usage_error(command, "--theme must be light, dark or print, not '%s'", optarg);
            return 0;
        }
        return 1;
    case OPT_PRECISION:
        if (!cli_parse_long(command, "--precision", optarg, 0, 17, &n))
            return 0;
        a->viz.precision = (int)n;
        return 1;
    case OPT_DPI:
        if (!cli_parse_long(command, "--dpi", optarg, 1, 1200, &n))
            return 0;
        a->viz.dpi = (int)n;
        return 1;
    case OPT_MAX_NODES:
        if (!cli_parse_long(command, "--max-nodes", optarg, 0, 100000000, &n))
            return 0;
        a->viz.max_nodes = (size_t)n;
        return 1;
    default:
        return 0; /* not reached: parse_draw passes value options only */
    }
}

/* The format: -T, else OUT's extension, else svg. NULL after a usage error. */
static const char *pick_format(const char *command, const draw_args *a)
{
    static const char *const known[] = {"svg", "png", "pdf", "dot"};
    const char *f = a->format;
    if (!f && a->out && strcmp(a->out, "-") != 0) {
        const char *slash = strrchr(a->out, '/');
        const char *dot = strrchr(slash ? slash + 1 : a->out, '.');
        if (!dot || !dot[1]) {
            cli_usage_error(command, "cannot tell the format of '%s' from its name; use -T svg|png|pdf|dot",
                            a->out);
            return NULL;
        }
        f = strcmp(dot + 1, "gv") == 0 ? "dot" : dot + 1;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            if (strcmp(f, known[i]) == 0)
                return known[i];
        cli_usage_error(command, "unknown output extension '%s' (svg, png, pdf, dot or gv; or use -T)",
                        dot);
        return NULL;
    }
    if (!f)
        return "svg";
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(f, known[i]) == 0)
            return known[i];
    cli_usage_error(command, "unknown format '%s' (svg, png, pdf or dot)", f);
    return NULL;
}

/* Parses draw's argv; returns -1 to go on, or an exit status. */
static int parse_draw(int argc, char **argv, draw_args *a)
{
    const char *command = argv[0];
    *a = (draw_args){.viz = mg_viz_options_default()};
    opterr = 0;
    optind = 0; /* 0, not 1: a full reset of GNU getopt's state */
    int c;
    while ((c = getopt_long(argc, argv, ":ho:T:", draw_options, NULL)) != -1) {
        switch (c) {
        case OPT_FORWARD: a->viz.forward_only = 1; break;
        case OPT_COLOR_GRAD: a->viz.color_grad = 1; break;
        case OPT_EDGE_GRADS: a->viz.edge_grads = 1; break;
        case OPT_NO_CLUSTERS: a->viz.clusters = 0; break;
        case 'h':
            fputs(draw_help, stdout);
            return cli_finish_stdout(CLI_OK);
        case ':':
            return cli_usage_error(command, "option '%s' needs a value", argv[optind - 1]);
        case '?':
            return cli_usage_error(command, "unknown option '%s'", argv[optind - 1]);
        default:
            if (!take_value(command, c, a))
                return CLI_USAGE;
            break;
        }
    }
    for (; optind < argc; optind++) {
        if (a->file)
            return cli_usage_error(command, "one FILE only ('%s' is extra)", argv[optind]);
        a->file = argv[optind];
    }
    if (!a->file)
        return cli_usage_error(command, "missing FILE (use - for standard input)");
    if (!(a->format = pick_format(command, a)))
        return CLI_USAGE;
    int to_stdout = !a->out || strcmp(a->out, "-") == 0;
    if (to_stdout && (strcmp(a->format, "png") == 0 || strcmp(a->format, "pdf") == 0) &&
        isatty(STDOUT_FILENO))
        return cli_usage_error(command, "not writing %s to a terminal; use -o FILE", a->format);
    return -1;
}

/* Renders the source's root; prints why and returns an exit status on error. */
static int render(const draw_args *a, cli_source *src, char **out, size_t *len)
{
    mg_value root = mg_program_value(src->program, src->root);
    if (!a->viz.forward_only)
        mg_backward(src->graph, root);
    mg_viz *viz = mg_viz_new();
    if (!viz) {
        cli_error("cannot start Graphviz (out of memory or no plugins)");
        return CLI_FAILED;
    }
    char err[512];
    mg_status s = mg_viz_render(viz, src->graph, &root, 1, &a->viz, a->format, out, len, err,
                                sizeof err);
    mg_viz_free(viz);
    if (s == MG_ERR_LIMIT) {
        cli_error("%s; use --max-nodes N to draw it anyway (--max-nodes 0: no limit)", err);
        return CLI_USAGE;
    }
    if (s != MG_OK) {
        cli_error("cannot draw %s: %s", cli_display_name(src->path), err);
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cmd_draw(int argc, char **argv)
{
    draw_args a;
    int status = parse_draw(argc, argv, &a);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, a.file, a.root);
    if (status == CLI_OK) {
        char *out = NULL;
        size_t len = 0;
        status = render(&a, &src, &out, &len);
        if (status == CLI_OK)
            status = cli_write_output(a.out, out, len);
        mg_viz_free_output(out);
        if (status == CLI_OK && (!a.out || strcmp(a.out, "-") == 0))
            status = cli_finish_stdout(status);
    }
    cli_source_free(&src);
    return status;
}
