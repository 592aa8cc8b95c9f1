#ifndef WW_TESTS_DDB_REPLAY_H
#define WW_TESTS_DDB_REPLAY_H

/*
 * The replay seam of the DynamoDB client's unit tests: a ww_http_send_fn
 * that answers each request with the next fixture of tests/fixtures/ddb/ and
 * checks the request against the fixture's golden request when there is
 * one. Fixture files are readable HTTP:
 *
 *   NAME.req   "POST /", header lines to compare (X-Amz-Target, and any
 *              other header given, e.g. Authorization), a blank line, the
 *              exact JSON body
 *   NAME.res   "HTTP/1.1 STATUS", header lines, a blank line, the body
 *              (one trailing newline dropped). x-amz-crc32 is computed
 *              when the file has none, so fixtures stay editable; a file
 *              with a wrong one tests the check. A .res whose first line is
 *              "NETWORK" makes the send fail with WW_ENETWORK (a dropped
 *              connection).
 *
 * WWSEED_UPDATE_GOLDEN=1 rewrites the .req files from what the client sends.
 * Include after cmocka.h, in one test file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/crc32.h"
#include "aws/creds.h"
#include "aws/ddb.h"
#include "common/error.h"

#define REPLAY_MAX 32

typedef struct {
	const char *steps[REPLAY_MAX]; /* fixture names, in order */
	size_t nsteps, next;
	char *bodies[REPLAY_MAX]; /* what was sent */
	char *auth[REPLAY_MAX];   /* the Authorization header sent */
	char *token[REPLAY_MAX];  /* the X-Amz-Security-Token sent, or NULL */
	char *url[REPLAY_MAX];
	double elapsed_ms;        /* reported latency; 0: let the client measure */
} replay;

typedef struct {
	long slept[REPLAY_MAX];
	size_t n;
	time_t *clock; /* advanced by each sleep when set */
} sleep_log;

static inline char *replay_read_file(const char *name, const char *ext)
{
	char path[512];
	const char *root = getenv("WWSEED_ROOT");
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/tests/fixtures/ddb/%s.%s", root ? root : ".", name, ext);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static inline const char *replay_req_header(const ww_http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->headers[i].name, name))
			return req->headers[i].value;
	return NULL;
}

/* Split "head\n\nbody" in place; returns the body. */
static inline char *replay_split(char *text)
{
	char *sep = strstr(text, "\n\n");

	if (!sep)
		return text + strlen(text);
	sep[1] = '\0';
	return sep + 2;
}

