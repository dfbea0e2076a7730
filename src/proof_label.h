/* SC_PROOF_LABEL(l): a C label that only the proof sees (Frama-C defines __FRAMAC__). Asserts
 * and frame conditions refer to the state just before a call through it; in a normal build it
 * expands to nothing, since the compiler would warn that the label is unused. */
#ifndef SC_PROOF_LABEL_H
#define SC_PROOF_LABEL_H

#ifdef __FRAMAC__
#define SC_PROOF_LABEL(l) l:
#else
#define SC_PROOF_LABEL(l)
#endif

#endif
