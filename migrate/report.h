#ifndef WW_MIGRATE_REPORT_H
#define WW_MIGRATE_REPORT_H

#include <stdio.h>

#include "aws/ddb.h"
#include "common/buf.h"
#include "migrate/apply.h"
#include "migrate/ledger.h"
#include "migrate/plan.h"
#include "migrate/resolve.h"

/*
 * What plan and import print and write: the plan as text (like a
 * terraform plan) or JSON, the per-kind summary of an import, and the JSON
 * report file (schema version 1, docs/cli.md "Report file").
 */

/* The plan as text: one line per create, update and orphan (and per
 * unchanged definition when `show_unchanged`), then the "Plan: ..." line.
 * `prune` says whether orphans will be deleted. */
void ww_report_plan_text(ww_buf *out, const ww_plan *p, const ww_tables *t, int prune,
			 int show_unchanged, int color);
/* The same text written to `f` as it is made, a piece at a time. */
void ww_report_plan_print(FILE *f, const ww_plan *p, int prune, int show_unchanged, int color);
/* The "Plan: 2 to create, 1 to update, 0 to delete, 27 unchanged; 3 WCU"
 * line (no newline). */
void ww_report_plan_line(ww_buf *out, const ww_plan *p, int prune);
/* The plan as JSON ({"version":1,"layout":..,"changes":[..],"summary":{..}}). */
void ww_report_plan_json(ww_buf *out, const ww_plan *p, const ww_tables *t, int prune);
/* Per-kind outcome counts of an applied plan into the run record. */
void ww_report_count_outcomes(const ww_plan *p, ww_run *run);
/* The import's summary: one line per kind with created, updated,
 * unchanged, deleted, failed; then each failed item with its error. */
void ww_report_summary_text(ww_buf *out, const ww_plan *p, const ww_run *run);
/* The JSON report of a run (every item's outcome, every error, the
 * figures). `stats` counts the whole run, `apply` only the writes to the
 * definition tables (the ledger's run records and lock are not in it). */
void ww_report_json(ww_buf *out, const ww_plan *p, const ww_tables *t, const ww_run *run,
		    const ww_apply_result *res, const ww_ddb_stats *stats,
		    const ww_ddb_stats *apply, int prune);
/* The same, written to `f` as it is made (64 KiB at a time). */
void ww_report_json_print(FILE *f, const ww_plan *p, const ww_tables *t, const ww_run *run,
			  const ww_apply_result *res, const ww_ddb_stats *stats,
			  const ww_ddb_stats *apply, int prune);

#endif
