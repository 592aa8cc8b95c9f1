/*
 * Reading CloudFormation templates into table specs (migrate/template.c)
 * and comparing specs (the pure part of migrate/tables.c). The two
 * templates under tests/fixtures/cfn/ are what `cdk synth` wrote for
 * stage dev (per-kind) and prod (single-table); the rest are inline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "migrate/tables.h"
#include "migrate/template.h"

static char fixture_path[4096];

static const char *fixture(const char *name)
{
	const char *root = getenv("WWSEED_ROOT");

	snprintf(fixture_path, sizeof(fixture_path), "%s/tests/fixtures/cfn/%s", root ? root : ".",
		 name);
	return fixture_path;
}

static int parse(ww_template *t, const char *json, const char *stage)
{
	return ww_template_parse(t, "t.json", json, strlen(json), stage);
}

/* A template with one table whose Properties are `props`. */
static int parse_props(ww_template *t, const char *props, const char *stage)
{
	char doc[4096];

	snprintf(doc, sizeof(doc),
		 "{\"Parameters\":{\"Stage\":{\"Type\":\"String\"}},"
		 "\"Resources\":{\"T1\":{\"Type\":\"AWS::DynamoDB::Table\",\"Properties\":%s}}}",
		 props);
	return parse(t, doc, stage);
}

#define KEYS_ID                                                                \
	"\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"         \
	"\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}]"

static void test_template_per_kind_dev_tables(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;
	const char *names[] = { "schratcho-dev-prizes", "schratcho-dev-scratchers",
				"schratcho-dev-tickets", "schratcho-dev-stores" };
	size_t i;

	(void)state;
	assert_int_equal(ww_template_load(&t, fixture("per-kind-dev.template.json"), NULL), 0);
	assert_int_equal(t.n, 5);
	for (i = 0; i < 4; i++) {
		const ww_ddb_table *s = &t.tables[i].spec;
		assert_string_equal(s->name, names[i]);
		assert_string_equal(s->hash_key, "id");
		assert_null(s->range_key);
		assert_int_equal(s->nattrs, 1);
		assert_string_equal(s->attrs[0].name, "id");
		assert_int_equal(s->attrs[0].type, 'S');
		assert_int_equal(s->ngsis, 0);
		assert_int_equal(s->pay_per_request, 1);
		assert_int_equal(s->stream_enabled, 1);
		assert_string_equal(s->stream_view_type, "NEW_AND_OLD_IMAGES");
		assert_int_equal(s->sse_enabled, 1);
		assert_string_equal(s->sse_type, "KMS");
		assert_int_equal(s->pitr_enabled, 1);
		assert_null(s->ttl_attribute);
		assert_int_equal(s->deletion_protection, 0);
	}
	assert_string_equal(t.tables[0].logical_id, "TablesPrizesTable169B703D");
	assert_non_null(ww_template_find(&t, "schratcho-dev-wwseed-ledger"));
	assert_null(ww_template_find(&t, "schratcho-prod-prizes"));
	ww_template_release(&t);
	ww_template_release(&t);
}

static void test_template_ledger_has_sort_key_and_ttl(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;
	const ww_ddb_table *s;

	(void)state;
	assert_int_equal(ww_template_load(&t, fixture("per-kind-dev.template.json"), NULL), 0);
	s = &ww_template_find(&t, "schratcho-dev-wwseed-ledger")->spec;
	assert_string_equal(s->hash_key, "pk");
	assert_string_equal(s->range_key, "sk");
	assert_string_equal(s->ttl_attribute, "expiresAt");
	assert_int_equal(s->stream_enabled, 0);
	assert_int_equal(s->pitr_enabled, 1);
	ww_template_release(&t);
}

