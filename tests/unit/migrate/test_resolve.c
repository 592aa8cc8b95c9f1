#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "migrate/resolve.h"

static int setup(void **state)
{
	(void)state;
	unsetenv("WWSEED_TABLE_PRIZES");
	unsetenv("WWSEED_TABLE_TICKETS");
	unsetenv("WWSEED_TABLE_LEDGER");
	unsetenv("WWSEED_TABLE_GAME_DATA");
	return 0;
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/wwseed-resolve-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void test_resolve_stage_convention(void **state)
{
	ww_tables t = { 0 };
	ww_resolve_opts o = { 0 };

	(void)state;
	assert_int_equal(ww_tables_resolve(&t, &o), 0);
	assert_string_equal(t.name[WW_TABLE_PRIZES], "schratcho-dev-prizes");
	assert_string_equal(t.name[WW_TABLE_LEDGER], "schratcho-dev-wwseed-ledger");
	assert_string_equal(t.name[WW_TABLE_GAME_DATA], "schratcho-dev-game-data");
	assert_string_equal(t.source[WW_TABLE_PRIZES], "stage 'dev'");
	o.stage = "";
	assert_int_equal(ww_tables_resolve(&t, &o), 0);
	assert_string_equal(t.name[WW_TABLE_GAME_DATA], "schratcho-game-data");
	o.stage = "qa7";
	assert_int_equal(ww_tables_resolve(&t, &o), 0);
	assert_string_equal(t.name[WW_TABLE_STORES], "schratcho-qa7-stores");
	ww_tables_release(&t);
	ww_tables_release(&t);
}

static void test_resolve_order_flag_env_outputs_stage(void **state)
{
	const char *flags[] = { "prizes=from-flag" };
	char *outputs = write_tmp("{\"Schratcho-dev\":{\"PrizesTableName\":\"p-out\",\"TicketsTableName\":\"t-out\","
				  "\"StoresTableName\":\"s-out\"},\"Other\":{\"StoresTableName\":\"nope\"}}");
	ww_tables t = { 0 };
	ww_resolve_opts o = { flags, 1, outputs, NULL };

	(void)state;
	setenv("WWSEED_TABLE_PRIZES", "p-env", 1);
	setenv("WWSEED_TABLE_TICKETS", "t-env", 1);
	assert_int_equal(ww_tables_resolve(&t, &o), 0);
	assert_string_equal(t.name[WW_TABLE_PRIZES], "from-flag");
	assert_string_equal(t.source[WW_TABLE_PRIZES], "--table");
	assert_string_equal(t.name[WW_TABLE_TICKETS], "t-env");
	assert_string_equal(t.source[WW_TABLE_TICKETS], "WWSEED_TABLE_TICKETS");
	assert_string_equal(t.name[WW_TABLE_STORES], "s-out");
	assert_string_equal(t.name[WW_TABLE_SCRATCHERS], "schratcho-dev-scratchers");
	assert_string_equal(ww_tables_name(&t, "stores"), "s-out");
	assert_null(ww_tables_name(&t, "users"));
	ww_tables_release(&t);
	unlink(outputs);
	free(outputs);
	setup(NULL);
}

static void test_resolve_error_lists_what_was_tried(void **state)
{
	ww_tables t = { 0 };
	ww_resolve_opts o = { 0 };
	ww_buf msg = WW_BUF_INIT;

	(void)state;
	o.stage = "x";
	assert_int_equal(ww_tables_resolve(&t, &o), 0);
	ww_tables_describe(&msg, &t, WW_TABLE_SCRATCHERS);
	assert_string_equal(ww_buf_cstr(&msg),
			    "table 'schratcho-x-scratchers' for scratchers (from stage 'x') does not exist; tried: "
			    "--table scratchers=NAME: not given; WWSEED_TABLE_SCRATCHERS: not set; "
			    "--cdk-outputs: not given; stage 'x'");
	ww_buf_release(&msg);
	ww_tables_release(&t);
}

static void test_resolve_bad_flag_and_file(void **state)
{
	const char *bad[] = { "users=x" };
	const char *noeq[] = { "prizes" };
	ww_tables t = { 0 };
	ww_resolve_opts o = { bad, 1, NULL, NULL };

	(void)state;
	assert_int_equal(ww_tables_resolve(&t, &o), WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "invalid --table 'users=x': unknown kind 'users' (prizes, scratchers, tickets, stores, ledger, game-data)");
	o.overrides = noeq;
	assert_int_equal(ww_tables_resolve(&t, &o), WW_EINVALID);
	assert_string_equal(ww_error_message(), "invalid --table 'prizes': expected KIND=NAME");
	o.noverrides = 0;
	o.cdk_outputs = "/nonexistent/outputs.json";
	assert_int_equal(ww_tables_resolve(&t, &o), WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "cannot read CDK outputs file '/nonexistent/outputs.json': No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resolve_stage_convention, setup),
		cmocka_unit_test_setup(test_resolve_order_flag_env_outputs_stage, setup),
		cmocka_unit_test_setup(test_resolve_error_lists_what_was_tried, setup),
		cmocka_unit_test_setup(test_resolve_bad_flag_and_file, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
