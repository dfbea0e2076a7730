"""Cross-check of the permutation group module (src/group.c) against GAP: random permutation
groups (degree 3..10, 1..3 generators of varied kinds) are dumped by
`check_group --dump-random N SEED` with our order, abelian, solvable and composition factor
orders; GAP is run ONCE on all of them (Size, IsAbelian, IsSolvable, the factor orders of
CompositionSeries) and every value must agree. Run by tests/run_cli.sh (cwd = a fresh temp
dir); the binary is found under $BUILD_DIR (default build/) of the repository root.
Skips (exit 0 with a note) when GAP is not installed."""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD_DIR", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(ROOT, BUILD)
if "BUILD_DIR" not in os.environ and os.environ.get("SHORTCUT"):
    BUILD = os.path.dirname(os.environ["SHORTCUT"])  # build/ or build/asan/
BIN = os.path.join(BUILD, "tests", "check_group")
N = int(os.environ.get("GROUP_GAP_N", "60"))
SEEDS = tuple(int(s) for s in os.environ.get("GROUP_GAP_SEEDS", "20240601,7").split(","))

if not os.path.exists(BIN):
    sys.exit(f"test_group_vs_gap: {BIN} not built (run `make unit` first)")
gap = shutil.which("gap") or ("/usr/bin/gap" if os.path.exists("/usr/bin/gap") else None)
if gap is None:
    print("test_group_vs_gap: SKIP (gap not installed)")
    sys.exit(0)

groups = []
for seed in SEEDS:
    out = subprocess.run([BIN, "--dump-random", str(N), str(seed)], capture_output=True,
                         text=True, check=True, timeout=600).stdout
    groups += [json.loads(line) for line in out.splitlines() if line.strip()]
assert len(groups) == N * len(SEEDS), len(groups)
for g in groups:
    assert "error" not in g, g

lines = ["res := [];;"]
for g in groups:
    gens = ", ".join("PermList([%s])" % ",".join(str(x + 1) for x in p) for p in g["gens"])
    lines.append("G := Group([%s], ());;" % gens)
    lines.append("cs := CompositionSeries(G);; f := List([1..Length(cs)-1], i -> Size(cs[i])/Size(cs[i+1]));; Sort(f);;")
    lines.append('Print("R ", Size(G), " ", IsAbelian(G), " ", IsSolvable(G), " ", f, "\\n");')
lines.append("QUIT;")
with open("groups.g", "w") as fh:
    fh.write("\n".join(lines) + "\n")
p = subprocess.run([gap, "-q", "-o", "2g", "groups.g"], stdin=subprocess.DEVNULL,
                   capture_output=True, text=True, timeout=900)
res = [l for l in p.stdout.splitlines() if l.startswith("R ")]
assert len(res) == len(groups), (len(res), p.stdout[-2000:], p.stderr[-2000:])

bad = 0
nonsolv = 0
for g, line in zip(groups, res):
    _, size, ab, solv, rest = line.split(" ", 4)
    want_f = [int(x) for x in rest.strip().strip("[]").replace(" ", "").split(",") if x]
    got = (int(g["order"]), g["abelian"] == 1, g["solvable"] == 1, [int(x) for x in g["factors"]])
    want = (int(size), ab == "true", solv == "true", sorted(want_f))
    nonsolv += not want[2]
    if got != want or g["exact"] != 1:
        bad += 1
        print("MISMATCH", g["gens"], "ours", got, "exact", g["exact"], "GAP", want)
print(f"test_group_vs_gap: {len(groups)} groups ({nonsolv} non-solvable), {bad} mismatches")
sys.exit(1 if bad else 0)