static void test_template_single_table_prod(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;
	const ww_ddb_table *s;

	(void)state;
	assert_int_equal(ww_template_load(&t, fixture("single-table-prod.template.json"), NULL), 0);
	assert_int_equal(t.n, 2);
	s = &t.tables[0].spec;
	assert_string_equal(s->name, "schratcho-prod-game-data");
	assert_string_equal(s->hash_key, "PK");
	assert_string_equal(s->range_key, "SK");
	assert_int_equal(s->nattrs, 4);
	assert_int_equal(s->ngsis, 1);
	assert_string_equal(s->gsis[0].name, "EntityTypeIndex");
	assert_string_equal(s->gsis[0].hash_key, "entityType");
	assert_string_equal(s->gsis[0].range_key, "createdAt");
	assert_string_equal(s->gsis[0].projection, "ALL");
	assert_int_equal(s->deletion_protection, 1);
	assert_string_equal(t.tables[1].spec.name, "schratcho-prod-wwseed-ledger");
	assert_int_equal(t.tables[1].spec.deletion_protection, 1);
	ww_template_release(&t);
}

static void test_template_missing_file_is_not_found(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;

	(void)state;
	assert_int_equal(ww_template_load(&t, "/nonexistent/x.json", NULL), WW_ENOTFOUND);
	assert_string_equal(ww_error_message(),
			    "cannot open template '/nonexistent/x.json': No such file or directory");
	assert_int_equal(t.n, 0);
}

static void test_template_not_a_template(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;

	(void)state;
	assert_int_equal(parse(&t, "[1,2]", NULL), WW_EINVALID);
	assert_string_equal(ww_error_message(), "template 't.json': not a JSON object");
	assert_int_equal(parse(&t, "{\"Outputs\":{}}", NULL), WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "template 't.json': no Resources: not a CloudFormation template");
	assert_int_equal(parse(&t, "{\"Resources\":{\"B\":{\"Type\":\"AWS::S3::Bucket\"}}}", NULL),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "template 't.json': declares no AWS::DynamoDB::Table");
}

static void test_template_join_name_needs_stage(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;
	const char *props = "{\"TableName\":{\"Fn::Join\":[\"-\",[\"schratcho\",{\"Ref\":\"Stage\"},"
			    "\"prizes\"]]},\"BillingMode\":\"PAY_PER_REQUEST\"," KEYS_ID "}";

	(void)state;
	assert_int_equal(parse_props(&t, props, NULL), WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "template 't.json': resource 'T1': TableName is not a literal string: "
			    "Fn::Join refers to parameter 'Stage'; pass --stage to resolve it");
	assert_int_equal(parse_props(&t, props, "qa"), 0);
	assert_string_equal(t.tables[0].spec.name, "schratcho-qa-prizes");
	ww_template_release(&t);
}

static void test_template_sub_name_with_stage(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;

	(void)state;
	assert_int_equal(parse_props(&t,
				     "{\"TableName\":{\"Fn::Sub\":\"schratcho-${Stage}-stores\"},"
				     "\"BillingMode\":\"PAY_PER_REQUEST\"," KEYS_ID "}",
				     "dev"),
			 0);
	assert_string_equal(t.tables[0].spec.name, "schratcho-dev-stores");
	ww_template_release(&t);
}

static void test_template_unresolvable_names(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;

	(void)state;
	assert_int_equal(parse_props(&t,
				     "{\"TableName\":{\"Fn::Join\":[\"-\",[\"x\",{\"Ref\":"
				     "\"AWS::StackName\"}]]}," KEYS_ID "}",
				     "dev"),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "template 't.json': resource 'T1': TableName is not a literal string: "
			    "Fn::Join refers to 'AWS::StackName', which is not a template parameter "
			    "and is only known when deployed");
	assert_int_equal(parse_props(&t, "{\"TableName\":{\"Fn::If\":[\"c\",\"a\",\"b\"]}," KEYS_ID "}",
				     "dev"),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(), "template 't.json': resource 'T1': TableName is "
						"Fn::If, not a literal string");
	assert_int_equal(parse_props(&t, "{\"BillingMode\":\"PAY_PER_REQUEST\"," KEYS_ID "}", NULL),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "template 't.json': resource 'T1': has no TableName: CloudFormation "
			    "would make one up at deployment; give the table a literal name");
}

