#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/ddb.h"
#include "common/error.h"
#include "common/log.h"

/*
 * The DynamoDB client against the real local server (dynalite, started by
 * scripts/run-tests.sh, WWSEED_TEST_ENDPOINT) over real curl, with the AWS
 * CLI as an independent reader of what the client wrote. One table with a
 * unique name, used by the tests in order, deleted at the end.
 */
#define NITEMS 60

static const char *endpoint;
static char table[96];
static ww_creds_provider *creds;
static ww_ddb *ddb;

static void item_key(ww_av *k, int i)
{
	char pk[16], sk[16];

	snprintf(pk, sizeof(pk), "g%d", i % 3);
	snprintf(sk, sizeof(sk), "%d", i);
	ww_av_set_container(k, WW_AV_M);
	ww_av_set_s(ww_av_map_add(k, "pk"), pk, strlen(pk));
	ww_av_set_n(ww_av_map_add(k, "sk"), sk);
}

static void full_item(ww_av *it, int i)
{
	char name[32];

	item_key(it, i);
	snprintf(name, sizeof(name), "ticket number %d", i);
	ww_av_set_s(ww_av_map_add(it, "name"), name, strlen(name));
	ww_av_set_bool(ww_av_map_add(it, "even"), i % 2 == 0);
	ww_av_set_b(ww_av_map_add(it, "raw"), "\x00\xff\x10", 3);
}

/* Run the AWS CLI against the local server; its trimmed stdout into out. */
static void aws_cli(char *out, size_t cap, const char *fmt, ...)
{
	char args[1024], cmd[1400];
	va_list ap;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd),
		 "AWS_ACCESS_KEY_ID=AKIDLOCALTEST AWS_SECRET_ACCESS_KEY=local-secret-key-for-tests "
		 "aws dynamodb --endpoint-url '%s' --region us-east-1 --output text %s 2>&1",
		 endpoint, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	assert_int_equal(pclose(p), 0);
}

static int setup(void **state)
{
	ww_ddb_options o;

	(void)state;
	snprintf(table, sizeof(table), "wwseed-itest-ddb-%ld-%ld", (long)getpid(), (long)time(NULL));
	creds = ww_creds_provider_static_new("AKIDLOCALTEST", "local-secret-key-for-tests", NULL);
	assert_non_null(creds);
	memset(&o, 0, sizeof(o));
	o.region = "us-east-1";
	o.endpoint = endpoint;
	o.creds = creds;
	ddb = ww_ddb_new(&o);
	if (!ddb)
		fail_msg("ww_ddb_new: %s", ww_error_message());
	return 0;
}

static int teardown(void **state)
{
	ww_ddb_error err;

	(void)state;
	ww_ddb_delete_table(ddb, table, &err);
	ww_ddb_free(ddb);
	ww_creds_provider_free(creds);
	return 0;
}

static void test_ddb_create_and_wait_active(void **state)
{
	ww_ddb_table t = { 0 }, got = { 0 };
	ww_ddb_attr_def attrs[2];
	ww_ddb_error err;
	char **names = NULL, pk[] = "pk", sk[] = "sk";
	size_t n = 0, i;
	int listed = 0;

	(void)state;
	attrs[0].name = pk;
	attrs[0].type = 'S';
	attrs[1].name = sk;
	attrs[1].type = 'N';
	t.name = table;
	t.hash_key = pk;
	t.range_key = sk;
	t.attrs = attrs;
	t.nattrs = 2;
	t.pay_per_request = 1;
	if (ww_ddb_create_table(ddb, &t, &err))
		fail_msg("create: %s", ww_error_message());
	assert_int_equal(ww_ddb_wait_active(ddb, table, 30, &err), 0);
	assert_int_equal(ww_ddb_describe_table(ddb, table, &got, &err), 0);
	assert_string_equal(got.status, "ACTIVE");
	assert_string_equal(got.hash_key, "pk");
	assert_string_equal(got.range_key, "sk");
	assert_int_equal(got.pay_per_request, 1);
	assert_int_equal(got.nattrs, 2);
	ww_ddb_table_release(&got);
	assert_int_equal(ww_ddb_list_tables(ddb, &names, &n, &err), 0);
	for (i = 0; i < n; i++) {
		listed += !strcmp(names[i], table);
		free(names[i]);
	}
	free(names);
	assert_int_equal(listed, 1);
}

