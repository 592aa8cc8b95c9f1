#!/usr/bin/env bash
# No secret leaves wwseed: with a recognisable secret key and session token
# in the environment, validate, plan, import (with --debug and --verbose and
# a --report file) and status print neither, nor any SigV4 signature, on
# stdout or stderr, in the report, or in the ledger (scanned with the AWS
# CLI). Plain http:// to a non-loopback host is refused before any
# connection unless --allow-insecure-http (checked with strace inside a
# network namespace that has no route anywhere, so no packet can leave even
# if the refusal broke). A credentials file readable by others is warned
# about.
source "$WWSEED_ROOT/tests/lib.sh"
source "$ROOT/tests/support/faultproxy_lib.sh"

STAGE=sec$$
SECRET='wwSeedCanarySecret/Key+0123456789abcdefGHIJ'
TOKEN='IQoJb3JpZ2luX2VjECanarySessionToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ+/=='
export AWS_ACCESS_KEY_ID=ASIACANARYKEYID00001 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_DYNAMODB=$WWSEED_TEST_ENDPOINT
rel_create_tables "$STAGE"
python3 "$ROOT/tests/support/faultproxy_gen.py" gen 60 "$T/defs" >/dev/null

# leak_check WHAT FILE...: none of the files holds the key, the token, a
# recognisable piece of either, or a signature value
leak_check() {
  local what=$1 f hits=""; shift
  for f in "$@"; do
    [[ -f $f ]] || continue
    grep -qF -- "$SECRET" "$f" && hits+=" secret-key:$(basename "$f")"
    grep -qF -- "${SECRET:6:16}" "$f" && hits+=" secret-key-part:$(basename "$f")"
    grep -qF -- "$TOKEN" "$f" && hits+=" token:$(basename "$f")"
    grep -qF -- "${TOKEN:20:24}" "$f" && hits+=" token-part:$(basename "$f")"
    grep -qE -- 'Signature=[^*[:space:],"]' "$f" && hits+=" signature:$(basename "$f")"
  done
  if [[ -z $hits ]]; then ok "$what: no secret key, session token or signature"; else not_ok "$what: found$hits"; fi
}

# step NAME WANT_RC ARGS...: run wwseed, keep stdout/stderr in $T/NAME.{out,err}
step() {
  local name=$1 want=$2; shift 2
  "$WWSEED" "$@" >"$T/$name.out" 2>"$T/$name.err"; rc=$?
  err=$(cat "$T/$name.err")
  expect_rc "$want" "$name runs"
  leak_check "$name stdout+stderr" "$T/$name.out" "$T/$name.err"
}

step validate 0 validate --debug --verbose "$T/defs"
step plan 0 plan --stage "$STAGE" --debug --verbose "$T/defs"
# the debug log really shows requests (else the check above proves nothing)
expect_contains "$(cat "$T/plan.err")" "Scan" "plan --debug logs the requests it redacts"
step import 0 import --stage "$STAGE" --debug --verbose --report "$T/report.json" "$T/defs"
expect_contains "$(cat "$T/import.err")" "> PutItem {\"TableName\":\"schratcho-$STAGE-prizes\",\"Item\"" \
  "import --debug logs its writes, bodies and all"
expect_contains "$(cat "$T/import.err")" "Signature=****" "import --debug shows the Authorization header, signature masked"
leak_check "import report" "$T/report.json"
step import-again 0 import --stage "$STAGE" --debug --report "$T/report2.json" "$T/defs"
leak_check "second import report" "$T/report2.json"
step status 0 status --stage "$STAGE" --debug --verbose "$T/defs"

