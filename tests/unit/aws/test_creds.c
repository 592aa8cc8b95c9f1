/*
 * Credential providers, each against a real endpoint on loopback that speaks
 * its wire format (tests/support/fake_creds.py: STS XML, container JSON,
 * IMDSv2, credential_process), with the clock seam for refreshes.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "aws/creds.h"
#include "common/error.h"
#include "common/log.h"
#include "fake_server.h"

static char dir[256], cfg_path[300], creds_path[300];

static const char *const aws_vars[] = {
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL",
	"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static int setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(aws_vars) / sizeof(*aws_vars); i++)
		unsetenv(aws_vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
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

static time_t fake_now;
static time_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

/* Load the configuration (with the fake clock) and make a chain. */
static ww_creds_provider *chain(ww_aws_config *cfg)
{
	ww_creds_provider *p;

	fake_now = time(NULL);
	assert_int_equal(ww_aws_config_load(cfg, NULL), 0);
	cfg->clock = fake_clock;
	p = ww_creds_provider_chain_new(cfg);
	assert_non_null(p);
	return p;
}

/* get() through a fresh chain: returns the code, creds in `out`. */
static int chain_get(ww_creds *out)
{
	ww_aws_config cfg;
	ww_creds_provider *p = chain(&cfg);
	int rc = ww_creds_provider_get(p, out);

	ww_creds_provider_free(p);
	ww_aws_config_release(&cfg);
	return rc;
}

static long server_stat(const fake_server *s, const char *what)
{
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	char url[128];
	ww_http_request req = { "GET", url, NULL, 0, NULL, 0, 0, 0 };
	cJSON *j;
	long v;

	snprintf(url, sizeof(url), "%s/stats", s->url);
	assert_int_equal(ww_http_send_curl(NULL, &req, &r), 0);
	j = cJSON_Parse(ww_buf_cstr(&r.body));
	v = (long)cJSON_GetObjectItem(j, what)->valuedouble;
	cJSON_Delete(j);
	ww_http_response_release(&r);
	return v;
}

/* Move the fake's clock along with ours. */
static void server_clock(const fake_server *s, time_t t)
{
	ww_http_response r = WW_HTTP_RESPONSE_INIT;
	char url[160];
	ww_http_request req = { "GET", url, NULL, 0, NULL, 0, 0, 0 };

	snprintf(url, sizeof(url), "%s/clock?set=%lld", s->url, (long long)t);
	assert_int_equal(ww_http_send_curl(NULL, &req, &r), 0);
	assert_int_equal(r.status, 200);
	ww_http_response_release(&r);
}

static void test_creds_static_provider(void **state)
{
	ww_creds_provider *p = ww_creds_provider_static_new("AKIDSTATIC", "static-secret-1", NULL);
	ww_creds c;
	ww_buf red = WW_BUF_INIT;

	(void)state;
	assert_non_null(p);
	assert_int_equal(ww_creds_provider_get(p, &c), 0);
	assert_string_equal(c.access_key_id, "AKIDSTATIC");
	assert_string_equal(c.secret_access_key, "static-secret-1");
	assert_null(c.session_token);
	assert_int_equal(c.expiration, 0);
	ww_creds_release(&c);
	/* registered: redacted wherever it shows up */
	ww_redact(&red, "key static-secret-1 here");
	assert_string_equal(ww_buf_cstr(&red), "key **** here");
	ww_buf_release(&red);
	ww_creds_provider_free(p);
	ww_creds_provider_free(NULL);

	assert_null(ww_creds_provider_static_new("AKID", "", NULL));
	assert_string_equal(ww_error_message(),
			    "static credentials need an access key id and a secret key");
}

