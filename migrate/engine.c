#include "migrate/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/sha256.h"
#include "migrate/report.h"
#include "migrate/source.h"

static FILE *out_of(const ww_engine_opts *o)
{
	return o->out ? o->out : stdout;
}

void ww_engine_release(ww_engine *e)
{
	if (!e)
		return;
	/* The plan borrows the definitions' canonical text: it goes first. */
	ww_plan_release(&e->plan);
	ww_defset_free(e->defs);
	e->defs = NULL;
	ww_layout_release(&e->layout);
	ww_tables_release(&e->tables);
	e->planned = 0;
}

int ww_engine_prepare(ww_engine *e, const ww_engine_opts *o)
{
	static const char *const default_paths[] = {"seeds"};
	ww_defs_options dopts = {0, 1};
	const ww_diags *d;
	ww_buf text = WW_BUF_INIT;
	ww_sha256 sha;
	unsigned char digest[32];
	int rc;
	size_t k, i;

	e->defs = ww_defset_new(&dopts);
	rc = ww_source_load(e->defs, o->npaths ? o->paths : default_paths,
			    o->npaths ? o->npaths : 1, -1);
	ww_defset_finish(e->defs);
	d = ww_defset_diags(e->defs);
	if (d->n) {
		ww_diags_format(&text, d, o->diag_format ? o->diag_format : "text", o->color);
		fputs(ww_buf_cstr(&text), stderr);
	}
	if (rc || d->count[WW_SEV_ERROR]) {
		rc =
		    ww_error_set(WW_EINVALID, "%zu error%s in the definitions; nothing was written",
				 d->count[WW_SEV_ERROR], d->count[WW_SEV_ERROR] == 1 ? "" : "s");
		goto done;
	}
	if (o->layout_file)
		rc = ww_layout_load_file(&e->layout, o->layout_file);
	else
		rc = ww_layout_builtin(&e->layout, o->layout_name ? o->layout_name : "per-kind");
	if (rc)
		goto done;
	if ((rc = ww_tables_resolve(&e->tables, &o->resolve)) < 0)
		goto done;
	ww_plan_init(&e->plan, &e->layout);
	for (k = 0, i = 0; k < WW_KIND_COUNT; k++)
		i += ww_defset_count(e->defs, (ww_kind)k);
	ww_plan_reserve(&e->plan, i);
	ww_sha256_init(&sha);
	for (k = 0; k < WW_KIND_COUNT; k++) {
		for (i = 0; i < ww_defset_count(e->defs, (ww_kind)k); i++) {
			const ww_def *def = ww_defset_get(e->defs, (ww_kind)k, i);
			const char *canon;
			size_t len;

			/* The set keeps the text and its digest (keep_bodies,
			 * and a set without errors); the plan borrows both
			 * (released before the set, ww_engine_release) and
			 * writes the items from the text, so no attribute
			 * values per definition. */
			ww_def_canonical_view(def, &canon, &len);
			ww_sha256_update(&sha, canon, len);
			ww_sha256_update(&sha, "\n", 1);
			ww_plan_add_local_digest(&e->plan, (ww_kind)k, ww_def_id(def), canon, len,
						 ww_def_digest(def));
		}
	}
	ww_sha256_final(&sha, digest);
	for (i = 0; i < 32; i++)
		snprintf(e->input_digest + i * 2, 3, "%02x", digest[i]);
done:
	ww_buf_release(&text);
	return rc;
}

int ww_engine_plan(ww_engine *e, ww_ddb *ddb, const ww_item_meta *meta)
{
	int rc = ww_plan_read(&e->plan, ddb, &e->tables);

	if (rc)
		return rc;
	rc = ww_plan_build_items(&e->plan, meta);
	e->planned = rc == 0;
	return rc;
}

int ww_engine_has_changes(const ww_engine *e, int prune)
{
	ww_plan_counts n;

	ww_plan_count(&e->plan, prune, &n);
	return n.total[WW_CHANGE_CREATE] || n.total[WW_CHANGE_UPDATE] ||
	       (prune && n.total[WW_CHANGE_ORPHAN]);
}

/* ---- Import ---------------------------------------------------------- */

typedef struct {
	int enabled;
	int last_width;
} progress_state;

static void progress_cb(void *ctx, size_t done, size_t total)
{
	progress_state *ps = ctx;
	int width = 30, fill = total ? (int)(done * (size_t)width / total) : width;

	if (!ps->enabled)
		return;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu", fill, "##############################", width - fill,
		"", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
	ps->last_width = width;
}

static void plain_progress_cb(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	if (done == total || done % 100 == 0)
		ww_log(WW_LOG_VERBOSE, "written %zu of %zu", done, total);
}

/*
 * A seam for tests of concurrent edits: with WWSEED_TEST_PLAN_BARRIER=DIR,
 * an import creates DIR/planned after planning and waits (up to 60 s) for
 * DIR/go before writing, so a test can change the table in between
 * deterministically.
 */
