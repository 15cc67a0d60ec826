/* micrograd steps: the backward lesson, frame by frame, as a page, a printable
 * handout, a folder of pictures, or captions on standard output. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <micrograd/lesson.h>
#include <micrograd/viz.h>

#include "cli.h"
#include "commands.h"

static const char steps_help[] =
    "usage: micrograd steps FILE (-o LESSON.html | -o HANDOUT.pdf | -o DIR [-T svg|png]\n"
    "                       | --text [--format text|md|tex]) [--forward] [--path NAME]\n"
    "                       [--nudge STEP] [--bug assign] [--quiz] [--root NAME]\n"
    "                       [--precision N] [--rankdir LR|TB] [--theme light|dark|print]\n"
    "                       [--title T] [--paper a4|letter] [--max-nodes N]\n"
    "                       [--as-micrograd] [--strict]\n"
    "\n"
    "Backpropagation one step at a time. Step 1 is the forward pass with every grad\n"
    "0, step 2 sets the root's grad to 1, then one step per value made by an op, in\n"
    "the order backward runs its local derivative: that value is highlighted, the\n"
    "operands whose grads changed are marked, and the caption writes out the chain\n"
    "rule with the numbers. Every step has the same layout; the last one is the\n"
    "picture 'micrograd draw' makes, but every box is named as the captions name it\n"
    "(an unnamed value 'v13', a constant '(2)').\n"
    "\n";

/* The options, a string of their own: C compilers need not take a longer one. */
static const char steps_options_help[] =
    "  -o FILE.html     one self-contained page: Previous/Next buttons, the arrow,\n"
    "                   Home and End keys, a slider, a step counter and the caption;\n"
    "                   one picture, each step only what changes in it; a graph too\n"
    "                   large to read whole follows the step (Z: the whole graph,\n"
    "                   + and - zoom); printing gives one step per sheet\n"
    "  -o FILE.pdf      a handout to print: one page per step, its picture and\n"
    "                   its caption; drawn top to bottom on portrait pages unless\n"
    "                   --rankdir LR asks for left to right (landscape pages)\n"
    "  --paper a4|letter  the handout's sheets: A4 (default) or US Letter\n"
    "  --quiz           the page asks for the grads each step changes before it\n"
    "                   shows them, and checks the answers\n"
    "  -o DIR           DIR/step-001.svg, step-002.svg, ... and DIR/captions.txt\n"
    "                   (DIR is made if missing; the frames and captions of an earlier\n"
    "                   lesson in it are replaced, nothing else is touched)\n"
    "  -T svg|png       the format of the frames in DIR (default svg)\n"
    "  --text           the captions on standard output, one line per frame\n"
    "  --format text|md|tex  --text's captions as plain text (default), as a\n"
    "                   Markdown list or a LaTeX enumerate, formulas as $...$ math\n"
    "                   (dL/dd as \\frac{\\partial L}{\\partial d}), for notes\n"
    "  --forward        first the forward pass value by value: the leaves alone\n"
    "                   (every other value '?'), then one step per value computed\n"
    "  --path NAME      after backward: one step per path from the root to NAME with\n"
    "                   the product of the local derivatives along it (at most 12),\n"
    "                   then their sum, NAME's grad\n"
    "  --nudge STEP     a last step moving every leaf (not the unnamed constants) by\n"
    "                   STEP x its grad and computing the root again: the change the\n"
    "                   grads predict (first order) and the actual change\n"
    "  --bug assign     what an engine that assigns grads (=) instead of adding them\n"
    "                   (+=) computes: WRONG for a value used more than once, and\n"
    "                   said so in every caption and marked in the pictures\n"
    "  --root NAME      differentiate NAME (default: what the file calls backward()\n"
    "                   or draw_dot() on, else the last name assigned)\n"
    "  --as-micrograd   build micrograd's own graph (a - b as a + (b * -1), ...)\n"
    "  --strict         a NaN or infinite value is an error (exit 2), not a warning\n"
    "  --precision N    digits after the point in pictures and captions (default 4)\n"
    "  --rankdir LR|TB  left to right (default; TB for a handout) or top to bottom\n"
    "  --theme THEME    light (default), dark (for slides) or print (black and white);\n"
    "                   in every theme this step's value has the heaviest border\n"
    "                   and the grads just changed a dotted one\n"
    "  --title T        the page's or handout's title (default: the file name\n"
    "                   without .mg)\n"
    "  --max-nodes N    refuse graphs with more than N values, or whose layout would\n"
    "                   place more than 8 N nodes (0: no limit). Default 2000 for a\n"
    "                   page or --text (one layout, as draw), 120 for -o DIR or a\n"
    "                   handout (each frame is a layout of its own)\n"
    "  -h, --help       this help\n"
    "\n"
    "examples:\n"
    "  micrograd steps examples/neuron.mg -o neuron.html\n"
    "  micrograd steps examples/L.mg --text\n"
    "  micrograd steps examples/L.mg -o frames -T png\n"
    "  micrograd steps examples/L.mg -o handout.pdf --theme print\n"
    "  micrograd steps examples/L.mg --text --forward --path a --nudge 0.01\n"
    "  micrograd steps examples/mlp_loss.mg -o mlp.html --quiz\n";

