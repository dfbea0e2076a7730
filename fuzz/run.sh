#!/usr/bin/env bash
# Fuzz every harness fuzz/<name>/fuzz_*.c with AFL++, or replay the seed corpora.
#
#   fuzz/run.sh [NAME...]            AFL++: build with afl-clang-fast (ASan+UBSan), run
#                                    afl-fuzz -V $FUZZ_SECONDS per harness, report executions,
#                                    crashes and hangs; exit 1 if any harness found a crash.
#                                    Without NAMEs: every harness except the planted-bug
#                                    variants bug_* (they are meant to crash: make fuzz-bugs).
#   fuzz/run.sh --replay [NAME...]   no fuzzing engine: build each harness with plain clang,
#                                    ASan+UBSan and fuzz/replay_main.c, and feed it every file of
#                                    fuzz/<name>/corpus (and fuzz/<name>/regress) once. For a
#                                    planted-bug harness bug_*, every regress/ file MUST crash
#                                    with the signature in fuzz/bug_*/expect; the correct model
#                                    (harness "model") MUST pass on every bug's regress/ files.
#                                    Quick (seconds); usable from tests. Exit 1 on any failure.
#   fuzz/run.sh --build [NAME...]    only build the AFL++ binaries ($FUZZ_BUILD/afl/fuzz_NAME).
#
# Layout per harness: fuzz/<name>/fuzz_<name>.c (defines LLVMFuzzerTestOneInput, includes
# library headers relative to src/), fuzz/<name>/corpus/ (seeds), optional fuzz/<name>/*.dict,
# fuzz/<name>/regress/ (inputs replayed by --replay), fuzz/bug_*/expect (signature substring).
# Every harness is linked against libshortcut (src/*.c src/io/*.c) and the CLI verbs
# (src/cli/*.c except main.c, as libshortcut_cli.a: used by fuzz/cli).
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_SANITIZE=0 to fuzz without ASan/UBSan (faster),
# FUZZ_JOBS=N (default 1): N afl-fuzz instances per harness, one main (-M main) and N-1
# secondaries (-S s1..), sharing one output directory; put N at the number of cores.
# FUZZ_STOP_ON_CRASH=1: stop a harness at its first crash (AFL_BENCH_UNTIL_CRASH).
# CC_REPLAY (default clang), FUZZ_BUILD (default build/fuzz).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=fuzz
case "${1:-}" in
  --replay) mode=replay; shift ;;
  --build) mode=build; shift ;;
  -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_SANITIZE=${FUZZ_SANITIZE:-1}
FUZZ_JOBS=${FUZZ_JOBS:-1}
OUT=${FUZZ_BUILD:-build/fuzz}
JOBS=$(nproc 2>/dev/null || echo 2)
# The catalog's table limit is lowered from 2^26 to 2^16 entries: permutation_reset:n=7
# (5040 x 5042) took 0.8 s per input; the limit's exit-5 path is fuzzed instead.
CFLAGS_COMMON="-std=gnu11 -g -O1 -D_GNU_SOURCE -pthread -Isrc -fno-omit-frame-pointer -DSC_CATALOG_MAX_ENTRIES=65536ull"
LIBS="-ljansson -lmpfr -lgmp -lm -pthread"

