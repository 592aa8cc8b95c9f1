#!/usr/bin/env bash
# The fault-injecting proxy (tests/support/faultproxy.py) does what the
# reliability scenarios rely on, proved with the AWS CLI as an independent
# client and read back from the local server directly: each fault mode, the
# wire format of injected errors, --ops, --throttle-after-forwards,
# --key-lifetime, reproducibility by seed, and a clean SIGTERM.
source "$WWSEED_ROOT/tests/lib.sh"
source "$ROOT/tests/support/faultproxy_lib.sh"
# The proxy does not involve the wwseed binary: once (plain build) is enough.
if [[ ${BUILD:-build} != build ]]; then echo "ok - # SKIP faultproxy checked in the plain build run"; exit 0; fi

export AWS_ACCESS_KEY_ID=AKIDFAULTTEST AWS_SECRET_ACCESS_KEY=faultproxy-test-secret AWS_DEFAULT_REGION=us-east-1
export AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard
TABLE=fp-$$-$RANDOM
awsddb create-table --table-name "$TABLE" --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null

# via URL ARGS...: the AWS CLI through a proxy
via() { local u=$1; shift; aws dynamodb --endpoint-url "$u" --output json "$@"; }
# raw URL OP JSON [AKID]: one request with curl (faster than the CLI where
# the client does not matter); prints the body. The local server checks the
# shape of the Authorization header, not the signature.
raw() {
  curl -s -X POST "$1/" -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: DynamoDB_20120810.$2" \
    -H 'X-Amz-Date: 20260101T000000Z' \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=${4:-AKIDFAULTTEST}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00" \
    --data "$3"
}
errtype() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("__type","ok").split("#")[-1])'; }
# present ID: 1 if the item is in the table (read from the server itself)
present() {
  if raw "$WWSEED_TEST_ENDPOINT" GetItem "{\"TableName\":\"$TABLE\",\"Key\":{\"id\":{\"S\":\"$1\"}},\"ConsistentRead\":true}" | grep -q '"Item"'; then
    echo 1; else echo 0; fi
}
put() { # put URL ID [CLI options]
  local u=$1 id=$2; shift 2
  via "$u" put-item --table-name "$TABLE" --item "{\"id\":{\"S\":\"$id\"},\"v\":{\"N\":\"1\"}}" "$@"
}

for _ in $(seq 1 100); do
  raw "$WWSEED_TEST_ENDPOINT" DescribeTable "{\"TableName\":\"$TABLE\"}" | grep -q '"TableStatus":"ACTIVE"' && break
  sleep 0.05
done

# ---- throttling: each error name, not forwarded, the CLI retried ----------
fp_start thr --seed 1 --throttle 1 --throttle-types ProvisionedThroughputExceededException
AWS_MAX_ATTEMPTS=3 run put "$FP_URL" thr-1
expect_rc 255 "throttle: the CLI fails"
expect_contains "$err" "(ProvisionedThroughputExceededException)" "throttle: the CLI names ProvisionedThroughputExceededException"
expect_eq "$(fp_stat thr 's["requests"]'),$(fp_stat thr 's["forwarded"]'),$(fp_stat thr 's["faults"]["throttle"]')" "3,0,3" \
  "throttle: the CLI tried 3 times (AWS_MAX_ATTEMPTS=3), none forwarded, 3 throttles counted"
expect_eq "$(present thr-1)" 0 "throttle: nothing written"
fp_stop thr
for ty in ThrottlingException RequestLimitExceeded; do
  fp_start thr --seed 1 --throttle 1 --throttle-types "$ty"
  got=$(raw "$FP_URL" PutItem "{\"TableName\":\"$TABLE\",\"Item\":{\"id\":{\"S\":\"thr-$ty\"}}}" | errtype)
  expect_eq "$got $(present "thr-$ty")" "$ty 0" "throttle $ty: answered, not written"
  fp_stop thr
done

