/*
 * SigV4 against the AWS test suite (../shared/sigv4-test-suite): each case's
 * .req is parsed here, signed with the suite's fixed key and time, and the
 * canonical request, string to sign and Authorization header are compared
 * with the .creq, .sts and .authz files. One cmocka test per case.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "common/buf.h"
#include "common/error.h"

#define SUITE_TIME 1440938160 /* 2015-08-30T12:36:00Z */
#define MAX_CASES 64

typedef struct {
	char dir[1024];
	char name[128];
	char test_name[192];
} suite_case;

static suite_case cases[MAX_CASES];
static size_t ncases;

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ww_buf b = WW_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(&b, chunk, n);
	fclose(f);
	return ww_buf_detach(&b);
}

static char *case_file(const suite_case *c, const char *ext)
{
	char path[1400];

	snprintf(path, sizeof(path), "%s/%s.%s", c->dir, c->name, ext);
	return read_file(path);
}

static void suite_root(char *out, size_t n)
{
	const char *shared = getenv("WWSEED_SHARED");
	const char *root = getenv("WWSEED_ROOT");

	if (shared)
		snprintf(out, n, "%s/sigv4-test-suite", shared);
	else
		snprintf(out, n, "%s/../shared/sigv4-test-suite", root ? root : ".");
}

/* A folder is a case when it holds <folder>.req; otherwise look one level
 * down (normalize-path/, post-sts-token/). */
static void scan(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		char sub[1024], req[1400];
		struct stat st;
		snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
		if (stat(sub, &st) || !S_ISDIR(st.st_mode))
			goto next;
		snprintf(req, sizeof(req), "%s/%s.req", sub, names[i]);
		if (!stat(req, &st) && ncases < MAX_CASES) {
			suite_case *c = &cases[ncases++];
			snprintf(c->dir, sizeof(c->dir), "%s", sub);
			snprintf(c->name, sizeof(c->name), "%s", names[i]);
			snprintf(c->test_name, sizeof(c->test_name), "test_sigv4_suite_%s", names[i]);
		} else if (depth == 0) {
			scan(sub, 1);
		}
next:
		free(names[i]);
	}
	free(names);
}

/* A parsed .req: request line, headers (continuation lines joined with a
 * newline, left for the signer to fold), body. */
typedef struct {
	char *method, *path, *query, *body;
	ww_http_header hdr[32];
	size_t nhdr;
} parsed_req;

static void parse_req(char *text, parsed_req *r)
{
	char *line = text, *next, *sp, *http;

	memset(r, 0, sizeof(*r));
	next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	sp = strchr(line, ' ');
	assert_non_null(sp);
	*sp = '\0';
	r->method = line;
	http = strstr(sp + 1, " HTTP/");
	assert_non_null(http);
	while (strstr(http + 1, " HTTP/"))
		http = strstr(http + 1, " HTTP/");
	*http = '\0';
	r->path = sp + 1;
	if ((r->query = strchr(r->path, '?')))
		*r->query++ = '\0';
	line = next;
	while (line && *line && *line != '\n') {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if ((line[0] == ' ' || line[0] == '\t') && r->nhdr) {
			/* continuation: the value runs on; keep the line break */
			line[-1] = '\n';
		} else {
			char *colon = strchr(line, ':');
			assert_non_null(colon);
			*colon = '\0';
			assert_true(r->nhdr < 32);
			r->hdr[r->nhdr].name = line;
			r->hdr[r->nhdr].value = colon + 1;
			r->nhdr++;
		}
		line = next;
	}
	r->body = line && *line == '\n' ? line + 1 : r->method + strlen(r->method);
}

static char akid[] = "AKIDEXAMPLE";
static char suite_secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static char other_secret[] = "secret-key-example";
static char token123[] = "token-123";

