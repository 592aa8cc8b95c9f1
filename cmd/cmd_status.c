/* wwseed status: the last runs in the ledger and whether the tables match
 * the local definitions. */
#include <stdio.h>
#include <string.h>

#include "aws/session.h"
#include "cmd/cli.h"
#include "common/error.h"
#include "common/log.h"
#include "migrate/engine.h"
#include "migrate/options.h"

static const char usage_line[] = "wwseed status [<options>] [<path>...]";

enum { OPT_LIMIT = WW_EOPT_LOCAL_BASE };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s\n\n"
		"Show the last imports recorded in the ledger (newest first) and whether the\n"
		"tables match the definitions (default seeds/): the plan's summary line.\n\n"
		"  --limit N                runs to show (default 10)\n\n%s\n%s",
		usage_line, ww_engine_opts_help, ww_global_opts_help);
}

int cmd_status(int argc, char **argv, ww_global_opts *g)
{
	static const struct option longopts[] = {{"limit", required_argument, NULL, OPT_LIMIT},
						 WW_ENGINE_LONGOPTS,
						 WW_GLOBAL_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	ww_engine_args a;
	ww_engine e = WW_ENGINE_INIT;
	ww_aws_session s;
	ww_aws_args args;
	int opt, r, limit = 10, rc = 0, prepared, exit_code;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":vqh", longopts, NULL)) != -1) {
		if ((r = ww_cli_global_opt(g, opt, optarg)) == -1) {
			usage(stdout);
			ww_engine_args_release(&a);
			return WW_EXIT_OK;
		} else if (r == 1) {
			continue;
		}
		r = ww_engine_opt(&a, opt, optarg);
		if (r == 0) {
			if (opt == OPT_LIMIT)
				r = ww_engine_parse_int("--limit", optarg, &limit);
			else if (opt == ':')
				r = ww_error_set(WW_EINVALID, "option '%s' needs a value",
						 argv[optind - 1]);
			else
				r = ww_error_set(WW_EINVALID, "unknown option '%s'",
						 argv[optind - 1]);
		}
		if (r < 0) {
			exit_code =
			    ww_cli_usage_error("status", usage_line, "%s", ww_error_message());
			ww_engine_args_release(&a);
			return exit_code;
		}
	}
	ww_engine_args_finish(&a, argc, argv, optind);
	a.eo.color = g->color && ww_log_is_tty();
	/* Definitions that do not load still leave the runs worth showing. */
	prepared = ww_engine_prepare(&e, &a.eo) == 0;
	if (!prepared && !e.tables.name[0]) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", ww_error_message());
		if ((rc = ww_tables_resolve(&e.tables, &a.eo.resolve)) < 0)
			goto done;
		ww_error_set(WW_EINVALID, "%s", msg);
	}
	ww_cli_aws_args(&args, g);
	if (!prepared) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", ww_error_message());
		rc = ww_aws_session_open(&s, &args);
		if (rc == 0)
			ww_error_set(WW_EINVALID, "%s", msg);
	} else {
		rc = ww_aws_session_open(&s, &args);
	}
	if (rc < 0)
		goto done;
	rc = ww_engine_status(&e, s.ddb, &a.eo, limit, prepared);
done:
	if (rc < 0) {
		ww_log_error("%s", ww_error_message());
		exit_code = ww_cli_exit_for(rc);
	} else {
		exit_code = prepared ? WW_EXIT_OK : WW_EXIT_INVALID;
	}
	ww_aws_session_close(&s);
	ww_engine_release(&e);
	ww_engine_args_release(&a);
	return exit_code;
}
