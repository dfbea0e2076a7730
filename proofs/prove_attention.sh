#!/usr/bin/env bash
# WP proofs of the exact attention kernels (src/attention_exact.c) over the GMP model of
# spec/exact.acsl (trusted stub contracts) and the logic of spec/attention.acsl.
# Prints per function / lemma and "proved N / M goals"; exits non-zero if any goal is unproved.
#   proofs/prove_attention.sh              the proof (gated: must be 100 %)
#   proofs/prove_attention.sh --negative   negative controls: mutated code/spec must FAIL
#   proofs/prove_attention.sh --wip        proofs in progress, NOT in the gate: the hard kernel
#                                          sc_attn_hard_qk (contract only, no loop annotations)
#                                          and row_over_common_den (all its goals prove, but it
#                                          uses the lemma sc_zmul_assoc, unproved in this context)
# Results are cached in $OUT/cache (content-addressed: the smoke-test run re-uses the proof
# run's results). A cached FAILURE is replayed too: rm -rf "$OUT/cache" to retry a goal that
# timed out under load. Env: WP_TIMEOUT (20), WP_PAR (2), OUT (proofs/out/attention), SMOKE (1),
#      NEG_ONLY ("name ..." : run only these negative controls).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-proofs/out/attention}
WP_TIMEOUT=${WP_TIMEOUT:-20}
WP_PAR=${WP_PAR:-2}
FCTS=q_div_ui,sc_attn_uniform_qk,zdot,zfrac_cmp
LEMMAS=sc_qa_sep,sc_zmul_pos,sc_zmul_real,sc_div_div,sc_qv_def,sc_rdiv_def,sc_div_mul_real,sc_div_mul_den,sc_span_in
WIP_FCTS=row_over_common_den,sc_attn_hard_qk
WIP_LEMMAS=sc_zmul_assoc
mkdir -p "$OUT/inc" "$OUT/cache"
command -v frama-c >/dev/null || { echo "prove_attention: frama-c not installed (make deps)"; exit 2; }
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1
# Frama-C preprocesses with its own libc (-nostdinc): a folder with only gmp.h and mpfr.h.
for h in gmp.h mpfr.h; do
  src=$(echo '#include <'$h'>' | cpp -H -o /dev/null 2>&1 | grep -m1 "/$h\$" | sed 's/^\.* //')
  [ -n "$src" ] || { echo "prove_attention: $h not found (libgmp-dev, libmpfr-dev)"; exit 2; }
  ln -sf "$src" "$OUT/inc/$h"
done

# run_wp ROOT JSON LOG SELECT [extra frama-c args...]   (SELECT: -wp-fct F or -wp-prop P)
run_wp() {
  local root=$1 json=$2 log=$3; shift 3
  rm -f "$json"
  frama-c -machdep gcc_x86_64 -cpp-extra-args="-I$root/src -I$OUT/inc" \
    "$root/src/attention_exact.c" \
    -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
    -wp-prover z3,cvc4 -wp-timeout "$WP_TIMEOUT" -wp-par "$WP_PAR" \
    -wp-cache update -wp-cache-dir "$OUT/cache" \
    -wp-report-json "$json" "$@" >"$log" 2>&1
  [ -f "$json" ] || echo '{}' >"$json"
}

# summarize JSON...: per-function / lemma lines and "proved N / M goals"
summarize() {
  /usr/bin/python3 proofs/wp_summary.py "$@"
}

if [ "${1:-}" = "--wip" ]; then
  run_wp . "$OUT/wip.json" "$OUT/wip.log" -wp-fct "$WIP_FCTS"
  run_wp . "$OUT/wip_lemma.json" "$OUT/wip_lemma.log" -wp-prop "$WIP_LEMMAS"
  summarize "$OUT/wip.json" "$OUT/wip_lemma.json"
  exit $?
fi

