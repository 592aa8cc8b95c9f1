/*
 * The curl transport against a real HTTP server on loopback
 * (tests/support/fake_creds.py --mode http), and against a TLS one with a
 * certificate made for the test.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "aws/http.h"
#include "common/error.h"
#include "fake_server.h"

static fake_server srv;

static int setup(void **state)
{
	(void)state;
	return fake_start(&srv, "http", NULL);
}

static int teardown(void **state)
{
	(void)state;
	fake_stop(&srv);
	return 0;
}

static int get(ww_http_client *c, const char *path, long timeout_ms, ww_http_response *out)
{
	char url[256];
	ww_http_request req = { "GET", url, NULL, 0, NULL, 0, 0, timeout_ms };

	snprintf(url, sizeof(url), "%s%s", srv.url, path);
	return ww_http_send_curl(c, &req, out);
}

static long stat_of(ww_http_client *c, const char *what)
{
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	cJSON *j;
	long v;

	assert_int_equal(get(c, "/stats", 0, &r), 0);
	j = cJSON_Parse(ww_buf_cstr(&r.body));
	assert_non_null(j);
	v = (long)cJSON_GetObjectItem(j, what)->valuedouble;
	cJSON_Delete(j);
	ww_http_response_release(&r);
	return v;
}

static void test_http_status_headers_and_body(void **state)
{
	ww_http_client *c = ww_http_client_new(NULL);
	ww_http_response r = WW_HTTP_RESPONSE_INIT;

	(void)state;
	assert_non_null(c);
	assert_int_equal(get(c, "/status/418", 0, &r), 0);
	assert_int_equal(r.status, 418);
	assert_string_equal(ww_buf_cstr(&r.body), "status 418");
	assert_string_equal(ww_http_response_header(&r, "x-test-header"), "Value-Here");
	assert_string_equal(ww_http_response_header(&r, "x-amzn-requestid"), "req-418");
	assert_string_equal(ww_http_response_header(&r, "content-length"), "10");
	assert_null(ww_http_response_header(&r, "x-missing"));
	assert_true(r.elapsed_ms > 0);
	/* 5xx is still a response: the caller decides about retries */
	assert_int_equal(get(c, "/status/503", 0, &r), 0);
	assert_int_equal(r.status, 503);
	assert_string_equal(ww_buf_cstr(&r.body), "status 503");
	ww_http_response_release(&r);
	ww_http_response_release(&r);
	ww_http_client_free(c);
}

static void test_http_post_sends_exact_headers_and_body(void **state)
{
	ww_http_client *c = ww_http_client_new(NULL);
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	char url[256];
	static const char body[] = "{\"TableName\":\"Prizes\"}";
	ww_http_header h[] = { { "Content-Type", "application/x-amz-json-1.0" },
			       { "X-Amz-Target", "DynamoDB_20120810.DescribeTable" } };
	ww_http_request req = { "POST", url, h, 2, body, sizeof(body) - 1, 0, 0 };
	cJSON *j, *hdrs;

	(void)state;
	snprintf(url, sizeof(url), "%s/echo", srv.url);
	assert_int_equal(ww_http_send_curl(c, &req, &r), 0);
	assert_int_equal(r.status, 200);
	j = cJSON_Parse(ww_buf_cstr(&r.body));
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "method")->valuestring, "POST");
	assert_string_equal(cJSON_GetObjectItem(j, "body")->valuestring, body);
	hdrs = cJSON_GetObjectItem(j, "headers");
	assert_string_equal(cJSON_GetObjectItem(hdrs, "x-amz-target")->valuestring,
			    "DynamoDB_20120810.DescribeTable");
	assert_string_equal(cJSON_GetObjectItem(hdrs, "content-type")->valuestring,
			    "application/x-amz-json-1.0");
	assert_string_equal(cJSON_GetObjectItem(hdrs, "content-length")->valuestring, "22");
	assert_null(cJSON_GetObjectItem(hdrs, "expect"));
	cJSON_Delete(j);

	/* PUT with no body and no content type: curl adds none of its own */
	req.method = "PUT";
	req.headers = NULL;
	req.nheaders = 0;
	req.body = NULL;
	req.body_len = 0;
	assert_int_equal(ww_http_send_curl(c, &req, &r), 0);
	j = cJSON_Parse(ww_buf_cstr(&r.body));
	assert_string_equal(cJSON_GetObjectItem(j, "method")->valuestring, "PUT");
	hdrs = cJSON_GetObjectItem(j, "headers");
	assert_null(cJSON_GetObjectItem(hdrs, "content-type"));
	assert_string_equal(cJSON_GetObjectItem(hdrs, "content-length")->valuestring, "0");
	cJSON_Delete(j);
	ww_http_response_release(&r);
	ww_http_client_free(c);
}

