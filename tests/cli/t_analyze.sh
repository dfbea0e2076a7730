# analyze: exact values of issue 3 through the CLI (JSON fields), limits (exit 5, one line),
# usage errors (exit 2), rejected automata (exit 4), the catalog table, --length rounds.
. "$(dirname "$0")/lib.sh"
S=$SHORTCUT
# field FIELD SPEC [ARGS...]: print one JSON field of `analyze SPEC --json` (dotted path)
field() {
  local f=$1; shift
  "$S" analyze "$@" --json | "$PY" -c "
import json, sys
r = json.load(sys.stdin)
for k in sys.argv[1].split('.'):
    r = r[int(k)] if isinstance(r, list) else r[k]
print(json.dumps(r, sort_keys=True))" "$f"
}
expect_out 3125 field semigroup.size T5
expect_out 46656 field semigroup.size full:n=6
expect_out 823543 field semigroup.size T7
expect_out 212 field semigroup.size Grid9
expect_out true field semigroup.aperiodic Grid9
expect_out 3 field semigroup.size flipflop:n=2
expect_out 9 field semigroup.size abab
"$S" analyze abab --json | "$PY" -c "
import json, sys
r = json.load(sys.stdin)
assert sorted(s['order'] for s in r['maximal_subgroups']) == [1, 2], r
assert r['semigroup']['regular_d_classes'] == 2 and r['solvable'] is True
" || { echo "FAIL: abab maximal subgroups"; fails=$((fails+1)); }
expect_out 8 field semigroup.size Q8
expect_out 60 field semigroup.size A5
expect_out 120 field semigroup.size S5
expect_out 5040 field semigroup.size symmetric:n=7
# (symmetric:n=8, the regular representation of S8 on 40320 states, takes ~80 s in src/group.c)
expect_out true field permutation_automaton S5
expect_out true field semigroup.is_group S5
expect_out false field semigroup.enumerated S5
# the 2353-element example as a JSON automaton (1-based images [1,1,2,3,5,4], [3,4,1,6,1,5])
cat > ex.json <<'JSON'
{"states": 6, "symbols": 2, "start": 0,
 "delta": [[0,2],[0,3],[1,0],[2,5],[4,0],[3,4]]}
JSON
"$S" analyze ex.json --json > ex.out || { echo "FAIL: analyze ex.json"; fails=$((fails+1)); }
"$PY" -c "
import json
r = json.load(open('ex.out'))
s = r['semigroup']
assert (s['size'], s['idempotents'], s['d_classes'], s['regular_d_classes']) == (2353, 236, 9, 4), s
assert sorted(m['order'] for m in r['maximal_subgroups']) == [1, 2, 6, 12], r
" || { echo "FAIL: 2353 example"; fails=$((fails+1)); }
# one state, identity-only generators: exact answers
cat > one.json <<'JSON'
{"states": 1, "symbols": 1, "start": 0, "delta": [[0]]}
JSON
cat > ids.json <<'JSON'
{"states": 3, "symbols": 2, "start": 0, "delta": [[0,0],[1,1],[2,2]]}
JSON
for f in one.json ids.json; do
  "$S" analyze $f --json | "$PY" -c "
import json, sys
r = json.load(sys.stdin)
s = r['semigroup']
assert (s['size'], s['idempotents'], s['d_classes'], s['regular_d_classes']) == (1, 1, 1, 1), s
assert s['is_monoid'] and s['is_group'] and s['aperiodic'] and r['solvable'], r
assert [m['order'] for m in r['maximal_subgroups']] == [1], r
" || { echo "FAIL: trivial $f"; fails=$((fails+1)); }
done
# depth predictions
expect_out 10 field depth.scan_rounds Grid9 --length 1000
expect_out 20 field depth.blelloch_rounds Grid9 --length 1000
expect_out 0 field depth.scan_rounds Grid9 --length 1
expect_out 0 field depth.scan_rounds Grid9 --length 0
expect_out 1 field depth.scan_rounds Grid9 --length 2
expect_out 11 field depth.scan_rounds Grid9 --length 1025
expect_out null field depth.scan_rounds Grid9
expect_out true field depth.krohn_rhodes_shortcut D8
# limits: exit 5 with exactly one line
expect_rc 5 $S analyze T6 --max-elements 1000
grep -q "max-elements" err.txt || { echo "FAIL: limit not named"; cat err.txt; fails=$((fails+1)); }
expect_rc 5 $S analyze full:n=12 --max-memory 64
# usage and rejected input
expect_rc 2 $S analyze
expect_rc 2 $S analyze T3 T4
expect_rc 2 $S analyze T3 --bogus
expect_rc 2 $S analyze T3 --length x
expect_rc 2 $S analyze T3 --max-elements 0
expect_rc 2 $S analyze --catalog T3
expect_rc 4 $S analyze no-such-automaton
printf '{"states": 2, "symbols": 1, "start": 0, "delta": [[0],[5]]}' > bad.json
expect_rc 4 $S analyze bad.json
"$S" analyze --help | grep -q "usage: shortcut analyze" || { echo "FAIL: --help"; fails=$((fails+1)); }
# the catalog: a table with every testbed, and a JSON array
"$S" analyze --catalog > cat.txt || { echo "FAIL: --catalog"; fails=$((fails+1)); }
for t in Dyck Grid9 C3 'C2^3' D6 D8 Q8 A5 S5 FF2 parity abab; do
  grep -q "^$t " cat.txt || { echo "FAIL: catalog row $t"; fails=$((fails+1)); }
done
"$S" analyze --catalog --json | "$PY" -c "
import json, sys
rows = {r['automaton']: r for r in json.load(sys.stdin)}
assert rows['Grid9']['semigroup']['size'] == 212 and rows['Grid9']['semigroup']['aperiodic']
assert rows['A5']['solvable'] is False and rows['S5']['solvable'] is False
assert rows['Q8']['solvable'] is True
assert sorted(f['order'] for f in rows['S5']['maximal_subgroups'][0]['composition_factors']) == [2, 60]
assert [f['order'] for f in rows['A5']['maximal_subgroups'][0]['composition_factors']] == [60]
assert [f['name'] for f in rows['A5']['maximal_subgroups'][0]['composition_factors']] == ['A_5']
assert [f['order'] for f in rows['Q8']['maximal_subgroups'][0]['composition_factors']] == [2, 2, 2]
" || { echo "FAIL: catalog JSON"; fails=$((fails+1)); }
finish
