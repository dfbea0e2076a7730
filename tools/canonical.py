#!/usr/bin/python3
"""The canonical Transformer of DESIGN.md §5 in PyTorch: the real client of shortcut's tests.

A model is an nn.Module whose parameter names ARE the canonical tensor names (embed.weight,
pos.weight, layers.{i}.attn.q.weight, ...), so export is a plain walk over state_dict().
Forward (pre-LN, causal, PyTorch nn.Linear convention W x + b with W of shape [out, in]):
    h_t = embed[x_t] + pos[t]                       (pos omitted when positional = none)
    per layer:  h += O( Attn( Q(LN1 h), K(LN1 h), V(LN1 h) ) );  h += fc2( act( fc1(LN2 h) ) )
    logits = unembed( LN_f h ),  prediction = argmax (first index on ties, as torch.argmax)
Heads: d_head = d_model / n_heads; head j uses columns j*d_head .. (j+1)*d_head - 1 of the
projected Q, K and V, and the heads' outputs are concatenated in that order before O.
Attention at position i over j <= i, scores s_ij = q_i . k_j / sqrt(d_head):
    softmax  alpha = softmax_j(s_ij)
    hard     the plain average of v_j over {j <= i : s_ij = max_j s_ij} (ties averaged)
    uniform  the plain average of v_j over j <= i
LayerNorm: biased variance, eps inside the sqrt (torch.nn.functional.layer_norm); norm = none
skips LN1, LN2 and LN_f. GELU is the erf form. Biases are optional (a missing bias is zero).

The safetensors writer and reader are written by hand (Debian packages no Python safetensors
module): header = compact JSON, "__metadata__" first with sorted keys, tensors sorted by name,
each entry's keys in the order dtype, shape, data_offsets, header padded with spaces to a
multiple of 8 bytes, data in header order without gaps -- the layout shortcut's writer uses.

Command line (used by the tests):
  canonical.py random OUT.safetensors [--seed S] [--dtype f32|f64] [--KEY VALUE ...]
      a random model (KEY: n_layers n_heads d_model d_mlp vocab n_classes max_len norm
      activation attention positional ln_eps bias)
  canonical.py run MODEL.safetensors INPUT.npy OUT_PREFIX [--dtype f32|f64] [--bug NAME]
      logits (OUT_PREFIX.logits.npy, float of the given dtype, shape (N, T, n_classes)) and
      predictions (OUT_PREFIX.predictions.npy, int32 (N, T)) for int inputs (N, T).
"""
import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

FORMAT = "shortcut-transformer/1"
DEFAULTS = {"n_layers": 1, "n_heads": 1, "d_model": 8, "d_mlp": 16, "vocab": 2,
            "n_classes": 2, "max_len": 16, "norm": "layernorm", "activation": "relu",
            "attention": "softmax", "positional": "learned", "ln_eps": 1e-5}
INT_KEYS = ("n_layers", "n_heads", "d_model", "d_mlp", "vocab", "n_classes", "max_len")
CHOICES = {"norm": ("layernorm", "none"), "activation": ("relu", "gelu"),
           "attention": ("softmax", "hard", "uniform"), "positional": ("learned", "none")}
DTYPES = {"F32": (torch.float32, "<f4"), "F64": (torch.float64, "<f8")}


def check_config(cfg):
    for k in INT_KEYS:
        if int(cfg[k]) < 1:
            raise ValueError(f"{k} must be >= 1, got {cfg[k]}")
    if cfg["d_model"] % cfg["n_heads"]:
        raise ValueError("d_model must be a multiple of n_heads")
    for k, allowed in CHOICES.items():
        if cfg[k] not in allowed:
            raise ValueError(f"{k} must be one of {allowed}, got {cfg[k]!r}")


class Linear(nn.Module):
    """nn.Linear with an optional bias, parameters named weight / bias."""

    def __init__(self, n_in, n_out, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_out, n_in))
        self.bias = nn.Parameter(torch.zeros(n_out)) if bias else None

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


# Planted implementation bugs for the certification tests (issue 7): set BUG to one of
# these names and the forward pass goes subtly wrong the way real kernels do.
BUGS = ("ln_unbiased", "mask_off_by_one", "scale_1_over_d", "softmax_half")
BUG = None


