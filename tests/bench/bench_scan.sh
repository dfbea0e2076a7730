#!/usr/bin/env bash
# Scan benchmark (issue 4): 10^7 steps over |Q| = 8 (D8); Blelloch on one thread vs the
# sequential fold (target <= 3x), speed-up on 2 threads (target >= 1.7x), identical results.
# Standalone:  bash tests/bench/bench_scan.sh [T] [runs] [spec]   (defaults 10000000 5 D8)
# Needs build/libshortcut.a (make all). Exit 1 only if results differ (timings are reported,
# not enforced: shared machines are noisy).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[ -f "$BUILD/libshortcut.a" ] || make -s all
mkdir -p "$BUILD/bench"
${CC:-cc} -std=gnu11 -O2 -D_GNU_SOURCE -pthread -Isrc -o "$BUILD/bench/bench_scan" \
  tests/bench/bench_scan.c "$BUILD/libshortcut.a" -ljansson -lgmp -lm -pthread
exec "$BUILD/bench/bench_scan" "${1:-10000000}" "${2:-5}" "${3:-D8}"
