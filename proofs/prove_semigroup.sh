#!/usr/bin/env bash
# WP proofs of the semigroup-enumeration kernels (src/sg_kernel.c, contracts in
# src/sg_kernel.h, logic in spec/semigroup.acsl; report: proofs/REPORT_semigroup.md).
# Prints per function and "proved N / M goals"; exits non-zero if any goal is unproved.
#   proofs/prove_semigroup.sh              the proof (+ -wp-smoke-tests unless SMOKE=0)
#   proofs/prove_semigroup.sh --negative   negative controls: mutated kernels/specs must FAIL
#   proofs/prove_semigroup.sh --closure    only the closure loop and its helpers (a subset of
#                                          the gated run, for iterating on it)
# Env: WP_TIMEOUT (20), WP_PAR (2), OUT (proofs/out/semigroup), WP_FCT (a function subset).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-proofs/out/semigroup}
WP_TIMEOUT=${WP_TIMEOUT:-20}
WP_PAR=${WP_PAR:-2}
# Every function of src/sg_kernel.c (ghost lemma functions included).
CLOSURE_FCTS=sg_words_lemma,sg_add,sg_gens_grow,sg_closed_grow,sg_gens_step,sg_closed_step,sg_closed_row,sg_cand,sg_step,sg_finish,sg_closure
FCTS=sg_mul,sg_pack,sg_mul_u8,sg_equal,sg_hash,sg_probe,sg_lookup,sg_insert,sg_probe64,sg_find64,$CLOSURE_FCTS
mkdir -p "$OUT"
command -v frama-c >/dev/null || { echo "prove_semigroup: frama-c not installed (make deps)"; exit 2; }
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1

# run_wp SRC-DIR JSON LOG FUNCTIONS [extra frama-c args...]
run_wp() {
  local dir=$1 json=$2 log=$3 fcts=$4; shift 4
  rm -f "$json"
  frama-c -machdep gcc_x86_64 -cpp-extra-args="-I$dir" "$dir/sg_kernel.c" \
    -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
    -wp-prover z3,cvc4 -wp-timeout "$WP_TIMEOUT" -wp-par "$WP_PAR" \
    ${fcts:+-wp-fct "$fcts"} -wp-report-json "$json" "$@" >"$log" 2>&1
  [ -f "$json" ] || echo '{}' >"$json"
}

# summarize JSON: per-function lines and "proved N / M goals"; status 1 unless all proved
summarize() {
  /usr/bin/python3 proofs/wp_summary.py "$@"
}

if [ "${1:-}" = "--negative" ]; then
  fails=0
  # mutate NAME SED-EXPRESSION FUNCTIONS: the mutated copy must leave a goal unproved
  mutate() {
    local name=$1 expr=$2 fcts=$3 dir="$OUT/neg_$1"
    rm -rf "$dir"; mkdir -p "$dir/src" "$dir/spec"
    cp src/sg_kernel.c src/sg_kernel.h "$dir/src/"; cp spec/semigroup.acsl "$dir/spec/"
    sed -i "$expr" "$dir/src/sg_kernel.c" "$dir/src/sg_kernel.h" "$dir/spec/semigroup.acsl"
    if cmp -s "$dir/src/sg_kernel.c" src/sg_kernel.c && cmp -s "$dir/src/sg_kernel.h" src/sg_kernel.h &&
       cmp -s "$dir/spec/semigroup.acsl" spec/semigroup.acsl; then
      echo "negative control $name: mutation did not apply"; fails=$((fails+1)); return; fi
    run_wp "$dir/src" "$dir/wp.json" "$dir/log" "$fcts"
    if summarize "$dir/wp.json" >"$dir/summary"; then
      echo "negative control $name: FAILED TO FAIL ($(tail -1 "$dir/summary"))"; fails=$((fails+1))
    else
      echo "negative control $name: fails as it must ($(tail -1 "$dir/summary"))"
    fi
  }
  # 1. Spec: the product as a left action (x^(a*b) = a[b[x]]) must not follow from the code.
  mutate spec_left_action 's|c->m\[x\] == g->m\[a->m\[x\]\]|c->m[x] == a->m[g->m[x]]|' sg_mul
  # 2. Probe that wraps one slot early (i + 2 == cap): the "passed" chain breaks.
  mutate probe_wrap 's|i = i + 1 == cap ? 0 : i + 1;|i = i + 2 >= cap ? 0 : i + 1;|' sg_probe,sg_probe64
  # 3. A stored element's parent link off by one (par + 1).
  mutate add_parent 's|    ln\[z\].parent = par;|    ln[z].parent = par + 1;|' sg_add
  # 4. Lookup that reports "absent" when the probe stopped on an occupied slot.
  mutate lookup_absent 's|    if (s == cap \|\| table\[s\] == 0) {|    if (s == cap \|\| table[s] != 0) {|' sg_lookup
  # 5. Hash that ignores point 0 in the code but not in the spec.
  mutate hash_point0 's|uint64_t h = (uint64_t)e->m\[0\] +|uint64_t h = 0 +|' sg_hash
  # 6. Closure loop that counts a found generator as a new element (z++ when j < z).
  mutate closure_count 's|^        if (j == z)$|        if (j < z)|' sg_closure
  [ "$fails" = 0 ] && echo "negative controls: all fail as they must" || echo "negative controls: $fails did not fail"
  exit $fails
fi

if [ "${1:-}" = "--closure" ]; then
  run_wp src "$OUT/closure.json" "$OUT/closure.log" "$CLOSURE_FCTS"
  summarize "$OUT/closure.json"
  exit $?
fi

run_wp src "$OUT/wp.json" "$OUT/wp.log" "${WP_FCT:-$FCTS}"
summarize "$OUT/wp.json" | tee "$OUT/summary"
rc=${PIPESTATUS[0]}
grep -E "\[kernel\].*(error|Error)|User Error" "$OUT/wp.log" | head -5
# smoke tests: no inconsistent precondition (or abstract logic) makes everything provable
if [ "${SMOKE:-1}" = 1 ]; then
  run_wp src "$OUT/smoke.json" "$OUT/smoke.log" "${WP_FCT:-$FCTS}" -wp-smoke-tests
  if grep -qE "Smoke-test.*(Failed|Valid)|dead code|\[Failed\] Goal.*smoke|smoke.*: Valid" "$OUT/smoke.log"; then
    echo "smoke tests: SUSPICIOUS (see $OUT/smoke.log)"; rc=1
  else
    echo "smoke tests: no inconsistency found"
  fi
fi
exit $rc
