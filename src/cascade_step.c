/* The level-step kernel (contract in cascade_step.h). */
#include "cascade_step.h"

int sc_cascade_level_step(int32_t reset, uint32_t off, uint32_t m, const uint32_t *perm,
                          int32_t old, int32_t *out)
{
    if (reset >= -1) {
        *out = reset;
        return 0;
    }
    if (reset != SC_DEP_PERM || !perm || off > (uint32_t)INT32_MAX ||
        m > (uint32_t)INT32_MAX - off || old < 0 || (uint32_t)old < off ||
        (uint32_t)old - off >= m)
        return -1;
    uint32_t y = perm[(uint32_t)old - off];
    if (y >= m)
        return -1;
    *out = (int32_t)(off + y);
    return 0;
}
