#ifndef WW_MIGRATE_OPTIONS_H
#define WW_MIGRATE_OPTIONS_H

#include <getopt.h>

#include "migrate/engine.h"

/*
 * The options plan, import and status share (tables, layout, inputs), so
 * the three subcommands parse them the same way and stay thin. Option
 * values start at WW_ENGINE_OPT_BASE, clear of cmd/cli.h's global ones.
 */
enum {
	WW_ENGINE_OPT_BASE = 2000,
	WW_EOPT_STAGE = WW_ENGINE_OPT_BASE,
	WW_EOPT_TABLE,
	WW_EOPT_CDK_OUTPUTS,
	WW_EOPT_LAYOUT,
	WW_EOPT_LAYOUT_FILE,
	WW_EOPT_FORMAT,
	WW_EOPT_PRUNE,
	WW_EOPT_SHOW_UNCHANGED,
	WW_EOPT_LOCAL_BASE /* each command numbers its own from here */
};

#define WW_ENGINE_LONGOPTS                                                                         \
	{"stage", required_argument, NULL, WW_EOPT_STAGE},                                         \
	    {"table", required_argument, NULL, WW_EOPT_TABLE},                                     \
	    {"cdk-outputs", required_argument, NULL, WW_EOPT_CDK_OUTPUTS},                         \
	    {"layout", required_argument, NULL, WW_EOPT_LAYOUT},                                   \
	    {"layout-file", required_argument, NULL, WW_EOPT_LAYOUT_FILE},                         \
	    {"format", required_argument, NULL, WW_EOPT_FORMAT},                                   \
	    {"prune", no_argument, NULL, WW_EOPT_PRUNE},                                           \
	{                                                                                          \
		"show-unchanged", no_argument, NULL, WW_EOPT_SHOW_UNCHANGED                        \
	}

/* The help lines of those options. */
extern const char ww_engine_opts_help[];

typedef struct {
	ww_engine_opts eo;
	const char **tables; /* --table values (argv strings, borrowed) */
	size_t ntables;
} ww_engine_args;

/* Handle one getopt_long result. Returns 1 when it was an engine option,
 * 0 when not, WW_EINVALID (message set) for a bad value. */
int ww_engine_opt(ww_engine_args *a, int opt, const char *arg);
/* After parsing: take the positional paths and wire the --table list. */
void ww_engine_args_finish(ww_engine_args *a, int argc, char **argv, int optind_now);
void ww_engine_args_release(ww_engine_args *a);

/* Parse a non-negative integer option value; WW_EINVALID names the
 * option. */
int ww_engine_parse_int(const char *opt, const char *arg, int *out);
int ww_engine_parse_double(const char *opt, const char *arg, double *out);

#endif
