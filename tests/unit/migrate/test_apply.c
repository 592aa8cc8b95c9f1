/*
 * The apply's worker pool against a fake DynamoDB endpoint: a send function
 * that answers in the real JSON 1.0 wire format what the local server
 * cannot be made to do on demand (UnprocessedItems, a condition failing on
 * one item).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "aws/creds.h"
#include "aws/ddb.h"
#include "common/error.h"
#include "migrate/apply.h"

#include "fake_client.h"

typedef struct {
	pthread_mutex_t mu;
	int batch_calls, put_calls;
	int unprocessed_rounds; /* BatchWriteItem hands back its first request this many times */
	const char *conflict_id; /* PutItem of this id fails its condition */
	int saw_condition;
	int scan_calls, get_calls, saw_projection;
	/* PutItem of this id is written but its answer lost (HTTP 500); the
	 * retry then fails its condition. GetItem answers the stored item, its
	 * _wwseed.runId replaced by other_run when set (someone else's write). */
	const char *lost_id;
	int lost_puts, item_gets;
	cJSON *stored;
	const char *other_run;
	int lost_in_one_attempt; /* the write lands and the answer is already the failed condition */
} fake;

static const char *target_of(const ww_http_request *req)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->headers[i].name, "X-Amz-Target"))
			return strchr(req->headers[i].value, '.') + 1;
	return "";
}

static int fake_send(void *ctx, const ww_http_request *req, ww_http_response *out)
{
	fake *f = ctx;
	const char *op = target_of(req);
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	char *text = NULL;

	out->status = 200;
	pthread_mutex_lock(&f->mu);
	if (!strcmp(op, "BatchWriteItem")) {
		f->batch_calls++;
		if (f->unprocessed_rounds > 0) {
			cJSON *items = cJSON_GetObjectItem(body, "RequestItems");
			cJSON *table = items->child;
			cJSON *first = cJSON_DetachItemFromArray(table, 0);
			cJSON *resp = cJSON_CreateObject(), *un = cJSON_AddObjectToObject(resp, "UnprocessedItems");
			cJSON *arr = cJSON_AddArrayToObject(un, table->string);
			cJSON_AddItemToArray(arr, first);
			f->unprocessed_rounds--;
			text = cJSON_PrintUnformatted(resp);
			cJSON_Delete(resp);
		}
	} else if (!strcmp(op, "Scan")) {
		/* Two pages: p00 (current) then p01 (stale hash), LastEvaluatedKey between. */
		f->scan_calls++;
		if (!cJSON_GetObjectItem(body, "ExclusiveStartKey"))
			text = strdup("{\"Items\":[{\"id\":{\"S\":\"p00\"},\"_wwseed\":{\"M\":{\"hash\":{\"S\":\"h\"},"
				      "\"managedBy\":{\"S\":\"wwseed\"}}}}],\"LastEvaluatedKey\":{\"id\":{\"S\":\"p00\"}}}");
		else
			text = strdup("{\"Items\":[{\"id\":{\"S\":\"p01\"},\"_wwseed\":{\"M\":{\"hash\":{\"S\":\"old\"},"
				      "\"managedBy\":{\"S\":\"wwseed\"}}}}]}");
		if (cJSON_GetObjectItem(body, "ProjectionExpression"))
			f->saw_projection++;
	} else if (!strcmp(op, "BatchGetItem")) {
		/* First call hands the key back unprocessed, the second answers. */
		f->get_calls++;
		if (f->get_calls == 1)
			text = strdup("{\"Responses\":{},\"UnprocessedKeys\":{\"schratcho-dev-prizes\":{\"Keys\":[{\"id\":{\"S\":\"p01\"}}]}}}");
		else
			text = strdup("{\"Responses\":{\"schratcho-dev-prizes\":[{\"id\":{\"S\":\"p01\"},\"name\":{\"S\":\"Old\"},"
				      "\"_wwseed\":{\"M\":{\"hash\":{\"S\":\"old\"}}}}]}}");
	} else if (!strcmp(op, "PutItem")) {
		cJSON *id = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "Item"), "id"), "S");
		f->put_calls++;
		if (cJSON_GetObjectItem(body, "ConditionExpression"))
			f->saw_condition++;
		if (f->lost_id && id && !strcmp(id->valuestring, f->lost_id)) {
			if (f->lost_puts++ == 0 && f->lost_in_one_attempt) {
				f->stored = cJSON_DetachItemFromObject(body, "Item");
				out->status = 400;
				text = strdup("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
					      "\"message\":\"The conditional request failed\"}");
			} else if (f->lost_puts == 1) {
				f->stored = cJSON_DetachItemFromObject(body, "Item");
				out->status = 500;
				text = strdup("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
					      "\"message\":\"answer lost\"}");
			} else {
				out->status = 400;
				text = strdup("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
					      "\"message\":\"The conditional request failed\"}");
			}
		} else if (f->conflict_id && id && !strcmp(id->valuestring, f->conflict_id)) {
			out->status = 400;
			text = strdup("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
				      "\"message\":\"The conditional request failed\"}");
		}
	} else if (!strcmp(op, "GetItem")) {
		f->item_gets++;
		if (cJSON_IsTrue(cJSON_GetObjectItem(body, "ConsistentRead")) && f->stored) {
			cJSON *resp = cJSON_CreateObject();
			cJSON *item = cJSON_Duplicate(f->stored, 1);
			if (f->other_run) {
				cJSON *meta = cJSON_GetObjectItem(cJSON_GetObjectItem(item, "_wwseed"), "M");
				cJSON_ReplaceItemInObject(cJSON_GetObjectItem(meta, "runId"), "S",
							  cJSON_CreateString(f->other_run));
			}
			cJSON_AddItemToObject(resp, "Item", item);
			text = cJSON_PrintUnformatted(resp);
			cJSON_Delete(resp);
		}
	}
	pthread_mutex_unlock(&f->mu);
	ww_buf_puts(&out->body, text ? text : "{}");
	free(text);
	cJSON_Delete(body);
	return 0;
}

