#!/usr/bin/env bash
# wwseed schema: a draft 2020-12 JSON Schema that an independent validator
# (ajv) accepts, that accepts the seeds and rejects invalid definitions.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"
FX=tests/fixtures/defs/invalid

run "$WWSEED" schema
expect_rc 0 "schema prints"
expect_eq "$err" "" "nothing on stderr"
printf '%s\n' "$out" >"$T/schema.json"
if python3 - "$T/schema.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
t = s["$defs"]["ticket"]
assert t["additionalProperties"] is False
assert "prizeConfigs" in t["properties"] and "bettingConfig" in t["properties"]
assert s["$defs"]["scratchArea"]["properties"]["revealThreshold"] == {
    "description": "percent scratched to reveal, 0..100", "type": "number", "minimum": 0, "maximum": 100}
assert "reveal-all" in t["properties"]["revealMechanic"]["enum"]
for k in ("prize", "scratcher", "ticket", "store", "stateEffect", "handEffect", "handCondition",
          "effects", "style", "scratchArea", "prizeConfig", "bettingConfig", "betOption"):
    assert k in s["$defs"], k
PY
then ok "schema is JSON with every model and the table's ranges and enums"; else not_ok "schema is JSON with every model and the table's ranges and enums"; fi

run "$WWSEED" schema --bogus
expect_rc 2 "schema: unknown option"
run "$WWSEED" schema extra
expect_rc 2 "schema: unexpected argument"
run "$WWSEED" schema --help
expect_rc 0 "schema --help"
expect_contains "$out" "usage: wwseed schema" "schema --help on stdout"

# The seeds, the frontend export, and definitions with only warnings are
# accepted; a sample of invalid fixtures is rejected.
run node tests/cli/schema_check.js "$T/schema.json" \
  --valid seeds/prizes.json seeds/scratchers.json seeds/tickets.json seeds/stores.json \
  "$SHARED/game-data/frontend-export.json" tests/fixtures/defs/valid.json \
  $FX/deprecated_reveal.json $FX/deprecated_win.json $FX/weight_zero.json \
  --invalid $FX/type_string.json $FX/type_number.json $FX/type_state_value.json \
  $FX/type_definition.json $FX/missing_required.json $FX/scratch_areas_empty.json \
  $FX/unknown_field.json $FX/unknown_export_member.json $FX/enum_unknown.json \
  $FX/enum_state_field.json $FX/hand_condition_enum.json $FX/id_format.json $FX/id_empty.json \
  $FX/area_id_format.json $FX/area_range.json $FX/reveal_threshold.json $FX/canvas_zero.json \
  $FX/ticket_width_zero.json $FX/scratch_radius_negative.json $FX/gold_cost_negative.json \
  $FX/bet_amount_zero.json $FX/win_multiplier_negative.json $FX/ref_achievement.json \
  $FX/top_level_string.json
expect_rc 0 "ajv accepts the seeds and rejects the invalid sample"
printf '%s\n' "$out" | sed 's/^/# /'
expect_eq "$(grep -c '^invalid ' <<<"$out")" "24" "24 invalid fixtures rejected"

# docs/models.md documents every model and field the schema has.
if python3 - "$T/schema.json" docs/models.md <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
doc = open(sys.argv[2], encoding="utf-8").read()
missing = []
for name, m in s["$defs"].items():
    if name == "export":
        continue
    if f"#### {name}\n" not in doc:
        missing.append(name)
    for f in m["properties"]:
        if f"| `{f}` |" not in doc:
            missing.append(f"{name}.{f}")
if missing:
    print("# missing from docs/models.md:", ", ".join(missing))
    sys.exit(1)
PY
then ok "docs/models.md has every model and field"; else not_ok "docs/models.md has every model and field"; fi
