#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"

static char *redact(const char *in)
{
	ww_buf out = WW_BUF_INIT;

	ww_redact(&out, in);
	return ww_buf_detach(&out);
}

static void test_redact_masks_registered_secrets(void **state)
{
	char *s;

	(void)state;
	ww_log_add_secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	s = redact("key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY in text");
	assert_string_equal(s, "key **** in text");
	free(s);
	ww_log_clear_secrets();
	s = redact("abc");
	assert_string_equal(s, "abc");
	free(s);
}

static void test_redact_masks_secret_shapes(void **state)
{
	char *s;

	(void)state;
	s = redact("Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, "
		   "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
	assert_string_equal(s, "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, "
			       "SignedHeaders=host;x-amz-date, Signature=****");
	free(s);
	s = redact("{\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"abc/def\",\"Token\":\"tok==\",\"Expiration\":\"x\"}");
	assert_string_equal(s, "{\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"****\",\"Token\":\"****\",\"Expiration\":\"x\"}");
	free(s);
	s = redact("x-amz-security-token:FQoGZXIvYXdzE\nhost:example");
	assert_string_equal(s, "x-amz-security-token:****\nhost:example");
	free(s);
}

static void test_log_respects_level_and_redacts(void **state)
{
	FILE *f = tmpfile();
	char line[256] = "";

	(void)state;
	assert_non_null(f);
	ww_log_set_sink(f);
	ww_log_set_level(WW_LOG_NORMAL);
	ww_log(WW_LOG_VERBOSE, "hidden");
	ww_log_add_secret("s3cr3t-token");
	ww_log_error("failed with s3cr3t-token");
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "wwseed: failed with ****\n");
	assert_null(fgets(line, sizeof(line), f));
	ww_log_set_sink(NULL);
	ww_log_clear_secrets();
	fclose(f);
}

static void test_error_set_keeps_code_and_message(void **state)
{
	(void)state;
	assert_int_equal(ww_error_set(WW_EINVALID, "bad '%s'", "x"), WW_EINVALID);
	assert_string_equal(ww_error_message(), "bad 'x'");
	assert_int_equal(ww_error_last_code(), WW_EINVALID);
	assert_string_equal(ww_error_code_name(WW_ETHROTTLED), "throttled");
	ww_error_clear();
	assert_string_equal(ww_error_message(), "");
}

static void test_buf_json_string_escapes(void **state)
{
	ww_buf b = WW_BUF_INIT;

	(void)state;
	ww_buf_put_json_string(&b, "a\"\\\n\x01z", 6);
	assert_string_equal(ww_buf_cstr(&b), "\"a\\\"\\\\\\n\\u0001z\"");
	ww_buf_clear(&b);
	ww_buf_printf(&b, "%d-%s", 42, "x");
	assert_string_equal(ww_buf_cstr(&b), "42-x");
	ww_buf_release(&b);
	ww_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_masks_registered_secrets),
		cmocka_unit_test(test_redact_masks_secret_shapes),
		cmocka_unit_test(test_log_respects_level_and_redacts),
		cmocka_unit_test(test_error_set_keeps_code_and_message),
		cmocka_unit_test(test_buf_json_string_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
