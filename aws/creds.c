/*
 * Credential providers: the static one, and the SDKs' default chain.
 * A provider caches what it fetched and refreshes it, under its lock, when
 * it expires within REFRESH_WINDOW seconds (or, for credentials that live
 * less than twice that, once half their lifetime has passed).
 */
#include "aws/creds.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/crypto.h"
#include "common/error.h"
#include "common/log.h"

#define REFRESH_WINDOW 300 /* seconds before expiry that a refresh is due */
#define RETRY_INTERVAL 10  /* seconds between failed refreshes while still valid */

typedef int (*fetch_fn)(ww_creds_provider *p, ww_creds *out);

/* What the chain copied from the configuration. */
typedef struct {
	char *profile;
	char *config_file, *credentials_file;
	int profile_found;
	ww_ini values; /* the profile's settings */
	char *region;
	char *sts_endpoint_url;
	ww_http_send_fn send; /* NULL: curl clients below */
	void *send_ctx;
	ww_http_client *http;	   /* STS: ca bundle, loopback or https */
	ww_http_client *http_link; /* container and IMDS hosts we vetted */
} chain_cfg;

struct ww_creds_provider {
	pthread_mutex_t lock;
	ww_creds current;
	int have;
	unsigned long fetches;
	time_t fetched_at;   /* when `current` was fetched */
	time_t last_failure; /* of a refresh that failed, 0 after a success */
	fetch_fn fetch;
	ww_clock_fn clock;
	void *clock_ctx;
	chain_cfg *chain;
};

static time_t provider_now(const ww_creds_provider *p)
{
	return p->clock ? p->clock(p->clock_ctx) : time(NULL);
}

static ww_creds_provider *provider_new(fetch_fn fetch)
{
	ww_creds_provider *p = ww_xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->lock, NULL);
	p->fetch = fetch;
	return p;
}

/* The static provider keeps its credentials in `current` from the start. */
static int fetch_static(ww_creds_provider *p, ww_creds *out)
{
	(void)p;
	(void)out;
	return ww_error_set(WW_EAUTH, "static credentials cannot be refreshed");
}

ww_creds_provider *ww_creds_provider_static_new(const char *akid, const char *secret,
						const char *session_token)
{
	ww_creds_provider *p;

	if (!akid || !*akid || !secret || !*secret) {
		ww_error_set(WW_EAUTH, "static credentials need an access key id and a secret key");
		return NULL;
	}
	p = provider_new(fetch_static);
	p->current.access_key_id = ww_xstrdup(akid);
	p->current.secret_access_key = ww_xstrdup(secret);
	p->current.session_token =
	    session_token && *session_token ? ww_xstrdup(session_token) : NULL;
	p->current.source = ww_xstrdup("static");
	p->have = 1;
	ww_log_add_secret(secret);
	ww_log_add_secret(session_token);
	return p;
}

/* ---- The default chain ---------------------------------------------- */

static const char *cenv(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void chain_cfg_free(chain_cfg *c)
{
	if (!c)
		return;
	free(c->profile);
	free(c->config_file);
	free(c->credentials_file);
	ww_ini_release(&c->values);
	free(c->region);
	free(c->sts_endpoint_url);
	ww_http_client_free(c->http);
	ww_http_client_free(c->http_link);
	free(c);
}

static const char *profile_get(const chain_cfg *c, const char *key)
{
	const char *v = ww_ini_get(&c->values, NULL, key);

	return v && *v ? v : NULL;
}

int ww_creds_parse_time(const char *s, time_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, n = 0;
	long off = 0;
	const char *p;
	time_t t;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return WW_EINVALID;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59)
			return WW_EINVALID;
		off = sign * (oh * 3600L + om * 60L);
		p += 6;
	} else {
		return WW_EINVALID;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
		return WW_EINVALID;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return WW_EINVALID;
	*out = t - off;
	return 0;
}

/* Credentials from a JSON document (container, IMDS, credential_process).
 * Messages never quote the document: it holds secrets. */
