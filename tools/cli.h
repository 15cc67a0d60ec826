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

/* The largest --max-nodes a command takes (0 is no limit at all). */
#define CLI_MAX_NODES_MAX 100000000

/* "micrograd: error: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "FILE:LINE:COL: error: ..." on stderr, compiler style. */
void cli_input_error(const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A usage error of a subcommand: the message plus a pointer to --help.
 * Returns CLI_USAGE so callers can `return cli_usage_error(...)`. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* CLI_HAVE_VIZ (set by tools/meson.build) is 1 when this program draws (the
 * viz option found Graphviz and cairo), 0 when it was built without: then
 * tools/nodraw.c stands for draw, steps and bench, and train refuses --plot
 * and --draw. */
/* The one refusal of a drawing command or option in a program built without
 * drawing: "micrograd: error: WHAT: this micrograd was built without drawing
 * (configure with -Dviz=enabled)". Returns CLI_USAGE. */
int cli_no_drawing(const char *what);

/* "s" after a count other than 1, for "1 step" and "2 steps". */
const char *cli_plural(size_t n);

/* Bytes of memory this process can still take: the system's available memory
 * (MemAvailable), lowered to the address-space and data limits (ulimit -v, -d)
 * when those are set. SIZE_MAX when nothing says. */
size_t cli_memory_available(void);

/* The name to show for an input path ("-" shows as "<stdin>"). */
const char *cli_display_name(const char *path);

/* Reads a whole file ("-" is standard input) into a NUL-terminated malloc'd
 * buffer. Returns CLI_OK, or an exit status after printing why. */
int cli_read_file(const char *path, char **text, size_t *len);

/* Writes bytes to path atomically: a temporary file beside it (a short name,
 * so any name the file system takes works), every write and the close
 * checked, then rename; on any failure the temporary is removed, an existing
 * file is untouched, the error printed and CLI_FAILED returned. Symbolic
 * links are followed: their target is replaced (atomically, beside it) and
 * the link kept; a dangling link's target is created. Devices, FIFOs and
 * other files that are not regular are written in place, never replaced. A
 * replaced file keeps its mode, and its owner and group where the system
 * allows (else a warning says so, as it does when the file had other hard
 * links, which keep the old contents). path NULL or "-" writes to standard
 * output. */
int cli_write_output(const char *path, const void *data, size_t len);
/* As cli_write_output, but the output only appears when cli_finish_outputs
 * commits it: every output of a command appears only if the whole command
 * succeeds. The temporary is made now (so errors show early); the bytes are
 * copied when written in place. Returns CLI_OK or CLI_FAILED after a
 * message. */
int cli_stage_output(const char *path, const void *data, size_t len);
/* When status is CLI_OK, puts every staged output in place, in the order
 * staged, and returns CLI_OK or CLI_FAILED; otherwise removes them all and
 * returns status. main calls it after every command. */
int cli_finish_outputs(int status);

/* Temporary files and folders are removed if a signal (SIGINT, SIGTERM,
 * SIGHUP) ends the program: cli_temp_add lists one (is_dir: a folder, removed
 * after the files listed after it) and returns a token, or NULL if memory is
 * short; cli_temp_forget(token) takes it off (renamed into place or removed). */
void *cli_temp_add(const char *path, int is_dir);
/* Holds SIGINT, SIGTERM and SIGHUP off (hold 1) until the matching release
 * (hold 0); calls nest. Around making a temporary and listing it, so no
 * signal comes between. */
void cli_hold_signals(int hold);
void cli_temp_forget(void *token);
/* A time budget: once the program has used `seconds` more of CPU time, it
 * prints that `what` ran past the budget (then "; " and hint, unless NULL),
 * removes its temporary files and exits with CLI_FAILED (Graphviz's layout
 * cannot be interrupted, so only the process can be). seconds 0 turns it
 * off. what and hint must stay valid. */
void cli_watchdog(const char *what, const char *hint, unsigned seconds);
/* The CPU seconds a layout gets: CLI_LAYOUT_BUDGET, or the whole number in
 * the environment variable MICROGRAD_LAYOUT_BUDGET (1 to 86400). */
#define CLI_LAYOUT_BUDGET 30
unsigned cli_layout_budget(void);

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

/* A network's sizes, "3,4,4,1": the inputs then each layer's width, whole
 * numbers from 1 to max_width, at least 2 and at most max_count of them. Returns
 * 1 and sets out[0..*n), or 0 after one usage error naming option and text. */
int cli_parse_sizes(const char *command, const char *option, const char *text, size_t max_count,
                    size_t max_width, size_t *out, size_t *n);
/* "2,3,-1": 1 to cap finite numbers separated by commas, into out[0..*n).
 * Returns 1, or prints a usage error naming option and returns 0. */
int cli_parse_numbers(const char *command, const char *option, const char *text, double *out,
                      size_t cap, size_t *n);

/* Output formats: one table (cli.c) of the names -T takes and the file
 * name extensions that mean them, matched without regard to case. */
enum {
    CLI_FORMAT_SVG = 1u << 0,
    CLI_FORMAT_PNG = 1u << 1,
    CLI_FORMAT_PDF = 1u << 2,
    CLI_FORMAT_DOT = 1u << 3,   /* .dot or .gv */
    CLI_FORMAT_HTML = 1u << 4,  /* .html or .htm */
    CLI_FORMAT_OPTION_T = 1u << 8 /* the command has -T (messages say so) */
};
#define CLI_PICTURE_FORMATS (CLI_FORMAT_SVG | CLI_FORMAT_PNG | CLI_FORMAT_PDF | CLI_FORMAT_DOT)
/* The format a file name's extension means (one CLI_FORMAT_ flag), or 0. */
unsigned cli_format_of_name(const char *path);
/* The format of an output, among the allowed flags: format (-T's value) if
 * not NULL, else path's extension, else (path NULL or "-") svg, or the first
 * allowed. Returns the format's name ("svg", "png", "pdf", "dot", "html"), or
 * NULL after a usage error naming option (the option that names the file:
 * "-o", "--draw") and what it accepts. */
const char *cli_output_format(const char *command, const char *option, const char *path,
                              const char *format, unsigned allowed);

/* A progress bar on standard error, drawn only on a terminal, at most every
 * 50 ms, and only once delay seconds have passed since the start (so a quick
 * run draws nothing). */
typedef struct cli_progress {
    int tty, color, drawn;
    double start, delay, last_draw;
} cli_progress;
cli_progress cli_progress_start(double delay);
/* "[####......] done/total" then text; ends the line when done == total. */
void cli_progress_update(cli_progress *p, size_t done, size_t total, const char *text);
/* Ends the bar's line if one was drawn (before a message); no more drawing. */
void cli_progress_finish(cli_progress *p);

/* getopt_long around the subcommands (optstring starting with ':'). */
/* Resets getopt for a new argv and keeps it from printing. */
void cli_getopt_reset(void);
/* getopt_long(argc, argv, shortopts, longopts, NULL), remembering longopts
 * for cli_option_error. */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);
/* Prints help on standard output; returns cli_finish_stdout(CLI_OK). */
int cli_help(const char *help);
/* The one usage error of a bad option, for getopt's ':' (an option without
 * its value) and '?' (an unknown option, with "did you mean" from the options of
 * the last cli_getopt call, or a long option given a value it takes none of:
 * "--json=1"); returns CLI_USAGE. */
int cli_option_error(const char *command, int c, char **argv);
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
/* The program's name for an option (--root, --path): its index, or -1 after
 * saying the file defines no such name (with mg_suggest's nearest name). */
long cli_source_find(const cli_source *src, const char *option, const char *name);
void cli_source_free(cli_source *src);

#endif
