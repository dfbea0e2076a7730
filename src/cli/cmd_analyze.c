/* STUB — being written. */
#include "cli.h"
int cmd_analyze(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "shortcut analyze: not built yet\n"); return SC_EXIT_USAGE; }
