#!/usr/bin/env bash
# Krohn-Rhodes benchmark (issue 5): holonomy decomposition of the full transformation monoid
# T_n = full:n (n = 6..10) — wall time (median of RUNS runs) and peak memory, for the
# decomposition alone (--no-certify) and with the exhaustive emulation certificate (n! valid
# cascade states x 3 symbols). Goal: full:10 in <= 10 s. No baseline is run: the only other
# tool, SgpDec (GAP package), is not installable from Debian; its documentation reports
# minutes for T_7-size examples.
# Usage: bash tests/bench/bench_decompose.sh [path/to/shortcut]   (needs `make all` first)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sc=${1:-$root/build/shortcut}
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
measure() { # args... -> "median_s max_rss_MB"
  : > "$tmp/t"; : > "$tmp/m"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$tmp/tm" "$sc" decompose "$@" > "$tmp/out"
    awk '{print $1}' "$tmp/tm" >> "$tmp/t"; awk '{print $2}' "$tmp/tm" >> "$tmp/m"
  done
  echo "$(median < "$tmp/t") $(( $(sort -n "$tmp/m" | tail -1) / 1024 ))"
}
echo "holonomy decomposition of full:n (T_n), median of $RUNS runs"
printf "  %-4s %12s %14s %8s  %s\n" n "decompose" "+certificate" "peak MB" levels
t10=0
for n in 6 7 8 9 10; do
  read -r t m <<<"$(measure "full:n=$n" --no-certify)"
  lv=$("$sc" decompose "full:n=$n" --no-certify | grep -E '^[0-9]+:' | sed 's/^[0-9]*: //' | paste -sd' ')
  read -r tc mc <<<"$(measure "full:n=$n")"
  grep -q "emulation certificate: PASS" "$tmp/out" || { echo "certificate did not pass for n=$n"; exit 1; }
  printf "  %-4s %10.2f s %12.2f s %8s  %s\n" "$n" "$t" "$tc" "$mc" "$lv"
  [ "$n" = 10 ] && t10=$tc
done
awk -v t="$t10" 'BEGIN { printf "full:10 with its certificate: %.2f s (goal <= 10 s) %s\n", t, (t <= 10 ? "MET" : "NOT MET") }'
