#!/usr/bin/env bash
# WP proof of the cascade level-step kernel (src/cascade_step.c, contract in
# src/cascade_step.h, logic in spec/cascade.acsl): a level's new state is its component's
# action (a reset, or the permutation selected by the upper levels) on its old state, and
# stays inside the component. Also runs -wp-smoke-tests and two negative controls (a mutated
# kernel and a mutated spec must fail). Prints "proved N / M goals"; exit 0 iff all proved.
# Usage: bash proofs/prove_cascade.sh
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
command -v frama-c >/dev/null || { echo "prove_cascade: frama-c not found (make deps)"; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wp() { # dir file log [extra...]
  local dir=$1 file=$2 log=$3; shift 3
  frama-c -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
    -wp-prover z3,cvc4 -wp-timeout "${WP_TIMEOUT:-10}" -wp-par "${WP_PAR:-2}" \
    -wp-fct sc_cascade_level_step "$@" -cpp-extra-args="-I$dir/src" "$dir/$file" >"$log" 2>&1
}
goals() { grep -E "Proved goals:" "$1" | tail -1 | sed -E 's/.*Proved goals: *([0-9]+) *\/ *([0-9]+).*/\1 \2/'; }

wp "$root" src/cascade_step.c "$out/log"
rc=$?
read -r n m <<<"$(goals "$out/log")"
if [ -z "${m:-}" ]; then tail -30 "$out/log"; echo "prove_cascade: frama-c failed (rc=$rc)"; exit 2; fi
grep -E "\[wp\] \[(Timeout|Unknown|Failed)\]|not proved" "$out/log" | head -20
status=0
[ "$rc" = 0 ] && [ "$n" = "$m" ] || status=1

wp "$root" src/cascade_step.c "$out/smoke.log" -wp-smoke-tests
if grep -qE "Smoke-test.*(Failed|Valid)|dead code|unreachable" "$out/smoke.log"; then
  echo "smoke tests: SUSPICIOUS"; status=1
else
  echo "smoke tests: no inconsistency found"
fi

negative() { # name file sed-expression
  local name=$1 file=$2 expr=$3 d="$out/neg_$1"
  mkdir -p "$d" && cp -r "$root/src" "$root/spec" "$d/"
  sed -i "$expr" "$d/$file"
  if cmp -s "$root/$file" "$d/$file"; then echo "negative control $name: mutation did not apply"; status=1; return; fi
  wp "$d" src/cascade_step.c "$d/log"
  read -r a b <<<"$(goals "$d/log")"
  if [ -n "${b:-}" ] && [ "$a" != "$b" ]; then echo "negative control $name: fails as it must ($a / $b)"
  else echo "negative control $name: FAILED TO FAIL"; status=1; fi
}
negative kernel_offset src/cascade_step.c 's|\*out = (int32_t)(off + y);|*out = (int32_t)y;|'
negative spec_action spec/cascade.acsl 's|off + perm\[old - off\];|perm[old - off];|'

echo "proved $n / $m goals (src/cascade_step.c: sc_cascade_level_step)"
exit $status
