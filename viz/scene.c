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
    uint8_t *widest; /* per value: VIZ_BOX_NUMBERS widest field lengths */
    char *svg;     /* the master layout's SVG */
    size_t svg_len;
};

void mg_viz_scene_free(mg_viz_scene *scene)
{
    if (!scene)
        return;
    free(scene->title);
    free(scene->mask);
    free(scene->flags);
    free(scene->fixed);
    free(scene->widest);
    free(scene->svg);
    free(scene);
}

/* The spec of the scene's picture of the lesson's current frame (flags: the
 * frame's, or NULL), sized by s->fixed once the master layout is made. */
static viz_spec frame_spec(const mg_viz_scene *s, const uint8_t *flags)
{
    return (viz_spec){.g = s->g, .o = &s->o, .size = s->size, .mask = s->mask, .flags = flags,
                      .drawn = s->drawn, .lesson_names = 1};
}

/* Raises widest[] to the length of every number field every drawn value
 * shows at the lesson's current frame (boxes: those of the frame looked at
 * before, so that only boxes that change are made again). */
static void note_widths(const mg_viz_scene *s, viz_box *boxes, uint8_t *widest)
{
    viz_spec spec = frame_spec(s, NULL);
    for (size_t i = 0; i < s->size; i++) {
        if (!(s->mask[i] & VIZ_DRAWN) || !viz_box_update(&spec, (uint32_t)i, &boxes[i]))
            continue;
        for (int k = 0; k < boxes[i].count; k++) {
            size_t n = strlen(boxes[i].field[k]);
            uint8_t *w = widest + VIZ_BOX_NUMBERS * i + (size_t)k;
            if (n > *w)
                *w = (uint8_t)n;
        }
    }
}

/* The widest text of every number field over the lesson's frames, found by
 * stepping the lesson through them (from what each frame shows, whatever
 * changes: grads, data); it is left at the frame it was at. */
static mg_status widest_fields(mg_viz_scene *s, uint8_t *widest)
{
    viz_box *boxes = calloc(s->size ? s->size : 1, sizeof *boxes);
    if (!boxes)
        return MG_ERR_NOMEM;
    size_t at = mg_lesson_at(s->lesson);
    for (size_t f = 0; f < mg_lesson_frame_count(s->lesson); f++) {
        mg_lesson_goto(s->lesson, f);
        note_widths(s, boxes, widest);
    }
    mg_lesson_goto(s->lesson, at);
    free(boxes);
    return MG_OK;
}

void viz_read_sizes(Agraph_t *g, const uint8_t *mask, size_t size, double *fixed)
{
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
}

/* The master layout: every box sized for its widest texts, and its SVG (the
 * lesson page's one picture). */
static mg_status measure(mg_viz_scene *s, mg_error *err)
{
    s->widest = calloc(s->size ? VIZ_BOX_NUMBERS * s->size : 1, 1);
    if (!s->widest || widest_fields(s, s->widest) != MG_OK)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    viz_spec spec = frame_spec(s, NULL);
    spec.widest = s->widest;
    spec.edge_ids = 1;
    return viz_measure_spec(s->viz, &spec, s->fixed, &s->svg, &s->svg_len, err);
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
    viz_spec spec = frame_spec(scene, scene->flags);
    spec.fixed = scene->fixed;
    spec.pdf_box = box;
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

const char *viz_scene_svg(const mg_viz_scene *s, size_t *len)
{
    *len = s->svg_len;
    return s->svg;
}

mg_lesson *viz_scene_lesson(const mg_viz_scene *s)
{
    return s->lesson;
}

int viz_scene_precision(const mg_viz_scene *s)
{
    return s->o.precision;
}

size_t viz_scene_values(const mg_viz_scene *s, const uint8_t **mask)
{
    *mask = s->mask;
    return s->size;
}

mg_status viz_scene_cost_units(const mg_viz_scene *s, size_t *units)
{
    viz_spec spec = frame_spec(s, NULL);
    viz_cost cost;
    mg_status status = viz_estimate_cost(&spec, &cost);
    *units = status == MG_OK ? viz_cost_units(&cost) : 0;
    return status;
}

void viz_scene_master_boxes(const mg_viz_scene *s, viz_box *boxes)
{
    viz_spec spec = frame_spec(s, NULL);
    spec.widest = s->widest;
    for (size_t i = 0; i < s->size; i++)
        if (s->mask[i] & VIZ_DRAWN) {
            viz_box_of(&spec, (uint32_t)i, &boxes[i]);
            boxes[i].filled = 0; /* not a frame's box: made with other texts */
        }
}

mg_status viz_scene_boxes(mg_viz_scene *s, size_t frame, viz_box *boxes)
{
    if (mg_lesson_goto(s->lesson, frame) != MG_OK)
        return MG_ERR_INVALID;
    mg_lesson_flags(s->lesson, frame, s->flags, s->size);
    viz_spec spec = frame_spec(s, s->flags);
    for (size_t i = 0; i < s->size; i++)
        if (s->mask[i] & VIZ_DRAWN)
            viz_box_update(&spec, (uint32_t)i, &boxes[i]);
    return MG_OK;
}
