#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/retry.h"
#include "common/error.h"
#include "common/log.h"

#include "ddb_replay.h"

/* ---- The policy on its own ----------------------------------------- */

static void test_retry_classify_table(void **state)
{
	static const char *const throttles[] = {
		"ProvisionedThroughputExceededException", "ThrottlingException",
		"RequestLimitExceeded", "LimitExceededException", "TooManyRequestsException",
	};
	static const char *const never[] = {
		"ValidationException", "ConditionalCheckFailedException",
		"ResourceNotFoundException", "AccessDeniedException",
		"UnrecognizedClientException", "InvalidSignatureException",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(throttles) / sizeof(*throttles); i++)
		assert_int_equal(ww_retry_classify(0, 400, throttles[i]), WW_RETRY_THROTTLE);
	for (i = 0; i < sizeof(never) / sizeof(*never); i++)
		assert_int_equal(ww_retry_classify(0, 400, never[i]), WW_RETRY_NEVER);
	assert_int_equal(ww_retry_classify(0, 500, "InternalServerError"), WW_RETRY_TRANSIENT);
	assert_int_equal(ww_retry_classify(0, 502, ""), WW_RETRY_TRANSIENT);
	assert_int_equal(ww_retry_classify(0, 503, NULL), WW_RETRY_TRANSIENT);
	assert_int_equal(ww_retry_classify(0, 504, ""), WW_RETRY_TRANSIENT);
	assert_int_equal(ww_retry_classify(0, 501, ""), WW_RETRY_NEVER);
	assert_int_equal(ww_retry_classify(0, 404, ""), WW_RETRY_NEVER);
	assert_int_equal(ww_retry_classify(0, 413, ""), WW_RETRY_NEVER);
	assert_int_equal(ww_retry_classify(WW_ENETWORK, 0, NULL), WW_RETRY_TRANSPORT);
	assert_int_equal(ww_retry_classify(WW_EINVALID, 0, NULL), WW_RETRY_NEVER);
}

static void test_retry_backoff_full_jitter(void **state)
{
	ww_retry_options o = { 0, 25, 20000, 0 };

	(void)state;
	assert_int_equal(ww_retry_backoff_ms(&o, 1, 0.5), 12);  /* 0.5 * 25 */
	assert_int_equal(ww_retry_backoff_ms(&o, 2, 0.5), 25);  /* 0.5 * 50 */
	assert_int_equal(ww_retry_backoff_ms(&o, 3, 0.99), 99); /* 0.99 * 100 */
	assert_int_equal(ww_retry_backoff_ms(&o, 1, 0.0), 0);
	assert_int_equal(ww_retry_backoff_ms(&o, 11, 0.5), 10000); /* 25 * 1024 capped at 20000 */
	assert_int_equal(ww_retry_backoff_ms(&o, 5000, 0.5), 10000); /* no overflow */
	assert_true(ww_retry_backoff_ms(&o, 1, 1.0) < 25);         /* r stays below 1 */
}

static void test_retry_defaults(void **state)
{
	ww_retry_options o = { 0, 0, 0, 0 };
	ww_retry *r = ww_retry_new(&o, NULL, NULL);

	(void)state;
	assert_int_equal(ww_retry_options_of(r)->max_attempts, 10);
	assert_int_equal(ww_retry_options_of(r)->base_ms, 25);
	assert_int_equal(ww_retry_options_of(r)->cap_ms, 20000);
	assert_int_equal(ww_retry_options_of(r)->budget, 500);
	assert_int_equal(ww_retry_tokens(r), 500);
	ww_retry_free(r);
	ww_retry_free(NULL);
}

