#include "common/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MASK "****"

static int log_level = WW_LOG_NORMAL;
static FILE *log_sink;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char **secrets;
static size_t nsecrets;

void ww_log_set_level(int level)
{
	log_level = level;
}

int ww_log_level(void)
{
	return log_level;
}

void ww_log_set_sink(FILE *sink)
{
	log_sink = sink;
}

int ww_log_is_tty(void)
{
	FILE *f = log_sink ? log_sink : stderr;

	return isatty(fileno(f));
}

void ww_log_add_secret(const char *secret)
{
	size_t i;

	if (!secret || strlen(secret) < 4)
		return;
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < nsecrets; i++)
		if (!strcmp(secrets[i], secret))
			goto done;
	secrets = ww_xrealloc(secrets, (nsecrets + 1) * sizeof(*secrets));
	secrets[nsecrets++] = ww_xstrdup(secret);
done:
	pthread_mutex_unlock(&log_lock);
}

void ww_log_clear_secrets(void)
{
	size_t i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < nsecrets; i++)
		free(secrets[i]);
	free(secrets);
	secrets = NULL;
	nsecrets = 0;
	pthread_mutex_unlock(&log_lock);
}

/* Markers after which a value runs to the next delimiter and is masked. */
static const char *const value_markers[] = {
	"Signature=", "X-Amz-Signature=", "x-amz-security-token:",
	"X-Amz-Security-Token:", "X-Amz-Security-Token=", "Authorization: Bearer ",
	"\"SecretAccessKey\":", "\"SessionToken\":", "\"Token\":",
	"\"secretAccessKey\":", "\"sessionToken\":", "aws_secret_access_key",
	"aws_session_token", "X-aws-ec2-metadata-token:",
};

static size_t match_marker(const char *p)
{
	size_t i;

	for (i = 0; i < sizeof(value_markers) / sizeof(*value_markers); i++) {
		size_t n = strlen(value_markers[i]);
		if (!strncasecmp(p, value_markers[i], n))
			return n;
	}
	return 0;
}

/* Length of the value after a marker: optional spaces, '=' and a quote,
 * then up to the closing quote or a delimiter. */
static size_t value_span(const char *p, size_t *lead)
{
	size_t i = 0, j;
	char quote = 0;

	while (p[i] == ' ' || p[i] == '=')
		i++;
	if (p[i] == '"') {
		quote = '"';
		i++;
	}
	*lead = i;
	for (j = i; p[j]; j++) {
		if (quote ? p[j] == quote : (p[j] == ',' || p[j] == ' ' || p[j] == '\n' ||
					     p[j] == '\r' || p[j] == '&' || p[j] == '"'))
			break;
	}
	return j - i;
}

void ww_redact(ww_buf *out, const char *text)
{
	const char *p = text;

	pthread_mutex_lock(&log_lock);
	while (*p) {
		size_t m = match_marker(p), i;
		int hit = 0;

		if (m) {
			size_t lead, n;
			ww_buf_put(out, p, m);
			p += m;
			n = value_span(p, &lead);
			ww_buf_put(out, p, lead);
			p += lead;
			if (n) {
				ww_buf_puts(out, MASK);
				p += n;
			}
			continue;
		}
		for (i = 0; i < nsecrets; i++) {
			size_t n = strlen(secrets[i]);
			if (!strncmp(p, secrets[i], n)) {
				ww_buf_puts(out, MASK);
				p += n;
				hit = 1;
				break;
			}
		}
		if (!hit)
			ww_buf_putc(out, *p++);
	}
	pthread_mutex_unlock(&log_lock);
}

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	ww_buf raw = WW_BUF_INIT, clean = WW_BUF_INIT;
	FILE *f = log_sink ? log_sink : stderr;

	ww_buf_puts(&raw, prefix);
	ww_buf_vprintf(&raw, fmt, ap);
	ww_redact(&clean, ww_buf_cstr(&raw));
	ww_buf_putc(&clean, '\n');
	fwrite(clean.ptr, 1, clean.len, f);
	fflush(f);
	ww_buf_release(&raw);
	ww_buf_release(&clean);
}

void ww_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void ww_log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("wwseed: ", fmt, ap);
	va_end(ap);
}

void ww_log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("wwseed: warning: ", fmt, ap);
	va_end(ap);
}