if [ "${1:-}" = "--negative" ]; then
  fails=0
  mutate() { # name sed-expression file select...
    local name=$1 expr=$2 file=$3 dir="$OUT/neg_$1"; shift 3
    case " ${NEG_ONLY:-$name} " in *" $name "*) ;; *) return ;; esac
    rm -rf "$dir"; mkdir -p "$dir/src" "$dir/spec"
    cp src/*.h src/attention_exact.c "$dir/src/"; cp spec/*.acsl "$dir/spec/"
    sed -i "$expr" "$dir/$file"
    if cmp -s "$dir/$file" "$file"; then
      echo "negative control $name: mutation did not apply"; fails=$((fails+1)); return; fi
    run_wp "$dir" "$dir/wp.json" "$dir/log" "$@"
    if summarize "$dir/wp.json" >"$dir/summary"; then
      echo "negative control $name: FAILED TO FAIL ($(tail -1 "$dir/summary"))"; fails=$((fails+1))
    else
      echo "negative control $name: fails as it must ($(tail -1 "$dir/summary"))"
    fi
  }
  # 1. Code: the denominator is copied instead of multiplied by n (no division).
  mutate no_div 's|mpz_mul_ui(mpq_denref(y), mpq_denref(s), n);|mpz_set(mpq_denref(y), mpq_denref(s));|' \
    src/attention_exact.c -wp-fct q_div_ui
  # 2. Spec: the contract claims division by n + 1.
  mutate spec_n1 's|ensures value: sc_qval(y) == sc_rdiv(\\old(sc_qval(s)), n);|ensures value: sc_qval(y) == sc_rdiv(\\old(sc_qval(s)), n + 1);|' \
    src/attention_exact.c -wp-fct q_div_ui
  # 3. Lemma: a / (b n) == (a / b) * n is false.
  mutate lemma_div 's|a / (b \* n) == (a / b) / n;|a / (b * n) == (a / b) * n;|' \
    spec/exact.acsl -wp-prop sc_div_div
  # 4. Stub model: mpz_mul_ui's result no longer a product: the proof of q_div_ui must break.
  mutate stub_mul 's|ensures value: sc_zval(r) == sc_zmul(\\old(sc_zval(a)), u);|ensures value: sc_zval(r) == \\old(sc_zval(a)) + u;|' \
    spec/exact.acsl -wp-fct q_div_ui
  # 5. Spec: uniform attention claimed to divide by i + 2: the uniform kernel must break.
  mutate spec_uniform 's|sc_rdiv(sc_colsum(V, ld, c, i + 1), i + 1);|sc_rdiv(sc_colsum(V, ld, c, i + 1), i + 2);|' \
    spec/attention.acsl -wp-fct sc_attn_uniform_qk
  # 6. Code: the prefix sum skips row i (acc + V[i] replaced by acc + V[0]).
  mutate code_row 's|mpq_add(&acc\[c\], &acc\[c\], &V\[i \* ldv + c\]);|mpq_add(\&acc[c], \&acc[c], \&V[c]);|' \
    src/attention_exact.c -wp-fct sc_attn_uniform_qk
  # 7. Code: the numerator is scaled by the common denominator instead of den / den_k.
  mutate rocd_num 's|mpz_mul(&num\[k\], mpq_numref(&x\[k\]), tmp);|mpz_mul(\&num[k], mpq_numref(\&x[k]), den);|' \
    src/attention_exact.c -wp-fct row_over_common_den
  # 8. Code: the integer dot product starts from 1.
  mutate zdot_init 's|mpz_set_ui(d, 0);|mpz_set_ui(d, 1);|' src/attention_exact.c -wp-fct zdot
  # 9. Code: the cross-multiplied comparison with the operands swapped.
  mutate frac_swap 's|return mpz_cmp(t1, t2);|return mpz_cmp(t2, t1);|' src/attention_exact.c \
    -wp-fct zfrac_cmp
  [ "$fails" = 0 ] && echo "negative controls: all fail as they must" || echo "negative controls: $fails did not fail"
  exit $fails
fi

t0=$(date +%s)
run_wp . "$OUT/wp_fct.json" "$OUT/wp_fct.log" -wp-fct "$FCTS"
run_wp . "$OUT/wp_lemma.json" "$OUT/wp_lemma.log" -wp-prop "$LEMMAS"
summarize "$OUT/wp_fct.json" "$OUT/wp_lemma.json" | tee "$OUT/summary"
rc=${PIPESTATUS[0]}
grep -hE "\[kernel\].*(error|Error)|User Error" "$OUT/wp_fct.log" "$OUT/wp_lemma.log" | head -5
# smoke tests: no inconsistent precondition / stub contract makes everything provable
if [ "${SMOKE:-1}" = 1 ]; then
  run_wp . "$OUT/smoke.json" "$OUT/smoke.log" -wp-fct "$FCTS" -wp-smoke-tests
  n_smoke=$(grep -c "Smoke-test" "$OUT/smoke.log")
  if [ "$n_smoke" = 0 ] || grep "Smoke-test" "$OUT/smoke.log" | grep -qv "\[Passed\]"; then
    echo "smoke tests: SUSPICIOUS (see $OUT/smoke.log)"; rc=1
  else
    echo "smoke tests: no inconsistency found ($n_smoke smoke tests passed: preconditions"
    echo "  satisfiable, no call to a stub contract is dead, no dead code)"
  fi
fi
echo "time: $(( $(date +%s) - t0 )) s"
exit $rc