static inline void replay_check_request(const char *name, const ww_http_request *req)
{
	char *golden = replay_read_file(name, "req"), *body, *line, *save = NULL;
	const char *target = replay_req_header(req, "X-Amz-Target");
	size_t blen;

	if (getenv("WWSEED_UPDATE_GOLDEN") && *getenv("WWSEED_UPDATE_GOLDEN") == '1') {
		char path[512];
		const char *root = getenv("WWSEED_ROOT");
		FILE *f;
		snprintf(path, sizeof(path), "%s/tests/fixtures/ddb/%s.req", root ? root : ".", name);
		/* Header lines already in the file are kept; only the body is new. */
		if (golden)
			replay_split(golden);
		f = fopen(path, "w");
		assert_non_null(f);
		if (golden)
			fprintf(f, "%s\n", golden);
		else
			fprintf(f, "POST /\nX-Amz-Target: %s\n\n", target ? target : "");
		fprintf(f, "%.*s\n", (int)req->body_len, req->body ? req->body : "");
		fclose(f);
		free(golden);
		return;
	}
	if (!golden)
		return;
	body = replay_split(golden);
	blen = strlen(body);
	if (blen && body[blen - 1] == '\n')
		body[--blen] = '\0';
	for (line = strtok_r(golden, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		const char *got;
		if (!strncmp(line, "POST ", 5)) {
			assert_string_equal(req->method, "POST");
			continue;
		}
		assert_non_null(colon);
		*colon = '\0';
		got = replay_req_header(req, line);
		if (!got)
			fail_msg("%s: header %s not sent", name, line);
		assert_string_equal(got, colon + 2);
	}
	{
		/* As strings, so a failure prints both bodies. */
		char *sent = strndup(req->body ? req->body : "", req->body_len);
		if (strcmp(sent, body))
			print_error("%s.req: the request body differs from the golden one\n", name);
		assert_string_equal(sent, body);
		free(sent);
	}
	free(golden);
}

static inline void replay_add_header(ww_http_response *out, const char *name, const char *value)
{
	char *lname = strdup(name), *p;

	for (p = lname; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	out->headers = realloc(out->headers, (out->nheaders + 1) * sizeof(*out->headers));
	out->headers[out->nheaders].name = lname;
	out->headers[out->nheaders].value = strdup(value);
	out->nheaders++;
}

static inline int replay_send(void *ctx, const ww_http_request *req, ww_http_response *out)
{
	replay *r = ctx;
	const char *name;
	char *res, *body, *line, *save = NULL;
	const char *tok;
	size_t blen, i = r->next;
	int have_crc = 0, rc = 0;

	if (r->next >= r->nsteps)
		fail_msg("unexpected request %zu: %.*s", r->next + 1, (int)req->body_len, req->body);
	name = r->steps[r->next++];
	r->bodies[i] = strndup(req->body ? req->body : "", req->body_len);
	r->auth[i] = strdup(replay_req_header(req, "Authorization") ? replay_req_header(req, "Authorization") : "");
	tok = replay_req_header(req, "X-Amz-Security-Token");
	r->token[i] = tok ? strdup(tok) : NULL;
	r->url[i] = strdup(req->url);
	assert_string_equal(replay_req_header(req, "Content-Type"), "application/x-amz-json-1.0");
	assert_non_null(replay_req_header(req, "Host"));
	assert_non_null(replay_req_header(req, "X-Amz-Date"));
	replay_check_request(name, req);
	res = replay_read_file(name, "res");
	if (!res)
		fail_msg("no fixture %s.res", name);
	if (!strncmp(res, "NETWORK", 7)) {
		rc = ww_error_set(WW_ENETWORK, "connection to '%s' dropped: recv failure", req->url);
		out->elapsed_ms = r->elapsed_ms;
		goto done;
	}
	body = replay_split(res);
	blen = strlen(body);
	if (blen && body[blen - 1] == '\n')
		body[--blen] = '\0';
	for (line = strtok_r(res, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon;
		if (!strncmp(line, "HTTP/1.1 ", 9)) {
			out->status = strtol(line + 9, NULL, 10);
			continue;
		}
		colon = strchr(line, ':');
		assert_non_null(colon);
		*colon = '\0';
		if (!strcasecmp(line, "x-amz-crc32"))
			have_crc = 1;
		replay_add_header(out, line, colon + 2);
	}
	if (!have_crc) {
		char crc[16];
		snprintf(crc, sizeof(crc), "%u", (unsigned)ww_crc32(0, body, blen));
		replay_add_header(out, "x-amz-crc32", crc);
	}
	ww_buf_put(&out->body, body, blen);
	out->elapsed_ms = r->elapsed_ms;
done:
	free(res);
	return rc;
}

static inline void replay_release(replay *r)
{
	size_t i;

	for (i = 0; i < REPLAY_MAX; i++) {
		free(r->bodies[i]);
		free(r->auth[i]);
		free(r->token[i]);
		free(r->url[i]);
	}
	memset(r, 0, sizeof(*r));
}

static inline void replay_sleep(void *ctx, long ms)
{
	sleep_log *s = ctx;

	assert_true(s->n < REPLAY_MAX);
	s->slept[s->n++] = ms;
	if (s->clock)
		*s->clock += (ms + 999) / 1000;
}

static inline time_t replay_clock(void *ctx)
{
	return *(time_t *)ctx;
}

/* A fixed jitter value for exact delays. */
static inline double replay_random(void *ctx)
{
	return *(double *)ctx;
}

/* 2026-11-21T12:00:00Z */
#define REPLAY_NOW ((time_t)1795262400)

/* A client over the replay with fixed clock, recorded sleeps, jitter 0.5. */
typedef struct {
	replay rp;
	sleep_log sleeps;
	time_t now;
	double jitter;
	ww_creds_provider *creds;
	ww_ddb *ddb;
} replay_env;

static inline void replay_env_init(replay_env *e, const ww_retry_options *retry, const char *token)
{
	ww_ddb_options o;

	memset(e, 0, sizeof(*e));
	memset(&o, 0, sizeof(o));
	e->now = REPLAY_NOW;
	e->jitter = 0.5;
	e->sleeps.clock = &e->now;
	e->creds = ww_creds_provider_static_new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
						token);
	assert_non_null(e->creds);
	o.region = "us-east-1";
	o.creds = e->creds;
	o.send = replay_send;
	o.send_ctx = &e->rp;
	o.clock = replay_clock;
	o.clock_ctx = &e->now;
	o.sleep_ms = replay_sleep;
	o.sleep_ctx = &e->sleeps;
	o.random = replay_random;
	o.random_ctx = &e->jitter;
	if (retry)
		o.retry = *retry;
	e->ddb = ww_ddb_new(&o);
	assert_non_null(e->ddb);
}

static inline void replay_env_steps(replay_env *e, const char *const *names, size_t n)
{
	size_t i;

	assert_true(n <= REPLAY_MAX);
	for (i = 0; i < n; i++)
		e->rp.steps[i] = names[i];
	e->rp.nsteps = n;
	e->rp.next = 0;
}

static inline void replay_env_release(replay_env *e)
{
	/* Every step given must have been used. */
	assert_int_equal(e->rp.next, e->rp.nsteps);
	ww_ddb_free(e->ddb);
	ww_creds_provider_free(e->creds);
	replay_release(&e->rp);
}

#define REPLAY(e, ...)                                                                      \
	do {                                                                                \
		static const char *const steps_[] = { __VA_ARGS__ };                       \
		replay_env_steps((e), steps_, sizeof(steps_) / sizeof(*steps_));           \
	} while (0)

#endif
