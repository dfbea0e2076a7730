#!/usr/bin/env bash
# Run every Check suite binary given; print one closing line "N passed, N failed" (suites).
pass=0; fail=0
for t in "$@"; do
  if CK_FORK=yes "$t"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED suite: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ]
