/*
 * Definition sets: each definition is checked against its field table as it
 * is added (types, required fields, enums, ranges, ids, DynamoDB limits and
 * the rules local to one definition), and what the checks across
 * definitions need (ids, references with their positions) is kept compactly
 * until ww_defset_finish. Without keep_bodies the parsed bodies are dropped
 * right away, so a stream of a million definitions needs memory only for
 * its ids and references.
 */
#include "models/defs.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/num.h"
#include "common/sha256.h"
#include "models/fields.h"
#include "models/json.h"

#define NOSYM UINT32_MAX
#define DDB_ITEM_MAX (400u * 1024u)
#define DDB_KEY_MAX 2048u
#define DDB_NUM_MAX 9.9999999999999999999999999999999999999e+125
#define DDB_NUM_MIN 1e-130
#define MAX_DEPTH (WW_JSON_MAX_DEPTH + 4)

static const char *const kind_names[] = {"prize", "scratcher", "ticket", "store"};
static const char *const kind_plurals[] = {"prizes", "scratchers", "tickets", "stores"};

const char *ww_kind_name(ww_kind k)
{
	return (unsigned)k < WW_KIND_COUNT ? kind_names[k] : "unknown";
}

const char *ww_kind_plural(ww_kind k)
{
	return (unsigned)k < WW_KIND_COUNT ? kind_plurals[k] : "unknown";
}

int ww_kind_parse(const char *s)
{
	int k;

	if (!s)
		return -1;
	for (k = 0; k < WW_KIND_COUNT; k++)
		if (!strcmp(s, kind_names[k]) || !strcmp(s, kind_plurals[k]))
			return k;
	return -1;
}

/* Text kept for the whole set (ids and canonical forms), in large blocks
 * rather than one allocation per string; a string stays where it was put
 * until the set is freed. */
static char *block_alloc(ww_arena_block **head, size_t n)
{
	return ww_arena_alloc(head, n, 1, 65536);
}

/* ---- Symbols: interned strings (ids, reference targets, paths) ------- */
/* A symbol's string is in blocks that never move, so a definition's id can
 * be its symbol's string rather than a second copy. */
typedef struct {
	const char *str;
	uint32_t len, hash;
	int32_t first[WW_KIND_COUNT]; /* index of the definition with this id, or -1 */
} sym_entry;

typedef struct {
	ww_arena_block *text;
	sym_entry *e;
	size_t n, cap;
	uint32_t *slots; /* open addressing: entry index + 1, 0 = empty */
	size_t nslots;
} symtab;

static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static const char *sym_str(const symtab *t, uint32_t sym)
{
	return t->e[sym].str;
}

/* Rebuild the slots at `n` (a power of two). */
static void sym_reindex(symtab *t, size_t n)
{
	size_t i;

	free(t->slots);
	t->slots = ww_xcalloc(n, sizeof(*t->slots));
	t->nslots = n;
	for (i = 0; i < t->n; i++) {
		size_t j = t->e[i].hash & (n - 1);
		while (t->slots[j])
			j = (j + 1) & (n - 1);
		t->slots[j] = (uint32_t)i + 1;
	}
}

static void sym_rehash(symtab *t)
{
	sym_reindex(t, t->nslots ? t->nslots * 2 : 1024);
}

/* The symbol of `s`, or NOSYM when absent and `add` is 0. */
static uint32_t sym_get(symtab *t, const char *s, size_t len, int add)
{
	uint32_t h = hash_bytes(s, len);
	size_t j;
	sym_entry *e;
	int k;

	if (!t->nslots) {
		if (!add)
			return NOSYM;
		sym_rehash(t);
	}
	for (j = h & (t->nslots - 1); t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		e = &t->e[t->slots[j] - 1];
		if (e->hash == h && e->len == len && !memcmp(e->str, s, len))
			return t->slots[j] - 1;
	}
	if (!add)
		return NOSYM;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->e = ww_xrealloc(t->e, t->cap * sizeof(*t->e));
	}
	e = &t->e[t->n];
	{
		char *str = block_alloc(&t->text, len + 1);
		memcpy(str, s, len);
		str[len] = '\0';
		e->str = str;
	}
	e->len = (uint32_t)len;
	e->hash = h;
	for (k = 0; k < WW_KIND_COUNT; k++)
		e->first[k] = -1;
	t->slots[j] = (uint32_t)++t->n;
	if (t->n * 2 > t->nslots)
		sym_rehash(t);
	return (uint32_t)(t->n - 1);
}

static void sym_release(symtab *t)
{
	ww_arena_free(&t->text);
	free(t->e);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* ---- The set ---------------------------------------------------------- */
/* With keep_bodies a definition keeps its canonical text and that text's
 * SHA-256, made once right after its checks, instead of its parse tree:
 * everything the engine asks for (canonical text, hash, marshalled item)
 * follows from the text, and the tree with its positions is many times
 * larger. */
struct ww_def {
	const char *id;	       /* keep_bodies: in the set's text */
	const char *canon;     /* keep_bodies: in the set's text, NUL-terminated */
	const char *file;      /* the set's copy of the file name */
	const char *container; /* "tickets" (export shape), "" (array), NULL (JSON Lines) */
	/* 32 bits each: 100,000 definitions are held at once. */
	int32_t index;
	uint32_t canon_len;
	uint32_t sym;	/* id symbol; NOSYM without a usable id */
	uint32_t emoji; /* prize: emoji symbol */
	unsigned line, column;
	unsigned char kind;
	unsigned char used; /* sold by a store (ticket), in a pool (prize) */
	unsigned char hash[32];
};

typedef struct {
	uint32_t target; /* the referenced id */
	uint32_t def;	 /* index of the referring definition */
	uint32_t path;	 /* symbol of the path below the definition (pending:
			    offset in pend_paths) */
	unsigned line, column;
	unsigned char kind; /* WW_KIND_PRIZE or WW_KIND_TICKET */
	unsigned char pool; /* a prizeConfigs entry */
} ref_rec;

struct ww_defset {
	ww_defs_options opts;
	ww_diags diags;
	symtab syms;
	ww_def *defs[WW_KIND_COUNT];
	size_t ndefs[WW_KIND_COUNT], defcap[WW_KIND_COUNT];
	ref_rec *refs; /* references not resolvable when added */
	size_t nrefs, refcap;
	ref_rec *pend; /* the current definition's references */
	size_t npend, pendcap;
	/* Their paths, NUL-separated (pend[].path is an offset here): most
	 * references resolve at once and need their path only for a warning,
	 * so it becomes a symbol only when the reference waits. */
	ww_buf pend_paths;
	char **files;
	size_t nfiles;
	ww_arena_block *text;
	ww_buf canon;	      /* the current definition's canonical text */
	ww_json_doc line_doc; /* the current JSON Lines record */
	int finished;
	/* An array file read in pieces (ww_defset_feed): where the set stood
	 * before it, to forget its definitions when the file turns out not to
	 * be JSON after all, as if it had been parsed whole first. */
	struct {
		int active;
		const char *file;
		ww_kind kind;
		long index;
		ww_json_reader reader;
		ww_json_doc doc;
		size_t ndefs[WW_KIND_COUNT], nrefs, ndiags, nsyms;
		uint32_t *marked; /* earlier definitions this file marked used: kind, index */
		size_t nmarked, markcap;
		/* The export shape: the current member's kind (-1: its
		 * elements are only read) and name, and the names so far, for
		 * duplicates, which a whole parse reports at the end. */
		int member_kind;
		ww_buf member;
		ww_buf names;	    /* NUL-separated */
		unsigned *name_pos; /* line, column of each */
		unsigned *dup_pos;  /* a duplicate's and its first's line, column */
		size_t ndups, nnames, poscap, dupcap;
		ww_buf dup_names; /* NUL-separated */
	} feed;
};

ww_defset *ww_defset_new(const ww_defs_options *opts)
{
	ww_defset *s = ww_xcalloc(1, sizeof(*s));

	if (opts)
		s->opts = *opts;
	return s;
}

void ww_defset_free(ww_defset *s)
{
	size_t i;
	int k;

	if (!s)
		return;
	ww_diags_release(&s->diags);
	sym_release(&s->syms);
	for (k = 0; k < WW_KIND_COUNT; k++)
		free(s->defs[k]);
	free(s->refs);
	free(s->pend);
	ww_buf_release(&s->pend_paths);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	ww_arena_free(&s->text);
	ww_buf_release(&s->canon);
	ww_json_doc_release(&s->feed.doc);
	ww_json_doc_release(&s->line_doc);
	free(s->feed.marked);
	ww_buf_release(&s->feed.member);
	ww_buf_release(&s->feed.names);
	ww_buf_release(&s->feed.dup_names);
	free(s->feed.name_pos);
	free(s->feed.dup_pos);
	free(s);
}

const ww_diags *ww_defset_diags(const ww_defset *s)
{
	return &s->diags;
}

size_t ww_defset_count(const ww_defset *s, ww_kind k)
{
	return (unsigned)k < WW_KIND_COUNT ? s->ndefs[k] : 0;
}

const ww_def *ww_defset_get(const ww_defset *s, ww_kind k, size_t i)
{
	if ((unsigned)k >= WW_KIND_COUNT || i >= s->ndefs[k] || !s->opts.keep_bodies)
		return NULL;
	return &s->defs[k][i];
}

/* `n` bytes of the set's text (freed with the set). */
static char *text_alloc(ww_defset *s, size_t n)
{
	return block_alloc(&s->text, n);
}

static const char *text_keep(ww_defset *s, const char *str, size_t len)
{
	char *t = text_alloc(s, len + 1);

	memcpy(t, str, len);
	t[len] = '\0';
	return t;
}

/* The set's copy of a file name (the last one is reused: files come one at
 * a time). */
static const char *intern_file(ww_defset *s, const char *file)
{
	if (!file)
		file = "";
	if (s->nfiles && !strcmp(s->files[s->nfiles - 1], file))
		return s->files[s->nfiles - 1];
	s->files = ww_xrealloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	s->files[s->nfiles] = ww_xstrdup(file);
	return s->files[s->nfiles++];
}

/* ---- Diagnostics ------------------------------------------------------ */
void ww_diags_add(ww_diags *d, ww_severity sev, const char *code, const char *file, unsigned line,
		  unsigned column, const char *path, const char *hint, const char *message)
{
	ww_diag *g;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->items = ww_xrealloc(d->items, d->cap * sizeof(*d->items));
	}
	g = &d->items[d->n++];
	g->severity = sev;
	g->code = code;
	g->file = file && *file ? ww_xstrdup(file) : NULL;
	g->line = line;
	g->column = column;
	g->path = ww_xstrdup(path ? path : "");
	g->message = ww_xstrdup(message);
	g->hint = hint ? ww_xstrdup(hint) : NULL;
	d->count[sev]++;
}