typedef struct steps_options {
    const char *file;
    const char *out;
    const char *format; /* -T, or NULL */
    const char *root;
    const char *title;
    int text;
    int rankdir_given;
    int max_nodes_given; /* 1: --max-nodes was given */
    int paper_given;     /* 1: --paper was given */
    int forward;
    const char *caption_format; /* --format as given, or NULL */
    mg_lesson_format text_format;
    const char *path;   /* --path NAME, or NULL */
    const char *nudge;  /* --nudge STEP as given, or NULL */
    double step;        /* its number */
    mg_lesson_bug bug;
    int flags; /* CLI_AS_MICROGRAD, CLI_STRICT */
    mg_viz_options viz; /* precision (also the captions'), rankdir, max_nodes */
} steps_options;

enum {
    OPT_ROOT = 256, OPT_TEXT, OPT_PRECISION, OPT_RANKDIR, OPT_TITLE, OPT_MAX_NODES,
    OPT_AS_MICROGRAD, OPT_STRICT, OPT_THEME, OPT_FORMAT, OPT_FORWARD, OPT_PATH, OPT_NUDGE, OPT_BUG,
    OPT_QUIZ, OPT_PAPER
};

_Static_assert(MG_VIZ_THEME_LIGHT == 0 && MG_VIZ_THEME_DARK == 1 && MG_VIZ_THEME_PRINT == 2,
               "cli_themes lists the themes in mg_viz_theme's order");

/* The title of every picture of --bug assign. */
#define BUG_TITLE "BUG on purpose: grads assigned (=), not accumulated (+=); dashed red grads are WRONG"

/* The default limit of -o DIR: the page lays the graph out once (it takes
 * draw's limit, MG_VIZ_MAX_NODES_DEFAULT), but every frame file is a layout
 * of its own, a frame per op: at 120 values (one example through
 * MLP(3,[4,4,1])) 77 layouts, about 3.6 s of CPU, what draw's limit promises
 * (bench/README.md, "The lesson of the ~400-value graph"). */
#define STEPS_FRAMES_MAX_NODES_DEFAULT 120

static int is_page(const char *out)
{
    return strcmp(out, "-") == 0 || cli_format_of_name(out) == CLI_FORMAT_HTML;
}

static int is_handout(const char *out)
{
    return cli_format_of_name(out) == CLI_FORMAT_PDF;
}

/* A single picture's name: steps makes many frames, so it is surely a slip. */
static int looks_like_picture(const char *out)
{
    size_t n = strlen(out);
    return (cli_format_of_name(out) & (CLI_PICTURE_FORMATS & ~CLI_FORMAT_PDF)) ||
           (n > 4 && strcasecmp(out + n - 4, ".txt") == 0);
}

