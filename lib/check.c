/* The gradient check (see micrograd/check.h): backward once, then two forward
 * passes per leaf. Shared by `micrograd check` and the Python module's check(). */
#include <micrograd/check.h>

#include <math.h>
#include <stdio.h>

#include "fail.h"

static int close_enough(double analytic, double numeric, double tol)
{
    if (isnan(analytic) || isnan(numeric))
        return 0;
    if (isinf(analytic) || isinf(numeric))
        return analytic == numeric;
    double scale = fmax(1.0, fmax(fabs(analytic), fabs(numeric)));
    return fabs(analytic - numeric) <= tol * scale;
}

/* The root's data with leaf x moved to data + dx, everything else as it was. */
static double root_at(mg_graph *g, mg_value root, mg_value x, double data, double dx)
{
    mg_set_data(g, x, data + dx);
    mg_forward(g);
    return mg_data(g, root);
}

/* The first problem with the arguments, or NULL. */
static const char *bad_arguments(const mg_graph *g, const mg_value *leaves, size_t n, double h,
                                 double tol, const mg_grad_check_result *results)
{
    if (!(h > 0) || !(tol > 0))
        return "the step h and the tolerance tol must be positive";
    if (n && (!leaves || !results))
        return "no leaves or no room for the results";
    for (size_t i = 0; i < n; i++) {
        mg_value v = leaves[i];
        /* mg_value_at gives this graph's handle of the index: a handle of
         * another graph, or a dropped one, differs from it */
        mg_value same = mg_value_at(g, v.index);
        if (!mg_value_ok(v) || same.index != v.index || same.tag != v.tag)
            return "a value to check is not a value of this graph";
        if (mg_value_op(g, v) != MG_OP_LEAF)
            return "only leaves can be checked";
    }
    return NULL;
}

mg_status mg_grad_check(mg_graph *g, mg_value root, const mg_value *leaves, size_t n, double h,
                        double tol, mg_grad_check_result *results)
{
    if (!g)
        return MG_ERR_INVALID;
    const char *why = bad_arguments(g, leaves, n, h, tol, results);
    if (why)
        return fail_graph(g, NULL, MG_ERR_INVALID, 0, 0, "%s", why);
    mg_zero_grad(g);
    mg_status s = mg_backward(g, root);
    for (size_t i = 0; i < n && s == MG_OK; i++) {
        mg_value x = leaves[i];
        double data = mg_data(g, x);
        double plus = root_at(g, root, x, data, h);
        double minus = root_at(g, root, x, data, -h);
        root_at(g, root, x, data, 0.0);
        mg_grad_check_result *r = &results[i];
        r->analytic = mg_grad(g, x);
        r->numeric = (plus - minus) / (2.0 * h);
        r->ok = close_enough(r->analytic, r->numeric, tol);
    }
    return s;
}
