#include "common/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(size_t n)
{
	fprintf(stderr, "wwseed: out of memory allocating %zu bytes\n", n);
	abort();
}

void *ww_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return p;
}

void *ww_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom(n * size);
	return p;
}

void *ww_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom(n);
	return q;
}

char *ww_xstrdup(const char *s)
{
	return ww_xstrndup(s, strlen(s));
}

char *ww_xstrndup(const char *s, size_t n)
{
	char *p = ww_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The external definitions of the inline appends (common/buf.h). */
extern inline void ww_buf_put(ww_buf *b, const void *data, size_t len);
extern inline void ww_buf_puts(ww_buf *b, const char *s);
extern inline void ww_buf_putc(ww_buf *b, char c);

void ww_buf_grow(ww_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want < b->len)
		die_oom(SIZE_MAX);
	if (want <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap * 2 > cap ? cap * 2 : want;
	b->ptr = ww_xrealloc(b->ptr, cap);
	b->cap = cap;
}

void ww_buf_vprintf(ww_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	ww_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ww_buf_printf(ww_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ww_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ww_buf_put_json_string(ww_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	ww_buf_putc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[6];

		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\b')
			esc = "\\b";
		else if (c == '\f')
			esc = "\\f";
		else if (c < 0x20) {
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15];
		} else
			continue;
		ww_buf_put(b, s + start, i - start);
		if (esc)
			ww_buf_puts(b, esc);
		else
			ww_buf_put(b, u, 6);
		start = i + 1;
	}
	ww_buf_put(b, s + start, len - start);
	ww_buf_putc(b, '"');
}

void ww_buf_clear(ww_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void ww_buf_release(ww_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *ww_buf_detach(ww_buf *b)
{
	char *p = b->ptr ? b->ptr : ww_xstrdup("");

	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *ww_buf_cstr(const ww_buf *b)
{
	return b->ptr ? b->ptr : "";
}