# ---- the wire format of an injected error --------------------------------
fp_start wire --seed 1 --throttle 1 --throttle-types ProvisionedThroughputExceededException
curl -s -D "$T/h" -o "$T/b" -X POST "$FP_URL/" -H 'Content-Type: application/x-amz-json-1.0' \
  -H 'X-Amz-Target: DynamoDB_20120810.PutItem' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDFAULTTEST/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00' \
  --data "{\"TableName\":\"$TABLE\",\"Item\":{\"id\":{\"S\":\"wire\"}}}"
got=$(python3 - "$T/h" "$T/b" <<'EOF'
import binascii, json, sys
h = open(sys.argv[1], "rb").read().decode().split("\r\n")
b = open(sys.argv[2], "rb").read()
hd = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in h[1:] if ":" in l}
print(h[0].split()[1], hd.get("content-type"), hd.get("x-amz-crc32") == str(binascii.crc32(b)),
      len(hd.get("x-amzn-requestid", "")) > 20, json.loads(b)["__type"])
EOF
)
expect_eq "$got" "400 application/x-amz-json-1.0 True True com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException" \
  "an injected throttle has status 400, JSON 1.0 type, a correct x-amz-crc32 and a request id"
fp_stop wire

# ---- 5xx: the status and error name agree with the log -------------------
fp_start e5 --seed 3 --error5xx 1
run put "$FP_URL" e5-cli
expect_eq "$(awk '{print $3}' "$FP_DIR/log")" "error5xx:503" "5xx seed 3: a 503 was injected"
expect_contains "$err" "(ServiceUnavailable" "5xx seed 3: the CLI reports ServiceUnavailable"
fp_stop e5
for seed in 1 4; do
  fp_start e5 --seed "$seed" --error5xx 1
  code=$(curl -s -o "$T/b" -w '%{http_code}' -X POST "$FP_URL/" -H 'X-Amz-Target: DynamoDB_20120810.PutItem' --data '{}')
  got="error5xx:$code $(errtype <"$T/b") $(present "e5-$seed")"
  want=$(awk '{print $3}' "$FP_DIR/log")
  case $code in 500) want="$want InternalServerError 0" ;; *) want="$want ServiceUnavailableException 0" ;; esac
  expect_eq "$got" "$want" "5xx seed $seed: status, error name and log agree; nothing written"
  fp_stop e5
done

# ---- partial batches: exactly the UnprocessedItems are missing ------------
fp_start part --seed 5 --partial 1
python3 - "$TABLE" >"$T/req.json" <<'EOF'
import json, sys
print(json.dumps({sys.argv[1]: [{"PutRequest": {"Item": {"id": {"S": "part-%02d" % i}, "n": {"N": str(i)}}}} for i in range(25)]}))
EOF
run via "$FP_URL" batch-write-item --request-items "file://$T/req.json"
expect_rc 0 "partial: the CLI call succeeds"
unproc=$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(sorted(r["PutRequest"]["Item"]["id"]["S"] for v in json.load(sys.stdin)["UnprocessedItems"].values() for r in v)))')
absent=$(for i in $(seq -w 0 24); do [[ $(present "part-$i") == 0 ]] && printf 'part-%s ' "$i"; done)
expect_eq "${absent% }" "$unproc" "partial: the items absent from the table are exactly the UnprocessedItems"
n=$(wc -w <<<"$unproc")
if ((n >= 1 && n <= 24)); then ok "partial: a proper subset was held back ($n of 25)"; else not_ok "partial: $n of 25 held back"; fi
expect_eq "$(fp_stat part 's["write_requests_forwarded"]')" "$((25 - n))" "partial: the stats count the forwarded writes"
# BatchGetItem: Responses and UnprocessedKeys split the keys
run via "$FP_URL" batch-get-item --request-items \
  "{\"$TABLE\":{\"Keys\":[{\"id\":{\"S\":\"part-00\"}},{\"id\":{\"S\":\"part-01\"}},{\"id\":{\"S\":\"part-02\"}},{\"id\":{\"S\":\"part-03\"}}],\"ConsistentRead\":true}}"
