/*
 * The shared config and credentials files and the resolution of region,
 * endpoint, profile and the other settings, in the SDKs' order
 * (docs/aws.md, "Configuration").
 */
#include "aws/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"

/* ---- INI ------------------------------------------------------------- */

static void ini_add(ww_ini *ini, const char *section, const char *key, size_t key_len,
		    const char *value, size_t value_len, int line)
{
	ww_ini_entry *e;
	size_t i;

	if (ini->n == ini->cap) {
		ini->cap = ini->cap ? ini->cap * 2 : 16;
		ini->entries = ww_xrealloc(ini->entries, ini->cap * sizeof(*ini->entries));
	}
	e = &ini->entries[ini->n++];
	e->section = ww_xstrdup(section);
	e->key = key ? ww_xstrndup(key, key_len) : NULL;
	for (i = 0; e->key && i < key_len; i++)
		e->key[i] = (char)tolower((unsigned char)e->key[i]);
	e->value = value ? ww_xstrndup(value, value_len) : NULL;
	e->line = line;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim [*s, *e) in place. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

int ww_ini_parse(ww_ini *out, const char *data, size_t len, const char *name)
{
	const char *p = data, *end = data + len;
	ww_buf section = WW_BUF_INIT, parent = WW_BUF_INIT, key = WW_BUF_INIT;
	int lineno = 0, err = 0, have_section = 0, nested = 0;

	memset(out, 0, sizeof(*out));
	if (len && memchr(data, '\0', len)) {
		err = ww_error_set(WW_ECONFIG, "cannot parse \"%s\": it contains a NUL byte", name);
		goto done;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end, *s, *e, *eq;
		int indented;

		p = nl ? nl + 1 : end;
		lineno++;
		indented = ls < le && is_blank(*ls);
		s = ls;
		e = le;
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *close = memchr(s, ']', (size_t)(e - s));
			const char *n1 = s + 1, *n2 = close;
			if (!close) {
				err =
				    ww_error_set(WW_ECONFIG, "cannot parse \"%s\" line %d: no ']'",
						 name, lineno);
				goto done;
			}
			trim(&n1, &n2);
			if (n1 == n2) {
				err = ww_error_set(
				    WW_ECONFIG, "cannot parse \"%s\" line %d: empty section name",
				    name, lineno);
				goto done;
			}
			/* "[profile   dev]" is "profile dev" */
			ww_buf_clear(&section);
			for (; n1 < n2; n1++) {
				if (is_blank(*n1)) {
					if (section.len && section.ptr[section.len - 1] != ' ')
						ww_buf_putc(&section, ' ');
				} else {
					ww_buf_putc(&section, *n1);
				}
			}
			have_section = 1;
			nested = 0;
			ini_add(out, section.ptr, NULL, 0, NULL, 0, lineno);
			continue;
		}
		eq = memchr(s, '=', (size_t)(e - s));
		if (indented && nested && eq) {
			/* "  endpoint_url = x" under "dynamodb =" */
			const char *k1 = s, *k2 = eq, *v1 = eq + 1, *v2 = e;
			trim(&k1, &k2);
			trim(&v1, &v2);
			if (k1 == k2) {
				err = ww_error_set(WW_ECONFIG,
						   "cannot parse \"%s\" line %d: empty key", name,
						   lineno);
				goto done;
			}
			ww_buf_clear(&key);
			ww_buf_printf(&key, "%s.%.*s", parent.ptr, (int)(k2 - k1), k1);
			ini_add(out, section.ptr, key.ptr, key.len, v1, (size_t)(v2 - v1), lineno);
			continue;
		}
		if (indented && out->n && out->entries[out->n - 1].key && !nested) {
			/* a continuation line: the previous value runs on */
			ww_ini_entry *last = &out->entries[out->n - 1];
			ww_buf v = WW_BUF_INIT;
			ww_buf_printf(&v, "%s\n%.*s", last->value, (int)(e - s), s);
			free(last->value);
			last->value = ww_buf_detach(&v);
			continue;
		}
		if (!eq) {
			err = ww_error_set(WW_ECONFIG,
					   "cannot parse \"%s\" line %d: expected 'key = value'",
					   name, lineno);
			goto done;
		}
		if (!have_section) {
			err = ww_error_set(
			    WW_ECONFIG, "cannot parse \"%s\" line %d: setting outside a [section]",
			    name, lineno);
			goto done;
		}
		{
			const char *k1 = s, *k2 = eq, *v1 = eq + 1, *v2 = e;
			trim(&k1, &k2);
			trim(&v1, &v2);
			if (k1 == k2) {
				err = ww_error_set(WW_ECONFIG,
						   "cannot parse \"%s\" line %d: empty key", name,
						   lineno);
				goto done;
			}
			ini_add(out, section.ptr, k1, (size_t)(k2 - k1), v1, (size_t)(v2 - v1),
				lineno);
			nested = v1 == v2;
			if (nested) {
				ww_buf_clear(&parent);
				ww_buf_put(&parent, k1, (size_t)(k2 - k1));
				for (size_t i = 0; i < parent.len; i++)
					parent.ptr[i] = (char)tolower((unsigned char)parent.ptr[i]);
			}
		}
	}
done:
	ww_buf_release(&section);
	ww_buf_release(&parent);
	ww_buf_release(&key);
	if (err)
		ww_ini_release(out);
	return err;
}