static void test_creds_environment_comes_first(void **state)
{
	ww_creds c;

	(void)state;
	write_file(creds_path, "[default]\naws_access_key_id = AKIDPROFILE\n"
			       "aws_secret_access_key = profile-secret\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret-value", 1);
	setenv("AWS_SESSION_TOKEN", "env-session-token", 1);
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "AKIDENV");
	assert_string_equal(c.secret_access_key, "env-secret-value");
	assert_string_equal(c.session_token, "env-session-token");
	assert_string_equal(c.source, "environment");
	ww_creds_release(&c);

	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(), "environment credentials: AWS_ACCESS_KEY_ID is set "
						"but AWS_SECRET_ACCESS_KEY is not");
}

static void test_creds_profile_static_keys(void **state)
{
	ww_creds c;

	(void)state;
	write_file(cfg_path, "[profile dev]\nregion = eu-west-1\n");
	write_file(creds_path, "[dev]\naws_access_key_id = AKIDDEV\n"
			       "aws_secret_access_key = dev-secret-value\n"
			       "aws_session_token = dev-token-value\n"
			       "[half]\naws_access_key_id = AKIDHALF\n");
	setenv("AWS_PROFILE", "dev", 1);
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "AKIDDEV");
	assert_string_equal(c.session_token, "dev-token-value");
	assert_string_equal(c.source, "profile dev");
	ww_creds_release(&c);

	setenv("AWS_PROFILE", "half", 1);
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(), "profile \"half\": aws_access_key_id is set but "
						"aws_secret_access_key is not");
}

static void test_creds_credential_process_without_shell(void **state)
{
	char text[2048];
	ww_creds c;

	(void)state;
	/* quotes group words; $HOME and ; reach the program untouched */
	snprintf(text, sizeof(text),
		 "[default]\ncredential_process = python3 \"%s\" --mode process "
		 "--lifetime 1800 --label 'a b;$HOME'\n",
		 fake_script());
	write_file(cfg_path, text);
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "ASIAPROCESS1a_b;$HOME");
	assert_string_equal(c.secret_access_key, "secret-process-1");
	assert_string_equal(c.session_token, "token-process-1");
	assert_string_equal(c.source, "profile default (credential_process)");
	assert_true(c.expiration > time(NULL) + 1700 && c.expiration <= time(NULL) + 1801);
	ww_creds_release(&c);

	write_file(cfg_path, "[default]\ncredential_process = python3 -c \"import sys; sys.exit(3)\"\n");
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(), "credential_process \"python3\": exited with status 3");

	write_file(cfg_path, "[default]\ncredential_process = python3 -c 'print(\"{}\")'\n");
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(),
			    "credential_process \"python3\": output is not JSON with \"Version\": 1");

	write_file(cfg_path, "[default]\ncredential_process = /nonexistent/wwseed-helper --x\n");
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(), "credential_process \"/nonexistent/wwseed-helper\": "
						"cannot run it (not found or not executable)");

	write_file(cfg_path, "[default]\ncredential_process = python3 \"unterminated\n");
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(), "profile \"default\": cannot parse "
						"credential_process: unterminated \" in command");
}

static void start_sts(fake_server *s, const char *lifetime)
{
	const char *extra[] = { "--expect-token", "the-oidc-token-value", "--lifetime", lifetime,
				NULL };
	char token_file[300];

	assert_int_equal(fake_start(s, "sts", extra), 0);
	snprintf(token_file, sizeof(token_file), "%s/token", dir);
	write_file(token_file, "the-oidc-token-value\n");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file, 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/seeder", 1);
	setenv("AWS_ROLE_SESSION_NAME", "ci-run", 1);
	setenv("AWS_ENDPOINT_URL_STS", s->url, 1);
	setenv("AWS_REGION", "eu-west-1", 1);
}