typedef struct {
	fake f;
	ww_creds_provider *creds;
	ww_ddb *ddb;
	ww_layout layout;
	ww_tables tables;
	ww_plan plan;
} world;

static world *world_new(size_t n)
{
	world *w = calloc(1, sizeof(*w));
	ww_resolve_opts ro = { 0 };
	ww_item_meta meta = { "run", "2026-01-01T00:00:00.000Z" };
	size_t i;

	pthread_mutex_init(&w->f.mu, NULL);
	w->ddb = fake_client_new(fake_send, &w->f, &w->creds);
	ww_layout_builtin(&w->layout, "per-kind");
	ww_tables_resolve(&w->tables, &ro);
	ww_plan_init(&w->plan, &w->layout);
	for (i = 0; i < n; i++) {
		ww_av fields = WW_AV_INIT;
		char id[32];
		snprintf(id, sizeof(id), "p%02zu", i);
		ww_av_set_container(&fields, WW_AV_M);
		ww_av_set_s(ww_av_map_add(&fields, "id"), id, strlen(id));
		ww_plan_add_local(&w->plan, WW_KIND_PRIZE, id, &fields, "h");
		ww_av_release(&fields);
	}
	ww_plan_diff(&w->plan);
	assert_int_equal(ww_plan_build_items(&w->plan, &meta), 0);
	return w;
}

static void world_free(world *w)
{
	ww_plan_release(&w->plan);
	ww_tables_release(&w->tables);
	ww_layout_release(&w->layout);
	ww_ddb_free(w->ddb);
	ww_creds_provider_free(w->creds);
	cJSON_Delete(w->f.stored);
	pthread_mutex_destroy(&w->f.mu);
	free(w);
}

static size_t count_outcome(const ww_plan *p, ww_outcome o)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->items[i].outcome == o;
	return n;
}

