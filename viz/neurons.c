/* The neuron view's map: which value is each neuron's output and which are
 * the network's inputs, found in the forward graph of one example through the
 * groups mg_mlp_forward gives with MG_NN_ANNOTATE. No Graphviz calls. */
#include "viz_internal.h"

#include <stdlib.h>
#include <string.h>

void viz_neurons_free(viz_neurons *nv)
{
    free(nv->first);
    free(nv->out);
    free(nv->count);
    free(nv->in);
    *nv = (viz_neurons){0};
}

/* The neuron (flat index) of a group path, or SIZE_MAX when the group is not
 * one of m's. The groups of one layer are consecutive and "layer L/neuron N"
 * names them, so a lookup is two numbers and a check. */
static size_t neuron_of(const viz_neurons *nv, const char *group)
{
    size_t l, j;
    int used = 0;
    if (!group || sscanf(group, "layer %zu/neuron %zu%n", &l, &j, &used) != 2 ||
        group[used] != '\0' || l < 1 || l > nv->layers || j < 1 ||
        j > mg_mlp_size(nv->m, l))
        return SIZE_MAX;
    const char *want = mg_mlp_group(nv->m, l - 1, j - 1);
    return want && strcmp(want, group) == 0 ? nv->first[l - 1] + j - 1 : SIZE_MAX;
}

/* Values a neuron makes in one forward pass: nin products, nin sums, and
 * the activation unless it is linear. */
static size_t neuron_values(const mg_mlp *m, size_t layer)
{
    size_t nin = mg_mlp_size(m, layer);
    return 2 * nin + (mg_mlp_activation(m, layer) != MG_ACT_LINEAR);
}

/* Counts each neuron's drawn values and keeps the last one, its output. */
static void scan(viz_neurons *nv, const mg_graph *g, const uint8_t *mask, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        mg_value v = mg_value_at(g, i);
        if (!(mask[i] & VIZ_DRAWN) || mg_value_role(g, v) == MG_ROLE_PARAM)
            continue;
        size_t k = neuron_of(nv, mg_group(g, v));
        if (k == SIZE_MAX)
            continue;
        nv->count[k]++;
        nv->out[k] = (uint32_t)i;
    }
}

/* The inputs: the operands of the first neuron's products that come from
 * outside it (the weights are inside), in order. */
static size_t find_inputs(viz_neurons *nv, const mg_graph *g, const uint8_t *mask, size_t size)
{
    size_t n = 0, want = mg_mlp_size(nv->m, 0);
    for (size_t i = 0; i < size && i <= nv->out[0]; i++) {
        mg_value v = mg_value_at(g, i);
        if (!(mask[i] & VIZ_DRAWN) || mg_value_op(g, v) != MG_OP_MUL ||
            neuron_of(nv, mg_group(g, v)) != 0)
            continue;
        for (int k = 0; k < 2; k++) {
            mg_value a = mg_operand(g, v, k);
            if (neuron_of(nv, mg_group(g, a)) != 0 && n < want)
                nv->in[n++] = a.index;
        }
    }
    return n;
}

mg_status viz_neurons_find(viz_neurons *nv, const mg_graph *g, const mg_mlp *m,
                           const uint8_t *mask, size_t size, mg_error *err)
{
    *nv = (viz_neurons){.m = m, .layers = mg_mlp_layers(m)};
    for (size_t l = 0; l < nv->layers; l++)
        nv->total += mg_mlp_size(m, l + 1);
    nv->first = malloc((nv->layers + 1) * sizeof *nv->first);
    nv->out = calloc(nv->total, sizeof *nv->out);
    nv->count = calloc(nv->total, sizeof *nv->count);
    nv->in = calloc(mg_mlp_size(m, 0), sizeof *nv->in);
    if (!nv->first || !nv->out || !nv->count || !nv->in) {
        viz_neurons_free(nv);
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    }
    nv->first[0] = 0;
    for (size_t l = 0; l < nv->layers; l++)
        nv->first[l + 1] = nv->first[l] + mg_mlp_size(m, l + 1);
    scan(nv, g, mask, size);
    for (size_t l = 0; l < nv->layers; l++)
        for (size_t j = 0; j < mg_mlp_size(m, l + 1); j++)
            if (nv->count[nv->first[l] + j] != neuron_values(m, l)) {
                viz_neurons_free(nv);
                return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                                    "the roots are not one example's forward graph of this "
                                    "network (made with MG_NN_ANNOTATE): layer %zu neuron %zu",
                                    l + 1, j + 1);
            }
    if (find_inputs(nv, g, mask, size) != mg_mlp_size(m, 0)) {
        viz_neurons_free(nv);
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "the network's inputs are not in the graph");
    }
    return MG_OK;
}
