/* The lesson page of `micrograd steps -o lesson.html`: one self-contained HTML
 * file (every frame's SVG, the style and the script inline; nothing fetched). */
#ifndef MICROGRAD_TOOLS_STEPS_PAGE_H
#define MICROGRAD_TOOLS_STEPS_PAGE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the page's head, title bar and the opening of the frame list.
 * title is UTF-8 text (escaped here); nframes is the total, for the counter. */
void steps_page_begin(FILE *out, const char *title, size_t nframes);
/* Writes frame i (0-based): its SVG (as Graphviz renders it; the XML prolog,
 * comments and namespace declarations are dropped and ids made unique per
 * frame) and its caption. Frame 0 is shown first; the others start hidden. */
void steps_page_frame(FILE *out, size_t i, const char *svg, size_t len, const char *caption);
/* Writes the controls, the script and the end of the page. */
void steps_page_end(FILE *out, size_t nframes);

/* The title a page gets from its input path: the file name without folder and
 * without a ".mg" ending; "stdin" for "-". Writes into buf (size > 0). */
void steps_page_title(char *buf, size_t size, const char *path);

#endif
