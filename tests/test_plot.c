/* plot tests: mg_plot_render's PNG (signature, size, the boundary panel's
 * colours read back through cairo) and SVG (well-formed, sized), the same
 * bytes for the same input, and every error it documents. */
#include <micrograd/nn.h>
#include <micrograd/plot.h>

#include <cairo.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

static const double losses[] = {2.5, 1.75, 1.0, 0.5, 0.25, 0.2, 0.125};
#define STEPS (sizeof losses / sizeof *losses)

/* Two points, x = 0 (label -1) and x = 2 (label +1): the panel's window is
 * centred on x = 1, so the score x - 1 puts the boundary down its middle. */
static double points_x[] = {0.0, 0.0, 2.0, 0.0};
static double points_y[] = {-1.0, 1.0};
static const mg_dataset points = {.count = 2, .inputs = 2, .x = points_x, .y = points_y};

static int score_x_minus_1(void *ctx, const double *xy, size_t n, double *out)
{
    int *calls = ctx;
    if (calls)
        ++*calls;
    for (size_t i = 0; i < n; i++)
        out[i] = xy[2 * i] - 1.0;
    return 0;
}

static int score_fails(void *ctx, const double *xy, size_t n, double *out)
{
    (void)ctx, (void)xy, (void)n, (void)out;
    return 1;
}

/* The one call of mg_plot_render, so that a change of its signature is one edit. */
static mg_status render(const mg_plot *p, mg_plot_format format, unsigned char **out,
                        size_t *len, mg_error *err)
{
    return mg_plot_render(p, format, out, len, err);
}

/* Renders p, expecting success; returns the bytes (free them). */
static unsigned char *render_ok(const mg_plot *p, mg_plot_format format, size_t *len)
{
    unsigned char *out = NULL;
    mg_error err = {.status = MG_ERR_RENDER, .message = "stale"};
    mg_status s = render(p, format, &out, len, &err);
    if (s != MG_OK)
        fail_msg("mg_plot_render: status %d: %s", (int)s, err.message);
    assert_int_equal(err.status, MG_OK); /* cleared */
    assert_string_equal(err.message, "");
    assert_non_null(out);
    assert_true(*len > 0);
    return out;
}

static unsigned png_u32(const unsigned char *b)
{
    return (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
}

/* A PNG's signature, its IHDR first and IEND last; sets its size. */
static void expect_png(const unsigned char *b, size_t len, unsigned *w, unsigned *h)
{
    assert_true(len > 8 + 25 + 12);
    assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(b + 12, "IHDR", 4);
    *w = png_u32(b + 16);
    *h = png_u32(b + 20);
    assert_memory_equal(b + len - 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
}

/* ---- PNG -------------------------------------------------------------------------- */

static void png_of_the_loss_alone_is_520_by_480(void **state)
{
    (void)state;
    mg_plot p = {.title = "loss only", .loss = losses, .steps = STEPS};
    size_t len;
    unsigned char *png = render_ok(&p, MG_PLOT_PNG, &len);
    unsigned w, h;
    expect_png(png, len, &w, &h);
    assert_int_equal(w, 520);
    assert_int_equal(h, 480);
    free(png);
    /* no boundary panel without a score, without 2 inputs, or without points */
    mg_dataset tiny;
    assert_int_equal(mg_dataset_tiny(&tiny), MG_OK);
    const mg_dataset none = {.count = 0, .inputs = 2, .x = points_x, .y = points_y};
    const mg_plot others[] = {
        {.loss = losses, .steps = STEPS, .data = &points},
        {.loss = losses, .steps = STEPS, .data = &tiny, .score = score_x_minus_1},
        {.loss = losses, .steps = STEPS, .data = &none, .score = score_x_minus_1},
    };
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        png = render_ok(&others[i], MG_PLOT_PNG, &len);
        expect_png(png, len, &w, &h);
        assert_int_equal(w, 520);
        free(png);
    }
    mg_dataset_free(&tiny);
}

/* Reads a PNG back through cairo and counts, in the boundary panel's left and
 * right thirds, the pixels of each area colour. */
typedef struct png_read { const unsigned char *at, *end; } png_read;

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int n)
{
    png_read *r = closure;
    if ((size_t)(r->end - r->at) < n)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

static void png_boundary_panel_colours_each_side(void **state)
{
    (void)state;
    int calls = 0;
    mg_plot p = {.title = "two points", .loss = losses, .steps = STEPS, .data = &points,
                 .score = score_x_minus_1, .ctx = &calls};
    size_t len;
    unsigned char *png = render_ok(&p, MG_PLOT_PNG, &len);
    assert_int_equal(calls, 1); /* every pixel's score in one call */
    unsigned w, h;
    expect_png(png, len, &w, &h);
    assert_int_equal(w, 1050);
    assert_int_equal(h, 480);
    png_read r = {png, png + len};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_png, &r);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    /* the panel: 420 x 360 at (600, 64); area colours as plot.c rounds them */
    const uint32_t pos = 0xd6e8f5, neg = 0xfcdbcc;
    long left[2] = {0, 0}, right[2] = {0, 0}; /* {pos, neg} */
    for (int y = 64; y < 64 + 360; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 600; x < 600 + 420; x++) {
            uint32_t c = row[x] & 0xffffff;
            long *side = x < 600 + 140 ? left : x >= 600 + 280 ? right : NULL;
            if (side)
                side[0] += c == pos, side[1] += c == neg;
        }
    }
    assert_int_equal(left[0], 0);  /* x < 1: the score is negative */
    assert_int_equal(right[1], 0); /* x > 1: positive */
    assert_true(left[1] > 140 * 360 * 8 / 10);
    assert_true(right[0] > 140 * 360 * 8 / 10);
    uint32_t corner = *(const uint32_t *)(const void *)data & 0xffffff;
    assert_int_equal(corner, 0xffffff); /* a white background */
    cairo_surface_destroy(img);
    free(png);
}

