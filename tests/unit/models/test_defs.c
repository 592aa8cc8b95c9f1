#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/av.h"
#include "common/buf.h"
#include "common/num.h"
#include "models/defs.h"

static void read_file(const char *path, ww_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(out, chunk, n);
	fclose(f);
}

/* The four seed files, each an array of its kind, kept. */
static ww_defset *load_seeds(void)
{
	ww_defs_options o = { 1, 1 };
	ww_defset *s = ww_defset_new(&o);
	int k;

	for (k = 0; k < WW_KIND_COUNT; k++) {
		ww_buf data = WW_BUF_INIT;
		char path[64];
		snprintf(path, sizeof(path), "seeds/%s.json", ww_kind_plural((ww_kind)k));
		read_file(path, &data);
		assert_int_equal(ww_defset_add_document(s, path, data.ptr, data.len, k), 0);
		ww_buf_release(&data);
	}
	ww_defset_finish(s);
	return s;
}

static const ww_def *find(const ww_defset *s, ww_kind k, const char *id)
{
	size_t i;

	for (i = 0; i < ww_defset_count(s, k); i++)
		if (!strcmp(ww_def_id(ww_defset_get(s, k, i)), id))
			return ww_defset_get(s, k, i);
	fail_msg("no %s '%s'", ww_kind_name(k), id);
	return NULL;
}

static void test_defs_seeds_are_valid(void **state)
{
	ww_defset *s = load_seeds();

	(void)state;
	assert_int_equal(ww_defset_diags(s)->count[WW_SEV_ERROR], 0);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 15);
	assert_int_equal(ww_defset_count(s, WW_KIND_SCRATCHER), 6);
	assert_int_equal(ww_defset_count(s, WW_KIND_TICKET), 8);
	assert_int_equal(ww_defset_count(s, WW_KIND_STORE), 3);
	assert_string_equal(ww_def_file(find(s, WW_KIND_TICKET, "grid")), "seeds/tickets.json");
	ww_defset_free(s);
}

/* Rewrites every number the way another client might send it back
 * ("%.17g", exponent form), which must not change the hash. */
static void renumber(ww_av *av)
{
	size_t i;

	if (av->type == WW_AV_N) {
		double x;
		char t[64];
		assert_int_equal(ww_num_parse(av->str, &x), 0);
		snprintf(t, sizeof(t), "%.17e", x);
		ww_av_set_n(av, t);
	}
	for (i = 0; i < av->n; i++)
		renumber(&av->members[i].value);
}

static void test_defs_item_hash_equals_definition_hash_for_every_seed(void **state)
{
	ww_defset *s = load_seeds();
	int k;

	(void)state;
	for (k = 0; k < WW_KIND_COUNT; k++) {
		size_t i;
		for (i = 0; i < ww_defset_count(s, k); i++) {
			const ww_def *d = ww_defset_get(s, k, i);
			ww_av item = WW_AV_INIT;
			char h1[65], h2[65], h3[65];
			ww_def_hash(d, h1);
			ww_def_marshal(d, &item);
			ww_av_hash(&item, h2);
			renumber(&item);
			ww_av_hash(&item, h3);
			assert_string_equal(h1, h2);
			assert_string_equal(h1, h3);
			assert_int_equal(strlen(h1), 64);
			ww_av_release(&item);
		}
	}
	ww_defset_free(s);
}

/* The frontend's own export and the split seeds are the same definitions. */
static void test_defs_export_hashes_equal_seed_hashes(void **state)
{
	ww_defs_options o = { 1, 1 };
	ww_defset *e = ww_defset_new(&o), *s = load_seeds();
	ww_buf data = WW_BUF_INIT;
	const char *shared = getenv("WWSEED_SHARED");
	char path[512];
	int k;

	(void)state;
	snprintf(path, sizeof(path), "%s/game-data/frontend-export.json", shared ? shared : "../shared");
	read_file(path, &data);
	assert_int_equal(ww_defset_add_document(e, path, data.ptr, data.len, -1), 0);
	ww_defset_finish(e);
	assert_int_equal(ww_defset_diags(e)->n, 0);
	for (k = 0; k < WW_KIND_COUNT; k++) {
		size_t i;
		assert_int_equal(ww_defset_count(e, k), ww_defset_count(s, k));
		for (i = 0; i < ww_defset_count(e, k); i++) {
			char a[65], b[65];
			ww_def_hash(ww_defset_get(e, k, i), a);
			ww_def_hash(ww_defset_get(s, k, i), b);
			assert_string_equal(a, b);
		}
	}
	ww_buf_release(&data);
	ww_defset_free(e);
	ww_defset_free(s);
}