static void test_retry_budget_takes_and_refunds(void **state)
{
	ww_retry_options o = { 10, 25, 20000, 12 };
	double jitter = 0.5;
	ww_retry *r = ww_retry_new(&o, replay_random, &jitter);
	long delay;
	int cost;

	(void)state;
	assert_int_equal(ww_retry_decide(r, WW_RETRY_THROTTLE, 1, &delay, &cost), WW_RETRY_GO);
	assert_int_equal(delay, 12);
	assert_int_equal(cost, 5);
	assert_int_equal(ww_retry_tokens(r), 7);
	assert_int_equal(ww_retry_decide(r, WW_RETRY_TRANSIENT, 2, &delay, &cost), WW_RETRY_GO);
	assert_int_equal(delay, 25);
	assert_int_equal(ww_retry_tokens(r), 2);
	/* Empty bucket: fail fast, nothing taken. */
	assert_int_equal(ww_retry_decide(r, WW_RETRY_THROTTLE, 3, &delay, &cost),
			 WW_RETRY_STOP_BUDGET);
	assert_int_equal(delay, 0);
	assert_int_equal(cost, 0);
	assert_int_equal(ww_retry_tokens(r), 2);
	ww_retry_success(r, 5); /* a success after a retry gives its cost back */
	assert_int_equal(ww_retry_tokens(r), 7);
	ww_retry_success(r, 0); /* a first-time success adds one */
	assert_int_equal(ww_retry_tokens(r), 8);
	ww_retry_success(r, 10);
	assert_int_equal(ww_retry_tokens(r), 12); /* never above the budget */
	/* A transport error costs 10. */
	assert_int_equal(ww_retry_decide(r, WW_RETRY_TRANSPORT, 1, &delay, &cost), WW_RETRY_GO);
	assert_int_equal(cost, 10);
	assert_int_equal(ww_retry_tokens(r), 2);
	ww_retry_free(r);
}

static void test_retry_stops_at_max_attempts_and_on_never(void **state)
{
	ww_retry_options o = { 3, 25, 20000, 500 };
	ww_retry *r = ww_retry_new(&o, NULL, NULL);
	long delay;
	int cost;

	(void)state;
	assert_int_equal(ww_retry_decide(r, WW_RETRY_THROTTLE, 2, &delay, &cost), WW_RETRY_GO);
	assert_true(delay >= 0 && delay < 50);
	assert_int_equal(ww_retry_decide(r, WW_RETRY_THROTTLE, 3, &delay, &cost),
			 WW_RETRY_STOP_ATTEMPTS);
	assert_int_equal(ww_retry_decide(r, WW_RETRY_NEVER, 1, &delay, &cost), WW_RETRY_STOP_CLASS);
	assert_int_equal(ww_retry_tokens(r), 495);
	ww_retry_free(r);
}

/* ---- The policy inside the client, through the replay seam ---------- */

static void item(ww_av *it)
{
	ww_av_set_container(it, WW_AV_M);
	ww_av_set_s(ww_av_map_add(it, "id"), "t-1", 3);
	ww_av_set_s(ww_av_map_add(it, "prize"), "grand", 5);
}

static int put(replay_env *e, ww_ddb_error *err)
{
	ww_av it = WW_AV_INIT;
	int rc;

	item(&it);
	rc = ww_ddb_put_item(e->ddb, "wwseed-dev-tickets", &it, NULL, err);
	ww_av_release(&it);
	return rc;
}

static void test_retry_throttling_then_success(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;
	size_t i;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "throttled", "throttled", "put_item_ok");
	assert_int_equal(put(&e, &err), 0);
	assert_int_equal(e.sleeps.n, 2);
	assert_int_equal(e.sleeps.slept[0], 12); /* 0.5 * 25 */
	assert_int_equal(e.sleeps.slept[1], 25); /* 0.5 * 50 */
	ww_ddb_get_stats(e.ddb, &st);
	assert_int_equal(st.requests, 3);
	assert_int_equal(st.retries, 2);
	assert_int_equal(st.write_requests, 1);
	assert_int_equal(st.items_written, 1);
	assert_true(st.consumed_wcu == 1.0);
	/* Every attempt sends the same body, freshly signed. */
	for (i = 1; i < 3; i++) {
		assert_string_equal(e.rp.bodies[i], e.rp.bodies[0]);
		assert_true(strstr(e.rp.auth[i], "Signature=") != NULL);
	}
	replay_env_release(&e);
}