const char *ww_ini_get(const ww_ini *ini, const char *section, const char *key)
{
	size_t i;

	for (i = ini ? ini->n : 0; i-- > 0;) {
		const ww_ini_entry *e = &ini->entries[i];
		if (e->key && (!section || !strcmp(e->section, section)) &&
		    !strcasecmp(e->key, key))
			return e->value;
	}
	return NULL;
}

int ww_ini_has_section(const ww_ini *ini, const char *section)
{
	size_t i;

	for (i = 0; ini && i < ini->n; i++)
		if (!strcmp(ini->entries[i].section, section))
			return 1;
	return 0;
}

void ww_ini_release(ww_ini *ini)
{
	size_t i;

	if (!ini)
		return;
	for (i = 0; i < ini->n; i++) {
		free(ini->entries[i].section);
		free(ini->entries[i].key);
		free(ini->entries[i].value);
	}
	free(ini->entries);
	memset(ini, 0, sizeof(*ini));
}

/* ---- Resolution ------------------------------------------------------ */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* `path` with a leading "~/" expanded (malloc'd). */
static char *expand_home(const char *path)
{
	ww_buf b = WW_BUF_INIT;
	const char *home = env("HOME");

	if (path[0] == '~' && (path[1] == '/' || !path[1]) && home)
		ww_buf_printf(&b, "%s%s", home, path + 1);
	else
		ww_buf_puts(&b, path);
	return ww_buf_detach(&b);
}

static char *default_file(const char *var, const char *leaf)
{
	ww_buf b = WW_BUF_INIT;
	const char *v = env(var), *home = env("HOME");

	if (v)
		return expand_home(v);
	ww_buf_printf(&b, "%s/.aws/%s", home ? home : ".", leaf);
	return ww_buf_detach(&b);
}

/* Read and parse one shared file; a missing file is an empty one. */
static int load_file(const char *path, ww_ini *out, int warn_permissions)
{
	FILE *f = NULL;
	ww_buf data = WW_BUF_INIT;
	char chunk[4096];
	size_t n;
	struct stat st;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!(f = fopen(path, "rb"))) {
		if (errno == ENOENT || errno == ENOTDIR)
			goto done;
		err = ww_error_set(WW_ECONFIG, "cannot read \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (fstat(fileno(f), &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			err = ww_error_set(WW_ECONFIG, "cannot read \"%s\": not a regular file",
					   path);
			goto done;
		}
		if (warn_permissions && (st.st_mode & (S_IRGRP | S_IROTH)))
			ww_log_warning("credentials file \"%s\" can be read by other users; "
				       "run 'chmod 600 %s'",
				       path, path);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		ww_buf_put(&data, chunk, n);
		if (data.len > (16u << 20)) {
			err =
			    ww_error_set(WW_ECONFIG, "cannot read \"%s\": larger than 16 MB", path);
			goto done;
		}
	}
	if (ferror(f)) {
		err = ww_error_set(WW_ECONFIG, "cannot read \"%s\": %s", path, strerror(errno));
		goto done;
	}
	err = ww_ini_parse(out, data.ptr ? data.ptr : "", data.len, path);
done:
	if (f)
		fclose(f);
	ww_buf_release(&data);
	return err;
}

