#include "common/av.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void ww_av_release(ww_av *av)
{
	size_t i;

	if (!av)
		return;
	for (i = 0; i < av->n; i++) {
		free(av->members[i].name);
		ww_av_release(&av->members[i].value);
	}
	free(av->members);
	free(av->str);
	memset(av, 0, sizeof(*av));
}

static void set_text(ww_av *av, ww_av_type type, const void *s, size_t len)
{
	ww_av_release(av);
	av->type = type;
	av->str = ww_xmalloc(len + 1);
	if (len)
		memcpy(av->str, s, len);
	av->str[len] = '\0';
	av->len = len;
}

void ww_av_set_s(ww_av *av, const char *s, size_t len)
{
	set_text(av, WW_AV_S, s, len);
}

void ww_av_set_n(ww_av *av, const char *decimal)
{
	set_text(av, WW_AV_N, decimal, strlen(decimal));
}

void ww_av_set_b(ww_av *av, const void *bytes, size_t len)
{
	set_text(av, WW_AV_B, bytes, len);
}

void ww_av_set_bool(ww_av *av, int value)
{
	ww_av_release(av);
	av->type = WW_AV_BOOL;
	av->boolean = !!value;
}

void ww_av_set_null(ww_av *av)
{
	ww_av_release(av);
	av->type = WW_AV_NULL;
}

void ww_av_set_container(ww_av *av, ww_av_type type)
{
	assert(type == WW_AV_M || type == WW_AV_L || type == WW_AV_SS ||
	       type == WW_AV_NS || type == WW_AV_BS);
	ww_av_release(av);
	av->type = type;
}

static ww_av_member *append(ww_av *c)
{
	ww_av_member *m;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->members = ww_xrealloc(c->members, c->cap * sizeof(*c->members));
	}
	m = &c->members[c->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

void ww_av_shrink(ww_av *av)
{
	if (av->n && av->n < av->cap) {
		av->members = ww_xrealloc(av->members, av->n * sizeof(*av->members));
		av->cap = av->n;
	}
}

ww_av *ww_av_map_add(ww_av *map, const char *name)
{
	ww_av_member *m;

	assert(map->type == WW_AV_M);
	m = append(map);
	m->name = ww_xstrdup(name);
	return &m->value;
}

ww_av *ww_av_list_add(ww_av *list)
{
	assert(list->type == WW_AV_L || list->type == WW_AV_SS ||
	       list->type == WW_AV_NS || list->type == WW_AV_BS);
	return &append(list)->value;
}

static ww_av_member *find_member(const ww_av *map, const char *name)
{
	size_t i;

	if (!map || map->type != WW_AV_M)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->members[i].name, name))
			return &map->members[i];
	return NULL;
}

ww_av *ww_av_map_get_mut(ww_av *map, const char *name)
{
	ww_av_member *m = find_member(map, name);

	return m ? &m->value : NULL;
}

const ww_av *ww_av_map_get(const ww_av *map, const char *name)
{
	const ww_av_member *m = find_member(map, name);

	return m ? &m->value : NULL;
}

int ww_av_map_remove(ww_av *map, const char *name)
{
	size_t i;

	if (!map || map->type != WW_AV_M)
		return 0;
	for (i = 0; i < map->n; i++) {
		if (strcmp(map->members[i].name, name))
			continue;
		free(map->members[i].name);
		ww_av_release(&map->members[i].value);
		memmove(&map->members[i], &map->members[i + 1],
			(map->n - i - 1) * sizeof(*map->members));
		map->n--;
		return 1;
	}
	return 0;
}

const char *ww_av_map_get_str(const ww_av *map, const char *name)
{
	const ww_av *v = ww_av_map_get(map, name);

	if (!v || (v->type != WW_AV_S && v->type != WW_AV_N))
		return NULL;
	return v->str;
}

void ww_av_copy(ww_av *out, const ww_av *src)
{
	size_t i;

	ww_av_release(out);
	out->type = src->type;
	out->boolean = src->boolean;
	if (src->str) {
		out->str = ww_xmalloc(src->len + 1);
		memcpy(out->str, src->str, src->len + 1);
		out->len = src->len;
	}
	/* Exactly the members the source has: copies are what the engine
	 * keeps (items read from a table), rarely grown afterwards. */
	if (src->n) {
		out->members = ww_xmalloc(src->n * sizeof(*out->members));
		out->cap = src->n;
	}
	for (i = 0; i < src->n; i++) {
		ww_av_member *m = append(out);
		if (src->members[i].name)
			m->name = ww_xstrdup(src->members[i].name);
		ww_av_copy(&m->value, &src->members[i].value);
	}
}

