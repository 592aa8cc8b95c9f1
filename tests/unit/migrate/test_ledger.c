/*
 * The import lock against a fake DynamoDB endpoint that holds one lock item
 * and can lose the answer to a write that it carried out (HTTP 500 after
 * storing), which the local server cannot be made to do on demand.
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
#include <string.h>
#include <strings.h>

#include "aws/creds.h"
#include "aws/ddb.h"
#include "common/error.h"
#include "common/log.h"
#include "migrate/ledger.h"

#include "fake_client.h"

typedef struct {
	pthread_mutex_t mu;
	cJSON *lock; /* the stored lock item, NULL when none */
	int lose_put, lose_delete; /* carry out the next one, answer 500 */
	int puts, deletes, gets;
} fake;

static const char *target_of(const ww_http_request *req)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->headers[i].name, "X-Amz-Target"))
			return strchr(req->headers[i].value, '.') + 1;
	return "";
}

static const char *holder_of(const cJSON *item)
{
	const cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(item, "holder"), "S");

	return cJSON_IsString(s) ? s->valuestring : "";
}

/* Enough of each condition for the lock: PutItem takes a missing lock (no
 * lease in these tests is expired), DeleteItem needs holder = :me. */
static int fake_send(void *ctx, const ww_http_request *req, ww_http_response *out)
{
	fake *f = ctx;
	const char *op = target_of(req);
	cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
	const char *text = "{}";
	char *owned = NULL;
	int failed = 0, lost = 0;

	pthread_mutex_lock(&f->mu);
	if (!strcmp(op, "PutItem")) {
		f->puts++;
		if (f->lock)
			failed = 1;
		else {
			f->lock = cJSON_DetachItemFromObject(body, "Item");
			lost = f->lose_put && f->lose_put--;
		}
	} else if (!strcmp(op, "DeleteItem")) {
		cJSON *me = cJSON_GetObjectItem(
		    cJSON_GetObjectItem(cJSON_GetObjectItem(body, "ExpressionAttributeValues"), ":me"),
		    "S");
		f->deletes++;
		if (!f->lock || !me || strcmp(holder_of(f->lock), me->valuestring))
			failed = 1;
		else {
			cJSON_Delete(f->lock);
			f->lock = NULL;
			lost = f->lose_delete && f->lose_delete--;
		}
	} else if (!strcmp(op, "GetItem")) {
		f->gets++;
		if (f->lock) {
			cJSON *resp = cJSON_CreateObject();
			cJSON_AddItemToObject(resp, "Item", cJSON_Duplicate(f->lock, 1));
			owned = cJSON_PrintUnformatted(resp);
			cJSON_Delete(resp);
		}
	}
	pthread_mutex_unlock(&f->mu);
	out->status = 200;
	if (lost) {
		out->status = 500;
		text = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
		       "\"message\":\"answer lost\"}";
	} else if (failed) {
		out->status = 400;
		text = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
		       "\"message\":\"The conditional request failed\"}";
	}
	ww_buf_puts(&out->body, owned ? owned : text);
	free(owned);
	cJSON_Delete(body);
	return 0;
}

typedef struct {
	fake f;
	ww_creds_provider *creds;
	ww_ddb *ddb;
} world;

static world *world_new(void)
{
	world *w = calloc(1, sizeof(*w));

	pthread_mutex_init(&w->f.mu, NULL);
	w->ddb = fake_client_new(fake_send, &w->f, &w->creds);
	return w;
}

static void world_free(world *w)
{
	ww_ddb_free(w->ddb);
	ww_creds_provider_free(w->creds);
	cJSON_Delete(w->f.lock);
	pthread_mutex_destroy(&w->f.mu);
	free(w);
}

static void test_lock_lost_answer_to_put_is_acquired(void **state)
{
	world *w = world_new();
	ww_lock lk;

	(void)state;
	w->f.lose_put = 1;
	assert_int_equal(ww_lock_acquire(&lk, w->ddb, "ledger", "run1@host:1", NULL, 60, 0, NULL), 0);
	assert_int_equal(w->f.puts, 2); /* the lost one and its retry */
	assert_int_equal(w->f.gets, 2); /* an expired lease to take over? who holds it: we do */
	assert_string_equal(holder_of(w->f.lock), "run1@host:1");
	ww_lock_release(&lk);
	assert_null(w->f.lock);
	world_free(w);
}

static void test_lock_held_by_another_run_is_not_acquired(void **state)
{
	world *w = world_new();
	ww_lock other, lk;

	(void)state;
	assert_int_equal(ww_lock_acquire(&other, w->ddb, "ledger", "run0@host:9", NULL, 60, 0, NULL), 0);
	assert_int_equal(ww_lock_acquire(&lk, w->ddb, "ledger", "run1@host:1", NULL, 60, 0, NULL),
			 WW_ELOCKED);
	assert_non_null(strstr(ww_error_message(), "is held by 'run0@host:9'"));
	ww_lock_release(&lk);
	assert_string_equal(holder_of(w->f.lock), "run0@host:9");
	ww_lock_release(&other);
	assert_null(w->f.lock);
	world_free(w);
}

static void test_lock_lost_answer_to_release_is_released(void **state)
{
	world *w = world_new();
	ww_lock lk;
	char *log = NULL;
	size_t loglen = 0;
	FILE *sink = open_memstream(&log, &loglen);

	(void)state;
	assert_int_equal(ww_lock_acquire(&lk, w->ddb, "ledger", "run1@host:1", NULL, 60, 0, NULL), 0);
	w->f.lose_delete = 1;
	ww_log_set_sink(sink);
	ww_lock_release(&lk);
	ww_log_set_sink(NULL);
	fclose(sink);
	assert_int_equal(w->f.deletes, 2); /* the lost one and its retry */
	assert_int_equal(w->f.gets, 2);	   /* at acquire; then nothing left: released */
	assert_null(w->f.lock);
	assert_null(strstr(log, "could not release"));
	free(log);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_lost_answer_to_put_is_acquired),
		cmocka_unit_test(test_lock_held_by_another_run_is_not_acquired),
		cmocka_unit_test(test_lock_lost_answer_to_release_is_released),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
