#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ddb.h"
#include "aws/ddb_internal.h"
#include "aws/ddb_json.h"
#include "common/error.h"
#include "common/log.h"

#include "ddb_replay.h"

/*
 * Every operation of the client against golden request bodies and recorded
 * responses (tests/fixtures/ddb/NAME.req and NAME.res): a protocol change
 * shows up as a diff of the fixture.
 */

static void key(ww_av *k, const char *id)
{
	ww_av_set_container(k, WW_AV_M);
	ww_av_set_s(ww_av_map_add(k, "id"), id, strlen(id));
}

static void names_values(ww_av *names, ww_av *values)
{
	ww_av_set_container(names, WW_AV_M);
	ww_av_set_s(ww_av_map_add(names, "#id"), "id", 2);
	ww_av_set_container(values, WW_AV_M);
	ww_av_set_n(ww_av_map_add(values, ":v"), "7");
}

static void test_ddb_put_item_golden_request(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;
	ww_av item = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "put_item_cond");
	key(&item, "t-1");
	ww_av_set_s(ww_av_map_add(&item, "prize"), "grand", 5);
	ww_av_set_n(ww_av_map_add(&item, "version"), "8");
	names_values(&names, &values);
	x.condition = "attribute_not_exists(#id) OR version < :v";
	x.names = &names;
	x.values = &values;
	x.update = "SET ignored = :v"; /* PutItem has no UpdateExpression: not sent */
	assert_int_equal(ww_ddb_put_item(e.ddb, "wwseed-dev-tickets", &item, &x, &err), 0);
	assert_string_equal(e.rp.url[0], "https://dynamodb.us-east-1.amazonaws.com/");
	{
		static const char want[] =
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/dynamodb/"
			"aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
			"Signature=";
		assert_true(!strncmp(e.rp.auth[0], want, sizeof(want) - 1));
		assert_int_equal(strlen(e.rp.auth[0]), sizeof(want) - 1 + 64);
	}
	assert_null(e.rp.token[0]);
	ww_ddb_get_stats(e.ddb, &st);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.retries, 0);
	assert_int_equal(st.write_requests, 1);
	assert_int_equal(st.items_written, 1);
	assert_true(st.consumed_wcu == 1.0);
	assert_true(st.consumed_rcu == 0.0);
	ww_av_release(&item);
	ww_av_release(&names);
	ww_av_release(&values);
	replay_env_release(&e);
}

static void test_ddb_put_item_condition_failed_is_conflict(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av item = WW_AV_INIT;
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "put_item_conflict");
	key(&item, "t-1");
	x.condition = "attribute_not_exists(id)";
	assert_int_equal(ww_ddb_put_item(e.ddb, "wwseed-dev-tickets", &item, &x, &err),
			 WW_ECONFLICT);
	assert_int_equal(err.code, WW_ECONFLICT);
	assert_string_equal(err.type, "ConditionalCheckFailedException");
	assert_string_equal(err.message, "The conditional request failed");
	assert_int_equal(err.http_status, 400);
	assert_string_equal(err.request_id, "PUT0ITEM0CONFLICTREQ");
	assert_int_equal(err.attempts, 1);
	assert_int_equal(e.sleeps.n, 0);
	assert_string_equal(ww_error_message(),
			    "dynamodb PutItem on table 'wwseed-dev-tickets' failed: "
			    "ConditionalCheckFailedException: The conditional request failed (http "
			    "400, request-id PUT0ITEM0CONFLICTREQ, 1 attempt)");
	ww_av_release(&item);
	replay_env_release(&e);
}

