#ifndef WW_AWS_DDB_H
#define WW_AWS_DDB_H

#include <stddef.h>
#include <time.h>

#include "aws/http.h"
#include "common/av.h"

/*
 * The DynamoDB client: JSON 1.0 protocol (X-Amz-Target DynamoDB_20120810.*),
 * SigV4, one retry policy, response CRC32 checks. Thread-safe: one client is
 * shared by every worker thread; each call blocks its caller.
 *
 * Every call takes a ww_ddb_error* (may be NULL) that receives, on failure,
 * the AWS error type, message, HTTP status, request id and attempts; the
 * return value is 0 or a code from common/error.h (WW_ETHROTTLED,
 * WW_ENOTFOUND for ResourceNotFoundException, WW_ECONFLICT for
 * ConditionalCheckFailedException, WW_EAUTH, WW_ENETWORK, WW_EINVALID for
 * ValidationException, WW_EAWS otherwise), with ww_error_message() set to a
 * one-line description naming the operation and table.
 */
typedef struct ww_ddb ww_ddb;

typedef struct {
	char type[96]; /* "ProvisionedThroughputExceededException", "" for transport */
	char message[512];
	long http_status;    /* 0 when no response */
	char request_id[96]; /* x-amzn-RequestId */
	int attempts;
	int code; /* the common/error.h code returned */
} ww_ddb_error;

/* Retry policy (aws/retry.h holds the logic; these are its knobs). */
typedef struct {
	int max_attempts; /* total attempts per request; 0: default 10 (AWS_MAX_ATTEMPTS) */
	int base_ms;	  /* backoff base; 0: default 25 ms (DynamoDB's SDK default) */
	int cap_ms;	  /* backoff cap; 0: default 20000 ms */
	int budget;	  /* retry token bucket; 0: default 500 tokens */
} ww_retry_options;

typedef time_t (*ww_clock_fn)(void *ctx);
typedef struct ww_creds_provider ww_creds_provider;

typedef struct {
	const char *region;	  /* required */
	const char *endpoint;	  /* full URL; NULL: https://dynamodb.<region>.amazonaws.com */
	ww_creds_provider *creds; /* borrowed; required */
	ww_http_send_fn send;	  /* NULL: ww_http_send_curl */
	void *send_ctx;		  /* NULL with send NULL: a client from http_opts */
	ww_http_options http_opts;
	ww_clock_fn clock; /* NULL: time() */
	void *clock_ctx;
	ww_retry_options retry;
	void (*sleep_ms)(void *ctx, long ms); /* NULL: nanosleep; tests record */
	void *sleep_ctx;
	double (*random)(void *ctx); /* backoff jitter in [0, 1); NULL: internal generator */
	void *random_ctx;
} ww_ddb_options;

/* A client for `opts` (copied; the creds provider and send context stay
 * borrowed). Returns NULL with the message set when the options are
 * incomplete or the HTTP client cannot start. Free with ww_ddb_free. */
ww_ddb *ww_ddb_new(const ww_ddb_options *opts);
void ww_ddb_free(ww_ddb *ddb);
/* The endpoint URL requests go to (borrowed). */
const char *ww_ddb_endpoint(const ww_ddb *ddb);

/* Counters since ww_ddb_new (thread-safe reads): HTTP requests sent
 * (attempts), retries, write calls (PutItem/UpdateItem/DeleteItem/
 * BatchWriteItem, counted once per call whatever its outcome), items
 * written (1 per successful single-item write; the requests of a successful
 * ww_ddb_batch_write minus those handed back unprocessed) and the capacity
 * units DynamoDB reported (ReturnConsumedCapacity TOTAL). Tests use them to
 * prove that an idempotent run sends no writes. */
typedef struct {
	unsigned long requests; /* HTTP requests, retries included */
	unsigned long retries;
	unsigned long write_requests; /* BatchWriteItem/PutItem/UpdateItem/DeleteItem calls */
	unsigned long items_written;  /* put/delete requests inside those */
	double consumed_wcu;
	double consumed_rcu;
} ww_ddb_stats;
void ww_ddb_get_stats(ww_ddb *ddb, ww_ddb_stats *out);

