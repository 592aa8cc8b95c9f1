#ifndef WW_AWS_SESSION_H
#define WW_AWS_SESSION_H

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/ddb.h"

/*
 * Everything a command needs to talk to DynamoDB, from its flags: the
 * resolved configuration, the default credential chain and one thread-safe
 * client (docs/aws.md).
 */
typedef struct {
	const char *region, *endpoint_url, *profile, *ca_bundle; /* CLI flags, NULL = not given */
	int allow_insecure_http;
	ww_retry_options retry; /* max_attempts 0: AWS_MAX_ATTEMPTS / the profile / default */
} ww_aws_args;

typedef struct {
	ww_aws_config cfg;
	ww_creds_provider *creds;
	ww_ddb *ddb;
} ww_aws_session;

/*
 * Resolve region, endpoint and credentials as documented and open a
 * DynamoDB client into `out` (zeroed first). A configured endpoint without a
 * region signs for us-east-1, as local servers expect; no region and no
 * endpoint is WW_ECONFIG, and so are the configuration's own errors; plain
 * http to a non-loopback endpoint without allow_insecure_http is WW_ECONFIG
 * with the same message the transport gives, before any connection. Credentials are
 * fetched at the first request. Returns 0 or the failing step's code with the message set; close
 * `out` either way.
 */
int ww_aws_session_open(ww_aws_session *out, const ww_aws_args *args);

/* Free everything; safe on a zeroed or failed session and twice. */
void ww_aws_session_close(ww_aws_session *s);

#endif