static void test_retry_throttling_exhausted(void **state)
{
	ww_retry_options o = { 3, 0, 0, 0 };
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, &o, NULL);
	REPLAY(&e, "throttled", "throttled", "throttled");
	assert_int_equal(put(&e, &err), WW_ETHROTTLED);
	assert_int_equal(err.code, WW_ETHROTTLED);
	assert_int_equal(err.attempts, 3);
	assert_int_equal(err.http_status, 400);
	assert_string_equal(err.type, "ProvisionedThroughputExceededException");
	assert_string_equal(err.request_id, "THROTTLE0000000000000000000000000000000000000000000000");
	assert_int_equal(e.sleeps.n, 2);
	assert_string_equal(
		ww_error_message(),
		"dynamodb PutItem on table 'wwseed-dev-tickets' failed: "
		"ProvisionedThroughputExceededException: The level of configured provisioned "
		"throughput for the table was exceeded. Consider increasing your provisioning level "
		"with the UpdateTable API. (http 400, request-id "
		"THROTTLE0000000000000000000000000000000000000000000000, 3 attempts, out of attempts)");
	replay_env_release(&e);
}

static void test_retry_5xx_then_success(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "internal_error", "unavailable", "put_item_ok");
	assert_int_equal(put(&e, &err), 0);
	assert_int_equal(e.sleeps.n, 2);
	assert_int_equal(e.sleeps.slept[0], 12);
	assert_int_equal(e.sleeps.slept[1], 25);
	replay_env_release(&e);
}

static void test_retry_5xx_exhausted_is_aws_error(void **state)
{
	ww_retry_options o = { 2, 0, 0, 0 };
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, &o, NULL);
	REPLAY(&e, "unavailable", "unavailable");
	assert_int_equal(put(&e, &err), WW_EAWS);
	assert_int_equal(err.attempts, 2);
	assert_int_equal(err.http_status, 503);
	assert_string_equal(err.type, "ServiceUnavailableException");
	assert_string_equal(err.message, "Service unavailable");
	assert_int_equal(e.sleeps.n, 1);
	replay_env_release(&e);
}

/* A proxy's HTML error page: no AWS error type, retried as a 5xx. */
static void test_retry_bad_gateway_without_json(void **state)
{
	ww_retry_options o = { 2, 0, 0, 0 };
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, &o, NULL);
	REPLAY(&e, "bad_gateway", "bad_gateway");
	assert_int_equal(put(&e, &err), WW_EAWS);
	assert_int_equal(err.attempts, 2);
	assert_int_equal(err.http_status, 502);
	assert_string_equal(err.type, "");
	assert_string_equal(ww_error_message(),
			    "dynamodb PutItem on table 'wwseed-dev-tickets' failed: http 502 "
			    "(request-id -, 2 attempts, out of attempts)");
	replay_env_release(&e);
}

static void test_retry_bad_crc_then_success(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "bad_crc", "put_item_ok");
	assert_int_equal(put(&e, &err), 0);
	assert_int_equal(e.sleeps.n, 1);
	assert_int_equal(e.sleeps.slept[0], 12);
	replay_env_release(&e);
}

static void test_retry_bad_crc_exhausted_is_network(void **state)
{
	ww_retry_options o = { 2, 0, 0, 0 };
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, &o, NULL);
	REPLAY(&e, "bad_crc", "bad_crc");
	assert_int_equal(put(&e, &err), WW_ENETWORK);
	assert_int_equal(err.attempts, 2);
	assert_string_equal(err.type, "");
	assert_string_equal(err.request_id, "BADCRC000000000000000000000000000000000000000000000000");
	assert_string_equal(ww_error_message(),
			    "dynamodb PutItem on table 'wwseed-dev-tickets' failed: response crc32 "
			    "mismatch (x-amz-crc32 12345, body of 75 bytes) (2 attempts, out of "
			    "attempts)");
	replay_env_release(&e);
}

