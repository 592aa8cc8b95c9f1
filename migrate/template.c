#include "migrate/template.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"

/* Where a problem is, for messages: template 'F': resource 'R': ... */
typedef struct {
	const char *file;
	const char *resource;
	const char *stage;
	const cJSON *parameters;
} ctx;

static int fail(const ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(const ctx *c, const char *fmt, ...)
{
	ww_buf msg = WW_BUF_INIT;
	va_list ap;
	int rc;

	if (c->resource)
		ww_buf_printf(&msg, "template '%s': resource '%s': ", c->file, c->resource);
	else
		ww_buf_printf(&msg, "template '%s': ", c->file);
	va_start(ap, fmt);
	ww_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	rc = ww_error_set(WW_EINVALID, "%s", ww_buf_cstr(&msg));
	ww_buf_release(&msg);
	return rc;
}

/* The name of the intrinsic function an object value is ("Fn::Join"), or
 * "an object". */
static const char *intrinsic_name(const cJSON *v)
{
	if (cJSON_IsObject(v) && v->child && !v->child->next && v->child->string &&
	    (!strncmp(v->child->string, "Fn::", 4) || !strcmp(v->child->string, "Ref")))
		return v->child->string;
	return "an object";
}

/* A property that must be a literal string; NULL with the message set
 * otherwise. `what` names it in the message. */
static const char *literal_str(const ctx *c, const cJSON *obj, const char *key, int required,
			       int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*rc = 0;
	if (!v) {
		if (required)
			*rc = fail(c, "%s is missing", key);
		return NULL;
	}
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsObject(v))
		*rc = fail(c, "%s is %s, not a literal string", key, intrinsic_name(v));
	else
		*rc = fail(c, "%s is not a string", key);
	return NULL;
}

/* A CloudFormation boolean: true/false or "true"/"false" (any case). */
static int literal_bool(const ctx *c, const cJSON *obj, const char *key, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return 0;
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return 0;
	}
	if (cJSON_IsString(v) && !strcasecmp(v->valuestring, "true")) {
		*out = 1;
		return 0;
	}
	if (cJSON_IsString(v) && !strcasecmp(v->valuestring, "false")) {
		*out = 0;
		return 0;
	}
	if (cJSON_IsObject(v))
		return fail(c, "%s is %s, not a literal boolean", key, intrinsic_name(v));
	return fail(c, "%s is not a boolean", key);
}

/* A whole number given as a number or a numeric string. */
static int literal_long(const ctx *c, const cJSON *obj, const char *key, long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *end = NULL;

	if (!v)
		return fail(c, "%s is missing", key);
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble == (double)(long)v->valuedouble) {
		*out = (long)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v)) {
		errno = 0;
		*out = strtol(v->valuestring, &end, 10);
		if (!errno && end != v->valuestring && !*end && *out >= 0)
			return 0;
	}
	return fail(c, "%s is not a whole number", key);
}

/* Substitute a Ref to the stage parameter; anything else cannot be known
 * before deployment. */
static int resolve_ref(const ctx *c, const char *ref, const char *fn, ww_buf *out)
{
	if (!cJSON_GetObjectItemCaseSensitive(c->parameters, ref))
		return fail(c,
			    "TableName is not a literal string: %s refers to '%s', which is not a "
			    "template parameter and is only known when deployed",
			    fn, ref);
	if (!strcasestr(ref, "stage"))
		return fail(c,
			    "TableName is not a literal string: %s refers to parameter '%s'; only "
			    "a stage parameter can be resolved (with --stage)",
			    fn, ref);
	if (!c->stage)
		return fail(c,
			    "TableName is not a literal string: %s refers to parameter '%s'; "
			    "pass --stage to resolve it",
			    fn, ref);
	ww_buf_puts(out, c->stage);
	return 0;
}

