"""Benchmark: `shortcut gen` labelled tokens per second vs two numpy generators.

Workload (same for all three): S5 (symmetric:n=5, 120 states, 3 symbols), every symbol
i.i.d. uniform, T = 100, labels q_1..q_T, inputs and labels written as int32 npy files.
  ours        `shortcut gen S5 --sampling uniform --count N --length 100 --out DIR/x` (one
              thread; process start-up and file writes included)
  vectorised  numpy over the batch: tokens = rng.integers(0, 3, (N, T)); then one table
              lookup per time step across all rows, q = delta[q, tokens[:, t]]; np.save both
  loop        a per-sequence Python loop as synthseq does it (np.random per sequence, a
              Python loop over t for the states), on fewer sequences; np.save both
Files go to /dev/shm (tmpfs) when writable, else a temp directory (printed).
Runs alternate between the generators so machine noise hits them alike. Reported: the
median wall time and the median CPU time (user+sys, the process's own), tokens/s, and the
ratios ours/vectorised and ours/loop. The labels written by `shortcut gen` are re-derived
by the vectorised numpy fold (a correctness check inside the benchmark).

Environment: BENCH_N (default 1000000), BENCH_LOOP_N (20000), BENCH_RUNS (5),
BENCH_LOOP_RUNS (3).
"""
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

SC = sys.argv[1]
N = int(os.environ.get("BENCH_N", 1000000))
LOOP_N = int(os.environ.get("BENCH_LOOP_N", 20000))
RUNS = int(os.environ.get("BENCH_RUNS", 5))
LOOP_RUNS = int(os.environ.get("BENCH_LOOP_RUNS", 3))
T = 100


def s5_table():
    """delta[q, s] for S5 as in DESIGN.md §4: arrangements in lexicographic order, 0 = id,
    1 = left rotation new[i] = old[(i+1) mod 5], 2 = swap positions 0 and 1."""
    perms = sorted(itertools.permutations(range(5)))
    index = {p: i for i, p in enumerate(perms)}
    d = np.zeros((120, 3), dtype=np.int32)
    for i, p in enumerate(perms):
        d[i, 0] = i
        d[i, 1] = index[tuple(p[(j + 1) % 5] for j in range(5))]
        d[i, 2] = index[(p[1], p[0]) + p[2:]]
    return d


DELTA = s5_table()


def fold(delta, tokens):
    """Vectorised labels: one lookup per time step across the batch."""
    n, t_len = tokens.shape
    labels = np.empty((n, t_len), dtype=np.int32)
    q = np.zeros(n, dtype=np.int32)
    for t in range(t_len):
        q = delta[q, tokens[:, t]]
        labels[:, t] = q
    return labels


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_ours(out, seed, threads=1):
    prefix = os.path.join(out, "ours")
    c0, w0 = cpu_children(), time.perf_counter()
    subprocess.run([SC, "gen", "S5", "--sampling", "uniform", "--count", str(N), "--length",
                    str(T), "--seed", str(seed), "--out", prefix, "--quiet",
                    "--threads", str(threads)], check=True)
    w1, c1 = time.perf_counter(), cpu_children()
    return w1 - w0, c1 - c0, prefix


def run_vectorised(out, seed):
    c0, w0 = cpu_self(), time.perf_counter()
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, 3, size=(N, T), dtype=np.int32)
    labels = fold(DELTA, tokens)
    np.save(os.path.join(out, "vec.inputs.npy"), tokens)
    np.save(os.path.join(out, "vec.labels.npy"), labels)
    w1, c1 = time.perf_counter(), cpu_self()
    del tokens, labels
    return w1 - w0, c1 - c0


def run_floor(out, arrays):
    """The cost of writing the two arrays alone (np.save of data already in memory)."""
    c0, w0 = cpu_self(), time.perf_counter()
    np.save(os.path.join(out, "floor.inputs.npy"), arrays[0])
    np.save(os.path.join(out, "floor.labels.npy"), arrays[1])
    w1, c1 = time.perf_counter(), cpu_self()
    return w1 - w0, c1 - c0


def run_loop(out, seed):
    c0, w0 = cpu_self(), time.perf_counter()
    np.random.seed(seed)
    delta = DELTA.tolist()
    xs, ys = [], []
    for _ in range(LOOP_N):
        x = np.random.randint(0, 3, size=T)
        q, states = 0, []
        for s in x:
            q = delta[q][s]
            states.append(q)
        xs.append(x)
        ys.append(states)
    np.save(os.path.join(out, "loop.inputs.npy"), np.array(xs, dtype=np.int32))
    np.save(os.path.join(out, "loop.labels.npy"), np.array(ys, dtype=np.int32))
    w1, c1 = time.perf_counter(), cpu_self()
    return w1 - w0, c1 - c0


