#!/usr/bin/env bash
# wwseed validate: exit codes, exact output in every format, options.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"
FX=tests/fixtures/defs
E=$FX/expected

# The real seeds validate, with exactly the expected report.
run "$WWSEED" validate seeds/
expect_rc 0 "seeds validate"
expect_file_eq "$T/stdout" "$E/seeds.txt" "seeds report matches expected/seeds.txt"
expect_eq "$err" "" "nothing on stderr for valid seeds"

run "$WWSEED" validate "$SHARED/game-data/frontend-export.json"
expect_rc 0 "the frontend export validates"

# Every format against its expected file (3 errors, 3 warnings, 2 infos).
for f in text json github junit; do
  run "$WWSEED" validate --format "$f" $FX/mixed/
  expect_rc 3 "mixed set is invalid ($f)"
  expect_file_eq "$T/stdout" "$E/mixed.$f" "format $f matches expected/mixed.$f"
done
run "$WWSEED" validate --format json $FX/mixed/
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["version"]==1 and r["summary"]=={"errors":3,"warnings":3,"infos":2}, r["summary"]' "$T/stdout"; then
  ok "json report parses, version 1, summary counts"
else not_ok "json report parses, version 1, summary counts"; fi
run "$WWSEED" validate --format junit $FX/mixed/
if python3 -c 'import sys,xml.etree.ElementTree as ET; r=ET.parse(sys.argv[1]).getroot(); assert len(r.findall(".//failure"))==3' "$T/stdout"; then
  ok "junit report is well-formed XML with 3 failures"
else not_ok "junit report is well-formed XML with 3 failures"; fi

# Usage errors: exit 2, message on stderr.
run "$WWSEED" validate
expect_rc 2 "no path"
expect_eq "$err" "wwseed validate: no path given
usage: wwseed validate [--format text|json|github|junit] [--strict] [--warnings-as-errors]
                       [--kind KIND] [--quiet] [--no-color] PATH...
Try 'wwseed validate --help' for more information." "no path: message and usage"
run "$WWSEED" validate --frobnicate seeds/
expect_rc 2 "unknown option"
expect_contains "$err" "wwseed validate: unknown option '--frobnicate'" "unknown option named"
run "$WWSEED" validate --format xml seeds/
expect_rc 2 "unknown format"
expect_contains "$err" "unknown format 'xml'; expected text, json, github or junit" "unknown format named"
run "$WWSEED" validate --kind gizmos seeds/
expect_rc 2 "unknown kind"
expect_contains "$err" "unknown kind 'gizmos'" "unknown kind named"
run "$WWSEED" validate --help
expect_rc 0 "--help"
expect_contains "$out" "usage: wwseed validate" "--help prints usage on stdout"
expect_eq "$err" "" "--help prints nothing on stderr"

# A path that does not exist: a diagnostic, exit 3.
run "$WWSEED" validate seeds/ /nonexistent/defs.json
expect_rc 3 "nonexistent path"
expect_contains "$out" "/nonexistent/defs.json: error[file-read]: cannot read path '/nonexistent/defs.json': No such file or directory" "nonexistent path reported"

# Warnings: exit 0, unless --warnings-as-errors; unknown fields are errors under --strict.
run "$WWSEED" validate $FX/invalid/unknown_field.json
expect_rc 0 "warnings alone are valid"
expect_contains "$out" "warning[unknown-field]: unknown field 'goldcost' in ticket" "unknown field warned"
expect_contains "$out" "  hint: did you mean 'goldCost'?" "did-you-mean hint"
run "$WWSEED" validate --warnings-as-errors $FX/invalid/unknown_field.json
expect_rc 3 "--warnings-as-errors"
run "$WWSEED" validate --strict $FX/invalid/unknown_field.json
expect_rc 3 "--strict"
expect_contains "$out" "error[unknown-field]" "--strict makes unknown fields errors"

# --quiet: errors only, no summary.
run "$WWSEED" validate --quiet $FX/mixed/
expect_rc 3 "--quiet still fails"
expect_eq "$(grep -c '' <<<"$out")" "5" "--quiet prints 3 errors and 2 hints only"
expect_not_contains "$out" "warning[" "--quiet hides warnings"

