/*
 * Credential providers: the static one, and the SDKs' default chain.
 * A provider caches what it fetched and refreshes it, under its lock, when
 * it expires within REFRESH_WINDOW seconds.
 */
#include "aws/creds.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/log.h"

#define REFRESH_WINDOW 300 /* seconds before expiry that a refresh is due */

typedef int (*fetch_fn)(ww_creds_provider *p, ww_creds *out);

struct ww_creds_provider {
	pthread_mutex_t lock;
	ww_creds current;
	int have;
	unsigned long fetches;
	fetch_fn fetch;
	ww_clock_fn clock;
	void *clock_ctx;
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
	p->current.session_token = session_token && *session_token ? ww_xstrdup(session_token) : NULL;
	p->current.source = ww_xstrdup("static");
	p->have = 1;
	ww_log_add_secret(secret);
	ww_log_add_secret(session_token);
	return p;
}

ww_creds_provider *ww_creds_provider_chain_new(const ww_aws_config *cfg)
{
	(void)cfg;
	ww_error_set(WW_EAUTH, "the credential provider chain is not available yet");
	return NULL;
}

static int fresh_enough(const ww_creds_provider *p, time_t now)
{
	return p->have && (p->current.expiration == 0 || p->current.expiration - now > REFRESH_WINDOW);
}

int ww_creds_provider_get(ww_creds_provider *p, ww_creds *out)
{
	ww_creds next = { 0 };
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
				ww_log(WW_LOG_VERBOSE, "wwseed: credential refresh failed, using the current ones until they expire: %s",
				       ww_error_message());
				err = 0;
			}
			goto copy;
		}
		p->fetches++;
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
	ww_creds_release(&p->current);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