static void test_creds_web_identity_via_sts(void **state)
{
	fake_server sts;
	ww_creds c;
	char want[512];

	(void)state;
	start_sts(&sts, "3600");
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS1");
	assert_string_equal(c.secret_access_key, "secret-sts-1");
	assert_string_equal(c.session_token, "token-sts-1");
	assert_string_equal(c.source, "web-identity");
	assert_true(c.expiration > time(NULL) + 3500 && c.expiration <= time(NULL) + 3601);
	ww_creds_release(&c);

	/* STS refuses: its error code and message, the role and the status */
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/denied", 1);
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(),
			    "web identity credentials: AssumeRoleWithWebIdentity for "
			    "\"arn:aws:iam::123456789012:role/denied\" failed: AccessDenied: Not "
			    "authorized to perform sts:AssumeRoleWithWebIdentity (HTTP 403)");

	/* the profile's settings work as well as the environment's */
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	snprintf(want, sizeof(want),
		 "[default]\nweb_identity_token_file = %s/token\n"
		 "role_arn = arn:aws:iam::123456789012:role/from-profile\n",
		 dir);
	write_file(cfg_path, want);
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS2");
	ww_creds_release(&c);

	/* STS down: a network error naming the host */
	fake_stop(&sts);
	assert_int_equal(chain_get(&c), WW_ENETWORK);
	assert_memory_equal(ww_error_message(),
			    "web identity credentials: request to \"127.0.0.1\" failed: ", 56);
}