void ww_diags_release(ww_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].path);
		free(d->items[i].message);
		free(d->items[i].hint);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

void ww_defset_add_diag(ww_defset *s, ww_severity sev, const char *code, const char *file,
			unsigned line, unsigned column, const char *path, const char *fmt, ...)
{
	ww_buf m = WW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ww_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	ww_diags_add(&s->diags, sev, code, file, line, column, path, NULL, ww_buf_cstr(&m));
	ww_buf_release(&m);
}

/* Append a user's value for a message: quoted, control characters escaped,
 * cut after 60 bytes (at a character boundary). */
static void put_quoted(ww_buf *b, const char *s, size_t len)
{
	size_t i, cut = len > 60 ? 60 : len;

	while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	ww_buf_putc(b, '\'');
	for (i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			ww_buf_printf(b, "\\x%02x", c);
		else
			ww_buf_putc(b, (char)c);
	}
	if (cut < len)
		ww_buf_puts(b, "...");
	ww_buf_putc(b, '\'');
}

/* ---- Validation context ----------------------------------------------- */
typedef struct {
	const char *key; /* NULL: an array index */
	size_t key_len;
	long index;
} seg;

typedef struct {
	ww_defset *s;
	const char *file;
	const char *container; /* path prefix of the current definition */
	long index;
	ww_kind kind;
	uint32_t def;
	seg stack[MAX_DEPTH];
	int depth;
	ww_buf tmp; /* messages */
	ww_buf path;
} vctx;

static void push_key(vctx *c, const char *key, size_t len)
{
	if (c->depth < MAX_DEPTH) {
		c->stack[c->depth].key = key;
		c->stack[c->depth].key_len = len;
	}
	c->depth++;
}

static void push_index(vctx *c, long i)
{
	if (c->depth < MAX_DEPTH) {
		c->stack[c->depth].key = NULL;
		c->stack[c->depth].index = i;
	}
	c->depth++;
}

static void pop(vctx *c)
{
	c->depth--;
}

static void put_prefix(ww_buf *b, const char *container, long index)
{
	if (!container)
		return;
	if (*container)
		ww_buf_printf(b, "/%s/%ld", container, index);
	else
		ww_buf_printf(b, "/%ld", index);
}

/* An array index, as "%ld" writes it (every reference's path has some). */
static void put_index(ww_buf *b, long i)
{
	char t[24], *p = t + sizeof(t);
	unsigned long u = i < 0 ? 0 - (unsigned long)i : (unsigned long)i;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (i < 0)
		*--p = '-';
	ww_buf_put(b, p, (size_t)(t + sizeof(t) - p));
}

/* The JSON pointer below the definition (RFC 6901 escapes). */
static void put_suffix(ww_buf *b, const vctx *c)
{
	int i, n = c->depth < MAX_DEPTH ? c->depth : MAX_DEPTH;

	for (i = 0; i < n; i++) {
		const seg *g = &c->stack[i];
		size_t j;
		ww_buf_putc(b, '/');
		if (!g->key) {
			put_index(b, g->index);
			continue;
		}
		for (j = 0; j < g->key_len; j++) {
			if (g->key[j] == '~')
				ww_buf_puts(b, "~0");
			else if (g->key[j] == '/')
				ww_buf_puts(b, "~1");
			else
				ww_buf_putc(b, g->key[j]);
		}
	}
}

static const char *cur_path(vctx *c)
{
	ww_buf_clear(&c->path);
	put_prefix(&c->path, c->container, c->index);
	put_suffix(&c->path, c);
	return ww_buf_cstr(&c->path);
}

/* Record a diagnostic at the current path; the message is c->tmp. */
static void emit(vctx *c, ww_severity sev, const char *code, unsigned line, unsigned col,
		 const char *hint)
{
	ww_diags_add(&c->s->diags, sev, code, c->file, line, col, cur_path(c), hint,
		     ww_buf_cstr(&c->tmp));
	ww_buf_clear(&c->tmp);
}