/* ---- SVG ---------------------------------------------------------------------------- */

/* 1 if text is one XML element with every tag closed in order (the <?xml?>
 * declaration and comments allowed); the root's name goes to root. */
static int well_formed(const char *text, size_t len, char *root, size_t root_size)
{
    const char *p = text, *end = text + len;
    const char *stack[64];
    size_t depth = 0, roots = 0;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        const char *close = strstr(p, p[1] == '?' ? "?>" : strncmp(p, "<!--", 4) == 0 ? "-->" : ">");
        if (!close)
            return 0;
        if (p[1] == '/') {
            size_t n = strcspn(p + 2, " \t\n>");
            if (depth == 0 || strncmp(stack[depth - 1], p + 2, n) != 0 ||
                strcspn(stack[depth - 1], " \t\n/>") != n)
                return 0;
            depth--;
        } else if (p[1] != '?' && p[1] != '!') {
            if (depth == 0 && roots++ == 0)
                snprintf(root, root_size, "%.*s", (int)strcspn(p + 1, " \t\n/>"), p + 1);
            if (close[-1] != '/') {
                if (depth == 64 || roots > 1)
                    return 0;
                stack[depth++] = p + 1;
            }
        }
        p = close + 1;
    }
    return depth == 0 && roots == 1;
}

/* The SVG of p as a string (free it). */
static char *svg_text(const mg_plot *p, size_t *len)
{
    unsigned char *svg = render_ok(p, MG_PLOT_SVG, len);
    char *text = malloc(*len + 1);
    assert_non_null(text);
    memcpy(text, svg, *len);
    text[*len] = '\0';
    free(svg);
    assert_int_equal(strlen(text), *len); /* no NUL inside */
    return text;
}

static void svg_is_well_formed_and_sized(void **state)
{
    (void)state;
    mg_plot p = {.title = "moons", .loss = losses, .steps = STEPS, .data = &points,
                 .score = score_x_minus_1};
    size_t len;
    char *text = svg_text(&p, &len);
    assert_true(strncmp(text, "<?xml", 5) == 0);
    char root[16] = "";
    assert_true(well_formed(text, len, root, sizeof root));
    assert_string_equal(root, "svg");
    assert_non_null(strstr(text, "width=\"1050pt\" height=\"480pt\""));
    /* the checker itself: an unclosed and a crossed tag fail */
    assert_false(well_formed("<svg><g></svg>", 14, root, sizeof root));
    assert_false(well_formed("<svg><g><a></g></a></svg>", 25, root, sizeof root));
    assert_true(well_formed("<svg><g/><a></a></svg>", 22, root, sizeof root));
    free(text);
    p.data = NULL;
    text = svg_text(&p, &len);
    assert_non_null(strstr(text, "width=\"520pt\" height=\"480pt\""));
    free(text);
}

/* ---- determinism ---------------------------------------------------------------------- */

