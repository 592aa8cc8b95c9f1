#!/usr/bin/env bash
# The import lock and interrupted runs against the local server: two imports
# at once (one fails cleanly naming the holder, one waits), Ctrl-C, kill -9
# mid-way and a re-run that converges, a stale lease, --force-unlock.
. "$WWSEED_ROOT/tests/lib.sh"
. "$WWSEED_ROOT/tests/integration/test_engine_setup.inc"
stage=lck$$
mkdir -p "$T/defs"
cp "$EXPORT" "$T/defs/export.json"
canon "$EXPORT" >"$T/want.json"

wait_for() { # wait_for FILE TEXT: up to 20 s for TEXT to appear in FILE
  local i
  for i in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# 1. two imports at once, then a third that waits for the lock
create_tables "$stage"
"$WWSEED" import --stage "$stage" --max-wcu 12 "$T/defs" >"$T/a.out" 2>"$T/a.err" &
a=$!
wait_for "$T/a.out" "^Plan:" || not_ok "first import never planned"
run "$WWSEED" import --stage "$stage" --lock-timeout 0 "$T/defs"
expect_rc 6 "a second import while the first runs fails"
expect_contains "$err" "wwseed: import lock in 'schratcho-$stage-wwseed-ledger' is held by '" "the message names the lock"
expect_contains "$err" ":$a' (lease ends " "the message names the holder (run, host, pid)"
run "$WWSEED" import --stage "$stage" --lock-timeout 30 "$T/defs"
expect_rc 0 "a third import waits for the lock, then runs"
expect_contains "$err" "waiting for the import lock held by '" "the waiting import says whom it waits for"
expect_contains "$out" "No changes: the tables match the definitions." "after waiting it finds the first import's work done"
wait "$a"; rc=$?
expect_rc 0 "the first import finished"

# 2. Ctrl-C: batches in flight finish, the run is recorded as interrupted
stage2=int$$
create_tables "$stage2"
"$WWSEED" import --stage "$stage2" --max-wcu 4 --concurrency 1 "$T/defs" >"$T/c.out" 2>"$T/c.err" &
c=$!
wait_for "$T/c.out" "^Plan:" || not_ok "interrupted import never planned"
sleep 0.5
kill -INT "$c"
wait "$c"; rc=$?
out=$(cat "$T/c.out"); err=$(cat "$T/c.err")
expect_rc 130 "Ctrl-C stops the import"
expect_contains "$err" "wwseed: interrupted: " "it says it was interrupted"
expect_contains "$out" "not attempted" "the summary lists what was not attempted"

# 3. kill -9 mid-way, then the next run converges (after the dead run's lease expires)
stage3=kil$$
create_tables "$stage3"
"$WWSEED" import --stage "$stage3" --max-wcu 8 --lock-lease 2 "$T/defs" >"$T/k.out" 2>"$T/k.err" &
k=$!
wait_for "$T/k.out" "^Plan:" || not_ok "killed import never planned"
sleep 1
kill -9 "$k"
wait "$k" 2>/dev/null
run "$WWSEED" import --stage "$stage3" --lock-timeout 30 --report "$T/k2.json" "$T/defs"
expect_rc 0 "the run after kill -9 takes the expired lease and finishes"
expect_contains "$err" "took over the expired import lock of run '" "the re-run says it took over the dead run's lease"
expect_contains "$err" "'; recorded it as abandoned" "and that it recorded the dead run as abandoned"
run "$WWSEED" status --stage "$stage3" --limit 1 "$T/defs"
expect_rc 0 "status after the re-run"
expect_contains "$out" " succeeded " "status shows the newest run (the re-run) first"
expect_not_contains "$out" " abandoned " "status --limit 1 shows only the newest run"
run "$WWSEED" status --stage "$stage3" "$T/defs"
expect_contains "$out" " abandoned " "status shows the killed run as abandoned"
done_before=$(report_field "$T/k2.json" 'r["plan"]["unchanged"]')
if ((done_before > 0 && done_before < 32)); then ok "the killed run had written part ($done_before of 32)"; else not_ok "the killed run wrote $done_before of 32: not mid-way"; fi
expect_eq "$(report_field "$T/k2.json" 'r["plan"]["create"] + r["plan"]["unchanged"]')" "32" "the re-run created exactly the rest"
dump "$stage3" "$T/got3.json"
expect_file_eq "$T/got3.json" "$T/want.json" "after kill -9 and a re-run the tables equal the export (nothing lost, nothing duplicated)"
# The re-run waited for the dead run's lease: the items it wrote (read back
# above with the AWS CLI) are stamped after the wait, not with its start time.
stamps=$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
at = sorted(i["_wwseed"]["M"]["changedAt"]["S"] for k in ["prizes", "scratchers", "tickets", "stores"]
            for i in json.load(open(f"{sys.argv[2]}/scan-{k}.json"))["Items"] if i["_wwseed"]["M"]["runId"]["S"] == r["runId"])
print(len(at), "later" if at and at[0] > r["startedAt"] else "not later")' "$T/k2.json" "$T")
expect_eq "$stamps" "$((32 - done_before)) later" "the re-run's items carry a changedAt after the lock wait, later than its startedAt"

# 4. a stale lease counts as free; a live one blocks until --force-unlock
now=$(date +%s)
ddbpy put "schratcho-$stage-wwseed-ledger" "{\"pk\":{\"S\":\"lock\"},\"sk\":{\"S\":\"import\"},\"holder\":{\"S\":\"ghost@elsewhere:1\"},\"expiresAt\":{\"N\":\"$((now - 5))\"}}"
run "$WWSEED" import --stage "$stage" --lock-timeout 0 "$T/defs"
expect_rc 0 "an expired lease does not block (no TTL sweep needed)"
ddbpy put "schratcho-$stage-wwseed-ledger" "{\"pk\":{\"S\":\"lock\"},\"sk\":{\"S\":\"import\"},\"holder\":{\"S\":\"ghost@elsewhere:1\"},\"expiresAt\":{\"N\":\"$((now + 600))\"}}"
run "$WWSEED" import --stage "$stage" --lock-timeout 1 "$T/defs"
expect_rc 6 "a live lease blocks"
expect_contains "$err" "is held by 'ghost@elsewhere:1' (lease ends " "the blocked import names the holder"
run "$WWSEED" import --stage "$stage" --force-unlock "$T/defs"
expect_rc 0 "--force-unlock removes the lock and imports"
expect_contains "$err" "removed the import lock held by 'ghost@elsewhere:1'" "--force-unlock says whose lock it removed"

# 5. a lease taken over mid-run (the run stalled past its lease): no new batch starts
stage4=lst$$
create_tables "$stage4"
"$WWSEED" import --stage "$stage4" --max-wcu 4 --concurrency 1 --lock-lease 3 "$T/defs" >"$T/l.out" 2>"$T/l.err" &
l=$!
wait_for "$T/l.out" "^Plan:" || not_ok "stalled import never planned"
ddbpy put "schratcho-$stage4-wwseed-ledger" "{\"pk\":{\"S\":\"lock\"},\"sk\":{\"S\":\"import\"},\"holder\":{\"S\":\"thief@elsewhere:2\"},\"expiresAt\":{\"N\":\"$(($(date +%s) + 600))\"}}"
wait "$l"; rc=$?
out=$(cat "$T/l.out"); err=$(cat "$T/l.err")
expect_rc 6 "an import whose lease another run took stops"
expect_contains "$err" "wwseed: the import lock in 'schratcho-$stage4-wwseed-ledger' was taken by another run while this one wrote; " "it says the lock was lost"
expect_contains "$out" "not attempted" "and lists what it did not write"

# 6. the ledger: statuses of every run
ddbpy runs "schratcho-$stage-wwseed-ledger" runs "schratcho-$stage2-wwseed-ledger" runs "schratcho-$stage3-wwseed-ledger" \
  runs "schratcho-$stage4-wwseed-ledger" >"$T/statuses"
expect_eq "$(sed -n 1p "$T/statuses")" $'succeeded\tsucceeded\tsucceeded\tsucceeded' "ledger of the concurrent stage: four runs succeeded (the refused ones never started)"
expect_eq "$(sed -n 2p "$T/statuses")" "interrupted" "ledger: the Ctrl-C run is recorded as interrupted"
expect_eq "$(sed -n 3p "$T/statuses")" $'abandoned\tsucceeded' "ledger: the killed run is recorded as abandoned by its re-run, which succeeded"
expect_eq "$(sed -n 4p "$T/statuses")" "failed" "ledger: the run that lost its lease is recorded as failed"
