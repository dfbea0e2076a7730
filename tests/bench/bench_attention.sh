#!/usr/bin/env bash
# Softmax attention benchmark (issue 6): one causal softmax head, T = 256, d = 64, enclosed at
# 128 bits by sc_attn_softmax_iv, against python3-mpmath (mp.prec = 128, the same real
# computation) and torch float64, measured in the same run (tests/bench/bench_attention.py).
# Goals: >= 200x faster than mpmath; <= 300x the time of torch float64.
# Standalone:  bash tests/bench/bench_attention.sh      (needs build/libshortcut.a: make all)
# Env: BENCH_ROUNDS (default 5), BENCH_T (256), BENCH_D (64), PY (/usr/bin/python3),
# BENCH_SIMD=0 (the scalar loops, as on a CPU without AVX-512 IFMA).
# Exit 1 if an enclosure misses the 256-bit mpmath reference (timings are reported, not
# enforced: shared machines are noisy).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[ -f "$BUILD/libshortcut.a" ] || make -s all
mkdir -p "$BUILD/bench"
${CC:-cc} -std=gnu11 -O2 -D_GNU_SOURCE -pthread -Isrc -o "$BUILD/bench/bench_attention" \
  tests/bench/bench_attention.c "$BUILD/libshortcut.a" -ljansson -lmpfr -lgmp -lm -pthread
exec "${PY:-/usr/bin/python3}" tests/bench/bench_attention.py "$BUILD/bench/bench_attention"
