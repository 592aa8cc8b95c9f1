#!/usr/bin/env bash
# Scenario: an import killed with SIGKILL at P different points converges
# when re-run. Each point imports the other variant of the definitions (a,
# then b, then a...), so every run has creates or updates to do over what
# the previous one left. The fault proxy counts the write requests it has
# forwarded; the test kills wwseed once the count reaches the point's
# share of the run (point 0: as soon as any request is forwarded), then
# re-runs the import without the proxy and checks the tables (scanned with
# the AWS CLI) equal that variant exactly.
#
# The killed run leaves its lock behind. Two ways past it are checked:
#   - even points: the killed run had --lock-lease 3, the re-run
#     --lock-timeout 20 waits for the lease to lapse (no operator action);
#   - odd points: the re-run uses --force-unlock at once.
# And once: a re-run with neither (--lock-timeout 0) fails with exit 6
# naming the dead holder.
#   SIZE=full: 20 points over 2,000 definitions; else 4 points over 200.
source "$WWSEED_ROOT/tests/lib.sh"
source "$ROOT/tests/support/faultproxy_lib.sh"
local_aws_env
GEN=$ROOT/tests/support/faultproxy_gen.py
if [[ ${SIZE:-} == full ]]; then N=2000 P=20 HOLD=15; else N=200 P=4 HOLD=30; fi
[[ ${BUILD:-build} != build && ${SIZE:-} != full ]] && P=2 # under ASan: 2 points (make test time)
python3 "$GEN" gen "$N" "$T/a" >/dev/null
python3 "$GEN" gen "$N" "$T/b" --variant b >/dev/null
STAGE=relk$$
rel_create_tables "$STAGE"
converged=0 killed=0 lease_waits=0 forced=0
for ((i = 0; i < P; i++)); do
  v=$([[ $((i % 2)) == 0 ]] && echo a || echo b)
  # the share of this variant's writes after which to kill: 0, N/P, 2N/P...
  at=$((i * N / P))
  fp_start k --seed "$i" --delay 1 --delay-ms "$HOLD" # every answer held: the run lasts long enough to aim at
  "$WWSEED" import --stage "$STAGE" --endpoint-url "$FP_URL" --lock-lease 3 --concurrency 4 "$T/$v" \
    >"$T/kill-$i.out" 2>&1 &
  pid=$!
  if ((at == 0)); then fp_wait_count k forwarded 1 60; else fp_wait_count k write_requests_forwarded "$at" 60; fi
  kill -KILL "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null; krc=$?
  wrote=$(fp_stat k 's["write_requests_forwarded"]')
  fp_stop k
  if ((krc == 137)); then killed=$((killed + 1)); else echo "# point $i: the import ended (exit $krc) before the kill"; fi

  if ((i == 1)); then
    run "$WWSEED" import --stage "$STAGE" --lock-timeout 0 "$T/$v"
    expect_rc 6 "point $i: a re-run while the dead run's lease holds is refused"
    expect_contains "$err" ":$pid" "point $i: the refusal names the dead holder (pid $pid)"
  fi
  if ((i % 2 == 0)); then
    SECONDS=0
    run "$WWSEED" import --stage "$STAGE" --lock-timeout 20 --report "$T/rerun-$i.json" "$T/$v"
    how="waited ${SECONDS}s for the lease"
    lease_waits=$((lease_waits + 1))
  else
    run "$WWSEED" import --stage "$STAGE" --force-unlock --report "$T/rerun-$i.json" "$T/$v"
    how="--force-unlock"
    forced=$((forced + 1))
  fi
  expect_rc 0 "point $i (variant $v, killed after $wrote writes): the re-run succeeds ($how)"
  rel_scan "$STAGE" "$T/scan-$i"
  cmp=$(python3 "$GEN" compare "$T/$v" "$T/scan-$i" | head -1)
  expect_eq "$cmp" "expected=$N landed=$N missing=0 extra=0 mismatched=0 duplicated=0" \
    "point $i: the tables hold exactly variant $v"
  [[ $cmp == *"missing=0 extra=0 mismatched=0"* ]] && converged=$((converged + 1))
  echo "# point $i: variant $v, kill at >= $at writes, $wrote forwarded, exit $krc; re-run $how: $(python3 "$GEN" report "$T/rerun-$i.json")"
done
expect_eq "$killed" "$P" "every import was killed mid-run ($killed of $P)"
echo "# figure kill: definitions=$N points=$P killed=$killed converged=$converged lease-waits=$lease_waits force-unlocks=$forced"