static int creds_from_json(const char *json, const char *what, const char *token_key,
			   const char *source, ww_creds *out)
{
	cJSON *j = cJSON_Parse(json);
	const cJSON *akid, *secret, *token, *exp;
	int err = 0;

	if (!j || !cJSON_IsObject(j)) {
		err = ww_error_set(WW_EAUTH, "%s: the answer is not a JSON object", what);
		goto done;
	}
	akid = cJSON_GetObjectItemCaseSensitive(j, "AccessKeyId");
	secret = cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey");
	token = cJSON_GetObjectItemCaseSensitive(j, token_key);
	exp = cJSON_GetObjectItemCaseSensitive(j, "Expiration");
	if (!cJSON_IsString(akid) || !*akid->valuestring || !cJSON_IsString(secret) ||
	    !*secret->valuestring) {
		err = ww_error_set(WW_EAUTH, "%s: the answer has no AccessKeyId or SecretAccessKey",
				   what);
		goto done;
	}
	if (token && !cJSON_IsNull(token) && !cJSON_IsString(token)) {
		err = ww_error_set(WW_EAUTH, "%s: %s is not a string", what, token_key);
		goto done;
	}
	if (exp && !cJSON_IsNull(exp) &&
	    (!cJSON_IsString(exp) || ww_creds_parse_time(exp->valuestring, &out->expiration))) {
		err = ww_error_set(WW_EAUTH, "%s: Expiration is not an ISO 8601 time", what);
		goto done;
	}
	out->access_key_id = ww_xstrdup(akid->valuestring);
	out->secret_access_key = ww_xstrdup(secret->valuestring);
	if (cJSON_IsString(token) && *token->valuestring)
		out->session_token = ww_xstrdup(token->valuestring);
	out->source = ww_xstrdup(source);
done:
	cJSON_Delete(j);
	return err;
}

/* Read a small file (tokens) with surrounding whitespace trimmed. */
static int read_token_file(const char *path, const char *what, char **out)
{
	FILE *f = fopen(path, "rb");
	ww_buf b = WW_BUF_INIT;
	char chunk[4096];
	size_t n, s = 0;
	int err = 0;

	*out = NULL;
	if (!f)
		return ww_error_set(WW_EAUTH, "%s: cannot read \"%s\": %s", what, path,
				    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (1u << 20))
		ww_buf_put(&b, chunk, n);
	fclose(f);
	while (b.len && isspace((unsigned char)b.ptr[b.len - 1]))
		b.ptr[--b.len] = '\0';
	while (s < b.len && isspace((unsigned char)b.ptr[s]))
		s++;
	if (s == b.len) {
		err = ww_error_set(WW_EAUTH, "%s: \"%s\" is empty", what, path);
		goto done;
	}
	*out = ww_xstrdup(b.ptr + s);
done:
	if (b.ptr)
		ww_crypto_wipe(b.ptr, b.len);
	ww_buf_release(&b);
	return err;
}

static int chain_send(const chain_cfg *c, ww_http_client *client, const ww_http_request *req,
		      ww_http_response *resp, const char *what)
{
	int err = c->send ? c->send(c->send_ctx, req, resp) : ww_http_send_curl(client, req, resp);

	if (err) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", ww_error_message());
		ww_error_set(err, "%s: %s", what, msg);
	}
	return err;
}

