/* The one number formatter: every number the library and its front-ends print
 * (text, JSON, tooltips, captions, op labels) comes from these two functions.
 *
 *     char buf[MG_NUMBER_SIZE];
 *     mg_format_repr(buf, sizeof buf, 0.1 + 0.7);     // "0.7999999999999999"
 *     mg_format_fixed(buf, sizeof buf, -8.0, 4);      // "-8.0000"
 *
 * Both use the C locale's decimal point; a program that calls setlocale() with
 * another LC_NUMERIC gets that locale's point instead.
 */
#ifndef MICROGRAD_FORMAT_H
#define MICROGRAD_FORMAT_H

#include <stddef.h>

#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most digits after the point anything shows: 17 significant digits tell
 * every double apart. */
#define MG_PRECISION_MAX 17
/* Digits after the point in pictures and captions unless told otherwise. */
#define MG_PRECISION_DEFAULT 4
/* A buffer this size holds any text of mg_format_repr or mg_format_fixed. */
#define MG_NUMBER_SIZE 64

/* Python's repr(float): the shortest text that reads back to x, positional for
 * decimal exponents -4..15 and scientific otherwise: "2.0", "0.1", "1e-05",
 * "-1.4999999999999993", "1e+16", "nan", "inf", "-inf". Writes at most size
 * bytes with a NUL (size >= 32 holds every text) and returns buf. */
MG_API char *mg_format_repr(char *buf, size_t size, double x);

/* A number as an expression writes it: mg_format_repr without a trailing ".0"
 * ("2", "-1", "0.5", "1e-05", "1e+16"), for exponents and constants in op
 * labels and captions. Returns buf. */
MG_API char *mg_format_short(char *buf, size_t size, double x);

/* A number as pictures and captions show it: precision digits after the point
 * (clamped to 0..MG_PRECISION_MAX), scientific past 1e15 so a huge value
 * cannot make a huge box, "nan", "inf", "-inf". Never "-0.0000": -0.0 is
 * "0.0000", and a value that is not zero but would round to all zeros is
 * scientific ("3.2e-07", "-5.0e-05"; precision - 3 digits after the point when
 * precision > 4), so a reader can tell it from zero. Returns buf. */
MG_API char *mg_format_fixed(char *buf, size_t size, double x, int precision);

#ifdef __cplusplus
}
#endif

#endif