class Norm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))
        self.eps = eps

    def forward(self, x):
        if BUG == "ln_unbiased":  # the unbiased variance (divides by n - 1)
            mu = x.mean(-1, keepdim=True)
            var = x.var(-1, keepdim=True, unbiased=True)
            return (x - mu) / torch.sqrt(var + self.eps) * self.weight + self.bias
        return F.layer_norm(x, (x.shape[-1],), self.weight, self.bias, self.eps)


class Attention(nn.Module):
    def __init__(self, cfg, bias):
        super().__init__()
        d = cfg["d_model"]
        self.q, self.k, self.v, self.o = (Linear(d, d, bias) for _ in range(4))
        self.n_heads, self.kind = cfg["n_heads"], cfg["attention"]

    def forward(self, x):
        b, t, d = x.shape
        dh = d // self.n_heads

        def split(y):
            return y.view(b, t, self.n_heads, dh).transpose(1, 2)  # (b, heads, t, dh)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device)
        causal = causal.tril(1) if BUG == "mask_off_by_one" else causal.tril()
        if self.kind == "uniform":
            w = causal.to(x.dtype) / torch.arange(1, t + 1, dtype=x.dtype).unsqueeze(1)
            w = w.expand(b, self.n_heads, t, t)
        else:
            s = (q @ k.transpose(-1, -2)) / (dh if BUG == "scale_1_over_d" else math.sqrt(dh))
            s = s.masked_fill(~causal, float("-inf"))
            if self.kind == "softmax" and BUG == "softmax_half":  # scores and weights in fp16
                w = torch.softmax(s.to(torch.float16).to(torch.float32), dim=-1)
                w = w.to(torch.float16).to(x.dtype)
            elif self.kind == "softmax":
                w = torch.softmax(s, dim=-1)
            else:  # hard: average over the arg-max set
                top = (s == s.amax(dim=-1, keepdim=True)) & causal
                w = top.to(x.dtype) / top.sum(dim=-1, keepdim=True).to(x.dtype)
        y = (w @ v).transpose(1, 2).reshape(b, t, d)
        return self.o(y)


class MLP(nn.Module):
    def __init__(self, cfg, bias):
        super().__init__()
        self.fc1 = Linear(cfg["d_model"], cfg["d_mlp"], bias)
        self.fc2 = Linear(cfg["d_mlp"], cfg["d_model"], bias)
        self.act = F.relu if cfg["activation"] == "relu" else (lambda z: F.gelu(z))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Layer(nn.Module):
    def __init__(self, cfg, bias):
        super().__init__()
        norm = cfg["norm"] == "layernorm"
        self.ln1 = Norm(cfg["d_model"], cfg["ln_eps"]) if norm else None
        self.ln2 = Norm(cfg["d_model"], cfg["ln_eps"]) if norm else None
        self.attn, self.mlp = Attention(cfg, bias), MLP(cfg, bias)

    def forward(self, h):
        h = h + self.attn(self.ln1(h) if self.ln1 else h)
        return h + self.mlp(self.ln2(h) if self.ln2 else h)


class Canonical(nn.Module):
    def __init__(self, cfg, bias=True):
        super().__init__()
        cfg = {**DEFAULTS, **cfg}
        check_config(cfg)
        self.cfg = cfg
        d = cfg["d_model"]
        self.embed = nn.Embedding(cfg["vocab"], d)
        self.pos = nn.Embedding(cfg["max_len"], d) if cfg["positional"] == "learned" else None
        self.layers = nn.ModuleList(Layer(cfg, bias) for _ in range(cfg["n_layers"]))
        self.ln_f = Norm(d, cfg["ln_eps"]) if cfg["norm"] == "layernorm" else None
        self.unembed = Linear(d, cfg["n_classes"], bias)

    def forward(self, x):
        t = x.shape[1]
        if t > self.cfg["max_len"]:
            raise ValueError(f"sequence length {t} > max_len {self.cfg['max_len']}")
        h = self.embed(x)
        if self.pos is not None:
            h = h + self.pos.weight[:t]
        for layer in self.layers:
            h = layer(h)
        return self.unembed(self.ln_f(h) if self.ln_f else h)


