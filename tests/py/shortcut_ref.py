"""Independent reference for the testbed catalog (DESIGN.md §4), in plain Python.

Written from the definitions in DESIGN.md's table, not from the C code: every automaton is a
step function on a human-readable state (a tuple, a stack, a pair (digit, carry), ...) plus
an encoding of that state as the integer label. `labels(spec, tokens)` returns q_1..q_T.

Conventions (DESIGN.md §3): labels are emitted after each token; q0 is never emitted.
"""
import itertools
import math


# ---------------------------------------------------------------------------------------
# Spec strings: aliases, patterns, defaults, canonical form


DEFAULTS = {
    "parity": [("prob1", "0.5")],
    "cyclic": [("n", "5"), ("actions", "2")],
    "product": [("k", "3")],
    "dihedral": [("n", "4")],
    "quaternion": [],
    "symmetric": [("n", "5"), ("actions", "3")],
    "alternating": [("n", "5")],
    "gridworld": [("n", "9"), ("prob1", "0.5")],
    "flipflop": [("n", "2")],
    "memory": [],
    "abab": [("prob1", "0.5"), ("pattern_prob", "0.25")],
    "adder": [("addends", "2"), ("prob1", "0.5")],
    "permutation_reset": [("n", "5"), ("generators", None)],
    "dyck": [("types", "2"), ("depth", "4")],
    "full": [("n", "5")],
}

ALIASES = {
    "C2": "parity",
    "C3": "cyclic:n=3,actions=2",
    "C2^3": "product:k=3",
    "D6": "dihedral:n=3",
    "D8": "dihedral:n=4",
    "Q8": "quaternion",
    "A5": "alternating:n=5",
    "S5": "symmetric:n=5,actions=3",
    "Grid9": "gridworld:n=9",
    "Dyck": "dyck:types=2,depth=4",
    "T5": "full:n=5",
    "FF2": "flipflop:n=2",
}


def expand(spec):
    """Alias or pattern -> catalog spec (still possibly without defaults)."""
    if spec in ALIASES:
        return ALIASES[spec]
    for prefix, name, key in (("C2^", "product", "k"), ("Grid", "gridworld", "n"),
                              ("FF", "flipflop", "n"), ("C", "cyclic", "n"),
                              ("S", "symmetric", "n"), ("A", "alternating", "n"),
                              ("T", "full", "n"), ("D", "dihedral", "n")):
        rest = spec[len(prefix):]
        if spec.startswith(prefix) and rest.isdigit():
            v = int(rest)
            if prefix == "D":
                v //= 2
            if prefix == "C" and v == 2:
                return "parity"
            return f"{name}:{key}={v}" + (",actions=2" if prefix == "C" else "")
    return spec


def parse(spec):
    """-> (name, dict of parameter texts with defaults filled in)."""
    spec = expand(spec)
    name, _, rest = spec.partition(":")
    params = dict(kv.split("=", 1) for kv in rest.split(",")) if rest else {}
    full = {}
    for key, default in DEFAULTS[name]:
        full[key] = params.get(key, default)
    if name == "permutation_reset" and full["generators"] is None:
        n = int(full["n"])
        swap = [1, 0] + list(range(2, n)) if n >= 2 else [0]
        cycle = [(i - 1) % n for i in range(n)]
        full["generators"] = ".".join("".join(map(str, g)) for g in (swap, cycle))
    return name, full


def canonical(spec):
    name, full = parse(spec)
    if not full:
        return name
    parts = []
    for key, _ in DEFAULTS[name]:
        val = full[key]
        if key in ("prob1", "pattern_prob"):
            val = repr(float(val))
            if val.endswith(".0"):
                val = val[:-2]
        parts.append(f"{key}={val}")
    return name + ":" + ",".join(parts)


# ---------------------------------------------------------------------------------------
# The automata: (q0, step(state, token), encode(state), number of symbols)


def arrangements(n):
    return list(itertools.permutations(range(n)))  # lexicographic for sorted input


def is_even(p):
    inversions = sum(1 for i in range(len(p)) for j in range(i + 1, len(p)) if p[i] > p[j])
    return inversions % 2 == 0


