"""`shortcut fuzz` end to end (run by tests/run_cli.sh with $SHORTCUT, cwd = a fresh temp dir):
  automaton  correct numpy implementations of parity and flip-flop stay clean; a parity that is
             wrong on sequences longer than 7 is shrunk to exactly eight zeros; a flip-flop that
             mishandles the pair write1, write2 is shrunk to exactly [1, 2]; replay.sh
             reproduces; the same seed gives the same inputs; environment variables work;
  model      the canonical PyTorch model (tools/canonical.py) in float32 passes; with the planted
             bug mask_off_by_one it fails and is shrunk to a sequence of length 2, replayable;
  bad CMD    wrong shape, wrong dtype, exit status 3, killed by a signal, nothing written, a
             timeout, usage errors: the documented exit code and one clear stderr line."""
import glob
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CANONICAL = os.path.join(HERE, "..", "..", "tools", "canonical.py")
sys.path.insert(0, os.path.dirname(CANONICAL))
import canonical  # noqa: E402

SC = os.environ["SHORTCUT"]
PY = sys.executable
checks = 0
T0 = time.time()


def ok(cond, what):
    global checks
    assert cond, what
    checks += 1


def fuzz(*args, code=0):
    t = time.time()
    p = subprocess.run([SC, "fuzz", *map(str, args)], capture_output=True, text=True)
    assert p.returncode == code, (args, p.returncode, p.stdout[-3000:], p.stderr[-3000:])
    print(f"  {time.time() - t:6.1f} s  exit {p.returncode}  fuzz {' '.join(map(str, args))[:90]}")
    return p


def fuzz_json(*args, code=0):
    return json.loads(fuzz(*args, "--json", code=code).stdout)


def script(name, body):
    with open(name, "w") as f:
        f.write("import sys\nimport numpy as np\nx = np.load(sys.argv[1])\n" + body)
    return f"{PY} {name} {{in}} {{out}}"


def one_line_error(p, *needles):
    lines = p.stderr.strip().splitlines()
    ok(len(lines) == 1, p.stderr)
    ok(lines[0].startswith("shortcut"), lines[0])
    for n in needles:
        ok(n in lines[0], (n, lines[0]))
    return lines[0]


# ------------------------------------------------------------------ automata
par_ok = script("par_ok.py", "np.save(sys.argv[2], (np.cumsum(x, axis=1) % 2).astype(np.int32))\n")
par_long = script("par_long.py", """y = (np.cumsum(x, axis=1) % 2).astype(np.int64)
if x.shape[1] > 7:
    y ^= 1          # wrong on every sequence longer than 7
np.save(sys.argv[2], y)
""")
FF = """def ff(x, bug):
    y = np.zeros(x.shape, dtype=np.int32)
    for r in range(x.shape[0]):
        q = 0
        for t in range(x.shape[1]):
            s = int(x[r, t])
            q = s if s else q
            if bug and t and s == 2 and x[r, t - 1] == 1:
                q = 1   # forgets 'write 2' right after 'write 1'
            y[r, t] = q
    return y
"""
ff_ok = script("ff_ok.py", FF + "np.save(sys.argv[2], ff(x, False))\n")
ff_bug = script("ff_bug.py", FF + "np.save(sys.argv[2], ff(x, True))\n")

d = fuzz_json("--automaton", "parity", "--model-cmd", par_ok, "--iterations", 8, "--rows", 64)
ok(d["verdict"] == "PASS" and d["failure"] is None and d["iterations"] == 8 and d["runs"] == 8,
   d)
ok(d["automaton"] == "parity:prob1=0.5" and d["sequences"] > 8 and d["tokens"] > d["sequences"],
   d)
ok(not glob.glob("fuzz-out/repro*") and not glob.glob("fuzz-out/*.tmp.*"), os.listdir("fuzz-out"))
p = fuzz("--automaton", "parity", "--model-cmd", par_ok, "--iterations", 1)
ok(p.stdout.startswith("fuzz: PASS: 1 batches, 32 sequences, 2048 tokens"), p.stdout)

d = fuzz_json("--automaton", "parity", "--model-cmd", par_long, "--iterations", 20,
              "--out", "par", code=1)