static void test_apply_batches_of_25_and_resends_unprocessed(void **state)
{
	world *w = world_new(60);
	ww_apply_opts o = { 0 };
	ww_apply_result r;

	(void)state;
	o.on_conflict = WW_CONFLICT_OVERWRITE;
	o.concurrency = 3;
	o.base_ms = 1;
	o.cap_ms = 2;
	w->f.unprocessed_rounds = 2;
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), 0);
	assert_int_equal(r.batches, 3);     /* 25 + 25 + 10 */
	assert_int_equal(w->f.batch_calls, 5); /* and two resends */
	assert_int_equal(count_outcome(&w->plan, WW_OUTCOME_CREATED), 60);
	world_free(w);
}

static void test_apply_reports_what_stays_unprocessed(void **state)
{
	world *w = world_new(3);
	ww_apply_opts o = { 0 };
	ww_apply_result r;
	const ww_change *c;

	(void)state;
	o.on_conflict = WW_CONFLICT_OVERWRITE;
	o.max_attempts = 3;
	o.base_ms = 1;
	o.cap_ms = 2;
	w->f.unprocessed_rounds = 100;
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), WW_ERROR);
	assert_string_equal(ww_error_message(), "1 items were not written");
	assert_int_equal(w->f.batch_calls, 3);
	assert_int_equal(r.failed, 1);
	c = &w->plan.items[0];
	assert_int_equal(c->outcome, WW_OUTCOME_FAILED);
	assert_string_equal(c->err_type, "UnprocessedItems");
	assert_string_equal(c->err_message, "still unprocessed after 3 attempts");
	assert_int_equal(c->attempts, 3);
	assert_int_equal(count_outcome(&w->plan, WW_OUTCOME_CREATED), 2);
	world_free(w);
}

static void test_apply_conditional_puts_report_conflicts(void **state)
{
	world *w = world_new(4);
	ww_apply_opts o = { 0 };
	ww_apply_result r;
	const ww_change *c;

	(void)state;
	w->f.conflict_id = "p02";
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), WW_ECONFLICT);
	assert_int_equal(w->f.batch_calls, 0);
	assert_int_equal(w->f.put_calls, 4);
	assert_int_equal(w->f.saw_condition, 4);
	c = &w->plan.items[2];
	assert_int_equal(c->outcome, WW_OUTCOME_CONFLICT);
	assert_string_equal(c->err_type, "ConditionalCheckFailedException");
	assert_int_equal(count_outcome(&w->plan, WW_OUTCOME_CREATED), 3);
	world_free(w);
}

static void test_apply_lost_answer_of_own_write_counts_as_created(void **state)
{
	world *w = world_new(3);
	ww_apply_opts o = { 0 };
	ww_apply_result r;

	(void)state;
	w->f.lost_id = "p01";
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), 0);
	assert_int_equal(w->f.lost_puts, 2);
	assert_int_equal(w->f.item_gets, 1);
	assert_int_equal(w->plan.items[1].outcome, WW_OUTCOME_CREATED);
	assert_int_equal(w->plan.items[1].attempts, 2);
	assert_null(w->plan.items[1].err_type);
	assert_int_equal(r.failed, 0);
	assert_int_equal(count_outcome(&w->plan, WW_OUTCOME_CREATED), 3);
	world_free(w);
}

static void test_apply_lost_answer_but_another_runs_item_stays_conflict(void **state)
{
	world *w = world_new(3);
	ww_apply_opts o = { 0 };
	ww_apply_result r;
	const ww_change *c;

	(void)state;
	w->f.lost_id = "p01";
	w->f.other_run = "someone-else";
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), WW_ECONFLICT);
	assert_string_equal(ww_error_message(),
			    "1 items changed in the table since plan read them (--on-conflict fail)");
	assert_int_equal(w->f.item_gets, 1);
	c = &w->plan.items[1];
	assert_int_equal(c->outcome, WW_OUTCOME_CONFLICT);
	assert_string_equal(c->err_type, "ConditionalCheckFailedException");
	assert_int_equal(count_outcome(&w->plan, WW_OUTCOME_CREATED), 2);
	world_free(w);
}

