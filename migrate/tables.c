#include "migrate/tables.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"

#define DEFAULT_WAIT_S 300
#define UNSUPPORTED_TEXT "not supported by the endpoint"

/* ---- Differences --------------------------------------------------- */

void ww_table_diffs_release(ww_table_diffs *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].table);
		free(d->items[i].setting);
		free(d->items[i].want);
		free(d->items[i].got);
	}
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

size_t ww_table_diffs_count(const ww_table_diffs *d)
{
	size_t i, n = 0;

	for (i = 0; d && i < d->n; i++)
		n += !d->items[i].unsupported;
	return n;
}

void ww_table_diff_format(ww_buf *out, const ww_table_diff *d)
{
	if (d->unsupported)
		ww_buf_printf(out, "%s: %s: %s (template %s)", d->table, d->setting,
			      UNSUPPORTED_TEXT, d->want);
	else
		ww_buf_printf(out, "%s: %s: template %s, table %s", d->table, d->setting, d->want,
			      d->got);
}

static void add_diff(ww_table_diffs *out, const char *table, const char *setting, int unsupported,
		     const char *want, const char *got)
{
	ww_table_diff *d;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->items = ww_xrealloc(out->items, out->cap * sizeof(*out->items));
	}
	d = &out->items[out->n++];
	d->table = ww_xstrdup(table);
	d->setting = ww_xstrdup(setting);
	d->want = ww_xstrdup(want);
	d->got = ww_xstrdup(unsupported ? UNSUPPORTED_TEXT : got);
	d->unsupported = unsupported;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char attr_type(const ww_ddb_table *t, const char *name)
{
	size_t i;

	for (i = 0; name && i < t->nattrs; i++)
		if (!strcmp(t->attrs[i].name, name))
			return t->attrs[i].type;
	return '?';
}

/* "HASH id (S)" or "HASH pk (S), RANGE sk (S)"; `t` gives the types. */
static void keys_text(ww_buf *b, const ww_ddb_table *t, const char *hash, const char *range)
{
	ww_buf_printf(b, "HASH %s (%c)", hash ? hash : "?", attr_type(t, hash));
	if (range)
		ww_buf_printf(b, ", RANGE %s (%c)", range, attr_type(t, range));
}

static int keys_equal(const ww_ddb_table *want, const ww_ddb_table *got, const char *wh,
		      const char *wr, const char *gh, const char *gr)
{
	return str_eq(wh, gh) && str_eq(wr, gr) && attr_type(want, wh) == attr_type(got, gh) &&
	       (!wr || attr_type(want, wr) == attr_type(got, gr));
}

void ww_table_diff_keys(const ww_ddb_table *want, const ww_ddb_table *got, ww_table_diffs *out)
{
	ww_buf w = WW_BUF_INIT, g = WW_BUF_INIT;

	if (keys_equal(want, got, want->hash_key, want->range_key, got->hash_key, got->range_key))
		return;
	keys_text(&w, want, want->hash_key, want->range_key);
	keys_text(&g, got, got->hash_key, got->range_key);
	add_diff(out, want->name, "key schema", 0, ww_buf_cstr(&w), ww_buf_cstr(&g));
	ww_buf_release(&w);
	ww_buf_release(&g);
}

static void billing_text(ww_buf *b, const ww_ddb_table *t)
{
	if (t->pay_per_request)
		ww_buf_puts(b, "PAY_PER_REQUEST");
	else
		ww_buf_printf(b, "PROVISIONED (%ld RCU, %ld WCU)", t->rcu, t->wcu);
}

static const char *on_off(int on)
{
	return on ? "enabled" : "disabled";
}

static const ww_ddb_gsi *find_gsi(const ww_ddb_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ngsis; i++)
		if (t->gsis[i].name && !strcmp(t->gsis[i].name, name))
			return &t->gsis[i];
	return NULL;
}