static void test_barrier(void)
{
	const char *dir = getenv("WWSEED_TEST_PLAN_BARRIER");
	char path[4096];
	struct stat st;
	FILE *f;
	int i;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/planned", dir);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	snprintf(path, sizeof(path), "%s/go", dir);
	for (i = 0; i < 600 && stat(path, &st) != 0; i++)
		usleep(100 * 1000);
}

static double wall_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static int write_report(const char *path, const ww_engine *e, const ww_run *run,
			const ww_apply_result *res, const ww_ddb_stats *stats,
			const ww_ddb_stats *applied, int prune)
{
	FILE *f = fopen(path, "w");
	int failed;

	if (!f)
		return ww_error_set(WW_ERROR, "cannot write report '%s': %s", path,
				    strerror(errno));
	ww_report_json_print(f, &e->plan, &e->tables, run, res, stats, applied, prune);
	failed = ferror(f);
	if (fclose(f) != 0 || failed)
		return ww_error_set(WW_ERROR, "cannot write report '%s': %s", path,
				    strerror(errno));
	return 0;
}

/* A missing ledger table gets the message that lists what was tried. */
static int ledger_error(const ww_engine *e, int rc)
{
	ww_buf msg = WW_BUF_INIT;

	if (rc != WW_ENOTFOUND)
		return rc;
	ww_tables_describe(&msg, &e->tables, WW_TABLE_LEDGER);
	rc = ww_error_set(WW_ENOTFOUND, "%s", ww_buf_cstr(&msg));
	ww_buf_release(&msg);
	return rc;
}

/* The end of a recorded run: its outcome into the ledger and the report
 * file. Keeps the failure's message (recording may set another); returns
 * the run's code, WW_ERROR when only the report could not be written. */
static int finish_run(ww_engine *e, ww_ddb *ddb, const ww_engine_opts *o, const ww_import_opts *io,
		      ww_run *run, const ww_apply_result *res, const ww_ddb_stats *applied,
		      double t0, int rc)
{
	const char *ledger = e->tables.name[WW_TABLE_LEDGER];
	ww_ddb_stats stats;
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s", ww_error_message());
	ww_item_now(run->ended_at);
	run->status = rc == 0 ? "succeeded" : rc == WW_EINTERRUPTED ? "interrupted" : "failed";
	run->duration_s = wall_s() - t0;
	ww_ddb_get_stats(ddb, &stats);
	run->requests = stats.requests;
	run->retries = stats.retries;
	run->wcu = stats.consumed_wcu;
	if (ww_ledger_put_run(ddb, ledger, run) < 0)
		ww_log_warning("could not record the run in '%s': %s", ledger, ww_error_message());
	if (io->report_file) {
		if (write_report(io->report_file, e, run, res, &stats, applied, o->prune) < 0) {
			ww_log_error("%s", ww_error_message());
			if (rc == 0)
				rc = WW_ERROR;
			snprintf(msg, sizeof(msg), "%s", ww_error_message());
		}
	}
	if (rc)
		ww_error_set(rc, "%s", msg);
	return rc;
}