fl = d["failure"]
ok(d["verdict"] == "FAIL" and fl["input"] == [0] * 8, fl)           # minimal: exactly 8 zeros
ok(fl["row"] == 0 and fl["position"] == 0 and fl["expected"] == 0 and fl["got"] == 1, fl)
ok(d["signature"] == "FAIL automaton=parity:prob1=0.5 row=0 position=0 input=0,0,0,0,0,0,0,0 "
   "expected=0 got=1", d["signature"])
ok(d["shrink"]["status"] == "ok" and d["shrink"]["rows"] == 1 and d["shrink"]["length"] == 8, d)
ok(d["original"]["iteration"] == 0 and d["original"]["length"] == 64, d["original"])
rep = np.load("par/repro.input.npy")
ok(rep.dtype == np.int32 and rep.shape == (1, 8) and not rep.any(), rep)
ok(np.load("par/repro.output.npy").tolist() == [[1] * 8], "repro output")
ok(np.load("par/failing.input.npy").shape == (d["original"]["rows"], 64), "failing batch kept")
r = subprocess.run(["sh", "par/replay.sh"], capture_output=True, text=True)
ok(r.returncode == 1 and "verdict: FAIL" in r.stdout, (r.returncode, r.stdout, r.stderr))
ok(len(open("par/replay.sh").read().strip().splitlines()) == 4, "replay.sh: one command")

d = fuzz_json("--automaton", "FF2", "--model-cmd", ff_ok, "--iterations", 4, "--rows", 64)
ok(d["verdict"] == "PASS", d)
p = fuzz("--automaton", "FF2", "--model-cmd", ff_bug, "--iterations", 30, "--out", "ff", code=1)
out = p.stdout.splitlines()               # text report: the signature line first
ok(out[0] == "FAIL automaton=flipflop:n=2 row=0 position=1 input=1,2 expected=2 got=1", out)
ok(out[1].startswith("found at iteration ") and "shrunk in" in out[1] and
   out[1].endswith("to (1, 2)"), out)
ok(out[2].endswith("replay: sh " + os.path.abspath("ff") + "/replay.sh"), out)
r = subprocess.run(["sh", "ff/replay.sh"], capture_output=True, text=True)
ok(r.returncode == 1, (r.stdout, r.stderr))

# reproducible inputs: the same seed, the same batches; another seed, others
log = script("log.py", """import hashlib, os
with open(os.environ["SHORTCUT_DIR"] + "/../inputs.log", "a") as f:
    f.write(hashlib.sha256(x.tobytes() + str(x.shape).encode()).hexdigest() + "\\n")
np.save(sys.argv[2], (np.cumsum(x, axis=1) % 2).astype(np.int32))
""")
logs = []
for seed in (5, 5, 6):
    if os.path.exists("inputs.log"):
        os.remove("inputs.log")
    fuzz("--automaton", "parity", "--model-cmd", log, "--seed", seed, "--iterations", 4,
         "--max-length", 20, "--out", "seed")
    logs.append(open("inputs.log").read().split())
ok(logs[0] == logs[1] and len(logs[0]) == 4 and logs[0] != logs[2], logs)
ok(len(set(logs[0])) == 4, "four different batches")

# the environment instead of placeholders, output in any integer dtype
env_cmd = (f"{PY} -c \"import os, numpy as np; x = np.load(os.environ['SHORTCUT_IN']); "
           f"assert os.environ['SHORTCUT_FORMAT'] == 'int'; "
           f"np.save(os.environ['SHORTCUT_OUT'], (np.cumsum(x, axis=1) % 2).astype(np.uint8))\"")
fuzz("--automaton", "parity", "--model-cmd", env_cmd, "--iterations", 2)

# ------------------------------------------------------------------ bad commands and outputs
shape_cmd = script("shape.py", "np.save(sys.argv[2], np.zeros((x.shape[0], x.shape[1] + 1), "
                               "np.int32))\n")
