#include "aws/sigv4.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/crypto.h"
#include "common/error.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

void ww_creds_release(ww_creds *c)
{
	if (!c)
		return;
	if (c->secret_access_key)
		ww_crypto_wipe(c->secret_access_key, strlen(c->secret_access_key));
	if (c->session_token)
		ww_crypto_wipe(c->session_token, strlen(c->session_token));
	free(c->access_key_id);
	free(c->secret_access_key);
	free(c->session_token);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

static char *dup_or_null(const char *s)
{
	return s ? ww_xstrdup(s) : NULL;
}

void ww_creds_copy(ww_creds *out, const ww_creds *src)
{
	out->access_key_id = dup_or_null(src->access_key_id);
	out->secret_access_key = dup_or_null(src->secret_access_key);
	out->session_token = dup_or_null(src->session_token);
	out->expiration = src->expiration;
	out->source = dup_or_null(src->source);
}

void ww_sigv4_output_release(ww_sigv4_output *out)
{
	if (!out)
		return;
	/* The canonical request holds any session token and the
	 * authorization the signature: wiped like the header lines (curl's
	 * own copy of the headers is out of reach). */
	if (out->canonical_request.ptr)
		ww_crypto_wipe(out->canonical_request.ptr, out->canonical_request.len);
	if (out->authorization.ptr)
		ww_crypto_wipe(out->authorization.ptr, out->authorization.len);
	ww_buf_release(&out->canonical_request);
	ww_buf_release(&out->string_to_sign);
	ww_buf_release(&out->authorization);
	out->amz_date[0] = '\0';
}

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

void ww_sigv4_uri_encode(ww_buf *out, const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_unreserved(c) || (keep_slash && c == '/')) {
			ww_buf_putc(out, (char)c);
		} else {
			ww_buf_putc(out, '%');
			ww_buf_putc(out, hex[c >> 4]);
			ww_buf_putc(out, hex[c & 15]);
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode `len` bytes (malformed escapes are kept as they are), then
 * encode the result the SigV4 way, so encoded and raw input agree. */
static void reencode(ww_buf *out, const char *s, size_t len)
{
	ww_buf raw = WW_BUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			ww_buf_putc(&raw, (char)(hi << 4 | lo));
			i += 2;
		} else {
			ww_buf_putc(&raw, s[i]);
		}
	}
	ww_sigv4_uri_encode(out, raw.ptr ? raw.ptr : "", raw.len, 0);
	ww_buf_release(&raw);
}

/* The canonical URI: dot segments and empty segments removed (unless
 * `normalize` is 0, as for S3), each segment URI-encoded. */
static void canonical_uri(ww_buf *out, const char *path, int normalize)
{
	const char **seg = NULL;
	size_t *seglen = NULL, nseg = 0, i, plen;
	const char *p;

	if (!path || !*path) {
		ww_buf_putc(out, '/');
		return;
	}
	if (!normalize) {
		ww_sigv4_uri_encode(out, path, strlen(path), 1);
		return;
	}
	plen = strlen(path);
	seg = ww_xcalloc(plen + 1, sizeof(*seg));
	seglen = ww_xcalloc(plen + 1, sizeof(*seglen));
	p = path;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* empty or "." segment: dropped */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg)
				nseg--;
		} else {
			seg[nseg] = p;
			seglen[nseg++] = n;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	for (i = 0; i < nseg; i++) {
		ww_buf_putc(out, '/');
		ww_sigv4_uri_encode(out, seg[i], seglen[i], 0);
	}
	if (nseg == 0 || path[plen - 1] == '/')
		ww_buf_putc(out, '/');
	free(seg);
	free(seglen);
}

typedef struct {
	char *key;
	char *value;
	size_t order;
} pair;

static int pair_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	c = strcmp(x->value, y->value);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Headers sort by name only, keeping the order of repeated names. */
static int header_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void free_pairs(pair *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
}

