#ifndef WW_MIGRATE_PLAN_H
#define WW_MIGRATE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "aws/ddb.h"
#include "common/av.h"
#include "migrate/item.h"
#include "migrate/layout.h"
#include "migrate/resolve.h"

/*
 * The plan: every local definition as create, update, unchanged, and every
 * item wwseed manages that is no longer defined as orphaned, with the write
 * capacity an apply would consume. Built in steps so each can be tested on
 * its own: add the local definitions, add what the tables hold (keys and
 * hashes only), diff, fetch the items to update in full to name the fields
 * that change, build the items to write.
 */
typedef enum {
	WW_CHANGE_CREATE = 0,
	WW_CHANGE_UPDATE,
	WW_CHANGE_UNCHANGED,
	WW_CHANGE_ORPHAN,
	WW_CHANGE_NTYPES
} ww_change_type;

enum { WW_CHANGE_OWN_ID = 1, WW_CHANGE_OWN_TABLE = 2, WW_CHANGE_OWN_CANON = 4 };

/* What happened to a change when applied. */
typedef enum {
	WW_OUTCOME_PENDING = 0, /* not attempted (interrupted, or plan only) */
	WW_OUTCOME_CREATED,
	WW_OUTCOME_UPDATED,
	WW_OUTCOME_UNCHANGED,
	WW_OUTCOME_DELETED,
	WW_OUTCOME_KEPT,     /* orphan left in place (no --prune) */
	WW_OUTCOME_CONFLICT, /* condition failed: changed since plan read it */
	WW_OUTCOME_SKIPPED,  /* conflict skipped (--on-conflict skip) */
	WW_OUTCOME_FAILED,   /* error or retries exhausted */
	WW_OUTCOME_NTYPES
} ww_outcome;

/* One per definition and per orphan (100,000 of them for as many
 * definitions): pointers first, then the narrow fields, so it packs into
 * ~140 bytes. No bit-fields: the apply's workers write outcome, attempts
 * and the errors of different changes at once. */
typedef struct {
	/* The id and logical table ("prizes", "game-data"): a local's are
	 * borrowed (the definition's id, the layout's table), an orphan's owned
	 * (WW_CHANGE_OWN_ID, WW_CHANGE_OWN_TABLE). The key is not kept:
	 * ww_plan_key builds it from the layout when a request needs it. */
	const char *id;
	const char *table;
	/* The local definition's canonical JSON (ww_def_canonical_view):
	 * borrowed from the definitions, which outlive the plan, or owned
	 * (WW_CHANGE_OWN_CANON); NULL for orphans. Its fields are read from it
	 * only where they are needed (an update's changed fields, an item's
	 * text while it is sent), so the plan holds no attribute values per
	 * definition. */
	const char *canon;
	/* The local content hash (ww_change_hash gives its hex): the
	 * definition's SHA-256, borrowed like its text, or hash_text (owned)
	 * when it was given as text; neither for orphans (""). */
	const unsigned char *digest;
	char *hash_text;
	/* What plan read from the table (the strings in the plan's text, not
	 * owned by the change). */
	const char *remote_hash;    /* _wwseed.hash or NULL (see remote_same) */
	const char *remote_created; /* layout's createdAt or NULL */
	const char *remote_updated; /* layout's updatedAt or NULL */
	long remote_version;	    /* layout's version counter */
	char **changed;		    /* top-level fields that differ (updates) */
	/* Filled by the apply. */
	char *err_type, *err_message, *err_request_id;
	uint32_t canon_len;
	uint32_t nchanged;
	/* Counted for the apply (the item's text is written when sent). */
	uint32_t size; /* DynamoDB item size of the put (creates, updates) */
	unsigned wcu;
	int attempts;
	unsigned char type;	      /* ww_change_type */
	unsigned char kind;	      /* ww_kind */
	unsigned char outcome;	      /* ww_outcome */
	unsigned char remote;	      /* the key exists in the table */
	unsigned char remote_managed; /* _wwseed.managedBy = "wwseed" */
	unsigned char remote_has_version;
	/* _wwseed.hash equals the local hash, so remote_hash is NULL: an unchanged
	 * re-run keeps no copy per item. ww_change_remote_hash reads either. */
	unsigned char remote_same;
	unsigned char owned; /* WW_CHANGE_OWN_*: what change_release frees */
} ww_change;

