#include "migrate/item.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "common/error.h"
#include "models/json.h"

int ww_item_build(ww_av *out, const ww_layout *l, ww_kind k, const char *id, const ww_av *fields,
		  const char *hash, const ww_item_meta *meta, const ww_item_prev *prev)
{
	ww_av key = WW_AV_INIT;
	ww_av *meta_av;
	char num[32];
	size_t i;
	int rc = 0;

	ww_av_release(out);
	for (i = 0; i < fields->n; i++) {
		if (ww_layout_is_reserved(l, k, fields->members[i].name)) {
			rc = ww_error_set(
			    WW_EINVALID,
			    "%s \"%s\": field '%s' collides with an attribute of layout '%s'",
			    ww_kind_name(k), id, fields->members[i].name, l->name);
			goto done;
		}
	}
	ww_av_copy(out, fields);
	ww_layout_key_of(l, k, id, &key);
	for (i = 0; i < key.n; i++) {
		ww_av *v = ww_av_map_get_mut(out, key.members[i].name);
		if (!v)
			v = ww_av_map_add(out, key.members[i].name);
		ww_av_copy(v, &key.members[i].value);
	}
	if (l->entity_type_attr && l->kinds[k].entity_type) {
		const char *et = l->kinds[k].entity_type;
		ww_av_set_s(ww_av_map_add(out, l->entity_type_attr), et, strlen(et));
	}
	if (l->created_attr) {
		const char *c = prev && prev->created_at ? prev->created_at : meta->now;
		ww_av_set_s(ww_av_map_add(out, l->created_attr), c, strlen(c));
	}
	if (l->updated_attr)
		ww_av_set_s(ww_av_map_add(out, l->updated_attr), meta->now, strlen(meta->now));
	if (l->version_attr) {
		snprintf(num, sizeof(num), "%ld", prev ? prev->version + 1 : 1);
		ww_av_set_n(ww_av_map_add(out, l->version_attr), num);
	}
	meta_av = ww_av_map_add(out, WW_META_ATTR);
	ww_av_set_container(meta_av, WW_AV_M);
	ww_av_set_s(ww_av_map_add(meta_av, "hash"), hash, strlen(hash));
	snprintf(num, sizeof(num), "%d", WW_MODEL_VERSION);
	ww_av_set_n(ww_av_map_add(meta_av, "modelVersion"), num);
	ww_av_set_s(ww_av_map_add(meta_av, "changedAt"), meta->now, strlen(meta->now));
	ww_av_set_s(ww_av_map_add(meta_av, "managedBy"), "wwseed", 6);
	ww_av_set_s(ww_av_map_add(meta_av, "runId"), meta->run_id, strlen(meta->run_id));
done:
	ww_av_release(&key);
	return rc;
}

void ww_item_strip(ww_av *out, const ww_layout *l, ww_kind k, const ww_av *item)
{
	size_t i;

	ww_av_set_container(out, WW_AV_M);
	for (i = 0; i < item->n; i++) {
		if (ww_layout_is_reserved(l, k, item->members[i].name))
			continue;
		ww_av_copy(ww_av_map_add(out, item->members[i].name), &item->members[i].value);
	}
}

void ww_item_iso_time(char out[32], time_t secs, int millis)
{
	struct tm tm;
	char date[24];
	unsigned ms = (unsigned)(millis < 0 ? 0 : millis % 1000);

	gmtime_r(&secs, &tm);
	if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		date[0] = 0;
	snprintf(out, 32, "%.19s.%03uZ", date, ms);
}

void ww_item_now(char out[32])
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	ww_item_iso_time(out, tv.tv_sec, (int)(tv.tv_usec / 1000));
}

unsigned ww_item_wcu_of_size(size_t size)
{
	return size == 0 ? 1 : (unsigned)((size + 1023) / 1024);
}

unsigned ww_item_wcu(const ww_av *item)
{
	return ww_item_wcu_of_size(ww_av_item_size(item));
}

