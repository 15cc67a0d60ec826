/* The lesson page (mg_viz_lesson_page): one self-contained HTML document with
 * every frame's SVG, its caption, the style and the script inline; nothing
 * fetched. Made to be read from a projector. */
#include "viz_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- head ---------------------------------------------------------------- */

/* The page's own colours are --ink, --paper, --bar and --soft; the highlight
 * colours (--mg-*, from the theme's palette) come before this, and the
 * legend's swatches carry the classes the nodes do ("current", "changed"). */
static const char page_style[] =
    "*{box-sizing:border-box}\n"
    "html,body{margin:0;height:100%}\n"
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:var(--ink);"
    "background:var(--paper);display:flex;flex-direction:column;min-height:100vh}\n"
    "header{background:var(--bar);color:#fff;display:flex;align-items:baseline;gap:1.5rem;"
    "padding:.6rem 1.5rem}\n"
    "header h1{font-size:clamp(1.4rem,2.6vw,2.4rem);margin:0;font-weight:700}\n"
    "header .sub{font-size:clamp(1rem,1.6vw,1.5rem);opacity:.85;flex:1}\n"
    "#counter{font-size:clamp(1.2rem,2.2vw,2.1rem);font-weight:700;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "main{flex:1;display:flex;flex-direction:column;padding:.5rem 1.5rem 0}\n"
    ".frame{margin:0;display:flex;flex-direction:column;flex:1}\n"
    ".frame[hidden]{display:none}\n"
    ".picture{flex:1;display:flex;align-items:center;justify-content:center;min-height:0}\n"
    ".picture svg{width:100%;height:auto;max-height:calc(100vh - 19rem)}\n"
    "figcaption{font-size:clamp(1.2rem,2.1vw,2.2rem);line-height:1.45;background:var(--soft);"
    "border-left:.5rem solid var(--accent);padding:.7rem 1.2rem;margin:.6rem 0 0;"
    "font-variant-numeric:tabular-nums}\n"
    "figcaption .head{font-weight:700}\n"
    "figcaption .term{display:block;padding-left:1.5em;font-family:'DejaVu Sans Mono',"
    "Consolas,monospace;font-size:.92em}\n"
    "nav{display:flex;align-items:center;gap:1rem;padding:.8rem 1.5rem 1rem}\n"
    "nav button{font:inherit;font-size:clamp(1.1rem,1.8vw,1.7rem);font-weight:700;"
    "padding:.45rem 1.3rem;border:3px solid var(--bar);border-radius:.5rem;"
    "background:var(--bar);color:#fff;cursor:pointer}\n"
    "nav button:disabled{background:#fff;color:#888;border-color:#bbb;cursor:default}\n"
    "nav button:focus-visible,#slider:focus-visible{outline:4px solid var(--accent);"
    "outline-offset:2px}\n"
    "#slider{flex:1;height:2rem;accent-color:var(--accent)}\n"
    ".legend{display:flex;gap:1.2rem;font-size:clamp(.9rem,1.3vw,1.2rem);white-space:nowrap}\n"
    ".legend i{display:inline-block;width:1.6em;height:1em;vertical-align:-.1em;"
    "margin-right:.35em;border:3px solid;border-radius:.25em}\n"
    ".legend .current{background:var(--mg-current-fill);border-color:var(--mg-current-line);"
    "border-width:var(--mg-current-width)}"
    ".legend .changed{background:var(--mg-changed-fill);border-color:var(--mg-changed-line);"
    "border-width:var(--mg-changed-width);border-style:var(--mg-changed-style)}\n"
    ".keys{font-size:1rem;color:#444;white-space:nowrap}\n"
    /* Zoomed: the picture at its own size, scrolled to the current step. */
    ".zoomed .picture{display:block;overflow:auto;max-height:calc(100vh - 19rem)}\n"
    ".zoomed .picture svg{width:auto;height:auto;max-height:none}\n"
    "#zoom[aria-pressed=true]{background:var(--accent);border-color:var(--accent)}\n"
    "@media print{nav,.keys{display:none}.frame[hidden]{display:flex;break-after:page}}\n";

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
    viz_buf_puts(b, "</style>\n</head>\n<body>\n<header><h1>");
    viz_escape_html(b, title, strlen(title));
    viz_buf_printf(b, "</h1><span class=\"sub\">backpropagation, one step at a time</span>"
                      "<span class=\"legend\"><span><i class=\"current\"></i>this step</span>"
                      "<span><i class=\"changed\"></i>grad just changed</span></span>"
                      "<span id=\"counter\" aria-live=\"polite\">step 1 of %zu</span></header>\n"
                      "<main>\n",
                   nframes);
}

