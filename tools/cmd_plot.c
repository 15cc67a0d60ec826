/* micrograd plot: an expression of one leaf as a curve, and at a point its
 * tangent with backward's slope beside the lecture's nudge. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/plot.h>

#include "cli.h"
#include "commands.h"

static const char plot_help[] =
    "usage: micrograd plot FILE [--at X] [--range A:B] [--h H] [--var NAME] [-o OUT]\n"
    "                      [-T svg|png|pdf] [--dpi N] [--title TEXT] [--root NAME] [--text]\n"
    "\n"
    "Draws the root as a function of the one leaf it depends on (constants aside),\n"
    "as the lecture opens: f(x) = 3x**2 - 4x + 5 over a range and, at a point, the\n"
    "tangent whose slope backward gives, written beside the nudge (f(x + h) - f(x)) / h\n"
    "that approximates it. Where the root is not finite the curve is left out (a\n"
    "warning says where).\n"
    "\n"
    "  --at X             the point of the tangent: a number or a fraction (2/3);\n"
    "                     also prints the numbers on standard output:\n"
    "                     at x = 3.0: y = 20.0, dy/dx = 14.0 (backward), ...\n"
    "  --range A:B        the range of the leaf (default -5:5, or 10 wide around X\n"
    "                     when X is outside it)\n"
    "  --h H              the nudge, a positive number (default 0.001, the lecture's)\n"
    "  --var NAME         the leaf to vary when the root depends on several (the\n"
    "                     others keep their values)\n"
    "  -o, --output OUT   write to OUT (atomically: a failure leaves OUT untouched);\n"
    "                     default: standard output (then the numbers are not printed)\n"
    "  -T, --format FMT   svg, png or pdf (default: from OUT's extension, else svg)\n"
    "  --dpi N            PNG resolution, 1..600 (default 144)\n"
    "  --title TEXT       the title (default: the root's line of FILE, y = ...)\n"
    "  --root NAME        plot NAME (default: what the file calls backward() or\n"
    "                     draw_dot() on, else the last name assigned)\n"
    "  --text             print the numbers at --at only, no picture\n"
    "  -h, --help         this help\n"
    "\n"
    "examples:\n"
    "  micrograd plot examples/parabola.mg --at 3 -o parabola.png\n"
    "  micrograd plot examples/parabola.mg --at 3 --h 0.000001 --text\n"
    "  micrograd plot examples/tanh.mg -o tanh.svg\n";

typedef struct plot_options {
    const char *file, *out, *format, *var, *root, *range_text, *at_text;
    mg_plot_function f;
    int text;
} plot_options;

enum { OPT_AT = 256, OPT_RANGE, OPT_H, OPT_VAR, OPT_DPI, OPT_TITLE, OPT_ROOT, OPT_TEXT };

/* X or P/Q (2/3, as Python divides): 1, or 0 after a usage error. */
static int parse_at(const char *text, double *out)
{
    const char *slash = strchr(text, '/');
    if (!slash)
        return cli_parse_double("plot", "--at", text, out);
    char *top = strndup(text, (size_t)(slash - text));
    double p, q;
    int ok = top && cli_parse_double("plot", "--at", top, &p) &&
             cli_parse_double("plot", "--at", slash + 1, &q);
    free(top);
    if (ok && !(q != 0 && isfinite(p / q))) {
        cli_usage_error("plot", "--at wants a finite number, not '%s'", text);
        ok = 0;
    }
    if (ok)
        *out = p / q;
    return ok;
}

/* A:B with finite A < B: 1, or 0 after a usage error. */
static int parse_range(const char *text, double *lo, double *hi)
{
    const char *colon = strchr(text + (text[0] != '\0'), ':'); /* not a leading sign's */
    char *first = colon ? strndup(text, (size_t)(colon - text)) : NULL;
    char *end1, *end2;
    int ok = first != NULL;
    if (ok) {
        *lo = strtod(first, &end1);
        *hi = strtod(colon + 1, &end2);
        ok = end1 != first && *end1 == '\0' && end2 != colon + 1 && *end2 == '\0' &&
             first[0] != ' ' && colon[1] != ' ' && isfinite(*lo) && isfinite(*hi) &&
             *lo < *hi && isfinite(*hi - *lo);
    }
    free(first);
    if (!ok)
        cli_usage_error("plot", "--range wants A:B, two finite numbers with A < B, not '%s'",
                        text);
    return ok;
}