/* ---- Items written from the canonical text ----------------------------
 *
 * The canonical text is our own output (models/defs.c): members sorted,
 * strings escaped by ww_buf_put_json_string, numbers already in the text
 * DynamoDB gets, no whitespace. The scanner still checks every byte it
 * relies on, so anything else fails cleanly instead of sending a request
 * DynamoDB would reject or, worse, accept with other values.
 */
#define MAX_DEPTH 64

typedef struct {
	const char *p, *end;
	ww_buf *out; /* NULL: sizes only */
	int depth;
} scan;

static void put(scan *x, const char *s, size_t n)
{
	if (x->out)
		ww_buf_put(x->out, s, n);
}

/* A literal's length is known where it is written: no strlen, and the
 * copy of a few constant bytes inlines. */
#define PUTLIT(x, lit) put((x), (lit), sizeof(lit) - 1)

/* The end of a run of bytes that need no look (not a quote, backslash or
 * control byte), eight at a time: most of an item's text is such runs. */
static const char *plain_run(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;

	while (end - p >= 8) {
		uint64_t v, q, b;
		memcpy(&v, p, 8);
		q = v ^ (ones * '"');
		b = v ^ (ones * '\\');
		if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v)) & high)
			break;
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	return p;
}

/* A string at x->p: its escaped bytes between the quotes (raw, rawlen)
 * and the length DynamoDB counts, the decoded UTF-8 bytes. */
static int string_span(scan *x, const char **raw, size_t *rawlen, size_t *declen)
{
	const char *p = x->p + 1;
	size_t n = 0;

	if (x->p >= x->end || *x->p != '"')
		return -1;
	while (p < x->end && *p != '"') {
		const char *run = p;
		unsigned cp, lo;

		p = plain_run(p, x->end);
		n += (size_t)(p - run);
		if (p >= x->end || *p == '"')
			break;
		if ((unsigned char)*p < 0x20)
			return -1;
		if (p + 1 >= x->end)
			return -1;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			p += 2;
			n++;
			continue;
		case 'u':
			break;
		default:
			return -1;
		}
		if (x->end - p < 6 || ww_json_hex4(p + 2, &cp))
			return -1;
		p += 6;
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return -1;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (x->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    ww_json_hex4(p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			p += 6;
			n += 4;
		} else {
			n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
		}
	}
	if (p >= x->end)
		return -1;
	*raw = x->p + 1;
	*rawlen = (size_t)(p - (x->p + 1));
	*declen = n;
	x->p = p + 1;
	return 0;
}

static int literal(scan *x, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(x->end - x->p) < n || memcmp(x->p, word, n))
		return -1;
	x->p += n;
	return 0;
}

static int is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* A JSON number (RFC 8259 grammar), so a malformed one fails here rather
 * than reaching DynamoDB as an invalid N. */
static int number_span(scan *x, const char **s, size_t *len)
{
	const char *p = x->p, *end = x->end;

	if (p < end && *p == '-')
		p++;
	if (!is_digit(p, end))
		return -1;
	if (*p++ != '0')
		while (is_digit(p, end))
			p++;
	if (p < end && *p == '.') {
		if (!is_digit(++p, end))
			return -1;
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, end))
			return -1;
		while (is_digit(p, end))
			p++;
	}
	*s = x->p;
	*len = (size_t)(p - x->p);
	x->p = p;
	return 0;
}

/* ww_av_number_size without the copy and the exponent's strtol: DynamoDB
 * counts the significant digits, leading and trailing zeros of the
 * mantissa left out. Long or odd text takes the general path. */
