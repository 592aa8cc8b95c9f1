#!/usr/bin/env bash
# Scenario: an import through injected faults lands every definition
# exactly once with exact content. The fault proxy sits between wwseed and
# the local server: 20% throttling, 10% partial batches, 2% connections
# dropped after the write was forwarded, 1% 5xx (seeded, so a failure can
# be replayed). Both write paths: the default conditional PutItem per item
# (--on-conflict fail) and BatchWriteItem (--on-conflict overwrite, where
# UnprocessedItems are resent).
# Checked: exit 0; the tables scanned back with the AWS CLI, `_wwseed`
# stripped, equal the input exactly (no item missing, extra or different);
# the report's counts match the table; the faults really happened; a
# second import finds nothing to do.
#
# Known defect (reported, not fixed here): with --on-conflict fail a
# conditional PutItem whose answer is lost (dropped after the write was
# forwarded) is retried, finds the item it wrote itself and is reported as a
# conflict (exit 1) although the table is right. So in `make test` the
# conditional path runs without dropped answers on PutItem; `make
# reliability` (RELIABILITY_STRICT=1) runs it with them, and a one-item
# reproduction, and fails until the engine treats "the item already holds
# what this run wrote" as done.
#   SIZE=full (make reliability): 10,000 definitions at the rates above;
#   else 500 (150 under ASan) with partial batches at 30% and lost answers at
#   10% so that a few of the 20 batches (6 under ASan) meet each.
source "$WWSEED_ROOT/tests/lib.sh"
source "$ROOT/tests/support/faultproxy_lib.sh"
local_aws_env
GEN=$ROOT/tests/support/faultproxy_gen.py
STRICT=${RELIABILITY_STRICT:-0}
if [[ ${SIZE:-} == full ]]; then
  N=10000 STRICT=1
  FAULTS=(--throttle 0.2 --partial 0.1 --drop-after-forward 0.02 --error5xx 0.01)
else
  N=500
  [[ ${BUILD:-build} != build ]] && N=150
  FAULTS=(--throttle 0.2 --partial 0.3 --drop-after-forward 0.1 --error5xx 0.01)
fi

python3 "$GEN" gen "$N" "$T/defs" >/dev/null
run "$WWSEED" validate "$T/defs"
expect_rc 0 "the $N synthetic definitions are valid"

for mode in fail overwrite; do
  STAGE=relf$$$mode
  rel_create_tables "$STAGE"
  faults=("${FAULTS[@]}")
  if [[ $mode == fail && $STRICT != 1 ]]; then
    faults=("${FAULTS[@]/--drop-after-forward/--delay}")  # same rate, answers held 0 ms
    echo "# on-conflict fail: no lost answers (known defect: a lost answer to a conditional put is reported as a conflict)"
  fi
  fp_start "f-$mode" --seed 2026 "${faults[@]}" --delay-ms 0
  t0=$(date +%s.%N)
  run "$WWSEED" import --stage "$STAGE" --endpoint-url "$FP_URL" --on-conflict "$mode" \
    --concurrency 4 --report "$T/report-$mode.json" "$T/defs"
  t1=$(date +%s.%N)
  expect_rc 0 "on-conflict $mode: import of $N definitions through faults"
  fp_stop "f-$mode"

  rel_scan "$STAGE" "$T/scan-$mode"
  cmp=$(python3 "$GEN" compare "$T/defs" "$T/scan-$mode")
  expect_eq "$(head -1 <<<"$cmp")" "expected=$N landed=$N missing=0 extra=0 mismatched=0 duplicated=0" \
    "on-conflict $mode: the tables hold exactly the $N definitions"
  [[ $(head -1 <<<"$cmp") == *"missing=0 extra=0 mismatched=0"* ]] || sed -n '2,8s/^/#   /p' <<<"$cmp"
  rep=$(python3 "$GEN" report "$T/report-$mode.json")
  expect_eq "$rep" "created=$N" "on-conflict $mode: the report says $N created, matching the table"

  s="s[\"faults\"]"
  thr=$(fp_stat "f-$mode" "$s[\"throttle\"]"); part=$(fp_stat "f-$mode" "$s[\"partial\"]")
  drop=$(fp_stat "f-$mode" "$s[\"drop_after_forward\"]"); e5=$(fp_stat "f-$mode" "$s[\"error5xx\"]")
  reqs=$(fp_stat "f-$mode" 's["requests"]'); wfw=$(fp_stat "f-$mode" 's["write_requests_forwarded"]')
  nodrops=0; [[ $mode == fail && $STRICT != 1 ]] && nodrops=1
  if ((thr > 0 && (drop > 0 || nodrops))); then ok "on-conflict $mode: faults were injected (throttles $thr, drops $drop)"; else
    not_ok "on-conflict $mode: too few faults (throttles $thr, drops $drop)"; fi
  if [[ $mode == overwrite ]]; then
    if ((part > 0)); then ok "overwrite: partial batches were injected ($part)"; else not_ok "overwrite: no partial batch"; fi
  fi
  echo "# figure faults on-conflict=$mode: definitions=$N requests=$reqs throttles=$thr partial=$part drops=$drop 5xx=$e5 write-requests-forwarded=$wfw seconds=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") result: $(head -1 <<<"$cmp")"

  # Idempotent: nothing left to do, nothing sent.
  run "$WWSEED" import --stage "$STAGE" --report "$T/again-$mode.json" "$T/defs"
  expect_rc 0 "on-conflict $mode: a second import succeeds"
  expect_eq "$(python3 "$GEN" report "$T/again-$mode.json")" "unchanged=$N" "on-conflict $mode: the second import finds all $N unchanged"
done

# The known defect in one item: the answer to a conditional create is lost
# after the write happened; the retry must not turn it into a conflict.
if [[ $STRICT == 1 ]]; then
  STAGE=relfd$$
  rel_create_tables "$STAGE"
  printf '%s\n' "$(head -1 "$T/defs/scratchers.jsonl")" >"$T/one.jsonl"
  mkdir -p "$T/one"; mv "$T/one.jsonl" "$T/one/scratchers.jsonl"
  fp_start drop1 --seed 1 --drop-after-forward 1 --fault-limit 1 --ops PutItem \
    --tables "^schratcho-$STAGE-scratchers\$"
  run "$WWSEED" import --stage "$STAGE" --endpoint-url "$FP_URL" --report "$T/one.json" "$T/one"
  fp_stop drop1
  expect_rc 0 "a lost answer to a conditional create is not a conflict"
  expect_eq "$(python3 "$GEN" report "$T/one.json")" "created=1" "the lost-answer create is reported created"
fi