/* ---- frames -------------------------------------------------------------- */

/* If p starts a reference to an id ("id=\"", "url(#", "href=\"#"), appends it
 * with the frame's prefix and returns its length; else 0. */
static size_t put_id_reference(viz_buf *b, size_t frame, const char *p, size_t left, int attr)
{
    static const struct { const char *text; int attr; } refs[] = {
        {"id=\"", 1}, {"url(#", 0}, {"xlink:href=\"#", 0}, {"href=\"#", 1}};
    for (size_t r = 0; r < sizeof refs / sizeof *refs; r++) {
        size_t n = strlen(refs[r].text);
        if ((attr || !refs[r].attr) && left >= n && memcmp(p, refs[r].text, n) == 0) {
            viz_buf_printf(b, "%sf%zu-", refs[r].text, frame);
            return n;
        }
    }
    return 0;
}

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
 * namespace declarations, ids prefixed with the frame so they stay unique
 * across frames, and references to them to match. */
static void put_svg(viz_buf *b, size_t frame, const char *svg, size_t len)
{
    const char *p = svg, *end = svg + len;
    while (p < end && !(end - p >= 4 && memcmp(p, "<svg", 4) == 0))
        p++;
    while (p < end) {
        const char *next = skip_dropped(p, end);
        if (next != p) {
            p = next;
            continue;
        }
        int attr = p > svg && p[-1] == ' '; /* an attribute name starts here */
        size_t n = put_id_reference(b, frame, p, (size_t)(end - p), attr);
        if (n == 0) {
            viz_buf_add(b, p, 1);
            n = 1;
        }
        p += n;
    }
}

/* The caption, laid out for reading from afar: the headline in bold ("d = e
 * + c:"), then each "x.grad += ..." on its own line. */
static void put_caption(viz_buf *b, const char *caption)
{
    viz_caption c;
    viz_caption_split(caption, &c);
    viz_buf_puts(b, "<figcaption>");
    if (c.head_len) {
        viz_buf_puts(b, "<span class=\"head\">");
        viz_escape_html(b, c.head, c.head_len);
        viz_buf_puts(b, "</span>");
    }
    viz_escape_html(b, c.intro, c.intro_len);
    for (const char *p = c.terms; p;) {
        const char *semi = strstr(p, "; ");
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        viz_buf_puts(b, "<span class=\"term\">");
        viz_escape_html(b, p, n);
        viz_buf_puts(b, "</span>");
        p = semi ? semi + 2 : NULL;
    }
    viz_buf_puts(b, "</figcaption>\n");
}

/* Frame i (0-based) as step i + 1; only the first is shown at first. */
static void put_frame(viz_buf *b, size_t i, const char *svg, size_t len, const char *caption)
{
    viz_buf_printf(b, "<figure class=\"frame\" id=\"step-%zu\"%s>\n<div class=\"picture\">\n",
                   i + 1, i == 0 ? "" : " hidden");
    put_svg(b, i, svg, len);
    viz_buf_puts(b, "</div>\n");
    put_caption(b, caption);
    viz_buf_puts(b, "</figure>\n");
}

/* ---- controls ------------------------------------------------------------ */