int ww_engine_import(ww_engine *e, ww_ddb *ddb, const ww_engine_opts *o, const ww_import_opts *io)
{
	FILE *out = out_of(o);
	const char *ledger = e->tables.name[WW_TABLE_LEDGER];
	ww_run run;
	ww_lock lock;
	ww_item_meta meta;
	ww_apply_opts aopts = io->apply;
	ww_apply_result res;
	ww_ddb_stats before, after, applied;
	ww_buf text = WW_BUF_INIT;
	progress_state ps = {0, 0};
	char holder[256], msg[1024], *old = NULL, written_at[32], run_sk[96];
	double t0 = wall_s();
	int rc, run_recorded = 0;

	memset(&lock, 0, sizeof(lock));
	memset(&res, 0, sizeof(res));
	memset(&applied, 0, sizeof(applied));
	ww_run_init(&run, e->layout.name, io->version ? io->version : "unknown");
	memcpy(run.input_digest, e->input_digest, sizeof(run.input_digest));
	ww_lock_holder(holder, sizeof(holder), run.run_id);
	if (io->force_unlock) {
		if ((rc = ledger_error(e, ww_lock_force_unlock(ddb, ledger, &old))) < 0)
			goto done;
		ww_log(WW_LOG_NORMAL,
		       old ? "removed the import lock held by '%s'" : "no import lock was held%s",
		       old ? old : "");
	}
	ww_run_sk(&run, run_sk, sizeof(run_sk));
	rc = ww_lock_acquire(&lock, ddb, ledger, holder, run_sk, io->lock_lease_s,
			     io->lock_timeout_s, io->stop);
	if ((rc = ledger_error(e, rc)) < 0)
		goto done;
	if ((rc = ww_ledger_put_run(ddb, ledger, &run)) < 0)
		goto done;
	run_recorded = 1;
	/* Stamp items with a time after the lock is held, never earlier than
	 * the end of a run this one waited for (startedAt can be). */
	ww_item_now(written_at);
	meta.run_id = run.run_id;
	meta.now = written_at;
	if ((rc = ww_engine_plan(e, ddb, &meta)) < 0)
		goto done;
	ww_report_plan_print(out, &e->plan, o->prune, o->show_unchanged, o->color);
	fflush(out);
	if (!ww_engine_has_changes(e, o->prune))
		fprintf(out, "No changes: the tables match the definitions.\n");
	else
		test_barrier();
	aopts.prune = o->prune;
	aopts.stop = io->stop;
	ps.enabled = io->progress;
	aopts.progress = io->progress ? progress_cb : plain_progress_cb;
	aopts.progress_ctx = &ps;
	/* With nothing to write this only records every outcome. */
	ww_ddb_get_stats(ddb, &before);
	rc = ww_apply(&e->plan, ddb, &e->tables, &aopts, &res);
	if (lock.lost)
		rc = ww_error_set(WW_ELOCKED,
				  "the import lock in '%s' was taken by another run while this one "
				  "wrote; %zu writes not attempted",
				  ledger, res.pending);
	ww_ddb_get_stats(ddb, &after);
	applied.requests = after.requests - before.requests;
	applied.retries = after.retries - before.retries;
	applied.write_requests = after.write_requests - before.write_requests;
	applied.items_written = after.items_written - before.items_written;
	applied.consumed_wcu = after.consumed_wcu - before.consumed_wcu;
	ww_log(WW_LOG_VERBOSE, "wrote %lu items in %lu write requests (%lu retries)",
	       applied.items_written, applied.write_requests, applied.retries);
	ww_report_count_outcomes(&e->plan, &run);
	ww_buf_clear(&text);
	ww_buf_putc(&text, '\n');
	ww_report_summary_text(&text, &e->plan, &run);
	fputs(ww_buf_cstr(&text), out);
done:
	if (run_recorded)
		rc = finish_run(e, ddb, o, io, &run, &res, &applied, t0, rc);
	/* Releasing the lock must not replace the failure's message. */
	snprintf(msg, sizeof(msg), "%s", ww_error_message());
	if (lock.table)
		ww_lock_release(&lock);
	if (rc)
		ww_error_set(rc, "%s", msg);
	free(old);
	ww_buf_release(&text);
	return rc;
}

/* ---- Status ---------------------------------------------------------- */

static const char *str_or(const ww_av *item, const char *name, const char *dflt)
{
	const char *s = ww_av_map_get_str(item, name);

	return s ? s : dflt;
}

int ww_engine_status(ww_engine *e, ww_ddb *ddb, const ww_engine_opts *o, int limit, int prepared)
{
	FILE *out = out_of(o);
	ww_av runs = WW_AV_INIT;
	ww_buf text = WW_BUF_INIT;
	ww_item_meta meta;
	char now[32];
	size_t i;
	int rc;

	rc = ww_ledger_list_runs(ddb, e->tables.name[WW_TABLE_LEDGER], limit, &runs);
	if (rc == WW_ENOTFOUND) {
		ww_tables_describe(&text, &e->tables, WW_TABLE_LEDGER);
		rc = ww_error_set(WW_ENOTFOUND, "%s", ww_buf_cstr(&text));
	}
	if (rc)
		goto done;
	fprintf(out, "Runs in %s (newest first):\n", e->tables.name[WW_TABLE_LEDGER]);
	if (runs.n == 0)
		fprintf(out, "  (none yet)\n");
	for (i = 0; i < runs.n; i++) {
		const ww_av *r = &runs.members[i].value;
		fprintf(out, "  %-24s %-16s %-11s layout %s, by %s\n", str_or(r, "startedAt", "?"),
			str_or(r, "runId", "?"), str_or(r, "status", "?"), str_or(r, "layout", "?"),
			str_or(r, "actor", "?"));
	}
	fputc('\n', out);
	if (!prepared) {
		fprintf(out, "Definitions: not compared (%s)\n", ww_error_message());
		goto done;
	}
	ww_item_now(now);
	meta.run_id = "status";
	meta.now = now;
	if ((rc = ww_engine_plan(e, ddb, &meta)) < 0)
		goto done;
	ww_buf_clear(&text);
	ww_report_plan_line(&text, &e->plan, o->prune);
	fprintf(out, "%s\n%s\n", ww_buf_cstr(&text),
		ww_engine_has_changes(e, o->prune)
		    ? "The tables differ from the definitions: run 'wwseed plan' for details."
		    : "The tables match the definitions.");
done:
	ww_av_release(&runs);
	ww_buf_release(&text);
	return rc;
}
