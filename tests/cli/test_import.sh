#!/usr/bin/env bash
# wwseed import from the command line: help, usage errors (exit 2 and the
# exact message), invalid definitions (exit 3, nothing written), --dry-run.
. "$WWSEED_ROOT/tests/lib.sh"
. "$WWSEED_ROOT/tests/integration/test_engine_setup.inc"
stage=cli$$

run "$WWSEED" import --help
expect_rc 0 "import --help"
expect_contains "$out" "usage: wwseed import [<options>] [<path>...]" "help on stdout"
expect_contains "$out" "--on-conflict MODE" "help lists the import options"
expect_contains "$out" "--cdk-outputs FILE" "help lists the table options"

usage_error() { # usage_error WANT-FIRST-LINE ARGS...
  local want=$1; shift
  run "$WWSEED" import "$@"
  expect_rc 2 "import $*"
  expect_eq "$err" "$want
usage: wwseed import [<options>] [<path>...]
Try 'wwseed import --help' for more information." "import $*: message"
}
usage_error "wwseed import: invalid --on-conflict 'maybe': fail, skip or overwrite" --on-conflict maybe
usage_error "wwseed import: invalid --concurrency '0': at least 1" --concurrency 0
usage_error "wwseed import: invalid --max-wcu 'fast': expected a non-negative number" --max-wcu fast
usage_error "wwseed import: invalid --lock-timeout '-1': expected a non-negative integer" --lock-timeout -1
usage_error "wwseed import: invalid --layout 'two-table': per-kind or single-table" --layout two-table
usage_error "wwseed import: invalid --table 'users=x': unknown kind 'users' (prizes, scratchers, tickets, stores, ledger, game-data)" --table users=x
usage_error "wwseed import: option '--report' needs a value" --report
usage_error "wwseed import: unknown option '--bogus'" --bogus

# Invalid definitions: exit 3, the diagnostic, nothing written.
create_tables "$stage"
mkdir -p "$T/bad"
cp "$EXPORT" "$T/bad/export.json"
edit_defs "$T/bad/export.json" 'd["tickets"][0]["prizeConfigs"][0]["prizeId"] = "no-such-prize"'
run "$WWSEED" import --stage "$stage" "$T/bad"
expect_rc 3 "import of invalid definitions"
expect_contains "$err" "error[ref-prize]: prize 'no-such-prize' does not exist" "the diagnostic is printed"
expect_contains "$err" "wwseed: 1 error in the definitions; nothing was written" "the closing message"
expect_eq "$(awsddb scan --table-name "schratcho-$stage-prizes" --select COUNT --query Count --output text)" "0" "nothing was written"
run "$WWSEED" import --stage "$stage" --format json "$T/bad"
expect_rc 3 "import --format json of invalid definitions"
expect_contains "$err" '"code":"ref-prize"' "diagnostics in the chosen format"

# --dry-run is plan: nothing written, nothing recorded.
mkdir -p "$T/good"
cp "$EXPORT" "$T/good/export.json"
run "$WWSEED" import --stage "$stage" --dry-run "$T/good"
expect_rc 0 "import --dry-run"
expect_contains "$out" "Plan: 32 to create, 0 to update, 0 to delete, 0 unchanged; " "--dry-run prints the plan"
run "$WWSEED" import --stage "$stage" --dry-run --output json "$T/good"
expect_eq "$(python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r["version"], r["summary"]["create"], r["changes"][0]["action"])' <<<"$out")" "1 32 create" "--dry-run --output json"
expect_eq "$(awsddb scan --table-name "schratcho-$stage-wwseed-ledger" --select COUNT --query Count --output text)" "0" "--dry-run wrote nothing, not even the ledger"