# Harnesses: all of fuzz/*/fuzz_*.c (bug_* only in replay mode or when named), or those named.
harnesses=()
for src in fuzz/*/fuzz_*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$(dirname "$src")")
  if [ $# -gt 0 ]; then
    keep=0; for want in "$@"; do [ "$want" = "$name" ] && keep=1; done
    [ $keep = 1 ] || continue
  elif [ "$mode" = fuzz ] && [ "${name#bug_}" != "$name" ]; then
    continue
  fi
  harnesses+=("$src")
done
if [ ${#harnesses[@]} = 0 ]; then
  echo "fuzz/run.sh: no harness found (fuzz/<name>/fuzz_*.c${*:+ matching $*})" >&2
  exit 2
fi

# build_lib CC FLAGS DIR: compile src/*.c src/io/*.c into DIR/libshortcut.a and the CLI verbs
# (src/cli/*.c but main.c) into DIR/libshortcut_cli.a. A CLI file that does not compile is
# left out with a warning (only fuzz/cli needs that archive).
build_lib() {
  local cc=$1 flags=$2 dir=$3
  # up to date: same compiler and flags, and nothing in src/ or spec/ newer than the archives
  if [ -f "$dir/libshortcut.a" ] && [ -f "$dir/libshortcut_cli.a" ] && \
     [ "$(cat "$dir/flags" 2>/dev/null)" = "$cc $flags" ] && \
     [ -z "$(find src spec -newer "$dir/libshortcut.a" \( -name '*.[ch]' -o -name '*.acsl' \) 2>/dev/null | head -n1)" ]; then
    return 0
  fi
  mkdir -p "$dir/obj" "$dir/cliobj"
  rm -f "$dir/obj"/*.o "$dir/cliobj"/*.o "$dir/libshortcut.a" "$dir/libshortcut_cli.a"
  local srcs=(src/*.c src/io/*.c)
  printf '%s\n' "${srcs[@]}" | \
    CC_="$cc" FLAGS_="$flags" DIR_="$dir" xargs -P "$JOBS" -I{} sh -c \
      'o="$DIR_/obj/$(echo "{}" | tr / _ | sed "s/\.c$/.o/")"; $CC_ $FLAGS_ -c "{}" -o "$o" || { echo "fuzz/run.sh: cannot compile {}" >&2; exit 255; }' \
    || return 1
  ar rcs "$dir/libshortcut.a" "$dir"/obj/*.o
  local clis=()
  for f in src/cli/*.c; do [ "$(basename "$f")" = main.c ] || clis+=("$f"); done
  printf '%s\n' "${clis[@]}" | \
    CC_="$cc" FLAGS_="$flags" DIR_="$dir" xargs -P "$JOBS" -I{} sh -c \
      'o="$DIR_/cliobj/$(basename "{}" .c).o"; $CC_ $FLAGS_ -c "{}" -o "$o" 2>/dev/null || echo "fuzz/run.sh: warning: {} does not compile, left out of libshortcut_cli.a" >&2'
  ar rcs "$dir/libshortcut_cli.a" "$dir"/cliobj/*.o
  echo "$cc $flags" >"$dir/flags"
}

if [ "$mode" = replay ]; then
  cc=${CC_REPLAY:-clang}
  command -v "$cc" >/dev/null || { echo "fuzz/run.sh: $cc not found (apt-get install clang)" >&2; exit 2; }
  san="-fsanitize=address,undefined -fno-sanitize-recover=all"
  dir="$OUT/replay"
  build_lib "$cc" "$CFLAGS_COMMON $san" "$dir" || exit 1
  fail=0
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=0
  for src in "${harnesses[@]}"; do
    hdir=$(dirname "$src"); name=$(basename "$hdir")
    bin="$dir/$(basename "$src" .c)"
    $cc $CFLAGS_COMMON $san -o "$bin" "$src" fuzz/replay_main.c "$dir/libshortcut_cli.a" \
      "$dir/libshortcut.a" $LIBS || { fail=1; continue; }
    if [ "${name#bug_}" != "$name" ]; then
      # planted bug: the seeds pass, every committed reproducer crashes with its signature
      expect=$(cat "$hdir/expect" 2>/dev/null || true)
      ok=1; n=0
      { "$bin" "$hdir/corpus" >/dev/null 2>"$dir/$name.seeds.err"; } 2>/dev/null || { ok=0; echo "replay $name: a seed crashed:"; grep SIGNATURE "$dir/$name.seeds.err" || tail -n 5 "$dir/$name.seeds.err"; }
      for f in "$hdir"/regress/*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        set +e
        { "$bin" "$f" >/dev/null 2>"$dir/$name.err"; } 2>/dev/null; rc=$?
        set -e
        sig=$(grep -m1 '^SIGNATURE' "$dir/$name.err" || true)
        if [ $rc = 0 ] || [ -z "$expect" ] || [ "${sig#*"$expect"}" = "$sig" ]; then
          echo "replay $name: $f did not crash with the expected signature '$expect' (exit $rc): ${sig:-no signature}"
          ok=0
        fi
      done
      [ $n -gt 0 ] || { echo "replay $name: no reproducer in $hdir/regress"; ok=0; }
      if [ $ok = 1 ]; then echo "replay $name: ok ($n reproducer(s) crash as expected)"; else fail=1; fi
      continue
    fi
    inputs=("$hdir/corpus"); [ -d "$hdir/regress" ] && inputs+=("$hdir/regress")
    if [ "$name" = model ]; then # the correct model passes every planted bug's reproducer
      for r in fuzz/bug_*/regress; do [ -d "$r" ] && inputs+=("$r"); done
    fi
    if { "$bin" "${inputs[@]}" >"$dir/$name.out" 2>"$dir/$name.err"; } 2>/dev/null; then
      echo "replay $name: ok ($(sed -n 's/.*: \([0-9]*\) inputs replayed/\1/p' "$dir/$name.out") inputs)"
    else
      echo "replay $name: FAILED (exit $?)"; tail -n 20 "$dir/$name.err"; fail=1
    fi
  done
  exit $fail
fi

# ---- AFL++ ------------------------------------------------------------------------------------
for tool in afl-clang-fast afl-fuzz; do
  command -v $tool >/dev/null || { echo "fuzz/run.sh: $tool not found (apt-get install afl++)" >&2; exit 2; }
done
driver=/usr/lib/afl/libAFLDriver.a
[ -f "$driver" ] || { echo "fuzz/run.sh: $driver not found (afl++ package)" >&2; exit 2; }

