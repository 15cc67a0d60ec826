/* The umbrella header of the micrograd library: one include for the whole API.
 *
 *     #include <micrograd/micrograd.h>
 *
 *     cc prog.c $(pkg-config --cflags --libs micrograd)
 *
 * Each module's header stays usable on its own (<micrograd/engine.h>, ...).
 * Every module header installed under include/micrograd/ is listed here: the
 * nn library's <micrograd/nn.h> and the picture module's <micrograd/viz.h>
 * join this list when those modules are part of the build.
 */
#ifndef MICROGRAD_MICROGRAD_H
#define MICROGRAD_MICROGRAD_H

#include <micrograd/export.h>
#include <micrograd/engine.h>
#include <micrograd/parse.h>

#endif