static void add_tried(ww_buf *tried, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_tried(ww_buf *tried, const char *fmt, ...)
{
	va_list ap;

	if (tried->len)
		ww_buf_puts(tried, "; ");
	va_start(ap, fmt);
	ww_buf_vprintf(tried, fmt, ap);
	va_end(ap);
}

/* Sources return 0 with credentials, 1 when not configured (the reason
 * added to `tried`), or an error that stops the chain. */
static int src_environment(chain_cfg *c, ww_creds *out, ww_buf *tried)
{
	const char *akid = cenv("AWS_ACCESS_KEY_ID"), *secret = cenv("AWS_SECRET_ACCESS_KEY");
	const char *token = cenv("AWS_SESSION_TOKEN");

	(void)c;
	if (!akid && !secret) {
		add_tried(tried, "environment (AWS_ACCESS_KEY_ID not set)");
		return 1;
	}
	if (!akid || !secret)
		return ww_error_set(WW_EAUTH, "environment credentials: %s is set but %s is not",
				    akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
				    akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	out->access_key_id = ww_xstrdup(akid);
	out->secret_access_key = ww_xstrdup(secret);
	out->session_token = token ? ww_xstrdup(token) : NULL;
	out->source = ww_xstrdup("environment");
	return 0;
}

/* Split a command line the way a POSIX shell splits words, without any
 * expansion: blanks separate, '...' is literal, "..." allows \" and \\,
 * a backslash outside quotes escapes the next character. */
int ww_creds_split_command(const char *cmd, char ***out, size_t *nout)
{
	char **argv = NULL;
	size_t n = 0;
	ww_buf word = WW_BUF_INIT;
	int in_word = 0, err = 0;
	const char *p = cmd;

	*out = NULL;
	*nout = 0;
	for (;;) {
		char ch = *p;
		if (ch == '\0' || ch == ' ' || ch == '\t' || ch == '\n') {
			if (in_word) {
				argv = ww_xrealloc(argv, (n + 2) * sizeof(*argv));
				argv[n++] = ww_buf_detach(&word);
				argv[n] = NULL;
				in_word = 0;
			}
			if (!ch)
				break;
			p++;
			continue;
		}
		in_word = 1;
		if (ch == '\'') {
			const char *close = strchr(p + 1, '\'');
			if (!close) {
				err = ww_error_set(WW_EINVALID, "unterminated ' in command");
				goto done;
			}
			ww_buf_put(&word, p + 1, (size_t)(close - p - 1));
			ww_buf_putc(&word, '\0');
			word.len--; /* an empty '' still makes a word */
			p = close + 1;
		} else if (ch == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				ww_buf_putc(&word, *p);
			}
			if (*p != '"') {
				err = ww_error_set(WW_EINVALID, "unterminated \" in command");
				goto done;
			}
			if (!word.ptr)
				ww_buf_puts(&word, "");
			p++;
		} else if (ch == '\\' && p[1]) {
			ww_buf_putc(&word, p[1]);
			p += 2;
		} else {
			ww_buf_putc(&word, ch);
			p++;
		}
	}
	if (!n) {
		err = ww_error_set(WW_EINVALID, "empty command");
		goto done;
	}
	*out = argv;
	*nout = n;
	argv = NULL;
done:
	ww_buf_release(&word);
	if (argv) {
		size_t i;
		for (i = 0; i < n; i++)
			free(argv[i]);
		free(argv);
	}
	return err;
}

#define PROCESS_TIMEOUT_MS 60000
#define PROCESS_MAX_OUTPUT (1u << 20)

static int run_credential_process(const chain_cfg *c, const char *cmd, ww_creds *out)
{
	char **argv = NULL, what[300];
	size_t argc = 0, i;
	int fds[2] = {-1, -1}, err = 0, status = 0, waited = 0;
	pid_t pid = -1;
	ww_buf output = WW_BUF_INIT, source = WW_BUF_INIT;
	struct timespec start, now;
	cJSON *j = NULL;
	const cJSON *version;

	if ((err = ww_creds_split_command(cmd, &argv, &argc))) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", ww_error_message());
		err = ww_error_set(WW_EAUTH, "profile \"%s\": cannot parse credential_process: %s",
				   c->profile, msg);
		goto done;
	}
	snprintf(what, sizeof(what), "credential_process \"%s\"", argv[0]);
	if (pipe2(fds, O_CLOEXEC)) {
		err = ww_error_set(WW_EAUTH, "%s: cannot create a pipe: %s", what, strerror(errno));
		goto done;
	}
	pid = fork();
	if (pid < 0) {
		err = ww_error_set(WW_EAUTH, "%s: cannot fork: %s", what, strerror(errno));
		goto done;
	}
	if (pid == 0) {
		/* child: stdout into the pipe, no shell */
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	fds[1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		char chunk[4096];
		ssize_t n;
		long left;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = PROCESS_TIMEOUT_MS - ((now.tv_sec - start.tv_sec) * 1000L +
					     (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0) {
			kill(pid, SIGKILL);
			err = ww_error_set(WW_EAUTH, "%s: no answer within %d seconds", what,
					   PROCESS_TIMEOUT_MS / 1000);
			goto done;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			err = ww_error_set(WW_EAUTH, "%s: %s", what, strerror(errno));
			goto done;
		}
		n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ww_buf_put(&output, chunk, (size_t)n);
		if (output.len > PROCESS_MAX_OUTPUT) {
			kill(pid, SIGKILL);
			err = ww_error_set(WW_EAUTH, "%s: output larger than 1 MB", what);
			goto done;
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	waited = 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !output.len) {
		err =
		    ww_error_set(WW_EAUTH, "%s: cannot run it (not found or not executable)", what);
		goto done;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		err =
		    ww_error_set(WW_EAUTH, "%s: exited with status %d", what,
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto done;
	}
	j = cJSON_Parse(ww_buf_cstr(&output));
	version = j ? cJSON_GetObjectItemCaseSensitive(j, "Version") : NULL;
	if (!cJSON_IsNumber(version) || version->valuedouble != 1) {
		err = ww_error_set(WW_EAUTH, "%s: output is not JSON with \"Version\": 1", what);
		goto done;
	}
	ww_buf_printf(&source, "profile %s (credential_process)", c->profile);
	err = creds_from_json(output.ptr, what, "SessionToken", source.ptr, out);
done:
	if (pid > 0 && !waited)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	cJSON_Delete(j);
	if (output.ptr)
		ww_crypto_wipe(output.ptr, output.len);
	ww_buf_release(&output);
	ww_buf_release(&source);
	return err;
}

static int src_profile(chain_cfg *c, ww_creds *out, ww_buf *tried)
{
	const char *akid = profile_get(c, "aws_access_key_id");
	const char *secret = profile_get(c, "aws_secret_access_key");
	const char *token = profile_get(c, "aws_session_token");
	const char *process = profile_get(c, "credential_process");

	if (!c->profile_found) {
		add_tried(tried, "profile \"%s\" (not in \"%s\" or \"%s\")", c->profile,
			  c->credentials_file, c->config_file);
		return 1;
	}
	if (akid || secret) {
		ww_buf src = WW_BUF_INIT;
		if (!akid || !secret)
			return ww_error_set(WW_EAUTH, "profile \"%s\": %s is set but %s is not",
					    c->profile,
					    akid ? "aws_access_key_id" : "aws_secret_access_key",
					    akid ? "aws_secret_access_key" : "aws_access_key_id");
		out->access_key_id = ww_xstrdup(akid);
		out->secret_access_key = ww_xstrdup(secret);
		out->session_token = token ? ww_xstrdup(token) : NULL;
		ww_buf_printf(&src, "profile %s", c->profile);
		out->source = ww_buf_detach(&src);
		return 0;
	}
	if (process)
		return run_credential_process(c, process, out);
	add_tried(tried, "profile \"%s\" (no keys or credential_process)", c->profile);
	return 1;
}

/* The text of the first <tag>...</tag> in `xml`, entities decoded
 * (malloc'd), or NULL. */
static char *xml_text(const char *xml, const char *tag)
{
	char open[64], close[64];
	const char *s, *e;
	ww_buf b = WW_BUF_INIT;
	static const struct {
		const char *ent;
		char ch;
	} ents[] = {
	    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	if (!(s = strstr(xml, open)))
		return NULL;
	s += strlen(open);
	if (!(e = strstr(s, close)))
		return NULL;
	while (s < e) {
		size_t i, hit = 0;
		if (*s == '&')
			for (i = 0; i < sizeof(ents) / sizeof(*ents); i++)
				if (!strncmp(s, ents[i].ent, strlen(ents[i].ent))) {
					ww_buf_putc(&b, ents[i].ch);
					s += strlen(ents[i].ent);
					hit = 1;
					break;
				}
		if (!hit)
			ww_buf_putc(&b, *s++);
	}
	return ww_buf_detach(&b);
}

static void form_param(ww_buf *b, const char *name, const char *value)
{
	if (b->len)
		ww_buf_putc(b, '&');
	ww_buf_printf(b, "%s=", name);
	ww_sigv4_uri_encode(b, value, strlen(value), 0);
}

static int src_web_identity(chain_cfg *c, ww_creds *out, ww_buf *tried, time_t now)
{
	const char *file = cenv("AWS_WEB_IDENTITY_TOKEN_FILE"), *role = cenv("AWS_ROLE_ARN");
	const char *session = cenv("AWS_ROLE_SESSION_NAME");
	const char *what = "web identity credentials";
	char *token = NULL, *akid = NULL, *secret = NULL, *stoken = NULL, *exp = NULL;
	char *code = NULL, *message = NULL;
	ww_buf body = WW_BUF_INIT, url = WW_BUF_INIT, name = WW_BUF_INIT;
	ww_http_header h[] = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
			      {"Accept", "text/xml"}};
	ww_http_request req = {"POST", NULL, h, 2, NULL, 0, 0, 10000};
	ww_http_response resp = WW_HTTP_RESPONSE_INIT;
	int err = 0;

	if (!file) {
		file = profile_get(c, "web_identity_token_file");
		role = profile_get(c, "role_arn");
		session = profile_get(c, "role_session_name");
	}
	if (!file) {
		add_tried(tried, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)");
		return 1;
	}
	if (!role) {
		err = ww_error_set(WW_EAUTH, "%s: token file \"%s\" is set but AWS_ROLE_ARN is not",
				   what, file);
		goto done;
	}
	if ((err = read_token_file(file, what, &token)))
		goto done;
	ww_log_add_secret(token);
	if (!session) {
		ww_buf_printf(&name, "wwseed-%lld", (long long)now);
		session = name.ptr;
	}
	form_param(&body, "Action", "AssumeRoleWithWebIdentity");
	form_param(&body, "Version", "2011-06-15");
	form_param(&body, "RoleArn", role);
	form_param(&body, "RoleSessionName", session);
	form_param(&body, "WebIdentityToken", token);
	if (c->sts_endpoint_url)
		ww_buf_puts(&url, c->sts_endpoint_url);
	else if (c->region)
		ww_buf_printf(&url, "https://sts.%s.amazonaws.com%s", c->region,
			      !strncmp(c->region, "cn-", 3) ? ".cn" : "");
	else
		ww_buf_puts(&url, "https://sts.amazonaws.com");
	req.url = url.ptr;
	req.body = body.ptr;
	req.body_len = body.len;
	if ((err = chain_send(c, c->http, &req, &resp, what)))
		goto done;
	if (resp.status != 200) {
		code = xml_text(ww_buf_cstr(&resp.body), "Code");
		message = xml_text(ww_buf_cstr(&resp.body), "Message");
		err = ww_error_set(
		    WW_EAUTH, "%s: AssumeRoleWithWebIdentity for \"%s\" failed: %s: %s (HTTP %ld)",
		    what, role, code ? code : "unknown error", message ? message : "no message",
		    resp.status);
		goto done;
	}
	akid = xml_text(ww_buf_cstr(&resp.body), "AccessKeyId");
	secret = xml_text(ww_buf_cstr(&resp.body), "SecretAccessKey");
	stoken = xml_text(ww_buf_cstr(&resp.body), "SessionToken");
	exp = xml_text(ww_buf_cstr(&resp.body), "Expiration");
	if (!akid || !*akid || !secret || !*secret || !stoken || !exp ||
	    ww_creds_parse_time(exp, &out->expiration)) {
		err =
		    ww_error_set(WW_EAUTH, "%s: the STS answer has no complete Credentials", what);
		goto done;
	}
	out->access_key_id = akid;
	out->secret_access_key = secret;
	out->session_token = stoken;
	out->source = ww_xstrdup("web-identity");
	akid = secret = stoken = NULL;
done:
	if (token)
		ww_crypto_wipe(token, strlen(token));
	if (secret)
		ww_crypto_wipe(secret, strlen(secret));
	if (body.ptr)
		ww_crypto_wipe(body.ptr, body.len);
	if (resp.body.ptr)
		ww_crypto_wipe(resp.body.ptr, resp.body.len);
	free(token);
	free(akid);
	free(secret);
	free(stoken);
	free(exp);
	free(code);
	free(message);
	ww_buf_release(&body);
	ww_buf_release(&url);
	ww_buf_release(&name);
	ww_http_response_release(&resp);
	return err;
}

/* Hosts the container provider may reach over plain http (the SDKs' list). */
static int container_host_allowed(const char *url)
{
	char host[256];

	if (!strncasecmp(url, "https://", 8))
		return 1;
	if (strncasecmp(url, "http://", 7) || ww_http_url_host(url, host, sizeof(host)))
		return 0;
	return ww_http_url_is_loopback(url) || !strcmp(host, "169.254.170.2") ||
	       !strcmp(host, "169.254.170.23") || !strcasecmp(host, "fd00:ec2::23");
}

static int src_container(chain_cfg *c, ww_creds *out, ww_buf *tried)
{
	const char *rel = cenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = cenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = cenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *what = "container credentials";
	char *token = NULL;
	ww_buf url = WW_BUF_INIT;
	ww_http_header h = {"Authorization", NULL};
	ww_http_request req = {"GET", NULL, NULL, 0, NULL, 0, 2000, 5000};
	ww_http_response resp = WW_HTTP_RESPONSE_INIT;
	int err = 0;

	if (rel) {
		ww_buf_printf(&url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
	} else if (full) {
		if (!container_host_allowed(full)) {
			err = ww_error_set(
			    WW_EAUTH,
			    "%s: AWS_CONTAINER_CREDENTIALS_FULL_URI \"%s\" must use https "
			    "or a loopback or ECS/EKS address",
			    what, full);
			goto done;
		}
		ww_buf_puts(&url, full);
	} else {
		add_tried(tried, "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
				 "AWS_CONTAINER_CREDENTIALS_FULL_URI not set)");
		return 1;
	}
	if (token_file) {
		if ((err = read_token_file(token_file, what, &token)))
			goto done;
	} else if (cenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
		token = ww_xstrdup(cenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	}
	if (token) {
		if (strpbrk(token, "\r\n")) {
			err = ww_error_set(WW_EAUTH, "%s: the authorization token has a line break",
					   what);
			goto done;
		}
		ww_log_add_secret(token);
		h.value = token;
		req.headers = &h;
		req.nheaders = 1;
	}
	req.url = url.ptr;
	if ((err = chain_send(c, c->http_link, &req, &resp, what)))
		goto done;
	if (resp.status != 200) {
		err = ww_error_set(WW_EAUTH, "%s: GET \"%s\" answered HTTP %ld", what, url.ptr,
				   resp.status);
		goto done;
	}
	err = creds_from_json(ww_buf_cstr(&resp.body), what, "Token", "container", out);
done:
	if (token)
		ww_crypto_wipe(token, strlen(token));
	free(token);
	if (resp.body.ptr)
		ww_crypto_wipe(resp.body.ptr, resp.body.len);
	ww_http_response_release(&resp);
	ww_buf_release(&url);
	return err;
}

static int src_imds(chain_cfg *c, ww_creds *out, ww_buf *tried)
{
	const char *disabled = cenv("AWS_EC2_METADATA_DISABLED");
	const char *endpoint = cenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *what = "ec2 instance metadata credentials";
	int explicit, err = 0;
	ww_buf base = WW_BUF_INIT, url = WW_BUF_INIT;
	ww_http_header ttl = {"X-aws-ec2-metadata-token-ttl-seconds", "21600"};
	ww_http_header auth = {"X-aws-ec2-metadata-token", NULL};
	ww_http_request req = {"PUT", NULL, &ttl, 1, NULL, 0, 1000, 1000};
	ww_http_response resp = WW_HTTP_RESPONSE_INIT;
	char *token = NULL, *role = NULL;

	if (disabled && !strcasecmp(disabled, "true")) {
		add_tried(tried, "ec2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
		return 1;
	}
	if (!endpoint)
		endpoint = profile_get(c, "ec2_metadata_service_endpoint");
	explicit = endpoint != NULL;
	ww_buf_puts(&base, endpoint ? endpoint : "http://169.254.169.254");
	while (base.len && base.ptr[base.len - 1] == '/')
		base.ptr[--base.len] = '\0';
	if (explicit)
		req.timeout_ms = 5000;

	ww_buf_printf(&url, "%s/latest/api/token", base.ptr);
	req.url = url.ptr;
	if ((err = chain_send(c, c->http_link, &req, &resp, what))) {
		if (!explicit) {
			add_tried(tried, "ec2 instance metadata (no answer from %s)", base.ptr);
			err = 1;
		}
		goto done;
	}
	if (resp.status != 200) {
		err = ww_error_set(WW_EAUTH, "%s: PUT \"%s\" answered HTTP %ld", what, url.ptr,
				   resp.status);
		goto done;
	}
	token = ww_xstrdup(ww_buf_cstr(&resp.body));
	token[strcspn(token, "\r\n")] = '\0';
	ww_log_add_secret(token);
	auth.value = token;
	req.method = "GET";
	req.headers = &auth;

	ww_buf_clear(&url);
	ww_buf_printf(&url, "%s/latest/meta-data/iam/security-credentials/", base.ptr);
	req.url = url.ptr;
	if ((err = chain_send(c, c->http_link, &req, &resp, what)))
		goto done;
	if (resp.status == 404) {
		add_tried(tried, "ec2 instance metadata (no instance role)");
		err = 1;
		goto done;
	}
	if (resp.status != 200 || !resp.body.len) {
		err = ww_error_set(WW_EAUTH, "%s: GET \"%s\" answered HTTP %ld", what, url.ptr,
				   resp.status);
		goto done;
	}
	role = ww_xstrdup(ww_buf_cstr(&resp.body));
	role[strcspn(role, "\r\n")] = '\0';
	ww_buf_clear(&url);
	ww_buf_printf(&url, "%s/latest/meta-data/iam/security-credentials/", base.ptr);
	ww_sigv4_uri_encode(&url, role, strlen(role), 0);
	req.url = url.ptr;
	if ((err = chain_send(c, c->http_link, &req, &resp, what)))
		goto done;
	if (resp.status != 200) {
		err = ww_error_set(WW_EAUTH, "%s: GET \"%s\" answered HTTP %ld", what, url.ptr,
				   resp.status);
		goto done;
	}
	{
		cJSON *j = cJSON_Parse(ww_buf_cstr(&resp.body));
		const cJSON *code = j ? cJSON_GetObjectItemCaseSensitive(j, "Code") : NULL;
		int ok = !code || (cJSON_IsString(code) && !strcmp(code->valuestring, "Success"));
		if (!ok)
			err = ww_error_set(WW_EAUTH, "%s: role \"%s\" answered Code \"%s\"", what,
					   role, cJSON_IsString(code) ? code->valuestring : "?");
		cJSON_Delete(j);
		if (err)
			goto done;
	}
	err = creds_from_json(ww_buf_cstr(&resp.body), what, "Token", "ec2-imds", out);
done:
	if (token)
		ww_crypto_wipe(token, strlen(token));
	free(token);
	free(role);
	if (resp.body.ptr)
		ww_crypto_wipe(resp.body.ptr, resp.body.len);
	ww_http_response_release(&resp);
	ww_buf_release(&url);
	ww_buf_release(&base);
	return err;
}

static int fetch_chain(ww_creds_provider *p, ww_creds *out)
{
	chain_cfg *c = p->chain;
	ww_buf tried = WW_BUF_INIT;
	int rc;

	if ((rc = src_environment(c, out, &tried)) != 1 ||
	    (rc = src_profile(c, out, &tried)) != 1 ||
	    (rc = src_web_identity(c, out, &tried, provider_now(p))) != 1 ||
	    (rc = src_container(c, out, &tried)) != 1 || (rc = src_imds(c, out, &tried)) != 1)
		goto done;
	rc = ww_error_set(WW_EAUTH, "no AWS credentials found; tried %s", tried.ptr);
done:
	if (rc)
		ww_creds_release(out);
	else
		ww_log(WW_LOG_VERBOSE, "wwseed: credentials from %s", out->source);
	ww_buf_release(&tried);
	return rc;
}

ww_creds_provider *ww_creds_provider_chain_new(const ww_aws_config *cfg)
{
	ww_creds_provider *p = NULL;
	chain_cfg *c = ww_xcalloc(1, sizeof(*c));
	ww_http_options strict = {cfg->ca_bundle, cfg->allow_insecure_http};
	ww_http_options link = {cfg->ca_bundle, 1};
	size_t i;

	c->profile = ww_xstrdup(cfg->profile ? cfg->profile : "default");
	c->config_file = ww_xstrdup(cfg->config_file ? cfg->config_file : "~/.aws/config");
	c->credentials_file =
	    ww_xstrdup(cfg->credentials_file ? cfg->credentials_file : "~/.aws/credentials");
	c->profile_found = cfg->profile_found;
	for (i = 0; i < cfg->profile_values.n; i++) {
		const ww_ini_entry *e = &cfg->profile_values.entries[i];
		if (!e->key)
			continue;
		if (c->values.n == c->values.cap) {
			c->values.cap = c->values.cap ? c->values.cap * 2 : 16;
			c->values.entries = ww_xrealloc(c->values.entries,
							c->values.cap * sizeof(*c->values.entries));
		}
		c->values.entries[c->values.n].section = ww_xstrdup(e->section);
		c->values.entries[c->values.n].key = ww_xstrdup(e->key);
		c->values.entries[c->values.n].value = ww_xstrdup(e->value);
		c->values.entries[c->values.n].line = e->line;
		c->values.n++;
		if (!strcmp(e->key, "aws_secret_access_key") ||
		    !strcmp(e->key, "aws_session_token"))
			ww_log_add_secret(e->value);
	}
	c->region = cfg->region ? ww_xstrdup(cfg->region) : NULL;
	c->sts_endpoint_url = cfg->sts_endpoint_url ? ww_xstrdup(cfg->sts_endpoint_url) : NULL;
	c->send = cfg->send;
	c->send_ctx = cfg->send_ctx;
	if (!c->send && (!(c->http = ww_http_client_new(&strict)) ||
			 !(c->http_link = ww_http_client_new(&link)))) {
		chain_cfg_free(c);
		return NULL;
	}
	p = provider_new(fetch_chain);
	p->chain = c;
	p->clock = cfg->clock;
	p->clock_ctx = cfg->clock_ctx;
	return p;
}

/*
 * Fresh enough to hand out without a fetch: no expiry, or more than the
 * refresh window left. The window is REFRESH_WINDOW, or half the lifetime
 * (at least 1 s) for short-lived credentials, so a key is never used to
 * its last second, where a request signed with it could arrive expired.
 * A refresh that failed is not tried again for RETRY_INTERVAL while the
 * current credentials are still valid.
 */
static int fresh_enough(const ww_creds_provider *p, time_t now)
{
	time_t left, lifetime, window = REFRESH_WINDOW;

	if (!p->have)
		return 0;
	if (p->current.expiration == 0)
		return 1;
	left = p->current.expiration - now;
	if (left <= 0)
		return 0;
	lifetime = p->current.expiration - p->fetched_at;
	if (lifetime < 2 * REFRESH_WINDOW)
		window = lifetime / 2 > 1 ? lifetime / 2 : 1;
	if (left > window)
		return 1;
	return p->last_failure && now - p->last_failure < RETRY_INTERVAL;
}

int ww_creds_provider_get(ww_creds_provider *p, ww_creds *out)
{
	ww_creds next = {0};
	int err = 0;
	time_t now;

	memset(out, 0, sizeof(*out));
	if (!p)
		return ww_error_set(WW_EAUTH, "no credential provider");
	pthread_mutex_lock(&p->lock);
	now = provider_now(p);
	if (!fresh_enough(p, now)) {
		err = p->fetch(p, &next);
		if (err) {
			/* Still valid, only due for refresh: keep going with them. */
			if (p->have && p->current.expiration > now) {
				p->last_failure = now;
				ww_log(WW_LOG_VERBOSE,
				       "wwseed: credential refresh failed, using the current ones "
				       "until they expire: %s",
				       ww_error_message());
				err = 0;
			}
			goto copy;
		}
		p->fetches++;
		p->fetched_at = now;
		p->last_failure = 0;
		ww_log_add_secret(next.secret_access_key);
		ww_log_add_secret(next.session_token);
		ww_creds_release(&p->current);
		p->current = next;
		memset(&next, 0, sizeof(next));
		p->have = 1;
	}
copy:
	if (!err)
		ww_creds_copy(out, &p->current);
	pthread_mutex_unlock(&p->lock);
	ww_creds_release(&next);
	return err;
}

unsigned long ww_creds_provider_fetches(ww_creds_provider *p)
{
	unsigned long n;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	n = p->fetches;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void ww_creds_provider_free(ww_creds_provider *p)
{
	if (!p)
		return;
	chain_cfg_free(p->chain);
	ww_creds_release(&p->current);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
