/* The first example of the video with the C API: L = (a*b + c) * f, its
 * forward pass, its backward pass, and every value's data and grad.
 *
 *     cc L.c $(pkg-config --cflags --libs micrograd) -o L && ./L
 */
#include <stdio.h>

#include <micrograd/micrograd.h>

int main(void)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return 1;
    mg_value a = mg_leaf(g, 2.0, "a");
    mg_value b = mg_leaf(g, -3.0, "b");
    mg_value c = mg_leaf(g, 10.0, "c");
    mg_value e = mg_mul(g, a, b);
    mg_set_label(g, e, "e");
    mg_value d = mg_add(g, e, c);
    mg_set_label(g, d, "d");
    mg_value f = mg_leaf(g, -2.0, "f");
    mg_value L = mg_mul(g, d, f);
    mg_set_label(g, L, "L");

    mg_backward(g, L);
    if (mg_graph_status(g) != MG_OK) {
        fprintf(stderr, "L: %s\n", mg_graph_error(g));
        mg_graph_free(g);
        return 1;
    }

    /* Creation order is a topological order: operands before results. */
    for (size_t i = 0; i < mg_graph_size(g); i++) {
        mg_value v = mg_value_at(g, i);
        printf("%s: data %.4f grad %.4f\n", mg_label(g, v, NULL), mg_data(g, v), mg_grad(g, v));
    }
    mg_graph_free(g); /* frees every value at once */
    return 0;
}
