#include "models/json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"

void *ww_json_alloc(ww_json_doc *doc, size_t n)
{
	return ww_arena_alloc(&doc->blocks, n, 8, 4096);
}

void ww_json_doc_release(ww_json_doc *doc)
{
	if (!doc)
		return;
	ww_arena_free(&doc->blocks);
	doc->root = NULL;
}

/* Empty the document but keep its newest (largest) block, so reading
 * element after element reuses one block instead of a malloc and free per
 * block per element. */
static void doc_clear(ww_json_doc *doc)
{
	ww_arena_block *b = doc->blocks;

	if (b) {
		doc->blocks = b->prev;
		b->prev = NULL;
		b->used = 0;
	}
	ww_json_doc_release(doc);
	doc->blocks = b;
}

size_t ww_json_doc_size(const ww_json_doc *doc)
{
	const ww_arena_block *b;
	size_t n = 0;

	for (b = doc->blocks; b; b = b->prev)
		n += b->cap + sizeof(*b);
	return n;
}

const ww_json *ww_json_get(const ww_json *obj, const char *name)
{
	const ww_json *m;

	if (!obj || obj->type != WW_JSON_OBJECT)
		return NULL;
	/* the first byte turns most members away without a call */
	for (m = obj->child; m; m = m->next)
		if (m->key[0] == name[0] && !m->duplicate && !strcmp(m->key, name))
			return m;
	return NULL;
}

typedef struct {
	ww_json_doc *doc;
	const char *p, *end;
	const char *line_start;
	size_t wide; /* continuation bytes on this line so far */
	unsigned line;
	ww_json_error *err;
	ww_json_dup_fn on_dup;
	void *dup_ctx;
	size_t dups; /* duplicate names found */
	ww_buf scratch;
} parser;

static unsigned column_at(const parser *ps, const char *at)
{
	return (unsigned)((size_t)(at - ps->line_start) - ps->wide + 1);
}

static int fail_at(parser *ps, const char *at, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(parser *ps, const char *at, const char *code, const char *fmt, ...)
{
	va_list ap;

	ps->err->code = code;
	ps->err->line = ps->line;
	ps->err->column = column_at(ps, at);
	va_start(ap, fmt);
	vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* What the parser found at `p`, for messages: a quoted character or "end of
 * input". */
static const char *found(const parser *ps, char buf[24])
{
	unsigned char c;

	if (ps->p >= ps->end)
		return "end of input";
	c = (unsigned char)*ps->p;
	if (c == 0)
		return "a NUL byte";
	if (c < 0x20 || c >= 0x7f)
		snprintf(buf, 24, "byte 0x%02x", c);
	else
		snprintf(buf, 24, "'%c'", c);
	return buf;
}

static int fail_unexpected(parser *ps, const char *expected)
{
	char b[24];

	if (ps->p < ps->end && *ps->p == 0)
		return fail_at(ps, ps->p, "json-nul", "NUL byte in the input; expected %s",
			       expected);
	return fail_at(ps, ps->p, "json-syntax", "unexpected %s; expected %s", found(ps, b),
		       expected);
}

static void skip_ws(parser *ps)
{
	const char *p = ps->p;

	while (p < ps->end) {
		char c = *p;
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
		} else if (c == '\n') {
			p++;
			ps->line++;
			ps->line_start = p;
			ps->wide = 0;
		} else {
			break;
		}
	}
	ps->p = p;
}

static ww_json *new_node(parser *ps, ww_json_type t, const char *at)
{
	ww_json *n = ww_json_alloc(ps->doc, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = t;
	n->line = ps->line;
	n->column = column_at(ps, at);
	return n;
}

/* Length of a valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	int n;
	unsigned cp, min;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (end - p < n)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_utf8(ww_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		ww_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f));
		ww_buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		ww_buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f));
		ww_buf_put(b, u, 4);
	}
}

int ww_json_hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

void ww_json_unescape(ww_buf *b, const char *raw, size_t len)
{
	size_t i = 0, start = 0;
	unsigned cp, lo;

	while (i < len) {
		if (raw[i] != '\\') {
			i++;
			continue;
		}
		ww_buf_put(b, raw + start, i - start);
		switch (raw[i + 1]) {
		case 'b':
			ww_buf_putc(b, '\b');
			break;
		case 'f':
			ww_buf_putc(b, '\f');
			break;
		case 'n':
			ww_buf_putc(b, '\n');
			break;
		case 'r':
			ww_buf_putc(b, '\r');
			break;
		case 't':
			ww_buf_putc(b, '\t');
			break;
		case 'u':
			ww_json_hex4(raw + i + 2, &cp);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				ww_json_hex4(raw + i + 8, &lo);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			put_utf8(b, cp);
			i += 4;
			break;
		default: /* " \ / */
			ww_buf_putc(b, raw[i + 1]);
			break;
		}
		i += 2;
		start = i;
	}
	ww_buf_put(b, raw + start, len - start);
}