static void test_ddb_get_item_every_type(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;
	ww_av k = WW_AV_INIT, item = WW_AV_INIT, names = WW_AV_INIT;
	ww_buf json = WW_BUF_INIT;
	ww_ddb_expr x = { 0 };
	const ww_av *icon;
	int found = -1;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "get_item_found");
	key(&k, "grand-prize");
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&names, "#w"), "weight", 6);
	x.projection = "id, #w, icon, enabled, retired, limits, tiers, tags, odds, blobs";
	x.names = &names;
	x.condition = "ignored"; /* GetItem takes no condition: not sent */
	assert_int_equal(ww_ddb_get_item(e.ddb, "wwseed-dev-prizes", &k, &x, 1, &item, &found, &err),
			 0);
	assert_int_equal(found, 1);
	icon = ww_av_map_get(&item, "icon");
	assert_non_null(icon);
	assert_int_equal(icon->type, WW_AV_B);
	assert_int_equal(icon->len, 4);
	assert_memory_equal(icon->str, "\x00\x01\x02\xff", 4);
	ww_av_item_to_json(&json, &item);
	assert_string_equal(ww_buf_cstr(&json),
			    "{\"id\":{\"S\":\"grand-prize\"},\"weight\":{\"N\":\"0.6018822594026548\"},"
			    "\"icon\":{\"B\":\"AAEC/w==\"},\"enabled\":{\"BOOL\":true},"
			    "\"retired\":{\"NULL\":true},\"limits\":{\"M\":{\"daily\":{\"N\":\"10\"}}},"
			    "\"tiers\":{\"L\":[{\"S\":\"gold\"},{\"N\":\"3\"}]},"
			    "\"tags\":{\"SS\":[\"big\",\"rare\"]},\"odds\":{\"NS\":[\"1\",\"2.5\"]},"
			    "\"blobs\":{\"BS\":[\"AQ==\",\"Ag==\"]}}");
	ww_ddb_get_stats(e.ddb, &st);
	assert_true(st.consumed_rcu == 1.0);
	assert_int_equal(st.write_requests, 0);
	ww_buf_release(&json);
	ww_av_release(&k);
	ww_av_release(&item);
	ww_av_release(&names);
	replay_env_release(&e);
}

static void test_ddb_get_item_missing(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av k = WW_AV_INIT, item = WW_AV_INIT;
	int found = -1;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "get_item_missing");
	key(&k, "nobody");
	ww_av_set_s(&item, "stale", 5); /* released by the call */
	assert_int_equal(ww_ddb_get_item(e.ddb, "wwseed-dev-prizes", &k, NULL, 0, &item, &found, &err),
			 0);
	assert_int_equal(found, 0);
	assert_int_equal(item.type, WW_AV_NULL);
	ww_av_release(&k);
	replay_env_release(&e);
}

static void test_ddb_update_item_returns_all_new(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av k = WW_AV_INIT, attrs = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "update_item");
	key(&k, "store-1");
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&names, "#n"), "name", 4);
	ww_av_set_container(&values, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&values, ":name"), "Main St", 7);
	ww_av_set_n(ww_av_map_add(&values, ":one"), "1");
	ww_av_set_n(ww_av_map_add(&values, ":seen"), "7");
	x.update = "SET #n = :name ADD version :one";
	x.condition = "version = :seen";
	x.names = &names;
	x.values = &values;
	assert_int_equal(ww_ddb_update_item(e.ddb, "wwseed-dev-stores", &k, &x, &attrs, &err), 0);
	assert_int_equal(attrs.type, WW_AV_M);
	assert_string_equal(ww_av_map_get_str(&attrs, "version"), "8");
	assert_string_equal(ww_av_map_get_str(&attrs, "name"), "Main St");
	ww_av_release(&k);
	ww_av_release(&attrs);
	ww_av_release(&names);
	ww_av_release(&values);
	replay_env_release(&e);
}

static void test_ddb_delete_item_with_condition(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;
	ww_av k = WW_AV_INIT;
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "delete_item");
	key(&k, "store-1");
	x.condition = "attribute_exists(id)";
	assert_int_equal(ww_ddb_delete_item(e.ddb, "wwseed-dev-stores", &k, &x, &err), 0);
	ww_ddb_get_stats(e.ddb, &st);
	assert_int_equal(st.write_requests, 1);
	assert_int_equal(st.items_written, 1);
	ww_av_release(&k);
	replay_env_release(&e);
}

static ww_ddb_write *three_writes(void)
{
	static int tags[3];
	ww_ddb_write *w = calloc(3, sizeof(*w));

	assert_non_null(w);
	w[0].table = "wwseed-dev-tickets";
	key(&w[0].item, "t-1");
	ww_av_set_s(ww_av_map_add(&w[0].item, "prize"), "grand", 5);
	w[0].user = &tags[0];
	w[1].table = "wwseed-dev-prizes";
	w[1].is_delete = 1;
	key(&w[1].item, "old-prize");
	w[1].user = &tags[1];
	w[2].table = "wwseed-dev-tickets";
	key(&w[2].item, "t-2");
	ww_av_set_s(ww_av_map_add(&w[2].item, "prize"), "grand", 5);
	ww_av_set_n(ww_av_map_add(&w[2].item, "n"), "2");
	w[2].user = &tags[2];
	return w;
}

