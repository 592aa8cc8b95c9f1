#include "migrate/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"

#define TABLE_TAG "_table"

static void index_release(ww_plan *p);

/* The remote strings of every change, in blocks freed with the plan: one
 * malloc each would cost twice their bytes for 100,000 timestamps. */
struct ww_plan_text {
	struct ww_plan_text *prev;
	size_t used, cap;
	char data[];
};

void ww_plan_init(ww_plan *p, const ww_layout *layout)
{
	memset(p, 0, sizeof(*p));
	p->layout = layout;
	ww_av_set_container(&p->remote, WW_AV_L);
}

static void change_release(ww_change *c)
{
	size_t i;

	/* Owned only where `owned` says so: the casts drop a const the
	 * borrowed case needs. */
	if (c->owned & WW_CHANGE_OWN_ID)
		free((char *)(uintptr_t)c->id);
	if (c->owned & WW_CHANGE_OWN_TABLE)
		free((char *)(uintptr_t)c->table);
	if (c->owned & WW_CHANGE_OWN_CANON)
		free((char *)(uintptr_t)c->canon);
	for (i = 0; i < c->nchanged; i++)
		free(c->changed[i]);
	free(c->changed);
	free(c->hash_text);
	free(c->err_type);
	free(c->err_message);
	free(c->err_request_id);
}

void ww_plan_release(ww_plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		change_release(&p->items[i]);
	free(p->items);
	p->items = NULL;
	p->n = p->cap = p->nlocal = 0;
	ww_av_release(&p->remote);
	index_release(p);
	while (p->text) {
		struct ww_plan_text *prev = p->text->prev;
		free(p->text);
		p->text = prev;
	}
	free(p->run_id);
	p->run_id = NULL;
}