static void diff_gsis(const ww_ddb_table *want, const ww_ddb_table *got, ww_table_diffs *out)
{
	ww_buf setting = WW_BUF_INIT, w = WW_BUF_INIT, g = WW_BUF_INIT;
	size_t i;

	for (i = 0; i < want->ngsis; i++) {
		const ww_ddb_gsi *wg = &want->gsis[i], *gg = find_gsi(got, wg->name);

		ww_buf_clear(&setting);
		ww_buf_clear(&w);
		ww_buf_clear(&g);
		ww_buf_printf(&setting, "index '%s'", wg->name);
		keys_text(&w, want, wg->hash_key, wg->range_key);
		ww_buf_printf(&w, ", projection %s", wg->projection ? wg->projection : "ALL");
		if (!gg) {
			add_diff(out, want->name, ww_buf_cstr(&setting), 0, ww_buf_cstr(&w),
				 "missing");
			continue;
		}
		keys_text(&g, got, gg->hash_key, gg->range_key);
		ww_buf_printf(&g, ", projection %s", gg->projection ? gg->projection : "ALL");
		if (strcmp(ww_buf_cstr(&w), ww_buf_cstr(&g)))
			add_diff(out, want->name, ww_buf_cstr(&setting), 0, ww_buf_cstr(&w),
				 ww_buf_cstr(&g));
	}
	for (i = 0; i < got->ngsis; i++) {
		if (!got->gsis[i].name || find_gsi(want, got->gsis[i].name))
			continue;
		ww_buf_clear(&setting);
		ww_buf_printf(&setting, "index '%s'", got->gsis[i].name);
		add_diff(out, want->name, ww_buf_cstr(&setting), 0, "none", "present");
	}
	ww_buf_release(&setting);
	ww_buf_release(&w);
	ww_buf_release(&g);
}

void ww_table_diff_specs(const ww_ddb_table *want, const ww_ddb_table *got, unsigned unsupported,
			 ww_table_diffs *out)
{
	ww_buf w = WW_BUF_INIT, g = WW_BUF_INIT;
	const char *name = want->name;

	ww_table_diff_keys(want, got, out);

	billing_text(&w, want);
	billing_text(&g, got);
	if (strcmp(ww_buf_cstr(&w), ww_buf_cstr(&g)))
		add_diff(out, name, "billing mode", 0, ww_buf_cstr(&w), ww_buf_cstr(&g));

	ww_buf_clear(&w);
	ww_buf_clear(&g);
	ww_buf_puts(&w, want->sse_enabled ? "KMS (AWS managed key)" : "AWS owned key");
	ww_buf_puts(&g, got->sse_enabled ? "KMS (AWS managed key)" : "AWS owned key");
	if (want->sse_enabled != got->sse_enabled)
		add_diff(out, name, "encryption",
			 !!(unsupported & WW_TABLE_NO_SSE) && !got->sse_enabled, ww_buf_cstr(&w),
			 ww_buf_cstr(&g));

	ww_buf_clear(&w);
	ww_buf_clear(&g);
	ww_buf_puts(&w, want->stream_enabled ? want->stream_view_type : "disabled");
	ww_buf_puts(&g, got->stream_enabled && got->stream_view_type ? got->stream_view_type
			: got->stream_enabled			     ? "enabled"
								     : "disabled");
	if (strcmp(ww_buf_cstr(&w), ww_buf_cstr(&g)))
		add_diff(out, name, "stream",
			 !!(unsupported & WW_TABLE_NO_STREAM) && !got->stream_enabled,
			 ww_buf_cstr(&w), ww_buf_cstr(&g));

	diff_gsis(want, got, out);

	if (!want->deletion_protection != !got->deletion_protection)
		add_diff(out, name, "deletion protection",
			 !!(unsupported & WW_TABLE_NO_DELETION_PROTECTION) &&
			     !got->deletion_protection,
			 on_off(want->deletion_protection), on_off(got->deletion_protection));

	if (!str_eq(want->ttl_attribute, got->ttl_attribute)) {
		ww_buf_clear(&w);
		ww_buf_clear(&g);
		if (want->ttl_attribute)
			ww_buf_printf(&w, "on '%s'", want->ttl_attribute);
		else
			ww_buf_puts(&w, "disabled");
		if (got->ttl_attribute)
			ww_buf_printf(&g, "on '%s'", got->ttl_attribute);
		else
			ww_buf_puts(&g, "disabled");
		add_diff(out, name, "time to live", !!(unsupported & WW_TABLE_NO_TTL),
			 ww_buf_cstr(&w), ww_buf_cstr(&g));
	}

	if (!want->pitr_enabled != !got->pitr_enabled)
		add_diff(out, name, "point-in-time recovery", !!(unsupported & WW_TABLE_NO_PITR),
			 on_off(want->pitr_enabled), on_off(got->pitr_enabled));

	ww_buf_release(&w);
	ww_buf_release(&g);
}

