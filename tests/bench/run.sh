#!/usr/bin/env bash
# Benchmarks (called by `make bench` as: bash tests/bench/run.sh build/shortcut).
# Each benchmark measures its baselines in the same run and prints ratios (DESIGN.md §7).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${PY:=/usr/bin/python3}"
[ $# -ge 1 ] || { echo "usage: bash tests/bench/run.sh path/to/shortcut" >&2; exit 2; }
sc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
status=0
for b in "$here"/bench_*.py "$here"/bench_*.sh; do
  [ -e "$b" ] || continue
  echo "==== $(basename "$b")"
  case "$b" in
    *.py) "$PY" "$b" "$sc" || status=1 ;;
    *.sh) bash "$b" || status=1 ;;
  esac
done
exit $status
