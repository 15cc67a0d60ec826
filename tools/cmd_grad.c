/* micrograd grad / micrograd check: the numbers of an expression file. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/check.h>

#include "cli.h"
#include "commands.h"

/* ---- grad ---------------------------------------------------------------- */

static const char grad_help[] =
    "usage: micrograd grad FILE [--root NAME] [--json] [--as-micrograd] [--strict]\n"
    "\n"
    "Runs the forward pass, then backward from the root, and prints every named\n"
    "value with its data and grad, in definition order (a name assigned again:\n"
    "its latest value). A file that calls backward() or sets x.grad keeps the\n"
    "grads it made.\n"
    "\n"
    "  --root NAME      differentiate NAME (default: what the file calls backward()\n"
    "                   or draw_dot() on, else the last name assigned)\n"
    "  --json           one JSON object: {\"root\": ..., \"values\": [{\"name\", \"data\", \"grad\"}, ...]}\n"
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
    int flags; /* CLI_AS_MICROGRAD, CLI_STRICT */
    double h;
    double tol;
} value_options;

enum { OPT_ROOT = 256, OPT_JSON, OPT_H, OPT_TOL, OPT_HELP, OPT_AS_MICROGRAD, OPT_STRICT };

/* Parses grad's or check's argv; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, const char *help, int is_check,
                         value_options *o)
{
    /* check's options, then grad's: without --h and --tol, so that grad calls
     * them unknown instead of taking their values. */
    static const struct option long_options[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {"as-micrograd", no_argument, NULL, OPT_AS_MICROGRAD},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"h", required_argument, NULL, OPT_H},
        {"tol", required_argument, NULL, OPT_TOL},
        {NULL, 0, NULL, 0},
    };
    static const struct option grad_options[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {"as-micrograd", no_argument, NULL, OPT_AS_MICROGRAD},
        {"strict", no_argument, NULL, OPT_STRICT},
        {NULL, 0, NULL, 0},
    };
    const char *command = argv[0];
    *o = (value_options){.h = 1e-6, .tol = 1e-6};
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", is_check ? long_options : grad_options, NULL)) !=
           -1) {
        switch (c) {
        case OPT_ROOT: o->root = optarg; break;
        case OPT_JSON: o->json = 1; break;
        case OPT_AS_MICROGRAD: o->flags |= CLI_AS_MICROGRAD; break;
        case OPT_STRICT: o->flags |= CLI_STRICT; break;
        case OPT_H:
        case OPT_TOL: {
            const char *name = c == OPT_H ? "--h" : "--tol";
            double *target = c == OPT_H ? &o->h : &o->tol;
            if (!cli_parse_double(command, name, optarg, target))
                return CLI_USAGE;
            if (*target <= 0)
                return cli_usage_error(command, "%s must be positive", name);
            break;
        }
        case 'h':
        case OPT_HELP:
            return cli_help(help);
        case ':':
            return cli_usage_error(command, "option '%s' needs a value", argv[optind - 1]);
        default: {
            /* optopt: 0 for an unknown long option, the OPT_ value of a long one
             * given a value it does not take (--json=1), else the letter of an
             * unknown short one (whose word argv[optind - 1] may not be yet: -xh). */
            const char *word = argv[optind - 1];
            if (optopt == 0)
                return cli_option_error(command, '?', argv,
                                        is_check ? long_options : grad_options);
            if (optopt >= OPT_ROOT)
                return cli_usage_error(command, "option '%.*s' takes no value",
                                       (int)strcspn(word, "="), word);
            return cli_usage_error(command, "unknown option '-%c'", optopt);
        }
        }
    }
    int status = cli_take_file(command, argc, argv, &o->file);
    if (status >= 0)
        return status;
    if (!o->file)
        return cli_usage_error(command, "missing FILE (use - for standard input)");
    return -1;
}

static void print_values_text(const cli_source *src)
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
    printf("%-*s  %-24s  %s\n", (int)width, "name", "data", "grad");
    for (size_t i = 0; i < mg_program_count(p); i++) {
        if (!mg_program_is_latest(p, i))
            continue;
        mg_value v = mg_program_value(p, i);
        char data[MG_NUMBER_SIZE], grad[MG_NUMBER_SIZE];
        mg_format_repr(data, sizeof data, mg_data(src->graph, v));
        mg_format_repr(grad, sizeof grad, mg_grad(src->graph, v));
        printf("%-*s  %-24s  %s\n", (int)width, mg_program_name(p, i), data, grad);
    }
}

static void print_values_json(const cli_source *src)
{
    const mg_program *p = src->program;
    fputs("{\"root\": ", stdout);
    const char *root = mg_program_name(p, src->root);
    cli_json_string(stdout, root, strlen(root));
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
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

int cmd_grad(int argc, char **argv)
{
    value_options o;
    int status = parse_options(argc, argv, grad_help, 0, &o);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, o.file, o.root, o.flags);
    if (status == CLI_OK) {
        cli_source_backward(&src);
        if (o.json)
            print_values_json(&src);
        else
            print_values_text(&src);
        status = cli_finish_stdout(CLI_OK);
    }
    cli_source_free(&src);
    return status;
}

/* ---- check --------------------------------------------------------------- */

