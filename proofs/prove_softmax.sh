#!/usr/bin/env bash
# WP proofs of the loop structure of softmax attention (src/attention.c) over the enclosure
# model of spec/interval.acsl (trusted stub contracts). Gated (100 %): zero_k, scale_k.
# In progress (--wip, annotated, not yet at 100 %): softmax_out, scores_k, scores, softmax_row.
# Prints per function and "proved N / M goals"; exits non-zero if any goal is unproved.
#   proofs/prove_softmax.sh              the proof (gated: must be 100 %)
#   proofs/prove_softmax.sh --negative   negative controls: mutated code/spec must FAIL
#   proofs/prove_softmax.sh --wip        annotated functions not (yet) at 100 %: not in the gate
# Env: WP_TIMEOUT (60), WP_PAR (1), OUT (proofs/out/softmax), SMOKE (1), SMOKE_TIMEOUT (5),
#      FCTS (the gated functions).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-proofs/out/softmax}
WP_TIMEOUT=${WP_TIMEOUT:-60}
WP_PAR=${WP_PAR:-1}
FCTS=${FCTS:-zero_k,scale_k}
WIP_FCTS=${WIP_FCTS:-softmax_out,scores_k,scores,softmax_row}
mkdir -p "$OUT/inc"
command -v frama-c >/dev/null || { echo "prove_softmax: frama-c not installed (make deps)"; exit 2; }
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1
# Frama-C preprocesses with its own libc (-nostdinc): a folder with only gmp.h and mpfr.h.
for h in gmp.h mpfr.h; do
  src=$(echo '#include <'$h'>' | cpp -H -o /dev/null 2>&1 | grep -m1 "/$h\$" | sed 's/^\.* //')
  [ -n "$src" ] || { echo "prove_softmax: $h not found (libgmp-dev, libmpfr-dev)"; exit 2; }
  ln -sf "$src" "$OUT/inc/$h"
done

# run_wp ROOT JSON LOG SELECT [extra frama-c args...]   (SELECT: -wp-fct F or -wp-prop P)
run_wp() {
  local root=$1 json=$2 log=$3; shift 3
  rm -f "$json"
  frama-c -machdep gcc_x86_64 -cpp-extra-args="-I$root/src -I$OUT/inc" \
    "$root/src/attention.c" \
    -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
    -wp-prover z3,cvc4 -wp-timeout "$WP_TIMEOUT" -wp-par "$WP_PAR" \
    -wp-report-json "$json" "$@" >"$log" 2>&1
  [ -f "$json" ] || echo '{}' >"$json"
}

summarize() {
  /usr/bin/python3 proofs/wp_summary.py "$@"
}

if [ "${1:-}" = "--wip" ]; then
  # Annotated but not at 100 % (not gated): the row output (softmax_out), the scores and the
  # row kernel (proofs/REPORT_softmax.md lists the unproved goals).
  # Not annotated at all (proofs/REPORT_softmax.md, "What is NOT proved"): the outer row loop of
  # sc_attn_softmax_iv and sc_attn_softmax_probs_iv, set_scale; softmax_exps is assumed.
  run_wp . "$OUT/wip.json" "$OUT/wip.log" -wp-fct "$WIP_FCTS"
  summarize "$OUT/wip.json"
  exit $?
fi

if [ "${1:-}" = "--negative" ]; then
  # Each control runs WP on the goals of one function that the mutation must break
  # (-wp-prop: the invariants / asserts / postconditions that state the property).
  fails=0
  mutate() { # name sed-expression file select...
    local name=$1 expr=$2 file=$3 dir="$OUT/neg_$1"; shift 3
    rm -rf "$dir"; mkdir -p "$dir/src" "$dir/spec"
    cp src/*.h src/attention.c "$dir/src/"; cp spec/*.acsl "$dir/spec/"
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
  # 1. Code, causal mask: the weighted sum of row i stops at j < i (the diagonal term is lost).
  mutate mask_diag 's|for (size_t j = 0; !rc \&\& j <= i; j++)$|for (size_t j = 0; !rc \&\& j < i; j++)|' \
    src/attention.c -wp-fct softmax_out -wp-prop acc,res,out
  # 2. Code, normalisation: the columns c > 0 are divided by another enclosure than z.
  mutate norm_col 's|rc = sc_iv_div(\&o\[c\], \&acc\[c\], z, cx);|rc = sc_iv_div(\&o[c], \&acc[c], c ? \&e[0] : z, cx);|' \
    src/attention.c -wp-fct softmax_out -wp-prop o_new,done,res,out
  # 3. Code, normaliser: z sums only e_0 .. e_{i-1}.
  mutate norm_sum 's|rc = sc_iv_sum(\&ws->z, s, 1, i + 1, \&ws->cx);|rc = sc_iv_sum(\&ws->z, s, 1, i, \&ws->cx);|' \
    src/attention.c -wp-fct softmax_row -wp-prop n3,norm
  # 4. Code, scores: every score uses key row i instead of row j.
  mutate key_row 's|int rc = sc_iv_dot(\&s\[j\], q, 1, \&K\[j \* ldk\], 1, dh, cx);|int rc = sc_iv_dot(\&s[j], q, 1, \&K[i * ldk], 1, dh, cx);|' \
    src/attention.c -wp-fct scores_k -wp-prop dot_pre,new_r,old_r,done,dot
  # 5. Spec: the weighted sum pairs e_j with value row j + 1.
  mutate spec_wsum 's|sc_ivval(V + sc_idx(ldv, n - 1, c)));|sc_ivval(V + sc_idx(ldv, n, c)));|' \
    spec/interval.acsl -wp-fct softmax_out -wp-prop zero_all,a_new,acc_new,acc_old,acc
  # 6. Trusted stub: sc_iv_addmul forgets the accumulator (acc := a b): softmax_out must break.
  mutate stub_addmul 's|sc_ivval(acc) == sc_ivaddmul(sc_ivfmt(acc), cx->prec, \\old(sc_ivval(acc)),|sc_ivval(acc) == sc_ivaddmul(sc_ivfmt(acc), cx->prec, sc_ivsi(sc_ivfmt(acc), 0),|' \
    spec/interval.acsl -wp-fct softmax_out -wp-prop a_new,acc_new,acc
  [ "$fails" = 0 ] && echo "negative controls: all fail as they must" || echo "negative controls: $fails did not fail"
  exit $fails
fi

t0=$(date +%s)
# The main run and the smoke-test run go in parallel (WP_PAR each); smoke goals must NOT be
# proved, so they get a short timeout (SMOKE_TIMEOUT).
if [ "${SMOKE:-1}" = 1 ]; then
  ( WP_TIMEOUT=${SMOKE_TIMEOUT:-5}
    run_wp . "$OUT/smoke.json" "$OUT/smoke.log" -wp-fct "$FCTS" -wp-smoke-tests ) &
  smoke_pid=$!
fi
run_wp . "$OUT/wp_fct.json" "$OUT/wp_fct.log" -wp-fct "$FCTS"
summarize "$OUT/wp_fct.json" | tee "$OUT/summary"
rc=${PIPESTATUS[0]}
grep -hE "\[kernel\].*(error|Error)|User Error" "$OUT/wp_fct.log" | head -5
# smoke tests: no inconsistent precondition / stub contract / axiom makes everything provable
if [ "${SMOKE:-1}" = 1 ]; then
  wait "$smoke_pid"
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
