#!/usr/bin/env bash
# Certification benchmark (issue 7): `certify predictions` on 10^5 sequences of length 100
# (S5, 120 states; files on tmpfs when available), wall time median of RUNS runs, against the
# time `simulate` takes to write the same labels (the baseline: the work a user would
# otherwise do to compare). Goal: <= 1 s.
# Usage: bash tests/bench/bench_certify.sh [path/to/shortcut]   (needs `make all` first)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sc=${1:-$root/build/shortcut}
RUNS=${RUNS:-5}
base=/dev/shm; [ -w "$base" ] || base=${TMPDIR:-/tmp}
tmp=$(mktemp -d "$base/shortcut-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
"$sc" gen S5 --count 100000 --length 100 --seed 1 --out "$tmp/d" --quiet
: > "$tmp/c"; : > "$tmp/s"
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "%e" -o "$tmp/t" "$sc" certify predictions --automaton S5 \
    --inputs "$tmp/d.inputs.npy" --predictions "$tmp/d.labels.npy" > /dev/null
  cat "$tmp/t" >> "$tmp/c"
  /usr/bin/time -f "%e" -o "$tmp/t" "$sc" simulate S5 --input-npy "$tmp/d.inputs.npy" \
    --out "$tmp/sim.npy" > /dev/null
  cat "$tmp/t" >> "$tmp/s"
done
c=$(median < "$tmp/c"); s=$(median < "$tmp/s")
echo "certify predictions, S5, 10^5 x 100 (median of $RUNS): $c s; simulate to npy: $s s"
awk -v c="$c" -v s="$s" 'BEGIN { printf "ratio certify / simulate = %.2f; goal <= 1 s: %s\n", c / s, (c <= 1 ? "MET" : "NOT MET") }'
