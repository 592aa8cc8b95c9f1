/*
 * The INI parser and the resolution of profile, region, endpoint, CA bundle
 * and max attempts from flags, environment and the shared files (written
 * into a fresh folder per test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "aws/config.h"
#include "aws/session.h"
#include "common/error.h"
#include "common/log.h"
#include "fake_server.h"

static char dir[256], cfg_path[300], creds_path[300];

static const char *const aws_vars[] = {
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL",
	"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE", "AWS_MAX_ATTEMPTS",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
};

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static int setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(aws_vars) / sizeof(*aws_vars); i++)
		unsetenv(aws_vars[i]);
	fake_tmpdir(dir, sizeof(dir));
	snprintf(cfg_path, sizeof(cfg_path), "%s/config", dir);
	snprintf(creds_path, sizeof(creds_path), "%s/credentials", dir);
	setenv("AWS_CONFIG_FILE", cfg_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static void test_config_ini_sections_keys_and_comments(void **state)
{
	static const char text[] = "# comment\n"
				   "; another\n"
				   "[default]\r\n"
				   "Region = eu-west-1 \r\n"
				   "\n"
				   "[profile   dev]\n"
				   "  endpoint_url=http://localhost:8000/x?a=b\n"
				   "services = local\n"
				   "[services local]\n"
				   "dynamodb =\n"
				   "  endpoint_url = http://127.0.0.1:4567\n"
				   "  other = 1\n"
				   "top = after\n"
				   "[default]\n"
				   "region = us-east-2\n";
	ww_ini ini = WW_INI_INIT;

	(void)state;
	assert_int_equal(ww_ini_parse(&ini, text, strlen(text), "t"), 0);
	/* a later duplicate wins; keys are case-insensitive, values trimmed */
	assert_string_equal(ww_ini_get(&ini, "default", "region"), "us-east-2");
	assert_string_equal(ww_ini_get(&ini, "profile dev", "endpoint_url"),
			    "http://localhost:8000/x?a=b");
	assert_string_equal(ww_ini_get(&ini, "services local", "dynamodb.endpoint_url"),
			    "http://127.0.0.1:4567");
	assert_string_equal(ww_ini_get(&ini, "services local", "dynamodb.other"), "1");
	assert_string_equal(ww_ini_get(&ini, "services local", "top"), "after");
	assert_null(ww_ini_get(&ini, "services local", "top.x"));
	assert_null(ww_ini_get(&ini, "profile dev", "region"));
	assert_true(ww_ini_has_section(&ini, "profile dev"));
	assert_false(ww_ini_has_section(&ini, "dev"));
	ww_ini_release(&ini);
	ww_ini_release(&ini);
}

static void expect_parse_error(const char *text, size_t len, const char *want)
{
	ww_ini ini = WW_INI_INIT;

	assert_int_equal(ww_ini_parse(&ini, text, len, "bad.ini"), WW_ECONFIG);
	assert_string_equal(ww_error_message(), want);
	assert_int_equal(ini.n, 0);
}

static void test_config_ini_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_parse_error("[default]\n[broken\n", 17, "cannot parse \"bad.ini\" line 2: no ']'");
	expect_parse_error("region = x\n", 11,
			   "cannot parse \"bad.ini\" line 1: setting outside a [section]");
	expect_parse_error("[a]\njust words\n", 15,
			   "cannot parse \"bad.ini\" line 2: expected 'key = value'");
	expect_parse_error("[a]\n = v\n", 8, "cannot parse \"bad.ini\" line 2: empty key");
	expect_parse_error("[ ]\n", 4, "cannot parse \"bad.ini\" line 1: empty section name");
	expect_parse_error("[a]\nk = v\0x\n", 10, "cannot parse \"bad.ini\": it contains a NUL byte");
}

static void test_config_ini_stays_inside_buffer(void **state)
{
	/* no terminating NUL: the parser must stop at len (ASan watches) */
	static const char text[] = "[a]\nkey = value";
	char *exact = malloc(sizeof(text) - 1);
	ww_ini ini = WW_INI_INIT;

	(void)state;
	memcpy(exact, text, sizeof(text) - 1);
	assert_int_equal(ww_ini_parse(&ini, exact, sizeof(text) - 1, "x"), 0);
	assert_string_equal(ww_ini_get(&ini, "a", "key"), "value");
	ww_ini_release(&ini);
	memcpy(exact, "[abc", 4);
	assert_int_equal(ww_ini_parse(&ini, exact, 4, "x"), WW_ECONFIG);
	free(exact);
}