/* Copy `section`'s settings of `from` into `to`. */
static void copy_section(ww_ini *to, const ww_ini *from, const char *section)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		const ww_ini_entry *e = &from->entries[i];
		if (e->key && !strcmp(e->section, section))
			ini_add(to, "", e->key, strlen(e->key), e->value, strlen(e->value),
				e->line);
	}
}

static int valid_region(const char *r)
{
	if (!*r || strlen(r) > 64)
		return 0;
	for (; *r; r++)
		if (!(islower((unsigned char)*r) || isdigit((unsigned char)*r) || *r == '-'))
			return 0;
	return 1;
}

static int valid_url(const char *u)
{
	return (!strncasecmp(u, "https://", 8) && u[8]) || (!strncasecmp(u, "http://", 7) && u[7]);
}

static int ignore_configured_endpoints(const ww_aws_config *cfg)
{
	const char *v = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	if (!v)
		v = ww_aws_config_get(cfg, "ignore_configured_endpoint_urls");
	return v && !strcasecmp(v, "true");
}

/* A service's endpoint from the environment or the profile, in the SDKs'
 * order: AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL, the profile's services
 * section, the profile's endpoint_url. */
static const char *configured_endpoint(const ww_aws_config *cfg, const ww_ini *config_ini,
				       const char *env_var, const char *service,
				       const char **source)
{
	const char *v, *services;

	if (ignore_configured_endpoints(cfg))
		return NULL;
	if ((v = env(env_var))) {
		*source = env_var;
		return v;
	}
	if ((v = env("AWS_ENDPOINT_URL"))) {
		*source = "AWS_ENDPOINT_URL";
		return v;
	}
	if ((services = ww_aws_config_get(cfg, "services"))) {
		ww_buf sec = WW_BUF_INIT, key = WW_BUF_INIT;
		ww_buf_printf(&sec, "services %s", services);
		ww_buf_printf(&key, "%s.endpoint_url", service);
		v = ww_ini_get(config_ini, sec.ptr, key.ptr);
		ww_buf_release(&sec);
		ww_buf_release(&key);
		if (v) {
			*source = "the profile's services section";
			return v;
		}
	}
	if ((v = ww_aws_config_get(cfg, "endpoint_url"))) {
		*source = "the profile's endpoint_url";
		return v;
	}
	return NULL;
}

