#ifndef WW_MIGRATE_TABLES_H
#define WW_MIGRATE_TABLES_H

#include <stddef.h>

#include "aws/ddb.h"
#include "common/buf.h"
#include "migrate/template.h"

/*
 * `wwseed tables create|verify`: make the tables a template declares exist
 * on the endpoint, and compare what is deployed with the template.
 *
 * A setting the endpoint cannot hold (a local server without TTL, PITR or
 * encryption at rest) is reported as "not supported by the endpoint": a
 * note, never a difference, and never faked.
 */

/* One difference between the template and a deployed table. */
typedef struct {
	char *table;	 /* the table's name */
	char *setting;	 /* "key schema", "billing mode", "index 'X'", ... */
	char *want;	 /* what the template declares */
	char *got;	 /* what the endpoint has; "not supported by the endpoint" for notes */
	int unsupported; /* 1: a note about the endpoint, not a difference */
} ww_table_diff;

typedef struct {
	ww_table_diff *items;
	size_t n, cap;
} ww_table_diffs;

#define WW_TABLE_DIFFS_INIT                                                                        \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Free every entry; safe on WW_TABLE_DIFFS_INIT and twice. */
void ww_table_diffs_release(ww_table_diffs *d);
/* Differences that count (notes excluded). */
size_t ww_table_diffs_count(const ww_table_diffs *d);
/* Append one line, no newline: "<table>: <setting>: template <want>, table <got>"
 * or, for a note, "<table>: <setting>: not supported by the endpoint (template <want>)". */
void ww_table_diff_format(ww_buf *out, const ww_table_diff *d);

/* Settings the endpoint cannot hold; set by probing, passed to the diff. */
enum {
	WW_TABLE_NO_TTL = 1 << 0,
	WW_TABLE_NO_PITR = 1 << 1,
	WW_TABLE_NO_SSE = 1 << 2,
	WW_TABLE_NO_STREAM = 1 << 3,
	WW_TABLE_NO_DELETION_PROTECTION = 1 << 4
};

/*
 * Append to `out` every difference of a described table `got` from the
 * template's `want` (the same table): the key schema (names, key types and
 * attribute types), billing mode and provisioned capacity, encryption,
 * stream, global secondary indexes (missing, extra, keys, projection),
 * deletion protection, TTL and PITR (the caller fills got->ttl_attribute and
 * got->pitr_enabled). Settings in `unsupported` become notes when they
 * differ. Pure: no I/O.
 */
void ww_table_diff_specs(const ww_ddb_table *want, const ww_ddb_table *got, unsigned unsupported,
			 ww_table_diffs *out);
/* The key schema part alone (what `create` refuses to paper over). */
void ww_table_diff_keys(const ww_ddb_table *want, const ww_ddb_table *got, ww_table_diffs *out);

/* What `create` did to one table. */
typedef enum {
	WW_TABLE_CREATED = 0, /* CreateTable sent, now ACTIVE */
	WW_TABLE_EXISTED,     /* already there with the same keys */
	WW_TABLE_CONFLICT,    /* already there with other keys: left alone */
	WW_TABLE_FAILED	      /* an error stopped it (message in the result) */
} ww_table_state;

typedef struct {
	char *table;
	ww_table_state state;
	char *error; /* WW_TABLE_FAILED: the message */
} ww_table_outcome;

typedef struct {
	ww_table_outcome *tables; /* in template order */
	size_t n;
	ww_table_diffs diffs; /* key conflicts, other differences of existing
				 tables, and notes on unsupported settings */
} ww_tables_result;

#define WW_TABLES_RESULT_INIT                                                                      \
	{                                                                                          \
		NULL, 0, WW_TABLE_DIFFS_INIT                                                       \
	}

void ww_tables_result_release(ww_tables_result *r);
/* "created", "exists", "conflict", "failed". */
const char *ww_table_state_name(ww_table_state s);

typedef struct {
	int wait_timeout_s; /* per table, until ACTIVE; 0: 300 */
} ww_tables_opts;

/*
 * Create every table of `tpl` that does not exist, wait until each is
 * ACTIVE, then turn on TTL and PITR where the template asks. An existing
 * table with the same key schema is left as it is ("exists"; other
 * differences are listed for the caller to warn about); one with another
 * key schema is a conflict. Every table is tried. Returns 0 when every
 * table exists with the template's keys, WW_ERROR when some conflict
 * (message names the first), or the first service error's code.
 */
int ww_tables_create_all(ww_ddb *ddb, const ww_template *tpl, const ww_tables_opts *o,
			 ww_tables_result *out);

/*
 * Describe every table of `tpl` (with its TTL and PITR) and append every
 * difference from the template to `out` (a missing table is one). Returns 0
 * when the comparison ran (the caller counts differences), or the code of a
 * service error that stopped it.
 */
int ww_tables_verify_all(ww_ddb *ddb, const ww_template *tpl, ww_table_diffs *out);

#endif