/* Fn::Join ["delim", [parts]] with string parts and stage Refs. */
static int resolve_join(const ctx *c, const cJSON *args, ww_buf *out)
{
	const cJSON *delim = cJSON_GetArrayItem(args, 0), *parts = cJSON_GetArrayItem(args, 1), *p;
	int first = 1, rc;

	if (!cJSON_IsArray(args) || cJSON_GetArraySize(args) != 2 || !cJSON_IsString(delim) ||
	    !cJSON_IsArray(parts))
		return fail(c, "TableName is a malformed Fn::Join");
	cJSON_ArrayForEach(p, parts)
	{
		if (!first)
			ww_buf_puts(out, delim->valuestring);
		first = 0;
		if (cJSON_IsString(p)) {
			ww_buf_puts(out, p->valuestring);
			continue;
		}
		if (cJSON_IsObject(p) &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p, "Ref")) && !p->child->next) {
			rc = resolve_ref(c, p->child->valuestring, "Fn::Join", out);
			if (rc)
				return rc;
			continue;
		}
		return fail(c, "TableName is not a literal string: Fn::Join has a part that is %s",
			    intrinsic_name(p));
	}
	return 0;
}

/* Fn::Sub "text ${Param} text" with only stage parameters. */
static int resolve_sub(const ctx *c, const cJSON *arg, ww_buf *out)
{
	const char *s, *end;
	char name[256];
	int rc;

	if (!cJSON_IsString(arg))
		return fail(c, "TableName is not a literal string: Fn::Sub with a variable map");
	for (s = arg->valuestring; *s; s++) {
		if (s[0] != '$' || s[1] != '{') {
			ww_buf_putc(out, *s);
			continue;
		}
		if (s[2] == '!') { /* ${!Literal} */
			ww_buf_putc(out, '$');
			ww_buf_putc(out, '{');
			s += 2;
			continue;
		}
		if (!(end = strchr(s, '}')) || (size_t)(end - s - 2) >= sizeof(name))
			return fail(c, "TableName is a malformed Fn::Sub");
		memcpy(name, s + 2, (size_t)(end - s - 2));
		name[end - s - 2] = '\0';
		rc = resolve_ref(c, name, "Fn::Sub", out);
		if (rc)
			return rc;
		s = end;
	}
	return 0;
}

static int table_name(const ctx *c, const cJSON *props, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, "TableName");
	ww_buf name = WW_BUF_INIT;
	int rc = 0;

	if (!v) {
		rc = fail(c, "has no TableName: CloudFormation would make one up at deployment; "
			     "give the table a literal name");
		goto done;
	}
	if (cJSON_IsString(v)) {
		ww_buf_puts(&name, v->valuestring);
	} else if (cJSON_IsObject(v) && v->child && !v->child->next &&
		   !strcmp(v->child->string, "Fn::Join")) {
		rc = resolve_join(c, v->child, &name);
	} else if (cJSON_IsObject(v) && v->child && !v->child->next &&
		   !strcmp(v->child->string, "Fn::Sub")) {
		rc = resolve_sub(c, v->child, &name);
	} else if (cJSON_IsObject(v) && v->child && !v->child->next &&
		   !strcmp(v->child->string, "Ref") && cJSON_IsString(v->child)) {
		rc = resolve_ref(c, v->child->valuestring, "Ref", &name);
	} else {
		rc = fail(c, "TableName is %s, not a literal string", intrinsic_name(v));
	}
	if (rc)
		goto done;
	if (name.len < 3 || name.len > 255) {
		rc = fail(c, "TableName '%s' must be 3 to 255 characters", ww_buf_cstr(&name));
		goto done;
	}
	*out = ww_buf_detach(&name);
done:
	ww_buf_release(&name);
	return rc;
}

