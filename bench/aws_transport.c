/*
 * Micro-benchmark of the aws/ transport layer (make bench-aws): SigV4
 * signing cost, and what connection reuse buys over plain http and TLS
 * against the loopback fake (tests/support/fake_creds.py --mode http).
 * Prints one line per measurement.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "common/error.h"
#include "tests/unit/aws/fake_server.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void bench_sign(size_t body_len, int n)
{
	char akid[] = "AKIDEXAMPLE", secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	char token[] = "session-token-for-the-benchmark-0123456789";
	ww_creds creds = {akid, secret, token, 0, NULL};
	ww_http_header h[] = {{"Host", "dynamodb.eu-west-1.amazonaws.com"},
			      {"Content-Type", "application/x-amz-json-1.0"},
			      {"X-Amz-Target", "DynamoDB_20120810.BatchWriteItem"}};
	char *body = malloc(body_len + 1);
	ww_sigv4_input in = {"POST",   "/",	    NULL,	h,	    3, body,
			     body_len, "eu-west-1", "dynamodb", 1440938160, 1};
	ww_sigv4_output out = WW_SIGV4_OUTPUT_INIT;
	double t0;
	int i;

	memset(body, 'x', body_len);
	t0 = now_s();
	for (i = 0; i < n; i++)
		if (ww_sigv4_sign(&in, &creds, &out))
			exit(1);
	printf("sigv4: %zu-byte body: %.1f us per signature (%d signatures)\n", body_len,
	       (now_s() - t0) / n * 1e6, n);
	ww_sigv4_output_release(&out);
	free(body);
}

typedef struct {
	ww_http_client *c;
	const char *url;
	int n;
} job;

static void *worker(void *v)
{
	job *j = v;
	ww_http_request req = {"GET", j->url, NULL, 0, NULL, 0, 0, 0};
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	int i;

	for (i = 0; i < j->n; i++)
		if (ww_http_send_curl(j->c, &req, &r) || r.status != 200) {
			fprintf(stderr, "bench-aws: request failed: %s\n", ww_error_message());
			exit(1);
		}
	ww_http_response_release(&r);
	return NULL;
}

static void bench_http(const char *label, const char *base, const char *ca, int n, int threads)
{
	char url[256];
	ww_http_options o = {ca, 0};
	ww_http_client *c = ww_http_client_new(&o);
	pthread_t t[16];
	job j = {c, url, n};
	double t0, reused, fresh;
	int i;

	snprintf(url, sizeof(url), "%s/status/200", base);
	worker(&j); /* warm: first connection, DNS, TLS session */
	t0 = now_s();
	worker(&j);
	reused = (now_s() - t0) / n * 1e3;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		job one = {ww_http_client_new(&o), url, 1};
		worker(&one);
		ww_http_client_free(one.c);
	}
	fresh = (now_s() - t0) / n * 1e3;
	printf("http: %s: %.2f ms per request on a reused connection, %.2f ms with a new "
	       "client each (%d requests)\n",
	       label, reused, fresh, n);
	t0 = now_s();
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, &j);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("http: %s: %d threads sharing one client: %.0f requests/s\n", label, threads,
	       threads * n / (now_s() - t0));
	ww_http_client_free(c);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 500;
	fake_server plain, tls;
	char cmd[4096], pem[300], crt[300];
	const char *extra[] = {"--tls-cert", pem, NULL};

	bench_sign(0, 20000);
	bench_sign(16384, 20000);
	if (fake_start(&plain, "http", NULL)) {
		fprintf(stderr, "bench-aws: cannot start the fake server\n");
		return 1;
	}
	snprintf(pem, sizeof(pem), "%s/both.pem", plain.dir);
	snprintf(crt, sizeof(crt), "%s/crt.pem", plain.dir);
	snprintf(
	    cmd, sizeof(cmd),
	    "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 -keyout '%s/key.pem' -out '%s' >/dev/null 2>&1 "
	    "&& cat '%s' '%s/key.pem' > '%s'",
	    plain.dir, crt, crt, plain.dir, pem);
	if (system(cmd) || fake_start(&tls, "http", extra)) {
		fprintf(stderr, "bench-aws: cannot start the TLS fake server\n");
		fake_stop(&plain);
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "https://127.0.0.1:%d", tls.port);
	bench_http("plain http", plain.url, NULL, n, 4);
	bench_http("https", cmd, crt, n, 4);
	fake_stop(&tls);
	fake_stop(&plain);
	return 0;
}
