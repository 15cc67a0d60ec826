/* Writes examples/mlp_loss.mg: the loss graph of the video's network,
 * MLP(3, [4, 4, 1]) with tanh (seed 1337), over its four examples, summed
 * squared error, as a .mg program (360 values, 305 lesson frames): the
 * ~400-value graph of `micrograd bench`, for `micrograd steps` and `draw`.
 * It walks the graph the library builds, naming its leaves and neuron
 * outputs and writing every other value inline, so the program builds the
 * same values in the same order (without the per-neuron groups).
 *
 *     cc mlp_loss.c $(pkg-config --cflags --libs micrograd) -o mlp_loss
 *     ./mlp_loss > mlp_loss.mg
 */
#include <stdio.h>
#include <string.h>

#include <micrograd/micrograd.h>

#define MAX_VALUES 512

/* Per value: its name, or "" where it is written inline. */
static char names[MAX_VALUES][24];

/* 1 for + -, 2 for * /, 3 for **, 4 for the rest. */
static int op_precedence(mg_op op)
{
    if (op == MG_OP_ADD || op == MG_OP_SUB)
        return 1;
    if (op == MG_OP_MUL || op == MG_OP_DIV)
        return 2;
    return op == MG_OP_POW ? 3 : 4;
}

/* The precedence of v as an operand: a name or a number needs no parentheses. */
static int precedence(const mg_graph *g, mg_value v)
{
    mg_op op = mg_value_op(g, v);
    return names[v.index][0] || op == MG_OP_LEAF ? 4 : op_precedence(op);
}

/* Writes v as an expression: its name (unless top), its number, or its op
 * on its operands. */
static void put_value(FILE *out, const mg_graph *g, mg_value v, int top)
{
    char num[MG_NUMBER_SIZE];
    mg_op op = mg_value_op(g, v);
    if (names[v.index][0] && !top) {
        fputs(names[v.index], out);
    } else if (op == MG_OP_LEAF) {
        fputs(mg_format_repr(num, sizeof num, mg_data(g, v)), out);
    } else if (op == MG_OP_POW) {
        mg_value a = mg_operand(g, v, 0);
        int paren = precedence(g, a) <= 3;
        fputs(paren ? "(" : "", out);
        put_value(out, g, a, 0);
        fprintf(out, "%s**%s", paren ? ")" : "",
                mg_format_short(num, sizeof num, mg_pow_exponent(g, v)));
    } else if (mg_op_arity(op) == 2) {
        mg_value a = mg_operand(g, v, 0), b = mg_operand(g, v, 1);
        int p = op_precedence(op);
        /* left to right as Python groups it: a right operand of the same
         * precedence needs parentheses to stay the same graph */
        int pa = precedence(g, a) < p, pb = precedence(g, b) <= p;
        fputs(pa ? "(" : "", out);
        put_value(out, g, a, 0);
        fprintf(out, "%s %s %s", pa ? ")" : "", mg_op_symbol(op), pb ? "(" : "");
        put_value(out, g, b, 0);
        fputs(pb ? ")" : "", out);
    } else {
        fprintf(out, "%s(", mg_op_info_of(op)->name);
        put_value(out, g, mg_operand(g, v, 0), 0);
        fputs(")", out);
    }
}

/* Names the leaves and the neuron outputs: w1_2_3 (layer 1, neuron 2, input
 * 3), b1_2, x2_1 (example 2's input 1), h1_2_3 (layer 1 neuron 2's output
 * on example 3), ypred3, loss. */
static void name_values(const mg_graph *g, mg_value root, size_t layers)
{
    int example = 0;
    for (size_t i = 0; i < mg_graph_size(g); i++) {
        mg_value v = mg_value_at(g, i);
        const char *label = mg_label(g, v, NULL), *group = mg_group(g, v);
        unsigned l = 0, j = 0;
        if (group)
            sscanf(group, "layer %u/neuron %u", &l, &j);
        if (mg_value_role(g, v) == MG_ROLE_PARAM && label[0] == 'w')
            snprintf(names[i], sizeof names[i], "w%u_%u_%s", l, j, label + 1);
        else if (mg_value_role(g, v) == MG_ROLE_PARAM)
            snprintf(names[i], sizeof names[i], "b%u_%u", l, j);
        else if (mg_value_role(g, v) == MG_ROLE_INPUT) {
            example += strcmp(label, "x1") == 0;
            snprintf(names[i], sizeof names[i], "x%d_%s", example, label + 1);
        } else if (mg_value_op(g, v) == MG_OP_TANH && l == layers)
            snprintf(names[i], sizeof names[i], "ypred%d", example);
        else if (mg_value_op(g, v) == MG_OP_TANH)
            snprintf(names[i], sizeof names[i], "h%u_%u_%d", l, j, example);
    }
    snprintf(names[root.index], sizeof names[root.index], "loss");
}

int main(void)
{
    const size_t sizes[] = {3, 4, 4, 1};
    mg_rng rng;
    mg_rng_seed(&rng, 1337);
    mg_graph *g = mg_graph_new();
    mg_mlp *m = NULL;
    mg_dataset d = {0};
    mg_value loss = MG_NONE;
    if (g && mg_dataset_tiny(&d) == MG_OK &&
        mg_mlp_new(g, sizes, 4, MG_ACT_TANH, MG_ACT_TANH, &rng, &m, NULL) == MG_OK)
        loss = mg_mlp_loss(g, m, &d, MG_LOSS_SSE, 0.0, MG_NN_ANNOTATE, NULL);
    if (!mg_value_ok(loss) || mg_graph_size(g) > MAX_VALUES) {
        fprintf(stderr, "mlp_loss: %s\n", g ? mg_graph_error(g) : "out of memory");
        return 1;
    }
    name_values(g, loss, 3);
    char num[MG_NUMBER_SIZE];
    printf("# The loss of MLP(3, [4, 4, 1]) (tanh, seed 1337) over the video's four\n"
           "# examples, summed squared error: %zu values. Written by examples/mlp_loss.c\n"
           "# (see there); loss = %s.\n",
           mg_graph_size(g), mg_format_repr(num, sizeof num, mg_data(g, loss)));
    for (size_t i = 0; i < mg_graph_size(g); i++) {
        mg_value v = mg_value_at(g, i);
        if (!names[i][0])
            continue;
        printf("%s = ", names[i]);
        if (mg_value_op(g, v) == MG_OP_LEAF)
            printf("%s%s\n", mg_format_repr(num, sizeof num, mg_data(g, v)),
                   mg_value_role(g, v) == MG_ROLE_PARAM ? "  # mg: param" : "");
        else
            put_value(stdout, g, v, 1), putchar('\n');
    }
    mg_mlp_free(m);
    mg_dataset_free(&d);
    mg_graph_free(g);
    return 0;
}