/* Low level: send one operation with a JSON body and get the raw JSON
 * answer, with signing, retries and CRC checks. `out` gets the body bytes
 * exactly as received (appended). `table` (may be NULL) is for messages and
 * logs only. */
int ww_ddb_call(ww_ddb *ddb, const char *operation, const char *table, const char *json_body,
		ww_buf *out, ww_ddb_error *err);

/* ---- Tables -------------------------------------------------------- */
typedef struct {
	char *name;
	char type; /* 'S', 'N' or 'B' */
} ww_ddb_attr_def;

typedef struct {
	char *name;
	char *hash_key;	  /* attribute name */
	char *range_key;  /* NULL when none */
	char *projection; /* "ALL", "KEYS_ONLY", "INCLUDE" */
} ww_ddb_gsi;

typedef struct {
	char *name;
	char *hash_key;
	char *range_key; /* NULL when none */
	ww_ddb_attr_def *attrs;
	size_t nattrs;
	ww_ddb_gsi *gsis;
	size_t ngsis;
	int pay_per_request; /* 1: PAY_PER_REQUEST */
	long rcu, wcu;	     /* when provisioned */
	int stream_enabled;
	char *stream_view_type; /* "NEW_AND_OLD_IMAGES", ... or NULL */
	int sse_enabled;	/* SSESpecification.Enabled */
	char *sse_type;		/* "KMS" or NULL (AWS owned key) */
	int deletion_protection;
	/* Filled by describe only: */
	char *status; /* "CREATING", "ACTIVE", ... */
	long item_count;
	/* Set through their own APIs, compared by `tables verify`: */
	char *ttl_attribute; /* NULL when TTL is off */
	int pitr_enabled;
} ww_ddb_table;

void ww_ddb_table_release(ww_ddb_table *t);

/* CreateTable from everything in `t` but status/item_count/ttl/pitr. */
int ww_ddb_create_table(ww_ddb *ddb, const ww_ddb_table *t, ww_ddb_error *err);
/* DescribeTable into `out` (released first): WW_ENOTFOUND when missing. */
int ww_ddb_describe_table(ww_ddb *ddb, const char *name, ww_ddb_table *out, ww_ddb_error *err);
int ww_ddb_delete_table(ww_ddb *ddb, const char *name, ww_ddb_error *err);
/* Poll DescribeTable until the table and all its global secondary indexes
 * are ACTIVE (pauses of 100 ms doubling to 2 s, through the sleep seam), or
 * `timeout_s` passes on the clock seam or in time slept (WW_ERROR). */
int ww_ddb_wait_active(ww_ddb *ddb, const char *name, int timeout_s, ww_ddb_error *err);
/* ListTables, all pages; `out` gets a malloc'd array of malloc'd names. */
int ww_ddb_list_tables(ww_ddb *ddb, char ***out, size_t *nout, ww_ddb_error *err);
/* TTL attribute (NULL when disabled) and PITR status. */
int ww_ddb_describe_ttl(ww_ddb *ddb, const char *name, char **attr_out, ww_ddb_error *err);
int ww_ddb_update_ttl(ww_ddb *ddb, const char *name, const char *attr, ww_ddb_error *err);
int ww_ddb_describe_pitr(ww_ddb *ddb, const char *name, int *enabled_out, ww_ddb_error *err);
int ww_ddb_update_pitr(ww_ddb *ddb, const char *name, int enabled, ww_ddb_error *err);

/* ---- Items --------------------------------------------------------- */
/* A condition or update expression with its placeholders. NULL members are
 * omitted. names/values are maps: {"#n": S "attr"} and {":v": <av>}. */
typedef struct {
	const char *condition;	   /* ConditionExpression */
	const char *update;	   /* UpdateExpression (UpdateItem only) */
	const char *projection;	   /* ProjectionExpression (reads) */
	const char *key_condition; /* KeyConditionExpression (Query) */
	const char *filter;	   /* FilterExpression (Scan/Query) */
	const ww_av *names;	   /* ExpressionAttributeNames: M of S */
	const ww_av *values;	   /* ExpressionAttributeValues: M */
} ww_ddb_expr;

