#ifndef WW_AWS_HTTP_H
#define WW_AWS_HTTP_H

#include <stddef.h>

#include "common/buf.h"

/*
 * The one network seam. Everything that talks HTTP (the DynamoDB client,
 * the credential providers) calls a ww_http_send_fn; NULL in an options
 * struct means ww_http_send_curl. Tests pass their own function to replay
 * recorded responses, or point the real one at a loopback server.
 */
typedef struct {
	const char *name;
	const char *value;
} ww_http_header;

typedef struct {
	const char *method;       /* "GET", "POST", "PUT" */
	const char *url;          /* absolute URL */
	const ww_http_header *headers;
	size_t nheaders;
	const char *body;         /* may be NULL */
	size_t body_len;
	long connect_timeout_ms;  /* 0: default (3100 ms, as the SDKs) */
	long timeout_ms;          /* whole request; 0: default (30000 ms) */
} ww_http_request;

typedef struct {
	long status;              /* HTTP status, 0 if none arrived */
	ww_buf body;
	ww_http_header *headers;  /* owned; names lowercased */
	size_t nheaders;
	double elapsed_ms;
} ww_http_response;

#define WW_HTTP_RESPONSE_INIT { 0, WW_BUF_INIT, NULL, 0, 0 }

/* Returns 0 when a response arrived (any status), WW_ENETWORK with the
 * message set on connection failure, timeout, TLS error or truncation. */
typedef int (*ww_http_send_fn)(void *ctx, const ww_http_request *req, ww_http_response *out);

typedef struct ww_http_client ww_http_client;

typedef struct {
	const char *ca_bundle;      /* AWS_CA_BUNDLE / --ca-bundle; NULL: system store */
	int allow_insecure_http;    /* plain http:// to a non-loopback host */
} ww_http_options;

/* A curl-backed client: keeps connections alive across requests, one easy
 * handle per thread, TLS verification always on. Returns NULL on failure
 * with the message set. */
ww_http_client *ww_http_client_new(const ww_http_options *opts);
void ww_http_client_free(ww_http_client *c);

/* ww_http_send_fn over curl; ctx is a ww_http_client* (NULL: a process-wide
 * default client). Refuses http:// to anything but loopback unless allowed. */
int ww_http_send_curl(void *ctx, const ww_http_request *req, ww_http_response *out);

/* The value of a response header (name lowercase) or NULL (borrowed). */
const char *ww_http_response_header(const ww_http_response *r, const char *name);
void ww_http_response_release(ww_http_response *r);

/* 1 if the URL's host is a loopback address or "localhost". */
int ww_http_url_is_loopback(const char *url);

/* The host of an absolute URL (no brackets, port or user) into `out`;
 * returns 0, or -1 when the URL has none or it does not fit. */
int ww_http_url_host(const char *url, char *out, size_t n);

#endif
