#include "migrate/options.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "migrate/resolve.h"
#include "models/defs.h"

const char ww_engine_opts_help[] =
    "Tables and layout:\n"
    "  --stage NAME             stage of the table names (default dev; \"\" for none)\n"
    "  --table KIND=NAME        table of a kind: prizes, scratchers, tickets, stores,\n"
    "                           ledger, game-data (repeatable; beats the environment)\n"
    "  --cdk-outputs FILE       cdk deploy --outputs-file JSON to read table names from\n"
    "  --layout NAME            per-kind (default) or single-table\n"
    "  --layout-file FILE       a JSON layout (docs/cli.md \"Layout files\")\n"
    "  --format FMT             diagnostics format: text, json, github, junit\n"
    "  --prune                  delete items wwseed wrote that are no longer defined\n"
    "  --show-unchanged         list unchanged definitions in the plan too\n";

int ww_engine_parse_int(const char *opt, const char *arg, int *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || !end || *end || end == arg || v < 0 || v > INT_MAX)
		return ww_error_set(WW_EINVALID, "invalid %s '%s': expected a non-negative integer",
				    opt, arg);
	*out = (int)v;
	return 0;
}

int ww_engine_parse_double(const char *opt, const char *arg, double *out)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || !end || *end || end == arg || !(v >= 0))
		return ww_error_set(WW_EINVALID, "invalid %s '%s': expected a non-negative number",
				    opt, arg);
	*out = v;
	return 0;
}

int ww_engine_opt(ww_engine_args *a, int opt, const char *arg)
{
	switch (opt) {
	case WW_EOPT_STAGE:
		a->eo.resolve.stage = arg;
		return 1;
	case WW_EOPT_TABLE: {
		/* Checked here so a bad one is a usage error; resolve checks again. */
		const char *one[1] = {arg};
		ww_resolve_opts ro = {one, 1, NULL, NULL};
		ww_tables t = {0};
		int rc = ww_tables_resolve(&t, &ro);
		ww_tables_release(&t);
		if (rc < 0)
			return rc;
	}
		a->tables = ww_xrealloc(a->tables, (a->ntables + 1) * sizeof(*a->tables));
		a->tables[a->ntables++] = arg;
		return 1;
	case WW_EOPT_CDK_OUTPUTS:
		a->eo.resolve.cdk_outputs = arg;
		return 1;
	case WW_EOPT_LAYOUT:
		if (strcmp(arg, "per-kind") && strcmp(arg, "single-table"))
			return ww_error_set(WW_EINVALID,
					    "invalid --layout '%s': per-kind or single-table", arg);
		a->eo.layout_name = arg;
		return 1;
	case WW_EOPT_LAYOUT_FILE:
		a->eo.layout_file = arg;
		return 1;
	case WW_EOPT_FORMAT:
		if (!ww_diags_format_valid(arg))
			return ww_error_set(
			    WW_EINVALID, "invalid --format '%s': text, json, github or junit", arg);
		a->eo.diag_format = arg;
		return 1;
	case WW_EOPT_PRUNE:
		a->eo.prune = 1;
		return 1;
	case WW_EOPT_SHOW_UNCHANGED:
		a->eo.show_unchanged = 1;
		return 1;
	default:
		return 0;
	}
}

void ww_engine_args_finish(ww_engine_args *a, int argc, char **argv, int optind_now)
{
	a->eo.resolve.overrides = a->tables;
	a->eo.resolve.noverrides = a->ntables;
	if (optind_now < argc) {
		a->eo.paths = (const char *const *)(argv + optind_now);
		a->eo.npaths = (size_t)(argc - optind_now);
	}
}

void ww_engine_args_release(ww_engine_args *a)
{
	if (!a)
		return;
	free(a->tables);
	a->tables = NULL;
	a->ntables = 0;
}