static void test_defs_marshal_keeps_numbers_and_native_types(void **state)
{
	ww_defset *s = load_seeds();
	ww_av item = WW_AV_INIT;
	const ww_av *areas, *a0, *bc;

	(void)state;
	ww_def_marshal(find(s, WW_KIND_TICKET, "goblin-gold"), &item);
	assert_int_equal(item.type, WW_AV_M);
	assert_string_equal(ww_av_map_get_str(&item, "id"), "goblin-gold");
	assert_int_equal(ww_av_map_get(&item, "goldCost")->type, WW_AV_N);
	areas = ww_av_map_get(&item, "scratchAreas");
	assert_int_equal(areas->type, WW_AV_L);
	a0 = &areas->members[0].value;
	assert_int_equal(a0->type, WW_AV_M);
	assert_string_equal(ww_av_map_get_str(a0, "topPercent"), "0.6018822594026548");
	assert_string_equal(ww_av_map_get_str(a0, "leftPercent"), "0.0802980132450331");
	assert_null(ww_av_map_get(&item, "targetPrizeId")); /* optional and absent */
	ww_av_release(&item);

	ww_def_marshal(find(s, WW_KIND_TICKET, "betting-example"), &item);
	bc = ww_av_map_get(&item, "bettingConfig");
	assert_int_equal(ww_av_map_get(bc, "enabled")->type, WW_AV_BOOL);
	assert_int_equal(ww_av_map_get(bc, "enabled")->boolean, 1);
	ww_av_release(&item);
	ww_defset_free(s);
}

/* The canonical form: members sorted, numbers as JavaScript prints them. */
static void test_defs_canonical_is_sorted_and_exact(void **state)
{
	ww_defset *s = load_seeds();
	ww_buf c = WW_BUF_INIT;

	(void)state;
	ww_def_canonical(find(s, WW_KIND_PRIZE, "hand-prior-multiply"), &c);
	assert_string_equal(ww_buf_cstr(&c),
			    "{\"effects\":{\"handEffect\":{\"amount\":1.5,\"operation\":\"multiply\","
			    "\"target\":\"prior\"}},\"emoji\":\"\xe2\x9a\xa1\",\"id\":\"hand-prior-multiply\","
			    "\"name\":\"Prior Boost\",\"value\":\"\xc3\x97" "1.5 Prior\"}");
	ww_buf_release(&c);
	ww_defset_free(s);
}

static ww_defset *one(const char *json, int strict, int keep)
{
	ww_defs_options o = { strict, keep };
	ww_defset *s = ww_defset_new(&o);

	ww_defset_add_document(s, "t.json", json, strlen(json), -1);
	ww_defset_finish(s);
	return s;
}

/* ww_def_canonical writes straight from the parsed body and ww_def_hash
 * keeps its first answer: both must equal the canonical form and hash of
 * the marshalled item, before and after either is first asked for. */
static void expect_canonical_matches_marshalled(const ww_defset *s)
{
	int k;
	size_t i;

	for (k = 0; k < WW_KIND_COUNT; k++) {
		for (i = 0; i < ww_defset_count(s, (ww_kind)k); i++) {
			const ww_def *d = ww_defset_get(s, (ww_kind)k, i);
			ww_buf direct = WW_BUF_INIT, again = WW_BUF_INIT, via = WW_BUF_INIT;
			ww_av item = WW_AV_INIT;
			char h0[65], h1[65], h2[65];

			if (i % 2)
				ww_def_hash(d, h0); /* hash first, then canonical */
			ww_buf_puts(&direct, "x");  /* appends after what is there */
			ww_def_canonical(d, &direct);
			ww_def_canonical(d, &again);
			ww_def_marshal(d, &item);
			ww_av_canonical(&item, &via);
			ww_av_hash(&item, h1);
			ww_def_hash(d, h2);
			if (!(i % 2))
				memcpy(h0, h2, sizeof(h0));
			assert_string_equal(ww_buf_cstr(&direct) + 1, ww_buf_cstr(&via));
			assert_string_equal(ww_buf_cstr(&again), ww_buf_cstr(&via));
			assert_string_equal(h1, h2);
			assert_string_equal(h0, h2);
			ww_av_release(&item);
			ww_buf_release(&direct);
			ww_buf_release(&again);
			ww_buf_release(&via);
		}
	}
}

