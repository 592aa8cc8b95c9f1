/*
 * wwseed: validate game definitions and seed them into DynamoDB.
 * main() only finds the subcommand and hands over; see cmd/cmd_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/log.h"

static const struct {
	const char *name;
	ww_cmd_fn fn;
	const char *summary;
} commands[] = {
	{ "validate", cmd_validate, "check game-data files against the models" },
	{ "schema", cmd_schema, "print the JSON Schema of the game-data files" },
	{ "tables", cmd_tables, "create or verify the tables a CDK template declares" },
	{ "plan", cmd_plan, "show what an import would change" },
	{ "import", cmd_import, "write the definitions into the tables" },
	{ "status", cmd_status, "show recent runs and whether the tables match" },
	{ "version", cmd_version, "print the version" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: wwseed [--version] [--help] <command> [<options>] [<paths>]\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'wwseed <command> --help' for a command's options.\n"
		   "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid definitions, 4 AWS error,\n"
		   "5 network, 6 locked, 130 interrupted. See docs/cli.md.\n");
}

int main(int argc, char **argv)
{
	ww_global_opts g = { 0 };
	size_t i;

	g.color = getenv("NO_COLOR") && *getenv("NO_COLOR") ? 0 : 1;
	if (argc < 2) {
		usage(stderr);
		return WW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return WW_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1, &g);
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1, &g);
	fprintf(stderr, "wwseed: '%s' is not a wwseed command; see 'wwseed --help'\n", argv[1]);
	return WW_EXIT_USAGE;
}
