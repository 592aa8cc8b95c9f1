#ifndef WW_MIGRATE_TEMPLATE_H
#define WW_MIGRATE_TEMPLATE_H

#include <stddef.h>

#include "aws/ddb.h"

/*
 * The DynamoDB tables that a synthesized CloudFormation template declares
 * (`cdk synth` writes cdk.out/Schratcho-<stage>.template.json): every
 * AWS::DynamoDB::Table resource becomes a ww_ddb_table spec that
 * `wwseed tables create` sends and `wwseed tables verify` compares.
 *
 * Read from the resource's Properties: TableName, KeySchema,
 * AttributeDefinitions, GlobalSecondaryIndexes, BillingMode (absent means
 * PROVISIONED, as in CloudFormation) with ProvisionedThroughput,
 * StreamSpecification, SSESpecification (SSEEnabled true is KMS with the
 * AWS managed key), PointInTimeRecoverySpecification, TimeToLiveSpecification
 * and DeletionProtectionEnabled. Booleans may be JSON booleans or the
 * strings "true"/"false", as CloudFormation accepts.
 *
 * Table names must be literal: a name built with Fn::Join or Fn::Sub is
 * resolved only when its only reference is to a parameter whose name
 * contains "stage" (any case) and a stage was given; anything else is an
 * error that says which function and reference stand in the way.
 */
typedef struct {
	char *logical_id; /* the resource's key under Resources */
	ww_ddb_table spec;
} ww_template_table;

typedef struct {
	ww_template_table *tables; /* in the template's order */
	size_t n;
} ww_template;

#define WW_TEMPLATE_INIT                                                                           \
	{                                                                                          \
		NULL, 0                                                                            \
	}

/*
 * Parse a template's bytes (`file` names it in messages). `stage` (may be
 * NULL) resolves stage parameter references in table names. Returns 0, or
 * WW_EINVALID with the message set ("template 'F': resource 'R': ...") for
 * a document that is not a template, a table that cannot be read, or a
 * table with nothing to create; `out` is released first and left empty on
 * failure.
 */
int ww_template_parse(ww_template *out, const char *file, const char *data, size_t len,
		      const char *stage);

/* Read the file at `path` and parse it; WW_ENOTFOUND when it cannot be
 * opened. */
int ww_template_load(ww_template *out, const char *path, const char *stage);

/* The table named `name` (borrowed), or NULL. */
const ww_template_table *ww_template_find(const ww_template *t, const char *name);

/* Free everything; safe on WW_TEMPLATE_INIT and twice. */
void ww_template_release(ww_template *t);

#endif
