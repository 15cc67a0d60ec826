/* Out of memory across the library (see oom.h): for a call sequence of each
 * module (engine ops, labels, groups, mark and reset; the parser; CSV; the
 * nn layer; the lesson) every allocation our code makes fails in turn, and
 * each failure must give MG_ERR_NOMEM with a message, the same failure as the
 * graph's sticky error where a graph is involved, no block left behind and no
 * crash. LSan (ASan builds) and valgrind check the rest. */
#include <micrograd/csv.h>
#include <micrograd/engine.h>
#include <micrograd/lesson.h>
#include <micrograd/nn.h>
#include <micrograd/parse.h>
#include <micrograd/paths.h>
#include <micrograd/rng.h>

#include <stdio.h>
#include <string.h>

#include "oom.h"

/* mg_graph_new's failure, said as every other. */
static mg_status no_graph(mg_error *err)
{
    return mg_error_set(err, MG_ERR_NOMEM, 0, 0, "mg_graph_new: out of memory");
}

/* ---- the engine ------------------------------------------------------------ */

/* Builds one "step": labelled leaves, every op, groups, labels given from other
 * labels (the pool growing while it is read), then backward and trace. */
static void engine_step(mg_graph *g, int step)
{
    char label[64];
    mg_value acc = mg_leaf(g, 0.5, "acc");
    for (int i = 0; i < 150; i++) {
        snprintf(label, sizeof label, "x%d of step %d, a label long enough to fill chunks", i,
                 step);
        mg_value x = mg_leaf(g, 0.01 * i, label);
        mg_value y = mg_add(g, mg_mul(g, x, acc), mg_sub(g, x, mg_div_vd(g, acc, 3.0)));
        y = mg_tanh(g, mg_add_dv(g, 1.0, mg_neg(g, y)));
        y = mg_sigmoid(g, mg_relu(g, mg_exp(g, mg_pow(g, y, 2.0))));
        y = mg_pow_value(g, mg_add_vd(g, y, 1.0), acc);
        acc = mg_add(g, acc, mg_log(g, mg_add_vd(g, y, 1.0)));
        mg_set_group(g, y, i % 10 < 5 ? "layer 1/neuron 1" : "layer 1/neuron 2");
        mg_set_label(g, acc, mg_label(g, x, NULL));
    }
    mg_set_label_n(g, acc, "L\0 with a NUL", 13);
    mg_backward(g, acc);
    mg_value t[4];
    mg_trace(g, acc, t, 4);
}

static mg_status engine_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return no_graph(err);
    mg_value w = mg_leaf_role(g, 0.25, MG_ROLE_PARAM);
    mg_set_label(g, w, "w");
    mg_set_group(g, w, "params");
    mg_mark mark = mg_graph_mark(g);
    for (int step = 0; step < 3; step++) {
        engine_step(g, step);
        mg_graph_reset(g, mark);
    }
    mg_graph_reserve(g, 5000); /* more room than the steps needed */
    mg_status s = mg_graph_status(g);
    OOM_GRAPH_RESULT(g, err, s);
    mg_graph_free(g);
    return s;
}

static void engine_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("engine", engine_scenario) >= 10);
}

/* mg_leaf whose label finds no memory leaves nothing: the graph's size and
 * label memory are as before, and the error is recorded. */
static mg_status leaf_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return no_graph(err);
    mg_status s = MG_OK;
    for (int i = 0; i < 100 && s == MG_OK; i++) {
        size_t size = mg_graph_size(g);
        mg_mark before = mg_graph_mark(g);
        mg_value v = mg_leaf(g, i, "a label of forty bytes, more or less.");
        s = mg_graph_status(g);
        if (s != MG_OK) {
            assert_false(mg_value_ok(v));
            assert_int_equal(mg_graph_size(g), size); /* no leaf left behind */
            assert_int_equal(mg_graph_mark(g).label_bytes, before.label_bytes);
        }
    }
    OOM_GRAPH_RESULT(g, err, s);
    mg_graph_free(g);
    return s;
}

static void leaf_labels_fail_cleanly(void **state)
{
    (void)state;
    oom_every_allocation_fails("mg_leaf", leaf_scenario);
}

/* ---- the parser ---------------------------------------------------------- */

/* Enough names for the hash table to grow, labels for the pool, deep nesting
 * for the parser's stacks, pow exponents, constants: every allocation site. */
