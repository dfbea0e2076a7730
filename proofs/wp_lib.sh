# Shared by the WP proof scripts of the GMP / MPFR layers (prove_attention.sh,
# prove_forward.sh, prove_softmax.sh): sourced, not run. The caller sets, before sourcing:
#   NAME    the script's name, for messages
#   OUT     its output folder
#   WP_SRC  the C file it proves (relative to the tree root)
# and may set WP_TIMEOUT, WP_PAR, WP_OPTS (extra frama-c options for every run, e.g. a cache).

mkdir -p "$OUT/inc"
command -v frama-c >/dev/null || { echo "$NAME: frama-c not installed (make deps)"; exit 2; }
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null 2>&1
# Frama-C preprocesses with its own libc (-nostdinc): a folder with only gmp.h and mpfr.h.
for h in gmp.h mpfr.h; do
  src=$(echo '#include <'$h'>' | cpp -H -o /dev/null 2>&1 | grep -m1 "/$h\$" | sed 's/^\.* //')
  [ -n "$src" ] || { echo "$NAME: $h not found (libgmp-dev, libmpfr-dev)"; exit 2; }
  ln -sf "$src" "$OUT/inc/$h"
done

# run_wp ROOT JSON LOG SELECT [extra frama-c args...]   (SELECT: -wp-fct F or -wp-prop P)
# WP on ROOT/$WP_SRC; the JSON report exists afterwards even if Frama-C failed (then empty).
run_wp() {
  local root=$1 json=$2 log=$3; shift 3
  rm -f "$json"
  # shellcheck disable=SC2086  # WP_OPTS is a list of options
  frama-c -machdep gcc_x86_64 -cpp-extra-args="-I$root/src -I$OUT/inc" \
    "$root/$WP_SRC" \
    -wp -wp-rte -warn-unsigned-overflow -warn-unsigned-downcast \
    -wp-prover z3,cvc4 -wp-timeout "${WP_TIMEOUT:-20}" -wp-par "${WP_PAR:-1}" \
    ${WP_OPTS:-} -wp-report-json "$json" "$@" >"$log" 2>&1
  [ -f "$json" ] || echo '{}' >"$json"
}

# summarize JSON...: per-function / lemma lines and "proved N / M goals"; fails unless 100 %.
summarize() { /usr/bin/python3 proofs/wp_summary.py "$@"; }

# mutate NAME SED-EXPR FILE SELECT...: a negative control. Copies the headers, $WP_SRC and
# spec/ to $OUT/neg_NAME, applies SED-EXPR to FILE there, runs WP with SELECT; the control
# passes when some goal FAILS. Counts failures in $fails. NEG_ONLY="a b": run only these.
fails=0
mutate() {
  local name=$1 expr=$2 file=$3 dir="$OUT/neg_$1"; shift 3
  case " ${NEG_ONLY:-$name} " in *" $name "*) ;; *) return ;; esac
  rm -rf "$dir"; mkdir -p "$dir/src" "$dir/spec"
  cp src/*.h "$WP_SRC" "$dir/src/"; cp spec/*.acsl "$dir/spec/"
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
negative_verdict() {
  [ "$fails" = 0 ] && echo "negative controls: all fail as they must" ||
    echo "negative controls: $fails did not fail"
  return "$fails"
}

# smoke_verdict LOG: the smoke tests of a -wp-smoke-tests run (no inconsistent precondition,
# stub contract or axiom makes everything provable: every smoke goal must stay unproved).
smoke_verdict() {
  local n
  n=$(grep -c "Smoke-test" "$1")
  if [ "$n" = 0 ] || grep "Smoke-test" "$1" | grep -qv "\[Passed\]"; then
    echo "smoke tests: SUSPICIOUS (see $1)"; return 1
  fi
  echo "smoke tests: no inconsistency found ($n smoke tests passed: preconditions"
  echo "  satisfiable, no call to a stub contract is dead, no dead code)"
}