/* Checks the combination of options once all are read. */
static int check_options(const char *command, steps_options *o)
{
    if (!o->file)
        return cli_usage_error(command, "missing FILE (use - for standard input)");
    if (o->out && !*o->out)
        return cli_usage_error(command, "-o needs a file or folder name");
    if (!o->out && !o->text)
        return cli_usage_error(command, "say where the lesson goes: -o LESSON.html, -o DIR or --text");
    if (o->out && o->text)
        return cli_usage_error(command, "-o and --text exclude each other");
    if (o->out && looks_like_picture(o->out))
        return cli_usage_error(command, "-o takes a page (.html), a handout (.pdf) or a folder "
                                        "for the frames, not '%s'", o->out);
    if (o->viz.quiz && (o->text || !is_page(o->out)))
        return cli_usage_error(command, "--quiz is for a page (-o LESSON.html)");
    if (o->paper_given && (o->text || !is_handout(o->out)))
        return cli_usage_error(command, "--paper is for a handout (-o HANDOUT.pdf)");
    if (!o->max_nodes_given && !o->text && !is_page(o->out))
        o->viz.max_nodes = STEPS_FRAMES_MAX_NODES_DEFAULT;
    if (o->format && (o->text || is_page(o->out) || is_handout(o->out)))
        return cli_usage_error(command, "-T is for the frames of -o DIR (a page is always SVG, "
                                        "a handout PDF)");
    if (o->caption_format && !o->text)
        return cli_usage_error(command, "--format is for the captions of --text (a page and "
                                        "captions.txt are plain text)");
    if (o->bug && (o->path || o->nudge))
        return cli_usage_error(command, "--bug shows the backward pass only: it excludes %s",
                               o->path ? "--path" : "--nudge");
    if (o->format && !(o->format = cli_output_format(command, "-o", o->out, o->format,
                                                     CLI_FORMAT_SVG | CLI_FORMAT_PNG)))
        return CLI_USAGE;
    return -1;
}

/* Parses argv; returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, steps_options *o)
{
    static const struct option long_options[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"text", no_argument, NULL, OPT_TEXT},
        {"precision", required_argument, NULL, OPT_PRECISION},
        {"rankdir", required_argument, NULL, OPT_RANKDIR},
        {"title", required_argument, NULL, OPT_TITLE},
        {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
        {"as-micrograd", no_argument, NULL, OPT_AS_MICROGRAD},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"theme", required_argument, NULL, OPT_THEME},
        {"quiz", no_argument, NULL, OPT_QUIZ},
        {"paper", required_argument, NULL, OPT_PAPER},
        {"forward", no_argument, NULL, OPT_FORWARD},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"path", required_argument, NULL, OPT_PATH},
        {"nudge", required_argument, NULL, OPT_NUDGE},
        {"bug", required_argument, NULL, OPT_BUG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *command = argv[0];
    *o = (steps_options){.viz = mg_viz_options_default()};
    cli_getopt_reset();
    int c;
    long n;
    while ((c = cli_getopt(argc, argv, ":ho:T:", long_options)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'T': o->format = optarg; break;
        case OPT_ROOT: o->root = optarg; break;
        case OPT_TEXT: o->text = 1; break;
        case OPT_AS_MICROGRAD: o->flags |= CLI_AS_MICROGRAD; break;
        case OPT_STRICT: o->flags |= CLI_STRICT; break;
        case OPT_QUIZ: o->viz.quiz = 1; break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_THEME: {
            int theme;
            if (!cli_parse_choice(command, "--theme", optarg, cli_themes, &theme))
                return CLI_USAGE;
            o->viz.theme = (mg_viz_theme)theme;
            break;
        }
        case OPT_PAPER: {
            int paper;
            if (!cli_parse_choice(command, "--paper", optarg, mg_viz_paper_names, &paper))
                return CLI_USAGE;
            o->viz.paper = (mg_viz_paper)paper;
            o->paper_given = 1;
            break;
        }
        case OPT_FORWARD: o->forward = 1; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "md") != 0 && strcmp(optarg, "tex") != 0)
                return cli_usage_error(command, "--format must be text, md or tex, not '%s'", optarg);
            o->caption_format = optarg;
            o->text_format = optarg[0] == 'm' ? MG_LESSON_FORMAT_MARKDOWN
                             : strcmp(optarg, "tex") == 0 ? MG_LESSON_FORMAT_LATEX
                                                          : MG_LESSON_FORMAT_TEXT;
            break;
        case OPT_PATH: o->path = optarg; break;
        case OPT_NUDGE:
            if (!cli_parse_double(command, "--nudge", optarg, &o->step))
                return CLI_USAGE;
            if (o->step == 0.0)
                return cli_usage_error(command, "--nudge needs a step that is not 0");
            o->nudge = optarg;
            break;
        case OPT_BUG:
            if (strcmp(optarg, "assign") != 0)
                return cli_usage_error(command, "--bug must be 'assign' (grads assigned instead "
                                                "of accumulated), not '%s'", optarg);
            o->bug = MG_LESSON_BUG_ASSIGN;
            break;
        case OPT_PRECISION:
            if (!cli_parse_long(command, "--precision", optarg, 0, MG_PRECISION_MAX, &n))
                return CLI_USAGE;
            o->viz.precision = (int)n;
            break;
        case OPT_MAX_NODES:
            if (!cli_parse_long(command, "--max-nodes", optarg, 0, CLI_MAX_NODES_MAX, &n))
                return CLI_USAGE;
            o->viz.max_nodes = (size_t)n;
            o->max_nodes_given = 1;
            break;
        case OPT_RANKDIR:
            if (strcmp(optarg, "LR") != 0 && strcmp(optarg, "TB") != 0)
                return cli_usage_error(command, "--rankdir must be LR or TB, not '%s'", optarg);
            o->viz.rankdir = strcmp(optarg, "TB") == 0 ? MG_VIZ_RANKDIR_TB : MG_VIZ_RANKDIR_LR;
            o->rankdir_given = 1;
            break;
        case 'h': fputs(steps_help, stdout); return cli_help(steps_options_help);
        default: return cli_option_error(command, c, argv);
        }
    }
    int status = cli_take_file(command, argc, argv, &o->file);
    if (status < 0 && o->out && is_handout(o->out) && !o->rankdir_given)
        o->viz.rankdir = MG_VIZ_RANKDIR_TB; /* a lecture's graph is deeper than wide: a
                                               portrait page draws it about twice as large */
    if (o->bug) /* every picture says it shows a bug */
        o->viz.title = BUG_TITLE;
    return status >= 0 ? status : check_options(command, o);
}