/* KeySchema: one HASH and at most one RANGE. */
static int key_schema(const ctx *c, const cJSON *ks, const char *where, char **hash, char **range)
{
	const cJSON *e;
	int rc = 0;

	if (!cJSON_IsArray(ks) || cJSON_GetArraySize(ks) < 1 || cJSON_GetArraySize(ks) > 2)
		return fail(c, "%sKeySchema must list one or two keys", where);
	cJSON_ArrayForEach(e, ks)
	{
		const char *name = literal_str(c, e, "AttributeName", 1, &rc), *type;
		char **slot;

		if (rc)
			return rc;
		type = literal_str(c, e, "KeyType", 1, &rc);
		if (rc)
			return rc;
		if (!strcmp(type, "HASH"))
			slot = hash;
		else if (!strcmp(type, "RANGE"))
			slot = range;
		else
			return fail(c, "%sKeyType '%s' is neither HASH nor RANGE", where, type);
		if (*slot)
			return fail(c, "%sKeySchema has two %s keys", where, type);
		*slot = ww_xstrdup(name);
	}
	if (!*hash)
		return fail(c, "%sKeySchema has no HASH key", where);
	return 0;
}

static int attribute_defs(const ctx *c, const cJSON *defs, ww_ddb_table *t)
{
	const cJSON *e;
	int rc = 0;

	if (!cJSON_IsArray(defs) || !cJSON_GetArraySize(defs))
		return fail(c, "AttributeDefinitions is missing or empty");
	t->attrs = ww_xcalloc((size_t)cJSON_GetArraySize(defs), sizeof(*t->attrs));
	cJSON_ArrayForEach(e, defs)
	{
		const char *name = literal_str(c, e, "AttributeName", 1, &rc), *type;

		if (rc)
			return rc;
		type = literal_str(c, e, "AttributeType", 1, &rc);
		if (rc)
			return rc;
		if (strcmp(type, "S") && strcmp(type, "N") && strcmp(type, "B"))
			return fail(c, "attribute '%s' has type '%s', not S, N or B", name, type);
		t->attrs[t->nattrs].name = ww_xstrdup(name);
		t->attrs[t->nattrs++].type = type[0];
	}
	return 0;
}

static int has_attr(const ww_ddb_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nattrs; i++)
		if (!strcmp(t->attrs[i].name, name))
			return 1;
	return 0;
}

static int gsis(const ctx *c, const cJSON *list, ww_ddb_table *t)
{
	const cJSON *e;
	char where[300];
	int rc = 0;

	if (!list)
		return 0;
	if (!cJSON_IsArray(list))
		return fail(c, "GlobalSecondaryIndexes is not a list");
	t->gsis = ww_xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*t->gsis));
	cJSON_ArrayForEach(e, list)
	{
		ww_ddb_gsi *g = &t->gsis[t->ngsis++];
		const char *name = literal_str(c, e, "IndexName", 1, &rc), *proj;

		if (rc)
			return rc;
		g->name = ww_xstrdup(name);
		snprintf(where, sizeof(where), "index '%s': ", name);
		rc = key_schema(c, cJSON_GetObjectItemCaseSensitive(e, "KeySchema"), where,
				&g->hash_key, &g->range_key);
		if (rc)
			return rc;
		proj = literal_str(c, cJSON_GetObjectItemCaseSensitive(e, "Projection"),
				   "ProjectionType", 0, &rc);
		if (rc)
			return rc;
		g->projection = ww_xstrdup(proj ? proj : "ALL");
		if (strcmp(g->projection, "ALL") && strcmp(g->projection, "KEYS_ONLY") &&
		    strcmp(g->projection, "INCLUDE"))
			return fail(
			    c, "index '%s': ProjectionType '%s' is not ALL, KEYS_ONLY or INCLUDE",
			    name, g->projection);
		if (!has_attr(t, g->hash_key) || (g->range_key && !has_attr(t, g->range_key)))
			return fail(c, "index '%s': a key attribute is not in AttributeDefinitions",
				    name);
	}
	return 0;
}