static void test_config_region_order(void **state)
{
	ww_aws_config cfg;
	ww_config_args args = { 0 };

	(void)state;
	write_file(cfg_path, "[default]\nregion = eu-central-1\n", 0600);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.region, "eu-central-1");
	assert_string_equal(cfg.region_source, "the profile");
	assert_string_equal(cfg.endpoint_url, "https://dynamodb.eu-central-1.amazonaws.com");
	ww_aws_config_release(&cfg);

	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.region, "us-west-1");
	assert_string_equal(cfg.region_source, "AWS_DEFAULT_REGION");
	ww_aws_config_release(&cfg);

	setenv("AWS_REGION", "us-west-2", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.region, "us-west-2");
	ww_aws_config_release(&cfg);

	args.region = "cn-north-1";
	assert_int_equal(ww_aws_config_load(&cfg, &args), 0);
	assert_string_equal(cfg.region, "cn-north-1");
	assert_string_equal(cfg.region_source, "--region");
	assert_string_equal(cfg.endpoint_url, "https://dynamodb.cn-north-1.amazonaws.com.cn");
	ww_aws_config_release(&cfg);

	args.region = "us-east-1.evil.com/";
	assert_int_equal(ww_aws_config_load(&cfg, &args), WW_ECONFIG);
	assert_string_equal(ww_error_message(), "invalid region \"us-east-1.evil.com/\" from --region");
	ww_aws_config_release(&cfg);
}

static void test_config_no_region_no_endpoint(void **state)
{
	ww_aws_config cfg;

	(void)state;
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_null(cfg.region);
	assert_null(cfg.endpoint_url);
	assert_string_equal(cfg.profile, "default");
	assert_false(cfg.profile_found);
	ww_aws_config_release(&cfg);
}

static void test_config_endpoint_order(void **state)
{
	ww_aws_config cfg;
	ww_config_args args = { 0 };

	(void)state;
	write_file(cfg_path,
		   "[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:1001\n"
		   "services = mine\n"
		   "[services mine]\ndynamodb =\n  endpoint_url = http://127.0.0.1:1002\n"
		   "sts =\n  endpoint_url = http://127.0.0.1:1003\n",
		   0600);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.endpoint_url, "http://127.0.0.1:1002");
	assert_string_equal(cfg.endpoint_source, "the profile's services section");
	assert_string_equal(cfg.sts_endpoint_url, "http://127.0.0.1:1003");
	ww_aws_config_release(&cfg);

	write_file(cfg_path, "[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:1001\n",
		   0600);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.endpoint_url, "http://127.0.0.1:1001");
	assert_string_equal(cfg.endpoint_source, "the profile's endpoint_url");
	ww_aws_config_release(&cfg);

	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2001", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.endpoint_url, "http://127.0.0.1:2001");
	assert_string_equal(cfg.sts_endpoint_url, "http://127.0.0.1:2001");
	ww_aws_config_release(&cfg);

	setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:2002", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.endpoint_url, "http://127.0.0.1:2002");
	assert_string_equal(cfg.endpoint_source, "AWS_ENDPOINT_URL_DYNAMODB");
	ww_aws_config_release(&cfg);

	args.endpoint_url = "https://ddb.example.com";
	assert_int_equal(ww_aws_config_load(&cfg, &args), 0);
	assert_string_equal(cfg.endpoint_url, "https://ddb.example.com");
	assert_string_equal(cfg.endpoint_source, "--endpoint-url");
	ww_aws_config_release(&cfg);

	/* the SDKs' switch that ignores all configured endpoints but flags */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.endpoint_url, "https://dynamodb.us-east-1.amazonaws.com");
	assert_null(cfg.sts_endpoint_url);
	ww_aws_config_release(&cfg);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	setenv("AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), WW_ECONFIG);
	assert_string_equal(ww_error_message(),
			    "invalid endpoint URL \"localhost:8000\" from AWS_ENDPOINT_URL_DYNAMODB");
}