static void test_ddb_batch_write_moves_unprocessed(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;
	ww_ddb_write *w = three_writes(), *un = NULL;
	void *tag1 = w[1].user, *tag2 = w[2].user;
	size_t nun = 99;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "batch_write_partial");
	assert_int_equal(ww_ddb_batch_write(e.ddb, w, 3, &un, &nun, &err), 0);
	assert_int_equal(nun, 2);
	/* In the answer's order, with the caller's tags. */
	assert_ptr_equal(un[0].user, tag2);
	assert_string_equal(un[0].table, "wwseed-dev-tickets");
	assert_int_equal(un[0].is_delete, 0);
	assert_string_equal(ww_av_map_get_str(&un[0].item, "id"), "t-2");
	assert_ptr_equal(un[1].user, tag1);
	assert_int_equal(un[1].is_delete, 1);
	assert_string_equal(ww_av_map_get_str(&un[1].item, "id"), "old-prize");
	/* Moved, not copied: the originals are empty, the processed one stays. */
	assert_int_equal(w[1].item.type, WW_AV_NULL);
	assert_int_equal(w[2].item.type, WW_AV_NULL);
	assert_string_equal(ww_av_map_get_str(&w[0].item, "id"), "t-1");
	ww_ddb_get_stats(e.ddb, &st);
	assert_int_equal(st.write_requests, 1);
	assert_int_equal(st.items_written, 1);
	assert_true(st.consumed_wcu == 2.0);
	ww_ddb_writes_release(un, nun);
	ww_ddb_writes_release(w, 3);
	ww_ddb_writes_release(NULL, 0);
	replay_env_release(&e);
}

/* The puts of three_writes as raw item text, sent instead of their items. */
static void make_raw(ww_ddb_write *w, size_t i, const char *text)
{
	ww_av_release(&w[i].item);
	w[i].raw = strdup(text);
	assert_non_null(w[i].raw);
}

static void test_ddb_put_item_raw_golden_request(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "put_item_cond");
	names_values(&names, &values);
	x.condition = "attribute_not_exists(#id) OR version < :v";
	x.names = &names;
	x.values = &values;
	assert_int_equal(ww_ddb_put_item_raw(e.ddb, "wwseed-dev-tickets",
					     "{\"id\":{\"S\":\"t-1\"},\"prize\":{\"S\":\"grand\"},"
					     "\"version\":{\"N\":\"8\"}}",
					     &x, &err),
			 0);
	ww_av_release(&names);
	ww_av_release(&values);
	replay_env_release(&e);
}

static void test_ddb_batch_write_raw_items_move_unprocessed(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_write *w = three_writes(), *un = NULL;
	void *tag1 = w[1].user, *tag2 = w[2].user;
	static const char t2[] = "{\"id\":{\"S\":\"t-2\"},\"prize\":{\"S\":\"grand\"},\"n\":{\"N\":\"2\"}}";
	size_t nun = 99;

	(void)state;
	make_raw(w, 0, "{\"id\":{\"S\":\"t-1\"},\"prize\":{\"S\":\"grand\"}}");
	make_raw(w, 2, t2);
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "batch_write_partial");
	assert_int_equal(ww_ddb_batch_write(e.ddb, w, 3, &un, &nun, &err), 0);
	assert_int_equal(nun, 2);
	assert_ptr_equal(un[0].user, tag2);
	assert_string_equal(un[0].raw, t2);
	assert_int_equal(un[0].item.type, WW_AV_NULL);
	assert_ptr_equal(un[1].user, tag1);
	assert_null(un[1].raw);
	assert_null(w[2].raw);
	assert_non_null(w[0].raw);
	ww_ddb_writes_release(un, nun);
	ww_ddb_writes_release(w, 3);
	replay_env_release(&e);
}

static void test_ddb_batch_write_raw_items_match_in_any_member_order(void **state)
{
	ww_ddb_write *w = three_writes(), *un = NULL;
	size_t nun = 0;
	static const char body[] =
	    "{\"UnprocessedItems\":{\"wwseed-dev-tickets\":[{\"PutRequest\":{\"Item\":"
	    "{\"id\":{\"S\":\"t-2\"},\"prize\":{\"S\":\"grand\"},\"n\":{\"N\":\"2\"}}}}]}}";

	(void)state;
	make_raw(w, 0, "{\"prize\":{\"S\":\"grand\"},\"id\":{\"S\":\"t-1\"}}");
	make_raw(w, 2, "{\"n\":{\"N\":\"2.0\"},\"prize\":{\"S\":\"grand\"},\"id\":{\"S\":\"t-2\"}}");
	assert_int_equal(ww_ddb_parse_batch_write(body, sizeof(body) - 1, w, 3, &un, &nun), 0);
	assert_int_equal(nun, 1);
	assert_ptr_equal(un[0].user, w[2].user);
	assert_null(w[2].raw);
	ww_ddb_writes_release(un, nun);
	/* Text that does not read back matches nothing. */
	make_raw(w, 2, "{\"id\":");
	assert_int_equal(ww_ddb_parse_batch_write(body, sizeof(body) - 1, w, 3, &un, &nun), WW_ERROR);
	assert_non_null(w[2].raw);
	ww_ddb_writes_release(w, 3);
}

