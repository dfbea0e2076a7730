"""Benchmark: one causal softmax attention head, T = 256, d = 64, float64 inputs.

Run through tests/bench/bench_attention.sh, which builds the C driver (bench_attention.c)
and calls:  python3 bench_attention.py path/to/build/bench/bench_attention
(tests/bench/run.sh also calls every bench_*.py with the `shortcut` CLI as argument; then
this script only says so and leaves the work to bench_attention.sh, which run.sh runs too.)

Inputs: Q, K, V ~ N(0, 1) float64 (numpy default_rng(20240606)), written to one binary
file that both sides read. The computation (DESIGN.md §3): s_ij = q_i.k_j / sqrt(d) for
j <= i, a_ij = exp(s_ij - max_j s_ij) / sum_j exp(s_ij - max_j s_ij), out_i = sum_j a_ij v_j.
  ours    sc_attn_softmax_iv at 128 bits: a rigorous enclosure of every out_i[c] (the C
          driver times the call only; inputs are converted to enclosures before)
  mpmath  mp.prec = 128, the same real computation with mp.fdot / mp.exp / mp.fsum (inputs
          converted to mpf before the clock starts). Full T takes ~2 s per run, so each
          round times the rows i = 15, 31, ..., 255 and scales by the work ratio
          sum_i (i+1) / sum_{timed i} (i+1) (every step of row i costs O(i+1)); one full run
          (all rows) is also timed once and printed.
  torch   float64, one thread: (Q @ K.T) / sqrt(d), causal mask (-inf), softmax, @ V.
Rounds alternate ours / mpmath / torch (noisy machine); reported are medians.
Checks: every enclosure contains the 256-bit mpmath value (rows 0, 1, 127, 255; this is the
rigorous check: that value is within ~2^-250 of the real one), and the 128-bit mpmath value
(all rows of the full run; it carries its own rounding error of a few 2^-128, so a miss there
is reported with its distance, not failed); torch's float64 result cannot lie inside
enclosures ~1e-35 wide: its distance to the enclosures is reported in units of
2^-52 * max|v| and checked against a loose float64 bound (T * 2^-52 * max|v|).
Env: BENCH_ROUNDS (5), BENCH_T (256), BENCH_D (64), BENCH_RUNS (3 timed calls per round).
"""
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import numpy as np

DRIVER = sys.argv[1] if len(sys.argv) > 1 else ""
if os.path.basename(DRIVER) != "bench_attention":
    print("bench_attention.py: run by bench_attention.sh (which builds the C driver); skipped here")
    sys.exit(0)

import mpmath  # noqa: E402
import torch  # noqa: E402
from mpmath import mp, mpf  # noqa: E402

T = int(os.environ.get("BENCH_T", 256))
D = int(os.environ.get("BENCH_D", 64))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
RUNS = int(os.environ.get("BENCH_RUNS", 3))
MP_GOAL, TORCH_GOAL = 200.0, 300.0

rng = np.random.default_rng(20240606)
Q, K, V = (rng.standard_normal((T, D)) for _ in range(3))
tmp = tempfile.mkdtemp(prefix="bench_attn.")
inp, outp = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.txt")
with open(inp, "wb") as f:
    f.write(np.array([T, D], dtype="<i8").tobytes())
    for M in (Q, K, V):
        f.write(np.ascontiguousarray(M, dtype="<f8").tobytes())


SIMD = []  # the driver's "simd 0|1" lines: the fast path's AVX-512 IFMA kernels in use


def run_ours(runs, *extra):
    r = subprocess.run([DRIVER, inp, outp, str(runs), "128", *extra], capture_output=True,
                       text=True)
    if r.returncode:
        sys.exit("driver failed: " + r.stderr)
    SIMD.extend(l.split()[1] for l in r.stdout.splitlines() if l.startswith("simd "))
    return [float(l.split()[1]) for l in r.stdout.splitlines() if l.startswith("time ")]


def read_enclosures():
    enc = []
    with open(outp) as f:
        for line in f:
            ml, el, mh, eh = (int(x) for x in line.split())
            enc.append((Fraction(ml) * Fraction(2) ** el, Fraction(mh) * Fraction(2) ** eh))
    return enc


def frac(y):
    sign, man, exp, _ = y._mpf_  # exact: (-1)^sign * man * 2^exp
    return (-1) ** sign * Fraction(man) * Fraction(2) ** exp


def mp_setup():
    Qm = [[mpf(float(x)) for x in r] for r in Q]
    Km = [[mpf(float(x)) for x in r] for r in K]
    Vc = [[mpf(float(V[j, c])) for j in range(T)] for c in range(D)]
    return Qm, Km, Vc


def mp_row(i, Qm, Km, Vc, scale):
    s = [mp.fdot(Qm[i], Km[j]) * scale for j in range(i + 1)]
    m = max(s)
    e = [mp.exp(x - m) for x in s]
    Z = mp.fsum(e)
    return [mp.fdot(e, Vc[c][: i + 1]) / Z for c in range(D)]


def mp_time(rows):
    mp.prec = 128
    Qm, Km, Vc = mp_setup()
    t0 = time.perf_counter()
    scale = 1 / mp.sqrt(D)
    res = {i: mp_row(i, Qm, Km, Vc, scale) for i in rows}
    return time.perf_counter() - t0, res


