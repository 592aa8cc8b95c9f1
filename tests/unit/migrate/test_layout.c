#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "aws/ddb_json.h"
#include "common/error.h"
#include "migrate/item.h"
#include "migrate/layout.h"

static void test_layout_per_kind_key_is_id(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av key = WW_AV_INIT;
	ww_buf json = WW_BUF_INIT;

	(void)state;
	assert_int_equal(ww_layout_builtin(&l, "per-kind"), 0);
	assert_string_equal(l.kinds[WW_KIND_TICKET].table, "tickets");
	ww_layout_key_of(&l, WW_KIND_TICKET, "classic", &key);
	ww_av_item_to_json(&json, &key);
	assert_string_equal(ww_buf_cstr(&json), "{\"id\":{\"S\":\"classic\"}}");
	assert_null(l.version_attr);
	ww_av_release(&key);
	ww_buf_release(&json);
	ww_layout_release(&l);
	ww_layout_release(&l);
}

static void test_layout_single_table_key_is_type_and_id(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av key = WW_AV_INIT;
	ww_buf json = WW_BUF_INIT;

	(void)state;
	assert_int_equal(ww_layout_builtin(&l, "single-table"), 0);
	assert_string_equal(l.kinds[WW_KIND_PRIZE].table, "game-data");
	ww_layout_key_of(&l, WW_KIND_PRIZE, "grand-prize", &key);
	ww_av_item_to_json(&json, &key);
	assert_string_equal(ww_buf_cstr(&json),
			    "{\"PK\":{\"S\":\"PRIZE#grand-prize\"},\"SK\":{\"S\":\"PRIZE#grand-prize\"}}");
	ww_av_release(&key);
	ww_buf_release(&json);
	ww_layout_release(&l);
}

static void test_layout_unknown_builtin_is_invalid(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;

	(void)state;
	assert_int_equal(ww_layout_builtin(&l, "two-table"), WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "unknown layout 'two-table' (per-kind or single-table, or --layout-file)");
}

static void test_layout_match_recovers_kind_and_id(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av item = WW_AV_INIT;
	ww_kind k = WW_KIND_PRIZE;
	char *id = NULL;

	(void)state;
	ww_layout_builtin(&l, "single-table");
	ww_av_set_container(&item, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&item, "PK"), "TICKET#classic", 14);
	ww_av_set_s(ww_av_map_add(&item, "SK"), "TICKET#classic", 14);
	assert_int_equal(ww_layout_match(&l, "game-data", &item, &k, &id), 1);
	assert_int_equal(k, WW_KIND_TICKET);
	assert_string_equal(id, "classic");
	free(id);
	id = NULL;
	/* A player's item in the same table is not a definition. */
	ww_av_set_s(ww_av_map_get_mut(&item, "PK"), "USER#42", 7);
	assert_int_equal(ww_layout_match(&l, "game-data", &item, &k, &id), 0);
	assert_null(id);
	/* PK and SK must agree. */
	ww_av_set_s(ww_av_map_get_mut(&item, "PK"), "TICKET#classic", 14);
	ww_av_set_s(ww_av_map_get_mut(&item, "SK"), "TICKET#other", 12);
	assert_int_equal(ww_layout_match(&l, "game-data", &item, &k, &id), 0);
	ww_av_release(&item);
	ww_layout_release(&l);
}

static const char custom[] =
	"{\"name\":\"team\",\"bookkeeping\":{\"version\":\"rev\",\"updatedAt\":\"modified\"},"
	"\"kinds\":{"
	"\"prize\":{\"table\":\"game-data\",\"key\":{\"pk\":\"GAME#${TYPE}\",\"sk\":\"${type}#${id}\"}},"
	"\"scratcher\":{\"table\":\"game-data\",\"key\":{\"pk\":\"GAME#${TYPE}\",\"sk\":\"${type}#${id}\"}},"
	"\"ticket\":{\"table\":\"game-data\",\"type\":\"TKT\",\"key\":{\"pk\":\"GAME#${TYPE}\",\"sk\":\"${type}#${id}\"}},"
	"\"store\":{\"table\":\"stores\",\"key\":{\"id\":\"${id}\"}}}}";

