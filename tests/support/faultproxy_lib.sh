# Shell helpers for tests that put tests/support/faultproxy.py between a
# client and the local server. Source after tests/lib.sh.
#
#   fp_start NAME [faultproxy options...]   starts a proxy in front of
#       $WWSEED_TEST_ENDPOINT; sets FP_URL (http://127.0.0.1:PORT) and
#       FP_DIR ($T/fp-NAME: stats.json, log, port, pid, creds_port)
#   fp_stop NAME                             SIGTERM by pid, waits
#   fp_stat NAME EXPR                        a value from the stats file,
#       EXPR a python expression over `s` (e.g. 's["faults"]["throttle"]')
#   fp_wait NAME EXPR TIMEOUT_S              waits until EXPR is true
# Every proxy started here is stopped when the script exits.
FAULTPROXY=$ROOT/tests/support/faultproxy.py
_fp_names=()

fp_start() {
  local name=$1; shift
  FP_DIR=$T/fp-$name
  rm -rf "$FP_DIR"; mkdir -p "$FP_DIR"
  python3 "$FAULTPROXY" --upstream "${FP_UPSTREAM:-$WWSEED_TEST_ENDPOINT}" \
    --port-file "$FP_DIR/port" --stats-file "$FP_DIR/stats.json" --log-file "$FP_DIR/log" "$@" \
    >"$FP_DIR/out" 2>&1 &
  echo $! >"$FP_DIR/pid"
  _fp_names+=("$name")
  local i
  for i in $(seq 1 250); do
    [[ -s $FP_DIR/port ]] && break
    kill -0 "$(cat "$FP_DIR/pid")" 2>/dev/null || break
    sleep 0.02
  done
  if [[ ! -s $FP_DIR/port ]]; then
    echo "# faultproxy $name did not start:"; sed 's/^/#   /' "$FP_DIR/out"; return 1
  fi
  FP_URL=http://127.0.0.1:$(cat "$FP_DIR/port")
}

fp_stop() {
  local dir=$T/fp-$1 pid
  [[ -f $dir/pid ]] || return 0
  pid=$(cat "$dir/pid")
  kill -TERM "$pid" 2>/dev/null
  local i
  for i in $(seq 1 250); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$dir/pid"
  return 0
}

fp_stop_all() { local n; for n in "${_fp_names[@]}"; do fp_stop "$n"; done; }

fp_stat() {
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
    "$T/fp-$1/stats.json" "$2"
}

fp_wait() { # fp_wait NAME EXPR TIMEOUT_S: 0 when EXPR became true
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    [[ $(fp_stat "$1" "bool($2)" 2>/dev/null) == True ]] && return 0
    sleep 0.02
  done
  return 1
}

trap 'fp_stop_all; exit $_failed' EXIT

# fp_raw URL OP JSON: one DynamoDB JSON 1.0 request with curl (the local
# server checks the shape of the Authorization header, not the signature).
fp_raw() {
  curl -s -X POST "$1/" -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: DynamoDB_20120810.$2" \
    -H 'X-Amz-Date: 20260101T000000Z' \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDRELTEST/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00" \
    --data "$3"
}

# rel_create_tables STAGE [ENDPOINT]: the per-kind tables and the ledger of a
# stage (schratcho-STAGE-prizes|scratchers|tickets|stores, key id S;
# schratcho-STAGE-wwseed-ledger, pk S + sk S, TTL expiresAt), waited ACTIVE.
rel_create_tables() {
  local stage=$1 ep=${2:-$WWSEED_TEST_ENDPOINT} k t
  for k in prizes scratchers tickets stores; do
    fp_raw "$ep" CreateTable "{\"TableName\":\"schratcho-$stage-$k\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}" >/dev/null
  done
  fp_raw "$ep" CreateTable "{\"TableName\":\"schratcho-$stage-wwseed-ledger\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}" >/dev/null
  for t in prizes scratchers tickets stores wwseed-ledger; do
    local i
    for i in $(seq 1 200); do
      fp_raw "$ep" DescribeTable "{\"TableName\":\"schratcho-$stage-$t\"}" | grep -q '"TableStatus":"ACTIVE"' && break
      sleep 0.05
    done
  done
  fp_raw "$ep" UpdateTimeToLive "{\"TableName\":\"schratcho-$stage-wwseed-ledger\",\"TimeToLiveSpecification\":{\"Enabled\":true,\"AttributeName\":\"expiresAt\"}}" >/dev/null
}

# rel_scan STAGE DIR [ENDPOINT]: each kind's table scanned with the AWS CLI
# (an independent reader, all pages) into DIR/<kind>.json; the four scans
# run side by side (the CLI's start-up is most of the cost).
rel_scan() {
  local stage=$1 dir=$2 ep=${3:-$WWSEED_TEST_ENDPOINT} k pids=()
  mkdir -p "$dir"
  for k in prizes scratchers tickets stores; do
    aws dynamodb scan --endpoint-url "$ep" --region us-east-1 --output json --consistent-read \
      --table-name "schratcho-$stage-$k" >"$dir/$k.json" &
    pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k"; done
}

# fp_wait_count NAME KEY MIN TIMEOUT_S: waits until the stats' top-level
# counter KEY ("forwarded", "write_requests_forwarded", ...) is >= MIN; pure
# bash (no process per poll), so a kill can be aimed within a few requests.
fp_wait_count() {
  local f=$T/fp-$1/stats.json deadline=$((SECONDS + $4)) line re="\"$2\": ([0-9]+)"
  while ((SECONDS < deadline)); do
    line=$(<"$f") 2>/dev/null
    if [[ $line =~ $re ]] && ((BASH_REMATCH[1] >= $3)); then return 0; fi
    sleep 0.01
  done
  return 1
}
