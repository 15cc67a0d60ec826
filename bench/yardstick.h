/* The yardstick: the least an autograd engine can do, a bare packed array of
 * {data, grad, op, a, b} records filled in creation order and swept backwards
 * once. No handles, no checks, no growth: the caller sizes the array. The
 * engine is measured against it on the same arithmetic. */
#ifndef MICROGRAD_BENCH_YARDSTICK_H
#define MICROGRAD_BENCH_YARDSTICK_H

#include <stddef.h>
#include <stdint.h>

enum { YS_LEAF, YS_ADD, YS_MUL, YS_RELU };

/* 32 bytes, like the engine's value record. */
typedef struct ys_node {
    double data;
    double grad;
    uint32_t a, b;
    uint32_t op;
    uint32_t unused;
} ys_node;

typedef struct ys_graph {
    ys_node *n;   /* capacity fixed by the caller; nothing checks it */
    uint32_t count;
} ys_graph;

static inline uint32_t ys_push(ys_graph *t, uint32_t op, uint32_t a, uint32_t b, double data)
{
    ys_node *v = &t->n[t->count];
    v->data = data;
    v->grad = 0.0;
    v->a = a;
    v->b = b;
    v->op = op;
    return t->count++;
}

static inline uint32_t ys_leaf(ys_graph *t, double data)
{
    return ys_push(t, YS_LEAF, 0, 0, data);
}

static inline uint32_t ys_add(ys_graph *t, uint32_t a, uint32_t b)
{
    return ys_push(t, YS_ADD, a, b, t->n[a].data + t->n[b].data);
}

static inline uint32_t ys_mul(ys_graph *t, uint32_t a, uint32_t b)
{
    return ys_push(t, YS_MUL, a, b, t->n[a].data * t->n[b].data);
}

static inline uint32_t ys_relu(ys_graph *t, uint32_t a)
{
    double x = t->n[a].data;
    return ys_push(t, YS_RELU, a, 0, x < 0 ? 0.0 : x);
}

/* root.grad = 1, then every value's local chain rule in reverse creation
 * order, with the same formulas (and so the same rounding) as the engine. */
static inline void ys_backward(ys_graph *t, uint32_t root)
{
    ys_node *n = t->n;
    n[root].grad = 1.0;
    for (uint32_t i = root + 1; i-- > 0;) {
        const ys_node *v = &n[i];
        const double g = v->grad;
        switch (v->op) {
        case YS_ADD:
            n[v->a].grad += g;
            n[v->b].grad += g;
            break;
        case YS_MUL:
            n[v->a].grad += n[v->b].data * g;
            n[v->b].grad += n[v->a].data * g;
            break;
        case YS_RELU:
            n[v->a].grad += (v->data > 0 ? 1.0 : 0.0) * g;
            break;
        default:
            break;
        }
    }
}

#endif
