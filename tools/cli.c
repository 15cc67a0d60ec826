/* Shared plumbing of the micrograd subcommands (see cli.h). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_INPUT_BYTES ((size_t)1 << 30)

/* ---- messages ------------------------------------------------------------ */

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("micrograd: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_input_error(const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d:%d: error: ", file, line, col);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "micrograd: error: %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'micrograd %s --help')\n", command);
    va_end(ap);
    return CLI_USAGE;
}

const char *cli_display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* ---- input --------------------------------------------------------------- */

static int read_stream(FILE *in, const char *name, char **text, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        cli_error("out of memory reading '%s'", name);
        return CLI_FAILED;
    }
    for (;;) {
        if (cap - n < 2) {
            if (cap >= MAX_INPUT_BYTES) {
                free(buf);
                cli_error("'%s' is larger than %zu bytes", name, MAX_INPUT_BYTES);
                return CLI_USAGE;
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                cli_error("out of memory reading '%s'", name);
                return CLI_FAILED;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, in);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(in)) {
        int err = errno;
        free(buf);
        if (err == EBADF && in == stdin)
            cli_error("cannot read '%s': standard input is closed", name);
        else
            cli_error("cannot read '%s': %s", name, strerror(err));
        return err == EISDIR ? CLI_USAGE : CLI_FAILED;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return CLI_OK;
}

int cli_read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0)
        return read_stream(stdin, "<stdin>", text, len);
    FILE *in = fopen(path, "rb");
    if (!in) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return CLI_USAGE;
    }
    int status = read_stream(in, path, text, len);
    fclose(in);
    return status;
}

/* ---- output -------------------------------------------------------------- */

static int write_all(FILE *out, const void *data, size_t len)
{
    return fwrite(data, 1, len, out) == len;
}

int cli_finish_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write to standard output: %s", strerror(errno));
        return CLI_FAILED;
    }
    return status;
}

/* A device or pipe named as output (/dev/stdout, /dev/full) is written in
 * place: renaming over it would replace the device. */
static int write_in_place(const char *path, const void *data, size_t len)
{
    FILE *out = fopen(path, "wb");
    if (!out) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return CLI_FAILED;
    }
    int ok = write_all(out, data, len);
    int err = errno;
    if (fclose(out) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        cli_error("cannot write '%s': %s", path, strerror(err));
        return CLI_FAILED;
    }
    return CLI_OK;
}

int cli_write_output(const char *path, const void *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (!write_all(stdout, data, len) || fflush(stdout) != 0) {
            cli_error("cannot write to standard output: %s", strerror(errno));
            return CLI_FAILED;
        }
        return CLI_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            cli_error("cannot write '%s': Is a directory", path);
            return CLI_FAILED;
        }
        return write_in_place(path, data, len);
    }
    /* The temporary sits beside the target so that rename() is atomic. */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t tmp_size = strlen(path) + 16;
    char *tmp = malloc(tmp_size);
    if (!tmp) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    snprintf(tmp, tmp_size, "%.*s.%s.XXXXXX", (int)dir_len, path, path + dir_len);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cli_error("cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return CLI_FAILED;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE *out = fdopen(fd, "wb");
    int ok = out && write_all(out, data, len);
    int err = errno;
    if (out) {
        if (fclose(out) != 0 && ok) {
            ok = 0;
            err = errno;
        }
    } else {
        close(fd);
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        unlink(tmp);
        cli_error("cannot write '%s': %s", path, strerror(err));
    }
    free(tmp);
    return ok ? CLI_OK : CLI_FAILED;
}

/* ---- JSON ---------------------------------------------------------------- */

void cli_json_number(FILE *out, double x)
{
    char buf[MG_NUMBER_SIZE];
    mg_format_repr(buf, sizeof buf, x);
    if (isfinite(x))
        fputs(buf, out);
    else
        fprintf(out, "\"%s\"", buf);
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t utf8_length(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    else if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; cp = c & 0x07; }
    else return 0;
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void cli_json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n = utf8_length(p + i, len - i);
        if (n == 0) {
            fputs("\\ufffd", out);
            i++;
            continue;
        }
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20 || c == 0x7F)
            fprintf(out, "\\u%04x", c);
        else
            fwrite(p + i, 1, n, out);
        i += n;
    }
    fputc('"', out);
}

