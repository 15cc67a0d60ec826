/* The lesson page (mg_viz_lesson_page): one self-contained HTML document
 * holding one picture of the lesson's graph (the scene's master layout; for
 * a left-to-right one, a top-to-bottom one too, for phones held upright), the
 * captions, and per frame only what changes in the picture from the frame
 * before (each box's texts and highlight state), which the page's script
 * applies. Style and script inline; nothing fetched. Made to be read from a
 * projector, a phone and paper. */
#include "viz_internal.h"

#include <micrograd/paths.h>

#include <stdlib.h>
#include <string.h>

/* ---- head ---------------------------------------------------------------- */

/* The page's own colours are --ink, --paper, --bar and --soft; the highlight
 * colours (--mg-*, from the theme's palette) come before this. The state
 * classes the script sets on the SVG's nodes get the pictures' highlight
 * (CSS rules win over Graphviz's presentation attributes), and the legend's
 * swatches carry the same classes. */
static const char page_style[] =
    "*{box-sizing:border-box}\n"
    "html,body{margin:0;height:100%}\n"
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:var(--ink);"
    "background:var(--paper);display:flex;flex-direction:column;height:100vh;overflow:hidden}\n"
    /* one header height for every step: the counter keeps its row */
    "header{background:var(--bar);color:#fff;display:flex;flex-wrap:wrap;align-items:baseline;"
    "column-gap:1.5rem;padding:.4rem 1.5rem}\n"
    "header h1{font-size:clamp(1.2rem,2.2vw,2rem);margin:0;font-weight:700;min-width:0;"
    "overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
    "header .sub{font-size:clamp(.9rem,1.4vw,1.3rem);opacity:.85;flex:1}\n"
    "#counter{font-size:clamp(1.1rem,2vw,1.9rem);font-weight:700;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "main{flex:1;display:flex;flex-direction:column;min-height:0;padding:.4rem 1rem 0}\n"
    "#picture{flex:1;min-height:0;overflow:hidden;position:relative}\n"
    "#picture svg{display:block;width:100%;height:100%}\n"
    /* two pictures when the graph runs left to right: that one, and on a
     * phone held upright the same graph top to bottom */
    "#picture svg.tall{display:none}\n"
    ".follow #picture{overflow:auto}\n"
    ".follow #picture svg{max-width:none}\n"
    /* every caption in one grid cell: the area is as tall as the tallest,
     * so the picture does not move by a pixel from step to step */
    "#captions{display:grid;margin:.4rem 0 0}\n"
    ".caption{grid-area:1/1;visibility:hidden;font-size:clamp(1.05rem,1.9vw,2rem);"
    "line-height:1.4;background:var(--soft);border-left:.5rem solid var(--accent);"
    "padding:.5rem 1rem;margin:0;font-variant-numeric:tabular-nums}\n"
    ".caption.shown{visibility:visible}\n"
    ".caption .head{font-weight:700}\n"
    ".caption .term{display:block;padding-left:1.5em;font-family:'DejaVu Sans Mono',"
    "Consolas,monospace;font-size:.92em}\n"
    ".caption .nb{white-space:nowrap}\n"
    "nav{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem 1rem;padding:.6rem 1rem .8rem}\n"
    "nav button{font:inherit;font-size:clamp(1rem,1.6vw,1.5rem);font-weight:700;"
    "padding:.4rem 1.1rem;border:3px solid var(--bar);border-radius:.5rem;"
    "background:var(--bar);color:#fff;cursor:pointer}\n"
    "nav button:disabled{background:#fff;color:#888;border-color:#bbb;cursor:default}\n"
    "nav button:focus-visible,#slider:focus-visible{outline:4px solid var(--accent);"
    "outline-offset:2px}\n"
    "#slider{flex:1;min-width:8rem;height:2rem;accent-color:var(--accent)}\n"
    ".legend{display:flex;gap:1.2rem;font-size:clamp(.85rem,1.2vw,1.1rem);white-space:nowrap}\n"
    ".legend i{display:inline-block;width:1.6em;height:1em;vertical-align:-.1em;"
    "margin-right:.35em;border:3px solid;border-radius:.25em}\n"
    ".legend .current{background:var(--mg-current-fill);border-color:var(--mg-current-line);"
    "border-width:var(--mg-current-width)}"
    ".legend .changed{background:var(--mg-changed-fill);border-color:var(--mg-changed-line);"
    "border-width:var(--mg-changed-width);border-style:var(--mg-changed-style)}\n"
    ".keys{font-size:1rem;color:#444;white-space:nowrap}\n"
    "#zoom[aria-pressed=true]{background:var(--accent);border-color:var(--accent)}\n";