static void test_template_defaults_and_cfn_strings(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;
	const ww_ddb_table *s;

	(void)state;
	/* No BillingMode: PROVISIONED, as CloudFormation defaults; booleans as strings. */
	assert_int_equal(parse_props(&t,
				     "{\"TableName\":\"abc\"," KEYS_ID ","
				     "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":\"5\","
				     "\"WriteCapacityUnits\":2},"
				     "\"DeletionProtectionEnabled\":\"true\","
				     "\"TimeToLiveSpecification\":{\"AttributeName\":\"ttl\","
				     "\"Enabled\":\"false\"},"
				     "\"SSESpecification\":{\"SSEEnabled\":false}}",
				     NULL),
			 0);
	s = &t.tables[0].spec;
	assert_int_equal(s->pay_per_request, 0);
	assert_int_equal(s->rcu, 5);
	assert_int_equal(s->wcu, 2);
	assert_int_equal(s->deletion_protection, 1);
	assert_null(s->ttl_attribute);
	assert_int_equal(s->sse_enabled, 0);
	assert_int_equal(s->pitr_enabled, 0);
	ww_template_release(&t);
}

static void test_template_rejects_bad_tables(void **state)
{
	ww_template t = WW_TEMPLATE_INIT;

	(void)state;
	assert_int_equal(parse_props(&t, "{\"TableName\":\"abc\"," KEYS_ID "}", NULL), WW_EINVALID);
	assert_string_equal(ww_error_message(), "template 't.json': resource 'T1': BillingMode is "
						"PROVISIONED but ProvisionedThroughput is missing");
	assert_int_equal(
		parse_props(&t,
			    "{\"TableName\":\"abc\",\"BillingMode\":\"PAY_PER_REQUEST\","
			    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
			    "\"AttributeDefinitions\":[{\"AttributeName\":\"other\",\"AttributeType\":\"S\"}]}",
			    NULL),
		WW_EINVALID);
	assert_string_equal(ww_error_message(), "template 't.json': resource 'T1': a key attribute "
						"is not in AttributeDefinitions");
	assert_int_equal(parse_props(&t,
				     "{\"TableName\":\"abc\",\"BillingMode\":\"PAY_PER_REQUEST\","
				     "\"SSESpecification\":{\"SSEEnabled\":true,\"KMSMasterKeyId\":"
				     "\"k\"}," KEYS_ID "}",
				     NULL),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(),
			    "template 't.json': resource 'T1': SSESpecification names a "
			    "KMSMasterKeyId: a customer managed key is not supported, only the AWS "
			    "managed key");
	assert_int_equal(parse(&t,
			       "{\"Resources\":{\"A\":{\"Type\":\"AWS::DynamoDB::Table\",\"Properties\":"
			       "{\"TableName\":\"abc\",\"BillingMode\":\"PAY_PER_REQUEST\"," KEYS_ID "}},"
			       "\"B\":{\"Type\":\"AWS::DynamoDB::Table\",\"Properties\":"
			       "{\"TableName\":\"abc\",\"BillingMode\":\"PAY_PER_REQUEST\"," KEYS_ID "}}}}",
			       NULL),
			 WW_EINVALID);
	assert_string_equal(ww_error_message(), "template 't.json': resource 'B': table 'abc' is "
						"declared twice (also by 'A')");
	assert_int_equal(t.n, 0);
}

/* ---- Comparing specs ---------------------------------------------- */

static void load_spec(ww_template *t, const char *file, const char *name)
{
	assert_int_equal(ww_template_load(t, fixture(file), NULL), 0);
	assert_non_null(ww_template_find(t, name));
}

/* The spec named `name`, to play the described table. */
static ww_ddb_table *spec_mut(ww_template *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->tables[i].spec.name, name))
			return &t->tables[i].spec;
	fail_msg("no table '%s'", name);
	return NULL;
}