/* What /echo saw: method, body and one header (NULL when absent). */
static void echo_check(ww_http_client *c, const char *method, const char *path, const char *body,
		       const char *hname, const char *hvalue)
{
	char url[256];
	ww_http_header h[] = { { "X-Probe", hvalue ? hvalue : "" }, { "X-Empty", "" } };
	ww_http_request req = { method, url, h, 2, body, body ? strlen(body) : 0, 0, 0 };
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	cJSON *j, *hdrs, *v;

	snprintf(url, sizeof(url), "%s%s", srv.url, path);
	assert_int_equal(ww_http_send_curl(c, &req, &r), 0);
	assert_int_equal(r.status, 200);
	if (!strcmp(method, "HEAD")) {
		assert_int_equal(r.body.len, 0);
		ww_http_response_release(&r);
		assert_int_equal(get(c, "/last", 0, &r), 0);
	}
	j = cJSON_Parse(ww_buf_cstr(&r.body));
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "method")->valuestring, method);
	assert_string_equal(cJSON_GetObjectItem(j, "path")->valuestring, path);
	assert_string_equal(cJSON_GetObjectItem(j, "body")->valuestring, body ? body : "");
	hdrs = cJSON_GetObjectItem(j, "headers");
	v = cJSON_GetObjectItem(hdrs, hname);
	if (hvalue)
		assert_string_equal(v ? v->valuestring : "(absent)", hvalue);
	else
		assert_null(v);
	v = cJSON_GetObjectItem(hdrs, "x-empty");
	assert_string_equal(v ? v->valuestring : "(absent)", "");
	assert_null(cJSON_GetObjectItem(hdrs, "expect"));
	cJSON_Delete(j);
	ww_http_response_release(&r);
}

/* One handle carries options from request to request: each must still go
 * out with its own method, URL, body and headers, whatever came before. */
static void test_http_reused_handle_switches_methods(void **state)
{
	ww_http_client *c = ww_http_client_new(NULL);

	(void)state;
	echo_check(c, "POST", "/echo", "{\"a\":1}", "x-probe", "one");
	echo_check(c, "GET", "/echo", NULL, "content-length", NULL);
	echo_check(c, "HEAD", "/status/200", NULL, "x-probe", "three");
	echo_check(c, "GET", "/echo?x=1", NULL, "content-type", NULL);
	echo_check(c, "DELETE", "/echo", NULL, "content-length", NULL);
	echo_check(c, "PUT", "/echo", "put body", "content-length", "8");
	echo_check(c, "POST", "/echo", "", "content-length", "0");
	echo_check(c, "GET", "/echo", NULL, "x-probe", "eight");
	ww_http_client_free(c);
}

static void test_http_timeout_is_network_error(void **state)
{
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	char want[128];

	(void)state;
	/* the default client (ctx NULL) too */
	assert_int_equal(get(NULL, "/slow?ms=2000", 300, &r), WW_ENETWORK);
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof(want), "request to \"127.0.0.1\" failed: Operation timed out after ");
	assert_memory_equal(ww_error_message(), want, strlen(want));
	ww_http_response_release(&r);
}

static void test_http_refused_connection_is_network_error(void **state)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;
	char url[64], want[160];
	ww_http_request req = { "GET", url, NULL, 0, NULL, 0, 0, 0 };
	ww_http_response r = WW_HTTP_RESPONSE_INIT;

	(void)state;
	/* a port that was free a moment ago and has no listener now */
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	assert_int_equal(ww_http_send_curl(NULL, &req, &r), WW_ENETWORK);
	snprintf(want, sizeof(want), "request to \"127.0.0.1\" failed: Failed to connect to 127.0.0.1 port %d",
		 port);
	assert_memory_equal(ww_error_message(), want, strlen(want));
}

static void test_http_plain_http_to_remote_refused(void **state)
{
	ww_http_request req = { "GET", "http://dynamodb.example.com:8000/", NULL, 0, NULL, 0, 0, 0 };
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	ww_http_options o = { NULL, 1 };
	ww_http_client *insecure = ww_http_client_new(&o);

	(void)state;
	assert_int_equal(ww_http_send_curl(NULL, &req, &r), WW_ERROR);
	assert_string_equal(ww_error_message(), "refusing plain http to \"dynamodb.example.com\": "
						"use https, or --allow-insecure-http");
	req.url = "ftp://127.0.0.1/";
	assert_int_equal(ww_http_send_curl(NULL, &req, &r), WW_ERROR);
	assert_string_equal(ww_error_message(),
			    "cannot send request: \"ftp://127.0.0.1/\" is not an http(s) URL");
	/* allowed: the request goes out (and fails to resolve, no network) */
	req.url = "http://wwseed-test.invalid/";
	req.connect_timeout_ms = 2000;
	assert_int_equal(ww_http_send_curl(insecure, &req, &r), WW_ENETWORK);
	assert_memory_equal(ww_error_message(), "request to \"wwseed-test.invalid\" failed: ", 41);
	ww_http_client_free(insecure);
}

