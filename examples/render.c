/* Draws the first example of the video to L.png in-process, through the viz
 * library (Graphviz's libraries: no `dot` process).
 *
 *     cc render.c $(pkg-config --cflags --libs micrograd-viz) -o render && ./render
 */
#include <stdio.h>

#include <micrograd/micrograd.h>

int main(void)
{
    mg_graph *g = mg_graph_new();
    mg_value a = mg_leaf(g, 2.0, "a"), b = mg_leaf(g, -3.0, "b");
    mg_value c = mg_leaf(g, 10.0, "c"), f = mg_leaf(g, -2.0, "f");
    mg_value L = mg_mul(g, mg_add(g, mg_mul(g, a, b), c), f);
    mg_set_label(g, L, "L");
    mg_backward(g, L);

    mg_viz *viz = NULL;
    mg_viz_options options = mg_viz_options_default();
    options.theme = MG_VIZ_THEME_DARK; /* for a slide */
    char *png = NULL;
    size_t len = 0;
    mg_error err;
    mg_status s = mg_viz_new(&viz, &err);
    if (s == MG_OK)
        s = mg_viz_render(viz, g, &L, 1, &options, "png", &png, &len, &err);
    int ok = s == MG_OK;
    if (ok) {
        FILE *out = fopen("L.png", "wb");
        ok = out && fwrite(png, 1, len, out) == len;
        ok = out && fclose(out) == 0 && ok;
        printf(ok ? "wrote L.png, a %s picture\n" : "cannot write L.png\n",
               len > 8 && png[1] == 'P' ? "PNG" : "strange");
    } else {
        fprintf(stderr, "render: %s\n", err.message);
    }
    mg_viz_free_output(png);
    mg_viz_free(viz);
    mg_graph_free(g);
    return ok ? 0 : 1;
}
