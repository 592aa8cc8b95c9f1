#!/usr/bin/env bash
# wwseed tables create|verify against the local server, on templates that the
# CDK app synthesizes here (once per layout), read back with the AWS CLI.
# Each case uses its own stage so its tables do not meet other tests'.
. "$(dirname "$0")/../lib.sh"
local_aws_env

s=tb$$          # per-kind
st=ts$$         # single-table
neg=tn$$        # conflicting tables made with the AWS CLI

# ---- synthesize (the CDK CLI reads the app's cloud assembly) ----------
# The app compiled once per test run (test_cdk_unit.sh does it first), into
# the run's own folder; NODE_PATH finds infra-cdk's packages from there.
cdk_dir=$ROOT/infra-cdk
dist=${WWSEED_TEST_TMP:-$T}/cdk-dist
export NODE_PATH=$cdk_dir/node_modules
if [[ ! -f $dist/bin/app.js ]]; then
  (cd "$cdk_dir" && node_modules/.bin/tsc -p . --outDir "$dist") >"$T/build.log" 2>&1 ||
    { not_ok "infra-cdk compiles"; sed 's/^/#   /' "$T/build.log"; exit 1; }
fi
synth() { # synth OUTDIR CONTEXT...: the CDK CLI runs the app and reads its cloud assembly
  local out=$1; shift
  local args=() c
  for c in "$@"; do args+=(-c "$c"); done
  (cd "$cdk_dir" && CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=true \
    node_modules/.bin/cdk synth --quiet --no-notices --app "node $dist/bin/app.js" -o "$out" "${args[@]}") >"$T/synth.log" 2>&1
}
run synth "$T/pk" stage=$s
expect_rc 0 "cdk synth per-kind"
[[ $rc -eq 0 ]] || sed 's/^/#   /' "$T/synth.log" | tail -20
tpl=$T/pk/Schratcho-$s.template.json
if [[ -f $tpl ]]; then ok "synth wrote Schratcho-$s.template.json"; else not_ok "synth wrote no template"; fi
run synth "$T/st" stage=$st layout=single-table
expect_rc 0 "cdk synth single-table"
tpl_st=$T/st/Schratcho-$st.template.json

kinds=(prizes scratchers tickets stores)

# ---- create, per-kind ------------------------------------------------
run "$WWSEED" tables create --template "$tpl"
expect_rc 0 "create per-kind"
expect_eq "$out" "$(printf 'created  schratcho-%s-%s\n' "$s" prizes "$s" scratchers "$s" tickets "$s" stores "$s" wwseed-ledger)" "create reports each table created"
expect_contains "$err" "5 tables from '$tpl' are ACTIVE" "create says the tables are ACTIVE"
expect_contains "$err" "note: point-in-time recovery (template enabled): not supported by the endpoint; not applied: schratcho-$s-prizes" "create notes PITR the local server cannot hold"
expect_contains "$err" "note: time to live (template on 'expiresAt'): not supported by the endpoint; not applied: schratcho-$s-wwseed-ledger" "create notes TTL the local server cannot hold"

# keys TABLE: "HASH-key KeyType ... attr type ..." as the AWS CLI describes it.
keys() { awsddb describe-table --table-name "$1" --query 'Table.[KeySchema[].[AttributeName,KeyType],AttributeDefinitions[].[AttributeName,AttributeType]]' --output text | tr '\t\n' ' ' | sed 's/ *$//'; }
# summary TABLE: keys, billing mode and status in one call.
summary() { awsddb describe-table --table-name "$1" --query 'Table.[TableStatus,BillingModeSummary.BillingMode,KeySchema[].[AttributeName,KeyType],AttributeDefinitions[].[AttributeName,AttributeType]]' --output text | tr '\t\n' ' ' | sed 's/ *$//'; }
# wait_for TABLE ACTIVE|GONE: poll quickly (the CLI's waiters sleep 20 s).
wait_for() {
  local i st
  for i in $(seq 1 100); do
    st=$(awsddb describe-table --table-name "$1" --query 'Table.TableStatus' --output text 2>/dev/null || echo GONE)
    [[ $st == "$2" ]] && return 0
    sleep 0.1
  done
  return 1
}
for k in "${kinds[@]}"; do
  expect_eq "$(summary "schratcho-$s-$k")" "ACTIVE PAY_PER_REQUEST id HASH id S" "aws cli: $k is ACTIVE, on-demand, partition key id (S) only"
done
expect_eq "$(summary "schratcho-$s-wwseed-ledger")" "ACTIVE PAY_PER_REQUEST pk HASH sk RANGE pk S sk S" "aws cli: ledger is ACTIVE, on-demand, pk (S) + sk (S)"

# ---- idempotent --------------------------------------------------------
run "$WWSEED" tables create --template "$tpl"
expect_rc 0 "create again"
expect_eq "$out" "$(printf 'exists   schratcho-%s-%s\n' "$s" prizes "$s" scratchers "$s" tickets "$s" stores "$s" wwseed-ledger)" "create again finds every table"
expect_not_contains "$err" "warning" "create again warns of no difference"