static void test_ddb_batch_write_all_processed(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_stats st;
	ww_ddb_write *w = three_writes(), *un = NULL;
	size_t nun = 99;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "batch_write_all");
	assert_int_equal(ww_ddb_batch_write(e.ddb, w, 3, &un, &nun, &err), 0);
	assert_int_equal(nun, 0);
	assert_null(un);
	ww_ddb_get_stats(e.ddb, &st);
	assert_int_equal(st.items_written, 3);
	ww_ddb_writes_release(w, 3);
	replay_env_release(&e);
}

static void test_ddb_batch_get_items_and_unprocessed(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av keys[3] = { WW_AV_INIT, WW_AV_INIT, WW_AV_INIT };
	ww_av items = WW_AV_INIT, un = WW_AV_INIT;
	ww_ddb_expr x = { 0 };
	size_t i;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "batch_get");
	key(&keys[0], "t-1");
	key(&keys[1], "t-2");
	key(&keys[2], "t-3");
	x.projection = "id, prize";
	assert_int_equal(ww_ddb_batch_get(e.ddb, "wwseed-dev-tickets", keys, 3, &x, 1, &items, &un,
					  &err),
			 0);
	assert_int_equal(items.type, WW_AV_L);
	assert_int_equal(items.n, 2);
	assert_string_equal(ww_av_map_get_str(&items.members[1].value, "prize"), "small");
	assert_int_equal(un.n, 1);
	assert_true(ww_av_equal(&un.members[0].value, &keys[1]));
	for (i = 0; i < 3; i++)
		ww_av_release(&keys[i]);
	ww_av_release(&items);
	ww_av_release(&un);
	replay_env_release(&e);
}

static void test_ddb_scan_two_pages(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av items = WW_AV_INIT, last = WW_AV_INIT, start = WW_AV_INIT;
	ww_ddb_read r = { 0 };
	ww_ddb_stats st;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "scan_page1", "scan_page2");
	r.table = "wwseed-dev-tickets";
	r.limit = 2;
	r.segment = 1;
	r.total_segments = 4;
	assert_int_equal(ww_ddb_scan(e.ddb, &r, &items, &last, &err), 0);
	assert_int_equal(items.n, 2);
	assert_string_equal(ww_av_map_get_str(&last, "id"), "t-2");
	ww_av_copy(&start, &last);
	r.start_key = &start;
	assert_int_equal(ww_ddb_scan(e.ddb, &r, &items, &last, &err), 0);
	assert_int_equal(items.n, 1);
	assert_string_equal(ww_av_map_get_str(&items.members[0].value, "id"), "t-3");
	assert_int_equal(last.type, WW_AV_NULL);
	ww_ddb_get_stats(e.ddb, &st);
	assert_true(st.consumed_rcu == 1.0);
	ww_av_release(&items);
	ww_av_release(&last);
	ww_av_release(&start);
	replay_env_release(&e);
}

static void test_ddb_query_index(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av items = WW_AV_INIT, last = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_read r = { 0 };
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "query_gsi");
	ww_av_set_container(&values, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&values, ":s"), "store-1", 7);
	ww_av_set_s(ww_av_map_add(&values, ":sc"), "sc-9", 4);
	x.key_condition = "store = :s";
	x.filter = "scratcher = :sc";
	x.values = &values;
	r.table = "wwseed-dev-tickets";
	r.index = "by-store";
	r.expr = &x;
	assert_int_equal(ww_ddb_query(e.ddb, &r, &items, &last, &err), 0);
	assert_int_equal(items.n, 1);
	assert_string_equal(ww_av_map_get_str(&items.members[0].value, "scratcher"), "sc-9");
	assert_int_equal(last.type, WW_AV_NULL);
	ww_av_release(&items);
	ww_av_release(&last);
	ww_av_release(&values);
	replay_env_release(&e);
}

/* descending: ScanIndexForward false after the other members, with Limit. */
static void test_ddb_query_descending_with_limit(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_av items = WW_AV_INIT, last = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_read r = { 0 };
	ww_ddb_expr x = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "query_runs_newest");
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&names, "#pk"), "pk", 2);
	ww_av_set_container(&values, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&values, ":run"), "run", 3);
	x.key_condition = "#pk = :run";
	x.names = &names;
	x.values = &values;
	r.table = "wwseed-dev-ledger";
	r.expr = &x;
	r.limit = 2;
	r.consistent = 1;
	r.descending = 1;
	assert_int_equal(ww_ddb_query(e.ddb, &r, &items, &last, &err), 0);
	assert_int_equal(items.n, 2);
	assert_string_equal(ww_av_map_get_str(&items.members[0].value, "sk"),
			    "2026-11-22T00:02:00.000Z#b");
	assert_int_equal(last.type, WW_AV_M);
	ww_av_release(&items);
	ww_av_release(&last);
	ww_av_release(&names);
	ww_av_release(&values);
	replay_env_release(&e);
}