/* curl resends a request on a reused connection that died before the
 * answer, inside one client attempt: the condition fails on our own write. */
static void test_apply_own_write_found_in_one_attempt_counts_as_created(void **state)
{
	world *w = world_new(2);
	ww_apply_opts o = { 0 };
	ww_apply_result r;

	(void)state;
	w->f.lost_id = "p00";
	w->f.lost_in_one_attempt = 1;
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), 0);
	assert_int_equal(w->f.lost_puts, 1);
	assert_int_equal(w->f.item_gets, 1);
	assert_int_equal(w->plan.items[0].outcome, WW_OUTCOME_CREATED);
	assert_int_equal(w->plan.items[0].attempts, 1);
	assert_int_equal(r.failed, 0);
	world_free(w);
}

static void test_apply_skip_leaves_conflicts_without_failing(void **state)
{
	world *w = world_new(2);
	ww_apply_opts o = { 0 };
	ww_apply_result r;

	(void)state;
	o.on_conflict = WW_CONFLICT_SKIP;
	w->f.conflict_id = "p00";
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), 0);
	assert_int_equal(w->plan.items[0].outcome, WW_OUTCOME_SKIPPED);
	assert_int_equal(w->plan.items[1].outcome, WW_OUTCOME_CREATED);
	world_free(w);
}

static void test_apply_stop_starts_no_batch(void **state)
{
	world *w = world_new(30);
	ww_apply_opts o = { 0 };
	ww_apply_result r;
	volatile sig_atomic_t stop = 1;

	(void)state;
	o.stop = &stop;
	assert_int_equal(ww_apply(&w->plan, w->ddb, &w->tables, &o, &r), WW_EINTERRUPTED);
	assert_string_equal(ww_error_message(), "interrupted: 30 of 30 writes not attempted");
	assert_int_equal(r.pending, 30);
	assert_int_equal(w->f.put_calls, 0);
	world_free(w);
}

static void test_plan_read_follows_pages_and_unprocessed_keys(void **state)
{
	world *w = world_new(0);
	ww_av fields = WW_AV_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		char id[8];
		snprintf(id, sizeof(id), "p%02zu", i);
		ww_av_set_container(&fields, WW_AV_M);
		ww_av_set_s(ww_av_map_add(&fields, "id"), id, strlen(id));
		ww_av_set_s(ww_av_map_add(&fields, "name"), "New", 3);
		ww_plan_add_local(&w->plan, WW_KIND_PRIZE, id, &fields, "h");
		ww_av_release(&fields);
	}
	w->plan.diffed = 0;
	assert_int_equal(ww_plan_read(&w->plan, w->ddb, &w->tables), 0);
	/* The four tables of the layout, each in two pages (the fake pages them all). */
	assert_int_equal(w->f.scan_calls, 8);
	assert_int_equal(w->f.saw_projection, 8);
	assert_int_equal(w->plan.items[0].type, WW_CHANGE_UNCHANGED);
	assert_int_equal(w->plan.items[1].type, WW_CHANGE_UPDATE);
	assert_int_equal(w->plan.items[2].type, WW_CHANGE_CREATE);
	assert_int_equal(w->f.get_calls, 2);
	assert_int_equal(w->plan.items[1].nchanged, 1);
	assert_string_equal(w->plan.items[1].changed[0], "name");
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_batches_of_25_and_resends_unprocessed),
		cmocka_unit_test(test_apply_reports_what_stays_unprocessed),
		cmocka_unit_test(test_apply_conditional_puts_report_conflicts),
		cmocka_unit_test(test_apply_lost_answer_of_own_write_counts_as_created),
		cmocka_unit_test(test_apply_lost_answer_but_another_runs_item_stays_conflict),
		cmocka_unit_test(test_apply_own_write_found_in_one_attempt_counts_as_created),
		cmocka_unit_test(test_apply_skip_leaves_conflicts_without_failing),
		cmocka_unit_test(test_apply_stop_starts_no_batch),
		cmocka_unit_test(test_plan_read_follows_pages_and_unprocessed_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