static int billing(const ctx *c, const cJSON *props, ww_ddb_table *t)
{
	const cJSON *pt = cJSON_GetObjectItemCaseSensitive(props, "ProvisionedThroughput");
	const char *mode;
	int rc = 0;

	mode = literal_str(c, props, "BillingMode", 0, &rc);
	if (rc)
		return rc;
	if (mode && !strcmp(mode, "PAY_PER_REQUEST")) {
		t->pay_per_request = 1;
		return 0;
	}
	if (mode && strcmp(mode, "PROVISIONED"))
		return fail(c, "BillingMode '%s' is neither PAY_PER_REQUEST nor PROVISIONED", mode);
	if (!pt)
		return fail(c, "BillingMode is PROVISIONED but ProvisionedThroughput is missing");
	rc = literal_long(c, pt, "ReadCapacityUnits", &t->rcu);
	if (!rc)
		rc = literal_long(c, pt, "WriteCapacityUnits", &t->wcu);
	return rc;
}

static int settings(const ctx *c, const cJSON *props, ww_ddb_table *t)
{
	const cJSON *o;
	const char *s;
	int rc = 0, on;

	if ((o = cJSON_GetObjectItemCaseSensitive(props, "StreamSpecification"))) {
		s = literal_str(c, o, "StreamViewType", 0, &rc);
		if (rc)
			return rc;
		on = 1;
		if ((rc = literal_bool(c, o, "StreamEnabled", &on)))
			return rc;
		if (on && !s)
			return fail(c, "StreamSpecification has no StreamViewType");
		if (on) {
			t->stream_enabled = 1;
			t->stream_view_type = ww_xstrdup(s);
		}
	}
	if ((o = cJSON_GetObjectItemCaseSensitive(props, "SSESpecification"))) {
		on = 0;
		if ((rc = literal_bool(c, o, "SSEEnabled", &on)))
			return rc;
		s = literal_str(c, o, "SSEType", 0, &rc);
		if (rc)
			return rc;
		if (s && strcmp(s, "KMS"))
			return fail(c, "SSEType '%s' is not KMS", s);
		if (cJSON_GetObjectItemCaseSensitive(o, "KMSMasterKeyId"))
			return fail(c,
				    "SSESpecification names a KMSMasterKeyId: a customer managed "
				    "key is not supported, only the AWS managed key");
		if (on) {
			t->sse_enabled = 1;
			t->sse_type = ww_xstrdup("KMS");
		}
	}
	if ((o = cJSON_GetObjectItemCaseSensitive(props, "PointInTimeRecoverySpecification")) &&
	    (rc = literal_bool(c, o, "PointInTimeRecoveryEnabled", &t->pitr_enabled)))
		return rc;
	if ((o = cJSON_GetObjectItemCaseSensitive(props, "TimeToLiveSpecification"))) {
		on = 0;
		if ((rc = literal_bool(c, o, "Enabled", &on)))
			return rc;
		s = literal_str(c, o, "AttributeName", on, &rc);
		if (rc)
			return rc;
		if (on)
			t->ttl_attribute = ww_xstrdup(s);
	}
	return literal_bool(c, props, "DeletionProtectionEnabled", &t->deletion_protection);
}

static int table_of(const ctx *c, const cJSON *res, ww_ddb_table *t)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(res, "Properties");
	int rc;

	if (cJSON_GetObjectItemCaseSensitive(res, "Condition"))
		return fail(c, "has a Condition, which only CloudFormation can evaluate");
	if (!cJSON_IsObject(props))
		return fail(c, "has no Properties");
	if (cJSON_GetObjectItemCaseSensitive(props, "LocalSecondaryIndexes"))
		return fail(c, "LocalSecondaryIndexes are not supported");
	if (cJSON_GetObjectItemCaseSensitive(props, "ImportSourceSpecification"))
		return fail(c, "ImportSourceSpecification is not supported");
	if ((rc = table_name(c, props, &t->name)))
		return rc;
	if ((rc = attribute_defs(c, cJSON_GetObjectItemCaseSensitive(props, "AttributeDefinitions"),
				 t)))
		return rc;
	if ((rc = key_schema(c, cJSON_GetObjectItemCaseSensitive(props, "KeySchema"), "",
			     &t->hash_key, &t->range_key)))
		return rc;
	if (!has_attr(t, t->hash_key) || (t->range_key && !has_attr(t, t->range_key)))
		return fail(c, "a key attribute is not in AttributeDefinitions");
	if ((rc = gsis(c, cJSON_GetObjectItemCaseSensitive(props, "GlobalSecondaryIndexes"), t)))
		return rc;
	if ((rc = billing(c, props, t)))
		return rc;
	return settings(c, props, t);
}