static char *diff_lines(const ww_table_diffs *d)
{
	ww_buf b = WW_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++) {
		ww_table_diff_format(&b, &d->items[i]);
		ww_buf_putc(&b, '\n');
	}
	return ww_buf_detach(&b);
}

static void test_tables_diff_identical_is_empty(void **state)
{
	ww_template a = WW_TEMPLATE_INIT, b = WW_TEMPLATE_INIT;
	ww_table_diffs d = WW_TABLE_DIFFS_INIT;
	size_t i;

	(void)state;
	load_spec(&a, "per-kind-dev.template.json", "schratcho-dev-prizes");
	load_spec(&b, "per-kind-dev.template.json", "schratcho-dev-prizes");
	for (i = 0; i < a.n; i++)
		ww_table_diff_specs(&a.tables[i].spec, &b.tables[i].spec, 0, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(ww_table_diffs_count(&d), 0);
	ww_template_release(&a);
	ww_template_release(&b);
	ww_table_diffs_release(&d);
}

static void test_tables_diff_names_every_difference(void **state)
{
	ww_template a = WW_TEMPLATE_INIT, b = WW_TEMPLATE_INIT;
	ww_table_diffs d = WW_TABLE_DIFFS_INIT;
	ww_ddb_table *got;
	char *text;

	(void)state;
	load_spec(&a, "per-kind-dev.template.json", "schratcho-dev-wwseed-ledger");
	load_spec(&b, "per-kind-dev.template.json", "schratcho-dev-wwseed-ledger");
	/* The described ledger: other sort key type, provisioned, no SSE,
	 * a stream, protection, no TTL, no PITR. */
	got = spec_mut(&b, "schratcho-dev-wwseed-ledger");
	got->attrs[1].type = 'N';
	got->pay_per_request = 0;
	got->rcu = 5;
	got->wcu = 5;
	got->sse_enabled = 0;
	got->stream_enabled = 1;
	got->stream_view_type = strdup("KEYS_ONLY");
	got->deletion_protection = 1;
	free(got->ttl_attribute);
	got->ttl_attribute = NULL;
	got->pitr_enabled = 0;
	ww_table_diff_specs(&ww_template_find(&a, "schratcho-dev-wwseed-ledger")->spec, got, 0, &d);
	text = diff_lines(&d);
	assert_string_equal(text,
			    "schratcho-dev-wwseed-ledger: key schema: template HASH pk (S), RANGE sk (S), "
			    "table HASH pk (S), RANGE sk (N)\n"
			    "schratcho-dev-wwseed-ledger: billing mode: template PAY_PER_REQUEST, table "
			    "PROVISIONED (5 RCU, 5 WCU)\n"
			    "schratcho-dev-wwseed-ledger: encryption: template KMS (AWS managed key), "
			    "table AWS owned key\n"
			    "schratcho-dev-wwseed-ledger: stream: template disabled, table KEYS_ONLY\n"
			    "schratcho-dev-wwseed-ledger: deletion protection: template disabled, table "
			    "enabled\n"
			    "schratcho-dev-wwseed-ledger: time to live: template on 'expiresAt', table "
			    "disabled\n"
			    "schratcho-dev-wwseed-ledger: point-in-time recovery: template enabled, table "
			    "disabled\n");
	assert_int_equal(ww_table_diffs_count(&d), 7);
	free(text);
	ww_template_release(&a);
	ww_template_release(&b);
	ww_table_diffs_release(&d);
}

static void test_tables_diff_unsupported_are_notes(void **state)
{
	ww_template a = WW_TEMPLATE_INIT, b = WW_TEMPLATE_INIT;
	ww_table_diffs d = WW_TABLE_DIFFS_INIT;
	ww_ddb_table *got;
	char *text;

	(void)state;
	load_spec(&a, "per-kind-dev.template.json", "schratcho-dev-wwseed-ledger");
	load_spec(&b, "per-kind-dev.template.json", "schratcho-dev-wwseed-ledger");
	got = spec_mut(&b, "schratcho-dev-wwseed-ledger");
	got->sse_enabled = 0;
	free(got->ttl_attribute);
	got->ttl_attribute = NULL;
	got->pitr_enabled = 0;
	ww_table_diff_specs(&ww_template_find(&a, "schratcho-dev-wwseed-ledger")->spec, got,
			    WW_TABLE_NO_TTL | WW_TABLE_NO_PITR | WW_TABLE_NO_SSE, &d);
	text = diff_lines(&d);
	assert_string_equal(text,
			    "schratcho-dev-wwseed-ledger: encryption: not supported by the endpoint "
			    "(template KMS (AWS managed key))\n"
			    "schratcho-dev-wwseed-ledger: time to live: not supported by the endpoint "
			    "(template on 'expiresAt')\n"
			    "schratcho-dev-wwseed-ledger: point-in-time recovery: not supported by the "
			    "endpoint (template enabled)\n");
	assert_int_equal(d.n, 3);
	assert_int_equal(ww_table_diffs_count(&d), 0);
	free(text);
	ww_template_release(&a);
	ww_template_release(&b);
	ww_table_diffs_release(&d);
}

static void test_tables_diff_keys_and_indexes(void **state)
{
	ww_template a = WW_TEMPLATE_INIT, b = WW_TEMPLATE_INIT;
	ww_table_diffs d = WW_TABLE_DIFFS_INIT;
	ww_ddb_table *got;
	char *text;

	(void)state;
	load_spec(&a, "single-table-prod.template.json", "schratcho-prod-game-data");
	load_spec(&b, "single-table-prod.template.json", "schratcho-prod-game-data");
	got = spec_mut(&b, "schratcho-prod-game-data");
	free(got->range_key);
	got->range_key = NULL;
	free(got->gsis[0].projection);
	got->gsis[0].projection = strdup("KEYS_ONLY");
	free(got->gsis[0].name);
	got->gsis[0].name = strdup("ByType");
	ww_table_diff_keys(&ww_template_find(&a, "schratcho-prod-game-data")->spec, got, &d);
	assert_int_equal(d.n, 1);
	ww_table_diff_specs(&ww_template_find(&a, "schratcho-prod-game-data")->spec, got, 0, &d);
	text = diff_lines(&d);
	assert_string_equal(text,
			    "schratcho-prod-game-data: key schema: template HASH PK (S), RANGE SK (S), "
			    "table HASH PK (S)\n"
			    "schratcho-prod-game-data: key schema: template HASH PK (S), RANGE SK (S), "
			    "table HASH PK (S)\n"
			    "schratcho-prod-game-data: index 'EntityTypeIndex': template HASH entityType "
			    "(S), RANGE createdAt (S), projection ALL, table missing\n"
			    "schratcho-prod-game-data: index 'ByType': template none, table present\n");
	free(text);
	ww_template_release(&a);
	ww_template_release(&b);
	ww_table_diffs_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_per_kind_dev_tables),
		cmocka_unit_test(test_template_ledger_has_sort_key_and_ttl),
		cmocka_unit_test(test_template_single_table_prod),
		cmocka_unit_test(test_template_missing_file_is_not_found),
		cmocka_unit_test(test_template_not_a_template),
		cmocka_unit_test(test_template_join_name_needs_stage),
		cmocka_unit_test(test_template_sub_name_with_stage),
		cmocka_unit_test(test_template_unresolvable_names),
		cmocka_unit_test(test_template_defaults_and_cfn_strings),
		cmocka_unit_test(test_template_rejects_bad_tables),
		cmocka_unit_test(test_tables_diff_identical_is_empty),
		cmocka_unit_test(test_tables_diff_names_every_difference),
		cmocka_unit_test(test_tables_diff_unsupported_are_notes),
		cmocka_unit_test(test_tables_diff_keys_and_indexes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