/* ---- captions ------------------------------------------------------------ */

/* "step-001: caption" lines, the names of the frame files: frames count from
 * 1, as the page's "step 1 of 7" and its #step-1 links do. Markdown: a list
 * of "**step 1:** caption"; LaTeX: an enumerate of them (its numbers are the
 * steps'). */
static void write_captions(FILE *out, const mg_lesson *lesson, mg_lesson_format format)
{
    size_t n = mg_lesson_frame_count(lesson);
    if (format == MG_LESSON_FORMAT_LATEX)
        fputs("\\begin{enumerate}\n", out);
    for (size_t i = 0; i < n; i++) {
        const char *caption = mg_lesson_caption_in(lesson, i, format);
        if (format == MG_LESSON_FORMAT_MARKDOWN)
            fprintf(out, "- **step %zu:** %s\n", i + 1, caption);
        else if (format == MG_LESSON_FORMAT_LATEX)
            fprintf(out, "  \\item %s\n", caption);
        else
            fprintf(out, "step-%03zu: %s\n", i + 1, caption);
    }
    if (format == MG_LESSON_FORMAT_LATEX)
        fputs("\\end{enumerate}\n", out);
}

/* ---- pictures ----------------------------------------------------------- */

/* Too many values is the input's fault (exit 2), like bad syntax; the rest
 * is a failure of the run (exit 1). */
static int viz_failure(mg_status status, const char *err)
{
    if (status == MG_ERR_LIMIT) {
        cli_error("%s; use --max-nodes N to step through it anyway (--max-nodes 0: no limit)",
                  err);
        return CLI_USAGE;
    }
    cli_error("%s", err);
    return CLI_FAILED;
}

/* The title a page gets from its input path: the file name without folder and
 * without a ".mg" ending; "stdin" for "-". */
static void page_title(char *buf, size_t size, const char *path)
{
    if (strcmp(path, "-") == 0) {
        snprintf(buf, size, "stdin");
        return;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 3 && strcmp(base + len - 3, ".mg") == 0)
        len -= 3;
    snprintf(buf, size, "%.*s", (int)len, base);
}

