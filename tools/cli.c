/* Shared plumbing of the micrograd subcommands (see cli.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
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

int cli_no_drawing(const char *what)
{
    cli_error("%s: this micrograd was built without drawing (configure with -Dviz=enabled)", what);
    return CLI_USAGE;
}

size_t cli_memory_available(void)
{
    size_t have = SIZE_MAX;
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    unsigned long long kb;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1 && kb < SIZE_MAX / 1024)
            have = (size_t)kb * 1024;
    if (f)
        fclose(f);
    const int limits[] = {RLIMIT_AS, RLIMIT_DATA};
    for (size_t i = 0; i < 2; i++) {
        struct rlimit r;
        if (getrlimit(limits[i], &r) == 0 && r.rlim_cur != RLIM_INFINITY && r.rlim_cur < have)
            have = (size_t)r.rlim_cur;
    }
    return have;
}

const char *cli_plural(size_t n)
{
    return n == 1 ? "" : "s";
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

/* ---- temporary files, removed on a signal -------------------------------------- */

/* Every temporary file or folder made is on this list until it is renamed into
 * place or removed; a signal (SIGINT, SIGTERM, SIGHUP) or the watchdog removes
 * what is left. Nodes are pushed with one pointer store and retired by a flag,
 * so the handler always sees a consistent list (nodes are never freed: a
 * command makes a handful). */
typedef struct temp_node {
    struct temp_node *next;
    volatile sig_atomic_t live;
    int is_dir;
    char path[];
} temp_node;

static temp_node *volatile temp_list;
static const char *volatile watchdog_what, *volatile watchdog_hint;
static volatile unsigned watchdog_seconds;

static void remove_temps(void)
{
    for (temp_node *t = temp_list; t; t = t->next) /* newest first: files, then folders */
        if (t->live)
            (void)(t->is_dir ? rmdir(t->path) : unlink(t->path));
}

static void on_signal(int sig)
{
    remove_temps();
    signal(sig, SIG_DFL);
    raise(sig); /* dies of the signal, as the shell expects */
}

static void say(const char *s)
{
    ssize_t n = write(STDERR_FILENO, s, strlen(s));
    (void)n;
}

static void on_alarm(int sig)
{
    (void)sig;
    char num[24], *p = num + sizeof num;
    unsigned s = watchdog_seconds;
    *--p = '\0';
    do
        *--p = (char)('0' + s % 10);
    while (s /= 10);
    say("micrograd: error: ");
    say(watchdog_what ? watchdog_what : "the command");
    say(" ran past its time budget of ");
    say(p);
    say(" s of CPU time and was given up");
    if (watchdog_hint) {
        say("; ");
        say(watchdog_hint);
    }
    say("\n");
    remove_temps();
    _exit(CLI_FAILED);
}

static void install_handlers(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGPROF);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        /* a signal ignored by whoever started us (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

void cli_hold_signals(int hold)
{
    static int depth;
    static sigset_t was;
    if (hold && depth++ == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT), sigaddset(&set, SIGTERM), sigaddset(&set, SIGHUP);
        sigprocmask(SIG_BLOCK, &set, &was);
    } else if (!hold && depth > 0 && --depth == 0) {
        sigprocmask(SIG_SETMASK, &was, NULL); /* a signal held meanwhile arrives now */
    }
}

void *cli_temp_add(const char *path, int is_dir)
{
    size_t n = strlen(path) + 1;
    temp_node *t = malloc(sizeof *t + n);
    if (!t)
        return NULL;
    memcpy(t->path, path, n);
    t->is_dir = is_dir;
    t->live = 1;
    install_handlers();
    t->next = temp_list;
    temp_list = t;
    return t;
}

void cli_temp_forget(void *token)
{
    if (token)
        ((temp_node *)token)->live = 0;
}

unsigned cli_layout_budget(void)
{
    const char *env = getenv("MICROGRAD_LAYOUT_BUDGET");
    char *end;
    unsigned long s = env ? strtoul(env, &end, 10) : 0;
    return env && *env && !*end && s >= 1 && s <= 86400 ? (unsigned)s : CLI_LAYOUT_BUDGET;
}

void cli_watchdog(const char *what, const char *hint, unsigned seconds)
{
    watchdog_what = what;
    watchdog_hint = hint;
    watchdog_seconds = seconds;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigfillset(&sa.sa_mask);
    if (seconds)
        sigaction(SIGPROF, &sa, NULL);
    /* CPU time, not the clock: a loaded machine does not make work give up */
    struct itimerval t = {.it_value = {.tv_sec = (time_t)seconds}};
    setitimer(ITIMER_PROF, &t, NULL);
}

/* ---- output files -------------------------------------------------------------- */