/* ---- Talking to the endpoint --------------------------------------- */

/* The endpoint does not implement the operation at all (dynalite answers
 * UnknownOperationException; DynamoDB Local has said UnknownOperation
 * and "not supported" ValidationExceptions). */
static int is_unsupported(const ww_ddb_error *e)
{
	return strstr(e->type, "UnknownOperation") != NULL ||
	       (!strcmp(e->type, "ValidationException") && strstr(e->message, "not supported"));
}

/* Whether the endpoint keeps a table's settings beyond keys and billing
 * (stream, encryption, deletion protection). DynamoDB's DescribeTable always
 * answers DeletionProtectionEnabled; a local emulator that drops those
 * settings from CreateTable (dynalite) leaves it out. Asked only when one
 * of those settings differs. */
static int settings_unsupported(ww_ddb *ddb, const char *name, int *out)
{
	ww_buf body = WW_BUF_INIT, resp = WW_BUF_INIT;
	ww_ddb_error err;
	cJSON *root = NULL;
	const cJSON *td;
	int rc;

	*out = 0;
	ww_buf_puts(&body, "{\"TableName\":");
	ww_buf_put_json_string(&body, name, strlen(name));
	ww_buf_putc(&body, '}');
	rc = ww_ddb_call(ddb, "DescribeTable", name, ww_buf_cstr(&body), &resp, &err);
	if (rc)
		goto done;
	root = cJSON_ParseWithLength(resp.ptr ? resp.ptr : "", resp.len);
	td = cJSON_GetObjectItemCaseSensitive(root, "Table");
	*out = cJSON_IsObject(td) &&
	       !cJSON_GetObjectItemCaseSensitive(td, "DeletionProtectionEnabled");
done:
	cJSON_Delete(root);
	ww_buf_release(&body);
	ww_buf_release(&resp);
	return rc;
}

/* Whether UpdateTimeToLive exists on the endpoint, asked without changing
 * anything: on a table that cannot exist, DynamoDB answers
 * ResourceNotFoundException (or refuses access), a server without the
 * operation UnknownOperationException. */
static int ttl_unsupported(ww_ddb *ddb)
{
	ww_ddb_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = ww_ddb_update_ttl(ddb, "wwseed-probe-no-such-table", "expiresAt", &err);
	ww_error_clear();
	return rc && is_unsupported(&err);
}

/* Fill got->ttl_attribute and got->pitr_enabled, and flag what the
 * endpoint cannot hold. */
static int describe_extras(ww_ddb *ddb, const ww_ddb_table *want, ww_ddb_table *got,
			   unsigned *unsupported)
{
	ww_ddb_error err;
	int rc, flag;

	memset(&err, 0, sizeof(err));
	rc = ww_ddb_describe_ttl(ddb, want->name, &got->ttl_attribute, &err);
	if (rc && is_unsupported(&err)) {
		*unsupported |= WW_TABLE_NO_TTL;
		ww_error_clear();
	} else if (rc) {
		return rc;
	} else if (!str_eq(want->ttl_attribute, got->ttl_attribute) && ttl_unsupported(ddb)) {
		/* dynalite describes TTL as DISABLED but cannot set it. */
		*unsupported |= WW_TABLE_NO_TTL;
	}

	memset(&err, 0, sizeof(err));
	rc = ww_ddb_describe_pitr(ddb, want->name, &got->pitr_enabled, &err);
	if (rc && is_unsupported(&err)) {
		*unsupported |= WW_TABLE_NO_PITR;
		ww_error_clear();
	} else if (rc) {
		return rc;
	}

	if (want->sse_enabled != got->sse_enabled || want->stream_enabled != got->stream_enabled ||
	    !want->deletion_protection != !got->deletion_protection) {
		rc = settings_unsupported(ddb, want->name, &flag);
		if (rc)
			return rc;
		if (flag)
			*unsupported |=
			    WW_TABLE_NO_SSE | WW_TABLE_NO_STREAM | WW_TABLE_NO_DELETION_PROTECTION;
	}
	return 0;
}

