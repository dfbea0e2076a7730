#!/usr/bin/env bash
# OSS-Fuzz / ClusterFuzzLite build script (the contract of their build.sh): builds every
# harness fuzz/<name>/fuzz_<name>.c with $CC $CFLAGS and links it with $LIB_FUZZING_ENGINE
# into $OUT/fuzz_<name>, with $OUT/fuzz_<name>_seed_corpus.zip (fuzz/<name>/corpus, plus
# regress/) and $OUT/fuzz_<name>.dict when the harness has a dictionary. The fixtures of the
# CLI harness go to $OUT/cli_files (it finds them next to its executable).
#
#   OSS-Fuzz / ClusterFuzzLite:  .clusterfuzzlite/build.sh (or projects/shortcut/build.sh) runs
#                                `bash fuzz/oss-fuzz-build.sh` from the source tree; the
#                                Dockerfile installs: libjansson-dev libmpfr-dev libgmp-dev zip
#   here, with libFuzzer:        CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link" \
#                                LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/x \
#                                bash fuzz/oss-fuzz-build.sh
#                                /tmp/x/fuzz_npy -max_total_time=60 /tmp/x/corpus_npy
#   AFL++ (the same sources):    CC=afl-clang-fast CFLAGS= LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a
#
# The planted-bug harnesses fuzz/bug_* crash by design and are left out unless
# FUZZ_INCLUDE_BUGS=1. Linking: with $CXX when set (OSS-Fuzz's engines are C++), else $CC;
# GMP, MPFR and Jansson statically when their .a files exist (ClusterFuzz bots do not have
# them installed), unless FUZZ_STATIC_DEPS=0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

: "${CC:?set CC (e.g. clang)}"
: "${OUT:?set OUT (the output directory)}"
CFLAGS=${CFLAGS:-}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE (e.g. -fsanitize=fuzzer)}
LD=${CXX:-$CC}
WORK=${WORK:-$OUT/.build-shortcut}
mkdir -p "$OUT" "$WORK/obj" "$WORK/cliobj"
rm -f "$WORK/obj"/*.o "$WORK/cliobj"/*.o

# the catalog table limit lowered for bounded time per input, as in fuzz/run.sh
flags="-std=gnu11 -g -O1 -D_GNU_SOURCE -pthread -Isrc -DSC_CATALOG_MAX_ENTRIES=65536ull $CFLAGS"
for f in src/*.c src/io/*.c; do
  $CC $flags -c "$f" -o "$WORK/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
done
for f in src/cli/*.c; do
  [ "$(basename "$f")" = main.c ] && continue
  $CC $flags -c "$f" -o "$WORK/cliobj/$(basename "$f" .c).o" 2>/dev/null \
    || echo "oss-fuzz-build: warning: $f does not compile, left out of the CLI archive" >&2
done
rm -f "$WORK/libshortcut.a" "$WORK/libshortcut_cli.a"
ar rcs "$WORK/libshortcut.a" "$WORK"/obj/*.o
ar rcs "$WORK/libshortcut_cli.a" "$WORK"/cliobj/*.o

libs="-ljansson -lmpfr -lgmp"
if [ "${FUZZ_STATIC_DEPS:-1}" = 1 ]; then
  multi=$($CC -print-multiarch 2>/dev/null || true)
  have=1
  for l in jansson mpfr gmp; do
    found=0
    for d in /usr/lib/$multi /usr/lib /usr/local/lib; do [ -f "$d/lib$l.a" ] && found=1; done
    [ $found = 1 ] || have=0
  done
  [ $have = 1 ] && libs="-Wl,-Bstatic -ljansson -lmpfr -lgmp -Wl,-Bdynamic"
fi

built=()
for src in fuzz/*/fuzz_*.c; do
  hdir=$(dirname "$src"); name=$(basename "$hdir")
  if [ "${name#bug_}" != "$name" ] && [ "${FUZZ_INCLUDE_BUGS:-0}" != 1 ]; then continue; fi
  bin="fuzz_$name"
  $CC $flags -c "$src" -o "$WORK/$bin.o"
  $LD $CFLAGS -o "$OUT/$bin" "$WORK/$bin.o" "$WORK/libshortcut_cli.a" "$WORK/libshortcut.a" \
    $LIB_FUZZING_ENGINE $libs -lm -pthread
  if [ -d "$hdir/corpus" ]; then
    rm -f "$OUT/${bin}_seed_corpus.zip"
    (cd "$hdir" && zip -q -r -j "$OUT/${bin}_seed_corpus.zip" corpus $( [ -d regress ] && echo regress ))
  fi
  for d in "$hdir"/*.dict; do [ -e "$d" ] && cp "$d" "$OUT/$bin.dict"; done
  built+=("$bin")
done
if [ -d fuzz/cli/files ]; then rm -rf "$OUT/cli_files"; cp -r fuzz/cli/files "$OUT/cli_files"; fi
echo "oss-fuzz-build: ${#built[@]} harnesses in $OUT: ${built[*]}"