static void test_defs_canonical_from_body_equals_marshalled(void **state)
{
	/* unknown, duplicate and wrongly typed members are dropped alike;
	 * members out of order; numbers in several spellings */
	static const char doc[] =
	    "{\"scratchers\":[{\"symbol\":\"x\",\"id\":\"coin\",\"name\":\"C\","
	    "\"description\":\"d \\u00e9\\n\",\"scratchRadius\":2.50e1,\"zz\":1,"
	    "\"name\":\"dup\",\"scratchRadius2\":true}],"
	    "\"prizes\":[{\"value\":\"v\",\"name\":7,\"id\":\"p\",\"emoji\":\"x\","
	    "\"effects\":{\"stateEffects\":[{\"value\":1E-7,\"key\":\"k\"},"
	    "{\"key\":\"k\",\"value\":[\"a\",1,\"b\"]},3]}}]}";
	ww_defset *s = load_seeds();

	(void)state;
	expect_canonical_matches_marshalled(s);
	ww_defset_free(s);
	s = one(doc, 0, 1);
	assert_int_equal(ww_defset_count(s, WW_KIND_SCRATCHER), 1);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 1);
	expect_canonical_matches_marshalled(s);
	ww_defset_free(s);
}

static void test_defs_unknown_field_warns_or_fails_when_strict(void **state)
{
	static const char doc[] = "{\"scratchers\":[{\"id\":\"coin\",\"name\":\"C\",\"description\":\"d\","
				  "\"symbol\":\"x\",\"scratchRadius\":25,\"scratchradius2\":1}]}";
	ww_defset *s = one(doc, 0, 1);
	ww_av item = WW_AV_INIT;
	const ww_diag *g;

	(void)state;
	g = &ww_defset_diags(s)->items[0];
	assert_int_equal(ww_defset_diags(s)->n, 1);
	assert_int_equal(g->severity, WW_SEV_WARNING);
	assert_string_equal(g->code, "unknown-field");
	assert_string_equal(g->path, "/scratchers/0/scratchradius2");
	assert_int_equal(g->column, 90);
	/* unknown fields are not imported */
	ww_def_marshal(ww_defset_get(s, WW_KIND_SCRATCHER, 0), &item);
	assert_null(ww_av_map_get(&item, "scratchradius2"));
	assert_int_equal(item.n, 5);
	ww_av_release(&item);
	ww_defset_free(s);

	s = one(doc, 1, 1);
	assert_int_equal(ww_defset_diags(s)->items[0].severity, WW_SEV_ERROR);
	ww_defset_free(s);
}

/* JSON Lines without bodies: only ids and references are kept, and the
 * checks across definitions still run. */
static void test_defs_lines_without_bodies_check_references(void **state)
{
	ww_defs_options o = { 0, 0 };
	ww_defset *s = ww_defset_new(&o);
	static const char t1[] = "{\"id\":\"t1\",\"name\":\"T\",\"description\":\"d\",\"scratchAreas\":"
				 "[{\"id\":\"a\",\"topPercent\":0,\"leftPercent\":0,\"widthPercent\":1,"
				 "\"heightPercent\":1,\"canvasWidth\":1,\"canvasHeight\":1,\"revealThreshold\":5}],"
				 "\"revealMechanic\":\"independent\",\"winCondition\":\"match-two\",\"ticketWidth\":1,"
				 "\"ticketHeight\":1,\"prizeConfigs\":[{\"prizeId\":\"p1\",\"weight\":1},"
				 "{\"prizeId\":\"p2\",\"weight\":1}]}";
	static const char p1[] = "{\"id\":\"p1\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}";
	const ww_diags *d;

	(void)state;
	assert_int_equal(ww_defset_add_line(s, "tickets.jsonl", 7, t1, strlen(t1), WW_KIND_TICKET), 0);
	assert_int_equal(ww_defset_add_line(s, "prizes.jsonl", 1, p1, strlen(p1), WW_KIND_PRIZE), 0);
	ww_defset_finish(s);
	d = ww_defset_diags(s);
	assert_null(ww_defset_get(s, WW_KIND_TICKET, 0));
	assert_int_equal(ww_defset_count(s, WW_KIND_TICKET), 1);
	assert_int_equal(d->count[WW_SEV_ERROR], 1);
	assert_string_equal(d->items[d->n - 1].code, "ref-prize");
	assert_string_equal(d->items[d->n - 1].file, "tickets.jsonl");
	assert_int_equal(d->items[d->n - 1].line, 7);
	assert_string_equal(d->items[d->n - 1].path, "/prizeConfigs/1/prizeId");
	ww_defset_free(s);
}