/* ---- option values ------------------------------------------------------- */

int cli_parse_double(const char *command, const char *option, const char *text, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(x)) {
        cli_usage_error(command, "%s wants a finite number, not '%s'", option, text);
        return 0;
    }
    *out = x;
    return 1;
}

int cli_parse_long(const char *command, const char *option, const char *text, long min,
                   long max, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || x < min || x > max) {
        cli_usage_error(command, "%s wants a whole number from %ld to %ld, not '%s'", option,
                        min, max, text);
        return 0;
    }
    *out = x;
    return 1;
}

int cli_parse_numbers(const char *command, const char *option, const char *text, double *out,
                      size_t cap, size_t *n)
{
    const char *p = text;
    *n = 0;
    while (*n < cap) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        /* strtod skips leading blanks and reads "nan" and "inf": refuse them */
        if (end == p || isspace((unsigned char)*p) || errno == ERANGE || !isfinite(x) ||
            (*end != ',' && *end != '\0'))
            break;
        out[(*n)++] = x;
        if (*end == '\0')
            return 1;
        p = end + 1;
    }
    cli_usage_error(command, "%s wants 1 to %zu finite numbers separated by commas, not '%s'",
                    option, cap, text);
    return 0;
}

int cli_parse_sizes(const char *command, const char *option, const char *text, size_t max_count,
                    size_t max_width, size_t *out, size_t *n)
{
    const char *p = text;
    *n = 0;
    while (*n < max_count && isdigit((unsigned char)*p)) {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(p, &end, 10);
        if (errno == ERANGE || x == 0 || x > max_width || (*end != ',' && *end != '\0'))
            break;
        out[(*n)++] = (size_t)x;
        if (*end == '\0') {
            if (*n >= 2)
                return 1;
            break;
        }
        p = end + 1;
    }
    cli_usage_error(command,
                    "%s wants the inputs then each layer's width (3,4,4,1): 2 to %zu whole "
                    "numbers from 1 to %zu, not '%s'",
                    option, max_count, max_width, text);
    return 0;
}

/* ---- output formats ------------------------------------------------------ */

/* The one table of output formats: the name -T takes and the extensions that
 * mean it, compared without regard to case (x.PNG is a PNG). */
static const struct output_format {
    unsigned flag;
    const char *name;
    const char *ext[2];
} output_formats[] = {
    {CLI_FORMAT_SVG, "svg", {"svg", NULL}},
    {CLI_FORMAT_PNG, "png", {"png", NULL}},
    {CLI_FORMAT_PDF, "pdf", {"pdf", NULL}},
    {CLI_FORMAT_DOT, "dot", {"dot", "gv"}},
    {CLI_FORMAT_HTML, "html", {"html", "htm"}},
};
#define FORMAT_COUNT (sizeof output_formats / sizeof *output_formats)

/* "svg, png or pdf" (names) or ".svg, .png or .pdf" (extensions, dotted) of
 * the allowed formats, into buf. */
static const char *format_list(unsigned allowed, int extensions, char *buf, size_t size)
{
    const char *items[2 * FORMAT_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        for (size_t e = 0; e < (extensions ? 2 : 1); e++)
            if ((allowed & output_formats[i].flag) && (!extensions || output_formats[i].ext[e]))
                items[n++] = extensions ? output_formats[i].ext[e] : output_formats[i].name;
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                              extensions ? "." : "", items[i]);
    return buf;
}

unsigned cli_format_of_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot)
        return 0;
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        for (size_t e = 0; e < 2; e++)
            if (output_formats[i].ext[e] && strcasecmp(dot + 1, output_formats[i].ext[e]) == 0)
                return output_formats[i].flag;
    return 0;
}

static const char *format_name(unsigned flag)
{
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        if (output_formats[i].flag == flag)
            return output_formats[i].name;
    return NULL;
}

