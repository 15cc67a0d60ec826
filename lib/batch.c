/* Minibatches as micrograd's demo draws them: `ri = np.random.permutation(n)
 * [:batch_size]; Xb, yb = X[ri], y[ri]`, from the project's own seeded RNG. */
#include <micrograd/nn.h>

#include <stdlib.h>
#include <string.h>

/* The batches' stream is seeded apart from the weights' and the moons': seed ^ "batch". */
#define BATCH_STREAM 0x6261746368u

void mg_batches_free(mg_batches *b)
{
    if (!b)
        return;
    mg_dataset_free(&b->batch);
    free(b->order);
    *b = (mg_batches){0};
}

mg_status mg_batches_init(mg_batches *b, const mg_dataset *d, size_t size, uint64_t seed,
                          mg_error *err)
{
    if (!b)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "mg_batches_init: no batches");
    *b = (mg_batches){0};
    if (!d || d->count == 0)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "the data set has no examples");
    if (size == 0 || size > d->count)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0,
                            "a batch of %zu rows out of %zu: it must be 1 to %zu", size, d->count,
                            d->count);
    size_t inputs = d->inputs ? d->inputs : 1;
    b->order = malloc(d->count * sizeof *b->order);
    b->batch.x = malloc(size * inputs * sizeof *b->batch.x);
    b->batch.y = malloc(size * sizeof *b->batch.y);
    if (!b->order || !b->batch.x || !b->batch.y || size > SIZE_MAX / sizeof(double) / inputs) {
        mg_batches_free(b);
        return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "out of memory for a batch of %zu rows",
                            size);
    }
    for (size_t r = 0; r < d->count; r++)
        b->order[r] = r;
    b->batch.count = size;
    b->batch.inputs = d->inputs;
    b->count = d->count;
    mg_rng_seed(&b->rng, seed ^ BATCH_STREAM);
    return MG_OK;
}

const mg_dataset *mg_batches_next(mg_batches *b, const mg_dataset *d)
{
    if (!b || !b->order || !d || d->count != b->count || d->inputs != b->batch.inputs)
        return NULL;
    /* The first `size` swaps of a Fisher-Yates shuffle, continued from the
     * last batch's arrangement: each batch is a uniform sample of distinct
     * rows, in random order, in O(size) however many rows there are. */
    const size_t n = b->count, size = b->batch.count, inputs = d->inputs;
    for (size_t i = 0; i < size; i++) {
        size_t j = i + (size_t)mg_rng_below(&b->rng, (uint64_t)(n - i));
        size_t r = b->order[j];
        b->order[j] = b->order[i];
        b->order[i] = r;
        memcpy(b->batch.x + i * inputs, d->x + r * inputs, inputs * sizeof *d->x);
        b->batch.y[i] = d->y[r];
    }
    return &b->batch;
}