static void test_ddb_batch_write_60_and_read_back(void **state)
{
	ww_ddb_error err;
	ww_ddb_stats before, after;
	ww_av keys[NITEMS], items = WW_AV_INIT, un = WW_AV_INIT, want = WW_AV_INIT;
	char out[4096];
	int i, start, matched = 0;
	size_t j;

	(void)state;
	ww_ddb_get_stats(ddb, &before);
	for (start = 0; start < NITEMS; start += 25) {
		size_t n = NITEMS - start < 25 ? (size_t)(NITEMS - start) : 25, nun = 0;
		ww_ddb_write *w = calloc(n, sizeof(*w)), *unp = NULL;
		assert_non_null(w);
		for (j = 0; j < n; j++) {
			w[j].table = table;
			full_item(&w[j].item, start + (int)j);
		}
		if (ww_ddb_batch_write(ddb, w, n, &unp, &nun, &err))
			fail_msg("batch write: %s", ww_error_message());
		assert_int_equal(nun, 0);
		ww_ddb_writes_release(unp, nun);
		ww_ddb_writes_release(w, n);
	}
	ww_ddb_get_stats(ddb, &after);
	assert_int_equal(after.write_requests - before.write_requests, 3);
	assert_int_equal(after.items_written - before.items_written, NITEMS);
	assert_true(after.consumed_wcu - before.consumed_wcu >= NITEMS);

	/* The AWS CLI sees all of them, and one exactly as written. */
	aws_cli(out, sizeof(out), "scan --table-name %s --select COUNT --query Count", table);
	assert_string_equal(out, "60");
	aws_cli(out, sizeof(out),
		"get-item --table-name %s --key '{\"pk\":{\"S\":\"g2\"},\"sk\":{\"N\":\"5\"}}' "
		"--query 'Item.[name.S,even.BOOL,raw.B]'",
		table);
	assert_string_equal(out, "ticket number 5\tFalse\tAP8Q");

	/* BatchGetItem: 60 keys in one call, every item back. */
	for (i = 0; i < NITEMS; i++) {
		memset(&keys[i], 0, sizeof(keys[i]));
		item_key(&keys[i], i);
	}
	assert_int_equal(
		ww_ddb_batch_get(ddb, table, keys, NITEMS, NULL, 1, &items, &un, &err), 0);
	assert_int_equal(items.n + un.n, NITEMS);
	assert_int_equal(un.n, 0);
	for (j = 0; j < items.n; j++) {
		const ww_av *it = &items.members[j].value;
		int sk = atoi(ww_av_map_get_str(it, "sk"));
		full_item(&want, sk);
		matched += ww_av_equal(it, &want);
		ww_av_release(&want);
	}
	assert_int_equal(matched, NITEMS);
	for (i = 0; i < NITEMS; i++)
		ww_av_release(&keys[i]);
	ww_av_release(&items);
	ww_av_release(&un);
}

static void test_ddb_scan_and_query_paginate(void **state)
{
	ww_ddb_error err;
	ww_ddb_read r = { 0 };
	ww_ddb_expr x = { 0 };
	ww_av items = WW_AV_INIT, last = WW_AV_INIT, start = WW_AV_INIT, values = WW_AV_INIT;
	int seen[NITEMS] = { 0 }, pages = 0, i, total = 0;
	size_t j;

	(void)state;
	r.table = table;
	r.limit = 7;
	do {
		assert_int_equal(ww_ddb_scan(ddb, &r, &items, &last, &err), 0);
		pages++;
		for (j = 0; j < items.n; j++) {
			int sk = atoi(ww_av_map_get_str(&items.members[j].value, "sk"));
			assert_true(sk >= 0 && sk < NITEMS);
			seen[sk]++;
		}
		ww_av_copy(&start, &last);
		r.start_key = last.type == WW_AV_M ? &start : NULL;
	} while (last.type == WW_AV_M);
	for (i = 0; i < NITEMS; i++)
		assert_int_equal(seen[i], 1); /* every item exactly once */
	assert_true(pages >= 9);              /* ceil(60 / 7) */

	/* Query one partition, 20 items, in pages of 6. */
	ww_av_set_container(&values, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&values, ":p"), "g1", 2);
	x.key_condition = "pk = :p";
	x.values = &values;
	memset(&r, 0, sizeof(r));
	r.table = table;
	r.expr = &x;
	r.limit = 6;
	pages = 0;
	do {
		assert_int_equal(ww_ddb_query(ddb, &r, &items, &last, &err), 0);
		pages++;
		for (j = 0; j < items.n; j++) {
			assert_string_equal(ww_av_map_get_str(&items.members[j].value, "pk"), "g1");
			total++;
		}
		ww_av_copy(&start, &last);
		r.start_key = last.type == WW_AV_M ? &start : NULL;
	} while (last.type == WW_AV_M);
	assert_int_equal(total, 20);
	assert_true(pages >= 4);
	ww_av_release(&items);
	ww_av_release(&last);
	ww_av_release(&start);
	ww_av_release(&values);
}