static const char page_style_states[] =
    /* the frame's states, on Graphviz's nodes (as the pictures draw them) */
    ".node.changed :is(polygon,path,ellipse){fill:var(--mg-changed-fill);"
    "stroke:var(--mg-changed-line);stroke-width:2.4px}\n"
    ".node.changed polyline{stroke:var(--mg-changed-line)}\n"
    ".node.current :is(polygon,path,ellipse){fill:var(--mg-current-fill);"
    "stroke:var(--mg-current-line);stroke-width:3.5px}\n"
    ".node.op.current ellipse{stroke-width:3px}\n"
    ".node.current polyline{stroke:var(--mg-current-line)}\n"
    ".node:is(.dim,.unknown) :is(polygon,path,ellipse,polyline){stroke:var(--mg-dim)}"
    ".node:is(.dim,.unknown) text{fill:var(--mg-dim)}\n"
    ".node.wrong :is(polygon,path){stroke:var(--mg-wrong);stroke-width:3px;stroke-dasharray:5,2}\n"
    ".edge.current path{stroke:var(--mg-current-line)}"
    ".edge.current polygon{fill:var(--mg-current-line);stroke:var(--mg-current-line)}\n"
    /* the quiz */
    ".quiz{display:none;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin-top:.3rem}\n"
    ".asking .quiz{display:flex}\n"
    ".asking .term{display:none}\n"
    ".quiz label{font-family:'DejaVu Sans Mono',Consolas,monospace;white-space:nowrap}\n"
    ".quiz input{font:inherit;width:7em;padding:.1rem .3rem}\n"
    ".quiz input.wrong{outline:3px solid #b91c1c}\n"
    ".quiz button{font:inherit;font-weight:700;padding:.1rem .8rem}\n"
    ".quiz .verdict{font-weight:700}\n"
    "#print{display:none}\n"
    /* a box's paths from the root, shown on a click */
    "#paths{position:fixed;left:1rem;right:1rem;bottom:5rem;max-height:50vh;overflow:auto;"
    "background:var(--paper);border:3px solid var(--accent);border-radius:.5rem;padding:.5rem 1rem;"
    "font-size:clamp(1rem,1.6vw,1.5rem);box-shadow:0 .3rem 1rem rgba(0,0,0,.3)}\n"
    "#paths[hidden]{display:none}#paths p{margin:.2rem 0}"
    "#paths .path{font-family:'DejaVu Sans Mono',Consolas,monospace;font-size:.92em}\n"
    "#picture g.node.value{cursor:pointer}\n";

static const char page_style_media[] =
    /* a phone: the controls wrap onto the screen, the slider on its own row */
    "@media (max-width:700px){header{padding:.3rem .8rem}header .sub,.keys{display:none}"
    "header h1{flex:1}.legend{gap:.8rem;order:3;flex-basis:100%}main{padding:.3rem .4rem 0}.caption{font-size:1rem;padding:.4rem .6rem;"
    "border-left-width:.3rem}.caption .term{padding-left:.6em}"
    "nav{padding:.4rem .5rem .6rem;gap:.4rem .5rem}nav button{padding:.35rem .7rem;font-size:1rem}"
    "#slider{order:9;flex-basis:100%}}\n"
    "@media (max-width:700px) and (orientation:portrait){#picture svg.wide{display:none}"
    "#picture svg.tall{display:block}}\n"
    /* paper: one frame and its caption per sheet (the script fills #print) */
    "@media print{@page{size:landscape;margin:12mm}"
    "html,body{height:auto;overflow:visible;display:block}"
    "body>header,main,nav{display:none}#print{display:block}"
    ".sheet{height:180mm;display:flex;flex-direction:column;break-after:page;"
    "break-inside:avoid;page-break-after:always}"
    ".sheet:last-child{break-after:auto;page-break-after:auto}"
    ".sheet h2{font-size:14pt;margin:0 0 2mm}"
    ".sheet .graph{flex:1;min-height:0}.sheet svg{width:100%;height:100%}"
    ".sheet .caption{visibility:visible;font-size:12pt;border-left-width:2mm}"
    ".sheet .quiz{display:none}.sheet .term{display:block}}\n";

