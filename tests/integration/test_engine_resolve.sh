#!/usr/bin/env bash
# Finding the tables, against the local server: --table, the environment,
# --cdk-outputs, the stage's names, in that order; the error lists what was
# tried.
. "$WWSEED_ROOT/tests/lib.sh"
. "$WWSEED_ROOT/tests/integration/test_engine_setup.inc"
r=res$$
mkdir -p "$T/defs"
cp "$EXPORT" "$T/defs/export.json"

# Four sets of tables: flag-*, env-*, out-*, and the stage's own names.
args=()
for set in flag env out; do
  for k in prizes scratchers tickets stores; do args+=(table "$r-$set-$k" id); done
  args+=(table "$r-$set-ledger" pk,sk)
done
ddbpy "${args[@]}" per-kind "$r"
flags=() envs=()
for k in prizes scratchers tickets stores ledger; do
  flags+=(--table "$k=$r-flag-$k")
  K=$(tr a-z A-Z <<<"$k")
  envs+=("WWSEED_TABLE_$K=$r-env-$k")
done
cat >"$T/outputs.json" <<EOF
{"Schratcho-$r": {"PrizesTableName": "$r-out-prizes", "ScratchersTableName": "$r-out-scratchers",
  "TicketsTableName": "$r-out-tickets", "StoresTableName": "$r-out-stores", "LedgerTableName": "$r-out-ledger",
  "GameDataTableName": "$r-out-game-data"}}
EOF
count() { awsddb scan --table-name "$1" --select COUNT --query Count --output text; }

# All four at once: --table wins.
run env "${envs[@]}" "$WWSEED" import --stage "$r" --cdk-outputs "$T/outputs.json" "${flags[@]}" "$T/defs"
expect_rc 0 "import with all four ways given"
expect_eq "$(count "$r-flag-prizes")" "15" "--table beats the environment, the outputs file and the stage"
# Without --table: the environment.
run env "${envs[@]}" "$WWSEED" import --stage "$r" --cdk-outputs "$T/outputs.json" "$T/defs"
expect_rc 0 "import with the environment, outputs and stage"
expect_eq "$(count "$r-env-tickets")" "8" "the environment beats the outputs file and the stage"
# Without the environment: the outputs file.
run "$WWSEED" import --stage "$r" --cdk-outputs "$T/outputs.json" "$T/defs"
expect_rc 0 "import with the outputs file and stage"
expect_eq "$(count "$r-out-stores")" "3" "--cdk-outputs beats the stage"
# Only the stage.
run "$WWSEED" import --stage "$r" "$T/defs"
expect_rc 0 "import with the stage alone"
expect_eq "$(count "schratcho-$r-scratchers")" "6" "the stage's naming convention"
expect_eq "$(count "$r-flag-scratchers") $(count "$r-env-prizes")" "6 15" "each earlier import went where its way said"

# None works: the error lists what was tried, in order.
run "$WWSEED" plan --stage "none$r" "$T/defs"
expect_rc 4 "no table found"
expect_eq "$err" "wwseed: table 'schratcho-none$r-prizes' for prizes (from stage 'none$r') does not exist; tried: --table prizes=NAME: not given; WWSEED_TABLE_PRIZES: not set; --cdk-outputs: not given; stage 'none$r'" \
  "the error names the table, where its name came from and what was tried"
echo '{"Other": {"PrizesTableName": "x"}, "More": {}}' >"$T/bad-outputs.json"
run env WWSEED_TABLE_PRIZES="$r-nope" "$WWSEED" plan --stage "none$r" --cdk-outputs "$T/bad-outputs.json" "$T/defs"
expect_rc 4 "a table named by the environment that does not exist"
expect_eq "$err" "wwseed: table '$r-nope' for prizes (from WWSEED_TABLE_PRIZES) does not exist; tried: --table prizes=NAME: not given; WWSEED_TABLE_PRIZES" \
  "the error says the environment named it"
run "$WWSEED" import --stage "none$r" --table "prizes=$r-flag-prizes" --table "scratchers=$r-flag-scratchers" \
  --table "tickets=$r-flag-tickets" --table "stores=$r-flag-stores" --cdk-outputs "$T/bad-outputs.json" "$T/defs"
expect_rc 4 "import without a ledger table"
expect_eq "$err" "wwseed: table 'schratcho-none$r-wwseed-ledger' for ledger (from stage 'none$r') does not exist; tried: --table ledger=NAME: not given; WWSEED_TABLE_LEDGER: not set; --cdk-outputs $T/bad-outputs.json: no LedgerTableName (no stack Schratcho-<stage>); stage 'none$r'" \
  "the ledger is resolved the same way and its error lists the outputs file"
