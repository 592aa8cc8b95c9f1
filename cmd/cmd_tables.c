/*
 * wwseed tables create|verify: the tables a synthesized CDK template
 * declares, created on the endpoint or compared with it. Arguments and
 * output only; migrate/template.c reads the template, migrate/tables.c
 * does the work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ddb.h"
#include "aws/session.h"
#include "cmd/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "migrate/tables.h"
#include "migrate/template.h"

static const char usage_line[] =
    "wwseed tables (create|verify) --template FILE [--stage NAME] [--wait-timeout SECONDS]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Create or verify the DynamoDB tables that a synthesized CloudFormation\n"
	       "template declares (infra-cdk: `make cdk-synth` writes\n"
	       "infra-cdk/cdk.out/Schratcho-<stage>.template.json).\n\n"
	       "Actions:\n"
	       "  create                   create the tables that do not exist, wait until each\n"
	       "                           is ACTIVE, then turn on TTL and point-in-time recovery\n"
	       "                           where the template asks; an existing table with the\n"
	       "                           same keys is left as it is\n"
	       "  verify                   compare the deployed tables with the template: keys,\n"
	       "                           billing, encryption, PITR, TTL, stream, indexes,\n"
	       "                           deletion protection; one line per difference\n\n"
	       "Options:\n"
	       "  --template FILE          the CloudFormation template (JSON)\n"
	       "  --stage NAME             resolves table names built from a Stage parameter\n"
	       "  --wait-timeout SECONDS   how long create waits for each table (default 300)\n\n"
	       "%s\n"
	       "Settings the endpoint cannot hold (a local server without TTL, PITR or\n"
	       "encryption) are reported as notes, \"not supported by the endpoint\".\n\n"
	       "Exit codes: 0 ok (verify: no difference), 1 a difference or a table with other\n"
	       "keys, 2 usage, 3 the template cannot be used, 4 AWS error, 5 network.\n",
	       usage_line, ww_global_opts_help);
}

enum { OPT_TEMPLATE = WW_OPT_FIRST_LOCAL, OPT_STAGE, OPT_WAIT };

/* Notes on settings the endpoint cannot hold, one line per setting and
 * template value, naming the tables: "note: point-in-time recovery (template
 * enabled): not supported by the endpoint; not <verb>: t1, t2". */
static void print_notes(const ww_table_diffs *d, const char *verb)
{
	ww_buf line = WW_BUF_INIT;
	unsigned char *done = ww_xcalloc(d->n ? d->n : 1, 1);
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		const ww_table_diff *a = &d->items[i];
		if (!a->unsupported || done[i])
			continue;
		ww_buf_clear(&line);
		ww_buf_printf(&line,
			      "note: %s (template %s): not supported by the endpoint; not %s: %s",
			      a->setting, a->want, verb, a->table);
		for (j = i + 1; j < d->n; j++) {
			const ww_table_diff *b = &d->items[j];
			if (b->unsupported && !done[j] && !strcmp(a->setting, b->setting) &&
			    !strcmp(a->want, b->want)) {
				ww_buf_printf(&line, ", %s", b->table);
				done[j] = 1;
			}
		}
		ww_log(WW_LOG_NORMAL, "%s", ww_buf_cstr(&line));
	}
	free(done);
	ww_buf_release(&line);
}

/* One line per difference on stdout (notes excluded). */
static void print_diffs(const ww_table_diffs *d)
{
	ww_buf line = WW_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->items[i].unsupported)
			continue;
		ww_buf_clear(&line);
		ww_table_diff_format(&line, &d->items[i]);
		printf("%s\n", ww_buf_cstr(&line));
	}
	ww_buf_release(&line);
}

static int do_create(ww_ddb *ddb, const ww_template *tpl, int wait_s, const char *file)
{
	ww_tables_result r = WW_TABLES_RESULT_INIT;
	ww_tables_opts o = {wait_s};
	size_t i;
	int rc;

	rc = ww_tables_create_all(ddb, tpl, &o, &r);
	for (i = 0; i < r.n; i++)
		if (r.tables[i].state != WW_TABLE_FAILED)
			printf("%-8s %s\n", ww_table_state_name(r.tables[i].state),
			       r.tables[i].table);
	fflush(stdout);
	/* Key conflicts are errors; other differences of tables that already
	 * existed are warnings (create changes no existing table). */
	for (i = 0; i < r.diffs.n; i++) {
		const ww_table_diff *d = &r.diffs.items[i];
		ww_buf line = WW_BUF_INIT;

		if (d->unsupported)
			continue;
		ww_table_diff_format(&line, d);
		if (!strcmp(d->setting, "key schema"))
			ww_log_error("%s", ww_buf_cstr(&line));
		else
			ww_log_warning("%s (create leaves existing tables as they are; see 'wwseed "
				       "tables verify')",
				       ww_buf_cstr(&line));
		ww_buf_release(&line);
	}
	print_notes(&r.diffs, "applied");
	for (i = 0; i < r.n; i++)
		if (r.tables[i].state == WW_TABLE_FAILED)
			ww_log_error("cannot create table '%s': %s", r.tables[i].table,
				     r.tables[i].error);
	if (rc == WW_ERROR)
		ww_log_error("%s", ww_error_message());
	else if (!rc)
		ww_log(WW_LOG_NORMAL, "%zu tables from '%s' are ACTIVE", r.n, file);
	ww_tables_result_release(&r);
	return rc;
}