static void test_defs_kind_names(void **state)
{
	(void)state;
	assert_int_equal(ww_kind_parse("tickets"), WW_KIND_TICKET);
	assert_int_equal(ww_kind_parse("store"), WW_KIND_STORE);
	assert_int_equal(ww_kind_parse("ticket-layouts"), -1);
	assert_string_equal(ww_kind_plural(WW_KIND_SCRATCHER), "scratchers");
}

static void test_defs_formats(void **state)
{
	static const char doc[] = "{\"prizes\":[{\"id\":\"Bad,Id\",\"name\":\"P\",\"value\":\"v\","
				  "\"emoji\":\"<x>\",\"effects\":{\"achievementId\":\"jackpo\"}}]}";
	ww_defset *s = one(doc, 0, 0);
	ww_buf b = WW_BUF_INIT;

	(void)state;
	ww_diags_format(&b, ww_defset_diags(s), "text", 0);
	assert_string_equal(ww_buf_cstr(&b),
			    "t.json:1:18: error[id-format]: prize id 'Bad,Id' is not lowercase kebab-case; expected letters a-z, digits and single '-' between them [/prizes/0/id]\n"
			    "  hint: did you mean 'bad-id'?\n"
			    "t.json:1:91: error[ref-achievement]: achievement 'jackpo' does not exist; expected one of: first-scratch, gold-hoarder, lucky-streak, scratch-master, scratch-legend, big-winner, jackpot, collector, ticket-variety, dedicated-player [/prizes/0/effects/achievementId]\n"
			    "  hint: did you mean 'jackpot'?\n");
	ww_buf_clear(&b);
	ww_diags_format(&b, ww_defset_diags(s), "github", 0);
	assert_non_null(strstr(ww_buf_cstr(&b), "::error file=t.json,line=1,col=18,title=id-format::prize id 'Bad,Id' is"));
	assert_non_null(strstr(ww_buf_cstr(&b), "%0Ahint: did you mean 'bad-id'?\n"));
	ww_buf_clear(&b);
	ww_diags_format(&b, ww_defset_diags(s), "junit", 0);
	assert_non_null(strstr(ww_buf_cstr(&b), "<failure type=\"id-format\" message=\"prize id &apos;Bad,Id&apos;"));
	ww_buf_clear(&b);
	ww_diags_format(&b, ww_defset_diags(s), "json", 0);
	assert_non_null(strstr(ww_buf_cstr(&b), "\"summary\":{\"errors\":2,\"warnings\":0,\"infos\":0}}"));
	assert_true(ww_diags_format_valid("junit"));
	assert_false(ww_diags_format_valid("xml"));
	ww_buf_release(&b);
	ww_defset_free(s);
}

/* The item is read back from the kept canonical text: every escape the
 * canonical form writes, numbers in their canonical text, dropped members
 * and elements stay dropped. */
