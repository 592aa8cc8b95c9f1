#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "migrate/apply.h"
#include "migrate/plan.h"
#include "migrate/report.h"

static void fields(ww_av *f, const char *id, const char *name)
{
	ww_av_set_container(f, WW_AV_M);
	ww_av_set_s(ww_av_map_add(f, "id"), id, strlen(id));
	ww_av_set_s(ww_av_map_add(f, "name"), name, strlen(name));
}

/* What a Scan with wwseed's projection returns for a per-kind item. */
static void remote(ww_av *item, const char *id, const char *hash, const char *managed_by)
{
	ww_av *m;

	ww_av_set_container(item, WW_AV_M);
	ww_av_set_s(ww_av_map_add(item, "id"), id, strlen(id));
	if (hash || managed_by) {
		m = ww_av_map_add(item, "_wwseed");
		ww_av_set_container(m, WW_AV_M);
		if (hash)
			ww_av_set_s(ww_av_map_add(m, "hash"), hash, strlen(hash));
		if (managed_by)
			ww_av_set_s(ww_av_map_add(m, "managedBy"), managed_by, strlen(managed_by));
	}
}

static void add_remote(ww_plan *p, const char *table, const char *id, const char *hash,
		       const char *managed_by)
{
	ww_av item = WW_AV_INIT;

	remote(&item, id, hash, managed_by);
	ww_plan_add_remote(p, table, &item);
	ww_av_release(&item);
}

static void add_local(ww_plan *p, ww_kind k, const char *id, const char *hash)
{
	ww_av f = WW_AV_INIT;

	fields(&f, id, "Name");
	ww_plan_add_local(p, k, id, &f, hash);
	ww_av_release(&f);
}

static const ww_change *find(const ww_plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].id, id))
			return &p->items[i];
	return NULL;
}

static void test_plan_diff_classifies_every_definition(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_plan p;
	ww_plan_counts n;

	(void)state;
	ww_layout_builtin(&l, "per-kind");
	ww_plan_init(&p, &l);
	add_local(&p, WW_KIND_PRIZE, "new", "h1");
	add_local(&p, WW_KIND_PRIZE, "same", "h2");
	add_local(&p, WW_KIND_PRIZE, "changed", "h3");
	add_local(&p, WW_KIND_PRIZE, "foreign", "h4");
	add_local(&p, WW_KIND_TICKET, "same", "h5");
	add_remote(&p, "prizes", "same", "h2", "wwseed");
	add_remote(&p, "prizes", "changed", "old", "wwseed");
	add_remote(&p, "prizes", "foreign", NULL, NULL);
	add_remote(&p, "prizes", "gone", "h9", "wwseed");
	add_remote(&p, "prizes", "not-ours", NULL, NULL);
	add_remote(&p, "tickets", "same", "h5", "wwseed");
	ww_plan_diff(&p);
	assert_int_equal(find(&p, "new")->type, WW_CHANGE_CREATE);
	assert_int_equal(find(&p, "same")->type, WW_CHANGE_UNCHANGED);
	assert_int_equal(find(&p, "changed")->type, WW_CHANGE_UPDATE);
	assert_int_equal(find(&p, "foreign")->type, WW_CHANGE_UPDATE);
	assert_int_equal(find(&p, "gone")->type, WW_CHANGE_ORPHAN);
	assert_string_equal(find(&p, "gone")->remote_hash, "h9");
	/* An item wwseed did not write is never an orphan. */
	assert_null(find(&p, "not-ours"));
	ww_plan_count(&p, 0, &n);
	assert_int_equal(n.total[WW_CHANGE_CREATE], 1);
	assert_int_equal(n.total[WW_CHANGE_UPDATE], 2);
	assert_int_equal(n.total[WW_CHANGE_UNCHANGED], 2);
	assert_int_equal(n.total[WW_CHANGE_ORPHAN], 1);
	assert_int_equal(n.n[WW_KIND_TICKET][WW_CHANGE_UNCHANGED], 1);
	ww_plan_release(&p);
	ww_plan_release(&p);
	ww_layout_release(&l);
}

