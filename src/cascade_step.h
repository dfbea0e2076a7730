/* The level-step kernel of a cascade (src/cascade.h): pure, no allocation, proved by
 * proofs/prove_cascade.sh against spec/cascade.acsl. */
#ifndef SC_CASCADE_STEP_H
#define SC_CASCADE_STEP_H

#include <stdint.h>

#define SC_DEP_PERM (-2)

#include "../spec/cascade.acsl"

/* The update of one level's state `old` by the transformation its upper levels selected:
 *   reset >= -1: the constant map onto `reset` (-1 = inactive): *out = reset;
 *   reset == SC_DEP_PERM: the permutation perm[0..m-1] (values < m) of the component whose
 *     values are off..off+m-1: requires off <= old < off+m; *out = off + perm[old - off].
 * Returns 0, or -1 (out untouched) when reset < SC_DEP_PERM, old is outside the component,
 * perm is NULL, perm[old-off] >= m, or off + m > INT32_MAX. */
/*@ requires step_out: \valid(out);
    requires step_perm_readable:
      reset == SC_DEP_PERM && perm != \null && off <= old < off + m ==>
        \valid_read(perm + (old - off));
    requires step_apart: \separated(out, perm + (0 .. m - 1));
    behavior reset:
      assumes reset >= -1;
      assigns *out;
      ensures step_reset: \result == 0 && *out == sc_level_action(reset, off, perm, old);
    behavior permute:
      assumes sc_level_permutes(reset, off, m, perm, old);
      assigns *out;
      ensures step_action: \result == 0 && *out == sc_level_action(reset, off, perm, old);
      ensures step_closed: off <= *out < off + m;
    behavior reject:
      assumes reset < -1 && !sc_level_permutes(reset, off, m, perm, old);
      assigns \nothing;
      ensures step_rejected: \result == -1;
    complete behaviors;
    disjoint behaviors; */
int sc_cascade_level_step(int32_t reset, uint32_t off, uint32_t m, const uint32_t *perm,
                          int32_t old, int32_t *out);

#endif