int ww_tables_verify_all(ww_ddb *ddb, const ww_template *tpl, ww_table_diffs *out)
{
	ww_ddb_table got = {0};
	ww_ddb_error err;
	size_t i;
	int rc = 0;

	for (i = 0; i < tpl->n; i++) {
		const ww_ddb_table *want = &tpl->tables[i].spec;
		unsigned unsupported = 0;

		memset(&err, 0, sizeof(err));
		rc = ww_ddb_describe_table(ddb, want->name, &got, &err);
		if (rc == WW_ENOTFOUND) {
			ww_error_clear();
			add_diff(out, want->name, "table", 0, "declared", "missing");
			rc = 0;
			continue;
		}
		if (rc)
			goto done;
		rc = describe_extras(ddb, want, &got, &unsupported);
		if (rc)
			goto done;
		ww_table_diff_specs(want, &got, unsupported, out);
		ww_ddb_table_release(&got);
	}
done:
	ww_ddb_table_release(&got);
	return rc;
}

/* ---- Create -------------------------------------------------------- */

void ww_tables_result_release(ww_tables_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->tables[i].table);
		free(r->tables[i].error);
	}
	free(r->tables);
	r->tables = NULL;
	r->n = 0;
	ww_table_diffs_release(&r->diffs);
}

const char *ww_table_state_name(ww_table_state s)
{
	switch (s) {
	case WW_TABLE_CREATED:
		return "created";
	case WW_TABLE_EXISTED:
		return "exists";
	case WW_TABLE_CONFLICT:
		return "conflict";
	default:
		return "failed";
	}
}

/* TTL and PITR as the template asks, once the table is ACTIVE; what the
 * endpoint cannot do becomes a note. */
static int apply_settings(ww_ddb *ddb, const ww_ddb_table *want, ww_table_diffs *notes)
{
	ww_ddb_error err;
	char *attr = NULL;
	int rc = 0, pitr = 0;

	if (want->ttl_attribute) {
		memset(&err, 0, sizeof(err));
		rc = ww_ddb_describe_ttl(ddb, want->name, &attr, &err);
		if (!rc && !str_eq(attr, want->ttl_attribute)) {
			if (attr) {
				/* TTL can be on one attribute only; moving it is a decision
				 * for a person, not for an idempotent create. */
				char w[300];
				snprintf(w, sizeof(w), "on '%s'", want->ttl_attribute);
				add_diff(notes, want->name, "time to live", 0, w, attr);
			} else {
				rc = ww_ddb_update_ttl(ddb, want->name, want->ttl_attribute, &err);
			}
		}
		if (rc && is_unsupported(&err)) {
			char w[300];
			ww_error_clear();
			snprintf(w, sizeof(w), "on '%s'", want->ttl_attribute);
			add_diff(notes, want->name, "time to live", 1, w, NULL);
			rc = 0;
		}
		if (rc)
			goto done;
	}
	if (want->pitr_enabled) {
		memset(&err, 0, sizeof(err));
		rc = ww_ddb_describe_pitr(ddb, want->name, &pitr, &err);
		if (!rc && !pitr)
			rc = ww_ddb_update_pitr(ddb, want->name, 1, &err);
		if (rc && is_unsupported(&err)) {
			ww_error_clear();
			add_diff(notes, want->name, "point-in-time recovery", 1, "enabled", NULL);
			rc = 0;
		}
	}
done:
	free(attr);
	return rc;
}

