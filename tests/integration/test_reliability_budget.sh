#!/usr/bin/env bash
# Scenario: the retry budget runs out on purpose. After the first K write
# requests reach the server, the fault proxy throttles every further write
# to the definition tables (the ledger is spared, so the run is recorded);
# with --max-attempts 2 (resends of unprocessed items) and AWS_MAX_ATTEMPTS=2
# (the client's retries of a throttled call) wwseed gives up on the rest.
# Checked, for both write paths (conditional PutItem, BatchWriteItem):
#   - exit 1 (items left unwritten);
#   - the report's failed (or not attempted) items are exactly the
#     definitions missing from the tables (scanned with the AWS CLI), and
#     what did land is exact;
#   - a re-run without faults writes exactly those: the report says
#     "created" for each of them and "unchanged" for the rest, and the
#     tables then equal the definitions.
#   SIZE=full: 2,000 definitions, K=1,000; else 200, K=80.
source "$WWSEED_ROOT/tests/lib.sh"
source "$ROOT/tests/support/faultproxy_lib.sh"
local_aws_env
GEN=$ROOT/tests/support/faultproxy_gen.py
if [[ ${SIZE:-} == full ]]; then N=2000 K=1000; else N=200 K=80; fi
python3 "$GEN" gen "$N" "$T/defs" >/dev/null

for mode in fail overwrite; do
  STAGE=relb$$$mode
  rel_create_tables "$STAGE"
  if [[ $mode == overwrite ]]; then ops=BatchWriteItem; kk=$((K / 25)); else ops=PutItem; kk=$K; fi
  fp_start "b-$mode" --seed 7 --ops "$ops" --tables "^schratcho-$STAGE-(prizes|scratchers|tickets|stores)\$" \
    --throttle-after-forwards "$kk"
  AWS_MAX_ATTEMPTS=2 run "$WWSEED" import --stage "$STAGE" --endpoint-url "$FP_URL" --on-conflict "$mode" --max-attempts 2 \
    --concurrency 4 --report "$T/r1-$mode.json" "$T/defs"
  expect_rc 1 "on-conflict $mode: the import gives up on the throttled items"
  expect_contains "$err" "not written" "on-conflict $mode: the summary names the items not written"
  thr=$(fp_stat "b-$mode" 's["faults"]["throttle"]')
  fp_stop "b-$mode"

  rel_scan "$STAGE" "$T/s1-$mode"
  python3 "$GEN" compare "$T/defs" "$T/s1-$mode" --ids-missing "$T/missing-$mode" >"$T/cmp1-$mode"
  python3 "$GEN" report "$T/r1-$mode.json" --list failed,pending,conflict >"$T/unwritten-$mode"
  nmiss=$(wc -l <"$T/missing-$mode")
  if ((nmiss > 0 && nmiss < N)); then ok "on-conflict $mode: part landed, $nmiss of $N missing"; else
    not_ok "on-conflict $mode: $nmiss of $N missing (want some, not all)"; fi
  expect_file_eq "$T/unwritten-$mode" "$T/missing-$mode" \
    "on-conflict $mode: the report lists exactly the items missing from the tables"
  expect_contains "$(head -1 "$T/cmp1-$mode")" "extra=0 mismatched=0 duplicated=0" "on-conflict $mode: what landed is exact"
  created1=$(python3 "$GEN" report "$T/r1-$mode.json" --list created | wc -l)
  expect_eq "$created1" "$((N - nmiss))" "on-conflict $mode: the report's created count matches the table"

  run "$WWSEED" import --stage "$STAGE" --on-conflict "$mode" --report "$T/r2-$mode.json" "$T/defs"
  expect_rc 0 "on-conflict $mode: the re-run without faults succeeds"
  python3 "$GEN" report "$T/r2-$mode.json" --list created >"$T/created2-$mode"
  expect_file_eq "$T/created2-$mode" "$T/missing-$mode" "on-conflict $mode: the re-run creates exactly the missing items"
  expect_eq "$(python3 "$GEN" report "$T/r2-$mode.json")" "created=$nmiss unchanged=$((N - nmiss))" \
    "on-conflict $mode: the re-run reports $nmiss created, the rest unchanged"
  rel_scan "$STAGE" "$T/s2-$mode"
  cmp=$(python3 "$GEN" compare "$T/defs" "$T/s2-$mode" | head -1)
  expect_eq "$cmp" "expected=$N landed=$N missing=0 extra=0 mismatched=0 duplicated=0" "on-conflict $mode: then the tables are exact"
  echo "# figure budget on-conflict=$mode: definitions=$N writes-allowed=$kk throttles=$thr unwritten=$nmiss reported-unwritten=$(wc -l <"$T/unwritten-$mode") rerun-created=$(wc -l <"$T/created2-$mode") final: $cmp"
done
