/* wwseed plan: show what an import would change. */
#include <stdio.h>
#include <string.h>

#include "aws/session.h"
#include "cmd/cli.h"
#include "common/error.h"
#include "common/log.h"
#include "migrate/engine.h"
#include "migrate/item.h"
#include "migrate/options.h"
#include "migrate/report.h"

static const char usage_line[] = "wwseed plan [<options>] [<path>...]";

enum { OPT_OUTPUT = WW_EOPT_LOCAL_BASE, OPT_DETAILED };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s\n\n"
		"Validate the definitions (default seeds/), read what the tables hold and show\n"
		"each definition as create, update (with the fields that change), unchanged or\n"
		"orphaned, and the write capacity an import would consume. Writes nothing.\n\n"
		"  -o, --output FMT         text (default) or json\n"
		"  --detailed-exitcode      exit 0 when there are no changes, 2 when there "
		"are\n\n%s\n%s",
		usage_line, ww_engine_opts_help, ww_global_opts_help);
}

/* Shared with import --dry-run: plan and print. Returns an exit code. */
int ww_cmd_plan_run(ww_engine_args *a, ww_global_opts *g, int json, int detailed);

int ww_cmd_plan_run(ww_engine_args *a, ww_global_opts *g, int json, int detailed)
{
	ww_engine e = WW_ENGINE_INIT;
	ww_aws_session s;
	ww_aws_args args;
	ww_item_meta meta;
	ww_buf text = WW_BUF_INIT;
	char now[32];
	int rc, exit_code;

	memset(&s, 0, sizeof(s));
	a->eo.color = g->color && ww_log_is_tty();
	if ((rc = ww_engine_prepare(&e, &a->eo)) < 0)
		goto done;
	ww_cli_aws_args(&args, g);
	if ((rc = ww_aws_session_open(&s, &args)) < 0)
		goto done;
	ww_item_now(now);
	meta.run_id = "plan";
	meta.now = now;
	if ((rc = ww_engine_plan(&e, s.ddb, &meta)) < 0)
		goto done;
	if (json)
		ww_report_plan_json(&text, &e.plan, &e.tables, a->eo.prune);
	else
		ww_report_plan_text(&text, &e.plan, &e.tables, a->eo.prune, a->eo.show_unchanged,
				    a->eo.color);
	fputs(ww_buf_cstr(&text), stdout);
	if (!json && !ww_engine_has_changes(&e, a->eo.prune))
		printf("No changes: the tables match the definitions.\n");
done:
	if (rc < 0) {
		ww_log_error("%s", ww_error_message());
		exit_code = ww_cli_exit_for(rc);
	} else {
		exit_code = detailed && ww_engine_has_changes(&e, a->eo.prune) ? 2 : WW_EXIT_OK;
	}
	ww_aws_session_close(&s);
	ww_engine_release(&e);
	ww_buf_release(&text);
	return exit_code;
}

int cmd_plan(int argc, char **argv, ww_global_opts *g)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {"detailed-exitcode", no_argument, NULL, OPT_DETAILED},
	    WW_ENGINE_LONGOPTS,
	    WW_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0}};
	ww_engine_args a;
	int opt, r, json = 0, detailed = 0, exit_code;

	memset(&a, 0, sizeof(a));
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:vqh", longopts, NULL)) != -1) {
		if ((r = ww_cli_global_opt(g, opt, optarg)) == -1) {
			usage(stdout);
			ww_engine_args_release(&a);
			return WW_EXIT_OK;
		} else if (r == 1) {
			continue;
		}
		if ((r = ww_engine_opt(&a, opt, optarg)) < 0) {
			ww_engine_args_release(&a);
			return ww_cli_usage_error("plan", usage_line, "%s", ww_error_message());
		} else if (r == 1) {
			continue;
		}
		switch (opt) {
		case 'o':
		case OPT_OUTPUT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				ww_engine_args_release(&a);
				return ww_cli_usage_error("plan", usage_line,
							  "invalid --output '%s': text or json",
							  optarg);
			}
			json = !strcmp(optarg, "json");
			break;
		case OPT_DETAILED:
			detailed = 1;
			break;
		case ':':
			ww_engine_args_release(&a);
			return ww_cli_usage_error("plan", usage_line, "option '%s' needs a value",
						  argv[optind - 1]);
		default:
			ww_engine_args_release(&a);
			return ww_cli_usage_error("plan", usage_line, "unknown option '%s'",
						  argv[optind - 1]);
		}
	}
	ww_engine_args_finish(&a, argc, argv, optind);
	exit_code = ww_cmd_plan_run(&a, g, json, detailed);
	ww_engine_args_release(&a);
	return exit_code;
}