static size_t number_size(const char *s, size_t len)
{
	size_t i = 0, first = 0, last = 0, nd = 0;
	int seen = 0;

	if (len > 40)
		return ww_av_number_size(s, len);
	if (s[0] == '-')
		i++;
	for (; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.')
			continue;
		if (s[i] < '0' || s[i] > '9')
			return ww_av_number_size(s, len);
		nd++;
		if (s[i] != '0') {
			if (!seen)
				first = nd;
			seen = 1;
			last = nd;
		}
	}
	if (i < len) { /* the exponent: a sign, then digits only */
		size_t d = ++i;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			d = ++i;
		for (; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return ww_av_number_size(s, len);
		if (i == d)
			return ww_av_number_size(s, len);
	}
	return seen ? (last - first + 1 + 1) / 2 + 1 : ww_av_number_size(s, len);
}

static int typed_value(scan *x, size_t *size);

/* The members of an object or the elements of a list, each as a typed
 * value; x->p is on the opening bracket. */
static int typed_container(scan *x, int object, size_t *size)
{
	const char *raw;
	size_t rawlen, declen, vsize;
	int first = 1;

	if (++x->depth > MAX_DEPTH)
		return -1;
	if (object)
		PUTLIT(x, "{\"M\":{");
	else
		PUTLIT(x, "{\"L\":[");
	*size = 3;
	x->p++;
	while (x->p < x->end && *x->p != (object ? '}' : ']')) {
		if (!first) {
			if (*x->p != ',')
				return -1;
			x->p++;
			put(x, ",", 1);
		}
		first = 0;
		*size += 1;
		if (object) {
			if (string_span(x, &raw, &rawlen, &declen) || x->p >= x->end ||
			    *x->p != ':')
				return -1;
			x->p++;
			/* The name as it stands, quotes and colon included. */
			put(x, raw - 1, rawlen + 3);
			*size += declen;
		}
		if (typed_value(x, &vsize))
			return -1;
		*size += vsize;
	}
	if (x->p >= x->end)
		return -1;
	x->p++;
	if (object)
		PUTLIT(x, "}}");
	else
		PUTLIT(x, "]}");
	x->depth--;
	return 0;
}

static int typed_value(scan *x, size_t *size)
{
	const char *s;
	size_t len, declen;

	if (x->p >= x->end)
		return -1;
	switch (*x->p) {
	case '{':
		return typed_container(x, 1, size);
	case '[':
		return typed_container(x, 0, size);
	case '"':
		if (string_span(x, &s, &len, &declen))
			return -1;
		PUTLIT(x, "{\"S\":");
		put(x, s - 1, len + 2); /* with its quotes */
		PUTLIT(x, "}");
		*size = declen;
		return 0;
	case 't':
	case 'f': {
		int t = *x->p == 't';
		if (literal(x, t ? "true" : "false"))
			return -1;
		if (t)
			PUTLIT(x, "{\"BOOL\":true}");
		else
			PUTLIT(x, "{\"BOOL\":false}");
		*size = 1;
		return 0;
	}
	case 'n':
		if (literal(x, "null"))
			return -1;
		PUTLIT(x, "{\"NULL\":true}");
		*size = 1;
		return 0;
	default:
		if (number_span(x, &s, &len))
			return -1;
		PUTLIT(x, "{\"N\":\"");
		put(x, s, len);
		PUTLIT(x, "\"}");
		*size = number_size(s, len);
		return 0;
	}
}

/* A bookkeeping attribute: "name":{"S"|"N":"value"} after a comma unless
 * it is the first member of its map, and its size. */
static size_t put_attr(ww_buf *out, int *nmembers, const char *name, const char *type,
		       const char *value)
{
	size_t len = strlen(value);

	if (out) {
		if ((*nmembers)++)
			ww_buf_putc(out, ',');
		ww_buf_put_json_string(out, name, strlen(name));
		ww_buf_puts(out, ":{\"");
		ww_buf_puts(out, type);
		ww_buf_puts(out, "\":");
		ww_buf_put_json_string(out, value, len);
		ww_buf_putc(out, '}');
	}
	return strlen(name) + (*type == 'N' ? ww_av_number_size(value, len) : len);
}

static int item_text(scan *x, size_t *size, const ww_layout *l, ww_kind k, const char *id,
		     const ww_av *key, const char *hash, const ww_item_meta *meta,
		     const ww_item_prev *prev)
{
	ww_buf *out = x->out, name = WW_BUF_INIT;
	const char *raw, *fname;
	char local[128];
	size_t rawlen, declen, vsize, i, msize;
	char num[32];
	int first = 1, rc = -1, nm = 0, nmeta = 0;

	*size = 0;
	if (out)
		ww_buf_putc(out, '{');
	/* The key first: a definition field of the same name ("id") is the
	 * same value, and ww_item_build lets the key's win. */
	for (i = 0; i < key->n; i++) {
		const ww_av_member *m = &key->members[i];
		if (out) {
			if (nm++)
				ww_buf_putc(out, ',');
			ww_buf_put_json_string(out, m->name, strlen(m->name));
			ww_buf_putc(out, ':');
			ww_av_to_json(out, &m->value);
		}
		*size += strlen(m->name) + ww_av_size(&m->value);
	}
	if (x->p >= x->end || *x->p != '{')
		goto done;
	x->p++;
	while (x->p < x->end && *x->p != '}') {
		int skip;
		if (!first) {
			if (*x->p != ',')
				goto done;
			x->p++;
		}
		first = 0;
		if (string_span(x, &raw, &rawlen, &declen) || x->p >= x->end || *x->p != ':')
			goto done;
		x->p++;
		/* Field names are short and plain: no allocation for them. */
		if (rawlen < sizeof(local) && !memchr(raw, '\\', rawlen)) {
			memcpy(local, raw, rawlen);
			local[rawlen] = '\0';
			fname = local;
		} else {
			ww_buf_clear(&name);
			ww_json_unescape(&name, raw, rawlen);
			fname = ww_buf_cstr(&name);
		}
		if (ww_layout_is_reserved(l, k, fname)) {
			rc = ww_error_set(
			    WW_EINVALID,
			    "%s \"%s\": field '%s' collides with an attribute of layout '%s'",
			    ww_kind_name(k), id, fname, l->name);
			goto done;
		}
		skip = ww_av_map_get(key, fname) != NULL;
		x->out = skip ? NULL : out;
		if (!skip) {
			if (nm++)
				put(x, ",", 1);
			put(x, raw - 1, rawlen + 3);
		}
		if (typed_value(x, &vsize))
			goto done;
		if (!skip)
			*size += declen + vsize;
		x->out = out;
	}
	if (x->p >= x->end || x->p + 1 != x->end)
		goto done;
	x->p++;
	if (l->entity_type_attr && l->kinds[k].entity_type)
		*size += put_attr(out, &nm, l->entity_type_attr, "S", l->kinds[k].entity_type);
	if (l->created_attr)
		*size += put_attr(out, &nm, l->created_attr, "S",
				  prev && prev->created_at ? prev->created_at : meta->now);
	if (l->updated_attr)
		*size += put_attr(out, &nm, l->updated_attr, "S", meta->now);
	if (l->version_attr) {
		snprintf(num, sizeof(num), "%ld", prev ? prev->version + 1 : 1);
		*size += put_attr(out, &nm, l->version_attr, "N", num);
	}
	if (out) {
		if (nm++)
			ww_buf_putc(out, ',');
		ww_buf_put_json_string(out, WW_META_ATTR, strlen(WW_META_ATTR));
		ww_buf_puts(out, ":{\"M\":{");
	}
	snprintf(num, sizeof(num), "%d", WW_MODEL_VERSION);
	/* A map: 3 bytes, and 1 per member besides its name and value. */
	msize = 3 + 5 * 1;
	msize += put_attr(out, &nmeta, "hash", "S", hash);
	msize += put_attr(out, &nmeta, "modelVersion", "N", num);
	msize += put_attr(out, &nmeta, "changedAt", "S", meta->now);
	msize += put_attr(out, &nmeta, "managedBy", "S", "wwseed");
	msize += put_attr(out, &nmeta, "runId", "S", meta->run_id);
	*size += strlen(WW_META_ATTR) + msize;
	if (out)
		ww_buf_puts(out, "}}}");
	rc = 0;
done:
	x->out = out;
	ww_buf_release(&name);
	return rc;
}

int ww_item_json(ww_buf *out, size_t *size_out, const ww_layout *l, ww_kind k, const char *id,
		 const ww_av *key, const char *canon, size_t len, const char *hash,
		 const ww_item_meta *meta, const ww_item_prev *prev)
{
	scan x = {canon, canon + len, out, 0};
	size_t start = out ? out->len : 0, size = 0;
	int rc;

	/* Typed JSON is at most about twice the canonical text plus the
	 * bookkeeping: one allocation instead of a doubling series. */
	if (out)
		ww_buf_grow(out, 2 * len + 512);
	rc = item_text(&x, &size, l, k, id, key, hash, meta, prev);

	if (rc == -1)
		rc = ww_error_set(WW_ERROR,
				  "%s \"%s\": its canonical form is not understood at byte %zu",
				  ww_kind_name(k), id, (size_t)(x.p - canon));
	if (rc && out)
		out->len = start;
	if (size_out)
		*size_out = rc ? 0 : size;
	return rc;
}

static int parse_value(scan *x, ww_av *out, ww_buf *tmp)
{
	const char *s;
	size_t len, declen;
	int object, first = 1;

	if (x->p >= x->end)
		return -1;
	switch (*x->p) {
	case '{':
	case '[':
		object = *x->p == '{';
		if (++x->depth > MAX_DEPTH)
			return -1;
		ww_av_set_container(out, object ? WW_AV_M : WW_AV_L);
		x->p++;
		while (x->p < x->end && *x->p != (object ? '}' : ']')) {
			ww_av *v;
			if (!first) {
				if (*x->p != ',')
					return -1;
				x->p++;
			}
			first = 0;
			if (object) {
				if (string_span(x, &s, &len, &declen) || x->p >= x->end ||
				    *x->p != ':')
					return -1;
				x->p++;
				ww_buf_clear(tmp);
				ww_json_unescape(tmp, s, len);
				v = ww_av_map_add(out, ww_buf_cstr(tmp));
			} else {
				v = ww_av_list_add(out);
			}
			if (parse_value(x, v, tmp))
				return -1;
		}
		if (x->p >= x->end)
			return -1;
		x->p++;
		x->depth--;
		return 0;
	case '"':
		if (string_span(x, &s, &len, &declen))
			return -1;
		ww_buf_clear(tmp);
		ww_json_unescape(tmp, s, len);
		ww_av_set_s(out, tmp->ptr ? tmp->ptr : "", tmp->len);
		return 0;
	case 't':
	case 'f':
		ww_av_set_bool(out, *x->p == 't');
		return literal(x, *x->p == 't' ? "true" : "false");
	case 'n':
		ww_av_set_null(out);
		return literal(x, "null");
	default:
		if (number_span(x, &s, &len))
			return -1;
		ww_buf_clear(tmp);
		ww_buf_put(tmp, s, len);
		ww_av_set_n(out, ww_buf_cstr(tmp));
		return 0;
	}
}

int ww_item_fields_parse(ww_av *out, const char *canon, size_t len)
{
	scan x = {canon, canon + len, NULL, 0};
	ww_buf tmp = WW_BUF_INIT;
	int rc;

	ww_av_release(out);
	rc = canon && len && *canon == '{' ? parse_value(&x, out, &tmp) : -1;
	if (rc == 0 && x.p != x.end)
		rc = -1;
	ww_buf_release(&tmp);
	if (rc) {
		ww_av_release(out);
		return ww_error_set(WW_ERROR, "canonical text not understood at byte %zu",
				    (size_t)(x.p - canon));
	}
	return 0;
}