static void test_layout_file_describes_custom_templates(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av key = WW_AV_INIT;
	ww_buf json = WW_BUF_INIT;
	ww_kind k;
	char *id = NULL;

	(void)state;
	assert_int_equal(ww_layout_parse(&l, custom, strlen(custom), "team.json"), 0);
	assert_string_equal(l.name, "team");
	assert_string_equal(l.version_attr, "rev");
	assert_null(l.created_attr);
	ww_layout_key_of(&l, WW_KIND_TICKET, "classic", &key);
	ww_av_item_to_json(&json, &key);
	assert_string_equal(ww_buf_cstr(&json),
			    "{\"pk\":{\"S\":\"GAME#TKT\"},\"sk\":{\"S\":\"ticket#classic\"}}");
	assert_int_equal(ww_layout_match(&l, "game-data", &key, &k, &id), 1);
	assert_int_equal(k, WW_KIND_TICKET);
	assert_string_equal(id, "classic");
	free(id);
	ww_av_release(&key);
	ww_buf_release(&json);
	ww_layout_release(&l);
}

static void test_layout_file_rejects_template_without_id(void **state)
{
	static const char bad[] =
		"{\"kinds\":{\"prize\":{\"table\":\"prizes\",\"key\":{\"id\":\"${id}\"}},"
		"\"scratcher\":{\"table\":\"scratchers\",\"key\":{\"pk\":\"SCRATCHER\"}},"
		"\"ticket\":{\"table\":\"tickets\",\"key\":{\"id\":\"${id}\"}},"
		"\"store\":{\"table\":\"stores\",\"key\":{\"id\":\"${id}\"}}}}";
	ww_layout l = WW_LAYOUT_INIT;

	(void)state;
	assert_int_equal(ww_layout_parse(&l, bad, strlen(bad), "bad.json"), WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "invalid layout 'bad.json': the key of kind 'scratcher' must contain ${id}");
	assert_null(l.name);
}

static void test_layout_file_rejects_missing_kind_and_meta_name(void **state)
{
	static const char missing[] = "{\"kinds\":{\"prize\":{\"table\":\"prizes\",\"key\":{\"id\":\"${id}\"}}}}";
	static const char meta[] = "{\"bookkeeping\":{\"version\":\"_wwseed\"},\"kinds\":{}}";
	ww_layout l = WW_LAYOUT_INIT;

	(void)state;
	assert_int_equal(ww_layout_parse(&l, missing, strlen(missing), "m.json"), WW_EINVALID);
	assert_string_equal(ww_error_message(), "invalid layout 'm.json': kind 'scratcher' is missing");
	assert_int_equal(ww_layout_parse(&l, meta, strlen(meta), "w.json"), WW_EINVALID);
	assert_string_equal(ww_error_message(), "invalid layout 'w.json': kind 'prize' is missing");
	assert_int_equal(ww_layout_parse(&l, "[", 1, "x.json"), WW_EINVALID);
	assert_string_equal(ww_error_message(), "invalid layout 'x.json': not a JSON object");
}

static void fields_of(ww_av *f)
{
	ww_av_set_container(f, WW_AV_M);
	ww_av_set_s(ww_av_map_add(f, "id"), "classic", 7);
	ww_av_set_s(ww_av_map_add(f, "name"), "Classic", 7);
	ww_av_set_n(ww_av_map_add(f, "goldCost"), "5");
}