static void test_defs_marshal_from_canonical_text(void **state)
{
	static const char doc[] =
	    "{\"prizes\":[{\"value\":\"v\\u0001\\t\\n\\\"\\\\\\/ \\u00e9\",\"name\":7,\"id\":\"p\","
	    "\"emoji\":\"x\",\"zz\":null,\"effects\":{\"stateEffects\":[{\"value\":1E-7,"
	    "\"key\":\"k\"},{\"key\":\"k\",\"value\":[\"a\",1,\"b\"]},3,{\"key\":\"n\","
	    "\"value\":-0.0},{\"key\":\"m\",\"value\":2.50e21}]}}]}";
	ww_defset *s = one(doc, 0, 1);
	const ww_av *se, *v;
	ww_av item = WW_AV_INIT;
	const char *text;
	size_t len;

	(void)state;
	ww_def_marshal(ww_defset_get(s, WW_KIND_PRIZE, 0), &item);
	assert_int_equal(item.n, 4); /* id, value, emoji, effects */
	v = ww_av_map_get(&item, "value");
	assert_int_equal(v->type, WW_AV_S);
	assert_int_equal(v->len, 10);
	assert_memory_equal(v->str, "v\x01\t\n\"\\/ \xc3\xa9", 10);
	assert_null(ww_av_map_get(&item, "name"));
	se = ww_av_map_get(ww_av_map_get(&item, "effects"), "stateEffects");
	assert_int_equal(se->type, WW_AV_L);
	assert_int_equal(se->n, 4); /* the 3 is dropped */
	assert_string_equal(ww_av_map_get_str(&se->members[0].value, "value"), "1e-7");
	assert_int_equal(ww_av_map_get(&se->members[0].value, "value")->type, WW_AV_N);
	v = ww_av_map_get(&se->members[1].value, "value");
	assert_int_equal(v->type, WW_AV_L);
	assert_int_equal(v->n, 2);
	assert_string_equal(v->members[1].value.str, "b");
	assert_string_equal(ww_av_map_get_str(&se->members[2].value, "value"), "0");
	assert_string_equal(ww_av_map_get_str(&se->members[3].value, "value"), "2.5e+21");
	ww_def_canonical_view(ww_defset_get(s, WW_KIND_PRIZE, 0), &text, &len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "\"value\":\"v\\u0001\\t\\n\\\"\\\\/ \xc3\xa9\""));
	ww_av_release(&item);
	ww_defset_free(s);
}

/* Everything a set records from `data` (diagnostics as text, then each
 * definition's id and canonical text), after `before` (prizes) and `other`
 * (tickets) were added whole. */
static void record(ww_buf *out, const char *before, const char *other, const char *data,
		   size_t step)
{
	ww_defs_options o = { 0, 1 };
	ww_defset *s = ww_defset_new(&o);
	size_t len = strlen(data), i;
	int k;

	ww_defset_add_document(s, "prizes.json", before, strlen(before), WW_KIND_PRIZE);
	ww_defset_add_document(s, "a-tickets.json", other, strlen(other), WW_KIND_TICKET);
	if (!step) {
		ww_defset_add_document(s, "tickets.json", data, len, WW_KIND_TICKET);
	} else {
		size_t start = 0, have = 0, used;
		int r;
		ww_defset_feed_begin(s, "tickets.json", WW_KIND_TICKET);
		do {
			have = have + step < len ? have + step : len;
			r = ww_defset_feed(s, data + start, have - start, have == len, &used);
			start += used;
		} while (r == 1);
		if (r == 2)
			ww_defset_add_document(s, "tickets.json", data, len, WW_KIND_TICKET);
	}
	ww_defset_finish(s);
	ww_diags_format(out, ww_defset_diags(s), "text", 0);
	for (k = 0; k < WW_KIND_COUNT; k++)
		for (i = 0; i < ww_defset_count(s, (ww_kind)k); i++) {
			const ww_def *d = ww_defset_get(s, (ww_kind)k, i);
			ww_buf_printf(out, "%s %u ", ww_def_id(d), ww_def_line(d));
			ww_def_canonical(d, out);
			ww_buf_putc(out, '\n');
		}
	ww_defset_free(s);
}

/* An array fed in pieces records what the whole document does, and when
 * the file turns out broken after some elements, what a failed parse
 * does: only the parse's own diagnostics, and no definition, reference
 * or use of another file's definition from it. */
