/* Scenes for the backward lesson: lay the graph out once with every box sized
 * for the widest grad text any frame will show, then render each frame with
 * those sizes fixed (fixedsize=true). dot's node positions depend only on the
 * graph's structure and the node sizes, so no node moves between frames. */
#include "viz_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/types.h>

struct mg_viz_scene {
    mg_viz *viz;
    mg_graph *g;
    mg_viz_options o;
    char *title;
    mg_value root;
    size_t size;   /* values in g when the scene was made */
    size_t drawn;
    uint8_t *mask; /* VIZ_DRAWN / VIZ_ROOT per value */
    double *fixed; /* per value: box w, h, op node w, h (inches) */
};

void mg_viz_scene_free(mg_viz_scene *scene)
{
    if (!scene)
        return;
    free(scene->title);
    free(scene->mask);
    free(scene->fixed);
    free(scene);
}

size_t mg_viz_scene_values(const mg_viz_scene *scene, mg_value *out, size_t cap)
{
    if (!scene)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < scene->size; i++) {
        if (!(scene->mask[i] & VIZ_DRAWN))
            continue;
        if (n < cap)
            out[n] = mg_value_at(scene->g, i);
        n++;
    }
    return n;
}

/* Raises chars[i] to the length of every drawn value's grad text now. */
static void note_widths(const mg_viz_scene *s, uint8_t *chars)
{
    char text[64];
    for (size_t i = 0; i < s->size; i++) {
        if (!(s->mask[i] & VIZ_DRAWN))
            continue;
        mg_format_fixed(text, sizeof text, mg_grad(s->g, mg_value_at(s->g, i)), s->o.precision);
        size_t n = strlen(text);
        if (n > chars[i])
            chars[i] = (uint8_t)n;
    }
}

/* The widest grad text of every value over the lesson's frames: the grads now,
 * all zero, the root at 1, then after each local backward step in reverse
 * creation order. The grads are put back as they were. */
static mg_status widest_grads(mg_viz_scene *s, uint8_t *chars)
{
    double *saved = malloc(s->size * sizeof *saved);
    if (!saved)
        return MG_ERR_NOMEM;
    for (size_t i = 0; i < s->size; i++)
        saved[i] = mg_grad(s->g, mg_value_at(s->g, i));
    note_widths(s, chars);
    for (size_t i = 0; i < s->size; i++)
        if (s->mask[i] & VIZ_DRAWN)
            mg_set_grad(s->g, mg_value_at(s->g, i), 0.0);
    note_widths(s, chars);
    mg_set_grad(s->g, s->root, 1.0);
    for (size_t i = s->root.index + (size_t)1; i-- > 0;) {
        mg_value v = mg_value_at(s->g, i);
        if (!(s->mask[i] & VIZ_DRAWN) || mg_value_op(s->g, v) == MG_OP_LEAF)
            continue;
        mg_backward_local(s->g, v);
        note_widths(s, chars);
    }
    for (size_t i = 0; i < s->size; i++)
        mg_set_grad(s->g, mg_value_at(s->g, i), saved[i]);
    free(saved);
    return MG_OK;
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
    uint8_t *chars = calloc(s->size, 1);
    if (!chars || (!s->o.forward_only && widest_grads(s, chars) != MG_OK)) {
        free(chars);
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    }
    viz_spec spec = {.g = s->g, .o = &s->o, .size = s->size, .mask = s->mask,
                     .drawn = s->drawn, .grad_chars = chars};
    mg_status status = viz_measure_spec(s->viz, &spec, s->fixed, err);
    free(chars);
    return status;
}

/* Copies the options a scene keeps (its own title; no flags, no edge labels:
 * their text would change the layout from frame to frame). */
static mg_status keep_options(mg_viz_scene *s, const mg_viz_options *o, mg_error *err)
{
    s->o = o ? *o : mg_viz_options_default();
    s->o.flags = NULL;
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

/* Checks the root and the node limit; MG_OK or why not in err. */
static mg_status mark_scene(mg_viz_scene *s, mg_error *err)
{
    s->drawn = s->size ? viz_mark(s->g, &s->root, 1, s->mask) : 0;
    if (!s->drawn)
        return mg_error_set(err, MG_ERR_FOREIGN, 0, 0, "the root is not a value of this graph");
    if (s->o.max_nodes && s->drawn > s->o.max_nodes)
        return mg_error_set(err, MG_ERR_LIMIT, 0, 0,
                            "the graph has %zu values, more than the limit of %zu", s->drawn,
                            s->o.max_nodes);
    return MG_OK;
}

mg_status mg_viz_scene_new(mg_viz *viz, mg_graph *g, mg_value root, const mg_viz_options *o,
                           mg_viz_scene **out, mg_error *err)
{
    mg_error local;
    if (!err)
        err = &local;
    mg_error_clear(err);
    if (out)
        *out = NULL;
    mg_status status = MG_OK;
    mg_viz_scene *s = NULL;
    if (!viz || !g || !out) {
        status = mg_error_set(err, MG_ERR_INVALID, 0, 0, "a required argument is NULL");
    } else {
        size_t size = mg_graph_size(g);
        s = calloc(1, sizeof *s);
        if (s) {
            *s = (mg_viz_scene){.viz = viz, .g = g, .root = root, .size = size};
            s->mask = calloc(size ? size : 1, 1);
            s->fixed = calloc(size ? 4 * size : 1, sizeof *s->fixed);
        }
        if (!s || !s->mask || !s->fixed)
            status = mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    }
    if (status == MG_OK)
        status = keep_options(s, o, err);
    if (status == MG_OK)
        status = mark_scene(s, err);
    if (status == MG_OK)
        status = measure(s, err);
    if (status != MG_OK) {
        mg_viz_scene_free(s);
        mg_graph_set_error(g, status, err->message); /* it takes the graph: it records */
        return status;
    }
    *out = s;
    return MG_OK;
}

mg_status mg_viz_scene_render(mg_viz_scene *scene, const uint8_t *flags, const char *format,
                              char **out, size_t *len, mg_error *err)
{
    mg_error_clear(err);
    mg_status status = viz_check_output(scene != NULL, format, out, len, err);
    if (status != MG_OK)
        return status;
    if (mg_graph_size(scene->g) < scene->size)
        return mg_error_set(err, MG_ERR_FOREIGN, 0, 0,
                            "the graph lost values of the scene (a reset below them)");
    viz_spec spec = {.g = scene->g, .o = &scene->o, .size = scene->size, .mask = scene->mask,
                     .flags = flags, .drawn = scene->drawn, .fixed = scene->fixed};
    return viz_render_spec(scene->viz, &spec, format, out, len, err);
}
