/* Text plumbing of the viz module with no Graphviz in it: a growable buffer
 * and invalid UTF-8 shown as Latin-1 (viz/text.c). Shared by the Graphviz
 * pictures and the cairo plots. */
#ifndef MICROGRAD_VIZ_TEXT_H
#define MICROGRAD_VIZ_TEXT_H

#include <stddef.h>

/* A growable NUL-terminated string; on allocation failure `failed` is set and
 * later appends do nothing, so builders check once at the end. */
typedef struct viz_buf {
    char *s;
    size_t len, cap;
    int failed;
} viz_buf;

void viz_buf_add(viz_buf *b, const char *bytes, size_t n);
void viz_buf_puts(viz_buf *b, const char *s);
void viz_buf_printf(viz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void viz_buf_free(viz_buf *b);

/* Appends byte c (not part of valid UTF-8) as the Latin-1 character it would
 * be, in UTF-8: invalid text shows as Latin-1 and every output stays valid. */
void viz_utf8_latin1(viz_buf *b, unsigned char c);
/* Appends bytes with every byte that is not part of valid UTF-8 as Latin-1. */
void viz_utf8_clean(viz_buf *b, const char *bytes, size_t len);

/* A lesson caption cut where pages lay it out: the headline ("L = d * f:",
 * up to its first ": "), the explanation that follows (up to the ": " before
 * the first "x.grad += ..."), then the terms, separated by "; " (terms NULL
 * when there are none). Pointers into the caption. */
typedef struct viz_caption {
    const char *head, *intro, *terms;
    size_t head_len, intro_len;
} viz_caption;

void viz_caption_split(const char *caption, viz_caption *out);

#endif
