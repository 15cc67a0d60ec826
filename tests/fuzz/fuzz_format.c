/* libFuzzer target for the CLI's output formatting (tools/cli.c): every 8 bytes
 * of the input as a double through mg_format_repr and cli_json_number (the
 * text must read back to the same double and have Python repr's shape), and
 * the whole input as a name through cli_json_string (the output must be one
 * valid JSON string of valid UTF-8 that decodes back to valid input unchanged). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* -?D+.D+ or -?D(.D+)?e[+-]DD+, as Python's repr of a float. */
static int repr_shaped(const char *s)
{
    if (*s == '-')
        s++;
    if (!is_digit(*s))
        return 0;
    const char *start = s;
    while (is_digit(*s))
        s++;
    if (*s == '.') {
        s++;
        if (!is_digit(*s))
            return 0;
        while (is_digit(*s))
            s++;
    }
    if (*s == '\0')
        return strchr(start, '.') != NULL;
    if (*s != 'e' || (s[1] != '+' && s[1] != '-') || !is_digit(s[2]) || !is_digit(s[3]))
        return 0;
    for (s += 2; is_digit(*s); s++)
        ;
    return *s == '\0';
}

static void check_double(double x)
{
    char buf[40];
    mg_format_repr(buf, sizeof buf, x);
    CHECK(strlen(buf) < sizeof buf - 1);
    if (isnan(x)) {
        CHECK(strcmp(buf, "nan") == 0);
        return;
    }
    if (isinf(x)) {
        CHECK(strcmp(buf, x > 0 ? "inf" : "-inf") == 0);
        return;
    }
    CHECK(repr_shaped(buf));
    double back = strtod(buf, NULL);
    CHECK(memcmp(&back, &x, sizeof x) == 0);
    /* JSON: the same text, non-finite ones quoted (checked above as text). */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    cli_json_number(f, x);
    CHECK(fclose(f) == 0);
    CHECK(strcmp(out, buf) == 0);
    free(out);
}

/* Length of a valid UTF-8 sequence at s (independent of cli.c's), or 0. */
static size_t utf8_ok(const unsigned char *s, size_t left)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xF5 ? 0 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!n || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0; /* overlong, past U+10FFFF */
    return n;
}

static void check_string(const unsigned char *data, size_t size)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(f);
    cli_json_string(f, (const char *)data, size);
    CHECK(fclose(f) == 0);
    const unsigned char *s = (const unsigned char *)out;
    CHECK(len >= 2 && s[0] == '"' && s[len - 1] == '"');
    int input_clean = 1; /* valid UTF-8 without control bytes: must come back as is */
    for (size_t i = 0; i < size;) {
        size_t n = utf8_ok(data + i, size - i);
        if (!n || data[i] < 0x20 || data[i] == 0x7F)
            input_clean = 0;
        i += n ? n : 1;
    }
    unsigned char *decoded = malloc(len + 1);
    CHECK(decoded);
    size_t d = 0;
    for (size_t i = 1; i < len - 1;) {
        CHECK(s[i] >= 0x20 && s[i] != '"');
        if (s[i] == '\\') {
            char e = (char)s[i + 1];
            if (e == 'u') {
                CHECK(i + 6 < len);
                i += 6;
                decoded[d++] = '?';
                continue;
            }
            CHECK(e == '"' || e == '\\' || e == 'n' || e == 't');
            decoded[d++] = e == 'n' ? '\n' : e == 't' ? '\t' : (unsigned char)e;
            i += 2;
            continue;
        }
        size_t n = utf8_ok(s + i, len - 1 - i);
        CHECK(n > 0);
        memcpy(decoded + d, s + i, n);
        d += n;
        i += n;
    }
    if (input_clean)
        CHECK(d == size && memcmp(decoded, data, size) == 0);
    free(decoded);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + sizeof(double) <= size && i < 64 * sizeof(double); i += sizeof(double)) {
        double x;
        memcpy(&x, data + i, sizeof x);
        check_double(x);
    }
    check_string(data, size);
    return 0;
}
