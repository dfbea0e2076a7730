#!/usr/bin/env bash
# make demo: the main job from nothing (deps and build are done by make), in well under a
# minute: the catalog and datasets re-verified by exact simulation, the talk's testbed table
# (algebra, circuit class, Krohn-Rhodes depth), the compiled parity Transformer certified in
# distribution and out of it (the talk's diagnosis), and a float32 PyTorch forward pass
# certified against the exact semantics with the proven tolerance (and a planted bug caught).
set -eu
bin=$(cd "$(dirname "${1:-build/shortcut}")" && pwd)/$(basename "${1:-build/shortcut}")
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-/usr/bin/python3}
dir=$root/build/demo
rm -rf "$dir" && mkdir -p "$dir"
cd "$dir"
"$bin" demo --dir "$dir"

echo
echo "== 3. The talk's testbeds: algebra and predicted depth (shortcut analyze --catalog,"
echo "      shortcut decompose: levels of the Krohn-Rhodes cascade = layers of Theorem 2)"
echo
"$bin" analyze --catalog | sed -n '1,/^$/p'
printf "%-8s %-10s %s\n" testbed cascade "levels (top-down, SgpDec notation)"
for a in parity C3 D8 Q8 S5 Grid9 FF2 abab T4; do
  out=$("$bin" decompose "$a" --no-certify)
  kind=$(echo "$out" | sed -n 's/^decomposition: //p')
  lv=$(echo "$out" | grep -E '^[0-9]+:' | sed 's/^[0-9]*: //' | paste -sd'/' | sed 's|/| / |g')
  printf "%-8s %-10s %s\n" "$a" "${kind%%-*}" "$lv"
done

echo
echo "== 4. The talk's diagnosis: a parity Transformer compiled for lengths <= 16"
echo "      (shortcut compile), run in PyTorch float32, certified against the automaton"
echo
"$bin" compile parity --max-length 16 --positions 64 --out parity16.safetensors
"$PY" -c "
import sys; sys.path.insert(0, '$root/tools')
import numpy as np, canonical
m, _ = canonical.load('parity16.safetensors')
rng = np.random.default_rng(0)
for name, T in (('in', 16), ('longer', 64)):
    x = rng.integers(0, 2, size=(1000, T)).astype(np.int32)
    np.save(name + '.x.npy', x)
    np.save(name + '.pred.npy', canonical.run(m, x, 'F32')[1])
"
"$bin" certify predictions --automaton parity --dataset in-distribution=in.x.npy,in.pred.npy \
  --dataset longer=longer.x.npy,longer.pred.npy || echo "(exit $?: FAIL out of distribution, as the talk predicts)"

echo
echo "== 5. Is a float implementation right? A random softmax Transformer (LayerNorm, GELU)"
echo "      run in PyTorch float32, certified against the exact semantics with the proven"
echo "      float32 tolerance; then the same model with its causal mask off by one"
echo
"$PY" "$root/tools/canonical.py" random model.safetensors --seed 1 --n_layers 1 --n_heads 2 \
  --d_model 16 --d_mlp 32 --vocab 5 --n_classes 3 --attention softmax --activation gelu \
  --dtype f32
"$PY" -c "import numpy as np; np.save('x.npy', np.random.default_rng(1).integers(0, 5, (8, 16)).astype(np.int32))"
"$PY" "$root/tools/canonical.py" run model.safetensors x.npy torch32 --dtype f32
"$bin" certify outputs --model model.safetensors --inputs x.npy --outputs torch32.logits.npy \
  --format f32 | sed -n '1,4p'
"$PY" "$root/tools/canonical.py" run model.safetensors x.npy buggy --dtype f32 --bug mask_off_by_one
"$bin" certify outputs --model model.safetensors --inputs x.npy --outputs buggy.logits.npy \
  --format f32 | sed -n '1,4p' || true

echo
echo "== 6. One sequence by hand: shortcut simulate parity --input 1,1,0,1"
"$bin" simulate parity --input 1,1,0,1
