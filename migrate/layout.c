#include "migrate/layout.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static const char *const type_tags[WW_KIND_COUNT] = {"PRIZE", "SCRATCHER", "TICKET", "STORE"};
static const char *const entity_types[WW_KIND_COUNT] = {"Prize", "Scratcher", "Ticket", "Store"};

static void free_str(char **p)
{
	free(*p);
	*p = NULL;
}

void ww_layout_release(ww_layout *l)
{
	size_t k, i;

	if (!l)
		return;
	free_str(&l->name);
	for (k = 0; k < WW_KIND_COUNT; k++) {
		ww_layout_kind *lk = &l->kinds[k];
		free_str(&lk->table);
		free_str(&lk->type);
		free_str(&lk->entity_type);
		for (i = 0; i < WW_LAYOUT_MAX_KEYS; i++) {
			free_str(&lk->keys[i].name);
			free_str(&lk->keys[i].tmpl);
		}
		lk->nkeys = 0;
	}
	free_str(&l->entity_type_attr);
	free_str(&l->created_attr);
	free_str(&l->updated_attr);
	free_str(&l->version_attr);
}

static char *dup_or_null(const char *s)
{
	return s ? ww_xstrdup(s) : NULL;
}

/* Count the occurrences of ${id} in a template. */
static int count_id(const char *tmpl)
{
	int n = 0;
	const char *p = tmpl;

	while ((p = strstr(p, "${id}")) != NULL) {
		n++;
		p += 5;
	}
	return n;
}

static int is_meta_or_empty(const char *name)
{
	return !name || !*name || !strcmp(name, WW_META_ATTR);
}

/* The checks every layout passes, built in or from a file. */
static int check_layout(const ww_layout *l, const char *what)
{
	size_t k, j, i;
	const char *book[4] = {l->entity_type_attr, l->created_attr, l->updated_attr,
			       l->version_attr};

	for (i = 0; i < 4; i++)
		if (book[i] && is_meta_or_empty(book[i]))
			return ww_error_set(
			    WW_EINVALID,
			    "invalid layout '%s': bookkeeping attribute '%s' is reserved", what,
			    book[i]);
	for (k = 0; k < WW_KIND_COUNT; k++) {
		const ww_layout_kind *lk = &l->kinds[k];
		int ids = 0;
		if (!lk->table || !*lk->table)
			return ww_error_set(WW_EINVALID,
					    "invalid layout '%s': kind '%s' has no table", what,
					    ww_kind_name((ww_kind)k));
		if (lk->nkeys == 0)
			return ww_error_set(WW_EINVALID,
					    "invalid layout '%s': kind '%s' has no key", what,
					    ww_kind_name((ww_kind)k));
		for (i = 0; i < lk->nkeys; i++) {
			const ww_layout_key *key = &lk->keys[i];
			if (is_meta_or_empty(key->name))
				return ww_error_set(WW_EINVALID,
						    "invalid layout '%s': key attribute name '%s' "
						    "of kind '%s' is not allowed",
						    what, key->name ? key->name : "",
						    ww_kind_name((ww_kind)k));
			if (count_id(key->tmpl) > 1)
				return ww_error_set(WW_EINVALID,
						    "invalid layout '%s': key template '%s' of "
						    "kind '%s' names ${id} more than once",
						    what, key->tmpl, ww_kind_name((ww_kind)k));
			ids += count_id(key->tmpl);
			if (!strcmp(key->name, "id") && strcmp(key->tmpl, "${id}"))
				return ww_error_set(
				    WW_EINVALID,
				    "invalid layout '%s': key attribute 'id' of kind '%s' must be "
				    "\"${id}\" (it is the definition's own field)",
				    what, ww_kind_name((ww_kind)k));
			for (j = 0; j < 4; j++)
				if (book[j] && !strcmp(book[j], key->name))
					return ww_error_set(WW_EINVALID,
							    "invalid layout '%s': '%s' is both a "
							    "key and a bookkeeping attribute",
							    what, key->name);
		}
		/* Kinds sharing a table must share its key schema. */
		if (ids != 1)
			return ww_error_set(
			    WW_EINVALID,
			    "invalid layout '%s': the key of kind '%s' must contain ${id}", what,
			    ww_kind_name((ww_kind)k));
		for (j = 0; j < k; j++) {
			const ww_layout_kind *o = &l->kinds[j];
			if (strcmp(o->table, lk->table))
				continue;
			if (o->nkeys != lk->nkeys)
				goto schema;
			for (i = 0; i < lk->nkeys; i++)
				if (strcmp(o->keys[i].name, lk->keys[i].name))
					goto schema;
		}
	}
	return 0;
schema:
	return ww_error_set(WW_EINVALID,
			    "invalid layout '%s': kinds in table '%s' use different key attributes",
			    what, l->kinds[k].table);
}

