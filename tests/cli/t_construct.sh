#!/usr/bin/env bash
# construct: labels and layers of each constant-depth construction, equal to simulate;
# usage errors exit 2, bad input / unrecognised structure exit 4 with one stderr line.
. "$(dirname "$0")/lib.sh"
S=$SHORTCUT
labels_of() { "$S" construct "$@" --json | "$PY" -c 'import json,sys; d=json.load(sys.stdin); assert d["check"]["equal"]; print(d["layers"], ";".join(",".join(map(str,r)) for r in d["labels"]))'; }

expect_out "1 1,1,0,1,1"            labels_of parity --input 1,0,1,1,0
expect_out "1 3,1,2,2,4"            labels_of cyclic --n 5 --actions 4 --input 3,3,1,0,2
expect_out "1 1,3,1,0,0"            labels_of product --k 2 --input 1,2,2,1,0
expect_out "1 1,3,7,6"              labels_of abelian --automaton C2^3 --input 1,2,3,1
expect_out "2 1,2,6,5,4,7,3,0"      labels_of car --n 4 --input 1,1,0,1,1,1,0,1
expect_out "3 1,2,2,1,0,0,0,1"      labels_of gridworld --n 3 --input 1,1,1,0,0,0,0,1
expect_out "1 0,2,2,2,3,3"          labels_of flipflop --n 3 --input 0,2,0,0,3,0
expect_out "1 0,1,1,0,0"            labels_of memory --input 2,1,2,0,2
expect_out "3 0,0"                  labels_of gridworld --n 1 --input 1,0
expect_out "1 "                     labels_of flipflop --input ''

# text form: labels line equal to simulate's; the layer and check lines
got=$("$S" construct gridworld --n 9 --input 1,1,0,1,1,1,1,1,1,1,1,1,0)
want=$("$S" simulate gridworld:n=9 --input 1,1,0,1,1,1,1,1,1,1,1,1,0)
echo "$got" | grep -qx "$want" || { echo "FAIL: text labels"; fails=$((fails+1)); }
echo "$got" | grep -qx "layers: 3" || { echo "FAIL: layers line"; fails=$((fails+1)); }
echo "$got" | grep -q "^check: equal to the sequential definition (1 sequence, 13 labels)$" \
  || { echo "FAIL: check line"; fails=$((fails+1)); }

# npy input with -1 padding, every construction against simulate on random rows
"$PY" - <<'PY'
import numpy as np
rng = np.random.default_rng(4)
for name, k in [("bits", 2), ("three", 3), ("four", 4)]:
    a = rng.integers(0, k, size=(7, 300)).astype("<i4")
    for r in range(7):
        cut = rng.integers(0, 301)
        a[r, cut:] = -1
    np.save(name + ".npy", a)
PY
for c in "parity bits" "cyclic three --n 4 --actions 3" "product three --k 2" "car bits --n 5" \
         "gridworld bits --n 6" "flipflop three --n 2" "memory three"; do
  set -- $c; kind=$1; f=$2; shift 2
  case $kind in parity) A=parity;; cyclic) A=cyclic:n=4,actions=3;; product) A=product:k=2;;
    car) A=dihedral:n=5;; gridworld) A=gridworld:n=6;; flipflop) A=flipflop:n=2;; memory) A=memory;; esac
  got=$("$S" construct "$kind" "$@" --input-npy "$f.npy" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["labels"])')
  want=$("$S" simulate "$A" --input-npy "$f.npy" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["labels"])')
  [ "$got" = "$want" ] || { echo "FAIL: npy $kind"; fails=$((fails+1)); }
done

expect_rc 2 "$S" construct
expect_rc 2 "$S" construct bogus --input 1
expect_rc 2 "$S" construct parity
expect_rc 2 "$S" construct parity --input 1 --input-npy bits.npy
expect_rc 2 "$S" construct parity --n 3 --input 1
expect_rc 2 "$S" construct car --k 3 --input 1
expect_rc 2 "$S" construct car --actions 3 --input 1
expect_rc 2 "$S" construct gridworld --n 0 --input 1
expect_rc 2 "$S" construct abelian --input 1
expect_rc 2 "$S" construct cyclic --automaton parity --n 3 --input 1
expect_rc 2 "$S" construct parity --input 1,,0
expect_rc 4 "$S" construct parity --input 1,2
expect_rc 4 "$S" construct flipflop --input-npy three.npy --n 1
expect_rc 4 "$S" construct abelian --automaton S5 --input 1
expect_rc 4 "$S" construct car --automaton Q8 --input 1
expect_rc 4 "$S" construct gridworld --automaton abab --input 1
expect_rc 4 "$S" construct memory --automaton parity --input 1
expect_rc 4 "$S" construct parity --input-npy missing.npy
finish