/* The page (.html) or the handout (.pdf): one document of the whole lesson. */
static int write_document(const steps_options *o, mg_viz *viz, mg_lesson *lesson)
{
    char name[256], *page;
    size_t len;
    mg_error err;
    page_title(name, sizeof name, o->file);
    if (o->bug) { /* the page's title says so too */
        char bare[sizeof name];
        snprintf(bare, sizeof bare, "%s", o->title ? o->title : name);
        snprintf(name, sizeof name, "BUG (grads assigned): %.200s", bare);
    }
    mg_status status = (is_handout(o->out) ? mg_viz_lesson_handout : mg_viz_lesson_page)(
        viz, lesson, &o->viz, o->title && !o->bug ? o->title : name, &page, &len, &err);
    if (status != MG_OK)
        return viz_failure(status, err.message);
    int written = cli_write_output(o->out, page, len);
    mg_viz_free_output(page);
    return written;
}

/* ---- a folder of frames -------------------------------------------------- */

/* A lesson folder is replaced whole or not at all. The new files are staged
 * in a folder with a short name (".mgXXXXXX", so any name the file system
 * takes works): beside a target that is not there yet (renamed onto it at the
 * end), or inside one that is. Into an existing folder, with signals held
 * off, the old lesson's files (its captions.txt and the frames that file
 * names, in either format) are moved aside into the staging folder, the new
 * ones moved in, then the old ones removed; a failure on the way moves
 * everything back. Nothing else in the folder is touched. */
typedef struct staging {
    char *target;  /* the folder asked for, without trailing slashes */
    char *dir;     /* the staging folder */
    int inside;    /* 1: dir is inside target */
    char **names;  /* files written, relative to dir */
    size_t count;
    char **old;    /* the old lesson's files, relative to target */
    size_t old_count;
    void **tokens; /* the temporary list's tokens: dir, then each file */
    size_t ntokens;
} staging;

static char *join(const char *dir, const char *name)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *path = malloc(size);
    if (path)
        snprintf(path, size, "%s/%s", dir, name);
    return path;
}

/* Appends a copy of name to *list; 0 when memory is short. */
static int push_name(char ***list, size_t *count, const char *name)
{
    char **p = realloc(*list, (*count + 1) * sizeof *p);
    if (!p)
        return 0;
    *list = p;
    return (p[*count] = strdup(name)) ? (++*count, 1) : 0;
}

static void remember_temp(staging *s, const char *path, int is_dir)
{
    void **t = realloc(s->tokens, (s->ntokens + 1) * sizeof *t);
    if (t) {
        s->tokens = t;
        t[s->ntokens++] = cli_temp_add(path, is_dir);
    }
}

static int staging_open(staging *s, const char *target)
{
    memset(s, 0, sizeof *s);
    size_t len = strlen(target);
    while (len > 1 && target[len - 1] == '/')
        len--;
    s->target = strndup(target, len);
    if (!s->target) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    struct stat st;
    s->inside = stat(s->target, &st) == 0;
    if (s->inside && !S_ISDIR(st.st_mode)) {
        cli_error("cannot write frames to '%s': Not a directory", target);
        return CLI_FAILED;
    }
    /* the staging folder: inside the target, or beside it (in its parent) */
    const char *slash = strrchr(s->target, '/');
    char *parent = s->inside ? strdup(s->target)
                   : slash ? strndup(s->target, slash == s->target ? 1 : (size_t)(slash - s->target))
                           : strdup(".");
    s->dir = parent ? join(parent, ".mgXXXXXX") : NULL;
    free(parent);
    if (!s->dir) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    cli_hold_signals(1); /* no signal between making the folder and listing it */
    int made = mkdtemp(s->dir) != NULL;
    int made_errno = errno;
    if (made)
        remember_temp(s, s->dir, 1);
    cli_hold_signals(0);
    if (!made) {
        cli_error("cannot write frames to '%s': %s", target, strerror(made_errno));
        free(s->dir);
        s->dir = NULL;
        return CLI_FAILED;
    }
    /* mkdtemp makes it private; the folder it becomes gets mkdir's mode. */
    mode_t mask = umask(0);
    umask(mask);
    if (!s->inside)
        chmod(s->dir, 0777 & ~mask);
    return CLI_OK;
}

/* Writes one file into the staging folder. */
static int staging_write(staging *s, const char *name, const void *data, size_t len)
{
    char *path = join(s->dir, name);
    if (!path || !push_name(&s->names, &s->count, name)) {
        free(path);
        cli_error("out of memory");
        return CLI_FAILED;
    }
    cli_hold_signals(1); /* the file is listed as soon as it is there */
    int status = cli_write_output(path, data, len);
    if (status == CLI_OK)
        remember_temp(s, path, 0);
    cli_hold_signals(0);
    free(path);
    return status;
}

