#ifndef WW_COMMON_BUF_H
#define WW_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A growable byte buffer, always NUL-terminated once it holds anything
 * (git's strbuf). Allocation failure aborts the process: wwseed has no
 * useful way to go on without memory, and checking every append would hide
 * the real error paths.
 */
typedef struct {
	char *ptr;
	size_t len;
	size_t cap;
} ww_buf;

#define WW_BUF_INIT { NULL, 0, 0 }

void ww_buf_grow(ww_buf *b, size_t extra);

/* The appends are inline: writers of canonical text and request bodies
 * call them per token, and a call into another unit per token showed in
 * the import's profile. Only a full buffer takes ww_buf_grow. C99 inline:
 * buf.c still emits the functions, for objects built before they were. */
inline void ww_buf_put(ww_buf *b, const void *data, size_t len)
{
	if (len >= b->cap - b->len)
		ww_buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

inline void ww_buf_puts(ww_buf *b, const char *s)
{
	ww_buf_put(b, s, strlen(s));
}

inline void ww_buf_putc(ww_buf *b, char c)
{
	if (1 >= b->cap - b->len)
		ww_buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}
void ww_buf_printf(ww_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ww_buf_vprintf(ww_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append s as a JSON string literal, quotes included. */
void ww_buf_put_json_string(ww_buf *b, const char *s, size_t len);
/* Empty the buffer, keeping its storage. */
void ww_buf_clear(ww_buf *b);
/* Free the storage; safe on WW_BUF_INIT and twice. */
void ww_buf_release(ww_buf *b);
/* Hand the string to the caller (who frees it) and reset the buffer. Never
 * NULL: an empty buffer gives "". */
char *ww_buf_detach(ww_buf *b);
/* The contents as a C string (borrowed; "" when empty). */
const char *ww_buf_cstr(const ww_buf *b);

/* Allocation that aborts on failure. */
void *ww_xmalloc(size_t n);
void *ww_xcalloc(size_t n, size_t size);
void *ww_xrealloc(void *p, size_t n);
char *ww_xstrdup(const char *s);
char *ww_xstrndup(const char *s, size_t n);

#endif