/* One table: describe, create when missing, wait, settings. */
static int create_one(ww_ddb *ddb, const ww_ddb_table *want, int wait_s, ww_table_outcome *oc,
		      ww_table_diffs *diffs)
{
	ww_ddb_table got = {0};
	ww_table_diffs keys = WW_TABLE_DIFFS_INIT;
	ww_ddb_error err;
	unsigned unsupported = 0;
	size_t i;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = ww_ddb_describe_table(ddb, want->name, &got, &err);
	if (rc == WW_ENOTFOUND) {
		ww_error_clear();
		rc = ww_ddb_create_table(ddb, want, &err);
		if (rc == WW_EAWS && !strcmp(err.type, "ResourceInUseException")) {
			/* Someone else created it between describe and create. */
			ww_error_clear();
			rc = ww_ddb_describe_table(ddb, want->name, &got, &err);
		} else if (!rc) {
			oc->state = WW_TABLE_CREATED;
		}
	}
	if (rc)
		goto done;
	if (oc->state != WW_TABLE_CREATED) {
		ww_table_diff_keys(want, &got, &keys);
		if (keys.n) {
			oc->state = WW_TABLE_CONFLICT;
			for (i = 0; i < keys.n; i++)
				add_diff(diffs, keys.items[i].table, keys.items[i].setting, 0,
					 keys.items[i].want, keys.items[i].got);
			goto done;
		}
		oc->state = WW_TABLE_EXISTED;
	}
	rc = ww_ddb_wait_active(ddb, want->name, wait_s, &err);
	if (rc)
		goto done;
	rc = apply_settings(ddb, want, diffs);
	if (rc)
		goto done;
	/* Say what else differs, and what the endpoint cannot hold. */
	rc = ww_ddb_describe_table(ddb, want->name, &got, &err);
	if (!rc)
		rc = describe_extras(ddb, want, &got, &unsupported);
	if (rc)
		goto done;
	ww_table_diff_specs(want, &got, unsupported, &keys);
	for (i = 0; i < keys.n; i++) {
		const ww_table_diff *d = &keys.items[i];
		size_t j;
		/* apply_settings already noted TTL and PITR it could not set. */
		for (j = 0; j < diffs->n; j++)
			if (!strcmp(diffs->items[j].table, d->table) &&
			    !strcmp(diffs->items[j].setting, d->setting))
				break;
		if (j == diffs->n)
			add_diff(diffs, d->table, d->setting, d->unsupported, d->want, d->got);
	}
done:
	if (rc) {
		oc->state = WW_TABLE_FAILED;
		oc->error = ww_xstrdup(ww_error_message());
	}
	ww_table_diffs_release(&keys);
	ww_ddb_table_release(&got);
	return rc;
}

int ww_tables_create_all(ww_ddb *ddb, const ww_template *tpl, const ww_tables_opts *o,
			 ww_tables_result *out)
{
	int wait_s = o && o->wait_timeout_s > 0 ? o->wait_timeout_s : DEFAULT_WAIT_S;
	int rc = 0, first_rc = 0;
	const char *conflict = NULL;
	size_t i;

	ww_tables_result_release(out);
	out->tables = ww_xcalloc(tpl->n ? tpl->n : 1, sizeof(*out->tables));
	for (i = 0; i < tpl->n; i++) {
		ww_table_outcome *oc = &out->tables[out->n++];

		oc->table = ww_xstrdup(tpl->tables[i].spec.name);
		oc->state = WW_TABLE_FAILED;
		rc = create_one(ddb, &tpl->tables[i].spec, wait_s, oc, &out->diffs);
		if (rc && !first_rc)
			first_rc = rc;
		if (oc->state == WW_TABLE_CONFLICT && !conflict)
			conflict = oc->table;
	}
	if (first_rc) {
		/* Restore the first failure's message: later tables may have
		 * cleared or replaced it. */
		for (i = 0; i < out->n; i++)
			if (out->tables[i].state == WW_TABLE_FAILED) {
				ww_error_set(first_rc, "%s", out->tables[i].error);
				break;
			}
		return first_rc;
	}
	if (conflict)
		return ww_error_set(WW_ERROR, "table '%s' exists with another key schema",
				    conflict);
	return 0;
}
