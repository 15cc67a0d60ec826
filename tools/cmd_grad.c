/* micrograd grad / micrograd check: the numbers of an expression file. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/check.h>
#include <micrograd/lesson.h>

#include "cli.h"
#include "commands.h"

/* ---- grad ---------------------------------------------------------------- */

static const char grad_help[] =
    "usage: micrograd grad FILE [--root NAME] [--json] [--bug assign] [--as-micrograd]\n"
    "                      [--strict]\n"
    "\n"
    "Runs the forward pass, then backward from the root, and prints every named\n"
    "value with its data and grad, in definition order (a name assigned again:\n"
    "its latest value). A file that calls backward() or sets x.grad keeps the\n"
    "grads it made.\n"
    "\n"
    "  --root NAME      differentiate NAME (default: what the file calls backward()\n"
    "                   or draw_dot() on, else the last name assigned)\n"
    "  --json           one JSON object: {\"root\": ..., \"values\": [{\"name\", \"data\", \"grad\"}, ...]}\n"
    "  --bug assign     the grads of an engine that assigns them (=) instead of adding\n"
    "                   them (+=), from zero grads: each wrong one is marked WRONG\n"
    "                   beside backward's (JSON: \"bug\", and \"wrong\", \"correct\")\n"
    "  --as-micrograd   build micrograd's own graph (a - b as a + (b * -1), ...)\n"
    "  --strict         a NaN or infinite value is an error (exit 2), not a warning\n"
    "  -h, --help       this help\n"
    "\n"
    "example:\n"
    "  micrograd grad examples/L.mg\n"
    "  echo 'x = 3; y = x**2' | micrograd grad --json -\n";

/* Options shared by grad and check. */
typedef struct value_options {
    const char *file;
    const char *root;
    int json;
    int bug;                  /* grad --bug assign */
    int flags; /* CLI_AS_MICROGRAD, CLI_STRICT */
    double h;
    int exact_h;              /* 1: --h given, the step for every value */
    double tol;
    mg_check_values values;
    mg_check_scheme scheme;
} value_options;

enum {
    OPT_ROOT = 256, OPT_JSON, OPT_H, OPT_TOL, OPT_VALUES, OPT_SCHEME, OPT_HELP, OPT_AS_MICROGRAD,
    OPT_STRICT, OPT_BUG
};

/* check's options, then grad's: without check's own, so that grad calls them
 * unknown instead of taking their values. */
static const struct option check_options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, OPT_HELP},
    {"as-micrograd", no_argument, NULL, OPT_AS_MICROGRAD},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"h", required_argument, NULL, OPT_H},
    {"tol", required_argument, NULL, OPT_TOL},
    {"values", required_argument, NULL, OPT_VALUES},
    {"scheme", required_argument, NULL, OPT_SCHEME},
    {NULL, 0, NULL, 0},
};
static const struct option grad_options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, OPT_HELP},
    {"as-micrograd", no_argument, NULL, OPT_AS_MICROGRAD},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"bug", required_argument, NULL, OPT_BUG},
    {NULL, 0, NULL, 0},
};

/* --h or --tol: a positive finite number. */
static int take_positive(const char *command, const char *name, const char *text, double *out)
{
    if (!cli_parse_double(command, name, text, out))
        return 0;
    if (*out <= 0) {
        cli_usage_error(command, "%s must be positive", name);
        return 0;
    }
    return 1;
}

/* One option of check; returns 1, or 0 after a usage error. */
static int take_check_option(const char *command, int c, const char *arg, value_options *o)
{
    switch (c) {
    case OPT_BUG:
        if (strcmp(arg, "assign") == 0)
            return o->bug = 1;
        cli_usage_error(command, "--bug must be 'assign' (grads assigned instead of "
                                 "accumulated), not '%s'", arg);
        return 0;
    case OPT_H:
        o->exact_h = 1;
        return take_positive(command, "--h", arg, &o->h);
    case OPT_TOL: return take_positive(command, "--tol", arg, &o->tol);
    case OPT_VALUES:
        if (strcmp(arg, "leaves") == 0 || strcmp(arg, "all") == 0) {
            o->values = arg[0] == 'a' ? MG_CHECK_ALL : MG_CHECK_LEAVES;
            return 1;
        }
        cli_usage_error(command, "--values must be leaves or all, not '%s'", arg);
        return 0;
    case OPT_SCHEME:
        if (strcmp(arg, "central") == 0 || strcmp(arg, "forward") == 0) {
            o->scheme = arg[0] == 'f' ? MG_CHECK_FORWARD : MG_CHECK_CENTRAL;
            return 1;
        }
        cli_usage_error(command, "--scheme must be central or forward, not '%s'", arg);
        return 0;
    default:
        return 1;
    }
}

