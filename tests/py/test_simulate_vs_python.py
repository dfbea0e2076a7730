"""`shortcut simulate` against the independent Python reference (tests/py/shortcut_ref.py).

For every catalog automaton (defaults, non-default parameters, every alias, the patterns):
1000 random sequences of random lengths 1..200 (every symbol occurs; abab and Dyck also get
sequences that stay out of their sink for long), written as one -1-padded int32 npy and run
through `$SHORTCUT simulate SPEC --input-npy FILE --json`; every label must match exactly,
and the padding must come back as -1. Also the literal example of the talk and `list --json`'s
|Q| and |Σ| against closed forms. Exit 0 = pass.
"""
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shortcut_ref as ref  # noqa: E402

SHORTCUT = os.environ["SHORTCUT"]
RNG = np.random.default_rng(20230501)
ROWS, MAXLEN = 1000, 200

SPECS = [
    # every catalog entry by bare name (defaults)
    "parity", "cyclic", "product", "dihedral", "quaternion", "symmetric", "alternating",
    "gridworld", "flipflop", "memory", "abab", "adder", "permutation_reset", "dyck", "full",
    # non-default parameters
    "parity:prob1=0.3", "cyclic:n=7,actions=5", "cyclic:actions=7,n=3", "cyclic:n=1,actions=1",
    "product:k=1", "product:k=5", "dihedral:n=1", "dihedral:n=2", "dihedral:n=7",
    "symmetric:n=2", "symmetric:n=3", "symmetric:n=4,actions=10", "symmetric:n=3,actions=6",
    "alternating:n=3", "alternating:n=4", "alternating:n=6",
    "gridworld:n=1", "gridworld:n=2", "gridworld:n=50,prob1=0.9", "flipflop:n=1",
    "flipflop:n=9", "abab:pattern_prob=1", "adder:addends=3", "adder:addends=4,prob1=0.25",
    "permutation_reset:n=1", "permutation_reset:n=3",
    "permutation_reset:n=4,generators=1230.1023.0132", "dyck:types=1,depth=3",
    "dyck:types=3,depth=3", "dyck:types=2,depth=1", "dyck:depth=6", "full:n=1", "full:n=2",
    "full:n=3", "full:n=9",
    # patterns
    "C7", "C2^2", "S4", "A4", "T3", "D10", "Grid5", "FF3",
] + list(ref.ALIASES)

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def guided(spec, k, length, bad):
    """A sequence that avoids the sink states `bad` w.p. 0.97 at each step when it can."""
    q, step, encode, _ = ref.make(spec)
    out = []
    for _ in range(length):
        good = [a for a in range(k) if encode(step(q, a)) not in bad]
        a = int(RNG.choice(good)) if good and RNG.random() < 0.97 else int(RNG.integers(k))
        out.append(a)
        q = step(q, a)
    return out


