/* Scenes for the backward lesson: lay the graph out once with every box sized
 * for the widest grad text any of the lesson's frames shows, then render each
 * frame with those sizes fixed (fixedsize=true). dot's node positions depend
 * only on the graph's structure and the node sizes, so no node moves between
 * frames. */
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/types.h>

struct mg_viz_scene {
    mg_viz *viz;
    mg_lesson *lesson;
    mg_graph *g;   /* the lesson's graph */
    mg_viz_options o;
    char *title;
    size_t size;   /* values in g when the scene was made */
    size_t drawn;
    uint8_t *mask; /* VIZ_DRAWN / VIZ_ROOT per value */
    uint8_t *flags; /* the frame being rendered: MG_LESSON_* per value */
    double *fixed; /* per value: box w, h, op node w, h (inches) */
};

void mg_viz_scene_free(mg_viz_scene *scene)
{
    if (!scene)
        return;
    free(scene->title);
    free(scene->mask);
    free(scene->flags);
    free(scene->fixed);
    free(scene);
}

/* The widest text of this many characters: digits are the widest characters
 * a number has, and every one has the same width. */
static void widest_text(char *buf, size_t n, int precision)
{
    memset(buf, '8', n);
    if (precision > 0 && n > (size_t)precision + 1)
        buf[n - (size_t)precision - 1] = '.';
    buf[n] = '\0';
}

void viz_box_texts(const viz_spec *s, uint32_t i, char *data, char *grad)
{
    mg_value v = mg_value_at(s->g, i);
    int unknown = s->flags && (s->flags[i] & MG_LESSON_UNKNOWN);
    if (s->data_chars && s->data_chars[i])
        widest_text(data, s->data_chars[i], s->o->precision);
    else if (unknown)
        strcpy(data, "?");
    else
        mg_format_fixed(data, MG_NUMBER_SIZE, mg_data(s->g, v), s->o->precision);
    if (s->grad_chars)
        widest_text(grad, s->grad_chars[i], s->o->precision);
    else if (unknown)
        strcpy(grad, "?");
    else
        mg_format_fixed(grad, MG_NUMBER_SIZE, mg_grad(s->g, v), s->o->precision);
}

/* Raises chars[i] to the length of every drawn value's grad text now, and
 * data[i] to its data text's. */
static void note_widths(const mg_viz_scene *s, uint8_t *chars, uint8_t *data)
{
    char text[MG_NUMBER_SIZE];
    for (size_t i = 0; i < s->size; i++) {
        if (!(s->mask[i] & VIZ_DRAWN))
            continue;
        mg_value v = mg_value_at(s->g, i);
        size_t n = strlen(mg_format_fixed(text, sizeof text, mg_grad(s->g, v), s->o.precision));
        if (n > chars[i])
            chars[i] = (uint8_t)n;
        n = strlen(mg_format_fixed(text, sizeof text, mg_data(s->g, v), s->o.precision));
        if (n > data[i])
            data[i] = (uint8_t)n;
    }
}

/* The widest grad and data texts of every value over the lesson's frames,
 * found by stepping the lesson through them; it is left at the frame it was
 * at. A data text no frame makes wider than now stays itself (data[i] = 0). */
static void widest_texts(mg_viz_scene *s, uint8_t *chars, uint8_t *data)
{
    size_t at = mg_lesson_at(s->lesson);
    uint8_t *now = data + s->size;
    note_widths(s, chars, now);
    for (size_t f = 0; f < mg_lesson_frame_count(s->lesson); f++) {
        mg_lesson_goto(s->lesson, f);
        note_widths(s, chars, data);
    }
    mg_lesson_goto(s->lesson, at);
    for (size_t i = 0; i < s->size; i++)
        if (data[i] <= now[i])
            data[i] = 0;
}

mg_status viz_layout_sizes(mg_viz *viz, Agraph_t *g, const uint8_t *mask, size_t size,
                           double *fixed, mg_error *err)
{
    if (gvLayout(viz->gvc, g, "dot") != 0 || agerrors() >= AGERR)
        return mg_error_set(err, MG_ERR_RENDER, 0, 0, "layout failed");
    for (size_t i = 0; i < size; i++) {
        if (!(mask[i] & VIZ_DRAWN))
            continue;
        char name[40];
        snprintf(name, sizeof name, "v%zu", i);
        Agnode_t *n = agnode(g, name, 0);
        snprintf(name, sizeof name, "v%zu_op", i);
        Agnode_t *op = agnode(g, name, 0);
        if (n)
            fixed[4 * i] = ND_width(n), fixed[4 * i + 1] = ND_height(n);
        if (op)
            fixed[4 * i + 2] = ND_width(op), fixed[4 * i + 3] = ND_height(op);
    }
    gvFreeLayout(viz->gvc, g);
    return MG_OK;
}