/* A string at ps->p (the opening quote). Stores the decoded text. */
static int parse_string(parser *ps, const char **out, size_t *out_len)
{
	const char *p = ps->p + 1, *start = p, *end = ps->end;
	ww_buf *b = &ps->scratch;
	char *s;

	/* Fast path: no escapes. */
	for (;;) {
		unsigned char c;
		if (p >= end) {
			ps->p = p;
			return fail_at(ps, p, "json-syntax", "unterminated string; expected '\"'");
		}
		c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			break;
		if (c < 0x20) {
			ps->p = p;
			if (c == 0)
				return fail_at(ps, p, "json-nul", "NUL byte inside a string");
			return fail_at(
			    ps, p, "json-syntax",
			    "control character 0x%02x inside a string; expected it escaped", c);
		}
		if (c >= 0x80) {
			int n = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
			if (!n) {
				ps->p = p;
				return fail_at(ps, p, "json-utf8",
					       "invalid UTF-8 byte 0x%02x in a string", c);
			}
			p += n;
			ps->wide += (size_t)n - 1;
			continue;
		}
		p++;
	}
	if (*p == '"') {
		size_t n = (size_t)(p - start);
		s = ww_json_alloc(ps->doc, n + 1);
		memcpy(s, start, n);
		s[n] = '\0';
		*out = s;
		*out_len = n;
		ps->p = p + 1;
		return 0;
	}
	/* Slow path: escapes. */
	ww_buf_clear(b);
	ww_buf_put(b, start, (size_t)(p - start));
	for (;;) {
		unsigned char c;
		if (p >= end) {
			ps->p = p;
			return fail_at(ps, p, "json-syntax", "unterminated string; expected '\"'");
		}
		c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c == '\\') {
			unsigned cp, lo;
			const char *esc = p;
			if (end - p < 2) {
				ps->p = end;
				return fail_at(ps, end, "json-syntax",
					       "unterminated string; expected '\"'");
			}
			switch (p[1]) {
			case '"':
				ww_buf_putc(b, '"');
				p += 2;
				continue;
			case '\\':
				ww_buf_putc(b, '\\');
				p += 2;
				continue;
			case '/':
				ww_buf_putc(b, '/');
				p += 2;
				continue;
			case 'b':
				ww_buf_putc(b, '\b');
				p += 2;
				continue;
			case 'f':
				ww_buf_putc(b, '\f');
				p += 2;
				continue;
			case 'n':
				ww_buf_putc(b, '\n');
				p += 2;
				continue;
			case 'r':
				ww_buf_putc(b, '\r');
				p += 2;
				continue;
			case 't':
				ww_buf_putc(b, '\t');
				p += 2;
				continue;
			case 'u':
				break;
			default:
				ps->p = p;
				return fail_at(ps, p, "json-syntax",
					       "invalid escape '\\%c' in a string",
					       p[1] >= 0x20 && p[1] < 0x7f ? p[1] : '?');
			}
			if (end - p < 6 || ww_json_hex4(p + 2, &cp)) {
				ps->p = p;
				return fail_at(ps, p, "json-syntax",
					       "invalid \\u escape; expected four hex digits");
			}
			p += 6;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    ww_json_hex4(p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff) {
					ps->p = esc;
					return fail_at(ps, esc, "json-utf8",
						       "lone surrogate \\u%04x in a string", cp);
				}
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				ps->p = esc;
				return fail_at(ps, esc, "json-utf8",
					       "lone surrogate \\u%04x in a string", cp);
			} else if (cp == 0) {
				ps->p = esc;
				return fail_at(ps, esc, "json-nul",
					       "\\u0000 (NUL) inside a string");
			}
			put_utf8(b, cp);
			continue;
		}
		if (c < 0x20) {
			ps->p = p;
			if (c == 0)
				return fail_at(ps, p, "json-nul", "NUL byte inside a string");
			return fail_at(
			    ps, p, "json-syntax",
			    "control character 0x%02x inside a string; expected it escaped", c);
		}
		if (c >= 0x80) {
			int n = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
			if (!n) {
				ps->p = p;
				return fail_at(ps, p, "json-utf8",
					       "invalid UTF-8 byte 0x%02x in a string", c);
			}
			ww_buf_put(b, p, (size_t)n);
			p += n;
			ps->wide += (size_t)n - 1;
			continue;
		}
		ww_buf_putc(b, (char)c);
		p++;
	}
	s = ww_json_alloc(ps->doc, b->len + 1);
	memcpy(s, ww_buf_cstr(b), b->len);
	s[b->len] = '\0';
	*out = s;
	*out_len = b->len;
	ps->p = p + 1;
	return 0;
}