static void test_ddb_conditional_writes(void **state)
{
	ww_ddb_error err;
	ww_ddb_expr x = { 0 };
	ww_av it = WW_AV_INIT, k = WW_AV_INIT, got = WW_AV_INIT, attrs = WW_AV_INIT;
	ww_av names = WW_AV_INIT, values = WW_AV_INIT;
	char out[256];
	int found = -1;

	(void)state;
	/* Overwriting an existing item under attribute_not_exists fails. */
	full_item(&it, 4);
	x.condition = "attribute_not_exists(pk)";
	assert_int_equal(ww_ddb_put_item(ddb, table, &it, &x, &err), WW_ECONFLICT);
	assert_string_equal(err.type, "ConditionalCheckFailedException");
	assert_int_equal(err.http_status, 400);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(err.code, WW_ECONFLICT);
	assert_true(strlen(err.request_id) > 10);
	assert_non_null(strstr(ww_error_message(), "dynamodb PutItem on table '"));
	ww_av_release(&it);

	/* A new one under the same condition is written. */
	item_key(&it, 1000);
	ww_av_set_n(ww_av_map_add(&it, "version"), "1");
	assert_int_equal(ww_ddb_put_item(ddb, table, &it, &x, &err), 0);
	item_key(&k, 1000);
	assert_int_equal(ww_ddb_get_item(ddb, table, &k, NULL, 1, &got, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_true(ww_av_equal(&got, &it));

	/* Update guarded by the version it read. */
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&names, "#v"), "version", 7);
	ww_av_set_container(&values, WW_AV_M);
	ww_av_set_n(ww_av_map_add(&values, ":old"), "1");
	ww_av_set_n(ww_av_map_add(&values, ":one"), "1");
	ww_av_set_s(ww_av_map_add(&values, ":label"), "updated", 7);
	memset(&x, 0, sizeof(x));
	x.update = "SET label = :label ADD #v :one";
	x.condition = "#v = :old";
	x.names = &names;
	x.values = &values;
	assert_int_equal(ww_ddb_update_item(ddb, table, &k, &x, &attrs, &err), 0);
	assert_string_equal(ww_av_map_get_str(&attrs, "version"), "2");
	assert_string_equal(ww_av_map_get_str(&attrs, "label"), "updated");
	aws_cli(out, sizeof(out),
		"get-item --table-name %s --key '{\"pk\":{\"S\":\"g1\"},\"sk\":{\"N\":\"1000\"}}' "
		"--query 'Item.[label.S,version.N]'",
		table);
	assert_string_equal(out, "updated\t2");
	/* The same update again: the version moved on, so it conflicts. */
	assert_int_equal(ww_ddb_update_item(ddb, table, &k, &x, NULL, &err), WW_ECONFLICT);
	assert_string_equal(err.type, "ConditionalCheckFailedException");

	/* Delete guarded by existence, then it is gone. */
	memset(&x, 0, sizeof(x));
	x.condition = "attribute_exists(pk)";
	assert_int_equal(ww_ddb_delete_item(ddb, table, &k, &x, &err), 0);
	assert_int_equal(ww_ddb_delete_item(ddb, table, &k, &x, &err), WW_ECONFLICT);
	assert_int_equal(ww_ddb_get_item(ddb, table, &k, NULL, 1, &got, &found, &err), 0);
	assert_int_equal(found, 0);
	ww_av_release(&it);
	ww_av_release(&k);
	ww_av_release(&got);
	ww_av_release(&attrs);
	ww_av_release(&names);
	ww_av_release(&values);
}

