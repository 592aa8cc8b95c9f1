#ifndef WW_MIGRATE_ITEM_H
#define WW_MIGRATE_ITEM_H

#include <time.h>

#include "common/av.h"
#include "migrate/layout.h"

/*
 * Items as stored: a definition's own fields at top level (exactly what
 * ww_def_marshal gives), the layout's key and bookkeeping attributes, and
 * wwseed's metadata in one map attribute "_wwseed":
 *   {"hash": S, "modelVersion": N, "changedAt": S, "managedBy": "wwseed",
 *    "runId": S}
 * (docs/tables.md, "Items as stored").
 */
typedef struct {
	const char *run_id;
	const char *now; /* ISO-8601 UTC, ww_item_iso_time */
} ww_item_meta;

/* What plan read of an existing item that the next write carries over:
 * createdAt and the version counter (NULL/0 when absent). */
typedef struct {
	const char *created_at;
	long version;
} ww_item_prev;

/* Build the stored item into `out` (released first) from the definition's
 * fields, its content hash and key. `prev` is NULL for a create. Returns 0,
 * or WW_EINVALID when a definition field collides with a key or
 * bookkeeping attribute of the layout (message names both). */
int ww_item_build(ww_av *out, const ww_layout *l, ww_kind k, const char *id, const ww_av *fields,
		  const char *hash, const ww_item_meta *meta, const ww_item_prev *prev);

/* The same item written as DynamoDB JSON ({"name":{"S":..},...}) straight
 * from the definition's canonical text (ww_def_canonical_view), appended
 * to `out`, without attribute values in between; `key` is the layout's key
 * of the definition (ww_layout_key_of). Member order differs from
 * ww_item_build's, the attributes and values do not. `*size_out` gets the
 * item's size as ww_av_item_size counts it. `out` NULL computes the size
 * only. Returns 0, WW_EINVALID on a field that collides with the layout (as
 * ww_item_build), WW_ERROR on text that is not canonical JSON (nothing
 * appended). */
int ww_item_json(ww_buf *out, size_t *size_out, const ww_layout *l, ww_kind k, const char *id,
		 const ww_av *key, const char *canon, size_t len, const char *hash,
		 const ww_item_meta *meta, const ww_item_prev *prev);
/* The definition's fields (a WW_AV_M into `out`, released first) back from
 * its canonical text, as ww_def_marshal gives them. WW_ERROR when the text
 * is not canonical JSON. */
int ww_item_fields_parse(ww_av *out, const char *canon, size_t len);

/* The definition's fields back from a stored item: a copy of `item`
 * without the key (unless it is the "id" field), bookkeeping and metadata
 * attributes, into `out` (released first). */
void ww_item_strip(ww_av *out, const ww_layout *l, ww_kind k, const ww_av *item);

/* Write "YYYY-MM-DDTHH:MM:SS.mmmZ" for a moment (seconds + milliseconds). */
void ww_item_iso_time(char out[32], time_t secs, int millis);
/* The current time in that form. */
void ww_item_now(char out[32]);

/* Write capacity a put of `item` consumes: 1 WCU per KB, rounded up. */
unsigned ww_item_wcu(const ww_av *item);
/* The same for an item of `size` bytes (ww_av_item_size). */
unsigned ww_item_wcu_of_size(size_t size);

#endif
