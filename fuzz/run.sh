#!/usr/bin/env bash
# Fuzz every harness fuzz/<name>/fuzz_*.c with AFL++, or replay the seed corpora.
#
#   fuzz/run.sh [NAME...]            AFL++: build with afl-clang-fast (ASan+UBSan), run
#                                    afl-fuzz -V $FUZZ_SECONDS per harness, report executions,
#                                    crashes and hangs; exit 1 if any harness found a crash.
#   fuzz/run.sh --replay [NAME...]   no fuzzing engine: build each harness with plain clang,
#                                    ASan+UBSan and fuzz/replay_main.c, and feed it every file of
#                                    fuzz/<name>/corpus (and fuzz/<name>/regress if present) once.
#                                    Quick (seconds); usable from tests. Exit 1 on any failure.
#
# Layout per harness: fuzz/<name>/fuzz_<name>.c (defines LLVMFuzzerTestOneInput, includes
# library headers relative to src/), fuzz/<name>/corpus/ (seeds), optional fuzz/<name>/*.dict.
# The harness is linked against every library source (src/*.c src/io/*.c).
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_SANITIZE=0 to fuzz without ASan/UBSan (faster),
# CC_REPLAY (default clang), FUZZ_BUILD (default build/fuzz).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=fuzz
if [ "${1:-}" = "--replay" ]; then mode=replay; shift; fi
case "${1:-}" in -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_SANITIZE=${FUZZ_SANITIZE:-1}
OUT=${FUZZ_BUILD:-build/fuzz}
JOBS=$(nproc 2>/dev/null || echo 2)
CFLAGS_COMMON="-std=gnu11 -g -O1 -D_GNU_SOURCE -pthread -Isrc -fno-omit-frame-pointer"
LIBS="-ljansson -lgmp -lm -pthread"

# Harnesses: all of fuzz/*/fuzz_*.c, or those named on the command line.
harnesses=()
for src in fuzz/*/fuzz_*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$(dirname "$src")")
  if [ $# -gt 0 ]; then
    keep=0; for want in "$@"; do [ "$want" = "$name" ] && keep=1; done
    [ $keep = 1 ] || continue
  fi
  harnesses+=("$src")
done
if [ ${#harnesses[@]} = 0 ]; then
  echo "fuzz/run.sh: no harness found (fuzz/<name>/fuzz_*.c${*:+ matching $*})" >&2
  exit 2
fi

# build_lib CC FLAGS DIR: compile src/*.c src/io/*.c into DIR/obj and archive DIR/libshortcut.a.
build_lib() {
  local cc=$1 flags=$2 dir=$3
  mkdir -p "$dir/obj"
  rm -f "$dir/obj"/*.o "$dir/libshortcut.a"
  local srcs=(src/*.c src/io/*.c)
  printf '%s\n' "${srcs[@]}" | \
    CC_="$cc" FLAGS_="$flags" DIR_="$dir" xargs -P "$JOBS" -I{} sh -c \
      'o="$DIR_/obj/$(echo "{}" | tr / _ | sed "s/\.c$/.o/")"; $CC_ $FLAGS_ -c "{}" -o "$o" || { echo "fuzz/run.sh: cannot compile {}" >&2; exit 255; }' \
    || return 1
  ar rcs "$dir/libshortcut.a" "$dir"/obj/*.o
}

if [ "$mode" = replay ]; then
  cc=${CC_REPLAY:-clang}
  command -v "$cc" >/dev/null || { echo "fuzz/run.sh: $cc not found (apt-get install clang)" >&2; exit 2; }
  san="-fsanitize=address,undefined -fno-sanitize-recover=all"
  dir="$OUT/replay"
  build_lib "$cc" "$CFLAGS_COMMON $san" "$dir" || exit 1
  fail=0
  for src in "${harnesses[@]}"; do
    hdir=$(dirname "$src"); name=$(basename "$hdir")
    bin="$dir/$(basename "$src" .c)"
    $cc $CFLAGS_COMMON $san -o "$bin" "$src" fuzz/replay_main.c "$dir/libshortcut.a" $LIBS || { fail=1; continue; }
    inputs=("$hdir/corpus"); [ -d "$hdir/regress" ] && inputs+=("$hdir/regress")
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$bin" "${inputs[@]}"; then
      echo "replay $name: ok"
    else
      echo "replay $name: FAILED (exit $?)"; fail=1
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
if [ "$FUZZ_SANITIZE" = 1 ]; then export AFL_USE_ASAN=1 AFL_USE_UBSAN=1; fi
export AFL_QUIET=1
build_lib afl-clang-fast "$CFLAGS_COMMON" "$dir" || exit 1
bins=()
for src in "${harnesses[@]}"; do
  bin="$dir/$(basename "$src" .c)"
  afl-clang-fast $CFLAGS_COMMON -o "$bin" "$src" "$dir/libshortcut.a" "$driver" $LIBS || exit 1
  bins+=("$bin")
done
unset AFL_QUIET AFL_USE_ASAN AFL_USE_UBSAN

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1 AFL_SKIP_CRASHES=0
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
  echo "fuzz $name: afl-fuzz for ${FUZZ_SECONDS}s (log $log)"
  set +e
  afl-fuzz -V "$FUZZ_SECONDS" -m none -t 1000+ -i "$hdir/corpus" -o "$out" "${dict[@]}" -- "$bin" >"$log" 2>&1
  rc=$?
  set -e
  stats="$out/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "fuzz $name: afl-fuzz did not run (exit $rc):"; tail -n 20 "$log"
    failed=1; report+=("$name: did not run"); continue
  fi
  execs=$(stat_of execs_done "$stats"); eps=$(stat_of execs_per_sec "$stats")
  paths=$(stat_of corpus_count "$stats"); [ -n "$paths" ] || paths=$(stat_of paths_total "$stats")
  crashes=$(find "$out/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
  hangs=$(find "$out/default/hangs" -type f ! -name README.txt 2>/dev/null | wc -l)
  total_crashes=$((total_crashes + crashes))
  report+=("$name: $execs execs ($eps/s), corpus $paths, crashes $crashes, hangs $hangs")
  if [ "$crashes" -gt 0 ]; then
    echo "fuzz $name: CRASHES in $out/default/crashes; replay one with:"
    echo "  $bin $out/default/crashes/<file>   (or fuzz/run.sh --replay after copying it to $hdir/regress/)"
  fi
done

echo "---- fuzz summary (${FUZZ_SECONDS}s per harness)"
for line in "${report[@]}"; do echo "  $line"; done
if [ "$total_crashes" -gt 0 ] || [ "$failed" = 1 ]; then
  echo "fuzz: FAILED ($total_crashes crashes)"
  exit 1
fi
echo "fuzz: ok, no crashes"
