#ifndef WW_CMD_CLI_H
#define WW_CMD_CLI_H

#include <getopt.h>

#include "aws/session.h"

/*
 * What every subcommand shares: the exit codes, the global options (AWS CLI
 * names, accepted before or after the subcommand) and their parsing.
 */
enum ww_exit {
	WW_EXIT_OK = 0,
	WW_EXIT_FAILURE = 1,     /* generic failure; items left unwritten */
	WW_EXIT_USAGE = 2,       /* bad command line or AWS configuration (also plan's "changes pending" with --detailed-exitcode) */
	WW_EXIT_INVALID = 3,     /* definitions are invalid: nothing was written */
	WW_EXIT_AWS = 4,         /* the service answered with an error */
	WW_EXIT_NETWORK = 5,     /* the service could not be reached */
	WW_EXIT_LOCKED = 6,      /* another import holds the lock */
	WW_EXIT_INTERRUPTED = 130 /* Ctrl-C: batches in flight finished, run recorded */
};

typedef struct {
	const char *region;       /* --region */
	const char *endpoint_url; /* --endpoint-url */
	const char *profile;      /* --profile */
	const char *ca_bundle;    /* --ca-bundle */
	int allow_http;           /* --allow-insecure-http: plain http to non-loopback */
	int verbose;              /* --verbose / -v: one line per request */
	int debug;                /* --debug: bodies too */
	int quiet;                /* --quiet / -q: errors only */
	int color;                /* 1 auto (terminal, no NO_COLOR), 0 never */
} ww_global_opts;

/* getopt_long values of the global options (above any short option). */
enum {
	WW_OPT_REGION = 1000,
	WW_OPT_ENDPOINT_URL,
	WW_OPT_PROFILE,
	WW_OPT_CA_BUNDLE,
	WW_OPT_ALLOW_HTTP,
	WW_OPT_VERBOSE,
	WW_OPT_DEBUG,
	WW_OPT_QUIET,
	WW_OPT_NO_COLOR,
	WW_OPT_HELP,
	WW_OPT_FIRST_LOCAL /* subcommands number their own options from here */
};

/* Spread into a subcommand's `struct option[]` before its terminator. */
#define WW_GLOBAL_LONGOPTS                                              \
	{ "region", required_argument, NULL, WW_OPT_REGION },           \
	{ "endpoint-url", required_argument, NULL, WW_OPT_ENDPOINT_URL }, \
	{ "profile", required_argument, NULL, WW_OPT_PROFILE },         \
	{ "ca-bundle", required_argument, NULL, WW_OPT_CA_BUNDLE },     \
	{ "allow-insecure-http", no_argument, NULL, WW_OPT_ALLOW_HTTP }, \
	{ "verbose", no_argument, NULL, WW_OPT_VERBOSE },               \
	{ "debug", no_argument, NULL, WW_OPT_DEBUG },                   \
	{ "quiet", no_argument, NULL, WW_OPT_QUIET },                   \
	{ "no-color", no_argument, NULL, WW_OPT_NO_COLOR },             \
	{ "help", no_argument, NULL, WW_OPT_HELP }

/* The help text of the global options, for each subcommand's --help. */
extern const char ww_global_opts_help[];

/*
 * Handle one getopt_long result that is a global option. Returns 1 if it
 * was one (and applied it to `g`, including the log level), 0 if not, and
 * -1 for --help (the caller prints its usage to stdout and exits 0).
 */
int ww_cli_global_opt(ww_global_opts *g, int opt, const char *arg);

/* Report an unknown option or missing argument the way getopt found it:
 * "wwseed <cmd>: ..." and the usage line, on stderr; returns WW_EXIT_USAGE. */
int ww_cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fill `out` with the AWS settings the global options carry (region,
 * endpoint, profile, CA bundle, plain-http permission); the session resolves
 * the rest from the environment and the shared files. */
void ww_cli_aws_args(ww_aws_args *out, const ww_global_opts *g);

/* Map an error code (common/error.h) to the process exit code. */
int ww_cli_exit_for(int err);

/* Subcommands: argc/argv start at the subcommand's name. */
typedef int (*ww_cmd_fn)(int argc, char **argv, ww_global_opts *g);
int cmd_validate(int argc, char **argv, ww_global_opts *g);
int cmd_schema(int argc, char **argv, ww_global_opts *g);
int cmd_tables(int argc, char **argv, ww_global_opts *g);
int cmd_plan(int argc, char **argv, ww_global_opts *g);
int cmd_import(int argc, char **argv, ww_global_opts *g);
int cmd_status(int argc, char **argv, ww_global_opts *g);
int cmd_version(int argc, char **argv, ww_global_opts *g);

#define WW_VERSION "0.1.0"

#endif
