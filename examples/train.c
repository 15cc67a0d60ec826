/* The training loop of the video: MLP(3, [4, 4, 1]) on its four examples,
 * squared error, gradient descent. A mark after the parameters and a reset
 * after each step keep memory flat however long it trains.
 *
 *     cc train.c $(pkg-config --cflags --libs micrograd) -o train && ./train
 */
#include <stdio.h>

#include <micrograd/micrograd.h>

int main(void)
{
    const double xs[4][3] = {{2, 3, -1}, {3, -1, 0.5}, {0.5, 1, 1}, {1, 1, -1}};
    const double ys[4] = {1, -1, -1, 1};
    const size_t sizes[] = {3, 4, 4, 1};
    mg_rng rng;
    mg_rng_seed(&rng, 1337);
    mg_graph *g = mg_graph_new();
    mg_mlp *m = NULL;
    mg_error err;
    if (!g || mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, &err) != MG_OK) {
        fprintf(stderr, "train: %s\n", g ? err.message : "out of memory");
        mg_graph_free(g);
        return 1;
    }
    mg_mark mark = mg_graph_mark(g); /* the parameters stay; each step's values go */
    for (int k = 0; k < 20; k++) {
        mg_value pred[4];
        for (int i = 0; i < 4; i++)
            mg_mlp_forward_inputs(g, m, xs[i], &pred[i], 0);
        mg_value loss = mg_loss_sse(g, pred, ys, 4);
        mg_mlp_zero_grad(g, m);
        mg_backward(g, loss);
        if (mg_graph_status(g) != MG_OK) {
            fprintf(stderr, "train: %s\n", mg_graph_error(g));
            return 1;
        }
        if (k % 5 == 0 || k == 19)
            printf("step %2d  loss %.6f\n", k, mg_data(g, loss));
        mg_mlp_sgd(g, m, 0.1); /* p.data -= 0.1 * p.grad */
        mg_graph_reset(g, mark);
    }
    printf("%zu parameters, %zu values kept\n", mg_mlp_param_count(m), mg_graph_size(g));
    mg_mlp_free(m);
    mg_graph_free(g);
    return 0;
}