awsddb scan --table-name "schratcho-$STAGE-wwseed-ledger" --consistent-read >"$T/ledger.json"
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Count"])' "$T/ledger.json")
if ((n >= 2)); then ok "the ledger holds the runs ($n items)"; else not_ok "the ledger holds $n items"; fi
leak_check "ledger items" "$T/ledger.json"
rel_scan "$STAGE" "$T/items"
leak_check "definition items" "$T/items"/*.json

# An error path with --debug: a throttled run that gives up.
fp_start thr --seed 3 --throttle 1 --ops PutItem,BatchWriteItem --tables "^schratcho-$STAGE-(prizes|scratchers|tickets|stores)\$"
AWS_MAX_ATTEMPTS=2 step import-throttled 1 import --stage "$STAGE" --debug --verbose --max-attempts 2 \
  --endpoint-url "$FP_URL" --report "$T/report3.json" "$(python3 "$ROOT/tests/support/faultproxy_gen.py" gen 30 "$T/defs-b" --variant b >/dev/null; echo "$T/defs-b")"
leak_check "throttled import report" "$T/report3.json"
fp_stop thr

# ---- plain http to a non-loopback host ----------------------------------
# Inside `unshare -rn` (a new network namespace: no interface but a down
# loopback) nothing can reach any network; strace records every connect().
if ! command -v strace >/dev/null || ! unshare -rn true 2>/dev/null; then
  # Without an empty network namespace a broken refusal could send a packet
  # off this machine: the check is skipped rather than risk it.
  echo "ok - # SKIP plain-http refusal: needs strace and unshare -rn"
else
  # LeakSanitizer cannot run under ptrace (it aborts with 134), so the
  # sanitizer pass checks leaks everywhere but under strace.
  nonet() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 unshare -rn strace -f -qq -e trace=connect -o "$T/connects" "$@"; }
  SECONDS=0
  nonet "$WWSEED" plan --stage "$STAGE" --endpoint-url http://10.255.255.1:1 "$T/defs" >"$T/http.out" 2>"$T/http.err"; rc=$?
  took=$SECONDS
  if ((rc != 0)); then ok "http:// to 10.255.255.1 fails (exit $rc)"; else not_ok "http:// to 10.255.255.1 succeeded"; fi
  expect_contains "$(cat "$T/http.err")" 'refusing plain http to "10.255.255.1": use https, or --allow-insecure-http' \
    "http:// to a non-loopback host: refused, naming the host and the way out"
  # docs/aws.md promises the refusal up front, when the session opens, as its
  # own line and with the configuration exit code (2), not a request's error.
  expect_eq "$(grep 'refusing plain http' "$T/http.err")" \
    'wwseed: refusing plain http to "10.255.255.1": use https, or --allow-insecure-http' \
    "http:// to a non-loopback host: the refusal as docs/aws.md documents it"
  expect_eq "$rc" 2 "http:// to a non-loopback host: exit 2 (configuration)"
  expect_not_contains "$(cat "$T/connects")" "10.255.255.1" "http:// to a non-loopback host: no connection was attempted"
  if ((took <= 5)); then ok "the refusal is immediate (${took}s)"; else not_ok "the refusal took ${took}s"; fi
  nonet "$WWSEED" plan --stage "$STAGE" --allow-insecure-http --endpoint-url http://10.255.255.1:1 "$T/defs" >"$T/http2.out" 2>"$T/http2.err"
  expect_contains "$(cat "$T/connects")" "10.255.255.1" "--allow-insecure-http lets it connect (unreachable in the empty namespace)"
  expect_not_contains "$(cat "$T/http2.err")" "refusing plain http" "--allow-insecure-http: no refusal"
  leak_check "refused-http stderr" "$T/http.err" "$T/http2.err"
fi

# ---- a credentials file readable by others -------------------------------
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = AKIDFILECANARY000001\naws_secret_access_key = %s\n' "$SECRET" >"$AWS_SHARED_CREDENTIALS_FILE"
chmod 644 "$AWS_SHARED_CREDENTIALS_FILE"
step creds-644 0 plan --stage "$STAGE" "$T/defs"
expect_contains "$err" "wwseed: warning: credentials file \"$AWS_SHARED_CREDENTIALS_FILE\" can be read by other users; run 'chmod 600 $AWS_SHARED_CREDENTIALS_FILE'" \
  "a credentials file readable by others is warned about"
chmod 600 "$AWS_SHARED_CREDENTIALS_FILE"
step creds-600 0 plan --stage "$STAGE" "$T/defs"
expect_not_contains "$err" "can be read by other users" "a private credentials file: no warning"