static void test_http_url_is_loopback(void **state)
{
	(void)state;
	assert_true(ww_http_url_is_loopback("http://127.0.0.1:8000/"));
	assert_true(ww_http_url_is_loopback("http://127.3.2.1"));
	assert_true(ww_http_url_is_loopback("http://localhost:4567/x"));
	assert_true(ww_http_url_is_loopback("http://LOCALHOST"));
	assert_true(ww_http_url_is_loopback("http://[::1]:8000/"));
	assert_true(ww_http_url_is_loopback("http://user@127.0.0.1/"));
	assert_false(ww_http_url_is_loopback("http://128.0.0.1/"));
	assert_false(ww_http_url_is_loopback("http://localhost.example.com/"));
	assert_false(ww_http_url_is_loopback("http://127.0.0.1.example.com/"));
	assert_false(ww_http_url_is_loopback("http://[::2]/"));
	assert_false(ww_http_url_is_loopback("http://127.0.0.1@evil.example.com/"));
	assert_false(ww_http_url_is_loopback("127.0.0.1"));
	assert_false(ww_http_url_is_loopback(NULL));
}

static void test_http_reuses_one_connection(void **state)
{
	ww_http_client *c = ww_http_client_new(NULL);
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	long before, i;

	(void)state;
	before = stat_of(c, "connections");
	for (i = 0; i < 5; i++) {
		assert_int_equal(get(c, "/status/200", 0, &r), 0);
		assert_int_equal(r.status, 200);
	}
	/* the 5 requests and this /stats all rode the first /stats' connection */
	assert_int_equal(stat_of(c, "connections"), before);
	ww_http_response_release(&r);
	ww_http_client_free(c);
}

typedef struct {
	ww_http_client *c;
	int failures;
} thread_arg;

static void *worker(void *p)
{
	thread_arg *a = p;
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	int i;

	for (i = 0; i < 20; i++)
		if (get(a->c, "/status/200", 0, &r) || r.status != 200)
			a->failures++;
	ww_http_response_release(&r);
	return NULL;
}

static void test_http_threads_share_connections(void **state)
{
	ww_http_client *c = ww_http_client_new(NULL);
	pthread_t t[4];
	thread_arg a[4];
	long before, after;
	int i;

	(void)state;
	before = stat_of(c, "connections");
	for (i = 0; i < 4; i++) {
		a[i].c = c;
		a[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].failures, 0);
	}
	after = stat_of(c, "connections");
	/* 80 requests from 4 threads: at most one connection per thread */
	assert_true(after - before <= 4);
	ww_http_client_free(c);
}

/* A certificate for 127.0.0.1 made for this run. */
static void make_cert(const char *dir, char *pem, size_t n)
{
	char cmd[4096];

	snprintf(pem, n, "%s/cert.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
		 "-addext subjectAltName=IP:127.0.0.1 -keyout '%s/key.pem' -out '%s/crt.pem' "
		 ">/dev/null 2>&1 && cat '%s/crt.pem' '%s/key.pem' > '%s'",
		 dir, dir, dir, dir, pem);
	assert_int_equal(system(cmd), 0);
}

static void test_http_tls_verified_against_ca_bundle(void **state)
{
	fake_server tls;
	char pem[512], crt[512], url[128];
	const char *extra[] = { "--tls-cert", pem, NULL };
	ww_http_options o = { crt, 0 };
	ww_http_client *trusting = NULL, *system_store = ww_http_client_new(NULL);
	ww_http_request req = { "GET", url, NULL, 0, NULL, 0, 0, 0 };
	ww_http_response r = WW_HTTP_RESPONSE_INIT;

	(void)state;
	make_cert(srv.dir, pem, sizeof(pem));
	snprintf(crt, sizeof(crt), "%s/crt.pem", srv.dir);
	assert_int_equal(fake_start(&tls, "http", extra), 0);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/status/200", tls.port);

	/* the system store does not trust it: refused, never sent */
	assert_int_equal(ww_http_send_curl(system_store, &req, &r), WW_ENETWORK);
	assert_non_null(strstr(ww_error_message(), "request to \"127.0.0.1\" failed: "));
	assert_non_null(strstr(ww_error_message(), "certificate"));
	/* with the bundle that holds it: verified and answered */
	trusting = ww_http_client_new(&o);
	assert_int_equal(ww_http_send_curl(trusting, &req, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(ww_buf_cstr(&r.body), "status 200");
	ww_http_client_free(trusting);
	/* a bundle that does not exist is an error, not a fallback */
	o.ca_bundle = "/nonexistent/wwseed-ca.pem";
	trusting = ww_http_client_new(&o);
	assert_int_equal(ww_http_send_curl(trusting, &req, &r), WW_ENETWORK);
	assert_non_null(strstr(ww_error_message(), "/nonexistent/wwseed-ca.pem"));
	ww_http_client_free(trusting);
	ww_http_client_free(system_store);
	ww_http_response_release(&r);
	fake_stop(&tls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_status_headers_and_body),
		cmocka_unit_test(test_http_post_sends_exact_headers_and_body),
		cmocka_unit_test(test_http_reused_handle_switches_methods),
		cmocka_unit_test(test_http_timeout_is_network_error),
		cmocka_unit_test(test_http_refused_connection_is_network_error),
		cmocka_unit_test(test_http_plain_http_to_remote_refused),
		cmocka_unit_test(test_http_url_is_loopback),
		cmocka_unit_test(test_http_reuses_one_connection),
		cmocka_unit_test(test_http_threads_share_connections),
		cmocka_unit_test(test_http_tls_verified_against_ca_bundle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
