/* Shared helpers of the cmocka tests. cmocka 1.1.5 has no assert_double_equal,
 * and assert_float_equal casts to float: compare doubles here. */
#ifndef MICROGRAD_TEST_COMMON_H
#define MICROGRAD_TEST_COMMON_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <micrograd/check.h>

/* The gradient check's comparison (mg_check_close: |a - b| <= tol * max(1,
 * |a|, |b|), an infinity equal only to itself), except that here NaN equals
 * NaN. */
static inline int close_enough(double a, double b, double tol)
{
    return (isnan(a) && isnan(b)) || mg_check_close(a, b, tol);
}

#define assert_close(a, b, tol)                                                       \
    do {                                                                              \
        double a_ = (a), b_ = (b);                                                    \
        if (!close_enough(a_, b_, (tol)))                                             \
            fail_msg("%s = %.17g, want %s = %.17g (tol %g)", #a, a_, #b, b_, (double)(tol)); \
    } while (0)

/* Bit-for-bit equality of doubles (NaN equals NaN). */
#define assert_same_double(a, b)                                                      \
    do {                                                                              \
        double a_ = (a), b_ = (b);                                                    \
        if (!(a_ == b_ || (isnan(a_) && isnan(b_))) || signbit(a_) != signbit(b_))    \
            fail_msg("%s = %.17g, want exactly %s = %.17g", #a, a_, #b, b_);          \
    } while (0)

#endif
