"""`shortcut certify` end to end with the real client (run by tests/run_cli.sh with $SHORTCUT,
cwd = a fresh temp dir):
  predictions  gen datasets, exact and corrupted predictions, several datasets in one table,
               --lengths, the compiled parity model run in PyTorch: PASS in distribution,
               FAIL beyond its max length (the talk's diagnosis), JSON schema, bad input;
  outputs      random canonical models in PyTorch float32/float64 PASS with the proven
               tolerance; each planted bug (LayerNorm unbiased variance, causal mask off by
               one, scale 1/d, softmax in half precision) FAILs in float64 with a pointer to
               the first failing element; atol/rtol and ulps tolerances, INCONCLUSIVE at an
               exact threshold;
  scan         prefix states and prefix transformations from numpy against the exact scan."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools"))
import canonical  # noqa: E402

from clitest import SC, checks, ok, run  # noqa: E402


def certify_json(*args, code=0):
    return json.loads(run("certify", *args, "--json", code=code).stdout)


# ------------------------------------------------------------------ predictions
run("gen", "S5", "--count", 300, "--length", 50, "--seed", 4, "--out", "s5")
run("gen", "S5", "--count", 300, "--length", 50, "--seed", 5, "--out", "s5r",
    "--random-length")
p = run("certify", "predictions", "--automaton", "S5", "--inputs", "s5.inputs.npy",
        "--predictions", "s5.labels.npy")
ok("verdict: PASS" in p.stdout and "accuracy by position" in p.stdout, p.stdout)
y = np.load("s5.labels.npy")
y[7, 33] = (y[7, 33] + 1) % 120
y[9, 2] = (y[9, 2] + 1) % 120
np.save("bad.npy", y)
d = certify_json("predictions", "--automaton", "S5", "--inputs", "s5.inputs.npy",
                 "--predictions", "bad.npy", code=1)
ds = d["datasets"][0]
ok(not d["all_correct"] and ds["correct"] == 300 * 50 - 2 and ds["sequences_correct"] == 298,
   ds["correct"])
f = ds["first_failure"]
ok(f["row"] == 7 and f["position"] == 33 and f["predicted"] == y[7, 33] and
   len(f["input_prefix"]) == 34, f)
ok(len(ds["per_position"]) == 50 and ds["per_position"][33] < 1 and ds["per_position"][0] == 1,
   "per position")
# random lengths: padding from -1, and the same through --lengths
d = certify_json("predictions", "--automaton", "S5", "--inputs", "s5r.inputs.npy",
                 "--predictions", "s5r.labels.npy")
ok(d["all_correct"] and d["datasets"][0]["positions"] == int(np.load("s5r.lengths.npy").sum()),
   "random lengths")
ok(sum(b["positions"] for b in d["datasets"][0]["per_length"]) == d["datasets"][0]["positions"],
   "length buckets")
d = certify_json("predictions", "--automaton", "S5", "--inputs", "s5.inputs.npy",
                 "--predictions", "bad.npy", "--lengths", "s5r.lengths.npy", code=1)
ok(d["datasets"][0]["positions"] == int(np.load("s5r.lengths.npy").sum()), "--lengths")
# the talk's diagnosis with the compiled parity model run in PyTorch
L = 16
run("compile", "parity", "--max-length", L, "--positions", 4 * L, "--out", "par.safetensors")
model, _ = canonical.load("par.safetensors")
rng = np.random.default_rng(0)
for name, T in (("in", L), ("longer", 4 * L)):
    x = rng.integers(0, 2, size=(200, T)).astype(np.int32)
    np.save(f"{name}.x.npy", x)
    np.save(f"{name}.p.npy", canonical.run(model, x, "F32")[1])
p = run("certify", "predictions", "--automaton", "parity", "--dataset", "in=in.x.npy,in.p.npy",
        "--dataset", "longer=longer.x.npy,longer.p.npy", code=1)
lines = {line.split()[0]: line for line in p.stdout.splitlines() if line.split()}
ok("100.000%" in lines["in"] and " -" in lines["in"], lines["in"])
ok("position 16" in lines["longer"] or "position 1" in lines["longer"], lines["longer"])
ok("verdict: FAIL" in p.stdout, p.stdout)
d = certify_json("predictions", "--automaton", "parity", "--dataset", "in=in.x.npy,in.p.npy",
                 "--dataset", "longer=longer.x.npy,longer.p.npy", code=1)
acc = {x["name"]: x for x in d["datasets"]}
ok(acc["in"]["accuracy"] == 1 and acc["longer"]["first_failure"]["position"] >= L and
   0.5 < acc["longer"]["accuracy"] < 0.75, acc["longer"]["accuracy"])
ok(all(v == 1 for v in acc["longer"]["per_position"][:L]) and
   np.mean(acc["longer"]["per_position"][L:]) < 0.65, "per position: right below L, ~1/2 after")
# bad input
np.save("short.npy", y[:, :10])
p = run("certify", "predictions", "--automaton", "S5", "--inputs", "s5.inputs.npy",
        "--predictions", "short.npy", code=4)
ok(len(p.stderr.strip().splitlines()) == 1 and "short.npy" in p.stderr, p.stderr)
x = np.load("s5.inputs.npy")
x[3, 4] = 7
np.save("badx.npy", x)
p = run("certify", "predictions", "--automaton", "S5", "--inputs", "badx.npy",
        "--predictions", "s5.labels.npy", code=4)
ok("row 3, position 4" in p.stderr, p.stderr)
run("certify", "predictions", "--automaton", "S5", code=2)
run("certify", "nonsense", code=2)

# ------------------------------------------------------------------ outputs
for i, cfg in enumerate([dict(attention="softmax", norm="layernorm", activation="relu"),
                         dict(attention="softmax", norm="layernorm", activation="gelu",
                              n_heads=2, d_model=16, d_mlp=16)]):
    cfg.update(n_layers=1, vocab=4, n_classes=3, max_len=16)
    cfg.setdefault("n_heads", 1), cfg.setdefault("d_model", 8), cfg.setdefault("d_mlp", 16)
    m = canonical.random_model(cfg, seed=7 + i)
    canonical.save(m, "m.safetensors", "F32")
    m, _ = canonical.load("m.safetensors")
    x = np.random.default_rng(i).integers(0, 4, size=(6, 12)).astype(np.int32)
    np.save("x.npy", x)
    for fmt, dt in (("f64", "F64"), ("f32", "F32")):
        np.save("out.npy", canonical.run(m, x, dt)[0])
        d = certify_json("outputs", "--model", "m.safetensors", "--inputs", "x.npy",
                         "--outputs", "out.npy", "--format", fmt)
        ok(d["verdict"] == "PASS" and d["fail"] == 0 and d["elements"] == 6 * 12 * 3 and
           "A3" in d["assumptions"], (fmt, d))
        ok(d["max_ulp_error"] < (1e4 if fmt == "f64" else 1e3), d["max_ulp_error"])
    for bug in canonical.BUGS:  # planted bugs FAIL in float64
        np.save("out.npy", canonical.run(m, x, "F64", bug=bug)[0])
        p = run("certify", "outputs", "--model", "m.safetensors", "--inputs", "x.npy",
                "--outputs", "out.npy", "--format", "f64", code=1)
        ok("verdict: FAIL" in p.stdout and "first failing element: row" in p.stdout, (bug, p.stdout))
        d = certify_json("outputs", "--model", "m.safetensors", "--inputs", "x.npy",
                         "--outputs", "out.npy", "--format", "f64", code=1)
        ff = d["first_failure"]
        ok(not (ff["bound"][0] <= ff["got"] <= ff["bound"][1]), (bug, ff))
        if bug == "mask_off_by_one":  # the last position sees no future: it is right
            ok(ff["position"] < 11, ff)
    print(f"model {i}: correct float32/float64 PASS; planted bugs {', '.join(canonical.BUGS)} "
          "FAIL in float64")
# float32 outputs compared as float32 files; wrong dtype / shape rejected
np.save("out32.npy", canonical.run(m, x, "F32")[0].astype(np.float32))
d = certify_json("outputs", "--model", "m.safetensors", "--inputs", "x.npy", "--outputs",
                 "out32.npy", "--format", "f32")
ok(d["verdict"] == "PASS", d)
p = run("certify", "outputs", "--model", "m.safetensors", "--inputs", "x.npy", "--outputs",
        "out32.npy", "--format", "f64", code=4)
ok("<f8" in p.stderr, p.stderr)
np.save("outbad.npy", np.zeros((6, 11, 3)))
p = run("certify", "outputs", "--model", "m.safetensors", "--inputs", "x.npy", "--outputs",
        "outbad.npy", "--format", "f64", code=4)
ok("shape" in p.stderr, p.stderr)
# explicit tolerances on the compiled parity model (exact rational logits: logit_0 = 1/2)
xp = np.random.default_rng(1).integers(0, 2, size=(3, 8)).astype(np.int32)
np.save("xp.npy", xp)
lg = canonical.run(model, xp, "F64")[0]
np.save("lg.npy", lg)
d = certify_json("outputs", "--model", "par.safetensors", "--inputs", "xp.npy", "--outputs",
                 "lg.npy", "--format", "f64", "--tol", "atol=1e-9,rtol=1e-9")
ok(d["verdict"] == "PASS", d)
d = certify_json("outputs", "--model", "par.safetensors", "--inputs", "xp.npy", "--outputs",
                 "lg.npy", "--format", "f64", "--tol", "ulps=64")
ok(d["verdict"] == "PASS", d)
lg2 = lg.copy()
lg2[1, 3, 0] = 0.5 + 2.0 ** -20  # exact value 1/2: error exactly 2^-20
np.save("lg2.npy", lg2)
d = certify_json("outputs", "--model", "par.safetensors", "--inputs", "xp.npy", "--outputs",
                 "lg2.npy", "--format", "f64", "--tol", "atol=1e-7", code=1)
ok(d["first_failure"]["row"] == 1 and d["first_failure"]["position"] == 3, d)
d = certify_json("outputs", "--model", "par.safetensors", "--inputs", "xp.npy", "--outputs",
                 "lg2.npy", "--format", "f64", "--tol", f"atol={2.0 ** -20!r}", code=3)
ok(d["verdict"] == "INCONCLUSIVE" and d["inconclusive"] == 1, d)
run("certify", "outputs", "--model", "par.safetensors", "--inputs", "xp.npy", "--outputs",
    "lg.npy", "--format", "f64", "--tol", "atol=x", code=2)

# the compiled flip-flop model on FFL samples: torch float32/float64 logits PASS
run("gen", "ffl", "--count", 20, "--length", 64, "--seed", 9, "--out", "ffl")
run("compile", "flipflop", "--max-length", 64, "--out", "ff.safetensors")
ffm, _ = canonical.load("ff.safetensors")
xf = np.load("ffl.inputs.npy")
for fmt, dt in (("f32", "F32"), ("f64", "F64")):
    np.save("ffo.npy", canonical.run(ffm, xf, dt)[0])
    d = certify_json("outputs", "--model", "ff.safetensors", "--inputs", "ffl.inputs.npy",
                     "--outputs", "ffo.npy", "--format", fmt)
    ok(d["verdict"] == "PASS" and d["elements"] == 20 * 64 * 2, (fmt, d))

# ------------------------------------------------------------------ scan
run("gen", "D8", "--count", 40, "--length", 30, "--seed", 2, "--out", "d8")
xs, ys = np.load("d8.inputs.npy"), np.load("d8.labels.npy")
d = certify_json("scan", "--automaton", "D8", "--inputs", "d8.inputs.npy", "--states",
                 "d8.labels.npy")
ok(d["verdict"] == "PASS" and d["compared"] == 40 * 30, d)
# prefix transformations computed by numpy: P_t[x] = delta_{w_t}[P_{t-1}[x]]
aut = json.loads(run("show", "D8", "--json").stdout)
delta = np.array(aut["delta"])  # delta[q][s]
P = np.zeros((40, 30, delta.shape[0]), dtype=np.int32)
cur = np.tile(np.arange(delta.shape[0]), (40, 1))
for t in range(30):
    cur = delta[cur, xs[:, t:t + 1]]
    P[:, t] = cur
np.save("P.npy", P)
d = certify_json("scan", "--automaton", "D8", "--inputs", "d8.inputs.npy", "--states", "P.npy")
ok(d["verdict"] == "PASS" and d["kind"] == "transformations", d)
P[5, 6, 2] = (P[5, 6, 2] + 1) % delta.shape[0]
np.save("P.npy", P)
d = certify_json("scan", "--automaton", "D8", "--inputs", "d8.inputs.npy", "--states", "P.npy",
                 code=1)
ok(d["first_failure"]["row"] == 5 and d["first_failure"]["position"] == 6 and
   d["first_failure"]["point"] == 2 and d["wrong"] == 1, d)
print(f"test_certify: {checks()} checks passed")
