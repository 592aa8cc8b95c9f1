#!/usr/bin/env bash
# The engine against the local server, per-kind layout: import the frontend
# export, read it back with the AWS CLI, re-import (zero writes), change one
# ticket, orphan a prize, prune (never an item wwseed did not write).
. "$WWSEED_ROOT/tests/lib.sh"
. "$WWSEED_ROOT/tests/integration/test_engine_setup.inc"
stage=imp$$

create_tables "$stage"
mkdir -p "$T/defs"
cp "$EXPORT" "$T/defs/export.json"

# 1. plan before anything exists
run "$WWSEED" plan --stage "$stage" "$T/defs"
expect_rc 0 "plan of an empty table"
expect_contains "$out" "+ create ticket \"classic\"" "plan lists the creates"
expect_contains "$out" "Plan: 32 to create, 0 to update, 0 to delete, 0 unchanged; " "plan summary line"
run "$WWSEED" plan --stage "$stage" --detailed-exitcode "$T/defs"
expect_rc 2 "plan --detailed-exitcode with changes pending"

# 2. import (BatchWriteItem path: --on-conflict overwrite) and read back
run "$WWSEED" import --stage "$stage" --on-conflict overwrite --concurrency 2 --report "$T/r1.json" "$T/defs"
expect_rc 0 "first import"
expect_contains "$out" "tickets     8 created, 0 updated, 0 unchanged, 0 deleted, 0 failed" "summary per kind"
dump "$stage" "$T/got.json"
canon "$EXPORT" >"$T/want.json"
expect_file_eq "$T/got.json" "$T/want.json" "tables read back with the AWS CLI equal the frontend export, number for number"
expect_eq "$(report_field "$T/r1.json" 'r["figures"]["itemsWritten"]')" "32" "report: 32 items written"
expect_eq "$(report_field "$T/r1.json" 'r["figures"]["writeRequests"] <= 4')" "True" "report: writes went as batches (at most 4 requests for 32 items)"
expect_eq "$(report_field "$T/r1.json" '[r["version"], r["status"], len(r["items"])]')" "[1, 'succeeded', 32]" "report: version, status, every item"
meta=$(python3 -c 'import json,sys; m=[i for i in json.load(open(sys.argv[1]))["Items"] if i["id"]["S"]=="grand-prize"][0]["_wwseed"]["M"]; print(m["managedBy"]["S"], m["modelVersion"]["N"], len(m["hash"]["S"]), sorted(m))' "$T/scan-prizes.json")
expect_eq "$meta" "wwseed 1 64 ['changedAt', 'hash', 'managedBy', 'modelVersion', 'runId']" "_wwseed holds managedBy, modelVersion, a sha256 hash, changedAt, runId"
changed0=$(python3 -c 'import json,sys; print([i for i in json.load(open(sys.argv[1]))["Items"] if i["id"]["S"]=="grid"][0]["_wwseed"]["M"]["changedAt"]["S"])' "$T/scan-tickets.json")

# 3. the same again: zero write requests, "No changes"
run env GITHUB_SHA=0123abcd GITHUB_ACTOR=ci-bot "$WWSEED" import --stage "$stage" --report "$T/r2.json" "$T/defs"
expect_rc 0 "second import"
expect_contains "$out" "No changes: the tables match the definitions." "second import says no changes"
expect_eq "$(report_field "$T/r2.json" '[r["figures"]["writeRequests"], r["figures"]["itemsWritten"], r["plan"]["unchanged"]]')" "[0, 0, 32]" "second import sent zero write requests"

# 4. change one ticket: plan names it and its fields, import writes exactly it
edit_defs "$T/defs/export.json" 't=[t for t in d["tickets"] if t["id"]=="classic"][0]; t["goldCost"]=7; t["name"]="Classic Scratch Ticket (v2)"'
run "$WWSEED" plan --stage "$stage" "$T/defs"
expect_rc 0 "plan after changing a ticket"
expect_contains "$out" "~ update ticket \"classic\" (fields: goldCost, name)" "plan names the ticket and the changed fields"
expect_contains "$out" "Plan: 0 to create, 1 to update, 0 to delete, 31 unchanged; 2 WCU" "plan: exactly one update (the ticket's item is 1-2 KB: 2 WCU)"
run "$WWSEED" import --stage "$stage" --report "$T/r3.json" "$T/defs"
expect_rc 0 "import of the changed ticket"
expect_eq "$(report_field "$T/r3.json" '[(i["id"], i["outcome"]) for i in r["items"] if i["outcome"] != "unchanged"]')" "[('classic', 'updated')]" "report: only that ticket updated"
expect_eq "$(report_field "$T/r3.json" '[r["figures"]["itemsWritten"], r["figures"]["writeRequests"]]')" "[1, 1]" "one item written in one request"
got=$(awsddb batch-get-item --request-items "{\"schratcho-$stage-tickets\":{\"Keys\":[{\"id\":{\"S\":\"classic\"}},{\"id\":{\"S\":\"grid\"}}]}}" \
  --query "Responses.\"schratcho-$stage-tickets\"[].[id.S, goldCost.N, name.S, _wwseed.M.changedAt.S]" --output text | sort)
expect_contains "$got" $'classic\t7\tClassic Scratch Ticket (v2)' "the table holds the new ticket"
expect_contains "$got" $'grid\t'"$(python3 -c 'import json,sys; print([i for i in json.load(open(sys.argv[1]))["Items"] if i["id"]["S"]=="grid"][0]["goldCost"]["N"])' "$T/scan-tickets.json")"$'\t' "grid read back"
expect_contains "$got" "$changed0" "changedAt of an unchanged ticket did not move"

