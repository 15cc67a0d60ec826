/* The status table's messages and the mg_error helpers (see micrograd/error.h). */
#include <micrograd/error.h>

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"

static const char *const status_text[] = {
#define MG_STATUS_TEXT(name, text) text,
    MG_STATUS_TABLE(MG_STATUS_TEXT)
#undef MG_STATUS_TEXT
};
static_assert(sizeof status_text / sizeof *status_text == MG_STATUS_COUNT,
              "one message per status");

const char *mg_status_str(mg_status status)
{
    if ((unsigned)status >= MG_STATUS_COUNT)
        return "unknown status";
    return status_text[status];
}

void mg_error_clear(mg_error *err)
{
    if (!err)
        return;
    err->status = MG_OK;
    err->line = 0;
    err->col = 0;
    err->message[0] = '\0';
}

/* Ends a message cut at the buffer's end before a UTF-8 sequence it split. */
static void cut_whole_characters(char *message, size_t size)
{
    size_t end = size - 1, start = end;
    while (start > 0 && ((unsigned char)message[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0 || (unsigned char)message[start - 1] < 0xC0)
        return; /* no lead byte before the continuation bytes: nothing to mend */
    unsigned char lead = (unsigned char)message[start - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (end - (start - 1) < want)
        message[start - 1] = '\0';
}

static mg_status error_vset(mg_error *err, mg_status status, int line, int col,
                            const char *fmt, va_list ap) MG_PRINTF(5, 0);
static mg_status error_vset(mg_error *err, mg_status status, int line, int col,
                            const char *fmt, va_list ap)
{
    if (!err)
        return status;
    if (status == MG_OK) {
        mg_error_clear(err);
        return status;
    }
    /* Formatted aside first: an argument may be err->message itself
     * ("...: %s", err->message, to say more about an earlier error). */
    char message[sizeof err->message];
    int n = fmt ? vsnprintf(message, sizeof message, fmt, ap) : -1;
    if (n < 0)
        snprintf(message, sizeof message, "%s", mg_status_str(status));
    else if ((size_t)n >= sizeof message)
        cut_whole_characters(message, sizeof message);
    memcpy(err->message, message, sizeof message);
    err->status = status;
    err->line = line;
    err->col = col;
    return status;
}

mg_status mg_error_set(mg_error *err, mg_status status, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, status, line, col, fmt, ap);
    va_end(ap);
    return status;
}

mg_status fail_graph_v(mg_graph *g, mg_error *err, mg_status status, int line, int col,
                       const char *fmt, va_list ap)
{
    mg_error local;
    if (!err)
        err = &local;
    error_vset(err, status, line, col, fmt, ap);
    mg_graph_set_error(g, status, err->message);
    return status;
}

mg_status fail_graph(mg_graph *g, mg_error *err, mg_status status, int line, int col,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_graph_v(g, err, status, line, col, fmt, ap);
    va_end(ap);
    return status;
}

mg_status fail_in_error(const mg_graph *g, mg_error *err)
{
    return mg_error_set(err, mg_graph_status(g), 0, 0, "the graph is in error: %s",
                        mg_graph_error(g));
}
