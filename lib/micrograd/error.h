/* Errors: one table of status codes, and one shape for the details of a call
 * that takes no graph (a graph keeps its own first error: engine.h).
 *
 *     mg_error err;
 *     mg_table t;
 *     if (mg_table_parse(text, len, &t, &err) != MG_OK)
 *         fprintf(stderr, "%s:%d:%d: error: %s\n", file, err.line, err.col, err.message);
 *
 * A library function taking an mg_error clears it first (err may always be
 * NULL); when it fails it fills it and returns the same status, so after a
 * success err reads MG_OK. Nothing in the library prints, exits or aborts.
 */
#ifndef MICROGRAD_ERROR_H
#define MICROGRAD_ERROR_H

#include <micrograd/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One table: the enum and mg_status_str() are both generated from it. */
#define MG_STATUS_TABLE(X)                                                    \
    X(MG_OK, "success")                                                       \
    X(MG_ERR_NOMEM, "out of memory")                                          \
    X(MG_ERR_INVALID, "invalid argument")                                     \
    X(MG_ERR_FOREIGN, "value does not belong to this graph")                  \
    X(MG_ERR_LIMIT, "size limit exceeded")                                    \
    X(MG_ERR_SYNTAX, "syntax error")                                          \
    X(MG_ERR_NAME, "name error")                                              \
    X(MG_ERR_RENDER, "rendering failed")                                      \
    X(MG_ERR_UNREADABLE, "picture too large to read at any size allowed")

typedef enum mg_status {
#define MG_STATUS_ENUM(name, text) name,
    MG_STATUS_TABLE(MG_STATUS_ENUM)
#undef MG_STATUS_ENUM
    MG_STATUS_COUNT
} mg_status;

/* A static English sentence for a status code; never NULL. */
MG_API const char *mg_status_str(mg_status status);

/* What went wrong and where. */
typedef struct mg_error {
    mg_status status;   /* MG_OK when nothing failed */
    int line, col;      /* 1-based place in an input text (col counts bytes);
                         * 0, 0 where there is none */
    char message[256];  /* one sentence, no position, no newline; "" when OK */
} mg_error;

#if defined(__GNUC__)
#define MG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define MG_PRINTF(fmt, args)
#endif

/* Fills err with status, the place and the message printf makes of fmt (cut
 * to 255 bytes on a UTF-8 boundary; fmt NULL: mg_status_str(status)), and
 * returns status, so that `return mg_error_set(err, MG_ERR_INVALID, 0, 0,
 * "...", ...);` reads well. An argument may be err->message itself, to say
 * more about an earlier failure. err NULL: only returns status. A status of
 * MG_OK clears err. */
MG_API mg_status mg_error_set(mg_error *err, mg_status status, int line, int col,
                              const char *fmt, ...) MG_PRINTF(5, 6);
/* Sets err to MG_OK, 0, 0, "". NULL is a no-op. */
MG_API void mg_error_clear(mg_error *err);

#ifdef __cplusplus
}
#endif

#endif
