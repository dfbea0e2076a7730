/* Planted bug 3 (ln_unbiased, see fuzz/models/naive_f32.c): the naive float32 forward pass with
 * this bug, against the proven float32 tolerance. Expected to crash: make fuzz-bugs finds it,
 * fuzz/run.sh --replay checks that regress/ reproduces it (signature in ./expect). */
#define SC_MODEL_BUG 3
#include "../models/naive_f32.c"
#include "../models/differential.c"