static void same_input_same_bytes(void **state)
{
    (void)state;
    const double other[] = {2.5, 1.75, 1.0, 0.5, 0.25, 0.2, 0.25};
    for (int f = MG_PLOT_PNG; f <= MG_PLOT_SVG; f++) {
        mg_plot p = {.title = "again", .loss = losses, .steps = STEPS, .data = &points,
                     .score = score_x_minus_1};
        size_t a_len, b_len, c_len;
        unsigned char *a = render_ok(&p, (mg_plot_format)f, &a_len);
        unsigned char *b = render_ok(&p, (mg_plot_format)f, &b_len);
        assert_int_equal(a_len, b_len);
        assert_memory_equal(a, b, a_len);
        p.loss = other; /* one loss changed: other bytes */
        unsigned char *c = render_ok(&p, (mg_plot_format)f, &c_len);
        assert_true(c_len != a_len || memcmp(a, c, a_len) != 0);
        free(a);
        free(b);
        free(c);
    }
}

/* Losses that are not all positive and finite: a linear axis over the finite
 * ones, and a picture all the same. */
static void odd_losses_still_draw(void **state)
{
    (void)state;
    const double nan_ = (double)NAN;
    const double odd[][3] = {{nan_, nan_, nan_}, {1.0, HUGE_VAL, 2.0}, {-1.0, 0.0, 1.0},
                             {3.0, 3.0, 3.0}, {1e-300, 1e300, nan_}};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        mg_plot p = {.loss = odd[i], .steps = 3};
        size_t len;
        unsigned char *png = render_ok(&p, MG_PLOT_PNG, &len);
        unsigned w, h;
        expect_png(png, len, &w, &h);
        assert_int_equal(w, 520);
        free(png);
    }
    mg_plot one = {.loss = losses, .steps = 1};
    size_t len;
    free(render_ok(&one, MG_PLOT_SVG, &len));
}

/* ---- errors ------------------------------------------------------------------------------ */

/* Renders, expecting status and message, with nothing handed out. */
static void expect_failure(const mg_plot *p, mg_plot_format format, mg_status status,
                           const char *message)
{
    unsigned char *out = (unsigned char *)"stale";
    size_t len = 99;
    mg_error err;
    assert_int_equal(render(p, format, &out, &len, &err), status);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(err.status, status);
    assert_string_equal(err.message, message);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.col, 0);
    /* without an mg_error: the same status */
    out = (unsigned char *)"stale";
    assert_int_equal(render(p, format, &out, &len, NULL), status);
    assert_null(out);
}

static void errors_are_documented_ones(void **state)
{
    (void)state;
    const mg_plot good = {.loss = losses, .steps = STEPS};
    const mg_plot no_loss = {.steps = STEPS}, no_steps = {.loss = losses};
    expect_failure(NULL, MG_PLOT_PNG, MG_ERR_INVALID, "nothing to plot");
    expect_failure(&no_loss, MG_PLOT_PNG, MG_ERR_INVALID, "nothing to plot");
    expect_failure(&no_steps, MG_PLOT_SVG, MG_ERR_INVALID, "nothing to plot");
    expect_failure(&good, (mg_plot_format)3, MG_ERR_INVALID, "nothing to plot");
    expect_failure(&good, (mg_plot_format)-1, MG_ERR_INVALID, "nothing to plot");
    const mg_plot failing = {.loss = losses, .steps = STEPS, .data = &points,
                             .score = score_fails};
    expect_failure(&failing, MG_PLOT_PNG, MG_ERR_RENDER, "the model's scores could not be computed");
    expect_failure(&failing, MG_PLOT_SVG, MG_ERR_RENDER, "the model's scores could not be computed");
    /* no out or no len: refused, the other left empty */
    unsigned char *out = (unsigned char *)"stale";
    size_t len = 99;
    assert_int_equal(render(&good, MG_PLOT_PNG, NULL, &len, NULL), MG_ERR_INVALID);
    assert_int_equal(len, 0);
    assert_int_equal(render(&good, MG_PLOT_PNG, &out, NULL, NULL), MG_ERR_INVALID);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_of_the_loss_alone_is_520_by_480),
        cmocka_unit_test(png_boundary_panel_colours_each_side),
        cmocka_unit_test(svg_is_well_formed_and_sized),
        cmocka_unit_test(same_input_same_bytes),
        cmocka_unit_test(odd_losses_still_draw),
        cmocka_unit_test(errors_are_documented_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
