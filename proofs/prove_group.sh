#!/usr/bin/env bash
# WP proofs of the permutation kernels of the group module (src/perm.c, contracts in
# src/perm.h, logic in spec/perm.acsl + spec/transf.acsl). Prints "proved N / M goals" and
# exits non-zero unless every goal is proved. Usage: bash proofs/prove_group.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
command -v frama-c >/dev/null || { echo "prove_group: frama-c not found (make deps)"; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fcts=perm_check,perm_inverse,perm_is_identity,perm_equal,perm_commutes,perm_sift_step
frama-c -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
  -wp-prover z3,cvc4 -wp-timeout "${WP_TIMEOUT:-10}" -wp-par "${WP_PAR:-2}" \
  -wp-fct "$fcts" -wp-report-json "$out/report.json" ${WP_EXTRA:-} \
  -cpp-extra-args="-I$root/src" src/perm.c >"$out/log" 2>&1
rc=$?
grep -E "^\[wp\] (\[(Timeout|Unknown|Failed)\]|Proved goals)|not proved|Failed|Timeout" "$out/log" | grep -v "Proved goals" | head -40
line=$(grep -E "Proved goals:" "$out/log" | tail -1)
if [ -z "$line" ]; then cat "$out/log" | tail -30; echo "prove_group: frama-c failed (rc=$rc)"; exit 2; fi
n=$(echo "$line" | sed -E 's/.*Proved goals: *([0-9]+) *\/ *([0-9]+).*/\1/')
m=$(echo "$line" | sed -E 's/.*Proved goals: *([0-9]+) *\/ *([0-9]+).*/\2/')
echo "proved $n / $m goals (src/perm.c: $fcts)"
[ "$rc" = 0 ] && [ "$n" = "$m" ]