static void test_creds_refresh_before_expiry(void **state)
{
	fake_server sts;
	ww_aws_config cfg;
	ww_creds_provider *p;
	ww_creds c;
	time_t t0;

	(void)state;
	start_sts(&sts, "900"); /* 15-minute credentials */
	p = chain(&cfg);
	t0 = fake_now;
	assert_int_equal(ww_creds_provider_get(p, &c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS1");
	ww_creds_release(&c);

	fake_now = t0 + 500; /* 400 s left: still good */
	assert_int_equal(ww_creds_provider_get(p, &c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS1");
	ww_creds_release(&c);
	assert_int_equal(ww_creds_provider_fetches(p), 1);

	fake_now = t0 + 700; /* 200 s left: inside the 5-minute window */
	assert_int_equal(ww_creds_provider_get(p, &c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS2");
	ww_creds_release(&c);
	assert_int_equal(ww_creds_provider_fetches(p), 2);

	/* these live 200 s by our clock (issued for real t0 + 900): shorter
	 * than twice the window, so they are refreshed at half-life, not on
	 * every request */
	fake_now = t0 + 790;
	assert_int_equal(ww_creds_provider_get(p, &c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS2");
	ww_creds_release(&c);
	assert_int_equal(ww_creds_provider_fetches(p), 2);
	assert_int_equal(server_stat(&sts, "fetches"), 2);

	/* a refresh that fails while the credentials are still valid keeps them */
	fake_stop(&sts);
	fake_now = t0 + 850;
	assert_int_equal(ww_creds_provider_get(p, &c), 0);
	assert_string_equal(c.access_key_id, "ASIASTS2");
	ww_creds_release(&c);
	/* ...but not once they have expired */
	fake_now = t0 + 2000;
	assert_int_equal(ww_creds_provider_get(p, &c), WW_ENETWORK);
	assert_null(c.access_key_id);
	assert_int_equal(ww_creds_provider_fetches(p), 2);
	ww_creds_provider_free(p);
	ww_aws_config_release(&cfg);
}

static void test_creds_short_lived_refreshed_at_half_life(void **state)
{
	fake_server ct;
	const char *extra[] = { "--lifetime", "20", NULL };
	char url[128];
	ww_aws_config cfg;
	ww_creds_provider *p;
	ww_creds c;
	time_t t0;
	int i;

	(void)state;
	assert_int_equal(fake_start(&ct, "container", extra), 0);
	snprintf(url, sizeof(url), "%s/creds", ct.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	p = chain(&cfg);
	t0 = fake_now;
	/* 20-second credentials, asked for every second for a minute: a fetch
	 * at most every 10 s, and never a key with less than 9 s left */
	for (i = 0; i <= 60; i++) {
		fake_now = t0 + i;
		server_clock(&ct, fake_now);
		assert_int_equal(ww_creds_provider_get(p, &c), 0);
		assert_true(c.expiration - fake_now >= 9);
		ww_creds_release(&c);
	}
	assert_in_range(ww_creds_provider_fetches(p), 6, 8);
	assert_int_equal(server_stat(&ct, "fetches"), (long)ww_creds_provider_fetches(p));
	ww_creds_provider_free(p);
	ww_aws_config_release(&cfg);
	fake_stop(&ct);
}

/* A send function for the link-local addresses nothing on this machine can
 * listen on (169.254.170.2, 169.254.169.254): it records the URL and the
 * Authorization header, and answers like the container endpoint, or fails
 * like an unreachable host. */
typedef struct {
	char url[256];
	char auth[128];
	int unreachable;
	int calls;
} link_fake;

static int link_send(void *ctx, const ww_http_request *req, ww_http_response *out)
{
	static const char body[] = "{\"AccessKeyId\":\"ASIARELATIVE\",\"SecretAccessKey\":\"rel-secret\","
				   "\"Token\":\"rel-token\",\"Expiration\":\"2099-01-01T00:00:00Z\"}";
	link_fake *f = ctx;
	size_t i;

	f->calls++;
	snprintf(f->url, sizeof(f->url), "%s", req->url);
	for (i = 0; i < req->nheaders; i++)
		if (!strcmp(req->headers[i].name, "Authorization"))
			snprintf(f->auth, sizeof(f->auth), "%s", req->headers[i].value);
	ww_http_response_release(out);
	if (f->unreachable)
		return ww_error_set(WW_ENETWORK, "request to \"169.254.169.254\" failed: timeout");
	out->status = 200;
	ww_buf_puts(&out->body, body);
	return 0;
}

static int link_get(link_fake *f, ww_creds *out)
{
	ww_aws_config cfg;
	ww_creds_provider *p;
	int rc;

	assert_int_equal(ww_aws_config_load(&cfg, NULL), 0);
	cfg.send = link_send;
	cfg.send_ctx = f;
	p = ww_creds_provider_chain_new(&cfg);
	rc = ww_creds_provider_get(p, out);
	ww_creds_provider_free(p);
	ww_aws_config_release(&cfg);
	return rc;
}

static void test_creds_container_relative_uri_and_imds_default(void **state)
{
	link_fake f = { "", "", 0, 0 };
	ww_creds c;
	char want[1024];

	(void)state;
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "rel-auth-token", 1);
	assert_int_equal(link_get(&f, &c), 0);
	assert_string_equal(f.url, "http://169.254.170.2/v2/credentials/task-1");
	assert_string_equal(f.auth, "rel-auth-token");
	assert_string_equal(c.access_key_id, "ASIARELATIVE");
	assert_int_equal(c.expiration, 4070908800);
	ww_creds_release(&c);
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	/* IMDS at its default address, unreachable: skipped, and said so */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	f.unreachable = 1;
	f.calls = 0;
	assert_int_equal(link_get(&f, &c), WW_EAUTH);
	assert_string_equal(f.url, "http://169.254.169.254/latest/api/token");
	assert_int_equal(f.calls, 1);
	snprintf(want, sizeof(want),
		 "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID not set); "
		 "profile \"default\" (not in \"%s\" or \"%s\"); web identity "
		 "(AWS_WEB_IDENTITY_TOKEN_FILE not set); container "
		 "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI "
		 "not set); ec2 instance metadata (no answer from http://169.254.169.254)",
		 creds_path, cfg_path);
	assert_string_equal(ww_error_message(), want);

	/* ...but an endpoint the user configured must answer */
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254/", 1);
	assert_int_equal(link_get(&f, &c), WW_ENETWORK);
	assert_string_equal(ww_error_message(), "ec2 instance metadata credentials: request to "
						"\"169.254.169.254\" failed: timeout");
}

typedef struct {
	ww_creds_provider *p;
	int bad;
} thread_arg;

static void *getter(void *v)
{
	thread_arg *a = v;
	int i;

	for (i = 0; i < 50; i++) {
		ww_creds c;
		if (ww_creds_provider_get(a->p, &c) || strcmp(c.access_key_id, "ASIASTS1"))
			a->bad++;
		ww_creds_release(&c);
	}
	return NULL;
}

static void test_creds_threads_share_one_fetch(void **state)
{
	fake_server sts;
	ww_aws_config cfg;
	ww_creds_provider *p;
	pthread_t t[4];
	thread_arg a[4];
	int i;

	(void)state;
	start_sts(&sts, "3600");
	p = chain(&cfg);
	for (i = 0; i < 4; i++) {
		a[i].p = p;
		a[i].bad = 0;
		assert_int_equal(pthread_create(&t[i], NULL, getter, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].bad, 0);
	}
	assert_int_equal(ww_creds_provider_fetches(p), 1);
	assert_int_equal(server_stat(&sts, "fetches"), 1);
	ww_creds_provider_free(p);
	ww_aws_config_release(&cfg);
	fake_stop(&sts);
}

static void test_creds_container_endpoint(void **state)
{
	fake_server ct;
	const char *extra[] = { "--expect-auth", "Bearer-container-auth-xyz", "--expect-path",
				"/v2/credentials/abc", NULL };
	char url[128], token_file[300], want[300];
	ww_creds c;

	(void)state;
	assert_int_equal(fake_start(&ct, "container", extra), 0);
	snprintf(url, sizeof(url), "%s/v2/credentials/abc", ct.url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	snprintf(token_file, sizeof(token_file), "%s/ctoken", dir);
	write_file(token_file, "Bearer-container-auth-xyz\n");
	/* the token file wins over the variable */
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token", 1);
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "ASIACONTAINER1");
	assert_string_equal(c.session_token, "token-container-1");
	assert_string_equal(c.source, "container");
	assert_true(c.expiration > time(NULL));
	ww_creds_release(&c);

	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	assert_int_equal(chain_get(&c), WW_EAUTH);
	snprintf(want, sizeof(want), "container credentials: GET \"%s\" answered HTTP 401", url);
	assert_string_equal(ww_error_message(), want);

	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.169.254/creds", 1);
	assert_int_equal(chain_get(&c), WW_EAUTH);
	assert_string_equal(ww_error_message(),
			    "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI "
			    "\"http://169.254.169.254/creds\" must use https or a loopback or "
			    "ECS/EKS address");
	fake_stop(&ct);
}

static void test_creds_imds_v2(void **state)
{
	fake_server md;
	ww_creds c;

	(void)state;
	assert_int_equal(fake_start(&md, "imds", NULL), 0);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", md.url, 1);
	assert_int_equal(chain_get(&c), 0);
	assert_string_equal(c.access_key_id, "ASIAIMDS1");
	assert_string_equal(c.secret_access_key, "secret-imds-1");
	assert_string_equal(c.session_token, "token-imds-1");
	assert_string_equal(c.source, "ec2-imds");
	assert_true(c.expiration > time(NULL));
	ww_creds_release(&c);
	/* token PUT, role list and role credentials: three requests */
	assert_int_equal(server_stat(&md, "requests"), 3 + 1);
	fake_stop(&md);
}

static void test_creds_none_lists_every_provider(void **state)
{
	ww_creds c;
	char want[1024];

	(void)state;
	assert_int_equal(chain_get(&c), WW_EAUTH);
	snprintf(want, sizeof(want),
		 "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID not set); "
		 "profile \"default\" (not in \"%s\" or \"%s\"); web identity "
		 "(AWS_WEB_IDENTITY_TOKEN_FILE not set); container "
		 "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI "
		 "not set); ec2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)",
		 creds_path, cfg_path);
	assert_string_equal(ww_error_message(), want);
	assert_null(c.access_key_id);
}

static void test_creds_secrets_never_logged(void **state)
{
	fake_server sts;
	FILE *sink = tmpfile();
	ww_creds c;
	char got[8192];
	size_t n;
	ww_buf red = WW_BUF_INIT;

	(void)state;
	start_sts(&sts, "3600");
	ww_log_set_level(WW_LOG_DEBUG);
	ww_log_set_sink(sink);
	assert_int_equal(chain_get(&c), 0);
	ww_log(WW_LOG_NORMAL, "creds %s %s %s", c.access_key_id, c.secret_access_key,
	       c.session_token);
	ww_log_set_sink(NULL);
	ww_log_set_level(WW_LOG_NORMAL);
	rewind(sink);
	n = fread(got, 1, sizeof(got) - 1, sink);
	got[n] = '\0';
	fclose(sink);
	assert_non_null(strstr(got, "wwseed: credentials from web-identity\n"));
	assert_non_null(strstr(got, "creds ASIASTS1 **** ****\n"));
	assert_null(strstr(got, "secret-sts-1"));
	assert_null(strstr(got, "token-sts-1"));
	/* the web identity token too */
	ww_redact(&red, "the-oidc-token-value");
	assert_string_equal(ww_buf_cstr(&red), "****");
	ww_buf_release(&red);
	ww_creds_release(&c);
	fake_stop(&sts);
}

static void expect_split(const char *cmd, size_t want_n, const char *const *want)
{
	char **argv;
	size_t n, i;

	assert_int_equal(ww_creds_split_command(cmd, &argv, &n), 0);
	assert_int_equal(n, want_n);
	for (i = 0; i < n; i++) {
		assert_string_equal(argv[i], want[i]);
		free(argv[i]);
	}
	assert_null(argv[n]);
	free(argv);
}

static void test_creds_split_command(void **state)
{
	const char *const w1[] = { "aws-vault", "exec", "dev", "--json" };
	const char *const w2[] = { "/opt/my tool/bin", "a b", "c\"d", "e\\f", "" };
	const char *const w3[] = { "x$HOME;", "|", "`id`" };
	char **argv;
	size_t n;

	(void)state;
	expect_split("  aws-vault exec\tdev --json ", 4, w1);
	expect_split("\"/opt/my tool/bin\" 'a b' \"c\\\"d\" e\\\\f ''", 5, w2);
	expect_split("x$HOME; | `id`", 3, w3);
	assert_int_equal(ww_creds_split_command("   ", &argv, &n), WW_EINVALID);
	assert_string_equal(ww_error_message(), "empty command");
	assert_int_equal(ww_creds_split_command("a 'b", &argv, &n), WW_EINVALID);
	assert_string_equal(ww_error_message(), "unterminated ' in command");
}

static void test_creds_parse_time(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(ww_creds_parse_time("2015-08-30T12:36:00Z", &t), 0);
	assert_int_equal(t, 1440938160);
	assert_int_equal(ww_creds_parse_time("2015-08-30T12:36:00.123Z", &t), 0);
	assert_int_equal(t, 1440938160);
	assert_int_equal(ww_creds_parse_time("2015-08-30T14:36:00+02:00", &t), 0);
	assert_int_equal(t, 1440938160);
	assert_int_equal(ww_creds_parse_time("2015-08-30 12:36:00", &t), WW_EINVALID);
	assert_int_equal(ww_creds_parse_time("2015-13-30T12:36:00Z", &t), WW_EINVALID);
	assert_int_equal(ww_creds_parse_time("2015-08-30T12:36:00Zjunk", &t), WW_EINVALID);
	assert_int_equal(ww_creds_parse_time(NULL, &t), WW_EINVALID);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_creds_static_provider),
		T(test_creds_environment_comes_first),
		T(test_creds_profile_static_keys),
		T(test_creds_credential_process_without_shell),
		T(test_creds_web_identity_via_sts),
		T(test_creds_refresh_before_expiry),
		T(test_creds_short_lived_refreshed_at_half_life),
		T(test_creds_threads_share_one_fetch),
		T(test_creds_container_endpoint),
		T(test_creds_imds_v2),
		T(test_creds_container_relative_uri_and_imds_default),
		T(test_creds_none_lists_every_provider),
		T(test_creds_secrets_never_logged),
		T(test_creds_split_command),
		T(test_creds_parse_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
