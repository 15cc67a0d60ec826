/* The error model's helpers: the status table, mg_error_set and
 * mg_error_clear. */
#include <micrograd/error.h>

#include <string.h>

#include "test_common.h"

static void statuses_have_sentences(void **state)
{
    (void)state;
    assert_string_equal(mg_status_str(MG_OK), "success");
    assert_string_equal(mg_status_str(MG_ERR_NOMEM), "out of memory");
    assert_string_equal(mg_status_str(MG_ERR_RENDER), "rendering failed");
    assert_string_equal(mg_status_str(MG_ERR_UNREADABLE),
                        "picture too large to read at any size allowed");
    assert_int_equal(MG_STATUS_COUNT, 9);
    assert_string_equal(mg_status_str(MG_STATUS_COUNT), "unknown status");
    assert_string_equal(mg_status_str((mg_status)-1), "unknown status");
}

static void set_fills_and_returns_the_status(void **state)
{
    (void)state;
    mg_error e;
    assert_int_equal(mg_error_set(&e, MG_ERR_SYNTAX, 3, 14, "expected %s, found '%c'", "a name", '+'),
                     MG_ERR_SYNTAX);
    assert_int_equal(e.status, MG_ERR_SYNTAX);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 14);
    assert_string_equal(e.message, "expected a name, found '+'");
    /* no format: the status's sentence */
    assert_int_equal(mg_error_set(&e, MG_ERR_LIMIT, 0, 0, NULL), MG_ERR_LIMIT);
    assert_string_equal(e.message, "size limit exceeded");
    /* MG_OK clears, NULL only returns */
    assert_int_equal(mg_error_set(&e, MG_OK, 1, 1, "ignored"), MG_OK);
    assert_int_equal(e.status, MG_OK);
    assert_int_equal(e.line, 0);
    assert_string_equal(e.message, "");
    assert_int_equal(mg_error_set(NULL, MG_ERR_NOMEM, 0, 0, "x"), MG_ERR_NOMEM);
    /* the old message may be an argument of the new one */
    mg_error_set(&e, MG_ERR_SYNTAX, 1, 5, "unexpected ')'");
    mg_error_set(&e, e.status, e.line, e.col, "in L.mg: %s (%d)", e.message, e.col);
    assert_string_equal(e.message, "in L.mg: unexpected ')' (5)");
    mg_error_set(&e, MG_ERR_NAME, 2, 2, "x");
    mg_error_clear(&e);
    assert_int_equal(e.status, MG_OK);
    assert_int_equal(e.col, 0);
    assert_string_equal(e.message, "");
    mg_error_clear(NULL);
}

/* A long message is cut to 255 bytes, never inside a UTF-8 character. */
static void long_messages_end_on_a_whole_character(void **state)
{
    (void)state;
    mg_error e;
    char text[600];
    for (size_t cut = 0; cut < 4; cut++) {
        /* 253 - cut ASCII bytes, then 'é' (2 bytes) and '€' (3 bytes) repeated */
        memset(text, 'a', 253 - cut);
        text[253 - cut] = '\0';
        for (int i = 0; i < 40; i++)
            strcat(text, "é€");
        mg_error_set(&e, MG_ERR_INVALID, 0, 0, "%s", text);
        size_t n = strlen(e.message);
        assert_true(n <= 255 && n >= 252);
        /* the end is a whole character: what follows the last lead byte is complete */
        size_t i = n;
        while (i > 0 && ((unsigned char)e.message[i - 1] & 0xC0) == 0x80)
            i--;
        unsigned char lead = i ? (unsigned char)e.message[i - 1] : 0;
        size_t want = lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        assert_int_equal(n - (i - 1), want);
        assert_memory_equal(e.message, text, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(statuses_have_sentences),
        cmocka_unit_test(set_fills_and_returns_the_status),
        cmocka_unit_test(long_messages_end_on_a_whole_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
