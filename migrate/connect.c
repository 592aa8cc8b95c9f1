#include "migrate/connect.h"

#include <string.h>

#include "common/error.h"

int ww_connect(ww_connection *out, const ww_connect_args *args)
{
	ww_config_args ca = { args->region, args->endpoint_url, args->profile, args->ca_bundle,
			      args->allow_insecure_http };
	ww_ddb_options o;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ww_aws_config_load(&out->cfg, &ca)) < 0)
		return rc;
	if (!out->cfg.region && !out->cfg.endpoint_url)
		return ww_error_set(WW_EINVALID, "no AWS region: use --region, AWS_REGION or a profile's region");
	if (!(out->creds = ww_creds_provider_chain_new(&out->cfg)))
		return ww_error_last_code() ? ww_error_last_code() : WW_EAUTH;
	memset(&o, 0, sizeof(o));
	/* A local endpoint without a region still needs one to sign with. */
	o.region = out->cfg.region ? out->cfg.region : "us-east-1";
	o.endpoint = out->cfg.endpoint_url;
	o.creds = out->creds;
	o.http_opts.ca_bundle = out->cfg.ca_bundle;
	o.http_opts.allow_insecure_http = out->cfg.allow_insecure_http;
	o.retry.max_attempts = out->cfg.max_attempts;
	if (!(out->ddb = ww_ddb_new(&o)))
		return ww_error_last_code() ? ww_error_last_code() : WW_ERROR;
	return 0;
}

void ww_disconnect(ww_connection *c)
{
	if (!c)
		return;
	ww_ddb_free(c->ddb);
	ww_creds_provider_free(c->creds);
	ww_aws_config_release(&c->cfg);
	memset(c, 0, sizeof(*c));
}