static void test_plan_changed_fields_name_top_level_members(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_plan p;
	ww_av item = WW_AV_INIT;

	(void)state;
	ww_layout_builtin(&l, "per-kind");
	ww_plan_init(&p, &l);
	{
		ww_av f = WW_AV_INIT;
		fields(&f, "classic", "Name");
		ww_av_set_n(ww_av_map_add(&f, "goldCost"), "10");
		ww_plan_add_local(&p, WW_KIND_TICKET, "classic", &f, "h");
		ww_av_release(&f);
	}
	remote(&item, "classic", "old", "wwseed");
	ww_av_set_s(ww_av_map_add(&item, "name"), "Old name", 8);
	ww_av_set_n(ww_av_map_add(&item, "goldCost"), "10.0");
	ww_av_set_s(ww_av_map_add(&item, "backgroundImage"), "x.png", 5);
	ww_plan_set_changed(&p.items[0], &l, &item);
	assert_int_equal(p.items[0].nchanged, 2);
	assert_string_equal(p.items[0].changed[0], "backgroundImage");
	assert_string_equal(p.items[0].changed[1], "name");
	ww_av_release(&item);
	ww_plan_release(&p);
	ww_layout_release(&l);
}

static void test_plan_text_and_wcu(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_plan p;
	ww_item_meta meta = { "run", "2026-01-01T00:00:00.000Z" };
	ww_buf out = WW_BUF_INIT;
	ww_av item = WW_AV_INIT;

	(void)state;
	ww_layout_builtin(&l, "per-kind");
	ww_plan_init(&p, &l);
	add_local(&p, WW_KIND_TICKET, "x", "h1");
	add_local(&p, WW_KIND_TICKET, "y", "h2");
	add_local(&p, WW_KIND_STORE, "s", "h3");
	add_remote(&p, "tickets", "y", "old", "wwseed");
	add_remote(&p, "stores", "s", "h3", "wwseed");
	add_remote(&p, "prizes", "z", "h", "wwseed");
	ww_plan_diff(&p);
	remote(&item, "y", "old", "wwseed");
	ww_av_set_s(ww_av_map_add(&item, "name"), "Old", 3);
	ww_plan_set_changed(&p.items[1], &l, &item);
	assert_int_equal(ww_plan_build_items(&p, &meta), 0);
	ww_report_plan_text(&out, &p, NULL, 0, 0, 0);
	assert_string_equal(ww_buf_cstr(&out),
			    "+ create ticket \"x\"\n"
			    "~ update ticket \"y\" (fields: name)\n"
			    "- orphaned prize \"z\"\n"
			    "\n"
			    "Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged, 1 orphaned (kept; --prune deletes them); 2 WCU\n");
	ww_buf_clear(&out);
	ww_report_plan_line(&out, &p, 1);
	assert_string_equal(ww_buf_cstr(&out), "Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged; 3 WCU");
	ww_av_release(&item);
	ww_buf_release(&out);
	ww_plan_release(&p);
	ww_layout_release(&l);
}

