#!/usr/bin/env bash
# make fuzz-bugs: show that the model differential finds every planted bug.
#
#   fuzz/bugs.sh [--update-regress] [NAME...]     (NAME: bug_mask_off_by_one, ...; default all)
#
# For each planted-bug harness fuzz/bug_*/ (the naive float32 forward pass of
# fuzz/models/naive_f32.c with one bug, against the proven float32 tolerance): AFL++ from the
# harness's seeds for at most $FUZZ_BUG_SECONDS (default 60) seconds, stopping at the first
# crash (AFL_BENCH_UNTIL_CRASH); then afl-tmin minimizes the crashing input; the minimized
# reproducer is run once more to print its signature line. Prints, per bug: found yes/no,
# seconds to the first crash (wall clock from the start of afl-fuzz, calibration included),
# the reproducer's path and its signature. --update-regress also copies each minimized
# reproducer to fuzz/<name>/regress/ (what `fuzz/run.sh --replay`, hence make check, replays).
# Exit 1 if a bug was not found. Built without sanitizers (FUZZ_SANITIZE=0: the bugs are
# logic errors the oracle sees; ASan would only slow the search down).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

update=0
if [ "${1:-}" = --update-regress ]; then update=1; shift; fi
case "${1:-}" in -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
SECS=${FUZZ_BUG_SECONDS:-60}
OUT=${FUZZ_BUILD:-build/fuzz}

names=()
if [ $# -gt 0 ]; then names=("$@"); else
  for d in fuzz/bug_*/; do names+=("$(basename "$d")"); done
fi
[ ${#names[@]} -gt 0 ] || { echo "fuzz/bugs.sh: no planted-bug harness fuzz/bug_*" >&2; exit 2; }

FUZZ_SANITIZE=0 FUZZ_BUILD="$OUT" bash fuzz/run.sh --build "${names[@]}" >/dev/null
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