static int take_option(int c, const char *arg, plot_options *o)
{
    long n;
    switch (c) {
    case 'o': o->out = arg; return -1;
    case 'T': o->format = arg; return -1;
    case OPT_AT: o->at_text = arg; return parse_at(arg, &o->f.at) ? (o->f.has_at = 1, -1) : CLI_USAGE;
    case OPT_RANGE: o->range_text = arg; return parse_range(arg, &o->f.lo, &o->f.hi) ? -1 : CLI_USAGE;
    case OPT_H:
        if (!cli_parse_double("plot", "--h", arg, &o->f.h))
            return CLI_USAGE;
        return o->f.h > 0 ? -1 : cli_usage_error("plot", "--h must be positive");
    case OPT_VAR: o->var = arg; return -1;
    case OPT_DPI:
        if (!cli_parse_long("plot", "--dpi", arg, 1, MG_PLOT_DPI_MAX, &n))
            return CLI_USAGE;
        o->f.dpi = (int)n;
        return -1;
    case OPT_TITLE: o->f.title = arg; return -1;
    case OPT_ROOT: o->root = arg; return -1;
    case OPT_TEXT: o->text = 1; return -1;
    default: return -1;
    }
}

/* The range: as given (the point must be inside), else -5:5 or 10 wide
 * around the point. Returns -1, or a usage error. */
static int settle_range(plot_options *o)
{
    if (!o->range_text) {
        int around = o->f.has_at && !(o->f.at >= -5.0 && o->f.at <= 5.0);
        o->f.lo = around ? o->f.at - 5.0 : -5.0;
        o->f.hi = around ? o->f.at + 5.0 : 5.0;
        return -1;
    }
    if (o->f.has_at && !(o->f.at >= o->f.lo && o->f.at <= o->f.hi))
        return cli_usage_error("plot", "--at %s is outside --range %s", o->at_text,
                               o->range_text);
    return -1;
}

static int parse_options(int argc, char **argv, plot_options *o)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'T'},
        {"at", required_argument, NULL, OPT_AT},   {"range", required_argument, NULL, OPT_RANGE},
        {"h", required_argument, NULL, OPT_H},     {"var", required_argument, NULL, OPT_VAR},
        {"dpi", required_argument, NULL, OPT_DPI}, {"title", required_argument, NULL, OPT_TITLE},
        {"root", required_argument, NULL, OPT_ROOT}, {"text", no_argument, NULL, OPT_TEXT},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    *o = (plot_options){.f = {.h = 0.001}};
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(argc, argv, ":ho:T:", options)) != -1) {
        if (c == 'h')
            return cli_help(plot_help);
        if (c == ':' || c == '?')
            return cli_option_error("plot", c, argv);
        int status = take_option(c, optarg, o);
        if (status >= 0)
            return status;
    }
    int status = cli_take_file("plot", argc, argv, &o->file);
    if (status >= 0)
        return status;
    if (!o->file)
        return cli_usage_error("plot", "missing FILE (use - for standard input)");
    if (o->text && !o->f.has_at)
        return cli_usage_error("plot", "--text prints the numbers at a point: give --at X");
    if (o->text && (o->out || o->format))
        return cli_usage_error("plot", "--text prints numbers, not a picture: drop -o and -T");
    if (!o->text && !(o->format = cli_output_format("plot", "-o", o->out, o->format,
                                                    CLI_PLOT_FORMATS | CLI_FORMAT_OPTION_T)))
        return CLI_USAGE;
    return settle_range(o);
}

/* ---- the variable ------------------------------------------------------------ */

static const char *name_of(const mg_graph *g, mg_value v)
{
    const char *label = mg_label(g, v, NULL);
    return label ? label : "(unnamed)";
}

/* The leaves root depends on that can vary (not the constants of the
 * expression), into *out (free() it); their count, or -1 out of memory. */
