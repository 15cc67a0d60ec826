/* Shared plumbing of the micrograd subcommands: messages, input files, atomic
 * output files, JSON numbers, and option values. Nothing here computes. */
#ifndef MICROGRAD_TOOLS_CLI_H
#define MICROGRAD_TOOLS_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <micrograd/engine.h>
#include <micrograd/format.h>
#include <micrograd/parse.h>
#include <micrograd/suggest.h>

struct option; /* <getopt.h> */

/* Exit statuses (SPEC §5). */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* "micrograd: error: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "FILE:LINE:COL: error: ..." on stderr, compiler style. */
void cli_input_error(const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A usage error of a subcommand: the message plus a pointer to --help.
 * Returns CLI_USAGE so callers can `return cli_usage_error(...)`. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The name to show for an input path ("-" shows as "<stdin>"). */
const char *cli_display_name(const char *path);

/* Reads a whole file ("-" is standard input) into a NUL-terminated malloc'd
 * buffer. Returns CLI_OK, or an exit status after printing why. */
int cli_read_file(const char *path, char **text, size_t *len);

/* Writes bytes to path atomically: a temporary file beside it, every write and
 * the close checked, then rename; on any failure the temporary is removed, an
 * existing file is untouched, the error printed and CLI_FAILED returned.
 * path NULL or "-" writes to standard output. */
int cli_write_output(const char *path, const void *data, size_t len);
/* Flushes standard output and reports a write error (a full disk, a closed
 * pipe) as CLI_FAILED; returns status unchanged otherwise. */
int cli_finish_stdout(int status);

/* JSON: mg_format_repr's text; non-finite as the strings "nan"/"inf"/"-inf". */
void cli_json_number(FILE *out, double x);
/* JSON string with quotes; bytes that are not valid UTF-8 become U+FFFD. */
void cli_json_string(FILE *out, const char *s, size_t len);

/* Option values: return 1 and set *out, or print a usage error and return 0. */
int cli_parse_double(const char *command, const char *option, const char *text, double *out);
int cli_parse_long(const char *command, const char *option, const char *text, long min,
                   long max, long *out);

/* "2,3,-1": 1 to cap finite numbers separated by commas, into out[0..*n).
 * Returns 1, or prints a usage error naming option and returns 0. */
/* A network's sizes, "3,4,4,1": the inputs then each layer's width, whole
 * numbers from 1 to max_width, at least 2 and at most max_count of them. Returns
 * 1 and sets out[0..*n), or 0 after one usage error naming option and text. */
int cli_parse_sizes(const char *command, const char *option, const char *text, size_t max_count,
                    size_t max_width, size_t *out, size_t *n);
int cli_parse_numbers(const char *command, const char *option, const char *text, double *out,
                      size_t cap, size_t *n);

/* The picture format of an output: format (-T) if given, else path's extension
 * (.svg .png .pdf .dot, .gv meaning dot), else "svg" when path is NULL or "-".
 * Returns a static string, or NULL after printing a usage error. */
const char *cli_picture_format(const char *command, const char *path, const char *format);

/* getopt_long around the subcommands (optstring starting with ':'). */
/* Resets getopt for a new argv and keeps it from printing. */
void cli_getopt_reset(void);
/* Prints help on standard output; returns cli_finish_stdout(CLI_OK). */
int cli_help(const char *help);
/* The usage error of getopt_long's ':' (an option without its value) or '?'
 * (an unknown option, with "did you mean" from options); returns CLI_USAGE. */
int cli_option_error(const char *command, int c, char **argv, const struct option *options);
/* The long option of options ("--json") that word ("--jsn", "--jsn=1")
 * misspells, or NULL (mg_suggest). */
const char *cli_suggest_option(const char *word, const struct option *options);
/* Takes the operands left after the options as the one FILE: sets *file (if
 * there is one) and returns -1, or returns a usage error for a second one. */
int cli_take_file(const char *command, int argc, char **argv, const char **file);

/* An expression file parsed into a graph, with its root picked. */
typedef struct cli_source {
    const char *path;    /* as given ("-" for standard input) */
    char *text;
    size_t len;
    mg_graph *graph;
    mg_program *program;
    size_t root;         /* index in program of the root name */
} cli_source;

/* cli_source_load's flags: --as-micrograd and --strict. */
enum { CLI_AS_MICROGRAD = 1, CLI_STRICT = 2 };

/* Reads and parses path; root_name NULL picks the program's root (what it
 * called backward() or draw_dot() on, else the last name assigned). Returns
 * CLI_OK, or an exit status after printing FILE:LINE:COL errors with the line
 * and a caret. A named value that is NaN or infinite gets a warning (with
 * CLI_STRICT an error, exit 2). Always call cli_source_free, even on failure. */
int cli_source_load(cli_source *src, const char *path, const char *root_name, int flags);
/* Runs backward from the root, unless the program made its grads itself
 * (called backward() or set x.grad): then they stay as it left them. */
void cli_source_backward(cli_source *src);
void cli_source_free(cli_source *src);

#endif
