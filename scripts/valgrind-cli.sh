#!/usr/bin/env bash
# Run the CLI's main commands under valgrind (memcheck) and fail on any
# memory error or definite/indirect leak:
#   validate (seeds, the frontend export, an invalid file), schema, --help,
#   --version, and against a local server it starts itself (dynalite, on a
#   free loopback port): plan, import (twice: create, then nothing to do),
#   status, and an import through the fault proxy (retries, partial
#   batches, dropped connections: the error paths).
# Each command must also end with the exit code it is meant to have.
#
#   scripts/valgrind-cli.sh [BINARY]      (default ./wwseed)
# Prints one line per command and "valgrind: N commands, N failed"; exit 1
# when any failed. Logs are kept in $VALGRIND_LOG_DIR (default a temp dir,
# printed) for failures.
set -uo pipefail
shopt -s extglob
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${1:-$root/wwseed}
command -v valgrind >/dev/null || { echo "valgrind-cli: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
[[ -x $bin ]] || { echo "valgrind-cli: no binary $bin (run make)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/wwseed-valgrind.XXXXXX")
logs=${VALGRIND_LOG_DIR:-$work/logs}
mkdir -p "$logs"
proxy_pid=
cleanup() {
  [[ -n $proxy_pid ]] && { kill -TERM "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; }
  [[ -f $work/ddb/pid ]] && scripts/local-ddb.sh stop "$work/ddb"
  [[ -z ${VALGRIND_LOG_DIR:-} ]] && ((failed == 0)) && rm -rf "$work"
}
failed=0 total=0
trap cleanup EXIT

# Keep the developer's AWS settings out; credentials for the local server only.
for v in $(compgen -e | grep -E '^(AWS_|WWSEED_TABLE_|WWSEED_LEDGER)'); do unset "$v"; done
export HOME=$work/home AWS_CONFIG_FILE=$work/home/.aws/config AWS_SHARED_CREDENTIALS_FILE=$work/home/.aws/credentials
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDVALGRIND AWS_SECRET_ACCESS_KEY=valgrind-secret-key AWS_REGION=us-east-1
mkdir -p "$HOME"

vg() { # vg NAME WANT_RC ARGS... (WANT_RC may be a pattern: "1|4")
  local name=$1 want=$2 rc; shift 2
  total=$((total + 1))
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --error-exitcode=99 --track-fds=no --log-file="$logs/$name.vg" "$bin" "$@" >"$logs/$name.out" 2>"$logs/$name.err"
  rc=$?
  if [[ $rc -eq 99 ]] || grep -q 'ERROR SUMMARY: [1-9]' "$logs/$name.vg" 2>/dev/null || [[ -s $logs/$name.vg ]]; then
    echo "FAIL $name: valgrind reported errors (exit $rc), log $logs/$name.vg"
    sed 's/^/    /' "$logs/$name.vg" | head -40
    failed=$((failed + 1))
  elif ! [[ $rc == @($want) ]]; then
    echo "FAIL $name: exit $rc, want $want"
    sed 's/^/    /' "$logs/$name.err" | head -10
    failed=$((failed + 1))
  else
    echo "ok   $name (exit $rc, no errors, no definite/indirect leaks)"
  fi
}

vg version 0 --version
vg help 0 --help
vg validate-seeds 0 validate seeds
vg validate-export 0 validate ../shared/game-data/frontend-export.json
printf '[{"id":"Bad Id","name":1}]\n' >"$work/prizes.json"
vg validate-invalid 3 validate "$work/prizes.json"
vg validate-json 3 validate --format json "$work/prizes.json"
vg schema 0 schema
vg usage 2 validate --no-such-option

# Against the local server.
endpoint=$(scripts/local-ddb.sh start "$work/ddb" --memory --createTableMs 20 --deleteTableMs 20 --updateTableMs 20) ||
  { echo "valgrind-cli: could not start the local server" >&2; exit 1; }
export WWSEED_TEST_ENDPOINT=$endpoint AWS_ENDPOINT_URL_DYNAMODB=$endpoint
T=$work ROOT=$root _failed=0
source tests/support/faultproxy_lib.sh
trap cleanup EXIT # faultproxy_lib sets its own; this script stops what it started
rel_create_tables vg
python3 tests/support/faultproxy_gen.py gen 200 "$work/defs" >/dev/null

start_proxy() { # start_proxy N OPTIONS...: sets proxy_url
  local n=$1; shift
  python3 tests/support/faultproxy.py --upstream "$endpoint" --port-file "$work/fp$n.port" --stats-file "$work/fp$n.stats" "$@" >"$work/fp$n.out" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 100); do [[ -s $work/fp$n.port ]] && break; sleep 0.05; done
  proxy_url=http://127.0.0.1:$(cat "$work/fp$n.port")
}
stop_proxy() { # prints what the proxy injected
  kill -TERM "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; proxy_pid=
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("     proxy: %d requests, faults %s" % (s["requests"], {k: v for k, v in s["faults"].items() if v}))' "$work"/fp*.stats
  rm -f "$work"/fp*.stats
}
not_built() { local o; o=$("$bin" "$1" --help 2>&1); [[ $o == *'not built yet'* ]]; }
for c in plan import status; do
  if not_built "$c"; then echo "skip $c: not built yet"; fi
done
if ! not_built plan; then
  vg plan-seeds 0 plan --stage vg seeds
  vg plan-synthetic 0 plan --stage vg "$work/defs"
  vg unreachable 5 plan --stage vg --endpoint-url http://127.0.0.1:9 seeds
fi
if ! not_built import; then
  vg import-create 0 import --stage vg "$work/defs" --report "$work/report1.json"
  vg import-again 0 import --stage vg "$work/defs" --report "$work/report2.json"
  vg import-seeds 0 import --stage vg seeds
  python3 tests/support/faultproxy_gen.py gen 200 "$work/defs-b" --variant b >/dev/null
  # through the fault proxy: every kind of fault, on the BatchWriteItem path
  # (--on-conflict overwrite), so retries, resends, CRC and transport errors run
  start_proxy 1 --seed 11 --throttle 0.2 --partial 0.2 --drop-after-forward 0.05 --error5xx 0.05 \
    --bad-crc 0.05 --truncate 0.02 --tables '^schratcho-vg-(prizes|scratchers|tickets|stores)$'
  vg import-faults 0 import --stage vg --on-conflict overwrite --endpoint-url "$proxy_url" "$work/defs-b"
  stop_proxy
  # every definition write throttled: the run gives up and reports (exit 1)
  start_proxy 2 --seed 12 --throttle 1 --ops PutItem,BatchWriteItem --tables '^schratcho-vg-(prizes|scratchers|tickets|stores)$'
  AWS_MAX_ATTEMPTS=2 vg import-exhausted 1 import --stage vg --max-attempts 2 --endpoint-url "$proxy_url" "$work/defs"
  stop_proxy
fi
if ! not_built status; then
  vg status 0 status --stage vg seeds
fi
echo "valgrind: $total commands, $failed failed"
((failed == 0))
