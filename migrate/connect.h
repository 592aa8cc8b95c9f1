#ifndef WW_MIGRATE_CONNECT_H
#define WW_MIGRATE_CONNECT_H

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/ddb.h"

/*
 * The DynamoDB client plan, import and status use: configuration (region,
 * endpoint, profile, CA bundle) resolved as docs/aws.md says, the default
 * credential chain, one thread-safe client. A thin stand-in for
 * aws/session.h until that lands; then this wraps it.
 */
typedef struct {
	const char *region, *endpoint_url, *profile, *ca_bundle;
	int allow_insecure_http;
} ww_connect_args;

typedef struct {
	ww_aws_config cfg;
	ww_creds_provider *creds;
	ww_ddb *ddb;
} ww_connection;

/* Open `out` (zeroed first). Returns 0 or the error of configuration or
 * credentials with the message set; close it either way. */
int ww_connect(ww_connection *out, const ww_connect_args *args);
/* Free everything; safe on a zeroed or failed connection and twice. */
void ww_disconnect(ww_connection *c);

#endif
