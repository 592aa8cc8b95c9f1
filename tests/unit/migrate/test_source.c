#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "migrate/source.h"
#include "models/defs.h"

static char dir[256];

static const char prize[] = "{\"id\":\"%s\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}";

static void write_file(const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_str(const char *rel, const char *data)
{
	write_file(rel, data, strlen(data));
}

static int setup(void **state)
{
	const char *tmp = getenv("WWSEED_TEST_TMP");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/source.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static ww_defset *load(const char *rel, int kind, int keep)
{
	ww_defs_options o = { 0, keep };
	ww_defset *s = ww_defset_new(&o);
	char path[512];
	const char *p = path;

	snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel);
	ww_source_load(s, &p, 1, kind);
	ww_defset_finish(s);
	return s;
}

static const ww_diag *only_diag(const ww_defset *s)
{
	const ww_diags *d = ww_defset_diags(s);

	if (d->n != 1) {
		size_t i;
		for (i = 0; i < d->n; i++)
			print_error("  %s %s\n", d->items[i].code, d->items[i].message);
		fail_msg("%zu diagnostics, want 1", d->n);
	}
	return &d->items[0];
}

/* Directories are walked recursively in byte order of the names; only
 * definition files are read, hidden entries skipped. */
static void test_source_directory_order_and_filter(void **state)
{
	char line[256];
	ww_defset *s;

	(void)state;
	assert_int_equal(mkdir(strcat(strcpy(line, dir), "/b"), 0755), 0);
	assert_int_equal(mkdir(strcat(strcpy(line, dir), "/.hidden"), 0755), 0);
	snprintf(line, sizeof(line), "[" "%s" "]", prize);
	{
		char a[256], b[256], c[256];
		snprintf(a, sizeof(a), "[{\"id\":\"a1\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}]");
		snprintf(b, sizeof(b), "{\"id\":\"b1\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}\n\n"
				       "{\"id\":\"b2\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}\n");
		snprintf(c, sizeof(c), "{\"prizes\":[{\"id\":\"c1\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}]}");
		write_str("b/prizes.jsonl", b);
		write_str("a-prizes.json", c);
		write_str("prizes.json", a);
		write_str("notes.txt", "not json");
		write_str(".hidden/prizes.json", "broken");
	}
	s = load("", -1, 1);
	assert_int_equal(ww_defset_diags(s)->n, 0);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 4);
	assert_string_equal(ww_def_id(ww_defset_get(s, WW_KIND_PRIZE, 0)), "c1");
	assert_string_equal(ww_def_id(ww_defset_get(s, WW_KIND_PRIZE, 1)), "b1");
	assert_int_equal(ww_def_line(ww_defset_get(s, WW_KIND_PRIZE, 2)), 3);
	assert_string_equal(ww_def_id(ww_defset_get(s, WW_KIND_PRIZE, 3)), "a1");
	assert_string_equal(ww_def_file(ww_defset_get(s, WW_KIND_PRIZE, 3)) + strlen(dir), "/prizes.json");
	ww_defset_free(s);
}

static void test_source_missing_path_is_a_diagnostic(void **state)
{
	ww_defs_options o = { 0, 0 };
	ww_defset *s = ww_defset_new(&o);
	const char *p = "/nonexistent/defs.json";
	const ww_diag *g;

	(void)state;
	assert_int_equal(ww_source_load(s, &p, 1, -1), WW_EINVALID);
	g = only_diag(s);
	assert_string_equal(g->code, "file-read");
	assert_string_equal(g->message, "cannot read path '/nonexistent/defs.json': No such file or directory");
	assert_string_equal(ww_error_message(), g->message);
	ww_defset_free(s);
}

static void test_source_lines_need_a_kind(void **state)
{
	ww_defset *s;
	char l[256];

	(void)state;
	snprintf(l, sizeof(l), prize, "x1");
	write_str("defs.jsonl", l);
	s = load("defs.jsonl", -1, 0);
	assert_string_equal(only_diag(s)->code, "kind-unknown");
	ww_defset_free(s);
	s = load("defs.jsonl", WW_KIND_PRIZE, 0);
	assert_int_equal(ww_defset_diags(s)->n, 0);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 1);
	ww_defset_free(s);
}

/* Errors in a stream carry the file's line numbers; a bad line does not
 * stop the next ones; no newline at the end is fine. */
