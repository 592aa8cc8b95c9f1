#include "cmd/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"

const char ww_global_opts_help[] =
	"Global options:\n"
	"  --region REGION          AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile)\n"
	"  --endpoint-url URL       DynamoDB endpoint (else AWS_ENDPOINT_URL_DYNAMODB,\n"
	"                           AWS_ENDPOINT_URL, profile endpoint_url, regional default)\n"
	"  --profile NAME           shared config profile (else AWS_PROFILE, 'default')\n"
	"  --ca-bundle FILE         CA certificates for TLS (else AWS_CA_BUNDLE)\n"
	"  --allow-insecure-http    allow plain http:// to a non-loopback endpoint\n"
	"  -v, --verbose            log each request (operation, table, status, latency)\n"
	"  --debug                  log request and response bodies too (secrets redacted)\n"
	"  -q, --quiet              print errors only\n"
	"  --no-color               no colour (also when NO_COLOR is set)\n"
	"  -h, --help               show this help\n";

int ww_cli_global_opt(ww_global_opts *g, int opt, const char *arg)
{
	switch (opt) {
	case WW_OPT_REGION: g->region = arg; break;
	case WW_OPT_ENDPOINT_URL: g->endpoint_url = arg; break;
	case WW_OPT_PROFILE: g->profile = arg; break;
	case WW_OPT_CA_BUNDLE: g->ca_bundle = arg; break;
	case WW_OPT_ALLOW_HTTP: g->allow_http = 1; break;
	case 'v':
	case WW_OPT_VERBOSE: g->verbose = 1; break;
	case WW_OPT_DEBUG: g->debug = 1; break;
	case 'q':
	case WW_OPT_QUIET: g->quiet = 1; break;
	case WW_OPT_NO_COLOR: g->color = 0; break;
	case 'h':
	case WW_OPT_HELP: return -1;
	default: return 0;
	}
	ww_log_set_level(g->debug ? WW_LOG_DEBUG : g->verbose ? WW_LOG_VERBOSE
				   : g->quiet ? WW_LOG_QUIET : WW_LOG_NORMAL);
	return 1;
}

int ww_cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wwseed %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\nTry 'wwseed %s --help' for more information.\n", usage, cmd);
	return WW_EXIT_USAGE;
}

void ww_cli_aws_args(ww_aws_args *out, const ww_global_opts *g)
{
	memset(out, 0, sizeof(*out));
	out->region = g->region;
	out->endpoint_url = g->endpoint_url;
	out->profile = g->profile;
	out->ca_bundle = g->ca_bundle;
	out->allow_insecure_http = g->allow_http;
}

int ww_cli_exit_for(int err)
{
	switch (err) {
	case WW_OK: return WW_EXIT_OK;
	case WW_EINVALID: return WW_EXIT_INVALID;
	case WW_ECONFIG: return WW_EXIT_USAGE;
	case WW_ENETWORK: return WW_EXIT_NETWORK;
	case WW_ETHROTTLED:
	case WW_EAUTH:
	case WW_EAWS:
	case WW_ENOTFOUND:
	case WW_ECONFLICT: return WW_EXIT_AWS;
	case WW_ELOCKED: return WW_EXIT_LOCKED;
	case WW_EINTERRUPTED: return WW_EXIT_INTERRUPTED;
	default: return WW_EXIT_FAILURE;
	}
}