static void test_item_single_table_create_has_bookkeeping(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av fields = WW_AV_INIT, item = WW_AV_INIT, back = WW_AV_INIT;
	ww_item_meta meta = { "run1", "2026-01-02T03:04:05.678Z" };
	ww_buf json = WW_BUF_INIT;

	(void)state;
	ww_layout_builtin(&l, "single-table");
	fields_of(&fields);
	assert_int_equal(ww_item_build(&item, &l, WW_KIND_TICKET, "classic", &fields, "abc", &meta, NULL), 0);
	ww_av_item_to_json(&json, &item);
	assert_string_equal(ww_buf_cstr(&json),
			    "{\"id\":{\"S\":\"classic\"},\"name\":{\"S\":\"Classic\"},\"goldCost\":{\"N\":\"5\"},"
			    "\"PK\":{\"S\":\"TICKET#classic\"},\"SK\":{\"S\":\"TICKET#classic\"},"
			    "\"entityType\":{\"S\":\"Ticket\"},\"createdAt\":{\"S\":\"2026-01-02T03:04:05.678Z\"},"
			    "\"updatedAt\":{\"S\":\"2026-01-02T03:04:05.678Z\"},\"version\":{\"N\":\"1\"},"
			    "\"_wwseed\":{\"M\":{\"hash\":{\"S\":\"abc\"},\"modelVersion\":{\"N\":\"1\"},"
			    "\"changedAt\":{\"S\":\"2026-01-02T03:04:05.678Z\"},\"managedBy\":{\"S\":\"wwseed\"},"
			    "\"runId\":{\"S\":\"run1\"}}}}");
	ww_item_strip(&back, &l, WW_KIND_TICKET, &item);
	assert_true(ww_av_equal(&back, &fields));
	ww_av_release(&fields);
	ww_av_release(&item);
	ww_av_release(&back);
	ww_buf_release(&json);
	ww_layout_release(&l);
}

static void test_item_update_keeps_created_and_bumps_version(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av fields = WW_AV_INIT, item = WW_AV_INIT;
	ww_item_meta meta = { "run2", "2026-02-02T00:00:00.000Z" };
	ww_item_prev prev = { "2025-12-31T23:59:59.000Z", 4 };

	(void)state;
	ww_layout_builtin(&l, "single-table");
	fields_of(&fields);
	assert_int_equal(ww_item_build(&item, &l, WW_KIND_TICKET, "classic", &fields, "h", &meta, &prev), 0);
	assert_string_equal(ww_av_map_get_str(&item, "createdAt"), "2025-12-31T23:59:59.000Z");
	assert_string_equal(ww_av_map_get_str(&item, "updatedAt"), "2026-02-02T00:00:00.000Z");
	assert_string_equal(ww_av_map_get_str(&item, "version"), "5");
	ww_av_release(&fields);
	ww_av_release(&item);
	ww_layout_release(&l);
}

static void test_item_field_colliding_with_bookkeeping_is_refused(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av fields = WW_AV_INIT, item = WW_AV_INIT;
	ww_item_meta meta = { "r", "2026-01-01T00:00:00.000Z" };

	(void)state;
	ww_layout_builtin(&l, "single-table");
	fields_of(&fields);
	ww_av_set_n(ww_av_map_add(&fields, "version"), "2");
	assert_int_equal(ww_item_build(&item, &l, WW_KIND_TICKET, "classic", &fields, "h", &meta, NULL),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "ticket \"classic\": field 'version' collides with an attribute of layout 'single-table'");
	ww_av_release(&fields);
	ww_av_release(&item);
	ww_layout_release(&l);
}

static void test_item_wcu_rounds_up_per_kb(void **state)
{
	ww_av item = WW_AV_INIT;
	char big[1500];

	(void)state;
	memset(big, 'x', sizeof(big));
	ww_av_set_container(&item, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&item, "id"), "a", 1);
	assert_int_equal(ww_item_wcu(&item), 1);
	ww_av_set_s(ww_av_map_add(&item, "b"), big, sizeof(big));
	assert_int_equal(ww_item_wcu(&item), 2);
	ww_av_release(&item);
}

/* Fields with every shape the models marshal and strings that need
 * escapes, for the text writer against ww_item_build. */