static const char program[] =
    "a = 2.0; b = -3.0; c = 10\n"
    "e = a*b\nd = e + c\nf = -2.0\nL = d * f\n"
    "n01 = a; n02 = a; n03 = a; n04 = a; n05 = a; n06 = a; n07 = a; n08 = a\n"
    "n09 = a; n10 = a; n11 = a; n12 = a; n13 = a; n14 = a; n15 = a; n16 = a\n"
    "n17 = a; n18 = a; n19 = a; n20 = a; n21 = a; n22 = a; n23 = a; n24 = a\n"
    "n25 = a; n26 = a; n27 = a; n28 = a; n29 = a; n30 = a; n31 = a; n32 = a\n"
    "p = ((((((((((((((((((((a ** 2 + 1)))))))))))))))))))) * tanh(b) / exp(-c)\n"
    "q = 2*a + 3*b + 4*c + 5*d + 6*e + 7*f + 8*L + 9*p + relu(a) + sigmoid(b) + log(c)\n"
    "r = -q ** 3 ** 0.5\n";

static mg_status parse_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return no_graph(err);
    mg_program *p = NULL;
    mg_status s = mg_parse(g, program, sizeof program - 1, &p, err);
    assert_true((s == MG_OK) == (p != NULL));
    if (s == MG_OK)
        s = mg_backward(g, mg_program_value(p, mg_program_root(p)));
    else
        assert_string_equal(mg_graph_error(g), err->message); /* recorded, word for word */
    OOM_GRAPH_RESULT(g, err, s);
    mg_program_free(p);
    mg_graph_free(g);
    return s;
}

static void parse_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("parse", parse_scenario) >= 10);
}

/* ---- CSV tables and data sets --------------------------------------------- */

static mg_status csv_scenario(mg_error *err)
{
    static char text[8192];
    if (!text[0]) { /* a header and 150 rows: the row arrays grow twice */
        size_t n = (size_t)snprintf(text, sizeof text, "x0,x1,y\n");
        for (int i = 0; i < 150; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%d.5,%d,%d # row %d\n", i, -i,
                                  i % 2 ? 1 : -1, i);
    }
    mg_table t;
    mg_status s = mg_table_parse(text, strlen(text), &t, err);
    if (s != MG_OK) {
        assert_null(t.cells); /* emptied on failure */
        return s;
    }
    mg_dataset d;
    s = mg_dataset_from_table(&d, &t); /* no graph, a bare status: its sentence */
    if (s != MG_OK)
        mg_error_set(err, s, 0, 0, "%s", mg_status_str(s));
    mg_dataset_free(&d);
    mg_table_free(&t);
    return s;
}

static void csv_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("csv", csv_scenario) >= 4);
}

/* ---- the nn layer ---------------------------------------------------------- */

/* The scores of the boundary picture, as cmd_train computes them. */
static mg_status eval_some(const mg_graph *g, mg_mlp *m, mg_error *err)
{
    double x[2 * 3] = {2, 3, -1, 3, -1, 0.5}, out[2];
    mg_status s = mg_mlp_eval(g, m, x, 2, out);
    return s == MG_OK ? s : mg_error_set(err, s, 0, 0, "%s", mg_status_str(s));
}

static mg_status nn_scenario(mg_error *err)
{
    mg_dataset d;
    mg_status s = mg_dataset_tiny(&d); /* no graph, a bare status: its sentence */
    if (s != MG_OK)
        return mg_error_set(err, s, 0, 0, "%s", mg_status_str(s));
    mg_graph *g = mg_graph_new();
    if (!g) {
        mg_dataset_free(&d);
        return no_graph(err);
    }
    mg_rng rng;
    mg_rng_seed(&rng, 1337);
    mg_mlp *m = NULL;
    const size_t sizes[] = {3, 4, 4, 1};
    s = mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, err);
    if (s == MG_OK) { /* a picture's forward graph, then thrown away */
        mg_mark mark = mg_graph_mark(g);
        mg_value y;
        s = mg_mlp_forward_inputs(g, m, d.x, &y, MG_NN_ANNOTATE);
        mg_value loss = mg_mlp_loss(g, m, &d, MG_LOSS_SVM, 1e-4, MG_NN_ANNOTATE, NULL);
        mg_backward(g, loss);
        s = mg_graph_status(g); /* checked once at the end, as cairo's users do */
        mg_graph_reset(g, mark);
    }
    for (int k = 0; k < 3 && s == MG_OK; k++) {
        double loss, accuracy;
        s = mg_mlp_train_step(g, m, &d, MG_LOSS_SSE, 0.0, 0.05, 0, &loss, &accuracy);
    }
    OOM_GRAPH_RESULT(g, err, s);
    if (s == MG_OK)
        s = eval_some(g, m, err); /* a const graph: only the status says it */
    mg_dataset_free(&d);
    mg_mlp_free(m);
    mg_graph_free(g);
    return s;
}

static void nn_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("nn", nn_scenario) >= 10);
}

static mg_status moons_scenario(mg_error *err)
{
    mg_rng rng;
    mg_rng_seed(&rng, 2);
    mg_dataset d;
    mg_status s = mg_dataset_moons(&d, 100, 0.1, &rng);
    if (s != MG_OK)
        return mg_error_set(err, s, 0, 0, "%s", mg_status_str(s));
    mg_dataset_free(&d);
    return s;
}

