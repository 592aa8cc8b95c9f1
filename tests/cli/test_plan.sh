#!/usr/bin/env bash
# wwseed plan and status from the command line: help, usage errors, the
# JSON plan, --detailed-exitcode, status without a ledger.
. "$WWSEED_ROOT/tests/lib.sh"
. "$WWSEED_ROOT/tests/integration/test_engine_setup.inc"
stage=clp$$

run "$WWSEED" plan --help
expect_rc 0 "plan --help"
expect_contains "$out" "--detailed-exitcode" "plan help lists its options"
run "$WWSEED" status --help
expect_rc 0 "status --help"
expect_contains "$out" "usage: wwseed status [<options>] [<path>...]" "status help"
run "$WWSEED" plan --output yaml
expect_rc 2 "plan --output yaml"
expect_eq "$err" "wwseed plan: invalid --output 'yaml': text or json
usage: wwseed plan [<options>] [<path>...]
Try 'wwseed plan --help' for more information." "plan usage error message"
run "$WWSEED" status --limit many
expect_rc 2 "status --limit many"
expect_contains "$err" "wwseed status: invalid --limit 'many': expected a non-negative integer" "status usage error message"

mkdir -p "$T/defs"
cp "$EXPORT" "$T/defs/export.json"

# Configuration errors: exit 2 (usage or configuration), one line, before
# any request; plain http to a non-loopback host is refused before connecting.
SECONDS=0
run "$WWSEED" plan --endpoint-url http://10.255.255.1:1 "$T/defs"
expect_rc 2 "plan to a plain-http non-loopback endpoint"
expect_eq "$err" 'wwseed: refusing plain http to "10.255.255.1": use https, or --allow-insecure-http' "the refusal is its own line, as docs/aws.md shows it"
if ((SECONDS <= 2)); then ok "the refusal is immediate (${SECONDS}s)"; else not_ok "the refusal took ${SECONDS}s"; fi
for cmd in import status; do
  run "$WWSEED" $cmd --endpoint-url http://10.255.255.1:1 "$T/defs"
  expect_rc 2 "$cmd to a plain-http non-loopback endpoint"
  expect_eq "$err" 'wwseed: refusing plain http to "10.255.255.1": use https, or --allow-insecure-http' "$cmd: the same refusal"
done
run "$WWSEED" tables verify --template "$ROOT/tests/fixtures/cfn/per-kind-dev.template.json" --endpoint-url http://10.255.255.1:1
expect_rc 2 "tables verify to a plain-http non-loopback endpoint"
expect_eq "$err" 'wwseed: refusing plain http to "10.255.255.1": use https, or --allow-insecure-http' "tables: the same refusal"
run "$WWSEED" plan --region 'us east 1' "$T/defs"
expect_rc 2 "plan with a malformed region"
expect_eq "$err" 'wwseed: invalid region "us east 1" from --region' "a malformed region names its source"
run "$WWSEED" plan --endpoint-url 'ftp://x' "$T/defs"
expect_rc 2 "plan with a malformed endpoint URL"
expect_eq "$err" 'wwseed: invalid endpoint URL "ftp://x" from --endpoint-url' "a malformed endpoint names its source"
run "$WWSEED" plan --ca-bundle "$T/no-such.pem" "$T/defs"
expect_rc 2 "plan with an unreadable CA bundle"
expect_eq "$err" "wwseed: cannot read CA bundle \"$T/no-such.pem\" from --ca-bundle: No such file or directory" "an unreadable CA bundle names its source"
printf '[default\nregion = us-east-1\n' >"$T/bad-config"
AWS_CONFIG_FILE="$T/bad-config" run "$WWSEED" plan "$T/defs"
expect_rc 2 "plan with an unparsable config file"
expect_contains "$err" "wwseed: cannot parse \"$T/bad-config\" line 1: no ']'" "an unparsable config file names the file and line"

create_tables "$stage"
run "$WWSEED" plan --stage "$stage" --output json "$T/defs"
expect_rc 0 "plan --output json"
expect_eq "$(python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); c=[x for x in r["changes"] if x["id"]=="classic"][0]; print(r["version"], r["layout"], r["summary"]["create"], c["kind"], c["action"], c["table"], c["wcu"] > 0)' <<<"$out")" \
  "1 per-kind 32 ticket create schratcho-$stage-tickets True" "the JSON plan: version, layout, summary, each change with its table and WCU"
run "$WWSEED" plan --stage "$stage" --detailed-exitcode "$T/defs"
expect_rc 2 "--detailed-exitcode: changes pending"
run "$WWSEED" import --stage "$stage" -q "$T/defs"
expect_rc 0 "import"
run "$WWSEED" plan --stage "$stage" --detailed-exitcode "$T/defs"
expect_rc 0 "--detailed-exitcode: no changes"
expect_contains "$out" "No changes: the tables match the definitions." "plan says no changes"
run "$WWSEED" plan --stage "$stage" --show-unchanged "$T/defs"
expect_contains "$out" "= unchanged store \"main-bazaar\"" "--show-unchanged lists every definition"

run "$WWSEED" status --stage "$stage" "$T/defs"
expect_rc 0 "status"
expect_contains "$out" "Runs in schratcho-$stage-wwseed-ledger (newest first):" "status names the ledger"
expect_contains "$out" "Plan: 0 to create, 0 to update, 0 to delete, 32 unchanged; 0 WCU" "status shows the plan summary"
mkdir -p "$T/bad"
echo '{"prizes": [{"id": "x"}]}' >"$T/bad/export.json"
run "$WWSEED" status --stage "$stage" "$T/bad"
expect_rc 3 "status with invalid definitions still shows the runs"
expect_contains "$out" " succeeded " "the runs are listed"
expect_contains "$out" "Definitions: not compared (" "and why the definitions were not compared"