p = fuzz("--automaton", "parity", "--model-cmd", shape_cmd, "--iterations", 2, code=4)
one_line_error(p, "output.npy", "field 'shape'", "expected (32, 64)", "got (32, 65)")
float_cmd = script("float.py", "np.save(sys.argv[2], np.zeros(x.shape))\n")
p = fuzz("--automaton", "parity", "--model-cmd", float_cmd, "--iterations", 2, code=4)
one_line_error(p, "output.npy", "field 'descr'", "integer", "'<f8'")
p = fuzz("--automaton", "parity", "--model-cmd", "echo boom >&2; exit 3", code=4)
one_line_error(p, "exited with status 3", "boom", "iteration 0")
p = fuzz("--automaton", "parity", "--model-cmd", "kill -SEGV $$", code=4)
one_line_error(p, "killed by signal 11")
p = fuzz("--automaton", "parity", "--model-cmd", "true", code=4)
one_line_error(p, "wrote no output", "output.npy")
with open("junk.npy", "wb") as f:
    f.write(b"\x93NUMPY junk")
p = fuzz("--automaton", "parity", "--model-cmd", "cp junk.npy {out}", code=4)
one_line_error(p, "output.npy", "offset")
t = time.time()
p = fuzz("--automaton", "parity", "--model-cmd", "sleep 20", "--timeout", 0.5, code=5)
one_line_error(p, "did not finish within 0.5 s")
ok(time.time() - t < 10, "timeout honoured")
ok(not glob.glob("fuzz-out/*.tmp.*") and not glob.glob("fuzz-out/repro*"), os.listdir("fuzz-out"))
for args in ((), ("--automaton", "parity"), ("--model-cmd", "true"),
             ("--model-cmd", "true", "--automaton", "parity", "--model", "m.safetensors"),
             ("--model-cmd", "true", "--automaton", "parity", "--format", "f32"),
             ("--model-cmd", "true", "--automaton", "parity", "--rows", "0"),
             ("--model-cmd", "true", "--automaton", "parity", "--bogus")):
    p = fuzz(*args, code=2)
    one_line_error(p, "fuzz")
p = fuzz("--model-cmd", "true", "--automaton", "nosuch", code=4)
one_line_error(p)

# ------------------------------------------------------------------ models (PyTorch)
torch_model = canonical.random_model({"vocab": 3, "n_classes": 3, "max_len": 8}, seed=3)
canonical.save(torch_model, "m.safetensors", "F32")
# model outputs with numpy only (no torch start-up): wrong dtype, wrong shape
p = fuzz("--model", "m.safetensors", "--model-cmd", float_cmd, "--iterations", 1, code=4)
one_line_error(p, "field 'descr'", "'<f4'", "--format f32", "got '<f8'")
f32_shape = script("f32shape.py", "np.save(sys.argv[2], np.zeros(x.shape, np.float32))\n")
p = fuzz("--model", "m.safetensors", "--model-cmd", f32_shape, "--iterations", 1, code=4)
one_line_error(p, "field 'shape'", "n_classes", "expected (32, 8, 3)")
p = fuzz("--model", "m.safetensors", "--model-cmd", "true", "--max-length", 9, code=2)
one_line_error(p, "max_len")

run = f"{PY} {CANONICAL} run m.safetensors {{in}} {{dir}}/run --dtype f32"
d = fuzz_json("--model", "m.safetensors", "--model-cmd", f"{run} && mv {{dir}}/run.logits.npy "
              "{out}", "--iterations", 2)
ok(d["verdict"] == "PASS" and d["runs"] == 2 and d["undecided"] == 0, d)
d = fuzz_json("--model", "m.safetensors", "--model-cmd", f"{run} --bug mask_off_by_one && "
              "mv {dir}/run.logits.npy {out}", "--iterations", 2, "--max-length", 4,
              "--out", "mask", code=1)
fl = d["failure"]
ok(len(fl["input"]) == 2 and fl["position"] == 0, fl)    # length 1 cannot show a mask bug
ok(not (fl["exact"][0] <= fl["got"] <= fl["exact"][1]) and
   not (fl["bound"][0] <= fl["got"] <= fl["bound"][1]), fl)
ok(d["signature"].startswith("FAIL model=m.safetensors format=f32 tol=proven row=0 position=0 "),
   d["signature"])
ok(np.load("mask/repro.output.npy").shape == (1, 2, 3), "repro logits")
r = subprocess.run(["sh", "mask/replay.sh"], capture_output=True, text=True)
ok(r.returncode == 1 and "verdict: FAIL" in r.stdout, (r.returncode, r.stdout, r.stderr))

print(f"test_fuzz_cli: {checks} checks passed in {time.time() - T0:.1f} s")