static const char check_help[] =
    "usage: micrograd check FILE [--root NAME] [--h H] [--tol T] [--json]\n"
    "\n"
    "Compares the analytic grad of every named leaf with the central difference\n"
    "(f(x+h) - f(x-h)) / 2h. A leaf passes when |analytic - numeric| <= T * max(1,\n"
    "|analytic|, |numeric|). Exit status 1 if any leaf fails.\n"
    "\n"
    "  --root NAME      differentiate NAME (default: what the file calls backward()\n"
    "                   or draw_dot() on, else the last name assigned)\n"
    "  --h H            the step (default 1e-6)\n"
    "  --tol T          the relative tolerance (default 1e-6)\n"
    "  --json           one JSON object: {\"h\", \"ok\", \"leaves\": [{\"name\", \"analytic\", \"numeric\", \"ok\"}]}\n"
    "  --as-micrograd   build micrograd's own graph (a - b as a + (b * -1), ...)\n"
    "  --strict         a NaN or infinite value is an error (exit 2), not a warning\n"
    "  -h, --help       this help\n"
    "\n"
    "example:\n"
    "  micrograd check examples/neuron.mg\n";

typedef struct leaf_check {
    size_t index; /* in the program */
    mg_grad_check_result r;
} leaf_check;

/* Each named leaf once, even under two names (aliases). */
static int is_first_name(const mg_program *p, size_t i)
{
    mg_value v = mg_program_value(p, i);
    for (size_t j = 0; j < i; j++)
        if (mg_program_value(p, j).index == v.index)
            return 0;
    return 1;
}

/* Checks every named leaf through the library; returns how many (out has
 * room for all names), or (size_t)-1 after printing why. */
static size_t check_leaves(cli_source *src, const value_options *o, leaf_check *out)
{
    const mg_program *p = src->program;
    mg_graph *g = src->graph;
    size_t n = 0;
    mg_value *leaves = malloc((mg_program_count(p) + 1) * sizeof *leaves);
    mg_grad_check_result *results = malloc((mg_program_count(p) + 1) * sizeof *results);
    if (!leaves || !results) {
        free(leaves);
        free(results);
        cli_error("out of memory");
        return (size_t)-1;
    }
    for (size_t i = 0; i < mg_program_count(p); i++) {
        mg_value x = mg_program_value(p, i);
        if (mg_value_op(g, x) == MG_OP_LEAF && is_first_name(p, i)) {
            out[n].index = i;
            leaves[n++] = x;
        }
    }
    mg_value root = mg_program_value(p, src->root);
    if (mg_grad_check(g, root, leaves, n, o->h, o->tol, results) != MG_OK) {
        cli_error("cannot check the grads: %s", mg_graph_error(g));
        n = (size_t)-1;
    }
    for (size_t i = 0; n != (size_t)-1 && i < n; i++)
        out[i].r = results[i];
    free(leaves);
    free(results);
    return n;
}

static void print_checks(const cli_source *src, const value_options *o, const leaf_check *c,
                         size_t n, int all_ok)
{
    const mg_program *p = src->program;
    if (o->json) {
        fputs("{\"h\": ", stdout);
        cli_json_number(stdout, o->h);
        printf(", \"ok\": %s, \"leaves\": [", all_ok ? "true" : "false");
        for (size_t i = 0; i < n; i++) {
            const char *name = mg_program_name(p, c[i].index);
            fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
            cli_json_string(stdout, name, strlen(name));
            fputs(", \"analytic\": ", stdout);
            cli_json_number(stdout, c[i].r.analytic);
            fputs(", \"numeric\": ", stdout);
            cli_json_number(stdout, c[i].r.numeric);
            printf(", \"ok\": %s}", c[i].r.ok ? "true" : "false");
        }
        fputs("]}\n", stdout);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char a[MG_NUMBER_SIZE], num[MG_NUMBER_SIZE];
        mg_format_repr(a, sizeof a, c[i].r.analytic);
        mg_format_repr(num, sizeof num, c[i].r.numeric);
        printf("%-4s %s: analytic %s, numeric %s\n", c[i].r.ok ? "ok" : "FAIL",
               mg_program_name(p, c[i].index), a, num);
    }
    printf("%s: %zu leaves, h = %g\n", all_ok ? "ok" : "FAILED", n, o->h);
}

int cmd_check(int argc, char **argv)
{
    value_options o;
    int status = parse_options(argc, argv, check_help, 1, &o);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, o.file, o.root, o.flags);
    if (status == CLI_OK) {
        leaf_check *checks = calloc(mg_program_count(src.program) + 1, sizeof *checks);
        if (!checks) {
            cli_error("out of memory");
            status = CLI_FAILED;
        } else {
            size_t n = check_leaves(&src, &o, checks);
            int all_ok = 1;
            for (size_t i = 0; n != (size_t)-1 && i < n; i++)
                all_ok &= checks[i].r.ok;
            if (n == (size_t)-1) {
                status = CLI_FAILED;
            } else {
                print_checks(&src, &o, checks, n, all_ok);
                status = cli_finish_stdout(all_ok ? CLI_OK : CLI_FAILED);
            }
            free(checks);
        }
    }
    cli_source_free(&src);
    return status;
}