static long variables(mg_graph *g, mg_value root, mg_value **out)
{
    size_t n = mg_trace(g, root, NULL, 0);
    mg_value *trace = malloc((n + 1) * sizeof *trace);
    if (!trace)
        return -1;
    mg_trace(g, root, trace, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (mg_value_op(g, trace[i]) == MG_OP_LEAF && mg_value_role(g, trace[i]) != MG_ROLE_CONST)
            trace[k++] = trace[i];
    *out = trace;
    return (long)k;
}

/* "a, x" */
static void print_names(const mg_graph *g, const mg_value *v, long n)
{
    for (long i = 0; i < n; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", name_of(g, v[i]));
}

/* Picks the leaf to vary into *x: --var's, or the only one. Returns -1, or
 * an exit status after a message. */
static int pick_variable(const cli_source *src, const plot_options *o, mg_value root,
                         mg_value *x)
{
    const char *y = mg_program_name(src->program, src->root);
    if (mg_value_op(src->graph, root) == MG_OP_LEAF) {
        cli_error("%s is a number, not an expression of a leaf: nothing to plot", y);
        return CLI_USAGE;
    }
    mg_value *leaves;
    long n = variables(src->graph, root, &leaves);
    if (n < 0) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    int status = -1;
    long found = -1;
    for (long i = 0; o->var && i < n; i++)
        if (strcmp(name_of(src->graph, leaves[i]), o->var) == 0)
            found = i;
    if (o->var && found < 0) {
        fprintf(stderr, "micrograd: error: --var %s: %s depends on no leaf of that name (", o->var, y);
        fputs(n ? "its leaves: " : "it depends on no leaf", stderr);
        print_names(src->graph, leaves, n);
        fputs(")\n", stderr);
        status = CLI_USAGE;
    } else if (n == 0) {
        cli_error("%s depends on no leaf, only on constants: nothing to vary", y);
        status = CLI_USAGE;
    } else if (n > 1 && !o->var) {
        fprintf(stderr, "micrograd: error: %s depends on %ld leaves (", y, n);
        print_names(src->graph, leaves, n);
        fputs("): choose one with --var NAME\n", stderr);
        status = CLI_USAGE;
    } else {
        *x = leaves[found >= 0 ? found : 0];
    }
    free(leaves);
    return status;
}

/* ---- the title and the numbers ----------------------------------------------- */

/* The root's own line of the file when it reads "NAME = ...", as the
 * lecture writes the function; else NULL. *buf is malloc'd (free() it). */
static const char *source_title(const cli_source *src, char **buf)
{
    const char *name = mg_program_name(src->program, src->root);
    int line = mg_program_line(src->program, src->root);
    const char *p = src->text, *end = src->text + src->len;
    for (int l = 1; l < line && p; l++)
        p = memchr(p, '\n', (size_t)(end - p)), p = p ? p + 1 : NULL;
    *buf = NULL;
    if (!p)
        return NULL;
    size_t n = strcspn(p, "\r\n");
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    size_t k = strlen(name);
    const char *rest = p + k;
    while (rest < p + n && *rest == ' ')
        rest++;
    if (n <= k || strncmp(p, name, k) != 0 || rest >= p + n || *rest != '=' || rest[1] == '=' ||
        memchr(p, '#', n) || memchr(p, ';', n))
        return NULL;
    return *buf = strndup(p, n);
}

/* The line a teacher pastes: every number as Python prints it. */
static void print_numbers(const mg_slope *s, const char *x, const char *y)
{
    char at[MG_NUMBER_SIZE], val[MG_NUMBER_SIZE], d[MG_NUMBER_SIZE], num[MG_NUMBER_SIZE],
        h[MG_NUMBER_SIZE];
    printf("at %s = %s: %s = %s, d%s/d%s = %s (backward), (%s(%s + h) - %s(%s)) / h = %s (h = %s)\n",
           x, mg_format_repr(at, sizeof at, s->x), y, mg_format_repr(val, sizeof val, s->y),
           y, x, mg_format_repr(d, sizeof d, s->analytic), y, x, y, x,
           mg_format_repr(num, sizeof num, s->numeric), mg_format_repr(h, sizeof h, s->h));
}

static void warn_nonfinite(const mg_plot_function_report *r, const char *x, const char *y)
{
    if (!r->nonfinite)
        return;
    char lo[MG_NUMBER_SIZE], hi[MG_NUMBER_SIZE];
    fprintf(stderr,
            "micrograd: warning: %s is not finite at %zu of %zu points (%s from %s to %s): "
            "drawn where it is finite\n",
            y, r->nonfinite, r->samples, x, mg_format_repr(lo, sizeof lo, r->nonfinite_lo),
            mg_format_repr(hi, sizeof hi, r->nonfinite_hi));
}

/* ---- the command --------------------------------------------------------------- */

/* Draws (or, with --text, only computes) and writes; returns the status. */
static int run_plot(cli_source *src, plot_options *o)
{
    mg_value root = mg_program_value(src->program, src->root), x;
    int status = pick_variable(src, o, root, &x);
    if (status >= 0)
        return status;
    const char *y_name = mg_program_name(src->program, src->root);
    o->f.x_name = name_of(src->graph, x);
    o->f.y_name = y_name;
    char *title = NULL;
    if (!o->f.title)
        o->f.title = source_title(src, &title);
    mg_plot_function_report report;
    unsigned char *bytes = NULL;
    size_t len = 0;
    mg_error err;
    mg_status s = mg_plot_function_render(src->graph, root, x, &o->f,
                                          o->text ? MG_PLOT_SVG : cli_plot_format(o->format),
                                          &bytes, &len, &report, &err);
    free(title);
    if (s != MG_OK) {
        cli_error("%s", err.message);
        return s == MG_ERR_INVALID ? CLI_USAGE : CLI_FAILED;
    }
    warn_nonfinite(&report, o->f.x_name, y_name);
    int to_stdout = !o->out || strcmp(o->out, "-") == 0;
    status = o->text ? CLI_OK : cli_write_output(o->out, bytes, len);
    free(bytes);
    if (status == CLI_OK && o->f.has_at && (o->text || !to_stdout))
        print_numbers(&report.slope, o->f.x_name, y_name);
    return cli_finish_stdout(status);
}

int cmd_plot(int argc, char **argv)
{
    plot_options o;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, o.file, o.root, 0);
    if (status == CLI_OK)
        status = run_plot(&src, &o);
    cli_source_free(&src);
    return status;
}