static void data_sets_fail_cleanly(void **state)
{
    (void)state;
    oom_every_allocation_fails("moons", moons_scenario);
}

/* ---- the lesson ------------------------------------------------------------ */

static mg_status lesson_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return no_graph(err);
    mg_program *p = NULL;
    mg_lesson *l = NULL;
    static const char src[] = "x1 = 2.0; x2 = 0.0; w1 = -3.0; w2 = 1.0\n"
                              "b = 6.8813735870195432\n"
                              "n = x1*w1 + x2*w2 + b\ne = exp(2*n)\no = (e - 1) / (e + 1)\n";
    mg_status s = mg_parse(g, src, sizeof src - 1, &p, err);
    if (s == MG_OK) {
        mg_value root = mg_program_value(p, mg_program_root(p));
        mg_set_grad(g, root, 7.0); /* a failed lesson leaves the grads as they were */
        s = mg_lesson_new(g, root, NULL, &l, err);
        if (s != MG_OK)
            assert_same_double(mg_grad(g, root), 7.0);
    }
    for (size_t i = 0; s == MG_OK && i < mg_lesson_frame_count(l); i++)
        s = mg_lesson_goto(l, i);
    OOM_GRAPH_RESULT(g, err, s);
    mg_lesson_free(l);
    mg_program_free(p);
    mg_graph_free(g);
    return s;
}

static void lesson_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("lesson", lesson_scenario) >= 10);
}

/* The lesson with every frame kind (forward, path, nudge), then the bug's:
 * a failure restores the data and grads (e's 5.0 data stays). */
static mg_status lesson_options_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return no_graph(err);
    mg_value x = mg_leaf(g, 0.5, "x"), e = mg_exp(g, mg_mul_dv(g, 2.0, x));
    mg_value o = mg_div(g, mg_sub_vd(g, e, 1.0), mg_add_vd(g, e, 1.0));
    mg_status s = mg_graph_status(g);
    OOM_GRAPH_RESULT(g, err, s);
    mg_lesson_options all = {.precision = -1, .forward = 1, .nudge = 0.1, .path = &x};
    mg_lesson_options bug = {.precision = -1, .bug = MG_LESSON_BUG_ASSIGN};
    const mg_lesson_options *options[] = {&all, &bug};
    double data = mg_data(g, o);
    for (int k = 0; k < 2 && s == MG_OK; k++) {
        mg_lesson *l = NULL;
        s = mg_lesson_new(g, o, options[k], &l, err);
        for (size_t i = 0; s == MG_OK && i < mg_lesson_frame_count(l); i++)
            s = mg_lesson_goto(l, i);
        mg_lesson_free(l);
        if (mg_data(g, o) != data)
            fail_msg("the lesson left the data changed");
    }
    mg_graph_free(g);
    return s;
}

static void lesson_options_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("lesson options", lesson_options_scenario) >= 10);
}

/* ---- paths ----------------------------------------------------------------- */

/* Paths in a graph of many shared uses (2^12 of them, 40 listed: the list
 * grows several times). mg_paths_find only reads the graph, so a failure of
 * its own is not the graph's. */
static mg_status paths_scenario(mg_error *err)
{
    mg_graph *g = mg_graph_new();
    if (!g)
        return no_graph(err);
    mg_value x = mg_leaf(g, 0.5, "x"), y = x;
    for (int k = 0; k < 12; k++)
        y = mg_tanh(g, mg_mul(g, y, y));
    mg_status s = mg_graph_status(g);
    OOM_GRAPH_RESULT(g, err, s);
    mg_paths *p = NULL;
    if (s == MG_OK)
        s = mg_paths_find(g, y, x, 40, &p, err);
    if (s == MG_OK && mg_paths_count(p) != 40)
        fail_msg("want 40 paths, got %zu", mg_paths_count(p));
    if (s != MG_OK && p)
        fail_msg("a failed mg_paths_find left its list");
    mg_paths_free(p);
    mg_graph_free(g);
    return s;
}

static void paths_allocations_fail_in_turn(void **state)
{
    (void)state;
    assert_true(oom_every_allocation_fails("paths", paths_scenario) >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(engine_allocations_fail_in_turn),
        cmocka_unit_test(leaf_labels_fail_cleanly),
        cmocka_unit_test(parse_allocations_fail_in_turn),
        cmocka_unit_test(csv_allocations_fail_in_turn),
        cmocka_unit_test(nn_allocations_fail_in_turn),
        cmocka_unit_test(data_sets_fail_cleanly),
        cmocka_unit_test(lesson_allocations_fail_in_turn),
        cmocka_unit_test(lesson_options_allocations_fail_in_turn),
        cmocka_unit_test(paths_allocations_fail_in_turn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
