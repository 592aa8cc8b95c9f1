#!/usr/bin/env bash
# The test harness behind `make test`: runs the groups named on the command
# line (unit cli integration cdk fuzz, or all), each test program or script
# with a clean AWS environment and its own HOME, and prints one closing line
# "N passed, N failed". Integration and CLI tests get a local DynamoDB-
# compatible server (dynalite) that this script starts on a free loopback port
# and stops by pid when it exits, whatever happens.
#
# Test programs report in cmocka's format; test scripts print TAP lines
# ("ok - what", "not ok - what") through tests/lib.sh. A program that crashes
# or exits non-zero without reporting a failure counts as one failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
export BUILD
export WWSEED_BIN=$root/${WWSEED_BIN_REL:-$([[ $BUILD == build ]] && echo wwseed || echo "$BUILD/wwseed")}
export WWSEED_ROOT=$root
groups=("$@")
[[ ${#groups[@]} -eq 0 || ${groups[0]} == all ]] && groups=(unit cli integration cdk fuzz)

work=$(mktemp -d "${TMPDIR:-/tmp}/wwseed-test.XXXXXX")
export WWSEED_TEST_TMP=$work
server_state=$work/ddb
cleanup() {
  [[ -f $server_state/pid ]] && scripts/local-ddb.sh stop "$server_state"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0
failures=()

# Strip every AWS_ variable so the developer's own credentials, profile or
# endpoint never reach a test; tests set what they need.
clean_env() {
  local v
  for v in $(compgen -e | grep -E '^(AWS_|WWSEED_TABLE_|WWSEED_LEDGER)'); do unset "$v"; done
}

need_server() {
  [[ -f $server_state/endpoint ]] && return 0
  scripts/local-ddb.sh start "$server_state" --memory --createTableMs 50 --deleteTableMs 50 --updateTableMs 50 >/dev/null ||
    { echo "run-tests: could not start the local server" >&2; exit 1; }
}

run_one() { # run_one NAME COMMAND...
  local name=$1; shift
  local out=$work/out.$$ rc p f t0=$SECONDS
  local home=$work/home; rm -rf "$home"; mkdir -p "$home"
  ( clean_env
    export HOME=$home AWS_CONFIG_FILE=$home/.aws/config AWS_SHARED_CREDENTIALS_FILE=$home/.aws/credentials AWS_EC2_METADATA_DISABLED=true
    if [[ -f $server_state/endpoint ]]; then
      export WWSEED_TEST_ENDPOINT; WWSEED_TEST_ENDPOINT=$(cat "$server_state/endpoint")
    fi
    exec timeout "${WWSEED_TEST_TIMEOUT:-600}" "$@" ) >"$out" 2>&1
  rc=$?
  # cmocka: "[  PASSED  ] 3 test(s)." / "[  FAILED  ] 1 test(s), listed below:"
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
  # TAP lines from shell tests
  p=$((p + $(grep -c '^ok ' "$out")))
  f=$((f + $(grep -c '^not ok ' "$out")))
  if ((rc != 0 && f == 0)); then f=1; fi
  if ((f > 0)) || ((rc != 0)); then
    echo "FAIL $name (exit $rc, $((SECONDS - t0))s)"
    sed 's/^/    /' "$out" | tail -n 60
    failures+=("$name")
  else
    echo "ok   $name ($p, $((SECONDS - t0))s)"
  fi
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$out"
}

for g in "${groups[@]}"; do
  echo "== $g"
  case $g in
  unit)
    for t in $(find "$BUILD/tests/unit" -type f -perm -u+x -name 'test_*' 2>/dev/null | sort); do
      run_one "${t#"$BUILD"/tests/}" "$t"
    done ;;
  cli)
    need_server
    for t in tests/cli/test_*.sh; do [[ -f $t ]] && run_one "$t" bash "$t"; done ;;
  integration)
    need_server
    for t in $(find "$BUILD/tests/integration" -type f -perm -u+x -name 'test_*' 2>/dev/null | sort) tests/integration/test_*.sh; do
      [[ -f $t ]] || continue
      case $t in *.sh) run_one "$t" bash "$t" ;; *) run_one "${t#"$BUILD"/tests/}" "$t" ;; esac
    done ;;
  cdk)
    if [[ -f infra-cdk/package.json ]]; then
      need_server
      for t in tests/cdk/test_*.sh; do [[ -f $t ]] && run_one "$t" bash "$t"; done
    fi ;;
  fuzz)
    for t in tests/fuzz/smoke_*.sh; do [[ -f $t ]] && run_one "$t" bash "$t"; done ;;
  *) echo "run-tests: unknown group '$g'" >&2; exit 2 ;;
  esac
done

echo
if ((${#failures[@]})); then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
((failed == 0))
