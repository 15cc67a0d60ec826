/* The neuron of the video with the C API: o = tanh(x1*w1 + x2*w2 + b), then
 * the same neuron with tanh spelled out as (e^2n - 1) / (e^2n + 1). Both give
 * the same output and the same grads.
 *
 *     cc neuron.c $(pkg-config --cflags --libs micrograd) -o neuron && ./neuron
 */
#include <stdio.h>

#include <micrograd/micrograd.h>

/* Builds the neuron in g, runs backward and prints o and the leaves' grads. */
static int neuron(mg_graph *g, int spelled_out)
{
    mg_value x1 = mg_leaf(g, 2.0, "x1"), x2 = mg_leaf(g, 0.0, "x2");
    mg_value w1 = mg_leaf(g, -3.0, "w1"), w2 = mg_leaf(g, 1.0, "w2");
    mg_value b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value n = mg_add(g, mg_add(g, mg_mul(g, x1, w1), mg_mul(g, x2, w2)), b);
    mg_value o;
    if (spelled_out) {
        mg_value e = mg_exp(g, mg_mul_dv(g, 2.0, n));          /* e = exp(2n) */
        o = mg_div(g, mg_sub_vd(g, e, 1.0), mg_add_vd(g, e, 1.0));
    } else {
        o = mg_tanh(g, n);
    }
    mg_backward(g, o);
    if (mg_graph_status(g) != MG_OK) {
        fprintf(stderr, "neuron: %s\n", mg_graph_error(g));
        return 1;
    }
    printf("%s: o = %.4f, n = %.4f\n", spelled_out ? "exp" : "tanh", mg_data(g, o),
           mg_data(g, n));
    mg_value leaves[] = {x1, w1, x2, w2, b};
    for (size_t i = 0; i < sizeof leaves / sizeof *leaves; i++)
        printf("  %s.grad = %.4f\n", mg_label(g, leaves[i], NULL), mg_grad(g, leaves[i]));
    return 0;
}

int main(void)
{
    int status = 0;
    for (int spelled_out = 0; spelled_out <= 1; spelled_out++) {
        mg_graph *g = mg_graph_new();
        if (!g)
            return 1;
        status |= neuron(g, spelled_out);
        mg_graph_free(g);
    }
    return status;
}