# 5. orphans: add a spare prize, then remove it; a hand-made item is never touched
edit_defs "$T/defs/export.json" 'd["prizes"].append({"id": "spare-prize", "name": "Spare", "value": "1 Gold", "emoji": "\U0001fa99"})'
run "$WWSEED" import --stage "$stage" "$T/defs"
expect_rc 0 "import with a spare prize"
ddbpy put "schratcho-$stage-prizes" '{"id":{"S":"hand-made"},"name":{"S":"put by hand"}}' \
  put "schratcho-$stage-prizes" '{"id":{"S":"other-tool"},"_wwseed":{"M":{"managedBy":{"S":"someone-else"}}}}'
edit_defs "$T/defs/export.json" 'd["prizes"] = [p for p in d["prizes"] if p["id"] != "spare-prize"]'
run "$WWSEED" plan --stage "$stage" "$T/defs"
expect_contains "$out" "- orphaned prize \"spare-prize\"" "plan reports the removed prize as orphaned"
expect_not_contains "$out" "hand-made" "an item wwseed did not write is not an orphan"
expect_contains "$out" "1 orphaned (kept; --prune deletes them)" "without --prune orphans are kept"
run "$WWSEED" import --stage "$stage" "$T/defs"
expect_rc 0 "import without --prune"
expect_contains "$out" "prizes      0 created, 0 updated, 15 unchanged, 0 deleted, 0 failed, 1 orphaned kept" "summary: orphan kept"
# an orphan that loses the mark between plan and delete is not deleted
mkdir -p "$T/barrier"
WWSEED_TEST_PLAN_BARRIER=$T/barrier "$WWSEED" import --stage "$stage" --prune "$T/defs" >"$T/p.out" 2>"$T/p.err" &
pid=$!
for _ in $(seq 1 200); do [[ -f $T/barrier/planned ]] && break; sleep 0.1; done
ddbpy update "schratcho-$stage-prizes" '{"id":{"S":"spare-prize"}}' 'SET #w.managedBy = :o' '{":o":{"S":"the-backend"}}' '{"#w":"_wwseed"}'
touch "$T/barrier/go"
wait "$pid"; rc=$?
out=$(cat "$T/p.out")
expect_rc 0 "prune of an item that lost the mark meanwhile"
expect_contains "$out" "skipped delete prize \"spare-prize\": conflict: not deleted: the item changed or lost the wwseed mark since plan read it" "the delete is skipped and says why"
ddbpy update "schratcho-$stage-prizes" '{"id":{"S":"spare-prize"}}' 'SET #w.managedBy = :o' '{":o":{"S":"wwseed"}}' '{"#w":"_wwseed"}'
run "$WWSEED" import --stage "$stage" --prune "$T/defs"
expect_rc 0 "import --prune"
expect_contains "$out" "- delete orphaned prize \"spare-prize\"" "prune plan says delete"
expect_contains "$out" "prizes      0 created, 0 updated, 15 unchanged, 1 deleted, 0 failed" "prune summary"
ids=$(awsddb scan --table-name "schratcho-$stage-prizes" --query 'Items[].id.S' --output text | tr '\t' '\n' | sort | tr '\n' ' ')
expect_contains "$ids" "hand-made" "the hand-made item is still there"
expect_contains "$ids" "other-tool" "an item another tool marked is still there"
expect_not_contains "$ids" "spare-prize" "--prune deleted the orphan"

# 6. the ledger recorded every import, the lock is gone
awsddb scan --table-name "schratcho-$stage-wwseed-ledger" >"$T/ledger.json"
runs=$(python3 -c 'import json,sys; print(" ".join(sorted(i["status"]["S"] for i in json.load(open(sys.argv[1]))["Items"] if i["pk"]["S"]=="run")))' "$T/ledger.json")
expect_eq "$runs" "succeeded succeeded succeeded succeeded succeeded succeeded succeeded" "ledger: seven runs, all succeeded"
first=$(python3 -c 'import json,sys; r=sorted((i for i in json.load(open(sys.argv[1]))["Items"] if i["pk"]["S"]=="run"), key=lambda i: i["sk"]["S"])[0]; print(len(r["inputDigest"]["S"]), r["counts"]["M"]["tickets"]["M"]["created"]["N"], r["layout"]["S"], r["sk"]["S"].endswith("#"+r["runId"]["S"]), "endedAt" in r)' "$T/ledger.json")
expect_eq "$first" "64 8 per-kind True True" "ledger run: input digest, counts per kind, layout, sk = start#runId, endedAt"
ci=$(python3 -c 'import json,sys; print(*[(i["commit"]["S"], i["actor"]["S"]) for i in json.load(open(sys.argv[1]))["Items"] if "commit" in i])' "$T/ledger.json")
expect_eq "$ci" "('0123abcd', 'ci-bot')" "ledger: commit and actor from GITHUB_SHA and GITHUB_ACTOR"
expect_eq "$(python3 -c 'import json,sys; print(sum(i["pk"]["S"]=="lock" for i in json.load(open(sys.argv[1]))["Items"]))' "$T/ledger.json")" "0" "the lock is released after the import"
run "$WWSEED" status --stage "$stage" "$T/defs"
expect_rc 0 "status"
expect_contains "$out" "The tables match the definitions." "status compares the definitions"
expect_eq "$(printf '%s\n' "$out" | grep -c ' succeeded ')" "7" "status lists the runs"
run "$WWSEED" status --stage "$stage" --limit 2 "$T/defs"
expect_eq "$(printf '%s\n' "$out" | grep -c ' succeeded ')" "2" "status --limit"