const char *cli_output_format(const char *command, const char *option, const char *path,
                              const char *format, unsigned allowed)
{
    char list[128];
    const char *or_T = allowed & CLI_FORMAT_OPTION_T ? "; or use -T" : "";
    if (format) {
        for (size_t i = 0; i < FORMAT_COUNT; i++)
            if ((allowed & output_formats[i].flag) && strcasecmp(format, output_formats[i].name) == 0)
                return output_formats[i].name;
        cli_usage_error(command, "unknown format '%s' (%s)", format,
                        format_list(allowed, 0, list, sizeof list));
        return NULL;
    }
    if (!path || strcmp(path, "-") == 0)
        return format_name(allowed & CLI_FORMAT_SVG ? CLI_FORMAT_SVG : allowed & -allowed);
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    unsigned flag = cli_format_of_name(path);
    if (flag & allowed)
        return format_name(flag);
    format_list(allowed, 1, list, sizeof list);
    if (!dot || !dot[1])
        cli_usage_error(command, "%s '%s': no extension to tell the format by (%s%s)", option,
                        path, list, or_T);
    else
        cli_usage_error(command, "%s '%s': unknown extension '%s' (%s%s)", option, path, dot,
                        list, or_T);
    return NULL;
}

/* ---- expression files ---------------------------------------------------- */

/* 1 if the n bytes are UTF-8 text with no control character but tab. */
static int printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!k || i + k > n || (c < 0x20 && c != '\t') || c == 0x7F)
            return 0;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

/* Shows line `line` of text with a caret under column col (a byte count): the
 * caret counts characters, so it sits right under UTF-8 text, and copies tabs.
 * A blank line, a line over 200 bytes or one that is not printable UTF-8
 * shows nothing. */
