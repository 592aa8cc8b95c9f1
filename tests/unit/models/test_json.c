#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "models/json.h"

static int dups;
static unsigned dup_line, dup_col;
static void on_dup(void *ctx, const ww_json *m, const ww_json *first)
{
	(void)ctx;
	(void)first;
	dups++;
	dup_line = m->key_line;
	dup_col = m->key_column;
}

static int parse(ww_json_doc *doc, const char *s, size_t len, ww_json_error *err)
{
	dups = 0;
	return ww_json_parse(doc, s, len, 1, err, on_dup, NULL);
}

static void expect_error(const char *s, size_t len, const char *code, unsigned line, unsigned col)
{
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;

	assert_int_equal(parse(&doc, s, len, &err), -1);
	assert_string_equal(err.code, code);
	if (err.line != line || err.column != col)
		fail_msg("%s: error at %u:%u, want %u:%u (%s)", s, err.line, err.column, line, col,
			 err.message);
	assert_null(doc.root);
}

static void test_json_positions_count_characters(void **state)
{
	static const char s[] = "{\n  \"a\": [1, \"\xf0\x9f\xaa\x99\", true],\n\t\"b\": null\n}";
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;
	const ww_json *a, *b, *e;

	(void)state;
	assert_int_equal(parse(&doc, s, strlen(s), &err), 0);
	a = ww_json_get(doc.root, "a");
	assert_int_equal(a->line, 2);
	assert_int_equal(a->column, 8);
	assert_int_equal(a->key_column, 3);
	e = a->child->next->next; /* after the emoji: one column for four bytes */
	assert_int_equal(e->type, WW_JSON_TRUE);
	assert_int_equal(e->column, 17);
	b = ww_json_get(doc.root, "b");
	assert_int_equal(b->line, 3);
	assert_int_equal(b->column, 7);
	assert_int_equal(a->child->next->len, 4);
	ww_json_doc_release(&doc);
}

static void test_json_bom_is_skipped(void **state)
{
	static const char s[] = "\xef\xbb\xbf[7]";
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;

	(void)state;
	assert_int_equal(parse(&doc, s, strlen(s), &err), 0);
	assert_int_equal(doc.root->column, 1);
	assert_true(doc.root->child->num == 7);
	ww_json_doc_release(&doc);
}

static void test_json_escapes_and_surrogate_pairs(void **state)
{
	static const char s[] = "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83e\\ude99\"";
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;

	(void)state;
	assert_int_equal(parse(&doc, s, strlen(s), &err), 0);
	assert_int_equal(doc.root->len, 15);
	assert_memory_equal(doc.root->str, "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\xaa\x99", 15);
	ww_json_doc_release(&doc);
}

static void test_json_duplicates_reported_and_skipped(void **state)
{
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;
	ww_buf big = WW_BUF_INIT;
	int i;

	(void)state;
	assert_int_equal(parse(&doc, "{\"a\":1,\n \"a\":2}", 15, &err), 0);
	assert_int_equal(dups, 1);
	assert_int_equal(dup_line, 2);
	assert_int_equal(dup_col, 2);
	assert_true(ww_json_get(doc.root, "a")->num == 1);
	/* a large object takes the sorting path */
	ww_buf_putc(&big, '{');
	for (i = 0; i < 1000; i++)
		ww_buf_printf(&big, "%s\"k%d\":%d", i ? "," : "", i % 999, i);
	ww_buf_putc(&big, '}');
	assert_int_equal(parse(&doc, big.ptr, big.len, &err), 0);
	assert_int_equal(dups, 1);
	assert_int_equal(dup_col, (unsigned)(strstr(big.ptr, ",\"k0\":999") - big.ptr + 2));
	ww_json_doc_release(&doc);
	ww_buf_release(&big);
}

static void test_json_depth_limit(void **state)
{
	ww_buf s = WW_BUF_INIT;
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;
	int i;

	(void)state;
	for (i = 0; i < WW_JSON_MAX_DEPTH; i++)
		ww_buf_putc(&s, '[');
	for (i = 0; i < WW_JSON_MAX_DEPTH; i++)
		ww_buf_putc(&s, ']');
	assert_int_equal(parse(&doc, s.ptr, s.len, &err), 0);
	ww_json_doc_release(&doc);
	ww_buf_clear(&s);
	for (i = 0; i < 100000; i++) /* no recursion blowup */
		ww_buf_putc(&s, '[');
	expect_error(s.ptr, s.len, "json-depth", 1, WW_JSON_MAX_DEPTH + 1);
	ww_buf_release(&s);
}

