/*
 * The curl transport behind ww_http_send_curl. The only file that includes
 * <curl/curl.h>.
 *
 * Connection reuse: a client keeps a small pool of easy handles (one per
 * thread in flight, returned after each request) that all share one CURLSH
 * holding the connection cache, DNS cache and TLS sessions, so worker
 * threads reuse each other's keep-alive connections. TLS verification is
 * never turned off; plain http:// is refused unless the host is loopback or
 * the user allowed it.
 *
 * Per-request cost: a handle's constant options are set once, when it is
 * made, and each request sets only what can differ (URL when it changed,
 * method, body, timeouts, headers); the header list is built in the
 * handle's own buffers rather than a fresh curl_slist. curl_easy_reset and
 * setting every option again, plus a malloc per header line, were a few
 * microseconds of a ~35 us request.
 */
#include "aws/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/crypto.h"
#include "common/error.h"
#include "common/log.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 3100
#define DEFAULT_TIMEOUT_MS 30000
#define MAX_BODY (64u << 20) /* a DynamoDB response is at most 16 MB */
#define MAX_HEADERS 256

/* An easy handle with what is reused from one request to the next. */
typedef struct {
	CURL *h;
	char *url;   /* the URL last set on h */
	char *lines; /* header lines of the request in flight, NUL-separated */
	size_t lines_cap, lines_used;
	struct curl_slist *nodes; /* a list over `lines`, handed to curl, never freed by it */
	size_t nodes_cap;
} handle;

static void handle_free(handle *hd);

struct ww_http_client {
	char *ca_bundle;
	int allow_insecure_http;
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t pool_lock;
	handle **pool; /* idle easy handles */
	size_t npool, cap;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static ww_http_client *default_client;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userp)
{
	ww_http_client *c = userp;

	(void)h;
	(void)access;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userp)
{
	ww_http_client *c = userp;

	(void)h;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&c->share_locks[data]);
}

ww_http_client *ww_http_client_new(const ww_http_options *opts)
{
	ww_http_client *c = NULL;
	int i;

	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		ww_error_set(WW_ERROR, "cannot initialise curl: %s", curl_easy_strerror(global_rc));
		return NULL;
	}
	c = ww_xcalloc(1, sizeof(*c));
	if (opts && opts->ca_bundle && *opts->ca_bundle)
		c->ca_bundle = ww_xstrdup(opts->ca_bundle);
	c->allow_insecure_http = opts ? opts->allow_insecure_http : 0;
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	pthread_mutex_init(&c->pool_lock, NULL);
	c->share = curl_share_init();
	if (!c->share || curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock) ||
	    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock) ||
	    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c) ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION)) {
		ww_error_set(WW_ERROR, "cannot initialise curl: connection sharing unavailable");
		ww_http_client_free(c);
		return NULL;
	}
	return c;
}

void ww_http_client_free(ww_http_client *c)
{
	size_t i;
	int j;

	if (!c)
		return;
	/* Easy handles first: the share cannot go while they use it. */
	for (i = 0; i < c->npool; i++)
		handle_free(c->pool[i]);
	free(c->pool);
	if (c->share)
		curl_share_cleanup(c->share);
	for (j = 0; j < CURL_LOCK_DATA_LAST; j++)
		pthread_mutex_destroy(&c->share_locks[j]);
	pthread_mutex_destroy(&c->pool_lock);
	free(c->ca_bundle);
	free(c);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp);
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp);