static void canonical_query(ww_buf *out, const char *query)
{
	pair *params = NULL;
	size_t n = 0, cap = 0, i;
	const char *p = query;

	if (!query)
		return;
	while (*p) {
		const char *e = strchr(p, '&'), *eq;
		size_t len = e ? (size_t)(e - p) : strlen(p);
		ww_buf k = WW_BUF_INIT, v = WW_BUF_INIT;

		if (len) {
			eq = memchr(p, '=', len);
			reencode(&k, p, eq ? (size_t)(eq - p) : len);
			if (eq)
				reencode(&v, eq + 1, len - (size_t)(eq + 1 - p));
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				params = ww_xrealloc(params, cap * sizeof(*params));
			}
			params[n].key = ww_buf_detach(&k);
			params[n].value = ww_buf_detach(&v);
			params[n].order = n;
			n++;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	if (n)
		qsort(params, n, sizeof(*params), pair_cmp);
	for (i = 0; i < n; i++) {
		if (i)
			ww_buf_putc(out, '&');
		ww_buf_printf(out, "%s=%s", params[i].key, params[i].value);
	}
	free_pairs(params, n);
}

/* Trim and fold whitespace: runs of spaces, tabs and line breaks become one
 * space (this also joins the lines of a multi-line value). */
static char *trim_value(const char *v)
{
	ww_buf b = WW_BUF_INIT;
	int space = 0;
	size_t len = strlen(v);

	/* Most values need nothing: no edge spaces, tabs, line breaks or runs. */
	if (!len || (v[0] != ' ' && v[len - 1] != ' ' && !strpbrk(v, "\t\r\n") && !strstr(v, "  ")))
		return ww_xstrndup(v, len);

	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			space = 1;
			continue;
		}
		if (space && b.len)
			ww_buf_putc(&b, ' ');
		space = 0;
		ww_buf_putc(&b, *v);
	}
	return ww_buf_detach(&b);
}