static void msg(vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg(vctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ww_buf_vprintf(&c->tmp, fmt, ap);
	va_end(ap);
}

static void msg_q(vctx *c, const char *s, size_t len)
{
	put_quoted(&c->tmp, s, len);
}

static void emit_hint(vctx *c, ww_severity sev, const char *code, unsigned line, unsigned col,
		      const char *suggestion)
{
	ww_buf h = WW_BUF_INIT;

	if (suggestion)
		ww_buf_printf(&h, "did you mean '%s'?", suggestion);
	emit(c, sev, code, line, col, suggestion ? ww_buf_cstr(&h) : NULL);
	ww_buf_release(&h);
}

static const char *json_type_name(const ww_json *v)
{
	switch (v->type) {
	case WW_JSON_NULL:
		return "null";
	case WW_JSON_FALSE:
	case WW_JSON_TRUE:
		return "a boolean";
	case WW_JSON_NUMBER:
		return "a number";
	case WW_JSON_STRING:
		return "a string";
	case WW_JSON_ARRAY:
		return "an array";
	case WW_JSON_OBJECT:
		return "an object";
	}
	return "a value";
}

static const char *field_type_name(const ww_field *f)
{
	switch (f->type) {
	case WW_F_STRING:
		return "a string";
	case WW_F_NUMBER:
		return "a number";
	case WW_F_BOOL:
		return "a boolean";
	case WW_F_OBJECT:
		return "an object";
	case WW_F_ARRAY:
		return f->item == WW_F_STRING ? "an array of strings" : "an array";
	case WW_F_STATE_VALUE:
		return "a number, a string or an array of strings";
	}
	return "a value";
}

static int type_matches(const ww_json *v, ww_ftype t)
{
	switch (t) {
	case WW_F_STRING:
		return v->type == WW_JSON_STRING;
	case WW_F_NUMBER:
		return v->type == WW_JSON_NUMBER;
	case WW_F_BOOL:
		return v->type == WW_JSON_TRUE || v->type == WW_JSON_FALSE;
	case WW_F_OBJECT:
		return v->type == WW_JSON_OBJECT;
	case WW_F_ARRAY:
		return v->type == WW_JSON_ARRAY;
	case WW_F_STATE_VALUE:
		return v->type == WW_JSON_NUMBER || v->type == WW_JSON_STRING ||
		       v->type == WW_JSON_ARRAY;
	}
	return 0;
}

static void type_error(vctx *c, const ww_json *v, const char *name, const char *expected)
{
	msg(c, "%s is %s; expected %s", name, json_type_name(v), expected);
	emit(c, WW_SEV_ERROR, "type", v->line, v->column, NULL);
}

static void fmt_num(char out[32], double x)
{
	ww_num_format(x, out);
}

/* DynamoDB's number range: magnitudes 1e-130 .. 9.99...e125, or 0. */
static void check_ddb_number(vctx *c, const ww_json *v, const char *name)
{
	double a = fabs(v->num);
	char t[32];

	if (v->digits > 38) {
		msg(c, "%s has %u significant digits; expected at most 38 (DynamoDB's limit)", name,
		    v->digits);
		emit(c, WW_SEV_ERROR, "ddb-number", v->line, v->column, NULL);
		return;
	}
	if (v->digits > 17) {
		fmt_num(t, v->num);
		msg(c, "%s has %u significant digits, more than a double keeps; it is stored as %s",
		    name, v->digits, t);
		emit(c, WW_SEV_WARNING, "number-precision", v->line, v->column, NULL);
	}
	if (a == 0 || (a >= DDB_NUM_MIN && a <= DDB_NUM_MAX))
		return;
	fmt_num(t, v->num);
	msg(c,
	    "%s is %s, outside DynamoDB's number range; expected 0 or a magnitude from 1e-130 to "
	    "9.9999999999999999999999999999999999999e+125",
	    name, t);
	emit(c, WW_SEV_ERROR, "ddb-number", v->line, v->column, NULL);
}

static void check_range(vctx *c, const ww_json *v, const ww_field *f)
{
	char t[32], lim[32];
	const char *op;
	double bound;

	if ((f->range & WW_R_MIN) && !(v->num >= f->min))
		op = ">=", bound = f->min;
	else if ((f->range & WW_R_MIN_EXCL) && !(v->num > f->min))
		op = ">", bound = f->min;
	else if ((f->range & WW_R_MAX) && !(v->num <= f->max))
		op = "<=", bound = f->max;
	else
		return;
	fmt_num(t, v->num);
	fmt_num(lim, bound);
	msg(c, "%s is %s; expected a number %s %s", f->name, t, op, lim);
	emit(c, WW_SEV_ERROR, "range", v->line, v->column, NULL);
}

static size_t count_list(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static int in_list(const char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return 1;
	return 0;
}

static void put_list(ww_buf *b, const char *const *v)
{
	const char *const *p;

	for (p = v; *p; p++)
		ww_buf_printf(b, "%s%s", p == v ? "" : ", ", *p);
}

static void check_enum(vctx *c, const ww_json *v, const ww_field *f)
{
	const char *cands[32];
	size_t n = 0;
	const char *const *p;

	if (in_list(f->values, v->str))
		return;
	if (in_list(f->deprecated, v->str)) {
		msg(c, "%s ", f->name);
		msg_q(c, v->str, v->len);
		msg(c, " is deprecated; expected one of: ");
		put_list(&c->tmp, f->values);
		emit(c, WW_SEV_WARNING, "deprecated", v->line, v->column, NULL);
		return;
	}
	for (p = f->values; *p && n < 32; p++)
		cands[n++] = *p;
	for (p = f->deprecated; p && *p && n < 32; p++)
		cands[n++] = *p;
	msg(c, "%s ", f->name);
	msg_q(c, v->str, v->len);
	msg(c, " is not allowed; expected one of: ");
	put_list(&c->tmp, f->values);
	emit_hint(c, WW_SEV_ERROR, "enum", v->line, v->column, ww_did_you_mean(v->str, cands, n));
}

static void add_ref(vctx *c, const ww_json *v, ww_kind kind, int pool)
{
	ww_defset *s = c->s;
	ref_rec *r;

	if (s->npend == s->pendcap) {
		s->pendcap = s->pendcap ? s->pendcap * 2 : 32;
		s->pend = ww_xrealloc(s->pend, s->pendcap * sizeof(*s->pend));
	}
	r = &s->pend[s->npend++];
	r->target = sym_get(&s->syms, v->str, v->len, 1);
	r->path = (uint32_t)s->pend_paths.len;
	put_suffix(&s->pend_paths, c);
	ww_buf_putc(&s->pend_paths, '\0');
	r->def = c->def;
	r->line = v->line;
	r->column = v->column;
	r->kind = (unsigned char)kind;
	r->pool = (unsigned char)pool;
}

static void check_string(vctx *c, const ww_json *v, const ww_field *f)
{
	if (f->values)
		check_enum(c, v, f);
	switch (f->ref) {
	case WW_REF_ACHIEVEMENT:
		if (!in_list(ww_achievements, v->str)) {
			msg(c, "achievement ");
			msg_q(c, v->str, v->len);
			msg(c, " does not exist; expected one of: ");
			put_list(&c->tmp, ww_achievements);
			emit_hint(
			    c, WW_SEV_ERROR, "ref-achievement", v->line, v->column,
			    ww_did_you_mean(v->str, ww_achievements, count_list(ww_achievements)));
		}
		break;
	case WW_REF_PRIZE:
		add_ref(c, v, WW_KIND_PRIZE, !strcmp(f->name, "prizeId"));
		break;
	case WW_REF_TICKET:
		add_ref(c, v, WW_KIND_TICKET, 0);
		break;
	default:
		break;
	}
}

static void check_object(vctx *c, const ww_json *obj, const ww_model *m);

static void check_value(vctx *c, const ww_json *v, const ww_field *f)
{
	const ww_json *e;
	long i = 0;

	if (!type_matches(v, f->type)) {
		type_error(c, v, f->name, field_type_name(f));
		return;
	}
	switch (f->type) {
	case WW_F_STRING:
		if (!(f->flags & WW_FF_ID))
			check_string(c, v, f);
		break;
	case WW_F_NUMBER:
		check_ddb_number(c, v, f->name);
		check_range(c, v, f);
		break;
	case WW_F_BOOL:
		break;
	case WW_F_OBJECT:
		check_object(c, v, f->model);
		break;
	case WW_F_STATE_VALUE:
		if (v->type == WW_JSON_NUMBER)
			check_ddb_number(c, v, f->name);
		if (v->type != WW_JSON_ARRAY)
			break;
		for (e = v->child; e; e = e->next, i++) {
			push_index(c, i);
			if (e->type != WW_JSON_STRING)
				type_error(c, e, "an element of value", "a string");
			pop(c);
		}
		break;
	case WW_F_ARRAY:
		if ((f->flags & WW_FF_NONEMPTY) && !v->len) {
			msg(c, "%s is empty; expected at least one element", f->name);
			emit(c, WW_SEV_ERROR, "required", v->line, v->column, NULL);
		}
		for (e = v->child; e; e = e->next, i++) {
			push_index(c, i);
			if (!type_matches(e, f->item)) {
				ww_buf_clear(&c->path);
				msg(c, "an element of %s is %s; expected %s", f->name,
				    json_type_name(e),
				    f->item == WW_F_OBJECT ? "an object" : "a string");
				emit(c, WW_SEV_ERROR, "type", e->line, e->column, NULL);
			} else if (f->item == WW_F_OBJECT) {
				check_object(c, e, f->model);
			} else {
				check_string(c, e, f);
			}
			pop(c);
		}
		break;
	}
}

static void unknown_field(vctx *c, const ww_json *m, const ww_model *model)
{
	const char *cands[32];
	size_t i, n = 0;

	for (i = 0; i < model->n && n < 32; i++)
		cands[n++] = model->fields[i].name;
	msg(c, "unknown field ");
	msg_q(c, m->key, m->key_len);
	msg(c, " in %s; expected one of: ", model->name);
	for (i = 0; i < model->n; i++)
		msg(c, "%s%s", i ? ", " : "", model->fields[i].name);
	emit_hint(c, c->s->opts.strict ? WW_SEV_ERROR : WW_SEV_WARNING, "unknown-field",
		  m->key_line, m->key_column, ww_did_you_mean(m->key, cands, n));
}

static void check_object(vctx *c, const ww_json *obj, const ww_model *m)
{
	const ww_json *v;
	uint64_t seen = 0; /* fields present, by index: no second search */
	size_t i;

	for (v = obj->child; v; v = v->next) {
		const ww_field *f;
		if (v->duplicate)
			continue;
		f = ww_model_field(m, v->key, v->key_len);
		push_key(c, v->key, v->key_len);
		if (!f) {
			unknown_field(c, v, m);
		} else {
			if (f - m->fields < 64)
				seen |= (uint64_t)1 << (f - m->fields);
			check_value(c, v, f);
		}
		pop(c);
	}
	for (i = 0; i < m->n; i++) {
		const ww_field *f = &m->fields[i];
		if (f->required &&
		    !(i < 64 ? (seen >> i) & 1 : ww_json_get(obj, f->name) != NULL)) {
			msg(c, "%s is missing required field '%s'; expected %s", m->name, f->name,
			    field_type_name(f));
			emit(c, WW_SEV_ERROR, "required", obj->line, obj->column, NULL);
		}
	}
}

/* ---- Rules of one ticket ------------------------------------------------ */
static const ww_json *get_typed(const ww_json *obj, const char *name, ww_json_type t)
{
	const ww_json *v = ww_json_get(obj, name);

	return v && v->type == t ? v : NULL;
}

static int str_cmp_nodes(const void *a, const void *b)
{
	const ww_json *x = *(const ww_json *const *)a, *y = *(const ww_json *const *)b;
	int r = strcmp(x->str, y->str);

	if (r)
		return r;
	return x->line != y->line ? (x->line < y->line ? -1 : 1)
				  : (x->column < y->column ? -1 : x->column > y->column);
}

static void check_areas(vctx *c, const ww_json *t)
{
	const ww_json *areas = get_typed(t, "scratchAreas", WW_JSON_ARRAY), *a, *id;
	const ww_json *wsa = get_typed(t, "winningSymbolAreaId", WW_JSON_STRING);
	const ww_json **ids = NULL;
	const char **names = NULL;
	size_t n = 0, i;
	long idx = 0;
	int found = 0;

	if (!areas) {
		if (wsa) {
			push_key(c, "winningSymbolAreaId", 19);
			msg(c, "scratch area ");
			msg_q(c, wsa->str, wsa->len);
			msg(c, " does not exist; the ticket has no scratch areas");
			emit(c, WW_SEV_ERROR, "ref-area", wsa->line, wsa->column, NULL);
			pop(c);
		}
		return;
	}
	ids = ww_xmalloc((areas->len + 1) * sizeof(*ids));
	names = ww_xmalloc((areas->len + 1) * sizeof(*names));
	push_key(c, "scratchAreas", 12);
	for (a = areas->child; a; a = a->next, idx++) {
		const ww_json *top, *left, *w, *h;
		if (a->type != WW_JSON_OBJECT)
			continue;
		push_index(c, idx);
		id = get_typed(a, "id", WW_JSON_STRING);
		if (id) {
			ids[n] = id;
			names[n++] = id->str;
			if (!ww_id_valid(id->str, id->len)) {
				push_key(c, "id", 2);
				msg(c, "scratch area id ");
				msg_q(c, id->str, id->len);
				msg(c, " is not lowercase kebab-case; expected letters a-z, digits "
				       "and single '-' between them");
				emit(c, WW_SEV_ERROR, "id-format", id->line, id->column, NULL);
				pop(c);
			}
		}
		top = get_typed(a, "topPercent", WW_JSON_NUMBER);
		h = get_typed(a, "heightPercent", WW_JSON_NUMBER);
		left = get_typed(a, "leftPercent", WW_JSON_NUMBER);
		w = get_typed(a, "widthPercent", WW_JSON_NUMBER);
		if (top && h && top->num + h->num > 1 + 1e-9) {
			char x[32];
			fmt_num(x, top->num + h->num);
			msg(c,
			    "scratch area reaches below the ticket: topPercent + heightPercent = "
			    "%s; expected at most 1",
			    x);
			emit(c, WW_SEV_ERROR, "area-bounds", a->line, a->column, NULL);
		}
		if (left && w && left->num + w->num > 1 + 1e-9) {
			char x[32];
			fmt_num(x, left->num + w->num);
			msg(c,
			    "scratch area reaches past the right edge of the ticket: leftPercent + "
			    "widthPercent = %s; expected at most 1",
			    x);
			emit(c, WW_SEV_ERROR, "area-bounds", a->line, a->column, NULL);
		}
		pop(c);
	}
	pop(c);
	if (n > 1) {
		const ww_json **sorted = ww_xmalloc(n * sizeof(*sorted));
		memcpy(sorted, ids, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), str_cmp_nodes);
		for (i = 1; i < n; i++) {
			if (strcmp(sorted[i]->str, sorted[i - 1]->str))
				continue;
			/* find its index for the path */
			for (idx = 0, a = areas->child; a; a = a->next, idx++)
				if (get_typed(a, "id", WW_JSON_STRING) == sorted[i])
					break;
			push_key(c, "scratchAreas", 12);
			push_index(c, idx);
			push_key(c, "id", 2);
			msg(c, "duplicate scratch area id ");
			msg_q(c, sorted[i]->str, sorted[i]->len);
			msg(c,
			    " in this ticket; first defined at %u:%u; expected ids unique within "
			    "the ticket",
			    sorted[i - 1]->line, sorted[i - 1]->column);
			emit(c, WW_SEV_ERROR, "duplicate-area-id", sorted[i]->line,
			     sorted[i]->column, NULL);
			pop(c);
			pop(c);
			pop(c);
		}
		free(sorted);
	}
	if (wsa) {
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], wsa->str))
				found = 1;
		if (!found) {
			push_key(c, "winningSymbolAreaId", 19);
			msg(c, "scratch area ");
			msg_q(c, wsa->str, wsa->len);
			msg(c, " is not one of this ticket's scratch areas");
			emit_hint(c, WW_SEV_ERROR, "ref-area", wsa->line, wsa->column,
				  ww_did_you_mean(wsa->str, names, n));
			pop(c);
		}
	}
	free(ids);
	free(names);
}