static void test_retry_dropped_connection_then_success(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "dropped", "put_item_ok");
	assert_int_equal(put(&e, &err), 0);
	assert_int_equal(e.sleeps.n, 1);
	assert_int_equal(e.sleeps.slept[0], 12);
	replay_env_release(&e);
}

static void test_retry_dropped_connection_exhausted(void **state)
{
	ww_retry_options o = { 3, 100, 150, 0 };
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, &o, NULL);
	e.jitter = 0.999;
	REPLAY(&e, "dropped", "dropped", "dropped");
	assert_int_equal(put(&e, &err), WW_ENETWORK);
	assert_int_equal(err.attempts, 3);
	assert_int_equal(err.http_status, 0);
	assert_int_equal(e.sleeps.n, 2);
	assert_int_equal(e.sleeps.slept[0], 99);  /* 0.999 * 100 */
	assert_int_equal(e.sleeps.slept[1], 149); /* 0.999 * min(150, 200) */
	assert_string_equal(ww_error_message(),
			    "dynamodb PutItem on table 'wwseed-dev-tickets' failed: connection to "
			    "'https://dynamodb.us-east-1.amazonaws.com/' dropped: recv failure (3 "
			    "attempts, out of attempts)");
	replay_env_release(&e);
}

static void test_retry_truncated_body_then_success(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "truncated", "put_item_ok");
	assert_int_equal(put(&e, &err), 0);
	assert_int_equal(e.sleeps.n, 1);
	replay_env_release(&e);
}

static void test_retry_validation_not_retried(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "validation");
	assert_int_equal(put(&e, &err), WW_EINVALID);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(e.sleeps.n, 0);
	ww_ddb_get_stats(e.ddb, &st);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.retries, 0);
	replay_env_release(&e);
}

static void test_retry_access_denied_not_retried(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "access_denied");
	assert_int_equal(put(&e, &err), WW_EAUTH);
	assert_int_equal(err.attempts, 1);
	assert_string_equal(err.type, "AccessDeniedException");
	/* "Message" with a capital M is read too. */
	assert_true(strstr(err.message, "is not authorized to perform: dynamodb:PutItem") != NULL);
	assert_int_equal(e.sleeps.n, 0);
	replay_env_release(&e);
}

/* The bucket is shared: once a failing service has drained it, calls fail
 * after their first attempt instead of piling on. */
static void test_retry_budget_exhausted_fails_fast(void **state)
{
	ww_retry_options o = { 10, 0, 0, 10 };
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, &o, NULL);
	REPLAY(&e, "throttled", "throttled", "throttled", "throttled");
	assert_int_equal(put(&e, &err), WW_ETHROTTLED);
	assert_int_equal(err.attempts, 3);
	assert_int_equal(e.sleeps.n, 2);
	assert_true(strstr(ww_error_message(), "3 attempts, retry budget exhausted)") != NULL);
	assert_int_equal(put(&e, &err), WW_ETHROTTLED);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(e.sleeps.n, 2);
	replay_env_release(&e);
}

/* ---- Credentials are fetched per attempt ----------------------------- */

/* A container credentials endpoint: a new key per fetch, the first one
 * expiring 400 s after the test's start. */
static int creds_send(void *ctx, const ww_http_request *req, ww_http_response *out)
{
	int *fetches = ctx;

	(*fetches)++;
	assert_string_equal(req->url, "http://127.0.0.1:9/creds");
	out->status = 200;
	ww_buf_printf(&out->body,
		      "{\"AccessKeyId\":\"ASIAKEY%d\",\"SecretAccessKey\":\"secret-number-%d\","
		      "\"Token\":\"token-number-%d\",\"Expiration\":\"%s\"}",
		      *fetches, *fetches, *fetches,
		      *fetches == 1 ? "2026-11-21T12:06:40Z" : "2026-11-22T12:00:00Z");
	return 0;
}

/* Each retry pause moves the clock 200 s: by the second attempt the first
 * credentials are within 5 minutes of expiring. */