static void page_begin(viz_buf *b, const char *title, size_t nframes, mg_viz_theme theme)
{
    viz_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
    viz_escape_html(b, title, strlen(title));
    viz_buf_puts(b, " · backpropagation, step by step</title>\n<style>\n"
                    ":root{--ink:#111;--paper:#fff;--bar:#14213d;--soft:#f3f4f6;");
    viz_theme_css(b, theme);
    viz_buf_puts(b, ";--accent:var(--mg-current-line)}\n");
    viz_buf_puts(b, page_style);
    viz_buf_puts(b, page_style_states);
    viz_buf_puts(b, page_style_media);
    viz_buf_puts(b, "</style>\n</head>\n<body>\n<header><h1>");
    viz_escape_html(b, title, strlen(title));
    viz_buf_printf(b, "</h1><span class=\"sub\">backpropagation, one step at a time</span>"
                      "<span class=\"legend\"><span><i class=\"current\"></i>this step</span>"
                      "<span><i class=\"changed\"></i>grad just changed</span></span>"
                      "<span id=\"counter\" aria-live=\"polite\">step 1 of %zu</span></header>\n"
                      "<main>\n",
                   nframes);
}

/* ---- the picture --------------------------------------------------------- */

/* The ids of the second (top to bottom) picture: "t" + the first's ("tv12"). */
#define PAGE_TALL_PREFIX "t"

/* Where the comment or namespace declaration at p ends (p if there is none
 * there): HTML needs neither. */
static const char *skip_dropped(const char *p, const char *end)
{
    static const char *const drop[] = {" xmlns=\"", " xmlns:xlink=\""};
    size_t left = (size_t)(end - p);
    if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
        const char *close = p + 4;
        while (close + 3 <= end && memcmp(close, "-->", 3) != 0)
            close++;
        p = close + 3 <= end ? close + 3 : end;
        while (p < end && *p == '\n')
            p++;
        return p;
    }
    for (size_t d = 0; d < 2; d++) {
        size_t n = strlen(drop[d]);
        if (left >= n && memcmp(p, drop[d], n) == 0) {
            const char *q = memchr(p + n, '"', left - n);
            return q ? q + 1 : end;
        }
    }
    return p;
}

/* Copies Graphviz's SVG for inline use: from "<svg" on, without comments and
 * namespace declarations, the root element given class cls (NULL: none) and
 * every id prefixed by prefix (a second picture of the same graph). */
static void put_svg(viz_buf *b, const char *svg, size_t len, const char *cls, const char *prefix)
{
    const char *p = svg, *end = svg + len;
    while (p < end && !(end - p >= 4 && memcmp(p, "<svg", 4) == 0))
        p++;
    if (p < end && cls) {
        viz_buf_printf(b, "<svg class=\"%s\"", cls);
        p += 4;
    }
    while (p < end) {
        if (prefix && end - p >= 5 && memcmp(p, " id=\"", 5) == 0) {
            viz_buf_printf(b, " id=\"%s", prefix);
            p += 5;
            continue;
        }
        const char *next = skip_dropped(p, end);
        if (next != p) {
            p = next;
            continue;
        }
        const char *stop = p + 1;
        while (stop < end && *stop != '<' && *stop != ' ')
            stop++;
        viz_buf_add(b, p, (size_t)(stop - p));
        p = stop;
    }
}

/* ---- captions ------------------------------------------------------------ */

/* 1 if the word p[0..n) is an operator or a relation of a formula. */
static int is_operator(const char *p, size_t n)
{
    static const char *const ops[] = {"=", "+=", "≈", "→", "+", "-", "×", "/", "*", "**", "·"};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (strlen(ops[k]) == n && memcmp(p, ops[k], n) == 0)
            return 1;
    return 0;
}

