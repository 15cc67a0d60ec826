/* The one number formatter (micrograd/format.h): Python's repr, the fixed
 * precision of pictures and captions, and the short form of expressions. */
#include "test_common.h"

#include <stdlib.h>
#include <string.h>

#include <micrograd/format.h>

static const char *repr(double x)
{
    static char buf[MG_NUMBER_SIZE];
    return mg_format_repr(buf, sizeof buf, x);
}

static void repr_is_pythons(void **state)
{
    (void)state;
    /* each text is what Python 3's repr(float) prints */
    assert_string_equal(repr(2.0), "2.0");
    assert_string_equal(repr(10.0), "10.0");
    assert_string_equal(repr(0.1), "0.1");
    assert_string_equal(repr(0.1 + 0.7), "0.7999999999999999");
    assert_string_equal(repr(-1.4999999999999993), "-1.4999999999999993");
    assert_string_equal(repr(ldexp(1.0, -44)), "5.684341886080802e-14");
    assert_string_equal(repr(1e-5), "1e-05");
    assert_string_equal(repr(0.0001), "0.0001");
    assert_string_equal(repr(1e16), "1e+16");
    assert_string_equal(repr(1234567890123456.0), "1234567890123456.0");
    assert_string_equal(repr(-0.0), "-0.0");
    assert_string_equal(repr(5e-324), "5e-324");
    assert_string_equal(repr(1.7976931348623157e308), "1.7976931348623157e+308");
    assert_string_equal(repr((double)NAN), "nan");
    assert_string_equal(repr(-(double)NAN), "nan");
    assert_string_equal(repr((double)INFINITY), "inf");
    assert_string_equal(repr(-(double)INFINITY), "-inf");
}

static void repr_reads_back(void **state)
{
    (void)state;
    double x = 1.0;
    for (int i = 0; i < 2000; i++) {
        x = x * -1.37 + 0.001 * i;
        if (!isfinite(x))
            x = 3.0 / (i + 1);
        assert_true(strtod(repr(x), NULL) == x);
    }
}

static void fixed_is_the_pictures(void **state)
{
    (void)state;
    char buf[MG_NUMBER_SIZE];
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -8.0, 4), "-8.0000");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 0.70710678, 4), "0.7071");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 2.5, 0), "2");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 1e15, 2), "1.00e+15");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -3e20, 1), "-3.0e+20");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, (double)NAN, 4), "nan");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -(double)NAN, 4), "nan");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -(double)INFINITY, 4), "-inf");
    /* the precision is clamped to 0..MG_PRECISION_MAX */
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 0.1, 99), "0.10000000000000001");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 0.1, -3), "1.0e-01");
    /* never -0.0000; a value that is not zero never looks like zero */
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -0.0, 4), "0.0000");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 0.0, 4), "0.0000");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -3.2e-7, 4), "-3.2e-07");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 4.9e-5, 4), "4.9e-05");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -4.9e-5, 4), "-4.9e-05");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 1.234567e-9, 6), "1.235e-09");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 0.3, 0), "3.0e-01");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, -0.00006, 4), "-0.0001");
    assert_string_equal(mg_format_fixed(buf, sizeof buf, 1e-300, MG_PRECISION_MAX),
                        "1.00000000000000e-300");
    /* a huge number in the largest precision still fits the buffer */
    mg_format_fixed(buf, sizeof buf, -1.7976931348623157e308, MG_PRECISION_MAX);
    assert_true(strlen(buf) < MG_NUMBER_SIZE);
    mg_format_fixed(buf, sizeof buf, -999999999999999.9, MG_PRECISION_MAX);
    assert_true(strlen(buf) < MG_NUMBER_SIZE);
}

static void short_is_as_written(void **state)
{
    (void)state;
    char buf[MG_NUMBER_SIZE];
    assert_string_equal(mg_format_short(buf, sizeof buf, 2.0), "2");
    assert_string_equal(mg_format_short(buf, sizeof buf, -1.0), "-1");
    assert_string_equal(mg_format_short(buf, sizeof buf, 0.5), "0.5");
    assert_string_equal(mg_format_short(buf, sizeof buf, 1e-5), "1e-05");
    assert_string_equal(mg_format_short(buf, sizeof buf, 1e16), "1e+16");
    assert_string_equal(mg_format_short(buf, sizeof buf, 0.1 + 0.7), "0.7999999999999999");
    assert_string_equal(mg_format_short(buf, sizeof buf, -0.0), "-0");
}

static void small_buffers_are_cut_not_overrun(void **state)
{
    (void)state;
    char buf[4];
    mg_format_repr(buf, sizeof buf, 0.1 + 0.7);
    assert_string_equal(buf, "0.7");
    mg_format_fixed(buf, sizeof buf, -8.0, 4);
    assert_string_equal(buf, "-8.");
    mg_format_fixed(buf, sizeof buf, 0.0001, 4); /* "0.0001" cut, not taken for zero */
    assert_string_equal(buf, "0.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repr_is_pythons),
        cmocka_unit_test(repr_reads_back),
        cmocka_unit_test(fixed_is_the_pictures),
        cmocka_unit_test(short_is_as_written),
        cmocka_unit_test(small_buffers_are_cut_not_overrun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