/*
 * Numbers compare by value: both are normalised to sign, significant digits
 * and exponent, the form DynamoDB itself keeps. "1.50" equals "1.5" and
 * "15e-1"; text that is not a number compares as text.
 */
struct decimal {
	int neg;
	char digits[64];
	size_t ndigits;
	long exp; /* value = 0.digits * 10^exp */
};

static int parse_decimal(const char *s, struct decimal *d)
{
	long point = -1, pos = 0, lead = 0;
	int seen = 0;

	memset(d, 0, sizeof(*d));
	if (*s == '-' || *s == '+')
		d->neg = *s++ == '-';
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.') {
			if (point >= 0)
				return -1;
			point = pos;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		seen = 1;
		if (*s == '0' && d->ndigits == 0) {
			lead++;
			pos++;
			continue;
		}
		if (d->ndigits < sizeof(d->digits) - 1)
			d->digits[d->ndigits++] = *s;
		pos++;
	}
	if (!seen)
		return -1;
	if (point < 0)
		point = pos;
	d->exp = point - lead;
	if (*s == 'e' || *s == 'E') {
		char *end;
		d->exp += strtol(s + 1, &end, 10);
		if (*end || end == s + 1)
			return -1;
	}
	while (d->ndigits && d->digits[d->ndigits - 1] == '0')
		d->ndigits--;
	d->digits[d->ndigits] = '\0';
	if (!d->ndigits) {
		d->neg = 0;
		d->exp = 0;
	}
	return 0;
}

static int numbers_equal(const char *a, const char *b)
{
	struct decimal x, y;

	if (parse_decimal(a, &x) || parse_decimal(b, &y))
		return !strcmp(a, b);
	return x.neg == y.neg && x.exp == y.exp && !strcmp(x.digits, y.digits);
}

static int scalar_equal(const ww_av *a, const ww_av *b)
{
	if (a->type == WW_AV_N)
		return numbers_equal(a->str, b->str);
	return a->len == b->len && !memcmp(a->str, b->str, a->len);
}

static int contains(const ww_av *set, const ww_av *v)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (ww_av_equal(&set->members[i].value, v))
			return 1;
	return 0;
}

int ww_av_equal(const ww_av *a, const ww_av *b)
{
	size_t i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case WW_AV_NULL:
		return 1;
	case WW_AV_BOOL:
		return a->boolean == b->boolean;
	case WW_AV_S:
	case WW_AV_N:
	case WW_AV_B:
		return scalar_equal(a, b);
	case WW_AV_L:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!ww_av_equal(&a->members[i].value, &b->members[i].value))
				return 0;
		return 1;
	case WW_AV_M:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++) {
			const ww_av *o = ww_av_map_get(b, a->members[i].name);
			if (!o || !ww_av_equal(&a->members[i].value, o))
				return 0;
		}
		return 1;
	case WW_AV_SS:
	case WW_AV_NS:
	case WW_AV_BS:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!contains(b, &a->members[i].value))
				return 0;
		return 1;
	}
	return 0;
}

static void put_base64(ww_buf *out, const unsigned char *p, size_t len)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		char q[4] = { tbl[p[i] >> 2], tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
			      tbl[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], tbl[p[i + 2] & 63] };
		ww_buf_put(out, q, 4);
	}
	if (len - i == 1) {
		char q[4] = { tbl[p[i] >> 2], tbl[(p[i] & 3) << 4], '=', '=' };
		ww_buf_put(out, q, 4);
	} else if (len - i == 2) {
		char q[4] = { tbl[p[i] >> 2], tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
			      tbl[(p[i + 1] & 15) << 2], '=' };
		ww_buf_put(out, q, 4);
	}
}

static void put_b64_string(ww_buf *out, const ww_av *v)
{
	ww_buf_putc(out, '"');
	put_base64(out, (const unsigned char *)v->str, v->len);
	ww_buf_putc(out, '"');
}

static const char *type_tag(ww_av_type t)
{
	static const char *const tags[] = { "NULL", "S", "N", "B", "BOOL", "M", "L", "SS", "NS", "BS" };
	return tags[t];
}

static void members_to_json(ww_buf *out, const ww_av *map, int typed)
{
	size_t i;

	ww_buf_putc(out, '{');
	for (i = 0; i < map->n; i++) {
		if (i)
			ww_buf_putc(out, ',');
		ww_buf_put_json_string(out, map->members[i].name, strlen(map->members[i].name));
		ww_buf_putc(out, ':');
		if (typed)
			ww_av_to_json(out, &map->members[i].value);
		else
			ww_av_to_plain_json(out, &map->members[i].value);
	}
	ww_buf_putc(out, '}');
}

