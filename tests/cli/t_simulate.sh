# simulate: the labels q_1..q_T of the talk's examples, exact; errors and exit codes.
. "$(dirname "$0")/lib.sh"
S=$SHORTCUT
expect_out "1,0,0,1" $S simulate parity --input 1,1,0,1
expect_out "1,0,0,1" $S simulate C2 --input 1,1,0,1
expect_out "" $S simulate parity --input ""
expect_out '{"automaton": "parity:prob1=0.5", "labels": [[1,1,0]]}' $S simulate parity --input 1,0,1 --json
# gridworld:n=3 clamps at both ends: right,right,right,left,left,left,left
expect_out "1,2,2,1,0,0,0" $S simulate gridworld:n=3 --input 1,1,1,0,0,0,0
# flip-flop: write 1, read, write 2, read -> 1,1,2,2
expect_out "1,1,2,2" $S simulate flipflop:n=2 --input 1,0,2,0
# abab starts in 3: 0 1 0 1 -> 0 1 2 3
expect_out "0,1,2,3" $S simulate abab --input 0,1,0,1
# a symbol out of range names its position; exit 4
expect_rc 4 $S simulate parity --input 1,0,2
grep -q "position 2" err.txt || { echo "FAIL: position not named"; cat err.txt; fails=$((fails+1)); }
expect_rc 4 $S simulate parity --input 1,-1
expect_rc 2 $S simulate parity --input 1,x
expect_rc 2 $S simulate parity --input 1,
expect_rc 2 $S simulate parity
expect_rc 2 $S simulate parity --input 1 --bogus
expect_rc 4 $S simulate no-such-automaton --input 1
expect_rc 4 $S simulate cyclic:n=0 --input 1
expect_rc 2 $S no-such-verb
# --input-npy with -1 padding, and --out writes the labels atomically
"$PY" -c "
import numpy as np
np.save('in.npy', np.array([[1,1,0,1],[1,-1,-1,-1]], dtype='<i4'))
np.save('badpad.npy', np.array([[1,-1,1]], dtype='<i4'))
np.save('in_u1.npy', np.array([[1,1,0,1]], dtype='|u1'))
np.save('float.npy', np.array([[1.0]], dtype='<f8'))
"
expect_out "$(printf '1,0,0,1\n1,-1,-1,-1')" $S simulate parity --input-npy in.npy --out lab.npy
"$PY" -c "
import numpy as np
a = np.load('lab.npy'); assert a.dtype == np.dtype('<i4') and a.tolist() == [[1,0,0,1],[1,-1,-1,-1]], a
" || { echo "FAIL: --out labels"; fails=$((fails+1)); }
expect_out "1,0,0,1" $S simulate parity --input-npy in_u1.npy
expect_rc 4 $S simulate parity --input-npy badpad.npy
expect_rc 4 $S simulate parity --input-npy float.npy
expect_rc 4 $S simulate parity --input-npy missing.npy
# a rejected run leaves no output file
rm -f nolab.npy
expect_rc 4 $S simulate parity --input-npy badpad.npy --out nolab.npy
[ ! -e nolab.npy ] || { echo "FAIL: partial output left"; fails=$((fails+1)); }
finish