/* Parses grad's or check's argv; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, const char *help, int is_check,
                         value_options *o)
{
    const char *command = argv[0];
    mg_check_options defaults = mg_check_options_default();
    *o = (value_options){.h = defaults.h, .tol = defaults.tol, .values = defaults.values,
                         .scheme = defaults.scheme};
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(argc, argv, ":h", is_check ? check_options : grad_options)) != -1) {
        switch (c) {
        case OPT_ROOT: o->root = optarg; break;
        case OPT_JSON: o->json = 1; break;
        case OPT_AS_MICROGRAD: o->flags |= CLI_AS_MICROGRAD; break;
        case OPT_STRICT: o->flags |= CLI_STRICT; break;
        case 'h':
        case OPT_HELP: return cli_help(help);
        case ':':
        case '?': return cli_option_error(command, c, argv);
        default:
            if (!take_check_option(command, c, optarg, o))
                return CLI_USAGE;
            break;
        }
    }
    int status = cli_take_file(command, argc, argv, &o->file);
    if (status >= 0)
        return status;
    if (!o->file)
        return cli_usage_error(command, "missing FILE (use - for standard input)");
    return -1;
}

/* The bug's grads beside backward's: correct[i] per program entry, NULL
 * without --bug. */
/* 1 if a and b are the same number (NaN is NaN). */
static int same_number(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static void print_values_text(const cli_source *src, const double *correct)
{
    const mg_program *p = src->program;
    /* The name column fits names up to NAME_COLUMN bytes; a longer name
     * pushes only its own line, so one 1 MB name does not pad every line. */
    enum { NAME_COLUMN = 32 };
    size_t width = 4;
    for (size_t i = 0; i < mg_program_count(p); i++) {
        size_t n = strlen(mg_program_name(p, i));
        if (n > width && n <= NAME_COLUMN)
            width = n;
    }
    if (correct)
        printf("BUG on purpose: grads assigned (=) instead of accumulated (+=); the grads\n"
               "marked WRONG are not d %s / d name (backward's are in parentheses)\n",
               mg_program_name(p, src->root));
    printf("%-*s  %-24s  %s\n", (int)width, "name", "data", "grad");
    for (size_t i = 0; i < mg_program_count(p); i++) {
        if (!mg_program_is_latest(p, i))
            continue;
        mg_value v = mg_program_value(p, i);
        char data[MG_NUMBER_SIZE], grad[MG_NUMBER_SIZE];
        mg_format_repr(data, sizeof data, mg_data(src->graph, v));
        mg_format_repr(grad, sizeof grad, mg_grad(src->graph, v));
        printf("%-*s  %-24s  %s", (int)width, mg_program_name(p, i), data, grad);
        if (correct && !same_number(correct[i], mg_grad(src->graph, v))) {
            mg_format_repr(grad, sizeof grad, correct[i]);
            printf("  WRONG (%s)", grad);
        }
        putchar('\n');
    }
}

static void print_values_json(const cli_source *src, const double *correct)
{
    const mg_program *p = src->program;
    fputs("{\"root\": ", stdout);
    const char *root = mg_program_name(p, src->root);
    cli_json_string(stdout, root, strlen(root));
    if (correct)
        fputs(", \"bug\": \"assign\"", stdout);
    fputs(", \"values\": [", stdout);
    const char *sep = "{\"name\": ";
    for (size_t i = 0; i < mg_program_count(p); i++) {
        if (!mg_program_is_latest(p, i))
            continue;
        mg_value v = mg_program_value(p, i);
        const char *name = mg_program_name(p, i);
        fputs(sep, stdout);
        sep = ", {\"name\": ";
        cli_json_string(stdout, name, strlen(name));
        fputs(", \"data\": ", stdout);
        cli_json_number(stdout, mg_data(src->graph, v));
        fputs(", \"grad\": ", stdout);
        cli_json_number(stdout, mg_grad(src->graph, v));
        if (correct) {
            fprintf(stdout, ", \"wrong\": %s, \"correct\": ",
                    same_number(correct[i], mg_grad(src->graph, v)) ? "false" : "true");
            cli_json_number(stdout, correct[i]);
        }
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

/* --bug assign: backward's grads from zero into *correct (per program
 * entry), then the graph left with the bug's, as its lesson computes them. */
static int bug_grads(cli_source *src, double **correct)
{
    size_t n = mg_program_count(src->program);
    mg_zero_grad(src->graph);
    mg_value root = mg_program_value(src->program, src->root);
    mg_backward(src->graph, root);
    *correct = malloc((n ? n : 1) * sizeof **correct);
    mg_lesson *lesson = NULL;
    mg_lesson_options lo = {.precision = -1, .bug = MG_LESSON_BUG_ASSIGN};
    mg_error err = {0};
    for (size_t i = 0; *correct && i < n; i++)
        (*correct)[i] = mg_grad(src->graph, mg_program_value(src->program, i));
    if (!*correct || mg_lesson_new(src->graph, root, &lo, &lesson, &err) != MG_OK) {
        cli_error("%s", *correct ? err.message : "out of memory");
        return CLI_FAILED;
    }
    mg_lesson_free(lesson); /* its last frame's grads stay: the bug's */
    return CLI_OK;
}

int cmd_grad(int argc, char **argv)
{
    value_options o;
    int status = parse_options(argc, argv, grad_help, 0, &o);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, o.file, o.root, o.flags);
    double *correct = NULL;
    if (status == CLI_OK && o.bug)
        status = bug_grads(&src, &correct);
    else if (status == CLI_OK)
        cli_source_backward(&src);
    if (status == CLI_OK) {
        if (o.json)
            print_values_json(&src, correct);
        else
            print_values_text(&src, correct);
        status = cli_finish_stdout(CLI_OK);
    }
    free(correct);
    cli_source_free(&src);
    return status;
}

/* ---- check --------------------------------------------------------------- */

static const char check_help[] =
    "usage: micrograd check FILE [--root NAME] [--values leaves|all] [--scheme central|forward]\n"
    "                       [--h H] [--tol T] [--json]\n"
    "\n"
    "Compares the analytic grad (backward's) of every named value the root depends\n"
    "on with a finite difference: the root recomputed with that value nudged by a\n"
    "step s. A value passes when |analytic - numeric| <= T * max(1, |analytic|,\n"
    "|numeric|). One whose nudge moves a relu's input across 0 is reported as not\n"
    "differentiable there (kink), not as a failure. Exit status 1 if any value fails.\n"
    "\n"
    "  --root NAME       differentiate NAME (default: what the file calls backward()\n"
    "                    or draw_dot() on, else the last name assigned)\n"
    "  --values leaves   check the named leaves (the default)\n"
    "  --values all      check every named value, intermediates and root too\n"
    "  --scheme central  (f(x+s) - f(x-s)) / 2s (the default)\n"
    "  --scheme forward  (f(x+s) - f(x)) / s, the lecture's nudge\n"
    "  --h H             the step s = H for every value (default: s = 1e-6 scaled to\n"
    "                    each value, 1e-6 * max(1, |x|), larger where the root is so\n"
    "                    large that its rounding would swamp the difference)\n"
    "  --tol T           the relative tolerance (default 1e-6)\n"
    "  --json            one JSON object: {\"h\", \"ok\", \"leaves\" (or \"values\"):\n"
    "                    [{\"name\", \"analytic\", \"numeric\", \"ok\"}]}; a kink has\n"
    "                    \"differentiable\": false\n"
    "  --as-micrograd    build micrograd's own graph (a - b as a + (b * -1), ...)\n"
    "  --strict          a NaN or infinite value is an error (exit 2), not a warning\n"
    "  -h, --help        this help\n"
    "\n"
    "Progress goes to standard error on a terminal when a check takes a while.\n"
    "\n"
    "examples:\n"
    "  micrograd check examples/neuron.mg\n"
    "  micrograd check examples/L.mg --values all --scheme forward --h 0.001\n";

/* The first name of each checked value, by graph index: a value known under
 * two names is checked (and shown) once. */
static const char **names_by_index(const cli_source *src)
{
    const mg_program *p = src->program;
    const char **names = calloc(mg_graph_size(src->graph) + 1, sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = mg_program_count(p); i-- > 0;)
        names[mg_program_value(p, i).index] = mg_program_name(p, i);
    return names;
}

/* "1 leaf", "2 values" */
static void print_count(size_t n, const value_options *o)
{
    int all = o->values == MG_CHECK_ALL;
    printf("%zu %s", n, n == 1 ? (all ? "value" : "leaf") : (all ? "values" : "leaves"));
}

static void print_checks_json(const value_options *o, const mg_check_report *r,
                              const char *const *names)
{
    fputs("{\"h\": ", stdout);
    cli_json_number(stdout, o->h);
    printf(", \"ok\": %s, \"%s\": [", r->failed ? "false" : "true",
           o->values == MG_CHECK_ALL ? "values" : "leaves");
    for (size_t i = 0; i < r->count; i++) {
        const mg_check_result *c = &r->results[i];
        const char *name = names[c->value.index];
        fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
        cli_json_string(stdout, name, strlen(name));
        fputs(", \"analytic\": ", stdout);
        cli_json_number(stdout, c->analytic);
        fputs(", \"numeric\": ", stdout);
        cli_json_number(stdout, c->numeric);
        printf(", \"ok\": %s%s}", c->verdict == MG_CHECK_FAIL ? "false" : "true",
               c->verdict == MG_CHECK_KINK ? ", \"differentiable\": false" : "");
    }
    fputs("]}\n", stdout);
}

static void print_checks_text(const value_options *o, const mg_check_report *r,
                              const char *const *names)
{
    for (size_t i = 0; i < r->count; i++) {
        const mg_check_result *c = &r->results[i];
        char a[MG_NUMBER_SIZE], num[MG_NUMBER_SIZE];
        mg_format_repr(a, sizeof a, c->analytic);
        mg_format_repr(num, sizeof num, c->numeric);
        printf("%-4s %s: analytic %s, numeric %s%s\n", mg_check_verdict_name(c->verdict),
               names[c->value.index], a, num,
               c->verdict == MG_CHECK_KINK ? " (not differentiable here)" : "");
    }
    fputs(r->failed ? "FAILED: " : "ok: ", stdout);
    print_count(r->count, o);
    if (r->kinks)
        printf(" (%zu not differentiable)", r->kinks);
    printf(", h = %g\n", o->h);
}

/* Redraws the progress bar of a long check. */
static void check_progress(void *ctx, size_t done, size_t total)
{
    cli_progress_update(ctx, done, total, "");
}

/* Checks the named values of src; prints the report; returns the exit status. */
static int run_check(cli_source *src, const value_options *o)
{
    const mg_program *p = src->program;
    size_t count = mg_program_count(p);
    mg_value *named = malloc((count + 1) * sizeof *named);
    const char **names = names_by_index(src);
    if (!named || !names) {
        free(named);
        free(names);
        cli_error("out of memory");
        return CLI_FAILED;
    }
    for (size_t i = 0; i < count; i++)
        named[i] = mg_program_value(p, i);
    cli_progress bar = cli_progress_start(0.5);
    mg_check_options co = mg_check_options_default();
    co.values = o->values;
    co.scheme = o->scheme;
    co.exact_step = o->exact_h;
    co.h = o->h;
    co.tol = o->tol;
    co.only = named;
    co.only_count = count;
    co.progress = check_progress;
    co.progress_ctx = &bar;
    mg_check_report r;
    mg_error err;
    int status;
    if (mg_check(src->graph, mg_program_value(p, src->root), &co, &r, &err) != MG_OK) {
        cli_error("cannot check the grads: %s", err.message);
        status = CLI_FAILED;
    } else {
        cli_progress_finish(&bar);
        if (o->json)
            print_checks_json(o, &r, names);
        else
            print_checks_text(o, &r, names);
        status = cli_finish_stdout(r.failed ? CLI_FAILED : CLI_OK);
        mg_check_report_free(&r);
    }
    free(named);
    free(names);
    return status;
}

int cmd_check(int argc, char **argv)
{
    value_options o;
    int status = parse_options(argc, argv, check_help, 1, &o);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, o.file, o.root, o.flags);
    if (status == CLI_OK)
        status = run_check(&src, &o);
    cli_source_free(&src);
    return status;
}