static void rich_fields(ww_av *f)
{
	ww_av *m, *l, *e;

	fields_of(f);
	ww_av_set_s(ww_av_map_add(f, "quote"), "a\"b\\c\nd\001e\t/\xc3\xa9\xf0\x9f\x98\x80", 17);
	ww_av_set_n(ww_av_map_add(f, "ratio"), "-0.000125");
	ww_av_set_n(ww_av_map_add(f, "big"), "123456789012345680000");
	ww_av_set_n(ww_av_map_add(f, "huge"), "1e21");
	ww_av_set_n(ww_av_map_add(f, "tiny"), "-1.5e-7");
	ww_av_set_n(ww_av_map_add(f, "zero"), "0");
	ww_av_set_n(ww_av_map_add(f, "round"), "1200");
	ww_av_set_n(ww_av_map_add(f, "odd"), "100.0625");
	ww_av_set_bool(ww_av_map_add(f, "on"), 1);
	ww_av_set_bool(ww_av_map_add(f, "off"), 0);
	ww_av_set_s(ww_av_map_add(f, "empty"), "", 0);
	/* Escapes after long plain runs, and at their edges. */
	ww_av_set_s(ww_av_map_add(f, "long"),
		    "abcdefghijklmnop\"qrstuvwx\\yz01234567\n89abcdef\037ghijklmnopqrstuvwxyz", 66);
	m = ww_av_map_add(f, "nested");
	ww_av_set_container(m, WW_AV_M);
	ww_av_set_container(ww_av_map_add(m, "none"), WW_AV_M);
	l = ww_av_map_add(m, "list");
	ww_av_set_container(l, WW_AV_L);
	e = ww_av_list_add(l);
	ww_av_set_container(e, WW_AV_M);
	ww_av_set_n(ww_av_map_add(e, "w"), "3");
	ww_av_set_s(ww_av_map_add(e, "\xc3\xa9t\"e"), "x", 1);
	ww_av_set_s(ww_av_list_add(l), "s", 1);
	ww_av_set_container(ww_av_list_add(l), WW_AV_L);
}

static void item_json_matches_build(const char *layout, const ww_item_prev *prev)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av fields = WW_AV_INIT, built = WW_AV_INIT, sent = WW_AV_INIT, key = WW_AV_INIT,
	      back = WW_AV_INIT;
	ww_item_meta meta = { "run1", "2026-01-02T03:04:05.678Z" };
	ww_buf canon = WW_BUF_INIT, json = WW_BUF_INIT;
	cJSON *j;
	size_t size = 0, size_only = 0;

	assert_int_equal(ww_layout_builtin(&l, layout), 0);
	rich_fields(&fields);
	ww_av_canonical(&fields, &canon);
	ww_layout_key_of(&l, WW_KIND_TICKET, "classic", &key);
	assert_int_equal(ww_item_build(&built, &l, WW_KIND_TICKET, "classic", &fields, "abc", &meta, prev), 0);
	ww_buf_puts(&json, "junk");
	assert_int_equal(ww_item_json(&json, &size, &l, WW_KIND_TICKET, "classic", &key, canon.ptr,
				      canon.len, "abc", &meta, prev), 0);
	assert_int_equal(ww_item_json(NULL, &size_only, &l, WW_KIND_TICKET, "classic", &key, canon.ptr,
				      canon.len, "abc", &meta, prev), 0);
	assert_memory_equal(json.ptr, "junk", 4);
	j = cJSON_Parse(ww_buf_cstr(&json) + 4);
	assert_non_null(j);
	assert_int_equal(ww_ddb_json_item_to_av(j, &sent), 0);
	assert_true(ww_av_equal(&sent, &built));
	assert_int_equal(sent.n, built.n);
	assert_int_equal(size, ww_av_item_size(&built));
	assert_int_equal(size_only, size);
	assert_int_equal(ww_item_fields_parse(&back, canon.ptr, canon.len), 0);
	assert_true(ww_av_equal(&back, &fields));
	cJSON_Delete(j);
	ww_av_release(&fields);
	ww_av_release(&built);
	ww_av_release(&sent);
	ww_av_release(&key);
	ww_av_release(&back);
	ww_buf_release(&canon);
	ww_buf_release(&json);
	ww_layout_release(&l);
}

