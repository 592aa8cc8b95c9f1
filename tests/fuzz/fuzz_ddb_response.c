/*
 * Fuzz the DynamoDB client's response parsers with arbitrary bytes as the
 * body of an error, a BatchWriteItem, a BatchGetItem, a Scan page and a
 * DescribeTable answer: each must parse or fail cleanly, never read out of
 * bounds, leak or lose a request it was given.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aws/ddb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_key(ww_av *k, const char *id)
{
	ww_av_set_container(k, WW_AV_M);
	ww_av_set_s(ww_av_map_add(k, "id"), id, strlen(id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	ww_ddb_error err;
	ww_ddb_write reqs[3], *un = NULL;
	size_t nun = 0, i, moved = 0, kept = 0;
	ww_av items = WW_AV_INIT, keys = WW_AV_INIT, last = WW_AV_INIT;
	ww_ddb_table t = { 0 };
	int active;

	ww_ddb_parse_error_body(body, size, &err);
	if (memchr(err.type, '\0', sizeof(err.type)) == NULL ||
	    memchr(err.message, '\0', sizeof(err.message)) == NULL)
		__builtin_trap(); /* always terminated */
	(void)ww_ddb_error_code(err.type, 400);
	(void)ww_ddb_parse_consumed(body, size);

	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < 3; i++) {
		reqs[i].table = i == 2 ? "prizes" : "tickets";
		reqs[i].is_delete = i == 1;
		one_key(&reqs[i].item, i == 0 ? "a" : i == 1 ? "b" : "c");
	}
	if (ww_ddb_parse_batch_write(body, size, reqs, 3, &un, &nun) == 0) {
		/* Every request is either still in reqs or moved, never both. */
		for (i = 0; i < 3; i++)
			kept += reqs[i].item.type == WW_AV_M;
		for (i = 0; i < nun; i++)
			moved += un[i].item.type == WW_AV_M;
		if (kept + moved != 3 || nun > 3)
			__builtin_trap();
	} else if (un || nun) {
		__builtin_trap();
	}
	ww_ddb_writes_release(un, nun);
	for (i = 0; i < 3; i++)
		ww_av_release(&reqs[i].item);

	if (ww_ddb_parse_batch_get(body, size, "tickets", &items, &keys) == 0 &&
	    (items.type != WW_AV_L || keys.type != WW_AV_L))
		__builtin_trap();
	ww_av_release(&items);
	ww_av_release(&keys);

	if (ww_ddb_parse_page(body, size, &items, &last) == 0 &&
	    (last.type != WW_AV_NULL && last.type != WW_AV_M))
		__builtin_trap();
	ww_av_release(&items);
	ww_av_release(&last);

	if (ww_ddb_parse_table(body, size, &t, &active) == 0 && !t.name)
		__builtin_trap();
	ww_ddb_table_release(&t);
	return 0;
}