/* The file a path names once symbolic links are followed: writing through a
 * link replaces its target (beside the target, so the rename stays atomic)
 * and keeps the link; a dangling link names the file to create. malloc'd, or
 * NULL with errno set. */
static char *follow_links(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur; /* not there (to be made) or not a link */
        char link[PATH_MAX];
        ssize_t n = hops < 40 ? readlink(cur, link, sizeof link - 1) : -1;
        if (n < 0) {
            int e = hops >= 40 ? ELOOP : errno;
            free(cur);
            errno = e;
            return NULL;
        }
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        size_t dir = link[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
        char *next = malloc(dir + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dir);
            memcpy(next + dir, link, (size_t)n + 1);
        }
        free(cur);
        cur = next;
    }
    errno = ENOMEM;
    return NULL;
}

/* One output on its way: the bytes are in a temporary file beside the target
 * (renamed onto it at commit), or, for standard output and files that are
 * not regular (devices, FIFOs: replacing one would replace the device), kept
 * to be written in place at commit. */
typedef struct staged {
    char *shown;          /* the path as given, for messages */
    char *target;         /* links followed; NULL for standard output */
    char *tmp;            /* the temporary, or NULL: written in place */
    void *token;          /* tmp's place on the temporary list */
    unsigned char *bytes; /* for in-place outputs */
    size_t len;
    char note[200];       /* said when committed, or "" */
} staged;

static staged *pending;
static size_t pending_count, pending_cap;

