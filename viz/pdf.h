/* PDF output of the viz module, with no Graphviz in it (viz/pdf.c): every PDF
 * the project writes (pictures, plots, handouts) is made on a surface from
 * viz_pdf_surface, so every one is byte-identical run to run. */
#ifndef MICROGRAD_VIZ_PDF_H
#define MICROGRAD_VIZ_PDF_H

#include <cairo.h>

/* The date every PDF carries, ISO 8601 ("1970-01-01T00:00:00Z"): the time
 * SOURCE_DATE_EPOCH gives (seconds since 1970, as reproducible builds set
 * it), else the epoch itself; a SOURCE_DATE_EPOCH that is not a whole number
 * from 0 to 253402300799 (the end of year 9999) is ignored. buf holds at least
 * 21 bytes; returns buf. */
char *viz_pdf_date(char buf[32]);

/* A PDF surface of width x height points writing through write(closure, ...)
 * (as cairo_pdf_surface_create_for_stream), its creation date viz_pdf_date.
 * Never NULL; on failure the surface is in error (cairo_surface_status), as
 * cairo's own constructors are. Destroy with cairo_surface_destroy. */
cairo_surface_t *viz_pdf_surface(cairo_write_func_t write, void *closure, double width,
                                 double height);

#endif
