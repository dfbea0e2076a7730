"""WP JSON reports (-wp-report-json) -> per-function/lemma lines and "proved N / M goals";
exit 1 unless every goal is proved. Used by proofs/prove_{scan,semigroup,attention}.sh."""
import json, sys
tot = ok = 0
bad = []
for path in sys.argv[1:]:
    d = json.load(open(path))
    groups = list(d.get("wp:functions", {}).items())
    for ax, lem in d.get("wp:axiomatics", {}).items():
        groups.append(("lemmas" if ax in ("", "wp:global") else "lemmas " + ax, lem))
    for f, goals in groups:
        a = b = 0
        for g, r in goals.items():
            if g.startswith("wp:"): continue
            m = r.get("wp:main", {})
            b += m.get("total", 0); a += m.get("valid", 0)
            if m.get("valid", 0) != m.get("total", 0): bad.append(g)
        tot += b; ok += a
        print(f"  {f:24s} {a:4d} / {b:<4d}")
for g in bad: print("  unproved:", g)
print(f"proved {ok} / {tot} goals")
sys.exit(0 if ok == tot and tot > 0 else 1)