/* The master layout: sizes every box for its widest text. */
static mg_status measure(mg_viz_scene *s, mg_error *err)
{
    uint8_t *chars = calloc(3 * s->size, 1), *data = chars + s->size;
    if (!chars)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    widest_texts(s, chars, data);
    viz_spec spec = {.g = s->g, .o = &s->o, .size = s->size, .mask = s->mask,
                     .drawn = s->drawn, .grad_chars = chars, .data_chars = data,
                     .lesson_names = 1};
    mg_status status = viz_measure_spec(s->viz, &spec, s->fixed, err);
    free(chars);
    return status;
}

/* Copies the options a scene keeps (its own title; no flags, no edge labels,
 * no numeric derivatives: their text would change the layout from frame to
 * frame). */
static mg_status keep_options(mg_viz_scene *s, const mg_viz_options *o, mg_error *err)
{
    s->o = o ? *o : mg_viz_options_default();
    s->o.flags = NULL;
    s->o.numeric = NULL;
    s->o.edge_grads = 0;
    s->o.color_grad = 0;
    if (s->o.title) {
        s->title = malloc(strlen(s->o.title) + 1);
        if (!s->title)
            return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
        strcpy(s->title, s->o.title);
        s->o.title = s->title;
    }
    return viz_check_options(&s->o, err);
}

/* What root depends on, within the limit of values. */
static mg_status mark_values(mg_viz_scene *s, mg_error *err)
{
    mg_value root = mg_lesson_root(s->lesson);
    s->drawn = s->size ? viz_mark(s->g, &root, 1, s->mask) : 0;
    if (!s->drawn)
        return mg_error_set(err, MG_ERR_FOREIGN, 0, 0, "the root is not a value of this graph");
    if (s->o.max_nodes && s->drawn > s->o.max_nodes)
        return mg_error_set(err, MG_ERR_LIMIT, 0, 0,
                            "the graph has %zu values, more than the limit of %zu", s->drawn,
                            s->o.max_nodes);
    return MG_OK;
}

mg_status mg_viz_scene_new(mg_viz *viz, mg_lesson *lesson, const mg_viz_options *o,
                           mg_viz_scene **out, mg_error *err)
{
    mg_error_clear(err);
    if (out)
        *out = NULL;
    if (!viz || !lesson || !out)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "a required argument is NULL");
    mg_viz_scene *s = calloc(1, sizeof *s);
    if (!s)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    s->viz = viz;
    s->lesson = lesson;
    s->g = mg_lesson_graph(lesson);
    s->size = mg_graph_size(s->g);
    s->mask = calloc(s->size ? s->size : 1, 1);
    s->flags = calloc(s->size ? s->size : 1, 1);
    s->fixed = calloc(s->size ? 4 * s->size : 1, sizeof *s->fixed);
    mg_status status = !s->mask || !s->flags || !s->fixed
                           ? mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory")
                           : keep_options(s, o, err);
    if (status == MG_OK)
        status = mark_values(s, err);
    if (status == MG_OK)
        status = measure(s, err);
    if (status != MG_OK) {
        mg_viz_scene_free(s);
        return status;
    }
    *out = s;
    return MG_OK;
}

/* Frame `frame` rendered to format (*out, *len) or, with box, drawn there. */
static mg_status render_frame(mg_viz_scene *scene, size_t frame, const char *format,
                              viz_pdf_box *box, char **out, size_t *len, mg_error *err)
{
    size_t count = mg_lesson_frame_count(scene->lesson);
    if (frame >= count)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "no frame %zu in a lesson of %zu frames",
                            frame, count);
    if (mg_graph_size(scene->g) < scene->size)
        return mg_error_set(err, MG_ERR_FOREIGN, 0, 0,
                            "the graph lost values of the scene (a reset below them)");
    mg_lesson_goto(scene->lesson, frame);
    mg_lesson_flags(scene->lesson, frame, scene->flags, scene->size);
    viz_spec spec = {.g = scene->g, .o = &scene->o, .size = scene->size, .mask = scene->mask,
                     .flags = scene->flags, .drawn = scene->drawn, .fixed = scene->fixed,
                     .lesson_names = 1, .pdf_box = box};
    return viz_render_spec(scene->viz, &spec, format, out, len, err);
}

mg_status mg_viz_scene_render(mg_viz_scene *scene, size_t frame, const char *format,
                              char **out, size_t *len, mg_error *err)
{
    mg_error_clear(err);
    mg_status status = viz_check_output(scene != NULL, format, out, len, err);
    if (status != MG_OK)
        return status;
    return render_frame(scene, frame, format, NULL, out, len, err);
}

mg_status viz_scene_draw_pdf(mg_viz_scene *scene, size_t frame, viz_pdf_box *box,
                             mg_error *err)
{
    return render_frame(scene, frame, "pdf", box, NULL, NULL, err);
}
