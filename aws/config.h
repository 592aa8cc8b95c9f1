#ifndef WW_AWS_CONFIG_H
#define WW_AWS_CONFIG_H

#include <stddef.h>

#include "aws/ddb.h"
#include "aws/http.h"

/*
 * Configuration resolved the way the AWS SDKs do it (docs/aws.md,
 * "Configuration"): command-line flags, then environment variables, then the
 * profile in ~/.aws/config and ~/.aws/credentials.
 */

/* ---- INI files ------------------------------------------------------- */
typedef struct {
	char *section; /* "default", "profile dev", "services local" */
	char *key;     /* lowercased; "dynamodb.endpoint_url" for a nested value */
	char *value;
	int line;
} ww_ini_entry;

typedef struct {
	ww_ini_entry *entries;
	size_t n, cap;
} ww_ini;

#define WW_INI_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/*
 * Parse the AWS flavour of INI from memory: [section] headers, key = value,
 * full-line comments (# or ;), and indented "sub = value" lines under a key
 * with an empty value (nested settings, stored as "parent.sub"). Later
 * duplicates override earlier ones. Never reads past `len`; NUL bytes and
 * malformed lines are errors. Returns 0, or WW_ECONFIG with a message
 * naming `name` and the line.
 */
int ww_ini_parse(ww_ini *out, const char *data, size_t len, const char *name);
/* The value of `key` in `section` (borrowed), or NULL. */
const char *ww_ini_get(const ww_ini *ini, const char *section, const char *key);
/* 1 if a [section] header with that name appeared. */
int ww_ini_has_section(const ww_ini *ini, const char *section);
/* Free the entries; safe twice. */
void ww_ini_release(ww_ini *ini);

/* ---- Resolved configuration ------------------------------------------ */
typedef struct {
	const char *region;	  /* --region */
	const char *endpoint_url; /* --endpoint-url */
	const char *profile;	  /* --profile */
	const char *ca_bundle;	  /* --ca-bundle */
	int allow_insecure_http;  /* --allow-insecure-http */
} ww_config_args;

typedef struct {
	char *profile;		    /* the profile in use */
	const char *profile_source; /* "--profile", "AWS_PROFILE" or "default" */
	int profile_found;	    /* the profile exists in one of the files */
	char *region;		    /* NULL when nothing sets one */
	const char *region_source;
	char *endpoint_url; /* DynamoDB endpoint; NULL only without a region */
	const char *endpoint_source;
	char *sts_endpoint_url; /* STS endpoint for web identity; NULL: regional */
	char *ca_bundle;	/* NULL: the system store */
	int max_attempts;	/* 0: not set */
	int allow_insecure_http;
	char *config_file; /* paths read (or that would be read) */
	char *credentials_file;
	ww_ini profile_values; /* the profile's settings: credentials file first */
	/* Seams for tests, NULL for the real thing: */
	ww_clock_fn clock; /* time() */
	void *clock_ctx;
	ww_http_send_fn send; /* curl with ca_bundle/allow_insecure_http */
	void *send_ctx;
} ww_aws_config;

/*
 * Resolve everything from `args` (may be NULL), the environment and the
 * shared files into `out` (zeroed first). Missing files are fine; a profile
 * named with --profile or AWS_PROFILE that exists in neither file is
 * WW_ENOTFOUND; an unparsable file is WW_ECONFIG. A credentials file that
 * group or others can read is reported with ww_log_warning.
 */
int ww_aws_config_load(ww_aws_config *out, const ww_config_args *args);
/* Free what `cfg` owns; safe twice. */
void ww_aws_config_release(ww_aws_config *cfg);
/* A setting of the selected profile (borrowed), or NULL. */
const char *ww_aws_config_get(const ww_aws_config *cfg, const char *key);
/* The clock the config carries: cfg->clock or time(). */
time_t ww_aws_config_now(const ww_aws_config *cfg);

#endif