static void check_win_condition(vctx *c, const ww_json *t)
{
	const ww_json *wc = get_typed(t, "winCondition", WW_JSON_STRING);
	const char *need = NULL, *code = NULL;

	if (!wc)
		return;
	if (!strcmp(wc->str, "find-one") && !ww_json_get(t, "targetPrizeId"))
		need = "targetPrizeId", code = "win-target-prize";
	else if (!strcmp(wc->str, "find-one-dynamic") && !ww_json_get(t, "winningSymbolAreaId"))
		need = "winningSymbolAreaId", code = "win-symbol-area";
	else if (!strcmp(wc->str, "total-value-threshold") && !ww_json_get(t, "valueThreshold"))
		need = "valueThreshold", code = "win-value-threshold";
	if (!need)
		return;
	push_key(c, "winCondition", 12);
	msg(c, "winCondition '%s' needs %s, which is missing; without it the ticket never wins",
	    wc->str, need);
	emit(c, WW_SEV_ERROR, code, wc->line, wc->column, NULL);
	pop(c);
}

static void check_betting(vctx *c, const ww_json *t)
{
	const ww_json *bc = get_typed(t, "bettingConfig", WW_JSON_OBJECT), *opts, *o;
	const ww_json *seen[4] = {NULL, NULL, NULL, NULL};
	long idx = 0;

	if (!bc || !get_typed(bc, "enabled", WW_JSON_TRUE))
		return;
	opts = get_typed(bc, "betOptions", WW_JSON_ARRAY);
	if (!opts)
		return;
	push_key(c, "bettingConfig", 13);
	push_key(c, "betOptions", 10);
	if (opts->len != 3) {
		msg(c, "betting is enabled with %zu bet options; expected exactly 3", opts->len);
		emit(c, WW_SEV_ERROR, "betting-options", opts->line, opts->column, NULL);
	}
	for (o = opts->child; o; o = o->next, idx++) {
		const ww_json *ord =
		    o->type == WW_JSON_OBJECT ? get_typed(o, "order", WW_JSON_NUMBER) : NULL;
		char x[32];
		if (!ord)
			continue;
		push_index(c, idx);
		push_key(c, "order", 5);
		fmt_num(x, ord->num);
		if (ord->num != 1 && ord->num != 2 && ord->num != 3) {
			msg(c, "bet option order is %s; expected 1, 2 or 3", x);
			emit(c, WW_SEV_ERROR, "betting-order", ord->line, ord->column, NULL);
		} else if (seen[(int)ord->num]) {
			msg(c,
			    "bet option order %s is used twice (first at %u:%u); expected orders "
			    "1, 2 and 3 once each",
			    x, seen[(int)ord->num]->line, seen[(int)ord->num]->column);
			emit(c, WW_SEV_ERROR, "betting-order", ord->line, ord->column, NULL);
		} else {
			seen[(int)ord->num] = ord;
		}
		pop(c);
		pop(c);
	}
	pop(c);
	pop(c);
}

static void check_pool(vctx *c, const ww_json *t)
{
	const ww_json *pc = get_typed(t, "prizeConfigs", WW_JSON_ARRAY), *e, *w;
	long idx = 0;
	int positive = 0, weights = 0;

	if (!pc)
		return;
	push_key(c, "prizeConfigs", 12);
	if (!pc->len) {
		msg(c, "prizeConfigs is empty; expected at least one prize (an empty pool breaks "
		       "the ticket)");
		emit(c, WW_SEV_ERROR, "prize-pool-empty", pc->line, pc->column, NULL);
	}
	for (e = pc->child; e; e = e->next, idx++) {
		if (e->type != WW_JSON_OBJECT || !(w = get_typed(e, "weight", WW_JSON_NUMBER)))
			continue;
		weights++;
		if (w->num > 0) {
			positive++;
			continue;
		}
		push_index(c, idx);
		push_key(c, "weight", 6);
		{
			char x[32];
			fmt_num(x, w->num);
			msg(c, "weight is %s; the game skips prizes with a weight of 0 or less", x);
		}
		emit(c, WW_SEV_WARNING, "weight-nonpositive", w->line, w->column, NULL);
		pop(c);
		pop(c);
	}
	if (weights && !positive) {
		msg(c, "no prize in prizeConfigs has a positive weight; expected at least one "
		       "weight > 0");
		emit(c, WW_SEV_ERROR, "prize-pool-weight", pc->line, pc->column, NULL);
	}
	pop(c);
}

/* ---- Item size -------------------------------------------------------- */
/* An upper bound of the marshalled item's size (numbers at their largest,
 * 21 bytes), cheap enough for every definition; the exact size is computed
 * from the marshalled item only when the bound is over the limit. */
static size_t size_bound(const ww_json *v, int top)
{
	const ww_json *e;
	size_t n = 0;

	switch (v->type) {
	case WW_JSON_NULL:
	case WW_JSON_TRUE:
	case WW_JSON_FALSE:
		return 1;
	case WW_JSON_NUMBER:
		return 21;
	case WW_JSON_STRING:
		return v->len;
	case WW_JSON_ARRAY:
	case WW_JSON_OBJECT:
		n = top ? 0 : 3;
		for (e = v->child; e; e = e->next)
			n += 1 + e->key_len + size_bound(e, 0);
		return n;
	}
	return n;
}

static void marshal_object(const ww_json *obj, const ww_model *m, ww_av *out);

static void check_item_size(vctx *c, const ww_json *obj)
{
	ww_av item = WW_AV_INIT;
	size_t n;

	if (size_bound(obj, 1) <= DDB_ITEM_MAX)
		return;
	marshal_object(obj, ww_model_of(c->kind), &item);
	n = ww_av_item_size(&item);
	ww_av_release(&item);
	if (n <= DDB_ITEM_MAX)
		return;
	msg(c, "%s is %zu bytes as a DynamoDB item; expected at most %u (400 KB)",
	    ww_kind_name(c->kind), n, DDB_ITEM_MAX);
	emit(c, WW_SEV_ERROR, "ddb-item-size", obj->line, obj->column, NULL);
}

/* ---- Adding definitions ----------------------------------------------- */
static void suggest_id(ww_buf *out, const char *s, size_t len)
{
	size_t i;
	int dash = 0;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && out->len)
				ww_buf_putc(out, '-');
			ww_buf_putc(out, (char)ch);
			dash = 0;
		} else if (ch >= 'A' && ch <= 'Z') {
			if ((dash || (i && s[i - 1] >= 'a' && s[i - 1] <= 'z')) && out->len)
				ww_buf_putc(out, '-');
			ww_buf_putc(out, (char)(ch - 'A' + 'a'));
			dash = 0;
		} else {
			dash = 1;
		}
	}
}

static void check_id(vctx *c, ww_def *d, const ww_json *obj)
{
	ww_defset *s = c->s;
	const ww_json *id = ww_json_get(obj, "id");
	sym_entry *e;

	if (!id || id->type != WW_JSON_STRING)
		return; /* reported as required / type */
	push_key(c, "id", 2);
	if (!id->len) {
		msg(c, "%s id is empty; expected a non-empty id (it is the DynamoDB key)",
		    ww_kind_name(c->kind));
		emit(c, WW_SEV_ERROR, "ddb-key", id->line, id->column, NULL);
		goto done;
	}
	if (id->len > DDB_KEY_MAX) {
		msg(c, "%s id is %zu bytes; expected at most %u (DynamoDB's key limit)",
		    ww_kind_name(c->kind), id->len, DDB_KEY_MAX);
		emit(c, WW_SEV_ERROR, "ddb-key", id->line, id->column, NULL);
		goto done;
	}
	if (!ww_id_valid(id->str, id->len)) {
		ww_buf sug = WW_BUF_INIT;
		const char *h = NULL;
		suggest_id(&sug, id->str, id->len);
		if (sug.len && ww_id_valid(sug.ptr, sug.len) && strlen(sug.ptr) == sug.len)
			h = sug.ptr;
		msg(c, "%s id ", ww_kind_name(c->kind));
		msg_q(c, id->str, id->len);
		msg(c, " is not lowercase kebab-case; expected letters a-z, digits and single '-' "
		       "between them");
		emit_hint(c, WW_SEV_ERROR, "id-format", id->line, id->column, h);
		ww_buf_release(&sug);
	}
	d->sym = sym_get(&s->syms, id->str, id->len, 1);
	e = &s->syms.e[d->sym];
	if (e->first[c->kind] >= 0) {
		const ww_def *f = &s->defs[c->kind][e->first[c->kind]];
		msg(c, "duplicate %s id ", ww_kind_name(c->kind));
		msg_q(c, id->str, id->len);
		msg(c, "; first defined at %s:%u:%u; expected ids unique among %s", f->file,
		    f->line, f->column, ww_kind_plural(c->kind));
		emit(c, WW_SEV_ERROR, "duplicate-id", id->line, id->column, NULL);
		d->sym = NOSYM;
	} else {
		e->first[c->kind] = (int32_t)c->def;
	}
	if (s->opts.keep_bodies)
		d->id = e->str;
done:
	pop(c);
}

static void flush_refs(ww_defset *s);
static void canon_json_object(ww_buf *out, const ww_json *obj, const ww_model *m);

static void add_def(ww_defset *s, ww_kind kind, const ww_json *obj, const char *file,
		    const char *container, long index)
{
	vctx c = {0};
	ww_def *d;

	c.s = s;
	c.file = file;
	c.container = container;
	c.index = index;
	c.kind = kind;
	if (obj->type != WW_JSON_OBJECT) {
		msg(&c, "a %s is %s; expected an object", ww_kind_name(kind), json_type_name(obj));
		emit(&c, WW_SEV_ERROR, "type", obj->line, obj->column, NULL);
		goto done;
	}
	if (s->ndefs[kind] == s->defcap[kind]) {
		s->defcap[kind] = s->defcap[kind] ? s->defcap[kind] * 2 : 64;
		s->defs[kind] = ww_xrealloc(s->defs[kind], s->defcap[kind] * sizeof(ww_def));
	}
	c.def = (uint32_t)s->ndefs[kind];
	d = &s->defs[kind][s->ndefs[kind]++];
	memset(d, 0, sizeof(*d));
	d->kind = (unsigned char)kind;
	d->sym = NOSYM;
	d->emoji = NOSYM;
	d->file = file;
	d->line = obj->line;
	d->column = obj->column;
	d->container = container;
	d->index = (int32_t)index;
	check_id(&c, d, obj);
	check_object(&c, obj, ww_model_of(kind));
	if (kind == WW_KIND_TICKET) {
		check_areas(&c, obj);
		check_win_condition(&c, obj);
		check_betting(&c, obj);
		check_pool(&c, obj);
	} else if (kind == WW_KIND_PRIZE) {
		const ww_json *em = get_typed(obj, "emoji", WW_JSON_STRING);
		if (em)
			d->emoji = sym_get(&s->syms, em->str, em->len, 1);
	}
	check_item_size(&c, obj);
	flush_refs(s);
	if (s->opts.keep_bodies) {
		ww_sha256 sha;
		ww_buf_clear(&s->canon);
		canon_json_object(&s->canon, obj, ww_model_of(kind));
		d->canon_len = (uint32_t)s->canon.len;
		d->canon = text_keep(s, s->canon.ptr, s->canon.len);
		ww_sha256_init(&sha);
		ww_sha256_update(&sha, s->canon.ptr, s->canon.len);
		ww_sha256_final(&sha, d->hash);
	}
done:
	ww_buf_release(&c.tmp);
	ww_buf_release(&c.path);
}