static void test_item_json_from_canonical_text_is_the_built_item(void **state)
{
	ww_item_prev prev = { "2025-12-31T23:59:59.000Z", 4 };

	(void)state;
	item_json_matches_build("per-kind", NULL);
	item_json_matches_build("per-kind", &prev);
	item_json_matches_build("single-table", NULL);
	item_json_matches_build("single-table", &prev);
}

static void test_item_json_refuses_collisions_and_foreign_text(void **state)
{
	ww_layout l = WW_LAYOUT_INIT;
	ww_av key = WW_AV_INIT, back = WW_AV_INIT;
	ww_item_meta meta = { "r", "2026-01-01T00:00:00.000Z" };
	ww_buf json = WW_BUF_INIT;
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "{\"a\":1", "{\"a\":1}x", "[1]", "{\"a\":tru}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\x01\"}", "{\"a\":1,}", "{\"a\" :1}",
		"{\"a\":[1,]}", "{\"a\":.}", "{\"a\":1 }",
		/* numbers outside the JSON grammar */
		"{\"a\":1-2}", "{\"a\":1e}", "{\"a\":--1}", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":-}", "{\"a\":1e+}",
	};
	const char *sp = "{\"s\":\"\\ud83d\\ude00\\u00e9\\u0001\"}";
	size_t i, size;

	(void)state;
	ww_layout_builtin(&l, "single-table");
	ww_layout_key_of(&l, WW_KIND_TICKET, "classic", &key);
	assert_int_equal(ww_item_json(&json, &size, &l, WW_KIND_TICKET, "classic", &key,
				      "{\"id\":\"classic\",\"version\":2}", 28, "h", &meta, NULL),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "ticket \"classic\": field 'version' collides with an attribute of layout 'single-table'");
	assert_int_equal(json.len, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ww_item_json(&json, &size, &l, WW_KIND_TICKET, "classic", &key, bad[i],
					      strlen(bad[i]), "h", &meta, NULL),
				 WW_ERROR);
		assert_int_equal(json.len, 0);
		assert_int_equal(size, 0);
		assert_int_equal(ww_item_fields_parse(&back, bad[i], strlen(bad[i])), WW_ERROR);
	}
	/* A surrogate pair, a two-byte and a one-byte escape: 4 + 2 + 1 bytes. */
	assert_int_equal(ww_item_fields_parse(&back, sp, strlen(sp)), 0);
	assert_int_equal(ww_av_map_get(&back, "s")->len, 7);
	assert_memory_equal(ww_av_map_get_str(&back, "s"), "\xf0\x9f\x98\x80\xc3\xa9\x01", 7);
	ww_av_release(&key);
	ww_av_release(&back);
	ww_buf_release(&json);
	ww_layout_release(&l);
}

static void test_item_iso_time_is_utc_with_millis(void **state)
{
	char out[32];

	(void)state;
	ww_item_iso_time(out, 1700000000, 42);
	assert_string_equal(out, "2023-11-14T22:13:20.042Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_per_kind_key_is_id),
		cmocka_unit_test(test_layout_single_table_key_is_type_and_id),
		cmocka_unit_test(test_layout_unknown_builtin_is_invalid),
		cmocka_unit_test(test_layout_match_recovers_kind_and_id),
		cmocka_unit_test(test_layout_file_describes_custom_templates),
		cmocka_unit_test(test_layout_file_rejects_template_without_id),
		cmocka_unit_test(test_layout_file_rejects_missing_kind_and_meta_name),
		cmocka_unit_test(test_item_single_table_create_has_bookkeeping),
		cmocka_unit_test(test_item_update_keeps_created_and_bumps_version),
		cmocka_unit_test(test_item_field_colliding_with_bookkeeping_is_refused),
		cmocka_unit_test(test_item_wcu_rounds_up_per_kb),
		cmocka_unit_test(test_item_json_from_canonical_text_is_the_built_item),
		cmocka_unit_test(test_item_json_refuses_collisions_and_foreign_text),
		cmocka_unit_test(test_item_iso_time_is_utc_with_millis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
