/* The self-contained lesson page (see steps_page.h): HTML, CSS and script
 * written inline, every frame's SVG embedded, made to be read from a projector. */
#include "steps_page.h"

#include <string.h>

/* ---- text ---------------------------------------------------------------- */

static void put_escaped(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(s[i], out); break;
        }
    }
}

void steps_page_title(char *buf, size_t size, const char *path)
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

/* ---- head ---------------------------------------------------------------- */

static const char page_style[] =
    "<style>\n"
    ":root{--ink:#111;--paper:#fff;--bar:#14213d;--accent:#c2410c;--soft:#f3f4f6}\n"
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
    /* The highlight colours of the viz module's light theme. */
    ".legend{display:flex;gap:1.2rem;font-size:clamp(.9rem,1.3vw,1.2rem);white-space:nowrap}\n"
    ".legend i{display:inline-block;width:1.6em;height:1em;vertical-align:-.1em;"
    "margin-right:.35em;border:3px solid #c2410c;border-radius:.25em}\n"
    ".legend .current{background:#fff3a3}.legend .changed{background:#ffe0cc;border-width:2px}\n"
    ".keys{font-size:1rem;color:#444;white-space:nowrap}\n"
    /* Zoomed: the picture at its own size, scrolled to the current step. */
    ".zoomed .picture{display:block;overflow:auto;max-height:calc(100vh - 19rem)}\n"
    ".zoomed .picture svg{width:auto;height:auto;max-height:none}\n"
    "#zoom[aria-pressed=true]{background:var(--accent);border-color:var(--accent)}\n"
    "@media print{nav,.keys{display:none}.frame[hidden]{display:flex;break-after:page}}\n"
    "</style>\n";

void steps_page_begin(FILE *out, const char *title, size_t nframes)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          out);
    put_escaped(out, title, strlen(title));
    fputs(" · backpropagation, step by step</title>\n", out);
    fputs(page_style, out);
    fputs("</head>\n<body>\n<header><h1>", out);
    put_escaped(out, title, strlen(title));
    fprintf(out, "</h1><span class=\"sub\">backpropagation, one step at a time</span>"
                 "<span class=\"legend\"><span><i class=\"current\"></i>this step</span>"
                 "<span><i class=\"changed\"></i>grad just changed</span></span>"
                 "<span id=\"counter\" aria-live=\"polite\">step 1 of %zu</span></header>\n"
                 "<main>\n",
            nframes);
}

/* ---- frames -------------------------------------------------------------- */

/* Copies Graphviz's SVG for inline use: from "<svg" on, without comments and
 * namespace declarations (HTML needs neither), ids prefixed with the frame so
 * they stay unique across frames, and references to them to match. */
static void put_svg(FILE *out, size_t frame, const char *svg, size_t len)
{
    const char *p = svg, *end = svg + len;
    while (p < end && !(end - p >= 4 && memcmp(p, "<svg", 4) == 0))
        p++;
    static const char *const drop[] = {" xmlns=\"", " xmlns:xlink=\""};
    while (p < end) {
        size_t left = (size_t)(end - p);
        if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *close = p + 4;
            while (close + 3 <= end && memcmp(close, "-->", 3) != 0)
                close++;
            p = close + 3 <= end ? close + 3 : end;
            while (p < end && *p == '\n')
                p++;
            continue;
        }
        int dropped = 0;
        for (size_t d = 0; d < 2 && !dropped; d++) {
            size_t n = strlen(drop[d]);
            if (left >= n && memcmp(p, drop[d], n) == 0) {
                const char *q = memchr(p + n, '"', (size_t)(end - p - (ptrdiff_t)n));
                p = q ? q + 1 : end;
                dropped = 1;
            }
        }
        if (dropped)
            continue;
        int attr = p > svg && p[-1] == ' '; /* an attribute name starts here */
        if (attr && left >= 4 && memcmp(p, "id=\"", 4) == 0) {
            fprintf(out, "id=\"f%zu-", frame);
            p += 4;
        } else if (left >= 5 && memcmp(p, "url(#", 5) == 0) {
            fprintf(out, "url(#f%zu-", frame);
            p += 5;
        } else if (left >= 13 && memcmp(p, "xlink:href=\"#", 13) == 0) {
            fprintf(out, "xlink:href=\"#f%zu-", frame);
            p += 13;
        } else if (attr && left >= 7 && memcmp(p, "href=\"#", 7) == 0) {
            fprintf(out, "href=\"#f%zu-", frame);
            p += 7;
        } else {
            fputc(*p++, out);
        }
    }
}

/* The caption, laid out for reading from afar: the headline in bold ("d = e
 * + c:"), then each "x.grad += ..." on its own line. */
static void put_caption(FILE *out, const char *caption)
{
    const char *terms = strstr(caption, ".grad += ");
    const char *head_end = strstr(caption, ": ");
    const char *intro_end = NULL; /* the ": " just before the first term */
    for (const char *q = caption; terms && (q = strstr(q, ": ")) && q < terms; q += 2)
        intro_end = q;
    fputs("<figcaption>", out);
    if (head_end) {
        fputs("<span class=\"head\">", out);
        put_escaped(out, caption, (size_t)(head_end - caption) + 1);
        fputs("</span>", out);
        caption = head_end + 1;
    }
    if (!intro_end || intro_end < caption) {
        put_escaped(out, caption, strlen(caption));
        fputs("</figcaption>\n", out);
        return;
    }
    put_escaped(out, caption, (size_t)(intro_end - caption) + 1);
    const char *p = intro_end + 2;
    for (;;) {
        const char *semi = strstr(p, "; ");
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        fputs("<span class=\"term\">", out);
        put_escaped(out, p, n);
        fputs("</span>", out);
        if (!semi)
            break;
        p = semi + 2;
    }
    fputs("</figcaption>\n", out);
}

void steps_page_frame(FILE *out, size_t i, const char *svg, size_t len, const char *caption)
{
    fprintf(out, "<figure class=\"frame\" id=\"step-%zu\"%s>\n<div class=\"picture\">\n", i + 1,
            i == 0 ? "" : " hidden");
    put_svg(out, i, svg, len);
    fputs("</div>\n", out);
    put_caption(out, caption);
    fputs("</figure>\n", out);
}

/* ---- controls ------------------------------------------------------------ */

static const char page_script[] =
    "<script>\n"
    "(function () {\n"
    "  var frames = document.querySelectorAll('.frame'), n = frames.length, at = 0;\n"
    "  var counter = document.getElementById('counter');\n"
    "  var slider = document.getElementById('slider');\n"
    "  var prev = document.getElementById('prev'), next = document.getElementById('next');\n"
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
    "  var m = /^#step-(\\d+)$/.exec(location.hash);\n"
    "  show(m ? Number(m[1]) - 1 : 0);\n"
    "})();\n"
    "</script>\n";

void steps_page_end(FILE *out, size_t nframes)
{
    fprintf(out,
            "</main>\n<nav>\n<button id=\"prev\" type=\"button\" disabled>← Previous</button>\n"
            "<input id=\"slider\" type=\"range\" min=\"0\" max=\"%zu\" value=\"0\" "
            "aria-label=\"step\">\n"
            "<button id=\"next\" type=\"button\"%s>Next →</button>\n"
            "<button id=\"zoom\" type=\"button\" aria-pressed=\"false\">Zoom</button>\n"
            "<span class=\"keys\">keys: ← → Home End Z</span>\n</nav>\n",
            nframes - 1, nframes > 1 ? "" : " disabled");
    fputs(page_script, out);
    fputs("</body>\n</html>\n", out);
}
