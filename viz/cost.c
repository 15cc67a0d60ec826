/* What a dot layout will cost, estimated before Graphviz runs, and the
 * settings that bound its work (bench/README.md has the measurements). */
#include "viz_internal.h"

#include <stdlib.h>

/* The ranks dot gives the values, estimated as its ranking does for these
 * graphs: an op node one rank after its latest non-leaf operand, a value one
 * after its op, and a leaf one rank before its first use (where the network
 * simplex of the ranking pulls it: every other rank would lengthen its edges).
 * The edges of a value used far from where it is made cross every rank in
 * between, and dot adds a node to its graph for each rank crossed. */
static mg_status value_cost(const viz_spec *s, viz_cost *cost)
{
    size_t size = s->size;
    uint32_t *rank = malloc((size ? size : 1) * sizeof *rank);
    if (!rank)
        return MG_ERR_NOMEM;
    const uint32_t unused = UINT32_MAX;
    for (size_t i = 0; i < size; i++) {
        mg_value v = mg_value_at(s->g, i);
        int arity = mg_op_arity(mg_value_op(s->g, v));
        rank[i] = arity ? 0 : unused; /* a leaf's rank waits for its first use */
        if (!(s->mask[i] & VIZ_DRAWN) || !arity)
            continue;
        uint32_t op = 1;
        for (int k = 0; k < arity; k++) {
            mg_value a = mg_operand(s->g, v, k);
            if (mg_value_ok(a) && a.index < i && rank[a.index] != unused &&
                rank[a.index] + 1 > op)
                op = rank[a.index] + 1;
        }
        for (int k = 0; k < arity; k++) { /* the first use of a leaf places it */
            mg_value a = mg_operand(s->g, v, k);
            if (mg_value_ok(a) && a.index < i && rank[a.index] == unused)
                rank[a.index] = op - 1;
        }
        rank[i] = op + 1;
        cost->nodes += 2;
        cost->edges += 1 + (size_t)arity;
        for (int k = 0; k < arity; k++) {
            mg_value a = mg_operand(s->g, v, k);
            if (mg_value_ok(a) && a.index < i && op - rank[a.index] > 1) {
                uint32_t span = op - rank[a.index];
                cost->virtual_nodes += span - 1;
                if (span > cost->span)
                    cost->span = span;
            }
        }
    }
    for (size_t i = 0; i < size; i++) /* the leaves drawn */
        if ((s->mask[i] & VIZ_DRAWN) && !mg_op_arity(mg_value_op(s->g, mg_value_at(s->g, i))))
            cost->nodes++;
    free(rank);
    return MG_OK;
}

/* The neuron view: every node of a layer has an edge to every neuron of the
 * next, each spanning one rank. */
static void neuron_cost(const viz_spec *s, viz_cost *cost)
{
    const viz_neurons *nv = s->neurons;
    size_t prev = mg_mlp_size(nv->m, 0);
    cost->nodes = s->drawn; /* inputs, neurons and roots */
    for (size_t l = 1; l <= nv->layers; l++) {
        size_t width = mg_mlp_size(nv->m, l);
        cost->edges += prev * width;
        prev = width;
    }
    cost->edges += prev; /* the outputs to a loss */
    cost->span = 1;
}

mg_status viz_estimate_cost(const viz_spec *spec, viz_cost *cost)
{
    *cost = (viz_cost){0};
    if (spec->neurons) {
        neuron_cost(spec, cost);
        return MG_OK;
    }
    return value_cost(spec, cost);
}

size_t viz_cost_units(const viz_cost *cost)
{
    /* dot's x-coordinate graph: a node per node, per edge and per rank an edge
     * crosses (the crossing adds an edge too) */
    return cost->nodes + cost->edges + 2 * cost->virtual_nodes;
}

mg_status viz_check_cost(const viz_spec *spec, viz_cost *cost, mg_error *err)
{
    if (viz_estimate_cost(spec, cost) != MG_OK)
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory");
    size_t units = viz_cost_units(cost), max = spec->o->max_nodes;
    if (!max || units <= max * VIZ_UNITS_PER_VALUE)
        return MG_OK;
    if (cost->virtual_nodes > cost->edges)
        return mg_error_set(err, MG_ERR_LIMIT, 0, 0,
                        "the graph's layout would place %zu nodes, %zu of them where edges "
                        "cross up to %zu ranks (a value used far from where it is made), more "
                        "than the %zu that the limit of %zu values allows",
                        units, 2 * cost->virtual_nodes, cost->span,
                        max * VIZ_UNITS_PER_VALUE, max);
    return mg_error_set(err, MG_ERR_LIMIT, 0, 0,
                    "the graph's layout would place %zu nodes (one for each of its %zu "
                    "edges), more than the %zu that the limit of %zu values allows",
                    units, cost->edges, max * VIZ_UNITS_PER_VALUE, max);
}

int viz_bound_layout(Agraph_t *g, const viz_cost *cost)
{
    if (viz_cost_units(cost) <= VIZ_UNITS_EXACT)
        return 0; /* small: dot's best layout, fast anyway */
    /* Network simplex passes capped at 0.2 x the node count: without a cap
     * they run until optimal, and their count grows with the graph (4833
     * passes of ~0.5 ms for 176 nodes). The capped layouts were measured
     * no larger than the optimal ones. */
    return !agattr(g, AGRAPH, "nslimit", "0.2") || !agattr(g, AGRAPH, "nslimit1", "0.2");
}