def make(spec):
    name, p = parse(spec)
    ival = {k: int(v) for k, v in p.items() if k not in ("prob1", "pattern_prob", "generators")}

    if name == "parity":
        return 0, lambda q, a: q ^ a, lambda q: q, 2

    if name == "cyclic":
        n, k = ival["n"], ival["actions"]
        return 0, lambda q, a: (q + a) % n, lambda q: q, k

    if name == "product":
        k = ival["k"]
        bits0 = (0,) * k

        def step(bits, a):
            if a == 0:
                return bits
            b = list(bits)
            b[a - 1] ^= 1
            return tuple(b)
        return bits0, step, lambda bits: sum(b << j for j, b in enumerate(bits)), k + 1

    if name == "dihedral":
        n = ival["n"]

        def step(s, a):
            toggle, pos = s
            if a == 0:
                return (1 - toggle, pos)
            return (toggle, (pos + (1 if toggle == 0 else -1)) % n)
        return (0, 0), step, lambda s: n * s[0] + s[1], 2

    if name == "quaternion":
        # a quaternion unit as (sign, basis) with basis in 1,i,j,k; multiply on the right
        table = {("1", x): (1, x) for x in "1ijk"}
        table.update({(x, "1"): (1, x) for x in "1ijk"})
        table.update({("i", "i"): (-1, "1"), ("j", "j"): (-1, "1"), ("k", "k"): (-1, "1"),
                      ("i", "j"): (1, "k"), ("j", "k"): (1, "i"), ("k", "i"): (1, "j"),
                      ("j", "i"): (-1, "k"), ("k", "j"): (-1, "i"), ("i", "k"): (-1, "j")})
        basis = "1ijk"

        def step(s, a):
            sign, x = s
            sg, y = table[(x, basis[a])]
            return (sign * sg, y)
        return (1, "1"), step, lambda s: basis.index(s[1]) + (4 if s[0] < 0 else 0), 4

    if name in ("symmetric", "alternating", "permutation_reset"):
        n = ival["n"]
        perms = arrangements(n)
        if name == "alternating":
            perms = [x for x in perms if is_even(x)]
        index = {x: i for i, x in enumerate(perms)}
        ident = tuple(range(n))

        if name == "symmetric":
            acts = [ident, tuple((i + 1) % n for i in range(n)),
                    tuple([1, 0] + list(range(2, n)))]
            for x in perms:
                if len(acts) >= ival["actions"]:
                    break
                if x not in acts:
                    acts.append(x)
            acts = acts[:ival["actions"]]

            def step(s, a):
                return tuple(s[acts[a][i]] for i in range(n))
            return ident, step, index.__getitem__, ival["actions"]

        if name == "alternating":
            def step(s, a):
                if a == 0:
                    return s
                new = list(s)
                new[0], new[1], new[a + 1] = s[1], s[a + 1], s[0]
                return tuple(new)
            return ident, step, index.__getitem__, n - 1

        gens = [tuple(int(c) for c in g) for g in p["generators"].split(".")]
        N = len(perms)

        def step(s, a):
            if a < N:
                return perms[a]
            g = gens[a - N]
            return tuple(g[s[i]] for i in range(n))
        return ident, step, index.__getitem__, N + len(gens)

    if name == "gridworld":
        n = ival["n"]
        return 0, lambda q, a: min(max(q + (1 if a else -1), 0), n - 1), lambda q: q, 2

    if name == "flipflop":
        n = ival["n"]
        return 0, lambda q, a: q if a == 0 else a, lambda q: q, n + 1

    if name == "memory":
        return 0, lambda q, a: q if a == 2 else a, lambda q: q, 3

    if name == "abab":
        # the positions of the pattern 0101...: 3 = before a '0' (start), 0 = after '0',
        # 1 = after '01', 2 = after '010', back to 3 after '0101'; 4 = sink
        expect = {3: 0, 0: 1, 1: 0, 2: 1}
        after = {3: 0, 0: 1, 1: 2, 2: 3}

        def step(q, a):
            if q == 4 or a != expect[q]:
                return 4
            return after[q]
        return 3, step, lambda q: q, 2

    if name == "adder":
        m = ival["addends"]

        def step(s, a):
            digit, carry = s
            total = bin(a).count("1") + carry
            return (total % m, total // m)
        return (0, 0), step, lambda s: s[0] + m * s[1], 2 ** m

    if name == "dyck":
        t, depth = ival["types"], ival["depth"]
        # enumerate the stacks (shortest first, then lexicographically bottom-to-top):
        # meant for the small parameters the tests use, not for depth in the thousands
        stacks = [()]
        for d in range(1, depth + 1):
            stacks += [tuple(x) for x in itertools.product(range(t), repeat=d)]
        index = {x: i for i, x in enumerate(stacks)}
        reject = len(stacks)

        def step(s, a):
            if s == "reject":
                return s
            if a < t:
                return s + (a,) if len(s) < depth else "reject"
            if s and s[-1] == a - t:
                return s[:-1]
            return "reject"
        return (), step, lambda s: reject if s == "reject" else index[s], 2 * t

    if name == "full":
        n = ival["n"]

        def step(q, a):
            if a == 0:
                return (q + 1) % n
            if a == 1:
                return (1 - q) if (n >= 2 and q < 2) else q
            return 1 if (n >= 2 and q == 0) else q
        return 0, step, lambda q: q, 3

    raise KeyError(name)


def num_symbols(spec):
    return make(spec)[3]


def labels(spec, tokens):
    """q_1..q_T of the automaton `spec` on the token list."""
    q, step, encode, k = make(spec)
    out = []
    for a in tokens:
        if not 0 <= a < k:
            raise ValueError(f"symbol {a} out of range 0..{k - 1}")
        q = step(q, a)
        out.append(encode(q))
    return out


def num_states(spec):
    """|Q| by the closed forms of DESIGN.md §4 (independent of any enumeration)."""
    name, p = parse(spec)
    iv = {k: int(v) for k, v in p.items() if k not in ("prob1", "pattern_prob", "generators")}
    if name == "dyck":
        t, d = iv["types"], iv["depth"]
        return sum(t ** e for e in range(d + 1)) + 1
    return {
        "parity": lambda: 2, "cyclic": lambda: iv["n"], "product": lambda: 2 ** iv["k"],
        "dihedral": lambda: 2 * iv["n"], "quaternion": lambda: 8,
        "symmetric": lambda: math.factorial(iv["n"]),
        "alternating": lambda: math.factorial(iv["n"]) // 2, "gridworld": lambda: iv["n"],
        "flipflop": lambda: iv["n"] + 1, "memory": lambda: 2, "abab": lambda: 5,
        "adder": lambda: 2 * iv["addends"],
        "permutation_reset": lambda: math.factorial(iv["n"]), "full": lambda: iv["n"],
    }[name]()