static const double pow10_exact[] = {1e0,  1e1,	 1e2,  1e3,  1e4,  1e5,	 1e6,  1e7,
				     1e8,  1e9,	 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Significant digits of a mantissa's text: from the first non-zero digit
 * to the last one ("0.0120" has 2, "1000" has 1). */
static unsigned significant_digits(const char *p, const char *end)
{
	unsigned seen = 0, last = 0;

	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (seen || *p != '0')
			seen++;
		if (*p != '0')
			last = seen;
	}
	return last > 65535 ? 65535 : last;
}

static int parse_number(parser *ps, ww_json *n)
{
	const char *p = ps->p, *start = p, *end = ps->end;
	uint64_t mant = 0;
	int digits = 0, frac = 0, exp = 0, exp_sign = 1, neg = 0, has_exp = 0;
	char tmp[64], *copy = tmp;
	double v;

	if (*p == '-')
		neg = 1, p++;
	if (p >= end || *p < '0' || *p > '9') {
		ps->p = p;
		return fail_at(ps, start, "json-number",
			       "malformed number; expected a digit after '-'");
	}
	if (*p == '0') {
		p++;
		if (p < end && *p >= '0' && *p <= '9') {
			ps->p = p;
			return fail_at(ps, start, "json-number",
				       "leading zero in number; expected no leading zeros");
		}
	} else {
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (digits < 19)
				mant = mant * 10 + (uint64_t)(*p - '0');
			digits++;
		}
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9') {
			ps->p = p;
			return fail_at(
			    ps, start, "json-number",
			    "malformed number; expected a digit after the decimal point");
		}
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (digits < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				if (mant)
					digits++;
				frac++;
			} else {
				digits++;
			}
		}
	}
	n->digits = significant_digits(start, p);
	if (p < end && (*p == 'e' || *p == 'E')) {
		has_exp = 1;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			exp_sign = *p++ == '-' ? -1 : 1;
		if (p >= end || *p < '0' || *p > '9') {
			ps->p = p;
			return fail_at(ps, start, "json-number",
				       "malformed number; expected a digit in the exponent");
		}
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
	}
	ps->p = p;
	n->text = start;
	n->text_len = (unsigned)(p - start);
	/* Exact fast path (Clinger): a mantissa that is exact in a double (all
	 * its digits kept, below 2^53: the 16- and 17-digit fractions that
	 * doubles print as, too) and a power of ten that is itself exact make
	 * one correctly rounded operation. */
	if (digits <= 19 && mant < (1ull << 53)) {
		int e = exp_sign * exp - frac;
		if (!has_exp && !frac) {
			n->num = neg ? -(double)mant : (double)mant;
			return 0;
		}
		if (e >= -22 && e <= 22) {
			v = (double)mant;
			v = e < 0 ? v / pow10_exact[-e] : v * pow10_exact[e];
			n->num = neg ? -v : v;
			return 0;
		}
	}
	if ((size_t)(p - start) >= sizeof(tmp))
		copy = ww_xmalloc((size_t)(p - start) + 1);
	memcpy(copy, start, (size_t)(p - start));
	copy[p - start] = '\0';
	errno = 0;
	v = strtod(copy, NULL);
	if (isinf(v)) {
		fail_at(ps, start, "json-number",
			"number is too large for a double; expected a magnitude below 1.8e308");
		goto done;
	}
	if (v == 0 && errno == ERANGE) {
		fail_at(ps, start, "json-number",
			"number is too small for a double; expected 0 or a magnitude above 5e-324");
		goto done;
	}
	n->num = v;
