/* wwseed import: plan, then write the creates and updates (and, with
 * --prune, delete orphans) under the import lock, recording the run. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "aws/session.h"
#include "cmd/cli.h"
#include "common/error.h"
#include "common/log.h"
#include "migrate/engine.h"
#include "migrate/options.h"

static const char usage_line[] = "wwseed import [<options>] [<path>...]";

enum {
	OPT_CONCURRENCY = WW_EOPT_LOCAL_BASE,
	OPT_MAX_WCU,
	OPT_MAX_ATTEMPTS,
	OPT_ON_CONFLICT,
	OPT_DRY_RUN,
	OPT_LOCK_LEASE,
	OPT_LOCK_TIMEOUT,
	OPT_FORCE_UNLOCK,
	OPT_REPORT,
	OPT_OUTPUT
};

/* cmd_plan.c: plan and print (import --dry-run). */
int ww_cmd_plan_run(ww_engine_args *a, ww_global_opts *g, int json, int detailed);

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s\n\n"
		"Validate the definitions (default seeds/), plan, and write only what changed:\n"
		"creates and updates (and with --prune, deletes of orphaned items wwseed wrote).\n"
		"Any invalid definition means nothing is written. A second run of the same\n"
		"definitions writes nothing.\n\n"
		"  --concurrency N          batches in flight (default 4)\n"
		"  --max-wcu N              cap the write rate at N WCU a second (default no cap)\n"
		"  --max-attempts N         sends of an unprocessed write (default 8)\n"
		"  --on-conflict MODE       fail (default), skip or overwrite items changed since\n"
		"                           plan read them\n"
		"  --dry-run                plan only (same as 'wwseed plan')\n"
		"  --lock-lease SECONDS     lease of the import lock, renewed while running (60)\n"
		"  --lock-timeout SECONDS   wait this long for another import's lock (30)\n"
		"  --force-unlock           remove the import lock first (a dead run's)\n"
		"  --report FILE            write the JSON report (docs/cli.md, \"Report file\")\n"
		"  -o, --output FMT         with --dry-run: text or json\n\n%s\n%s",
		usage_line, ww_engine_opts_help, ww_global_opts_help);
}

static int run_import(ww_engine_args *a, ww_global_opts *g, ww_import_opts *io)
{
	ww_engine e = WW_ENGINE_INIT;
	ww_aws_session s;
	ww_aws_args args;
	struct sigaction sa, old;
	int rc, exit_code, handler = 0;

	memset(&s, 0, sizeof(s));
	a->eo.color = g->color && ww_log_is_tty();
	if ((rc = ww_engine_prepare(&e, &a->eo)) < 0)
		goto done;
	ww_cli_aws_args(&args, g);
	if ((rc = ww_aws_session_open(&s, &args)) < 0)
		goto done;
	/* Ctrl-C once: finish the batches in flight and record the run; the
	 * handler resets itself, so a second Ctrl-C stops at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	handler = sigaction(SIGINT, &sa, &old) == 0;
	io->stop = &interrupted;
	io->progress = !g->quiet && ww_log_is_tty();
	rc = ww_engine_import(&e, s.ddb, &a->eo, io);
done:
	if (rc < 0) {
		ww_log_error("%s", ww_error_message());
		/* Conflicts and unwritten items are listed above: exit 1. */
		exit_code = rc == WW_ECONFLICT ? WW_EXIT_FAILURE : ww_cli_exit_for(rc);
	} else {
		exit_code = WW_EXIT_OK;
	}
	if (handler)
		sigaction(SIGINT, &old, NULL);
	ww_aws_session_close(&s);
	ww_engine_release(&e);
	return exit_code;
}

int cmd_import(int argc, char **argv, ww_global_opts *g)
{
	static const struct option longopts[] = {
	    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
	    {"max-wcu", required_argument, NULL, OPT_MAX_WCU},
	    {"max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS},
	    {"on-conflict", required_argument, NULL, OPT_ON_CONFLICT},
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"lock-lease", required_argument, NULL, OPT_LOCK_LEASE},
	    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	    {"force-unlock", no_argument, NULL, OPT_FORCE_UNLOCK},
	    {"report", required_argument, NULL, OPT_REPORT},
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    WW_ENGINE_LONGOPTS,
	    WW_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0}};
	ww_engine_args a;
	ww_import_opts io;
	int opt, r, dry_run = 0, json = 0, exit_code, mode;

	memset(&a, 0, sizeof(a));
	memset(&io, 0, sizeof(io));
	io.lock_lease_s = 60;
	io.lock_timeout_s = 30;
	io.version = WW_VERSION;
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
		r = ww_engine_opt(&a, opt, optarg);
		if (r == 0) {
			r = 1;
			switch (opt) {
			case OPT_CONCURRENCY:
				r = ww_engine_parse_int("--concurrency", optarg,
							&io.apply.concurrency);
				if (r == 0 && io.apply.concurrency == 0)
					r = ww_error_set(WW_EINVALID,
							 "invalid --concurrency '0': at least 1");
				break;
			case OPT_MAX_WCU:
				r = ww_engine_parse_double("--max-wcu", optarg, &io.apply.max_wcu);
				break;
			case OPT_MAX_ATTEMPTS:
				r = ww_engine_parse_int("--max-attempts", optarg,
							&io.apply.max_attempts);
				break;
			case OPT_ON_CONFLICT:
				if ((mode = ww_on_conflict_parse(optarg)) < 0)
					r = ww_error_set(
					    WW_EINVALID,
					    "invalid --on-conflict '%s': fail, skip or overwrite",
					    optarg);
				else
					io.apply.on_conflict = (ww_on_conflict)mode;
				break;
			case OPT_DRY_RUN:
				dry_run = 1;
				break;
			case OPT_LOCK_LEASE:
				r = ww_engine_parse_int("--lock-lease", optarg, &io.lock_lease_s);
				if (r == 0 && io.lock_lease_s == 0)
					r = ww_error_set(
					    WW_EINVALID,
					    "invalid --lock-lease '0': at least 1 second");
				break;
			case OPT_LOCK_TIMEOUT:
				r = ww_engine_parse_int("--lock-timeout", optarg,
							&io.lock_timeout_s);
				break;
			case OPT_FORCE_UNLOCK:
				io.force_unlock = 1;
				break;
			case OPT_REPORT:
				io.report_file = optarg;
				break;
			case 'o':
			case OPT_OUTPUT:
				if (strcmp(optarg, "text") && strcmp(optarg, "json"))
					r = ww_error_set(WW_EINVALID,
							 "invalid --output '%s': text or json",
							 optarg);
				json = !strcmp(optarg, "json");
				break;
			case ':':
				ww_error_set(WW_EINVALID, "option '%s' needs a value",
					     argv[optind - 1]);
				r = WW_EINVALID;
				break;
			default:
				ww_error_set(WW_EINVALID, "unknown option '%s'", argv[optind - 1]);
				r = WW_EINVALID;
				break;
			}
		}
		if (r < 0) {
			exit_code =
			    ww_cli_usage_error("import", usage_line, "%s", ww_error_message());
			ww_engine_args_release(&a);
			return exit_code;
		}
	}
	ww_engine_args_finish(&a, argc, argv, optind);
	if (dry_run)
		exit_code = ww_cmd_plan_run(&a, g, json, 0);
	else
		exit_code = run_import(&a, g, &io);
	ww_engine_args_release(&a);
	return exit_code;
}