static void run_case(void **state)
{
	const suite_case *c = *state;
	char *req = case_file(c, "req"), *creq = case_file(c, "creq");
	char *sts = case_file(c, "sts"), *authz = case_file(c, "authz");
	char *tok, token[1024] = "";
	parsed_req r;
	ww_sigv4_input in = { 0 };
	ww_sigv4_output out = WW_SIGV4_OUTPUT_INIT;
	ww_creds creds = { 0 };

	assert_non_null(req);
	assert_non_null(creq);
	assert_non_null(sts);
	assert_non_null(authz);
	/* The session token, where a case has one, is the .creq's. */
	if ((tok = strstr(creq, "\nx-amz-security-token:"))) {
		size_t n = strcspn(tok + 22, "\n");
		snprintf(token, sizeof(token), "%.*s", (int)n, tok + 22);
	}
	creds.access_key_id = akid;
	creds.secret_access_key = suite_secret;
	creds.session_token = token[0] ? token : NULL;

	parse_req(req, &r);
	in.method = r.method;
	in.path = r.path;
	in.query = r.query;
	in.headers = r.hdr;
	in.nheaders = r.nhdr;
	in.body = r.body;
	in.body_len = strlen(r.body);
	in.region = "us-east-1";
	in.service = "service";
	in.now = SUITE_TIME;
	in.normalize_path = 1;

	assert_int_equal(ww_sigv4_sign(&in, &creds, &out), 0);
	assert_string_equal(out.amz_date, "20150830T123600Z");
	assert_string_equal(ww_buf_cstr(&out.canonical_request), creq);
	assert_string_equal(ww_buf_cstr(&out.string_to_sign), sts);
	assert_string_equal(ww_buf_cstr(&out.authorization), authz);

	ww_sigv4_output_release(&out);
	ww_sigv4_output_release(&out); /* safe twice */
	free(req);
	free(creq);
	free(sts);
	free(authz);
}

static void test_sigv4_suite_has_34_cases(void **state)
{
	(void)state;
	assert_int_equal(ncases, 34);
}

static const ww_http_header dynamo_headers[] = {
	{ "Host", "dynamodb.eu-west-1.amazonaws.com" },
	{ "Content-Type", "application/x-amz-json-1.0" },
	{ "X-Amz-Target", "DynamoDB_20120810.ListTables" },
};

static void sign_dynamo(const ww_creds *creds, ww_sigv4_output *out, int want)
{
	ww_sigv4_input in = { "POST", "/", NULL, dynamo_headers, 3, "{}", 2,
			      "eu-west-1", "dynamodb", SUITE_TIME, 1 };

	assert_int_equal(ww_sigv4_sign(&in, creds, out), want);
}

