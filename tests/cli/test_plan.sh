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

create_tables "$stage"
mkdir -p "$T/defs"
cp "$EXPORT" "$T/defs/export.json"
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