static void tickets_table(ww_ddb_table *t)
{
	memset(t, 0, sizeof(*t));
	t->name = strdup("wwseed-dev-tickets");
	t->hash_key = strdup("id");
	t->nattrs = 3;
	t->attrs = calloc(3, sizeof(*t->attrs));
	t->attrs[0].name = strdup("id");
	t->attrs[0].type = 'S';
	t->attrs[1].name = strdup("store");
	t->attrs[1].type = 'S';
	t->attrs[2].name = strdup("sold");
	t->attrs[2].type = 'N';
	t->ngsis = 1;
	t->gsis = calloc(1, sizeof(*t->gsis));
	t->gsis[0].name = strdup("by-store");
	t->gsis[0].hash_key = strdup("store");
	t->gsis[0].range_key = strdup("sold");
	t->gsis[0].projection = strdup("KEYS_ONLY");
	t->rcu = 5;
	t->wcu = 10;
	t->stream_enabled = 1;
	t->stream_view_type = strdup("NEW_AND_OLD_IMAGES");
	t->sse_enabled = 1;
	t->sse_type = strdup("KMS");
	t->deletion_protection = 1;
}

static void test_ddb_create_table_golden_and_describe(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_table t, got = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "create_table", "describe_active");
	tickets_table(&t);
	assert_int_equal(ww_ddb_create_table(e.ddb, &t, &err), 0);
	assert_int_equal(ww_ddb_describe_table(e.ddb, "wwseed-dev-tickets", &got, &err), 0);
	/* What describe reads back is what create sent. */
	assert_string_equal(got.name, t.name);
	assert_string_equal(got.hash_key, "id");
	assert_null(got.range_key);
	assert_int_equal(got.nattrs, 3);
	assert_string_equal(got.attrs[2].name, "sold");
	assert_int_equal(got.attrs[2].type, 'N');
	assert_int_equal(got.ngsis, 1);
	assert_string_equal(got.gsis[0].name, "by-store");
	assert_string_equal(got.gsis[0].hash_key, "store");
	assert_string_equal(got.gsis[0].range_key, "sold");
	assert_string_equal(got.gsis[0].projection, "KEYS_ONLY");
	assert_int_equal(got.pay_per_request, 0);
	assert_int_equal(got.rcu, 5);
	assert_int_equal(got.wcu, 10);
	assert_int_equal(got.stream_enabled, 1);
	assert_string_equal(got.stream_view_type, "NEW_AND_OLD_IMAGES");
	assert_int_equal(got.sse_enabled, 1);
	assert_string_equal(got.sse_type, "KMS");
	assert_int_equal(got.deletion_protection, 1);
	assert_string_equal(got.status, "ACTIVE");
	assert_int_equal(got.item_count, 42);
	ww_ddb_table_release(&t);
	ww_ddb_table_release(&got);
	ww_ddb_table_release(&got);
	ww_ddb_table_release(NULL);
	replay_env_release(&e);
}

static void test_ddb_create_table_on_demand_body(void **state)
{
	ww_ddb_table t = { 0 };
	char name[] = "wwseed-dev-ledger", pk[] = "pk", sk[] = "sk";
	ww_ddb_attr_def a = { pk, 'S' };
	ww_buf b = WW_BUF_INIT;

	(void)state;
	t.name = name;
	t.hash_key = pk;
	t.range_key = sk;
	t.attrs = &a;
	t.nattrs = 1;
	t.pay_per_request = 1;
	ww_ddb_body_create_table(&b, &t);
	assert_string_equal(ww_buf_cstr(&b),
			    "{\"TableName\":\"wwseed-dev-ledger\",\"AttributeDefinitions\":"
			    "[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],\"KeySchema\":"
			    "[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":"
			    "\"sk\",\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
	ww_buf_release(&b);
}

static void test_ddb_describe_missing_table_is_not_found(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_ddb_table got = { 0 };

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "describe_not_found");
	assert_int_equal(ww_ddb_describe_table(e.ddb, "wwseed-dev-missing", &got, &err),
			 WW_ENOTFOUND);
	assert_string_equal(err.type, "ResourceNotFoundException");
	assert_string_equal(ww_error_message(),
			    "dynamodb DescribeTable on table 'wwseed-dev-missing' failed: "
			    "ResourceNotFoundException: Requested resource not found: Table: "
			    "wwseed-dev-missing not found (http 400, request-id "
			    "DESCRIBE0NOT0FOUNDREQ, 1 attempt)");
	assert_null(got.name);
	replay_env_release(&e);
}