/* A handle with the options every request has. */
static handle *handle_new(ww_http_client *c)
{
	handle *hd = ww_xcalloc(1, sizeof(*hd));

	if (!(hd->h = curl_easy_init())) {
		free(hd);
		return NULL;
	}
	curl_easy_setopt(hd->h, CURLOPT_SHARE, c->share);
	curl_easy_setopt(hd->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(hd->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(hd->h, CURLOPT_TCP_KEEPALIVE, 1L);
	/* TLS verification stays on (curl's default); only the trust store can
	 * change. */
	curl_easy_setopt(hd->h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(hd->h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_bundle)
		curl_easy_setopt(hd->h, CURLOPT_CAINFO, c->ca_bundle);
	curl_easy_setopt(hd->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(hd->h, CURLOPT_HEADERFUNCTION, on_header);
	return hd;
}

static void handle_free(handle *hd)
{
	if (!hd)
		return;
	curl_easy_cleanup(hd->h);
	free(hd->url);
	free(hd->lines);
	free(hd->nodes);
	free(hd);
}

static handle *pool_take(ww_http_client *c)
{
	handle *hd = NULL;

	pthread_mutex_lock(&c->pool_lock);
	if (c->npool)
		hd = c->pool[--c->npool];
	pthread_mutex_unlock(&c->pool_lock);
	return hd ? hd : handle_new(c);
}

static void pool_give(ww_http_client *c, handle *hd)
{
	pthread_mutex_lock(&c->pool_lock);
	if (c->npool == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4;
		c->pool = ww_xrealloc(c->pool, c->cap * sizeof(*c->pool));
	}
	c->pool[c->npool++] = hd;
	pthread_mutex_unlock(&c->pool_lock);
}

/* The host part of an absolute URL into `out` (without brackets or port);
 * returns 0, or -1 when there is none. */
static int url_host(const char *url, char *out, size_t n, int *is_https)
{
	const char *p = strstr(url ? url : "", "://"), *end, *at;
	size_t len;

	if (!p)
		return -1;
	if (is_https)
		*is_https = (size_t)(p - url) == 5 && !strncasecmp(url, "https", 5);
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close)
			return -1;
		p++;
		len = (size_t)(close - p);
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		len = (size_t)((colon ? colon : end) - p);
	}
	if (len == 0 || len >= n)
		return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

int ww_http_url_host(const char *url, char *out, size_t n)
{
	return url_host(url, out, n, NULL);
}

int ww_http_url_is_loopback(const char *url)
{
	char host[256];
	unsigned char addr[16];

	if (url_host(url, host, sizeof(host), NULL))
		return 0;
	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, addr) == 1)
		return addr[0] == 127;
	if (inet_pton(AF_INET6, host, addr) == 1) {
		static const unsigned char loop6[16] = {[15] = 1};
		return !memcmp(addr, loop6, 16);
	}
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	ww_http_response *r = userp;
	size_t n = size * nmemb;

	if (r->body.len + n > MAX_BODY)
		return 0; /* curl reports a write error */
	ww_buf_put(&r->body, data, n);
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	ww_http_response *r = userp;
	size_t n = size * nmemb, name_len, i;
	const char *colon, *v, *end = data + n;

	if (n >= 5 && !memcmp(data, "HTTP/", 5)) {
		/* a new response (after 100 Continue): forget earlier headers */
		for (i = 0; i < r->nheaders; i++) {
			free((char *)(uintptr_t)r->headers[i].name);
			free((char *)(uintptr_t)r->headers[i].value);
		}
		r->nheaders = 0;
		return n;
	}
	colon = memchr(data, ':', n);
	if (!colon || colon == data || r->nheaders >= MAX_HEADERS)
		return n;
	name_len = (size_t)(colon - data);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	/* room for 8, then doubled: a DynamoDB answer has about 7 headers */
	if (r->nheaders == 0 || (r->nheaders >= 8 && !(r->nheaders & (r->nheaders - 1))))
		r->headers = ww_xrealloc(r->headers,
					 (r->nheaders ? r->nheaders * 2 : 8) * sizeof(*r->headers));
	{
		char *name = ww_xstrndup(data, name_len);
		for (i = 0; i < name_len; i++)
			name[i] = (char)tolower((unsigned char)name[i]);
		r->headers[r->nheaders].name = name;
		r->headers[r->nheaders].value = ww_xstrndup(v, (size_t)(end - v));
		r->nheaders++;
	}
	return n;
}

/*
 * The request's header lines into the handle's buffers: "Name: value", or
 * "Name;" for an empty value (curl's syntax for sending it empty), then
 * "Content-Type:" when a body has none (no type of curl's choosing) and
 * "Expect:" (no 100-continue round trip). Returns the list for
 * CURLOPT_HTTPHEADER; the lines are wiped after the request, as they hold
 * the signature and any session token.
 */
static struct curl_slist *build_headers(handle *hd, const ww_http_request *req, int has_body)
{
	static const char no_type[] = "Content-Type:", no_expect[] = "Expect:";
	size_t i, n = 0, total = sizeof(no_type) + sizeof(no_expect), off = 0, *nl, *vl;
	size_t lens[32];
	int typed = 0;
	char *p;

	nl = req->nheaders < 16 ? lens : ww_xmalloc(2 * (req->nheaders + 1) * sizeof(*nl));
	vl = nl + req->nheaders + 1;
	for (i = 0; i < req->nheaders; i++) {
		nl[i] = strlen(req->headers[i].name);
		vl[i] = req->headers[i].value ? strlen(req->headers[i].value) : 0;
		total += nl[i] + vl[i] + 3;
		if (!strcasecmp(req->headers[i].name, "content-type"))
			typed = 1;
	}
	if (total > hd->lines_cap) {
		if (hd->lines)
			ww_crypto_wipe(hd->lines, hd->lines_cap);
		free(hd->lines);
		hd->lines_cap = total * 2;
		hd->lines = ww_xmalloc(hd->lines_cap);
	}
	if (req->nheaders + 2 > hd->nodes_cap) {
		hd->nodes_cap = req->nheaders + 8;
		hd->nodes = ww_xrealloc(hd->nodes, hd->nodes_cap * sizeof(*hd->nodes));
	}
	for (i = 0; i < req->nheaders; i++) {
		p = hd->lines + off;
		memcpy(p, req->headers[i].name, nl[i]);
		if (vl[i]) {
			memcpy(p + nl[i], ": ", 2);
			memcpy(p + nl[i] + 2, req->headers[i].value, vl[i]);
			p[nl[i] + 2 + vl[i]] = '\0';
			off += nl[i] + vl[i] + 3;
		} else {
			memcpy(p + nl[i], ";", 2);
			off += nl[i] + 2;
		}
		hd->nodes[n++].data = p;
	}
	if (has_body && !typed) {
		memcpy(hd->lines + off, no_type, sizeof(no_type));
		hd->nodes[n++].data = hd->lines + off;
		off += sizeof(no_type);
	}
	memcpy(hd->lines + off, no_expect, sizeof(no_expect));
	hd->nodes[n++].data = hd->lines + off;
	for (i = 0; i + 1 < n; i++)
		hd->nodes[i].next = &hd->nodes[i + 1];
	hd->nodes[n - 1].next = NULL;
	hd->lines_used = off + sizeof(no_expect);
	if (nl != lens)
		free(nl);
	return hd->nodes;
}

static void default_init(void)
{
	const char *ca = getenv("AWS_CA_BUNDLE");
	ww_http_options o = {ca && *ca ? ca : NULL, 0};

	default_client = ww_http_client_new(&o);
}

int ww_http_send_curl(void *ctx, const ww_http_request *req, ww_http_response *out)
{
	ww_http_client *c = ctx;
	handle *hd = NULL;
	CURL *h;
	char host[256] = "", errbuf[CURL_ERROR_SIZE] = "";
	int err = 0, is_https = 0, has_body;
	CURLcode rc;
	double total = 0;

	ww_http_response_release(out);
	if (!c) {
		pthread_once(&default_once, default_init);
		if (!(c = default_client))
			return WW_ERROR;
	}
	if (url_host(req->url, host, sizeof(host), &is_https) ||
	    (strncasecmp(req->url, "http://", 7) && !is_https)) {
		err = ww_error_set(WW_ERROR, "cannot send request: \"%s\" is not an http(s) URL",
				   req->url ? req->url : "");
		goto done;
	}
	if (!is_https && !c->allow_insecure_http && !ww_http_url_is_loopback(req->url)) {
		err = ww_error_set(
		    WW_ERROR, "refusing plain http to \"%s\": use https, or --allow-insecure-http",
		    host);
		goto done;
	}
	if (!(hd = pool_take(c))) {
		err = ww_error_set(WW_ERROR, "cannot create a curl handle");
		goto done;
	}
	h = hd->h;
	if (!hd->url || strcmp(hd->url, req->url)) {
		free(hd->url);
		hd->url = NULL;
		if (curl_easy_setopt(h, CURLOPT_URL, req->url) != CURLE_OK) {
			err = ww_error_set(WW_ERROR,
					   "cannot send request: \"%s\" is not a usable URL", host);
			goto done;
		}
		hd->url = ww_xstrdup(req->url);
	}
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 req->connect_timeout_ms > 0 ? req->connect_timeout_ms
						     : (long)DEFAULT_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 req->timeout_ms > 0 ? req->timeout_ms : (long)DEFAULT_TIMEOUT_MS);

	/* The method, from a clean slate each time: the handle may have sent
	 * anything before. POSTFIELDS first, as setting it selects POST. */
	has_body =
	    req->body != NULL || (req->method && strcmp(req->method, "GET") &&
				  strcmp(req->method, "HEAD") && strcmp(req->method, "DELETE"));
	if (has_body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(req->body ? req->body_len : 0));
		/* sent from the caller's buffer as it is, not copied */
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POST, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
		if (req->method && !strcmp(req->method, "HEAD"))
			curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		else
			curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
			 req->method && strcmp(req->method, "GET") && strcmp(req->method, "POST") &&
				 strcmp(req->method, "HEAD")
			     ? req->method
			     : NULL);

	curl_easy_setopt(h, CURLOPT_HTTPHEADER, build_headers(hd, req, has_body));
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, out);

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total);
	out->elapsed_ms = total * 1000.0;
	if (rc != CURLE_OK) {
		out->status = 0;
		err = ww_error_set(WW_ENETWORK, "request to \"%s\" failed: %s", host,
				   errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
done:
	if (hd) {
		/* the error buffer and the response die with this frame; the
		 * header lines hold the signature and any session token */
		curl_easy_setopt(hd->h, CURLOPT_ERRORBUFFER, NULL);
		curl_easy_setopt(hd->h, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(hd->h, CURLOPT_WRITEDATA, NULL);
		curl_easy_setopt(hd->h, CURLOPT_HEADERDATA, NULL);
		curl_easy_setopt(hd->h, CURLOPT_POSTFIELDS, NULL);
		if (hd->lines_used) {
			ww_crypto_wipe(hd->lines, hd->lines_used);
			hd->lines_used = 0;
		}
		pool_give(c, hd);
	}
	return err;
}

const char *ww_http_response_header(const ww_http_response *r, const char *name)
{
	size_t i;

	for (i = 0; r && i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

void ww_http_response_release(ww_http_response *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nheaders; i++) {
		free((char *)(uintptr_t)r->headers[i].name);
		free((char *)(uintptr_t)r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->nheaders = 0;
	ww_buf_release(&r->body);
	r->status = 0;
	r->elapsed_ms = 0;
}
