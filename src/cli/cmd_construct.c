/* STUB — being written. */
#include "cli.h"
int cmd_construct(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "shortcut construct: not built yet\n"); return SC_EXIT_USAGE; }