static void test_json_numbers(void **state)
{
	static const char *const texts[] = { "0", "-0", "12", "-3.25", "0.6018822594026548", "1e21",
					     "1.5E-7", "123456789012345678901234567890",
					     "0.1000000000000000055511151231257827", "4.35",
					     "9007199254740993", "2.2250738585072014e-308", "5e-324" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		ww_json_doc doc = WW_JSON_DOC_INIT;
		ww_json_error err;
		assert_int_equal(parse(&doc, texts[i], strlen(texts[i]), &err), 0);
		assert_int_equal(doc.root->type, WW_JSON_NUMBER);
		if (doc.root->num != strtod(texts[i], NULL))
			fail_msg("%s parsed as %.17g", texts[i], doc.root->num);
		ww_json_doc_release(&doc);
	}
	{
		static const struct {
			const char *text;
			unsigned digits;
		} sig[] = { { "0", 0 }, { "1000", 1 }, { "0.0120", 2 }, { "-10.5e3", 3 },
			    { "0.6018822594026548", 16 },
			    { "1234567890123456789012345678901234567890", 39 } };
		for (i = 0; i < sizeof(sig) / sizeof(*sig); i++) {
			ww_json_doc doc = WW_JSON_DOC_INIT;
			ww_json_error err;
			assert_int_equal(parse(&doc, sig[i].text, strlen(sig[i].text), &err), 0);
			assert_int_equal(doc.root->digits, sig[i].digits);
			ww_json_doc_release(&doc);
		}
	}
	expect_error("1e400", 5, "json-number", 1, 1);
	expect_error("[-1e-400]", 9, "json-number", 1, 2);
	expect_error("01", 2, "json-number", 1, 1);
	expect_error("1.", 2, "json-number", 1, 1);
	expect_error("-", 1, "json-number", 1, 1);
	expect_error("1e+", 3, "json-number", 1, 1);
	expect_error("+1", 2, "json-syntax", 1, 1);
	expect_error("NaN", 3, "json-syntax", 1, 1);
}

/* Random decimals: the fast path and strtod agree bit for bit. */
static void test_json_number_fast_path_exact(void **state)
{
	uint64_t r = 0x9e3779b97f4a7c15ull;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		char t[64];
		ww_json_doc doc = WW_JSON_DOC_INIT;
		ww_json_error err;
		double want;
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		snprintf(t, sizeof(t), "%llu.%llue%d", (unsigned long long)(r % 100000000000ull),
			 (unsigned long long)((r >> 20) % 10000), (int)(r % 41) - 20);
		want = strtod(t, NULL);
		assert_int_equal(parse(&doc, t, strlen(t), &err), 0);
		assert_memory_equal(&doc.root->num, &want, sizeof(want));
		ww_json_doc_release(&doc);
	}
}

static void test_json_rejects(void **state)
{
	(void)state;
	expect_error("", 0, "json-empty", 1, 1);
	expect_error("\"caf\xc3\x28\"", 7, "json-utf8", 1, 5);
	expect_error("\"\xed\xa0\x80\"", 5, "json-utf8", 1, 2); /* encoded surrogate */
	expect_error("\"\xf4\x90\x80\x80\"", 6, "json-utf8", 1, 2); /* above U+10FFFF */
	expect_error("\"\\udc00\"", 8, "json-utf8", 1, 2);
	expect_error("[1,\0]", 5, "json-nul", 1, 4);
	expect_error("\"a\\u0000\"", 9, "json-nul", 1, 3);
	expect_error("{\"a\" 1}", 7, "json-syntax", 1, 6);
	expect_error("[1 2]", 5, "json-syntax", 1, 4);
	expect_error("[1] x", 5, "json-syntax", 1, 5);
	expect_error("\"a\nb\"", 5, "json-syntax", 1, 3);
	expect_error("tru", 3, "json-syntax", 1, 1);
	expect_error("{\"a\":1,}", 8, "json-syntax", 1, 8);
	expect_error("[\n\n   \xff]", 8, "json-syntax", 3, 4);
}

/* The same text from the whole input parsed at once. */
static void parse_whole(const char *s, size_t len, ww_buf *out)
{
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;
	const ww_json *e;

	if (ww_json_parse(&doc, s, len, 1, &err, NULL, NULL)) {
		ww_buf_printf(out, "%s %u:%u %s\n", err.code, err.line, err.column, err.message);
		return;
	}
	if (doc.root->type != WW_JSON_ARRAY) {
		ww_buf_puts(out, "not an array\n");
	} else {
		for (e = doc.root->child; e; e = e->next)
			ww_buf_printf(out, "%d %u:%u\n", e->type, e->line, e->column);
		ww_buf_puts(out, "end\n");
	}
	ww_json_doc_release(&doc);
}

