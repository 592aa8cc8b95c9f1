#ifndef WW_AWS_SIGV4_H
#define WW_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "aws/http.h"
#include "common/buf.h"

/*
 * AWS Signature Version 4 (header signing), checked against the AWS SigV4
 * test suite (../shared/sigv4-test-suite). Pure: the time comes from the
 * input, so the output is repeatable.
 */

/* A set of credentials. Every string is owned; ww_creds_release wipes the
 * secrets before freeing them. */
typedef struct {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
	time_t expiration;   /* 0: never */
	char *source;	     /* "environment", "profile dev", "web-identity", ... */
} ww_creds;

/* Wipe and free what `c` owns and zero it; NULL-safe and safe twice. */
void ww_creds_release(ww_creds *c);
/* Deep copy `src` into `out` (not released first). */
void ww_creds_copy(ww_creds *out, const ww_creds *src);

typedef struct {
	const char *method;
	const char *path;  /* raw, not yet normalised */
	const char *query; /* raw query without '?', or NULL */
	const ww_http_header *headers;
	size_t nheaders; /* must include Host */
	const void *body;
	size_t body_len;
	const char *region;
	const char *service;
	time_t now;
	int normalize_path; /* 1 for every service but S3 */
} ww_sigv4_input;

typedef struct {
	char amz_date[17]; /* "20150830T123600Z" */
	ww_buf canonical_request;
	ww_buf string_to_sign;
	ww_buf authorization; /* the Authorization header's value */
} ww_sigv4_output;

#define WW_SIGV4_OUTPUT_INIT                                                                       \
	{                                                                                          \
		{0}, WW_BUF_INIT, WW_BUF_INIT, WW_BUF_INIT                                         \
	}

/*
 * Sign a request. Adds X-Amz-Date (and X-Amz-Security-Token when the creds
 * carry one) to what it signs, replacing any such header in the input; the
 * caller sends those headers with out->amz_date and creds->session_token plus
 * Authorization. An Authorization header in the input is not signed.
 * `out` must be zeroed or WW_SIGV4_OUTPUT_INIT; it is released first.
 * Returns 0, or WW_EINVALID when Host, the credentials or the scope are
 * missing.
 */
int ww_sigv4_sign(const ww_sigv4_input *in, const ww_creds *creds, ww_sigv4_output *out);

/* Free what `out` holds; safe twice. */
void ww_sigv4_output_release(ww_sigv4_output *out);

/* Append `len` bytes of `s` URI-encoded as SigV4 wants: unreserved
 * characters (A-Z a-z 0-9 - . _ ~) as they are, everything else as %XX
 * (uppercase); '/' kept when `keep_slash`. Also used for form bodies. */
void ww_sigv4_uri_encode(ww_buf *out, const char *s, size_t len, int keep_slash);

#endif