static void long_sleep(void *ctx, long ms)
{
	(void)ms;
	*(time_t *)ctx += 200;
}

static void test_retry_fetches_credentials_per_attempt(void **state)
{
	ww_aws_config cfg;
	ww_ddb_options o;
	ww_creds_provider *p;
	ww_ddb *d;
	ww_ddb_error err;
	replay rp;
	time_t now = REPLAY_NOW;
	double jitter = 0.5;
	int fetches = 0;
	ww_av it = WW_AV_INIT;
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
					    "AWS_SESSION_TOKEN", "AWS_PROFILE",
					    "AWS_WEB_IDENTITY_TOKEN_FILE",
					    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
					    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
					    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vars) / sizeof(*vars); i++)
		unsetenv(vars[i]);
	setenv("AWS_CONFIG_FILE", "/nonexistent/wwseed-test/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/wwseed-test/credentials", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	cfg.send = creds_send;
	cfg.send_ctx = &fetches;
	cfg.clock = replay_clock;
	cfg.clock_ctx = &now;
	p = ww_creds_provider_chain_new(&cfg);
	assert_non_null(p);
	ww_aws_config_release(&cfg);

	memset(&rp, 0, sizeof(rp));
	rp.steps[0] = "throttled";
	rp.steps[1] = "put_item_ok";
	rp.nsteps = 2;
	memset(&o, 0, sizeof(o));
	o.region = "us-east-1";
	o.creds = p;
	o.send = replay_send;
	o.send_ctx = &rp;
	o.clock = replay_clock;
	o.clock_ctx = &now;
	o.sleep_ms = long_sleep;
	o.sleep_ctx = &now;
	o.random = replay_random;
	o.random_ctx = &jitter;
	d = ww_ddb_new(&o);
	assert_non_null(d);
	ww_av_set_container(&it, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&it, "id"), "t-1", 3);
	assert_int_equal(ww_ddb_put_item(d, "wwseed-dev-tickets", &it, NULL, &err), 0);
	assert_int_equal(rp.next, 2);
	assert_int_equal(fetches, 2);
	assert_int_equal(ww_creds_provider_fetches(p), 2);
	assert_non_null(strstr(rp.auth[0], "Credential=ASIAKEY1/20261121/"));
	assert_string_equal(rp.token[0], "token-number-1");
	/* The retry, 200 s later, is signed with the refreshed credentials. */
	assert_non_null(strstr(rp.auth[1], "Credential=ASIAKEY2/20261121/"));
	assert_string_equal(rp.token[1], "token-number-2");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	ww_av_release(&it);
	ww_ddb_free(d);
	ww_creds_provider_free(p);
	replay_release(&rp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_classify_table),
		cmocka_unit_test(test_retry_backoff_full_jitter),
		cmocka_unit_test(test_retry_defaults),
		cmocka_unit_test(test_retry_budget_takes_and_refunds),
		cmocka_unit_test(test_retry_stops_at_max_attempts_and_on_never),
		cmocka_unit_test(test_retry_throttling_then_success),
		cmocka_unit_test(test_retry_throttling_exhausted),
		cmocka_unit_test(test_retry_5xx_then_success),
		cmocka_unit_test(test_retry_5xx_exhausted_is_aws_error),
		cmocka_unit_test(test_retry_bad_gateway_without_json),
		cmocka_unit_test(test_retry_bad_crc_then_success),
		cmocka_unit_test(test_retry_bad_crc_exhausted_is_network),
		cmocka_unit_test(test_retry_dropped_connection_then_success),
		cmocka_unit_test(test_retry_dropped_connection_exhausted),
		cmocka_unit_test(test_retry_truncated_body_then_success),
		cmocka_unit_test(test_retry_validation_not_retried),
		cmocka_unit_test(test_retry_access_denied_not_retried),
		cmocka_unit_test(test_retry_budget_exhausted_fails_fast),
		cmocka_unit_test(test_retry_fetches_credentials_per_attempt),
	};
	ww_log_set_level(WW_LOG_QUIET);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
