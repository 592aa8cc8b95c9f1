#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "aws/ddb.h"
#include "common/log.h"

#include "ddb_replay.h"

/*
 * What the client logs at each level, captured through the log sink, and
 * that no secret reaches the log at any level: the secret key, the session
 * token and the request signature.
 */
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvYXdzEJr//////////wEaDOKEN="

static FILE *sink;

static int setup(void **state)
{
	(void)state;
	sink = tmpfile();
	assert_non_null(sink);
	ww_log_set_sink(sink);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ww_log_set_sink(NULL);
	ww_log_set_level(WW_LOG_NORMAL);
	fclose(sink);
	return 0;
}

/* Everything logged so far. Caller frees. */
static char *captured(void)
{
	long n;
	char *s;

	fflush(sink);
	n = ftell(sink);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	rewind(sink);
	assert_int_equal(fread(s, 1, (size_t)n, sink), (size_t)n);
	s[n] = '\0';
	return s;
}

static void put(replay_env *e, int expect)
{
	ww_av it = WW_AV_INIT;
	ww_ddb_error err;

	ww_av_set_container(&it, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&it, "id"), "t-1", 3);
	assert_int_equal(ww_ddb_put_item(e->ddb, "wwseed-dev-tickets", &it, NULL, &err), expect);
	ww_av_release(&it);
}

/* The signature of attempt i: the hex after "Signature=". */
static const char *signature(const replay_env *e, size_t i)
{
	const char *s = strstr(e->rp.auth[i], "Signature=");

	assert_non_null(s);
	assert_int_equal(strlen(s + 10), 64);
	return s + 10;
}

static void test_ddb_log_debug_shows_bodies_never_secrets(void **state)
{
	replay_env e;
	char *log;
	size_t i;

	(void)state;
	ww_log_set_level(WW_LOG_DEBUG);
	replay_env_init(&e, NULL, TOKEN);
	e.rp.elapsed_ms = 12.3;
	REPLAY(&e, "throttled", "put_item_ok");
	put(&e, 0);
	log = captured();
	/* One line per attempt, with status, latency, attempt and request id. */
	assert_non_null(strstr(log, "ddb: PutItem table=wwseed-dev-tickets status=400 ms=12.3 "
				    "attempt=1 request-id="
				    "THROTTLE0000000000000000000000000000000000000000000000 "
				    "error=ProvisionedThroughputExceededException\n"));
	assert_non_null(strstr(log, "ddb: retrying PutItem in 12 ms (attempt 1 failed: "
				    "ProvisionedThroughputExceededException)\n"));
	assert_non_null(strstr(log, "ddb: PutItem table=wwseed-dev-tickets status=200 ms=12.3 "
				    "attempt=2 request-id="
				    "PUTOK00000000000000000000000000000000000000000000000000\n"));
	/* Bodies both ways. */
	assert_non_null(strstr(log, "ddb: > PutItem {\"TableName\":\"wwseed-dev-tickets\",\"Item\":"
				    "{\"id\":{\"S\":\"t-1\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}\n"));
	assert_non_null(strstr(log, "ddb: < PutItem {\"ConsumedCapacity\":{\"TableName\":"
				    "\"wwseed-dev-tickets\",\"CapacityUnits\":1.0}}\n"));
	/* Headers, with the secret ones masked. */
	assert_non_null(strstr(log, "ddb: > PutItem X-Amz-Target: DynamoDB_20120810.PutItem\n"));
	assert_non_null(strstr(log, "ddb: > PutItem X-Amz-Security-Token: ****\n"));
	assert_non_null(strstr(log, "ddb: > PutItem Authorization: AWS4-HMAC-SHA256 "
				    "Credential=AKIDEXAMPLE/20261121/us-east-1/dynamodb/aws4_request, "
				    "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
				    "x-amz-target, Signature=****\n"));
	/* And never a secret. */
	assert_null(strstr(log, SECRET));
	assert_null(strstr(log, TOKEN));
	assert_null(strstr(log, "IQoJb3JpZ2luX2Vj")); /* not even a prefix of the token */
	for (i = 0; i < 2; i++) {
		assert_string_equal(e.rp.token[i], TOKEN); /* it was sent... */
		assert_null(strstr(log, signature(&e, i))); /* ...and so was this, unlogged */
	}
	free(log);
	replay_env_release(&e);
}

static void test_ddb_log_verbose_one_line_per_attempt(void **state)
{
	replay_env e;
	char *log, *p;
	int lines = 0;

	(void)state;
	ww_log_set_level(WW_LOG_VERBOSE);
	replay_env_init(&e, NULL, TOKEN);
	e.rp.elapsed_ms = 4.25;
	REPLAY(&e, "dropped", "put_item_ok");
	put(&e, 0);
	log = captured();
	assert_string_equal(
		log,
		"ddb: PutItem table=wwseed-dev-tickets status=0 ms=4.2 attempt=1 request-id=- "
		"error=network\n"
		"ddb: retrying PutItem in 12 ms (attempt 1 failed: connection to "
		"'https://dynamodb.us-east-1.amazonaws.com/' dropped: recv failure)\n"
		"ddb: PutItem table=wwseed-dev-tickets status=200 ms=4.2 attempt=2 "
		"request-id=PUTOK00000000000000000000000000000000000000000000000000\n");
	for (p = log; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3);
	free(log);
	replay_env_release(&e);
}

static void test_ddb_log_normal_is_silent(void **state)
{
	replay_env e;
	char *log;

	(void)state;
	ww_log_set_level(WW_LOG_NORMAL);
	replay_env_init(&e, NULL, TOKEN);
	REPLAY(&e, "put_item_ok");
	put(&e, 0);
	log = captured();
	assert_string_equal(log, "");
	free(log);
	replay_env_release(&e);
}

/* The error message a user sees carries no secret either. */
static void test_ddb_log_error_message_has_no_secret(void **state)
{
	replay_env e;

	(void)state;
	ww_log_set_level(WW_LOG_DEBUG);
	replay_env_init(&e, NULL, TOKEN);
	REPLAY(&e, "access_denied");
	put(&e, WW_EAUTH);
	assert_null(strstr(ww_error_message(), SECRET));
	assert_null(strstr(ww_error_message(), TOKEN));
	assert_null(strstr(ww_error_message(), signature(&e, 0)));
	replay_env_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ddb_log_debug_shows_bodies_never_secrets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ddb_log_verbose_one_line_per_attempt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ddb_log_normal_is_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ddb_log_error_message_has_no_secret, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
