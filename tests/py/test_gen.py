"""End-to-end tests of `shortcut gen` (run by tests/run_cli.sh with $SHORTCUT, cwd = a fresh
temp dir): dtypes and shapes, labels == `shortcut simulate`, reproducibility, shards,
--random-length, uint8, the flip-flop language, and error exits leaving no files."""
import json
import os
import subprocess
import sys

import numpy as np

from clitest import SC, checks, ok, run  # noqa: E402


def gen(spec, prefix, *extra):
    return run("gen", spec, "--out", prefix, *extra)


def load(prefix, random_len=False):
    x = np.load(prefix + ".inputs.npy")
    y = np.load(prefix + ".labels.npy")
    n = np.load(prefix + ".lengths.npy") if random_len else None
    return x, y, n


def files():
    return sorted(os.listdir("."))


def simulate(spec, path):
    p = run("simulate", spec, "--input-npy", path, "--json")
    return np.array(json.loads(p.stdout)["labels"], dtype=np.int64)


# 1. dtype, shape, labels == simulate, for several testbeds and samplers
for spec in ["S5", "parity", "C3", "D8", "Q8", "A5", "Grid9", "abab", "Dyck", "T5", "memory"]:
    for sampling in ["default", "uniform"]:
        pre = f"{spec}_{sampling}".replace("^", "")
        gen(spec, pre, "--count", 40, "--length", 23, "--seed", 5, "--sampling", sampling)
        x, y, _ = load(pre)
        ok(x.dtype == np.dtype("<i4") and y.dtype == np.dtype("<i4"), (spec, x.dtype))
        ok(x.shape == (40, 23) and y.shape == (40, 23), (spec, x.shape))
        ok(np.array_equal(simulate(spec, pre + ".inputs.npy"), y), (spec, sampling))

# abab default sampling: some rows are exactly 0101...; Dyck: some rows reach reject
gen("abab", "ab", "--count", 400, "--length", 16)
x, _, _ = load("ab")
pattern = np.all(x == np.arange(16) % 2, axis=1).sum()
ok(40 <= pattern <= 170, ("abab pattern rows", pattern))

# 2. same arguments => byte-identical files; other seed differs
gen("S5", "r1", "--count", 1000, "--length", 50, "--seed", 9)
gen("S5", "r2", "--count", 1000, "--length", 50, "--seed", 9)
gen("S5", "r3", "--count", 1000, "--length", 50, "--seed", 10)
for suf in [".inputs.npy", ".labels.npy"]:
    ok(open("r1" + suf, "rb").read() == open("r2" + suf, "rb").read(), "reproducible")
    ok(open("r1" + suf, "rb").read() != open("r3" + suf, "rb").read(), "seed matters")
# threads do not change the output
for th in [2, 3, 8]:  # pipelined writer + generators; chunks smaller than the row count
    gen("S5", "r4", "--count", 30000, "--length", 50, "--seed", 9, "--threads", th,
        "--random-length", "--dtype", "uint8")
    gen("S5", "r5", "--count", 30000, "--length", 50, "--seed", 9, "--random-length",
        "--dtype", "uint8")
    for suf in [".inputs.npy", ".labels.npy", ".lengths.npy"]:
        ok(open("r4" + suf, "rb").read() == open("r5" + suf, "rb").read(), ("threads", th, suf))
# uniform symbol frequencies (S5: 3 symbols)
x, _, _ = load("r1")
c = np.bincount(x.ravel(), minlength=3)
ok(np.all(np.abs(c - x.size / 3) < 6 * np.sqrt(x.size * 2 / 9)), c)

# 3. shards interleave to the full output (fixed and random length; 1003 rows, 3 shards)
for rl in [[], ["--random-length"]]:
    gen("S5", "full", "--count", 1003, "--length", 37, "--seed", 3, *rl)
    fx, fy, fn = load("full", bool(rl))
    parts = []
    for i in range(3):
        gen("S5", f"sh{i}", "--count", 1003, "--length", 37, "--seed", 3, "--shard", f"{i}/3", *rl)
        parts.append(load(f"sh{i}", bool(rl)))
    ok(sum(p[0].shape[0] for p in parts) == 1003, "shard sizes")
    for i in range(3):
        ok(np.array_equal(parts[i][0], fx[i::3]) and np.array_equal(parts[i][1], fy[i::3]),
           ("shard", i, rl))
        if rl:
            ok(np.array_equal(parts[i][2], fn[i::3]), "shard lengths")