# --kind reads an array whatever the file name.
cp $FX/mixed/prizes.json "$T/odd-name.json"
run "$WWSEED" validate "$T/odd-name.json"
expect_rc 3 "an array without a kind"
expect_contains "$out" "error[kind-unknown]" "kind-unknown reported"
run "$WWSEED" validate --kind prizes "$T/odd-name.json"
expect_rc 0 "--kind prizes"
expect_contains "$out" "3 prizes, 0 scratchers" "--kind read three prizes"

# JSON Lines streamed: 20000 tickets validate.
python3 - "$T/tickets.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write(json.dumps({"id": f"t-{i}", "name": "T", "description": "d",
            "scratchAreas": [{"id": "a", "topPercent": 0, "leftPercent": 0, "widthPercent": 1,
              "heightPercent": 1, "canvasWidth": 10, "canvasHeight": 10, "revealThreshold": 50}],
            "revealMechanic": "independent", "winCondition": "match-three", "ticketWidth": 10,
            "ticketHeight": 10, "prizeConfigs": [{"prizeId": "grand-prize", "weight": 1}]}) + "\n")
PY
run "$WWSEED" validate seeds/prizes.json "$T/tickets.jsonl"
expect_rc 0 "20000 JSON Lines tickets"
expect_eq "$(tail -n1 <<<"$out")" "15 prizes, 0 scratchers, 20000 tickets, 0 stores: 0 errors, 0 warnings, 14 infos" "stream summary"

# Colour: only on a terminal, never with NO_COLOR or --no-color.
run "$WWSEED" validate $FX/invalid/unknown_field.json
expect_not_contains "$out" $'\033[' "no colour when stdout is not a terminal"
if command -v script >/dev/null; then
  script -qec "$WWSEED validate $FX/invalid/unknown_field.json" /dev/null >"$T/tty" 2>&1
  expect_contains "$(cat "$T/tty")" $'\033[1;33mwarning\033[0m' "colour on a terminal"
  NO_COLOR=1 script -qec "$WWSEED validate $FX/invalid/unknown_field.json" /dev/null >"$T/tty" 2>&1
  expect_not_contains "$(cat "$T/tty")" $'\033[' "NO_COLOR turns colour off"
  script -qec "$WWSEED validate --no-color $FX/invalid/unknown_field.json" /dev/null >"$T/tty" 2>&1
  expect_not_contains "$(cat "$T/tty")" $'\033[' "--no-color turns colour off"
fi

# Each invalid fixture through the binary: exit 3 when its rule is an error,
# else 0, and the diagnostic at its line and column.
bad=0
while read -r name sev code pos; do
  [[ $name == \#* || -z $name ]] && continue
  "$WWSEED" validate --no-color "$FX/invalid/$name" >"$T/fx" 2>&1; rc=$?
  want=0; [[ $sev == error ]] && want=3
  if [[ $rc -ne $want ]] || ! grep -qF "$FX/invalid/$name:$pos: $sev[$code]" "$T/fx"; then
    echo "# $name: exit $rc (want $want), no '$sev[$code]' at $pos"; bad=1
  fi
done <$FX/invalid.expected
if ((bad)); then not_ok "every invalid fixture through the CLI"; else ok "every invalid fixture through the CLI"; fi

# Every rule code the sources can emit is documented in docs/models.md.
if python3 - <<'PY'
import glob, re, sys
src = "".join(open(f).read() for f in glob.glob("models/*.c") + ["migrate/source.c"])
codes = set(re.findall(r'WW_SEV_\w+,\s*"([a-z][a-z0-9-]*)"', src))
codes |= set(re.findall(r'"(json-[a-z0-9-]+)"', src))
for a, b in re.findall(r'\?\s*"([a-z]+-[a-z-]+)"\s*:\s*"([a-z]+-[a-z-]+)"', src):
    codes |= {a, b}
codes |= set(re.findall(r'code = "([a-z-]+)"', src))
doc = open("docs/models.md", encoding="utf-8").read()
missing = sorted(c for c in codes if f"| `{c}` |" not in doc)
if len(codes) < 40 or missing:
    print("# undocumented codes:", missing, "found", len(codes))
    sys.exit(1)
PY
then ok "every rule code is documented"; else not_ok "every rule code is documented"; fi
