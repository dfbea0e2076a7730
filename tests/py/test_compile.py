"""`shortcut compile`: the compiled parity and flip-flop Transformers, run by the real client
(PyTorch, tools/canonical.py) in float32 and float64 and by the exact oracle (`forward`) (run by tests/run_cli.sh with $SHORTCUT,
cwd = a fresh temp dir).
  parity L:  predictions = the parity automaton's labels at every position < L (every input of
             length min(L, 10), random ones up to L), about half wrong at L..2L-1;
  flipflop:  on `shortcut gen ffl` samples, the prediction at each r equals the FFL label;
  usage errors exit 2, an unwritable output exits 4, and no file is left behind."""
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools"))
import canonical  # noqa: E402

from clitest import SC, checks, ok, run  # noqa: E402


def simulate_labels(spec, x):
    """Labels of `shortcut simulate` for each row of x (the automaton's truth)."""
    np.save("sim.npy", x.astype(np.int32))
    out = run("simulate", spec, "--input-npy", "sim.npy").stdout.split("\n")
    return np.array([[int(v) for v in line.split(",")] for line in out if line.strip()])


def parity(L):
    for dt in ("f32", "f64"):
        run("compile", "parity", "--max-length", L, "--dtype", dt, "--out", f"p{dt}.safetensors")
        model, stored = canonical.load(f"p{dt}.safetensors")
        ok(stored == dt.upper(), "stored dtype")
        ok(model.cfg["max_len"] == 2 * L and model.cfg["attention"] == "uniform", "metadata")
        rng = np.random.default_rng(L)
        short = np.array(list(itertools.product((0, 1), repeat=min(L, 10))))
        long_in = rng.integers(0, 2, size=(1000, 2 * L))
        truth_short = simulate_labels("parity", short)
        truth_long = simulate_labels("parity", long_in)
        ok(np.array_equal(truth_long, np.cumsum(long_in, axis=1) % 2), "simulate = cumsum")
        for run_dt in ("f32", "f64"):
            _, pred = canonical.run(model, short, run_dt.upper())
            ok(np.array_equal(pred, truth_short), f"parity L={L} every input of length {short.shape[1]} ({run_dt})")
            _, pred = canonical.run(model, long_in, run_dt.upper())
            ok(np.array_equal(pred[:, :L], truth_long[:, :L]),
               f"parity L={L} exact below L ({run_dt})")
            acc = (pred[:, L:] == truth_long[:, L:]).mean()
            ok(0.4 < acc < 0.6, f"parity L={L}: accuracy beyond L is {acc}, expected ~1/2")
            ok((pred[:, L:] == 0).all(), "beyond L the model answers 0")
        print(f"parity L={L} {dt}: exact below L, accuracy {acc:.3f} at L..2L-1")
        # the oracle itself: exact (rational) forward pass of the compiled model
        np.save("px.npy", long_in[:200].astype(np.int32))
        p = run("forward", "--model", f"p{dt}.safetensors", "--input", "px.npy", "--out", "pf",
                "--json")
        ok('"mode": "exact"' in p.stdout and '"undecided": 0' in p.stdout, p.stdout)
        pred, rad = np.load("pf.pred.npy"), np.load("pf.rad.npy")
        ok(np.array_equal(pred[:, :L], truth_long[:200, :L]), "oracle: exact below L")
        ok((pred[:, L:] == 0).all() and (pred[:, L:] != truth_long[:200, L:]).mean() > 0.4,
           "oracle: wrong beyond L")
        ok(rad.max() < 1e-15, "exact logits (radius = distance to the nearest double)")


def flipflop(L):
    run("gen", "ffl", "--count", 100, "--length", L, "--seed", 7, "--out", "ffl")
    x, y = np.load("ffl.inputs.npy"), np.load("ffl.labels.npy")
    for dt in ("f32", "f64"):
        run("compile", "flipflop", "--max-length", L, "--dtype", dt, "--out", "f.safetensors")
        model, _ = canonical.load("f.safetensors")
        for run_dt in ("F32", "F64"):
            _, pred = canonical.run(model, x, run_dt)
            scored = y[:, 1:] >= 0
            ok(scored.sum() > 200, "FFL rows hold reads")
            ok(np.array_equal(pred[:, :-1][scored], y[:, 1:][scored]),
               f"flipflop L={L}: every read predicted ({dt} model, {run_dt})")
    np.save("fx.npy", x[:20].astype(np.int32))
    p = run("forward", "--model", "f.safetensors", "--input", "fx.npy", "--out", "ff", "--json")
    ok('"mode": "exact"' in p.stdout and '"undecided": 0' in p.stdout, p.stdout)
    pred = np.load("ff.pred.npy")
    sc = y[:20, 1:] >= 0
    ok(np.array_equal(pred[:, :-1][sc], y[:20, 1:][sc]), "oracle: every read predicted")
    print(f"flipflop L={L}: {int(scored.sum())} reads of 100 FFL rows all predicted "
          "(torch f32/f64 and the exact oracle)")


def errors():
    for args in (("parity",), ("parity", "--max-length", 0, "--out", "e"),
                 ("parity", "--max-length", 257, "--out", "e"),
                 ("flipflop", "--max-length", 1, "--out", "e"),
                 ("flipflop", "--max-length", 8, "--positions", 9, "--out", "e"),
                 ("xor", "--max-length", 8, "--out", "e"),
                 ("parity", "--max-length", 8, "--dtype", "f16", "--out", "e")):
        p = run("compile", *args, code=2)
        ok(len(p.stderr.strip().splitlines()) == 1, "one line on stderr")
    p = run("compile", "parity", "--max-length", 8, "--out", "no/such/dir/m.safetensors",
            code=4)
    ok(len(p.stderr.strip().splitlines()) == 1 and "no/such/dir" in p.stderr, p.stderr)
    ok(not os.path.exists("e"), "no output left behind")


parity(8)
parity(32)
flipflop(64)
flipflop(256)
errors()
print(f"test_compile: {checks()} checks passed")
