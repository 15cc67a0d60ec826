/* The umbrella header of the micrograd library: one include for the whole API.
 *
 *     #include <micrograd/micrograd.h>
 *
 *     cc prog.c $(pkg-config --cflags --libs micrograd)
 *
 * Each module's header stays usable on its own (<micrograd/engine.h>, ...).
 * Every header of the micrograd library is listed here, and nothing else:
 * drawing is a library of its own, micrograd-viz (Graphviz and cairo), so its
 * users include <micrograd/viz.h> and <micrograd/plot.h> themselves and link it:
 *
 *     cc prog.c $(pkg-config --cflags --libs micrograd-viz)
 */
#ifndef MICROGRAD_MICROGRAD_H
#define MICROGRAD_MICROGRAD_H

#include <micrograd/export.h>
#include <micrograd/ops.h>
#include <micrograd/format.h>
#include <micrograd/error.h>
#include <micrograd/engine.h>
#include <micrograd/parse.h>
#include <micrograd/suggest.h>
#include <micrograd/rng.h>
#include <micrograd/csv.h>
#include <micrograd/nn.h>
#include <micrograd/check.h>
#include <micrograd/paths.h>
#include <micrograd/lesson.h>

#endif