def metadata(cfg):
    return {"format": FORMAT, **{k: str(cfg[k]) if k != "ln_eps" else repr(float(cfg[k]))
                                 for k in DEFAULTS}}


def random_model(cfg, seed=0, dtype=torch.float64, bias=True, scale=1.0):
    """Weights ~ N(0, scale^2 / fan_in) (embeddings N(0, scale^2)), LayerNorm gains near 1."""
    torch.manual_seed(seed)
    m = Canonical(cfg, bias).to(dtype)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name.endswith("ln1.weight") or name.endswith("ln2.weight") or \
                    name == "ln_f.weight":
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif p.dim() == 2 and not name.startswith(("embed", "pos")):
                p.copy_(torch.randn_like(p) * scale / math.sqrt(p.shape[1]))
            else:
                p.copy_(torch.randn_like(p) * scale * (0.1 if name.endswith("bias") else 1))
    return m


def save(model, path, dtype="F64"):
    """Canonical safetensors: every parameter in one dtype (F32 or F64)."""
    tdtype, npdtype = DTYPES[dtype]
    tensors = sorted((n, p.detach().to(tdtype).cpu().numpy().astype(npdtype))
                     for n, p in model.state_dict().items())
    header = {"__metadata__": dict(sorted(metadata(model.cfg).items()))}
    off = 0
    for name, a in tensors:
        header[name] = {"dtype": dtype, "shape": list(a.shape),
                        "data_offsets": [off, off + a.nbytes]}
        off += a.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for _, a in tensors:
            f.write(a.tobytes())


def load(path):
    """Read a canonical model (either dtype); returns (model, dtype name)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} model")
    cfg = {k: (int(meta[k]) if k in INT_KEYS else float(meta[k]) if k == "ln_eps" else meta[k])
           for k in DEFAULTS}
    dtypes = {e["dtype"] for e in header.values()}
    if len(dtypes) != 1 or not dtypes <= set(DTYPES):
        raise ValueError(f"{path}: expected one dtype among F32, F64, got {sorted(dtypes)}")
    dtype = dtypes.pop()
    model = Canonical(cfg, bias=True).to(DTYPES[dtype][0])
    for name, mod in model.named_modules():  # biases are optional, one by one
        if isinstance(mod, Linear) and name + ".bias" not in header:
            mod.bias = None
    state = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        a = np.frombuffer(raw[8 + n + b:8 + n + end], dtype=DTYPES[dtype][1])
        state[name] = torch.from_numpy(a.reshape(e["shape"]).copy())
    model.load_state_dict(state, strict=True)
    return model, dtype


def run(model, x, dtype, bug=None):
    """Logits and predictions for int inputs x (N, T) in the given float dtype, optionally
    with one of the planted BUGS."""
    global BUG
    if bug is not None and bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}")
    BUG = bug
    model = model.to(DTYPES[dtype][0])
    with torch.no_grad():
        try:
            logits = model(torch.as_tensor(np.asarray(x, dtype=np.int64)))
        finally:
            BUG = None
    return logits.numpy(), logits.argmax(dim=-1).numpy().astype(np.int32)


def main(argv):
    if len(argv) < 2 or argv[0] not in ("random", "run"):
        sys.stderr.write(__doc__.split("Command line (used by the tests):")[1])
        return 2
    args, opts = [], {}
    it = iter(argv[1:])
    for a in it:
        if a.startswith("--"):
            opts[a[2:]] = next(it)
        else:
            args.append(a)
    dtype = {"f32": "F32", "f64": "F64"}[opts.pop("dtype", "f64")]
    if argv[0] == "random":
        seed = int(opts.pop("seed", 0))
        bias = opts.pop("bias", "1") == "1"
        cfg = {k: (int(v) if k in INT_KEYS else float(v) if k == "ln_eps" else v)
               for k, v in opts.items()}
        save(random_model(cfg, seed, bias=bias), args[0], dtype)
        return 0
    model, _ = load(args[0])
    logits, pred = run(model, np.load(args[1]), dtype, opts.pop("bug", None))
    np.save(args[2] + ".logits.npy", logits.astype(DTYPES[dtype][1]))
    np.save(args[2] + ".predictions.npy", pred)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