/* GetItem: *found_out 0/1; `item_out` (released first) gets the item. */
int ww_ddb_get_item(ww_ddb *ddb, const char *table, const ww_av *key, const ww_ddb_expr *expr,
		    int consistent, ww_av *item_out, int *found_out, ww_ddb_error *err);
/* PutItem / DeleteItem / UpdateItem; a failed condition is WW_ECONFLICT. */
int ww_ddb_put_item(ww_ddb *ddb, const char *table, const ww_av *item, const ww_ddb_expr *expr,
		    ww_ddb_error *err);
/* PutItem of an item already written as DynamoDB JSON
 * ({"name":{"S":"x"},...}, sent as is). */
int ww_ddb_put_item_raw(ww_ddb *ddb, const char *table, const char *item_json,
			const ww_ddb_expr *expr, ww_ddb_error *err);
int ww_ddb_delete_item(ww_ddb *ddb, const char *table, const ww_av *key, const ww_ddb_expr *expr,
		       ww_ddb_error *err);
int ww_ddb_update_item(ww_ddb *ddb, const char *table, const ww_av *key, const ww_ddb_expr *expr,
		       ww_av *attrs_out /* ALL_NEW, may be NULL */, ww_ddb_error *err);

/* One request of a BatchWriteItem: a put (item) or a delete (key). */
typedef struct {
	const char *table;
	int is_delete;
	ww_av item; /* the item for a put, the key for a delete: owned */
	char *raw;  /* a put's item as DynamoDB JSON, sent instead of `item`
		       (left WW_AV_NULL): owned, NULL when not used */
	void *user; /* caller's tag, carried into unprocessed results */
} ww_ddb_write;

/*
 * BatchWriteItem of up to 25 requests, sent once (with the client's retries
 * for throttling and transport errors of the call itself). Requests that
 * DynamoDB hands back as UnprocessedItems are moved into `unprocessed`, a
 * new array the caller frees with ww_ddb_writes_release (their `user` tags
 * kept; matched by table and item for puts, key for deletes, a raw item
 * read back to compare; the moved entries of `reqs` are left WW_AV_NULL and
 * raw NULL); the caller decides when to resend
 * them. Returns 0 when the call succeeded, even with unprocessed items; an
 * answer naming a request that was not sent is WW_ERROR and moves nothing.
 */
int ww_ddb_batch_write(ww_ddb *ddb, ww_ddb_write *reqs, size_t n, ww_ddb_write **unprocessed,
		       size_t *nunprocessed, ww_ddb_error *err);
void ww_ddb_writes_release(ww_ddb_write *w, size_t n); /* releases items, frees array */

/* BatchGetItem of up to 100 keys from one table, once; found items are
 * appended to `items` (a WW_AV_L), keys handed back to `unprocessed_keys`
 * (a WW_AV_L). */
int ww_ddb_batch_get(ww_ddb *ddb, const char *table, const ww_av *keys, size_t nkeys,
		     const ww_ddb_expr *expr, int consistent, ww_av *items, ww_av *unprocessed_keys,
		     ww_ddb_error *err);

/* One page of Scan or Query. `start_key` NULL for the first page;
 * `items` (a WW_AV_L, released first) gets the page; `last_key_out`
 * (released first) gets LastEvaluatedKey or WW_AV_NULL at the end. */
typedef struct {
	const char *table;
	const char *index; /* IndexName or NULL */
	const ww_ddb_expr *expr;
	const ww_av *start_key;
	int limit; /* 0: none */
	int consistent;
	int segment, total_segments; /* parallel scan; total 0: none */
	int descending; /* Query only: ScanIndexForward false (newest sort key first) */
} ww_ddb_read;
int ww_ddb_scan(ww_ddb *ddb, const ww_ddb_read *r, ww_av *items, ww_av *last_key_out,
		ww_ddb_error *err);
int ww_ddb_query(ww_ddb *ddb, const ww_ddb_read *r, ww_av *items, ww_av *last_key_out,
		 ww_ddb_error *err);

#endif