int ww_template_parse(ww_template *out, const char *file, const char *data, size_t len,
		      const char *stage)
{
	cJSON *root = NULL;
	const cJSON *resources, *res;
	ctx c = {file, NULL, stage, NULL};
	size_t cap, i;
	int rc = 0;

	ww_template_release(out);
	root = cJSON_ParseWithLength(data, len);
	if (!cJSON_IsObject(root)) {
		rc = fail(&c, "not a JSON object");
		goto done;
	}
	c.parameters = cJSON_GetObjectItemCaseSensitive(root, "Parameters");
	resources = cJSON_GetObjectItemCaseSensitive(root, "Resources");
	if (!cJSON_IsObject(resources)) {
		rc = fail(&c, "no Resources: not a CloudFormation template");
		goto done;
	}
	cap = (size_t)cJSON_GetArraySize(resources);
	out->tables = ww_xcalloc(cap ? cap : 1, sizeof(*out->tables));
	cJSON_ArrayForEach(res, resources)
	{
		const char *type =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "Type"));
		ww_template_table *tt;

		c.resource = res->string;
		if (type && !strcmp(type, "AWS::DynamoDB::GlobalTable")) {
			rc = fail(&c, "AWS::DynamoDB::GlobalTable is not supported; declare an "
				      "AWS::DynamoDB::Table");
			goto done;
		}
		if (!type || strcmp(type, "AWS::DynamoDB::Table"))
			continue;
		tt = &out->tables[out->n++];
		tt->logical_id = ww_xstrdup(res->string);
		if ((rc = table_of(&c, res, &tt->spec)))
			goto done;
		for (i = 0; i + 1 < out->n; i++)
			if (!strcmp(out->tables[i].spec.name, tt->spec.name)) {
				rc = fail(&c, "table '%s' is declared twice (also by '%s')",
					  tt->spec.name, out->tables[i].logical_id);
				goto done;
			}
	}
	c.resource = NULL;
	if (!out->n)
		rc = fail(&c, "declares no AWS::DynamoDB::Table");
done:
	cJSON_Delete(root);
	if (rc)
		ww_template_release(out);
	return rc;
}

int ww_template_load(ww_template *out, const char *path, const char *stage)
{
	FILE *f = NULL;
	ww_buf data = WW_BUF_INIT;
	char chunk[65536];
	size_t n;
	int rc = 0;

	ww_template_release(out);
	if (!(f = fopen(path, "rb"))) {
		rc = ww_error_set(errno == ENOENT ? WW_ENOTFOUND : WW_EINVALID,
				  "cannot open template '%s': %s", path, strerror(errno));
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(&data, chunk, n);
	if (ferror(f)) {
		rc = ww_error_set(WW_EINVALID, "cannot read template '%s': %s", path,
				  strerror(errno));
		goto done;
	}
	rc = ww_template_parse(out, path, data.ptr ? data.ptr : "", data.len, stage);
done:
	if (f)
		fclose(f);
	ww_buf_release(&data);
	return rc;
}

const ww_template_table *ww_template_find(const ww_template *t, const char *name)
{
	size_t i;

	for (i = 0; t && i < t->n; i++)
		if (!strcmp(t->tables[i].spec.name, name))
			return &t->tables[i];
	return NULL;
}

void ww_template_release(ww_template *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->tables[i].logical_id);
		ww_ddb_table_release(&t->tables[i].spec);
	}
	free(t->tables);
	t->tables = NULL;
	t->n = 0;
}