# more shards than rows: an empty (0, T) shard
gen("S5", "tiny", "--count", 2, "--length", 5, "--shard", "4/5")
x, y, _ = load("tiny")
ok(x.shape == (0, 5) and y.shape == (0, 5), x.shape)

# 4. --random-length: lengths uniform in 1..T, padding -1, prefix of the fixed-length rows
gen("S5", "fixed", "--count", 2000, "--length", 30, "--seed", 4)
gen("S5", "var", "--count", 2000, "--length", 30, "--seed", 4, "--random-length")
x, y, n = load("var", True)
fx, fy, _ = load("fixed")
ok(n.dtype == np.dtype("<i4") and n.shape == (2000,), (n.dtype, n.shape))
ok(n.min() >= 1 and n.max() <= 30 and len(np.unique(n)) == 30, "length range")
pos = np.arange(30)[None, :]
pad = pos >= n[:, None]
ok(np.all(x[pad] == -1) and np.all(y[pad] == -1), "padding")
ok(np.all(x[~pad] >= 0) and np.all(y[~pad] >= 0), "no -1 inside")
ok(np.array_equal(np.where(pad, -1, fx), x) and np.array_equal(np.where(pad, -1, fy), y),
   "prefix of the fixed-length rows")
ok(np.array_equal(simulate("S5", "var.inputs.npy"), y), "random-length labels == simulate")

# 5. uint8
gen("S5", "u8", "--count", 300, "--length", 20, "--seed", 4, "--dtype", "uint8")
gen("S5", "i32", "--count", 300, "--length", 20, "--seed", 4)
x, y, _ = load("u8")
ix, iy, _ = load("i32")
ok(x.dtype == np.dtype("|u1") and y.dtype == np.dtype("|u1") and x.shape == (300, 20), x.dtype)
ok(np.array_equal(x.astype(np.int32), ix) and np.array_equal(y.astype(np.int32), iy), "u8 == i32")
gen("S5", "u8v", "--count", 300, "--length", 20, "--seed", 4, "--dtype", "uint8", "--random-length")
gen("S5", "i32v", "--count", 300, "--length", 20, "--seed", 4, "--random-length")
x, y, n = load("u8v", True)
ix, iy, n2 = load("i32v", True)
ok(np.array_equal(np.where(x == 255, -1, x.astype(np.int32)), ix), "u8 pad 255 == -1")
ok(np.array_equal(np.where(y == 255, -1, y.astype(np.int32)), iy), "u8 label pad")
ok(np.array_equal(n, n2), "u8 lengths")

# 6. the flip-flop language
for flags, p_i in [([], 0.8), (["--sparse"], 0.98), (["--dense"], 0.1), (["--p-ignore", 0.5], 0.5)]:
    gen("ffl", "ffl", "--count", 300, "--length", 512, "--seed", 1, *flags)
    x, y, _ = load("ffl")
    ok(x.shape == (300, 512) and x.dtype == np.dtype("<i4"), x.shape)
    ins, bits = x[:, 0::2], x[:, 1::2]
    ok(np.all(ins[:, 0] == 0) and np.all(ins[:, -1] == 1), "starts with w, ends with r")
    ok(np.all((ins >= 0) & (ins <= 2)) and np.all((bits == 3) | (bits == 4)), "alphabet")
    ok(np.all(y[:, 0::2] == -1), "no labels at instructions")
    for r in range(300):
        mem = None
        for p in range(256):
            if ins[r, p] == 0:
                mem = bits[r, p] - 3
            if ins[r, p] == 1:
                assert bits[r, p] - 3 == mem and y[r, 2 * p + 1] == mem
            else:
                assert y[r, 2 * p + 1] == -1
    ok(True, "FFL rows replayed by the definition")
    mid = ins[:, 1:-1].ravel()
    freq = np.bincount(mid, minlength=3) / mid.size
    expect = np.array([(1 - p_i) / 2, (1 - p_i) / 2, p_i])
    ok(np.all(np.abs(freq - expect) < 0.01), (flags, freq))