int ww_layout_builtin(ww_layout *out, const char *name)
{
	size_t k;
	int single;

	ww_layout_release(out);
	if (!strcmp(name, "per-kind"))
		single = 0;
	else if (!strcmp(name, "single-table"))
		single = 1;
	else
		return ww_error_set(
		    WW_EINVALID, "unknown layout '%s' (per-kind or single-table, or --layout-file)",
		    name);
	out->name = ww_xstrdup(name);
	for (k = 0; k < WW_KIND_COUNT; k++) {
		ww_layout_kind *lk = &out->kinds[k];
		lk->type = ww_xstrdup(type_tags[k]);
		if (single) {
			lk->table = ww_xstrdup("game-data");
			lk->entity_type = ww_xstrdup(entity_types[k]);
			lk->keys[0].name = ww_xstrdup("PK");
			lk->keys[0].tmpl = ww_xstrdup("${TYPE}#${id}");
			lk->keys[1].name = ww_xstrdup("SK");
			lk->keys[1].tmpl = ww_xstrdup("${TYPE}#${id}");
			lk->nkeys = 2;
		} else {
			lk->table = ww_xstrdup(ww_kind_plural((ww_kind)k));
			lk->keys[0].name = ww_xstrdup("id");
			lk->keys[0].tmpl = ww_xstrdup("${id}");
			lk->nkeys = 1;
		}
	}
	if (single) {
		out->entity_type_attr = ww_xstrdup("entityType");
		out->created_attr = ww_xstrdup("createdAt");
		out->updated_attr = ww_xstrdup("updatedAt");
		out->version_attr = ww_xstrdup("version");
	}
	return 0;
}