/* Read `s` as an array through windows growing by `step` bytes: the
 * elements (type and position, one line each) and "end", or the error
 * alone, as text. */
static void read_in_steps(const char *s, size_t len, size_t step, ww_buf *out)
{
	ww_json_reader r = WW_JSON_READER_INIT;
	ww_json_doc doc = WW_JSON_DOC_INIT;
	size_t start = 0, have = 0;

	for (;;) {
		ww_json_error err;
		size_t used = 0;
		int eof, rc;

		have = have + step < len ? have + step : len;
		eof = have == len;
		rc = ww_json_read_next(&r, &doc, s + start, have - start, eof, &used, &err, on_dup,
				       NULL);
		start += used;
		if (rc == WW_JSON_READ_ELEMENT) {
			ww_buf_printf(out, "%d %u:%u\n", doc.root->type, doc.root->line,
				      doc.root->column);
			have = start; /* the rest again, from the next element */
			continue;
		}
		if (rc == WW_JSON_READ_MORE) {
			assert_false(eof);
			continue;
		}
		if (rc < 0) {
			/* a whole parse gives no elements then */
			ww_buf_clear(out);
			ww_buf_printf(out, "%s %u:%u %s\n", err.code, err.line, err.column,
				      err.message);
		}
		else if (rc == WW_JSON_READ_END)
			ww_buf_puts(out, "end\n");
		else /* not an array: what callers do then */
			parse_whole(s, len, out);
		break;
	}
	ww_json_doc_release(&doc);
}

/* Elements and errors read in pieces are those of the whole input, at
 * every window boundary: where an element ends, inside strings, numbers,
 * literals, multi-byte characters, the BOM. */
static void test_json_reader_equals_whole_parse(void **state)
{
	static const char *const docs[] = {
	    "[{\"a\": 1}, {\"b\": [true, null]},\n  {\"c\": \"x\\\"]\"}]",
	    "\xef\xbb\xbf [ {\"\xc3\xa9\": \"\xf0\x9f\xaa\x99\"}, 12, -3.5e2, \"s\", true ]\n\n",
	    "[1, 2]x", "[1, 2] ]", "[1,]", "[", "[{\"a\":1}", "[{\"a\":1]", "[1 2]", "[tru]",
	    "[1.]", "[-]", "[01]", "[\"a\nb\"]", "[\"\xff\"]", "[\"\\ud800\"]", "", "  \n ",
	    "{\"a\":1}", "\"x\"", "[\"a\" \x00]", "[{\"a\":1,\"a\":2}, {\"b\":1,\"b\":2]",
	    "[1e400]", "[]", "[] ", "[{}, [], [[]]]", "\xef\xbb", "[{\"a\":\"b\"} , \r\n {} ]",
	};
	char deep[200];
	size_t i, step;

	(void)state;
	memset(deep, '[', 70);
	strcpy(deep + 70, "1]");
	for (i = 0; i <= sizeof(docs) / sizeof(docs[0]); i++) {
		const char *d = i < sizeof(docs) / sizeof(docs[0]) ? docs[i] : deep;
		size_t len = strlen(d);
		ww_buf want = WW_BUF_INIT;

		parse_whole(d, len, &want);
		for (step = 1; step <= len + 1; step++) {
			ww_buf got = WW_BUF_INIT;
			read_in_steps(d, len, step, &got);
			if (strcmp(ww_buf_cstr(&got), ww_buf_cstr(&want)))
				fail_msg("%s in steps of %zu:\n%swant\n%s", d, step,
					 ww_buf_cstr(&got), ww_buf_cstr(&want));
			ww_buf_release(&got);
		}
		ww_buf_release(&want);
	}
}

/* The same for a top-level object whose members' arrays are read element
 * by element: members, elements and values, or the error. */