static void on_duplicate(void *ctx, const ww_json *m, const ww_json *first)
{
	void **a = ctx;
	ww_defset *s = a[0];
	const char *file = a[1];
	ww_buf b = WW_BUF_INIT;

	ww_buf_puts(&b, "duplicate member name ");
	put_quoted(&b, m->key, m->key_len);
	ww_buf_printf(&b, " in one object (first at %u:%u); expected each name once",
		      first->key_line, first->key_column);
	ww_diags_add(&s->diags, WW_SEV_ERROR, "json-duplicate-key", file, m->key_line,
		     m->key_column, NULL, NULL, ww_buf_cstr(&b));
	ww_buf_release(&b);
}

/* WW_EINVALID with the last diagnostic as the error message, for callers
 * that look at the return code rather than the diagnostics. */
static int invalid_from_last(const ww_defset *s)
{
	const ww_diag *g = &s->diags.items[s->diags.n - 1];

	if (g->line)
		return ww_error_set(WW_EINVALID, "%s:%u:%u: %s", g->file ? g->file : "", g->line,
				    g->column, g->message);
	return ww_error_set(WW_EINVALID, "%s: %s", g->file ? g->file : "", g->message);
}

static int parse(ww_defset *s, ww_json_doc *doc, const char *file, unsigned first_line,
		 const char *data, size_t len)
{
	ww_json_error err;
	void *ctx[2];

	ctx[0] = s;
	ctx[1] = (void *)(uintptr_t)file;
	if (!ww_json_parse(doc, data, len, first_line, &err, on_duplicate, ctx))
		return 0;
	ww_diags_add(&s->diags, WW_SEV_ERROR, err.code, file, err.line, err.column, NULL, NULL,
		     err.message);
	return invalid_from_last(s);
}

/* A member of the export shape that is not a kind. */
static void unknown_member(ww_defset *s, const char *file, const char *key, size_t key_len,
			   unsigned line, unsigned column)
{
	const char *h = ww_did_you_mean(key, kind_plurals, WW_KIND_COUNT);
	ww_buf mb = WW_BUF_INIT, hb = WW_BUF_INIT, p = WW_BUF_INIT;

	ww_buf_puts(&p, "/");
	ww_buf_put(&p, key, key_len);
	ww_buf_puts(&mb, "unknown member ");
	put_quoted(&mb, key, key_len);
	ww_buf_puts(&mb, " in the export; expected prizes, scratchers, tickets or stores");
	if (h)
		ww_buf_printf(&hb, "did you mean '%s'?", h);
	ww_diags_add(&s->diags, s->opts.strict ? WW_SEV_ERROR : WW_SEV_WARNING, "unknown-field",
		     file, line, column, p.ptr, h ? hb.ptr : NULL, mb.ptr);
	ww_buf_release(&mb);
	ww_buf_release(&hb);
	ww_buf_release(&p);
}

int ww_defset_add_document(ww_defset *s, const char *file, const char *data, size_t len, int kind)
{
	ww_json_doc local = WW_JSON_DOC_INIT, *doc = &local;
	const ww_json *root, *m, *e;
	long i;
	int rc = 0;

	file = intern_file(s, file);
	if ((rc = parse(s, doc, file, 1, data, len)))
		goto done;
	root = doc->root;
	if (kind >= 0 && kind < WW_KIND_COUNT) {
		if (root->type != WW_JSON_ARRAY) {
			ww_defset_add_diag(s, WW_SEV_ERROR, "shape", file, root->line, root->column,
					   "",
					   "the file is %s; expected a JSON array of %s (the kind "
					   "from the file name or --kind)",
					   json_type_name(root), ww_kind_plural((ww_kind)kind));
			rc = invalid_from_last(s);
			goto done;
		}
		for (i = 0, e = root->child; e; e = e->next, i++)
			add_def(s, (ww_kind)kind, e, file, "", i);
		goto done;
	}
	if (root->type != WW_JSON_OBJECT) {
		ww_defset_add_diag(
		    s, WW_SEV_ERROR, root->type == WW_JSON_ARRAY ? "kind-unknown" : "shape", file,
		    root->line, root->column, "",
		    root->type == WW_JSON_ARRAY
			? "the file is an array but its kind is not known; expected a file named "
			  "prizes, scratchers, tickets or stores, or --kind"
			: "the file is %s; expected an object with prizes, scratchers, tickets or "
			  "stores, or an array of one kind",
		    json_type_name(root));
		rc = invalid_from_last(s);
		goto done;
	}
	for (m = root->child; m; m = m->next) {
		int k = m->duplicate ? -2 : ww_kind_parse(m->key);
		ww_buf p = WW_BUF_INIT;
		if (k == -2)
			continue;
		ww_buf_puts(&p, "/");
		ww_buf_put(&p, m->key, m->key_len);
		if (k < 0 || strcmp(m->key, kind_plurals[k])) {
			unknown_member(s, file, m->key, m->key_len, m->key_line, m->key_column);
		} else if (m->type != WW_JSON_ARRAY) {
			ww_defset_add_diag(s, WW_SEV_ERROR, "type", file, m->line, m->column, p.ptr,
					   "%s is %s; expected an array", m->key,
					   json_type_name(m));
		} else {
			for (i = 0, e = m->child; e; e = e->next, i++)
				add_def(s, (ww_kind)k, e, file, kind_plurals[k], i);
		}
		ww_buf_release(&p);
	}
done:
	ww_json_doc_release(&local);
	return rc;
}

int ww_defset_add_line(ww_defset *s, const char *file, unsigned line, const char *data, size_t len,
		       ww_kind kind)
{
	int rc;

	/* one document for every line: its memory is reused */
	file = intern_file(s, file);
	if ((rc = parse(s, &s->line_doc, file, line, data, len)))
		return rc;
	add_def(s, kind, s->line_doc.root, file, NULL, 0);
	return 0;
}

/* ---- Array files in pieces -------------------------------------------- */
void ww_defset_feed_begin(ww_defset *s, const char *file, int kind)
{
	ww_json_reader r0 = WW_JSON_READER_INIT;
	int k;

	s->feed.active = 1;
	s->feed.file = intern_file(s, file);
	s->feed.kind = (ww_kind)kind;
	s->feed.index = 0;
	s->feed.reader = r0;
	s->feed.reader.object = kind < 0 || kind >= WW_KIND_COUNT;
	s->feed.member_kind = -1;
	s->feed.nnames = 0;
	s->feed.ndups = 0;
	ww_buf_clear(&s->feed.names);
	ww_buf_clear(&s->feed.dup_names);
	for (k = 0; k < WW_KIND_COUNT; k++)
		s->feed.ndefs[k] = s->ndefs[k];
	s->feed.nrefs = s->nrefs;
	s->feed.ndiags = s->diags.n;
	s->feed.nsyms = s->syms.n;
	s->feed.nmarked = 0;
}

/* Forget what the file's definitions added, keeping the diagnostics that
 * parsing gives (duplicate member names): the state a whole-file parse
 * that failed leaves. */
static void feed_forget(ww_defset *s)
{
	size_t i, j;
	int k;

	for (k = 0; k < WW_KIND_COUNT; k++)
		s->ndefs[k] = s->feed.ndefs[k];
	s->nrefs = s->feed.nrefs;
	s->npend = 0;
	ww_buf_clear(&s->pend_paths);
	for (i = 0; i < s->feed.nmarked; i += 2)
		s->defs[s->feed.marked[i]][s->feed.marked[i + 1]].used = 0;
	for (i = j = s->feed.ndiags; i < s->diags.n; i++) {
		ww_diag *g = &s->diags.items[i];
		if (!strcmp(g->code, "json-duplicate-key")) {
			s->diags.items[j++] = *g;
			continue;
		}
		s->diags.count[g->severity]--;
		free(g->file);
		free(g->path);
		free(g->message);
		free(g->hint);
	}
	s->diags.n = j;
	s->syms.n = s->feed.nsyms;
	for (i = 0; i < s->syms.n; i++)
		for (k = 0; k < WW_KIND_COUNT; k++)
			if (s->syms.e[i].first[k] >= (int32_t)s->ndefs[k])
				s->syms.e[i].first[k] = -1;
	if (s->syms.nslots)
		sym_reindex(&s->syms, s->syms.nslots);
	s->feed.active = 0;
}

void ww_defset_feed_abort(ww_defset *s)
{
	if (s->feed.active)
		feed_forget(s);
	ww_json_doc_release(&s->feed.doc);
}

/* A member of the export shape: what ww_defset_add_document does for it,
 * its elements left to come. */