def main():
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    out = tempfile.mkdtemp(prefix="shortcut-bench-", dir=base)
    where = "tmpfs /dev/shm" if base else "temp dir " + out
    try:
        print(f"gen benchmark: S5 uniform, T={T}, int32 npy inputs+labels written to {where}")
        print(f"  ours and vectorised: N={N} sequences x {RUNS} runs; loop: N={LOOP_N} x "
              f"{LOOP_RUNS} runs")
        # correctness: our labels are the vectorised fold of our inputs
        _, _, prefix = run_ours(out, 12345)
        x = np.load(prefix + ".inputs.npy", mmap_mode="r")
        y = np.load(prefix + ".labels.npy", mmap_mode="r")
        assert x.dtype == np.dtype("<i4") and x.shape == (N, T), (x.dtype, x.shape)
        m = min(N, 20000)
        assert np.array_equal(fold(DELTA, np.asarray(x[:m])), np.asarray(y[:m])), \
            "labels of shortcut gen differ from the numpy fold"
        counts = np.bincount(np.asarray(x[:m]).ravel(), minlength=3)
        print(f"  check: labels of {m} rows == numpy fold; symbol counts {counts.tolist()}")
        del x, y

        for f in os.listdir(out):
            os.unlink(os.path.join(out, f))
        ones = (np.ones((N, T), dtype=np.int32), np.ones((N, T), dtype=np.int32))
        ours, ours2, vec, loop, floor = [], [], [], [], []
        for i in range(RUNS):
            ours.append(run_ours(out, i)[:2])
            ours2.append(run_ours(out, i, threads=2)[:2])
            vec.append(run_vectorised(out, i))
            floor.append(run_floor(out, ones))
            if i < LOOP_RUNS:
                loop.append(run_loop(out, i))
            for f in os.listdir(out):
                os.unlink(os.path.join(out, f))

        def med(rs, j):
            return statistics.median(r[j] for r in rs)

        tok, ltok = N * T, LOOP_N * T
        rows = [("ours (shortcut gen)", ours, tok), ("numpy vectorised", vec, tok),
                ("python loop (synthseq-style)", loop, ltok),
                ("ours --threads 2 (overlap I/O)", ours2, tok)]
        print(f"  {'generator':30s} {'wall s':>9s} {'Mtok/s':>9s} {'cpu s':>9s} "
              f"{'Mtok/cpu-s':>11s}")
        rate = {}
        for name, rs, n in rows:
            w, c = med(rs, 0), med(rs, 1)
            rate[name] = (n / w, n / c)
            print(f"  {name:30s} {w:9.3f} {n / w / 1e6:9.1f} {c:9.3f} {n / c / 1e6:11.1f}")
        o, v, lp = rate[rows[0][0]], rate[rows[1][0]], rate[rows[2][0]]
        print(f"  ratio ours/vectorised: {o[0] / v[0]:.1f}x wall, {o[1] / v[1]:.1f}x cpu "
              f"(target >= 15x)")
        print(f"  ratio ours/loop:       {o[0] / lp[0]:.0f}x wall, {o[1] / lp[1]:.0f}x cpu")
        o2 = rate[rows[3][0]]
        print(f"  ratio ours --threads 2/vectorised: {o2[0] / v[0]:.1f}x wall")
        print(f"  ours: {o[0] / 1e6:.0f}M labelled tokens/s wall, {o[1] / 1e6:.0f}M per CPU-second"
              f" (1 thread, files included)")
        fw, fc = med(floor, 0), med(floor, 1)
        ow, oc, vw, vc = med(ours, 0), med(ours, 1), med(vec, 0), med(vec, 1)
        print(f"  write floor (np.save of two ready ({N}, {T}) int32 arrays): {fw:.3f} s wall, "
              f"{fc:.3f} s cpu;")
        print(f"    so with files the ratio ours/vectorised cannot exceed {vw / fw:.1f}x wall, "
              f"{vc / fc:.1f}x cpu here;")
        if ow > fw and oc > fc:
            print(f"    beyond the floor: ours {tok / (ow - fw) / 1e6:.0f}M tok/s wall "
                  f"({tok / (oc - fc) / 1e6:.0f}M/cpu-s), vectorised "
                  f"{tok / (vw - fw) / 1e6:.0f}M tok/s wall; compute ratio "
                  f"{(vw - fw) / (ow - fw):.1f}x wall, {(vc - fc) / (oc - fc):.1f}x cpu")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