static void read_object_in_steps(const char *s, size_t len, size_t step, ww_buf *out)
{
	ww_json_reader r = WW_JSON_READER_INIT;
	ww_json_doc doc = WW_JSON_DOC_INIT;
	size_t start = 0, have = 0;

	r.object = 1;
	for (;;) {
		ww_json_error err;
		size_t used = 0;
		int eof, rc;

		have = have + step < len ? have + step : len;
		eof = have == len;
		rc = ww_json_read_next(&r, &doc, s + start, have - start, eof, &used, &err, NULL,
				       NULL);
		start += used;
		if (rc == WW_JSON_READ_MORE)
			continue;
		have = start;
		if (rc == WW_JSON_READ_MEMBER) {
			ww_buf_printf(out, "member %.*s %u:%u\n", (int)r.key_len, r.key, r.key_line,
				      r.key_column);
			r.stream = 1;
		} else if (rc == WW_JSON_READ_ELEMENT || rc == WW_JSON_READ_VALUE) {
			ww_buf_printf(out, "%s %d %u:%u\n", rc == WW_JSON_READ_VALUE ? "value" : " el",
				      doc.root->type, doc.root->line, doc.root->column);
		} else {
			if (rc < 0) {
				ww_buf_clear(out);
				ww_buf_printf(out, "%s %u:%u %s\n", err.code, err.line, err.column,
					      err.message);
			} else {
				ww_buf_puts(out, rc == WW_JSON_READ_END ? "end\n" : "not an object\n");
			}
			break;
		}
	}
	ww_json_doc_release(&doc);
}

static void parse_object_whole(const char *s, size_t len, ww_buf *out)
{
	ww_json_doc doc = WW_JSON_DOC_INIT;
	ww_json_error err;
	const ww_json *m, *e;

	if (ww_json_parse(&doc, s, len, 1, &err, NULL, NULL)) {
		ww_buf_printf(out, "%s %u:%u %s\n", err.code, err.line, err.column, err.message);
		return;
	}
	if (doc.root->type != WW_JSON_OBJECT) {
		ww_buf_puts(out, "not an object\n");
	} else {
		for (m = doc.root->child; m; m = m->next) {
			ww_buf_printf(out, "member %s %u:%u\n", m->key, m->key_line, m->key_column);
			if (m->type != WW_JSON_ARRAY) {
				ww_buf_printf(out, "value %d %u:%u\n", m->type, m->line, m->column);
				continue;
			}
			for (e = m->child; e; e = e->next)
				ww_buf_printf(out, " el %d %u:%u\n", e->type, e->line, e->column);
		}
		ww_buf_puts(out, "end\n");
	}
	ww_json_doc_release(&doc);
}

static void test_json_reader_object_equals_whole_parse(void **state)
{
	static const char *const docs[] = {
	    "{\"a\": [1, {\"b\": 2}], \"c\" : null ,\n \"d\":[], \"a\": [\"x\"]}",
	    "\xef\xbb\xbf {\n  \"\xc3\xa9\": [ {\"k\": \"\xf0\x9f\xaa\x99\"} ] }\n",
	    "{}", "{ }x", "{\"a\"}", "{\"a\" 1}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}",
	    "{\"a\":[1,]}", "{\"a\":[1 2]}", "{1:2}", "{", "{\"a\":[", "{\"a", "{\"a\":[{}]}}",
	    "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	    "[1]", "", "{\"a\\u0062\": [true], \"\\\"\": false}", "{\"a\":[1]\n\n,\n\n\"b\"\n:\n[2]}",
	};
	size_t i, step;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		size_t len = strlen(docs[i]);
		ww_buf want = WW_BUF_INIT;

		parse_object_whole(docs[i], len, &want);
		for (step = 1; step <= len + 1; step++) {
			ww_buf got = WW_BUF_INIT;
			read_object_in_steps(docs[i], len, step, &got);
			if (!strcmp(ww_buf_cstr(&got), "not an object\n")) {
				/* callers parse the whole input then */
				ww_buf_clear(&got);
				parse_object_whole(docs[i], len, &got);
			}
			if (strcmp(ww_buf_cstr(&got), ww_buf_cstr(&want)))
				fail_msg("%s in steps of %zu:\n%swant\n%s", docs[i], step,
					 ww_buf_cstr(&got), ww_buf_cstr(&want));
			ww_buf_release(&got);
		}
		ww_buf_release(&want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_positions_count_characters),
		cmocka_unit_test(test_json_bom_is_skipped),
		cmocka_unit_test(test_json_escapes_and_surrogate_pairs),
		cmocka_unit_test(test_json_duplicates_reported_and_skipped),
		cmocka_unit_test(test_json_depth_limit),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_number_fast_path_exact),
		cmocka_unit_test(test_json_rejects),
		cmocka_unit_test(test_json_reader_equals_whole_parse),
		cmocka_unit_test(test_json_reader_object_equals_whole_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