static void test_defs_feed_in_pieces_equals_whole_document(void **state)
{
	static const char prizes[] = "[{\"id\":\"p1\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"},"
				     "{\"id\":\"p2\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}]";
	/* t0's references resolve at once (p1 is marked used then), t1's wait;
	 * t9, in another file, uses p2 */
	static const char t[] =
	    "{\"id\":\"%s\",\"name\":\"T\",\"description\":\"d\",\"scratchAreas\":"
	    "[{\"id\":\"a\",\"topPercent\":0,\"leftPercent\":0,\"widthPercent\":1,"
	    "\"heightPercent\":1,\"canvasWidth\":1,\"canvasHeight\":1,\"revealThreshold\":5}],"
	    "\"revealMechanic\":\"independent\",\"winCondition\":\"match-two\",\"ticketWidth\":1,"
	    "\"ticketHeight\":1,\"prizeConfigs\":["
	    "{\"prizeId\":\"%s\",\"weight\":1}%s],\"zz\":1}";
	const char *tails[] = {"]", "]\n  ", "] x", ",", ", {\"id\":\"t2\",\"id\":\"t3\"}", ""};
	size_t i, step;

	(void)state;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		ww_buf doc = WW_BUF_INIT, want = WW_BUF_INIT, other = WW_BUF_INIT;
		ww_buf_puts(&doc, "[\n ");
		ww_buf_printf(&doc, t, "t0", "p1", "");
		ww_buf_puts(&doc, ",\n ");
		ww_buf_printf(&doc, t, "t1", "p1", ",{\"prizeId\":\"p3\",\"weight\":1}");
		ww_buf_printf(&doc, ",\n{\"id\":\"t1\",\"id\":1}%s", tails[i]);
		ww_buf_putc(&other, '[');
		ww_buf_printf(&other, t, "t9", "p2", "");
		ww_buf_putc(&other, ']');
		record(&want, prizes, ww_buf_cstr(&other), ww_buf_cstr(&doc), 0);
		for (step = 1; step < doc.len + 2; step += step < 40 ? 1 : 97) {
			ww_buf got = WW_BUF_INIT;
			record(&got, prizes, ww_buf_cstr(&other), ww_buf_cstr(&doc), step);
			if (strcmp(ww_buf_cstr(&got), ww_buf_cstr(&want)))
				fail_msg("tail '%s' in steps of %zu:\n%swant\n%s", tails[i], step,
					 ww_buf_cstr(&got), ww_buf_cstr(&want));
			ww_buf_release(&got);
		}
		ww_buf_release(&doc);
		ww_buf_release(&want);
		ww_buf_release(&other);
	}
}

/* Numbers in canonical form come from their own digits when they have at
 * most 15; whatever the spelling, the text is ww_num_format's. */
static void test_defs_canonical_numbers_equal_num_format(void **state)
{
	unsigned long seed = 12345;
	int round;

	(void)state;
	for (round = 0; round < 40; round++) {
		ww_buf doc = WW_BUF_INIT, c = WW_BUF_INIT;
		char texts[500][64];
		const char *p;
		ww_defset *s;
		int i;

		ww_buf_puts(&doc, "{\"prizes\":[{\"id\":\"p\",\"name\":\"P\",\"value\":\"v\","
				  "\"emoji\":\"x\",\"effects\":{\"stateEffects\":[");
		for (i = 0; i < 500; i++) {
			char *t = texts[i];
			int len = 0, ndig, point, j, lead, trail;
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			ndig = 1 + (int)((seed >> 33) % 18);
			point = (int)((seed >> 40) % (unsigned long)(ndig + 1));
			lead = (seed >> 45) & 1 ? (int)((seed >> 46) % 9) : 0;
			trail = (seed >> 50) & 1 ? (int)((seed >> 51) % 5) : 0;
			if ((seed >> 56) & 1)
				t[len++] = '-';
			if (lead || !point) {
				t[len++] = '0';
				t[len++] = '.';
				for (j = 0; j < lead; j++)
					t[len++] = '0';
				point = -1;
			}
			for (j = 0; j < ndig; j++) {
				seed = seed * 6364136223846793005ul + 1442695040888963407ul;
				if (j == point)
					t[len++] = '.';
				t[len++] = (char)('0' + (j == 0 ? 1 + (seed >> 33) % 9 : (seed >> 33) % 10));
			}
			if (point == ndig || (point > 0 && trail))
				t[len++] = point == ndig ? '.' : '0';
			if (t[len - 1] == '.')
				t[len++] = '0';
			for (j = 0; j < trail && point != -1; j++)
				t[len++] = '0';
			if ((seed >> 60) & 1)
				len += sprintf(t + len, "e%s%d", (seed >> 61) & 1 ? "-" : "+",
					       (int)((seed >> 20) % 290));
			t[len] = '\0';
			ww_buf_printf(&doc, "%s{\"value\":%s}", i ? "," : "", t);
		}
		ww_buf_puts(&doc, "]}}]}");
		s = one(ww_buf_cstr(&doc), 0, 1);
		assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 1);
		ww_def_canonical(ww_defset_get(s, WW_KIND_PRIZE, 0), &c);
		p = ww_buf_cstr(&c);
		for (i = 0; i < 500; i++) {
			char want[32];
			const char *q;
			p = strstr(p, "{\"value\":");
			assert_non_null(p);
			p += 9;
			q = strchr(p, '}');
			ww_num_format(strtod(texts[i], NULL), want);
			if (strlen(want) != (size_t)(q - p) || memcmp(want, p, strlen(want)))
				fail_msg("%s: canonical %.*s, want %s", texts[i], (int)(q - p), p, want);
		}
		ww_buf_release(&c);
		ww_buf_release(&doc);
		ww_defset_free(s);
	}
}

