#!/usr/bin/env bash
# End-to-end tests: every tests/cli/t_*.sh (bash) and tests/py/test_*.py (/usr/bin/python3).
# Each gets $SHORTCUT (the binary), $PY and a fresh scratch directory $TMPD; exit 0 = pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SHORTCUT:?}" "${PY:=/usr/bin/python3}"
export SHORTCUT PY
pass=0; fail=0; failed=""
for t in "$here"/cli/t_*.sh "$here"/py/test_*.py; do
  [ -e "$t" ] || continue
  TMPD=$(mktemp -d); export TMPD
  case "$t" in
    *.sh) (cd "$TMPD" && bash "$t") >"$TMPD.log" 2>&1 ;;
    *.py) (cd "$TMPD" && "$PY" "$t") >"$TMPD.log" 2>&1 ;;
  esac
  if [ $? = 0 ]; then pass=$((pass+1)); else
    fail=$((fail+1)); failed="$failed $(basename "$t")"
    echo "---- FAILED: $t"; tail -n 30 "$TMPD.log"
  fi
  rm -rf "$TMPD" "$TMPD.log"
done
[ -z "$failed" ] || echo "failed:$failed"
echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
