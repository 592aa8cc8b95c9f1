/* wwseed schema: print the JSON Schema of game-data files. */
#include <stdio.h>

#include "cmd/cli.h"
#include "common/buf.h"
#include "models/defs.h"

static const char usage_line[] = "wwseed schema";

int cmd_schema(int argc, char **argv, ww_global_opts *g)
{
	static const struct option longopts[] = {WW_GLOBAL_LONGOPTS, {NULL, 0, NULL, 0}};
	ww_buf out = WW_BUF_INIT;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:vqh", longopts, NULL)) != -1) {
		int r = opt == '?' || opt == ':' ? 0 : ww_cli_global_opt(g, opt, optarg);
		if (r < 0) {
			printf(
			    "usage: %s\n\n"
			    "Print the JSON Schema (draft 2020-12) of game-data files: the "
			    "frontend\n"
			    "export shape and the per-kind arrays, generated from the field "
			    "tables\n"
			    "'wwseed validate' uses. References between definitions and DynamoDB\n"
			    "limits are checked by 'wwseed validate' only.\n\n%s",
			    usage_line, ww_global_opts_help);
			return WW_EXIT_OK;
		}
		if (r == 0)
			return ww_cli_usage_error("schema", usage_line, "unknown option '%s'",
						  argv[optind - 1]);
	}
	if (optind < argc)
		return ww_cli_usage_error("schema", usage_line, "unexpected argument '%s'",
					  argv[optind]);
	ww_defs_schema(&out);
	ww_buf_putc(&out, '\n');
	fwrite(ww_buf_cstr(&out), 1, out.len, stdout);
	ww_buf_release(&out);
	return WW_EXIT_OK;
}
