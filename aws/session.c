#include "aws/session.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"

int ww_aws_session_open(ww_aws_session *out, const ww_aws_args *args)
{
	static const ww_aws_args none = {0};
	ww_config_args ca;
	ww_ddb_options o;
	char host[256];
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!args)
		args = &none;
	ca.region = args->region;
	ca.endpoint_url = args->endpoint_url;
	ca.profile = args->profile;
	ca.ca_bundle = args->ca_bundle;
	ca.allow_insecure_http = args->allow_insecure_http;
	if ((err = ww_aws_config_load(&out->cfg, &ca)))
		goto done;
	if (!out->cfg.region && !out->cfg.endpoint_url) {
		err = ww_error_set(WW_ECONFIG,
				   "no AWS region: use --region, AWS_REGION or a profile's region");
		goto done;
	}
	/* Refuse before any request, naming where the endpoint came from. */
	if (!strncasecmp(out->cfg.endpoint_url, "http://", 7) && !out->cfg.allow_insecure_http &&
	    !ww_http_url_is_loopback(out->cfg.endpoint_url)) {
		if (ww_http_url_host(out->cfg.endpoint_url, host, sizeof(host)))
			snprintf(host, sizeof(host), "%s", out->cfg.endpoint_url);
		err = ww_error_set(
		    WW_ECONFIG,
		    "refusing plain http to \"%s\": use https, or --allow-insecure-http", host);
		goto done;
	}
	if (!(out->creds = ww_creds_provider_chain_new(&out->cfg))) {
		err = ww_error_last_code() ? ww_error_last_code() : WW_EAUTH;
		goto done;
	}
	memset(&o, 0, sizeof(o));
	o.region = out->cfg.region ? out->cfg.region : "us-east-1";
	o.endpoint = out->cfg.endpoint_url;
	o.creds = out->creds;
	o.http_opts.ca_bundle = out->cfg.ca_bundle;
	o.http_opts.allow_insecure_http = out->cfg.allow_insecure_http;
	o.clock = out->cfg.clock;
	o.clock_ctx = out->cfg.clock_ctx;
	o.retry = args->retry;
	if (!o.retry.max_attempts)
		o.retry.max_attempts = out->cfg.max_attempts;
	if (!(out->ddb = ww_ddb_new(&o))) {
		err = ww_error_last_code() ? ww_error_last_code() : WW_ERROR;
		goto done;
	}
done:
	return err;
}

void ww_aws_session_close(ww_aws_session *s)
{
	if (!s)
		return;
	ww_ddb_free(s->ddb);
	ww_creds_provider_free(s->creds);
	ww_aws_config_release(&s->cfg);
	memset(s, 0, sizeof(*s));
}
