#!/usr/bin/env bash
# make fuzz-bugs: show that the model differential finds every planted bug.
#
#   fuzz/bugs.sh [--update-regress] [--clean-execs N] [NAME...]
#                                    (NAME: bug_mask_off_by_one, ...; default all)
#
# For each planted-bug harness fuzz/bug_*/ (the naive float32 forward pass of
# fuzz/models/naive_f32.c with one bug, against the proven float32 tolerance): AFL++ from the
# harness's seeds for at most $FUZZ_BUG_SECONDS (default 60) seconds, stopping at the first
# crash (AFL_BENCH_UNTIL_CRASH); then afl-tmin minimizes the crashing input; the minimized
# reproducer is run once more to print its signature line. Prints, per bug: found yes/no,
# seconds to the first crash (wall clock from the start of afl-fuzz, calibration included),
# the reproducer's path and its signature. --update-regress also copies each minimized
# reproducer to fuzz/<name>/regress/ (what `fuzz/run.sh --replay`, hence make check, replays).
# --clean-execs N (make check uses 100000): afterwards the correct model (harness "model",
# the same forward pass without a bug) is fuzzed for N executions (afl-fuzz -E N, at most
# $FUZZ_CLEAN_SECONDS, default 900) and must reach N executions without a crash.
# Exit 1 if a bug was not found or the correct model crashed or fell short of N executions.
# Built without sanitizers (FUZZ_SANITIZE=0: the bugs are logic errors the oracle sees; ASan
# would only slow the search down; make fuzz runs every harness under ASan+UBSan).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

update=0; clean_execs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --update-regress) update=1; shift ;;
    --clean-execs) clean_execs=${2:?--clean-execs needs a count}; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
SECS=${FUZZ_BUG_SECONDS:-60}
OUT=${FUZZ_BUILD:-build/fuzz}

names=()
if [ $# -gt 0 ]; then names=("$@"); else
  for d in fuzz/bug_*/; do names+=("$(basename "$d")"); done
fi
[ ${#names[@]} -gt 0 ] || { echo "fuzz/bugs.sh: no planted-bug harness fuzz/bug_*" >&2; exit 2; }

extra=(); [ "$clean_execs" -gt 0 ] && extra=(model)
FUZZ_SANITIZE=0 FUZZ_BUILD="$OUT" bash fuzz/run.sh --build "${names[@]}" "${extra[@]}" >/dev/null
bindir="$OUT/afl-nosan"
res="$OUT/bugs"
mkdir -p "$res"

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1 AFL_BENCH_UNTIL_CRASH=1 AFL_QUIET=1

lines=(); missed=0
for name in "${names[@]}"; do
  bin="$bindir/fuzz_$name"
  out="$res/$name.out"; rm -rf "$out"
  echo "fuzz-bugs $name: afl-fuzz, at most ${SECS}s, stop at the first crash" >&2
  t0=$(date +%s.%N)
  set +e
  timeout $((SECS + 30)) afl-fuzz -V "$SECS" -m none -t 1000+ -i "fuzz/$name/corpus" -o "$out" \
    -- "$bin" >"$res/$name.log" 2>&1
  set -e
  t1=$(date +%s.%N)
  crash=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | sort | head -n1)
  if [ -z "$crash" ]; then
    lines+=("$name|no|-|-|-"); missed=1; continue
  fi
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')
  execs=$(sed -n 's/^execs_done *: *//p' "$out/default/fuzzer_stats" 2>/dev/null | head -n1)
  min="$res/$name.min"
  afl-tmin -i "$crash" -o "$min" -- "$bin" >"$res/$name.tmin.log" 2>&1 || cp "$crash" "$min"
  sig=$("$bin" "$min" 2>&1 >/dev/null | grep -m1 '^SIGNATURE' || true)
  if [ $update = 1 ]; then
    mkdir -p "fuzz/$name/regress"
    cp "$min" "fuzz/$name/regress/min_$name"
  fi
  lines+=("$name|yes|${secs}s (${execs:-?} execs)|$min ($(stat -c %s "$min") bytes)|${sig:-?}")
done

echo
echo "planted bug              found  time to find            reproducer (afl-tmin)"
for l in "${lines[@]}"; do
  IFS='|' read -r n f t p s <<<"$l"
  printf '%-24s %-6s %-23s %s\n' "${n#bug_}" "$f" "$t" "$p"
  [ "$s" = - ] || printf '    %s\n' "$s"
done
if [ $missed = 1 ]; then echo "fuzz-bugs: FAILED (a planted bug was not found in ${SECS}s)"; exit 1; fi
echo "fuzz-bugs: every planted bug found"

if [ "$clean_execs" -gt 0 ]; then
  out="$res/model.out"; rm -rf "$out"
  unset AFL_BENCH_UNTIL_CRASH
  cap=${FUZZ_CLEAN_SECONDS:-900}
  echo "fuzz-bugs: the correct model, $clean_execs executions (at most ${cap}s)" >&2
  t0=$(date +%s.%N)
  set +e
  timeout $((cap + 30)) afl-fuzz -E "$clean_execs" -V "$cap" -m none -t 1000+ \
    -i fuzz/model/corpus -o "$out" -- "$bindir/fuzz_model" >"$res/model.log" 2>&1
  set -e
  t1=$(date +%s.%N)
  execs=$(sed -n 's/^execs_done *: *//p' "$out/default/fuzzer_stats" 2>/dev/null | head -n1)
  eps=$(sed -n 's/^execs_per_sec *: *//p' "$out/default/fuzzer_stats" 2>/dev/null | head -n1)
  crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b - a}')
  echo "correct model            ${execs:-0} execs in ${secs}s (${eps:-?}/s), crashes $crashes"
  if [ "$crashes" -gt 0 ]; then
    echo "fuzz-bugs: FAILED (the correct model crashed: $out/default/crashes)"; exit 1
  fi
  if [ "${execs:-0}" -lt "$clean_execs" ]; then
    echo "fuzz-bugs: FAILED (the correct model ran ${execs:-0} < $clean_execs executions; log $res/model.log)"; exit 1
  fi
  echo "fuzz-bugs: the correct model stayed clean for ${execs} executions"
fi