static void feed_member(ww_defset *s)
{
	ww_json_reader *r = &s->feed.reader;
	const char *name = s->feed.names.ptr;
	size_t i;
	int k;

	s->feed.member_kind = -1;
	s->feed.index = 0;
	r->stream = 1; /* an array's elements one by one, used or not */
	ww_buf_clear(&s->feed.member);
	ww_buf_put(&s->feed.member, r->key, r->key_len);
	for (i = 0; i < s->feed.nnames; i++, name += strlen(name) + 1) {
		if (strlen(name) != r->key_len || memcmp(name, r->key, r->key_len))
			continue;
		if (s->feed.ndups == s->feed.dupcap) {
			s->feed.dupcap = s->feed.dupcap ? s->feed.dupcap * 2 : 8;
			s->feed.dup_pos = ww_xrealloc(
			    s->feed.dup_pos, s->feed.dupcap * 4 * sizeof(*s->feed.dup_pos));
		}
		s->feed.dup_pos[4 * s->feed.ndups] = r->key_line;
		s->feed.dup_pos[4 * s->feed.ndups + 1] = r->key_column;
		s->feed.dup_pos[4 * s->feed.ndups + 2] = s->feed.name_pos[2 * i];
		s->feed.dup_pos[4 * s->feed.ndups + 3] = s->feed.name_pos[2 * i + 1];
		s->feed.ndups++;
		ww_buf_put(&s->feed.dup_names, r->key, r->key_len);
		ww_buf_putc(&s->feed.dup_names, '\0');
		return;
	}
	if (s->feed.nnames == s->feed.poscap) {
		s->feed.poscap = s->feed.poscap ? s->feed.poscap * 2 : 8;
		s->feed.name_pos =
		    ww_xrealloc(s->feed.name_pos, s->feed.poscap * 2 * sizeof(*s->feed.name_pos));
	}
	s->feed.name_pos[2 * s->feed.nnames] = r->key_line;
	s->feed.name_pos[2 * s->feed.nnames + 1] = r->key_column;
	s->feed.nnames++;
	ww_buf_put(&s->feed.names, r->key, r->key_len);
	ww_buf_putc(&s->feed.names, '\0');
	k = ww_kind_parse(r->key);
	if (k < 0 || strcmp(r->key, kind_plurals[k])) {
		unknown_member(s, s->feed.file, r->key, r->key_len, r->key_line, r->key_column);
		return;
	}
	s->feed.member_kind = k;
}

/* A member's value that is not an array. */
static void feed_value(ww_defset *s, const ww_json *v)
{
	ww_buf p = WW_BUF_INIT;

	if (s->feed.member_kind < 0)
		return;
	ww_buf_puts(&p, "/");
	ww_buf_put(&p, s->feed.member.ptr, s->feed.member.len);
	ww_defset_add_diag(s, WW_SEV_ERROR, "type", s->feed.file, v->line, v->column, p.ptr,
			   "%s is %s; expected an array", ww_buf_cstr(&s->feed.member),
			   json_type_name(v));
	ww_buf_release(&p);
}

/* The duplicate member names of the export shape, as the whole parse
 * reports them once the object is complete. */
static void feed_duplicates(ww_defset *s, void *ctx)
{
	const char *name = s->feed.dup_names.ptr;
	size_t i;

	for (i = 0; i < s->feed.ndups; i++, name += strlen(name) + 1) {
		ww_json m, first;
		memset(&m, 0, sizeof(m));
		memset(&first, 0, sizeof(first));
		m.key = name;
		m.key_len = strlen(name);
		m.key_line = s->feed.dup_pos[4 * i];
		m.key_column = s->feed.dup_pos[4 * i + 1];
		first.key_line = s->feed.dup_pos[4 * i + 2];
		first.key_column = s->feed.dup_pos[4 * i + 3];
		on_duplicate(ctx, &m, &first);
	}
}

int ww_defset_feed(ww_defset *s, const char *data, size_t len, int eof, size_t *used)
{
	size_t total = 0;
	void *ctx[2];
	int rc;

	ctx[0] = s;
	ctx[1] = (void *)(uintptr_t)s->feed.file;
	for (;;) {
		ww_json_error err;
		size_t n = 0;

		rc = ww_json_read_next(&s->feed.reader, &s->feed.doc, data + total, len - total,
				       eof, &n, &err, on_duplicate, ctx);
		total += n;
		if (s->feed.reader.closed && s->feed.ndups) {
			/* a whole parse reports them as the object closes */
			feed_duplicates(s, ctx);
			s->feed.ndups = 0;
		}
		if (rc == WW_JSON_READ_ELEMENT) {
			if (!s->feed.reader.object)
				add_def(s, s->feed.kind, s->feed.doc.root, s->feed.file, "",
					s->feed.index++);
			else if (s->feed.member_kind >= 0)
				add_def(s, (ww_kind)s->feed.member_kind, s->feed.doc.root,
					s->feed.file, kind_plurals[s->feed.member_kind],
					s->feed.index++);
			continue;
		}
		if (rc == WW_JSON_READ_MEMBER) {
			feed_member(s);
			continue;
		}
		if (rc == WW_JSON_READ_VALUE) {
			feed_value(s, s->feed.doc.root);
			continue;
		}
		*used = total;
		if (rc == WW_JSON_READ_MORE)
			return 1;
		ww_json_doc_release(&s->feed.doc);
		if (rc == WW_JSON_READ_NOT_ARRAY) {
			s->feed.active = 0;
			return 2;
		}
		if (rc == WW_JSON_READ_END) {
			s->feed.active = 0;
			return 0;
		}
		feed_forget(s);
		ww_diags_add(&s->diags, WW_SEV_ERROR, err.code, s->feed.file, err.line, err.column,
			     NULL, NULL, err.message);
		return invalid_from_last(s);
	}
}

/* ---- Checks across definitions ----------------------------------------- */
static void def_path(ww_buf *b, const ww_def *d, const char *suffix)
{
	ww_buf_clear(b);
	put_prefix(b, d->container, d->index);
	ww_buf_puts(b, suffix);
}