typedef struct {
	const ww_layout *layout; /* borrowed */
	ww_change *items;
	size_t n, cap;
	size_t nlocal; /* locals first, then orphans after diff */
	/* Items given by ww_plan_add_remote (L of M, tagged "_table"), matched
	 * at the diff; ww_plan_read matches each scanned page as it arrives
	 * and keeps none. */
	ww_av remote;
	struct ww_plan_index *index; /* locals by match key, while reading */
	struct ww_plan_text *text;   /* the changes' remote strings */
	int diffed;
	/* The meta of ww_plan_build_items, for the items' text (owned). */
	char *run_id;
	char now[32];
} ww_plan;

/* The local content hash of `c` in lowercase hex ("" for orphans). */
void ww_change_hash(const ww_change *c, char out[65]);
/* The _wwseed.hash plan read for `c`, or NULL (`buf` holds it when it is
 * the local hash). */
const char *ww_change_remote_hash(const ww_change *c, char buf[65]);

void ww_plan_init(ww_plan *p, const ww_layout *layout);
void ww_plan_release(ww_plan *p);

/* Room for `n` changes in all, so adding the definitions does not copy
 * the array as it doubles (orphans may still grow it). */
void ww_plan_reserve(ww_plan *p, size_t n);
/* Add a local definition: its fields (kept as their canonical text) and
 * content hash. */
void ww_plan_add_local(ww_plan *p, ww_kind k, const char *id, const ww_av *fields,
		       const char *hash);
/* The same from the canonical text itself and the id, borrowed: they must
 * outlive the plan. */
void ww_plan_add_local_text(ww_plan *p, ww_kind k, const char *id, const char *canon, size_t len,
			    const char *hash);
/* The same with the definition's SHA-256 (ww_def_digest), borrowed too. */
void ww_plan_add_local_digest(ww_plan *p, ww_kind k, const char *id, const char *canon, size_t len,
			      const unsigned char digest[32]);
/* Add one item read from logical table `table` (keys, hash, managedBy and
 * bookkeeping; copied). */
void ww_plan_add_remote(ww_plan *p, const char *table, const ww_av *item);
/* Classify every local definition and find the orphans. Call once, after
 * the last add. */
void ww_plan_diff(ww_plan *p);
/* For one update: compare the full remote item with the local fields and
 * record the top-level fields that differ (sorted). */
void ww_plan_set_changed(ww_change *c, const ww_layout *l, const ww_av *remote_item);
/* Check every create's and update's item with `meta` (kept for
 * ww_plan_item_json): collisions with the layout, size and WCU. */
int ww_plan_build_items(ww_plan *p, const ww_item_meta *meta);
/* The item of a create or update as DynamoDB JSON, appended to `out`
 * (after ww_plan_build_items). */
int ww_plan_item_json(const ww_plan *p, const ww_change *c, ww_buf *out);
/* The run id the items carry (ww_plan_build_items' meta), or "". */
const char *ww_plan_run_id(const ww_plan *p);

/* Read what the tables hold: for each table the layout uses, a paginated
 * Scan with a projection of the key, _wwseed.hash, _wwseed.managedBy and
 * the bookkeeping attributes, then ww_plan_diff and a BatchGetItem of the
 * items to update. WW_ENOTFOUND when a table does not exist (the message
 * lists what resolution tried). */
int ww_plan_read(ww_plan *p, ww_ddb *ddb, const ww_tables *tables);

/* The key of a change's item (a WW_AV_M into `out`, released first). */
void ww_plan_key(const ww_plan *p, const ww_change *c, ww_av *out);

/* The physical table of a change (borrowed from `tables`). */
const char *ww_plan_table(const ww_tables *tables, const ww_change *c);

/* Counts by kind and change type, and the WCU an apply would consume. */
typedef struct {
	size_t n[WW_KIND_COUNT][WW_CHANGE_NTYPES];
	size_t total[WW_CHANGE_NTYPES];
	unsigned wcu; /* puts (KB rounded up) + deletes when prune */
} ww_plan_counts;
void ww_plan_count(const ww_plan *p, int prune, ww_plan_counts *out);

const char *ww_change_type_name(ww_change_type t);
const char *ww_outcome_name(ww_outcome o);

#endif