got=$(printf '%s' "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
got=[i["id"]["S"] for v in d["Responses"].values() for i in v]
un=[k["id"]["S"] for v in d["UnprocessedKeys"].values() for k in v["Keys"]]
cons=all(v.get("ConsistentRead") is True for v in d["UnprocessedKeys"].values())
print(len(un)>0, len(set(got)&set(un))==0, sorted(set(got)|set(un))==["part-0%d"%i for i in range(4)] or "missing ones absent", cons)')
# keys absent from the table may be neither returned nor unprocessed; count only present ones
want_all=$(for i in 0 1 2 3; do [[ $(present "part-0$i") == 1 ]] && echo -n 1; done)
if [[ $want_all == 1111 ]]; then
  expect_eq "$got" "True True True True" "partial BatchGetItem: Responses and UnprocessedKeys split the keys, request options kept"
else
  expect_contains "$got" "True True" "partial BatchGetItem: UnprocessedKeys disjoint from Responses"
fi
fp_stop part

# ---- drop after forward: the CLI fails, the write happened ----------------
fp_start drop --seed 1 --drop-after-forward 1
run put "$FP_URL" drop-1
expect_rc 255 "drop-after-forward: the CLI fails"
expect_contains "$err" "Connection was closed before we received a valid response" "drop-after-forward: the CLI sees the connection close"
expect_eq "$(present drop-1)" 1 "drop-after-forward: the item IS in the table"
fp_stop drop

# ---- bad CRC: the CLI rejects the answer, the write happened -------------
fp_start crc --seed 1 --bad-crc 1
AWS_RETRY_MODE=legacy run put "$FP_URL" crc-1 # botocore checks x-amz-crc32 in its legacy retry handler
expect_rc 255 "bad-crc: the CLI fails"
expect_contains "$err" "Checksum crc32 failed" "bad-crc: the CLI reports a CRC32 mismatch"
expect_eq "$(present crc-1)" 1 "bad-crc: the item is in the table"
fp_stop crc

# ---- truncated body -------------------------------------------------------
fp_start trunc --seed 1 --truncate 1
curl -s -o /dev/null -w '%{http_code}' -X POST "$FP_URL/" -H 'Content-Type: application/x-amz-json-1.0' \
  -H 'X-Amz-Target: DynamoDB_20120810.DescribeTable' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDFAULTTEST/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00' \
  --data "{\"TableName\":\"$TABLE\"}" >"$T/code" 2>/dev/null
rc=$?
expect_eq "$rc" 18 "truncate: curl reports a partial transfer (exit 18)"
run put "$FP_URL" trunc-1
expect_rc 255 "truncate: the CLI fails"
fp_stop trunc

# ---- delay past the client's timeout --------------------------------------
fp_start slow --seed 1 --delay 1 --delay-ms 1800
run put "$FP_URL" slow-1 --cli-read-timeout 1
expect_contains "$err" "Read timeout" "delay: the CLI times out"
expect_eq "$(present slow-1)" 1 "delay: the write was forwarded before the answer was held"
fp_stop slow

# ---- --ops limits faults; --throttle-after-forwards ------------------------
fp_start ops --seed 1 --throttle 1 --ops BatchWriteItem --throttle-types ProvisionedThroughputExceededException
got="$(raw "$FP_URL" PutItem "{\"TableName\":\"$TABLE\",\"Item\":{\"id\":{\"S\":\"ops-1\"}}}" | errtype)"
got="$got $(raw "$FP_URL" BatchWriteItem "{\"RequestItems\":$(cat "$T/req.json")}" | errtype)"
expect_eq "$got $(present ops-1)" "ok ProvisionedThroughputExceededException 1" "--ops BatchWriteItem: PutItem passes, BatchWriteItem is throttled"
fp_stop ops
fp_start tbl --seed 1 --throttle 1 --throttle-types ThrottlingException --tables '^no-such-table$'
got="$(raw "$FP_URL" PutItem "{\"TableName\":\"$TABLE\",\"Item\":{\"id\":{\"S\":\"tbl-1\"}}}" | errtype)"
fp_stop tbl
fp_start tbl --seed 1 --throttle 1 --throttle-types ThrottlingException --tables "^$TABLE\$"
got="$got $(raw "$FP_URL" PutItem "{\"TableName\":\"$TABLE\",\"Item\":{\"id\":{\"S\":\"tbl-2\"}}}" | errtype)"
got="$got $(raw "$FP_URL" BatchWriteItem "{\"RequestItems\":$(cat "$T/req.json")}" | errtype)"
expect_eq "$got" "ok ThrottlingException ThrottlingException" "--tables: only requests naming a matching table are faulted"
fp_stop tbl
fp_start after --seed 1 --throttle-after-forwards 2 --ops PutItem
got=""
for i in 1 2 3; do got="$got $(raw "$FP_URL" PutItem "{\"TableName\":\"$TABLE\",\"Item\":{\"id\":{\"S\":\"after-$i\"}}}" | errtype)"; done
expect_contains "$got" " ok ok " "--throttle-after-forwards 2: two writes pass"
expect_not_contains "${got##* }" ok "--throttle-after-forwards 2: the third is throttled"
expect_eq "$(present after-2)$(present after-3)" 10 "--throttle-after-forwards: only forwarded writes landed"
fp_stop after

# ---- same seed, same fault sequence --------------------------------------
seq_run() { # seq_run NAME SEED: 40 requests one at a time, prints the fault log
  fp_start "$1" --seed "$2" --throttle 0.2 --partial 0.2 --error5xx 0.1 --bad-crc 0.1 --drop-after-forward 0.1
  local i
  for i in $(seq 1 40); do
    raw "$FP_URL" BatchWriteItem "{\"RequestItems\":{\"$TABLE\":[{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"seq-$i-a\"}}}},{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"seq-$i-b\"}}}},{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"seq-$i-c\"}}}}]}}" >/dev/null
  done
  fp_stop "$1"
  cat "$T/fp-$1/log"
}
a=$(seq_run seqa 42); b=$(seq_run seqb 42); c=$(seq_run seqc 43)
expect_eq "$b" "$a" "seed 42 twice: the same fault for every request"
if [[ $a != "$c" ]]; then ok "seed 43 gives a different sequence"; else not_ok "seeds 42 and 43 gave the same sequence"; fi
kinds=$(awk '{sub(/:.*/, "", $3); print $3}' <<<"$a" | sort -u | tr '\n' ' ')
expect_eq "$kinds" "bad_crc drop_after_forward error5xx none partial throttle " "seed 42: every configured fault kind occurs in 40 requests"

# ---- expiring temporary keys ---------------------------------------------
fp_start keys --seed 1 --key-lifetime 1
describe() { raw "$FP_URL" DescribeTable "{\"TableName\":\"$TABLE\"}" "$1" | errtype; }
first=$(describe ASIAKEYONE)
sleep 1.3
expect_eq "$first $(describe ASIAKEYONE) $(describe ASIAKEYTWO) $(describe AKIDLONGTERM)" \
  "ok ExpiredTokenException ok ok" "--key-lifetime: a temporary key used past its lifetime is refused, fresh and long-term keys pass"
fp_stop keys

# ---- SIGTERM: exits 0, final stats written -------------------------------
fp_start term --seed 1
raw "$FP_URL" DescribeTable "{\"TableName\":\"$TABLE\"}" >/dev/null
pid=$(cat "$FP_DIR/pid")
kill -TERM "$pid"; wait "$pid"; rc=$?
expect_eq "$rc" 0 "SIGTERM: the proxy exits 0"
expect_eq "$(fp_stat term 's["requests"]')" 1 "SIGTERM: the stats file holds the final counts"
rm -f "$FP_DIR/pid"

awsddb delete-table --table-name "$TABLE" >/dev/null