static const char **ids_of(const ww_defset *s, ww_kind k, size_t *n)
{
	const char **v = ww_xmalloc((s->ndefs[k] + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < s->ndefs[k]; i++)
		if (s->defs[k][i].sym != NOSYM)
			v[(*n)++] = sym_str(&s->syms, s->defs[k][i].sym);
	return v;
}

/* Warn when two different prizes of one ticket's pool share an emoji;
 * `r` are the references of one ticket, resolved or not. */
static void check_pool_emoji(ww_defset *s, const ref_rec *r, size_t n, const char *paths)
{
	ww_buf path = WW_BUF_INIT, m = WW_BUF_INIT;
	size_t a, b;

	for (a = 0; a < n; a++) {
		const ref_rec *ra = &r[a];
		int32_t pa;
		if (!ra->pool || ra->kind != WW_KIND_PRIZE)
			continue;
		pa = s->syms.e[ra->target].first[WW_KIND_PRIZE];
		if (pa < 0 || s->defs[WW_KIND_PRIZE][pa].emoji == NOSYM)
			continue;
		for (b = 0; b < a; b++) {
			const ref_rec *rb = &r[b];
			int32_t pb = s->syms.e[rb->target].first[WW_KIND_PRIZE];
			const ww_def *d;
			if (!rb->pool || rb->kind != WW_KIND_PRIZE || pb < 0 || pb == pa ||
			    s->defs[WW_KIND_PRIZE][pb].emoji != s->defs[WW_KIND_PRIZE][pa].emoji)
				continue;
			d = &s->defs[WW_KIND_TICKET][ra->def];
			def_path(&path, d, paths ? paths + ra->path : sym_str(&s->syms, ra->path));
			ww_buf_clear(&m);
			ww_buf_printf(
			    &m,
			    "prizes '%s' and '%s' in this ticket's pool share the emoji '%s'; "
			    "match win conditions compare emoji, so they can match each other",
			    sym_str(&s->syms, rb->target), sym_str(&s->syms, ra->target),
			    sym_str(&s->syms, s->defs[WW_KIND_PRIZE][pa].emoji));
			ww_diags_add(&s->diags, WW_SEV_WARNING, "pool-emoji-clash", d->file,
				     ra->line, ra->column, path.ptr, NULL, m.ptr);
			break;
		}
	}
	ww_buf_release(&path);
	ww_buf_release(&m);
}

/* After one definition: references whose targets are already known are
 * resolved now and forgotten (so a stream keeps only ids); if any is not
 * known yet, all of the definition's references wait for
 * ww_defset_finish. */
static void flush_refs(ww_defset *s)
{
	size_t i;

	for (i = 0; i < s->npend; i++)
		if (s->syms.e[s->pend[i].target].first[s->pend[i].kind] < 0)
			break;
	if (i == s->npend) {
		for (i = 0; i < s->npend; i++) {
			const ref_rec *r = &s->pend[i];
			int32_t t = s->syms.e[r->target].first[r->kind];
			ww_def *d = &s->defs[r->kind][t];
			if (!d->used && s->feed.active && (size_t)t < s->feed.ndefs[r->kind]) {
				if (s->feed.nmarked + 2 > s->feed.markcap) {
					s->feed.markcap =
					    s->feed.markcap ? s->feed.markcap * 2 : 64;
					s->feed.marked =
					    ww_xrealloc(s->feed.marked,
							s->feed.markcap * sizeof(*s->feed.marked));
				}
				s->feed.marked[s->feed.nmarked++] = r->kind;
				s->feed.marked[s->feed.nmarked++] = (uint32_t)t;
			}
			d->used = 1;
		}
		check_pool_emoji(s, s->pend, s->npend, s->pend_paths.ptr);
	} else {
		if (s->nrefs + s->npend > s->refcap) {
			while (s->nrefs + s->npend > s->refcap)
				s->refcap = s->refcap ? s->refcap * 2 : 256;
			s->refs = ww_xrealloc(s->refs, s->refcap * sizeof(*s->refs));
		}
		for (i = 0; i < s->npend; i++) {
			ref_rec *r = &s->refs[s->nrefs++];
			const char *path = s->pend_paths.ptr + s->pend[i].path;
			*r = s->pend[i];
			r->path = sym_get(&s->syms, path, strlen(path), 1);
		}
	}
	s->npend = 0;
	ww_buf_clear(&s->pend_paths);
}

static void check_refs(ww_defset *s)
{
	const char **cands[WW_KIND_COUNT] = {NULL};
	size_t ncands[WW_KIND_COUNT] = {0};
	ww_buf path = WW_BUF_INIT, m = WW_BUF_INIT, h = WW_BUF_INIT;
	size_t i, j;
	int k, unchecked[WW_KIND_COUNT] = {0};

	for (i = 0; i < s->nrefs; i++) {
		const ref_rec *r = &s->refs[i];
		const ww_def *d =
		    &s->defs[r->kind == WW_KIND_PRIZE ? WW_KIND_TICKET : WW_KIND_STORE][r->def];
		int32_t first = s->syms.e[r->target].first[r->kind];
		const char *sug;

		if (!s->ndefs[r->kind]) {
			unchecked[r->kind] = 1;
			continue;
		}
		if (first >= 0) {
			s->defs[r->kind][first].used = 1;
			continue;
		}
		if (!cands[r->kind])
			cands[r->kind] = ids_of(s, (ww_kind)r->kind, &ncands[r->kind]);
		sug = ncands[r->kind] <= 100000 ? ww_did_you_mean(sym_str(&s->syms, r->target),
								  cands[r->kind], ncands[r->kind])
						: NULL;
		def_path(&path, d, sym_str(&s->syms, r->path));
		ww_buf_clear(&m);
		ww_buf_clear(&h);
		ww_buf_printf(&m, "%s ", ww_kind_name((ww_kind)r->kind));
		put_quoted(&m, sym_str(&s->syms, r->target), s->syms.e[r->target].len);
		ww_buf_printf(&m, " does not exist; expected the id of one of the %zu %s",
			      s->ndefs[r->kind], ww_kind_plural((ww_kind)r->kind));
		if (sug)
			ww_buf_printf(&h, "did you mean '%s'?", sug);
		ww_diags_add(&s->diags, WW_SEV_ERROR,
			     r->kind == WW_KIND_PRIZE ? "ref-prize" : "ref-ticket", d->file,
			     r->line, r->column, path.ptr, sug ? h.ptr : NULL, m.ptr);
	}
	for (k = 0; k < WW_KIND_COUNT; k++) {
		if (!unchecked[k])
			continue;
		ww_defset_add_diag(s, WW_SEV_INFO, "ref-unchecked", NULL, 0, 0, "",
				   "no %s were loaded, so references to %s were not checked",
				   ww_kind_plural((ww_kind)k), ww_kind_plural((ww_kind)k));
	}
	/* Two prizes with one emoji in one ticket's pool: the deferred refs of
	 * a ticket are contiguous. */
	for (i = 0; i < s->nrefs; i = j) {
		for (j = i + 1; j < s->nrefs && s->refs[j].def == s->refs[i].def &&
				s->refs[j].kind == s->refs[i].kind;
		     j++)
			;
		check_pool_emoji(s, s->refs + i, j - i, NULL);
	}
	for (k = 0; k < WW_KIND_COUNT; k++)
		free(cands[k]);
	ww_buf_release(&path);
	ww_buf_release(&m);
	ww_buf_release(&h);
}

static void check_unused(ww_defset *s, ww_kind k, ww_kind by, const char *what)
{
	ww_buf path = WW_BUF_INIT;
	size_t i;

	if (!s->ndefs[by])
		return;
	for (i = 0; i < s->ndefs[k]; i++) {
		const ww_def *d = &s->defs[k][i];
		if (d->used || d->sym == NOSYM)
			continue;
		def_path(&path, d, "");
		ww_defset_add_diag(s, WW_SEV_INFO,
				   k == WW_KIND_TICKET ? "unused-ticket" : "unused-prize", d->file,
				   d->line, d->column, path.ptr, "%s '%s' is %s", ww_kind_name(k),
				   sym_str(&s->syms, d->sym), what);
	}
	ww_buf_release(&path);
}

typedef struct {
	const ww_diag *g;
	size_t seq;
} diag_ref;

static int diag_cmp(const void *a, const void *b)
{
	const diag_ref *x = a, *y = b;
	const ww_diag *p = x->g, *q = y->g;
	int r;

	if (!p->file != !q->file)
		return p->file ? 1 : -1;
	if (p->file && (r = strcmp(p->file, q->file)))
		return r;
	if (p->line != q->line)
		return p->line < q->line ? -1 : 1;
	if (p->column != q->column)
		return p->column < q->column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Order: by file, line, column, then as found (stable; no shared state, so
 * sets on different threads can finish at once). */
static void sort_diags(ww_diags *d)
{
	diag_ref *v;
	ww_diag *sorted;
	size_t i;

	if (d->n < 2)
		return;
	v = ww_xmalloc(d->n * sizeof(*v));
	for (i = 0; i < d->n; i++) {
		v[i].g = &d->items[i];
		v[i].seq = i;
	}
	qsort(v, d->n, sizeof(*v), diag_cmp);
	sorted = ww_xmalloc(d->cap * sizeof(*sorted));
	for (i = 0; i < d->n; i++)
		sorted[i] = *v[i].g;
	free(d->items);
	d->items = sorted;
	free(v);
}

void ww_defset_finish(ww_defset *s)
{
	if (s->finished)
		return;
	s->finished = 1;
	check_refs(s);
	check_unused(s, WW_KIND_TICKET, WW_KIND_STORE, "not sold in any store");
	check_unused(s, WW_KIND_PRIZE, WW_KIND_TICKET, "in no ticket's prize pool");
	sort_diags(&s->diags);
	/* The checks across definitions were the symbols' last use: drop the
	 * table (~5 MB for 100,000 ids) before an import holds the set through
	 * its writes. The strings stay: the definitions' ids are theirs. */
	free(s->syms.e);
	free(s->syms.slots);
	s->syms.e = NULL;
	s->syms.slots = NULL;
	s->syms.n = s->syms.cap = s->syms.nslots = 0;
}

/* ---- One definition ---------------------------------------------------- */
ww_kind ww_def_kind(const ww_def *d)
{
	return d->kind;
}

const char *ww_def_id(const ww_def *d)
{
	return d && d->id ? d->id : "";
}

const char *ww_def_file(const ww_def *d)
{
	return d->file;
}

unsigned ww_def_line(const ww_def *d)
{
	return d->line;
}

static void marshal_value(const ww_json *v, const ww_field *f, ww_av *out);

/* Whether member `v` of an object of model `m` is marshalled (its field,
 * or NULL when it is dropped: a duplicate, unknown, or of the wrong type). */
static const ww_field *kept_field(const ww_json *v, const ww_model *m)
{
	const ww_field *f;

	if (v->duplicate || !(f = ww_model_field(m, v->key, v->key_len)) ||
	    !type_matches(v, f->type))
		return NULL;
	return f;
}

static void marshal_object(const ww_json *obj, const ww_model *m, ww_av *out)
{
	const ww_json *v;

	ww_av_set_container(out, WW_AV_M);
	/* One allocation of the members array instead of doubling from 8
	 * (obj->len counts every member: at most a few dropped ones spare). */
	if (obj->len) {
		out->members = ww_xmalloc(obj->len * sizeof(*out->members));
		out->cap = obj->len;
	}
	for (v = obj->child; v; v = v->next) {
		const ww_field *f = kept_field(v, m);
		if (f)
			marshal_value(v, f, ww_av_map_add(out, v->key));
	}
}

static void marshal_value(const ww_json *v, const ww_field *f, ww_av *out)
{
	const ww_json *e;
	char t[32];

	switch (v->type) {
	case WW_JSON_STRING:
		ww_av_set_s(out, v->str, v->len);
		break;
	case WW_JSON_NUMBER:
		ww_num_format(v->num, t);
		ww_av_set_n(out, t);
		break;
	case WW_JSON_TRUE:
	case WW_JSON_FALSE:
		ww_av_set_bool(out, v->type == WW_JSON_TRUE);
		break;
	case WW_JSON_OBJECT:
		marshal_object(v, f->model, out);
		break;
	case WW_JSON_ARRAY:
		ww_av_set_container(out, WW_AV_L);
		if (v->len) {
			out->members = ww_xmalloc(v->len * sizeof(*out->members));
			out->cap = v->len;
		}
		for (e = v->child; e; e = e->next) {
			if (f->type == WW_F_STATE_VALUE) {
				if (e->type == WW_JSON_STRING)
					ww_av_set_s(ww_av_list_add(out), e->str, e->len);
			} else if (type_matches(e, f->item)) {
				if (f->item == WW_F_OBJECT)
					marshal_object(e, f->model, ww_av_list_add(out));
				else
					ww_av_set_s(ww_av_list_add(out), e->str, e->len);
			}
		}
		break;
	case WW_JSON_NULL:
		ww_av_set_null(out);
		break;
	}
}

/* ---- Items from canonical text ------------------------------------------ */
/* Canonical text is our own output (canon_json_object): no whitespace,
 * every value of a kept field, numbers already in the text marshalling
 * gives them, and only the escapes ww_buf_put_json_string writes (\u
 * only below 0x20). So it maps one to one onto the item: object to M,
 * array to L, string to S, number to N with the same text, true and false
 * to BOOL; and it is read here without checks. */

/* Decode the string at `p` (its opening quote) into `b`; returns the byte
 * after its closing quote. */
static const char *canon_string(const char *p, ww_buf *b)
{
	const char *q = ++p;

	while (*q != '"')
		q += *q == '\\' ? 2 : 1;
	ww_buf_clear(b);
	ww_json_unescape(b, p, (size_t)(q - p));
	return q + 1;
}

/* Members of the container whose first member is at `p`, for one
 * allocation of the members array. */
static size_t canon_count(const char *p)
{
	size_t depth = 0, n = 1;

	if (*p == '}' || *p == ']')
		return 0;
	for (; depth || (*p != '}' && *p != ']'); p++) {
		switch (*p) {
		case '"':
			for (p++; *p != '"'; p++)
				if (*p == '\\')
					p++;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ',':
			if (!depth)
				n++;
			break;
		default:
			break;
		}
	}
	return n;
}

static const char *canon_to_av(const char *p, ww_av *out, ww_buf *tmp)
{
	const char *q;
	char t[64];
	size_t n;

	switch (*p) {
	case '{':
	case '[': {
		int map = *p == '{';
		ww_av_set_container(out, map ? WW_AV_M : WW_AV_L);
		p++;
		if ((n = canon_count(p))) {
			out->members = ww_xmalloc(n * sizeof(*out->members));
			out->cap = n;
		}
		while (*p != '}' && *p != ']') {
			ww_av *v;
			if (map) {
				p = canon_string(p, tmp);
				v = ww_av_map_add(out, ww_buf_cstr(tmp));
				p++; /* ':' */
			} else {
				v = ww_av_list_add(out);
			}
			p = canon_to_av(p, v, tmp);
			if (*p == ',')
				p++;
		}
		return p + 1;
	}
	case '"':
		for (q = p + 1; *q != '"' && *q != '\\'; q++)
			;
		if (*q == '"') {
			ww_av_set_s(out, p + 1, (size_t)(q - p - 1));
			return q + 1;
		}
		p = canon_string(p, tmp);
		ww_av_set_s(out, tmp->ptr, tmp->len);
		return p;
	case 't':
		ww_av_set_bool(out, 1);
		return p + 4;
	case 'f':
		ww_av_set_bool(out, 0);
		return p + 5;
	case 'n':
		ww_av_set_null(out);
		return p + 4;
	default:
		for (q = p; *q != ',' && *q != '}' && *q != ']' && *q; q++)
			;
		n = (size_t)(q - p) < sizeof(t) ? (size_t)(q - p) : sizeof(t) - 1;
		memcpy(t, p, n);
		t[n] = '\0';
		ww_av_set_n(out, t);
		return q;
	}
}

void ww_def_marshal(const ww_def *d, ww_av *out)
{
	ww_buf tmp = WW_BUF_INIT;

	ww_av_release(out);
	if (!d->canon) {
		ww_av_set_container(out, WW_AV_M);
		return;
	}
	canon_to_av(d->canon, out, &tmp);
	ww_buf_release(&tmp);
}

/* RFC 8785 orders member names by their UTF-16 code units. */
static unsigned next_unit(const unsigned char **p, const unsigned char *end, unsigned *pending)
{
	unsigned c, cp;
	int n, i;

	if (*pending) {
		c = *pending;
		*pending = 0;
		return c;
	}
	c = **p;
	n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (end - *p < n)
		n = (int)(end - *p);
	cp = n == 1 ? c : c & (0x3f >> (n - 1));
	for (i = 1; i < n; i++)
		cp = cp << 6 | ((*p)[i] & 0x3f);
	*p += n;
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*pending = 0xdc00 | (cp & 0x3ff);
		return 0xd800 | (cp >> 10);
	}
	return cp;
}

static int utf16_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	const unsigned char *pe = p + strlen(a), *qe = q + strlen(b);
	unsigned pp = 0, qp = 0;

	while ((p < pe || pp) && (q < qe || qp)) {
		unsigned x = next_unit(&p, pe, &pp), y = next_unit(&q, qe, &qp);
		if (x != y)
			return x < y ? -1 : 1;
	}
	if (p < pe || pp)
		return 1;
	if (q < qe || qp)
		return -1;
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	const ww_av_member *x = *(const ww_av_member *const *)a,
			   *y = *(const ww_av_member *const *)b;

	return utf16_cmp(x->name, y->name);
}

