#include "migrate/report.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"

static void jstr(ww_buf *out, const char *s)
{
	if (s)
		ww_buf_put_json_string(out, s, strlen(s));
	else
		ww_buf_puts(out, "null");
}

/* Redacted: error messages come from the service and could echo input. */
static void jstr_redacted(ww_buf *out, const char *s)
{
	ww_buf r = WW_BUF_INIT;

	if (!s) {
		ww_buf_puts(out, "null");
		return;
	}
	ww_redact(&r, s);
	ww_buf_put_json_string(out, ww_buf_cstr(&r), r.len);
	ww_buf_release(&r);
}

static const char *paint(int color, const char *code)
{
	return color ? code : "";
}

static void fields_list(ww_buf *out, const ww_change *c)
{
	size_t i;

	for (i = 0; i < c->nchanged; i++)
		ww_buf_printf(out, "%s%s", i ? ", " : "", c->changed[i]);
}

void ww_report_plan_line(ww_buf *out, const ww_plan *p, int prune)
{
	ww_plan_counts n;

	ww_plan_count(p, prune, &n);
	ww_buf_printf(out, "Plan: %zu to create, %zu to update, %zu to delete, %zu unchanged",
		      n.total[WW_CHANGE_CREATE], n.total[WW_CHANGE_UPDATE],
		      prune ? n.total[WW_CHANGE_ORPHAN] : 0, n.total[WW_CHANGE_UNCHANGED]);
	if (!prune && n.total[WW_CHANGE_ORPHAN])
		ww_buf_printf(out, ", %zu orphaned (kept; --prune deletes them)",
			      n.total[WW_CHANGE_ORPHAN]);
	ww_buf_printf(out, "; %u WCU", n.wcu);
}

/* With `f`, the text goes to `f` whenever `out` holds 64 KiB: a plan of
 * 100,000 creates is ~4 MB of text, not worth holding next to the plan. */
/* With a file, what is built so far goes out every 64 KiB, so a report of
 * 100,000 items is never held whole. */
static void spill(ww_buf *out, FILE *f)
{
	if (f && out->len >= 65536) {
		fwrite(out->ptr, 1, out->len, f);
		ww_buf_clear(out);
	}
}

static void plan_text(ww_buf *out, FILE *f, const ww_plan *p, int prune, int show_unchanged,
		      int color)
{
	const char *reset = paint(color, "\033[0m");
	size_t i;
	int any = 0;

	for (i = 0; i < p->n; i++) {
		const ww_change *c = &p->items[i];
		spill(out, f);
		const char *kind = ww_kind_name(c->kind);
		switch (c->type) {
		case WW_CHANGE_CREATE:
			ww_buf_printf(out, "%s+ create %s \"%s\"%s\n", paint(color, "\033[32m"),
				      kind, c->id, reset);
			break;
		case WW_CHANGE_UPDATE:
			ww_buf_printf(out, "%s~ update %s \"%s\" (", paint(color, "\033[33m"), kind,
				      c->id);
			if (c->nchanged)
				ww_buf_puts(out, "fields: ");
			else
				ww_buf_puts(out, c->remote_managed
						     ? "metadata only"
						     : "not written by wwseed; same content");
			fields_list(out, c);
			ww_buf_printf(out, ")%s\n", reset);
			break;
		case WW_CHANGE_ORPHAN:
			ww_buf_printf(out, "%s- %s %s \"%s\"%s\n", paint(color, "\033[31m"),
				      prune ? "delete orphaned" : "orphaned", kind, c->id, reset);
			break;
		default:
			if (show_unchanged)
				ww_buf_printf(out, "= unchanged %s \"%s\"\n", kind, c->id);
			continue;
		}
		any = 1;
	}
	if (any)
		ww_buf_putc(out, '\n');
	ww_report_plan_line(out, p, prune);
	ww_buf_putc(out, '\n');
}

void ww_report_plan_text(ww_buf *out, const ww_plan *p, const ww_tables *t, int prune,
			 int show_unchanged, int color)
{
	(void)t;
	plan_text(out, NULL, p, prune, show_unchanged, color);
}

void ww_report_plan_print(FILE *f, const ww_plan *p, int prune, int show_unchanged, int color)
{
	ww_buf out = WW_BUF_INIT;

	plan_text(&out, f, p, prune, show_unchanged, color);
	if (out.len)
		fwrite(out.ptr, 1, out.len, f);
	ww_buf_release(&out);
}

