/* The one number formatter (see micrograd/format.h). */
#include <micrograd/format.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Python's repr ------------------------------------------------------- */

/* The n significant digits of "%.*e" text (no dot) into digits; returns the
 * decimal exponent of the first one. */
static int split_scientific(const char *sci, char *digits)
{
    size_t n = 0;
    for (const char *p = sci; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    digits[n] = '\0';
    return atoi(strchr(sci, 'e') + 1);
}

/* 1 if 0.DIGITS x 10^(exponent + 1) reads back to x. */
static int reads_back(const char *digits, int exponent, double x)
{
    char text[48];
    snprintf(text, sizeof text, "0.%se%d", digits, exponent + 1);
    return strtod(text, NULL) == x;
}

/* Adds one unit in the last digit, carrying; all nines become 1 and zeros
 * with the exponent one up. */
static void next_up(char *digits, int *exponent)
{
    size_t i = strlen(digits);
    while (i-- > 0) {
        if (digits[i] != '9') {
            digits[i]++;
            return;
        }
        digits[i] = '0';
    }
    digits[0] = '1';
    ++*exponent;
}

/* The fewest significant digits that read back to x >= 0, and the decimal
 * exponent of the first. Usually the nearest n-digit decimal; but at a power
 * of two the doubles below are twice as close as those above, and the next
 * n-digit decimal up can read back where the nearest does not (2^-44 is
 * 5.684341886080802e-14, whose nearest 16 digits ...801e-14 read as the double
 * below). Python's repr finds those; so does this. */
static int shortest_digits(double x, char *digits)
{
    char sci[40];
    int exponent = 0;
    for (int n = 1; n <= 17; n++) {
        snprintf(sci, sizeof sci, "%.*e", n - 1, x);
        exponent = split_scientific(sci, digits);
        if (n == 17 || reads_back(digits, exponent, x))
            break;
        int up_exponent = exponent;
        char up[24];
        memcpy(up, digits, strlen(digits) + 1);
        next_up(up, &up_exponent);
        if (reads_back(up, up_exponent, x)) {
            memcpy(digits, up, strlen(up) + 1);
            exponent = up_exponent;
            break;
        }
    }
    size_t n = strlen(digits); /* 1.20 from a carry is 1.2 */
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    return exponent;
}

char *mg_format_repr(char *buf, size_t size, double x)
{
    if (isnan(x)) {
        snprintf(buf, size, "nan");
        return buf;
    }
    if (isinf(x)) {
        snprintf(buf, size, x > 0 ? "inf" : "-inf");
        return buf;
    }
    /* Fewest significant digits that read back to x, then Python's repr
     * layout: positional for exponents -4..15, scientific otherwise. */
    char digits[24];
    int exponent = shortest_digits(fabs(x), digits);
    static const char zeros[] = "0000000000000000"; /* up to 15 are needed */
    const char *sign = signbit(x) ? "-" : "";
    int n = (int)strlen(digits);
    if (exponent < -4 || exponent >= 16)
        snprintf(buf, size, "%s%c%s%.*se%c%02d", sign, digits[0], n > 1 ? "." : "", n - 1,
                 digits + 1, exponent < 0 ? '-' : '+', abs(exponent));
    else if (exponent < 0)
        snprintf(buf, size, "%s0.%.*s%s", sign, -exponent - 1, zeros, digits);
    else if (n <= exponent + 1)
        snprintf(buf, size, "%s%s%.*s.0", sign, digits, exponent + 1 - n, zeros);
    else
        snprintf(buf, size, "%s%.*s.%s", sign, exponent + 1, digits, digits + exponent + 1);
    return buf;
}

char *mg_format_short(char *buf, size_t size, double x)
{
    mg_format_repr(buf, size, x);
    size_t n = strlen(buf);
    if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
        buf[n - 2] = '\0';
    return buf;
}

/* ---- fixed precision ----------------------------------------------------- */

/* 1 if text has no digit but zeros: "0.0000", "-0.0000". */
static int all_zeros(const char *text)
{
    for (; *text; text++)
        if (*text >= '1' && *text <= '9')
            return 0;
    return 1;
}

char *mg_format_fixed(char *buf, size_t size, double x, int precision)
{
    if (precision < 0)
        precision = 0;
    if (precision > MG_PRECISION_MAX)
        precision = MG_PRECISION_MAX;
    if (isnan(x))
        snprintf(buf, size, "nan"); /* printf may say "-nan" */
    else if (isinf(x))
        snprintf(buf, size, x > 0 ? "inf" : "-inf");
    else if (fabs(x) >= 1e15) /* a huge value must not make a huge box */
        snprintf(buf, size, "%.*e", precision, x);
    else {
        if (x == 0)
            x = 0; /* -0.0 shows as 0.0000, as a value it equals zero */
        char text[MG_NUMBER_SIZE]; /* whole, so a short buf cannot fool the test */
        snprintf(text, sizeof text, "%.*f", precision, x);
        /* A value that is not zero must not look like zero (nor like -0):
         * 3.2e-07 at 4 digits is "3.2e-07", not "0.0000". */
        if (x != 0 && all_zeros(text))
            snprintf(text, sizeof text, "%.*e", precision > 4 ? precision - 3 : 1, x);
        snprintf(buf, size, "%s", text);
    }
    return buf;
}
