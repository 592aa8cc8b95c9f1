#ifndef WW_AWS_DDB_INTERNAL_H
#define WW_AWS_DDB_INTERNAL_H

#include <stddef.h>

#include "aws/ddb.h"
#include "common/buf.h"

/*
 * The DynamoDB client's pieces that tests and the fuzz target reach into:
 * the parsers of response bodies (raw bytes in, records out, never trusting
 * the input) and the error mapping. Not for other modules.
 */

/* Fill err->type (the part of __type after '#') and err->message (Message
 * or message) from an error body. Returns 0 if the body was a JSON object,
 * WW_ERROR if not (err->type stays ""). Never sets the thread's error. */
int ww_ddb_parse_error_body(const char *body, size_t len, ww_ddb_error *err);

/* The common/error.h code for an AWS error type and HTTP status. */
int ww_ddb_error_code(const char *type, long status);

/* The CapacityUnits summed over a ConsumedCapacity member (object or array)
 * of a response body; 0 when absent or unparseable. */
double ww_ddb_parse_consumed(const char *body, size_t len);

/* BatchWriteItem's answer: the requests of `reqs` that come back in
 * UnprocessedItems are moved (matched by table and item or key) into a new
 * array `*unprocessed`. Returns 0 or WW_ERROR (message set) on a malformed
 * body; on error nothing is moved. */
int ww_ddb_parse_batch_write(const char *body, size_t len, ww_ddb_write *reqs, size_t n,
			     ww_ddb_write **unprocessed, size_t *nunprocessed);

/* BatchGetItem's answer for `table`: items appended to `items` and
 * UnprocessedKeys appended to `unprocessed_keys` (both WW_AV_L). */
int ww_ddb_parse_batch_get(const char *body, size_t len, const char *table, ww_av *items,
			   ww_av *unprocessed_keys);

/* A Scan or Query page: Items into `items`, LastEvaluatedKey (or
 * WW_AV_NULL) into `last_key`; both released first. */
int ww_ddb_parse_page(const char *body, size_t len, ww_av *items, ww_av *last_key);

/* DescribeTable's "Table" or CreateTable/DeleteTable's "TableDescription"
 * member into `out` (released first). `indexes_active` (may be NULL) is set
 * to 1 when every global secondary index is ACTIVE. */
int ww_ddb_parse_table(const char *body, size_t len, ww_ddb_table *out, int *indexes_active);

/* The JSON request bodies, exactly as sent (golden tests compare them). */
void ww_ddb_body_create_table(ww_buf *out, const ww_ddb_table *t);
void ww_ddb_body_batch_write(ww_buf *out, const ww_ddb_write *reqs, size_t n);

#endif
