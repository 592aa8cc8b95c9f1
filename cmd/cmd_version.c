#include <stdio.h>

#include "cmd/cli.h"

int cmd_version(int argc, char **argv, ww_global_opts *g)
{
	(void)argc;
	(void)argv;
	(void)g;
	printf("wwseed %s\n", WW_VERSION);
	return WW_EXIT_OK;
}