static int do_verify(ww_ddb *ddb, const ww_template *tpl, const char *file)
{
	ww_table_diffs d = WW_TABLE_DIFFS_INIT;
	size_t n;
	int rc;

	rc = ww_tables_verify_all(ddb, tpl, &d);
	if (rc) {
		ww_log_error("%s", ww_error_message());
		goto done;
	}
	print_diffs(&d);
	fflush(stdout);
	print_notes(&d, "compared");
	n = ww_table_diffs_count(&d);
	if (n) {
		ww_log_error("%zu difference%s between the tables and '%s'", n, n == 1 ? "" : "s",
			     file);
		rc = WW_ERROR;
	} else {
		ww_log(WW_LOG_NORMAL, "%zu tables match '%s'", tpl->n, file);
	}
done:
	ww_table_diffs_release(&d);
	return rc;
}

int cmd_tables(int argc, char **argv, ww_global_opts *g)
{
	static const struct option longopts[] = {
	    {"template", required_argument, NULL, OPT_TEMPLATE},
	    {"stage", required_argument, NULL, OPT_STAGE},
	    {"wait-timeout", required_argument, NULL, OPT_WAIT},
	    WW_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0}};
	const char *action, *file = NULL, *stage = NULL;
	ww_template tpl = WW_TEMPLATE_INIT;
	ww_aws_session sess;
	ww_aws_args args;
	long wait_s = 0;
	char *end;
	int opt, rc, create;

	memset(&sess, 0, sizeof(sess));
	if (argc < 2)
		return ww_cli_usage_error("tables", usage_line,
					  "no action given; expected create or verify");
	action = argv[1];
	if (!strcmp(action, "--help") || !strcmp(action, "-h") || !strcmp(action, "help")) {
		help();
		return WW_EXIT_OK;
	}
	if (strcmp(action, "create") && strcmp(action, "verify"))
		return ww_cli_usage_error("tables", usage_line,
					  "unknown action '%s'; expected create or verify", action);
	create = !strcmp(action, "create");
	argc--;
	argv++;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:vqh", longopts, NULL)) != -1) {
		int r;
		switch (opt) {
		case OPT_TEMPLATE:
			file = optarg;
			continue;
		case OPT_STAGE:
			stage = optarg;
			continue;
		case OPT_WAIT:
			wait_s = strtol(optarg, &end, 10);
			if (!*optarg || *end || wait_s < 1 || wait_s > 86400)
				return ww_cli_usage_error(
				    "tables", usage_line,
				    "--wait-timeout must be 1 to 86400 seconds, not '%s'", optarg);
			continue;
		case ':':
			return ww_cli_usage_error("tables", usage_line, "option '%s' needs a value",
						  argv[optind - 1]);
		case '?':
			return ww_cli_usage_error("tables", usage_line, "unknown option '%s'",
						  argv[optind - 1]);
		}
		r = ww_cli_global_opt(g, opt, optarg);
		if (r < 0) {
			help();
			return WW_EXIT_OK;
		}
		if (r == 0)
			return ww_cli_usage_error("tables", usage_line, "unknown option '%s'",
						  argv[optind - 1]);
	}
	if (optind < argc)
		return ww_cli_usage_error("tables", usage_line, "unexpected argument '%s'",
					  argv[optind]);
	if (!file)
		return ww_cli_usage_error("tables", usage_line, "--template is required");
	if (!create && wait_s)
		return ww_cli_usage_error("tables", usage_line,
					  "--wait-timeout is for create only");

	rc = ww_template_load(&tpl, file, stage);
	if (rc) {
		ww_log_error("%s", ww_error_message());
		rc = rc == WW_ENOTFOUND ? WW_EXIT_INVALID : ww_cli_exit_for(rc);
		goto done;
	}
	ww_cli_aws_args(&args, g);
	if ((rc = ww_aws_session_open(&sess, &args))) {
		ww_log_error("%s", ww_error_message());
		rc = ww_cli_exit_for(rc);
		goto done;
	}
	rc =
	    create ? do_create(sess.ddb, &tpl, (int)wait_s, file) : do_verify(sess.ddb, &tpl, file);
	rc = rc == WW_ERROR ? WW_EXIT_FAILURE : ww_cli_exit_for(rc);
done:
	ww_aws_session_close(&sess);
	ww_template_release(&tpl);
	return rc;
}