dir="$OUT/afl"
[ "$FUZZ_SANITIZE" = 1 ] || dir="$OUT/afl-nosan"
if [ "$FUZZ_SANITIZE" = 1 ]; then export AFL_USE_ASAN=1 AFL_USE_UBSAN=1; fi
export AFL_QUIET=1
build_lib afl-clang-fast "$CFLAGS_COMMON" "$dir" || exit 1
bins=()
for src in "${harnesses[@]}"; do
  bin="$dir/$(basename "$src" .c)"
  afl-clang-fast $CFLAGS_COMMON -o "$bin" "$src" "$dir/libshortcut_cli.a" "$dir/libshortcut.a" \
    "$driver" $LIBS || exit 1
  bins+=("$bin")
done
unset AFL_QUIET AFL_USE_ASAN AFL_USE_UBSAN
if [ "$mode" = build ]; then
  printf '%s\n' "${bins[@]}"
  exit 0
fi

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1 AFL_SKIP_CRASHES=0
[ "${FUZZ_STOP_ON_CRASH:-0}" = 1 ] && export AFL_BENCH_UNTIL_CRASH=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:symbolize=0:detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1}

stat_of() { sed -n "s/^$1 *: *//p" "$2" 2>/dev/null | head -n1; }

total_crashes=0; failed=0
report=()
for i in "${!harnesses[@]}"; do
  src=${harnesses[$i]}; bin=${bins[$i]}
  hdir=$(dirname "$src"); name=$(basename "$hdir")
  out="$OUT/out/$name"; log="$OUT/out/$name.log"
  rm -rf "$out"; mkdir -p "$OUT/out"
  dict=(); for d in "$hdir"/*.dict; do [ -e "$d" ] && dict+=(-x "$d"); done
  echo "fuzz $name: afl-fuzz for ${FUZZ_SECONDS}s on $FUZZ_JOBS instance(s) (log $log)"
  set +e
  if [ "$FUZZ_JOBS" -le 1 ]; then
    afl-fuzz -V "$FUZZ_SECONDS" -m none -t 1000+ -i "$hdir/corpus" -o "$out" "${dict[@]}" \
      -- "$bin" >"$log" 2>&1
    rc=$?
    insts=(default)
  else
    # one main (deterministic stages, syncs the queue) and N-1 secondaries (havoc only)
    pids=(); insts=(main)
    afl-fuzz -V "$FUZZ_SECONDS" -m none -t 1000+ -i "$hdir/corpus" -o "$out" "${dict[@]}" \
      -M main -- "$bin" >"$log" 2>&1 &
    pids+=($!)
    for j in $(seq 1 $((FUZZ_JOBS - 1))); do
      afl-fuzz -V "$FUZZ_SECONDS" -m none -t 1000+ -i "$hdir/corpus" -o "$out" "${dict[@]}" \
        -S "s$j" -- "$bin" >"$log.s$j" 2>&1 &
      pids+=($!); insts+=("s$j")
    done
    rc=0; for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  fi
  set -e
  execs=0; eps=0; paths=0; crashes=0; hangs=0; ran=0
  for inst in "${insts[@]}"; do
    stats="$out/$inst/fuzzer_stats"
    [ -f "$stats" ] || continue
    ran=$((ran + 1))
    e=$(stat_of execs_done "$stats"); execs=$((execs + ${e:-0}))
    r=$(stat_of execs_per_sec "$stats"); eps=$(awk -v a="$eps" -v b="${r:-0}" 'BEGIN{printf "%.2f", a + b}')
    p=$(stat_of corpus_count "$stats"); [ -n "$p" ] || p=$(stat_of paths_total "$stats")
    [ "${p:-0}" -gt "$paths" ] && paths=$p
    crashes=$((crashes + $(find "$out/$inst/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)))
    hangs=$((hangs + $(find "$out/$inst/hangs" -type f ! -name README.txt 2>/dev/null | wc -l)))
  done
  if [ $ran = 0 ]; then
    echo "fuzz $name: afl-fuzz did not run (exit $rc):"; tail -n 20 "$log"
    failed=1; report+=("$name: did not run"); continue
  fi
  total_crashes=$((total_crashes + crashes))
  report+=("$name: $execs execs ($eps/s over $ran instance(s)), corpus $paths, crashes $crashes, hangs $hangs")
  if [ "$crashes" -gt 0 ]; then
    echo "fuzz $name: CRASHES in $out/*/crashes; replay one with:"
    echo "  $bin $out/${insts[0]}/crashes/<file>   (or fuzz/run.sh --replay after copying it to $hdir/regress/)"
  fi
done

echo "---- fuzz summary (${FUZZ_SECONDS}s per harness)"
for line in "${report[@]}"; do echo "  $line"; done
if [ "$total_crashes" -gt 0 ] || [ "$failed" = 1 ]; then
  echo "fuzz: FAILED ($total_crashes crashes)"
  exit 1
fi
echo "fuzz: ok, no crashes"