static int is_relation(const char *p, size_t n)
{
    return (n == 1 && *p == '=') || (n == 2 && memcmp(p, "+=", 2) == 0) ||
           (n == 3 && (memcmp(p, "≈", 3) == 0 || memcmp(p, "→", 3) == 0));
}

/* Appends text escaped for HTML so that a line breaks only between terms: a
 * space next to an operator ("1 - o.data²", "= 0.5000") holds its words
 * together (one nowrap span), except before a relation sign (=, +=, ≈, →),
 * where the line may break, so the sign starts the next line and a number
 * never stands alone after it. */
static void put_formula(viz_buf *b, const char *text, size_t len)
{
    const char *end = text + len, *piece = text;
    int glued = 0; /* the current piece holds a space that must not break */
    for (const char *p = text; p <= end; p++) {
        if (p < end && *p != ' ')
            continue;
        if (p < end) {
            const char *w0 = p; /* the word before the space */
            while (w0 > text && w0[-1] != ' ')
                w0--;
            const char *w1 = p + 1, *w1e = w1;
            while (w1e < end && *w1e != ' ')
                w1e++;
            int before_op = is_operator(w0, (size_t)(p - w0));
            int after_op = is_operator(w1, (size_t)(w1e - w1));
            if ((before_op || after_op) && !is_relation(w1, (size_t)(w1e - w1))) {
                glued = 1;
                continue; /* the space stays inside the piece */
            }
        }
        if (glued)
            viz_buf_puts(b, "<span class=\"nb\">");
        viz_escape_html(b, piece, (size_t)(p - piece));
        if (glued)
            viz_buf_puts(b, "</span>");
        if (p < end)
            viz_buf_puts(b, " ");
        piece = p + 1;
        glued = 0;
    }
}

/* The caption of step `step`, laid out for reading from afar: the headline in
 * bold ("d = e + c:"), then each "x.grad += ..." on its own line. */
static void put_caption(viz_buf *b, size_t step, const char *caption)
{
    viz_caption c;
    viz_caption_split(caption, &c);
    viz_buf_printf(b, "<figcaption class=\"caption%s\" id=\"caption-%zu\">",
                   step == 1 ? " shown" : "", step);
    if (c.head_len) {
        viz_buf_puts(b, "<span class=\"head\">");
        put_formula(b, c.head, c.head_len);
        viz_buf_puts(b, "</span>");
    }
    put_formula(b, c.intro, c.intro_len);
    for (const char *p = c.terms; p;) {
        const char *semi = strstr(p, "; ");
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        viz_buf_puts(b, "<span class=\"term\">");
        put_formula(b, p, n);
        viz_buf_puts(b, "</span>");
        p = semi ? semi + 2 : NULL;
    }
    viz_buf_puts(b, "<span class=\"quiz\"></span></figcaption>\n");
}

/* ---- the frames as differences --------------------------------------------- */

/* Appends text as a JSON string (UTF-8 kept; "<" escaped so that no "</script"
 * can appear). */
static void put_json_string(viz_buf *b, const char *s, size_t len)
{
    viz_buf_puts(b, "\"");
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != '"' && c != '\\' && c != '<' && c >= 0x20)
            continue;
        viz_buf_add(b, s + from, i - from);
        viz_buf_printf(b, "\\u%04x", c);
        from = i + 1;
    }
    viz_buf_add(b, s + from, len - from);
    viz_buf_puts(b, "\"");
}

/* The text the SVG shows in the box's label field. */
static void put_label_json(viz_buf *b, const viz_box *box)
{
    viz_buf shown = {0};
    viz_shown_text(&shown, box->label, box->label_len);
    put_json_string(b, shown.s ? shown.s : "", shown.len);
    b->failed |= shown.failed;
    viz_buf_free(&shown);
}

static int same_label(const viz_box *a, const viz_box *b)
{
    return a->label_len == b->label_len && (!a->label_len || memcmp(a->label, b->label, a->label_len) == 0);
}

/* What value i's box changes from was to now, as [i, flags or -1, tooltip or
 * null, text index, text, ...] (text index: the box's <text> elements in
 * order, the label first); nothing when nothing changes. */