static void test_ddb_wait_active_waits_for_indexes(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "describe_creating", "describe_index_creating", "describe_active");
	assert_int_equal(ww_ddb_wait_active(e.ddb, "wwseed-dev-tickets", 60, &err), 0);
	assert_int_equal(e.sleeps.n, 2);
	assert_int_equal(e.sleeps.slept[0], 100);
	assert_int_equal(e.sleeps.slept[1], 200);
	replay_env_release(&e);
}

static void test_ddb_wait_active_times_out(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	/* The test clock moves a whole second per sleep: one pause is enough. */
	REPLAY(&e, "describe_creating", "describe_creating");
	assert_int_equal(ww_ddb_wait_active(e.ddb, "wwseed-dev-tickets", 1, &err), WW_ERROR);
	assert_string_equal(ww_error_message(),
			    "table 'wwseed-dev-tickets' did not become active within 1 s (status "
			    "CREATING, indexes not active)");
	assert_int_equal(err.code, WW_ERROR);
	replay_env_release(&e);
}

static void test_ddb_delete_table(void **state)
{
	replay_env e;
	ww_ddb_error err;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "delete_table");
	assert_int_equal(ww_ddb_delete_table(e.ddb, "wwseed-dev-tickets", &err), 0);
	replay_env_release(&e);
}

static void test_ddb_list_tables_all_pages(void **state)
{
	replay_env e;
	ww_ddb_error err;
	char **names = NULL;
	size_t n = 0, i;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "list_tables_p1", "list_tables_p2");
	assert_int_equal(ww_ddb_list_tables(e.ddb, &names, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "wwseed-dev-prizes");
	assert_string_equal(names[1], "wwseed-dev-stores");
	assert_string_equal(names[2], "wwseed-dev-tickets");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	replay_env_release(&e);
}

static void test_ddb_ttl_on_and_off(void **state)
{
	replay_env e;
	ww_ddb_error err;
	char *attr = NULL;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "describe_ttl", "update_ttl_on", "describe_ttl", "update_ttl_off",
	       "describe_ttl_off");
	assert_int_equal(ww_ddb_describe_ttl(e.ddb, "wwseed-dev-tickets", &attr, &err), 0);
	assert_string_equal(attr, "expires_at");
	free(attr);
	assert_int_equal(ww_ddb_update_ttl(e.ddb, "wwseed-dev-tickets", "expires_at", &err), 0);
	/* Off: the attribute TTL is on is looked up and named. */
	assert_int_equal(ww_ddb_update_ttl(e.ddb, "wwseed-dev-tickets", NULL, &err), 0);
	/* Already off: nothing to send after the describe. */
	assert_int_equal(ww_ddb_update_ttl(e.ddb, "wwseed-dev-tickets", NULL, &err), 0);
	replay_env_release(&e);
}

static void test_ddb_pitr_describe_and_update(void **state)
{
	replay_env e;
	ww_ddb_error err;
	int on = -1;

	(void)state;
	replay_env_init(&e, NULL, NULL);
	REPLAY(&e, "describe_pitr", "update_pitr");
	assert_int_equal(ww_ddb_describe_pitr(e.ddb, "wwseed-dev-tickets", &on, &err), 0);
	assert_int_equal(on, 1);
	assert_int_equal(ww_ddb_update_pitr(e.ddb, "wwseed-dev-tickets", 0, &err), 0);
	replay_env_release(&e);
}

static void test_ddb_call_raw_and_session_token(void **state)
{
	replay_env e;
	ww_ddb_error err;
	ww_buf out = WW_BUF_INIT;

	(void)state;
	replay_env_init(&e, NULL, "FQoGZXIvYXdzEXAMPLETOKEN");
	REPLAY(&e, "raw_call", "raw_put");
	assert_int_equal(ww_ddb_call(e.ddb, "ListTables", NULL, "{}", &out, &err), 0);
	assert_string_equal(ww_buf_cstr(&out), "{\"TableNames\":[]}");
	/* The answer byte for byte, and the capacity still counted. */
	ww_buf_clear(&out);
	assert_int_equal(ww_ddb_call(e.ddb, "PutItem", "wwseed-dev-tickets",
				     "{\"TableName\":\"wwseed-dev-tickets\",\"Item\":{\"id\":{\"S\":"
				     "\"t-1\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}",
				     &out, &err),
			 0);
	assert_string_equal(ww_buf_cstr(&out), "{\"ConsumedCapacity\": {\"TableName\": "
					       "\"wwseed-dev-tickets\", \"CapacityUnits\": 1.0}}");
	{
		ww_ddb_stats st;
		ww_ddb_get_stats(e.ddb, &st);
		assert_true(st.consumed_wcu == 1.0);
		assert_int_equal(st.items_written, 1);
	}
	assert_string_equal(e.rp.token[0], "FQoGZXIvYXdzEXAMPLETOKEN");
	assert_non_null(strstr(e.rp.auth[0], "x-amz-security-token"));
	ww_buf_release(&out);
	replay_env_release(&e);
}

