/* Text for the picture and the page: a growable buffer, label escaping
 * (record and plain labels, per GRAPHVIZ.md; HTML text). No Graphviz calls. */
#include "viz_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffer --------------------------------------------------------------- */

static int buf_reserve(viz_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < need)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->failed = 1;
        return 0;
    }
    b->s = s;
    b->cap = cap;
    return 1;
}

void viz_buf_add(viz_buf *b, const char *bytes, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->s + b->len, bytes, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void viz_buf_puts(viz_buf *b, const char *s)
{
    viz_buf_add(b, s, strlen(s));
}

void viz_buf_printf(viz_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        viz_buf_add(b, small, (size_t)n);
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void viz_buf_free(viz_buf *b)
{
    free(b->s);
    *b = (viz_buf){0};
}

/* ---- escaping --------------------------------------------------------------- */

/* How many bytes of the label to show: all, or VIZ_LABEL_MAX cut back to the
 * start of a UTF-8 sequence so no character is split. */
static size_t shown_length(const char *bytes, size_t len, int *cut)
{
    *cut = len > VIZ_LABEL_MAX;
    if (!*cut)
        return len;
    size_t n = VIZ_LABEL_MAX;
    while (n > 0 && ((unsigned char)bytes[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Tabs and line breaks read as a space; other control bytes are dropped. */
static unsigned char whitespace(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r' ? ' ' : c;
}

void viz_utf8_latin1(viz_buf *b, unsigned char c)
{
    char two[2] = {(char)(0xC0 | c >> 6), (char)(0x80 | (c & 0x3F))};
    viz_buf_add(b, two, 2);
}

void viz_utf8_clean(viz_buf *b, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t k = mg_utf8_char(bytes + i, len - i);
        if (k)
            viz_buf_add(b, bytes + i, k);
        else
            viz_utf8_latin1(b, (unsigned char)bytes[i]);
        i += k ? k : 1;
    }
}

static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026 */

/* Appends the shown part of bytes, whitespace as a space, control bytes
 * dropped, a backslash before every byte of `special` and, with amp, & as
 * &amp; (Graphviz decodes entities: keep & itself), then an ellipsis if cut. */
static void escape(viz_buf *b, const char *bytes, size_t len, const char *special, int amp)
{
    int cut;
    size_t n = shown_length(bytes, len, &cut);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = whitespace((unsigned char)bytes[i]);
        if (c < 0x20 || c == 0x7F)
            continue;
        size_t k = c < 0x80 ? 1 : mg_utf8_char(bytes + i, n - i);
        if (k > 1) { /* a whole character */
            viz_buf_add(b, bytes + i, k);
            i += k - 1;
        } else if (k == 0) {
            viz_utf8_latin1(b, c);
        } else {
            if (strchr(special, c))
                viz_buf_add(b, "\\", 1);
            if (c == '&' && amp)
                viz_buf_puts(b, "&amp;");
            else
                viz_buf_add(b, (const char *)&c, 1);
        }
    }
    if (cut)
        viz_buf_puts(b, ellipsis);
}

void viz_escape_record(viz_buf *b, const char *bytes, size_t len)
{
    /* Graphviz 2.42's record parser copies a multibyte character that follows
     * a space before a field's text without starting the text, and then drops
     * the space after it ("{ ŷ = x" shows "ŷ= x"). Spaces before a field's
     * text are never shown: so none goes before a multibyte first character. */
    size_t skip = 0;
    while (skip < len && whitespace((unsigned char)bytes[skip]) == ' ')
        skip++;
    if (skip < len && (unsigned char)bytes[skip] >= 0x80) {
        while (b->len && b->s[b->len - 1] == ' ')
            b->len--;
        bytes += skip;
        len -= skip;
    }
    escape(b, bytes, len, "{}|<>\\", 1);
}

void viz_escape_plain(viz_buf *b, const char *bytes, size_t len)
{
    escape(b, bytes, len, "\\", 1); /* else \N, \G, \l are Graphviz escapes */
}

void viz_shown_text(viz_buf *b, const char *bytes, size_t len)
{
    escape(b, bytes, len, "", 0);
}

void viz_escape_html(viz_buf *b, const char *bytes, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *entity = bytes[i] == '&'   ? "&amp;"
                             : bytes[i] == '<' ? "&lt;"
                             : bytes[i] == '>' ? "&gt;"
                             : bytes[i] == '"' ? "&quot;"
                                               : NULL;
        if (entity) {
            viz_buf_add(b, bytes + from, i - from);
            viz_buf_puts(b, entity);
            from = i + 1;
        }
    }
    viz_buf_add(b, bytes + from, len - from);
}

void viz_caption_split(const char *caption, viz_caption *c)
{
    const char *terms = strstr(caption, ".grad += ");
    const char *head_end = strstr(caption, ": ");
    const char *intro_end = NULL; /* the ": " just before the first term */
    for (const char *q = caption; terms && (q = strstr(q, ": ")) && q < terms; q += 2)
        intro_end = q;
    *c = (viz_caption){.head = caption, .intro = caption};
    if (head_end) {
        c->head_len = (size_t)(head_end - caption) + 1;
        c->intro = head_end + 1;
    }
    if (!intro_end || intro_end < c->intro) {
        c->intro_len = strlen(c->intro);
        return;
    }
    c->intro_len = (size_t)(intro_end - c->intro) + 1;
    c->terms = intro_end + 2;
}
