/* Placeholder until this subcommand lands; replaced by its owner. */
#include <stdio.h>

#include "cmd/cli.h"

int cmd_plan(int argc, char **argv, ww_global_opts *g)
{
	(void)argc;
	(void)argv;
	(void)g;
	fprintf(stderr, "wwseed: 'plan' is not built yet\n");
	return WW_EXIT_FAILURE;
}