static void test_ddb_error_body_parsing(void **state)
{
	ww_ddb_error err;
	static const char lower[] = "{\"__type\":\"com.amazon.coral.validate#ValidationException\","
				    "\"message\":\"bad\"}";
	static const char upper[] = "{\"__type\":\"AccessDeniedException\",\"Message\":\"no\"}";

	(void)state;
	assert_int_equal(ww_ddb_parse_error_body(lower, sizeof(lower) - 1, &err), 0);
	assert_string_equal(err.type, "ValidationException");
	assert_string_equal(err.message, "bad");
	assert_int_equal(ww_ddb_parse_error_body(upper, sizeof(upper) - 1, &err), 0);
	assert_string_equal(err.type, "AccessDeniedException");
	assert_string_equal(err.message, "no");
	assert_int_equal(ww_ddb_parse_error_body("<html>", 6, &err), WW_ERROR);
	assert_string_equal(err.type, "");
	assert_int_equal(ww_ddb_error_code("ConditionalCheckFailedException", 400), WW_ECONFLICT);
	assert_int_equal(ww_ddb_error_code("ResourceNotFoundException", 400), WW_ENOTFOUND);
	assert_int_equal(ww_ddb_error_code("ValidationException", 400), WW_EINVALID);
	assert_int_equal(ww_ddb_error_code("ThrottlingException", 400), WW_ETHROTTLED);
	assert_int_equal(ww_ddb_error_code("UnrecognizedClientException", 400), WW_EAUTH);
	assert_int_equal(ww_ddb_error_code("InvalidSignatureException", 400), WW_EAUTH);
	assert_int_equal(ww_ddb_error_code("", 403), WW_EAUTH);
	assert_int_equal(ww_ddb_error_code("InternalServerError", 500), WW_EAWS);
	assert_int_equal(ww_ddb_error_code("SerializationException", 400), WW_EAWS);
}

static void test_ddb_batch_write_rejects_unknown_unprocessed(void **state)
{
	ww_ddb_write *w = three_writes(), *un = NULL;
	size_t nun = 0;
	static const char body[] = "{\"UnprocessedItems\":{\"wwseed-dev-tickets\":[{\"PutRequest\":"
				   "{\"Item\":{\"id\":{\"S\":\"never-sent\"}}}}]}}";

	(void)state;
	assert_int_equal(ww_ddb_parse_batch_write(body, sizeof(body) - 1, w, 3, &un, &nun), WW_ERROR);
	assert_string_equal(ww_error_message(),
			    "malformed BatchWriteItem response: an unprocessed request matches "
			    "none sent");
	assert_null(un);
	assert_int_equal(nun, 0);
	/* Nothing was moved. */
	assert_int_equal(w[2].item.type, WW_AV_M);
	ww_ddb_writes_release(w, 3);
}

static int page_rc(const char *body)
{
	ww_av items = WW_AV_INIT, last = WW_AV_INIT;
	int rc = ww_ddb_parse_page(body, strlen(body), &items, &last);

	ww_av_release(&items);
	ww_av_release(&last);
	return rc;
}

static void test_ddb_json_rejects_malformed_values(void **state)
{
	(void)state;
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"S\":\"x\"}}]}"), 0);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"X\":\"1\"}}]}"), WW_ERROR);
	assert_string_equal(ww_error_message(), "malformed Scan response: bad Items");
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"S\":\"x\",\"N\":\"1\"}}]}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"N\":1}}]}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"B\":\"!!\"}}]}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"BOOL\":\"true\"}}]}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"SS\":[\"x\",1]}}]}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"L\":{}}}]}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":{}}"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[],\"LastEvaluatedKey\":[]}"), WW_ERROR);
	assert_int_equal(page_rc("[]"), WW_ERROR);
	assert_int_equal(page_rc("{\"Items\":[{\"a\":{\"NULL\":true},\"b\":{\"BOOL\":false}}]}"), 0);
}