static char *lowercase(const char *s)
{
	char *d = ww_xstrdup(s), *p;

	for (p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static void hex_sha256(const void *data, size_t len, char hex[2 * WW_SHA256_LEN + 1])
{
	unsigned char md[WW_SHA256_LEN];

	ww_crypto_sha256(data, len, md);
	ww_crypto_hex(md, sizeof(md), hex);
}

/*
 * The signing key depends only on the secret and the scope (date, region,
 * service), so each thread keeps the last one it derived: four HMACs saved
 * on every request but the first of each day. The entry is found by a
 * SHA-256 of the secret, not the secret itself, so a refreshed or different
 * secret misses and derives again; the key is wiped when replaced, when its
 * thread ends, and for the main thread at exit.
 */
#define SCOPE_MAX 160

typedef struct {
	unsigned char secret_id[WW_SHA256_LEN];
	char scope[SCOPE_MAX]; /* "20150830/us-east-1/dynamodb"; "" when unset */
	unsigned char key[WW_SHA256_LEN];
} key_cache;

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;
static int cache_ok;

static void cache_free(void *p)
{
	if (p)
		ww_crypto_wipe(p, sizeof(key_cache));
	free(p);
}

static void cache_wipe_main(void)
{
	if (cache_ok)
		cache_free(pthread_getspecific(cache_key));
	if (cache_ok)
		pthread_setspecific(cache_key, NULL);
}

static void cache_init(void)
{
	cache_ok = !pthread_key_create(&cache_key, cache_free);
	/* key destructors do not run for the thread that calls exit() */
	if (cache_ok)
		atexit(cache_wipe_main);
}

/* Derive (or find) the signing key for `secret` and `scope`, whose first 8
 * bytes are the date, then region and service after '/'. */
static void signing_key(const char *secret, const char *scope, size_t scope_len, const char *date,
			const char *region, const char *service, unsigned char key[WW_SHA256_LEN])
{
	unsigned char id[WW_SHA256_LEN], k1[WW_SHA256_LEN], k2[WW_SHA256_LEN];
	size_t slen = strlen(secret);
	char *aws4;
	key_cache *kc = NULL;

	pthread_once(&cache_once, cache_init);
	ww_crypto_sha256(secret, slen, id);
	/* a '/' in region or service would make two scopes read alike */
	if (cache_ok && scope_len < SCOPE_MAX && !strchr(region, '/') && !strchr(service, '/')) {
		kc = pthread_getspecific(cache_key);
		if (kc && kc->scope[0] && !memcmp(kc->secret_id, id, sizeof(id)) &&
		    !strcmp(kc->scope, scope)) {
			memcpy(key, kc->key, WW_SHA256_LEN);
			ww_crypto_wipe(id, sizeof(id));
			return;
		}
		if (!kc) {
			kc = ww_xcalloc(1, sizeof(*kc));
			if (pthread_setspecific(cache_key, kc)) {
				free(kc);
				kc = NULL;
			}
		}
	}
	aws4 = ww_xmalloc(slen + 5);
	memcpy(aws4, "AWS4", 4);
	memcpy(aws4 + 4, secret, slen + 1);
	ww_crypto_hmac_sha256(aws4, slen + 4, date, 8, k1);
	ww_crypto_hmac_sha256(k1, sizeof(k1), region, strlen(region), k2);
	ww_crypto_hmac_sha256(k2, sizeof(k2), service, strlen(service), k1);
	ww_crypto_hmac_sha256(k1, sizeof(k1), "aws4_request", 12, key);
	if (kc) {
		memcpy(kc->secret_id, id, sizeof(id));
		memcpy(kc->scope, scope, scope_len + 1);
		memcpy(kc->key, key, WW_SHA256_LEN);
	}
	ww_crypto_wipe(aws4, slen + 4);
	free(aws4);
	ww_crypto_wipe(id, sizeof(id));
	ww_crypto_wipe(k1, sizeof(k1));
	ww_crypto_wipe(k2, sizeof(k2));
}

/* "%Y%m%dT%H%M%SZ" without strftime's locale machinery. */
static int amz_date(time_t now, char out[17])
{
	struct tm tm;
	int v[6], i, w[6] = {4, 2, 2, 2, 2, 2};
	char *p = out;

	if (!gmtime_r(&now, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return -1;
	v[0] = tm.tm_year + 1900, v[1] = tm.tm_mon + 1, v[2] = tm.tm_mday;
	v[3] = tm.tm_hour, v[4] = tm.tm_min, v[5] = tm.tm_sec;
	for (i = 0; i < 6; i++) {
		int d, x = v[i], div = w[i] == 4 ? 1000 : 10;
		if (i == 3)
			*p++ = 'T';
		for (d = 0; d < w[i]; d++, div /= 10)
			*p++ = (char)('0' + x / div % 10);
	}
	*p++ = 'Z';
	*p = '\0';
	return 0;
}

int ww_sigv4_sign(const ww_sigv4_input *in, const ww_creds *creds, ww_sigv4_output *out)
{
	pair *hdrs = NULL;
	size_t n = 0, i;
	int err = 0, have_host = 0;
	const char *token = creds ? creds->session_token : NULL;
	ww_buf signed_headers = WW_BUF_INIT, scope = WW_BUF_INIT;
	ww_buf *cr = &out->canonical_request, *sts = &out->string_to_sign;
	char date[9], hash[2 * WW_SHA256_LEN + 1], sig[2 * WW_SHA256_LEN + 1];
	unsigned char key[WW_SHA256_LEN], mac[WW_SHA256_LEN];

	ww_sigv4_output_release(out);
	if (!creds || !creds->access_key_id || !creds->secret_access_key) {
		err = ww_error_set(WW_EINVALID, "cannot sign request: no credentials");
		goto done;
	}
	if (!in->region || !*in->region || !in->service || !*in->service || !in->method) {
		err =
		    ww_error_set(WW_EINVALID, "cannot sign request: no region, service or method");
		goto done;
	}
	if (amz_date(in->now, out->amz_date)) {
		err = ww_error_set(WW_EINVALID, "cannot sign request: bad time");
		goto done;
	}
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';

	hdrs = ww_xcalloc(in->nheaders + 2, sizeof(*hdrs));
	for (i = 0; i < in->nheaders; i++) {
		const char *name = in->headers[i].name;
		if (!strcasecmp(name, "authorization") || !strcasecmp(name, "x-amz-date") ||
		    (token && !strcasecmp(name, "x-amz-security-token")))
			continue;
		if (!strcasecmp(name, "host"))
			have_host = 1;
		hdrs[n].key = lowercase(name);
		hdrs[n].value = trim_value(in->headers[i].value ? in->headers[i].value : "");
		hdrs[n].order = n;
		n++;
	}
	if (!have_host) {
		err = ww_error_set(WW_EINVALID, "cannot sign request: no host header");
		goto done;
	}
	hdrs[n].key = ww_xstrdup("x-amz-date");
	hdrs[n].value = ww_xstrdup(out->amz_date);
	hdrs[n].order = n;
	n++;
	if (token) {
		hdrs[n].key = ww_xstrdup("x-amz-security-token");
		hdrs[n].value = trim_value(token);
		hdrs[n].order = n;
		n++;
	}
	qsort(hdrs, n, sizeof(*hdrs), header_cmp);

	/* Canonical request (appended piece by piece: printf was a third of
	 * the signing time). */
	ww_buf_grow(cr, 512);
	ww_buf_puts(cr, in->method);
	ww_buf_putc(cr, '\n');
	canonical_uri(cr, in->path, in->normalize_path);
	ww_buf_putc(cr, '\n');
	canonical_query(cr, in->query);
	ww_buf_putc(cr, '\n');
	for (i = 0; i < n; i++) {
		if (i && !strcmp(hdrs[i].key, hdrs[i - 1].key)) {
			/* repeated header: values joined with commas, in order */
			ww_buf_putc(cr, ',');
			ww_buf_puts(cr, hdrs[i].value);
			continue;
		}
		if (i)
			ww_buf_putc(cr, '\n');
		ww_buf_puts(cr, hdrs[i].key);
		ww_buf_putc(cr, ':');
		ww_buf_puts(cr, hdrs[i].value);
		if (signed_headers.len)
			ww_buf_putc(&signed_headers, ';');
		ww_buf_puts(&signed_headers, hdrs[i].key);
	}
	hex_sha256(in->body ? in->body : "", in->body ? in->body_len : 0, hash);
	ww_buf_put(cr, "\n\n", 2);
	ww_buf_put(cr, signed_headers.ptr, signed_headers.len);
	ww_buf_putc(cr, '\n');
	ww_buf_put(cr, hash, 2 * WW_SHA256_LEN);

	/* String to sign. */
	ww_buf_puts(&scope, date);
	ww_buf_putc(&scope, '/');
	ww_buf_puts(&scope, in->region);
	ww_buf_putc(&scope, '/');
	ww_buf_puts(&scope, in->service);
	hex_sha256(cr->ptr, cr->len, hash);
	ww_buf_grow(sts, 160 + scope.len);
	ww_buf_puts(sts, ALGORITHM "\n");
	ww_buf_puts(sts, out->amz_date);
	ww_buf_putc(sts, '\n');
	ww_buf_put(sts, scope.ptr, scope.len);
	ww_buf_puts(sts, "/aws4_request\n");
	ww_buf_put(sts, hash, 2 * WW_SHA256_LEN);

	/* Signing key, then signature. */
	signing_key(creds->secret_access_key, scope.ptr, scope.len, date, in->region, in->service,
		    key);
	ww_crypto_hmac_sha256(key, sizeof(key), sts->ptr, sts->len, mac);
	ww_crypto_hex(mac, sizeof(mac), sig);

	ww_buf_grow(&out->authorization, 200 + scope.len + signed_headers.len);
	ww_buf_puts(&out->authorization, ALGORITHM " Credential=");
	ww_buf_puts(&out->authorization, creds->access_key_id);
	ww_buf_putc(&out->authorization, '/');
	ww_buf_put(&out->authorization, scope.ptr, scope.len);
	ww_buf_puts(&out->authorization, "/aws4_request, SignedHeaders=");
	ww_buf_put(&out->authorization, signed_headers.ptr, signed_headers.len);
	ww_buf_puts(&out->authorization, ", Signature=");
	ww_buf_put(&out->authorization, sig, 2 * WW_SHA256_LEN);
done:
	ww_crypto_wipe(key, sizeof(key));
	ww_crypto_wipe(mac, sizeof(mac));
	ww_crypto_wipe(sig, sizeof(sig));
	ww_buf_release(&scope);
	ww_buf_release(&signed_headers);
	free_pairs(hdrs, n);
	if (err)
		ww_sigv4_output_release(out);
	return err;
}