torch.set_num_threads(1)
Qt, Kt, Vt = (torch.from_numpy(M) for M in (Q, K, V))
mask = torch.ones(T, T, dtype=torch.bool).tril()


def torch_attn():
    s = (Qt @ Kt.T) / math.sqrt(D)
    s = s.masked_fill(~mask, float("-inf"))
    return torch.softmax(s, dim=-1) @ Vt


def torch_time(reps=50):
    torch_attn()
    t0 = time.perf_counter()
    for _ in range(reps):
        y = torch_attn()
    return (time.perf_counter() - t0) / reps, y


sub_rows = list(range(15, T, 16)) or [T - 1]
work_ratio = (T * (T + 1) / 2) / sum(i + 1 for i in sub_rows)
t_ours, t_mp, t_torch = [], [], []
for r in range(ROUNDS):
    t_ours += run_ours(RUNS)
    t_mp.append(mp_time(sub_rows)[0] * work_ratio)
    t_torch.append(torch_time()[0])
t_ref = run_ours(1, "ref")[0]  # the MPFR reference path, once (informative)
t_ours_after = run_ours(RUNS)
t_full, mp128 = mp_time(range(T))
enc = read_enclosures()

mo, mm, mt = statistics.median(t_ours), statistics.median(t_mp), statistics.median(t_torch)
print(f"softmax attention, one head, T={T}, d={D}, float64 inputs; {ROUNDS} interleaved rounds")
print(f"  ours   (enclosure, 128 bits)     median {mo * 1e3:9.3f} ms  ({len(t_ours)} runs;"
      f" min {min(t_ours) * 1e3:.3f}, max {max(t_ours) * 1e3:.3f};"
      f" IFMA kernels: {'yes' if SIMD and SIMD[0] == '1' else 'no'})")
print(f"  ours, MPFR reference path (1 run)       {t_ref * 1e3:9.3f} ms  (fast path speed-up"
      f" {t_ref / mo:.1f}x)")
print(f"  mpmath (mp.prec=128)             median {mm * 1e3:9.3f} ms  (rows {sub_rows[0]},"
      f"{sub_rows[1] if len(sub_rows) > 1 else ''},..,{sub_rows[-1]} timed, x{work_ratio:.2f}"
      f" work ratio); full run once: {t_full * 1e3:.1f} ms")
print(f"  torch float64 (1 thread)         median {mt * 1e3:9.3f} ms")
ok_mp = mm / mo >= MP_GOAL
ok_t = mo / mt <= TORCH_GOAL
print(f"  ratio mpmath / ours = {mm / mo:8.1f}x   (goal >= {MP_GOAL:.0f}x: "
      f"{'MET' if ok_mp else 'NOT MET'}; with the full mpmath run: {t_full / mo:.1f}x)")
print(f"  ratio ours / torch  = {mo / mt:8.1f}x   (goal <= {TORCH_GOAL:.0f}x: "
      f"{'MET' if ok_t else 'NOT MET'})")

# ---- correctness
fail = 0
vmax = float(np.abs(V).max())
widths = []
for i in range(T):
    for c in range(D):
        lo, hi = enc[i * D + c]
        if lo > hi:
            fail = 1
        mid = abs(lo + hi) / 2
        widths.append(float((hi - lo) / mid) if mid else 0.0)
print(f"  enclosure widths: max relative {max(widths):.3g} (2^{math.log2(max(widths) or 1e-300):.1f}),"
      f" median {statistics.median(widths):.3g}")
mp.prec = 256
Qm, Km, Vc = mp_setup()
sc256 = 1 / mp.sqrt(D)
miss256 = 0
for i in sorted({0, min(1, T - 1), T // 2 - 1, T - 1}):
    for c, y in enumerate(mp_row(i, Qm, Km, Vc, sc256)):
        lo, hi = enc[i * D + c]
        if not lo <= frac(y) <= hi:
            miss256 += 1
print(f"  256-bit mpmath values inside the enclosures (4 rows): "
      f"{'all' if not miss256 else f'{miss256} MISSED'}")
fail |= miss256 > 0
out128, worst = 0, 0.0
for i, row in mp128.items():
    for c, y in enumerate(row):
        lo, hi = enc[i * D + c]
        yv = frac(y)
        if not lo <= yv <= hi:
            out128 += 1
            dist = float(max(lo - yv, yv - hi) / abs(yv)) if yv else float("inf")
            worst = max(worst, dist)
print(f"  128-bit mpmath values inside the enclosures (all rows): "
      + ("all" if not out128 else f"{T * D - out128} of {T * D}; outside by <= {worst:.3g}"
         f" relative (mpmath's own rounding)"))
y = torch_time(1)[1].numpy()
dmax = 0.0
for i in range(T):
    for c in range(D):
        lo, hi = enc[i * D + c]
        yv = Fraction(float(y[i, c]))
        dmax = max(dmax, float(max(lo - yv, yv - hi, 0)))
units = dmax / (2.0 ** -52 * vmax)
print(f"  torch float64 vs enclosures: max distance {dmax:.3g} = {units:.2f} x 2^-52 max|v|"
      f" (bound T x 2^-52 max|v|: {'ok' if units <= T else 'EXCEEDED'})")
fail |= units > T
for p in (inp, outp):
    os.unlink(p)
os.rmdir(tmp)
sys.exit(1 if fail else 0)