static void put_change(viz_buf *b, uint32_t i, const viz_box *was, const viz_box *now, int *first)
{
    int label = now->label != NULL, tip = strcmp(was->tip, now->tip) != 0;
    int relabel = label && !same_label(was, now);
    int differ = tip || relabel || was->flags != now->flags || was->count != now->count;
    for (int k = 0; k < now->count && !differ; k++)
        differ = strcmp(was->field[k], now->field[k]) != 0;
    if (!differ)
        return;
    viz_buf_printf(b, "%s[%u,%d,", *first ? "" : ",", i, was->flags != now->flags ? now->flags : -1);
    *first = 0;
    if (tip) {
        viz_buf t = {0};
        viz_tooltip(&t, now, 0);
        put_json_string(b, t.s ? t.s : "", t.len);
        b->failed |= t.failed;
        viz_buf_free(&t);
    } else {
        viz_buf_puts(b, "null");
    }
    if (relabel) {
        viz_buf_puts(b, ",0,");
        put_label_json(b, now);
    }
    for (int k = 0; k < now->count; k++)
        if (k >= was->count || strcmp(was->field[k], now->field[k]) != 0) {
            viz_buf_printf(b, ",%d,", k + label);
            put_json_string(b, now->field[k], strlen(now->field[k]));
        }
    viz_buf_puts(b, "]");
}

/* The quiz of one frame: the values whose grads it changes, with the name
 * captions call them by and the grad as the box shows it. */
static void put_quiz(viz_buf *b, const viz_box *boxes, const uint8_t *mask, size_t size)
{
    int first = 1;
    viz_buf_puts(b, "[");
    for (size_t i = 0; i < size; i++) {
        const viz_box *x = &boxes[i];
        if (!(mask[i] & VIZ_DRAWN) || !(x->flags & MG_LESSON_CHANGED) || x->count < 2)
            continue;
        viz_buf_printf(b, "%s[%zu,", first ? "" : ",", i);
        first = 0;
        if (x->label)
            put_label_json(b, x);
        else
            viz_buf_puts(b, "\"\"");
        viz_buf_printf(b, ",%d,", x->label != NULL ? 2 : 1);
        const char *grad = x->field[1] + strlen("grad ");
        put_json_string(b, grad, strlen(grad));
        viz_buf_puts(b, "]");
    }
    viz_buf_puts(b, "]");
}

/* ---- the paths to each value ---------------------------------------------- */

/* Paths listed per value (the total is always given), and the largest graph
 * whose paths the page carries: each value's list is a search of its own. */
#define PAGE_PATHS_MAX 6
#define PAGE_PATHS_VALUES 1000

/* ,"paths":{"i":[total,"sum",[[values],["local",...],"product"],...],...}
 * ,"names":{"i":"name",...}: for every drawn value, the paths from the root
 * down to it with each edge's local derivative and their product
 * (mg_paths_find, on the data of frame 0), for the page's click on a box. */
static mg_status put_paths(viz_buf *b, mg_lesson *lesson, const viz_box *boxes,
                           const uint8_t *mask, size_t size, int precision)
{
    mg_graph *g = mg_lesson_graph(lesson);
    mg_value root = mg_lesson_root(lesson);
    char num[MG_NUMBER_SIZE];
    mg_lesson_goto(lesson, 0);
    viz_buf_puts(b, ",\"names\":{");
    for (size_t i = 0, first = 1; i < size; i++)
        if ((mask[i] & VIZ_DRAWN) && boxes[i].label) {
            viz_buf_printf(b, "%s\"%zu\":", first ? "" : ",", i);
            put_label_json(b, &boxes[i]);
            first = 0;
        }
    viz_buf_puts(b, "},\"paths\":{");
    for (size_t i = 0, first = 1; i < size; i++) {
        if (!(mask[i] & VIZ_DRAWN))
            continue;
        mg_paths *p;
        if (mg_paths_find(g, root, mg_value_at(g, i), PAGE_PATHS_MAX, &p, NULL) != MG_OK)
            return MG_ERR_NOMEM;
        size_t total = mg_paths_total(p);
        viz_buf_printf(b, "%s\"%zu\":[%zu,\"%s\"", first ? "" : ",", i, total,
                       mg_format_fixed(num, sizeof num, mg_paths_sum(p), precision));
        first = 0;
        for (size_t k = 0; k < mg_paths_count(p); k++) {
            size_t n = mg_paths_length(p, k);
            viz_buf_puts(b, ",[[");
            for (size_t j = 0; j < n; j++)
                viz_buf_printf(b, "%s%u", j ? "," : "", mg_paths_value(p, k, j).index);
            viz_buf_puts(b, "],[");
            for (size_t j = 0; j + 1 < n; j++)
                viz_buf_printf(b, "%s\"%s\"", j ? "," : "",
                               mg_format_fixed(num, sizeof num, mg_paths_local_grad(p, k, j), precision));
            viz_buf_printf(b, "],\"%s\"]",
                           mg_format_fixed(num, sizeof num, mg_paths_product(p, k), precision));
        }
        viz_buf_puts(b, "]");
        mg_paths_free(p);
    }
    viz_buf_puts(b, "}");
    return MG_OK;
}