static void test_config_profile_selection(void **state)
{
	ww_aws_config cfg;
	ww_config_args args = { 0 };

	(void)state;
	write_file(cfg_path,
		   "[default]\nregion = us-east-1\n"
		   "[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n"
		   "[profile ops]\nregion = ap-south-1\n",
		   0600);
	write_file(creds_path, "[dev]\naws_access_key_id = FROMCREDS\n[ci]\nx = 1\n", 0600);

	setenv("AWS_PROFILE", "ops", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.profile, "ops");
	assert_string_equal(cfg.profile_source, "AWS_PROFILE");
	assert_string_equal(cfg.region, "ap-south-1");
	ww_aws_config_release(&cfg);

	args.profile = "dev";
	assert_int_equal(ww_aws_config_load(&cfg, &args), 0);
	assert_string_equal(cfg.profile_source, "--profile");
	assert_string_equal(cfg.region, "eu-west-1");
	/* the credentials file wins over the config file */
	assert_string_equal(ww_aws_config_get(&cfg, "aws_access_key_id"), "FROMCREDS");
	assert_true(cfg.profile_found);
	ww_aws_config_release(&cfg);

	/* a profile only in the credentials file */
	args.profile = "ci";
	assert_int_equal(ww_aws_config_load(&cfg, &args), 0);
	assert_string_equal(ww_aws_config_get(&cfg, "x"), "1");
	assert_null(cfg.region);
	ww_aws_config_release(&cfg);

	args.profile = "nope";
	assert_int_equal(ww_aws_config_load(&cfg, &args), WW_ENOTFOUND);
	{
		char want[1024];
		snprintf(want, sizeof(want),
			 "profile \"nope\" (from --profile) not found in \"%s\" or \"%s\"", cfg_path,
			 creds_path);
		assert_string_equal(ww_error_message(), want);
	}
}

static void test_config_files_default_to_home(void **state)
{
	ww_aws_config cfg;
	char home[300], aws[320], path[340], old_home[300];

	(void)state;
	snprintf(old_home, sizeof(old_home), "%s", getenv("HOME") ? getenv("HOME") : "/");
	snprintf(home, sizeof(home), "%s/home", dir);
	snprintf(aws, sizeof(aws), "%s/.aws", home);
	mkdir(home, 0700);
	mkdir(aws, 0700);
	snprintf(path, sizeof(path), "%s/ca.pem", home);
	write_file(path, "not checked for content here\n", 0644);
	snprintf(path, sizeof(path), "%s/config", aws);
	write_file(path, "[default]\nregion = sa-east-1\nmax_attempts = 4\nca_bundle = ~/ca.pem\n",
		   0600);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	setenv("HOME", home, 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.config_file, path);
	assert_string_equal(cfg.region, "sa-east-1");
	assert_int_equal(cfg.max_attempts, 4);
	snprintf(path, sizeof(path), "%s/ca.pem", home);
	assert_string_equal(cfg.ca_bundle, path);
	ww_aws_config_release(&cfg);

	setenv("AWS_MAX_ATTEMPTS", "7", 1);
	setenv("AWS_CA_BUNDLE", path, 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	assert_int_equal(cfg.max_attempts, 7);
	assert_string_equal(cfg.ca_bundle, path);
	ww_aws_config_release(&cfg);

	/* a bundle that cannot be read stops here, naming where it came from */
	setenv("AWS_CA_BUNDLE", "/nonexistent/wwseed-ca.pem", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), WW_ECONFIG);
	assert_string_equal(ww_error_message(), "cannot read CA bundle \"/nonexistent/wwseed-ca.pem\" "
						"from AWS_CA_BUNDLE: No such file or directory");
	unsetenv("AWS_CA_BUNDLE");

	setenv("AWS_MAX_ATTEMPTS", "lots", 1);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), WW_ECONFIG);
	assert_string_equal(ww_error_message(),
			    "invalid max_attempts \"lots\" from AWS_MAX_ATTEMPTS: want 1 to 100");
	unsetenv("AWS_MAX_ATTEMPTS");
	setenv("HOME", old_home, 1);
}

static void test_config_unparsable_file_is_invalid(void **state)
{
	ww_aws_config cfg;
	char want[600];

	(void)state;
	write_file(creds_path, "[default]\naws_access_key_id\n", 0600);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), WW_ECONFIG);
	snprintf(want, sizeof(want), "cannot parse \"%s\" line 2: expected 'key = value'",
		 creds_path);
	assert_string_equal(ww_error_message(), want);
}

