/* The pictures of a backward lesson (see steps_frames.h), through the viz
 * module's scenes: one layout, then one render per frame. */
#include "steps_frames.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <micrograd/viz.h>

#include "cli.h"

struct steps_frames {
    mg_viz *viz;
    mg_viz_scene *scene;
    size_t nvalues;          /* mg_graph_size at layout time */
    unsigned char *lesson;   /* MG_LESSON_* per value */
    uint8_t *flags;          /* MG_VIZ_* per value */
    char *out;               /* the last render */
};

/* Too many values is the input's fault (exit 2), like bad syntax; the rest
 * is a failure of the run (exit 1). */
static int viz_failure(mg_status status, const char *err)
{
    if (status == MG_ERR_LIMIT) {
        cli_error("%s; use --max-nodes N to step through it anyway (--max-nodes 0: no limit)",
                  err);
        return CLI_USAGE;
    }
    cli_error("%s", err);
    return CLI_FAILED;
}

int steps_frames_open(steps_frames **out, mg_graph *g, mg_value root,
                      const steps_render_options *options)
{
    *out = NULL;
    steps_frames *f = calloc(1, sizeof *f);
    if (!f) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    f->nvalues = mg_graph_size(g);
    f->lesson = malloc(f->nvalues + 1);
    f->flags = malloc(f->nvalues + 1);
    mg_error err;
    mg_status status = f->lesson && f->flags
                           ? mg_viz_new(&f->viz, &err)
                           : mg_error_set(&err, MG_ERR_NOMEM, 0, 0, "out of memory");
    if (status == MG_OK) {
        mg_viz_options o = mg_viz_options_default();
        o.precision = options->precision;
        o.rankdir = strcmp(options->rankdir, "TB") == 0 ? MG_VIZ_RANKDIR_TB : MG_VIZ_RANKDIR_LR;
        o.max_nodes = options->max_nodes;
        status = mg_viz_scene_new(f->viz, g, root, &o, &f->scene, &err);
    }
    if (status != MG_OK) {
        steps_frames_close(f);
        return viz_failure(status, err.message);
    }
    *out = f;
    return CLI_OK;
}

int steps_frames_render(steps_frames *f, mg_lesson *lesson, size_t frame, const char *format,
                        const char **data, size_t *len)
{
    if (mg_lesson_goto(lesson, frame) != MG_OK) {
        cli_error("no frame %zu in the lesson", frame);
        return CLI_FAILED;
    }
    mg_lesson_flags(lesson, frame, f->lesson, f->nvalues);
    for (size_t i = 0; i < f->nvalues; i++)
        f->flags[i] = (uint8_t)(((f->lesson[i] & MG_LESSON_CURRENT) ? MG_VIZ_CURRENT : 0) |
                                ((f->lesson[i] & MG_LESSON_CHANGED) ? MG_VIZ_CHANGED : 0));
    mg_viz_free_output(f->out);
    f->out = NULL;
    mg_error err;
    mg_status status = mg_viz_scene_render(f->scene, f->flags, format, &f->out, len, &err);
    if (status != MG_OK)
        return viz_failure(status, err.message);
    *data = f->out;
    return CLI_OK;
}

void steps_frames_close(steps_frames *f)
{
    if (!f)
        return;
    mg_viz_free_output(f->out);
    mg_viz_scene_free(f->scene);
    mg_viz_free(f->viz);
    free(f->lesson);
    free(f->flags);
    free(f);
}