/* Every frame's changes from the frame before (frame 0's from the master
 * picture, which shows the widest texts), computed from the boxes each frame
 * draws; with quiz, each frame's questions too. A box is a function of its
 * value's data, grad and flags (labels and options do not change between
 * frames), so values whose three did not change are not looked at again. */
static mg_status put_frames(viz_buf *b, mg_viz_scene *scene, size_t nframes, int quiz)
{
    const uint8_t *mask;
    size_t size = viz_scene_values(scene, &mask);
    viz_box *was = calloc(size ? size : 1, sizeof *was);
    viz_box *now = calloc(size ? size : 1, sizeof *now);
    if (!was || !now) {
        free(was);
        free(now);
        return MG_ERR_NOMEM;
    }
    viz_scene_master_boxes(scene, was);
    viz_buf_puts(b, "{\"precision\":");
    viz_buf_printf(b, "%d,\"quiz\":%s,\"frames\":[", viz_scene_precision(scene),
                   quiz ? "true" : "false");
    viz_buf ask = {0};
    for (size_t f = 0; f < nframes; f++) {
        viz_scene_boxes(scene, f, now);
        int first = 1;
        viz_buf_puts(b, f ? ",[" : "[");
        for (size_t i = 0; i < size; i++)
            if (mask[i] & VIZ_DRAWN)
                put_change(b, (uint32_t)i, &was[i], &now[i], &first);
        viz_buf_puts(b, "]");
        if (quiz) {
            viz_buf_puts(&ask, f ? "," : "");
            put_quiz(&ask, now, mask, size);
        }
        viz_box *t = was;
        was = now, now = t;
    }
    viz_buf_puts(b, "]");
    if (quiz) {
        viz_buf_puts(b, ",\"ask\":[");
        viz_buf_add(b, ask.s ? ask.s : "", ask.len);
        viz_buf_puts(b, "]");
    }
    b->failed |= ask.failed;
    viz_buf_free(&ask);
    mg_status status = MG_OK;
    if (size <= PAGE_PATHS_VALUES)
        status = put_paths(b, viz_scene_lesson(scene), was, mask, size, viz_scene_precision(scene));
    viz_buf_puts(b, "}");
    free(was);
    free(now);
    return status;
}

/* ---- controls ------------------------------------------------------------ */

#include "page_script.h"

static void page_end(viz_buf *b, size_t nframes)
{
    viz_buf_printf(b,
                   "<nav>\n<button id=\"prev\" type=\"button\" disabled>← Previous</button>\n"
                   "<button id=\"next\" type=\"button\"%s>Next →</button>\n"
                   "<button id=\"zoom\" type=\"button\" aria-pressed=\"false\" "
                   "title=\"Z: the whole graph, or follow the step\">Whole graph</button>\n"
                   "<input id=\"slider\" type=\"range\" min=\"0\" max=\"%zu\" value=\"0\" "
                   "aria-label=\"step\">\n"
                   "<span class=\"keys\">keys: ← → Home End, Z whole graph, + − zoom</span>\n"
                   "</nav>\n<div id=\"print\"></div>\n"
                   "<aside id=\"paths\" hidden aria-live=\"polite\"></aside>\n",
                   nframes > 1 ? "" : " disabled", nframes - 1);
    viz_buf_puts(b, "<script>\n");
    for (const char *const *line = page_script; *line; line++)
        viz_buf_printf(b, "%s\n", *line);
    viz_buf_puts(b, "</script>\n");
}