done:
	if (copy != tmp)
		free(copy);
	return ps->err->code ? -1 : 0;
}

static int literal(parser *ps, const char *word, size_t len)
{
	if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len))
		return fail_unexpected(ps, "a value");
	ps->p += len;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const ww_json *x = *(const ww_json *const *)a, *y = *(const ww_json *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	/* equal names: input order, so the first one stays "first" */
	if (x->key_line != y->key_line)
		return x->key_line < y->key_line ? -1 : 1;
	return x->key_column < y->key_column ? -1 : x->key_column > y->key_column;
}

static int same_key(const ww_json *a, const ww_json *b)
{
	return a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len);
}

/* Mark members whose name an earlier member already has. Small objects
 * compare pairwise; large ones (an attack, or generated data) sort. */
static void find_duplicates(parser *ps, ww_json *obj)
{
	ww_json *m, *o;

	if (obj->len <= 16) {
		for (m = obj->child; m; m = m->next)
			for (o = obj->child; o != m; o = o->next)
				if (!o->duplicate && same_key(o, m)) {
					m->duplicate = 1;
					ps->dups++;
					if (ps->on_dup)
						ps->on_dup(ps->dup_ctx, m, o);
					break;
				}
	} else {
		ww_json **v = ww_xmalloc(obj->len * sizeof(*v));
		size_t i = 0, j;
		for (m = obj->child; m; m = m->next)
			v[i++] = m;
		qsort(v, obj->len, sizeof(*v), key_cmp);
		for (i = 0; i < obj->len; i = j) {
			for (j = i + 1; j < obj->len && same_key(v[i], v[j]); j++) {
				v[j]->duplicate = 1;
				ps->dups++;
				if (ps->on_dup)
					ps->on_dup(ps->dup_ctx, v[j], v[i]);
			}
		}
		free(v);
	}
}

static int parse_value(parser *ps, ww_json **out, int depth);

static int parse_container(parser *ps, ww_json *n, int depth)
{
	int is_obj = n->type == WW_JSON_OBJECT;
	char close = is_obj ? '}' : ']';
	ww_json **tail = &n->child;

	if (depth >= WW_JSON_MAX_DEPTH)
		return fail_at(ps, ps->p, "json-depth",
			       "nesting deeper than %d levels; expected at most %d",
			       WW_JSON_MAX_DEPTH, WW_JSON_MAX_DEPTH);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		ww_json *v;
		const char *key = NULL;
		size_t key_len = 0;
		unsigned kl = 0, kc = 0;

		if (is_obj) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail_unexpected(ps, n->len ? "a member name in double quotes"
								  : "a member name or '}'");
			kl = ps->line;
			kc = column_at(ps, ps->p);
			if (parse_string(ps, &key, &key_len))
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail_unexpected(ps, "':' after the member name");
			ps->p++;
			skip_ws(ps);
		}
		if (parse_value(ps, &v, depth + 1))
			return -1;
		if (is_obj) {
			v->key = key;
			v->key_len = key_len;
			v->key_line = kl;
			v->key_column = kc;
		}
		*tail = v;
		tail = &v->next;
		n->len++;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			skip_ws(ps);
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			break;
		}
		return fail_unexpected(ps, is_obj ? "',' or '}'" : "',' or ']'");
	}
	if (is_obj)
		find_duplicates(ps, n);
	return 0;
}