static void test_ddb_base64_decode_vectors(void **state)
{
	static const char *const in[] = { "", "Zg==", "Zm8=", "Zm9v", "Zg", "Zm9vYmFy", "/+8=" };
	static const char *const want[] = { "", "f", "fo", "foo", "f", "foobar", "\xff\xef" };
	ww_buf b = WW_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(*in); i++) {
		ww_buf_clear(&b);
		assert_int_equal(ww_ddb_base64_decode(in[i], strlen(in[i]), &b), 0);
		assert_int_equal(b.len, strlen(want[i]));
		assert_memory_equal(b.len ? b.ptr : "", want[i], b.len);
	}
	assert_int_equal(ww_ddb_base64_decode("Z", 1, &b), -1);     /* 6 bits: no byte */
	assert_int_equal(ww_ddb_base64_decode("Zm9v!", 5, &b), -1); /* not base64 */
	ww_buf_release(&b);
}

static void test_ddb_new_rejects_incomplete_options(void **state)
{
	ww_ddb_options o;
	ww_creds_provider *c = ww_creds_provider_static_new("AKIDEXAMPLE", "secretsecret", NULL);

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_null(ww_ddb_new(&o));
	assert_string_equal(ww_error_message(), "no region for dynamodb");
	o.region = "eu-west-1";
	assert_null(ww_ddb_new(&o));
	assert_string_equal(ww_error_message(), "no credentials for dynamodb");
	o.creds = c;
	o.send = replay_send;
	o.endpoint = "localhost:8000";
	assert_null(ww_ddb_new(&o));
	assert_string_equal(ww_error_message(), "invalid endpoint url 'localhost:8000'");
	o.endpoint = NULL;
	{
		ww_ddb *d = ww_ddb_new(&o);
		assert_non_null(d);
		assert_string_equal(ww_ddb_endpoint(d), "https://dynamodb.eu-west-1.amazonaws.com");
		ww_ddb_free(d);
	}
	o.endpoint = "http://127.0.0.1:8000/";
	{
		ww_ddb *d = ww_ddb_new(&o);
		assert_non_null(d);
		assert_string_equal(ww_ddb_endpoint(d), "http://127.0.0.1:8000");
		ww_ddb_free(d);
	}
	ww_ddb_free(NULL);
	ww_creds_provider_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ddb_put_item_golden_request),
		cmocka_unit_test(test_ddb_put_item_condition_failed_is_conflict),
		cmocka_unit_test(test_ddb_put_item_raw_golden_request),
		cmocka_unit_test(test_ddb_batch_write_raw_items_move_unprocessed),
		cmocka_unit_test(test_ddb_batch_write_raw_items_match_in_any_member_order),
		cmocka_unit_test(test_ddb_get_item_every_type),
		cmocka_unit_test(test_ddb_get_item_missing),
		cmocka_unit_test(test_ddb_update_item_returns_all_new),
		cmocka_unit_test(test_ddb_delete_item_with_condition),
		cmocka_unit_test(test_ddb_batch_write_moves_unprocessed),
		cmocka_unit_test(test_ddb_batch_write_all_processed),
		cmocka_unit_test(test_ddb_batch_get_items_and_unprocessed),
		cmocka_unit_test(test_ddb_scan_two_pages),
		cmocka_unit_test(test_ddb_query_index),
		cmocka_unit_test(test_ddb_query_descending_with_limit),
		cmocka_unit_test(test_ddb_create_table_golden_and_describe),
		cmocka_unit_test(test_ddb_create_table_on_demand_body),
		cmocka_unit_test(test_ddb_describe_missing_table_is_not_found),
		cmocka_unit_test(test_ddb_wait_active_waits_for_indexes),
		cmocka_unit_test(test_ddb_wait_active_times_out),
		cmocka_unit_test(test_ddb_delete_table),
		cmocka_unit_test(test_ddb_list_tables_all_pages),
		cmocka_unit_test(test_ddb_ttl_on_and_off),
		cmocka_unit_test(test_ddb_pitr_describe_and_update),
		cmocka_unit_test(test_ddb_call_raw_and_session_token),
		cmocka_unit_test(test_ddb_error_body_parsing),
		cmocka_unit_test(test_ddb_batch_write_rejects_unknown_unprocessed),
		cmocka_unit_test(test_ddb_json_rejects_malformed_values),
		cmocka_unit_test(test_ddb_base64_decode_vectors),
		cmocka_unit_test(test_ddb_new_rejects_incomplete_options),
	};
	ww_log_set_level(WW_LOG_QUIET);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
