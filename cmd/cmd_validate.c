/* wwseed validate: check game-data files and report every problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "common/buf.h"
#include "migrate/source.h"
#include "models/defs.h"

static const char usage_line[] =
    "wwseed validate [--format text|json|github|junit] [--strict] [--warnings-as-errors]\n"
    "                       [--kind KIND] [--quiet] [--no-color] PATH...";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Check game-data files (the frontend export, per-kind arrays such as\n"
	       "seeds/tickets.json, or JSON Lines) and report every problem in one pass.\n"
	       "Nothing is sent anywhere.\n\n"
	       "Options:\n"
	       "  --format FORMAT          text (default), json, github or junit; on stdout\n"
	       "  --strict                 unknown fields are errors, not warnings\n"
	       "  --warnings-as-errors     exit 3 when there are warnings too\n"
	       "  --kind KIND              prizes, scratchers, tickets or stores: read every\n"
	       "                           file as an array (or JSON Lines) of KIND, whatever\n"
	       "                           its name (not for export-shape files)\n"
	       "  -q, --quiet              text: errors only, no summary\n\n"
	       "%s\n"
	       "Exit codes: 0 valid (warnings allowed), 2 usage, 3 invalid definitions or a\n"
	       "path that cannot be read. See docs/cli.md and docs/models.md.\n",
	       usage_line, ww_global_opts_help);
}

enum { OPT_FORMAT = WW_OPT_FIRST_LOCAL, OPT_STRICT, OPT_WERROR, OPT_KIND };

int cmd_validate(int argc, char **argv, ww_global_opts *g)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"warnings-as-errors", no_argument, NULL, OPT_WERROR},
	    {"kind", required_argument, NULL, OPT_KIND},
	    WW_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0}};
	const char *format = "text";
	int werror = 0, kind = -1, opt, rc = WW_EXIT_OK, color;
	ww_defs_options o = {0, 0};
	ww_defset *set = NULL;
	ww_buf out = WW_BUF_INIT;
	const ww_diags *d;
	ww_diags shown = {0};

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:vqh", longopts, NULL)) != -1) {
		int r;
		switch (opt) {
		case OPT_FORMAT:
			if (!ww_diags_format_valid(optarg))
				return ww_cli_usage_error(
				    "validate", usage_line,
				    "unknown format '%s'; expected text, json, github or junit",
				    optarg);
			format = optarg;
			continue;
		case OPT_STRICT:
			o.strict = 1;
			continue;
		case OPT_WERROR:
			werror = 1;
			continue;
		case OPT_KIND:
			if ((kind = ww_kind_parse(optarg)) < 0)
				return ww_cli_usage_error("validate", usage_line,
							  "unknown kind '%s'; expected prizes, "
							  "scratchers, tickets or stores",
							  optarg);
			continue;
		case ':':
			return ww_cli_usage_error("validate", usage_line,
						  "option '%s' needs a value", argv[optind - 1]);
		case '?':
			return ww_cli_usage_error("validate", usage_line, "unknown option '%s'",
						  argv[optind - 1]);
		}
		r = ww_cli_global_opt(g, opt, optarg);
		if (r < 0) {
			help();
			return WW_EXIT_OK;
		}
		if (r == 0)
			return ww_cli_usage_error("validate", usage_line, "unknown option '%s'",
						  argv[optind - 1]);
	}
	if (optind >= argc)
		return ww_cli_usage_error("validate", usage_line, "no path given");

	set = ww_defset_new(&o);
	ww_source_load(set, (const char *const *)argv + optind, (size_t)(argc - optind), kind);
	ww_defset_finish(set);
	d = ww_defset_diags(set);

	color = !strcmp(format, "text") && g->color && isatty(STDOUT_FILENO) &&
		!(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	shown = *d;
	if (g->quiet && !strcmp(format, "text")) {
		/* a shallow view of the errors only; the set owns the strings */
		size_t i;
		shown.items = malloc((d->n + 1) * sizeof(*shown.items));
		shown.n = 0;
		for (i = 0; i < d->n; i++)
			if (d->items[i].severity == WW_SEV_ERROR)
				shown.items[shown.n++] = d->items[i];
	}
	ww_diags_format(&out, &shown, format, color);
	if (!strcmp(format, "text") && !g->quiet) {
		int k;
		for (k = 0; k < WW_KIND_COUNT; k++) {
			size_t n = ww_defset_count(set, (ww_kind)k);
			ww_buf_printf(&out, "%s%zu %s", k ? ", " : "", n,
				      n == 1 ? ww_kind_name((ww_kind)k)
					     : ww_kind_plural((ww_kind)k));
		}
		ww_buf_printf(&out, ": %zu error%s, %zu warning%s, %zu info%s\n",
			      d->count[WW_SEV_ERROR], d->count[WW_SEV_ERROR] == 1 ? "" : "s",
			      d->count[WW_SEV_WARNING], d->count[WW_SEV_WARNING] == 1 ? "" : "s",
			      d->count[WW_SEV_INFO], d->count[WW_SEV_INFO] == 1 ? "" : "s");
	}
	fwrite(ww_buf_cstr(&out), 1, out.len, stdout);
	fflush(stdout);
	if (d->count[WW_SEV_ERROR] || (werror && d->count[WW_SEV_WARNING]))
		rc = WW_EXIT_INVALID;
	if (shown.items != d->items)
		free(shown.items);
	ww_buf_release(&out);
	ww_defset_free(set);
	return rc;
}
