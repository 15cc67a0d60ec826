/* "Did you mean": the one spelling corrector of the library and its front-ends
 * (names, functions and methods in the parser; commands and options in the CLI).
 *
 *     static const char *const commands[] = {"draw", "grad", "steps", "train", NULL};
 *     mg_suggest("drwa", 4, commands, 4);   // "draw"
 */
#ifndef MICROGRAD_SUGGEST_H
#define MICROGRAD_SUGGEST_H

#include <stddef.h>

#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The edit distance of a and b: insertions, deletions, substitutions and swaps
 * of two neighbouring bytes (Damerau-Levenshtein, optimal string alignment),
 * capped at limit + 1 (so a long word costs O(len * limit)). */
MG_API size_t mg_edit_distance(const char *a, size_t alen, const char *b, size_t blen,
                               size_t limit);

/* The candidate that word most likely misspells: the nearest by mg_edit_distance
 * within 1 edit for words of up to 4 bytes, 2 for longer ones, and fewer edits
 * than the word has bytes; the first of equally near ones. NULL when none is
 * near (or word is one of them exactly). candidates[0..count) are
 * NUL-terminated; a NULL candidate is skipped. Never fails, never allocates. */
MG_API const char *mg_suggest(const char *word, size_t len, const char *const *candidates,
                              size_t count);

#ifdef __cplusplus
}
#endif

#endif
