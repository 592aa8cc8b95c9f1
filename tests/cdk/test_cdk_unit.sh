#!/usr/bin/env bash
# The CDK app's own tests (infra-cdk/test/*.test.ts, node's test runner with
# aws-cdk-lib/assertions): runs `npm test` and turns each test of node's TAP
# output into one "ok - suite: test" line for the harness. A compile error or
# a crash with no test line counts as one failure.
. "$(dirname "$0")/../lib.sh"

# Compiled into this test run's own folder (shared with test_tables.sh, which
# synthesizes from it), so a concurrent build in infra-cdk/dist cannot pull
# files from under either; NODE_PATH finds infra-cdk's packages from there.
dist=${WWSEED_TEST_TMP:-$T}/cdk-dist
cd "$ROOT/infra-cdk" || exit 1
CDK_TEST_OUT=$dist NODE_PATH=$ROOT/infra-cdk/node_modules npm test >"$T/tap" 2>&1; rc=$?

# Top-level "# Subtest: NAME" opens a suite; its tests are indented 4 spaces.
awk '
  /^# Subtest: / { suite = substr($0, 12); next }
  /^    (not )?ok [0-9]+ - / {
    line = $0; sub(/^    /, "", line)
    status = (line ~ /^not ok/) ? "not ok" : "ok"
    sub(/^(not )?ok [0-9]+ - /, "", line)
    print status " - cdk: " suite ": " line
  }
' "$T/tap" >"$T/lines"
cat "$T/lines"

if grep -q '^not ok' "$T/lines"; then _failed=1; fi
if [[ $rc -ne 0 ]]; then
  if ! grep -q '^not ok' "$T/lines"; then
    not_ok "cdk: npm test exited $rc"
  fi
  # Show node's own report of what failed (assertion diffs, compile errors).
  grep -v -E '^\s+(duration_ms|\.\.\.|---)' "$T/tap" | grep -A25 -E 'not ok|error TS' | sed 's/^/#   /' | head -80
fi
if [[ ! -s $T/lines ]]; then not_ok "cdk: npm test reported no test"; fi
