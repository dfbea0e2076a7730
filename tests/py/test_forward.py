"""`shortcut forward` against the real client: random canonical models built in PyTorch
(tools/canonical.py; 1-3 layers, 1-4 heads, d <= 64, T <= 128, relu/gelu, layernorm/none,
softmax/hard/uniform) run in float32 and float64 (run by tests/run_cli.sh with $SHORTCUT,
cwd = a fresh temp dir). For every model and input:
  - the exact enclosure [mid - rad, mid + rad] lies inside the float64 and float32 bounds;
  - torch float64 logits lie inside the float64 bound, float32 logits inside the float32 one;
  - logits perturbed just beyond the bound are outside it, and one-layer models get tight
    float64 bounds (rigorous worst-case bounds grow by 10^3-10^5 per layer: see README);
  - rational models (uniform/hard attention, ReLU, no LayerNorm) are exact (rad = distance
    to the nearest double); irrational ones have relative width <= 2^-100 at 128 bits;
  - certified predictions equal torch's argmax wherever torch's top-2 margin is clear.
Plus malformed models and inputs: exit 4, one line on stderr, no output files."""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools"))
import canonical  # noqa: E402

from clitest import SC, checks, ok, run  # noqa: E402


CONFIGS = [
    dict(n_layers=1, n_heads=1, d_model=8, d_mlp=16, attention="softmax", norm="layernorm",
         activation="relu"),
    dict(n_layers=2, n_heads=2, d_model=16, d_mlp=32, attention="softmax", norm="layernorm",
         activation="gelu"),
    dict(n_layers=3, n_heads=4, d_model=32, d_mlp=64, attention="softmax", norm="none",
         activation="gelu"),
    dict(n_layers=1, n_heads=4, d_model=64, d_mlp=64, attention="softmax", norm="layernorm",
         activation="gelu", T=128),
    dict(n_layers=2, n_heads=1, d_model=8, d_mlp=8, attention="hard", norm="none",
         activation="relu"),
    dict(n_layers=2, n_heads=2, d_model=16, d_mlp=16, attention="hard", norm="layernorm",
         activation="relu"),
    dict(n_layers=2, n_heads=2, d_model=16, d_mlp=24, attention="uniform", norm="none",
         activation="relu"),
    dict(n_layers=3, n_heads=3, d_model=24, d_mlp=24, attention="uniform", norm="layernorm",
         activation="gelu"),
    dict(n_layers=1, n_heads=1, d_model=4, d_mlp=4, attention="hard", norm="none",
         activation="relu", positional="none"),
]