static void test_ddb_validation_error_filled(void **state)
{
	ww_ddb_error err;
	ww_av it = WW_AV_INIT;

	(void)state;
	ww_av_set_container(&it, WW_AV_M);
	ww_av_set_s(ww_av_map_add(&it, "pk"), "", 0); /* an empty string key */
	ww_av_set_n(ww_av_map_add(&it, "sk"), "1");
	assert_int_equal(ww_ddb_put_item(ddb, table, &it, NULL, &err), WW_EINVALID);
	assert_int_equal(err.code, WW_EINVALID);
	assert_string_equal(err.type, "ValidationException");
	assert_non_null(strstr(err.message, "empty string"));
	assert_int_equal(err.http_status, 400);
	assert_int_equal(err.attempts, 1);
	assert_true(strlen(err.request_id) > 10);
	assert_non_null(strstr(ww_error_message(), "failed: ValidationException: "));
	assert_non_null(strstr(ww_error_message(), err.request_id));
	ww_av_release(&it);
}

static void test_ddb_missing_table_not_found(void **state)
{
	ww_ddb_error err;
	ww_ddb_table t = { 0 };
	char *ttl = NULL;

	(void)state;
	assert_int_equal(ww_ddb_describe_table(ddb, "wwseed-itest-no-such-table", &t, &err),
			 WW_ENOTFOUND);
	assert_string_equal(err.type, "ResourceNotFoundException");
	/* TTL is off on a new table. */
	assert_int_equal(ww_ddb_describe_ttl(ddb, table, &ttl, &err), 0);
	assert_null(ttl);
}

struct worker {
	int base;
	int rc;
};

static void *put_worker(void *arg)
{
	struct worker *w = arg;
	ww_ddb_error err;
	int i;

	for (i = 0; i < 25 && !w->rc; i++) {
		ww_av it = WW_AV_INIT;
		full_item(&it, w->base + i);
		w->rc = ww_ddb_put_item(ddb, table, &it, NULL, &err);
		ww_av_release(&it);
	}
	return NULL;
}

/* One client shared by four threads: every write lands, the counters add up. */
static void test_ddb_shared_by_threads(void **state)
{
	pthread_t th[4];
	struct worker w[4];
	ww_ddb_stats before, after;
	char out[64];
	int i;

	(void)state;
	ww_ddb_get_stats(ddb, &before);
	for (i = 0; i < 4; i++) {
		w[i].base = 2000 + i * 100;
		w[i].rc = 0;
		assert_int_equal(pthread_create(&th[i], NULL, put_worker, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].rc, 0);
	}
	ww_ddb_get_stats(ddb, &after);
	assert_int_equal(after.write_requests - before.write_requests, 100);
	assert_int_equal(after.items_written - before.items_written, 100);
	assert_int_equal(after.requests - before.requests, 100);
	aws_cli(out, sizeof(out), "scan --table-name %s --select COUNT --query Count", table);
	assert_string_equal(out, "160");
}

/* ---- Through tests/support/faultproxy.py --------------------------- */

typedef struct {
	pid_t pid;
	char dir[256];
	char url[64];
} proxy;

/* Start the fault proxy in front of the local server with `args` (NULL
 * terminated) and wait for its port. */
