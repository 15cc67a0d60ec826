/* micrograd: one program, subcommands. Dispatches to tools/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#ifndef MG_VERSION
#define MG_VERSION "unknown"
#endif

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"draw", cmd_draw, "the graph as a picture: svg, png, pdf or dot"},
    {"grad", cmd_grad, "forward + backward; every named value with its data and grad"},
    {"check", cmd_check, "analytic grads of every leaf against central differences"},
    {"steps", cmd_steps, "the backward pass one step at a time: a page, pictures or captions"},
    {"plot", cmd_plot, "a function of one leaf: its curve, and its tangent and nudge at a point"},
    {"train", cmd_train, "trains an MLP (the video's examples, micrograd's moons, a CSV file)"},
    {"bench", cmd_bench, "the engine's speed and memory on this machine"},
};

static void usage(FILE *out)
{
    fputs("usage: micrograd COMMAND [OPTIONS] [FILE]\n"
          "\n"
          "A scalar reverse-mode autograd engine that draws its expression graphs.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-7s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "FILE is an expression file (.mg), or - for standard input:\n"
          "  a = 2.0; b = -3.0; c = 10\n"
          "  L = (a*b + c) * -2\n"
          "\n"
          "Run 'micrograd COMMAND --help' for a command's options.\n"
          "Exit status: 0 success, 1 a failed check or a runtime failure, 2 bad usage or input.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return cli_finish_stdout(CLI_OK);
    }
    if (strcmp(name, "--version") == 0) {
        printf("micrograd %s\n", MG_VERSION);
        return cli_finish_stdout(CLI_OK);
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(name, commands[i].name) == 0)
            return cli_finish_outputs(commands[i].run(argc - 1, argv + 1));
    const char *names[sizeof commands / sizeof *commands];
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        names[i] = commands[i].name;
    const char *near = mg_suggest(name, strlen(name), names, sizeof names / sizeof *names);
    if (near)
        cli_error("unknown command '%s': did you mean '%s'? (see 'micrograd --help')", name, near);
    else
        cli_error("unknown command '%s' (see 'micrograd --help')", name);
    return CLI_USAGE;
}