static int write_fd(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

/* Gives the temporary what the file it replaces had: its mode, and its owner
 * and group where the system lets us (only root can give a file away). Says
 * in s->note what could not be kept, and that other hard links keep the old
 * bytes (the rename gives the name a new file; writing in place instead would
 * lose atomicity). */
static void keep_attributes(staged *s, int fd, const struct stat *old)
{
    if (old->st_uid != geteuid() || old->st_gid != getegid()) {
        if (fchown(fd, old->st_uid, old->st_gid) != 0) {
            int group = fchown(fd, (uid_t)-1, old->st_gid) == 0;
            snprintf(s->note, sizeof s->note,
                     "'%s' now belongs to you%s: its owner (uid %u) can only be kept by root",
                     s->shown, group ? "" : " and your group", (unsigned)old->st_uid);
        }
    }
    fchmod(fd, old->st_mode & 07777); /* after fchown, which clears set-id bits */
    if (old->st_nlink > 1 && !s->note[0])
        snprintf(s->note, sizeof s->note,
                 "'%s' was replaced by a new file: its %lu other hard link(s) keep the old "
                 "contents",
                 s->shown, (unsigned long)old->st_nlink - 1);
}

/* Writes the bytes to a temporary file beside s->target: a short name
 * (".mgXXXXXX"), so that any name the file system takes can be replaced. */
static int stage_file(staged *s, const struct stat *old, const void *data, size_t len)
{
    const char *slash = strrchr(s->target, '/');
    size_t dir = slash ? (size_t)(slash - s->target) + 1 : 0;
    s->tmp = malloc(dir + sizeof ".mgXXXXXX");
    if (!s->tmp) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    memcpy(s->tmp, s->target, dir);
    memcpy(s->tmp + dir, ".mgXXXXXX", sizeof ".mgXXXXXX");
    cli_hold_signals(1); /* no signal between making the file and listing it */
    int fd = mkstemp(s->tmp);
    int made_errno = errno;
    if (fd >= 0)
        s->token = cli_temp_add(s->tmp, 0);
    cli_hold_signals(0);
    if (fd < 0) {
        cli_error("cannot write '%s': %s", s->shown, strerror(made_errno));
        return CLI_FAILED;
    }
    if (old) {
        keep_attributes(s, fd, old);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    int ok = s->token && write_fd(fd, data, len);
    int err = s->token ? errno : ENOMEM;
    if (close(fd) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        cli_error("cannot write '%s': %s", s->shown, strerror(err));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static void staged_free(staged *s, int remove_tmp)
{
    if (s->tmp && remove_tmp)
        unlink(s->tmp);
    cli_temp_forget(s->token);
    free(s->shown);
    free(s->target);
    free(s->tmp);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

static int stage(staged *s, const char *path, const void *data, size_t len)
{
    memset(s, 0, sizeof *s);
    int to_stdout = !path || strcmp(path, "-") == 0;
    s->shown = strdup(to_stdout ? "-" : path);
    if (!s->shown) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    struct stat st;
    int exists = 0;
    if (!to_stdout) {
        /* An existing file by its real path (the kernel's own links, like
         * /dev/stdout -> /proc/self/fd/1, resolve only this way); a missing
         * one by following the links that lead to where it is to be made. */
        exists = stat(path, &st) == 0;
        if (exists && S_ISDIR(st.st_mode)) {
            cli_error("cannot write '%s': Is a directory", path);
            return CLI_FAILED;
        }
        s->target = !exists && errno != ENOENT ? NULL
                    : exists && !S_ISREG(st.st_mode) ? strdup(path)
                    : exists ? realpath(path, NULL) : follow_links(path);
        if (!s->target) {
            cli_error("cannot write '%s': %s", path, strerror(errno));
            return CLI_FAILED;
        }
    }
    if (to_stdout || (exists && !S_ISREG(st.st_mode))) {
        s->bytes = malloc(len ? len : 1);
        if (!s->bytes) {
            cli_error("out of memory");
            return CLI_FAILED;
        }
        memcpy(s->bytes, data, len);
        s->len = len;
        return CLI_OK;
    }
    return stage_file(s, exists ? &st : NULL, data, len);
}

static int commit(staged *s)
{
    int ok = 1, err = 0;
    if (!s->target) {
        ok = write_all(stdout, s->bytes, s->len) && fflush(stdout) == 0;
        if (!ok) {
            cli_error("cannot write to standard output: %s", strerror(errno));
            return CLI_FAILED;
        }
    } else if (!s->tmp) {
        int fd = open(s->target, O_WRONLY | O_TRUNC | O_NOCTTY);
        ok = fd >= 0 && write_fd(fd, s->bytes, s->len);
        err = errno;
        if (fd >= 0 && close(fd) != 0 && ok) {
            ok = 0;
            err = errno;
        }
    } else if (rename(s->tmp, s->target) != 0) {
        ok = 0;
        err = errno;
    } else {
        free(s->tmp); /* renamed: nothing to remove */
        s->tmp = NULL;
    }
    if (!ok) {
        cli_error("cannot write '%s': %s", s->shown, strerror(err));
        return CLI_FAILED;
    }
    if (s->note[0])
        fprintf(stderr, "micrograd: warning: %s\n", s->note);
    return CLI_OK;
}

int cli_stage_output(const char *path, const void *data, size_t len)
{
    if (pending_count == pending_cap) {
        size_t cap = pending_cap ? 2 * pending_cap : 4;
        staged *p = realloc(pending, cap * sizeof *p);
        if (!p) {
            cli_error("out of memory");
            return CLI_FAILED;
        }
        pending = p;
        pending_cap = cap;
    }
    int status = stage(&pending[pending_count], path, data, len);
    if (status != CLI_OK) {
        staged_free(&pending[pending_count], 1);
        return status;
    }
    pending_count++;
    return CLI_OK;
}

int cli_finish_outputs(int status)
{
    cli_hold_signals(1); /* every output, or none: no signal between the renames */
    for (size_t i = 0; i < pending_count; i++) {
        if (status == CLI_OK)
            status = commit(&pending[i]);
        staged_free(&pending[i], 1);
    }
    free(pending);
    pending = NULL;
    pending_count = pending_cap = 0;
    cli_hold_signals(0);
    return status;
}

int cli_write_output(const char *path, const void *data, size_t len)
{
    staged s;
    int status = stage(&s, path, data, len);
    if (status == CLI_OK)
        status = commit(&s);
    staged_free(&s, 1);
    return status;
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

void cli_json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n = mg_utf8_char(s + i, len - i);
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
    /* ERANGE also means a denormal (1e-320), which is finite: only overflow is refused */
    if (end == text || *end != '\0' || isspace((unsigned char)*text) || !isfinite(x)) {
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
    /* strtol skips leading blanks: refuse them, as every other option value */
    if (end == text || *end != '\0' || isspace((unsigned char)*text) || errno == ERANGE ||
        x < min || x > max) {
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
        if (end == p || isspace((unsigned char)*p) || !isfinite(x) ||
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
        long i = cli_source_find(src, "--root", root_name);
        if (i < 0)
            return CLI_USAGE;
        src->root = (size_t)i;
    }
    return check_finite(src, flags);
}

long cli_source_find(const cli_source *src, const char *option, const char *name)
{
    long i = mg_program_find(src->program, name);
    if (i >= 0)
        return i;
    size_t n = mg_program_count(src->program);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    for (size_t k = 0; names && k < n; k++)
        names[k] = mg_program_name(src->program, k);
    const char *near = names ? mg_suggest(name, strlen(name), names, n) : NULL;
    if (near)
        cli_error("%s '%s': %s defines no such name: did you mean '%s'?", option, name,
                  cli_display_name(src->path), near);
    else
        cli_error("%s '%s': %s defines no such name", option, name, cli_display_name(src->path));
    free(names);
    return -1;
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