static void test_source_lines_report_their_line(void **state)
{
	ww_defset *s;
	const ww_diags *d;
	char buf[512];

	(void)state;
	snprintf(buf, sizeof(buf), "{\"id\":\"p1\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}\r\n"
				   "{\"id\":\"p2\",\"name\":7,\"value\":\"v\",\"emoji\":\"x\"}\n"
				   "{\"id\":\"p3\",\n"
				   "{\"id\":\"p4\",\"name\":\"P\",\"value\":\"v\",\"emoji\":\"x\"}");
	write_str("prizes.ndjson", buf);
	s = load("prizes.ndjson", -1, 0);
	d = ww_defset_diags(s);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 3);
	assert_int_equal(d->n, 2);
	assert_string_equal(d->items[0].code, "type");
	assert_int_equal(d->items[0].line, 2);
	assert_int_equal(d->items[0].column, 19);
	assert_string_equal(d->items[0].path, "/name");
	assert_string_equal(d->items[1].code, "json-syntax");
	assert_int_equal(d->items[1].line, 3);
	ww_defset_free(s);
}

static void test_source_line_too_long(void **state)
{
	size_t n = WW_SOURCE_MAX_LINE + 100;
	char *big = malloc(n + 200);
	ww_defset *s;
	const ww_diags *d;

	(void)state;
	memset(big, ' ', n);
	big[0] = '"';
	big[n - 1] = '"';
	big[n] = '\n';
	snprintf(big + n + 1, 199, prize, "after");
	write_file("prizes.jsonl", big, strlen(big + n + 1) + n + 1);
	free(big);
	s = load("prizes.jsonl", -1, 0);
	d = ww_defset_diags(s);
	assert_int_equal(d->n, 1);
	assert_string_equal(d->items[0].code, "line-too-long");
	assert_int_equal(d->items[0].line, 1);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 1); /* line 2 still read */
	ww_defset_free(s);
}

static void test_source_empty_directory(void **state)
{
	ww_defset *s;

	(void)state;
	write_str("README", "nothing");
	s = load("", -1, 0);
	assert_string_equal(only_diag(s)->code, "no-definitions");
	ww_defset_free(s);
}

static void test_source_kind_of(void **state)
{
	(void)state;
	assert_int_equal(ww_source_kind_of("seeds/tickets.json"), WW_KIND_TICKET);
	assert_int_equal(ww_source_kind_of("a/b/store.jsonl"), WW_KIND_STORE);
	assert_int_equal(ww_source_kind_of("frontend-export.json"), -1);
	assert_int_equal(ww_source_kind_of("prizes"), WW_KIND_PRIZE);
}

/* An array file is read in chunks: elements across chunk boundaries and
 * one larger than a chunk keep their positions and checks. */
static void test_source_array_larger_than_a_chunk(void **state)
{
	ww_buf data = WW_BUF_INIT;
	ww_defset *s;
	const ww_diag *g;
	size_t i, big = WW_SOURCE_CHUNK + WW_SOURCE_CHUNK / 2;
	char id[32];

	(void)state;
	ww_buf_puts(&data, "[\n");
	for (i = 0; i < 40000; i++) {
		snprintf(id, sizeof(id), "p%zu", i);
		if (i)
			ww_buf_puts(&data, ",\n");
		if (i == 20000) {
			ww_buf_puts(&data, "{\"id\":\"big\",\"name\":\"P\",\"emoji\":\"x\",\"value\":\"");
			while (big--)
				ww_buf_putc(&data, 'v');
			ww_buf_puts(&data, "\"}");
			continue;
		}
		ww_buf_printf(&data, prize, id);
	}
	ww_buf_puts(&data, "\n]\n");
	write_file("prizes.json", data.ptr, data.len);
	s = load("prizes.json", -1, 1);
	assert_int_equal(ww_defset_count(s, WW_KIND_PRIZE), 40000);
	g = only_diag(s);
	assert_string_equal(g->code, "ddb-item-size");
	assert_int_equal(g->line, 20002);
	assert_int_equal(g->column, 1);
	assert_string_equal(g->path, "/20000");
	assert_string_equal(ww_def_id(ww_defset_get(s, WW_KIND_PRIZE, 39999)), "p39999");
	assert_int_equal(ww_def_line(ww_defset_get(s, WW_KIND_PRIZE, 39999)), 40001);
	ww_defset_free(s);
	ww_buf_release(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_source_directory_order_and_filter, setup, teardown),
		cmocka_unit_test(test_source_missing_path_is_a_diagnostic),
		cmocka_unit_test_setup_teardown(test_source_lines_need_a_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_lines_report_their_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_line_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_empty_directory, setup, teardown),
		cmocka_unit_test(test_source_kind_of),
		cmocka_unit_test_setup_teardown(test_source_array_larger_than_a_chunk, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