int ww_aws_config_load(ww_aws_config *out, const ww_config_args *args)
{
	static const ww_config_args none = {0};
	ww_ini config_ini = WW_INI_INIT, creds_ini = WW_INI_INIT;
	ww_buf section = WW_BUF_INIT;
	const char *v, *source = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!args)
		args = &none;
	out->allow_insecure_http = args->allow_insecure_http;

	/* Profile and files. */
	if (args->profile && *args->profile) {
		out->profile = ww_xstrdup(args->profile);
		out->profile_source = "--profile";
	} else if ((v = env("AWS_PROFILE"))) {
		out->profile = ww_xstrdup(v);
		out->profile_source = "AWS_PROFILE";
	} else {
		out->profile = ww_xstrdup("default");
		out->profile_source = "default";
	}
	out->config_file = default_file("AWS_CONFIG_FILE", "config");
	out->credentials_file = default_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	if ((err = load_file(out->config_file, &config_ini, 0)) ||
	    (err = load_file(out->credentials_file, &creds_ini, 1)))
		goto done;
	if (!strcmp(out->profile, "default") && ww_ini_has_section(&config_ini, "default"))
		ww_buf_puts(&section, "default");
	else
		ww_buf_printf(&section, "profile %s", out->profile);
	/* The credentials file wins for a key in both: it goes in last. */
	copy_section(&out->profile_values, &config_ini, section.ptr);
	copy_section(&out->profile_values, &creds_ini, out->profile);
	out->profile_found = ww_ini_has_section(&config_ini, section.ptr) ||
			     ww_ini_has_section(&creds_ini, out->profile);
	if (!out->profile_found && strcmp(out->profile_source, "default")) {
		err = ww_error_set(
		    WW_ENOTFOUND, "profile \"%s\" (from %s) not found in \"%s\" or \"%s\"",
		    out->profile, out->profile_source, out->config_file, out->credentials_file);
		goto done;
	}

	/* Region. */
	if (args->region && *args->region) {
		v = args->region;
		out->region_source = "--region";
	} else if ((v = env("AWS_REGION"))) {
		out->region_source = "AWS_REGION";
	} else if ((v = env("AWS_DEFAULT_REGION"))) {
		out->region_source = "AWS_DEFAULT_REGION";
	} else if ((v = ww_aws_config_get(out, "region"))) {
		out->region_source = "the profile";
	}
	if (v) {
		if (!valid_region(v)) {
			err = ww_error_set(WW_ECONFIG, "invalid region \"%s\" from %s", v,
					   out->region_source);
			goto done;
		}
		out->region = ww_xstrdup(v);
	}

	/* Endpoints. */
	if (args->endpoint_url && *args->endpoint_url) {
		v = args->endpoint_url;
		source = "--endpoint-url";
	} else {
		v = configured_endpoint(out, &config_ini, "AWS_ENDPOINT_URL_DYNAMODB", "dynamodb",
					&source);
	}
	if (v) {
		if (!valid_url(v)) {
			err = ww_error_set(WW_ECONFIG, "invalid endpoint URL \"%s\" from %s", v,
					   source);
			goto done;
		}
		out->endpoint_url = ww_xstrdup(v);
		out->endpoint_source = source;
	} else if (out->region) {
		ww_buf b = WW_BUF_INIT;
		ww_buf_printf(&b, "https://dynamodb.%s.amazonaws.com%s", out->region,
			      !strncmp(out->region, "cn-", 3) ? ".cn" : "");
		out->endpoint_url = ww_buf_detach(&b);
		out->endpoint_source = "the region";
	}
	if ((v = configured_endpoint(out, &config_ini, "AWS_ENDPOINT_URL_STS", "sts", &source))) {
		if (!valid_url(v)) {
			err = ww_error_set(WW_ECONFIG, "invalid endpoint URL \"%s\" from %s", v,
					   source);
			goto done;
		}
		out->sts_endpoint_url = ww_xstrdup(v);
	}

	/* TLS trust store and retries. */
	if (args->ca_bundle && *args->ca_bundle) {
		out->ca_bundle = expand_home(args->ca_bundle);
		source = "--ca-bundle";
	} else if ((v = env("AWS_CA_BUNDLE"))) {
		out->ca_bundle = expand_home(v);
		source = "AWS_CA_BUNDLE";
	} else if ((v = ww_aws_config_get(out, "ca_bundle"))) {
		out->ca_bundle = expand_home(v);
		source = "the profile's ca_bundle";
	}
	/* Caught here, with its source, rather than as a network error that
	 * every request would retry. */
	if (out->ca_bundle && access(out->ca_bundle, R_OK)) {
		err = ww_error_set(WW_ECONFIG, "cannot read CA bundle \"%s\" from %s: %s",
				   out->ca_bundle, source, strerror(errno));
		goto done;
	}
	source = "AWS_MAX_ATTEMPTS";
	if ((v = env("AWS_MAX_ATTEMPTS")) || ((v = ww_aws_config_get(out, "max_attempts")) &&
					      (source = "the profile's max_attempts"))) {
		char *endp;
		long n;
		errno = 0;
		n = strtol(v, &endp, 10);
		if (errno || endp == v || *endp || n < 1 || n > 100) {
			err = ww_error_set(WW_ECONFIG,
					   "invalid max_attempts \"%s\" from %s: want 1 to 100", v,
					   source);
			goto done;
		}
		out->max_attempts = (int)n;
	}
done:
	ww_ini_release(&config_ini);
	ww_ini_release(&creds_ini);
	ww_buf_release(&section);
	if (err)
		ww_aws_config_release(out);
	return err;
}

void ww_aws_config_release(ww_aws_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->profile);
	free(cfg->region);
	free(cfg->endpoint_url);
	free(cfg->sts_endpoint_url);
	free(cfg->ca_bundle);
	free(cfg->config_file);
	free(cfg->credentials_file);
	ww_ini_release(&cfg->profile_values);
	memset(cfg, 0, sizeof(*cfg));
}

const char *ww_aws_config_get(const ww_aws_config *cfg, const char *key)
{
	const char *v = cfg ? ww_ini_get(&cfg->profile_values, NULL, key) : NULL;

	return v && *v ? v : NULL;
}

time_t ww_aws_config_now(const ww_aws_config *cfg)
{
	return cfg && cfg->clock ? cfg->clock(cfg->clock_ctx) : time(NULL);
}