static void test_sigv4_signs_session_token_and_replaces_date(void **state)
{
	ww_creds creds = { akid, other_secret, token123, 0, NULL };
	ww_sigv4_output out = WW_SIGV4_OUTPUT_INIT;
	const char *cr;

	(void)state;
	sign_dynamo(&creds, &out, 0);
	cr = ww_buf_cstr(&out.canonical_request);
	assert_non_null(strstr(cr, "\nx-amz-date:20150830T123600Z\nx-amz-security-token:token-123\n"
				   "x-amz-target:DynamoDB_20120810.ListTables\n\n"));
	assert_non_null(strstr(ww_buf_cstr(&out.authorization),
			       "Credential=AKIDEXAMPLE/20150830/eu-west-1/dynamodb/aws4_request, "
			       "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
			       "x-amz-target, Signature="));
	/* The body hash closes the canonical request: sha256("{}"). */
	assert_non_null(strstr(cr, "\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
	ww_sigv4_output_release(&out);
}

static void test_sigv4_missing_host_is_invalid(void **state)
{
	ww_creds creds = { akid, other_secret, NULL, 0, NULL };
	ww_http_header h = { "X-Other", "1" };
	ww_sigv4_input in = { "GET", "/", NULL, &h, 1, NULL, 0, "us-east-1", "service", 0, 1 };
	ww_sigv4_output out = WW_SIGV4_OUTPUT_INIT;

	(void)state;
	assert_int_equal(ww_sigv4_sign(&in, &creds, &out), WW_EINVALID);
	assert_string_equal(ww_error_message(), "cannot sign request: no host header");
	assert_int_equal(out.authorization.len, 0);
}

static void test_sigv4_missing_credentials_is_invalid(void **state)
{
	ww_creds creds = { 0 };
	ww_sigv4_output out = WW_SIGV4_OUTPUT_INIT;

	(void)state;
	sign_dynamo(&creds, &out, WW_EINVALID);
	assert_string_equal(ww_error_message(), "cannot sign request: no credentials");
}

static void test_sigv4_uri_encode_reserved(void **state)
{
	ww_buf b = WW_BUF_INIT;

	(void)state;
	ww_sigv4_uri_encode(&b, "a b/c+d=e~", 10, 0);
	assert_string_equal(ww_buf_cstr(&b), "a%20b%2Fc%2Bd%3De~");
	ww_buf_clear(&b);
	ww_sigv4_uri_encode(&b, "/x y/", 5, 1);
	assert_string_equal(ww_buf_cstr(&b), "/x%20y/");
	ww_buf_release(&b);
}

static void test_sigv4_creds_release_twice(void **state)
{
	char source[] = "environment";
	ww_creds c = { 0 }, src = { akid, other_secret, token123, 42, source };

	(void)state;
	ww_creds_copy(&c, &src);
	assert_string_equal(c.secret_access_key, "secret-key-example");
	assert_ptr_not_equal(c.secret_access_key, other_secret);
	assert_int_equal(c.expiration, 42);
	ww_creds_release(&c);
	assert_null(c.secret_access_key);
	ww_creds_release(&c);
	ww_creds_release(NULL);
}

static void hmac_hex(const char *key, size_t klen, const char *data, char hex[65])
{
	unsigned char mac[WW_SHA256_LEN];

	ww_crypto_hmac_sha256(key, klen, data, strlen(data), mac);
	ww_crypto_hex(mac, sizeof(mac), hex);
}

/* RFC 4231 test cases 1, 2 and 6 (a key longer than the block). */
static void test_sigv4_hmac_rfc4231(void **state)
{
	char key1[20], key6[131], hex[65];
	unsigned char md[WW_SHA256_LEN];

	(void)state;
	memset(key1, 0x0b, sizeof(key1));
	hmac_hex(key1, sizeof(key1), "Hi There", hex);
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_hex("Jefe", 4, "what do ya want for nothing?", hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(key6, 0xaa, sizeof(key6));
	hmac_hex(key6, sizeof(key6), "Test Using Larger Than Block-Size Key - Hash Key First", hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	ww_crypto_sha256("abc", 3, md);
	ww_crypto_hex(md, sizeof(md), hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* The signature a fresh derivation gives for `out`'s string to sign. */
static void expected_signature(const char *secret, const char *date, const char *region,
			       const char *service, const ww_sigv4_output *out, char hex[65])
{
	unsigned char k1[WW_SHA256_LEN], k2[WW_SHA256_LEN];
	char aws4[128];

	snprintf(aws4, sizeof(aws4), "AWS4%s", secret);
	ww_crypto_hmac_sha256(aws4, strlen(aws4), date, strlen(date), k1);
	ww_crypto_hmac_sha256(k1, sizeof(k1), region, strlen(region), k2);
	ww_crypto_hmac_sha256(k2, sizeof(k2), service, strlen(service), k1);
	ww_crypto_hmac_sha256(k1, sizeof(k1), "aws4_request", 12, k2);
	ww_crypto_hmac_sha256(k2, sizeof(k2), out->string_to_sign.ptr, out->string_to_sign.len,
			      k1);
	ww_crypto_hex(k1, sizeof(k1), hex);
}

typedef struct {
	char *secret;
	const char *region;
	time_t now;
	const char *date;
	const char *service; /* NULL: "dynamodb" */
} sign_step;

static void check_steps(const sign_step *steps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *service = steps[i].service ? steps[i].service : "dynamodb";
		ww_creds creds = { akid, steps[i].secret, NULL, 0, NULL };
		ww_sigv4_input in = { "POST", "/", NULL, dynamo_headers, 3, "{}", 2,
				      steps[i].region, service, steps[i].now, 1 };
		ww_sigv4_output out = WW_SIGV4_OUTPUT_INIT;
		const char *sig;
		char want[65];

		assert_int_equal(ww_sigv4_sign(&in, &creds, &out), 0);
		expected_signature(steps[i].secret, steps[i].date, steps[i].region, service, &out,
				   want);
		sig = strstr(ww_buf_cstr(&out.authorization), "Signature=");
		assert_non_null(sig);
		assert_string_equal(sig + 10, want);
		ww_sigv4_output_release(&out);
	}
}

/* The derived signing key is cached per thread: credentials refreshed
 * mid-run (a new secret), a new day or another region must each derive
 * again, and going back must not reuse the other entry's key. */
static const sign_step cache_steps[] = {
	{ suite_secret, "eu-west-1", SUITE_TIME, "20150830", NULL },
	{ suite_secret, "eu-west-1", SUITE_TIME + 1, "20150830", NULL },
	{ other_secret, "eu-west-1", SUITE_TIME + 2, "20150830", NULL },
	{ suite_secret, "eu-west-1", SUITE_TIME + 3, "20150830", NULL },
	{ suite_secret, "eu-west-1", SUITE_TIME + 86400, "20150831", NULL },
	{ suite_secret, "us-east-1", SUITE_TIME + 86400, "20150831", NULL },
	{ other_secret, "us-east-1", SUITE_TIME + 86400, "20150831", NULL },
	{ suite_secret, "eu-west-1", SUITE_TIME, "20150830", NULL },
	/* the same scope text from a different region and service */
	{ suite_secret, "eu/west", SUITE_TIME, "20150830", "dynamodb" },
	{ suite_secret, "eu", SUITE_TIME, "20150830", "west/dynamodb" },
	{ suite_secret, "eu/west", SUITE_TIME, "20150830", "dynamodb" },
};

static void *sign_thread(void *arg)
{
	(void)arg;
	check_steps(cache_steps, sizeof(cache_steps) / sizeof(*cache_steps));
	return NULL;
}

static void test_sigv4_key_cache_follows_secret_and_scope(void **state)
{
	pthread_t t;

	(void)state;
	check_steps(cache_steps, sizeof(cache_steps) / sizeof(*cache_steps));
	/* A second thread has its own entry and agrees. */
	assert_int_equal(pthread_create(&t, NULL, sign_thread, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	check_steps(cache_steps + 2, 1);
}

int main(void)
{
	char root[1024];
	struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_sigv4_suite_has_34_cases),
		cmocka_unit_test(test_sigv4_hmac_rfc4231),
		cmocka_unit_test(test_sigv4_signs_session_token_and_replaces_date),
		cmocka_unit_test(test_sigv4_missing_host_is_invalid),
		cmocka_unit_test(test_sigv4_missing_credentials_is_invalid),
		cmocka_unit_test(test_sigv4_uri_encode_reserved),
		cmocka_unit_test(test_sigv4_creds_release_twice),
		cmocka_unit_test(test_sigv4_key_cache_follows_secret_and_scope),
	};
	size_t nfixed = sizeof(fixed) / sizeof(*fixed), i;
	struct CMUnitTest *tests;
	int rc;

	suite_root(root, sizeof(root));
	scan(root, 0);
	tests = calloc(nfixed + ncases, sizeof(*tests));
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < ncases; i++) {
		tests[nfixed + i].name = cases[i].test_name;
		tests[nfixed + i].test_func = run_case;
		tests[nfixed + i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("sigv4", tests, nfixed + ncases, NULL, NULL);
	free(tests);
	return rc;
}
