#!/usr/bin/env bash
# make prove: every proof script (proofs/prove.sh for the core, proofs/prove_*.sh per module),
# each printing "proved N / M goals"; prints the total and fails if any script fails.
set -u
cd "$(dirname "$0")/.."
total_n=0; total_m=0; failed=""
for s in proofs/prove.sh proofs/prove_*.sh; do
  [ -e "$s" ] || continue
  [ "$s" = proofs/prove_all.sh ] && continue # this script
  echo "== $s"
  bash "$s" 2>&1 | tee proofs/.last.log
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^proved [0-9]+ / [0-9]+ goals' proofs/.last.log | tail -1)
  n=$(echo "$line" | awk '{print $2}'); m=$(echo "$line" | awk '{print $4}')
  total_n=$((total_n + ${n:-0})); total_m=$((total_m + ${m:-0}))
  [ "$rc" = 0 ] && [ -n "$line" ] || failed="$failed $s"
done
rm -f proofs/.last.log
echo "== total"
echo "proved $total_n / $total_m goals"
[ -z "$failed" ] || { echo "prove: FAILED:$failed" >&2; exit 1; }
