#ifndef WW_MIGRATE_RESOLVE_H
#define WW_MIGRATE_RESOLVE_H

#include <stddef.h>

#include "common/buf.h"

/*
 * Finding the tables. For each logical table (prizes, scratchers, tickets,
 * stores, ledger, game-data) the first of these that names one wins:
 *   1. --table KIND=NAME
 *   2. the environment: WWSEED_TABLE_PRIZES, ..., WWSEED_TABLE_GAME_DATA,
 *      WWSEED_TABLE_LEDGER
 *   3. --cdk-outputs FILE (cdk deploy --outputs-file): the stack
 *      "Schratcho-<stage>" (or the only stack), PrizesTableName, ...
 *   4. the naming convention of the stage: schratcho-<stage>-prizes, ...;
 *      with an empty stage schratcho-prizes, schratcho-game-data.
 * Each resolved name remembers where it came from and what was tried
 * before, so an error can list both.
 */
typedef enum {
	WW_TABLE_PRIZES = 0,
	WW_TABLE_SCRATCHERS,
	WW_TABLE_TICKETS,
	WW_TABLE_STORES,
	WW_TABLE_LEDGER,
	WW_TABLE_GAME_DATA,
	WW_TABLE_COUNT
} ww_table_id;

typedef struct {
	const char *const *overrides; /* "KIND=NAME" strings from --table */
	size_t noverrides;
	const char *cdk_outputs; /* file or NULL */
	const char *stage;	 /* NULL: "dev"; "": no stage */
} ww_resolve_opts;

typedef struct {
	char *name[WW_TABLE_COUNT];
	char *source[WW_TABLE_COUNT]; /* "--table", "WWSEED_TABLE_PRIZES", "--cdk-outputs FILE",
					 "stage 'dev'" */
	char *tried[WW_TABLE_COUNT];  /* "--table prizes=: not given; ..." */
} ww_tables;

/* "prizes", ..., "ledger", "game-data"; ww_table_parse returns -1 for
 * another name. */
const char *ww_table_logical(ww_table_id t);
int ww_table_parse(const char *logical);

/* Resolve every logical table into `out` (released first). WW_EINVALID
 * for a malformed --table or an unreadable --cdk-outputs file. */
int ww_tables_resolve(ww_tables *out, const ww_resolve_opts *o);
void ww_tables_release(ww_tables *t);
/* The resolved name of a logical table ("prizes", "game-data"; borrowed),
 * or NULL for an unknown logical name. */
const char *ww_tables_name(const ww_tables *t, const char *logical);
/* The error text for a table that does not exist: the name, where it came
 * from and what was tried, appended to `out`. */
void ww_tables_describe(ww_buf *out, const ww_tables *t, ww_table_id id);

#endif
