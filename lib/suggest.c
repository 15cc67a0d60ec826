/* "Did you mean": Damerau-Levenshtein distance within a small band. */
#include <micrograd/suggest.h>

#include <string.h>

enum { WORD_MAX = 64 }; /* longer words are never misspellings worth a hint */

size_t mg_edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t limit)
{
    size_t diff = alen > blen ? alen - blen : blen - alen;
    if (diff > limit || alen > WORD_MAX || blen > WORD_MAX)
        return diff > limit ? limit + 1 : (alen == blen && memcmp(a, b, alen) == 0 ? 0 : limit + 1);
    /* Three rows of the table: the one before last (for swaps), last, current. */
    size_t rows[3][WORD_MAX + 1];
    size_t *older = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= blen; j++)
        prev[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        cur[0] = i;
        size_t best = cur[0];
        for (size_t j = 1; j <= blen; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                older[j - 2] + 1 < d)
                d = older[j - 2] + 1;
            cur[j] = d;
            if (d < best)
                best = d;
        }
        if (best > limit)
            return limit + 1;
        size_t *t = older;
        older = prev;
        prev = cur;
        cur = t;
    }
    return prev[blen] > limit ? limit + 1 : prev[blen];
}

const char *mg_suggest(const char *word, size_t len, const char *const *candidates, size_t count)
{
    if (!word || !candidates)
        return NULL;
    size_t limit = len <= 4 ? 1 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < count; i++) {
        const char *c = candidates[i];
        if (!c)
            continue;
        size_t d = mg_edit_distance(word, len, c, strlen(c), limit);
        if (d == 0)
            return NULL;
        if (d < best_d && d < len) {
            best = c;
            best_d = d;
        }
    }
    return best;
}