def check_model(i, cfg, dtype):
    cfg = dict(cfg)
    T = cfg.pop("T", 24)
    cfg.update(vocab=5, n_classes=3, max_len=max(T, 32))
    model = canonical.random_model(cfg, seed=100 + i)
    path = f"m{i}{dtype}.safetensors"
    canonical.save(model, path, dtype)
    model, _ = canonical.load(path)
    rng = np.random.default_rng(i)
    x = rng.integers(0, 5, size=(3, T)).astype(np.int32)
    x[2, T // 2:] = -1  # a padded row
    np.save("x.npy", x)
    out = {}
    for fmt in ("f64", "f32"):
        p = run("forward", "--model", path, "--input", "x.npy", "--out", f"o{fmt}",
                "--bound", fmt, "--json")
        out[fmt] = json.loads(p.stdout)
        ok("A3 dot products" in out[fmt]["assumptions"], "assumptions printed")
    mid, rad = np.load("of64.mid.npy"), np.load("of64.rad.npy")
    pred = np.load("of64.pred.npy")
    lo = {f: np.load(f"o{f}.lo.npy") for f in ("f64", "f32")}
    hi = {f: np.load(f"o{f}.hi.npy") for f in ("f64", "f32")}
    valid = x >= 0
    rational = cfg["attention"] != "softmax" and cfg["norm"] == "none" and \
        cfg["activation"] == "relu"
    ok(out["f64"]["mode"] == ("exact" if rational else "enclosure"), "mode")
    if not rational:
        ok(out["f64"]["max_relative_width"] <= 2.0 ** -100, out["f64"])
    for f in ("f64", "f32"):
        ok(np.all(lo[f][valid] <= (mid - rad)[valid]) and
           np.all((mid + rad)[valid] <= hi[f][valid]), f"exact enclosure inside the {f} bound")
    ok(np.all(pred[~valid] == -1) and np.all(np.isnan(mid[~valid])), "padding")
    widths = {}
    for f, tdt in (("f64", "F64"), ("f32", "F32")):
        for r in range(3):
            n = int(valid[r].sum())
            logits, tpred = canonical.run(model, x[r:r + 1, :n], tdt)
            got = logits[0].astype(np.float64)
            ok(np.all(lo[f][r, :n] <= got) and np.all(got <= hi[f][r, :n]),
               f"model {i} ({dtype}) row {r}: torch {f} logits inside the proven {f} bound; "
               f"worst excess {np.max(np.maximum(lo[f][r, :n] - got, got - hi[f][r, :n]))}")
            w = hi[f][r, :n] - lo[f][r, :n]
            widths[f] = max(widths.get(f, 0), float(np.max(w / (1 + np.abs(got)))))
            bump = got + 2 * (w + np.abs(got) * 1e-15 + 1e-300)
            ok(np.all(bump > hi[f][r, :n]), "perturbed beyond the bound: outside")
            if f == "f64":
                top2 = np.sort(got, axis=-1)[:, -2:]
                clear = (top2[:, 1] - top2[:, 0]) > 1e-6
                ok(np.array_equal(pred[r, :n][clear], tpred[0][clear]),
                   "certified predictions = torch argmax where clear")
    if cfg["n_layers"] == 1:  # worst-case bounds grow ~10^3-10^5 per layer (README)
        ok(widths["f64"] < 1e-6, f"one layer: float64 bound tight: {widths}")
    return widths


def malformed():
    good = canonical.random_model(dict(n_layers=1, n_heads=1, d_model=4, d_mlp=4, vocab=3,
                                       n_classes=2, max_len=8), seed=1)
    canonical.save(good, "good.safetensors", "F32")
    raw = open("good.safetensors", "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])

    def write(name, hdr, data=None):
        text = json.dumps(hdr, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        body = raw[8 + n:] if data is None else data
        open(name, "wb").write(struct.pack("<Q", len(text)) + text + body)

    cases = {}
    h = json.loads(json.dumps(header)); h["__metadata__"]["format"] = "other/1"
    cases["format"] = h
    h = json.loads(json.dumps(header)); h["__metadata__"]["n_heads"] = "3"
    cases["heads"] = h
    h = json.loads(json.dumps(header)); h["__metadata__"]["norm"] = "rmsnorm"
    cases["norm"] = h
    h = json.loads(json.dumps(header)); h["__metadata__"]["extra"] = "1"
    cases["extra key"] = h
    h = json.loads(json.dumps(header)); del h["__metadata__"]["ln_eps"]
    cases["missing key"] = h
    h = json.loads(json.dumps(header)); h["__metadata__"]["d_model"] = "-4"
    cases["negative"] = h
    h = json.loads(json.dumps(header)); h["unembed.weight"]["shape"] = [4, 2]
    cases["shape"] = h
    for name, hdr in cases.items():
        write("bad.safetensors", hdr)
        p = run("forward", "--model", "bad.safetensors", "--input", "in.npy", "--out", "b",
                code=4)
        ok(len(p.stderr.strip().splitlines()) == 1 and "bad.safetensors" in p.stderr,
           (name, p.stderr))
    # a NaN weight, a missing tensor, a token out of range, a too long input
    data = bytearray(raw[8 + n:])
    b0 = header["embed.weight"]["data_offsets"][0]
    data[b0:b0 + 4] = struct.pack("<f", float("nan"))
    write("bad.safetensors", header, bytes(data))
    p = run("forward", "--model", "bad.safetensors", "--input", "in.npy", "--out", "b", code=4)
    ok("finite" in p.stderr, p.stderr)
    np.save("in.npy", np.array([[0, 1, 2, 3]], dtype=np.int32))
    p = run("forward", "--model", "good.safetensors", "--input", "in.npy", "--out", "b", code=4)
    ok("token" in p.stderr and "in.npy" in p.stderr, p.stderr)
    np.save("in.npy", np.zeros((1, 9), dtype=np.int32))
    p = run("forward", "--model", "good.safetensors", "--input", "in.npy", "--out", "b", code=4)
    ok("max_len" in p.stderr, p.stderr)
    ok(not [f for f in os.listdir(".") if f.startswith("b.")], "no output left behind")


np.save("in.npy", np.array([[0, 1, 2]], dtype=np.int32))
malformed()
for i, cfg in enumerate(CONFIGS):
    for dtype in (("F64", "F32") if i < 3 else ("F32",)):
        w = check_model(i, cfg, dtype)
        print(f"model {i} {cfg['attention']}/{cfg['norm']}/{cfg['activation']} {dtype}: "
              f"relative bound widths f64 {w['f64']:.2e}, f32 {w['f32']:.2e}")
print(f"test_forward: {checks()} checks passed")