/* The old lesson in the target: captions.txt and, for each "step-N: ..." line
 * of it, step-N.svg and step-N.png where they are regular files. 0 when
 * memory is short. */
static int find_old_lesson(staging *s)
{
    char *path = join(s->target, "captions.txt");
    struct stat st;
    FILE *f = path && lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "r") : NULL;
    free(path);
    if (!f)
        return 1; /* no lesson there */
    int ok = push_name(&s->old, &s->old_count, "captions.txt");
    char line[128];
    while (ok && fgets(line, sizeof line, f)) {
        size_t n = strspn(line + 5, "0123456789");
        if (strncmp(line, "step-", 5) != 0 || n == 0 || line[5 + n] != ':')
            continue;
        for (int k = 0; k < 2 && ok; k++) {
            char name[64];
            snprintf(name, sizeof name, "%.*s.%s", (int)(5 + n < 40 ? 5 + n : 40), line,
                     k ? "png" : "svg");
            char *frame = join(s->target, name);
            ok = frame != NULL;
            if (ok && lstat(frame, &st) == 0 && S_ISREG(st.st_mode))
                ok = push_name(&s->old, &s->old_count, name);
            free(frame);
        }
        if (!strchr(line, '\n')) /* a long caption: skip the rest of its line */
            for (int c; (c = fgetc(f)) != EOF && c != '\n';)
                ;
    }
    fclose(f);
    return ok;
}

/* Moves names[0..n) from folder a to folder b; on a failure moves back what
 * it moved and returns 0 with errno set. */
static int move_all(const char *a, const char *b, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *from = join(a, names[i]), *to = join(b, names[i]);
        int ok = from && to && rename(from, to) == 0;
        int e = from && to ? errno : ENOMEM;
        free(from);
        free(to);
        if (!ok) {
            move_all(b, a, names, i);
            errno = e;
            return 0;
        }
    }
    return 1;
}

/* Everything in place inside an existing target, or nothing (see staging). */
static int commit_inside(staging *s)
{
    for (size_t i = 0; i < s->count; i++) { /* a folder in the way fails before any change */
        char *path = join(s->target, s->names[i]);
        struct stat st;
        int blocked = path && lstat(path, &st) == 0 && !S_ISREG(st.st_mode);
        if (blocked)
            cli_error("cannot write '%s': it is not a regular file", path);
        free(path);
        if (blocked)
            return CLI_FAILED;
    }
    char *aside = join(s->dir, "old");
    if (!aside || !find_old_lesson(s) || mkdir(aside, 0700) != 0) {
        cli_error("cannot write frames to '%s': %s", s->target,
                  aside ? strerror(errno) : "out of memory");
        free(aside);
        return CLI_FAILED;
    }
    cli_hold_signals(1);
    int ok = move_all(s->target, aside, s->old, s->old_count);
    if (ok && !move_all(s->dir, s->target, s->names, s->count)) {
        int e = errno;
        move_all(aside, s->target, s->old, s->old_count);
        errno = e;
        ok = 0;
    }
    if (!ok)
        cli_error("cannot write frames to '%s': %s", s->target, strerror(errno));
    for (size_t i = 0; ok && i < s->old_count; i++) { /* the old lesson, now aside */
        char *path = join(aside, s->old[i]);
        if (path)
            unlink(path);
        free(path);
    }
    rmdir(aside);
    free(aside);
    cli_hold_signals(0);
    return ok ? CLI_OK : CLI_FAILED;
}

static void staging_remove(staging *s)
{
    for (size_t i = 0; i < s->count; i++) {
        char *path = join(s->dir, s->names[i]);
        if (path)
            unlink(path);
        free(path);
    }
    rmdir(s->dir);
}

