/* The training presets (see micrograd/nn.h): the video's tiny run and
 * micrograd's moons demo, their learning rates and their data. */
#include <micrograd/nn.h>

#include <string.h>

static const mg_preset presets[] = {
    {.name = "tiny", .sizes = {3, 4, 4, 1}, .count = 4, .hidden = MG_ACT_TANH,
     .output = MG_ACT_TANH, .loss = MG_LOSS_SSE, .alpha = 0.0, .lr = 0.2, .decay = 0,
     .steps = 200, .points = 0, .noise = 0.0},
    {.name = "moons", .sizes = {2, 16, 16, 1}, .count = 4, .hidden = MG_ACT_RELU,
     .output = MG_ACT_LINEAR, .loss = MG_LOSS_SVM, .alpha = 1e-4, .lr = 1.0, .decay = 1,
     .steps = 100, .points = 100, .noise = 0.1},
};

/* The moons' stream is seeded apart from the weights': seed ^ "moons". */
#define MOONS_STREAM 0x6d6f6f6e73u

const mg_preset *mg_preset_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof presets / sizeof *presets; i++)
        if (strcmp(name, presets[i].name) == 0)
            return &presets[i];
    return NULL;
}

double mg_preset_lr(const mg_preset *p, size_t k, size_t steps)
{
    if (!p)
        return 0.0;
    if (!p->decay || steps == 0)
        return p->lr;
    /* micrograd's demo: learning_rate = 1.0 - 0.9*k/100, that order exactly */
    return p->lr * (1.0 - 0.9 * (double)k / (double)steps);
}

mg_status mg_preset_dataset(const mg_preset *p, uint64_t seed, mg_dataset *out, mg_error *err)
{
    mg_error_clear(err);
    if (!out)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "mg_preset_dataset: no data set");
    *out = (mg_dataset){0};
    if (!p)
        return mg_error_set(err, MG_ERR_INVALID, 0, 0, "mg_preset_dataset: no preset");
    mg_status s;
    if (p->points == 0) {
        s = mg_dataset_tiny(out);
    } else {
        mg_rng rng;
        mg_rng_seed(&rng, seed ^ MOONS_STREAM);
        s = mg_dataset_moons(out, p->points, p->noise, &rng);
    }
    if (s != MG_OK)
        return mg_error_set(err, s, 0, 0, "cannot make the %s preset's data: %s", p->name,
                            mg_status_str(s));
    return MG_OK;
}
