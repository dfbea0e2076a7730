#!/usr/bin/env bash
# WP proofs of the scan kernels (src/scan_tf.c, contracts in src/scan.h, logic in spec/).
# Prints "proved N / M goals" (and per function), exits non-zero if any goal is unproved.
#   proofs/prove_scan.sh              the proof
#   proofs/prove_scan.sh --negative   negative controls: mutated kernels/specs must FAIL
# Env: WP_TIMEOUT (20), WP_PAR (2), OUT (proofs/out/scan).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-proofs/out/scan}
WP_TIMEOUT=${WP_TIMEOUT:-20}
WP_PAR=${WP_PAR:-2}
FCTS=sc_tfa_load,sc_tfa_seq,sc_tfa_hs,sc_tfa_blelloch,sc_scan_fold_seq,sc_scan_fold_hs,sc_scan_fold_blelloch,tf_comp,tf_copy,sc_aseg_assoc
mkdir -p "$OUT"
command -v frama-c >/dev/null || { echo "prove_scan: frama-c not installed (make deps)"; exit 2; }
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1

# run_wp SRC JSON LOG [extra frama-c args...]
run_wp() {
  local src=$1 json=$2 log=$3; shift 3
  rm -f "$json"
  frama-c -machdep gcc_x86_64 -cpp-extra-args="-Isrc" "$src" \
    -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
    -wp-prover z3,cvc4 -wp-timeout "$WP_TIMEOUT" -wp-par "$WP_PAR" \
    -wp-fct "${WP_FCT:-$FCTS}" -wp-report-json "$json" \
    -wp-session "$OUT/session" -wp-cache update "$@" >"$log" 2>&1
}

# summarize JSON: prints per-function lines and "proved N / M goals"
summarize() {
  /usr/bin/python3 proofs/wp_summary.py "$@"
}

if [ "${1:-}" = "--negative" ]; then
  fails=0
  mutate() { # name sed-expression
    local name=$1 expr=$2 dir="$OUT/neg_$1"
    rm -rf "$dir"; mkdir -p "$dir/src" "$dir/spec"
    cp src/*.h src/scan_tf.c "$dir/src/"; cp spec/*.acsl "$dir/spec/"
    sed -i "$expr" "$dir/src/scan_tf.c" "$dir/src/scan.h" "$dir/spec/scan.acsl"
    if cmp -s "$dir/src/scan_tf.c" src/scan_tf.c && cmp -s "$dir/src/scan.h" src/scan.h && cmp -s "$dir/spec/scan.acsl" spec/scan.acsl; then
      echo "negative control $name: mutation did not apply"; fails=$((fails+1)); return; fi
    frama-c -machdep gcc_x86_64 -cpp-extra-args="-I$dir/src" "$dir/src/scan_tf.c" \
      -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
      -wp-prover z3,cvc4 -wp-timeout "$WP_TIMEOUT" -wp-par "$WP_PAR" \
      -wp-fct "$3" -wp-report-json "$dir/wp.json" >"$dir/log" 2>&1
    [ -f "$dir/wp.json" ] || echo '{}' >"$dir/wp.json"
    if summarize "$dir/wp.json" >"$dir/summary"; then
      echo "negative control $name: FAILED TO FAIL ($(tail -1 "$dir/summary"))"; fails=$((fails+1))
    else
      echo "negative control $name: fails as it must ($(tail -1 "$dir/summary"))"
    fi
  }
  # 1. Hillis–Steele combining in the wrong order (a[t] * a[t-off] instead of a[t-off] * a[t]).
  mutate hs_order 's|tf_comp(n, &a\[t - off\], &a\[t\], &c);|tf_comp(n, \&a[t], \&a[t - off], \&c);|' sc_tfa_hs
  # 2. Blelloch expansion off by one (s[j] instead of s[j-1]).
  mutate bl_index 's|tf_comp(n, &s\[j - 1\], &a\[2 \* j\], &c);|tf_comp(n, \&s[j], \&a[2 * j], \&c);|' sc_tfa_blelloch
  # 3. Spec: the fold composed the wrong way round (left action) must not follow.
  mutate spec_left 's|a\[hi - 1\].m\[sc_aseg(a, lo, hi - 1, x)\]|sc_aseg(a, lo, hi - 1, a[hi - 1].m[x])|' sc_tfa_seq,sc_tfa_hs,sc_tfa_blelloch
  # 4. Hillis–Steele one round short (stop when 2*off >= T).
  mutate hs_short 's|while (off < T) {|while (2 * off < T) {|' sc_tfa_hs
  [ "$fails" = 0 ] && echo "negative controls: all fail as they must" || echo "negative controls: $fails did not fail"
  exit $fails
fi

run_wp src/scan_tf.c "$OUT/wp.json" "$OUT/wp.log"
summarize "$OUT/wp.json" | tee "$OUT/summary"
rc=${PIPESTATUS[0]}
grep -E "^\[wp\] .*(Warning|warning)|\[kernel\].*(error|Error)" "$OUT/wp.log" | head -5
# smoke tests: no inconsistent precondition/stub makes everything provable
if [ "${SMOKE:-1}" = 1 ]; then
  run_wp src/scan_tf.c "$OUT/smoke.json" "$OUT/smoke.log" -wp-smoke-tests
  if grep -q "Smoke-test.*Failed\|smoke.*Valid\|dead code" "$OUT/smoke.log"; then
    echo "smoke tests: SUSPICIOUS (see $OUT/smoke.log)"; rc=1
  else
    echo "smoke tests: no inconsistency found"
  fi
fi
exit $rc
