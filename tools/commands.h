/* The subcommands of micrograd: each takes its own argv (argv[0] is its name)
 * and returns the process exit status. */
#ifndef MICROGRAD_TOOLS_COMMANDS_H
#define MICROGRAD_TOOLS_COMMANDS_H

int cmd_grad(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_draw(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_steps(int argc, char **argv);
int cmd_plot(int argc, char **argv);

#endif
