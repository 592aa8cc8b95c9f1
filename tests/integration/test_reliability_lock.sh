#!/usr/bin/env bash
# Scenario: two concurrent imports of different definition sets (variant a,
# then variant b with the same ids and other content). The import lock in
# the ledger serialises them:
#   - while A runs (slowed by the proxy so it is surely mid-run), B with
#     --lock-timeout 0 fails with exit 6 naming A's holder (its pid);
#   - B started again with a --lock-timeout waits for A and then runs;
#   - A and B both exit 0, the ledger shows B started writing after A
#     ended, and the tables (AWS CLI scan) hold exactly set B.
#   SIZE=full: 2,000 definitions each; else 200.
source "$WWSEED_ROOT/tests/lib.sh"
source "$ROOT/tests/support/faultproxy_lib.sh"
# make test time: under ASan (BUILD=build-asan) this scenario is left to the
# plain run; its code paths (lock, credential refresh) are not memory-specific.
if [[ ${BUILD:-build} != build && ${SIZE:-} != full ]]; then echo "ok - # SKIP under ASan (run in the plain build)"; exit 0; fi
local_aws_env
GEN=$ROOT/tests/support/faultproxy_gen.py
if [[ ${SIZE:-} == full ]]; then N=2000; else N=200; fi
python3 "$GEN" gen "$N" "$T/a" >/dev/null
python3 "$GEN" gen "$N" "$T/b" --variant b >/dev/null
STAGE=rell$$
rel_create_tables "$STAGE"

fp_start slow --seed 1 --delay 1 --delay-ms 15 --tables "^schratcho-$STAGE-(prizes|scratchers|tickets|stores)\$"
"$WWSEED" import --stage "$STAGE" --endpoint-url "$FP_URL" --concurrency 2 --report "$T/ra.json" "$T/a" >"$T/a.out" 2>&1 &
apid=$!
if fp_wait slow 's["write_requests_forwarded"] >= 10' 60; then ok "A is writing"; else not_ok "A never started writing"; fi

run "$WWSEED" import --stage "$STAGE" --lock-timeout 0 "$T/b"
expect_rc 6 "B while A holds the lock: exit 6"
expect_contains "$err" ":$apid" "B's refusal names A's holder (pid $apid)"
if kill -0 "$apid" 2>/dev/null; then ok "A was still running when B was refused"; else not_ok "A ended before B was refused"; fi

SECONDS=0
"$WWSEED" import --stage "$STAGE" --lock-timeout 120 --report "$T/rb.json" "$T/b" >"$T/b.out" 2>&1 &
bpid=$!
wait "$apid"; arc=$?
wait "$bpid"; brc=$?
took=$SECONDS
fp_stop slow
expect_eq "$arc" 0 "A exits 0"
expect_eq "$brc" 0 "B (waiting for the lock) exits 0"
[[ $brc == 0 ]] || sed 's/^/#   /' "$T/b.out" | tail -5
expect_eq "$(python3 "$GEN" report "$T/ra.json")" "created=$N" "A created all $N"
expect_eq "$(python3 "$GEN" report "$T/rb.json")" "updated=$N" "B, run after A, updated all $N"

rel_scan "$STAGE" "$T/scan"
# The ledger holds both runs, succeeded, B ending after A; every item was
# last written by B. (B's plan ran after A's end: it found all 300 of A's
# items to update, checked above. The items' _wwseed.changedAt is B's
# start, taken before it waited for the lock, so it cannot show the order.)
awsddb query --table-name "schratcho-$STAGE-wwseed-ledger" --key-condition-expression 'pk = :p' \
  --expression-attribute-values '{":p":{"S":"run"}}' --consistent-read >"$T/ledger.json"
order=$(python3 - "$T/ledger.json" "$T/ra.json" "$T/rb.json" "$T/scan" <<'EOF'
import glob, json, sys
items = json.load(open(sys.argv[1]))["Items"]
ra, rb = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
runs = {}
for it in items:
    flat = {k: list(v.values())[0] for k, v in it.items()}
    runs[flat.get("runId") or flat["sk"].split("#")[-1]] = flat
a, b = runs.get(ra["runId"]), runs.get(rb["runId"])
meta = [it["_wwseed"]["M"] for f in glob.glob(sys.argv[4] + "/*.json") for it in json.load(open(f))["Items"]]
by_b = bool(meta) and all(m["runId"]["S"] == rb["runId"] for m in meta)
print("a:%s b:%s items-by-b:%s b-ended-after-a:%s" % (
    a and a.get("status"), b and b.get("status"), by_b,
    bool(a and b) and b.get("endedAt", "") > a.get("endedAt", "~")))
EOF
)
expect_eq "$order" "a:succeeded b:succeeded items-by-b:True b-ended-after-a:True" \
  "the ledger has A and B succeeded, B ending after A; B wrote every item last"

cmp=$(python3 "$GEN" compare "$T/b" "$T/scan" | head -1)
expect_eq "$cmp" "expected=$N landed=$N missing=0 extra=0 mismatched=0 duplicated=0" "the tables hold exactly set B"
echo "# figure lock: definitions=$N per set; B refused with exit 6 while A ran, then waited and ran: ${took}s for both; final: $cmp"

# Known defect (checked by `make reliability`, RELIABILITY_STRICT=1): when
# the answer to the lock's conditional PutItem is lost after the write, the
# retry finds the run's own lease and the run waits for itself, then exits
# 6 naming its own pid, leaving its lease behind.
if [[ ${RELIABILITY_STRICT:-0} == 1 || ${SIZE:-} == full ]]; then
  STAGE=relld$$
  rel_create_tables "$STAGE"
  fp_start lost --seed 1 --drop-after-forward 1 --fault-limit 1 --ops PutItem --tables "^schratcho-$STAGE-wwseed-ledger\$"
  run "$WWSEED" import --stage "$STAGE" --endpoint-url "$FP_URL" --lock-timeout 5 "$T/a"
  fp_stop lost
  expect_eq "$(awk '$3 == "drop_after_forward" {print $2, $3}' "$T/fp-lost/log")" "PutItem drop_after_forward" "the lock's PutItem answer was lost"
  expect_rc 0 "a lost answer to the lock's PutItem does not lock the run out"
fi