gen("ffl", "ffl_default_T", "--count", 3)
ok(np.load("ffl_default_T.inputs.npy").shape == (3, 512), "ffl default T = 512")
gen("ffl", "fflu8", "--count", 50, "--length", 64, "--seed", 2, "--dtype", "uint8")
gen("ffl", "ffli", "--count", 50, "--length", 64, "--seed", 2)
u, l = np.load("fflu8.labels.npy"), np.load("ffli.labels.npy")
ok(np.array_equal(np.where(u == 255, -1, u.astype(np.int32)), l), "ffl uint8")
for i in range(2):
    gen("ffl", f"ffs{i}", "--count", 51, "--length", 64, "--seed", 2, "--shard", f"{i}/2")
fx = np.load("ffli.inputs.npy")
ok(np.array_equal(np.load("ffs1.inputs.npy"), fx[1::2]), "ffl shards")

# 7. JSON summary
p = gen("C3", "js", "--count", 7, "--length", 4, "--json", "--random-length")
js = json.loads(p.stdout)
ok(js["count"] == 7 and js["length"] == 4 and js["files"]["lengths"] == "js.lengths.npy", js)

# 8. errors: exit codes and no files left behind
before = files()
usage = [
    ["gen", "S5", "--count", 5, "--length", 5],                          # no --out
    ["gen", "S5", "--length", 5, "--out", "e"],                          # no --count
    ["gen", "S5", "--count", 5, "--out", "e"],                           # no --length
    ["gen", "S5", "--count", 0, "--length", 5, "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 0, "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--shard", "3/3", "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--shard", "1/0", "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--shard", "x", "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--dtype", "int64", "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--sampling", "weird", "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--sparse", "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--bogus", "--out", "e"],
    ["gen", "ffl", "--count", 5, "--length", 7, "--out", "e"],
    ["gen", "ffl", "--count", 5, "--length", 8, "--random-length", "--out", "e"],
    ["gen", "ffl", "--count", 5, "--length", 8, "--p-ignore", 1.5, "--out", "e"],
    ["gen", "ffl", "--count", 5, "--length", 8, "--sparse", "--dense", "--out", "e"],
    ["gen", "--count", 5, "--length", 5, "--out", "e"],
]
for args in usage:
    p = subprocess.run([SC, *map(str, args)], capture_output=True, text=True)
    ok(p.returncode == 2, (args, p.returncode, p.stderr))
    ok(p.stderr.strip() != "", "a diagnostic")
rejected = [
    ["gen", "nosuch", "--count", 5, "--length", 5, "--out", "e"],
    ["gen", "S5", "--count", 5, "--length", 5, "--out", "missing_dir/e"],
    ["gen", "symmetric:n=6", "--count", 5, "--length", 5, "--dtype", "uint8", "--out", "e"],
]
for args in rejected:
    p = subprocess.run([SC, *map(str, args)], capture_output=True, text=True)
    ok(p.returncode == 4, (args, p.returncode, p.stderr))
p = subprocess.run([SC, "gen", "S5", "--count", str(2**40), "--length", str(2**30), "--out", "e"],
                   capture_output=True, text=True)
ok(p.returncode == 5, ("too large", p.returncode, p.stderr))
ok(files() == before, ("files left behind", set(files()) ^ set(before)))
ok(not os.path.exists("missing_dir"), "no directory created")
# a write failure midway (file size limit: EFBIG, like a full disk) -> exit 5, nothing left
import resource
import signal


def small_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


p = subprocess.run([SC, "gen", "S5", "--count", "20000", "--length", "100", "--out", "big"],
                   capture_output=True, text=True, preexec_fn=small_files)
ok(p.returncode == 5, ("EFBIG", p.returncode, p.stderr))
p = subprocess.run([SC, "gen", "S5", "--count", "20000", "--length", "100", "--out", "big",
                    "--threads", "2"], capture_output=True, text=True, preexec_fn=small_files)
ok(p.returncode == 5, ("EFBIG, pipelined", p.returncode, p.stderr))
ok(files() == before, ("files left after a failed write", set(files()) ^ set(before)))
p = run("gen", "--help")
ok("--random-length" in p.stdout and "ffl" in p.stdout, "help")

print(f"test_gen: {checks()} checks passed")