static void test_config_warns_on_readable_credentials_file(void **state)
{
	ww_aws_config cfg;
	FILE *sink = tmpfile();
	char got[1024] = "", want[1024];
	size_t n;

	(void)state;
	ww_log_set_sink(sink);
	write_file(creds_path, "[default]\naws_access_key_id = AKID\n", 0644);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	ww_aws_config_release(&cfg);
	chmod(creds_path, 0600);
	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0); /* no second warning */
	ww_aws_config_release(&cfg);
	ww_log_set_sink(NULL);
	rewind(sink);
	n = fread(got, 1, sizeof(got) - 1, sink);
	got[n] = '\0';
	fclose(sink);
	snprintf(want, sizeof(want),
		 "wwseed: warning: credentials file \"%s\" can be read by other users; "
		 "run 'chmod 600 %s'\n",
		 creds_path, creds_path);
	assert_string_equal(got, want);
}

static void test_config_session_signs_for_resolved_settings(void **state)
{
	fake_server srv;
	ww_aws_args a = { 0 };
	ww_aws_session ses;
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	char url[128], **names = NULL;
	ww_http_request req = { "GET", url, NULL, 0, NULL, 0, 0, 0 };
	size_t n = 0;
	cJSON *j, *h;
	const char *authz;

	(void)state;
	assert_int_equal(fake_start(&srv, "http", NULL), 0);
	setenv("AWS_ACCESS_KEY_ID", "AKIDSESSION", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "session-secret-value", 1);
	write_file(cfg_path, "[default]\nregion = eu-west-1\n", 0600);
	setenv("AWS_ENDPOINT_URL_DYNAMODB", srv.url, 1);
	a.retry.max_attempts = 1;
	assert_int_equal(ww_aws_session_open(&ses, &a), 0);
	assert_string_equal(ses.cfg.endpoint_url, srv.url);
	/* the fake is no DynamoDB: the call fails, but it arrived signed */
	assert_int_not_equal(ww_ddb_list_tables(ses.ddb, &names, &n, NULL), 0);
	snprintf(url, sizeof(url), "%s/last", srv.url);
	assert_int_equal(ww_http_send_curl(NULL, &req, &r), 0);
	j = cJSON_Parse(ww_buf_cstr(&r.body));
	h = cJSON_GetObjectItem(j, "headers");
	assert_string_equal(cJSON_GetObjectItem(h, "x-amz-target")->valuestring,
			    "DynamoDB_20120810.ListTables");
	authz = cJSON_GetObjectItem(h, "authorization")->valuestring;
	assert_memory_equal(authz, "AWS4-HMAC-SHA256 Credential=AKIDSESSION/", 40);
	assert_non_null(strstr(authz, "/eu-west-1/dynamodb/aws4_request, SignedHeaders="));
	cJSON_Delete(j);
	ww_http_response_release(&r);
	ww_aws_session_close(&ses);
	ww_aws_session_close(&ses);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	fake_stop(&srv);
}

static void test_config_session_refusals(void **state)
{
	ww_aws_args a = { 0 };
	ww_aws_session ses;

	(void)state;
	assert_int_equal(ww_aws_session_open(&ses, &a), WW_ECONFIG);
	assert_string_equal(ww_error_message(),
			    "no AWS region: use --region, AWS_REGION or a profile's region");
	ww_aws_session_close(&ses);

	setenv("AWS_ENDPOINT_URL", "http://ddb.example.com:8000", 1);
	assert_int_equal(ww_aws_session_open(&ses, &a), WW_ECONFIG);
	assert_string_equal(ww_error_message(),
			    "refusing plain http to \"ddb.example.com\": use https, or "
			    "--allow-insecure-http");
	ww_aws_session_close(&ses);

	/* allowed: opens, and a local endpoint without a region is fine */
	a.allow_insecure_http = 1;
	assert_int_equal(ww_aws_session_open(&ses, &a), 0);
	assert_null(ses.cfg.region);
	assert_non_null(ses.ddb);
	ww_aws_session_close(&ses);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_ini_sections_keys_and_comments),
		cmocka_unit_test(test_config_ini_errors_name_file_and_line),
		cmocka_unit_test(test_config_ini_stays_inside_buffer),
		cmocka_unit_test_setup_teardown(test_config_region_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_no_region_no_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_endpoint_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_profile_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_files_default_to_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_unparsable_file_is_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_warns_on_readable_credentials_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_session_signs_for_resolved_settings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_session_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