static void change_json(ww_buf *out, const ww_change *c, const ww_tables *t, int with_outcome)
{
	char hash[65];
	size_t i;

	ww_buf_puts(out, "{\"kind\":");
	jstr(out, ww_kind_name(c->kind));
	ww_buf_puts(out, ",\"id\":");
	jstr(out, c->id);
	ww_buf_puts(out, ",\"table\":");
	jstr(out, t ? ww_plan_table(t, c) : c->table);
	ww_buf_puts(out, ",\"action\":");
	jstr(out, ww_change_type_name(c->type));
	if (c->type == WW_CHANGE_UPDATE) {
		ww_buf_puts(out, ",\"fields\":[");
		for (i = 0; i < c->nchanged; i++) {
			if (i)
				ww_buf_putc(out, ',');
			jstr(out, c->changed[i]);
		}
		ww_buf_putc(out, ']');
	}
	if (c->type != WW_CHANGE_UNCHANGED)
		ww_buf_printf(out, ",\"wcu\":%u", c->wcu);
	ww_change_hash(c, hash);
	if (hash[0]) {
		ww_buf_puts(out, ",\"hash\":");
		jstr(out, hash);
	}
	if (with_outcome) {
		ww_buf_puts(out, ",\"outcome\":");
		jstr(out, ww_outcome_name(c->outcome));
		ww_buf_printf(out, ",\"attempts\":%d", c->attempts);
		if (c->err_type || c->err_message) {
			ww_buf_puts(out, ",\"error\":{\"type\":");
			jstr(out, c->err_type);
			ww_buf_puts(out, ",\"message\":");
			jstr_redacted(out, c->err_message);
			ww_buf_puts(out, ",\"requestId\":");
			jstr(out, c->err_request_id);
			ww_buf_printf(out, ",\"attempts\":%d}", c->attempts);
		}
	}
	ww_buf_putc(out, '}');
}

static void summary_json(ww_buf *out, const ww_plan *p, int prune)
{
	ww_plan_counts n;

	ww_plan_count(p, prune, &n);
	ww_buf_printf(out,
		      "{\"create\":%zu,\"update\":%zu,\"delete\":%zu,\"unchanged\":%zu,"
		      "\"orphaned\":%zu,\"wcu\":%u}",
		      n.total[WW_CHANGE_CREATE], n.total[WW_CHANGE_UPDATE],
		      prune ? n.total[WW_CHANGE_ORPHAN] : 0, n.total[WW_CHANGE_UNCHANGED],
		      n.total[WW_CHANGE_ORPHAN], n.wcu);
}

void ww_report_plan_json(ww_buf *out, const ww_plan *p, const ww_tables *t, int prune)
{
	size_t i;

	ww_buf_puts(out, "{\"version\":1,\"layout\":");
	jstr(out, p->layout->name);
	ww_buf_puts(out, ",\"changes\":[");
	for (i = 0; i < p->n; i++) {
		if (i)
			ww_buf_putc(out, ',');
		change_json(out, &p->items[i], t, 0);
	}
	ww_buf_puts(out, "],\"summary\":");
	summary_json(out, p, prune);
	ww_buf_puts(out, "}\n");
}

void ww_report_count_outcomes(const ww_plan *p, ww_run *run)
{
	size_t i;

	memset(run->counts, 0, sizeof(run->counts));
	for (i = 0; i < p->n; i++)
		run->counts[p->items[i].kind][p->items[i].outcome]++;
}

void ww_report_summary_text(ww_buf *out, const ww_plan *p, const ww_run *run)
{
	size_t k, i;

	for (k = 0; k < WW_KIND_COUNT; k++) {
		const size_t *n = run->counts[k];
		ww_buf_printf(
		    out, "%-11s %zu created, %zu updated, %zu unchanged, %zu deleted, %zu failed",
		    ww_kind_plural((ww_kind)k), n[WW_OUTCOME_CREATED], n[WW_OUTCOME_UPDATED],
		    n[WW_OUTCOME_UNCHANGED], n[WW_OUTCOME_DELETED],
		    n[WW_OUTCOME_FAILED] + n[WW_OUTCOME_CONFLICT]);
		if (n[WW_OUTCOME_CONFLICT])
			ww_buf_printf(out, " (%zu conflicts)", n[WW_OUTCOME_CONFLICT]);
		if (n[WW_OUTCOME_SKIPPED])
			ww_buf_printf(out, ", %zu skipped", n[WW_OUTCOME_SKIPPED]);
		if (n[WW_OUTCOME_KEPT])
			ww_buf_printf(out, ", %zu orphaned kept", n[WW_OUTCOME_KEPT]);
		if (n[WW_OUTCOME_PENDING])
			ww_buf_printf(out, ", %zu not attempted", n[WW_OUTCOME_PENDING]);
		ww_buf_putc(out, '\n');
	}
	for (i = 0; i < p->n; i++) {
		const ww_change *c = &p->items[i];
		ww_buf r = WW_BUF_INIT;
		if (c->outcome != WW_OUTCOME_FAILED && c->outcome != WW_OUTCOME_CONFLICT &&
		    c->outcome != WW_OUTCOME_SKIPPED)
			continue;
		ww_redact(&r, c->err_message ? c->err_message : "");
		ww_buf_printf(
		    out, "%s %s %s \"%s\": %s: %s (attempts %d%s%s)\n",
		    c->outcome == WW_OUTCOME_SKIPPED ? "skipped" : "not written",
		    c->type == WW_CHANGE_ORPHAN ? "delete" : ww_change_type_name(c->type),
		    ww_kind_name(c->kind), c->id,
		    c->outcome == WW_OUTCOME_FAILED ? (c->err_type ? c->err_type : "error")
						    : "conflict",
		    ww_buf_cstr(&r), c->attempts, c->err_request_id ? ", request id " : "",
		    c->err_request_id ? c->err_request_id : "");
		ww_buf_release(&r);
	}
}

