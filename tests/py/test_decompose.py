"""`shortcut decompose` and `gen --cascade-labels` (run by tests/run_cli.sh with $SHORTCUT, cwd =
a fresh temp dir): SgpDec's published levels for the full transformation monoids T_3..T_8 and
the 6-state example of its manual; composition series of groups (solvable -> only C_p);
every catalog family decomposes with its exhaustive emulation certificate passing; cascade
labels for datasets; limits and malformed input."""
import json
import math
import os

import numpy as np

from clitest import SC, checks, ok, run  # noqa: E402


def levels(spec, *extra):
    out = run("decompose", spec, *extra).stdout.splitlines()
    return [line.split(": ", 1)[1] for line in out if line[:1].isdigit() and ": " in line]


# SgpDec's documented holonomy levels of T_n: (n,Sn) ... (2,C2)
for n in range(2, 9):
    want = [f"({m},S{m})" if m > 2 else "(2,C2)" for m in range(n, 1, -1)]
    ok(levels(f"T{n}") == want, f"T{n}: {levels(f'T{n}')}")
ok(levels("T3") == ["(3,S3)", "(2,C2)"], "T3 as in SgpDec")
ok(levels("T5") == ["(5,S5)", "(4,S4)", "(3,S3)", "(2,C2)"], "T5 as in SgpDec")

# SgpDec manual: the semigroup of [1,1,2,3,5,4], [3,4,1,6,1,5] (1-based images)
gens = [[1, 1, 2, 3, 5, 4], [3, 4, 1, 6, 1, 5]]
delta = [[gens[0][q] - 1, gens[1][q] - 1] for q in range(6)]
json.dump({"name": "sgpdec6", "states": 6, "symbols": 2, "start": 0, "delta": delta},
          open("six.json", "w"))
ok(levels("six.json") == ["2", "3", "3", "3 (4,A4)", "(3,S3)", "(2,C2)"],
   f"SgpDec manual example: {levels('six.json')}")

# groups: a composition series; solvable -> cyclic of prime order; orders multiply to |G|
for spec, order, want in (("S4", 24, ["(2,C2)", "(3,C3)", "(2,C2)", "(2,C2)"]),
                          ("S5", 120, ["(2,C2)", "(60,A5)"]), ("Q8", 8, None),
                          ("D8", 8, None), ("C3", 3, ["(3,C3)"]), ("A5", 60, ["(60,A5)"])):
    d = json.loads(run("decompose", spec, "--json").stdout)
    ok(d["kind"] == "composition-series" and d["certificate"]["ok"], spec)
    comps = [c for lv in d["levels"] for c in lv["components"]]
    ok(math.prod(c["order"] for c in comps) == order, f"{spec}: orders multiply to {order}")
    if want:
        ok([c["display"] for c in comps] == want, f"{spec}: {[c['display'] for c in comps]}")
    if spec in ("S4", "Q8", "D8", "C3"):  # solvable
        ok(all(c["order"] in (2, 3, 5, 7) for c in comps), f"{spec}: only C_p")

# every catalog family (and a few parameters): decomposes, certificate passes
fams = []
for line in run("list").stdout.splitlines()[1:]:
    if not line.strip():
        break  # the families end at the first blank line (aliases follow)
    fams.append(line.split()[0])
for spec in fams + ["T6", "Grid9", "C2^3", "abab", "Dyck"]:
    d = json.loads(run("decompose", spec, "--json").stdout)
    ok(d["certificate"] and d["certificate"]["ok"], f"{spec}: certificate")
    ok(d["level_count"] == len(d["levels"]), spec)
print(f"{len(fams) + 5} catalog automata decomposed and certified")
d = json.loads(run("decompose", "S4", "--json", "--force-holonomy").stdout)
ok(d["kind"] == "holonomy" and d["certificate"]["ok"], "forced holonomy on a group")

# text report, dot
out = run("decompose", "T4").stdout
ok("emulation certificate: PASS" in out and "levels: 3" in out, out)
ok(run("decompose", "T4", "--dot").stdout.startswith("digraph"), "dot")

# cascade labels: shape, determinism, parity's single C2 level is the label itself
run("gen", "parity", "--count", 50, "--length", 40, "--seed", 3, "--out", "p",
    "--cascade-labels")
c, y = np.load("p.cascade.npy"), np.load("p.labels.npy")
ok(c.shape == (50, 40, 1) and np.array_equal(c[:, :, 0], y), "parity: cascade level = label")
run("gen", "T4", "--count", 30, "--length", 25, "--seed", 1, "--out", "a", "--cascade-labels",
    "--random-length")
run("gen", "T4", "--count", 30, "--length", 25, "--seed", 1, "--out", "b", "--cascade-labels",
    "--random-length")
ca = np.load("a.cascade.npy")
ok(open("a.cascade.npy", "rb").read() == open("b.cascade.npy", "rb").read(), "same bytes")
ok(ca.shape == (30, 25, 3), ca.shape)
lens = np.load("a.lengths.npy")
ok(all((ca[r, lens[r]:] == -1).all() for r in range(30)), "padding is -1")
ok(((ca >= -1) & (ca < 4)).all(), "level values in range")
run("gen", "ffl", "--count", 2, "--length", 8, "--out", "f", "--cascade-labels", code=2)

# limits and bad input
p = run("decompose", "T4", "--max-sets", 3, code=5)
ok(len(p.stderr.strip().splitlines()) == 1, p.stderr)
open("bad.json", "w").write('{"states": 2, "symbols": 1, "delta": [[0], [5]]}')
p = run("decompose", "bad.json", code=4)
ok(len(p.stderr.strip().splitlines()) == 1, p.stderr)
run("decompose", "T4", "--json", "--dot", code=2)
print(f"test_decompose: {checks()} checks passed")