void ww_av_to_json(ww_buf *out, const ww_av *av)
{
	size_t i;

	ww_buf_puts(out, "{\"");
	ww_buf_puts(out, type_tag(av->type));
	ww_buf_puts(out, "\":");
	switch (av->type) {
	case WW_AV_NULL:
		ww_buf_puts(out, "true");
		break;
	case WW_AV_BOOL:
		ww_buf_puts(out, av->boolean ? "true" : "false");
		break;
	case WW_AV_S:
	case WW_AV_N:
		ww_buf_put_json_string(out, av->str, av->len);
		break;
	case WW_AV_B:
		put_b64_string(out, av);
		break;
	case WW_AV_M:
		members_to_json(out, av, 1);
		break;
	case WW_AV_L:
	case WW_AV_SS:
	case WW_AV_NS:
	case WW_AV_BS:
		ww_buf_putc(out, '[');
		for (i = 0; i < av->n; i++) {
			const ww_av *e = &av->members[i].value;
			if (i)
				ww_buf_putc(out, ',');
			if (av->type == WW_AV_L)
				ww_av_to_json(out, e);
			else if (av->type == WW_AV_BS)
				put_b64_string(out, e);
			else
				ww_buf_put_json_string(out, e->str, e->len);
		}
		ww_buf_putc(out, ']');
		break;
	}
	ww_buf_putc(out, '}');
}

void ww_av_item_to_json(ww_buf *out, const ww_av *item)
{
	assert(item->type == WW_AV_M);
	members_to_json(out, item, 1);
}

void ww_av_to_plain_json(ww_buf *out, const ww_av *av)
{
	size_t i;

	switch (av->type) {
	case WW_AV_NULL:
		ww_buf_puts(out, "null");
		break;
	case WW_AV_BOOL:
		ww_buf_puts(out, av->boolean ? "true" : "false");
		break;
	case WW_AV_S:
		ww_buf_put_json_string(out, av->str, av->len);
		break;
	case WW_AV_N:
		ww_buf_put(out, av->str, av->len);
		break;
	case WW_AV_B:
		put_b64_string(out, av);
		break;
	case WW_AV_M:
		members_to_json(out, av, 0);
		break;
	case WW_AV_L:
	case WW_AV_SS:
	case WW_AV_NS:
	case WW_AV_BS:
		ww_buf_putc(out, '[');
		for (i = 0; i < av->n; i++) {
			if (i)
				ww_buf_putc(out, ',');
			ww_av_to_plain_json(out, &av->members[i].value);
		}
		ww_buf_putc(out, ']');
		break;
	}
}

/* Sizes as the DynamoDB Developer Guide's "Item sizes and formats" counts
 * them: strings and binary by length, numbers one byte per two significant
 * digits plus one, null and booleans one byte, lists and maps three bytes
 * plus one per element plus their contents. */
static size_t number_size(const char *text)
{
	struct decimal d;

	if (parse_decimal(text, &d))
		return strlen(text);
	return (d.ndigits + 1) / 2 + 1;
}

size_t ww_av_number_size(const char *text, size_t len)
{
	char local[64], *t = len < sizeof(local) ? local : ww_xmalloc(len + 1);
	size_t n;

	memcpy(t, text, len);
	t[len] = '\0';
	n = number_size(t);
	if (t != local)
		free(t);
	return n;
}

size_t ww_av_size(const ww_av *av)
{
	size_t i, n = 0;

	switch (av->type) {
	case WW_AV_NULL:
	case WW_AV_BOOL:
		return 1;
	case WW_AV_S:
	case WW_AV_B:
		return av->len;
	case WW_AV_N:
		return number_size(av->str);
	case WW_AV_M:
		n = 3;
		for (i = 0; i < av->n; i++)
			n += 1 + strlen(av->members[i].name) + ww_av_size(&av->members[i].value);
		return n;
	case WW_AV_L:
		n = 3;
		for (i = 0; i < av->n; i++)
			n += 1 + ww_av_size(&av->members[i].value);
		return n;
	case WW_AV_SS:
	case WW_AV_NS:
	case WW_AV_BS:
		for (i = 0; i < av->n; i++)
			n += ww_av_size(&av->members[i].value);
		return n;
	}
	return n;
}

size_t ww_av_item_size(const ww_av *item)
{
	size_t i, n = 0;

	assert(item->type == WW_AV_M);
	for (i = 0; i < item->n; i++)
		n += strlen(item->members[i].name) + ww_av_size(&item->members[i].value);
	return n;
}
