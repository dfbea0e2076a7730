# scan: labels equal simulate's for every method and thread count; rounds/work exact;
# --json shape; errors and exit codes.
. "$(dirname "$0")/lib.sh"
S=$SHORTCUT
# D8, T=5: Blelloch 3 rounds / 5 compositions, Hillis–Steele 3 rounds / 4+3+1 = 8, sequential 4/4
expect_out "1,2,6,5,4
# row 0: T=5 rounds=3 work=5 ceil_log2_T=3
# method=blelloch threads=1 sequences=1 max_rounds=3 total_work=5 agrees_with_sequential=yes" \
  $S scan D8 --input 1,1,0,1,1
expect_out "1,2,6,5,4
# row 0: T=5 rounds=3 work=8 ceil_log2_T=3
# method=hillis-steele threads=2 sequences=1 max_rounds=3 total_work=8 agrees_with_sequential=yes" \
  $S scan D8 --input 1,1,0,1,1 --method hillis-steele --threads 2
expect_out "1,2,6,5,4
# row 0: T=5 rounds=4 work=4 ceil_log2_T=3
# method=sequential threads=1 sequences=1 max_rounds=4 total_work=4 agrees_with_sequential=yes" \
  $S scan D8 --input 1,1,0,1,1 --method sequential
expect_out '{"automaton": "parity:prob1=0.5", "method": "hillis-steele", "threads": 2, "sequences": [{"length": 4, "rounds": 2, "work": 5, "ceil_log2_T": 2, "labels": [1,1,0,1]}], "max_rounds": 2, "total_work": 5, "agrees_with_sequential": true}' \
  $S scan parity --input 1,0,1,1 --method hillis-steele --threads 2 --json
# random words: labels identical to simulate for every method and thread count
"$PY" -c "
import numpy as np
rng = np.random.default_rng(7)
w = rng.integers(0, 3, size=(6, 300)).astype('<i4'); w[2, 100:] = -1; w[4, 0:] = -1
np.save('w.npy', w)
np.save('badpad.npy', np.array([[1,-1,1]], dtype='<i4'))
np.save('badsym.npy', np.array([[1,0,7]], dtype='<i4'))"
want=$($S simulate full:n=5 --input-npy w.npy)
for m in sequential hillis-steele blelloch; do
  for k in 1 2 3 4; do
    got=$($S scan full:n=5 --input-npy w.npy --method $m --threads $k | grep -v '^#')
    [ "$got" = "$want" ] || { echo "FAIL: scan $m/$k differs from simulate"; fails=$((fails+1)); }
  done
done
expect_rc 4 $S scan D8 --input 1,5
grep -q "position 1" err.txt || { echo "FAIL: position not named"; cat err.txt; fails=$((fails+1)); }
expect_rc 4 $S scan D8 --input-npy badpad.npy
expect_rc 4 $S scan D8 --input-npy badsym.npy
expect_rc 4 $S scan D8 --input-npy no-such-file.npy
expect_rc 4 $S scan no-such-automaton --input 1
expect_rc 2 $S scan D8 --input 1 --method kogge-stone
expect_rc 2 $S scan D8 --input 1 --threads 0
expect_rc 2 $S scan D8 --input 1 --threads 65
expect_rc 2 $S scan D8
expect_rc 2 $S scan D8 --input 1 --input-npy w.npy
expect_rc 2 $S scan --input 1
$S scan --help | grep -q "hillis-steele" || { echo "FAIL: help"; fails=$((fails+1)); }
finish
