/* PNG files of every picture (Graphviz's and the plots'): their resolution
 * recorded in a pHYs chunk. */
#ifndef MICROGRAD_VIZ_PNG_H
#define MICROGRAD_VIZ_PNG_H

#include <stddef.h>

/* The pixels per metre a PNG's pHYs chunk records for dpi dots per inch. */
unsigned long viz_png_ppm(double dpi);

/* A copy of the PNG png[0..len) with a pHYs chunk recording dpi (both axes)
 * right after its IHDR, replacing any pHYs it had; one NUL byte follows the
 * copy's *out_len bytes. Returns the copy (free() it), or NULL when memory
 * is short or png is not a PNG that starts with an IHDR. */
unsigned char *viz_png_with_dpi(const unsigned char *png, size_t len, double dpi,
                                size_t *out_len);

#endif