static const char *json_str(const cJSON *obj, const char *name, int *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

int ww_layout_parse(ww_layout *out, const char *json, size_t len, const char *what)
{
	cJSON *root = NULL;
	const cJSON *book, *kinds, *kv, *key, *m;
	int rc = WW_EINVALID, bad = 0;
	size_t k;

	ww_layout_release(out);
	root = cJSON_ParseWithLength(json, len);
	if (!root || !cJSON_IsObject(root)) {
		ww_error_set(WW_EINVALID, "invalid layout '%s': not a JSON object", what);
		goto done;
	}
	out->name = dup_or_null(json_str(root, "name", &bad));
	if (!out->name)
		out->name = ww_xstrdup(what);
	book = cJSON_GetObjectItemCaseSensitive(root, "bookkeeping");
	if (book && !cJSON_IsObject(book)) {
		ww_error_set(WW_EINVALID, "invalid layout '%s': \"bookkeeping\" must be an object",
			     what);
		goto done;
	}
	if (book) {
		cJSON_ArrayForEach(m, book)
		{
			if (strcmp(m->string, "entityType") && strcmp(m->string, "createdAt") &&
			    strcmp(m->string, "updatedAt") && strcmp(m->string, "version")) {
				ww_error_set(WW_EINVALID,
					     "invalid layout '%s': unknown bookkeeping attribute "
					     "'%s' (entityType, createdAt, updatedAt, version)",
					     what, m->string);
				goto done;
			}
		}
		out->entity_type_attr = dup_or_null(json_str(book, "entityType", &bad));
		out->created_attr = dup_or_null(json_str(book, "createdAt", &bad));
		out->updated_attr = dup_or_null(json_str(book, "updatedAt", &bad));
		out->version_attr = dup_or_null(json_str(book, "version", &bad));
	}
	kinds = cJSON_GetObjectItemCaseSensitive(root, "kinds");
	if (!cJSON_IsObject(kinds)) {
		ww_error_set(WW_EINVALID,
			     "invalid layout '%s': \"kinds\" must be an object with prize, "
			     "scratcher, ticket and store",
			     what);
		goto done;
	}
	cJSON_ArrayForEach(kv, kinds)
	{
		if (ww_kind_parse(kv->string) < 0) {
			ww_error_set(WW_EINVALID, "invalid layout '%s': unknown kind '%s'", what,
				     kv->string);
			goto done;
		}
	}
	for (k = 0; k < WW_KIND_COUNT; k++) {
		ww_layout_kind *lk = &out->kinds[k];
		kv = cJSON_GetObjectItemCaseSensitive(kinds, ww_kind_name((ww_kind)k));
		if (!kv)
			kv = cJSON_GetObjectItemCaseSensitive(kinds, ww_kind_plural((ww_kind)k));
		if (!cJSON_IsObject(kv)) {
			ww_error_set(WW_EINVALID, "invalid layout '%s': kind '%s' is missing", what,
				     ww_kind_name((ww_kind)k));
			goto done;
		}
		lk->table = dup_or_null(json_str(kv, "table", &bad));
		lk->type = dup_or_null(json_str(kv, "type", &bad));
		if (!lk->type)
			lk->type = ww_xstrdup(type_tags[k]);
		lk->entity_type = dup_or_null(json_str(kv, "entityType", &bad));
		if (!lk->entity_type && out->entity_type_attr)
			lk->entity_type = ww_xstrdup(entity_types[k]);
		key = cJSON_GetObjectItemCaseSensitive(kv, "key");
		if (!cJSON_IsObject(key)) {
			ww_error_set(WW_EINVALID,
				     "invalid layout '%s': kind '%s' needs \"key\": {\"attr\": "
				     "\"template\"}",
				     what, ww_kind_name((ww_kind)k));
			goto done;
		}
		cJSON_ArrayForEach(m, key)
		{
			if (lk->nkeys == WW_LAYOUT_MAX_KEYS || !cJSON_IsString(m)) {
				ww_error_set(WW_EINVALID,
					     "invalid layout '%s': kind '%s' key must be one or "
					     "two string templates",
					     what, ww_kind_name((ww_kind)k));
				goto done;
			}
			lk->keys[lk->nkeys].name = ww_xstrdup(m->string);
			lk->keys[lk->nkeys].tmpl = ww_xstrdup(m->valuestring);
			lk->nkeys++;
		}
	}
	if (bad) {
		ww_error_set(WW_EINVALID,
			     "invalid layout '%s': names, tables and templates must be strings",
			     what);
		goto done;
	}
	rc = check_layout(out, what);
done:
	cJSON_Delete(root);
	if (rc)
		ww_layout_release(out);
	return rc;
}

int ww_layout_load_file(ww_layout *out, const char *path)
{
	FILE *f = NULL;
	ww_buf data = WW_BUF_INIT;
	char chunk[4096];
	size_t n;
	int rc;

	f = fopen(path, "rb");
	if (!f) {
		rc = ww_error_set(WW_EINVALID, "cannot read layout file '%s': %s", path,
				  strerror(errno));
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(&data, chunk, n);
	rc = ww_layout_parse(out, data.ptr ? data.ptr : "", data.len, path);
done:
	if (f)
		fclose(f);
	ww_buf_release(&data);
	return rc;
}

void ww_layout_expand(ww_buf *out, const ww_layout *l, ww_kind k, const char *tmpl, const char *id)
{
	const char *p = tmpl;

	while (*p) {
		if (!strncmp(p, "${id}", 5)) {
			ww_buf_puts(out, id);
			p += 5;
		} else if (!strncmp(p, "${TYPE}", 7)) {
			ww_buf_puts(out, l->kinds[k].type);
			p += 7;
		} else if (!strncmp(p, "${type}", 7)) {
			ww_buf_puts(out, ww_kind_name(k));
			p += 7;
		} else if (!strncmp(p, "${kind}", 7)) {
			ww_buf_puts(out, ww_kind_plural(k));
			p += 7;
		} else {
			ww_buf_putc(out, *p++);
		}
	}
}

void ww_layout_key_of(const ww_layout *l, ww_kind k, const char *id, ww_av *out)
{
	ww_buf v = WW_BUF_INIT;
	size_t i;

	ww_av_set_container(out, WW_AV_M);
	for (i = 0; i < l->kinds[k].nkeys; i++) {
		ww_buf_clear(&v);
		ww_layout_expand(&v, l, k, l->kinds[k].keys[i].tmpl, id);
		ww_av_set_s(ww_av_map_add(out, l->kinds[k].keys[i].name), ww_buf_cstr(&v), v.len);
	}
	ww_buf_release(&v);
}

/* Extract the id from `value` if it has the shape of `tmpl` expanded for
 * kind k (the text around ${id} matches). */
static char *match_template(const ww_layout *l, ww_kind k, const char *tmpl, const char *value,
			    size_t len)
{
	ww_buf pre = WW_BUF_INIT, post = WW_BUF_INIT, tmp = WW_BUF_INIT;
	const char *at = strstr(tmpl, "${id}");
	char *id = NULL;

	ww_buf_put(&tmp, tmpl, (size_t)(at - tmpl));
	ww_layout_expand(&pre, l, k, ww_buf_cstr(&tmp), "");
	ww_layout_expand(&post, l, k, at + 5, "");
	if (len > pre.len + post.len && !memcmp(value, ww_buf_cstr(&pre), pre.len) &&
	    !memcmp(value + len - post.len, ww_buf_cstr(&post), post.len))
		id = ww_xstrndup(value + pre.len, len - pre.len - post.len);
	ww_buf_release(&pre);
	ww_buf_release(&post);
	ww_buf_release(&tmp);
	return id;
}

int ww_layout_match(const ww_layout *l, const char *table, const ww_av *item, ww_kind *kind_out,
		    char **id_out)
{
	size_t k, i;

	for (k = 0; k < WW_KIND_COUNT; k++) {
		const ww_layout_kind *lk = &l->kinds[k];
		char *id = NULL;
		int ok = 1;
		ww_av key = WW_AV_INIT;

		if (strcmp(lk->table, table))
			continue;
		for (i = 0; i < lk->nkeys && ok; i++) {
			const ww_av *v = ww_av_map_get(item, lk->keys[i].name);
			if (!v || v->type != WW_AV_S)
				ok = 0;
			else if (!id && strstr(lk->keys[i].tmpl, "${id}"))
				ok = (id = match_template(l, (ww_kind)k, lk->keys[i].tmpl, v->str,
							  v->len)) != NULL;
		}
		if (ok && id) {
			/* Every key attribute must be exactly what this id gives. */
			ww_layout_key_of(l, (ww_kind)k, id, &key);
			for (i = 0; i < lk->nkeys && ok; i++)
				ok = ww_av_equal(ww_av_map_get(&key, lk->keys[i].name),
						 ww_av_map_get(item, lk->keys[i].name));
			ww_av_release(&key);
		}
		if (ok && id) {
			*kind_out = (ww_kind)k;
			*id_out = id;
			return 1;
		}
		free(id);
	}
	return 0;
}

int ww_layout_is_reserved(const ww_layout *l, ww_kind k, const char *name)
{
	size_t i;

	if (!strcmp(name, WW_META_ATTR))
		return 1;
	for (i = 0; i < l->kinds[k].nkeys; i++)
		if (!strcmp(l->kinds[k].keys[i].name, name))
			return strcmp(name, "id") != 0;
	return (l->entity_type_attr && !strcmp(l->entity_type_attr, name)) ||
	       (l->created_attr && !strcmp(l->created_attr, name)) ||
	       (l->updated_attr && !strcmp(l->updated_attr, name)) ||
	       (l->version_attr && !strcmp(l->version_attr, name));
}