/* The export shape fed in pieces records what the whole document does:
 * unknown, duplicate and wrongly typed members, and a file broken after
 * some definitions. */
static void test_defs_feed_export_in_pieces_equals_whole_document(void **state)
{
	static const char body[] =
	    "{\"prize\": [1],\n \"prizes\": [{\"id\":\"p1\",\"name\":\"P\",\"value\":\"v\","
	    "\"emoji\":\"x\",\"zz\":1}, {\"id\":\"p1\",\"id\":2}],\n \"stores\": null,\n"
	    " \"prizes\": [{\"id\":\"p2\",\"q\":{\"a\":1,\"a\":2}}],\n \"tickets\": [\n  "
	    "{\"id\":\"t1\",\"prizeConfigs\":[{\"prizeId\":\"p1\",\"weight\":1},"
	    "{\"prizeId\":\"p3\",\"weight\":0}]}]";
	const char *tails[] = {"}", "}\n", "} x", ",", ", \"x\": {\"a\":1,\"a\":1}}", ""};
	size_t i, step;

	(void)state;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		ww_buf doc = WW_BUF_INIT, want = WW_BUF_INIT;
		ww_buf_printf(&doc, "%s%s", body, tails[i]);
		for (step = 0; step < doc.len + 2; step += step < 40 ? 1 : 53) {
			ww_defs_options o = { 0, 1 };
			ww_defset *s = ww_defset_new(&o);
			ww_buf got = WW_BUF_INIT;
			size_t k, j;
			if (!step) {
				ww_defset_add_document(s, "e.json", doc.ptr, doc.len, -1);
			} else {
				size_t start = 0, have = 0, used;
				int r;
				ww_defset_feed_begin(s, "e.json", -1);
				do {
					have = have + step < doc.len ? have + step : doc.len;
					r = ww_defset_feed(s, doc.ptr + start, have - start,
							   have == doc.len, &used);
					start += used;
				} while (r == 1);
				if (r == 2)
					ww_defset_add_document(s, "e.json", doc.ptr, doc.len, -1);
			}
			ww_defset_finish(s);
			ww_diags_format(&got, ww_defset_diags(s), "text", 0);
			for (k = 0; k < WW_KIND_COUNT; k++)
				for (j = 0; j < ww_defset_count(s, (ww_kind)k); j++) {
					ww_def_canonical(ww_defset_get(s, (ww_kind)k, j), &got);
					ww_buf_putc(&got, '\n');
				}
			if (!step)
				ww_buf_put(&want, got.ptr, got.len);
			else if (strcmp(ww_buf_cstr(&got), ww_buf_cstr(&want)))
				fail_msg("tail '%s' in steps of %zu:\n%swant\n%s", tails[i], step,
					 ww_buf_cstr(&got), ww_buf_cstr(&want));
			ww_buf_release(&got);
			ww_defset_free(s);
		}
		ww_buf_release(&doc);
		ww_buf_release(&want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defs_seeds_are_valid),
		cmocka_unit_test(test_defs_item_hash_equals_definition_hash_for_every_seed),
		cmocka_unit_test(test_defs_export_hashes_equal_seed_hashes),
		cmocka_unit_test(test_defs_marshal_keeps_numbers_and_native_types),
		cmocka_unit_test(test_defs_canonical_is_sorted_and_exact),
		cmocka_unit_test(test_defs_canonical_from_body_equals_marshalled),
		cmocka_unit_test(test_defs_unknown_field_warns_or_fails_when_strict),
		cmocka_unit_test(test_defs_lines_without_bodies_check_references),
		cmocka_unit_test(test_defs_kind_names),
		cmocka_unit_test(test_defs_formats),
		cmocka_unit_test(test_defs_marshal_from_canonical_text),
		cmocka_unit_test(test_defs_feed_in_pieces_equals_whole_document),
		cmocka_unit_test(test_defs_canonical_numbers_equal_num_format),
		cmocka_unit_test(test_defs_feed_export_in_pieces_equals_whole_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
