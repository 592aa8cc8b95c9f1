#ifndef WW_MIGRATE_ENGINE_H
#define WW_MIGRATE_ENGINE_H

#include <signal.h>
#include <stdio.h>

#include "aws/ddb.h"
#include "migrate/apply.h"
#include "migrate/layout.h"
#include "migrate/ledger.h"
#include "migrate/plan.h"
#include "migrate/resolve.h"

/*
 * The engine behind `wwseed plan`, `import` and `status`: load and
 * validate the definitions, pick the layout, resolve the tables, read what
 * they hold, plan, and (import) take the lock, record the run in the
 * ledger, apply, report. The subcommands only parse arguments into these
 * options and print.
 */
typedef struct {
	const char *const *paths; /* NULL/0: "seeds" */
	size_t npaths;
	ww_resolve_opts resolve;
	const char *layout_name; /* NULL: "per-kind" */
	const char *layout_file; /* overrides layout_name */
	const char *diag_format; /* for validation errors; NULL: "text" */
	int prune;
	int color;
	int show_unchanged;
	FILE *out; /* plan text, summaries; NULL: stdout */
} ww_engine_opts;

typedef struct {
	ww_defset *defs;
	ww_layout layout;
	ww_tables tables;
	ww_plan plan;
	char input_digest[65];
	int planned;
} ww_engine;

#define WW_ENGINE_INIT                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

/* Load and validate the definitions (diagnostics printed to stderr in the
 * chosen format), pick the layout, resolve the tables. WW_EINVALID when
 * a definition is invalid (message "N errors in the definitions; nothing
 * was written"), a layout file or --table is wrong. */
int ww_engine_prepare(ww_engine *e, const ww_engine_opts *o);
/* Read the tables and plan; items are built with `meta`. */
int ww_engine_plan(ww_engine *e, ww_ddb *ddb, const ww_item_meta *meta);
void ww_engine_release(ww_engine *e);

/* 1 if applying the plan would write anything. */
int ww_engine_has_changes(const ww_engine *e, int prune);

typedef struct {
	ww_apply_opts apply;	     /* concurrency, max_wcu, attempts, on_conflict */
	int lock_lease_s;	     /* 0: 60 */
	int lock_timeout_s;	     /* wait for another import's lock */
	int force_unlock;	     /* remove the lock first */
	const char *report_file;     /* JSON report or NULL */
	int progress;		     /* progress bar on stderr */
	volatile sig_atomic_t *stop; /* SIGINT */
	const char *version;	     /* wwseed's version for the ledger; NULL: "unknown" */
} ww_import_opts;

/* The whole import. Returns 0, WW_EINVALID (nothing written), WW_ELOCKED,
 * WW_EINTERRUPTED (batches in flight finished, run recorded), WW_ERROR
 * when items were left unwritten (listed in the summary), WW_ECONFLICT, or
 * the service's error. */
int ww_engine_import(ww_engine *e, ww_ddb *ddb, const ww_engine_opts *o, const ww_import_opts *io);

/* `wwseed status`: the last `limit` runs of the ledger, then the plan
 * summary line when the definitions load (`e` prepared) or a note why
 * not. */
int ww_engine_status(ww_engine *e, ww_ddb *ddb, const ww_engine_opts *o, int limit, int prepared);

#endif