static ww_change *add_change(ww_plan *p)
{
	ww_change *c;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->items = ww_xrealloc(p->items, p->cap * sizeof(*p->items));
	}
	c = &p->items[p->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

void ww_plan_reserve(ww_plan *p, size_t n)
{
	if (n > p->cap) {
		p->items = ww_xrealloc(p->items, n * sizeof(*p->items));
		p->cap = n;
	}
}

/* A definition's change; the caller sets its hash, as text or digest. */
static ww_change *add_local(ww_plan *p, ww_kind k, const char *id, const char *canon, size_t len)
{
	ww_change *c = add_change(p);

	c->type = WW_CHANGE_CREATE;
	c->kind = k;
	c->id = id;
	c->table = p->layout->kinds[k].table;
	c->canon = canon;
	c->canon_len = (uint32_t)len;
	p->nlocal = p->n;
	return c;
}

void ww_plan_add_local_text(ww_plan *p, ww_kind k, const char *id, const char *canon, size_t len,
			    const char *hash)
{
	add_local(p, k, id, canon, len)->hash_text = ww_xstrdup(hash);
}

void ww_plan_add_local_digest(ww_plan *p, ww_kind k, const char *id, const char *canon, size_t len,
			      const unsigned char digest[32])
{
	add_local(p, k, id, canon, len)->digest = digest;
}

void ww_change_hash(const ww_change *c, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	if (c->hash_text) {
		snprintf(out, 65, "%s", c->hash_text);
		return;
	}
	if (!c->digest) {
		out[0] = '\0';
		return;
	}
	for (i = 0; i < 32; i++) {
		out[i * 2] = hex[c->digest[i] >> 4];
		out[i * 2 + 1] = hex[c->digest[i] & 15];
	}
	out[64] = '\0';
}

const char *ww_change_remote_hash(const ww_change *c, char buf[65])
{
	if (!c->remote_same)
		return c->remote_hash;
	ww_change_hash(c, buf);
	return buf;
}

void ww_plan_add_local(ww_plan *p, ww_kind k, const char *id, const ww_av *fields, const char *hash)
{
	ww_buf text = WW_BUF_INIT;
	ww_change *c;

	ww_av_canonical(fields, &text);
	ww_plan_add_local_text(p, k, id, NULL, 0, hash);
	c = &p->items[p->n - 1];
	c->id = ww_xstrdup(id);
	c->canon_len = (uint32_t)text.len;
	c->canon = ww_buf_detach(&text);
	c->owned = WW_CHANGE_OWN_ID | WW_CHANGE_OWN_CANON;
}

void ww_plan_add_remote(ww_plan *p, const char *table, const ww_av *item)
{
	ww_av *copy = ww_av_list_add(&p->remote);
	ww_av *tag;

	ww_av_copy(copy, item);
	tag = ww_av_map_get_mut(copy, TABLE_TAG);
	if (!tag)
		tag = ww_av_map_add(copy, TABLE_TAG);
	ww_av_set_s(tag, table, strlen(table));
}

/* "table\x1ekey1\x1fkey2": how locals and remote items are matched. */
static char *match_key(const ww_layout *l, ww_kind k, const char *table, const ww_av *item)
{
	ww_buf b = WW_BUF_INIT;
	size_t i;

	ww_buf_puts(&b, table);
	ww_buf_putc(&b, '\x1e');
	for (i = 0; i < l->kinds[k].nkeys; i++) {
		const ww_av *v = ww_av_map_get(item, l->kinds[k].keys[i].name);
		if (i)
			ww_buf_putc(&b, '\x1f');
		if (v && v->type == WW_AV_S)
			ww_buf_put(&b, v->str, v->len);
	}
	{
		char *exact = ww_xstrndup(b.ptr ? b.ptr : "", b.len);
		ww_buf_release(&b);
		return exact;
	}
}

/* A local by the 64-bit FNV-1a of its match key: 16 bytes a definition
 * rather than the key itself (~50 with its malloc), which would sit next
 * to the first scanned page. A hit is confirmed on the whole key. */
struct ww_plan_index {
	uint64_t h;
	size_t idx;
};
typedef struct ww_plan_index key_index;

static uint64_t key_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static int cmp_key_index(const void *a, const void *b)
{
	const key_index *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static char *local_match_key(const ww_plan *p, size_t i)
{
	ww_av key = WW_AV_INIT;
	char *s;

	ww_plan_key(p, &p->items[i], &key);
	s = match_key(p->layout, p->items[i].kind, p->items[i].table, &key);
	ww_av_release(&key);
	return s;
}

/* The local whose match key is `key`, or NULL. */
static ww_change *find_local(ww_plan *p, const char *key)
{
	uint64_t h = key_hash(key);
	size_t lo = 0, hi = p->nlocal;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->index[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->nlocal && p->index[lo].h == h; lo++) {
		char *k = local_match_key(p, p->index[lo].idx);
		int same = !strcmp(k, key);
		free(k);
		if (same)
			return &p->items[p->index[lo].idx];
	}
	return NULL;
}

static const char *meta_str(const ww_av *item, const char *name)
{
	const ww_av *m = ww_av_map_get(item, WW_META_ATTR);

	return m && m->type == WW_AV_M ? ww_av_map_get_str(m, name) : NULL;
}

static const char *plan_strdup(ww_plan *p, const char *s)
{
	size_t n = strlen(s) + 1;
	struct ww_plan_text *b = p->text;
	char *t;

	if (!b || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		b = ww_xmalloc(sizeof(*b) + cap);
		b->prev = p->text;
		b->used = 0;
		b->cap = cap;
		p->text = b;
	}
	t = b->data + b->used;
	b->used += n;
	memcpy(t, s, n);
	return t;
}

static void take_remote(ww_plan *p, ww_change *c, const ww_av *item)
{
	const ww_layout *l = p->layout;
	const char *managed = meta_str(item, "managedBy");
	const char *hash = meta_str(item, "hash");
	const char *s;
	char local[65];

	ww_change_hash(c, local);
	c->remote = 1;
	c->remote_managed = managed && !strcmp(managed, "wwseed");
	c->remote_same = hash && !strcmp(hash, local);
	c->remote_hash = hash && !c->remote_same ? plan_strdup(p, hash) : NULL;
	if (l->created_attr && (s = ww_av_map_get_str(item, l->created_attr)))
		c->remote_created = plan_strdup(p, s);
	if (l->updated_attr && (s = ww_av_map_get_str(item, l->updated_attr)))
		c->remote_updated = plan_strdup(p, s);
	if (l->version_attr && (s = ww_av_map_get_str(item, l->version_attr))) {
		c->remote_version = strtol(s, NULL, 10);
		c->remote_has_version = 1;
	}
}

/* The locals' match keys, sorted: built once the locals are all added, so
 * each scanned page can be matched as it arrives. */
static void index_locals(ww_plan *p)
{
	size_t i, nlocal = p->nlocal;

	if (p->index)
		return;
	p->index = ww_xcalloc(nlocal ? nlocal : 1, sizeof(*p->index));
	for (i = 0; i < nlocal; i++) {
		char *key = local_match_key(p, i);
		p->index[i].h = key_hash(key);
		p->index[i].idx = i;
		free(key);
	}
	qsort(p->index, nlocal, sizeof(*p->index), cmp_key_index);
}

static void index_release(ww_plan *p)
{
	if (!p->index)
		return;
	free(p->index);
	p->index = NULL;
}

/* One item read from logical table `table`: what it holds goes into the
 * local change of the same key, or it becomes an orphan when wwseed
 * manages it; nothing of the item itself is kept, so the plan does not
 * hold every scanned item until the diff. */
static void match_remote(ww_plan *p, const char *table, const ww_av *item)
{
	ww_kind k;
	char *id = NULL, *want;
	ww_change *hit;

	index_locals(p);
	if (!ww_layout_match(p->layout, table, item, &k, &id))
		return;
	want = match_key(p->layout, k, table, item);
	hit = find_local(p, want);
	free(want);
	if (hit) {
		take_remote(p, hit, item);
	} else {
		const char *managed = meta_str(item, "managedBy");
		if (managed && !strcmp(managed, "wwseed")) {
			ww_change *c = add_change(p);
			c->type = WW_CHANGE_ORPHAN;
			c->kind = k;
			c->id = id;
			id = NULL;
			c->table = ww_xstrdup(table);
			c->owned = WW_CHANGE_OWN_ID | WW_CHANGE_OWN_TABLE;
			take_remote(p, c, item);
		}
	}
	free(id);
}

void ww_plan_diff(ww_plan *p)
{
	size_t i, nlocal = p->nlocal;

	if (p->diffed)
		return;
	p->diffed = 1;
	for (i = 0; i < p->remote.n; i++) {
		const ww_av *item = &p->remote.members[i].value;
		const char *table = ww_av_map_get_str(item, TABLE_TAG);

		if (table)
			match_remote(p, table, item);
	}
	ww_av_release(&p->remote);
	ww_av_set_container(&p->remote, WW_AV_L);
	index_release(p);
	for (i = 0; i < nlocal; i++) {
		ww_change *c = &p->items[i];
		if (!c->remote)
			c->type = WW_CHANGE_CREATE;
		else if (c->remote_managed && c->remote_same)
			c->type = WW_CHANGE_UNCHANGED;
		else
			c->type = WW_CHANGE_UPDATE;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ww_plan_set_changed(ww_change *c, const ww_layout *l, const ww_av *remote_item)
{
	ww_av remote = WW_AV_INIT, fields = WW_AV_INIT;
	size_t i;

	for (i = 0; i < c->nchanged; i++)
		free(c->changed[i]);
	free(c->changed);
	c->changed = NULL;
	c->nchanged = 0;
	/* Text that does not read back (never our own canonical form) leaves
	 * no local fields: every remote field then counts as changed. */
	if (!c->canon || ww_item_fields_parse(&fields, c->canon, c->canon_len))
		ww_av_set_container(&fields, WW_AV_M);
	ww_item_strip(&remote, l, c->kind, remote_item);
	c->changed = ww_xcalloc(fields.n + remote.n + 1, sizeof(char *));
	for (i = 0; i < fields.n; i++) {
		const ww_av_member *m = &fields.members[i];
		const ww_av *r = ww_av_map_get(&remote, m->name);
		if (!r || !ww_av_equal(r, &m->value))
			c->changed[c->nchanged++] = ww_xstrdup(m->name);
	}
	for (i = 0; i < remote.n; i++)
		if (!ww_av_map_get(&fields, remote.members[i].name))
			c->changed[c->nchanged++] = ww_xstrdup(remote.members[i].name);
	qsort(c->changed, c->nchanged, sizeof(char *), cmp_str);
	ww_av_release(&remote);
	ww_av_release(&fields);
}

static int item_json(const ww_plan *p, const ww_change *c, ww_buf *out, size_t *size)
{
	ww_item_prev prev = {c->remote_created, c->remote_version};
	ww_item_meta meta = {p->run_id ? p->run_id : "", p->now};

	ww_av key = WW_AV_INIT;
	char hash[65];
	int rc;

	ww_change_hash(c, hash);
	ww_plan_key(p, c, &key);
	rc = ww_item_json(out, size, p->layout, c->kind, c->id, &key, c->canon, c->canon_len, hash,
			  &meta, c->remote ? &prev : NULL);
	ww_av_release(&key);
	return rc;
}

/* Only the sizes now: an item's text is written when it is sent, so the
 * plan never holds every item at once. */
int ww_plan_build_items(ww_plan *p, const ww_item_meta *meta)
{
	size_t i, size;
	int rc;

	free(p->run_id);
	p->run_id = ww_xstrdup(meta->run_id);
	snprintf(p->now, sizeof(p->now), "%s", meta->now);
	for (i = 0; i < p->n; i++) {
		ww_change *c = &p->items[i];

		if (c->type == WW_CHANGE_ORPHAN) {
			c->wcu = 1;
			continue;
		}
		if ((rc = item_json(p, c, NULL, &size)) != 0)
			return rc;
		c->size = (uint32_t)size;
		c->wcu = ww_item_wcu_of_size(size);
	}
	return 0;
}

int ww_plan_item_json(const ww_plan *p, const ww_change *c, ww_buf *out)
{
	return item_json(p, c, out, NULL);
}

const char *ww_plan_run_id(const ww_plan *p)
{
	return p->run_id ? p->run_id : "";
}

void ww_plan_key(const ww_plan *p, const ww_change *c, ww_av *out)
{
	ww_layout_key_of(p->layout, c->kind, c->id, out);
}

const char *ww_plan_table(const ww_tables *tables, const ww_change *c)
{
	return ww_tables_name(tables, c->table);
}

void ww_plan_count(const ww_plan *p, int prune, ww_plan_counts *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < p->n; i++) {
		const ww_change *c = &p->items[i];
		out->n[c->kind][c->type]++;
		out->total[c->type]++;
		if (c->type == WW_CHANGE_CREATE || c->type == WW_CHANGE_UPDATE ||
		    (c->type == WW_CHANGE_ORPHAN && prune))
			out->wcu += c->wcu;
	}
}

const char *ww_change_type_name(ww_change_type t)
{
	static const char *const names[] = {"create", "update", "unchanged", "orphaned"};
	return t < WW_CHANGE_NTYPES ? names[t] : "?";
}

const char *ww_outcome_name(ww_outcome o)
{
	static const char *const names[] = {"pending",	 "created", "updated",
					    "unchanged", "deleted", "kept",
					    "conflict",	 "skipped", "failed"};
	return o < WW_OUTCOME_NTYPES ? names[o] : "?";
}

/* ---- Reading the tables ---------------------------------------------- */

/* The logical tables the layout uses, each once. */
static size_t layout_tables(const ww_layout *l, const char *out[WW_KIND_COUNT],
			    ww_kind first[WW_KIND_COUNT])
{
	size_t n = 0, k, j;

	for (k = 0; k < WW_KIND_COUNT; k++) {
		for (j = 0; j < n; j++)
			if (!strcmp(out[j], l->kinds[k].table))
				break;
		if (j == n) {
			first[n] = (ww_kind)k;
			out[n++] = l->kinds[k].table;
		}
	}
	return n;
}

static int scan_table(ww_plan *p, ww_ddb *ddb, const char *logical, const char *physical, ww_kind k)
{
	const ww_layout *l = p->layout;
	ww_av names = WW_AV_INIT, items = WW_AV_INIT, last = WW_AV_INIT, start = WW_AV_INIT;
	ww_buf proj = WW_BUF_INIT;
	ww_ddb_expr expr = {0};
	ww_ddb_read r = {0};
	ww_ddb_error err;
	char ph[32];
	size_t i;
	int rc = 0;

	ww_av_set_container(&names, WW_AV_M);
	for (i = 0; i < l->kinds[k].nkeys; i++) {
		snprintf(ph, sizeof(ph), "#k%zu", i);
		ww_av_set_s(ww_av_map_add(&names, ph), l->kinds[k].keys[i].name,
			    strlen(l->kinds[k].keys[i].name));
		ww_buf_printf(&proj, "%s%s", i ? ", " : "", ph);
	}
	ww_av_set_s(ww_av_map_add(&names, "#w"), WW_META_ATTR, strlen(WW_META_ATTR));
	ww_av_set_s(ww_av_map_add(&names, "#h"), "hash", 4);
	ww_av_set_s(ww_av_map_add(&names, "#m"), "managedBy", 9);
	ww_buf_puts(&proj, ", #w.#h, #w.#m");
	if (l->created_attr) {
		ww_av_set_s(ww_av_map_add(&names, "#c"), l->created_attr, strlen(l->created_attr));
		ww_buf_puts(&proj, ", #c");
	}
	if (l->updated_attr) {
		ww_av_set_s(ww_av_map_add(&names, "#u"), l->updated_attr, strlen(l->updated_attr));
		ww_buf_puts(&proj, ", #u");
	}
	if (l->version_attr) {
		ww_av_set_s(ww_av_map_add(&names, "#v"), l->version_attr, strlen(l->version_attr));
		ww_buf_puts(&proj, ", #v");
	}
	expr.projection = ww_buf_cstr(&proj);
	expr.names = &names;
	r.table = physical;
	r.expr = &expr;
	r.consistent = 1;
	for (;;) {
		rc = ww_ddb_scan(ddb, &r, &items, &last, &err);
		if (rc)
			goto done;
		for (i = 0; i < items.n; i++)
			match_remote(p, logical, &items.members[i].value);
		if (last.type != WW_AV_M || last.n == 0)
			break;
		ww_av_copy(&start, &last);
		r.start_key = &start;
	}
done:
	ww_av_release(&names);
	ww_av_release(&items);
	ww_av_release(&last);
	ww_av_release(&start);
	ww_buf_release(&proj);
	return rc;
}

/* BatchGetItem the updates of one table in full, 100 keys a call, and name
 * their changed fields. */
static int fetch_updates(ww_plan *p, ww_ddb *ddb, const char *logical, const char *physical)
{
	ww_av keys = WW_AV_INIT, items = WW_AV_INIT, unprocessed = WW_AV_INIT;
	size_t i, j, nkeys;
	int rc = 0, rounds;

	ww_av_set_container(&keys, WW_AV_L);
	for (i = 0; i < p->nlocal; i++) {
		ww_change *c = &p->items[i];
		if (c->type == WW_CHANGE_UPDATE && !strcmp(c->table, logical))
			ww_plan_key(p, c, ww_av_list_add(&keys));
	}
	ww_av_set_container(&items, WW_AV_L);
	for (i = 0; i < keys.n; i += 100) {
		ww_av batch = WW_AV_INIT;
		nkeys = keys.n - i < 100 ? keys.n - i : 100;
		ww_av_set_container(&batch, WW_AV_L);
		for (j = 0; j < nkeys; j++)
			ww_av_copy(ww_av_list_add(&batch), &keys.members[i + j].value);
		for (rounds = 0; batch.n && rounds < 10; rounds++) {
			ww_av_set_container(&unprocessed, WW_AV_L);
			/* ww_ddb_batch_get takes an array of keys: the list's values. */
			{
				ww_av *arr = ww_xcalloc(batch.n, sizeof(ww_av));
				for (j = 0; j < batch.n; j++)
					arr[j] = batch.members[j].value;
				rc = ww_ddb_batch_get(ddb, physical, arr, batch.n, NULL, 1, &items,
						      &unprocessed, NULL);
				free(arr);
			}
			if (rc)
				break;
			ww_av_release(&batch);
			batch = unprocessed;
			unprocessed = (ww_av)WW_AV_INIT;
		}
		ww_av_release(&batch);
		if (rc)
			goto done;
	}
	for (i = 0; i < items.n; i++) {
		const ww_av *item = &items.members[i].value;
		ww_kind k;
		char *id = NULL;
		if (!ww_layout_match(p->layout, logical, item, &k, &id))
			continue;
		for (j = 0; j < p->nlocal; j++) {
			ww_change *c = &p->items[j];
			if (c->type == WW_CHANGE_UPDATE && c->kind == k && !strcmp(c->id, id) &&
			    !strcmp(c->table, logical)) {
				ww_plan_set_changed(c, p->layout, item);
				break;
			}
		}
		free(id);
	}
done:
	ww_av_release(&keys);
	ww_av_release(&items);
	ww_av_release(&unprocessed);
	return rc;
}

int ww_plan_read(ww_plan *p, ww_ddb *ddb, const ww_tables *tables)
{
	const char *logical[WW_KIND_COUNT];
	ww_kind first[WW_KIND_COUNT];
	size_t n, i;
	int rc = 0;

	n = layout_tables(p->layout, logical, first);
	for (i = 0; i < n; i++) {
		const char *physical = ww_tables_name(tables, logical[i]);
		if (!physical)
			return ww_error_set(WW_EINVALID,
					    "layout '%s' names table '%s', which is not one of "
					    "prizes, scratchers, tickets, stores, game-data",
					    p->layout->name, logical[i]);
		rc = scan_table(p, ddb, logical[i], physical, first[i]);
		if (rc == WW_ENOTFOUND) {
			ww_buf msg = WW_BUF_INIT;
			ww_tables_describe(&msg, tables, (ww_table_id)ww_table_parse(logical[i]));
			rc = ww_error_set(WW_ENOTFOUND, "%s", ww_buf_cstr(&msg));
			ww_buf_release(&msg);
		}
		if (rc)
			return rc;
	}
	ww_plan_diff(p);
	for (i = 0; i < n; i++) {
		rc = fetch_updates(p, ddb, logical[i], ww_tables_name(tables, logical[i]));
		if (rc)
			return rc;
	}
	return 0;
}