static void report_json(ww_buf *out, FILE *f, const ww_plan *p, const ww_tables *t,
			const ww_run *run, const ww_apply_result *res, const ww_ddb_stats *stats,
			const ww_ddb_stats *apply, int prune)
{
	size_t i, k, o, nerr = 0;
	int first;

	ww_buf_puts(out, "{\"version\":1,\"runId\":");
	jstr(out, run->run_id);
	ww_buf_puts(out, ",\"status\":");
	jstr(out, run->status);
	ww_buf_puts(out, ",\"startedAt\":");
	jstr(out, run->started_at);
	ww_buf_puts(out, ",\"endedAt\":");
	jstr(out, run->ended_at[0] ? run->ended_at : NULL);
	ww_buf_puts(out, ",\"layout\":");
	jstr(out, run->layout);
	ww_buf_puts(out, ",\"inputDigest\":");
	jstr(out, run->input_digest);
	ww_buf_puts(out, ",\"wwseedVersion\":");
	jstr(out, run->version);
	ww_buf_puts(out, ",\"commit\":");
	jstr(out, run->commit);
	ww_buf_puts(out, ",\"actor\":");
	jstr(out, run->actor);
	ww_buf_puts(out, ",\"tables\":{");
	for (i = 0; i < WW_TABLE_COUNT; i++) {
		if (i)
			ww_buf_putc(out, ',');
		jstr(out, ww_table_logical((ww_table_id)i));
		ww_buf_putc(out, ':');
		jstr(out, t->name[i]);
	}
	ww_buf_printf(out,
		      "},\"figures\":{\"durationSeconds\":%.3f,\"requests\":%lu,\"retries\":%lu,"
		      "\"writeRequests\":%lu,\"itemsWritten\":%lu,\"ledgerWriteRequests\":%lu,"
		      "\"batches\":%zu,\"plannedWcu\":",
		      run->duration_s, stats->requests, stats->retries, apply->write_requests,
		      apply->items_written, stats->write_requests - apply->write_requests,
		      res ? res->batches : 0);
	{
		ww_plan_counts n;
		ww_plan_count(p, prune, &n);
		ww_buf_printf(out, "%u,\"consumedWcu\":%.1f}", n.wcu, apply->consumed_wcu);
	}
	ww_buf_puts(out, ",\"plan\":");
	summary_json(out, p, prune);
	ww_buf_puts(out, ",\"summary\":{");
	for (k = 0; k < WW_KIND_COUNT; k++) {
		if (k)
			ww_buf_putc(out, ',');
		jstr(out, ww_kind_plural((ww_kind)k));
		ww_buf_puts(out, ":{");
		for (o = 0; o < WW_OUTCOME_NTYPES; o++)
			ww_buf_printf(out, "%s\"%s\":%zu", o ? "," : "",
				      ww_outcome_name((ww_outcome)o), run->counts[k][o]);
		ww_buf_putc(out, '}');
	}
	ww_buf_puts(out, "},\"items\":[");
	for (i = 0; i < p->n; i++) {
		if (i)
			ww_buf_putc(out, ',');
		change_json(out, &p->items[i], t, 1);
		spill(out, f);
	}
	ww_buf_puts(out, "],\"errors\":[");
	first = 1;
	for (i = 0; i < p->n; i++) {
		const ww_change *c = &p->items[i];
		if (!c->err_type && !c->err_message)
			continue;
		if (!first)
			ww_buf_putc(out, ',');
		first = 0;
		nerr++;
		ww_buf_puts(out, "{\"kind\":");
		jstr(out, ww_kind_name(c->kind));
		ww_buf_puts(out, ",\"id\":");
		jstr(out, c->id);
		ww_buf_puts(out, ",\"type\":");
		jstr(out, c->err_type);
		ww_buf_puts(out, ",\"message\":");
		jstr_redacted(out, c->err_message);
		ww_buf_puts(out, ",\"requestId\":");
		jstr(out, c->err_request_id);
		ww_buf_printf(out, ",\"attempts\":%d}", c->attempts);
		spill(out, f);
	}
	(void)nerr;
	ww_buf_puts(out, "]}\n");
}

void ww_report_json(ww_buf *out, const ww_plan *p, const ww_tables *t, const ww_run *run,
		    const ww_apply_result *res, const ww_ddb_stats *stats,
		    const ww_ddb_stats *apply, int prune)
{
	report_json(out, NULL, p, t, run, res, stats, apply, prune);
}

void ww_report_json_print(FILE *f, const ww_plan *p, const ww_tables *t, const ww_run *run,
			  const ww_apply_result *res, const ww_ddb_stats *stats,
			  const ww_ddb_stats *apply, int prune)
{
	ww_buf out = WW_BUF_INIT;

	report_json(&out, f, p, t, run, res, stats, apply, prune);
	if (out.len)
		fwrite(out.ptr, 1, out.len, f);
	ww_buf_release(&out);
}