static int parse_value(parser *ps, ww_json **out, int depth)
{
	ww_json *n;

	if (ps->p >= ps->end)
		return fail_unexpected(ps, "a value");
	switch (*ps->p) {
	case '{':
		n = new_node(ps, WW_JSON_OBJECT, ps->p);
		*out = n;
		return parse_container(ps, n, depth);
	case '[':
		n = new_node(ps, WW_JSON_ARRAY, ps->p);
		*out = n;
		return parse_container(ps, n, depth);
	case '"':
		n = new_node(ps, WW_JSON_STRING, ps->p);
		*out = n;
		return parse_string(ps, &n->str, &n->len);
	case 't':
		*out = new_node(ps, WW_JSON_TRUE, ps->p);
		return literal(ps, "true", 4);
	case 'f':
		*out = new_node(ps, WW_JSON_FALSE, ps->p);
		return literal(ps, "false", 5);
	case 'n':
		*out = new_node(ps, WW_JSON_NULL, ps->p);
		return literal(ps, "null", 4);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
			n = new_node(ps, WW_JSON_NUMBER, ps->p);
			*out = n;
			return parse_number(ps, n);
		}
		return fail_unexpected(ps, "a value");
	}
}

int ww_json_parse(ww_json_doc *doc, const char *data, size_t len, unsigned first_line,
		  ww_json_error *err, ww_json_dup_fn on_dup, void *dup_ctx)
{
	parser ps = {0};
	int rc = -1;

	doc_clear(doc);
	memset(err, 0, sizeof(*err));
	ps.doc = doc;
	ps.p = data;
	ps.end = data + len;
	ps.line = first_line ? first_line : 1;
	ps.line_start = data;
	ps.err = err;
	ps.on_dup = on_dup;
	ps.dup_ctx = dup_ctx;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		ps.p += 3;
		ps.line_start = ps.p; /* columns count from after the BOM */
	}
	skip_ws(&ps);
	if (ps.p >= ps.end) {
		fail_at(&ps, ps.p, "json-empty", "no JSON value in the input; expected a value");
		goto done;
	}
	if (parse_value(&ps, &doc->root, 0))
		goto done;
	skip_ws(&ps);
	if (ps.p < ps.end) {
		fail_unexpected(&ps, "end of input after the value");
		goto done;
	}
	rc = 0;
done:
	ww_buf_release(&ps.scratch);
	if (rc)
		ww_json_doc_release(doc);
	return rc;
}

/* ---- Reading an array element by element ------------------------------- */
enum {
	R_START = 0,
	R_OPEN,
	R_FIRST,
	R_VALUE,
	R_NEXT,
	R_AFTER,
	O_FIRST,
	O_KEY,
	O_VALUE,
	O_NEXT,
	O_SEP
};

static const char bom[] = "\xef\xbb\xbf";

/*
 * The end of the value at `p` (from `[p, end)`), far enough that parsing
 * the bytes up to it decides exactly as parsing the whole input would: a
 * container through its closing bracket (brackets counted outside
 * strings, whatever their kind: a mismatch stops the parser before), or
 * through the bracket the parser refuses as too deep; a string through its
 * quote; anything else from its first byte up to a byte that ends numbers
 * and literals. 0 when the window ends first.
 */
static int value_extent(const char *p, const char *end, int depth0, const char **stop)
{
	size_t depth = 0;
	int in_str = 0;

	if (p >= end)
		return 0;
	if (*p != '{' && *p != '[' && *p != '"') {
		/* the first byte decides, even one that ends values */
		for (p++; p < end; p++) {
			char c = *p;
			if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' ||
			    c == '\n' || c == '\r') {
				*stop = p;
				return 1;
			}
		}
		return 0;
	}
	for (; p < end; p++) {
		char c = *p;
		if (in_str) {
			if (c == '\\') {
				if (end - p < 2)
					return 0;
				p++;
			} else if (c == '"') {
				in_str = 0;
				if (!depth) {
					*stop = p + 1;
					return 1;
				}
			}
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			/* the value is at depth0 of the document */
			if (++depth + (size_t)depth0 - 1 >= WW_JSON_MAX_DEPTH) {
				*stop = p + 1;
				return 1;
			}
		} else if (c == '}' || c == ']') {
			if (--depth == 0) {
				*stop = p + 1;
				return 1;
			}
		}
	}
	return 0;
}

