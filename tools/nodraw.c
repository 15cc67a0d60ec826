/* The drawing commands of a micrograd built without Graphviz and cairo
 * (meson -Dviz=disabled): each refuses, with one message and exit status 2. */
#include "cli.h"
#include "commands.h"

int cmd_draw(int argc, char **argv)
{
    (void)argc, (void)argv;
    return cli_no_drawing("draw");
}

int cmd_steps(int argc, char **argv)
{
    (void)argc, (void)argv;
    return cli_no_drawing("steps");
}

int cmd_plot(int argc, char **argv)
{
    (void)argc, (void)argv;
    return cli_no_drawing("plot");
}

/* bench measures drawing too (SPEC: every figure in one run). */
int cmd_bench(int argc, char **argv)
{
    (void)argc, (void)argv;
    return cli_no_drawing("bench");
}