static void canon(ww_buf *out, const ww_av *av)
{
	size_t i;
	double x;
	char t[32];

	switch (av->type) {
	case WW_AV_NULL:
		ww_buf_puts(out, "null");
		break;
	case WW_AV_BOOL:
		ww_buf_puts(out, av->boolean ? "true" : "false");
		break;
	case WW_AV_S:
	case WW_AV_B:
		ww_buf_put_json_string(out, av->str, av->len);
		break;
	case WW_AV_N:
		if (ww_num_parse(av->str, &x)) {
			ww_buf_put(out, av->str, av->len);
		} else {
			ww_num_format(x, t);
			ww_buf_puts(out, t);
		}
		break;
	case WW_AV_M: {
		const ww_av_member **v = ww_xmalloc((av->n + 1) * sizeof(*v));
		for (i = 0; i < av->n; i++)
			v[i] = &av->members[i];
		qsort(v, av->n, sizeof(*v), member_cmp);
		ww_buf_putc(out, '{');
		for (i = 0; i < av->n; i++) {
			if (i)
				ww_buf_putc(out, ',');
			ww_buf_put_json_string(out, v[i]->name, strlen(v[i]->name));
			ww_buf_putc(out, ':');
			canon(out, &v[i]->value);
		}
		ww_buf_putc(out, '}');
		free(v);
		break;
	}
	case WW_AV_L:
	case WW_AV_SS:
	case WW_AV_NS:
	case WW_AV_BS:
		ww_buf_putc(out, '[');
		for (i = 0; i < av->n; i++) {
			if (i)
				ww_buf_putc(out, ',');
			canon(out, &av->members[i].value);
		}
		ww_buf_putc(out, ']');
		break;
	}
}

void ww_av_canonical(const ww_av *item, ww_buf *out)
{
	canon(out, item);
}

void ww_av_hash(const ww_av *item, char hex_out[65])
{
	ww_buf b = WW_BUF_INIT;

	canon(&b, item);
	ww_sha256_hex(b.ptr ? b.ptr : "", b.len, hex_out);
	ww_buf_release(&b);
}

/* The canonical form written straight from the parsed body, without the
 * marshalled item in between: the same members (kept_field), values and
 * order as canon() of ww_def_marshal's item, byte for byte
 * (tests/unit/models/test_defs.c compares the two), but no attribute values
 * to allocate and free and no number text to parse back and print again
 * (ww_num_format's text reads back as the same double). Kept member names
 * are field names, plain ASCII, where UTF-16 order is byte order. */
static void canon_json_value(ww_buf *out, const ww_json *v, const ww_field *f);

typedef struct {
	const ww_json *v;
	const ww_field *f;
} kept_member;

static void canon_json_object(ww_buf *out, const ww_json *obj, const ww_model *m)
{
	kept_member local[32], *kept = local;
	const ww_json *v;
	const ww_field *f;
	size_t n = 0, i, j;

	if (obj->len > sizeof(local) / sizeof(local[0]))
		kept = ww_xmalloc(obj->len * sizeof(*kept));
	for (v = obj->child; v; v = v->next) {
		if (!(f = kept_field(v, m)))
			continue;
		/* Insertion sort: a handful of members, mostly in order. */
		for (j = n; j > 0 && strcmp(kept[j - 1].v->key, v->key) > 0; j--)
			kept[j] = kept[j - 1];
		kept[j].v = v;
		kept[j].f = f;
		n++;
	}
	ww_buf_putc(out, '{');
	for (i = 0; i < n; i++) {
		if (i)
			ww_buf_putc(out, ',');
		ww_buf_put_json_string(out, kept[i].v->key, kept[i].v->key_len);
		ww_buf_putc(out, ':');
		canon_json_value(out, kept[i].v, kept[i].f);
	}
	ww_buf_putc(out, '}');
	if (kept != local)
		free(kept);
}

/*
 * The canonical text of a number written with at most 15 significant
 * digits, taken from those digits: a decimal of at most 15 digits reads
 * back from its double at 15 digits (DBL_DIG, normal doubles), so they are
 * the shortest digits ww_num_format would find with printf and strtod, and
 * this lays them out as it does. Returns the length, or 0 where the
 * shortcut does not hold (then ww_num_format decides). Called while the
 * input the number was read from is still there.
 */
static int canon_number(const ww_json *v, char out[32])
{
	const char *p = v->text, *end = v->text + v->text_len;
	char d[48];
	int k = 0, len = 0, n, intlen = 0, pos = 0, first = -1, point = 0;
	long e = 0;

	if (!p || v->digits > 15 || !(fabs(v->num) >= DBL_MIN) || isinf(v->num))
		return 0;
	if (*p == '-')
		p++;
	for (; p < end && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.') {
			point = 1;
			continue;
		}
		if (!point)
			intlen++;
		if (first < 0 && *p != '0')
			first = pos;
		if (first >= 0) {
			if (k == (int)sizeof(d))
				return 0;
			d[k++] = *p;
		}
		pos++;
	}
	if (p < end) {
		int neg = 0;
		p++;
		if (*p == '+' || *p == '-')
			neg = *p++ == '-';
		for (; p < end; p++)
			if (e < 100000)
				e = e * 10 + (*p - '0');
		if (neg)
			e = -e;
	}
	while (k > 0 && d[k - 1] == '0')
		k--;
	if (first < 0 || k != (int)v->digits || e > 1000 || e < -1000)
		return 0;
	n = intlen - first + (int)e;
	if (v->num < 0)
		out[len++] = '-';
	return len + ww_num_layout(out + len, d, k, n);
}

static void canon_json_value(ww_buf *out, const ww_json *v, const ww_field *f)
{
	const ww_json *e;
	char t[32];
	int first = 1;

	switch (v->type) {
	case WW_JSON_STRING:
		ww_buf_put_json_string(out, v->str, v->len);
		break;
	case WW_JSON_NUMBER: {
		int n = canon_number(v, t);
		ww_buf_put(out, t, (size_t)(n ? n : ww_num_format(v->num, t)));
		break;
	}
	case WW_JSON_TRUE:
		ww_buf_puts(out, "true");
		break;
	case WW_JSON_FALSE:
		ww_buf_puts(out, "false");
		break;
	case WW_JSON_OBJECT:
		canon_json_object(out, v, f->model);
		break;
	case WW_JSON_ARRAY:
		ww_buf_putc(out, '[');
		for (e = v->child; e; e = e->next) {
			if (f->type == WW_F_STATE_VALUE ? e->type != WW_JSON_STRING
							: !type_matches(e, f->item))
				continue;
			if (!first)
				ww_buf_putc(out, ',');
			first = 0;
			if (f->type != WW_F_STATE_VALUE && f->item == WW_F_OBJECT)
				canon_json_object(out, e, f->model);
			else
				ww_buf_put_json_string(out, e->str ? e->str : "", e->len);
		}
		ww_buf_putc(out, ']');
		break;
	case WW_JSON_NULL:
		ww_buf_puts(out, "null");
		break;
	}
}

void ww_def_canonical(const ww_def *d, ww_buf *out)
{
	const char *text;
	size_t len;

	ww_def_canonical_view(d, &text, &len);
	ww_buf_put(out, text, len);
}

void ww_def_canonical_view(const ww_def *d, const char **text, size_t *len)
{
	/* without keep_bodies nothing of the definition's value is kept */
	*text = d->canon ? d->canon : "{}";
	*len = d->canon ? d->canon_len : 2;
}

const unsigned char *ww_def_digest(const ww_def *d)
{
	return d->canon ? d->hash : NULL;
}

void ww_def_hash(const ww_def *d, char hex_out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char empty[32];
	const unsigned char *h = d->hash;
	int i;

	if (!d->canon) {
		ww_sha256 sha;
		ww_sha256_init(&sha);
		ww_sha256_update(&sha, "{}", 2);
		ww_sha256_final(&sha, empty);
		h = empty;
	}
	for (i = 0; i < 32; i++) {
		hex_out[2 * i] = hex[h[i] >> 4];
		hex_out[2 * i + 1] = hex[h[i] & 15];
	}
	hex_out[64] = '\0';
}

void ww_defs_schema(ww_buf *out)
{
	ww_schema_write(out);
}