/* Puts everything in place (commit) or removes it; frees s. Returns the status. */
static int staging_close(staging *s, int commit)
{
    int status = commit ? CLI_OK : CLI_FAILED;
    if (s->dir && commit) {
        if (s->inside) {
            status = commit_inside(s);
        } else if (rename(s->dir, s->target) != 0) {
            cli_error("cannot write frames to '%s': %s", s->target, strerror(errno));
            status = CLI_FAILED;
        }
    }
    if (s->dir && (status != CLI_OK || s->inside))
        staging_remove(s); /* what is left of it */
    for (size_t i = 0; i < s->ntokens; i++)
        cli_temp_forget(s->tokens[i]);
    for (size_t i = 0; i < s->count; i++)
        free(s->names[i]);
    for (size_t i = 0; i < s->old_count; i++)
        free(s->old[i]);
    free(s->names);
    free(s->old);
    free(s->tokens);
    free(s->dir);
    free(s->target);
    return status;
}

/* Renders every frame of the scene's lesson into s. */
static int write_frames(staging *s, const char *format, mg_viz_scene *scene, size_t count)
{
    int status = CLI_OK;
    for (size_t i = 0; i < count && status == CLI_OK; i++) {
        char name[64], *data;
        size_t len;
        mg_error err;
        snprintf(name, sizeof name, "step-%03zu.%s", i + 1, format);
        mg_status rendered = mg_viz_scene_render(scene, i, format, &data, &len, &err);
        status = rendered == MG_OK ? staging_write(s, name, data, len)
                                   : viz_failure(rendered, err.message);
        mg_viz_free_output(data);
    }
    return status;
}

static int write_dir(const steps_options *o, mg_viz *viz, mg_lesson *lesson)
{
    mg_error err;
    mg_viz_scene *scene;
    mg_status made = mg_viz_scene_new(viz, lesson, &o->viz, &scene, &err);
    if (made != MG_OK)
        return viz_failure(made, err.message);
    staging s;
    int status = staging_open(&s, o->out);
    size_t n = mg_lesson_frame_count(lesson);
    if (status == CLI_OK)
        status = write_frames(&s, o->format ? o->format : "svg", scene, n);
    mg_viz_scene_free(scene);
    if (status == CLI_OK) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        if (out) {
            write_captions(out, lesson, MG_LESSON_FORMAT_TEXT);
            status = ferror(out) | fclose(out) ? CLI_FAILED : CLI_OK;
        }
        if (!out || status != CLI_OK)
            cli_error("out of memory");
        else
            status = staging_write(&s, "captions.txt", text, len);
        free(text);
    }
    return staging_close(&s, status == CLI_OK);
}

/* ---- the command --------------------------------------------------------- */

/* The lesson the options ask for; a --path the root does not depend on is
 * the input's fault (exit 2). */
static int make_lesson(const steps_options *o, const cli_source *src, mg_lesson **lesson)
{
    mg_value path = MG_NONE;
    if (o->path) {
        long i = cli_source_find(src, "--path", o->path);
        if (i < 0)
            return CLI_USAGE;
        path = mg_program_value(src->program, (size_t)i);
    }
    mg_lesson_options lo = {.precision = o->viz.precision, .forward = o->forward,
                            .nudge = o->nudge ? o->step : 0.0, .path = o->path ? &path : NULL,
                            .bug = o->bug};
    mg_error err;
    mg_value root = mg_program_value(src->program, src->root);
    mg_status s = mg_lesson_new(src->graph, root, &lo, lesson, &err);
    if (s == MG_OK)
        return CLI_OK;
    if (s == MG_ERR_INVALID && o->path) {
        cli_error("--path '%s': %s", o->path, err.message);
        return CLI_USAGE;
    }
    cli_error("%s", err.message);
    return CLI_FAILED;
}

int cmd_steps(int argc, char **argv)
{
    steps_options o;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    cli_source src;
    status = cli_source_load(&src, o.file, o.root, o.flags);
    mg_lesson *lesson = NULL;
    if (status == CLI_OK) {
        status = make_lesson(&o, &src, &lesson);
    }
    if (status == CLI_OK && o.text) {
        write_captions(stdout, lesson, o.text_format);
        status = cli_finish_stdout(CLI_OK);
    } else if (status == CLI_OK) {
        mg_viz *viz;
        mg_error err;
        if (mg_viz_new(&viz, &err) != MG_OK) {
            cli_error("%s", err.message);
            status = CLI_FAILED;
        } else {
            status = is_page(o.out) || is_handout(o.out) ? write_document(&o, viz, lesson)
                                                         : write_dir(&o, viz, lesson);
        }
        mg_viz_free(viz);
    }
    mg_lesson_free(lesson);
    cli_source_free(&src);
    return status;
}
