/* The status table's messages and the mg_error helpers (see micrograd/error.h). */
#include <micrograd/error.h>

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

mg_status mg_error_set(mg_error *err, mg_status status, int line, int col, const char *fmt, ...)
{
    if (!err)
        return status;
    if (status == MG_OK) {
        mg_error_clear(err);
        return status;
    }
    err->status = status;
    err->line = line;
    err->col = col;
    if (!fmt) {
        snprintf(err->message, sizeof err->message, "%s", mg_status_str(status));
        return status;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n < 0) {
        snprintf(err->message, sizeof err->message, "%s", mg_status_str(status));
    } else if ((size_t)n >= sizeof err->message) {
        /* Cut: drop a UTF-8 sequence the limit split. */
        size_t end = sizeof err->message - 1;
        size_t start = end;
        while (start > 0 && ((unsigned char)err->message[start - 1] & 0xC0) == 0x80)
            start--;
        if (start > 0 && (unsigned char)err->message[start - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)err->message[start - 1];
            size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (end - (start - 1) < want)
                err->message[start - 1] = '\0';
        }
    }
    return status;
}
