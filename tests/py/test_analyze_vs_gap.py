"""`shortcut analyze --json` against GAP on random automata.

60 random automata (2..6 states, 1..3 symbols; fixed seed; plus a few edge cases: identity
generators, a constant map, permutation automata) are written as automaton JSON files and
analysed by `$SHORTCUT analyze FILE --json`; ONE GAP run (/usr/bin/gap -q, core GAP only:
Semigroup, GreensDClasses, IsRegularDClass, GroupHClassOfGreensDClass, IsomorphismPermGroup,
CompositionSeries) computes for each: size, number of idempotents, number of D-classes and of
regular D-classes, whether some element is a two-sided identity, the sorted orders of the
maximal subgroups (one per regular D-class) and the sorted multiset of composition-factor
orders of each.  Every field must agree exactly.  GAP transformations act on the right with
points 1..n, as ours do with points 0..n-1.  Exit 0 = pass; exit 0 with "SKIP" when GAP is
not installed (the Makefile's deps step installs it).
"""
import json
import os
import random
import subprocess
import sys

SHORTCUT = os.environ["SHORTCUT"]
GAP = "/usr/bin/gap"
RNG = random.Random(20240501)


def random_automata():
    out = []
    for _ in range(60):
        n = RNG.randint(2, 6)
        k = RNG.randint(1, 3)
        maps = []
        for _ in range(k):
            style = RNG.random()
            if style < 0.25:  # a permutation
                p = list(range(n))
                RNG.shuffle(p)
                maps.append(p)
            elif style < 0.5:  # mostly identity
                maps.append([q if RNG.random() < 0.6 else RNG.randrange(n) for q in range(n)])
            else:
                maps.append([RNG.randrange(n) for _ in range(n)])
        out.append((n, maps))
    # edge cases
    out.append((1, [[0]]))                                   # one state
    out.append((4, [[0, 1, 2, 3], [0, 1, 2, 3]]))            # identity-only generators
    out.append((4, [[2, 2, 2, 2]]))                          # a constant map: trivial group
    out.append((4, [[0, 0, 2, 2], [2, 2, 0, 0]]))            # C2 of non-permutations
    out.append((5, [[1, 2, 3, 4, 0], [1, 0, 2, 3, 4]]))      # S5 as a permutation automaton
    out.append((5, [[1, 2, 0, 3, 4], [0, 2, 3, 1, 4], [0, 1, 3, 4, 2]]))  # A5
    out.append((6, [[0, 0, 1, 2, 4, 3], [2, 3, 0, 5, 0, 4]]))  # the 2353-element example
    return out


def write_automaton(path, n, maps):
    delta = [[maps[s][q] for s in range(len(maps))] for q in range(n)]
    with open(path, "w") as f:
        json.dump({"states": n, "symbols": len(maps), "start": 0, "delta": delta}, f)


GAP_HEADER = r"""
SizeScreen([4096, 24]);
Report := function(i, gens)
  local S, D, R, d, H, G, cs, orders, factors, idem, id;
  S := Semigroup(gens);
  D := GreensDClasses(S);
  R := Filtered(D, IsRegularDClass);
  idem := Idempotents(S);
  id := ForAny(idem, e -> ForAll(gens, g -> e * g = g and g * e = g));
  orders := [];
  factors := [];
  for d in R do
    H := GroupHClassOfGreensDClass(d);
    G := Range(IsomorphismPermGroup(H));
    cs := CompositionSeries(G);
    Add(orders, Size(G));
    Add(factors, SortedList(List([1 .. Length(cs) - 1], j -> Size(cs[j]) / Size(cs[j + 1]))));
  od;
  Sort(orders);
  Sort(factors);
  Print("RESULT ", i, " ", Size(S), " ", Length(idem), " ", Length(D), " ", Length(R), " ",
        id, " ", orders, " ", factors, "\n");
end;
"""


def gap_transformation(images):
    return "Transformation([%s])" % ",".join(str(x + 1) for x in images)


def main():
    if not os.path.exists(GAP):
        print("SKIP: %s not installed" % GAP)
        return 0
    autos = random_automata()
    ours = []
    for i, (n, maps) in enumerate(autos):
        path = "a%03d.json" % i
        write_automaton(path, n, maps)
        r = subprocess.run([SHORTCUT, "analyze", path, "--json"], capture_output=True,
                           text=True)
        if r.returncode != 0:
            print("FAIL: analyze %s exited %d: %s" % (path, r.returncode, r.stderr.strip()))
            return 1
        ours.append(json.loads(r.stdout))
    script = [GAP_HEADER]
    for i, (n, maps) in enumerate(autos):
        script.append("Report(%d, [%s]);" % (i, ", ".join(gap_transformation(m) for m in maps)))
    script.append("QUIT;")
    with open("check.g", "w") as f:
        f.write("\n".join(script) + "\n")
    g = subprocess.run([GAP, "-q"], stdin=open("check.g"), capture_output=True, text=True,
                       timeout=1800)
    theirs = {}
    for line in g.stdout.splitlines():
        if line.startswith("RESULT "):
            parts = line.split(" ", 7)
            i = int(parts[1])
            rest = parts[7]
            # "<orders> <factors>": split at the first "] " (orders list is flat)
            cut = rest.index("]") + 1
            orders = json.loads(rest[:cut].replace(" ", ""))
            factors = json.loads(rest[cut:].strip().replace(" ", ""))
            theirs[i] = dict(size=int(parts[2]), idempotents=int(parts[3]),
                             d_classes=int(parts[4]), regular=int(parts[5]),
                             monoid=parts[6] == "true", orders=orders, factors=factors)
    if len(theirs) != len(autos):
        print("FAIL: GAP reported %d of %d automata" % (len(theirs), len(autos)))
        print(g.stdout[-2000:], g.stderr[-2000:])
        return 1
    failures = 0
    for i, r in enumerate(ours):
        t = theirs[i]
        sg = r["semigroup"]
        subs = r["maximal_subgroups"]
        mine = dict(size=sg["size"], idempotents=sg["idempotents"],
                    d_classes=sg["d_classes"], regular=sg["regular_d_classes"],
                    monoid=sg["is_monoid"],
                    orders=sorted(s["order"] for s in subs),
                    factors=sorted(sorted(f["order"] for f in s["composition_factors"])
                                   for s in subs))
        if mine != t:
            failures += 1
            print("FAIL: automaton %d %s\n  ours %s\n  GAP  %s" % (i, autos[i], mine, t))
        # internal consistency of the rest of the report
        if len(subs) != sg["regular_d_classes"]:
            failures += 1
            print("FAIL: automaton %d: %d maximal subgroups for %d regular D-classes"
                  % (i, len(subs), sg["regular_d_classes"]))
        if sg["aperiodic"] != all(s["order"] == 1 for s in subs):
            failures += 1
            print("FAIL: automaton %d: aperiodic flag" % i)
        perm = all(sorted(m) == list(range(autos[i][0])) for m in autos[i][1])
        if r["permutation_automaton"] != perm:
            failures += 1
            print("FAIL: automaton %d: permutation_automaton flag" % i)
        if sg["is_group"] != (t["d_classes"] == 1 and t["idempotents"] == 1):
            failures += 1
            print("FAIL: automaton %d: is_group flag" % i)
    print("compared %d automata with GAP: %d failures" % (len(ours), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