/* ---- the page ------------------------------------------------------------ */

/* tall: the same lesson laid out top to bottom, for portrait screens (NULL
 * when the picture is top to bottom already). */
static mg_status put_page(viz_buf *page, mg_viz_scene *scene, mg_viz_scene *tall,
                          const mg_lesson *lesson, const char *title, const mg_viz_options *o)
{
    size_t nframes = mg_lesson_frame_count(lesson);
    page_begin(page, title, nframes, o ? o->theme : MG_VIZ_THEME_LIGHT);
    size_t svg_len;
    const char *svg = viz_scene_svg(scene, &svg_len);
    viz_buf_puts(page, "<div id=\"picture\">\n");
    put_svg(page, svg, svg_len, tall ? "wide" : NULL, NULL);
    if (tall) {
        svg = viz_scene_svg(tall, &svg_len);
        put_svg(page, svg, svg_len, "tall", PAGE_TALL_PREFIX);
    }
    viz_buf_puts(page, "</div>\n<div id=\"captions\">\n");
    for (size_t i = 0; i < nframes; i++)
        put_caption(page, i + 1, mg_lesson_caption(lesson, i));
    viz_buf_puts(page, "</div>\n</main>\n");
    page_end(page, nframes);
    /* the data last: the script that reads it comes before, as a function */
    viz_buf_puts(page, "<script type=\"application/json\" id=\"mg-frames\">");
    mg_status status = put_frames(page, scene, nframes, o && o->quiz);
    viz_buf_puts(page, "</script>\n<script>mgLesson();</script>\n</body>\n</html>\n");
    return status;
}

mg_status mg_viz_lesson_page(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                             const char *title, char **out, size_t *len, mg_error *err)
{
    mg_error_clear(err);
    mg_status status = viz_check_output(viz && lesson, "svg", out, len, err);
    if (status != MG_OK)
        return status;
    size_t at = mg_lesson_at(lesson);
    mg_viz_scene *scene, *tall = NULL;
    status = mg_viz_scene_new(viz, lesson, o, &scene, err);
    if (status != MG_OK)
        return status;
    /* A left-to-right picture is a thin band on a phone held upright, where
     * the step's operands fall off its sides: the page also carries the
     * lesson laid out top to bottom, which the style shows there instead.
     * Only for graphs whose layout dot solves exactly (VIZ_UNITS_EXACT),
     * quick to lay out twice; a larger one cannot show a step readably on a
     * phone either way, and keeps one layout's time and size. */
    mg_viz_options down = o ? *o : mg_viz_options_default();
    size_t units = 0;
    if (viz_scene_cost_units(scene, &units) != MG_OK)
        status = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for the page");
    else if (down.rankdir == MG_VIZ_RANKDIR_LR && units <= VIZ_UNITS_EXACT) {
        down.rankdir = MG_VIZ_RANKDIR_TB;
        status = mg_viz_scene_new(viz, lesson, &down, &tall, err);
    }
    if (status != MG_OK) {
        mg_viz_scene_free(scene);
        mg_lesson_goto(lesson, at);
        return status;
    }
    char name[128];
    if (!title)
        title = mg_lesson_value_name(mg_lesson_graph(lesson), mg_lesson_root(lesson), name,
                                     sizeof name);
    viz_buf page = {0};
    status = put_page(&page, scene, tall, lesson, title, o);
    mg_viz_scene_free(scene);
    mg_viz_scene_free(tall);
    mg_lesson_goto(lesson, at);
    if (status == MG_OK && page.failed)
        status = MG_ERR_NOMEM;
    if (status != MG_OK) {
        viz_buf_free(&page);
        return mg_error_set(err, status, 0, 0, "out of memory for the page");
    }
    *out = page.s;
    *len = page.len;
    return MG_OK;
}
