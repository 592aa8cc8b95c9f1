#!/usr/bin/env bash
# The fuzz group of `make test`: builds every tests/fuzz/fuzz_*.c with
# libFuzzer (mk/fuzz.mk) and runs each for FUZZ_SMOKE_SECONDS (10) from its
# checked-in corpus; a crash, leak or sanitizer report fails the target and
# leaves the input in build-fuzz/crashes/ (make it a fixture).
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"
secs=${FUZZ_SMOKE_SECONDS:-10}

if ! command -v clang >/dev/null; then
  not_ok "clang is needed to build the fuzz targets"; exit 1
fi
if make --no-print-directory fuzz-build >"$T/build.log" 2>&1; then
  ok "fuzz targets build"
else
  not_ok "fuzz targets build"; tail -n 30 "$T/build.log" | sed 's/^/#   /'; exit 1
fi
mkdir -p build-fuzz/crashes
for src in tests/fuzz/fuzz_*.c; do
  n=$(basename "$src" .c)
  mkdir -p "$T/corpus/$n" "tests/fuzz/corpus/$n"
  if build-fuzz/"$n" -max_total_time="$secs" -max_len=65536 -timeout=10 \
      -artifact_prefix="build-fuzz/crashes/$n-" "$T/corpus/$n" "tests/fuzz/corpus/$n" >"$T/$n.log" 2>&1; then
    ok "$n: no crash in ${secs}s ($(grep -o 'Done [0-9]* runs' "$T/$n.log" | head -1))"
  else
    not_ok "$n crashed"; grep -E 'ERROR|SUMMARY|artifact|Test unit written' "$T/$n.log" | head -10 | sed 's/^/#   /'
  fi
done
