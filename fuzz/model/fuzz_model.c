/* Model differential: the CORRECT naive float32 forward pass (fuzz/models/naive_f32.c)
 * against the proven float32 tolerance of the oracle. Must never abort. */
#include "../models/naive_f32.c"
#include "../models/differential.c"