/*
 * Most elements lie whole inside the window: parse one straight away, and
 * keep the result when the value ended before the window did (the bytes
 * after it could not have changed it) and had no duplicate names (their
 * callbacks are held back, since a retry would repeat them). Otherwise
 * everything is as before the attempt, and value_extent decides. Saves a
 * scan of every element.
 */
static int read_whole(parser *ps, int depth)
{
	const char *p = ps->p, *line_start = ps->line_start;
	unsigned line = ps->line;
	size_t wide = ps->wide;
	ww_json_dup_fn on_dup = ps->on_dup;
	int rc;

	ps->on_dup = NULL;
	ps->dups = 0;
	rc = parse_value(ps, &ps->doc->root, depth);
	ps->on_dup = on_dup;
	if (!rc && ps->p < ps->end && !ps->dups)
		return 1;
	doc_clear(ps->doc);
	memset(ps->err, 0, sizeof(*ps->err));
	ps->p = p;
	ps->line_start = line_start;
	ps->line = line;
	ps->wide = wide;
	return 0;
}

/* The steps of parse_container for the top-level array, with MORE where
 * the window ends before the whole input does. */
static int read_step(ww_json_reader *r, parser *ps, int eof)
{
	for (;;) {
		switch (r->state) {
		case R_START: {
			size_t n = (size_t)(ps->end - ps->p);
			if (n < 3 && !eof && !memcmp(ps->p, bom, n))
				return WW_JSON_READ_MORE;
			if (n >= 3 && !memcmp(ps->p, bom, 3)) {
				ps->p += 3;
				ps->line_start = ps->p; /* columns count from after the BOM */
				ps->wide = 0;
			}
			r->state = R_OPEN;
			continue;
		}
		case R_OPEN:
			skip_ws(ps);
			if (ps->p >= ps->end) {
				if (!eof)
					return WW_JSON_READ_MORE;
				return fail_at(ps, ps->p, "json-empty",
					       "no JSON value in the input; expected a value");
			}
			if (*ps->p != (r->object ? '{' : '['))
				return WW_JSON_READ_NOT_ARRAY;
			ps->p++;
			r->state = r->object ? O_FIRST : R_FIRST;
			continue;
		case R_FIRST:
			skip_ws(ps);
			if (ps->p >= ps->end && !eof)
				return WW_JSON_READ_MORE;
			if (ps->p < ps->end && *ps->p == ']') {
				ps->p++;
				r->state = r->in_member ? O_NEXT : R_AFTER;
				continue;
			}
			r->state = R_VALUE;
			continue;
		case R_VALUE:
		case O_VALUE: {
			const char *stop = ps->end, *end = ps->end;
			int rc, depth = 1 + r->in_member;
			skip_ws(ps);
			if (r->state == O_VALUE) {
				if (r->stream && ps->p < ps->end && *ps->p == '[') {
					ps->p++;
					r->in_member = 1;
					r->state = R_FIRST;
					continue;
				}
				depth = 1;
			}
			if (!eof && read_whole(ps, depth)) {
				rc = 0;
			} else {
				/* at the end of the input the window is the whole rest */
				if (!eof && !value_extent(ps->p, ps->end, depth, &stop))
					return WW_JSON_READ_MORE;
				ps->end = stop;
				rc = parse_value(ps, &ps->doc->root, depth);
				ps->end = end;
				if (rc)
					return -1;
			}
			if (r->state == O_VALUE) {
				r->state = O_NEXT;
				return WW_JSON_READ_VALUE;
			}
			r->state = R_NEXT;
			return WW_JSON_READ_ELEMENT;
		}
		case O_FIRST:
			skip_ws(ps);
			if (ps->p >= ps->end && !eof)
				return WW_JSON_READ_MORE;
			if (ps->p < ps->end && *ps->p == '}') {
				ps->p++;
				r->closed = 1;
				r->state = R_AFTER;
				continue;
			}
			r->state = O_KEY;
			continue;
		case O_KEY: {
			/* the name, ':' and the value's first byte, or nothing yet */
			const char *p, *line_start, *stop, *end = ps->end;
			unsigned line;
			size_t wide;
			int rc;
			skip_ws(ps); /* a window may have ended inside the whitespace */
			p = ps->p;
			line_start = ps->line_start;
			line = ps->line;
			wide = ps->wide;
			if (ps->p >= ps->end && !eof)
				return WW_JSON_READ_MORE;
			if (ps->p >= ps->end || *ps->p != '"')
				return fail_unexpected(ps, r->members
							       ? "a member name in double quotes"
							       : "a member name or '}'");
			if (!value_extent(ps->p, ps->end, 1, &stop)) {
				if (!eof)
					return WW_JSON_READ_MORE;
				stop = ps->end;
			}
			r->key_line = ps->line;
			r->key_column = column_at(ps, ps->p);
			ps->end = stop;
			rc = parse_string(ps, &r->key, &r->key_len);
			ps->end = end;
			if (rc)
				return -1;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == ':') {
				ps->p++;
				skip_ws(ps);
				if (ps->p < ps->end || eof) {
					r->stream = 0;
					r->state = O_VALUE;
					return WW_JSON_READ_MEMBER;
				}
			} else if (ps->p < ps->end || eof) {
				return fail_unexpected(ps, "':' after the member name");
			}
			ps->p = p;
			ps->line_start = line_start;
			ps->line = line;
			ps->wide = wide;
			return WW_JSON_READ_MORE;
		}
		case O_NEXT:
			r->in_member = 0;
			r->members++;
			r->state = O_SEP;
			continue;
		case O_SEP:
			skip_ws(ps);
			if (ps->p >= ps->end && !eof)
				return WW_JSON_READ_MORE;
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				skip_ws(ps);
				r->state = O_KEY;
				continue;
			}
			if (ps->p < ps->end && *ps->p == '}') {
				ps->p++;
				r->closed = 1;
				r->state = R_AFTER;
				continue;
			}
			return fail_unexpected(ps, "',' or '}'");
		case R_NEXT:
			skip_ws(ps);
			if (ps->p >= ps->end && !eof)
				return WW_JSON_READ_MORE;
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				r->state = R_VALUE;
				continue;
			}
			if (ps->p < ps->end && *ps->p == ']') {
				ps->p++;
				r->state = r->in_member ? O_NEXT : R_AFTER;
				continue;
			}
			return fail_unexpected(ps, "',' or ']'");
		default: /* R_AFTER */
			skip_ws(ps);
			if (ps->p >= ps->end)
				return eof ? WW_JSON_READ_END : WW_JSON_READ_MORE;
			return fail_unexpected(ps, "end of input after the value");
		}
	}
}

int ww_json_read_next(ww_json_reader *r, ww_json_doc *doc, const char *data, size_t len, int eof,
		      size_t *used, ww_json_error *err, ww_json_dup_fn on_dup, void *dup_ctx)
{
	parser ps = {0};
	int rc;

	doc_clear(doc);
	memset(err, 0, sizeof(*err));
	ps.doc = doc;
	ps.p = data;
	ps.end = data + len;
	ps.line = r->line;
	ps.line_start = data;
	/* column_at subtracts `wide` (bytes that are not characters of their
	 * own); starting it below zero (unsigned, so it wraps, well defined)
	 * by the characters already read on this line continues their count. */
	ps.wide = (size_t)0 - r->col;
	ps.err = err;
	ps.on_dup = on_dup;
	ps.dup_ctx = dup_ctx;
	rc = read_step(r, &ps, eof);
	ww_buf_release(&ps.scratch);
	if (rc == WW_JSON_READ_NOT_ARRAY) {
		*used = 0;
		return rc;
	}
	*used = (size_t)(ps.p - data);
	r->line = ps.line;
	r->col = (size_t)(ps.p - ps.line_start) - ps.wide;
	return rc;
}
