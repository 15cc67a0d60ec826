/* What one training step will take in memory, known before it runs: a step
 * over many rows builds its whole loss graph at once (about 23 KB per row of
 * a 2-16-16-1 network), so a large file must be refused up front. */
#include <micrograd/nn.h>

#include <stdint.h>

/* The values the loss over the first n examples of d adds to g (g reset after). */
static size_t loss_values(mg_graph *g, mg_mlp *m, const mg_dataset *d, size_t n, mg_loss loss,
                          double alpha, mg_status *status)
{
    mg_dataset first = *d;
    first.count = n;
    mg_mark mark = mg_graph_mark(g);
    size_t before = mg_graph_size(g);
    mg_value v = mg_mlp_loss(g, m, &first, loss, alpha, 0, NULL);
    size_t made = mg_graph_size(g) - before;
    if (!mg_value_ok(v))
        *status = mg_graph_status(g);
    mg_graph_reset(g, mark);
    return made;
}

mg_status mg_mlp_step_bytes(mg_graph *g, mg_mlp *m, const mg_dataset *d, mg_loss loss,
                            double alpha, size_t rows, size_t *bytes)
{
    *bytes = 0;
    if (!g || !m || !d || d->count < 2)
        return MG_ERR_INVALID;
    mg_status status = MG_OK;
    size_t one = loss_values(g, m, d, 1, loss, alpha, &status);
    size_t two = status == MG_OK ? loss_values(g, m, d, 2, loss, alpha, &status) : 0;
    if (status != MG_OK)
        return status;
    size_t per_row = two > one ? two - one : 1, fixed = one > per_row ? one - per_row : 0;
    size_t unit = mg_graph_value_bytes();
    size_t base = mg_graph_size(g) + fixed; /* the parameters stay */
    if (rows > (SIZE_MAX / unit - base) / per_row) {
        *bytes = SIZE_MAX;
        return MG_OK;
    }
    *bytes = (base + rows * per_row) * unit;
    return MG_OK;
}