static void proxy_start(proxy *p, const char *const *args)
{
	const char *root = getenv("WWSEED_ROOT"), *tmp = getenv("WWSEED_TEST_TMP");
	char script[512], port_file[300], stats_file[300], port[16] = "";
	const char *argv[32];
	size_t n = 0;
	int i;

	snprintf(p->dir, sizeof(p->dir), "%s/ddb-fp.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(p->dir));
	snprintf(script, sizeof(script), "%s/tests/support/faultproxy.py", root ? root : ".");
	snprintf(port_file, sizeof(port_file), "%s/port", p->dir);
	snprintf(stats_file, sizeof(stats_file), "%s/stats.json", p->dir);
	argv[n++] = "python3";
	argv[n++] = script;
	argv[n++] = "--upstream";
	argv[n++] = endpoint;
	argv[n++] = "--port-file";
	argv[n++] = port_file;
	argv[n++] = "--stats-file";
	argv[n++] = stats_file;
	while (*args && n < 30)
		argv[n++] = *args++;
	argv[n] = NULL;
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execvp("python3", (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	for (i = 0; i < 500 && !port[0]; i++) {
		FILE *f = fopen(port_file, "r");
		if (f) {
			if (!fgets(port, sizeof(port), f))
				port[0] = '\0';
			fclose(f);
		}
		if (!port[0])
			usleep(20000);
	}
	if (!port[0])
		fail_msg("faultproxy did not start");
	port[strcspn(port, "\n")] = '\0';
	snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%s", port);
}

/* A number from the proxy's stats: "requests", or the sum of "faults". */
static long proxy_stat(const proxy *p, const char *what)
{
	char path[300], buf[8192];
	FILE *f;
	size_t len;
	cJSON *root, *e;
	long v = 0;

	snprintf(path, sizeof(path), "%s/stats.json", p->dir);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	root = cJSON_Parse(buf);
	assert_non_null(root);
	if (!strcmp(what, "faults")) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(root, "faults"))
			v += (long)e->valuedouble;
	} else {
		v = (long)cJSON_GetObjectItem(root, what)->valuedouble;
	}
	cJSON_Delete(root);
	return v;
}

static void proxy_stop(proxy *p)
{
	char cmd[300];

	kill(p->pid, SIGTERM);
	waitpid(p->pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	assert_int_equal(system(cmd), 0);
}

static ww_ddb *client_at(const char *url, const ww_retry_options *retry)
{
	ww_ddb_options o;
	ww_ddb *d;

	memset(&o, 0, sizeof(o));
	o.region = "us-east-1";
	o.endpoint = url;
	o.creds = creds;
	o.retry = *retry;
	d = ww_ddb_new(&o);
	assert_non_null(d);
	return d;
}

/* Throttling, 5xx, bad CRCs and truncated answers from a real HTTP path:
 * every write lands, and the client made exactly one retry per fault. */
static void test_ddb_retries_through_fault_proxy(void **state)
{
	static const char *const args[] = { "--seed",  "11",  "--throttle", "0.1",
					    "--error5xx", "0.05", "--bad-crc", "0.05",
					    "--truncate", "0.05", NULL };
	ww_retry_options r = { 10, 1, 20, 0 };
	ww_ddb_stats st;
	ww_ddb_error err;
	ww_ddb *d;
	proxy p;
	char out[64];
	int i;

	(void)state;
	proxy_start(&p, args);
	d = client_at(p.url, &r);
	for (i = 0; i < 40; i++) {
		ww_av it = WW_AV_INIT;
		full_item(&it, 3000 + i);
		if (ww_ddb_put_item(d, table, &it, NULL, &err))
			fail_msg("put %d: %s", i, ww_error_message());
		ww_av_release(&it);
	}
	ww_ddb_get_stats(d, &st);
	assert_int_equal(st.items_written, 40);
	assert_true(st.retries >= 5); /* a quarter of the requests draw a fault */
	assert_int_equal((long)st.retries, proxy_stat(&p, "faults"));
	assert_int_equal((long)st.requests, proxy_stat(&p, "requests"));
	aws_cli(out, sizeof(out), "scan --table-name %s --select COUNT --query Count", table);
	assert_string_equal(out, "200");
	ww_ddb_free(d);
	proxy_stop(&p);
}

/* Partial batches: the proxy forwards part of each BatchWriteItem and hands
 * the rest back as UnprocessedItems, built from the request's own JSON. The
 * client matches every one to the request it came from (tags kept), and
 * resending them until none is left writes each item exactly once. */
static void test_ddb_partial_batches_through_fault_proxy(void **state)
{
	static const char *const args[] = { "--seed", "5", "--partial", "0.9", "--ops",
					    "BatchWriteItem", NULL };
	ww_retry_options r = { 10, 1, 20, 0 };
	int written[NITEMS] = { 0 }, tags[NITEMS], i, start, rounds = 0, partial = 0;
	ww_ddb_stats st;
	ww_ddb_error err;
	ww_ddb *d;
	proxy p;
	char out[64];
	size_t j;

	(void)state;
	proxy_start(&p, args);
	d = client_at(p.url, &r);
	for (start = 0; start < NITEMS; start += 10) {
		size_t n = 10, nleft = 0;
		ww_ddb_write *w = calloc(n, sizeof(*w)), *left = NULL;
		assert_non_null(w);
		for (j = 0; j < n; j++) {
			tags[start + (int)j] = start + (int)j;
			w[j].table = table;
			w[j].user = &tags[start + (int)j];
			full_item(&w[j].item, 4000 + start + (int)j);
		}
		while (n) {
			assert_true(++rounds < 100);
			if (ww_ddb_batch_write(d, w, n, &left, &nleft, &err))
				fail_msg("batch write: %s", ww_error_message());
			partial += nleft > 0;
			for (j = 0; j < n; j++) {
				size_t k;
				int back = 0;
				for (k = 0; k < nleft; k++)
					back |= left[k].user == w[j].user;
				/* Handed back: moved out; written: still here. */
				assert_int_equal(w[j].item.type == WW_AV_NULL, back);
				if (!back)
					written[*(int *)w[j].user]++;
			}
			ww_ddb_writes_release(w, n);
			w = left;
			n = nleft;
			left = NULL;
		}
		ww_ddb_writes_release(w, 0);
	}
	for (i = 0; i < NITEMS; i++)
		assert_int_equal(written[i], 1);
	assert_true(partial >= 4);
	assert_int_equal(partial, proxy_stat(&p, "faults"));
	ww_ddb_get_stats(d, &st);
	assert_int_equal(st.items_written, NITEMS);
	assert_int_equal(proxy_stat(&p, "write_requests_forwarded"), NITEMS);
	aws_cli(out, sizeof(out), "scan --table-name %s --select COUNT --query Count", table);
	assert_string_equal(out, "260");
	ww_ddb_free(d);
	proxy_stop(&p);
}

/* A service that only throttles drains the budget; then calls fail fast. */
static void test_ddb_budget_through_fault_proxy(void **state)
{
	static const char *const args[] = { "--throttle", "1", NULL };
	ww_retry_options r = { 10, 1, 5, 20 };
	ww_ddb_error err;
	ww_ddb *d;
	ww_av k = WW_AV_INIT, got = WW_AV_INIT;
	proxy p;
	int found;

	(void)state;
	proxy_start(&p, args);
	d = client_at(p.url, &r);
	item_key(&k, 1);
	/* 4 retries of 5 tokens empty a bucket of 20: the 5th attempt is the last. */
	assert_int_equal(ww_ddb_get_item(d, table, &k, NULL, 0, &got, &found, &err),
			 WW_ETHROTTLED);
	assert_int_equal(err.attempts, 5);
	assert_non_null(strstr(ww_error_message(), "retry budget exhausted"));
	assert_int_equal(ww_ddb_get_item(d, table, &k, NULL, 0, &got, &found, &err),
			 WW_ETHROTTLED);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(proxy_stat(&p, "requests"), 6);
	ww_av_release(&k);
	ww_ddb_free(d);
	proxy_stop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ddb_create_and_wait_active),
		cmocka_unit_test(test_ddb_batch_write_60_and_read_back),
		cmocka_unit_test(test_ddb_scan_and_query_paginate),
		cmocka_unit_test(test_ddb_conditional_writes),
		cmocka_unit_test(test_ddb_validation_error_filled),
		cmocka_unit_test(test_ddb_missing_table_not_found),
		cmocka_unit_test(test_ddb_shared_by_threads),
		cmocka_unit_test(test_ddb_retries_through_fault_proxy),
		cmocka_unit_test(test_ddb_partial_batches_through_fault_proxy),
		cmocka_unit_test(test_ddb_budget_through_fault_proxy),
	};

	endpoint = getenv("WWSEED_TEST_ENDPOINT");
	if (!endpoint || !*endpoint) {
		printf("# skipped: WWSEED_TEST_ENDPOINT is not set; run through "
		       "scripts/run-tests.sh integration, which starts the local server\n");
		return 0;
	}
	ww_log_set_level(WW_LOG_QUIET);
	return cmocka_run_group_tests(tests, setup, teardown);
}
