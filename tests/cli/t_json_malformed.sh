#!/usr/bin/env bash
# End-to-end: malformed automaton JSON files are rejected by `shortcut show F --json` with exit
# code 4, exactly one line on stderr naming the file, nothing on stdout; a valid file round
# trips through show --json and simulates correctly. Runs in a fresh temp dir; $SHORTCUT, $PY.
set -u
: "${SHORTCUT:?}" "${PY:=/usr/bin/python3}"
fails=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails+1)); }

# reject NAME TEXT [NEEDLE]: write NAME.json (printf %b: \x escapes allowed), expect rejection.
reject() {
  local f="$1.json" needle="${3:-}"
  printf '%b' "$2" > "$f"
  "$SHORTCUT" show "$f" --json > out.txt 2> err.txt
  local rc=$? lines
  lines=$(wc -l < err.txt)
  if [ "$rc" != 4 ]; then bad "$1: exit $rc, expected 4"; cat err.txt; return; fi
  if [ -s out.txt ]; then bad "$1: stdout not empty"; return; fi
  if [ "$lines" != 1 ] || [ "$(wc -c < err.txt)" -le 1 ]; then
    bad "$1: stderr has $lines lines, expected exactly 1"; cat err.txt; return; fi
  if ! grep -qF "$f" err.txt; then bad "$1: stderr does not name $f: $(cat err.txt)"; return; fi
  if [ -n "$needle" ] && ! grep -qF -- "$needle" err.txt; then
    bad "$1: stderr lacks '$needle': $(cat err.txt)"; return; fi
  ok "$1: $(cat err.txt)"
}

S='"states": 2, "symbols": 2'
reject dup_key        "{$S, \"states\": 2, \"delta\": [[0,1],[1,0]]}"        "line 1, column"
reject ragged_row     "{$S, \"delta\": [[0,1],[1,0,1]]}"                      "delta[1]"
reject out_of_range   "{\"states\": 3, \"symbols\": 2, \"delta\": [[0,1],[1,0],[2,7]]}" "delta[2][1]"
reject negative       "{$S, \"delta\": [[0,1],[-1,0]]}"                       "delta[1][0]"
reject fractional     "{$S, \"delta\": [[0,1.5],[1,0]]}"                      "delta[0][1]"
reject string_entry   "{$S, \"delta\": [[0,\"1\"],[1,0]]}"                    "delta[0][1]"
reject unknown_key    "{$S, \"colour\": 1, \"delta\": [[0,1],[1,0]]}"         "colour"
reject missing_delta  "{$S}"                                                  "delta"
reject missing_states "{\"symbols\": 2, \"delta\": [[0,1],[1,0]]}"            "states"
reject zero_states    "{\"states\": 0, \"symbols\": 2, \"delta\": []}"        "states"
reject row_count      "{\"states\": 3, \"symbols\": 2, \"delta\": [[0,1],[1,0]]}" "delta"
reject start_range    "{$S, \"start\": 2, \"delta\": [[0,1],[1,0]]}"          "start"
reject trailing       "{$S, \"delta\": [[0,1],[1,0]]} garbage"                "line 1, column"
reject truncated      "{$S, \"delta\": [[0,1],[1,0]"                          "line 1, column"
reject dup_names      "{\"states\": [\"a\",\"a\"], \"symbols\": 2, \"delta\": [[0,1],[1,0]]}" "states[1]"
reject empty_name     "{\"states\": [\"a\",\"\"], \"symbols\": 2, \"delta\": [[0,1],[1,0]]}" "states[1]"
reject not_object     "[[0,1],[1,0]]"                                         "top level"
reject empty          ""                                                      "empty"
reject bad_utf8       "{\"name\": \"\\xc3\\x28\", $S, \"delta\": [[0,1],[1,0]]}" "UTF-8"
reject nul_escape     "{\"name\": \"a\\\\u0000\", $S, \"delta\": [[0,1],[1,0]]}" "line 1"
reject newline_in_key "{\n$S,\n\"delta\": [[0,1],[1,0]],\n\"del\\\\nta\": 1}" "unknown key"

# a file that does not exist: also exit 4, one line
"$SHORTCUT" show missing.json --json > out.txt 2> err.txt; rc=$?
if [ $rc = 4 ] && [ "$(wc -l < err.txt)" = 1 ] && grep -q missing.json err.txt && [ ! -s out.txt ]
then ok "missing file"; else bad "missing file: exit $rc: $(cat err.txt)"; fi

# ---- positive: round trip through show --json, and simulate
cat > good.json <<'JSON'
{"name": "tri", "states": ["a", "b", "c"], "symbols": ["x", "y"], "start": 0,
 "delta": [[1, 2], [2, 0], [0, 1]]}
JSON
if "$SHORTCUT" show good.json --json > rt1.json 2> err.txt && [ ! -s err.txt ]; then
  if "$SHORTCUT" show rt1.json --json > rt2.json && cmp -s rt1.json rt2.json; then
    ok "show --json is a fixed point"; else bad "show --json output differs on re-read"; fi
  if "$PY" - good.json rt1.json <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a == b, (a, b)
PYEOF
  then ok "round trip preserves name, states, symbols, start, delta"
  else bad "round trip changed the automaton"; fi
else bad "show good.json --json failed: $(cat err.txt)"; fi

# 0 -y-> 2 -x-> 0 -y-> 2: labels q1..q3 = 2,0,2
out=$("$SHORTCUT" simulate good.json --input 1,0,1 2> err.txt); rc=$?
if [ $rc = 0 ] && [ "$out" = "2,0,2" ]; then ok "simulate good.json: $out"
else bad "simulate good.json: exit $rc, got '$out', expected '2,0,2': $(cat err.txt)"; fi
out=$("$SHORTCUT" simulate rt1.json --input 1,0,1 2> err.txt)
[ "$out" = "2,0,2" ] && ok "simulate round-tripped file" || bad "simulate rt1.json: '$out'"

# the counts form round trips too, with start defaulting to 0 and a file-derived name
printf '{"states": 2, "symbols": 2, "delta": [[0,1],[1,0]]}' > counts.json
if "$SHORTCUT" show counts.json --json > c1.json && "$PY" - c1.json <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d == {"name": "counts.json", "states": 2, "symbols": 2, "start": 0,
             "delta": [[0, 1], [1, 0]]}, d
PYEOF
then ok "counts form defaults"; else bad "counts form: $(cat c1.json)"; fi

# --dot renders with graphviz when it is installed
if command -v dot > /dev/null; then
  if "$SHORTCUT" show good.json --dot > g.dot && dot -Tsvg g.dot -o g.svg 2> dot.err && [ ! -s dot.err ]
  then ok "show --dot renders"; else bad "show --dot: $(cat dot.err)"; fi
fi

echo "t_json_malformed: $fails failure(s)"
[ "$fails" = 0 ]
