#!/usr/bin/env bash
# The single-table layout against the local server: PK = SK = TYPE#id,
# bookkeeping (entityType, createdAt, updatedAt, version), the GSI
# EntityTypeIndex per kind, re-import writing nothing, an update keeping
# createdAt, and an edit made between plan and write reported as a conflict.
. "$WWSEED_ROOT/tests/lib.sh"
. "$WWSEED_ROOT/tests/integration/test_engine_setup.inc"
stage=one$$
table=schratcho-$stage-game-data
mkdir -p "$T/defs"
cp "$EXPORT" "$T/defs/export.json"
canon "$EXPORT" >"$T/want.json"
create_single_table "$stage"

# query_kinds OUT: a Query on EntityTypeIndex per kind (AWS CLI), bookkeeping stripped
query_kinds() {
  local k e
  for k in prizes:Prize scratchers:Scratcher tickets:Ticket stores:Store; do
    e=${k#*:}
    awsddb query --table-name "$table" --index-name EntityTypeIndex --key-condition-expression 'entityType = :e' \
      --expression-attribute-values "{\":e\":{\"S\":\"$e\"}}" >"$T/scan-${k%%:*}.json"
  done
  python3 "$T/unmarshal.py" "$T" "$EXPORT" _wwseed PK SK entityType createdAt updatedAt version >"$1"
}

run "$WWSEED" import --layout single-table --stage "$stage" --report "$T/r1.json" "$T/defs"
expect_rc 0 "import into the single table"
expect_contains "$out" "Plan: 32 to create, 0 to update, 0 to delete, 0 unchanged; " "plan of the single table"
query_kinds "$T/got.json"
expect_file_eq "$T/got.json" "$T/want.json" "EntityTypeIndex per kind returns exactly the definitions after stripping bookkeeping"
item=$(python3 -c 'import json,sys
i=[i for i in json.load(open(sys.argv[1]))["Items"] if i["id"]["S"]=="classic"][0]
print(i["PK"]["S"], i["SK"]["S"], i["entityType"]["S"], i["version"]["N"], i["createdAt"]["S"]==i["updatedAt"]["S"], i["_wwseed"]["M"]["managedBy"]["S"])' "$T/scan-tickets.json")
expect_eq "$item" "TICKET#classic TICKET#classic Ticket 1 True wwseed" "a created item: PK = SK = TYPE#id, entityType, version 1, createdAt = updatedAt"
created0=$(python3 -c 'import json,sys; print([i for i in json.load(open(sys.argv[1]))["Items"] if i["id"]["S"]=="classic"][0]["createdAt"]["S"])' "$T/scan-tickets.json")

run "$WWSEED" import --layout single-table --stage "$stage" --report "$T/r2.json" "$T/defs"
expect_rc 0 "re-import into the single table"
expect_contains "$out" "No changes" "re-import says no changes"
expect_eq "$(report_field "$T/r2.json" 'r["figures"]["writeRequests"]')" "0" "re-import sent zero write requests"

# an update keeps createdAt, bumps version, moves updatedAt
edit_defs "$T/defs/export.json" '[t for t in d["tickets"] if t["id"]=="classic"][0]["goldCost"]=9'
run "$WWSEED" import --layout single-table --stage "$stage" "$T/defs"
expect_rc 0 "import of a changed ticket"
expect_contains "$out" "~ update ticket \"classic\" (fields: goldCost)" "the plan names the change"
got=$(awsddb get-item --table-name "$table" --key '{"PK":{"S":"TICKET#classic"},"SK":{"S":"TICKET#classic"}}' \
  --query 'Item.[goldCost.N, version.N, createdAt.S, updatedAt.S]' --output text)
IFS=$'\t' read -r gold version created updated <<<"$got"
expect_eq "$gold $version $created" "9 2 $created0" "update: new value, version 2, createdAt kept"
if [[ $updated > $created0 ]]; then ok "update: updatedAt moved ($updated)"; else not_ok "updatedAt did not move: $updated"; fi

# an edit between plan and write: conflict, not overwritten (default fail)
edit_defs "$T/defs/export.json" '[t for t in d["tickets"] if t["id"]=="classic"][0]["goldCost"]=11'
mkdir -p "$T/barrier"
WWSEED_TEST_PLAN_BARRIER=$T/barrier "$WWSEED" import --layout single-table --stage "$stage" --report "$T/r4.json" "$T/defs" >"$T/c.out" 2>"$T/c.err" &
pid=$!
for _ in $(seq 1 200); do [[ -f $T/barrier/planned ]] && break; sleep 0.1; done
# the backend edits the item as it does: a field, version + 1, updatedAt
ddbpy update "$table" '{"PK":{"S":"TICKET#classic"},"SK":{"S":"TICKET#classic"}}' \
  'SET #n = :n, version = version + :one, updatedAt = :u' '{":n":{"S":"Edited in the console"},":one":{"N":"1"},":u":{"S":"2099-01-01T00:00:00.000Z"}}' '{"#n":"name"}' 2>&1 ||
  not_ok "could not edit the item"
touch "$T/barrier/go"
wait "$pid"; rc=$?
out=$(cat "$T/c.out"); err=$(cat "$T/c.err")
expect_rc 1 "an edit made after plan read the item fails the import (--on-conflict fail)"
expect_contains "$out" "not written update ticket \"classic\": conflict: " "the summary reports the conflict"
expect_contains "$err" "wwseed: 1 items changed in the table since plan read them (--on-conflict fail)" "the error says why"
expect_eq "$(report_field "$T/r4.json" '[(i["id"], i["outcome"], i["error"]["type"]) for i in r["items"] if i["outcome"] != "unchanged"]')" \
  "[('classic', 'conflict', 'ConditionalCheckFailedException')]" "the report lists the conflict with the AWS error type"
got=$(awsddb get-item --table-name "$table" --key '{"PK":{"S":"TICKET#classic"},"SK":{"S":"TICKET#classic"}}' \
  --query 'Item.[name.S, goldCost.N, version.N]' --output text)
expect_eq "$got" $'Edited in the console\t9\t3' "the edit was not overwritten"

# the decision is the user's: skip leaves it, overwrite replaces it
run "$WWSEED" import --layout single-table --stage "$stage" --on-conflict overwrite "$T/defs"
expect_rc 0 "--on-conflict overwrite"
expect_contains "$out" "~ update ticket \"classic\" (fields: goldCost, name)" "a fresh plan sees the edit"
got=$(awsddb get-item --table-name "$table" --key '{"PK":{"S":"TICKET#classic"},"SK":{"S":"TICKET#classic"}}' \
  --query 'Item.[name.S, goldCost.N, version.N, createdAt.S]' --output text)
expect_eq "$got" $'Classic Scratch Ticket\t11\t4\t'"$created0" "overwrite wrote the definition, version 4, createdAt kept"

# a layout file: the team's own key templates, no code change
cat >"$T/layout.json" <<'JSON'
{"name": "by-type", "bookkeeping": {"version": "rev"},
 "kinds": {"prize": {"table": "game-data", "key": {"PK": "DEF#${TYPE}", "SK": "${id}"}},
           "scratcher": {"table": "game-data", "key": {"PK": "DEF#${TYPE}", "SK": "${id}"}},
           "ticket": {"table": "game-data", "type": "TKT", "key": {"PK": "DEF#${TYPE}", "SK": "${id}"}},
           "store": {"table": "game-data", "key": {"PK": "DEF#${TYPE}", "SK": "${id}"}}}}
JSON
ddbpy table "lay$$-game-data" PK,SK table "lay$$-ledger" pk,sk
run "$WWSEED" import --layout-file "$T/layout.json" --table "game-data=lay$$-game-data" --table "ledger=lay$$-ledger" "$T/defs"
expect_rc 0 "import with a layout file"
got=$(awsddb get-item --table-name "lay$$-game-data" --key '{"PK":{"S":"DEF#TKT"},"SK":{"S":"classic"}}' --query 'Item.[id.S, rev.N, _wwseed.M.managedBy.S]' --output text)
expect_eq "$got" $'classic\t1\twwseed' "the layout file's key templates and bookkeeping"
run "$WWSEED" plan --layout-file "$T/layout.json" --table "game-data=lay$$-game-data" --detailed-exitcode "$T/defs"
expect_rc 0 "a plan with the layout file finds every item again (no changes)"
