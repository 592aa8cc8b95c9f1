/* Every invalid fixture produces the diagnostic tests/fixtures/defs/
 * invalid.expected lists for it, at that line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "models/defs.h"

static int read_file(const char *path, ww_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(out, chunk, n);
	fclose(f);
	return 0;
}

static const char *const sev_names[] = { "info", "warning", "error" };

static void test_fixtures_each_reports_its_rule(void **state)
{
	FILE *t = fopen("tests/fixtures/defs/invalid.expected", "r");
	char line[256];
	int checked = 0, failed = 0;

	(void)state;
	assert_non_null(t);
	while (fgets(line, sizeof(line), t)) {
		char name[128], sev[16], code[64], path[256];
		unsigned l, c;
		ww_buf data = WW_BUF_INIT;
		ww_defs_options o = { 0, 1 };
		ww_defset *s;
		const ww_diags *d;
		size_t i;
		int found = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%127s %15s %63s %u:%u", name, sev, code, &l, &c), 5);
		snprintf(path, sizeof(path), "tests/fixtures/defs/invalid/%s", name);
		assert_int_equal(read_file(path, &data), 0);
		s = ww_defset_new(&o);
		ww_defset_add_document(s, name, data.ptr ? data.ptr : "", data.len, -1);
		ww_defset_finish(s);
		d = ww_defset_diags(s);
		for (i = 0; i < d->n; i++) {
			const ww_diag *g = &d->items[i];
			if (!strcmp(g->code, code) && g->line == l && g->column == c &&
			    !strcmp(sev_names[g->severity], sev) && g->message && *g->message)
				found = 1;
		}
		if (!found) {
			print_error("%s: no %s[%s] at %u:%u; got:\n", name, sev, code, l, c);
			for (i = 0; i < d->n; i++)
				print_error("  %s[%s] %u:%u %s\n", sev_names[d->items[i].severity],
					    d->items[i].code, d->items[i].line, d->items[i].column,
					    d->items[i].message);
			failed++;
		}
		/* a fixture whose rule is an error makes the set invalid */
		if (!strcmp(sev, "error") && !d->count[WW_SEV_ERROR])
			failed++;
		ww_defset_free(s);
		ww_buf_release(&data);
		checked++;
	}
	fclose(t);
	assert_int_equal(failed, 0);
	assert_true(checked >= 40);
}

/* The base document every fixture mutates is itself valid. */
static void test_fixtures_base_is_valid(void **state)
{
	ww_buf data = WW_BUF_INIT;
	ww_defs_options o = { 1, 1 };
	ww_defset *s = ww_defset_new(&o);

	(void)state;
	assert_int_equal(read_file("tests/fixtures/defs/valid.json", &data), 0);
	assert_int_equal(ww_defset_add_document(s, "valid.json", data.ptr, data.len, -1), 0);
	ww_defset_finish(s);
	assert_int_equal(ww_defset_diags(s)->n, 0);
	assert_int_equal(ww_defset_count(s, WW_KIND_TICKET), 1);
	ww_defset_free(s);
	ww_buf_release(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_each_reports_its_rule),
		cmocka_unit_test(test_fixtures_base_is_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