def sequences(spec, k):
    lengths = RNG.integers(1, MAXLEN + 1, size=ROWS)
    lengths[0], lengths[1] = 1, MAXLEN
    seqs = [list(map(int, RNG.integers(0, k, size=L))) for L in lengths]
    # the first rows carry every symbol
    allsym = list(map(int, RNG.permutation(k)))
    for r in range(0, (k + MAXLEN - 1) // MAXLEN):
        chunk = allsym[r * MAXLEN:(r + 1) * MAXLEN]
        seqs[2 + r] = chunk + seqs[2 + r][:MAXLEN - len(chunk)]
    name, _ = ref.parse(spec)
    if name in ("abab", "dyck"):
        sink = {4} if name == "abab" else {ref.num_states(spec) - 1}
        for r in range(10, ROWS, 2):
            seqs[r] = guided(spec, k, len(seqs[r]), sink)
    return seqs


def run_spec(spec):
    k = ref.num_symbols(spec)
    seqs = sequences(spec, k)
    used = set(a for s in seqs for a in s)
    if used != set(range(k)):
        fail(f"{spec}: test generator missed symbols")
    width = max(map(len, seqs))
    arr = np.full((len(seqs), width), -1, dtype="<i4")
    for r, s in enumerate(seqs):
        arr[r, :len(s)] = s
    np.save("in.npy", arr)
    p = subprocess.run([SHORTCUT, "simulate", spec, "--input-npy", "in.npy", "--json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{spec}: exit {p.returncode}: {p.stderr.strip()}")
        return
    try:
        got = json.loads(p.stdout)
    except ValueError as e:
        fail(f"{spec}: stdout is not JSON ({e}): {p.stdout[:200]!r}")
        return
    want_names = {spec, ref.canonical(spec)}
    if got.get("automaton") not in want_names:
        fail(f"{spec}: automaton {got.get('automaton')!r}, expected one of {want_names}")
    rows = got.get("labels")
    if not isinstance(rows, list) or len(rows) != len(seqs):
        fail(f"{spec}: {len(rows) if isinstance(rows, list) else rows} label rows, "
             f"expected {len(seqs)}")
        return
    bad = 0
    for r, s in enumerate(seqs):
        want = ref.labels(spec, s) + [-1] * (width - len(s))
        if rows[r] != want:
            bad += 1
            if bad <= 3:
                t = next(i for i in range(width) if i >= len(rows[r]) or rows[r][i] != want[i])
                fail(f"{spec}: row {r} (length {len(s)}): first difference at t={t}: "
                     f"got {rows[r][t] if t < len(rows[r]) else 'nothing'}, want {want[t]}; "
                     f"tokens {s[:t + 1][-12:]}")
    if bad:
        fail(f"{spec}: {bad} of {len(seqs)} rows differ")
    return len(seqs)


def check_fixed_tables():
    """The reference's definitions reproduce DESIGN.md's literal tables (quaternion, abab)."""
    q0, step, enc, _ = ref.make("quaternion")
    states = [(1, "1"), (1, "i"), (1, "j"), (1, "k"), (-1, "1"), (-1, "i"), (-1, "j"),
              (-1, "k")]
    rows = [[enc(step(s, a)) for a in range(4)] for s in states]
    pos = [[0, 1, 2, 3], [1, 4, 3, 6], [2, 7, 4, 1], [3, 2, 5, 4]]
    if rows != pos + [[(x + 4) % 8 for x in r] for r in pos]:
        fail(f"reference quaternion table {rows}")
    q0, step, enc, _ = ref.make("abab")
    if q0 != 3 or [[step(q, a) for a in range(2)] for q in range(5)] != \
            [[4, 1], [2, 4], [4, 3], [0, 4], [4, 4]]:
        fail("reference abab table")


def check_literal():
    p = subprocess.run([SHORTCUT, "simulate", "parity", "--input", "1,1,0,1"],
                       capture_output=True, text=True)
    if p.returncode != 0 or p.stdout != "1,0,0,1\n":
        fail(f"simulate parity --input 1,1,0,1: exit {p.returncode}, {p.stdout!r}")
    # the comma-list path agrees with the reference too
    for spec, toks in (("D8", [1, 1, 0, 1, 1, 1, 0, 0, 1]), ("Q8", [1, 2, 3, 1, 1, 2]),
                       ("S5", [1, 2, 1, 1, 2, 0, 1]), ("Dyck", [0, 1, 3, 2, 0, 0, 0, 0, 0])):
        p = subprocess.run([SHORTCUT, "simulate", spec, "--input", ",".join(map(str, toks))],
                           capture_output=True, text=True)
        want = ",".join(map(str, ref.labels(spec, toks))) + "\n"
        if p.returncode != 0 or p.stdout != want:
            fail(f"simulate {spec} --input: got {p.stdout!r} (exit {p.returncode}), "
                 f"want {want!r}")


def check_list():
    p = subprocess.run([SHORTCUT, "list", "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"list --json: exit {p.returncode}")
        return
    got = json.loads(p.stdout)
    names = [a["name"] for a in got["automata"]]
    if sorted(names) != sorted(ref.DEFAULTS):
        fail(f"list: names {names}")
    for a in got["automata"]:
        spec = a["name"]
        if a["spec"] != ref.canonical(spec):
            fail(f"list: {spec} spec {a['spec']!r}, want {ref.canonical(spec)!r}")
        if a["states"] != ref.num_states(spec) or a["symbols"] != ref.num_symbols(spec):
            fail(f"list: {spec} |Q|,|Σ| = {a['states']},{a['symbols']}, want "
                 f"{ref.num_states(spec)},{ref.num_symbols(spec)}")
    if set(got["aliases"]) != set(ref.ALIASES) or any(
            ref.canonical(v) != ref.canonical(ref.ALIASES[k]) for k, v in got["aliases"].items()):
        fail(f"list: aliases {got['aliases']}")


check_fixed_tables()
check_literal()
check_list()
total = 0
for spec in SPECS:
    total += run_spec(spec) or 0
print(f"{len(SPECS)} specs, {total} sequences compared, {len(failures)} failures")
sys.exit(1 if failures else 0)
