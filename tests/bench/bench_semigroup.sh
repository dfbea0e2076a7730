#!/usr/bin/env bash
# Semigroup enumeration benchmark (issue 3): T_7 and T_8 (full:n=7, full:n=8; generators: cycle,
# transposition, 0->1) — wall time (median of several runs) and peak memory (max RSS), and the
# ratio against GAP's core Froidure-Pin (Size(Semigroup(gens))) on T_7 measured in the same run.
# Goals: T_8 <= 3 s and <= 600 MB.  BENCH_T9=1 also runs T_9 (387,420,489 elements; ~12 GB).
# Usage: bash tests/bench/bench_semigroup.sh [build-dir]   (needs `make all` first)
# Env: RUNS (default 5), GAP_RUNS (default 1; GAP needs ~25 s per run on T_7).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
RUNS=${RUNS:-5}
GAP_RUNS=${GAP_RUNS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$root/src" -o "$tmp/bench" "$here/bench_semigroup.c" \
   "$build/libshortcut.a" -ljansson -lgmp -lm -pthread

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# run_ours SPEC RUNS -> "median_seconds max_rss_MB size"
run_ours() {
  local spec=$1 runs=$2 i
  : > "$tmp/t"; : > "$tmp/m"
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%M" -o "$tmp/rss" "$tmp/bench" "$spec" > "$tmp/out"
    awk '{print $4}' "$tmp/out" >> "$tmp/t"
    cat "$tmp/rss" >> "$tmp/m"
  done
  echo "$(median < "$tmp/t") $(( $(sort -n "$tmp/m" | tail -1) / 1024 )) $(awk '{print $2}' "$tmp/out")"
}

read -r t7 m7 s7 <<< "$(run_ours full:n=7 "$RUNS")"
read -r t8 m8 s8 <<< "$(run_ours full:n=8 "$RUNS")"
[ "$s7" = 823543 ] || { echo "FAIL: |T_7| = $s7"; exit 1; }
[ "$s8" = 16777216 ] || { echo "FAIL: |T_8| = $s8"; exit 1; }
printf 'shortcut T_7: %s elements, median %.3f s over %d runs, peak %d MB\n' "$s7" "$t7" "$RUNS" "$m7"
printf 'shortcut T_8: %s elements, median %.3f s over %d runs, peak %d MB (goal <= 3 s, <= 600 MB)\n' \
  "$s8" "$t8" "$RUNS" "$m8"

if [ -x /usr/bin/gap ]; then
  cat > "$tmp/t7.g" <<'G'
gens := [Transformation([2,3,4,5,6,7,1]), Transformation([2,1,3,4,5,6,7]),
         Transformation([2,2,3,4,5,6,7])];;
t := Runtime();; s := Size(Semigroup(gens));;
Print("GAP ", s, " ", Runtime() - t, "\n");
QUIT;
G
  : > "$tmp/g"
  for i in $(seq "$GAP_RUNS"); do
    /usr/bin/time -f "%e" -o "$tmp/gw" /usr/bin/gap -q < "$tmp/t7.g" > "$tmp/gout"
    gs=$(awk '/^GAP/ {print $2}' "$tmp/gout")
    [ "$gs" = 823543 ] || { echo "FAIL: GAP |T_7| = $gs"; cat "$tmp/gout"; exit 1; }
    awk '/^GAP/ {print $3/1000}' "$tmp/gout" >> "$tmp/g"   # GAP's own timer, startup excluded
  done
  gt=$(median < "$tmp/g")
  printf 'GAP 4.12 T_7: median %.2f s over %d runs (Size(Semigroup(gens)), startup excluded)\n' "$gt" "$GAP_RUNS"
  awk -v g="$gt" -v o="$t7" 'BEGIN {printf "ratio GAP/shortcut on T_7: %.0fx\n", g / o}'
else
  echo "GAP not installed: no ratio"
fi
awk -v t="$t8" -v m="$m8" 'BEGIN {
  ok = (t <= 3 && m <= 600); printf "T_8 goal (<= 3 s, <= 600 MB): %s\n", ok ? "met" : "NOT met" }'

if [ "${BENCH_T9:-0}" = 1 ]; then
  read -r t9 m9 s9 <<< "$(run_ours full:n=9 1)"
  printf 'shortcut T_9: %s elements, %.1f s, peak %d MB (goal <= 24 GiB)\n' "$s9" "$t9" "$m9"
fi
