#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/av.h"

static void build_item(ww_av *item)
{
	ww_av *l, *m;

	ww_av_set_container(item, WW_AV_M);
	ww_av_set_s(ww_av_map_add(item, "id"), "grand-prize", 11);
	ww_av_set_n(ww_av_map_add(item, "weight"), "0.6018822594026548");
	ww_av_set_bool(ww_av_map_add(item, "enabled"), 1);
	l = ww_av_map_add(item, "tags");
	ww_av_set_container(l, WW_AV_L);
	ww_av_set_s(ww_av_list_add(l), "a\"b", 3);
	m = ww_av_list_add(l);
	ww_av_set_container(m, WW_AV_M);
	ww_av_set_null(ww_av_map_add(m, "nothing"));
}

static void test_av_to_json_writes_dynamodb_json(void **state)
{
	ww_av item = WW_AV_INIT;
	ww_buf out = WW_BUF_INIT;

	(void)state;
	build_item(&item);
	ww_av_item_to_json(&out, &item);
	assert_string_equal(ww_buf_cstr(&out),
			    "{\"id\":{\"S\":\"grand-prize\"},\"weight\":{\"N\":\"0.6018822594026548\"},"
			    "\"enabled\":{\"BOOL\":true},\"tags\":{\"L\":[{\"S\":\"a\\\"b\"},"
			    "{\"M\":{\"nothing\":{\"NULL\":true}}}]}}");
	ww_buf_clear(&out);
	ww_av_to_plain_json(&out, &item);
	assert_string_equal(ww_buf_cstr(&out),
			    "{\"id\":\"grand-prize\",\"weight\":0.6018822594026548,\"enabled\":true,"
			    "\"tags\":[\"a\\\"b\",{\"nothing\":null}]}");
	ww_buf_release(&out);
	ww_av_release(&item);
	ww_av_release(&item); /* safe twice */
}

static void test_av_equal_ignores_map_order_and_number_spelling(void **state)
{
	ww_av a = WW_AV_INIT, b = WW_AV_INIT;

	(void)state;
	ww_av_set_container(&a, WW_AV_M);
	ww_av_set_n(ww_av_map_add(&a, "x"), "1.50");
	ww_av_set_s(ww_av_map_add(&a, "y"), "s", 1);
	ww_av_set_container(&b, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&b, "y"), "s", 1);
	ww_av_set_n(ww_av_map_add(&b, "x"), "15e-1");
	assert_true(ww_av_equal(&a, &b));
	ww_av_set_n(ww_av_map_get_mut(&b, "x"), "1.5000001");
	assert_false(ww_av_equal(&a, &b));
	ww_av_set_n(ww_av_map_get_mut(&b, "x"), "-0");
	ww_av_set_n(ww_av_map_get_mut(&a, "x"), "0.000");
	assert_true(ww_av_equal(&a, &b));
	ww_av_release(&a);
	ww_av_release(&b);
}

static void test_av_copy_is_deep_and_remove_works(void **state)
{
	ww_av item = WW_AV_INIT, copy = WW_AV_INIT;

	(void)state;
	build_item(&item);
	ww_av_copy(&copy, &item);
	assert_true(ww_av_equal(&item, &copy));
	assert_int_equal(ww_av_map_remove(&copy, "tags"), 1);
	assert_int_equal(ww_av_map_remove(&copy, "tags"), 0);
	assert_false(ww_av_equal(&item, &copy));
	assert_string_equal(ww_av_map_get_str(&item, "id"), "grand-prize");
	assert_null(ww_av_map_get_str(&item, "enabled"));
	assert_non_null(ww_av_map_get(&item, "tags"));
	ww_av_release(&item);
	ww_av_release(&copy);
}

static void test_av_item_size_counts_as_dynamodb_does(void **state)
{
	ww_av item = WW_AV_INIT;

	(void)state;
	ww_av_set_container(&item, WW_AV_M);
	/* "id" (2) + "abc" (3) */
	ww_av_set_s(ww_av_map_add(&item, "id"), "abc", 3);
	assert_int_equal(ww_av_item_size(&item), 5);
	/* "n" (1) + 4 significant digits: 2 + 1 */
	ww_av_set_n(ww_av_map_add(&item, "n"), "12.34");
	assert_int_equal(ww_av_item_size(&item), 9);
	/* "b" (1) + bool 1 */
	ww_av_set_bool(ww_av_map_add(&item, "b"), 0);
	assert_int_equal(ww_av_item_size(&item), 11);
	ww_av_release(&item);
}

static void test_av_binary_is_base64(void **state)
{
	ww_av v = WW_AV_INIT;
	ww_buf out = WW_BUF_INIT;

	(void)state;
	ww_av_set_b(&v, "\x00\xff\x10\x20", 4);
	ww_av_to_json(&out, &v);
	assert_string_equal(ww_buf_cstr(&out), "{\"B\":\"AP8QIA==\"}");
	ww_buf_release(&out);
	ww_av_release(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_av_to_json_writes_dynamodb_json),
		cmocka_unit_test(test_av_equal_ignores_map_order_and_number_spelling),
		cmocka_unit_test(test_av_copy_is_deep_and_remove_works),
		cmocka_unit_test(test_av_item_size_counts_as_dynamodb_does),
		cmocka_unit_test(test_av_binary_is_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