static void show_source_line(const char *text, size_t len, int line, int col)
{
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* columns count from after a byte order mark */
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((eol ? eol : end) - p);
    if (n && p[n - 1] == '\r')
        n--;
    size_t blank = 0;
    while (blank < n && (p[blank] == ' ' || p[blank] == '\t'))
        blank++;
    if (n > 200 || blank == n || line < 1 || col < 1 || !printable(p, n))
        return;
    fprintf(stderr, "    %.*s\n    ", (int)n, p);
    for (size_t i = 0; i + 1 < (size_t)col && i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            fputc(p[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
}

/* A named value whose data is NaN or infinite: a warning (an error with
 * CLI_STRICT) at the first one, naming it and its line. */
static int check_finite(const cli_source *src, int flags)
{
    const mg_program *p = src->program;
    for (size_t i = 0; i < mg_program_count(p); i++) {
        double x = mg_data(src->graph, mg_program_value(p, i));
        if (isfinite(x))
            continue;
        char num[MG_NUMBER_SIZE];
        mg_format_repr(num, sizeof num, x);
        int line = mg_program_line(p, i), col = mg_program_col(p, i);
        fprintf(stderr, "%s:%d:%d: %s: '%s' is %s\n", cli_display_name(src->path), line, col,
                flags & CLI_STRICT ? "error" : "warning", mg_program_name(p, i), num);
        show_source_line(src->text, src->len, line, col);
        return flags & CLI_STRICT ? CLI_USAGE : CLI_OK;
    }
    return CLI_OK;
}

int cli_source_load(cli_source *src, const char *path, const char *root_name, int flags)
{
    memset(src, 0, sizeof *src);
    src->path = path;
    int status = cli_read_file(path, &src->text, &src->len);
    if (status != CLI_OK)
        return status;
    src->graph = mg_graph_new();
    if (!src->graph) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    mg_error err;
    mg_parse_options options = {.as_micrograd = (flags & CLI_AS_MICROGRAD) != 0};
    if (mg_parse_with(src->graph, src->text, src->len, &options, &src->program, &err) != MG_OK) {
        cli_input_error(cli_display_name(path), err.line, err.col, "%s", err.message);
        show_source_line(src->text, src->len, err.line, err.col);
        return err.status == MG_ERR_NOMEM ? CLI_FAILED : CLI_USAGE;
    }
    src->root = mg_program_root(src->program);
    if (root_name) {
        long i = mg_program_find(src->program, root_name);
        if (i < 0) {
            cli_error("--root '%s': %s defines no such name", root_name, cli_display_name(path));
            return CLI_USAGE;
        }
        src->root = (size_t)i;
    }
    return check_finite(src, flags);
}

void cli_source_backward(cli_source *src)
{
    if (!mg_program_sets_grads(src->program))
        mg_backward(src->graph, mg_program_value(src->program, src->root));
}

void cli_source_free(cli_source *src)
{
    mg_program_free(src->program);
    mg_graph_free(src->graph);
    free(src->text);
    memset(src, 0, sizeof *src);
}

/* ---- progress ------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

cli_progress cli_progress_start(double delay)
{
    cli_progress p = {.tty = isatty(STDERR_FILENO), .start = now_seconds(), .delay = delay,
                      .last_draw = -1.0};
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    p.color = p.tty && !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0);
    return p;
}

void cli_progress_update(cli_progress *p, size_t done, size_t total, const char *text)
{
    if (!p->tty || total == 0)
        return;
    double t = now_seconds();
    int last = done >= total;
    if (!p->drawn && t - p->start < p->delay)
        return;
    if (!last && p->last_draw >= 0 && t - p->last_draw < 0.05)
        return;
    p->last_draw = t;
    p->drawn = 1;
    enum { WIDTH = 30 };
    int filled = (int)((double)done * WIDTH / (double)total);
    char bar[WIDTH + 1];
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '.', (size_t)(WIDTH - filled));
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r\033[K[%s%.*s%s%s%s] %zu/%zu%s", p->color ? "\033[32m" : "", filled, bar,
            p->color ? "\033[0;2m" : "", bar + filled, p->color ? "\033[0m" : "", done, total,
            text);
    if (last)
        cli_progress_finish(p);
    fflush(stderr);
}

void cli_progress_finish(cli_progress *p)
{
    if (p->drawn)
        fputc('\n', stderr);
    p->drawn = 0;
    p->tty = 0; /* nothing more after the end of the line */
}

/* ---- options ------------------------------------------------------------- */

void cli_getopt_reset(void)
{
    opterr = 0;
    optind = 0; /* 0, not 1: a full reset of GNU getopt's state */
}

int cli_help(const char *help)
{
    fputs(help, stdout);
    return cli_finish_stdout(CLI_OK);
}

/* The long options of the last cli_getopt call, for cli_option_error. */
static const struct option *current_options;

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    current_options = longopts;
    return getopt_long(argc, argv, shortopts, longopts, NULL);
}

const char *cli_suggest_option(const char *word, const struct option *options)
{
    enum { MAX_OPTIONS = 48, MAX_NAME = 40 };
    static char names[MAX_OPTIONS][MAX_NAME];
    const char *list[MAX_OPTIONS];
    size_t n = 0;
    for (; options && options[n].name && n < MAX_OPTIONS; n++) {
        snprintf(names[n], MAX_NAME, "--%s", options[n].name);
        list[n] = names[n];
    }
    return mg_suggest(word, strcspn(word, "="), list, n);
}

/* 1 if word ("--json=1") gave a value to the long option that getopt named
 * in optopt, one that takes none. */
static int given_a_value(const char *word)
{
    if (!current_options || strncmp(word, "--", 2) != 0 || !strchr(word, '='))
        return 0;
    for (const struct option *o = current_options; o->name; o++)
        if (o->has_arg == no_argument && !o->flag && o->val == optopt)
            return 1;
    return 0;
}

int cli_option_error(const char *command, int c, char **argv)
{
    /* optopt: 0 for an unknown long option, the value of a long one given a
     * value it does not take (--json=1), else the letter of an unknown short
     * one (whose word argv[optind - 1] may not be yet: -xh). */
    const char *word = argv[optind - 1];
    if (c == ':')
        return cli_usage_error(command, "option '%s' needs a value", word);
    if (optopt == 0) {
        const char *near = strncmp(word, "--", 2) == 0
                               ? cli_suggest_option(word, current_options) : NULL;
        if (near)
            return cli_usage_error(command, "unknown option '%s': did you mean '%s'?", word,
                                   near);
        return cli_usage_error(command, "unknown option '%s'", word);
    }
    if (given_a_value(word))
        return cli_usage_error(command, "option '%.*s' takes no value", (int)strcspn(word, "="),
                               word);
    return cli_usage_error(command, "unknown option '-%c'", optopt);
}

int cli_take_file(const char *command, int argc, char **argv, const char **file)
{
    for (; optind < argc; optind++) {
        if (*file)
            return cli_usage_error(command, "one FILE only ('%s' is extra)", argv[optind]);
        *file = argv[optind];
    }
    return -1;
}
