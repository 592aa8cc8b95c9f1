#ifndef WW_TESTS_MIGRATE_FAKE_CLIENT_H
#define WW_TESTS_MIGRATE_FAKE_CLIENT_H

/*
 * A DynamoDB client for the engine's unit tests: every request goes to an
 * in-process fake (`send`, which answers in the real wire format), signed
 * with static credentials, and backoff never sleeps. Include after
 * <cmocka.h>.
 */
#include <string.h>

#include "aws/creds.h"
#include "aws/ddb.h"

static void fake_client_no_sleep(void *ctx, long ms)
{
	(void)ctx;
	(void)ms;
}

/* The client, and its credentials in `*creds` (free both). */
static ww_ddb *fake_client_new(ww_http_send_fn send, void *send_ctx, ww_creds_provider **creds)
{
	ww_ddb_options o;
	ww_ddb *ddb;

	*creds = ww_creds_provider_static_new("AKIDEXAMPLE", "secretsecret", NULL);
	memset(&o, 0, sizeof(o));
	o.region = "us-east-1";
	o.endpoint = "http://127.0.0.1:9";
	o.creds = *creds;
	o.send = send;
	o.send_ctx = send_ctx;
	o.sleep_ms = fake_client_no_sleep;
	ddb = ww_ddb_new(&o);
	assert_non_null(ddb);
	return ddb;
}

#endif