static const char page_script[] =
    "<script>\n"
    "(function () {\n"
    "  var frames = document.querySelectorAll('.frame'), n = frames.length, at = 0;\n"
    "  var counter = document.getElementById('counter');\n"
    "  var slider = document.getElementById('slider');\n"
    "  var prev = document.getElementById('prev'), next = document.getElementById('next');\n"
    /* One caption area for every frame, as tall as the tallest caption, so
     * that the graph does not move by a pixel from step to step. */
    "  function captionArea() {\n"
    "    var caps = document.querySelectorAll('.frame figcaption'), h = 0, k;\n"
    "    for (k = 0; k < n; k++) caps[k].style.minHeight = '';\n"
    "    for (k = 0; k < n; k++) {\n"
    "      var hid = frames[k].hidden;\n"
    "      frames[k].hidden = false;\n"
    "      h = Math.max(h, caps[k].getBoundingClientRect().height);\n"
    "      frames[k].hidden = hid;\n"
    "    }\n"
    "    for (k = 0; k < n; k++) caps[k].style.minHeight = h + 'px';\n"
    "  }\n"
    "  function show(i) {\n"
    "    i = Math.max(0, Math.min(n - 1, i));\n"
    "    frames[at].hidden = true;\n"
    "    frames[i].hidden = false;\n"
    "    at = i;\n"
    "    counter.textContent = 'step ' + (i + 1) + ' of ' + n;\n"
    "    slider.value = String(i);\n"
    "    prev.disabled = i === 0;\n"
    "    next.disabled = i === n - 1;\n"
    "    try { history.replaceState(null, '', '#step-' + (i + 1)); } catch (e) {}\n"
    "    focus();\n"
    "  }\n"
    "  function focus() {\n"
    "    var c = frames[at].querySelector('g.current');\n"
    "    if (c && document.body.classList.contains('zoomed'))\n"
    "      c.scrollIntoView({block: 'center', inline: 'center'});\n"
    "  }\n"
    "  function zoom() {\n"
    "    var on = document.body.classList.toggle('zoomed');\n"
    "    zoomButton.setAttribute('aria-pressed', String(on));\n"
    "    focus();\n"
    "  }\n"
    "  var zoomButton = document.getElementById('zoom');\n"
    "  zoomButton.addEventListener('click', zoom);\n"
    "  prev.addEventListener('click', function () { show(at - 1); });\n"
    "  next.addEventListener('click', function () { show(at + 1); });\n"
    "  slider.addEventListener('input', function () { show(Number(slider.value)); });\n"
    "  document.addEventListener('keydown', function (e) {\n"
    "    if (e.altKey || e.ctrlKey || e.metaKey) return;\n"
    "    if (e.key === 'z' || e.key === 'Z') { e.preventDefault(); zoom(); return; }\n"
    "    var to = {ArrowRight: at + 1, ArrowDown: at + 1, PageDown: at + 1, ' ': at + 1,\n"
    "              ArrowLeft: at - 1, ArrowUp: at - 1, PageUp: at - 1, Home: 0, End: n - 1}[e.key];\n"
    "    if (to === undefined) return;\n"
    "    e.preventDefault();\n"
    "    show(to);\n"
    "  });\n"
    "  captionArea();\n"
    "  window.addEventListener('resize', captionArea);\n"
    "  var m = /^#step-(\\d+)$/.exec(location.hash);\n"
    "  show(m ? Number(m[1]) - 1 : 0);\n"
    "})();\n"
    "</script>\n";

static void page_end(viz_buf *b, size_t nframes)
{
    viz_buf_printf(b,
                   "</main>\n<nav>\n<button id=\"prev\" type=\"button\" disabled>← Previous</button>\n"
                   "<input id=\"slider\" type=\"range\" min=\"0\" max=\"%zu\" value=\"0\" "
                   "aria-label=\"step\">\n"
                   "<button id=\"next\" type=\"button\"%s>Next →</button>\n"
                   "<button id=\"zoom\" type=\"button\" aria-pressed=\"false\">Zoom</button>\n"
                   "<span class=\"keys\">keys: ← → Home End Z</span>\n</nav>\n",
                   nframes - 1, nframes > 1 ? "" : " disabled");
    viz_buf_puts(b, page_script);
    viz_buf_puts(b, "</body>\n</html>\n");
}

/* ---- the page ------------------------------------------------------------ */

/* Every frame of the scene's lesson, with its caption. */
static mg_status put_frames(viz_buf *b, mg_viz_scene *scene, const mg_lesson *lesson,
                            mg_error *err)
{
    for (size_t i = 0; i < mg_lesson_frame_count(lesson); i++) {
        char *svg;
        size_t len;
        mg_status status = mg_viz_scene_render(scene, i, "svg", &svg, &len, err);
        if (status != MG_OK)
            return status;
        put_frame(b, i, svg, len, mg_lesson_caption(lesson, i));
        mg_viz_free_output(svg);
    }
    return MG_OK;
}

mg_status mg_viz_lesson_page(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                             const char *title, char **out, size_t *len, mg_error *err)
{
    mg_error_clear(err);
    mg_status status = viz_check_output(viz && lesson, "svg", out, len, err);
    if (status != MG_OK)
        return status;
    size_t at = mg_lesson_at(lesson);
    mg_viz_scene *scene;
    status = mg_viz_scene_new(viz, lesson, o, &scene, err);
    if (status != MG_OK)
        return status;
    char name[128];
    if (!title)
        title = mg_lesson_value_name(mg_lesson_graph(lesson), mg_lesson_root(lesson), name,
                                     sizeof name);
    size_t nframes = mg_lesson_frame_count(lesson);
    viz_buf page = {0};
    page_begin(&page, title, nframes, o ? o->theme : MG_VIZ_THEME_LIGHT);
    status = put_frames(&page, scene, lesson, err);
    page_end(&page, nframes);
    mg_viz_scene_free(scene);
    mg_lesson_goto(lesson, at);
    if (status == MG_OK && page.failed)
        status = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for the page");
    if (status != MG_OK) {
        viz_buf_free(&page);
        return status;
    }
    *out = page.s;
    *len = page.len;
    return MG_OK;
}