run "$WWSEED" tables verify --template "$tpl"
expect_rc 0 "verify per-kind"
expect_eq "$out" "" "verify prints no difference"
expect_contains "$err" "5 tables match '$tpl'" "verify says the tables match"
expect_contains "$err" "note: point-in-time recovery (template enabled): not supported by the endpoint; not compared:" "verify names what it could not compare"

# ---- single-table layout -------------------------------------------------
run "$WWSEED" tables create --template "$tpl_st" --wait-timeout 30
expect_rc 0 "create single-table"
expect_eq "$out" "$(printf 'created  schratcho-%s-%s\n' "$st" game-data "$st" wwseed-ledger)" "single-table: game-data and ledger created"
expect_eq "$(keys "schratcho-$st-game-data" | cut -d' ' -f1-4)" "PK HASH SK RANGE" "aws cli: game-data has PK + SK"
gsi=$(awsddb describe-table --table-name "schratcho-$st-game-data" --query 'Table.GlobalSecondaryIndexes[].[IndexName,KeySchema[0].AttributeName,KeySchema[0].KeyType,KeySchema[1].AttributeName,KeySchema[1].KeyType,Projection.ProjectionType]' --output text)
expect_eq "$gsi" "$(printf 'EntityTypeIndex\tentityType\tHASH\tcreatedAt\tRANGE\tALL')" "aws cli: EntityTypeIndex on entityType + createdAt, projection ALL"
run "$WWSEED" tables verify --template "$tpl_st"
expect_rc 0 "verify single-table"

# ---- a table with other keys --------------------------------------------
sed "s/schratcho-$s-/schratcho-$neg-/g" "$tpl" >"$T/neg.json"
awsddb create-table --table-name "schratcho-$neg-prizes" --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH >/dev/null
wait_for "schratcho-$neg-prizes" ACTIVE || not_ok "aws cli: the conflicting table became ACTIVE"
run "$WWSEED" tables create --template "$T/neg.json"
expect_rc 1 "create refuses a table with other keys"
expect_contains "$err" "wwseed: schratcho-$neg-prizes: key schema: template HASH id (S), table HASH pk (S)" "create names the key difference"
expect_contains "$err" "wwseed: table 'schratcho-$neg-prizes' exists with another key schema" "create's last word names the table"
expect_contains "$out" "conflict schratcho-$neg-prizes" "create reports the conflict"
expect_contains "$out" "created  schratcho-$neg-stores" "create still creates the other tables"
expect_eq "$(keys "schratcho-$neg-prizes")" "pk HASH pk S" "aws cli: the conflicting table is left alone"

run "$WWSEED" tables verify --template "$T/neg.json"
expect_rc 1 "verify fails on the key difference"
expect_eq "$out" "schratcho-$neg-prizes: key schema: template HASH id (S), table HASH pk (S)" "verify prints exactly the difference"
expect_contains "$err" "wwseed: 1 difference between the tables and '$T/neg.json'" "verify counts the differences"

awsddb delete-table --table-name "schratcho-$neg-stores" >/dev/null
wait_for "schratcho-$neg-stores" GONE || not_ok "aws cli: the table was deleted"
run "$WWSEED" tables verify --template "$T/neg.json"
expect_rc 1 "verify fails on a missing table"
expect_contains "$out" "schratcho-$neg-stores: table: template declared, table missing" "verify names the missing table"

# ---- names that are not literal ------------------------------------------
cat >"$T/join.json" <<JSON
{"Parameters": {"Stage": {"Type": "String"}},
 "Resources": {"Things": {"Type": "AWS::DynamoDB::Table", "Properties": {
   "TableName": {"Fn::Join": ["-", ["schratcho", {"Ref": "Stage"}, "things"]]},
   "BillingMode": "PAY_PER_REQUEST",
   "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
   "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}}}}
JSON
run "$WWSEED" tables create --template "$T/join.json"
expect_rc 3 "a name built from the Stage parameter needs --stage"
expect_eq "$err" "wwseed: template '$T/join.json': resource 'Things': TableName is not a literal string: Fn::Join refers to parameter 'Stage'; pass --stage to resolve it" "the message says why and what to do"
run "$WWSEED" tables create --template "$T/join.json" --stage "$neg"
expect_rc 0 "--stage resolves the name"
expect_eq "$out" "created  schratcho-$neg-things" "the resolved table is created"

# ---- usage -------------------------------------------------------------
run "$WWSEED" tables create
expect_rc 2 "create without --template"
expect_contains "$err" "wwseed tables: --template is required" "usage names the missing option"
run "$WWSEED" tables drop --template "$tpl"
expect_rc 2 "unknown action"
run "$WWSEED" tables verify --template "$T/nope.json"
expect_rc 3 "missing template file"
expect_eq "$err" "wwseed: cannot open template '$T/nope.json': No such file or directory" "missing template message"
