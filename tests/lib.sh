# Shared helpers for shell tests (CLI, integration, CDK, fuzz smoke).
# Each check prints one TAP line, "ok - what" or "not ok - what", which
# scripts/run-tests.sh counts; a script's exit status is 1 if any check failed.
set -u
WWSEED=${WWSEED_BIN:-$WWSEED_ROOT/wwseed}
ROOT=${WWSEED_ROOT:?run through scripts/run-tests.sh}
SHARED=${WWSEED_SHARED:-$ROOT/../shared}
T=$(mktemp -d "${WWSEED_TEST_TMP:-/tmp}/t.XXXXXX")
_failed=0
trap 'exit $_failed' EXIT

ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; _failed=1; }

# run CMD...: runs it, capturing $out (stdout), $err (stderr) and $rc.
run() {
  "$@" >"$T/stdout" 2>"$T/stderr"; rc=$?
  out=$(cat "$T/stdout"); err=$(cat "$T/stderr")
}

expect_rc() { # expect_rc WANT WHAT
  if [[ $rc -eq $1 ]]; then ok "$2 (exit $1)"; else not_ok "$2: exit $rc, want $1"; printf '%s\n' "$err" | sed 's/^/#   /' | head -20; fi
}
expect_eq() { # expect_eq GOT WANT WHAT
  if [[ "$1" == "$2" ]]; then ok "$3"; else not_ok "$3"; diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/#   /' | head -40; fi
}
expect_contains() { # expect_contains HAYSTACK NEEDLE WHAT
  if [[ "$1" == *"$2"* ]]; then ok "$3"; else not_ok "$3: missing '$2'"; printf '%s\n' "$1" | sed 's/^/#   /' | head -20; fi
}
expect_not_contains() { # expect_not_contains HAYSTACK NEEDLE WHAT
  if [[ "$1" != *"$2"* ]]; then ok "$3"; else not_ok "$3: found '$2'"; fi
}
expect_file_eq() { # expect_file_eq GOT_FILE WANT_FILE WHAT
  if cmp -s "$1" "$2"; then ok "$3"; else not_ok "$3"; diff "$2" "$1" | sed 's/^/#   /' | head -40; fi
}

# Local server credentials: dynalite accepts any signature.
local_aws_env() {
  export AWS_ACCESS_KEY_ID=AKIDLOCALTEST AWS_SECRET_ACCESS_KEY=local-secret-key-for-tests AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL_DYNAMODB=${WWSEED_TEST_ENDPOINT:?integration tests need the local server}
}
# awsddb ARGS...: the AWS CLI against the local server, as an independent reader.
awsddb() { aws dynamodb --endpoint-url "$WWSEED_TEST_ENDPOINT" --region us-east-1 --output json "$@"; }