static void test_apply_conditions_follow_what_plan_read(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_plan p;
	ww_buf cond = WW_BUF_INIT;
	ww_av names = WW_AV_INIT, values = WW_AV_INIT, item = WW_AV_INIT, *m;

	(void)state;
	ww_layout_builtin(&l, "single-table");
	ww_plan_init(&p, &l);
	add_local(&p, WW_KIND_PRIZE, "a", "h1");
	add_local(&p, WW_KIND_PRIZE, "b", "h2");
	ww_av_set_container(&item, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&item, "PK"), "PRIZE#b", 7);
	ww_av_set_s(ww_av_map_add(&item, "SK"), "PRIZE#b", 7);
	ww_av_set_n(ww_av_map_add(&item, "version"), "3");
	ww_av_set_s(ww_av_map_add(&item, "updatedAt"), "2026-01-01T00:00:00.000Z", 24);
	m = ww_av_map_add(&item, "_wwseed");
	ww_av_set_container(m, WW_AV_M);
	ww_av_set_s(ww_av_map_add(m, "hash"), "old", 3);
	ww_av_set_s(ww_av_map_add(m, "managedBy"), "wwseed", 6);
	ww_plan_add_remote(&p, "game-data", &item);
	ww_plan_diff(&p);
	assert_int_equal(ww_apply_condition(&p, &p.items[0], WW_CONFLICT_FAIL, &cond, &names, &values), 1);
	assert_string_equal(ww_buf_cstr(&cond), "attribute_not_exists(#k)");
	assert_string_equal(ww_av_map_get_str(&names, "#k"), "PK");
	assert_int_equal(ww_apply_condition(&p, &p.items[1], WW_CONFLICT_FAIL, &cond, &names, &values), 1);
	assert_string_equal(ww_buf_cstr(&cond), "attribute_exists(#k) AND #w.#h = :h AND #v = :v AND #u = :u");
	assert_string_equal(ww_av_map_get_str(&values, ":v"), "3");
	assert_string_equal(ww_av_map_get_str(&values, ":h"), "old");
	assert_int_equal(ww_apply_condition(&p, &p.items[1], WW_CONFLICT_OVERWRITE, &cond, &names, &values), 0);
	ww_av_release(&item);
	ww_av_release(&names);
	ww_av_release(&values);
	ww_buf_release(&cond);
	ww_plan_release(&p);
	ww_layout_release(&l);
}

static void test_apply_orphan_delete_requires_the_mark(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_plan p;
	ww_buf cond = WW_BUF_INIT;
	ww_av names = WW_AV_INIT, values = WW_AV_INIT;

	(void)state;
	ww_layout_builtin(&l, "per-kind");
	ww_plan_init(&p, &l);
	add_remote(&p, "prizes", "gone", "h9", "wwseed");
	ww_plan_diff(&p);
	assert_int_equal(p.n, 1);
	assert_int_equal(ww_apply_condition(&p, &p.items[0], WW_CONFLICT_OVERWRITE, &cond, &names, &values), 1);
	assert_string_equal(ww_buf_cstr(&cond), "#w.#m = :m AND #w.#h = :h");
	assert_string_equal(ww_av_map_get_str(&values, ":m"), "wwseed");
	ww_av_release(&names);
	ww_av_release(&values);
	ww_buf_release(&cond);
	ww_plan_release(&p);
	ww_layout_release(&l);
}

static void test_bucket_caps_the_rate(void **state)
{
	ww_bucket b;

	(void)state;
	ww_bucket_init(&b, 10, 0);
	assert_int_equal(ww_bucket_take(&b, 10, 0), 0);
	/* Empty: 5 tokens take half a second to come back. */
	assert_int_equal(ww_bucket_take(&b, 5, 0), 501);
	assert_int_equal(ww_bucket_take(&b, 5, 500), 0);
	/* Larger than the burst: waits until full, then takes it. */
	assert_true(ww_bucket_take(&b, 20, 500) > 0);
	assert_int_equal(ww_bucket_take(&b, 20, 2500), 0);
}

static void test_backoff_is_full_jitter_under_the_cap(void **state)
{
	unsigned seed = 7;
	int i;
	long v, max = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		v = ww_backoff_ms(3, 50, 5000, &seed);
		assert_true(v >= 0 && v <= 400);
		if (v > max)
			max = v;
		assert_true(ww_backoff_ms(30, 50, 5000, &seed) <= 5000);
	}
	assert_true(max > 200); /* spread over the whole range */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_diff_classifies_every_definition),
		cmocka_unit_test(test_plan_changed_fields_name_top_level_members),
		cmocka_unit_test(test_plan_text_and_wcu),
		cmocka_unit_test(test_apply_conditions_follow_what_plan_read),
		cmocka_unit_test(test_apply_orphan_delete_requires_the_mark),
		cmocka_unit_test(test_bucket_caps_the_rate),
		cmocka_unit_test(test_backoff_is_full_jitter_under_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
